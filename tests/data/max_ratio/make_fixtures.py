#!/usr/bin/python3
"""Independent reference answers for the max-ratio model (tail_risk.hpp, TailRiskObjective::
kMaxRatio): the largest (mu'w - rf)/P / rho(w) for rho = CVaR, CDaR, MAD and the worst loss.

Keel solves the ratio by the Charnes-Cooper change of variables (one homogenised LP). This script
does NOT: it uses Dinkelbach's parametric method (Dinkelbach 1967, "On nonlinear fractional
programming", Management Science 13(7)) on the ORIGINAL constraint set, each step one LP
  max (mu/P)'w - rf/P - lam * rho(w)   over the user constraints (no homogenisation),
  lam <- ratio at the new w,
solved by scipy's HiGHS (linprog, method="highs"), until the parametric optimum is 0 to 1e-12.
As a second check, the Charnes-Cooper LP is written here independently and solved by HiGHS too;
the script fails if the two optima differ beyond 1e-9 relative. Risk definitions (per period,
losses positive, alpha the confidence, m = (1 - alpha) T):
  cvar     min_z z + (1/m) sum_t max(-r_t'w - z, 0)  (Rockafellar-Uryasev)
  cdar     the same on the uncompounded drawdowns d_t = max_{s<=t} c_s - c_t (c_0 = 0)
  mad      (1/T) sum_t |(r_t - rbar)'w|
  minimax  max_t -r_t'w

Cases: seeded random scenario matrices (numpy default_rng, seeds below) under
  long-only budget 1; bounds [-0.3, 0.6] with a group cap, a linear row and a gross leverage cap;
  a turnover cap from given holdings; and a group cap that BINDS at the optimum (the script asserts
  that the optimum without the group breaks it, and that the group sum equals its cap);
and real data: daily returns of 8 stocks of PyPortfolioOpt's stock_prices.csv (MIT; the last
400 complete rows), mu = sample mean x 252 (stored: the C++ test uses it as given).

Run: /usr/bin/python3 tests/data/max_ratio/make_fixtures.py   (writes fixtures.json beside it)
"""
import json
import math
import os

import numpy as np
import pandas as pd
from scipy.optimize import linprog

HERE = os.path.dirname(os.path.abspath(__file__))
PRICES = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "reference", "pyportfolioopt",
                      "stock_prices.csv")


def tail_size(alpha, T):
    m = (1 - alpha) * T
    r = round(m)
    if abs(m - r) <= 1e-9 * max(1.0, m):
        m = float(r)
    return m


class Lp:
    def __init__(self):
        self.nvar = 0
        self.Aub, self.bub, self.Aeq, self.beq, self.bounds = [], [], [], [], []

    def block(self, size, lo=None, hi=None):
        start = self.nvar
        self.nvar += size
        self.bounds += [(lo, hi)] * size
        return start

    def row(self, coef, rhs, kind):  # coef: dict col -> value; kind "<=", ">=", "="
        if kind == "=":
            self.Aeq.append(coef)
            self.beq.append(rhs)
        elif kind == "<=":
            self.Aub.append(coef)
            self.bub.append(rhs)
        else:
            self.Aub.append({k: -v for k, v in coef.items()})
            self.bub.append(-rhs)

    def solve(self, cost):
        def dense(rows):
            M = np.zeros((len(rows), self.nvar))
            for i, r in enumerate(rows):
                for k, v in r.items():
                    M[i, k] += v
            return M
        c = np.zeros(self.nvar)
        for k, v in cost.items():
            c[k] += v
        res = linprog(c, A_ub=dense(self.Aub) if self.Aub else None, b_ub=self.bub or None,
                      A_eq=dense(self.Aeq) if self.Aeq else None, b_eq=self.beq or None,
                      bounds=self.bounds, method="highs",
                      options={"primal_feasibility_tolerance": 1e-10,
                               "dual_feasibility_tolerance": 1e-10})
        assert res.status == 0, res.message
        return res.x, res.fun


def add_constraints(lp, cons, n, kappa=None):
    """User constraints on w = x[0:n]; with kappa, homogenised (every rhs r -> r * kappa)."""
    w = lp.block(n)
    if kappa is not None:
        k = lp.block(1, 0, None)
    else:
        k = None

    def rhs_row(coef, rhs, kind):
        if k is None:
            lp.row(coef, rhs, kind)
        else:
            c = dict(coef)
            c[k] = c.get(k, 0.0) - rhs
            lp.row(c, 0.0, kind)

    for i in range(n):
        lo, hi = cons["lower"][i], cons["upper"][i]
        if lo is not None:
            rhs_row({w + i: 1.0}, lo, ">=")
        if hi is not None:
            rhs_row({w + i: 1.0}, hi, "<=")
    rhs_row({w + i: 1.0 for i in range(n)}, cons["budget"], "=")
    for g in cons.get("groups", []):
        coef = {w + i: 1.0 for i in g["members"]}
        if g["min"] is not None:
            rhs_row(coef, g["min"], ">=")
        if g["max"] is not None:
            rhs_row(coef, g["max"], "<=")
    for l in cons.get("linear", []):
        rhs_row({w + i: v for i, v in enumerate(l["coefficients"]) if v != 0}, l["rhs"], l["sense"])
    if cons.get("max_gross_leverage") is not None:
        a = lp.block(n, 0, None)
        for i in range(n):
            lp.row({w + i: 1.0, a + i: -1.0}, 0.0, "<=")
            lp.row({w + i: -1.0, a + i: -1.0}, 0.0, "<=")
        rhs_row({a + i: 1.0 for i in range(n)}, cons["max_gross_leverage"], "<=")
    if cons.get("max_turnover") is not None:
        w0 = cons["current_weights"]
        a = lp.block(n, 0, None)
        for i in range(n):
            rhs_row({w + i: 1.0, a + i: -1.0}, w0[i], "<=")
            rhs_row({w + i: -1.0, a + i: -1.0}, -w0[i], "<=")
        rhs_row({a + i: 1.0 for i in range(n)}, cons["max_turnover"], "<=")
    return w, k


