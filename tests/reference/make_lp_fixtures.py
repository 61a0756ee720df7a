#!/usr/bin/python3
"""Independent reference answers for the tail-risk LPs (include/keel/optimize/tail_risk.hpp).

Two sets of fixtures, both solved here with cvxopt.solvers.lp(solver="glpk") (GLPK's simplex
through cvxopt: a vertex, exact to round-off; cvxopt's default interior point only reaches ~1e-8
on these) and cross-checked with scipy's HiGHS simplex (the script fails if the two disagree on
the objective beyond 1e-9 relative to max(0.01, |objective|)) and with cvxopt's interior point
(1e-6, when it reports optimal):

1. lp/random.json: seeded random problems (scenario matrices drawn here, so they are committed),
   for each measure (cvar, cdar, mad, minimax) and objective (min-risk, efficient-return,
   efficient-risk), under budgets, bounds, groups, linear rows, gross leverage and turnover caps.
2. lp/pypfopt.json: PyPortfolioOpt's EfficientCVaR / EfficientCDaR test problems on its
   stock_prices.csv (tests/test_efficient_cvar.py, tests/test_efficient_cdar.py), replicating its
   conventions: scenarios = returns_from_prices(prices).dropna() (pct_change, rows with any NaN
   dropped: 895 rows), beta = 0.95, efficient_return a `>=` row on mu'w, efficient_risk a cap on
   the per-period CVaR/CDaR (not annualised), weight bounds (0, 1) unless the test says (-1, 1)
   with market_neutral (sum w = 0) or (-3, 3). Two expected-return vectors, both
   mean_historical_return (compounding=True: prod(1 + r)^(252 / count) - 1):
     "full-history"  mean_historical_return(get_data()): each asset over its own listed history
                     (test_cvar_example, test_cdar_example, test_*_example_short);
     "complete-rows" setup_efficient_cvar / setup_efficient_cdar in tests/utilities_for_tests.py:
                     mean_historical_return(get_data().dropna(how="any")), i.e. over the 895
                     complete rows (every other efficient_return / efficient_risk test).
   Every revision of utilities_for_tests.py that defines setup_efficient_cdar uses the compounded
   geometric mean there. A pre-CDaR revision of setup_efficient_cvar used compounding=False
   (arithmetic mean x252); an earlier version of this fixture followed it, and then 8 of the 12
   published numbers (all the complete-rows ones) seemed to differ by 1-4%. With the geometric
   mean all 12 reproduce: the independent optimum below matches every published number to
   <= 5e-7 (the CDaR numbers are published to 6 decimals; the CVaR ones to <= 5e-10), far inside
   PyPortfolioOpt's own tolerance (assert_allclose rtol = atol = 1e-4). The script asserts this.
   The fixture stores both mu vectors (derived figures, not the data), the optimum of each LP and
   the published numbers. Keel's test recomputes mu with its own geometric estimator (it must
   match the stored mu), then holds Keel to the published numbers (1e-4, PyPortfolioOpt's
   tolerance) and to the independent optimum (1e-8).

Run:  /usr/bin/python3 tests/reference/make_lp_fixtures.py [path/to/stock_prices.csv]
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd
from cvxopt import matrix, solvers
from scipy.optimize import linprog

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "lp")
DEFAULT_CSV = os.path.join(HERE, "..", "..", "..", "shared", "data", "reference", "pyportfolioopt",
                           "stock_prices.csv")

solvers.options["show_progress"] = False
solvers.options["glpk"] = {"msg_lev": "GLP_MSG_OFF"}
solvers.options["abstol"] = 1e-10
solvers.options["reltol"] = 1e-10
solvers.options["feastol"] = 1e-10
solvers.options["maxiters"] = 500


def tail_size(alpha, T):
    # risk/var.hpp: m = (1 - alpha) T, snapped to the nearest integer within 1e-9 max(1, m).
    m = (1 - alpha) * T
    r = round(m)
    if abs(m - r) <= 1e-9 * max(1.0, m):
        m = float(r)
    return m


class Lp:
    """min c'x s.t. G x <= h, A x = b, built row by row over named variable blocks."""

    def __init__(self):
        self.nvar = 0
        self.G, self.h, self.A, self.b = [], [], [], []
        self.lower, self.upper = [], []

    def block(self, size, lo=-math.inf, hi=math.inf):
        start = self.nvar
        self.nvar += size
        self.lower += [lo] * size
        self.upper += [hi] * size
        return start

    def row(self, entries, lo=-math.inf, hi=math.inf):
        if lo == hi:
            self.A.append(dict(entries))
            self.b.append(lo)
            return
        if hi < math.inf:
            self.G.append(dict(entries))
            self.h.append(hi)
        if lo > -math.inf:
            self.G.append({k: -v for k, v in entries})
            self.h.append(-lo)

    def dense(self, rows):
        M = np.zeros((len(rows), self.nvar))
        for i, r in enumerate(rows):
            for k, v in r.items():
                M[i, k] += v
        return M

    def solve(self, c):
        G = self.dense(self.G)
        h = np.array(self.h, dtype=float)
        bound_rows, bound_h = [], []
        for j in range(self.nvar):
            e = np.zeros(self.nvar)
            if self.upper[j] < math.inf:
                e[j] = 1
                bound_rows.append(e.copy())
                bound_h.append(self.upper[j])
                e[j] = 0
            if self.lower[j] > -math.inf:
                e[j] = -1
                bound_rows.append(e.copy())
                bound_h.append(-self.lower[j])
        Gc = np.vstack([G] + [np.array(bound_rows)]) if bound_rows else G
        hc = np.concatenate([h, bound_h])
        kw = {}
        if self.A:
            kw["A"] = matrix(self.dense(self.A))
            kw["b"] = matrix(np.array(self.b, dtype=float))
        args = (matrix(np.asarray(c, dtype=float)), matrix(Gc), matrix(hc))
        # The answer: cvxopt.solvers.lp with its GLPK simplex (a vertex, exact to round-off).
        glpk_sol = solvers.lp(*args, solver="glpk", **kw)
        assert glpk_sol["status"] == "optimal", glpk_sol["status"]
        # Sanity check: cvxopt's own interior point agrees to 1e-6.
        sol = solvers.lp(*args, **kw)
        x = np.array(glpk_sol["x"]).ravel()
        f_ip = float(np.dot(c, np.array(sol["x"]).ravel())) if sol["status"] == "optimal" else None
        # Second opinion: HiGHS (dual simplex).
        hs = linprog(c, A_ub=G if len(h) else None, b_ub=h if len(h) else None,
                     A_eq=self.dense(self.A) if self.A else None,
                     b_eq=np.array(self.b) if self.A else None,
                     bounds=list(zip([None if v == -math.inf else v for v in self.lower],
                                     [None if v == math.inf else v for v in self.upper])),
                     method="highs", options={"primal_feasibility_tolerance": 1e-10,
                                              "dual_feasibility_tolerance": 1e-10})
        assert hs.status == 0, hs.message
        f_cvx, f_hs = float(np.dot(c, x)), float(hs.fun)
        assert abs(f_cvx - f_hs) <= 1e-9 * max(1e-2, abs(f_hs)), (f_cvx, f_hs)
        assert f_ip is None or abs(f_ip - f_hs) <= 1e-6 * max(1e-2, abs(f_hs)), (f_ip, f_hs)
        self.highs_objective = f_hs
        return x, f_cvx


