#!/usr/bin/python3
"""Independent reference for the backtest engine: a monthly-rebalanced equal-weight portfolio on
real daily prices (CoinMarketCap panel in ../shared/data), with and without a proportional fee.

Conventions (the engine's, restated here and implemented from scratch with numpy/scipy):
  - simple returns; an asset is eligible at a decision close when it has a price there and at least
    `window` consecutive finite returns ending there;
  - decisions at the first evaluated close and at the first close of every calendar month;
    execution one period later at that close's prices;
  - equal weights over the eligible assets; trades sized on the post-cost value V', which solves
    V' = V - fee * sum_i |w_i V' - h_i| (found here with Brent's method, not a fixed-point loop);
  - equity = holdings + cash at every close from the first decision date.
Only derived numbers (the equity curves) are stored, not the prices.

Run: /usr/bin/python3 tests/reference/make_backtest_fixtures.py
"""
import json
import os

import numpy as np
import pandas as pd
from scipy.optimize import brentq

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "data", "crypto_cmc_top120", "prices_close_usd.csv")
ASSETS = ["BTC", "ETH", "LTC", "XRP", "DOGE", "SOL"]  # SOL lists in April 2020: a late entry
START, END = "2019-10-01", "2021-03-31"
WINDOW = 30


def run(prices, dates, fee):
    p = prices
    t_count, n = p.shape
    r = np.full_like(p, np.nan)
    r[1:] = p[1:] / p[:-1] - 1.0
    run_len = np.zeros((t_count, n), dtype=int)
    for t in range(1, t_count):
        ok = np.isfinite(r[t])
        run_len[t] = np.where(ok, run_len[t - 1] + 1, 0)
    first = next(t for t in range(1, t_count) if (run_len[t] >= WINDOW).any())
    months = [(d.year, d.month) for d in dates]
    decisions = [first] + [t for t in range(first + 1, t_count) if months[t] != months[t - 1]]
    targets = {}
    for d in decisions:
        eligible = np.isfinite(p[d]) & (run_len[d] >= WINDOW)
        if d + 1 < t_count:
            targets[d + 1] = np.where(eligible, 1.0 / eligible.sum(), 0.0)
    h = np.zeros(n)
    cash = 1e6
    equity = []
    for t in range(first, t_count):
        if t > first:
            for i in range(n):
                if h[i] == 0.0:
                    continue
                if np.isfinite(r[t, i]):
                    h[i] *= 1.0 + r[t, i]
                else:
                    cash += h[i] - fee * abs(h[i])
                    h[i] = 0.0
        if t in targets:
            w = np.where(np.isfinite(p[t]), targets[t], 0.0)
            v = h.sum() + cash
            if fee > 0:
                f = lambda x: x - (v - fee * np.abs(w * x - h).sum())
                v_post = brentq(f, v * (1 - 4 * fee), v, xtol=1e-9, rtol=1e-15, maxiter=500)
            else:
                v_post = v
            delta = w * v_post - h
            h = h + delta
            cash = cash - delta.sum() - (v - v_post)
        equity.append(h.sum() + cash)
    return first, equity


def main():
    frame = pd.read_csv(DATA, index_col=0, parse_dates=True)[ASSETS].loc[START:END]
    dates = list(frame.index)
    prices = frame.to_numpy(dtype=float)
    cases = []
    for fee_bps in (0.0, 10.0):
        first, equity = run(prices, dates, fee_bps * 1e-4)
        cases.append({"fee_bps": fee_bps, "equity": equity})
    out = {
        "source": "crypto_cmc_top120/prices_close_usd.csv",
        "assets": ASSETS, "start": START, "end": END, "window": WINDOW,
        "rebalance": "monthly", "lag": 1, "initial_value": 1e6,
        "first_date": str(dates[first].date()),
        "dates": [str(d.date()) for d in dates[first:]],
        "cases": cases,
    }
    path = os.path.join(HERE, "backtest", "equal_weight_monthly.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
    print("wrote", path, len(out["dates"]), "dates; final equity",
          [round(c["equity"][-1], 2) for c in cases])


if __name__ == "__main__":
    main()
