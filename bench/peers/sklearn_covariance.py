#!/usr/bin/python3
"""Times scikit-learn's EmpiricalCovariance, LedoitWolf and OAS fits at T = 1500, N = 500 (and
T = 2000) on the same kind of data as bench/covariance_benchmark.cpp, so ratios can be computed
against Keel's BM_SampleCovariance / BM_LedoitWolf / BM_Oas. Run with /usr/bin/python3.

numpy's BLAS may use several threads; set OMP_NUM_THREADS=1 (and OPENBLAS_NUM_THREADS=1) for a
single-thread comparison, as Keel's estimators run on one thread.
"""

import time

import numpy as np
from sklearn.covariance import OAS, EmpiricalCovariance, LedoitWolf


def returns(t, n):
    rng = np.random.default_rng(42)
    market = rng.normal(0.0, 0.02, size=t)
    return 0.8 * market[:, None] + rng.normal(0.0, 0.02, size=(t, n))


def best_of(fn, repeats=15):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times))


if __name__ == "__main__":
    for t, n in ((1500, 500), (2000, 500)):
        x = returns(t, n)
        for name, est in (("EmpiricalCovariance", EmpiricalCovariance),
                          ("LedoitWolf", LedoitWolf), ("OAS", OAS)):
            best, median = best_of(lambda: est().fit(x))
            print(f"sklearn {name:20s} T={t} N={n}: best {best * 1e3:8.2f} ms, "
                  f"median {median * 1e3:8.2f} ms")
