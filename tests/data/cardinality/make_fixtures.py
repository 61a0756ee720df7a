#!/usr/bin/python3
"""Min-CVaR with cardinality rules solved as a MILP by GLPK (cvxopt.glpk.ilp), the reference for
tests/optimize/cardinality_reference_test.cpp.

Regenerate:  /usr/bin/python3 tests/data/cardinality/make_fixtures.py
Writes tests/data/cardinality/cvar_milp.json with the scenario matrices, the rules and GLPK's
optimal weights and objective (Rockafellar-Uryasev CVaR with tail size m = (1 - alpha) T, an
integer for every case so that no fractional tail weight is involved).

Formulation (x = [w (n) | z (n) | zeta | u (T)], z binary):
  min  zeta + (1/m) sum_t u_t
  s.t. -r_t'w - zeta - u_t <= 0,  u >= 0,  w >= 0,
       w_i - M z_i <= 0           (M = the upper bound)
       min_position z_i - w_i <= 0
       sum z <= K,  sum_{i in g} z_i <= K_g,  sum w = 1.
"""
import json
import os

import numpy as np
from cvxopt import glpk, matrix, spmatrix  # noqa: F401

glpk.options["msg_lev"] = "GLP_MSG_OFF"


def scenarios(periods, n, seed):
    rng = np.random.default_rng(seed)
    beta = 0.6 + 0.8 * rng.random(n)
    drift = 0.002 * rng.random(n) - 0.0005
    noise = 0.01 + 0.03 * rng.random(n)
    market = 0.03 * rng.standard_normal(periods)
    # Fat left tail: a few crash days.
    crash = rng.random(periods) < 0.05
    market[crash] -= 0.08 * rng.random(crash.sum())
    r = drift + np.outer(market, beta) + noise * rng.standard_normal((periods, n))
    return np.round(r, 6)  # stored as written, so both sides read the same numbers


def solve(r, alpha, upper, k, min_position, groups):
    periods, n = r.shape
    m = (1 - alpha) * periods
    assert abs(m - round(m)) < 1e-12
    nv = 2 * n + 1 + periods
    c = np.zeros(nv)
    c[2 * n] = 1.0
    c[2 * n + 1:] = 1.0 / m
    g_rows, h = [], []

    def row():
        return np.zeros(nv)

    for t in range(periods):
        a = row()
        a[:n] = -r[t]
        a[2 * n] = -1.0
        a[2 * n + 1 + t] = -1.0
        g_rows.append(a)
        h.append(0.0)
    for t in range(periods):
        a = row()
        a[2 * n + 1 + t] = -1.0
        g_rows.append(a)
        h.append(0.0)
    for i in range(n):
        a = row()
        a[i] = -1.0
        g_rows.append(a)
        h.append(0.0)
        a = row()
        a[i] = 1.0
        a[n + i] = -upper
        g_rows.append(a)
        h.append(0.0)
        if min_position > 0:
            a = row()
            a[i] = -1.0
            a[n + i] = min_position
            g_rows.append(a)
            h.append(0.0)
    if k > 0:
        a = row()
        a[n:2 * n] = 1.0
        g_rows.append(a)
        h.append(float(k))
    for members, cap in groups:
        a = row()
        for i in members:
            a[n + i] = 1.0
        g_rows.append(a)
        h.append(float(cap))
    A = row()
    A[:n] = 1.0
    G = matrix(np.array(g_rows))
    status, x = glpk.ilp(matrix(c), G, matrix(h), matrix(A.reshape(1, -1)), matrix([1.0]),
                         set(), set(range(n, 2 * n)))
    assert status == "optimal", status
    x = np.array(x).ravel()
    w = x[:n]
    w[np.abs(w) < 1e-12] = 0.0
    return float(c @ x), w.tolist(), [int(round(v)) for v in x[n:2 * n]]


def main():
    cases = []
    specs = [
        # name, periods, n, seed, alpha, upper, K, min_position, groups
        ("k3-min-position", 120, 10, 7, 0.95, 0.6, 3, 0.1, []),
        ("k2-group", 100, 8, 8, 0.9, 0.7, 2, 0.0, [([0, 1, 2, 3], 1)]),
        ("k4-tight", 150, 12, 9, 0.9, 0.35, 4, 0.05, [([0, 1, 2, 3, 4, 5], 2)]),
    ]
    for name, periods, n, seed, alpha, upper, k, m, groups in specs:
        r = scenarios(periods, n, seed)
        objective, weights, held = solve(r, alpha, upper, k, m, groups)
        cases.append({
            "name": name,
            "confidence": alpha,
            "upper_bound": upper,
            "max_assets": k,
            "min_position": m,
            "groups": [{"members": g, "max_assets": cap} for g, cap in groups],
            "scenarios": r.tolist(),
            "expected": {"cvar": objective, "weights": weights, "held": held},
        })
    out = {
        "provenance": "tests/data/cardinality/make_fixtures.py: cvxopt %s glpk.ilp on the "
                      "Rockafellar-Uryasev MILP with cardinality binaries" % __import__("cvxopt").__version__,
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cvar_milp.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    for case in cases:
        print(case["name"], case["expected"]["cvar"], sum(case["expected"]["held"]))


if __name__ == "__main__":
    main()
