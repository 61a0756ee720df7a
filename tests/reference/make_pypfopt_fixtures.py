#!/usr/bin/python3
"""Independent reference answers for the mean-variance layer on PyPortfolioOpt's test data.

Replicates PyPortfolioOpt's conventions exactly (tests/utilities_for_tests.py: setup_efficient_frontier):
  mu = expected_returns.mean_historical_return(prices): geometric mean of pct_change() returns,
       compounded, x252 per asset, NaN skipped per asset;
  S  = risk_models.sample_cov(prices): pairwise-complete sample covariance x252 (already PSD on
       this file, so PyPortfolioOpt's spectral fix does not change it);
  risk-free rate 0.02.
and solves each problem with cvxopt (an interior point QP that is not Keel's), so the fixture is
an independent check. Cases that PyPortfolioOpt's own test suite publishes are also checked here
against those published numbers (the script fails if they disagree beyond 1e-6).

Run:  /usr/bin/python3 tests/reference/make_pypfopt_fixtures.py [path/to/stock_prices.csv]
Writes tests/reference/pypfopt/expected.json (figures derived from the MIT-licensed data, not the data).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
from cvxopt import matrix, solvers

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.join(HERE, "..", "..", "..", "shared", "data", "reference", "pyportfolioopt",
                           "stock_prices.csv")
RF = 0.02

solvers.options["show_progress"] = False
solvers.options["abstol"] = 1e-13
solvers.options["reltol"] = 1e-13
solvers.options["feastol"] = 1e-13
solvers.options["maxiters"] = 500


def load(path):
    prices = pd.read_csv(path, parse_dates=True, index_col="date")
    returns = prices.pct_change().dropna(how="all")
    mu = (1 + returns).prod() ** (252 / returns.count()) - 1
    cov = returns.cov() * 252
    assert np.linalg.eigvalsh(cov.values).min() > 0
    return list(prices.columns), mu.values, cov.values


def qp(P, q, G=None, h=None, A=None, b=None):
    args = [matrix(P), matrix(q)]
    kw = {}
    if G is not None:
        kw["G"], kw["h"] = matrix(G), matrix(h)
    if A is not None:
        kw["A"], kw["b"] = matrix(A), matrix(b)
    sol = solvers.qp(*args, **kw)
    assert sol["status"] == "optimal", sol["status"]
    return np.array(sol["x"]).ravel()


def box_rows(n, lo, hi):
    """G w <= h rows for lo <= w <= hi (None = free side)."""
    G, h = [], []
    for i in range(n):
        if hi[i] is not None:
            row = np.zeros(n); row[i] = 1; G.append(row); h.append(hi[i])
        if lo[i] is not None:
            row = np.zeros(n); row[i] = -1; G.append(row); h.append(-lo[i])
    return G, h


def stack(G, h, n):
    if not G:
        return None, None
    return np.array(G, dtype=float).reshape(-1, n), np.array(h, dtype=float)


def perf(w, mu, S):
    ret = float(mu @ w)
    vol = float(np.sqrt(w @ S @ w))
    return [ret, vol, (ret - RF) / vol]


def min_variance(mu, S, lo, hi, budget=1.0, gamma=0.0, extra_G=(), extra_h=()):
    n = len(mu)
    G, h = box_rows(n, lo, hi)
    G += list(extra_G); h += list(extra_h)
    G, h = stack(G, h, n)
    return qp(2 * (S + gamma * np.eye(n)), np.zeros(n), G, h, np.ones((1, n)), np.array([budget]))


def min_variance_costs(mu, S, gamma, k, w_prev):
    """min w'Sw + gamma|w|^2 + k|w - w_prev|_1, long-only, budget 1, with w - w_prev = u - v."""
    n = len(mu)
    P = np.zeros((3 * n, 3 * n)); P[:n, :n] = 2 * (S + gamma * np.eye(n))
    q = np.concatenate([np.zeros(n), k * np.ones(n), k * np.ones(n)])
    G = -np.eye(3 * n); h = np.zeros(3 * n)
    G = np.vstack([G, np.hstack([np.eye(n), np.zeros((n, 2 * n))])]); h = np.append(h, np.ones(n))
    A = np.vstack([np.concatenate([np.ones(n), np.zeros(2 * n)]),
                   np.hstack([np.eye(n), -np.eye(n), np.eye(n)])])
    b = np.concatenate([[1.0], w_prev])
    return qp(P, q, G, h, A, b)[:n]