def add_risk(lp, R, measure, alpha, w):
    """Appends the risk's auxiliary variables; returns the risk as a dict col -> coefficient."""
    T, n = R.shape
    if measure == "cvar" or measure == "cdar":
        m = tail_size(alpha, T)
        z = lp.block(1)
        u = lp.block(T, 0, None)
        if measure == "cvar":
            for t in range(T):  # u_t >= -r_t'w - z
                coef = {w + i: -R[t, i] for i in range(n)}
                coef[z] = -1.0
                coef[u + t] = -1.0
                lp.row(coef, 0.0, "<=")
        else:
            d = lp.block(T, 0, None)
            for t in range(T):  # d_t >= d_{t-1} - r_t'w ; u_t >= d_t - z
                coef = {w + i: -R[t, i] for i in range(n)}
                coef[d + t] = -1.0
                if t > 0:
                    coef[d + t - 1] = 1.0
                lp.row(coef, 0.0, "<=")
                lp.row({d + t: 1.0, z: -1.0, u + t: -1.0}, 0.0, "<=")
        risk = {z: 1.0}
        for t in range(T):
            risk[u + t] = 1.0 / m
        return risk
    if measure == "mad":
        D = R - R.mean(axis=0)
        a = lp.block(T, 0, None)
        for t in range(T):
            lp.row({**{w + i: D[t, i] for i in range(n)}, a + t: -1.0}, 0.0, "<=")
            lp.row({**{w + i: -D[t, i] for i in range(n)}, a + t: -1.0}, 0.0, "<=")
        return {a + t: 1.0 / T for t in range(T)}
    if measure == "minimax":
        th = lp.block(1)
        for t in range(T):
            lp.row({**{w + i: -R[t, i] for i in range(n)}, th: -1.0}, 0.0, "<=")
        return {th: 1.0}
    raise ValueError(measure)


def risk_of(R, measure, alpha, w):
    pnl = R @ w
    T = len(pnl)
    if measure == "cvar":
        lp = Lp()
        # evaluate by the LP in z only: min z + (1/m) sum max(-pnl - z, 0): sorted form
        losses = np.sort(-pnl)[::-1]
        m = tail_size(alpha, T)
        k = math.ceil(m - 1e-12)
        return (losses[: k - 1].sum() + (m - (k - 1)) * losses[k - 1]) / m
    if measure == "cdar":
        c = np.concatenate([[0.0], np.cumsum(pnl)])
        dd = (np.maximum.accumulate(c) - c)[1:]
        return risk_of(-dd[:, None], "cvar", alpha, np.array([1.0]))
    if measure == "mad":
        return np.abs(pnl - pnl.mean()).mean()
    return -pnl.min()


def dinkelbach(R, mu, ppy, rf, cons, measure, alpha):
    n = R.shape[1]
    excess = mu / ppy
    lam = 0.0
    for _ in range(100):
        lp = Lp()
        w, _ = add_constraints(lp, cons, n)
        risk = add_risk(lp, R, measure, alpha, w)
        cost = {w + i: -excess[i] for i in range(n)}
        for k, v in risk.items():
            cost[k] = cost.get(k, 0.0) + lam * v
        x, fun = lp.solve(cost)
        weights = x[w:w + n]
        value = -fun - rf / ppy  # max excess - lam * risk
        rho = risk_of(R, measure, alpha, weights)
        new_lam = (excess @ weights - rf / ppy) / rho
        if abs(value) <= 1e-12 * max(1.0, abs(lam)) or abs(new_lam - lam) <= 1e-14 * abs(new_lam):
            return weights, new_lam
        lam = new_lam
    raise RuntimeError("Dinkelbach did not converge")


def charnes_cooper(R, mu, ppy, rf, cons, measure, alpha):
    n = R.shape[1]
    lp = Lp()
    w, k = add_constraints(lp, cons, n, kappa=True)
    risk = add_risk(lp, R, measure, alpha, w)
    lp.row({**{w + i: mu[i] / ppy for i in range(n)}, k: -rf / ppy}, 1.0, "=")
    x, fun = lp.solve(risk)
    weights = x[w:w + n] / x[k]
    return weights, 1.0 / fun


