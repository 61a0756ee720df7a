#!/usr/bin/python3
"""Regenerates the reference fixtures in tests/reference/rp/ for the risk budgeting,
hierarchical (HRP/HERC/NCO) and Black-Litterman tests.

Run with the Debian interpreter (numpy, scipy, pandas):
    /usr/bin/python3 tests/reference/make_rp_fixtures.py [path/to/shared/data]

Every expected value is computed here independently of Keel:
  * risk budgeting: scipy.optimize.root on Spinu's first-order conditions y * (S y) = b, and for
    bounds the Richard & Roncalli (2019) formulation solved with L-BFGS-B + brentq on lambda;
  * linkage matrices: scipy.cluster.hierarchy.linkage; leaf order: to_tree().pre_order();
  * HRP: numpy bisection as in Lopez de Prado (2016) / PyPortfolioOpt's HRPOpt, on
    pandas' pairwise correlation and covariance of pct_change returns;
  * HERC/NCO: numpy implementations of the definitions in include/keel/optimize/hierarchical.hpp
    on top of scipy's linkage and fcluster(maxclust);
  * Black-Litterman: explicit numpy inverses of the textbook formulas.
Inputs that are synthetic (seeded) are written next to the outputs; inputs from the shared data
folder are NOT copied, only the expected results derived from them.
"""

import json
import os
import sys

import numpy as np
import pandas as pd
import scipy.cluster.hierarchy as sch
import scipy.optimize as so
import scipy.spatial.distance as ssd

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "rp")
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
PYPFOPT = os.path.join(SHARED, "reference", "pyportfolioopt")

METHODS = ["single", "complete", "average", "ward"]


def write_matrix(name, m):
    np.savetxt(os.path.join(OUT, name), np.atleast_2d(m), delimiter=",", fmt="%.17g")


# ----------------------------------------------------------------------------- risk budgeting
def spinu_root(cov, b):
    """Minimises Spinu's function in log coordinates y = exp(u) with scipy's trust-region Newton,
    then polishes y_i (S y)_i = b_i with scipy's hybrid Powell root finder; returns y / sum(y)."""
    y0 = b / np.sqrt(np.diag(cov))
    y0 /= np.sqrt(y0 @ cov @ y0)
    f = lambda u: 0.5 * np.exp(u) @ cov @ np.exp(u) - b @ u
    g = lambda u: np.exp(u) * (cov @ np.exp(u)) - b
    h = lambda u: cov * np.outer(np.exp(u), np.exp(u)) + np.diag(np.exp(u) * (cov @ np.exp(u)))
    r = so.minimize(f, np.log(y0), jac=g, hess=h, method="trust-exact", options={"gtol": 1e-14})
    sol = so.root(lambda y: y * (cov @ y) - b, np.exp(r.x),
                  jac=lambda y: np.diag(cov @ y) + cov * y[:, None], method="hybr",
                  options={"xtol": 1e-15})
    y = sol.x  # success is judged by the residual below (hybr may report xtol exhaustion)
    assert np.all(y > 0)
    rc = y * (cov @ y)
    assert np.max(np.abs(rc / rc.sum() - b) / b) < 1e-12
    return y / y.sum()


def constrained_rb(cov, b, lo, hi):
    """Richard & Roncalli (2019): x(lam) = argmin 0.5 x'Sx - lam sum b ln x on [lo, hi], with lam
    such that sum x(lam) = 1."""
    lo_eff = np.maximum(lo, 1e-12)

    def x_of(lam):
        f = lambda x: 0.5 * x @ cov @ x - lam * b @ np.log(x)
        g = lambda x: cov @ x - lam * b / x
        x0 = np.clip(np.full(len(b), 1.0 / len(b)), lo_eff, hi)
        r = so.minimize(f, x0, jac=g, method="L-BFGS-B", bounds=list(zip(lo_eff, hi)),
                        options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 10000})
        return r.x

    lam = so.brentq(lambda l: x_of(np.exp(l)).sum() - 1.0, -30, 10, xtol=1e-14)
    x = x_of(np.exp(lam))
    return x / x.sum()


