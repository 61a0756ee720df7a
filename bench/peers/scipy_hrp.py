#!/usr/bin/python3
"""Peer timing for HRP (scipy linkage + numpy recursive bisection, as PyPortfolioOpt's HRPOpt),
on the covariance bench/risk_parity_benchmark.cpp builds. Two distance conventions, matching the
two Keel benchmarks: linkage directly on d = sqrt((1 - rho)/2) (PyPortfolioOpt) and on the
Euclidean distance between the columns of d (Lopez de Prado 2016).
Usage: /usr/bin/python3 bench/peers/scipy_hrp.py [sizes...]   (default 100 500 1000)
"""

import sys
import time

import numpy as np
import scipy.cluster.hierarchy as sch
import scipy.spatial.distance as ssd


def factor_covariance(n):
    i = np.arange(n)[:, None]
    j = np.arange(1, 4)[None, :]
    f = np.hstack([0.15 + 0.1 * np.abs(np.sin(2.0 + 5.0 * i)), 0.08 * np.sin(1.0 + 7.0 * i + 3.0 * j)])
    cov = f @ f.T
    cov[np.diag_indices(n)] += 0.01 + 0.09 * np.modf(0.6180339887 * np.arange(n))[0]
    return cov


def cluster_var(cov, items):
    c = cov[np.ix_(items, items)]
    w = 1 / np.diag(c)
    w /= w.sum()
    return w @ c @ w


def hrp(cov, euclidean):
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    d = np.sqrt(np.clip((1 - corr) / 2, 0, 1))
    np.fill_diagonal(d, 0)
    dist = ssd.pdist(d) if euclidean else ssd.squareform(d, checks=False)
    order = sch.to_tree(sch.linkage(dist, "single"), rd=False).pre_order()
    w = np.ones(len(order))
    clusters = [order]
    while clusters:
        clusters = [c[a:b] for c in clusters for a, b in ((0, len(c) // 2), (len(c) // 2, len(c)))
                    if len(c) > 1]
        for k in range(0, len(clusters), 2):
            x, y = clusters[k], clusters[k + 1]
            vx, vy = cluster_var(cov, x), cluster_var(cov, y)
            w[x] *= 1 - vx / (vx + vy)
            w[y] *= vx / (vx + vy)
    return w


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [100, 500, 1000]
    print(f"{'peer':<28}{'n':>6}{'ms/solve':>14}")
    for n in sizes:
        cov = factor_covariance(n)
        for euclid, name in ((False, "scipy-hrp-correlation"), (True, "scipy-hrp-euclidean")):
            runs, start = 0, time.perf_counter()
            while True:
                hrp(cov, euclid)
                runs += 1
                if time.perf_counter() - start > 2.0 or runs >= 50:
                    break
            print(f"{name:<28}{n:>6}{1e3 * (time.perf_counter() - start) / runs:>14.3f}")


if __name__ == "__main__":
    main()
