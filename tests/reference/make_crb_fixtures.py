#!/usr/bin/python3
"""Regenerates the constrained risk budgeting fixtures (crb_*) in tests/reference/rp/, the
independent reference for keel's constrained risk budgeting solver (issue #6).

Run with the Debian interpreter (numpy, scipy, python3-cvxopt):
    /usr/bin/python3 tests/reference/make_crb_fixtures.py

Definition (Richard & Roncalli 2019, "Constrained risk budgeting portfolios"): for a covariance S,
budgets b (b_i > 0, sum b = 1) and a convex set Omega = {l <= x <= u, r_lo <= A x <= r_hi},
    x(lam) = argmin_x 0.5 x'Sx - lam sum_i b_i ln x_i   subject to x in Omega
(no budget constraint inside), and the constrained risk budgeting portfolio is x(lam*) with
lam* > 0 the root of sum_i x_i(lam) = 1.

How every expected value is computed, independently of Keel:
  * the inner problem for a fixed lam: cvxopt.solvers.cp (interior point, exact gradient and
    Hessian of the objective; bounds and one-sided rows as G x <= h, equality rows as A x = b;
    LDL KKT solver, rows scaled to unit slack at an LP-computed interior starting point);
  * lam*: scipy.optimize.brentq on sum x(lam) - 1 in log lam, bracketed by doubling outwards from
    the unconstrained ERC variance (lam* equals the portfolio variance when nothing binds). With
    general rows sum x(lam) need not be monotone, so the script also checks on a log grid over
    [lam*/1e4, lam* 1e4] that sum x(lam) - 1 changes sign only at lam*;
  * polish: the inequalities with slack < 1e-7 are taken as active and the KKT system of that
    active set together with sum x = 1 (unknowns x, multipliers, lam) is solved with
    scipy.optimize.root (hybr); the result is accepted only if the active multipliers are
    >= -1e-12 and the inactive constraints still hold, and the full KKT residual is printed.
Inputs are seeded synthetic problems (factor-model covariance on an annual scale with vols of
20-100% and a common market factor) and are written next to the outputs. Per case <case>:
  <case>_covariance.csv (n x n), <case>_budgets.csv (n), <case>_bounds.csv (lower row, upper row),
  <case>_rows.csv (per row: n coefficients, r_lo, r_hi; +-inf for an open side; empty if none),
  <case>_weights.csv (x(lam*)), <case>_lambda.csv (lam*), <case>_active.csv (0-based indices of
  the rows of rows.csv active as inequalities; empty if none), <case>_contributions.csv
  (relative risk contributions x_i (S x)_i / x'Sx).
Note that a binding constraint changes the relative contributions of every asset (through
x'Sx = lam - sum of multiplier terms); what holds exactly for an asset untouched by binding
constraints is x_i (S x)_i = lam* b_i, i.e. its relative contribution is b_i lam* / x'Sx.
"""

import os

import cvxopt
import numpy as np
import scipy.optimize as so

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "rp")

ACTIVE_SLACK = 1e-7  # slack below which an inequality is treated as active in the polish
MULTIPLIER_TOL = 1e-12  # most negative multiplier accepted for an active inequality
CP_OPTIONS = {"abstol": 1e-13, "reltol": 1e-13, "feastol": 1e-13, "maxiters": 200,
              "show_progress": False}


def write_matrix(name, m, fmt="%.17g"):
    path = os.path.join(OUT, name)
    m = np.asarray(m)
    if m.size == 0:
        open(path, "w").close()
        return
    np.savetxt(path, np.atleast_2d(m), delimiter=",", fmt=fmt)


def factor_covariance(n, seed):
    """Annualised covariance: a market factor (correlation loadings 0.4-0.8), two sector factors
    (0.1-0.4, assets alternate between them) and idiosyncratic rest; vols uniform in 20-100%."""
    rng = np.random.default_rng(seed)
    vol = rng.uniform(0.2, 1.0, n)
    loadings = np.zeros((n, 3))
    loadings[:, 0] = rng.uniform(0.4, 0.8, n)
    loadings[np.arange(n), 1 + np.arange(n) % 2] = rng.uniform(0.1, 0.4, n)
    corr = loadings @ loadings.T
    np.fill_diagonal(corr, 1.0)  # idiosyncratic variance 1 - |loading|^2 >= 0.2
    cov = corr * np.outer(vol, vol)
    np.linalg.cholesky(cov)
    return cov


