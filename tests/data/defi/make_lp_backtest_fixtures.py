#!/usr/bin/python3
"""Independent reference values for tests/defi/lp_backtest_reference_test.cpp.

Reads the shared demeter minute bars (../shared/data/defi_demeter, MIT, zelos-alpha/demeter commit
737d4360) and the shared daily BTC funding series with pandas and recomputes, with its own code
(no keel code is used):
  1. one day (Polygon USDC/WETH 0.05 %, 2023-08-13): the fees per token earned by a position of
     stated liquidity on stated ticks, fee_i = 0.0005 * inAmount_i * L / (L_active + L) summed
     over the bars after the first whose close tick is in [tick_lower, tick_upper);
  2. five days (2023-08-13..17), the pool seen in USDC (token0' = WETH, token1' = USDC, price
     1.0001^(-tick) * 1e12), a +-10 % range around the first close snapped outward to ticks of
     spacing 10, 100 000 USDC: fees, final value, held value and the discrete LVR
     sum_t x(P_t)(P_{t+1} - P_t) - (V(P_{t+1}) - V(P_t));
  3. the sum of funding_mean over 2023-01-01..2023-03-31 (the funding sign test).
Run: /usr/bin/python3 tests/data/defi/make_lp_backtest_fixtures.py  (from the worktree root)
Writes tests/data/defi/lp_backtest_fixtures.json.
"""
import json
import math
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / ".." / "shared" / "data"
DEMETER = SHARED / "defi_demeter"
POOL = "polygon-0x45dda9cb7c25131df268515131f647d726f50608-{}.minute.csv"
FEE = 0.0005
LOG_TICK = math.log1p(0.0001)  # ln(1.0001) without the rounding of 1.0001 itself


def load(days):
    frames = [pd.read_csv(DEMETER / POOL.format(d), float_precision="round_trip",
                          dtype={"inAmount0": float, "inAmount1": float,
                                 "currentLiquidity": float, "closeTick": float})
              for d in days]
    return pd.concat(frames, ignore_index=True)


def one_day():
    df = load(["2023-08-13"])
    tl, tu, liq = 201000, 201200, 1000.0
    la = df["currentLiquidity"] / 1e12  # raw / 10^((6 + 18) / 2)
    tick = df["closeTick"].astype(int)
    mask = (tick >= tl) & (tick < tu)
    mask.iloc[0] = False  # bar 0 is the entry
    share = liq / (la + liq)
    fees0 = (FEE * df["inAmount0"] / 1e6 * share)[mask].sum()
    fees1 = (FEE * df["inAmount1"] / 1e18 * share)[mask].sum()
    # the sole-liquidity case: L_active = 0 -> all fees of the in-range bars
    all0 = (FEE * df["inAmount0"] / 1e6)[mask].sum()
    all1 = (FEE * df["inAmount1"] / 1e18)[mask].sum()
    return {"file": POOL.format("2023-08-13"), "tick_lower": tl, "tick_upper": tu,
            "liquidity": liq, "bars_in_range": int(mask.sum()), "bars": len(df),
            "fees0": fees0, "fees1": fees1, "sole_fees0": all0, "sole_fees1": all1}


def amounts(p, liq, pa, pb):
    s, sa, sb = math.sqrt(p), math.sqrt(pa), math.sqrt(pb)
    if s <= sa:
        return liq * (1 / sa - 1 / sb), 0.0
    if s >= sb:
        return 0.0, liq * (sb - sa)
    return liq * (1 / s - 1 / sb), liq * (s - sa)


def five_days():
    days = ["2023-08-13", "2023-08-14", "2023-08-15", "2023-08-16", "2023-08-17"]
    df = load(days)
    tick = -df["closeTick"].astype(int)          # inverted pool: token0' = WETH
    price = [math.exp(t * LOG_TICK) * 1e12 for t in tick]  # USDC per WETH
    in0 = df["inAmount1"] / 1e18   # WETH in
    in1 = df["inAmount0"] / 1e6    # USDC in
    la = df["currentLiquidity"] / 1e12
    p0 = price[0]
    tl = math.floor(math.floor(math.log(p0 * 0.9 / 1e12) / LOG_TICK) / 10) * 10
    tu = math.ceil(math.ceil(math.log(p0 * 1.1 / 1e12) / LOG_TICK) / 10) * 10
    pa, pb = math.exp(tl * LOG_TICK) * 1e12, math.exp(tu * LOG_TICK) * 1e12
    capital = 100000.0
    x1, y1 = amounts(p0, 1.0, pa, pb)
    liq = capital / (x1 * p0 + y1)
    x0, y0 = amounts(p0, liq, pa, pb)
    f0 = f1 = lvr = 0.0
    inside = 0
    for t in range(1, len(df)):
        xp, yp = amounts(price[t - 1], liq, pa, pb)
        xn, yn = amounts(price[t], liq, pa, pb)
        lvr += xp * (price[t] - price[t - 1]) - ((xn * price[t] + yn) - (xp * price[t - 1] + yp))
        if tl <= tick[t] < tu:
            inside += 1
            share = liq / (la[t] + liq)
            f0 += FEE * in0[t] * share
            f1 += FEE * in1[t] * share
    pe = price[-1]
    xe, ye = amounts(pe, liq, pa, pb)
    value, held = xe * pe + ye, x0 * pe + y0
    seconds = (pd.Timestamp(df["timestamp"].iloc[-1]) - pd.Timestamp(df["timestamp"].iloc[0])
               ).total_seconds()
    fees_value = f0 * pe + f1
    return {"days": days, "capital": capital, "tick_lower": tl, "tick_upper": tu,
            "liquidity": liq, "bars": len(df), "time_in_range": inside / (len(df) - 1),
            "fees0": f0, "fees1": f1, "fees_value": fees_value,
            "fee_apr": fees_value / capital * 365 * 86400 / seconds,
            "final_value": value, "held_value": held, "divergence_loss": value - held,
            "lvr": lvr, "net_vs_hold": value + fees_value - held}


def funding():
    df = pd.read_csv(SHARED / "derivatives_funding" / "btc_perp_funding_daily.csv",
                     float_precision="round_trip")
    window = df[(df["date"] >= "2023-01-01") & (df["date"] <= "2023-03-31")]
    return {"first": "2023-01-01", "last": "2023-03-31", "days": len(window),
            "sum_funding_mean": float(window["funding_mean"].sum())}


def main():
    out = {"provenance": "tests/data/defi/make_lp_backtest_fixtures.py (pandas "
                         f"{pd.__version__}) over ../shared/data/defi_demeter and "
                         "derivatives_funding/btc_perp_funding_daily.csv",
           "one_day": one_day(), "five_days": five_days(), "funding": funding()}
    path = HERE / "lp_backtest_fixtures.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
