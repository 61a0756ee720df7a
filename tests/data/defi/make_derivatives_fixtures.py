#!/usr/bin/python3
"""Writes derivatives_grid.json: independent SciPy values for Keel's option and perpetual code.

usage: /usr/bin/python3 tests/data/defi/make_derivatives_fixtures.py

What it writes (tests/defi/derivatives_reference_test.cpp reads it; C++ must match to 1e-12
relative):
  inverse_options   coin-settled (Deribit-style) options on a grid: Black-76 with F = S from
                    scipy.stats.norm, and the coin greeks from closed forms derived here, not from
                    Keel's formulas: with D = exp(-r t), V_coin = V / S,
                      dV_coin/dS      = +D K N(d2) / S^2 (call),  -D K N(-d2) / S^2 (put)
                      d2V_coin/dS^2   = D K (phi(d2)/(sigma sqrt t) - 2 N(d2)) / S^3 (call)
                                        D K (phi(d2)/(sigma sqrt t) + 2 N(-d2)) / S^3 (put)
                    (S phi(d1) = K phi(d2) cancels the density terms of d(V/S)/dS); each closed
                    form is checked here against central finite differences of V / S.
  perp_liquidation  perpetual positions (linear and inverse, long and short, Binance-style
                    maintenance margin = notional * rate - amount); the liquidation price found by
                    scipy.optimize.brentq on equity(P) - maintenance_margin(P) = 0 (no closed
                    form), cross-checked against Binance's closed forms; and the marks (P&L,
                    equity, maintenance margin, margin ratio, value and delta in quote) at two
                    prices.
  funding_daily     sums of the daily mean funding rate of ../shared/data/derivatives_funding/
                    btc_perp_funding_daily.csv over windows, and the funding a position pays over
                    them (when the shared data is present; the C++ test skips otherwise). Only
                    these derived figures are stored, not the data.

It also checks (asserts, writes nothing) the hand transcriptions next to it:
  haug_european_options.json  every value and greek against a SciPy BSM to QuantLib's 1e-4,
  py_vollib_examples.json     every case against SciPy in py_vollib's units,
  hull_hedge_ratio.json       sigma_S, sigma_F, rho recomputed from Hull's Table 3.2 data.
"""

import json
import math
from pathlib import Path

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / ".." / "shared" / "data" / "derivatives_funding"


# ------------------------------------------------------------------------------------------
# Options, written from the textbook formulas (Haug 2007, ch. 1)

def bsm(kind, S, K, t, r, q, sigma):
    sq = sigma * math.sqrt(t)
    d1 = (math.log(S / K) + (r - q + 0.5 * sigma * sigma) * t) / sq
    d2 = d1 - sq
    dq, dr = math.exp(-q * t), math.exp(-r * t)
    out = {}
    if kind == "call":
        out["price"] = S * dq * norm.cdf(d1) - K * dr * norm.cdf(d2)
        out["delta"] = dq * norm.cdf(d1)
        out["theta"] = (-S * dq * norm.pdf(d1) * sigma / (2 * math.sqrt(t))
                        + q * S * dq * norm.cdf(d1) - r * K * dr * norm.cdf(d2))
        out["rho"] = K * t * dr * norm.cdf(d2)
        out["dividend_rho"] = -t * S * dq * norm.cdf(d1)
    else:
        out["price"] = K * dr * norm.cdf(-d2) - S * dq * norm.cdf(-d1)
        out["delta"] = -dq * norm.cdf(-d1)
        out["theta"] = (-S * dq * norm.pdf(d1) * sigma / (2 * math.sqrt(t))
                        - q * S * dq * norm.cdf(-d1) + r * K * dr * norm.cdf(-d2))
        out["rho"] = -K * t * dr * norm.cdf(-d2)
        out["dividend_rho"] = t * S * dq * norm.cdf(-d1)
    out["gamma"] = dq * norm.pdf(d1) / (S * sq)
    out["vega"] = S * dq * norm.pdf(d1) * math.sqrt(t)
    return out


