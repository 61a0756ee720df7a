#!/usr/bin/python3
"""Independent reference answers for the semivariance models (tail_risk.hpp kSemivariance):
min-semivariance, its efficient-return form, and max-ratio with the semideviation (Sortino).

Semivariance per period of the portfolio's scenario returns against the per-period benchmark
B = rf / P (Keel's Sortino convention, risk/performance.hpp; B = 0 when rf = 0, PyPortfolioOpt's
EfficientSemivariance default): SV(w) = (1/T) sum_t min(r_t'w - B, 0)^2, semideviation sqrt(SV).

Solved with cvxopt.solvers.qp (its interior point) on the textbook QP over x = [w, n]:
  min (1/T) sum n_t^2  s.t.  n_t >= B - r_t'w, n_t >= 0, the user constraints
(bounds, budget, a group, gross leverage by |w| <= a, sum a <= L) and mu'w >= target for
efficient return. The best Sortino ratio (mu'w/P - rf/P) / sqrt(SV(w)) is found WITHOUT the
Charnes-Cooper change of variables: a golden-section search over the target return r of
(r/P - rf/P) / sqrt(SV*(r)), SV*(r) the efficient-return optimum (the ratio of a linear function
to a convex one along the frontier is quasi-concave), from the least-semivariance portfolio's
return to the largest attainable return (scipy HiGHS LP), to 1e-11 in r.

Cases: seeded numpy default_rng(31) T = 150, n = 6 (long-only; rich: bounds [-0.3, 0.6], a group
cap, leverage 1.6, rf = 2%); real data: 250 daily returns of 8 stocks of PyPortfolioOpt's
stock_prices.csv (MIT), long-only, rf = 2%.

Run: /usr/bin/python3 tests/data/semivariance/make_fixtures.py   (writes fixtures.json beside it)
"""
import json
import math
import os

import numpy as np
import pandas as pd
from cvxopt import matrix, solvers
from scipy.optimize import linprog

HERE = os.path.dirname(os.path.abspath(__file__))
PRICES = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "reference", "pyportfolioopt",
                      "stock_prices.csv")
solvers.options["show_progress"] = False
solvers.options["abstol"] = 1e-12
solvers.options["reltol"] = 1e-12
solvers.options["feastol"] = 1e-12
solvers.options["maxiters"] = 200


def build(R, cons, n_extra_target=None):
    """Rows G x <= h, A x = b over x = [w (n), nn (T), a (n when leverage)]."""
    T, n = R.shape
    lev = cons.get("max_gross_leverage")
    N = n + T + (n if lev is not None else 0)
    G, h, A, b = [], [], [], []

    def row(d):
        r = np.zeros(N)
        for k, v in d.items():
            r[k] += v
        return r

    B = cons["benchmark"]
    for t in range(T):  # -n_t - r_t'w <= -B
        G.append(row({**{i: -R[t, i] for i in range(n)}, n + t: -1.0}))
        h.append(-B)
        G.append(row({n + t: -1.0}))
        h.append(0.0)
    for i in range(n):
        G.append(row({i: -1.0}))
        h.append(-cons["lower"][i])
        G.append(row({i: 1.0}))
        h.append(cons["upper"][i])
    A.append(row({i: 1.0 for i in range(n)}))
    b.append(cons["budget"])
    for g in cons.get("groups", []):
        G.append(row({i: 1.0 for i in g["members"]}))
        h.append(g["max"])
    if lev is not None:
        a0 = n + T
        for i in range(n):
            G.append(row({i: 1.0, a0 + i: -1.0}))
            h.append(0.0)
            G.append(row({i: -1.0, a0 + i: -1.0}))
            h.append(0.0)
        G.append(row({a0 + i: 1.0 for i in range(n)}))
        h.append(lev)
    return N, G, h, A, b


def min_sv(R, mu, cons, target=None):
    T, n = R.shape
    N, G, h, A, b = build(R, cons)
    if target is not None:
        r = np.zeros(N)
        r[:n] = -mu
        G.append(r)
        h.append(-target)
    P = np.zeros((N, N))
    P[n:n + T, n:n + T] = np.eye(T) * 2.0 / T
    sol = solvers.qp(matrix(P), matrix(np.zeros(N)), matrix(np.array(G)), matrix(np.array(h)),
                     matrix(np.array(A)), matrix(np.array(b, dtype=float)))
    assert sol["status"] == "optimal", sol["status"]
    x = np.array(sol["x"]).ravel()
    return x[:n]


def semivariance(R, w, B):
    d = np.minimum(R @ w - B, 0.0)
    return float(np.mean(d * d))