def build(R, mu, measure, objective, alpha, cons, target_return=None, target_risk=None):
    """The tail-risk LP in the formulations of tail_risk.hpp. Returns (lp, c, risk_terms)."""
    T, n = R.shape
    lp = Lp()
    lo = cons.get("lower", [0.0] * n)
    hi = cons.get("upper", [1.0] * n)
    lo = [-math.inf if v is None else v for v in lo]
    hi = [math.inf if v is None else v for v in hi]
    w = lp.block(n)
    for i in range(n):
        lp.lower[w + i], lp.upper[w + i] = lo[i], hi[i]
    if cons.get("budget") is not None:
        lp.row([(w + i, 1.0) for i in range(n)], cons["budget"], cons["budget"])
    else:
        nlo = cons.get("net_exposure_min")
        nhi = cons.get("net_exposure_max")
        if nlo is not None or nhi is not None:
            lp.row([(w + i, 1.0) for i in range(n)], -math.inf if nlo is None else nlo,
                   math.inf if nhi is None else nhi)
    for g in cons.get("groups", []):
        lp.row([(w + i, 1.0) for i in g["members"]],
               -math.inf if g["min"] is None else g["min"], math.inf if g["max"] is None else g["max"])
    for l in cons.get("linear", []):
        entries = [(w + i, a) for i, a in enumerate(l["coefficients"])]
        if l["sense"] == "<=":
            lp.row(entries, -math.inf, l["rhs"])
        elif l["sense"] == ">=":
            lp.row(entries, l["rhs"], math.inf)
        else:
            lp.row(entries, l["rhs"], l["rhs"])
    if cons.get("max_gross_leverage") is not None:
        p = lp.block(n, 0.0)
        m_ = lp.block(n, 0.0)
        for i in range(n):
            lp.row([(w + i, 1.0), (p + i, -1.0), (m_ + i, 1.0)], 0.0, 0.0)
        lp.row([(p + i, 1.0) for i in range(n)] + [(m_ + i, 1.0) for i in range(n)], -math.inf,
               cons["max_gross_leverage"])
    if cons.get("max_turnover") is not None:
        w0 = cons.get("current_weights", [0.0] * n)
        u = lp.block(n, 0.0)
        v = lp.block(n, 0.0)
        for i in range(n):
            lp.row([(w + i, 1.0), (u + i, -1.0), (v + i, 1.0)], w0[i], w0[i])
        lp.row([(u + i, 1.0) for i in range(n)] + [(v + i, 1.0) for i in range(n)], -math.inf,
               cons["max_turnover"])
    if objective == "efficient-return":
        lp.row([(w + i, mu[i]) for i in range(n)], target_return, math.inf)

    m = tail_size(alpha, T)
    risk = []
    if measure == "cvar":
        z = lp.block(1)
        u = lp.block(T, 0.0)
        for t in range(T):
            lp.row([(w + i, R[t, i]) for i in range(n)] + [(z, 1.0), (u + t, 1.0)], 0.0, math.inf)
        risk = [(z, 1.0)] + [(u + t, 1.0 / m) for t in range(T)]
    elif measure == "cdar":
        z = lp.block(1)
        d = lp.block(T, 0.0)
        y = lp.block(T, 0.0)
        for t in range(T):
            e = [(w + i, R[t, i]) for i in range(n)] + [(d + t, 1.0)]
            if t > 0:
                e.append((d + t - 1, -1.0))
            lp.row(e, 0.0, math.inf)
            lp.row([(y + t, 1.0), (d + t, -1.0), (z, 1.0)], 0.0, math.inf)
        risk = [(z, 1.0)] + [(y + t, 1.0 / m) for t in range(T)]
    elif measure == "mad":
        C = R - R.mean(axis=0)
        a = lp.block(T, 0.0)
        b = lp.block(T, 0.0)
        for t in range(T):
            lp.row([(w + i, C[t, i]) for i in range(n)] + [(a + t, -1.0), (b + t, 1.0)], 0.0, 0.0)
        risk = [(a + t, 1.0 / T) for t in range(T)] + [(b + t, 1.0 / T) for t in range(T)]
    elif measure == "minimax":
        th = lp.block(1)
        for t in range(T):
            lp.row([(w + i, R[t, i]) for i in range(n)] + [(th, 1.0)], 0.0, math.inf)
        risk = [(th, 1.0)]
    c = np.zeros(lp.nvar)
    if objective == "efficient-risk":
        lp.row(risk, -math.inf, target_risk)
        c[w:w + n] = -np.asarray(mu)
    else:
        for k, v in risk:
            c[k] += v
    return lp, c, risk


