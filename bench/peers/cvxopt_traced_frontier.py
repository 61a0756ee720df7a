#!/usr/bin/python3
"""Times the 20-point frontier of BM_TracedFrontierWithGroup (bench/frontier_benchmark.cpp) with
cvxopt: the same problem (cvxopt_frontier.make_problem: SplitMix64 seed 2024, 5-factor model,
budget 1, 0 <= w <= 1) plus the group "the ten assets of highest mu together at most 40%", traced
the way keel::trace_frontier does it: the minimum-variance QP, the maximum-return LP
(cvxopt.solvers.lp), then min w'Sw s.t. mu'w >= r_k for 19 returns evenly spaced up to the top
(r_max less 1e-9 max(1, |r_max|)). No max-Sharpe solve (Keel's time includes one). Prints wall and
CPU time; compare CPU times and ratios from the same session (the machine is shared).

    /usr/bin/python3 bench/peers/cvxopt_traced_frontier.py [n ...]     (default n = 100)
"""
import os
import sys
import time

import numpy as np
from cvxopt import matrix, solvers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cvxopt_frontier import make_problem  # noqa: E402


def trace(mu, sigma, points=20):
    n = len(mu)
    group = np.zeros(n)
    group[np.argsort(-mu)[:10]] = 1.0
    G = np.vstack([-np.eye(n), np.eye(n), group])
    h = np.concatenate([np.zeros(n), np.ones(n), [0.4]])
    A = matrix(np.ones((1, n)))
    b = matrix(1.0)
    P = matrix(2.0 * sigma)
    q = matrix(np.zeros(n))
    statuses = []
    low = solvers.qp(P, q, matrix(G), matrix(h), A, b)
    statuses.append(low["status"])
    r_low = float(mu @ np.array(low["x"]).ravel())
    lp = solvers.lp(matrix(-mu), matrix(G), matrix(h), A, b)
    statuses.append(lp["status"])
    r_max = float(mu @ np.array(lp["x"]).ravel())
    r_top = r_max - 1e-9 * max(1.0, abs(r_max))
    Gt = matrix(np.vstack([G, -mu]))
    for k in range(1, points):
        target = r_low + (r_top - r_low) * k / (points - 1)
        sol = solvers.qp(P, q, Gt, matrix(np.append(h, -target)), A, b)
        statuses.append(sol["status"])
    return statuses


def main():
    solvers.options.update(dict(show_progress=False))
    sizes = [int(a) for a in sys.argv[1:]] or [100]
    for n in sizes:
        mu, sigma = make_problem(n)
        wall = time.perf_counter()
        cpu = time.process_time()
        statuses = trace(mu, sigma)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        optimal = sum(1 for s in statuses if s == "optimal")
        print(f"cvxopt 20-point traced frontier with a group, n={n}: wall {1e3 * wall:.1f} ms, "
              f"cpu {1e3 * cpu:.1f} ms ({optimal}/{len(statuses)} solves optimal)")


if __name__ == "__main__":
    main()
