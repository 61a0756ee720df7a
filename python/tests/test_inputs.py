"""Bad inputs and pandas edge cases: errors are ValueError/TypeError naming the asset or date."""

import numpy as np
import pandas as pd
import pytest

import keel


def test_nan_before_a_listing_names_the_asset_and_date(prices):
    ragged = prices.copy()
    ragged.iloc[:30, 3] = np.nan  # ADA quoted from 2022-01-31
    with pytest.raises(ValueError, match=r"ADA") as err:
        keel.covariance(ragged)
    assert "2022-01-01" in str(err.value)
    assert "drop-rows" in str(err.value)  # the library suggests a policy
    assert isinstance(err.value, keel.InvalidInputError)
    assert keel.covariance(ragged, missing="drop-rows").shape == (6, 6)


def test_unsorted_index_is_refused_with_the_date_unless_sort(prices):
    shuffled = prices.iloc[[0, 1, 3, 2] + list(range(4, len(prices)))]
    with pytest.raises(ValueError, match="2022-01-03.*out of time order"):
        keel.returns(shuffled)
    r = keel.returns(shuffled, sort=True)
    assert r.index.is_monotonic_increasing
    assert any("sorted" in rep["detail"] for rep in r.attrs["repairs"])
    np.testing.assert_array_equal(r.to_numpy(), keel.returns(prices).to_numpy())


def test_newest_first_is_read_in_time_order(prices):
    newest_first = prices.iloc[::-1]
    np.testing.assert_array_equal(keel.covariance(newest_first).to_numpy(),
                                  keel.covariance(prices).to_numpy())


def test_duplicate_dates_are_refused_with_the_date_unless_a_policy(prices):
    dup = pd.concat([prices.iloc[:10], prices.iloc[[9]] * 1.01, prices.iloc[10:]])
    with pytest.raises(ValueError, match="duplicate timestamp 2022-01-10"):
        keel.returns(dup)
    first = keel.returns(dup, duplicates="keep-first")
    np.testing.assert_array_equal(first.to_numpy(), keel.returns(prices).to_numpy())
    last = keel.returns(dup, duplicates="keep-last")
    assert not np.array_equal(last.to_numpy(), first.to_numpy())


def test_non_string_columns_are_a_type_error_naming_the_column(prices):
    numbered = prices.copy()
    numbered.columns = range(prices.shape[1])
    with pytest.raises(TypeError, match=r"column 0 is a int"):
        keel.expected_returns(numbered)


def test_duplicate_column_names(prices):
    twice = prices.copy()
    twice.columns = ["BTC", "ETH", "SOL", "ADA", "XRP", "BTC"]
    with pytest.raises(ValueError, match="'BTC' appears in two columns"):
        keel.covariance(twice)


def test_non_positive_price_names_asset_and_date(prices):
    bad = prices.copy()
    bad.iloc[5, 1] = 0.0
    with pytest.raises(ValueError, match=r"ETH.*2022-01-06"):
        keel.covariance(bad)


def test_not_a_dataframe_or_no_datetime_index(prices):
    with pytest.raises(TypeError, match="DatetimeIndex"):
        keel.covariance(prices.reset_index(drop=True))
    with pytest.raises(TypeError, match="DataFrame"):
        keel.covariance(prices.to_numpy())
    with pytest.raises(TypeError, match="not numbers"):
        keel.covariance(prices.assign(BTC="x"))


def test_unknown_names_raise_with_the_known_ones(prices):
    with pytest.raises(ValueError, match="ledoit-wolf"):
        keel.covariance(prices, "ledoitwolf")
    with pytest.raises(ValueError, match="unknown constraint"):
        keel.optimize(prices, constraints={"max_wieght": 0.2})
    with pytest.raises(ValueError, match="missing"):
        keel.covariance(prices, missing="fill")
    with pytest.raises(ValueError, match="unknown estimator option"):
        keel.expected_returns(prices, spam=1)


def test_assets_are_matched_by_name_never_by_position(prices):
    mu = keel.expected_returns(prices)
    cov = keel.covariance(prices)
    base = keel.optimize(mu=mu, cov=cov, model="max-sharpe")
    order = ["SOL", "BTC", "DOGE", "ETH", "XRP", "ADA"]
    shuffled = keel.optimize(mu=mu[order[::-1]], cov=cov.loc[order, order[::-1]],
                             model="max-sharpe")
    pd.testing.assert_series_equal(shuffled.weights[base.weights.index], base.weights,
                                   rtol=1e-10)
    with pytest.raises(ValueError, match="'LUNA'"):
        keel.optimize(mu=pd.concat([mu, pd.Series({"LUNA": 0.1})]), cov=cov)
    with pytest.raises(ValueError, match="no value for asset 'ADA'"):
        keel.optimize(mu=mu.drop("ADA"), cov=cov, model="max-sharpe")
    with pytest.raises(TypeError, match="never matched by order"):
        keel.optimize(mu=mu.to_numpy(), cov=cov)