def historical_es(pnl, alpha):
    m = tail_size(alpha, len(pnl))
    k = max(1, math.ceil(m))
    x = np.sort(pnl)
    return -(x[:k - 1].sum() + (m - k + 1) * x[k - 1]) / m


def measure_value(R, w, measure, alpha):
    pnl = R @ w
    if measure == "cvar":
        return historical_es(pnl, alpha)
    if measure == "cdar":
        c = np.concatenate([[0.0], np.cumsum(pnl)])
        dd = (np.maximum.accumulate(c) - c)[1:]
        return historical_es(-dd, alpha)
    if measure == "mad":
        return float(np.abs(pnl - pnl.mean()).mean())
    return float(-pnl.min())


def solve_case(R, mu, measure, objective, alpha, cons, target_return=None, target_risk=None):
    lp, c, risk = build(R, mu, measure, objective, alpha, cons, target_return, target_risk)
    x, f = lp.solve(c)
    n = R.shape[1]
    w = x[:n]
    lp_risk = sum(v * x[k] for k, v in risk)
    return {"weights": w.tolist(), "objective_value": f, "objective_highs": lp.highs_objective, "risk": float(lp_risk),
            "expected_return": float(np.dot(mu, w)),
            "recomputed_risk": float(measure_value(R, w, measure, alpha))}


