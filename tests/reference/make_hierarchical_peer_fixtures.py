#!/usr/bin/python3
"""Regenerates tests/reference/rp/cluster_count.json and tests/reference/rp/bounded_hrp.json:
the peers' conventions for the hierarchical models (include/keel/optimize/hierarchical.hpp).

Run with the Debian interpreter (numpy, scipy, pandas):
    /usr/bin/python3 tests/reference/make_hierarchical_peer_fixtures.py [path/to/shared/data]

Everything is computed here independently of Keel:
  * cluster_count.json: Riskfolio-Lib's standardised-silhouette cluster count (its
    AuxFunctions.std_silhouette_score, opt_k_method="stdsil": k in 2..floor(min(max_k, sqrt(n)))
    maximising mean/std of sklearn's silhouette_samples on the precomputed distance) on top of
    scipy.cluster.hierarchy.linkage and cut_tree, for single, complete, average and Ward linkage
    on the correlation distance sqrt((1 - rho) / 2) of real panels from the shared data folder
    (pandas pct_change without filling, pandas' pairwise corr()). Riskfolio's default
    two-difference gap statistic (two_diff_gap_stat) is computed too, for the record only
    ("two_diff_k"; docs/hierarchical.md says why Keel does not use it). riskfolio itself is not
    installed on the project's machines; both rules are re-implemented from its description.
  * bounded_hrp.json: skfolio's bounded recursive bisection (HierarchicalRiskParity with
    min_weights / max_weights: the split factor clipped first for the left cluster, then for the
    right one) on PyPortfolioOpt's stock_prices.csv with PyPortfolioOpt's HRP conventions
    (pandas' pairwise cov() and corr(), single linkage on the correlation distance).
Only results derived from the shared data are written, never the data itself.
"""

import json
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy.cluster.hierarchy as sch
import scipy.spatial.distance as ssd
from sklearn.metrics import silhouette_samples

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "rp")
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")

METHODS = ["single", "complete", "average", "ward"]
PANELS = {
    "sp500": "reference/skfolio/sp500_dataset.csv.gz",
    "huobi_daily": "crypto_pob_huobi/daily_close_usdt.csv",
    "binance_daily": "crypto_binance_spot_daily/close_wide.csv",
}


def correlation_distance(corr):
    d = np.sqrt(np.clip((1.0 - corr) / 2.0, 0.0, 1.0))
    np.fill_diagonal(d, 0.0)
    return d


def riskfolio_two_diff_gap(dist, z, max_k=10):
    """Riskfolio's rule: W_k = sum over clusters of the (population) std of the within-cluster
    pairwise distances, W_1 = -inf, for k up to min(max_k, sqrt(n)) + 2; k maximises
    W_{k+2} + W_k - 2 W_{k+1} (first on ties, pandas idxmax)."""
    n = dist.shape[0]
    levels = sch.cut_tree(z)  # column j: n - j clusters
    w = []
    for k in range(1, n + 1):
        if k == 1:
            w.append(-np.inf)
            continue
        if k > min(max_k, np.sqrt(n)) + 2:
            break
        labels = levels[:, n - k]
        assert len(np.unique(labels)) == k
        total = 0.0
        for c in np.unique(labels):
            idx = np.where(labels == c)[0]
            pd_ = ssd.squareform(dist[np.ix_(idx, idx)], checks=False)
            if pd_.shape[0] != 0:
                total += np.nan_to_num(pd_.std())
        w.append(total)
    w = pd.Series(w)
    gaps = w.shift(-2) + w - 2 * w.shift(-1)
    k = int(gaps.idxmax()) + 1
    return k, levels[:, n - k], list(w)


def riskfolio_std_silhouette(dist, z, max_k=10):
    """Riskfolio's stdsil rule: the k in 2..min(max_k, sqrt(n)) with the largest mean/std of the
    silhouettes (population std); the first on ties; 1 when there is no candidate."""
    n = dist.shape[0]
    levels = sch.cut_tree(z)
    best_k, best = 1, -np.inf
    for k in range(2, n + 1):
        if k > min(max_k, np.sqrt(n)):
            break
        labels = levels[:, n - k]
        s = silhouette_samples(dist, labels, metric="precomputed")
        score = s.mean() / s.std()
        if score > best:
            best_k, best = k, score
    return best_k, levels[:, n - best_k]