def max_utility(mu, S, lo, hi, delta, budget=1.0, gamma=0.0):
    n = len(mu)
    G, h = stack(*box_rows(n, lo, hi), n)
    return qp(delta * S + 2 * gamma * np.eye(n), -mu, G, h, np.ones((1, n)), np.array([budget]))


def efficient_return(mu, S, lo, hi, target, budget=1.0, gamma=0.0):
    n = len(mu)
    G, h = box_rows(n, lo, hi)
    G.append(-mu); h.append(-target)
    G, h = stack(G, h, n)
    return qp(2 * (S + gamma * np.eye(n)), np.zeros(n), G, h, np.ones((1, n)), np.array([budget]))


def max_sharpe(mu, S, lo, hi, gamma=0.0, extra_G=(), extra_h=()):
    """Homogenised: min y'(S+gamma I)y st (mu-rf)'y = 1, 1'y = k, lo k <= y <= hi k, k >= 0."""
    n = len(mu)
    G, h = [], []
    for i in range(n):
        if hi[i] is not None:
            row = np.zeros(n + 1); row[i] = 1; row[n] = -hi[i]; G.append(row); h.append(0)
        if lo[i] is not None:
            row = np.zeros(n + 1); row[i] = -1; row[n] = lo[i]; G.append(row); h.append(0)
    for g, c in zip(extra_G, extra_h):  # g'w <= c  ->  g'y - c k <= 0
        G.append(np.append(g, -c)); h.append(0)
    row = np.zeros(n + 1); row[n] = -1; G.append(row); h.append(0)
    P = np.zeros((n + 1, n + 1)); P[:n, :n] = 2 * (S + gamma * np.eye(n))
    A = np.zeros((2, n + 1)); A[0, :n] = mu - RF; A[1, :n] = 1; A[1, n] = -1
    x = qp(P, np.zeros(n + 1), np.array(G), np.array(h, dtype=float), A, np.array([1.0, 0.0]))
    return x[:n] / x[n]


def efficient_risk(mu, S, lo, hi, target_vol, budget=1.0, gamma=0.0):
    """max mu'w - gamma|w|^2 st w'Sw <= target^2: bisection on the Lagrangian weight s in
    min w'Sw + s(-mu'w + gamma|w|^2) (vol increases with s), then a final secant polish."""
    def solve(s):
        n = len(mu)
        G, h = stack(*box_rows(n, lo, hi), n)
        return qp(2 * (S + s * gamma * np.eye(n)), -s * mu, G, h, np.ones((1, n)),
                  np.array([budget]))
    vol = lambda w: np.sqrt(w @ S @ w)
    lo_s, hi_s = 0.0, 1.0
    while vol(solve(hi_s)) < target_vol:
        lo_s, hi_s = hi_s, hi_s * 2
    for _ in range(200):
        mid = 0.5 * (lo_s + hi_s)
        if vol(solve(mid)) < target_vol:
            lo_s = mid
        else:
            hi_s = mid
        if hi_s - lo_s < 1e-15 * max(1.0, hi_s):
            break
    return solve(0.5 * (lo_s + hi_s))


