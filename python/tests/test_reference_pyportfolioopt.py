"""PyPortfolioOpt's published results reproduced through the Python API, on its own test data
(../shared/data/reference/pyportfolioopt/stock_prices.csv, MIT; skipped when absent).

The triples are those asserted by PyPortfolioOpt's tests/test_efficient_frontier.py
(mean_historical_return + sample_cov, i.e. geometric mean ×252 compounded, pairwise sample
covariance ×252 with its PSD fix, rf 0.02), and the HRP weights of tests/resources/weights_hrp.csv
(tests/test_hrp.py, single linkage on the pairwise correlation)."""

import warnings

import numpy as np
import pytest

import keel

PYPFOPT = dict(expected_returns="geometric", missing="pairwise",
               estimator_options={"psd_repair": "spectral"}, periods_per_year=252,
               risk_free_rate=0.02)


def performance(result):
    p = result.performance
    return [p["expected_return"], p["volatility"], p["sharpe"]]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keel.KeelWarning)  # short-history notes on this data
        yield


def test_min_volatility(pypfopt_prices):
    res = keel.optimize(pypfopt_prices, model="min-variance", **PYPFOPT)
    assert res.status == "optimal"
    np.testing.assert_allclose(
        performance(res), [0.15056821399482578, 0.15915084514118694, 0.8204054077060996],
        rtol=1e-6)  # test_min_volatility


def test_max_sharpe(pypfopt_prices):
    res = keel.optimize(pypfopt_prices, model="max-sharpe", **PYPFOPT)
    assert res.status == "optimal"
    np.testing.assert_allclose(
        performance(res), [0.3047768672819914, 0.22165566922402932, 1.2847714127003216],
        rtol=1e-6)  # test_max_sharpe_long_only


def test_max_sharpe_unbounded_shorts(pypfopt_prices):
    res = keel.optimize(pypfopt_prices, model="max-sharpe", constraints={"bounds": (None, None)},
                        **PYPFOPT)
    np.testing.assert_allclose(
        performance(res), [0.4937195216716211, 0.29516576454651955, 1.6049270564945908],
        rtol=1e-6)  # test_max_sharpe_short


PUBLISHED_HRP = dict(zip(
    "GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX".split(),
    [0.04956008428992926, 0.022258941278778387, 0.06272994714663536, 0.07963382071794088,
     0.016086842079874982, 0.05519063444162851, 0.022294021796692116, 0.10569551148587902,
     0.014409222455552267, 0.055576660241857236, 0.11138956508836473, 0.027115909570750083,
     0.027113184241298872, 0.11175337115721229, 0.03161528695094598, 0.03406419438245041,
     0.038127373497320226, 0.07786528342813452, 0.017675709092515715, 0.039844436656239136]))


def test_hrp_published_weights(pypfopt_prices):
    # HRPOpt(returns) with returns = prices.pct_change().dropna(how="all"): the pairwise
    # covariance (Keel's own estimator, checked against pandas below) and pandas' pairwise
    # correlation.
    returns = pypfopt_prices.pct_change().dropna(how="all")
    cov = keel.covariance(pypfopt_prices, missing="pairwise", annualise=False)
    np.testing.assert_allclose(cov.to_numpy(), returns.cov().to_numpy(), rtol=1e-10, atol=1e-16)
    w = keel.hrp(cov, corr=returns.corr())
    for asset, expected in PUBLISHED_HRP.items():
        assert w[asset] == pytest.approx(expected, abs=1e-12), asset
    assert w.attrs["leaf_order"][:5] == ["SHLD", "AMD", "BBY", "RRC", "FB"]


def _hrp_reference(cov, corr):
    """HRP written from the paper with scipy (an independent implementation)."""
    from scipy.cluster import hierarchy
    from scipy.spatial.distance import squareform
    dist = np.sqrt(np.clip((1 - corr) / 2, 0, 1))
    np.fill_diagonal(dist, 0)
    link = hierarchy.linkage(squareform(dist, checks=False), "single")
    order = hierarchy.to_tree(link, rd=False).pre_order()
    w = np.ones(len(cov))
    clusters = [order]
    while clusters:
        clusters = [c[a:b] for c in clusters if len(c) > 1
                    for a, b in ((0, len(c) // 2), (len(c) // 2, len(c)))]
        for left, right in zip(clusters[::2], clusters[1::2]):
            def variance(items):
                sub = cov[np.ix_(items, items)]
                ivp = 1 / np.diag(sub)
                ivp /= ivp.sum()
                return ivp @ sub @ ivp
            vl, vr = variance(left), variance(right)
            w[left] *= 1 - vl / (vl + vr)
            w[right] *= vl / (vl + vr)
    return w


def test_hrp_model_through_optimize_matches_scipy(pypfopt_prices):
    pytest.importorskip("scipy")
    res = keel.optimize(pypfopt_prices, model="hrp", missing="drop-rows", periods_per_year=252)
    complete = pypfopt_prices.dropna().pct_change().iloc[1:]
    cov = complete.cov().to_numpy()
    corr = complete.corr().to_numpy()
    np.testing.assert_allclose(res.weights.to_numpy(), _hrp_reference(cov, corr), atol=1e-12)
