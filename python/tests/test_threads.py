"""Solves and estimates release the GIL: threads run them concurrently with Python code."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import keel
from conftest import simulated_prices


def test_threads_give_the_serial_results():
    frames = [simulated_prices(seed=s) for s in range(8)]
    serial = [keel.optimize(p, model="max-sharpe", covariance="ledoit-wolf").weights
              for p in frames]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(
            lambda p: keel.optimize(p, model="max-sharpe", covariance="ledoit-wolf").weights,
            frames))
    for a, b in zip(serial, threaded):
        pd.testing.assert_series_equal(a, b, rtol=0, atol=0)


def _longest_pause_of_python_while(call):
    """Runs call() in a thread; returns (its duration, the longest pause of a Python loop in
    this thread meanwhile). A call holding the GIL pauses the loop for its whole duration."""
    done = threading.Event()
    duration = []

    def work():
        t0 = time.perf_counter()
        call()
        duration.append(time.perf_counter() - t0)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    longest = 0.0
    last = time.perf_counter()
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    worker.join()
    return duration[0], longest


@pytest.mark.filterwarnings("ignore::keel.KeelWarning")  # independent noise: no factor
def test_a_long_solve_does_not_hold_the_gil():
    rng = np.random.default_rng(3)
    n, days = 300, 2000
    returns = rng.standard_normal((days, n)) * 0.02
    index = pd.date_range("2015-01-01", periods=days + 1, freq="D")
    prices = pd.DataFrame(100 * np.exp(np.vstack([np.zeros(n), np.cumsum(returns, axis=0)])),
                          index=index, columns=[f"A{i:03d}" for i in range(n)])
    # Denoising a 300-asset covariance: about a second of C++ (eigen decomposition, density fit).
    call = lambda: keel.covariance(prices, "denoised")  # noqa: E731
    duration, longest = _longest_pause_of_python_while(call)
    assert duration > 0.2, f"the call took {duration:.3f} s: too short to tell"
    assert longest < 0.5 * duration, (duration, longest)


@pytest.mark.filterwarnings("ignore::keel.KeelWarning")
def test_a_backtest_does_not_hold_the_gil():
    rng = np.random.default_rng(4)
    n, days = 40, 1000
    shocks = rng.standard_normal((days - 1, n)) * 0.03 + 0.0005
    prices = pd.DataFrame(100 * np.exp(np.vstack([np.zeros(n), np.cumsum(shocks, axis=0)])),
                          index=pd.date_range("2019-01-01", periods=days, freq="D"),
                          columns=[f"C{i:02d}" for i in range(n)])
    strategy = [{"name": "daily", "model": "max-sharpe", "cov": "ledoit-wolf",
                 "rebalance": "every:1", "constraints": {"max_weight": 0.1}}]
    call = lambda: keel.backtest(prices, strategy)  # noqa: E731
    duration, longest = _longest_pause_of_python_while(call)
    assert duration > 0.2, f"the call took {duration:.3f} s: too short to tell"
    assert longest < 0.5 * duration, (duration, longest)
