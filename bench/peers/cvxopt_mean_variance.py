#!/usr/bin/python3
"""Times cvxopt.solvers.qp on the problems of bench/mean_variance_benchmark.cpp (generated the
same way: T = 1500 returns of a 5-factor model with a dominant market factor, loadings
0.8 + 0.4|N| on the market and 0.3 N on four others, factor vol 0.02, idiosyncratic vol 0.03,
annualised by 365; expected returns 0.05 + 0.3|N|; risk-free 0.02; its own numpy seed, so
compare times and ratios, not weights).

Long-only, fully invested (bounds 0..1):
  * min variance:  min wᵀΣw  s.t. 1ᵀw = 1, w ≥ 0;
  * max Sharpe:    min yᵀΣy  s.t. (μ − rf)ᵀy = 1, y ≥ 0, then w = y / 1ᵀy — the smallest exact
    formulation (the upper bounds 1 cannot bind), the one Keel's κ-free homogenisation also solves.

    /usr/bin/python3 bench/peers/cvxopt_mean_variance.py
"""
import time

import numpy as np
from cvxopt import matrix, solvers


def problem(n, periods=1500, seed=42):
    rng = np.random.default_rng(seed + n)
    loadings = np.empty((n, 5))
    loadings[:, 0] = 0.8 + 0.4 * np.abs(rng.normal(size=n))
    loadings[:, 1:] = 0.3 * rng.normal(size=(n, 4))
    f = 0.02 * rng.normal(size=(periods, 5))
    r = f @ loadings.T + 0.03 * rng.normal(size=(periods, n))
    sigma = np.cov(r, rowvar=False) * 365.0
    mu = 0.05 + 0.3 * np.abs(rng.normal(size=n))
    return sigma, mu


def min_variance(sigma, mu):
    n = sigma.shape[0]
    sol = solvers.qp(matrix(sigma), matrix(np.zeros(n)), matrix(-np.eye(n)), matrix(np.zeros(n)),
                     matrix(np.ones((1, n))), matrix(1.0))
    return np.array(sol["x"]).ravel()


def max_sharpe(sigma, mu, rf=0.02):
    n = sigma.shape[0]
    sol = solvers.qp(matrix(sigma), matrix(np.zeros(n)), matrix(-np.eye(n)), matrix(np.zeros(n)),
                     matrix((mu - rf).reshape(1, n)), matrix(1.0))
    y = np.array(sol["x"]).ravel()
    return y / y.sum()


def main():
    solvers.options.update(dict(show_progress=False))
    for n in (100, 500):
        sigma, mu = problem(n)
        reps = 20 if n == 100 else 5
        for name, solve in (("min-variance", min_variance), ("max-sharpe", max_sharpe)):
            wall, cpu = [], []
            for _ in range(reps):
                w0, c0 = time.perf_counter(), time.process_time()
                w = solve(sigma, mu)
                wall.append(1e3 * (time.perf_counter() - w0))
                cpu.append(1e3 * (time.process_time() - c0))
            held = int((w > 1e-6).sum())
            # The machine is shared: the minimum over repetitions is the least disturbed run.
            print(f"cvxopt {name:12s} n={n:3d}: {min(cpu):8.2f} ms CPU (min of {reps}), "
                  f"{min(wall):8.2f} ms wall; {held} assets held")


if __name__ == "__main__":
    main()
