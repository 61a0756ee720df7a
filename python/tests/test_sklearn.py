"""keel.estimators as scikit-learn estimators: clone, parameters, Pipeline, GridSearchCV over the
walk-forward split on real data, fallbacks; weights against the functional API's."""

import warnings

import numpy as np
import pandas as pd
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

import keel  # noqa: E402
from conftest import SHARED_DATA, simulated_prices  # noqa: E402
from keel.estimators import (Covariance, ExpectedReturns, Portfolio,  # noqa: E402
                             SelectComplete, WalkForward, prices_from_returns)

HUOBI = SHARED_DATA / "crypto_pob_huobi" / "daily_close_usdt.csv"


@pytest.fixture(scope="module")
def huobi_returns():
    """Palomar's Huobi daily closes (GPL-3, shared data): the five coins with a full history
    2017-10-31 .. 2021-06-17, as per-period simple returns."""
    if not HUOBI.is_file():
        pytest.skip(f"shared data not found: {HUOBI}")
    prices = pd.read_csv(HUOBI, index_col="date", parse_dates=True)
    return keel.returns(prices[["BTC", "ETH", "ETC", "LTC", "BCH"]])


def test_prices_from_returns_round_trip(prices):
    r = keel.returns(prices)
    back = keel.returns(prices_from_returns(r))
    pd.testing.assert_frame_equal(back, r, check_freq=False, rtol=0, atol=1e-14)
    ragged = r.copy()
    ragged.iloc[:30, 1] = np.nan  # listed later: its first return is kept
    rebuilt = keel.returns(prices_from_returns(ragged), missing="pairwise")
    np.testing.assert_allclose(rebuilt.iloc[30:, 1], ragged.iloc[30:, 1], rtol=0, atol=1e-14)
    assert rebuilt.iloc[:30, 1].isna().all()


def test_clone_and_params_round_trip():
    model = Portfolio("max-sharpe", covariance_estimator=Covariance("ledoit-wolf", span=30),
                      constraints={"max_weight": 0.3}, fallback=[Portfolio("hrp")],
                      raise_on_failure=False)
    params = model.get_params(deep=True)
    assert params["covariance_estimator__method"] == "ledoit-wolf"
    assert params["covariance_estimator__span"] == 30
    assert params["constraints"] == {"max_weight": 0.3}
    copy = clone(model)
    assert copy is not model and copy.covariance_estimator is not model.covariance_estimator
    assert copy.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    assert copy.covariance_estimator.get_params() == model.covariance_estimator.get_params()
    copy.set_params(model="min-variance", covariance_estimator__method="oas")
    assert copy.model == "min-variance" and copy.covariance_estimator.method == "oas"
    assert model.model == "max-sharpe" and model.covariance_estimator.method == "ledoit-wolf"
    for estimator in (Covariance(), ExpectedReturns("ewma", span=60), SelectComplete(0.1)):
        again = clone(estimator)
        assert again.get_params() == estimator.get_params()


@pytest.mark.parametrize("model,cov,mu", [("max-sharpe", "ledoit-wolf", "mean"),
                                          ("min-variance", "oas", "mean"),
                                          ("hrp", "sample", "geometric"),
                                          ("min-cvar", "sample", "mean")])
def test_weights_equal_the_functional_api(prices, model, cov, mu):
    r = keel.returns(prices)
    fitted = Portfolio(model, covariance_estimator=Covariance(cov),
                       expected_returns_estimator=ExpectedReturns(mu),
                       constraints={"max_weight": 0.4}).fit(r)
    ref = keel.optimize(prices, model=model, covariance=cov, expected_returns=mu,
                        constraints={"max_weight": 0.4})
    assert list(fitted.weights_.index) == list(ref.weights.index)
    np.testing.assert_allclose(fitted.weights_.to_numpy(), ref.weights.to_numpy(), atol=1e-8)
    assert fitted.result_.status == ref.status
    assert list(fitted.feature_names_in_) == list(prices.columns)


def test_moment_estimators_equal_the_functional_api(prices):
    r = keel.returns(prices)
    cov = Covariance("ewma", span=40).fit(r)
    np.testing.assert_allclose(cov.covariance_.to_numpy(),
                               keel.covariance(prices, "ewma", span=40).to_numpy(), rtol=1e-10)
    assert cov.periods_per_year_ == 365
    mu = ExpectedReturns("geometric").fit(r)
    np.testing.assert_allclose(mu.mu_.to_numpy(),
                               keel.expected_returns(prices, "geometric").to_numpy(), rtol=1e-10)


def test_predict_and_score_against_numpy(prices):
    r = keel.returns(prices)
    train, test = r.iloc[:300], r.iloc[300:]
    fitted = Portfolio("min-variance").fit(train)
    predicted = fitted.predict(test)
    expected = test.to_numpy() @ fitted.weights_.reindex(test.columns).to_numpy()
    np.testing.assert_allclose(predicted.to_numpy(), expected, rtol=1e-13)
    assert (predicted.index == test.index).all()
    sharpe = expected.mean() / expected.std(ddof=1) * np.sqrt(365)
    assert fitted.score(test) == pytest.approx(sharpe, rel=1e-12)
    with pytest.raises(ValueError, match="'BTC'"):
        fitted.predict(test.drop(columns="BTC"))


