#!/usr/bin/python3
"""Efficient frontiers under group (and linear) constraints traced point by point with cvxopt, the
reference for tests/optimize/frontier_reference_test.cpp (keel::trace_frontier).

Regenerate (Debian interpreter, which has numpy, scipy and cvxopt):
    /usr/bin/python3 tests/reference/make_frontier_fixtures.py

For each seeded problem (annualised mu and Sigma of a 3-factor model, budget 1, bounds, groups,
optionally a linear row) the script computes, independently of Keel:
  * the minimum-variance portfolio: cvxopt.solvers.qp on min w'Sigma w;
  * the largest attainable return r_max = max mu'w over the constraints: scipy's linprog (HiGHS,
    an exact simplex vertex);
  * the top of the frontier: min w'Sigma w s.t. mu'w = r_max - 1e-9 max(1, |r_max|) (a hair below
    the maximum so that the QP is not confined to a single face; Keel documents the same hair);
  * points - 2 portfolios in between: min w'Sigma w s.t. mu'w = target, with the targets evenly
    spaced in return from the minimum-variance return to the top's return.
Written to tests/reference/frontier/<name>.json: the problem ("mu", "sigma" row-major, "lower",
"upper", "groups" [{name, members, min, max}], "linear" [{name, coefficients, sense, rhs}]) and
"cvxopt": {"min_return", "max_return", "points": [{"target", "weights", "variance", "tolerance"}]}
(the first point is the minimum-variance portfolio, its target null; "tolerance" is the cvxopt
abstol = reltol = feastol it converged at). 17 significant digits; "inf"/"-inf"
strings for open group sides.
"""
import json
import os

import numpy as np
from cvxopt import matrix, solvers
from scipy.optimize import linprog

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "frontier")


def market(rng, n, periods=750):
    """Annualised (365 periods) mean and sample covariance of a 3-factor model of daily returns."""
    loadings = rng.normal(size=(n, 3)) * np.array([1.0, 0.5, 0.3])
    factors = 0.03 * rng.normal(size=(periods, 3))
    returns = factors @ loadings.T + 0.02 * rng.normal(size=(periods, n))
    centred = returns - returns.mean(axis=0)
    sigma = 365.0 * centred.T @ centred / (periods - 1)
    mu = 0.4 * loadings[:, 0] + 0.3 * rng.normal(size=n)  # a priced market factor plus noise
    return mu, sigma, loadings[:, 0]


def inequality_rows(p):
    """G w <= h for the bounds, the groups and the inequality linear rows."""
    n = len(p["mu"])
    rows, rhs = [], []
    for i in range(n):
        if np.isfinite(p["lower"][i]):
            e = np.zeros(n); e[i] = -1.0
            rows.append(e); rhs.append(-p["lower"][i])
        if np.isfinite(p["upper"][i]):
            e = np.zeros(n); e[i] = 1.0
            rows.append(e); rhs.append(p["upper"][i])
    for g in p["groups"]:
        e = np.zeros(n); e[g["members"]] = 1.0
        if np.isfinite(g["min"]):
            rows.append(-e); rhs.append(-g["min"])
        if np.isfinite(g["max"]):
            rows.append(e); rhs.append(g["max"])
    for row in p["linear"]:
        a = np.array(row["coefficients"])
        if row["sense"] == "<=":
            rows.append(a); rhs.append(row["rhs"])
        elif row["sense"] == ">=":
            rows.append(-a); rhs.append(-row["rhs"])
    return np.array(rows), np.array(rhs)


def equality_rows(p):
    n = len(p["mu"])
    rows, rhs = [np.ones(n)], [1.0]
    for row in p["linear"]:
        if row["sense"] == "=":
            rows.append(np.array(row["coefficients"])); rhs.append(row["rhs"])
    return np.array(rows), np.array(rhs)


