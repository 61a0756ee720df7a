#!/usr/bin/python3
"""Expected crash-replay P&L of tests/data/positions/book.toml (keel positions --replay).

Independent of keel: pandas reads the shared Binance daily closes, numpy/scipy value every position
in closed form (Uniswap v3 whitepaper amounts, Black-76 put, perpetual P&L and funding).

Replay rule (docs/positions.md): each asset's move is its close at or before the window's end over
its close at or before the window's start; today's prices (the last row, 2026-04-26) are moved by it
and every position is revalued after the window's duration (days = end close − start close).

usage: make_replay_fixture.py [SHARED_DATA_DIR]  (default ../../../../shared/data from this file)
writes replay_reference.json beside this script.
"""

import json
import math
import sys
from pathlib import Path

import pandas as pd
from scipy.stats import norm

HERE = Path(__file__).resolve().parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "data"
CLOSES = SHARED / "crypto_binance_spot_daily" / "close_wide.csv"

WINDOWS = {"covid-crash-2020": ("2020-03-08", "2020-03-16"),
           "china-ban-2021": ("2021-05-12", "2021-05-23")}

closes = pd.read_csv(CLOSES, index_col=0, parse_dates=True)[["BTCUSDT", "ETHUSDT"]]
closes = closes.loc["2022-01-01":]  # the price window of the test (--start 2022-01-01)
full = pd.read_csv(CLOSES, index_col=0, parse_dates=True)[["BTCUSDT", "ETHUSDT"]]
now = closes.index[-1]
btc, eth = closes.iloc[-1]


def lp_value(liquidity, price, lower, upper):
    sp, sa, sb = math.sqrt(price), math.sqrt(lower), math.sqrt(upper)
    sp = min(max(sp, sa), sb)
    x = liquidity * (1 / sp - 1 / sb)
    y = liquidity * (sp - sa)
    return x * price + y


def put_black76(forward, strike, vol, tau):
    d1 = (math.log(forward / strike) + 0.5 * vol * vol * tau) / (vol * math.sqrt(tau))
    d2 = d1 - vol * math.sqrt(tau)
    return strike * norm.cdf(-d2) - forward * norm.cdf(-d1)


# The book (tests/data/positions/book.toml).
lo, hi = 2000.0, 2800.0
sp, sa, sb = math.sqrt(eth), math.sqrt(lo), math.sqrt(hi)
liquidity = min(10.0 * sp * sb / (sb - sp), 25000.0 / (sp - sa))  # deposit [10 ETH, 25000 USDT]
expiry = pd.Timestamp("2026-06-26 08:00:00")
year = 365.0 * 86400.0

out = {"source": str(CLOSES.name), "as_of": str(now.date()), "prices": {"BTCUSDT": btc, "ETHUSDT": eth},
       "windows": {}}
# The replay needs the window's history: the test's prices start in 2022, so the 2020 and 2021
# windows are read from the full file (the test passes --start 2020-01-01 and uses the same last row).
for name, (start, end) in WINDOWS.items():
    before_start = full.loc[:start].iloc[-1]
    before_end = full.loc[:end].iloc[-1]
    d_from, d_to = full.loc[:start].index[-1], full.loc[:end].index[-1]
    days = (d_to - d_from).total_seconds() / 86400.0
    r = before_end / before_start - 1.0
    btc_s, eth_s = btc * (1 + r["BTCUSDT"]), eth * (1 + r["ETHUSDT"])
    h = days / 365.0
    pnl = {}
    pnl["btc-spot"] = 2.0 * (btc_s - btc)
    v0 = lp_value(liquidity, eth, lo, hi)
    v1 = lp_value(liquidity, eth_s, lo, hi)
    pnl["eth-usdt-range"] = v1 - v0 + 0.15 * v1 * h
    # Inverse short: value M P + n c (P/E − 1); funding f n c (quote) per 8 h, paid (+) by holder.
    n_c, margin, entry, f = -500 * 100.0, 0.2, 80000.0, 0.0001
    pnl["btc-inverse-short"] = (margin * btc_s + n_c * (btc_s / entry - 1)) - (
        margin * btc + n_c * (btc / entry - 1)) - f * n_c * days * 24.0 / 8.0
    pnl["eth-linear-long"] = 300 * 0.01 * (eth_s - eth)
    tau0 = (expiry - now).total_seconds() / year
    tau1 = tau0 - days * 86400.0 / year
    pnl["btc-put-70k"] = put_black76(btc_s, 70000.0, 0.55, tau1) - put_black76(btc, 70000.0, 0.55, tau0)
    out["windows"][name] = {"from": str(d_from.date()), "to": str(d_to.date()), "days": days,
                            "returns": {"BTCUSDT": r["BTCUSDT"], "ETHUSDT": r["ETHUSDT"]},
                            "positions": pnl, "pnl": sum(pnl.values())}

(HERE / "replay_reference.json").write_text(json.dumps(out, indent=2) + "\n")
print(json.dumps(out, indent=2))