def solve_case(name, R, mu, ppy, rf, cons, measure, alpha, note=""):
    w_d, ratio_d = dinkelbach(R, mu, ppy, rf, cons, measure, alpha)
    w_c, ratio_c = charnes_cooper(R, mu, ppy, rf, cons, measure, alpha)
    assert abs(ratio_d - ratio_c) <= 1e-9 * abs(ratio_d), (name, measure, ratio_d, ratio_c)
    rho = risk_of(R, measure, alpha, w_d)
    return {"name": name, "measure": measure, "alpha": alpha, "risk_free_rate": rf,
            "periods_per_year": ppy, "mu": mu.tolist(), "scenarios": R.tolist(),
            "constraints": cons, "ratio": ratio_d, "risk": rho, "weights": w_d.tolist(),
            "charnes_cooper_ratio": ratio_c, "note": note}


def main():
    cases = []
    measures = ["cvar", "cdar", "mad", "minimax"]
    # Seeded random problems.
    for seed, (T, n) in [(11, (120, 6)), (12, (150, 8))]:
        rng = np.random.default_rng(seed)
        A = rng.normal(size=(n, n)) * 0.01
        R = rng.normal(size=(T, n)) @ A + rng.normal(0.0008, 0.002, size=n)
        R = R + 0.01 * rng.standard_t(4, size=(T, n)) * 0.3
        mu = R.mean(axis=0) * 365.0
        long_only = {"budget": 1.0, "lower": [0.0] * n, "upper": [1.0] * n}
        rich = {"budget": 1.0, "lower": [-0.3] * n, "upper": [0.6] * n,
                "groups": [{"name": "first-three", "members": [0, 1, 2], "min": 0.1, "max": 0.5}],
                "linear": [{"name": "tilt", "coefficients": [1.0, -1.0] + [0.0] * (n - 2),
                            "sense": "<=", "rhs": 0.2}],
                "max_gross_leverage": 1.6}
        w0 = [1.0 / n] * n
        turnover = {"budget": 1.0, "lower": [0.0] * n, "upper": [1.0] * n,
                    "max_turnover": 0.5, "current_weights": w0}
        for measure in measures:
            for label, cons, rf in [("long-only", long_only, 0.0), ("rich", rich, 0.03),
                                    ("turnover", turnover, 0.01)]:
                cases.append(solve_case(f"seed{seed}-{label}", R, mu, 365.0, rf, cons, measure,
                                        0.9))
        # A group cap that binds: the largest-weight pair of the unconstrained optimum is capped
        # below what it holds there.
        for measure in measures:
            free, _ = dinkelbach(R, mu, 365.0, 0.0, long_only, measure, 0.9)
            top = list(np.argsort(-free)[:2])
            held = float(free[top].sum())
            cap = round(0.6 * held, 6)
            cons = dict(long_only)
            cons["groups"] = [{"name": "capped", "members": [int(i) for i in top], "min": None,
                               "max": cap}]
            case = solve_case(f"seed{seed}-group-binds", R, mu, 365.0, 0.0, cons, measure, 0.9,
                              note=f"unconstrained optimum holds {held:.6g} in the group")
            assert abs(sum(case["weights"][i] for i in top) - cap) <= 1e-8, "group must bind"
            case["group_unconstrained_sum"] = held
            cases.append(case)
    # Real data.
    prices = pd.read_csv(PRICES, index_col=0)
    cols = ["AAPL", "AMZN", "GE", "AMD", "WMT", "BAC", "XOM", "JPM"]
    rets = prices[cols].pct_change().dropna(how="any").iloc[-400:]
    R = rets.to_numpy()
    mu = R.mean(axis=0) * 252.0
    n = len(cols)
    long_only = {"budget": 1.0, "lower": [0.0] * n, "upper": [1.0] * n}
    capped = {"budget": 1.0, "lower": [0.0] * n, "upper": [0.35] * n,
              "groups": [{"name": "banks", "members": [5, 7], "min": None, "max": 0.15}]}
    for measure in measures:
        cases.append(solve_case("stocks-long-only", R, mu, 252.0, 0.02, long_only, measure, 0.95))
        cases.append(solve_case("stocks-capped", R, mu, 252.0, 0.02, capped, measure, 0.95))
    out = {"provenance": "tests/data/max_ratio/make_fixtures.py: Dinkelbach iterations of scipy "
                         "HiGHS LPs on the original constraints, cross-checked against an "
                         "independently written Charnes-Cooper LP (HiGHS); real data: "
                         "PyPortfolioOpt stock_prices.csv (MIT), 8 stocks, last 400 complete "
                         "daily returns",
           "assets_real": cols, "data": {}, "cases": cases}
    # Each scenario set once: cases name theirs by "data".
    for case in cases:
        key = case["name"].split("-")[0]
        out["data"][key] = {"scenarios": case.pop("scenarios"), "mu": case.pop("mu"),
                            "periods_per_year": case.pop("periods_per_year")}
        case["data"] = key
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
