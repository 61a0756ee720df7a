#!/usr/bin/python3
"""Regenerates the AMM reference fixtures of tests/defi/amm_reference_test.cpp.

Run: /usr/bin/python3 tests/data/defi/make_amm_fixtures.py  (from the repository root or anywhere)

Inputs
- uniswap_published.json: test values transcribed by hand from the Uniswap repositories (sources
  and commits inside). Symbolic inputs (encodePriceSqrt, 1e18 multiples) are resolved here with
  exact integer / decimal arithmetic, as the Uniswap tests compute them.
- ../../../../shared/data/crypto_binance_hourly_cdd/Binance_ETHUSDT_1h.csv.gz (CryptoDataDownload
  export of Binance ETH/USDT hourly bars; see its SOURCE.txt).

Outputs
- amm_fixtures.json: resolved Uniswap cases, Elsts (2021) worked examples, exit probabilities
  (independent method: method of images + scipy quadrature, and a seeded Monte Carlo with a
  Brownian-bridge crossing correction), and StableSwap get_D / get_dy values from an independent
  integer implementation written here from the whitepaper and the Curve contracts' integer
  arithmetic (A_PRECISION convention).
- eth_hourly_close.csv: one year of cleaned hourly ETH/USDT closes (sorted, duplicates and
  non-positive closes dropped) for the discrete-LVR test.
"""
import csv
import decimal
import gzip
import json
import math
import os

import numpy as np
from scipy import integrate, optimize

HERE = os.path.dirname(os.path.abspath(__file__))
ETH_PATH = os.path.normpath(os.path.join(
    HERE, "..", "..", "..", "..", "shared", "data", "crypto_binance_hourly_cdd",
    "Binance_ETHUSDT_1h.csv.gz"))

decimal.getcontext().prec = 100
E18 = 10**18


def encode_price_sqrt(reserve1, reserve0):
    """encodePriceSqrt of the Uniswap tests: floor(sqrt(reserve1 / reserve0) * 2^96)."""
    ratio = decimal.Decimal(reserve1) / decimal.Decimal(reserve0)
    return int((ratio.sqrt() * (decimal.Decimal(2) ** 96)).to_integral_value(decimal.ROUND_FLOOR))


def resolve(value):
    if isinstance(value, str):
        return int(value)
    if isinstance(value, int):
        return value
    kind = value[0]
    if kind == "encode":
        return encode_price_sqrt(value[1], value[2])
    if kind == "e18":
        return value[1] * E18
    if kind == "neg_e18":
        return -value[1] * E18
    if kind == "e18div10":
        return value[1] * E18 // 10
    if kind == "pow2":
        return 2 ** value[1]
    raise ValueError(value)


def resolve_tree(node):
    """Resolves every symbolic leaf into a decimal string (JSON cannot hold 160-bit integers)."""
    if isinstance(node, dict):
        return {k: (resolve_tree(v) if k not in ("name", "reason", "source", "note",
                                                     "integer_only_reason") else v)
                for k, v in node.items()}
    if isinstance(node, list) and node and isinstance(node[0], str) and node[0] in (
            "encode", "e18", "neg_e18", "e18div10", "pow2"):
        return str(resolve(node))
    if isinstance(node, list):
        return [resolve_tree(v) for v in node]
    if isinstance(node, bool) or isinstance(node, float):
        return node
    if isinstance(node, int):
        return node
    return node


