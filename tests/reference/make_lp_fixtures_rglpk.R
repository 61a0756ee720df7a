#!/usr/bin/env Rscript
# Second peer for the tail-risk LPs (include/keel/optimize/tail_risk.hpp): seeded random min-CVaR,
# min-CDaR and min-MAD problems (and their efficient-return variants) drawn with R's own RNG and
# solved with GLPK's simplex through R's Rglpk (Debian r-cran-rglpk), written to
# tests/reference/lp/rglpk.json. The Python generator (make_lp_fixtures.py) covers the same LPs
# with cvxopt / GLPK / HiGHS on numpy-drawn scenarios; this one shares no code with it.
#
# Run from the repository root:  Rscript tests/reference/make_lp_fixtures_rglpk.R
#
# jsonlite prints at most 15 significant digits, so the scenarios are rounded to 1e-10, written,
# and read back: the LPs are solved on exactly the doubles a JSON reader gets, and the fixture
# round-trips. Each answer is checked here against the measure recomputed from its weights by
# direct formulas (sort for CVaR, running maximum for drawdowns); the script stops on a mismatch.
#
# LPs (variables: w, then the measure's auxiliaries; m = (1 - alpha) T, the tail size):
#   cvar  min z + (1/m) sum u_t,  u_t + r_t'w + z >= 0,  u >= 0            (Rockafellar-Uryasev)
#   cdar  min z + (1/m) sum y_t,  d_t - d_{t-1} + r_t'w >= 0 (d_0 = 0),
#         y_t - d_t + z >= 0,  d, y >= 0           (Chekhlov-Uryasev-Zabarankin, uncompounded)
#   mad   min (1/T) sum (a_t + b_t),  (r_t - rbar)'w - a_t + b_t = 0,  a, b >= 0  (Konno-Yamazaki)
# with sum w = budget, lower <= w <= upper and, for efficient-return, mu'w >= target_return.
suppressPackageStartupMessages({ library(Rglpk); library(jsonlite) })

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20240612)

out_file <- file.path("tests", "reference", "lp", "rglpk.json")

# Fat-tailed daily-crypto-like scenarios with a common factor and occasional crash days.
draw_scenarios <- function(periods, n) {
  factor <- rt(periods, df = 4) * 0.02
  loadings <- runif(n, 0.5, 1.5)
  scales <- runif(n, 0.005, 0.03)
  drift <- runif(n, -0.0005, 0.0015)
  r <- outer(factor, loadings) + sweep(matrix(rt(periods * n, df = 5), periods, n), 2, scales, "*")
  r <- sweep(r, 2, drift, "+")
  crash <- sample.int(periods, max(1, periods %/% 60))
  r[crash, ] <- r[crash, ] - runif(length(crash), 0.05, 0.15)
  round(r, 10)
}

# Historical expected shortfall of the P&L x: mean of the m worst outcomes, the ceil(m)-th with
# weight m - ceil(m) + 1 (the LP's value at its optimum).
expected_shortfall <- function(x, alpha) {
  m <- (1 - alpha) * length(x)
  k <- ceiling(m)
  s <- sort(x)
  -(sum(s[seq_len(k - 1)]) + (m - k + 1) * s[k]) / m
}

measure_value <- function(r, w, measure, alpha) {
  pnl <- as.vector(r %*% w)
  switch(measure,
    cvar = expected_shortfall(pnl, alpha),
    cdar = {
      c <- c(0, cumsum(pnl))
      drawdown <- (cummax(c) - c)[-1]
      expected_shortfall(-drawdown, alpha)
    },
    mad = mean(abs(pnl - mean(pnl))))
}

# Builds and solves one LP; returns the weights and the optimal objective.
solve_lp <- function(r, mu, measure, alpha, cons, target_return) {
  periods <- nrow(r)
  n <- ncol(r)
  m <- (1 - alpha) * periods
  aux <- switch(measure, cvar = 1 + periods, cdar = 1 + 2 * periods, mad = 2 * periods)
  nvar <- n + aux
  rows <- list()
  dirs <- character(0)
  rhs <- numeric(0)
  add <- function(coef, dir, value) {
    rows[[length(rows) + 1]] <<- coef
    dirs <<- c(dirs, dir)
    rhs <<- c(rhs, value)
  }
  row <- function() numeric(nvar)
  e <- row(); e[1:n] <- 1; add(e, "==", cons$budget)
  if (!is.null(target_return)) { e <- row(); e[1:n] <- mu; add(e, ">=", target_return) }
  obj <- numeric(nvar)
  lower <- c(cons$lower, rep(0, aux))
  upper <- c(cons$upper, rep(Inf, aux))
  if (measure == "cvar") {
    z <- n + 1
    u <- n + 1 + seq_len(periods)
    lower[z] <- -Inf
    for (t in seq_len(periods)) { e <- row(); e[1:n] <- r[t, ]; e[z] <- 1; e[u[t]] <- 1; add(e, ">=", 0) }
    obj[z] <- 1
    obj[u] <- 1 / m
  } else if (measure == "cdar") {
    z <- n + 1
    d <- n + 1 + seq_len(periods)
    y <- n + 1 + periods + seq_len(periods)
    lower[z] <- -Inf
    for (t in seq_len(periods)) {
      e <- row(); e[1:n] <- r[t, ]; e[d[t]] <- 1
      if (t > 1) e[d[t - 1]] <- -1
      add(e, ">=", 0)
      e <- row(); e[y[t]] <- 1; e[d[t]] <- -1; e[z] <- 1; add(e, ">=", 0)
    }
    obj[z] <- 1
    obj[y] <- 1 / m
  } else {
    centred <- sweep(r, 2, colMeans(r), "-")
    a <- n + seq_len(periods)
    b <- n + periods + seq_len(periods)
    for (t in seq_len(periods)) {
      e <- row(); e[1:n] <- centred[t, ]; e[a[t]] <- -1; e[b[t]] <- 1; add(e, "==", 0)
    }
    obj[c(a, b)] <- 1 / periods
  }
  all <- seq_len(nvar)
  bounds <- list(lower = list(ind = all, val = lower), upper = list(ind = all, val = upper))
  sol <- Rglpk_solve_LP(obj, do.call(rbind, rows), dirs, rhs, bounds = bounds, max = FALSE)
  if (sol$status != 0) stop(sprintf("GLPK status %d", sol$status))
  list(weights = sol$solution[1:n], objective = sol$optimum)
}

