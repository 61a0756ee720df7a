#!/usr/bin/python3
"""Reference inputs and answers for discrete allocation (keel allocate) on PyPortfolioOpt's data.

PyPortfolioOpt's tests/test_discrete_allocation.py (snapshot 65cabcee, MIT) allocates the
max-Sharpe weights of tests/resources/stock_prices.csv (long-only, and with weight bounds (-1, 1))
at the last prices of that file, and publishes:
  - greedy_portfolio, long-only, 10000: weight RMSE 0.017086185150415774
  - greedy_portfolio, long-short, 10000, short_ratio 0.3: the quantities below
  - greedy_portfolio, long-short, 50000, short_ratio 0.5 (and with reinvest=True): quantities
  - greedy_portfolio, long-short, short_ratio 0.3: weight RMSE 0.06063511265243106
  - lp_portfolio, long-only, 10000: weight RMSE 0.017082871441954087 (the check Keel's exact
    method must pass: RMSE < 0.02)
Those published figures are transcribed here (PyPortfolioOpt itself is not a Debian package). The
inputs they come from are recomputed independently: the max-Sharpe weights with cvxopt by
make_pypfopt_fixtures.py's max_sharpe (the (-1, 1) bounds do not bind, so the unbounded solve is
the same portfolio), the prices as the last forward-filled row. The leftover of each published
allocation is derived from its quantities: the side budgets minus the value bought and shorted.

Run:  /usr/bin/python3 tests/reference/make_allocation_fixtures.py [path/to/stock_prices.csv]
Writes tests/reference/allocation/pypfopt.json (figures derived from the MIT-licensed data).
"""
import json
import os
import sys

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_pypfopt_fixtures import DEFAULT_CSV, load, max_sharpe  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

PUBLISHED = [
    {"name": "greedy_long_only", "method": "greedy", "weights": "long_only", "value": 10000,
     "rmse": 0.017086185150415774},
    {"name": "greedy_short", "method": "greedy", "weights": "short", "value": 10000,
     "short_ratio": 0.3, "rmse": 0.06063511265243106,
     "allocation": {"MA": 19, "PFE": 42, "FB": 7, "GOOG": 1, "BABA": 5, "AAPL": 4, "SBUX": 8,
                    "BBY": 6, "XOM": 4, "WMT": 3, "BAC": -32, "AMD": -48, "SHLD": -132, "GM": -9,
                    "RRC": -19, "GE": -14, "T": -5, "UAA": -8}},
    {"name": "greedy_short_50000", "method": "greedy", "weights": "short", "value": 50000,
     "short_ratio": 0.5,
     "allocation": {"MA": 96, "PFE": 211, "FB": 34, "GOOG": 4, "BABA": 22, "AAPL": 17, "SBUX": 38,
                    "AMZN": 2, "BBY": 27, "XOM": 19, "WMT": 10, "BAC": -269, "AMD": -399,
                    "SHLD": -1099, "GM": -78, "RRC": -154, "GE": -119, "T": -41, "UAA": -64}},
    {"name": "greedy_short_50000_reinvest", "method": "greedy", "weights": "short", "value": 50000,
     "short_ratio": 0.5, "reinvest": True,
     "allocation": {"MA": 145, "PFE": 317, "FB": 53, "GOOG": 6, "BABA": 34, "AAPL": 27, "SBUX": 58,
                    "AMZN": 2, "BBY": 41, "XOM": 30, "WMT": 17, "JPM": 1, "BAC": -269, "AMD": -399,
                    "SHLD": -1099, "GM": -78, "RRC": -154, "GE": -119, "T": -41, "UAA": -64}},
    {"name": "lp_long_only", "method": "exact", "weights": "long_only", "value": 10000,
     "rmse_below": 0.02, "pypfopt_rmse": 0.017082871441954087},
]


def main():
    csv = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CSV
    names, mu, S = load(csv)
    n = len(names)
    prices = pd.read_csv(csv, parse_dates=True, index_col="date").ffill().iloc[-1]
    weights = {
        "long_only": dict(zip(names, map(float, max_sharpe(mu, S, [0.0] * n, [1.0] * n)))),
        "short": dict(zip(names, map(float, max_sharpe(mu, S, [None] * n, [None] * n)))),
    }
    assert all(-1 <= w <= 1 for w in weights["short"].values())
    cases = []
    for case in PUBLISHED:
        case = dict(case)
        if "allocation" in case:
            long_value = sum(q * prices[t] for t, q in case["allocation"].items() if q > 0)
            short_value = sum(-q * prices[t] for t, q in case["allocation"].items() if q < 0)
            short_budget = case["value"] * case["short_ratio"]
            long_budget = case["value"] + (short_budget if case.get("reinvest") else 0.0)
            case["leftover"] = (long_budget - long_value) + (short_budget - short_value)
        cases.append(case)
    out = {"source": "tests/reference/make_allocation_fixtures.py: PyPortfolioOpt "
                     "tests/test_discrete_allocation.py (MIT) on tests/resources/stock_prices.csv",
           "assets": names,
           "prices": {t: float(prices[t]) for t in names},
           "weights": weights,
           "cases": cases}
    os.makedirs(os.path.join(HERE, "allocation"), exist_ok=True)
    with open(os.path.join(HERE, "allocation", "pypfopt.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