def min_variance(p, target=None):
    """min w'Sigma w (cvxopt's 1/2 x'Px with P = 2 Sigma), with mu'w = target when given."""
    n = len(p["mu"])
    G, h = inequality_rows(p)
    A, b = equality_rows(p)
    if target is not None:
        A = np.vstack([A, p["mu"]])
        b = np.append(b, target)
    # The tightest tolerance cvxopt converges to: near r_max the feasible set is thin and 1e-13
    # can stall (the top point needs 1e-8: its duality gap is then ~3e-8 of the variance, inside
    # the test's 1e-7 relative objective tolerance).
    for tol in (1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8):
        solvers.options.update(dict(show_progress=False, abstol=tol, reltol=tol, feastol=tol,
                                    maxiters=300))
        sol = solvers.qp(matrix(2.0 * p["sigma"]), matrix(np.zeros(n)), matrix(G), matrix(h),
                         matrix(A), matrix(b))
        if sol["status"] == "optimal":
            w = np.array(sol["x"]).ravel()
            return w, float(w @ p["sigma"] @ w), tol
    raise SystemExit(f"{p['name']}: cvxopt status {sol['status']} at target {target}")


def max_return(p):
    G, h = inequality_rows(p)
    A, b = equality_rows(p)
    res = linprog(-p["mu"], A_ub=G, b_ub=h, A_eq=A, b_eq=b, bounds=(None, None), method="highs")
    if res.status != 0:
        raise SystemExit(f"{p['name']}: linprog status {res.status}: {res.message}")
    return float(p["mu"] @ res.x)


def frontier(p):
    w0, v0, tol0 = min_variance(p)
    r_min = float(p["mu"] @ w0)
    r_max = max_return(p)
    top_target = r_max - 1e-9 * max(1.0, abs(r_max))
    w_top, v_top, tol_top = min_variance(p, top_target)
    r_top = float(p["mu"] @ w_top)
    count = p["points"]
    points = [dict(target=None, weights=w0, variance=v0, tolerance=tol0)]
    for k in range(1, count - 1):
        target = r_min + (r_top - r_min) * k / (count - 1)
        w, v, tol = min_variance(p, target)
        points.append(dict(target=target, weights=w, variance=v, tolerance=tol))
    points.append(dict(target=top_target, weights=w_top, variance=v_top, tolerance=tol_top))
    return dict(min_return=r_min, max_return=r_max, points=points)


def encode(v):
    if isinstance(v, np.ndarray):
        return [encode(e) for e in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [encode(e) for e in v]
    if isinstance(v, dict):
        return {k: encode(e) for k, e in v.items()}
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return float(f"{v:.17g}")
    if isinstance(v, np.integer):
        return int(v)
    return v


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261122)
    problems = []

    # Long-only: a chain-like group of the four best assets capped at 40% (binding on the upper
    # part of the frontier) and a floor of 25% on the two worst ("stablecoins", binding all along).
    n = 10
    mu, sigma, _ = market(rng, n)
    order = [int(i) for i in np.argsort(-mu)]
    problems.append(dict(
        name="groups_long_only_n10", mu=mu, sigma=sigma, points=12,
        lower=np.zeros(n), upper=np.full(n, 0.35),
        groups=[dict(name="chain:eth", members=sorted(order[:4]), min=-np.inf, max=0.4),
                dict(name="stables", members=sorted(order[-2:]), min=0.25, max=np.inf)],
        linear=[]))

    # Shorts within bounds, a capped group and a band group, and a cap on the market beta.
    n = 12
    mu, sigma, beta = market(rng, n)
    order = [int(i) for i in np.argsort(-mu)]
    problems.append(dict(
        name="groups_shorts_linear_n12", mu=mu, sigma=sigma, points=15,
        lower=np.full(n, -0.15), upper=np.full(n, 0.4),
        groups=[dict(name="defi", members=sorted(order[0:6:2]), min=-np.inf, max=0.45),
                dict(name="majors", members=sorted(order[1:6:2]), min=0.1, max=0.5)],
        linear=[dict(name="beta", coefficients=beta, sense="<=", rhs=0.6 * float(beta.max()))]))

    for p in problems:
        p["cvxopt"] = frontier(p)
        with open(os.path.join(OUT, p["name"] + ".json"), "w") as f:
            json.dump(encode(p), f, separators=(",", ":"))
        pts = p["cvxopt"]["points"]
        print(p["name"], "r_min", p["cvxopt"]["min_return"], "r_max", p["cvxopt"]["max_return"],
              "vol", np.sqrt(pts[0]["variance"]), "->", np.sqrt(pts[-1]["variance"]))


if __name__ == "__main__":
    main()
