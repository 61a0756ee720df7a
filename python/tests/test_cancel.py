"""A long backtest is cancelled through the library's cancel flag (keel/core/context.hpp, polled
once per period): by Ctrl-C (KeyboardInterrupt on the main thread) or by a keel.CancelToken set
from another thread. The run stops well before it would have finished."""

import _thread
import threading
import time

import numpy as np
import pandas as pd
import pytest

import keel

DAYS = 3000


def long_backtest_inputs():
    """60 assets × 3000 days, a max-Sharpe strategy re-solved every day on a 365-day window:
    seconds of work on any machine (about 2600 decisions)."""
    rng = np.random.default_rng(5)
    n, days = 60, DAYS
    shocks = rng.standard_normal((days - 1, n)) * 0.03 + 0.0005
    prices = pd.DataFrame(100 * np.exp(np.vstack([np.zeros(n), np.cumsum(shocks, axis=0)])),
                          index=pd.date_range("2019-01-01", periods=days, freq="D"),
                          columns=[f"C{i:02d}" for i in range(n)])
    strategies = [{"name": "daily", "model": "max-sharpe", "cov": "ledoit-wolf",
                   "rebalance": "every:1", "constraints": {"max_weight": 0.1}}]
    return prices, strategies


def timed_full_run_is_long_enough(prices, strategies):
    """The full run's time, extrapolated from a run over the first 500 days (decisions after the
    365-day window: 135 of 2635)."""
    t0 = time.perf_counter()
    keel.backtest(prices.iloc[:500], strategies)
    return (time.perf_counter() - t0) * (DAYS - 365) / (500 - 365)


@pytest.mark.filterwarnings("ignore::keel.KeelWarning")
def test_ctrl_c_cancels_a_long_backtest():
    prices, strategies = long_backtest_inputs()
    full = timed_full_run_is_long_enough(prices, strategies)
    assert full > 1.0, f"the backtest would take {full:.2f} s: too short to tell"
    timer = threading.Timer(0.3, _thread.interrupt_main)  # what Ctrl-C does: SIGINT's handler
    t0 = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        keel.backtest(prices, strategies)
    elapsed = time.perf_counter() - t0
    timer.join()
    assert elapsed < 0.3 + 0.5 and elapsed < 0.5 * full, (elapsed, full)


@pytest.mark.filterwarnings("ignore::keel.KeelWarning")
def test_a_cancel_token_stops_a_backtest_from_another_thread():
    prices, strategies = long_backtest_inputs()
    token = keel.CancelToken()
    assert not token.cancelled
    timer = threading.Timer(0.3, token.cancel)
    t0 = time.perf_counter()
    timer.start()
    with pytest.raises(keel.NoSolutionError, match="cancel"):
        keel.backtest(prices, strategies, cancel=token)
    elapsed = time.perf_counter() - t0
    timer.join()
    assert token.cancelled
    assert elapsed < 0.3 + 0.5, elapsed
    # Not cancelled: the same call on a short table completes.
    assert len(keel.backtest(prices.iloc[:400], strategies).equity) > 1
