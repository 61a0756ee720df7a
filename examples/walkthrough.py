"""Keel from Python, notebook style: a price DataFrame → weights → risk profile → backtest → report.

Each step is timed beside the same step done with scikit-learn (Ledoit–Wolf covariance), cvxopt
(the long-only minimum-variance QP) and NumPy/pandas (historical VaR/CVaR, drawdown, a monthly
rebalancing loop), and the two answers are compared.

    python examples/walkthrough.py [PRICES.csv] [--out DIR]

Without a price file it uses Palomar's Huobi daily closes from the shared data
(../shared/data/crypto_pob_huobi/daily_close_usdt.csv, GPL-3) when present, else simulated prices.
Run by python/tests/test_walkthrough.py.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import keel

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KEEL_SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))
HUOBI = SHARED / "crypto_pob_huobi" / "daily_close_usdt.csv"


def load_prices(path):
    if path:
        return pd.read_csv(path, index_col=0, parse_dates=True), str(path)
    if HUOBI.is_file():
        prices = pd.read_csv(HUOBI, index_col="date", parse_dates=True)
        return prices[["BTC", "ETH", "ETC", "LTC", "BCH"]], f"{HUOBI.name} (Huobi, 5 coins)"
    rng = np.random.default_rng(1)
    shocks = rng.standard_normal((1299, 6)) * np.linspace(0.03, 0.06, 6) + 0.0005
    levels = 100 * np.exp(np.vstack([np.zeros(6), np.cumsum(shocks, axis=0)]))
    return (pd.DataFrame(levels, index=pd.date_range("2018-01-01", periods=1300, freq="D"),
                         columns=["BTC", "ETH", "SOL", "ADA", "XRP", "DOGE"]), "simulated")


def timed(call, repeat=3):
    """(result, best wall time in ms over `repeat` runs)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = call()
        best = min(best, time.perf_counter() - t0)
    return out, best * 1e3


def row(step, keel_ms, peer_ms, peer, agreement):
    peer_text = "—" if peer_ms is None else f"{peer_ms:9.2f} ms"
    ratio = "" if peer_ms is None else f"  ({peer_ms / keel_ms:5.1f}×)"
    print(f"{step:<14} keel {keel_ms:9.2f} ms | {peer:<28} {peer_text}{ratio} | {agreement}")


# ---- the peer steps -------------------------------------------------------------------------------

def peer_min_variance(returns, periods_per_year):
    """scikit-learn's Ledoit–Wolf covariance, then cvxopt's QP: min wᵀΣw, 1ᵀw = 1, w ≥ 0."""
    from cvxopt import matrix, solvers
    from sklearn.covariance import LedoitWolf

    sigma = LedoitWolf().fit(returns).covariance_ * periods_per_year
    n = sigma.shape[0]
    solvers.options.update(show_progress=False, abstol=1e-12, reltol=1e-12, feastol=1e-12)
    solution = solvers.qp(matrix(2 * sigma), matrix(np.zeros(n)), matrix(-np.eye(n)),
                          matrix(np.zeros(n)), matrix(np.ones((1, n))), matrix(1.0))
    return np.asarray(solution["x"]).ravel()


def peer_risk(returns, weights, confidence=0.95):
    """Historical VaR/CVaR (losses positive) with the definitions keel/risk/var.hpp states — the
    ⌈pT⌉-th smallest return and the Acerbi–Tasche expected shortfall of the empirical
    distribution (the worst ⌊pT⌋ returns, the next one with the fractional weight) — and the
    compounded max drawdown, in NumPy."""
    p = returns @ weights
    x = np.sort(p)
    m = (1 - confidence) * len(x)
    m = round(m) if abs(m - round(m)) <= 1e-9 * max(1.0, m) else m
    k = max(1, int(np.ceil(m)))
    var = -x[k - 1]
    cvar = -(x[:k - 1].sum() + (m - k + 1) * x[k - 1]) / m
    wealth = np.cumprod(1 + p)
    drawdown = 1 - wealth / np.maximum.accumulate(np.maximum(wealth, 1.0))
    return var, cvar, drawdown.max()