# (name, T, n, measure, alpha, constraints kind)
configs <- list(
  list("long-only-cvar", 250, 8, "cvar", 0.95, "long-only"),
  list("capped-cvar-fractional-tail", 130, 12, "cvar", 0.95, "capped"),
  list("short-cvar", 300, 10, "cvar", 0.9, "long-short"),
  list("long-only-cdar", 200, 6, "cdar", 0.9, "long-only"),
  list("capped-cdar", 260, 9, "cdar", 0.95, "capped"),
  list("short-cdar-fractional-tail", 150, 7, "cdar", 0.87, "long-short"),
  list("long-only-mad", 180, 10, "mad", NA, "long-only"),
  list("short-mad", 240, 12, "mad", NA, "long-short")
)

cases <- list()
for (cfg in configs) {
  name <- cfg[[1]]; periods <- cfg[[2]]; n <- cfg[[3]]; measure <- cfg[[4]]
  alpha <- cfg[[5]]; kind <- cfg[[6]]
  r <- draw_scenarios(periods, n)
  cons <- switch(kind,
    "long-only" = list(budget = 1, lower = rep(0, n), upper = rep(1, n)),
    "capped" = list(budget = 1, lower = rep(0, n), upper = rep(0.3, n)),
    "long-short" = list(budget = 1, lower = rep(-0.4, n), upper = rep(0.7, n)))
  # Round-trip through JSON so that the LP sees what the fixture holds.
  r <- fromJSON(toJSON(r, digits = NA))
  mu <- fromJSON(toJSON(colMeans(r) * 365, digits = NA))
  base <- solve_lp(r, mu, measure, alpha, cons, NULL)
  # Efficient return: 60% of the way from the min-risk portfolio's return to the best asset's
  # return reachable under the bounds (the largest weight on the best asset, the rest spread).
  base_return <- sum(mu * base$weights)
  target <- base_return + 0.6 * (max(mu) - base_return) * min(1, max(cons$upper))
  target <- round(target, 10)
  variants <- list(list("min-risk", NULL, base), list("efficient-return", target,
                                                      solve_lp(r, mu, measure, alpha, cons, target)))
  for (v in variants) {
    sol <- v[[3]]
    a <- if (is.na(alpha)) 0.95 else alpha
    recomputed <- measure_value(r, sol$weights, measure, a)
    gap <- abs(recomputed - sol$objective)
    if (gap > 1e-9 * max(1, abs(sol$objective))) {
      stop(sprintf("%s %s: GLPK objective %.15g but the measure at its weights is %.15g",
                   name, v[[1]], sol$objective, recomputed))
    }
    if (!is.null(v[[2]]) && sum(mu * sol$weights) < v[[2]] - 1e-9) {
      stop(sprintf("%s: target return %.15g not met", name, v[[2]]))
    }
    cat(sprintf("%-32s %-17s objective %.15g (recomputed %.15g)\n", name, v[[1]], sol$objective,
                recomputed))
    cases[[length(cases) + 1]] <- list(
      name = paste(name, v[[1]], sep = "-"), measure = measure, objective = v[[1]],
      confidence = if (is.na(alpha)) NULL else alpha,
      target_return = v[[2]], constraints = cons, expected_returns = mu,
      scenarios = r, objective_value = sol$objective, weights = sol$weights,
      recomputed_risk = recomputed)
  }
}

doc <- list(
  generator = "tests/reference/make_lp_fixtures_rglpk.R",
  solver = sprintf("GLPK simplex via R Rglpk %s (%s)", packageVersion("Rglpk"), R.version.string),
  cases = cases)
writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, null = "null"), out_file)
cat(sprintf("wrote %d cases to %s\n", length(cases), out_file))