def dirichlet_budgets(n, seed):
    b = np.random.default_rng(seed).dirichlet(np.ones(n))
    return b / b.sum()


def erc(cov, b):
    """Unconstrained risk budgeting portfolio: y_i (S y)_i = b_i by Newton in log coordinates
    (Spinu 2013) polished with hybr; returns (y, y / sum y)."""
    f = lambda u: 0.5 * np.exp(u) @ cov @ np.exp(u) - b @ u
    g = lambda u: np.exp(u) * (cov @ np.exp(u)) - b
    h = lambda u: cov * np.outer(np.exp(u), np.exp(u)) + np.diag(np.exp(u) * (cov @ np.exp(u)))
    y0 = b / np.sqrt(np.diag(cov))
    r = so.minimize(f, np.log(y0), jac=g, hess=h, method="trust-exact", options={"gtol": 1e-14})
    y = so.root(lambda y: y * (cov @ y) - b, np.exp(r.x),
                jac=lambda y: np.diag(cov @ y) + cov * y[:, None], method="hybr",
                options={"xtol": 1e-15}).x
    assert np.all(y > 0) and np.max(np.abs(y * (cov @ y) - b) / b) < 1e-12
    return y, y / y.sum()


class Problem:
    """Omega in the fixture's form, plus its split into cvxopt's G x <= h and A x = b_eq."""

    def __init__(self, name, cov, b, lower, upper, rows):
        self.name, self.cov, self.b = name, cov, b
        self.lower, self.upper = np.asarray(lower, float), np.asarray(upper, float)
        self.rows = np.array(rows, float).reshape(-1, len(b) + 2)
        n = len(b)
        g, h, self.g_labels, a, beq, self.eq_rows = [], [], [], [], [], []
        eye = np.eye(n)
        # A zero lower bound is implied by the log barrier's domain and can never bind (b_i > 0).
        for i in range(n):
            if self.lower[i] > 0:
                g.append(-eye[i]), h.append(-self.lower[i]), self.g_labels.append(("lower", i))
            if np.isfinite(self.upper[i]):
                g.append(eye[i]), h.append(self.upper[i]), self.g_labels.append(("upper", i))
        for k, row in enumerate(self.rows):
            coef, lo, hi = row[:n], row[n], row[n + 1]
            if lo == hi:
                a.append(coef), beq.append(lo), self.eq_rows.append(k)
                continue
            if np.isfinite(lo):
                g.append(-coef), h.append(-lo), self.g_labels.append(("row_lo", k))
            if np.isfinite(hi):
                g.append(coef), h.append(hi), self.g_labels.append(("row_hi", k))
        self.G, self.h = np.array(g).reshape(-1, n), np.array(h)
        self.A, self.beq = np.array(a).reshape(-1, n), np.array(beq)
        self.x0 = interior_point(self)

    def describe(self, j):
        kind, i = self.g_labels[j]
        if kind == "lower":
            return f"x_{i} >= {self.lower[i]:g}"
        if kind == "upper":
            return f"x_{i} <= {self.upper[i]:g}"
        if kind == "row_lo":
            return f"row {i} >= {self.rows[i][-2]:g}"
        return f"row {i} <= {self.rows[i][-1]:g}"


def interior_point(p):
    """A point deep inside Omega (and x > 0): maximise the smallest normalised slack with an LP."""
    n = len(p.b)
    norms = np.linalg.norm(p.G, axis=1)
    c = np.zeros(n + 1)
    c[-1] = -1.0
    a_ub = np.vstack([np.hstack([p.G, norms[:, None]]), np.hstack([-np.eye(n), np.ones((n, 1))])])
    b_ub = np.concatenate([p.h, np.zeros(n)])
    a_eq = np.hstack([p.A, np.zeros((len(p.beq), 1))]) if len(p.beq) else None
    r = so.linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=p.beq if len(p.beq) else None,
                   bounds=[(None, None)] * n + [(None, 1.0)], method="highs")
    assert r.status == 0 and r.x[-1] > 1e-6, f"{p.name}: Omega has no interior point"
    return r.x[:n]