def peer_backtest(prices, window, periods_per_year):
    """Monthly min-variance rebalancing in a pandas loop, on Keel's timeline (keel/backtest/
    engine.hpp): decide at the first date with a full window and then at the first date of each
    month, on the last `window` returns up to that close, trade at the next close, drift in
    between (no costs)."""
    returns = prices.pct_change().iloc[1:]
    dates = prices.index
    months = dates.to_period("M")
    decisions = [window] + [i for i in range(window + 1, len(dates))
                            if months[i] != months[i - 1]]
    value, weights = 1.0, np.zeros(prices.shape[1])
    equity = {}
    targets = {i + 1: peer_min_variance(returns.iloc[i - window:i].to_numpy(), periods_per_year)
               for i in decisions if i + 1 < len(dates)}
    start = decisions[0]
    for t in range(start + 1, len(dates)):
        r = returns.iloc[t - 1].to_numpy()
        growth = weights @ (1 + r) + (1 - weights.sum())
        weights = weights * (1 + r) / growth if growth else weights
        value *= growth
        if t in targets:
            weights = targets[t]
        equity[dates[t]] = value
    return pd.Series(equity)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prices", nargs="?")
    parser.add_argument("--out", default=".", help="directory of the HTML report")
    args = parser.parse_args(argv)
    import warnings
    warnings.simplefilter("ignore", keel.KeelWarning)

    prices, source = load_prices(args.prices)
    print(f"keel {keel.__version__}: {source}, {prices.shape[1]} assets × {len(prices)} dates "
          f"({prices.index[0].date()} .. {prices.index[-1].date()})\n")

    # 1. Weights: Ledoit–Wolf covariance and the long-only minimum-variance portfolio.
    result, t_keel = timed(lambda: keel.optimize(prices, model="min-variance",
                                                 covariance="ledoit-wolf"))
    returns = keel.returns(prices)
    ppy = returns.attrs["periods_per_year"]
    try:
        peer_w, t_peer = timed(lambda: peer_min_variance(returns.to_numpy(), ppy))
        agree = f"max |Δw| {np.abs(peer_w - result.weights.to_numpy()).max():.1e}"
    except ImportError as error:  # cvxopt or scikit-learn not installed
        peer_w, t_peer, agree = None, None, f"peer unavailable ({error.name})"
    row("weights", t_keel, t_peer, "scikit-learn + cvxopt", agree)

    # 2. Risk profile of those weights.
    profile, t_keel = timed(lambda: keel.risk_profile(result.weights, prices,
                                                      methods=["historical"]))
    (var, cvar, mdd), t_peer = timed(lambda: peer_risk(returns.to_numpy(),
                                                       result.weights.to_numpy()))
    keel_var = profile["var"]["historical"]
    keel_cvar = profile["cvar"]["historical"]
    # Keel computes the whole profile from prices (volatility, VaR/CVaR, every drawdown measure,
    # risk contributions); the NumPy peer only the three figures, from returns already computed.
    row("risk profile", t_keel, t_peer, "numpy (3 figures only)",
        f"VaR {keel_var:.6f} vs {var:.6f}, CVaR {keel_cvar:.6f} vs {cvar:.6f}, max DD "
        f"{profile['max_drawdown']:.6f} vs {mdd:.6f}")

    # 3. Backtest: monthly min-variance on a 365-day window, no costs, against a pandas loop.
    strategy = {"name": "min-variance", "model": "min-variance", "cov": "ledoit-wolf"}
    bt, t_keel = timed(lambda: keel.backtest(prices, [strategy], window=365), repeat=1)
    try:
        peer_eq, t_peer = timed(lambda: peer_backtest(prices, 365, ppy), repeat=1)
        keel_eq = bt.equity["min-variance"] / bt.equity["min-variance"].iloc[0]
        common = keel_eq.index.intersection(peer_eq.index)
        gap = np.abs(keel_eq[common].to_numpy() / peer_eq[common].to_numpy() - 1).max()
        agree = (f"final equity {keel_eq.iloc[-1]:.4f} vs {peer_eq.iloc[-1]:.4f} "
                 f"(max gap {gap:.1e})")
    except ImportError as error:
        t_peer, agree = None, f"peer unavailable ({error.name})"
    row("backtest", t_keel, t_peer, "pandas loop + sklearn/cvxopt", agree)

    # 4. Report: a self-contained HTML page (charts inline, opens offline).
    out = Path(args.out) / "walkthrough_backtest.html"
    try:
        _, t_keel = timed(lambda: keel.report(bt, out), repeat=1)
        row("report", t_keel, None, "(no peer)", f"{out} ({out.stat().st_size / 1e6:.1f} MB)")
    except keel.InvalidInputError as error:  # a build without the Vega bundles
        print(f"report         skipped: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
