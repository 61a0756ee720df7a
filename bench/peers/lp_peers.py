#!/usr/bin/python3
"""Peer timings for long-only min CVaR (alpha = 0.95, Rockafellar-Uryasev LP) on the scenario
matrix bench/tail_risk_benchmark.cpp builds (same deterministic formula):
  * cvxopt.solvers.lp (default interior point; default tolerances);
  * scipy.optimize.linprog(method="highs") (HiGHS, default tolerances).
Both solve min z + 1/(m) sum u, u_t >= -r_t'w - z, u >= 0, sum w = 1, 0 <= w <= 1 with
m = (1 - alpha) T. Prints the median milliseconds per solve (LP build excluded) and the CVaR.
With the path of the built tail_risk_benchmark it also runs Keel and prints the speed ratios.

Usage: /usr/bin/python3 bench/peers/lp_peers.py [T n] [--keel build/<dir>/bench/tail_risk_benchmark]
"""
import json
import math
import subprocess
import sys
import time

import numpy as np
from cvxopt import matrix, solvers, sparse, spmatrix
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, hstack, identity, csr_matrix

solvers.options["show_progress"] = False


def hash01(a):
    x = np.abs(np.sin(a) * 43758.5453)
    return x - np.floor(x)


def gauss(a, b):
    u1 = np.maximum(1e-12, hash01(a))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * hash01(b))


def scenarios(T, n):
    t = np.arange(T, dtype=float)[:, None]
    i = np.arange(n, dtype=float)[None, :]
    f = 0.02 * gauss(7.13 * t + 0.5, 3.7 * t + 0.9)
    f = np.where(hash01(5.1 * t + 0.3) < 0.02, 3.0 * f, f)
    beta = 0.5 + 0.01 * (i % 100)
    scale = 0.005 + 0.0002 * (i % 100)
    return 0.0003 + beta * f + scale * gauss(12.9898 * t + 78.233 * i + 1.0, 39.3468 * t + 11.135 * i + 2.0)


def historical_es(pnl, alpha):
    m = (1 - alpha) * len(pnl)
    if abs(m - round(m)) <= 1e-9 * max(1.0, m):
        m = float(round(m))
    k = max(1, math.ceil(m))
    x = np.sort(pnl)
    return -(x[:k - 1].sum() + (m - k + 1) * x[k - 1]) / m


def median_ms(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times)), out


def main():
    args = [a for a in sys.argv[1:]]
    keel = None
    if "--keel" in args:
        k = args.index("--keel")
        keel = args[k + 1]
        del args[k:k + 2]
    T, n = (int(args[0]), int(args[1])) if len(args) >= 2 else (1500, 100)
    alpha = 0.95
    R = scenarios(T, n)
    m = (1 - alpha) * T
    # x = [w (n) | z | u (T)]
    c = np.concatenate([np.zeros(n), [1.0], np.full(T, 1.0 / m)])
    # -R w - z - u <= 0
    A_ub = hstack([csr_matrix(-R), csr_matrix(-np.ones((T, 1))), -identity(T)]).tocsr()
    b_ub = np.zeros(T)
    A_eq = csr_matrix(np.concatenate([np.ones(n), [0.0], np.zeros(T)])[None, :])
    bounds = [(0, 1)] * n + [(None, None)] + [(0, None)] * T

    def highs():
        res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs")
        assert res.status == 0, res.message
        return res.x[:n]

    # cvxopt: bounds as rows of G.
    coo = A_ub.tocoo()
    rows = [coo.row, T + np.arange(n), T + n + np.arange(n), T + 2 * n + np.arange(T)]
    cols = [coo.col, np.arange(n), np.arange(n), n + 1 + np.arange(T)]
    vals = [coo.data, -np.ones(n), np.ones(n), -np.ones(T)]
    G = spmatrix(np.concatenate(vals).tolist(), np.concatenate(rows).astype(int).tolist(),
                 np.concatenate(cols).astype(int).tolist(), (T + 2 * n + T, n + 1 + T))
    h = matrix(np.concatenate([np.zeros(T), np.zeros(n), np.ones(n), np.zeros(T)]))
    A = matrix(np.concatenate([np.ones(n), [0.0], np.zeros(T)])[None, :])

    def cvx():
        sol = solvers.lp(matrix(c), G, h, A, matrix([1.0]))
        assert sol["status"] == "optimal", sol["status"]
        return np.array(sol["x"]).ravel()[:n]

    ms_highs, w_h = median_ms(highs, 5)
    ms_cvx, w_c = median_ms(cvx, 5)
    print(f"min CVaR T={T} n={n} alpha={alpha}")
    print(f"  scipy HiGHS          {ms_highs:9.2f} ms   CVaR {historical_es(R @ w_h, alpha):.12f}")
    print(f"  cvxopt.solvers.lp    {ms_cvx:9.2f} ms   CVaR {historical_es(R @ w_c, alpha):.12f}")
    if keel:
        out = subprocess.run([keel, f"--benchmark_filter=BM_MinCvar_.*/{T}/{n}$",
                              "--benchmark_format=json", "--benchmark_min_time=0.5"],
                             capture_output=True, text=True, check=True)
        for b in json.loads(out.stdout)["benchmarks"]:
            ms = b["real_time"]
            print(f"  keel {b['name']:30s} {ms:9.2f} ms   CVaR {b['risk']:.12f}   "
                  f"HiGHS/keel {ms_highs / ms:6.1f}x   cvxopt/keel {ms_cvx / ms:6.1f}x")


if __name__ == "__main__":
    main()
