#!/usr/bin/python3
"""Times cvxopt.solvers.qp on the problems of bench/qp_benchmark.cpp (generated the same way:
T = 1500 returns of a 5-factor model with loadings N(0,1), factor vol 0.02, idiosyncratic vol
0.01; its own numpy seed, so compare times and ratios, not weights).

    /usr/bin/python3 bench/peers/cvxopt_qp.py
"""
import time

import numpy as np
from cvxopt import matrix, solvers


def covariance(n, periods=1500, seed=42):
    rng = np.random.default_rng(seed)
    loadings = rng.normal(size=(n, 5))
    r = (0.02 * rng.normal(size=(periods, 5))) @ loadings.T + 0.01 * rng.normal(size=(periods, n))
    return np.cov(r, rowvar=False)


def min_variance(sigma):
    n = sigma.shape[0]
    G = np.vstack([-np.eye(n), np.eye(n)])
    h = np.concatenate([np.zeros(n), np.ones(n)])
    return solvers.qp(matrix(sigma), matrix(np.zeros(n)), matrix(G), matrix(h),
                      matrix(np.ones((1, n))), matrix(1.0))


def main():
    solvers.options.update(dict(show_progress=False))
    for n in (100, 500):
        sigma = covariance(n)
        reps = 20 if n == 100 else 5
        wall, cpu = [], []
        for _ in range(reps):
            w0, c0 = time.perf_counter(), time.process_time()
            sol = min_variance(sigma)
            wall.append(1e3 * (time.perf_counter() - w0))
            cpu.append(1e3 * (time.process_time() - c0))
        # The machine is shared: the minimum over repetitions is the least disturbed run, as
        # Google Benchmark's repetitions on our side.
        print(f"cvxopt long-only min variance n={n}: cpu min {min(cpu):.2f} ms, median "
              f"{np.median(cpu):.2f} ms; wall min {min(wall):.2f} ms ({sol['status']}, "
              f"{sol['iterations']} iterations, {reps} runs)")


if __name__ == "__main__":
    main()