def test_pipeline_with_preselection(prices):
    r = keel.returns(prices)
    r.iloc[:100, 3] = np.nan  # ADA listed late: dropped by the selection
    pipe = Pipeline([("select", SelectComplete()),
                     ("portfolio", Portfolio("max-sharpe",
                                             covariance_estimator=Covariance("ledoit-wolf")))])
    pipe.fit(r.iloc[:250])
    weights = pipe.named_steps["portfolio"].weights_
    assert "ADA" not in weights.index and len(weights) == 5
    ref = Portfolio("max-sharpe", covariance_estimator=Covariance("ledoit-wolf")).fit(
        r.iloc[:250].drop(columns="ADA"))
    pd.testing.assert_series_equal(weights, ref.weights_)
    assert len(pipe.predict(r.iloc[250:])) == len(r) - 250
    assert np.isfinite(pipe.score(r.iloc[250:]))
    pipe.set_params(portfolio__covariance_estimator__method="oas", select__max_missing=0.5)
    assert clone(pipe).get_params()["portfolio__covariance_estimator__method"] == "oas"


def test_walk_forward_splits():
    X = pd.DataFrame(np.zeros((10, 1)), index=pd.date_range("2024-01-01", periods=10),
                     columns=["A"])
    cv = WalkForward(train_size=4, test_size=2)
    splits = [(list(a), list(b)) for a, b in cv.split(X)]
    assert splits == [([0, 1, 2, 3], [4, 5]), ([2, 3, 4, 5], [6, 7]), ([4, 5, 6, 7], [8, 9])]
    assert cv.get_n_splits(X) == 3
    grow = WalkForward(train_size=4, test_size=3, purged_size=1, expand_train=True,
                       reduce_test=True)
    splits = [(list(a), list(b)) for a, b in grow.split(X)]
    assert splits == [([0, 1, 2, 3], [5, 6, 7]), ([0, 1, 2, 3, 4, 5, 6], [8, 9])]
    with pytest.raises(ValueError, match="too few"):
        list(WalkForward(train_size=9, test_size=2).split(X))
    with pytest.raises(ValueError, match="train_size"):
        list(WalkForward(train_size=1.5, test_size=2).split(X))


def test_grid_search_over_the_walk_forward_split_on_real_data(huobi_returns):
    cv = WalkForward(train_size=365, test_size=90)
    # In the 2018 bear market no coin beats the risk-free rate: max-sharpe is infeasible on
    # those windows and the fallback answers.
    model = Portfolio("max-sharpe", covariance_estimator=Covariance("sample"),
                      constraints={"max_weight": 0.5},
                      fallback=[Portfolio("min-variance", constraints={"max_weight": 0.5})])
    grid = {"covariance_estimator__method": ["sample", "ledoit-wolf"],
            "model": ["max-sharpe", "min-variance"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keel.KeelWarning)
        search = GridSearchCV(model, grid, cv=cv, error_score="raise").fit(huobi_returns)
        # The search's score of each candidate is the mean of the fold Sharpe ratios, computed
        # here again fold by fold with numpy.
        best = search.best_params_
        folds = []
        for train, test in cv.split(huobi_returns):
            fitted = clone(model).set_params(**best).fit(huobi_returns.iloc[train])
            w = fitted.weights_.reindex(huobi_returns.columns).to_numpy()
            p = huobi_returns.iloc[test].to_numpy() @ w
            folds.append(p.mean() / p.std(ddof=1) * np.sqrt(365))
    assert cv.get_n_splits(huobi_returns) == len(folds) == (len(huobi_returns) - 365) // 90
    # The fallback answers exactly on the windows where no coin's mean return is positive (the
    # bear-market windows): there max-sharpe has no portfolio beating the risk-free rate 0.
    used, bear = [], []
    for train, _ in cv.split(huobi_returns):
        window = huobi_returns.iloc[train]
        used.append(clone(model).fit(window).fallback_ is not None)
        bear.append(bool((window.mean() <= 0).all()))
    assert used == bear and any(bear) and not all(bear), (used, bear)
    assert search.best_score_ == pytest.approx(np.mean(folds), rel=1e-10)
    assert set(search.best_estimator_.weights_.index) == set(huobi_returns.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keel.KeelWarning)
        scores = cross_val_score(Portfolio("hrp"), huobi_returns, cv=cv)
    assert len(scores) == len(folds) and np.isfinite(scores).all()


def test_fallback_chain_and_raise_on_failure(prices):
    r = keel.returns(prices)
    infeasible = {"max_weight": 0.1}  # six assets × 0.1 < 1
    with pytest.raises(keel.SolveError, match="infeasible"):
        Portfolio("min-variance", constraints=infeasible).fit(r)
    fitted = Portfolio("min-variance", constraints=infeasible,
                       fallback=[Portfolio("max-sharpe", constraints=infeasible),
                                 Portfolio("equal-weight")]).fit(r)
    assert isinstance(fitted.fallback_, Portfolio) and fitted.fallback_.model == "equal-weight"
    assert [outcome == "success" for _, outcome in fitted.fallback_chain_] == [False, False, True]
    assert "infeasible" in fitted.fallback_chain_[0][1]
    np.testing.assert_allclose(fitted.weights_.to_numpy(), np.full(6, 1 / 6), rtol=1e-12)
    previous = pd.Series({"BTC": 0.6, "ETH": 0.4})
    kept = Portfolio("min-variance", constraints=infeasible, fallback="previous_weights",
                     previous_weights=previous).fit(r)
    assert kept.fallback_ == "previous_weights"
    assert kept.weights_["BTC"] == 0.6 and kept.weights_["SOL"] == 0.0
    with pytest.warns(keel.KeelWarning, match="no usable weights"):
        failed = Portfolio("min-variance", constraints=infeasible, raise_on_failure=False).fit(r)
    assert failed.weights_ is None
    assert failed.predict(r).isna().all()