def black(kind, F, K, t, r, sigma):
    sq = sigma * math.sqrt(t)
    d1 = (math.log(F / K) + 0.5 * sq * sq) / sq
    d2 = d1 - sq
    D = math.exp(-r * t)
    if kind == "call":
        price = D * (F * norm.cdf(d1) - K * norm.cdf(d2))
        delta = D * norm.cdf(d1)
    else:
        price = D * (K * norm.cdf(-d2) - F * norm.cdf(-d1))
        delta = -D * norm.cdf(-d1)
    return {
        "price": price,
        "delta": delta,
        "gamma": D * norm.pdf(d1) / (F * sq),
        "vega": D * F * norm.pdf(d1) * math.sqrt(t),
        "theta": r * price - D * F * norm.pdf(d1) * sigma / (2 * math.sqrt(t)),
        "rho": -t * price,
        "d1": d1,
        "d2": d2,
    }


def inverse(kind, S, K, t, r, sigma):
    b = black(kind, S, K, t, r, sigma)
    D = math.exp(-r * t)
    d1, d2 = b["d1"], b["d2"]
    sq = sigma * math.sqrt(t)
    if kind == "call":
        delta_coin = D * K * norm.cdf(d2) / S**2
        gamma_coin = D * K * (norm.pdf(d2) / sq - 2 * norm.cdf(d2)) / S**3
    else:
        delta_coin = -D * K * norm.cdf(-d2) / S**2
        gamma_coin = D * K * (norm.pdf(d2) / sq + 2 * norm.cdf(-d2)) / S**3
    price_coin = b["price"] / S
    return {
        "price_quote": b["price"],
        "delta_quote": b["delta"],
        "gamma_quote": b["gamma"],
        "price_coin": price_coin,
        "delta_coin": delta_coin,
        "gamma_coin": gamma_coin,
        "premium_adjusted_delta": S * delta_coin,
        "vega_coin": D * norm.pdf(d1) * math.sqrt(t),
        "theta_coin": r * price_coin - D * norm.pdf(d1) * sigma / (2 * math.sqrt(t)),
    }


def check_inverse_closed_forms():
    for kind in ("call", "put"):
        for S, K, t, r, sigma in [(50000, 45000, 0.25, 0.03, 0.7), (30000, 42000, 1.0, 0.0, 0.9),
                                  (60000, 60000, 30 / 365, 0.05, 0.5)]:
            x = inverse(kind, S, K, t, r, sigma)
            coin = lambda s: black(kind, s, K, t, r, sigma)["price"] / s
            h = S * 1e-4
            fd_delta = (coin(S + h) - coin(S - h)) / (2 * h)
            fd_gamma = (coin(S + h) - 2 * coin(S) + coin(S - h)) / h**2
            assert abs(fd_delta - x["delta_coin"]) <= 1e-7 * abs(x["delta_coin"]), (kind, fd_delta)
            assert abs(fd_gamma - x["gamma_coin"]) <= 1e-4 * abs(x["gamma_coin"]), (kind, fd_gamma)
            # V_quote = V_coin * S has the linear option's delta.
            quote = lambda s: coin(s) * s
            fd_quote_delta = (quote(S + h) - quote(S - h)) / (2 * h)
            assert abs(fd_quote_delta - x["delta_quote"]) <= 1e-8


def inverse_grid():
    cases = []
    for S in (20000.0, 65000.0):
        for moneyness in (0.7, 0.9, 1.0, 1.1, 1.4):
            for t in (30 / 365, 90 / 365, 0.5, 1.0):
                for sigma in (0.4, 0.8, 1.2):
                    for r in (0.0, 0.03):
                        for kind in ("call", "put"):
                            K = S * moneyness
                            case = {"type": kind, "underlying": S, "strike": K, "t": t,
                                    "r": r, "sigma": sigma}
                            case.update(inverse(kind, S, K, t, r, sigma))
                            cases.append(case)
    return cases


# ------------------------------------------------------------------------------------------
# Perpetuals, written from the exchanges' definitions (BitMEX guide, Binance trading rules)