def risk_budgeting_fixtures():
    vol = np.array([0.05, 0.05, 0.07, 0.1, 0.15, 0.15, 0.15, 0.18])
    corr = np.array([
        [100, 80, 60, -20, -10, -20, -20, -20],
        [80, 100, 40, -20, -20, -10, -20, -20],
        [60, 40, 100, 50, 30, 20, 20, 30],
        [-20, -20, 50, 100, 60, 60, 50, 60],
        [-10, -20, 30, 60, 100, 90, 70, 70],
        [-20, -10, 20, 60, 90, 100, 60, 70],
        [-20, -20, 20, 50, 70, 60, 100, 70],
        [-20, -20, 30, 60, 70, 70, 70, 100]]) / 100.0
    cov8 = corr * np.outer(vol, vol)
    w = spinu_root(cov8, np.full(8, 1 / 8))
    # riskParityPortfolio's published answer (tests/testthat/test-constrained.R), 4 decimals in %.
    published = np.array([26.8306, 28.6769, 11.4095, 9.7985, 5.6135, 5.9029, 6.656, 5.1121]) / 100
    assert np.max(np.abs(w - published)) < 1e-6, np.max(np.abs(w - published))
    write_matrix("erc8_weights.csv", w)

    # Seeded budgets and covariance (n = 20), inputs committed.
    rng = np.random.default_rng(20240601)
    n = 20
    f = rng.standard_normal((n, 3)) * 0.2
    cov = f @ f.T + np.diag(rng.uniform(0.01, 0.09, n))
    b = rng.uniform(0.5, 2.0, n)
    b /= b.sum()
    write_matrix("rb20_covariance.csv", cov)
    write_matrix("rb20_budgets.csv", b)
    write_matrix("rb20_weights.csv", spinu_root(cov, b))

    # Bounded: pyrb's 5-asset test problem (tests/test_risk_budgeting.py) with its bounds.
    corr5 = np.array([[1, 0.1, 0.4, 0.5, 0.5], [0.1, 1, 0.7, 0.4, 0.4], [0.4, 0.7, 1, 0.8, 0.05],
                      [0.5, 0.4, 0.8, 1, 0.1], [0.5, 0.4, 0.05, 0.1, 1]])
    vol5 = np.array([0.15, 0.20, 0.25, 0.3, 0.1])
    cov5 = corr5 * np.outer(vol5, vol5)
    b5 = np.array([0.2, 0.2, 0.3, 0.1, 0.2])
    bounds = np.array([[0.2, 0.3], [0.2, 0.3], [0.05, 0.15], [0.05, 0.15], [0.25, 0.35]])
    write_matrix("crb5_weights.csv", constrained_rb(cov5, b5, bounds[:, 0], bounds[:, 1]))


# ----------------------------------------------------------------------------- hierarchical
def cluster_var(cov, items):
    c = cov[np.ix_(items, items)]
    w = 1 / np.diag(c)
    w /= w.sum()
    return w @ c @ w


