"""optimize(), risk_profile() and warnings through the Python API."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import keel


def test_min_variance_is_the_minimum_over_the_simplex(prices):
    scipy_opt = pytest.importorskip("scipy.optimize")
    res = keel.optimize(prices)
    assert res.status == "optimal" and res.is_usable()
    w = res.weights
    assert list(w.index) == list(prices.columns)
    assert w.sum() == pytest.approx(1.0, abs=1e-10) and (w >= -1e-12).all()
    cov = keel.covariance(prices).to_numpy()
    n = cov.shape[0]
    ref = scipy_opt.minimize(lambda x: x @ cov @ x, np.full(n, 1 / n), jac=lambda x: 2 * cov @ x,
                             bounds=[(0, 1)] * n, constraints=[{"type": "eq",
                                                                "fun": lambda x: x.sum() - 1}],
                             method="SLSQP", options={"ftol": 1e-15, "maxiter": 1000})
    np.testing.assert_allclose(w.to_numpy(), ref.x, atol=1e-5)
    assert res.performance["volatility"] == pytest.approx(math.sqrt(w @ cov @ w), rel=1e-10)
    assert res.performance["volatility"] <= math.sqrt(ref.fun) * (1 + 1e-9)
    assert res.diagnostics["max_constraint_violation"] <= 1e-8
    assert res.inputs["periods_per_year"] == 365 and res.inputs["observations"] == len(prices) - 1


def test_prices_and_mu_cov_inputs_agree(prices):
    a = keel.optimize(prices, model="max-sharpe", covariance="ledoit-wolf",
                      constraints={"max_weight": 0.3})
    b = keel.optimize(mu=keel.expected_returns(prices),
                      cov=keel.covariance(prices, "ledoit-wolf"), model="max-sharpe",
                      constraints={"max_weight": 0.3})
    pd.testing.assert_series_equal(a.weights, b.weights, rtol=1e-12)
    assert a.weights.max() <= 0.3 + 1e-9


def test_constraints_bounds_groups_and_linear(prices):
    res = keel.optimize(prices, model="max-sharpe", constraints={
        "bounds": {"BTC": (0.1, 0.5)},
        "groups": {"memes": {"assets": ["DOGE", "XRP"], "max": 0.15}},
        "linear": [{"name": "eth-vs-sol", "coefficients": {"ETH": 1, "SOL": -1}, "sense": ">=",
                    "rhs": 0.0}],
    })
    w = res.weights
    assert res.is_usable()
    assert 0.1 - 1e-9 <= w["BTC"] <= 0.5 + 1e-9
    assert w["DOGE"] + w["XRP"] <= 0.15 + 1e-9
    assert w["ETH"] - w["SOL"] >= -1e-9


def test_infeasible_returns_its_status_or_raises_on_request(prices):
    res = keel.optimize(prices, constraints={"max_weight": 0.1})  # 6 × 0.1 < 1
    assert res.status == "infeasible" and not res.is_usable()
    assert len(res.weights) == 0
    assert res.diagnostics["explanation"]
    with pytest.raises(keel.SolveError, match="infeasible") as err:
        keel.optimize(prices, constraints={"max_weight": 0.1}, raise_on_failure=True)
    assert err.value.result.status == "infeasible"


def test_max_sharpe_when_nothing_beats_the_risk_free_rate(prices):
    res = keel.optimize(prices, model="max-sharpe", risk_free_rate=50.0)
    assert res.status == "infeasible"
    assert "risk-free" in res.diagnostics["explanation"]


def test_library_warnings_are_keel_warnings(prices):
    mu = pd.Series(50.0, index=prices.columns)  # 5,000% a year: implausible
    with pytest.warns(keel.KeelWarning, match="expected return"):
        res = keel.optimize(mu=mu, cov=keel.covariance(prices), model="max-sharpe")
    assert res.diagnostics["warnings"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", keel.KeelWarning)
        with pytest.raises(keel.KeelWarning):
            keel.optimize(mu=mu, cov=keel.covariance(prices), model="max-sharpe")


def test_hierarchical_and_naive_models(prices):
    for model in ("hrp", "herc", "inverse-volatility", "equal-weight", "risk-parity"):
        res = keel.optimize(prices, model=model)
        assert res.is_usable(), (model, res.status)
        assert res.weights.sum() == pytest.approx(1.0, abs=1e-9)
    ew = keel.optimize(prices, model="equal-weight").weights
    np.testing.assert_allclose(ew.to_numpy(), 1 / 6)
    hrp = keel.optimize(prices, model="hrp")
    assert sorted(hrp.details["leaf_order"]) == sorted(prices.columns)
    pd.testing.assert_series_equal(hrp.weights, keel.hrp(keel.covariance(prices)), rtol=1e-14)


def test_result_document_has_the_cli_keys(prices):
    doc = keel.optimize(prices, model="max-sharpe").to_dict()
    assert {"model", "status", "weights", "performance", "inputs", "diagnostics"} <= set(doc)
    assert set(doc["performance"]) == {"expected_return", "volatility", "sharpe"}


def test_risk_profile_historical_var_and_volatility(prices):
    w = pd.Series({"BTC": 0.5, "ETH": 0.3, "SOL": 0.2})
    prof = keel.risk_profile(w, prices, methods=["historical", "gaussian"], confidence=0.95)
    port = prices[["BTC", "ETH", "SOL"]].pct_change().iloc[1:] @ w[["BTC", "ETH", "SOL"]]
    pd.testing.assert_series_equal(prof["portfolio_returns"], port.rename("portfolio_return"),
                                   check_freq=False, rtol=1e-13)
    assert prof["volatility"]["per_period"] == pytest.approx(port.std(), rel=1e-10)
    assert prof["volatility"]["annualised"] == pytest.approx(port.std() * math.sqrt(365),
                                                             rel=1e-10)
    from scipy.stats import norm
    gauss = -(port.mean() + port.std() * norm.ppf(0.05))
    assert prof["var"]["gaussian"] == pytest.approx(gauss, rel=1e-8)
    assert prof["cvar"]["historical"] >= prof["var"]["historical"]
    same = keel.risk_profile(w, returns=prices.pct_change().iloc[1:],
                             methods=["historical", "gaussian"])
    assert same["var"] == prof["var"]
    with pytest.raises(ValueError, match="'LUNA'"):
        keel.risk_profile(pd.Series({"LUNA": 1.0}), prices)


def test_risk_profile_headline_drawdown_is_compounded(prices):
    w = pd.Series({"BTC": 0.5, "ETH": 0.3, "SOL": 0.2})
    prof = keel.risk_profile(w, prices, methods=["historical"])
    port = prices[["BTC", "ETH", "SOL"]].pct_change().iloc[1:] @ w[["BTC", "ETH", "SOL"]]
    wealth = (1 + port).cumprod()
    compounded = (1 - wealth / wealth.cummax().clip(lower=1.0)).max()
    summed = port.cumsum()
    uncompounded = (summed.cummax().clip(lower=0.0) - summed).max()
    assert prof["max_drawdown"] == pytest.approx(compounded, rel=1e-12)
    assert prof["uncompounded_drawdown"]["max_drawdown"] == pytest.approx(uncompounded, rel=1e-12)


def test_max_ratio_kelly_and_semivariance_reach_the_library_models(prices):
    """model='max-ratio' solves the measure it is given (not variance), as the CLI does."""
    cvar = keel.optimize(prices, model="max-ratio", risk_measure="cvar")
    mad = keel.optimize(prices, model="max-ratio", risk_measure="mad")
    for r in (cvar, mad):
        assert r.is_usable(), r.diagnostics
        assert r.weights.sum() == pytest.approx(1.0, abs=1e-9)
    # max-ratio with variance is max Sharpe.
    sharpe = keel.optimize(prices, model="max-sharpe")
    ratio = keel.optimize(prices, model="max-ratio", risk_measure="variance")
    np.testing.assert_allclose(ratio.weights.to_numpy(), sharpe.weights.to_numpy(), atol=1e-9)
    half = keel.optimize(prices, model="kelly", kelly_fraction=0.5)
    assert half.is_usable(), half.diagnostics
    assert keel.optimize(prices, model="min-semivariance").is_usable()
    with pytest.raises(ValueError, match="unknown for max-ratio"):
        keel.optimize(prices, model="max-ratio", risk_measure="var")
    with pytest.raises(ValueError, match="kelly_fraction applies"):
        keel.optimize(prices, model="max-sharpe", kelly_fraction=0.5)
    with pytest.raises(ValueError, match="risk_measure applies"):
        keel.optimize(prices, model="min-variance", risk_measure="cvar")
