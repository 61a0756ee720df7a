#!/usr/bin/python3
"""Writes cases.json: long-only, fully invested max Sharpe and min variance books with a cap on
every weight, solved by cvxopt.solvers.qp (the independent reference for
tests/optimize/capped_mean_variance_reference_test.cpp).

    /usr/bin/python3 tests/data/capped_mean_variance/make_fixtures.py

Books: seeded numpy draws (numpy.random.default_rng(seed)), n = 20..100, covariance of a
one-factor model plus a random rotation (Σ = B Bᵀ f² + D + 0.1·QΛQᵀ, positive definite), expected
returns 0.02 + 0.3·|N|. Caps between 1.5/n and 5/n, so the cap binds on several assets; one case
(cap_binds_many) has a cap of 1.05/n, so that nearly every asset held sits at the cap.

cvxopt problems (tight tolerances, abstol = reltol = feastol = 1e-10):
  * max Sharpe (homogenised): min yᵀΣy s.t. (μ − rf)ᵀy = 1, y ≥ 0, y_i − cap·1ᵀy ≤ 0; w = y/1ᵀy;
  * min variance: min wᵀΣw s.t. 1ᵀw = 1, 0 ≤ w ≤ cap.
Stored per book: Σ (row-major), μ, rf, cap; per model: cvxopt's weights, Sharpe ratio (μᵀw − rf)/√(wᵀΣw) and
variance wᵀΣw, and the versions of numpy and cvxopt.
"""
import json
import os

import cvxopt
import numpy as np
from cvxopt import matrix, solvers

solvers.options.update(dict(show_progress=False, abstol=1e-10, reltol=1e-10, feastol=1e-10,
                            maxiters=200))


def book(n, seed):
    rng = np.random.default_rng(seed)
    beta = 0.5 + rng.random(n)
    idio = (0.2 + 0.6 * rng.random(n)) ** 2
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    lam = 0.05 * rng.random(n)
    sigma = 0.04 * np.outer(beta, beta) + np.diag(idio) + 0.1 * (q * lam) @ q.T
    sigma = 0.5 * (sigma + sigma.T)
    mu = 0.02 + 0.3 * np.abs(rng.normal(size=n))
    return sigma, mu


def max_sharpe(sigma, mu, rf, cap):
    n = len(mu)
    G = np.vstack([-np.eye(n), np.eye(n) - cap * np.ones((n, n))])
    h = np.zeros(2 * n)
    sol = solvers.qp(matrix(2 * sigma), matrix(np.zeros(n)), matrix(G), matrix(h),
                     matrix((mu - rf).reshape(1, n)), matrix(1.0))
    assert sol["status"] == "optimal", sol["status"]
    y = np.array(sol["x"]).ravel()
    return y / y.sum()


def min_variance(sigma, cap):
    n = sigma.shape[0]
    G = np.vstack([-np.eye(n), np.eye(n)])
    h = np.concatenate([np.zeros(n), cap * np.ones(n)])
    sol = solvers.qp(matrix(2 * sigma), matrix(np.zeros(n)), matrix(G), matrix(h),
                     matrix(np.ones((1, n))), matrix(1.0))
    assert sol["status"] == "optimal", sol["status"]
    return np.array(sol["x"]).ravel()


def main():
    rf = 0.02
    cases = []
    specs = [(20, 11, 3.0), (30, 12, 2.0), (40, 13, 4.0), (50, 14, 2.5), (60, 15, 1.5),
             (75, 16, 3.0), (90, 17, 5.0), (100, 18, 2.0), (100, 19, 1.05)]
    for n, seed, cap_times_n in specs:
        sigma, mu = book(n, seed)
        cap = cap_times_n / n
        case = dict(name=f"n{n}_seed{seed}" + ("_cap_binds_many" if cap_times_n < 1.1 else ""),
                    n=n, seed=seed, cap=cap, risk_free_rate=rf, covariance=sigma.tolist(),
                    expected_returns=mu.tolist())
        for model in ("max-sharpe", "min-variance"):
            w = max_sharpe(sigma, mu, rf, cap) if model == "max-sharpe" else min_variance(sigma, cap)
            var = float(w @ sigma @ w)
            case[model] = dict(weights=w.tolist(), sharpe=float((mu @ w - rf) / np.sqrt(var)),
                               variance=var, at_cap=int((w > cap - 1e-7).sum()),
                               held=int((w > 1e-7).sum()))
        cases.append(case)
    doc = dict(provenance=("tests/data/capped_mean_variance/make_fixtures.py: cvxopt "
                           f"{cvxopt.__version__} solvers.qp, numpy {np.__version__}, tolerances "
                           "1e-10"), cases=cases)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    for c in cases:
        for model in ("max-sharpe", "min-variance"):
            r = c[model]
            print(f"{c['name']:28s} {model:12s} cap {c['cap']:.4f} held {r['held']:3d} at cap "
                  f"{r['at_cap']:3d} sharpe {r['sharpe']:.10f} variance {r['variance']:.10f}")

if __name__ == "__main__":
    main()