def solve_inner(p, lam):
    """x(lam) by cvxopt's cp; returns (x, z for G, y for A) with cvxopt's sign convention
    grad f + G'z + A'y = 0."""
    n = len(p.b)
    x0 = p.x0
    # cp starts its slacks at 1; rows scaled to unit slack at x0 make that start consistent
    # (unscaled, the gap collapsed before feasibility and cp stopped on a singular KKT matrix).
    scale = 1.0 / (p.h - p.G @ x0)

    def F(x=None, z=None):
        if x is None:
            return 0, cvxopt.matrix(x0)
        xv = np.array(x).ravel()
        if np.any(xv <= 0):
            return None
        sx = p.cov @ xv
        f = 0.5 * xv @ sx - lam * p.b @ np.log(xv)
        df = cvxopt.matrix(sx - lam * p.b / xv, (1, n))
        if z is None:
            return f, df
        return f, df, cvxopt.matrix(z[0] * (p.cov + np.diag(lam * p.b / xv**2)))

    # The regularised LDL KKT solver: the default (chol2) stopped on "singular KKT matrix" a few
    # digits short of these tolerances on about half of the seeded problems tried.
    kw = {"kktsolver": "ldl"}
    if len(p.beq):
        kw.update(A=cvxopt.matrix(p.A), b=cvxopt.matrix(p.beq))
    sol = cvxopt.solvers.cp(F, G=cvxopt.matrix(p.G * scale[:, None]), h=cvxopt.matrix(p.h * scale),
                            dims={"l": len(p.h), "q": [], "s": []}, options=CP_OPTIONS, **kw)
    if sol["status"] != "optimal":
        # Tolerances this tight can stall a few digits short; the polish below decides.
        assert sol["primal infeasibility"] < 1e-9 and sol["dual infeasibility"] < 1e-9, \
            f"{p.name}: cp {sol['status']} at lambda = {lam}: {sol}"
    y = np.array(sol["y"]).ravel() if len(p.beq) else np.zeros(0)
    return np.array(sol["x"]).ravel(), np.array(sol["zl"]).ravel() * scale, y


def find_lambda(p, lam0):
    """brentq on sum x(lam) - 1 in log lam, bracket grown by factors of 2 around lam0."""
    phi = lambda t: solve_inner(p, np.exp(t))[0].sum() - 1.0
    lo = hi = np.log(lam0)
    f_lo = f_hi = phi(lo)
    for _ in range(60):
        if f_lo <= 0:
            break
        lo -= np.log(2.0)
        f_lo = phi(lo)
    # As lam grows x(lam) tends to the b-weighted analytic centre of Omega (argmax sum b ln x),
    # and with general rows sum x(lam) is not monotone: it can peak below 1, and then no lam*
    # exists although Omega meets {sum x = 1} (many seeds of the crb_linear design do this).
    for _ in range(60):
        if f_hi >= 0:
            break
        hi += np.log(2.0)
        f_hi = phi(hi)
    assert f_lo <= 0 <= f_hi, f"{p.name}: no lambda with sum x(lambda) = 1 in [{lo}, {hi}]"
    if lo == hi:
        return np.exp(lo)
    return np.exp(so.brentq(phi, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps))


def kkt(p, x, lam, z, y):
    """Full KKT residual of x = x(lam) with sum x = 1: stationarity, primal feasibility, dual
    feasibility, complementarity and the budget."""
    stat = p.cov @ x - lam * p.b / x + p.G.T @ z + (p.A.T @ y if len(y) else 0.0)
    slack = p.h - p.G @ x
    parts = [np.abs(stat), np.maximum(-slack, 0.0), np.maximum(-z, 0.0), np.abs(z * slack),
             [abs(x.sum() - 1.0)]]
    if len(y):
        parts.append(np.abs(p.A @ x - p.beq))
    return max(np.max(np.abs(np.asarray(q, float))) for q in parts if len(q))


