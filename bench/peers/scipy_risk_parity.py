#!/usr/bin/python3
"""Peer timings for equal-risk-contribution portfolios, on the covariance that
bench/risk_parity_benchmark.cpp builds (same deterministic formula):
  * scipy.optimize.minimize(method="SLSQP") on the classic least-squares ERC formulation
    sum_ij (w_i (Sw)_i - w_j (Sw)_j)^2 with sum w = 1, 0 <= w <= 1 (Maillard et al. 2010);
  * scipy trust-region Newton on Spinu's convex function in log coordinates;
  * cvxopt.solvers.cp on Spinu's convex function (min 0.5 y'Sy - sum b ln y).
Prints milliseconds per solve and the max relative deviation of risk contributions from 1/n.
Usage: /usr/bin/python3 bench/peers/scipy_risk_parity.py [sizes...]   (default 100 500 1000;
SLSQP is skipped above 200 assets: it already takes ~1 minute per solve at n = 100).
"""

import sys
import time

import numpy as np
import scipy.optimize as so


def factor_covariance(n):
    i = np.arange(n)[:, None]
    j = np.arange(1, 4)[None, :]
    f = np.hstack([0.15 + 0.1 * np.abs(np.sin(2.0 + 5.0 * i)), 0.08 * np.sin(1.0 + 7.0 * i + 3.0 * j)])
    cov = f @ f.T
    cov[np.diag_indices(n)] += 0.01 + 0.09 * np.modf(0.6180339887 * np.arange(n))[0]
    return cov


def deviation(cov, w):
    rc = w * (cov @ w)
    rc /= rc.sum()
    n = len(w)
    return np.max(np.abs(rc * n - 1.0))


def slsqp(cov):
    n = cov.shape[0]

    def f(w):
        rc = w * (cov @ w)
        return n * np.sum(rc ** 2) - rc.sum() ** 2  # = 0.5 sum_ij (rc_i - rc_j)^2

    w0 = 1 / np.sqrt(np.diag(cov))
    w0 /= w0.sum()
    r = so.minimize(f, w0, method="SLSQP", bounds=[(0, 1)] * n,
                    constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
                    options={"ftol": 1e-20, "maxiter": 1000})
    return r.x


def spinu_trust(cov):
    n = cov.shape[0]
    b = np.full(n, 1.0 / n)
    y0 = b / np.sqrt(np.diag(cov))
    e = np.exp
    r = so.minimize(lambda u: 0.5 * e(u) @ cov @ e(u) - b @ u, np.log(y0),
                    jac=lambda u: e(u) * (cov @ e(u)) - b,
                    hess=lambda u: cov * np.outer(e(u), e(u)) + np.diag(e(u) * (cov @ e(u))),
                    method="trust-exact", options={"gtol": 1e-12})
    y = e(r.x)
    return y / y.sum()


def cvxopt_cp(cov):
    from cvxopt import matrix, solvers
    n = cov.shape[0]
    bn = np.full(n, 1.0 / n)
    y0 = bn / np.sqrt(np.diag(cov))

    def F(x=None, z=None):
        if x is None:
            return 0, matrix(y0)
        xn = np.array(x).ravel()
        if xn.min() <= 0:
            return None
        f = 0.5 * xn @ cov @ xn - bn @ np.log(xn)
        Df = matrix(cov @ xn - bn / xn).T
        if z is None:
            return f, Df
        return f, Df, z[0] * matrix(cov + np.diag(bn / xn ** 2))

    solvers.options["show_progress"] = False
    solvers.options["abstol"] = 1e-12
    solvers.options["reltol"] = 1e-12
    solvers.options["feastol"] = 1e-12
    sol = solvers.cp(F, matrix(-np.eye(n)), matrix(np.zeros(n)))
    y = np.array(sol["x"]).ravel()
    return y / y.sum()


def timeit(fn, cov, budget_s=2.0):
    runs, start, w = 0, time.perf_counter(), None
    while True:
        w = fn(cov)
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed > budget_s or runs >= 50:
            return 1e3 * elapsed / runs, w


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [100, 500, 1000]
    print(f"{'peer':<24}{'n':>6}{'ms/solve':>14}{'max_rel_dev':>14}")
    for n in sizes:
        cov = factor_covariance(n)
        peers = [("scipy-trust-exact", spinu_trust), ("cvxopt-cp", cvxopt_cp)]
        if n <= 200:
            peers.insert(0, ("scipy-slsqp", slsqp))
        for name, fn in peers:
            try:
                ms, w = timeit(fn, cov)
                print(f"{name:<24}{n:>6}{ms:>14.3f}{deviation(cov, w):>14.2e}")
            except Exception as exc:  # a peer failing is reported, not fatal
                print(f"{name:<24}{n:>6}{'failed':>14}  {exc}")


if __name__ == "__main__":
    main()