def main():
    csv = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CSV
    names, mu, S = load(csv)
    n = len(mu)
    long_only = ([0.0] * n, [1.0] * n)
    free = ([None] * n, [None] * n)
    pm1 = ([-1.0] * n, [1.0] * n)
    sector_mapper = {"GOOG": "tech", "AAPL": "tech", "FB": "tech", "AMZN": "tech", "BABA": "tech",
                     "GE": "utility", "AMD": "tech", "WMT": "retail", "BAC": "fig", "GM": "auto",
                     "T": "auto", "UAA": "airline", "SHLD": "retail", "XOM": "energy",
                     "RRC": "energy", "BBY": "retail", "MA": "fig", "PFE": "pharma", "JPM": "fig",
                     "SBUX": "retail"}
    upper = {"tech": 0.2, "utility": 0.1, "retail": 0.2, "fig": 0.4, "airline": 0.05, "energy": 0.2}
    lower = {"utility": 0.01, "fig": 0.02, "airline": 0.01}
    sector_G, sector_h = [], []
    for s, cap in upper.items():
        sector_G.append(np.array([1.0 if sector_mapper[t] == s else 0.0 for t in names]))
        sector_h.append(cap)
    for s, floor in lower.items():
        sector_G.append(-np.array([1.0 if sector_mapper[t] == s else 0.0 for t in names]))
        sector_h.append(-floor)

    cases = {}

    def add(name, w, published=None):
        p = perf(w, mu, S)
        if published is not None:
            assert np.allclose(p, published, rtol=1e-6, atol=1e-7), (name, p, published)
        cases[name] = {"performance": p, "weights": dict(zip(names, map(float, w))),
                       "published_by_pypfopt": published is not None}

    # Published in PyPortfolioOpt tests/test_efficient_frontier.py (checked above).
    add("min_volatility", min_variance(mu, S, *long_only),
        [0.15056821399482578, 0.15915084514118694, 0.8204054077060996])
    add("min_volatility_short", min_variance(mu, S, *free),
        [0.1516319319875544, 0.1555915367269669, 0.8460095886741129])
    add("min_volatility_L2_reg", min_variance(mu, S, *long_only, gamma=1.0),
        [0.17356099329164965, 0.1955254118258614, 0.785376140408869])
    # PyPortfolioOpt publishes (0.17363446634404042, 0.1959773703677164, 0.7839398296638683) for
    # test_min_volatility_tx_costs_L2_reg; cvxopt's tighter answer differs from it by ~1e-6
    # relative (the L1 kink), so this case is stored as an independent fixture only and the
    # published triple is checked at 1e-5.
    w_tx = min_variance_costs(mu, S, 1.0, 0.001, np.full(n, 1.0 / n))
    assert np.allclose(perf(w_tx, mu, S),
                       [0.17363446634404042, 0.1959773703677164, 0.7839398296638683], rtol=1e-5)
    add("min_volatility_tx_costs_L2_reg", w_tx)
    add("max_sharpe_long_only", max_sharpe(mu, S, *long_only),
        [0.3047768672819914, 0.22165566922402932, 1.2847714127003216])
    add("max_sharpe_short", max_sharpe(mu, S, *free),
        [0.4937195216716211, 0.29516576454651955, 1.6049270564945908])
    add("max_sharpe_L2_reg", max_sharpe(mu, S, *long_only, gamma=5.0),
        [0.2516854357026833, 0.22043282695478603, 1.051047790401043])
    add("max_quadratic_utility", max_utility(mu, S, *long_only, delta=2.0),
        [0.3677732711751504, 0.2921342197778279, 1.1904571516463793])
    add("max_quadratic_utility_with_shorts", max_utility(mu, S, *pm1, delta=1.0),
        [1.4170505733098597, 1.0438577623242156, 1.3383533884915872])
    add("max_quadratic_utility_market_neutral", max_utility(mu, S, *pm1, delta=1.0, budget=0.0),
        [1.248936321062371, 1.0219175004907117, 1.2025787996313317])
    add("efficient_return", efficient_return(mu, S, *long_only, 0.25),
        [0.25, 0.18723269942026335, 1.2284179030274036])
    add("efficient_return_short", efficient_return(mu, S, *free, 0.25),
        [0.25, 0.17149595234895817, 1.3411395245760582])
    add("efficient_return_L2_reg", efficient_return(mu, S, *long_only, 0.25, gamma=1.0),
        [0.25, 0.20961660883459776, 1.0972412981906703])
    add("efficient_return_market_neutral", efficient_return(mu, S, *pm1, 0.25, budget=0.0),
        [0.25, 0.1833060046337015, 1.2547324920403273])
    add("efficient_risk", efficient_risk(mu, S, *long_only, 0.19),
        [0.2552422849133517, 0.1900000002876062, 1.2381172871434818])
    add("efficient_risk_short", efficient_risk(mu, S, *pm1, 0.19),
        [0.30035471606347336, 0.1900000003049494, 1.4755511348079207])
    add("efficient_risk_market_neutral", efficient_risk(mu, S, *pm1, 0.21, budget=0.0),
        [0.28640632960825885, 0.20999999995100788, 1.2686015698590967])

    # Not published by PyPortfolioOpt: independent cvxopt answers only.
    add("min_volatility_sector_short",
        min_variance(mu, S, *free, extra_G=sector_G, extra_h=sector_h))
    add("max_sharpe_sector_long_only",
        max_sharpe(mu, S, *long_only, extra_G=sector_G, extra_h=sector_h))
    add("max_sharpe_bounds_003_013", max_sharpe(mu, S, [0.03] * n, [0.13] * n))

    out = {"source": "tests/reference/make_pypfopt_fixtures.py on PyPortfolioOpt "
                     "tests/resources/stock_prices.csv (MIT)",
           "risk_free_rate": RF, "periods_per_year": 252, "assets": names,
           "sectors": sector_mapper, "sector_upper": upper, "sector_lower": lower,
           "cases": cases}
    os.makedirs(os.path.join(HERE, "pypfopt"), exist_ok=True)
    with open(os.path.join(HERE, "pypfopt", "expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
