#!/usr/bin/python3
"""Independent reference values for LP strategy assets (keel/defi/lp_asset.hpp, docs/lp_assets.md).

Reads the shared Binance daily closes (../shared/data/crypto_binance_spot_daily/close_wide.csv,
CryptoDataDownload exports of Binance spot klines; internal test data, see its SOURCE.txt), keeps
BTCUSDT and ETHUSDT over their last 366 common rows (2025-04-18..2026-04-26; the export
skips a few days, which the fees' dt accounts for), and recomputes with numpy,
with its own code (no keel code is used), the per-period returns of LP strategies:

  constant product:  r = sqrt(r0 r1) - 1 + fee_apr dt                (V = 2 L sqrt(p0 p1))
  concentrated:      range [P(1-w), P(1+w)] around each period's start pool price P = p0/p1,
                     amounts x = L(1/sqrt(P') - 1/sqrt(pb)), y = L(sqrt(P') - sqrt(pa)) clipped to
                     the range (all token0 below pa, all token1 above pb), value x p0' + y p1';
                     fee_apr V_start dt for periods ending in [pa, pb); re-centring cost c on the
                     value swapped back to a centred split, W' solving W' = W - c |X0 - s W'|.
  dt = (t_end - t_start) / (365 days), r_i = p_i'/p_i, USDT (the quote) priced at 1.

Writes, beside this script:
  prices.csv          date,BTC,ETH (USDT closes of the two tokens; provenance in its comment)
  lp_returns.json     per case: the spec and the return series (366 prices -> 365 returns)
  prices_with_lp.csv  prices.csv plus ETH_LP, the value index (start 1) of the case "eth-range"
                      compounded from its numpy returns: the "precomputed LP column" route of the
                      CLI test (tests/cli/cli_lp_asset_test.cpp), which must give the same weights
                      as the [[lp_asset]] route.
Run: /usr/bin/python3 tests/data/lp_asset/make_fixtures.py  (from the worktree root)
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / ".." / "shared" / "data"
SOURCE = SHARED / "crypto_binance_spot_daily" / "close_wide.csv"
YEAR_SECONDS = 365.0 * 86400.0

CASES = [
    {"name": "eth-full", "pool": "constant-product", "tokens": ["ETH", "USDT"],
     "range_width": 0.0, "fee_apr": 0.1, "recentre_cost": 0.0},
    {"name": "eth-range", "pool": "concentrated", "tokens": ["ETH", "USDT"],
     "range_width": 0.1, "fee_apr": 0.25, "recentre_cost": 0.003},
    {"name": "eth-btc-range", "pool": "concentrated", "tokens": ["ETH", "BTC"],
     "range_width": 0.2, "fee_apr": 0.15, "recentre_cost": 0.0},
    {"name": "btc-narrow", "pool": "concentrated", "tokens": ["BTC", "USDT"],
     "range_width": 0.03, "fee_apr": 0.5, "recentre_cost": 0.0005},
]


def token_prices(frame, token):
    if token == "USDT":
        return np.ones(len(frame))
    return frame[token].to_numpy(dtype=float)


def amounts(P, pa, pb, L=1.0):
    """Token amounts of liquidity L on [pa, pb] at pool price P (arrays)."""
    s = np.sqrt(np.clip(P, pa, pb))
    x = L * (1.0 / s - 1.0 / np.sqrt(pb))
    y = L * (s - np.sqrt(pa))
    return x, y


def lp_returns(case, frame, seconds):
    p0 = token_prices(frame, case["tokens"][0])
    p1 = token_prices(frame, case["tokens"][1])
    a0, a1, b0, b1 = p0[:-1], p1[:-1], p0[1:], p1[1:]
    dt = np.diff(seconds) / YEAR_SECONDS
    if case["pool"] == "constant-product":
        # V = x p0 + y p1 with x = L/sqrt(P), y = L sqrt(P): 2 L sqrt(p0 p1).
        v_start = 2.0 * np.sqrt(a0 * a1)
        v_end = 2.0 * np.sqrt(b0 * b1)
        return v_end / v_start - 1.0 + case["fee_apr"] * dt
    w = case["range_width"]
    c = case["recentre_cost"]
    P = a0 / a1
    P_end = b0 / b1
    pa, pb = P * (1.0 - w), P * (1.0 + w)
    x0, y0 = amounts(P, pa, pb)
    x1, y1 = amounts(P_end, pa, pb)
    v_start = x0 * a0 + y0 * a1
    v_end = x1 * b0 + y1 * b1
    share = x0 * a0 / v_start
    held0 = x1 * b0
    sell = held0 > share * v_end
    v_net = np.where(sell, (v_end - c * held0) / (1.0 - c * share),
                     (v_end + c * held0) / (1.0 + c * share))
    # The defining equation of the re-centring swap, checked here on the numbers.
    assert np.allclose(v_net, v_end - c * np.abs(held0 - share * v_net), rtol=0, atol=1e-12)
    in_range = (P_end >= pa) & (P_end < pb)
    fees = np.where(in_range, case["fee_apr"] * v_start * dt, 0.0)
    return (v_net + fees) / v_start - 1.0


def main():
    wide = pd.read_csv(SOURCE, usecols=["date", "BTCUSDT", "ETHUSDT"])
    wide = wide.dropna().tail(366).reset_index(drop=True)
    frame = pd.DataFrame({"date": wide["date"], "BTC": wide["BTCUSDT"], "ETH": wide["ETHUSDT"]})
    seconds = pd.to_datetime(frame["date"]).astype("int64").to_numpy() // 10**9
    assert np.all(np.diff(seconds) >= 86400)  # daily; the export skips a few days (fees use dt)
    first, last = frame["date"].iloc[0], frame["date"].iloc[-1]
    provenance = (f"Binance spot daily closes in USDT, BTCUSDT and ETHUSDT of "
                  f"shared/data/crypto_binance_spot_daily/close_wide.csv, {first}..{last} "
                  f"({len(frame)} rows), written by tests/data/lp_asset/make_fixtures.py")

    with open(HERE / "prices.csv", "w") as out:
        out.write(f"# {provenance}\n")
        frame.to_csv(out, index=False)

    cases = []
    for case in CASES:
        r = lp_returns(case, frame, seconds)
        cases.append({**case, "returns": [float(v) for v in r]})
    doc = {
        "source": provenance,
        "quote": "USDT (priced at 1)",
        "convention": "returns[t-1] over rows t-1 -> t; fees on the start value times the "
                      "period's length in 365-day years, for periods ending in range",
        "dates": list(frame["date"]),
        "cases": cases,
    }
    with open(HERE / "lp_returns.json", "w") as out:
        json.dump(doc, out, indent=1)
        out.write("\n")

    eth_range = np.array(cases[1]["returns"])
    nav = np.concatenate([[1.0], np.cumprod(1.0 + eth_range)])
    with_lp = frame.assign(ETH_LP=nav)
    with open(HERE / "prices_with_lp.csv", "w") as out:
        out.write(f"# {provenance}; ETH_LP = value index of the 'eth-range' LP strategy of "
                  f"lp_returns.json (numpy), starting at 1\n")
        with_lp.to_csv(out, index=False)
    for case in cases:
        r = np.array(case["returns"])
        print(f"{case['name']}: mean {r.mean():.6f}, std {r.std(ddof=1):.6f}, "
              f"min {r.min():.4f}, max {r.max():.4f}")


if __name__ == "__main__":
    main()
