#!/usr/bin/env Rscript
# Adds R quadprog::solve.QP answers to the strictly convex fixtures in tests/reference/qp/
# (written first by make_qp_fixtures.py) as <name>.quadprog next to <name>.json, leaving the
# 17-digit problem files untouched. Run from the repository root:
#   Rscript tests/reference/make_qp_fixtures_quadprog.R
# solve.QP minimises ½xᵀDx − dᵀx s.t. Aᵀx ≥ b0 with the first meq constraints equalities, so
# d = −q, equalities A x = b first, then −G x ≥ −h, x ≥ lower, −x ≥ −upper for finite bounds.
suppressPackageStartupMessages({ library(quadprog); library(jsonlite) })

num <- function(v) {
  v <- unlist(v)
  out <- suppressWarnings(as.numeric(v))
  out[v == "inf"] <- Inf
  out[v == "-inf"] <- -Inf
  out
}
mat <- function(v, n) {
  if (length(v) == 0) return(matrix(0, 0, n))
  matrix(num(v), ncol = n, byrow = TRUE)
}

dir <- file.path("tests", "reference", "qp")
for (file in sort(list.files(dir, pattern = "\\.json$", full.names = TRUE))) {
  p <- fromJSON(file, simplifyVector = FALSE)
  if (!isTRUE(p$strictly_convex)) next
  q <- num(p$q); n <- length(q)
  P <- mat(p$P, n); A <- mat(p$A, n); G <- mat(p$G, n)
  b <- num(p$b); h <- num(p$h); lo <- num(p$lower); up <- num(p$upper)
  cons <- A; rhs <- b
  if (nrow(G) > 0) { cons <- rbind(cons, -G); rhs <- c(rhs, -h) }
  for (i in seq_len(n)) {
    if (is.finite(lo[i])) { e <- numeric(n); e[i] <- 1; cons <- rbind(cons, e); rhs <- c(rhs, lo[i]) }
    if (is.finite(up[i])) { e <- numeric(n); e[i] <- -1; cons <- rbind(cons, e); rhs <- c(rhs, -up[i]) }
  }
  sol <- if (nrow(cons) > 0) {
    solve.QP(Dmat = P, dvec = -q, Amat = t(cons), bvec = rhs, meq = nrow(A))
  } else {
    solve.QP(Dmat = P, dvec = -q, Amat = matrix(0, n, 1), bvec = -1, meq = 0)
  }
  x <- sol$solution
  answer <- list(x = as.list(x), objective = as.numeric(0.5 * t(x) %*% P %*% x + sum(q * x)))
  out <- sub("\\.json$", ".quadprog", file)
  writeLines(toJSON(answer, auto_unbox = TRUE, digits = NA), out)
  cat(basename(out), answer$objective, "\n")
}
