"""Per-call overhead of a small solve from Python (issue 17: under 50 µs): keel.optimize(mu=...,
cov=...) at n = 5 with timeit, beside the compiled call alone and the bare library solve time
the result reports. Prints the figures (pytest -s shows them; bench/README.md records them).
Times are CPU times.

The machines are shared and noisy, so the 50 µs target is asserted with KEEL_BENCH=1 (KEEL_BENCH=1
pytest -s python/tests/test_bench_overhead.py); the default run asserts 100 µs of CPU, which
still fails on a regression to a pandas round trip per call (the path before this test measured
~2 ms)."""

import os
import time
import timeit

import numpy as np
import pandas as pd

import keel
from keel import _keel

STRICT = os.environ.get("KEEL_BENCH") == "1"


def small_problem(n=5, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    names = [f"A{i}" for i in range(n)]
    cov = pd.DataFrame(a @ a.T / n + 0.05 * np.eye(n), index=names, columns=names)
    mu = pd.Series(rng.uniform(0.05, 0.2, n), index=names)
    return mu, cov


def best_of(call, number=2000, repeat=7):
    """CPU time per call (process time: the shared machine's other load does not count), the
    minimum over `repeat` runs of `number` calls."""
    for _ in range(200):
        call()
    return min(timeit.repeat(call, number=number, repeat=repeat,
                             timer=time.process_time)) / number


def test_small_solve_overhead_from_python():
    mu, cov = small_problem()
    call = lambda: keel.optimize(mu=mu, cov=cov)  # noqa: E731  min-variance, long-only
    with_weights = lambda: keel.optimize(mu=mu, cov=cov).weights  # noqa: E731
    names, sigma, m = list(cov.index), cov.to_numpy(), mu.to_numpy()
    compiled = lambda: _keel.optimize(names, m, sigma, 0.0, np.empty(0),  # noqa: E731
                                      "min-variance", {})
    t_call, t_weights, t_compiled = best_of(call), best_of(with_weights), best_of(compiled)
    result = call()
    assert result.is_usable()
    ref = np.linalg.solve(cov.to_numpy(), np.ones(5))  # unconstrained min variance
    if (ref > 0).all():  # long-only bounds inactive: the closed form Σ⁻¹1 / 1ᵀΣ⁻¹1
        np.testing.assert_allclose(result.weights_array, ref / ref.sum(), atol=1e-9)
    solve_us = result.diagnostics["solve_ms"] * 1e3
    print(f"\nkeel.optimize(mu=, cov=) n=5: {t_call * 1e6:.1f} µs CPU per call; with .weights (a "
          f"pandas Series) {t_weights * 1e6:.1f} µs; compiled call alone {t_compiled * 1e6:.1f} "
          f"µs; library solve_ms {solve_us:.1f} µs")
    bound = 50e-6 if STRICT else 100e-6
    assert t_call < bound, f"{t_call * 1e6:.1f} µs per call (bound {bound * 1e6:.0f} µs)"