def max_return(R, mu, cons):
    T, n = R.shape
    bounds = list(zip(cons["lower"], cons["upper"]))
    A_ub, b_ub = [], []
    for g in cons.get("groups", []):
        r = np.zeros(n)
        r[g["members"]] = 1.0
        A_ub.append(r)
        b_ub.append(g["max"])
    lev = cons.get("max_gross_leverage")
    c = np.concatenate([-mu, np.zeros(n)]) if lev is not None else -mu
    if lev is not None:
        A_ub = [np.concatenate([r, np.zeros(n)]) for r in A_ub]
        for i in range(n):
            e = np.zeros(2 * n)
            e[i], e[n + i] = 1, -1
            A_ub.append(e)
            b_ub.append(0.0)
            e = np.zeros(2 * n)
            e[i], e[n + i] = -1, -1
            A_ub.append(e)
            b_ub.append(0.0)
        A_ub.append(np.concatenate([np.zeros(n), np.ones(n)]))
        b_ub.append(lev)
        bounds = bounds + [(0, None)] * n
        A_eq = [np.concatenate([np.ones(n), np.zeros(n)])]
    else:
        A_eq = [np.ones(n)]
    res = linprog(c, A_ub=np.array(A_ub) if A_ub else None, b_ub=b_ub or None,
                  A_eq=np.array(A_eq), b_eq=[cons["budget"]], bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun


def max_sortino(R, mu, ppy, rf, cons):
    B = cons["benchmark"]
    w0 = min_sv(R, mu, cons)
    lo, hi = float(mu @ w0), max_return(R, mu, cons)

    def ratio(r):
        w = min_sv(R, mu, cons, target=r)
        return (mu @ w / ppy - rf / ppy) / math.sqrt(semivariance(R, w, B)), w

    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    x1, x2 = b - g * (b - a), a + g * (b - a)
    (f1, w1), (f2, w2) = ratio(x1), ratio(x2)
    while b - a > 1e-11 * max(1.0, abs(b)):
        if f1 < f2:
            a, x1, f1, w1 = x1, x2, f2, w2
            x2 = a + g * (b - a)
            f2, w2 = ratio(x2)
        else:
            b, x2, f2, w2 = x2, x1, f1, w1
            x1 = b - g * (b - a)
            f1, w1 = ratio(x1)
    return (f1, w1) if f1 >= f2 else (f2, w2)


def cases_for(name, R, mu, ppy, rf, cons):
    cons = dict(cons)
    cons["benchmark"] = rf / ppy
    out = []
    w = min_sv(R, mu, cons)
    out.append({"name": name, "objective": "min-risk", "risk_free_rate": rf, "constraints": cons,
                "weights": w.tolist(), "semideviation": math.sqrt(semivariance(R, w, cons["benchmark"]))})
    target = float(mu @ w) + 0.5 * (max_return(R, mu, cons) - float(mu @ w))
    w = min_sv(R, mu, cons, target)
    out.append({"name": name, "objective": "efficient-return", "risk_free_rate": rf,
                "target_return": target, "constraints": cons, "weights": w.tolist(),
                "semideviation": math.sqrt(semivariance(R, w, cons["benchmark"]))})
    ratio, w = max_sortino(R, mu, ppy, rf, cons)
    out.append({"name": name, "objective": "max-ratio", "risk_free_rate": rf, "constraints": cons,
                "weights": w.tolist(), "ratio": ratio,
                "semideviation": math.sqrt(semivariance(R, w, cons["benchmark"]))})
    return out


def main():
    data, cases = {}, []
    rng = np.random.default_rng(31)
    T, n = 150, 6
    R = rng.normal(size=(T, n)) @ (rng.normal(size=(n, n)) * 0.01) + rng.normal(0.001, 0.001, n)
    mu = R.mean(axis=0) * 365.0
    data["seeded"] = {"scenarios": R.tolist(), "mu": mu.tolist(), "periods_per_year": 365.0}
    long_only = {"budget": 1.0, "lower": [0.0] * n, "upper": [1.0] * n}
    rich = {"budget": 1.0, "lower": [-0.3] * n, "upper": [0.6] * n,
            "groups": [{"name": "first-two", "members": [0, 1], "min": None, "max": 0.3}],
            "max_gross_leverage": 1.6}
    for c in cases_for("seeded-long-only", R, mu, 365.0, 0.0, long_only):
        c["data"] = "seeded"
        cases.append(c)
    for c in cases_for("seeded-rich", R, mu, 365.0, 0.02, rich):
        c["data"] = "seeded"
        cases.append(c)
    prices = pd.read_csv(PRICES, index_col=0)
    cols = ["AAPL", "AMZN", "GE", "AMD", "WMT", "BAC", "XOM", "JPM"]
    Rs = prices[cols].pct_change().dropna(how="any").iloc[-250:].to_numpy()
    mus = Rs.mean(axis=0) * 252.0
    data["stocks"] = {"scenarios": Rs.tolist(), "mu": mus.tolist(), "periods_per_year": 252.0}
    for c in cases_for("stocks-long-only", Rs, mus, 252.0, 0.02,
                       {"budget": 1.0, "lower": [0.0] * 8, "upper": [1.0] * 8}):
        c["data"] = "stocks"
        cases.append(c)
    out = {"provenance": "tests/data/semivariance/make_fixtures.py: cvxopt.solvers.qp on the "
                         "textbook semivariance QP; max Sortino by golden section over the "
                         "efficient-return frontier (no change of variables); real data "
                         "PyPortfolioOpt stock_prices.csv (MIT)",
           "data": data, "cases": cases}
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
    for c in cases:
        print(c["name"], c["objective"], c.get("ratio"), c["semideviation"])


if __name__ == "__main__":
    main()