def hrp_bisection(cov, order):
    w = np.ones(len(order))
    clusters = [list(order)]
    while clusters:
        clusters = [c[j:k] for c in clusters for j, k in ((0, len(c) // 2), (len(c) // 2, len(c)))
                    if len(c) > 1]
        for i in range(0, len(clusters), 2):
            a, b = clusters[i], clusters[i + 1]
            va, vb = cluster_var(cov, a), cluster_var(cov, b)
            alpha = 1 - va / (va + vb)
            w[a] *= alpha
            w[b] *= 1 - alpha
    return w


def distances(corr, euclidean):
    d = np.sqrt(np.clip((1.0 - corr) / 2.0, 0.0, 1.0))
    np.fill_diagonal(d, 0.0)
    if euclidean:
        return ssd.pdist(d)  # rows of d as observations, as in Lopez de Prado's snippet
    return ssd.squareform(d, checks=False)


def herc_weights(cov, z, k):
    n = cov.shape[0]
    root = sch.to_tree(z, rd=False)
    labels = sch.fcluster(z, k, criterion="maxclust")
    w = np.zeros(n)

    def ivp(items):
        v = 1 / np.diag(cov)[items]
        return v / v.sum()

    def visit(node, share):
        leaves = node.pre_order()
        if len(set(labels[leaves])) == 1:
            w[leaves] = share * ivp(leaves)
            return
        left, right = node.get_left(), node.get_right()
        vl, vr = cluster_var(cov, left.pre_order()), cluster_var(cov, right.pre_order())
        visit(left, share * vr / (vl + vr))
        visit(right, share * vl / (vl + vr))

    visit(root, 1.0)
    return w, labels


def nco_weights(cov, labels):
    n = cov.shape[0]
    ks = sorted(set(labels))
    intra = np.zeros((n, len(ks)))
    for c, lab in enumerate(ks):
        idx = np.where(labels == lab)[0]
        inv = np.linalg.inv(cov[np.ix_(idx, idx)])
        x = inv @ np.ones(len(idx))
        intra[idx, c] = x / x.sum()
    red = intra.T @ cov @ intra
    x = np.linalg.inv(red) @ np.ones(len(ks))
    return intra @ (x / x.sum())


def hierarchical_fixtures():
    # Seeded synthetic problem (n = 30, 4 blocks), inputs committed.
    rng = np.random.default_rng(7)
    n, t = 30, 400
    block = np.repeat(np.arange(4), [9, 8, 7, 6])
    factors = rng.standard_normal((t, 5))
    loadings = np.zeros((n, 5))
    loadings[:, 0] = rng.uniform(0.3, 0.8, n)
    loadings[np.arange(n), 1 + block] = rng.uniform(0.4, 1.0, n)
    returns = factors @ loadings.T + rng.standard_normal((t, n)) * rng.uniform(0.3, 1.0, n)
    returns *= 0.01
    cov = np.cov(returns, rowvar=False)
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    write_matrix("h30_covariance.csv", cov)
    for euclid, tag in ((True, "euclid"), (False, "corr")):
        dist = distances(corr, euclid)
        for m in METHODS:
            z = sch.linkage(dist, m)
            write_matrix(f"h30_linkage_{m}_{tag}.csv", z)
            order = sch.to_tree(z, rd=False).pre_order()
            write_matrix(f"h30_hrp_{m}_{tag}.csv", hrp_bisection(cov, order))
    # HERC and NCO with ward linkage on the Euclidean distance, k = 4 clusters.
    z = sch.linkage(distances(corr, True), "ward")
    w, labels = herc_weights(cov, z, 4)
    write_matrix("h30_herc_ward_k4.csv", w)
    write_matrix("h30_nco_ward_k4.csv", nco_weights(cov, labels))
    write_matrix("h30_fcluster_ward_k4.csv", labels)


def pypfopt_fixtures():
    prices = pd.read_csv(os.path.join(PYPFOPT, "stock_prices.csv"), parse_dates=True,
                         index_col="date")
    returns = prices.pct_change().dropna(how="all")
    corr, cov = returns.corr(), returns.cov()
    names = list(prices.columns)
    out = {"assets": names}
    # HRP, PyPortfolioOpt conventions: single linkage directly on the correlation distance.
    dist = distances(corr.values, False)
    z = sch.linkage(dist, "single")
    order = sch.to_tree(z, rd=False).pre_order()
    assert order[:5] == [12, 6, 15, 14, 2]  # PyPortfolioOpt tests/test_hrp.py::test_quasi_dag
    w = hrp_bisection(cov.values, order)
    mu = returns.mean() * 252
    ret = w @ mu.values
    vol = np.sqrt(w @ (cov.values * 252) @ w)
    # PyPortfolioOpt tests/test_hrp.py::test_portfolio_performance (published values).
    np.testing.assert_allclose((ret, vol, (ret - 0.02) / vol),
                               (0.21353402380950973, 0.17844159743748936, 1.084579081272277))
    out["hrp_single_corr"] = {"weights": list(w), "leaf_order": order, "linkage": z.tolist()}
    for m in METHODS:
        for euclid, tag in ((True, "euclid"), (False, "corr")):
            zz = sch.linkage(distances(corr.values, euclid), m)
            oo = sch.to_tree(zz, rd=False).pre_order()
            out[f"hrp_{m}_{tag}"] = {"weights": list(hrp_bisection(cov.values, oo)),
                                     "leaf_order": oo, "linkage": zz.tolist()}

    # Black-Litterman on PyPortfolioOpt's test data (tests/test_black_litterman.py).
    S = cov.values * 252  # risk_models.sample_cov: pairwise covariance x 252
    np.linalg.cholesky(S)  # positive definite, so PyPortfolioOpt's PSD fix leaves it unchanged
    spy = pd.read_csv(os.path.join(PYPFOPT, "spy_prices.csv"), parse_dates=True,
                      index_col="date")["SPY"]
    spy_rets = spy.pct_change().dropna()
    delta = (spy_rets.mean() * 252 - 0.02) / (spy_rets.var() * 252)
    assert round(delta, 5) == 2.68549  # test_market_risk_aversion
    mcaps = {"GOOG": 927e9, "AAPL": 1.19e12, "FB": 574e9, "BABA": 533e9, "AMZN": 867e9,
             "GE": 96e9, "AMD": 43e9, "WMT": 339e9, "BAC": 301e9, "GM": 51e9, "T": 61e9,
             "UAA": 78e9, "SHLD": 0, "XOM": 295e9, "RRC": 1e9, "BBY": 22e9, "MA": 288e9,
             "PFE": 212e9, "JPM": 422e9, "SBUX": 102e9}
    caps = np.array([mcaps[a] for a in names])
    pi = delta * S @ (caps / caps.sum()) + 0.02
    tau = 0.05
    # Views: absolute GOOG 0.40, AAPL -0.30, FB 0.30, BABA 0 (as test_bl_market_prior) and a
    # relative view: (BAC + JPM)/2 beat (T + GE)/2 by 0.15.
    P = np.zeros((5, len(names)))
    Q = np.array([0.40, -0.30, 0.30, 0.0, 0.15])
    for r, a in enumerate(["GOOG", "AAPL", "FB", "BABA"]):
        P[r, names.index(a)] = 1.0
    for a in ["BAC", "JPM"]:
        P[4, names.index(a)] = 0.5
    for a in ["T", "GE"]:
        P[4, names.index(a)] = -0.5
    inv = np.linalg.inv

    def posterior(omega):
        m = inv(inv(tau * S) + P.T @ inv(omega) @ P)
        mu_bl = m @ (inv(tau * S) @ pi + P.T @ inv(omega) @ Q)
        raw = inv(delta * S) @ mu_bl
        return mu_bl, S + m, raw / raw.sum()

    omega_he = np.diag(np.diag(tau * P @ S @ P.T))
    conf = np.array([0.9, 0.6, 0.25, 0.5, 0.75])
    omega_id = np.diag([tau * (1 - c) / c * (P[j] @ S @ P[j]) for j, c in enumerate(conf)])
    bl = {"delta": delta, "prior": list(pi), "tau": tau, "views_P": P.tolist(), "views_Q": list(Q)}
    for tag, om in (("he_litterman", omega_he), ("idzorek", omega_id)):
        mu_bl, cov_bl, w_bl = posterior(om)
        bl[tag] = {"posterior_returns": list(mu_bl), "posterior_covariance": cov_bl.tolist(),
                   "weights": list(w_bl), "omega_diagonal": list(np.diag(om))}
    bl["idzorek"]["confidences"] = list(conf)
    out["black_litterman"] = bl
    with open(os.path.join(OUT, "pypfopt_stock_prices.json"), "w") as fh:
        json.dump(out, fh, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    risk_budgeting_fixtures()
    hierarchical_fixtures()
    if os.path.isdir(PYPFOPT):
        pypfopt_fixtures()
    else:
        print(f"skipping PyPortfolioOpt fixtures: {PYPFOPT} not found")
    print("fixtures written to", OUT)


if __name__ == "__main__":
    main()
