#!/usr/bin/env Rscript
# Regenerates tests/reference/garch/: GARCH(1,1) fits by R's fGarch::garchFit (the reference for
# tests/estimate/garch_test.cpp).
#
#   Rscript tests/reference/make_garch_fixtures.R      (from the repository root)
#
# Input: daily closes of BTC and LTC from ../shared/data/crypto_cmc_top120/prices_close_usd.csv,
# simple returns p_t / p_{t-1} - 1 dated 2019-01-01 .. 2023-12-31 (1826 per asset). The returns are
# not committed (the panel has no licence): the C++ test recomputes them from the shared file.
#
# Output garch/fgarch_fits.csv, one row per (asset, cond.dist):
#   mu, omega, alpha, beta, shape (NA for norm): fGarch coefficients (default sqp optimiser);
#   loglik: the log-likelihood (= -fit@fit$llh);
#   se_*: fGarch's standard errors (hessian = "ropt");
#   loglik_check: the log-likelihood recomputed here from the coefficients with the recursion
#     h_1 = omega + (alpha + beta) mean((x - mu)^2), h_t = omega + alpha z_{t-1}^2 + beta h_{t-1},
#     which must equal loglik (it documents fGarch's initialisation, which Keel reproduces);
#   sd_ahead_1 .. sd_ahead_10: predict(fit, n.ahead = 10)$standardDeviation.
#   persistence = alpha + beta (BTC with t innovations has alpha + beta > 1: the C++ test fits it
#   with enforce_stationarity = false, the others with the default stationarity constraint).
suppressMessages(library(fGarch))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
root <- normalizePath(file.path(dirname(script), "..", ".."))
prices_file <- file.path(root, "..", "shared", "data", "crypto_cmc_top120", "prices_close_usd.csv")
out_dir <- file.path(root, "tests", "reference", "garch")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

prices <- read.csv(prices_file, check.names = FALSE)
dates <- as.Date(prices$date)
keep <- dates >= as.Date("2018-12-31") & dates <= as.Date("2023-12-31")
assets <- c("BTC", "LTC")
returns <- sapply(assets, function(a) {
  p <- prices[[a]][keep]
  p[-1] / p[-length(p)] - 1
})
stopifnot(!anyNA(returns))

recomputed_loglik <- function(x, cf, dist) {
  z <- x - cf[["mu"]]
  n <- length(z)
  h <- numeric(n)
  h[1] <- cf[["omega"]] + (cf[["alpha1"]] + cf[["beta1"]]) * mean(z^2)
  for (t in 2:n) h[t] <- cf[["omega"]] + cf[["alpha1"]] * z[t - 1]^2 + cf[["beta1"]] * h[t - 1]
  if (dist == "norm") sum(dnorm(z, 0, sqrt(h), log = TRUE))
  else sum(log(dstd(z, 0, sqrt(h), nu = cf[["shape"]])))
}

rows <- list()
for (asset in assets) {
  for (dist in c("norm", "std")) {
    x <- returns[, asset]
    fit <- garchFit(~ garch(1, 1), data = x, cond.dist = dist, include.mean = TRUE, trace = FALSE)
    cf <- coef(fit)
    se <- fit@fit$se.coef
    sd_ahead <- predict(fit, n.ahead = 10)$standardDeviation
    row <- data.frame(
      asset = asset, dist = dist,
      mu = cf[["mu"]], omega = cf[["omega"]], alpha = cf[["alpha1"]], beta = cf[["beta1"]],
      shape = if (dist == "std") cf[["shape"]] else NA,
      loglik = -fit@fit$llh[[1]],
      loglik_check = recomputed_loglik(x, cf, dist),
      persistence = cf[["alpha1"]] + cf[["beta1"]],
      se_mu = se[["mu"]], se_omega = se[["omega"]], se_alpha = se[["alpha1"]],
      se_beta = se[["beta1"]], se_shape = if (dist == "std") se[["shape"]] else NA)
    for (h in 1:10) row[[paste0("sd_ahead_", h)]] <- sd_ahead[h]
    rows[[length(rows) + 1]] <- row
  }
}
fits <- do.call(rbind, rows)
stopifnot(all(abs(fits$loglik - fits$loglik_check) < 1e-6 * abs(fits$loglik)))
fits[] <- lapply(fits, function(col) if (is.numeric(col)) sprintf("%.17g", col) else col)
write.csv(fits, file.path(out_dir, "fgarch_fits.csv"), row.names = FALSE,
          quote = FALSE)
cat("fGarch", as.character(packageVersion("fGarch")), "fits written to", out_dir, "\n")