def uniswap_cases():
    with open(os.path.join(HERE, "uniswap_published.json")) as f:
        published = json.load(f)
    out = {"sources": published["sources"]}
    for key in ("next_sqrt_price_from_input", "next_sqrt_price_from_output", "amount_deltas",
                "compute_swap_step", "liquidity_amounts", "tick_math"):
        out[key] = resolve_tree(published[key])
    # The SwapMath 'intermediate insufficient liquidity' targets are sqrtP * 11 / 10 and
    # sqrtP * 9 / 10 in integers; check the transcription.
    sqrt_p = 20282409603651670423947251286016
    targets = [c["sqrt_target"] for c in out["compute_swap_step"]["cases"][4:6]]
    assert targets == [str(sqrt_p * 11 // 10), str(sqrt_p * 9 // 10)], targets
    # v2 swap cases: amounts in 1e18 units.
    out["v2_swap"] = {
        "source": published["v2_swap"]["source"],
        "cases": [{"amount_in": str(a * E18), "reserve_in": str(r0 * E18),
                   "reserve_out": str(r1 * E18), "expected": e}
                  for a, r0, r1, e in published["v2_swap"]["cases"]],
    }
    # Cross-check the transcription with the library's integer formula (997/1000).
    for c in out["v2_swap"]["cases"]:
        a, r0, r1 = int(c["amount_in"]), int(c["reserve_in"]), int(c["reserve_out"])
        assert a * 997 * r1 // (r0 * 1000 + a * 997) == int(c["expected"]), c
    out["v2_router"] = published["v2_router"]
    return out


def elsts_examples():
    """A. Elsts, 'Liquidity Math in Uniswap v3' (2021), section 'Examples' (ETH/USDC, P in USDC
    per ETH); the paper prints 2 decimals, so the tolerance is 0.005 plus rounding of the inputs."""
    return {
        "source": "A. Elsts, Liquidity Math in Uniswap v3 (2021), examples 1-3; printed to 2 decimals",
        "example1": {"price": 2000.0, "price_lower": 1500.0, "price_upper": 2500.0, "amount0": 2.0,
                     "expected_amount1": 5076.10},
        "example2": {"price": 2000.0, "price_upper": 3000.0, "amount0": 2.0, "amount1": 4000.0,
                     "expected_price_lower": 1333.33},
        # Example 3 continues from the printed p_a = 1333.33 (not the unrounded 1333.333...): with
        # it, L = min(Lx, Ly) = Ly and y = 6572.886 -> 6572.89; the unrounded p_a gives 6572.900.
        "example3": {"new_price": 2500.0, "price_lower_used": 1333.33, "expected_amount0": 0.85,
                     "expected_amount1": 6572.89},
        "tolerance": 0.005,
    }


# ---------------------------------------------------------------------------------------------
# Exit probability of a GBM from [pa, pb].

def survival_images(price, lower, upper, sigma, horizon, mu):
    """Survival probability by the method of images (driftless killed density, Feller vol. II
    X.5) with the drift added by Girsanov, integrated over the end point with scipy quad."""
    nu = mu - 0.5 * sigma**2
    w = math.log(upper / lower)
    y = math.log(price / lower)
    s = sigma * math.sqrt(horizon)

    def density(z):
        total = 0.0
        for k in range(-30, 31):
            total += math.exp(-(z - y + 2 * k * w)**2 / (2 * s * s))
            total -= math.exp(-(z + y + 2 * k * w)**2 / (2 * s * s))
        total /= s * math.sqrt(2 * math.pi)
        return total * math.exp(nu * (z - y) / sigma**2 - nu**2 * horizon / (2 * sigma**2))

    value, _ = integrate.quad(density, 0.0, w, epsabs=1e-13, epsrel=1e-12, limit=400)
    return value


def survival_monte_carlo(price, lower, upper, sigma, horizon, mu, paths, steps, seed):
    """Seeded Monte Carlo of log-price paths, exact Gaussian increments, with the Brownian-bridge
    probability of crossing each barrier between two monitoring dates (so that discrete monitoring
    does not miss crossings)."""
    rng = np.random.default_rng(seed)
    nu = mu - 0.5 * sigma**2
    dt = horizon / steps
    a, b = math.log(lower), math.log(upper)
    alive_total = 0.0
    chunk = 20000
    for start in range(0, paths, chunk):
        n = min(chunk, paths - start)
        x = np.full(n, math.log(price))
        alive = np.ones(n, dtype=bool)
        for _ in range(steps):
            x_new = x + nu * dt + sigma * math.sqrt(dt) * rng.standard_normal(n)
            outside = (x_new <= a) | (x_new >= b)
            p_up = np.exp(-2.0 * np.maximum(b - x, 0) * np.maximum(b - x_new, 0) / (sigma**2 * dt))
            p_down = np.exp(-2.0 * np.maximum(x - a, 0) * np.maximum(x_new - a, 0) / (sigma**2 * dt))
            cross = rng.random(n) < 1.0 - (1.0 - p_up) * (1.0 - p_down)
            alive &= ~outside & ~cross
            x = x_new
        alive_total += alive.sum()
    p = alive_total / paths
    return p, math.sqrt(p * (1 - p) / paths)


def exit_cases():
    cases = []
    specs = [
        # price, lower, upper, sigma, horizon, mu
        (2000.0, 1500.0, 2500.0, 0.8, 30 / 365, 0.0),
        (2000.0, 1000.0, 4000.0, 0.8, 1.0, 0.0),
        (1.0, 0.999, 1.001, 0.02, 7 / 365, 0.0),
        (100.0, 80.0, 150.0, 0.5, 0.25, 0.3),
        (100.0, 95.0, 105.0, 0.6, 1 / 365, -0.5),
        (3000.0, 2900.0, 4500.0, 0.7, 0.5, 0.0),
    ]
    for i, (price, lower, upper, sigma, horizon, mu) in enumerate(specs):
        survival = survival_images(price, lower, upper, sigma, horizon, mu)
        mc, se = survival_monte_carlo(price, lower, upper, sigma, horizon, mu,
                                      paths=40000, steps=200, seed=20261207 + i)
        cases.append({"price": price, "price_lower": lower, "price_upper": upper, "sigma": sigma,
                      "horizon_years": horizon, "mu": mu,
                      "exit_probability_images": 1.0 - survival,
                      "exit_probability_mc": 1.0 - mc, "mc_standard_error": se})
    return {"source": "method of images + scipy.integrate.quad; Monte Carlo numpy default_rng, "
                      "40000 paths x 200 steps with Brownian-bridge crossing correction",
            "cases": cases}


# ---------------------------------------------------------------------------------------------
# StableSwap in integers, as the Curve contracts compute (balances in 18-decimal units,
# amp stored as A * n^(n-1) * A_PRECISION, Ann = amp * n, fee in 1e10 units).

A_PRECISION = 100
FEE_DENOMINATOR = 10**10


def ss_get_d(xp, amp):
    n = len(xp)
    s = sum(xp)
    if s == 0:
        return 0
    d = s
    ann = amp * n
    for _ in range(255):
        d_p = d
        for x in xp:
            d_p = d_p * d // (x * n)
        d_prev = d
        d = ((ann * s // A_PRECISION + d_p * n) * d
             // ((ann - A_PRECISION) * d // A_PRECISION + (n + 1) * d_p))
        if abs(d - d_prev) <= 1:
            return d
    raise RuntimeError("get_D did not converge")


def ss_get_y(i, j, x, xp, amp):
    n = len(xp)
    d = ss_get_d(xp, amp)
    ann = amp * n
    c = d
    s_ = 0
    for k in range(n):
        if k == j:
            continue
        _x = x if k == i else xp[k]
        s_ += _x
        c = c * d // (_x * n)
    c = c * d * A_PRECISION // (ann * n)
    b = s_ + d * A_PRECISION // ann
    y = d
    for _ in range(255):
        y_prev = y
        y = (y * y + c) // (2 * y + b - d)
        if abs(y - y_prev) <= 1:
            return y
    raise RuntimeError("get_y did not converge")


def ss_get_dy(i, j, dx, xp, amp, fee):
    x = xp[i] + dx
    y = ss_get_y(i, j, x, xp, amp)
    dy = xp[j] - y - 1
    return dy - fee * dy // FEE_DENOMINATOR


def stableswap_cases():
    cases = []
    specs = [
        # A (whitepaper), balances in coins, dx in coins, fee fraction
        (100, [1_000_000, 1_000_000], 1_000, 0.0004),
        (100, [1_000_000, 1_000_000], 200_000, 0.0004),
        (100, [1_500_000, 500_000], 10_000, 0.0004),
        (10, [800_000, 1_200_000], 50_000, 0.0001),
        (2000, [1_000_000, 3_000_000], 100_000, 0.0004),
        (1, [1_000, 5_000], 100, 0.0),
        (200, [30_000_000, 25_000_000, 40_000_000], 1_000_000, 0.0001),
        (50, [1_000_000, 2_000_000, 3_000_000, 500_000], 250_000, 0.0004),
    ]
    for a, balances, dx, fee in specs:
        n = len(balances)
        amp = a * n**(n - 1) * A_PRECISION
        xp = [b * E18 for b in balances]
        fee_int = round(fee * FEE_DENOMINATOR)
        for i, j in ([(0, 1), (1, 0)] if n == 2 else [(0, 1), (n - 1, 0)]):
            dy = ss_get_dy(i, j, dx * E18, xp, amp, fee_int)
            cases.append({"amplification": a, "stored_amp": amp, "balances": balances,
                          "i": i, "j": j, "dx": dx, "fee_rate": fee,
                          "invariant": str(ss_get_d(xp, amp)),
                          "dy": str(dy)})
    return {"source": "independent integer implementation in make_amm_fixtures.py (Egorov 2019 "
                      "invariant; Newton iterations and floor divisions as the Curve contracts' "
                      "get_D/get_y/get_dy with A_PRECISION = 100; amounts in 1e-18 coin units)",
            "cases": cases}


# ---------------------------------------------------------------------------------------------
# StableSwap valuation: the balances at which the pool's marginal prices equal external prices,
# found independently of the C++ method (which reduces grad F = lambda p to a scalar equation in
# lambda): 2 coins by nested root finding on the curve, n coins by solving the first-order system
# in all unknowns at once.

def ss_float_f(x, d, a):
    n = len(x)
    ann = a * n**n
    return ann * sum(x) + d - ann * d - d**(n + 1) / (n**n * np.prod(x))


def ss_two_coin_balances(d, a, p0, p1):
    def y_of(x0):
        return optimize.brentq(lambda y: ss_float_f([x0, y], d, a), 1e-12 * d, 1e3 * d,
                               xtol=1e-14 * d, rtol=1e-15, maxiter=500)

    def price_gap(x0):
        x1 = y_of(x0)
        n, ann = 2, a * 4
        k = d**3 / (4 * x0 * x1)
        return (ann + k / x0) / (ann + k / x1) - p0 / p1

    x0 = optimize.brentq(price_gap, 1e-4 * d, d * (1 - 1e-4), xtol=1e-14 * d, rtol=1e-15,
                         maxiter=500)
    return [x0, y_of(x0)]


def ss_n_coin_balances(d, a, prices):
    """The first-order conditions grad F(x) = lambda p, F(x) = 0 solved as one nonlinear system
    in (log x, lambda) by MINPACK's Levenberg-Marquardt from the balanced pool."""
    n = len(prices)
    ann = a * n**n

    def equations(z):
        x = d * np.exp(z[:n])
        lam = z[n]
        k = d**(n + 1) / (n**n * np.prod(x))
        grad = ann + k / x
        return np.append(grad / ann - lam * prices / ann, ss_float_f(x, d, a) / (ann * d))

    z0 = np.append(np.full(n, math.log(1.0 / n)), (ann + n) / np.mean(prices))
    result = optimize.root(equations, z0, method="lm", tol=1e-13)
    assert result.success, result.message
    assert np.max(np.abs(equations(result.x))) < 1e-13
    return list(d * np.exp(result.x[:n]))


def stableswap_valuation_cases():
    cases = []
    for d, a, prices in [(2e6, 100.0, [1.0, 0.99]), (2e6, 100.0, [1.0, 1.0005]),
                         (1e6, 10.0, [0.95, 1.0]), (1e6, 2000.0, [1.0, 0.999])]:
        cases.append({"invariant": d, "amplification": a, "prices": prices,
                      "balances": ss_two_coin_balances(d, a, prices[0], prices[1]),
                      "method": "brentq", "tolerance": 1e-9})
    for d, a, prices in [(3e6, 200.0, [1.0, 0.998, 1.001]), (4e6, 50.0, [1.0, 1.0, 0.99, 1.002])]:
        cases.append({"invariant": d, "amplification": a, "prices": prices,
                      "balances": ss_n_coin_balances(d, a, np.array(prices)),
                      "method": "root_lm", "tolerance": 1e-9})
    return {"source": "scipy.optimize: brentq on the 2-coin curve; for n coins the first-order "
                      "conditions grad F = lambda p, F = 0 solved jointly (root, lm); tolerance "
                      "is relative per balance",
            "cases": cases}


# ---------------------------------------------------------------------------------------------
# Hourly ETH closes.

def eth_hourly():
    rows = {}
    with gzip.open(ETH_PATH, "rt") as f:
        reader = csv.reader(f)
        for row in reader:
            if len(row) < 7 or not row[0].strip().isdigit():
                continue
            unix = int(row[0])
            if unix > 10**12:  # milliseconds in part of the export
                unix //= 1000
            try:
                close = float(row[6])
            except ValueError:
                continue
            if close > 0 and math.isfinite(close):
                rows[unix] = close
    times = sorted(rows)
    last = times[-1]
    first = last - 365 * 24 * 3600
    kept = [(t, rows[t]) for t in times if t > first]
    import datetime
    span = " to ".join(datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M") for t in (kept[0][0], kept[-1][0]))
    with open(os.path.join(HERE, "eth_hourly_close.csv"), "w") as f:
        f.write(f"# Binance ETH/USDT hourly closes, the rows of the last 365 days of "
                f"crypto_binance_hourly_cdd/Binance_ETHUSDT_1h.csv.gz ({len(kept)} bars, {span} "
                f"UTC; the export has gaps), sorted by time, duplicate hours and non-positive "
                f"closes dropped, by make_amm_fixtures.py\n")
        f.write("unix_s,close\n")
        for t, c in kept:
            f.write(f"{t},{c!r}\n")
    return len(kept)


def main():
    fixtures = {
        "_generated_by": "tests/data/defi/make_amm_fixtures.py",
        "uniswap": uniswap_cases(),
        "elsts": elsts_examples(),
        "exit_probability": exit_cases(),
        "stableswap": stableswap_cases(),
        "stableswap_valuation": stableswap_valuation_cases(),
    }
    with open(os.path.join(HERE, "amm_fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    print("eth hourly rows:", eth_hourly())


if __name__ == "__main__":
    main()