def random_cases():
    cases = []
    rng = np.random.default_rng(20240611)
    configs = [
        # (T, n, constraints builder name)
        (120, 6, "long-only"),
        (200, 10, "groups-linear"),
        (150, 8, "long-short-leverage"),
        (100, 7, "turnover"),
        (90, 5, "free-budget"),
    ]
    for T, n, kind in configs:
        # Fat-tailed scenarios with a common factor, daily-crypto-like scale.
        factor = rng.standard_t(4, size=(T, 1)) * 0.02
        R = 0.0005 + factor * rng.uniform(0.5, 1.5, size=(1, n)) + \
            rng.standard_t(5, size=(T, n)) * rng.uniform(0.005, 0.03, size=(1, n))
        mu = R.mean(axis=0) * 365
        cons = {"budget": 1.0, "lower": [0.0] * n, "upper": [1.0] * n}
        if kind == "groups-linear":
            cons["upper"] = [0.3] * n
            cons["groups"] = [{"name": "g1", "members": [0, 1, 2], "min": 0.2, "max": 0.5},
                              {"name": "g2", "members": [5, 6, 7, 8], "min": None, "max": 0.35}]
            cons["linear"] = [{"name": "beta", "coefficients": rng.uniform(0.5, 1.5, n).tolist(),
                               "sense": "<=", "rhs": 1.0},
                              {"name": "tilt", "coefficients": rng.uniform(-1, 1, n).tolist(),
                               "sense": ">=", "rhs": -0.2}]
        elif kind == "long-short-leverage":
            cons["lower"] = [-0.5] * n
            cons["upper"] = [0.8] * n
            cons["max_gross_leverage"] = 1.6
        elif kind == "turnover":
            w0 = rng.dirichlet(np.ones(n))
            cons["current_weights"] = w0.tolist()
            cons["max_turnover"] = 0.4
        elif kind == "free-budget":
            cons["budget"] = None
            cons["net_exposure_min"] = 0.5
            cons["net_exposure_max"] = 1.0
            cons["lower"] = [-0.2] * n
            cons["upper"] = [0.6] * n
        for measure in ["cvar", "cdar", "mad", "minimax"]:
            alpha = 0.95 if measure != "cdar" else 0.9
            base = solve_case(R, mu, measure, "min-risk", alpha, cons)
            entries = [("min-risk", None, None, base)]
            # Efficient return: halfway between the min-risk return and the max attainable one.
            lp, c, _ = build(R, mu, measure, "min-risk", alpha, cons)
            c_max = np.zeros(lp.nvar)
            c_max[:n] = -mu
            x, f = lp.solve(c_max)
            max_ret = -f
            target_return = base["expected_return"] + 0.5 * (max_ret - base["expected_return"])
            entries.append(("efficient-return", target_return, None,
                            solve_case(R, mu, measure, "efficient-return", alpha, cons,
                                       target_return=target_return)))
            risk_cap = base["risk"] + 0.3 * abs(base["risk"]) + 1e-3
            entries.append(("efficient-risk", None, risk_cap,
                            solve_case(R, mu, measure, "efficient-risk", alpha, cons,
                                       target_risk=risk_cap)))
            for objective, tr, trisk, sol in entries:
                cases.append({
                    "name": f"{kind}-{measure}-{objective}",
                    "measure": measure, "objective": objective, "confidence": alpha,
                    "target_return": tr, "target_risk": trisk,
                    "constraints": cons, "expected_returns": mu.tolist(),
                    "scenarios": R.tolist(), **sol,
                })
    return cases