def perp_marks(p, P):
    n_c = p["contracts"] * p["contract_size"]
    if p["settlement"] == "linear":
        pnl = n_c * (P - p["entry_price"])
        mm = abs(n_c) * P * p["maintenance_margin_rate"] - p["maintenance_amount"]
    else:
        pnl = n_c * (1 / p["entry_price"] - 1 / P)
        mm = abs(n_c) / P * p["maintenance_margin_rate"] - p["maintenance_amount"]
    equity = p["margin"] + pnl
    return pnl, equity, mm


def liquidation_by_root(p):
    g = lambda P: perp_marks(p, P)[1] - perp_marks(p, P)[2]
    E = p["entry_price"]
    long = p["contracts"] > 0
    lo, hi = (1e-9 * E, E) if long else (E, 1e9 * E)
    if g(lo) * g(hi) > 0:
        return 0.0 if long else math.inf
    return brentq(g, lo, hi, xtol=1e-200, rtol=4 * np.finfo(float).eps, maxiter=500)


def liquidation_closed_form(p):
    s = 1.0 if p["contracts"] > 0 else -1.0
    Q = abs(p["contracts"]) * p["contract_size"]
    m, W, E = p["maintenance_margin_rate"], p["margin"] + p["maintenance_amount"], p["entry_price"]
    if p["settlement"] == "linear":
        lp = (W - s * Q * E) / (Q * m - s * Q)
    else:
        den = W + s * Q / E
        if s < 0 and den >= 0:
            return math.inf
        lp = Q * (m + s) / den
    return max(lp, 0.0) if s > 0 else lp


def perp_grid():
    cases = []
    entry = 43000.0
    for settlement, contract_size, contracts in (("linear", 0.001, 2500.0),
                                                 ("inverse", 100.0, 1000.0)):
        for side in (1.0, -1.0):
            for leverage in (1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0):
                for mmr in (0.004, 0.005, 0.01, 0.025):
                    for amount_share in (0.0, 0.002):
                        Q = contracts * contract_size
                        notional_margin_ccy = Q * entry if settlement == "linear" else Q / entry
                        p = {"settlement": settlement, "contract_size": contract_size,
                             "contracts": side * contracts, "entry_price": entry,
                             "margin": notional_margin_ccy / leverage,
                             "maintenance_margin_rate": mmr,
                             "maintenance_amount": amount_share * notional_margin_ccy,
                             "funding_rate": 0.0001}
                        _, equity0, mm0 = perp_marks(p, entry)
                        if not equity0 > mm0:
                            continue  # opened past its liquidation point: not a valid position
                        lp = liquidation_by_root(p)
                        lp_closed = liquidation_closed_form(p)
                        if math.isfinite(lp) and lp > 0:
                            assert abs(lp - lp_closed) <= 1e-12 * lp, (p, lp, lp_closed)
                        else:
                            assert lp == lp_closed, (p, lp, lp_closed)
                        p["liquidation_price"] = lp if math.isfinite(lp) else "inf"
                        marks = []
                        for P in (entry * 0.97, entry * 1.05):
                            pnl, equity, mm = perp_marks(p, P)
                            n_c = p["contracts"] * contract_size
                            if settlement == "linear":
                                value, delta = equity, n_c
                                funding = p["funding_rate"] * n_c * P
                            else:
                                value, delta = equity * P, p["margin"] + n_c / entry
                                funding = p["funding_rate"] * n_c / P
                            marks.append({"mark": P, "unrealised_pnl": pnl, "equity": equity,
                                          "maintenance_margin": mm,
                                          "margin_ratio": mm / equity if equity > 0 else "inf",
                                          "value_quote": value, "delta": delta,
                                          "funding_payment": funding})
                        p["marks"] = marks
                        cases.append(p)
    return cases


# ------------------------------------------------------------------------------------------
# Funding carry from the shared daily series

