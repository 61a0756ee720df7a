#!/usr/bin/python3
"""Times a 50-point long-only efficient frontier solved point by point with cvxopt.solvers.qp, on
the problem of bench/frontier_benchmark.cpp (built identically: SplitMix64 seed 2024 through
Box-Muller, 5-factor model, T = 1500, sample covariance and mean plus 0.0005 * first loading).

Each point solves min 1/2 w'Sw - lam mu'w s.t. sum w = 1, 0 <= w <= 1 (the parametrisation of the
critical line); the 50 values of lam are log-spaced over the range where the frontier moves, as in
cvxopt's own portfolio example. Prints wall-clock and CPU time (the machine is shared: compare CPU
times and ratios from the same session).

    /usr/bin/python3 bench/peers/cvxopt_frontier.py [n ...]     (default n = 100 500)
"""
import math
import sys
import time

import numpy as np
from cvxopt import matrix, solvers

MASK = (1 << 64) - 1


class SplitMixNormal:
    def __init__(self, seed):
        self.state = seed

    def _next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def __call__(self):
        u1 = ((self._next() >> 11) + 0.5) * 2.0**-53
        u2 = ((self._next() >> 11) + 0.5) * 2.0**-53
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def make_problem(n, periods=1500, k=5):
    normal = SplitMixNormal(2024)
    loadings = np.array([[normal() for _ in range(k)] for _ in range(n)])
    r = np.empty((periods, n))
    for t in range(periods):
        f = np.array([0.02 * normal() for _ in range(k)])
        noise = np.array([normal() for _ in range(n)])
        r[t] = loadings @ f + 0.01 * noise
    mu = r.mean(axis=0) + 0.0005 * loadings[:, 0]
    sigma = np.cov(r, rowvar=False)
    return mu, sigma


def frontier(mu, sigma, lambdas):
    n = len(mu)
    S = matrix(sigma)
    G = matrix(np.vstack([-np.eye(n), np.eye(n)]))
    h = matrix(np.concatenate([np.zeros(n), np.ones(n)]))
    A = matrix(np.ones((1, n)))
    b = matrix(1.0)
    out = []
    for lam in lambdas:
        sol = solvers.qp(S, matrix(-lam * mu), G, h, A, b)
        out.append((sol["status"], np.array(sol["x"]).ravel()))
    return out


def main():
    solvers.options.update(dict(show_progress=False))
    sizes = [int(a) for a in sys.argv[1:]] or [100, 500]
    for n in sizes:
        mu, sigma = make_problem(n)
        # lam from ~ the minimum-variance end to ~ the maximum-return corner of this problem.
        scale = np.trace(sigma) / n / (np.max(mu) - np.min(mu))
        lambdas = scale * np.logspace(-3, 1, 50)
        wall = time.perf_counter()
        cpu = time.process_time()
        points = frontier(mu, sigma, lambdas)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        optimal = sum(1 for status, _ in points if status == "optimal")
        print(f"cvxopt 50-point frontier n={n}: wall {1e3 * wall:.1f} ms, cpu {1e3 * cpu:.1f} ms "
              f"({optimal}/50 optimal; mu[0] = {mu[0]:.10g}, sigma[0,0] = {sigma[0, 0]:.10g})")


if __name__ == "__main__":
    main()