def polish(p, x, lam, z, y):
    """Newton-type solve (hybr) of the KKT system of the active set plus sum x = 1."""
    n = len(p.b)
    act = np.where(p.h - p.G @ x < ACTIVE_SLACK)[0]
    ga, ha = p.G[act], p.h[act]
    na, ne = len(act), len(p.beq)
    cons = np.vstack([ga, p.A])  # every constraint held with equality
    rhs = np.concatenate([ha, p.beq])

    def unpack(v):
        return v[:n], v[n:n + na + ne], v[-1]

    def fun(v):
        xx, mu, ll = unpack(v)
        return np.concatenate([p.cov @ xx - ll * p.b / xx + cons.T @ mu, cons @ xx - rhs,
                               [xx.sum() - 1.0]])

    def jac(v):
        xx, mu, ll = unpack(v)
        m = na + ne
        j = np.zeros((n + m + 1, n + m + 1))
        j[:n, :n] = p.cov + np.diag(ll * p.b / xx**2)
        j[:n, n:n + m] = cons.T
        j[:n, -1] = -p.b / xx
        j[n:n + m, :n] = cons
        j[-1, :n] = 1.0
        return j

    v0 = np.concatenate([x, z[act], y, [lam]])
    v = so.root(fun, v0, jac=jac, method="hybr", options={"xtol": 1e-15}).x
    xp, mu, lp = unpack(v)
    zp = np.zeros(len(p.h))
    zp[act] = mu[:na]
    yp = mu[na:]
    assert np.all(xp > 0), f"{p.name}: polish left the domain"
    assert np.all(zp[act] >= -MULTIPLIER_TOL), f"{p.name}: negative multiplier {zp[act]}"
    inactive = np.setdiff1d(np.arange(len(p.h)), act)
    assert np.all(p.h[inactive] - p.G[inactive] @ xp >= 0), f"{p.name}: inactive side violated"
    return xp, lp, zp, yp, act


def run_case(p, lam0, expect_active):
    lam_cp = find_lambda(p, lam0)
    x_cp, z_cp, y_cp = solve_inner(p, lam_cp)
    xp, lam, z, y, act = polish(p, x_cp, lam_cp, z_cp, y_cp)
    res_cp = kkt(p, x_cp, lam_cp, z_cp, y_cp)
    res = kkt(p, xp, lam, z, y)
    assert res < 1e-13, f"{p.name}: KKT residual {res}"
    # With general rows sum x(lam) need not be monotone (it is with bounds only), so lam* need
    # not be unique; check on a log grid that sum x(lam) - 1 has the sign of lam - lam*.
    grid = lam * np.exp(np.linspace(-np.log(1e4), np.log(1e4), 41))
    grid = grid[np.abs(np.log(grid / lam)) > 1e-3]
    sums = np.array([solve_inner(p, g)[0].sum() for g in grid])
    assert np.all(np.sign(sums - 1.0) == np.sign(grid - lam)), f"{p.name}: lam* not unique on grid"
    got = sorted(p.describe(j) for j in act)
    assert got == sorted(expect_active), f"{p.name}: active set {got}, expected {expect_active}"

    # Assets touched by a binding constraint: an active bound or row, or any equality row.
    n = len(p.b)
    touched = np.zeros(n, bool)
    for j in act:
        touched |= p.G[j] != 0
    for k in p.eq_rows:
        touched |= p.rows[k][:n] != 0
    rc = xp * (p.cov @ xp)
    rrc = rc / rc.sum()
    free = ~touched
    rb_err = np.max(np.abs(rc[free] - lam * p.b[free]) / (lam * p.b[free])) if free.any() else 0
    rrc_err = np.max(np.abs(rrc[free] - p.b[free]) / p.b[free]) if free.any() else 0
    assert rb_err < 1e-12, f"{p.name}: x_i (S x)_i != lam b_i on free assets ({rb_err})"

    row_active = sorted({p.g_labels[j][1] for j in act if p.g_labels[j][0].startswith("row")})
    bounds = np.vstack([p.lower, p.upper])
    write_matrix(f"{p.name}_covariance.csv", p.cov)
    write_matrix(f"{p.name}_budgets.csv", p.b)
    write_matrix(f"{p.name}_bounds.csv", bounds)
    write_matrix(f"{p.name}_rows.csv", p.rows)
    write_matrix(f"{p.name}_weights.csv", xp)
    write_matrix(f"{p.name}_lambda.csv", [lam])
    write_matrix(f"{p.name}_active.csv", np.array(row_active, int).reshape(1, -1), fmt="%d")
    write_matrix(f"{p.name}_contributions.csv", rrc)

    print(f"{p.name}: n = {n}, lambda* = {lam:.17g} (brentq {lam_cp:.17g}), "
          f"variance = {xp @ p.cov @ xp:.17g}")
    print(f"  sum x(lam) - 1 has the sign of lam - lam* on {len(grid)} points in "
          f"[lam* / 1e4, lam* * 1e4]")
    print(f"  KKT residual: cp {res_cp:.2e}, polished {res:.2e}; "
          f"|x_cp - x_polished|_max = {np.max(np.abs(x_cp - xp)):.2e}")
    for j in act:
        print(f"  binds: {p.describe(j):<16} multiplier {z[j]:.6g}")
    for k, yk in zip(p.eq_rows, y):
        print(f"  equality row {k} multiplier {yk:.6g}")
    print(f"  active rows.csv rows: {row_active}; untouched assets: {list(np.where(free)[0])}")
    print(f"  untouched: max |x_i(Sx)_i - lam b_i|/(lam b_i) = {rb_err:.2e}, "
          f"max |rrc_i - b_i|/b_i = {rrc_err:.2e}")
    return xp, lam, rrc