def funding_daily():
    path = SHARED / "btc_perp_funding_daily.csv"
    if not path.exists():
        print("shared funding data absent: funding_daily left empty")
        return []
    import pandas as pd
    data = pd.read_csv(path, parse_dates=["date"])
    windows = []
    for start, end in (("2021-01-01", "2021-12-31"), ("2024-01-01", "2024-12-31"),
                       ("2025-11-01", "2025-11-30")):
        rows = data[(data.date >= start) & (data.date <= end)]
        total = float(rows.funding_mean.sum())
        mark = 50000.0
        # funding_mean is a mean rate per 8-hour interval: a day pays 3 settlements.
        linear_paid = 3.0 * total * 1.0 * mark             # long 1 BTC linear
        inverse_paid = 3.0 * total * 1000.0 * 100.0 / mark  # long 1000 x 100 USD inverse, in BTC
        windows.append({"start": start, "end": end, "days": int(len(rows)),
                        "sum_funding_mean": total, "mark": mark,
                        "linear_long_1btc_paid_quote": linear_paid,
                        "inverse_long_100k_usd_paid_coin": inverse_paid})
    return windows


# ------------------------------------------------------------------------------------------
# Checks of the hand transcriptions

def check_haug():
    d = json.loads((HERE / "haug_european_options.json").read_text())
    worst = 0.0
    for kind, K, S, q, r, t, v, value in d["values"]:
        err = abs(bsm(kind, S, K, t, r, q, v)["price"] - value)
        assert err <= d["tolerance"], (kind, K, S, q, r, t, v, value, err)
        worst = max(worst, err)
    for greek, kind, K, S, q, r, t, v, value in d["greeks"]:
        g = bsm(kind, S, K, t, r, q, v)
        got = {"delta": g["delta"], "gamma": g["gamma"], "vega": g["vega"], "theta": g["theta"],
               "theta_per_day": g["theta"] / 365, "rho": g["rho"],
               "dividend_rho": g["dividend_rho"],
               "elasticity": g["delta"] * S / g["price"]}[greek]
        err = abs(got - value)
        assert err <= d["tolerance"], (greek, kind, got, value)
        worst = max(worst, err)
    print(f"Haug table: {len(d['values'])} values, {len(d['greeks'])} greeks, worst error {worst:.2e}")


def check_py_vollib():
    d = json.loads((HERE / "py_vollib_examples.json").read_text())
    scale = {"plain": 1.0, "per_day": 1 / 365, "per_year": 1.0, "per_vol_point": 0.01,
             "per_rate_point": 0.01}
    for c in d["cases"]:
        if c["kind"] == "black":
            g = black(c["type"], c["underlying"], c["strike"], c["t"], c["r"], c["sigma"])
        else:
            g = bsm(c["type"], c["underlying"], c["strike"], c["t"], c["r"], c["q"], c["sigma"])
        got = g[c["quantity"]] * scale[c["unit"]]
        assert abs(got - c["value"]) <= c["tolerance"], (c, got)
    print(f"py_vollib examples: {len(d['cases'])} cases agree with SciPy")


def check_hull():
    d = json.loads((HERE / "hull_hedge_ratio.json").read_text())
    f = np.array(d["futures_price_changes"])
    s = np.array(d["spot_price_changes"])
    sf, ss, rho = f.std(ddof=1), s.std(ddof=1), np.corrcoef(f, s)[0, 1]
    assert round(sf, 4) == d["sigma_future"] and round(ss, 4) == d["sigma_spot"]
    assert round(rho, 3) == d["rho"]
    print(f"Hull Table 3.2: sigma_F {sf:.6f}, sigma_S {ss:.6f}, rho {rho:.6f}, "
          f"h* {rho * ss / sf:.6f}")


def main():
    check_inverse_closed_forms()
    check_haug()
    check_py_vollib()
    check_hull()
    import scipy
    out = {
        "source": "tests/data/defi/make_derivatives_fixtures.py (independent SciPy "
                  f"{scipy.__version__} implementation; see the script's docstring)",
        "inverse_options": inverse_grid(),
        "perp_liquidation": perp_grid(),
        "funding_daily": funding_daily(),
    }
    (HERE / "derivatives_grid.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {len(out['inverse_options'])} inverse options, "
          f"{len(out['perp_liquidation'])} perpetual positions, "
          f"{len(out['funding_daily'])} funding windows")


if __name__ == "__main__":
    main()