def pypfopt_cases(csv):
    prices = pd.read_csv(csv, parse_dates=True, index_col="date")
    rets_all = prices.pct_change(fill_method=None).dropna(how="all")
    padded = prices.pct_change(fill_method="pad").dropna(how="all").dropna()
    rets = rets_all.dropna()
    assert rets.shape == padded.shape and np.allclose(rets.values, padded.values), \
        "pct_change padding matters on this file: the C++ test's scenario rows would differ"
    R = rets.values
    # mean_historical_return(prices) with its defaults (compounding=True, frequency=252).
    def geometric(returns):
        return ((1 + returns).prod() ** (252 / returns.count()) - 1).values
    mu_full = geometric(rets_all)
    # setup_efficient_cvar / setup_efficient_cdar: drop the price rows with any NaN first.
    setup_rets = prices.dropna(how="any").pct_change().dropna(how="all")
    assert setup_rets.shape == rets.shape and np.allclose(setup_rets.values, R, rtol=0, atol=0)
    mu_complete = geometric(setup_rets)
    n = R.shape[1]
    long_only = {"budget": 1.0, "lower": [0.0] * n, "upper": [1.0] * n}
    short3 = {"budget": 1.0, "lower": [-3.0] * n, "upper": [3.0] * n}
    neutral = {"budget": 0.0, "lower": [-1.0] * n, "upper": [1.0] * n}
    # (measure, objective, target_return, target_risk, constraints, published (return, risk),
    #  published test name)
    specs = [
        ("cvar", "min-risk", None, None, long_only, (0.17745746040573562, 0.017049502122532853),
         "test_cvar_example"),
        ("cvar", "efficient-return", 0.25, None, long_only, (0.25, 0.021036631225933487),
         "test_efficient_return"),
        ("cvar", "efficient-risk", None, 0.02, long_only, (0.2267893986249195, 0.02),
         "test_efficient_risk"),
        ("cvar", "efficient-return", 0.26, None, short3, (0.26, 0.01804624747353764),
         "test_efficient_return_short"),
        ("cvar", "efficient-return", 0.2, None, neutral, (0.2, 0.013406209257292611),
         "test_cvar_example_short"),
        ("cvar", "efficient-risk", None, 0.025, neutral, (0.5895653670063358, 0.025),
         "test_efficient_risk_market_neutral"),
        ("cdar", "min-risk", None, None, long_only, (0.21502, 0.056433), "test_cdar_example"),
        ("cdar", "efficient-return", 0.25, None, long_only, (0.25, 0.076193), "test_efficient_return"),
        ("cdar", "efficient-risk", None, 0.08, long_only, (0.261922, 0.08), "test_efficient_risk"),
        ("cdar", "efficient-return", 0.28, None, short3, (0.28, 0.045999),
         "test_efficient_return_short"),
        ("cdar", "efficient-return", 0.2, None, neutral, (0.2, 0.047152), "test_cdar_example_short"),
        ("cdar", "efficient-risk", None, 0.025, neutral, (0.219306, 0.025),
         "test_efficient_risk_market_neutral"),
        # setup_efficient_*().min_*() (published with rtol = atol = 1e-2 as solved by ECOS; they
        # agree to 1e-4 as well).
        ("cvar", "min-risk", None, None, long_only, (0.08447037713814826, 0.017049502122532853),
         "test_min_cvar_different_solver"),
        ("cdar", "min-risk", None, None, long_only, (0.14798, 0.056433),
         "test_min_cdar_different_solver"),
        # efficient_risk(min_value + 0.01), min_value the min CVaR / CDaR (None: filled below).
        ("cvar", "efficient-risk", None, None, long_only, (0.363470415007482, None),
         "test_efficient_risk_low_risk"),
        ("cdar", "efficient-risk", None, None, long_only, (0.212772, None),
         "test_efficient_risk_low_risk"),
    ]
    least = {}
    cases = []
    full_history = {"test_cvar_example", "test_cdar_example", "test_cvar_example_short",
                    "test_cdar_example_short"}
    for measure, objective, tr, trisk, cons, published, test in specs:
        mu_kind = "full-history" if test in full_history else "complete-rows"
        mu_case = mu_full if mu_kind == "full-history" else mu_complete
        if test == "test_efficient_risk_low_risk":
            trisk = least[measure] + 0.01
            published = (published[0], trisk)
        sol = solve_case(R, mu_case, measure, objective, 0.95, cons, target_return=tr,
                         target_risk=trisk)
        pub_ret, pub_risk = published
        d_risk = sol["risk"] - pub_risk
        d_ret = sol["expected_return"] - pub_ret
        if objective == "min-risk":
            least[measure] = sol["risk"]
        agrees = (abs(d_risk) <= 1e-4 + 1e-4 * abs(pub_risk)
                  and abs(d_ret) <= 1e-4 + 1e-4 * abs(pub_ret))
        print(f"{measure} {test} (mu {mu_kind}): optimum risk {sol['risk']:.12f} return "
              f"{sol['expected_return']:.12f}; published {pub_risk} {pub_ret}; differences "
              f"{d_risk:.2e} {d_ret:.2e} -> {'agrees' if agrees else 'DIFFERS'}")
        assert agrees, f"{measure} {test}: the published result does not reproduce"
        cases.append({"name": f"{measure}-{test}", "mu": mu_kind, "measure": measure,
                      "objective": objective,
                      "confidence": 0.95, "target_return": tr, "target_risk": trisk,
                      "constraints": cons, "published_return": pub_ret, "published_risk": pub_risk,
                      "risk": sol["risk"], "expected_return": sol["expected_return"],
                      "objective_value": sol["objective_value"],
                      "objective_highs": sol["objective_highs"]})
    return {"source": "PyPortfolioOpt tests/test_efficient_cvar.py, tests/test_efficient_cdar.py",
            "generator": "tests/reference/make_lp_fixtures.py",
            "scenario_rows": int(R.shape[0]), "first_date": str(rets.index[0].date()),
            "assets": list(prices.columns),
            "expected_returns_full_history": mu_full.tolist(),
            "expected_returns_complete_rows": mu_complete.tolist(), "cases": cases}


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = random_cases()
    with open(os.path.join(OUT, "random.json"), "w") as f:
        json.dump({"generator": "tests/reference/make_lp_fixtures.py", "cases": cases}, f)
    print(f"wrote {len(cases)} random cases")
    csv = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CSV
    if os.path.exists(csv):
        doc = pypfopt_cases(csv)
        with open(os.path.join(OUT, "pypfopt.json"), "w") as f:
            json.dump(doc, f, indent=1)
        print(f"wrote {len(doc['cases'])} PyPortfolioOpt cases")
    else:
        print(f"{csv} not found: lp/pypfopt.json not regenerated")


if __name__ == "__main__":
    main()
