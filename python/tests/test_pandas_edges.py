"""pandas edge cases through the newer entry points (backtest, frontier, stress, estimators):
unsorted and duplicated dates, tz-aware dates, non-string column names, NaN blocks before
listings. The price-table functions' own cases are in test_inputs.py and test_estimators.py."""

import warnings

import numpy as np
import pandas as pd
import pytest

import keel
from conftest import simulated_prices
from keel.estimators import Portfolio

STRATEGY = [{"name": "ew", "model": "equal-weight", "rebalance": "every:30"}]


@pytest.fixture
def data():
    return simulated_prices(days=300, seed=3)


def quiet_backtest(prices, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keel.KeelWarning)
        return keel.backtest(prices, STRATEGY, window=60, **kwargs)


def test_unsorted_dates_refused_unless_sort(data):
    shuffled = data.iloc[[0, 2, 1] + list(range(3, len(data)))]
    with pytest.raises(ValueError, match="out of time order"):
        quiet_backtest(shuffled)
    sorted_run = quiet_backtest(shuffled, sort=True)
    pd.testing.assert_frame_equal(sorted_run.equity, quiet_backtest(data).equity)
    with pytest.raises(ValueError, match="out of time order"):
        keel.frontier(shuffled)
    with pytest.raises(ValueError, match="out of time order"):
        keel.stress({"BTC": 1.0}, shuffled)
    with pytest.raises(ValueError, match="strictly increasing"):
        Portfolio().fit(keel.returns(data).iloc[::-1])


def test_newest_first_is_read_in_time_order(data):
    pd.testing.assert_frame_equal(quiet_backtest(data.iloc[::-1]).equity,
                                  quiet_backtest(data).equity)


def test_duplicate_dates_refused_unless_a_policy(data):
    dup = pd.concat([data.iloc[:100], data.iloc[[99]], data.iloc[100:]])
    with pytest.raises(ValueError, match="duplicate timestamp"):
        quiet_backtest(dup)
    pd.testing.assert_frame_equal(quiet_backtest(dup, duplicates="keep-first").equity,
                                  quiet_backtest(data).equity)
    with pytest.raises(ValueError, match="duplicate timestamp"):
        keel.stress({"BTC": 1.0}, dup)


def test_tz_aware_dates_keep_their_zone_and_numbers(data):
    aware = data.tz_localize("UTC").tz_convert("Asia/Tokyo")
    run = quiet_backtest(aware)
    assert str(run.equity.index.tz) == "Asia/Tokyo"
    np.testing.assert_array_equal(run.equity.to_numpy(), quiet_backtest(data).equity.to_numpy())
    assert run.rebalances.decision_date.dt.tz is not None
    r = keel.returns(aware)
    fitted = Portfolio("min-variance").fit(r)
    np.testing.assert_allclose(fitted.weights_.to_numpy(),
                               keel.optimize(data).weights.to_numpy(), atol=1e-9)
    f = keel.frontier(aware, points=5)
    assert f.to_dict()["points"] == keel.frontier(data, points=5).to_dict()["points"]


def test_non_string_column_names_are_a_type_error(data):
    numbered = data.copy()
    numbered.columns = range(data.shape[1])
    with pytest.raises(TypeError, match="column 0 is a int"):
        quiet_backtest(numbered)
    with pytest.raises(TypeError, match="column 0 is a int"):
        keel.frontier(numbered)
    with pytest.raises(TypeError, match="column 0 is a int"):
        Portfolio().fit(keel.returns(data).set_axis(range(data.shape[1]), axis=1))


def test_nan_blocks_before_listings(data):
    ragged = data.copy()
    ragged.iloc[:150, 2] = np.nan  # SOL listed on day 150
    # The backtest keeps gaps (missing="pairwise"): SOL joins once it has 60 returns.
    run = quiet_backtest(ragged)
    sol = run.weights["ew"]["SOL"]
    listed = ragged.index[150 + 60]
    assert (sol[sol.index < listed] == 0).all() and (sol[sol.index > listed] > 0).any()
    # The frontier's estimates refuse the gap by default and name the asset; a policy repairs it.
    with pytest.raises(ValueError, match="SOL"):
        keel.frontier(ragged)
    assert keel.frontier(ragged, missing="drop-rows").is_usable()
    # The estimators read the NaN block as "not listed": with drop-rows the weights are those of
    # the functional API on the same prices.
    r = keel.returns(ragged, missing="pairwise")
    assert r["SOL"].iloc[:149].isna().all()
    fitted = Portfolio("min-variance", missing="drop-rows").fit(r)
    ref = keel.optimize(ragged, missing="drop-rows")
    np.testing.assert_allclose(fitted.weights_.to_numpy(), ref.weights.to_numpy(), atol=1e-9)
