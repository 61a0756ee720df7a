#!/usr/bin/python3
"""Reference answers for keel::optimize_hedge (tests/optimize/hedge_reference_test.cpp).

Each case is a seeded random hedge problem: book P&L b (S), instrument P&L H (S x m) with an
option-like convex column, unit costs, bounds, budgets and a linear target. The CVaR cases are
solved by an independent formulation of the Rockafellar-Uryasev LP with scipy's HiGHS
(scipy.optimize.linprog, method="highs"); the variance cases by cvxopt's QP solver on the
unsplit quantities (no cost terms, so the optimum is unique). Regenerate with
  /usr/bin/python3 tests/data/hedge/make_hedge_fixtures.py
"""
import json
import os

import numpy as np
from scipy.optimize import linprog

HERE = os.path.dirname(os.path.abspath(__file__))


def problem(seed, scenarios, m):
    rng = np.random.default_rng(seed)
    x = rng.standard_t(4, size=scenarios) * 0.03  # underlying return, fat tails
    y = 0.5 * x + rng.standard_normal(scenarios) * 0.02
    book = 1000.0 * x + 300.0 * np.maximum(-x - 0.02, 0) * -10 + 200.0 * y
    cols = []
    for j in range(m):
        if j % 3 == 0:
            cols.append(100.0 * x + rng.standard_normal(scenarios) * 0.5)  # a perp on x
        elif j % 3 == 1:
            cols.append(100.0 * (np.maximum(-x - 0.01 * j, 0) - 0.01))  # a put on x
        else:
            cols.append(100.0 * y + rng.standard_normal(scenarios) * 0.5)  # a perp on y
    H = np.column_stack(cols)
    return book, H


def cvar_lp(book, H, alpha, cost, lower, upper, premium=None, budget=None, target=None):
    S, m = H.shape
    # variables: q+ (m), q- (m), zeta, u (S)
    n = 2 * m + 1 + S
    c = np.zeros(n)
    c[2 * m] = 1.0
    c[2 * m + 1:] = 1.0 / ((1 - alpha) * S)
    A, b = [], []
    # -(b_s + H_s (q+ - q-) - cost (q+ + q-)) - zeta - u_s <= 0
    for s in range(S):
        row = np.zeros(n)
        row[:m] = -H[s] + cost
        row[m:2 * m] = H[s] + cost
        row[2 * m] = -1.0
        row[2 * m + 1 + s] = -1.0
        A.append(row)
        b.append(book[s])
    for j in range(m):
        row = np.zeros(n)
        row[j], row[m + j] = 1.0, -1.0
        A.append(row.copy()); b.append(upper[j])
        A.append(-row); b.append(-lower[j])
    if premium is not None:
        row = np.zeros(n)
        row[:m], row[m:2 * m] = premium, -premium
        A.append(row); b.append(budget)
    if target is not None:
        coef, base, lo, hi = target
        row = np.zeros(n)
        row[:m], row[m:2 * m] = coef, -coef
        A.append(row.copy()); b.append(hi - base)
        A.append(-row); b.append(-(lo - base))
    bounds = [(0, None)] * (2 * m) + [(None, None)] + [(0, None)] * S
    res = linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs",
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    assert res.status == 0, res.message
    q = res.x[:m] - res.x[m:2 * m]
    return res.fun, q


def variance_qp(book, H, lower, upper):
    from cvxopt import matrix, solvers
    solvers.options["show_progress"] = False
    solvers.options["abstol"] = 1e-12
    solvers.options["reltol"] = 1e-12
    solvers.options["feastol"] = 1e-12
    S, m = H.shape
    Hc = H - H.mean(axis=0)
    bc = book - book.mean()
    P = 2 * Hc.T @ Hc / (S - 1)
    q = 2 * Hc.T @ bc / (S - 1)
    G = np.vstack([np.eye(m), -np.eye(m)])
    h = np.concatenate([upper, -np.asarray(lower)])
    sol = solvers.qp(matrix(P), matrix(q), matrix(G), matrix(h))
    x = np.array(sol["x"]).ravel()
    hedged = book + H @ x
    return float(np.var(hedged, ddof=1)), x


def main():
    cases = []
    for seed, S, m, alpha in [(1, 200, 3, 0.95), (2, 500, 6, 0.9), (3, 1000, 4, 0.99)]:
        book, H = problem(seed, S, m)
        cost = np.full(m, 0.05)
        lower, upper = np.full(m, -50.0), np.full(m, 50.0)
        case = {"name": f"cvar-seed{seed}", "objective": "cvar", "alpha": alpha,
                "book_pnl": book.tolist(), "instrument_pnl": H.tolist(), "unit_cost": cost.tolist(),
                "lower": lower.tolist(), "upper": upper.tolist()}
        fun, q = cvar_lp(book, H, alpha, cost, lower, upper)
        case["expected_objective"], case["expected_quantities"] = fun, q.tolist()
        cases.append(case)
        # The same with a premium budget on the put-like columns and a net delta band.
        premium = np.array([1.0 if j % 3 == 1 else 0.0 for j in range(m)])
        coef = np.array([1.0 if j % 3 == 0 else 0.0 for j in range(m)])
        target = (coef, 10.0, -5.0, 5.0)
        fun, q = cvar_lp(book, H, alpha, cost, lower, upper, premium, 3.0, target)
        limited = dict(case, name=f"cvar-limits-seed{seed}", premium=premium.tolist(),
                       premium_budget=3.0,
                       target={"coefficients": coef.tolist(), "base": 10.0, "lower": -5.0,
                               "upper": 5.0},
                       expected_objective=fun, expected_quantities=q.tolist())
        cases.append(limited)
        var, x = variance_qp(book, H, lower, upper)
        cases.append({"name": f"variance-seed{seed}", "objective": "variance", "alpha": alpha,
                      "book_pnl": book.tolist(), "instrument_pnl": H.tolist(),
                      "lower": lower.tolist(), "upper": upper.tolist(),
                      "expected_objective": var, "expected_quantities": x.tolist()})
    with open(os.path.join(HERE, "hedge_cases.json"), "w") as f:
        json.dump({"source": "tests/data/hedge/make_hedge_fixtures.py (scipy HiGHS LP, cvxopt QP)",
                   "cases": cases}, f)


if __name__ == "__main__":
    main()