def group_row(n, members, lo, hi):
    row = np.zeros(n + 2)
    row[members] = 1.0
    row[n], row[n + 1] = lo, hi
    return row


def crb_groups():
    n = 12
    cov = factor_covariance(n, seed=11)
    b = np.full(n, 1.0 / n)
    y, w_erc = erc(cov, b)
    # Both group limits must cut the unconstrained ERC portfolio, or they would not bind.
    assert w_erc[:4].sum() > 0.25, w_erc[:4].sum()
    assert w_erc[8:].sum() < 0.40, w_erc[8:].sum()
    rows = [group_row(n, [0, 1, 2, 3], -np.inf, 0.25), group_row(n, [8, 9, 10, 11], 0.40, np.inf)]
    p = Problem("crb_groups", cov, b, np.zeros(n), np.ones(n), rows)
    run_case(p, y @ cov @ y / y.sum()**2, ["row 0 <= 0.25", "row 1 >= 0.4"])


def crb_linear():
    n = 10
    # Seeds chosen so that an upper bound and the beta row both bind. Many other seeds give a
    # problem with no lam* at all: sum x(lam) stays below 1 as lam grows (see find_lambda).
    cov = factor_covariance(n, seed=29)
    b = dirichlet_budgets(n, seed=30)
    beta = np.random.default_rng(31).uniform(0.5, 1.5, n)
    y, w_erc = erc(cov, b)
    rows = [np.concatenate([beta, [-np.inf, 0.9]]), group_row(n, [0, 1], 0.2, 0.2)]
    p = Problem("crb_linear", cov, b, np.zeros(n), np.full(n, 0.3), rows)
    assert w_erc.max() > 0.3 and beta @ w_erc > 0.9  # both cut the unconstrained portfolio
    run_case(p, y @ cov @ y / y.sum()**2, ["row 0 <= 0.9", "x_5 <= 0.3"])


def crb_slack():
    n = 8
    cov = factor_covariance(n, seed=31)
    b = np.full(n, 1.0 / n)
    y, w_erc = erc(cov, b)
    p = Problem("crb_slack", cov, b, np.full(n, 0.01), np.full(n, 0.9),
                [group_row(n, [0, 1], -np.inf, 0.9)])
    xp, lam, rrc = run_case(p, y @ cov @ y / y.sum()**2, [])
    # Nothing binds, so the answer is the plain ERC portfolio: x = sqrt(lam) y with y (S y) = b.
    ys = xp / np.sqrt(lam)
    err = np.max(np.abs(ys * (cov @ ys) - b) / b)
    assert err < 1e-10, err
    assert np.max(np.abs(xp - w_erc)) < 1e-13 and np.max(np.abs(rrc - b) / b) < 1e-12
    print(f"  crb_slack vs plain ERC: max |y_i(Sy)_i - b_i|/b_i = {err:.2e}, "
          f"max |x - x_erc| = {np.max(np.abs(xp - w_erc)):.2e}")


def crb_lower():
    n = 8
    cov = factor_covariance(n, seed=45)
    b = dirichlet_budgets(n, seed=46)
    y, w_erc = erc(cov, b)
    lower = np.where(np.arange(n) < 4, 0.08, 0.0)
    p = Problem("crb_lower", cov, b, lower, np.ones(n), [])
    assert w_erc[:4].min() < 0.08
    run_case(p, y @ cov @ y / y.sum()**2, ["x_1 >= 0.08", "x_3 >= 0.08"])


def main():
    os.makedirs(OUT, exist_ok=True)
    crb_groups()
    crb_linear()
    crb_slack()
    crb_lower()
    print("fixtures written to", OUT)


if __name__ == "__main__":
    main()