def cluster_count_fixture():
    out = {}
    for name, rel in PANELS.items():
        path = os.path.join(SHARED, rel)
        prices = pd.read_csv(path, index_col=0)
        returns = prices.pct_change(fill_method=None).iloc[1:]
        corr = returns.corr().values
        dist = correlation_distance(corr)
        n = dist.shape[0]
        panel = {"file": rel, "assets": len(prices.columns)}
        for m in METHODS:
            z = sch.linkage(ssd.squareform(dist, checks=False), method=m)
            k, labels = riskfolio_std_silhouette(dist, z)
            assert 1 < k < n, (name, m, k)
            two_diff_k = riskfolio_two_diff_gap(dist, z)[0]
            # The partition as lists of asset indices (label numbering is the library's own).
            groups = sorted(sorted(int(i) for i in np.where(labels == c)[0])
                            for c in np.unique(labels))
            panel[m] = {"k": k, "clusters": groups, "two_diff_k": two_diff_k}
        out[name] = panel
    return out


def ivp_variance(cov, idx):
    c = cov[np.ix_(idx, idx)]
    ivp = 1.0 / np.diag(c)
    ivp /= ivp.sum()
    return ivp @ c @ ivp


def skfolio_bounded_hrp(cov, order, min_w, max_w):
    """skfolio's recursive bisection with weight constraints (HierarchicalRiskParity.fit)."""
    n = len(order)
    w = np.ones(n)
    items = [list(order)]
    while items:
        new_items = []
        for ids in items:
            if len(ids) < 2:
                continue
            left, right = ids[: len(ids) // 2], ids[len(ids) // 2:]
            new_items += [left, right]
            vl, vr = ivp_variance(cov, left), ivp_variance(cov, right)
            alpha = 1.0 - vl / (vl + vr)
            parent = w[left[0]]
            a1 = np.sum(max_w[left]) / parent
            a2 = max(np.sum(min_w[left]) / parent, alpha)
            alpha = min(a1, a2)
            a1 = np.sum(max_w[right]) / parent
            a2 = max(np.sum(min_w[right]) / parent, 1.0 - alpha)
            alpha = 1.0 - min(a1, a2)
            w[left] *= alpha
            w[right] *= 1.0 - alpha
        items = new_items
    return w


def bounded_hrp_fixture():
    prices = pd.read_csv(os.path.join(SHARED, "reference", "pyportfolioopt", "stock_prices.csv"),
                         index_col=0)
    returns = prices.pct_change().dropna(how="all")
    cov, corr = returns.cov().values, returns.corr().values
    dist = correlation_distance(corr)
    z = sch.linkage(ssd.squareform(dist, checks=False), method="single")
    order = sch.to_tree(z, rd=False).pre_order()
    n = len(order)
    cases = {}
    # One cap for every asset (what --max-weight sets), a floor and cap, and per-asset bounds.
    rng = np.random.default_rng(7)
    per_lo = np.round(rng.uniform(0.0, 0.03, n), 4)
    per_hi = np.round(rng.uniform(0.06, 0.2, n), 4)
    for name, lo, hi in [("max_0.08", np.zeros(n), np.full(n, 0.08)),
                         ("min_0.03_max_0.07", np.full(n, 0.03), np.full(n, 0.07)),
                         ("per_asset", per_lo, per_hi)]:
        w = skfolio_bounded_hrp(cov, order, lo, hi)
        assert abs(w.sum() - 1.0) < 1e-12
        assert np.all(w >= lo - 1e-12) and np.all(w <= hi + 1e-12)
        cases[name] = {"lower": list(lo), "upper": list(hi), "weights": list(w)}
    unbounded = skfolio_bounded_hrp(cov, order, np.zeros(n), np.ones(n))
    return {"assets": list(prices.columns), "leaf_order": [int(i) for i in order],
            "unbounded": list(unbounded), "cases": cases}


def main():
    with open(os.path.join(OUT, "cluster_count.json"), "w") as f:
        json.dump(cluster_count_fixture(), f, indent=1)
    with open(os.path.join(OUT, "bounded_hrp.json"), "w") as f:
        json.dump(bounded_hrp_fixture(), f, indent=1)


if __name__ == "__main__":
    main()
