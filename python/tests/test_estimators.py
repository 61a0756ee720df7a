"""Estimators through the Python API against independent references (numpy, pandas, sklearn)."""

import numpy as np
import pandas as pd
import pytest

import keel
from conftest import simulated_prices


def simple_returns(prices):
    return prices.pct_change().iloc[1:]


def test_periods_per_year_is_inferred_from_the_dates():
    daily = keel.returns(simulated_prices(days=60))
    assert daily.attrs["periods_per_year"] == 365
    weekdays = keel.returns(simulated_prices(days=60, freq="B"))
    assert weekdays.attrs["periods_per_year"] == 252
    hourly = keel.returns(simulated_prices(days=60, freq="H"))
    assert hourly.attrs["periods_per_year"] == 8760
    given = keel.returns(simulated_prices(days=60), periods_per_year=252)
    assert given.attrs["periods_per_year"] == 252


def test_returns_match_pandas(prices):
    r = keel.returns(prices)
    pd.testing.assert_frame_equal(r, simple_returns(prices), check_freq=False, rtol=1e-15)
    logs = keel.returns(prices, log_returns=True)
    np.testing.assert_allclose(logs.to_numpy(), np.log(prices).diff().iloc[1:].to_numpy(),
                               rtol=0, atol=1e-15)


def test_mean_and_geometric_expected_returns(prices):
    r = simple_returns(prices)
    mu = keel.expected_returns(prices)
    assert mu.name == "expected_return" and list(mu.index) == list(prices.columns)
    np.testing.assert_allclose(mu.to_numpy(), r.mean().to_numpy() * 365, rtol=1e-12)
    geo = keel.expected_returns(prices, "geometric", periods_per_year=252)
    ref = (1 + r).prod() ** (252 / len(r)) - 1
    np.testing.assert_allclose(geo.to_numpy(), ref.to_numpy(), rtol=1e-12)


def test_sample_covariance_is_pandas_annualised(prices):
    r = simple_returns(prices)
    cov = keel.covariance(prices)
    assert list(cov.index) == list(cov.columns) == list(prices.columns)
    np.testing.assert_allclose(cov.to_numpy(), r.cov().to_numpy() * 365, rtol=1e-12)
    per_period = keel.covariance(prices, annualise=False)
    np.testing.assert_allclose(per_period.to_numpy(), r.cov().to_numpy(), rtol=1e-12)
    assert cov.attrs["diagnostics"]["rank"] == prices.shape[1]


def test_ledoit_wolf_matches_scikit_learn(prices):
    sklearn = pytest.importorskip("sklearn.covariance")
    r = simple_returns(prices)
    cov = keel.covariance(prices, "ledoit-wolf", annualise=False)
    ref = sklearn.LedoitWolf().fit(r.to_numpy())
    np.testing.assert_allclose(cov.to_numpy(), ref.covariance_, rtol=1e-10)
    assert cov.attrs["diagnostics"]["shrinkage"] == pytest.approx(ref.shrinkage_, rel=1e-10)


def test_pairwise_covariance_on_ragged_listings_matches_pandas(prices):
    ragged = prices.copy()
    ragged.iloc[:100, 2] = np.nan  # SOL listed on day 100
    with pytest.warns(keel.KeelWarning, match="shorter than the window.*SOL 299"):
        cov = keel.covariance(ragged, missing="pairwise", annualise=False)
    ref = ragged.pct_change().cov()  # NaN before the listing: pandas drops those pairs
    np.testing.assert_allclose(cov.to_numpy(), ref.to_numpy(), rtol=1e-12)


def test_tz_aware_and_naive_dates_give_the_same_numbers(prices):
    aware = prices.tz_localize("UTC").tz_convert("America/New_York")
    np.testing.assert_array_equal(keel.covariance(aware).to_numpy(),
                                  keel.covariance(prices).to_numpy())
    r = keel.returns(aware)
    assert str(r.index.tz) == "America/New_York"
    assert r.index[0] == aware.index[1]


def test_missing_policy_repairs_are_reported(prices):
    ragged = prices.copy()
    ragged.iloc[:50, 0] = np.nan
    r = keel.returns(ragged, missing="drop-rows")
    assert len(r) == len(prices) - 50 - 1
    assert any(rep["action"] == "drop-rows" for rep in r.attrs["repairs"])


def test_estimates_list_their_repairs(prices):
    ragged = prices.copy()
    ragged.iloc[:50, 0] = np.nan
    mu = keel.expected_returns(ragged, missing="drop-rows")
    assert [r["action"] for r in mu.attrs["repairs"]] == ["drop-rows"]
    cov = keel.covariance(prices, missing="pairwise", psd_repair="spectral")
    assert cov.attrs["periods_per_year"] == 365
    assert keel.covariance(prices).attrs["repairs"] == []
