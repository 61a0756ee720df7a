#!/usr/bin/python3
"""Seeded random QPs solved by cvxopt.solvers.qp, the reference for tests/optimize/qp_reference_test.cpp.

Regenerate (Debian interpreter, which has numpy and cvxopt):
    /usr/bin/python3 tests/reference/make_qp_fixtures.py
    Rscript tests/reference/make_qp_fixtures_quadprog.R

Each problem goes to tests/reference/qp/<name>.json with P, q, A, b, G, h, lower, upper (row-major
nested lists, 17 significant digits, "inf"/"-inf" strings for infinite bounds) and cvxopt's
answer under "cvxopt": {"status", "x", "objective"}. The R script adds "quadprog" answers for the
strictly convex problems. Bounds are passed to cvxopt as extra rows of G (it has no bounds).
P = FᵀF/T + ridge·I from T random factor-model returns, as a sample covariance would be.
"""
import json
import os

import numpy as np
from cvxopt import matrix, solvers

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qp")


def covariance(rng, n, periods, ridge):
    k = max(1, min(5, n // 3))
    loadings = rng.normal(size=(n, k))
    factors = 0.02 * rng.normal(size=(periods, k))
    returns = factors @ loadings.T + 0.01 * rng.normal(size=(periods, n))
    returns -= returns.mean(axis=0)
    return returns.T @ returns / periods + ridge * np.eye(n), returns.mean(axis=0)


def make(rng, name, n, *, budget=True, extra_eq=0, general=0, shorts=False, only_eq=False,
         ridge=1e-6, linear=True):
    periods = max(3 * n, 60)
    P, _ = covariance(rng, n, periods, ridge)
    q = -0.05 * rng.uniform(0.0, 1.0, n) * np.sqrt(np.diag(P)) if linear else np.zeros(n)
    A = np.zeros((0, n))
    b = np.zeros(0)
    if budget:
        A = np.vstack([A, np.ones((1, n))])
        b = np.append(b, 1.0)
    for _ in range(extra_eq):
        row = rng.normal(size=n)
        A = np.vstack([A, row])
        b = np.append(b, row.sum() / n)  # equal weights satisfy it: feasible by construction
    G = np.zeros((0, n))
    h = np.zeros(0)
    for _ in range(general):
        row = rng.normal(size=n)
        G = np.vstack([G, row])
        h = np.append(h, row.sum() / n + rng.uniform(0.0, 0.1))  # equal weights strictly inside
    if only_eq:
        lower = np.full(n, -np.inf)
        upper = np.full(n, np.inf)
    elif shorts:
        lower = np.full(n, -0.5)
        upper = np.full(n, 0.6)
    else:
        lower = np.zeros(n)
        upper = np.full(n, max(2.0 / n, 0.3) if n > 3 else 1.0)
    return dict(name=name, P=P, q=q, A=A, b=b, G=G, h=h, lower=lower, upper=upper)


def solve_cvxopt(p):
    n = len(p["q"])
    rows = [p["G"]]
    rhs = [p["h"]]
    for i in range(n):
        if np.isfinite(p["lower"][i]):
            e = np.zeros((1, n)); e[0, i] = -1.0
            rows.append(e); rhs.append([-p["lower"][i]])
        if np.isfinite(p["upper"][i]):
            e = np.zeros((1, n)); e[0, i] = 1.0
            rows.append(e); rhs.append([p["upper"][i]])
    G = np.vstack(rows)
    h = np.concatenate([np.atleast_1d(r) for r in rhs])
    solvers.options.update(dict(show_progress=False, abstol=1e-12, reltol=1e-12, feastol=1e-12,
                                maxiters=200))
    args = [matrix(p["P"]), matrix(p["q"])]
    kwargs = {}
    if G.shape[0] > 0:
        kwargs.update(G=matrix(G), h=matrix(h))
    if p["A"].shape[0] > 0:
        kwargs.update(A=matrix(p["A"]), b=matrix(p["b"]))
    sol = solvers.qp(*args, **kwargs)
    x = np.array(sol["x"]).ravel()
    return dict(status=sol["status"], x=x.tolist(), objective=float(0.5 * x @ p["P"] @ x + p["q"] @ x))


def encode(v):
    if isinstance(v, np.ndarray):
        return [encode(e) for e in v.tolist()] if v.ndim > 0 else encode(float(v))
    if isinstance(v, list):
        return [encode(e) for e in v]
    if isinstance(v, float):
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return float(f"{v:.17g}")
    return v


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240601)
    specs = []
    for n in (2, 3, 5, 8, 10, 15, 20, 30, 50, 80):
        specs.append((f"long_only_n{n}", n, {}))
    for n in (5, 12, 25, 60):
        specs.append((f"shorts_n{n}", n, dict(shorts=True)))
    for n in (4, 10, 40):
        specs.append((f"equality_only_n{n}", n, dict(only_eq=True, extra_eq=2)))
    for n in (6, 20, 50, 100):
        specs.append((f"general_rows_n{n}", n, dict(general=3, extra_eq=1)))
    specs.append(("min_variance_n120", 120, dict(linear=False, ridge=1e-5)))
    specs.append(("long_only_n300", 300, dict(ridge=1e-5)))
    for name, n, kw in specs:
        p = make(rng, name, n, **kw)
        p["cvxopt"] = solve_cvxopt(p)
        if p["cvxopt"]["status"] != "optimal":
            raise SystemExit(f"{name}: cvxopt status {p['cvxopt']['status']}")
        p["strictly_convex"] = True
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump({k: encode(v) for k, v in p.items()}, f, separators=(",", ":"))
        print(name, p["cvxopt"]["status"], p["cvxopt"]["objective"])


if __name__ == "__main__":
    main()
