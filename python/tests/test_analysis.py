"""keel.frontier, keel.stress, keel.backtest and keel.report against independent references
(keel.optimize on the same inputs, pandas price ratios) and against the CLI's JSON for the same
inputs (`keel frontier/stress/backtest --format json`, the ci build; skipped when absent)."""

import json
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

import keel
from conftest import simulated_prices


@pytest.fixture(scope="module")
def data():
    return simulated_prices(days=500, seed=11)


def write_csv(prices, path):
    prices.to_csv(path, index_label="date", float_format="%.17g", date_format="%Y-%m-%d")
    return path


def run_cli(keel_cli, *args):
    done = subprocess.run([str(keel_cli), *map(str, args), "--format", "json"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# ---- frontier -------------------------------------------------------------------------------------

def test_frontier_ends_are_the_optimize_portfolios(data):
    f = keel.frontier(data, points=15, constraints={"max_weight": 0.4})
    assert f.is_usable() and f.diagnostics["exact"] is True
    assert len(f.points) == 15 and list(f.weights.columns) == list(data.columns)
    assert (np.diff(f.points["expected_return"]) > 0).all()
    # The critical line's first point and max-Sharpe portfolio against the QP solves of optimize.
    mv = keel.optimize(data, model="min-variance", constraints={"max_weight": 0.4})
    np.testing.assert_allclose(f.weights.iloc[0].to_numpy(), mv.weights.to_numpy(), atol=1e-6)
    ms = keel.optimize(data, model="max-sharpe", constraints={"max_weight": 0.4})
    np.testing.assert_allclose(f.max_sharpe.to_numpy(), ms.weights.to_numpy(), atol=1e-6)
    assert f.points["volatility"].iloc[0] == pytest.approx(mv.performance["volatility"],
                                                            rel=1e-8)


def test_frontier_traced_under_a_group_and_infeasible(data):
    groups = {"majors": {"assets": ["BTC", "ETH"], "min": 0.5, "max": 0.7}}
    f = keel.frontier(data, points=8, constraints={"groups": groups})
    assert f.is_usable() and f.diagnostics["exact"] is False
    share = f.weights[["BTC", "ETH"]].sum(axis=1)
    assert ((share > 0.5 - 1e-7) & (share < 0.7 + 1e-7)).all()
    mv = keel.optimize(data, model="min-variance", constraints={"groups": groups})
    np.testing.assert_allclose(f.weights.iloc[0].to_numpy(), mv.weights.to_numpy(), atol=1e-5)
    bad = keel.frontier(data, constraints={"max_weight": 0.1})
    assert bad.status == "infeasible" and not bad.is_usable() and len(bad.points) == 0


BOOK = """[[groups]]
name = "majors"
members = ["BTC", "ETH"]
min = 0.5
max = 0.7
"""


@pytest.mark.parametrize("flags,kwargs", [
    (["--max-weight", "0.4"], dict(constraints={"max_weight": 0.4})),
    (["--cov", "ledoit-wolf", "--risk-free", "0.05"],
     dict(covariance="ledoit-wolf", risk_free_rate=0.05)),
    (["--config", "BOOK"],
     dict(constraints={"groups": {"majors": {"assets": ["BTC", "ETH"], "min": 0.5,
                                             "max": 0.7}}})),
], ids=["exact", "ledoit-wolf", "traced-group"])
def test_frontier_same_as_the_cli(tmp_path, keel_cli, data, flags, kwargs):
    path = write_csv(data, tmp_path / "p.csv")
    (tmp_path / "book.toml").write_text(BOOK)
    flags = [tmp_path / "book.toml" if f == "BOOK" else f for f in flags]
    cli = run_cli(keel_cli, "frontier", "--prices", path, "--points", 12, *flags)
    assert cli["diagnostics"]["exact"] == ("--config" not in flags)
    py = keel.frontier(data, points=12, **kwargs).to_dict()
    assert py["status"] == cli["status"]
    for key in ("points", "turning_points"):
        assert len(py[key]) == len(cli[key])
        for a, b in zip(py[key], cli[key]):
            for k in ("expected_return", "volatility", "sharpe"):
                assert a[k] == pytest.approx(b[k], rel=1e-9, abs=1e-12), k
            np.testing.assert_allclose(list(a["weights"].values()),
                                       list(b["weights"].values()), atol=1e-9)
    np.testing.assert_allclose(list(py["max_sharpe"]["weights"].values()),
                               list(cli["max_sharpe"]["weights"].values()), atol=1e-9)


# ---- stress ---------------------------------------------------------------------------------------

WEIGHTS = {"BTC": 0.5, "ETH": 0.3, "SOL": 0.2}


def test_stress_replay_is_the_price_ratio_and_shocks_apply(data):
    s = keel.stress(WEIGHTS, data, scenarios=[
        {"name": "crash", "shocks": [{"all": True, "return": -0.4},
                                     {"assets": ["BTC"], "return": -0.2}]}])
    luna = next(w for w in s["historical"] if w["name"] == "luna-collapse-2022")
    assert luna["status"] == "replayed"
    window = data.loc[luna["from"]:luna["to"]]
    ratio = window.iloc[-1] / window.iloc[0] - 1
    expected = sum(w * ratio[a] for a, w in WEIGHTS.items())
    assert luna["total_pnl"] == pytest.approx(expected, rel=1e-12)
    assert s.windows.loc["luna-collapse-2022", "status"] == "replayed"
    crash = s["hypothetical"][0]
    assert crash["total_pnl"] == pytest.approx(0.5 * -0.2 + 0.5 * -0.4, rel=1e-12)
    # The correlation stress before the shift is the Gaussian VaR of the held assets' returns.
    r = data[list(WEIGHTS)].pct_change().iloc[1:] @ pd.Series(WEIGHTS)
    before = s["correlation_stress"]["before"]
    assert before["volatility"] == pytest.approx(r.std(ddof=1), rel=1e-9)


def test_stress_names_an_unknown_asset(data):
    with pytest.raises(ValueError, match="'DOT'"):
        keel.stress({"DOT": 1.0}, data)


def test_stress_same_as_the_cli(tmp_path, keel_cli, data):
    path = write_csv(data, tmp_path / "p.csv")
    (tmp_path / "w.json").write_text(json.dumps(WEIGHTS))
    cli = run_cli(keel_cli, "stress", "--prices", path, "--weights", tmp_path / "w.json")
    py = keel.stress(WEIGHTS, data)
    assert [w["name"] for w in py["historical"]] == [w["name"] for w in cli["historical"]]
    for a, b in zip(py["historical"], cli["historical"]):
        assert a["status"] == b["status"]
        assert a["total_pnl"] == pytest.approx(b["total_pnl"], rel=1e-12)
    for part in ("correlation_stress", "liquidity_stress"):
        assert json.dumps(py[part], sort_keys=True) == json.dumps(cli[part], sort_keys=True) or \
            _close(py[part], cli[part]), part


def _close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-10, abs=1e-14)
    return a == b


# ---- backtest -------------------------------------------------------------------------------------

STRATEGIES = [
    {"name": "mv", "model": "min-variance", "constraints": {"max_weight": 0.4}},
    {"name": "ms", "model": "max-sharpe", "mu": "geometric", "cov": "oas", "rebalance": "weekly",
     "fallback": "min-variance"},
    # Infeasible whenever no asset's window mean reaches 100% a year: the fallback then applies.
    {"name": "er", "model": "efficient-return", "target_return": 1.0, "fallback": "keep-previous"},
    {"name": "BTC", "kind": "buy-and-hold", "asset": "BTC", "benchmark": True},
]
TOML = """window = 120
rebalance = "monthly"
[trading]
fee_bps = 10
half_spread_bps = 5
[[strategy]]
name = "mv"
model = "min-variance"
max_weight = 0.4
[[strategy]]
name = "ms"
model = "max-sharpe"
mu = "geometric"
cov = "oas"
rebalance = "weekly"
fallback = "min-variance"
[[strategy]]
name = "er"
model = "efficient-return"
target_return = 1.0
fallback = "keep-previous"
[[benchmark]]
name = "BTC"
kind = "buy-and-hold"
asset = "BTC"
"""


def run_backtest(data, **kwargs):
    return keel.backtest(data, STRATEGIES, window=120, costs={"fee_bps": 10,
                                                              "half_spread_bps": 5}, **kwargs)


@pytest.mark.filterwarnings("ignore::keel.KeelWarning")  # heavy shrinkage on 120 rows
def test_backtest_frames_and_buy_and_hold_against_prices(data):
    bt = run_backtest(data)
    assert list(bt.equity.columns) == ["mv", "ms", "er", "BTC"]
    assert bt.equity.iloc[0].tolist() == [1e6] * 4
    outcomes = set(bt.rebalances[bt.rebalances.strategy == "er"].outcome)
    assert outcomes == {"rebalanced", "fallback"}, outcomes
    assert isinstance(bt.equity.index, pd.DatetimeIndex)
    # Buy and hold: bought at the close after the first decision, then it moves with BTC's price.
    trade = bt.rebalances[bt.rebalances.strategy == "BTC"].iloc[0]
    held = data.loc[trade.execution_date:, "BTC"]
    equity = bt.equity.loc[trade.execution_date:, "BTC"]
    np.testing.assert_allclose(equity / equity.iloc[0], held / held.iloc[0], rtol=1e-12)
    # 10 bp fee + 5 bp half-spread on the notional N bought with all the cash: N + 15e-4 N = 1e6.
    assert trade.cost == pytest.approx(1e6 * 15e-4 / (1 + 15e-4), rel=1e-12)
    # Net returns are the equity's, and the costs add up.
    np.testing.assert_allclose(bt.returns["mv"].iloc[1:],
                               bt.equity["mv"].pct_change().iloc[1:], rtol=1e-9, atol=1e-14)
    mv = bt.rebalances[bt.rebalances.strategy == "mv"]
    assert bt.costs.loc["mv", "total"] == pytest.approx(mv.cost.sum(), rel=1e-12)
    first = bt.trades[(bt.trades.strategy == "mv")
                      & (bt.trades.decision_date == mv.decision_date.iloc[0])]
    window = data.loc[:mv.decision_date.iloc[0]].iloc[-121:]
    ref = keel.optimize(window, model="min-variance", covariance="ledoit-wolf-constant-correlation",
                        constraints={"max_weight": 0.4})
    np.testing.assert_allclose(first.target.to_numpy(), ref.weights.to_numpy(), atol=1e-7)
    weights = bt.weights["mv"]
    assert weights.shape == (len(bt.equity), data.shape[1])
    np.testing.assert_allclose(weights.sum(axis=1) + bt.cash_weight["mv"], 1.0, atol=1e-12)
    assert set(bt.metrics.columns) >= {"cagr", "sharpe", "max_drawdown", "turnover_annual"}


def test_backtest_same_as_the_cli(tmp_path, keel_cli, data):
    path = write_csv(data, tmp_path / "p.csv")
    (tmp_path / "s.toml").write_text(TOML)
    cli = run_cli(keel_cli, "backtest", "--prices", path, "--config", tmp_path / "s.toml",
                  "--quiet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keel.KeelWarning)
        py = run_backtest(data).to_dict()
    assert py["dates"] == cli["dates"]
    assert len(py["strategies"]) == len(cli["strategies"]) == 4
    for a, b in zip(py["strategies"], cli["strategies"]):
        assert a["name"] == b["name"]
        np.testing.assert_allclose(a["series"]["equity"], b["series"]["equity"], rtol=1e-9)
        for k, v in b["metrics"].items():
            assert a["metrics"][k] == pytest.approx(v, rel=1e-8, abs=1e-12), k
        assert [(r["decision_date"], r["outcome"]) for r in a["rebalances"]] == \
            [(r["decision_date"], r["outcome"]) for r in b["rebalances"]]
        for ra, rb in zip(a["rebalances"], b["rebalances"]):
            assert ra.get("fallback_reason") == rb.get("fallback_reason")
            assert ("target" in ra) == ("target" in rb)  # keep-previous trades nothing
            if "target" in rb:
                assert ra["target"].keys() == rb["target"].keys()
                np.testing.assert_allclose(list(ra["target"].values()),
                                           list(rb["target"].values()), atol=1e-9)


def test_backtest_bad_strategy_names_it(data):
    with pytest.raises(ValueError, match="strategy 'x'.*fallback 'nope'"):
        keel.backtest(data, [{"name": "x", "model": "min-variance", "fallback": "nope"}])
    with pytest.raises(ValueError, match="unknown key.*max_wieght"):
        keel.backtest(data, [{"name": "x", "model": "min-variance", "max_wieght": 0.2}])


# ---- reports --------------------------------------------------------------------------------------

def test_reports_are_written(tmp_path, data):
    bt = run_backtest(data)
    try:
        keel.report(bt, tmp_path / "bt.html")
    except keel.InvalidInputError as error:
        pytest.skip(f"library built without the Vega bundles: {error}")
    keel.report(keel.frontier(data, points=10), tmp_path / "f.html")
    keel.report(keel.stress(WEIGHTS, data), tmp_path / "s.html")
    keel.report(keel.optimize(data, model="hrp"), tmp_path / "o.html")
    mu, cov = keel.expected_returns(data), keel.covariance(data)
    keel.report(keel.optimize(mu=mu, cov=cov, model="max-sharpe"), tmp_path / "o2.html")
    for name in ("bt", "f", "s", "o", "o2"):
        text = (tmp_path / f"{name}.html").read_text()
        assert text.startswith("<!DOCTYPE html>") or "<html" in text[:500]
        assert "vega" in text
    with pytest.raises(TypeError, match="BacktestResult"):
        keel.report({"not": "a result"}, tmp_path / "x.html")
