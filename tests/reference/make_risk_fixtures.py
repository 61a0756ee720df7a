#!/usr/bin/python3
"""Independent reference values for the keel risk module (tests/risk/risk_reference_test.cpp).

Run with the Debian interpreter (numpy + scipy):  /usr/bin/python3 tests/reference/make_risk_fixtures.py
Writes tests/reference/risk/risk_fixtures.json (seeded, deterministic).

Everything here is computed from the definitions with full sorts, explicit loops, scipy's
distribution functions and co-moment tensors -- not with the C++ code paths (nth_element,
closed-form Ipower derivatives, X'P^2 gradients):
  * historical VaR/ES: np.sort and the fractional-weight (Acerbi-Tasche) formula, VaR = -x_(k),
    k = ceil(m), m = (1-alpha) T snapped to an integer within 1e-9;
  * Gaussian VaR/ES: scipy.stats.norm;
  * modified (Cornish-Fisher) VaR and ES: the formulas of R PerformanceAnalytics
    (VaR.CornishFisher, operES.CornishFisher; Boudt, Peterson, Croux 2008), with Ipower checked
    against numerical integration (scipy.integrate.quad);
  * component contributions: PerformanceAnalytics' PortVaR/operPortES.CornishFisher derivative
    formulas over the co-moment matrices M3 (N x N^2) and M4 (N x N^3), plus a central
    finite-difference gradient of the univariate measures for the default (T-1) convention;
  * drawdowns: Riskfolio-Lib style loops (MDD_Abs, ADD_Abs, CDaR_Abs, UCI_Abs) and compounded;
  * performance (risk/performance.hpp): pandas' rolling std for rolling volatility, run lengths of
    the under-water rows for the longest drawdown spell, the textbook ratio formulas;
  * Kupiec: rolling loop with np.sort-based historical / scipy Gaussian VaR, scipy.stats.chi2.sf.
"""
import json
import math
import os

import numpy as np
import pandas as pd
from scipy import integrate, special, stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "risk", "risk_fixtures.json")


def tail_size(alpha, n):
    m = (1.0 - alpha) * n
    r = round(m)
    if abs(m - r) <= 1e-9 * max(1.0, m):
        return float(r)
    return m


def hist_var_es(x, alpha):
    xs = np.sort(np.asarray(x, dtype=float))
    m = tail_size(alpha, len(xs))
    k = min(len(xs), max(1, math.ceil(m)))
    var = -xs[k - 1]
    if m < 1.0:
        return var, var
    es = -(math.fsum(xs[: k - 1]) + (m - (k - 1)) * xs[k - 1]) / m
    return var, es


def pop_moments(x):
    x = np.asarray(x, dtype=float)
    d = x - x.mean()
    m2 = np.mean(d**2)
    m3 = np.mean(d**3)
    m4 = np.mean(d**4)
    return m2, m3 / m2**1.5, m4 / m2**2 - 3.0


def ipower(power, h):
    # PerformanceAnalytics Ipower, transcribed.
    fullprod = 1.0
    if power % 2 == 0:
        pstar = power // 2
        for j in range(1, pstar + 1):
            fullprod *= 2 * j
        val = fullprod * stats.norm.pdf(h)
        for i in range(1, pstar + 1):
            prod = 1.0
            for j in range(1, i + 1):
                prod *= 2 * j
            val += (fullprod / prod) * h ** (2 * i) * stats.norm.pdf(h)
    else:
        pstar = (power - 1) // 2
        for j in range(0, pstar + 1):
            fullprod *= 2 * j + 1
        val = -fullprod * stats.norm.cdf(h)
        for i in range(0, pstar + 1):
            prod = 1.0
            for j in range(0, i + 1):
                prod *= 2 * j + 1
            val += (fullprod / prod) * h ** (2 * i + 1) * stats.norm.pdf(h)
    return val


def check_ipower():
    for power in (1, 2, 3, 4, 6):
        for h in (-3.1, -2.3, -1.6, -0.4):
            q, _ = integrate.quad(lambda u: u ** (power + 1) * stats.norm.pdf(u), -np.inf, h,
                                  epsabs=1e-14, epsrel=1e-13, limit=200)
            assert abs(ipower(power, h) - (-q)) < 1e-10, (power, h, ipower(power, h), -q)


def cf_parts(p, skew, exkurt):
    z = stats.norm.ppf(p)
    h = (z + (z**2 - 1) * skew / 6 + (z**3 - 3 * z) * exkurt / 24
         - (2 * z**3 - 5 * z) * skew**2 / 36)
    e = stats.norm.pdf(h)
    e += (ipower(4, h) - 6 * ipower(2, h) + 3 * stats.norm.pdf(h)) * exkurt / 24
    e += (ipower(3, h) - 3 * ipower(1, h)) * skew / 6
    e += (ipower(6, h) - 15 * ipower(4, h) + 45 * ipower(2, h) - 15 * stats.norm.pdf(h)) * skew**2 / 72
    return z, h, e / p


def parametric(x, alpha, population, horizon=1):
    x = np.asarray(x, dtype=float)
    mu = x.mean()
    sigma = x.std(ddof=0 if population else 1)
    p = 1 - alpha
    z = stats.norm.ppf(p)
    hs = math.sqrt(horizon)
    g_var = -(horizon * mu + hs * sigma * z)
    g_es = -horizon * mu + hs * sigma * stats.norm.pdf(stats.norm.ppf(alpha)) / p
    _, skew, exkurt = pop_moments(x)
    _, hcf, e = cf_parts(p, skew, exkurt)
    m_var = -(horizon * mu + hs * sigma * hcf)
    m_es = -horizon * mu - hs * sigma * min(-e, hcf)
    return dict(gaussian_var=g_var, gaussian_es=g_es, modified_var=m_var, modified_es=m_es,
                skewness=skew, excess_kurtosis=exkurt, z_cf=hcf)


def aggregate(x, h):
    x = np.asarray(x, dtype=float)
    blocks = len(x) // h
    off = len(x) - blocks * h
    return np.array([np.prod(1.0 + x[off + b * h: off + (b + 1) * h]) - 1.0 for b in range(blocks)])


def drawdowns(x, alpha, compounded):
    level = 1.0 if compounded else 0.0
    peak = level
    dd = []
    for r in x:
        level = level * (1 + r) if compounded else level + r
        peak = max(peak, level)
        dd.append(1 - level / peak if compounded else peak - level)
    dd = np.array(dd)
    _, cdar = hist_var_es(-dd, alpha)
    return dict(max_drawdown=float(dd.max()), average_drawdown=float(np.mean(dd)),
                cdar=float(cdar), ulcer_index=float(math.sqrt(np.mean(dd**2))))


def performance(x, ppy, rf, window):
    x = np.asarray(x, dtype=float)
    s = pd.Series(x)
    wealth = np.cumprod(1.0 + x)
    peak = np.maximum.accumulate(np.concatenate([[1.0], wealth]))[1:]
    dd = 1.0 - wealth / peak
    runs = [len(list(g)) for under, g in __import__("itertools").groupby(dd > 0) if under]
    years = len(x) / ppy
    cagr = wealth[-1] ** (1.0 / years) - 1.0
    vol = s.std(ddof=1) * math.sqrt(ppy)
    downside = math.sqrt(np.mean(np.minimum(x - rf / ppy, 0.0) ** 2)) * math.sqrt(ppy)
    excess = x.mean() * ppy - rf
    rolling = (s.rolling(window).std(ddof=1) * math.sqrt(ppy)).tolist()
    return dict(periods_per_year=ppy, risk_free_rate=rf, window=window,
                total_return=float(wealth[-1] - 1.0), cagr=float(cagr), volatility=float(vol),
                downside_deviation=float(downside), sharpe=float(excess / vol),
                sortino=float(excess / downside), calmar=float(cagr / dd.max()),
                longest_underwater=int(max(runs) if runs else 0),
                rolling_volatility=[None if math.isnan(v) else float(v) for v in rolling])


def kupiec(x, window, alpha, method):
    x = np.asarray(x, dtype=float)
    n = len(x) - window
    exc = 0
    for t in range(window, len(x)):
        w = x[t - window: t]
        if method == "historical":
            var, _ = hist_var_es(w, alpha)
        else:
            var = -(w.mean() + w.std(ddof=1) * stats.norm.ppf(1 - alpha))
        if x[t] < -var:
            exc += 1
    p = 1 - alpha
    rate = exc / n

    def xlogy(a, b):
        return 0.0 if a == 0 else a * math.log(b)

    lr = -2 * (xlogy(n - exc, 1 - p) + xlogy(exc, p) - xlogy(n - exc, 1 - rate) - xlogy(exc, rate))
    lr = max(lr, 0.0)
    return dict(window=window, confidence=alpha, method=method, trials=n, exceedances=exc,
                lr_statistic=lr, p_value=float(stats.chi2.sf(lr, 1)))


def comoments(R):
    X = R - R.mean(axis=0)
    T, N = X.shape
    M3 = np.einsum("ti,tj,tk->ijk", X, X, X).reshape(N, N * N) / T
    M4 = np.einsum("ti,tj,tk,tl->ijkl", X, X, X, X).reshape(N, N**3) / T
    return M3, M4


def pa_component(R, w, alpha, measure, population):
    """PerformanceAnalytics PortVaR.CornishFisher / operPortES.CornishFisher / Gaussian forms."""
    mu = R.mean(axis=0)
    sigma = np.cov(R, rowvar=False, ddof=0 if population else 1)
    sigma_pop = np.cov(R, rowvar=False, ddof=0)
    M3, M4 = comoments(R)
    p = 1 - alpha
    z = stats.norm.ppf(p)
    loc = w @ mu
    pm2 = w @ sigma @ w
    dpm2 = 2 * sigma @ w
    sd = math.sqrt(pm2)
    dsd = 0.5 * dpm2 / sd
    if measure == "volatility":
        return sd, w * dsd
    if measure == "gaussian-var":
        return -loc - z * sd, w * (-mu - z * dsd)
    if measure == "gaussian-es":
        c = stats.norm.pdf(z) / p
        return -loc + c * sd, w * (-mu + c * dsd)
    # Skewness/kurtosis from the population second moment (keel's univariate convention).
    qm2 = w @ sigma_pop @ w
    dqm2 = 2 * sigma_pop @ w
    ww = np.kron(w, w)
    pm3 = w @ M3 @ ww
    dpm3 = 3 * M3 @ ww
    pm4 = w @ M4 @ np.kron(ww, w)
    dpm4 = 4 * M4 @ np.kron(ww, w)
    skew = pm3 / qm2**1.5
    exkurt = pm4 / qm2**2 - 3
    derskew = (2 * qm2**1.5 * dpm3 - 3 * pm3 * math.sqrt(qm2) * dqm2) / (2 * qm2**3)
    derexkurt = (qm2 * dpm4 - 2 * pm4 * dqm2) / qm2**3
    _, h, e = cf_parts(p, skew, exkurt)
    derh = ((z**2 - 1) * derskew / 6 + (z**3 - 3 * z) * derexkurt / 24
            - (2 * z**3 - 5 * z) * skew * derskew / 18)
    if measure == "modified-var" or -e > h:
        total = -loc - h * sd
        grad = -mu - h * dsd - sd * derh
        return total, w * grad

    def der_ipower(power, hh):  # PerformanceAnalytics derIpower, transcribed
        fullprod = 1.0
        phi = stats.norm.pdf(hh)
        if power % 2 == 0:
            pstar = power // 2
            for j in range(1, pstar + 1):
                fullprod *= 2 * j
            val = -fullprod * hh * phi
            for i in range(1, pstar + 1):
                prod = 1.0
                for j in range(1, i + 1):
                    prod *= 2 * j
                val += (fullprod / prod) * hh ** (2 * i - 1) * (2 * i - hh**2) * phi
        else:
            pstar = (power - 1) // 2
            for j in range(0, pstar + 1):
                fullprod *= 2 * j + 1
            val = -fullprod * phi
            for i in range(0, pstar + 1):
                prod = 1.0
                for j in range(0, i + 1):
                    prod *= 2 * j + 1
                val += (fullprod / prod) * hh ** (2 * i) * (2 * i + 1 - hh**2) * phi
        return val

    phi = stats.norm.pdf(h)
    dE = (ipower(4, h) - 6 * ipower(2, h) + 3 * phi) * derexkurt / 24
    dE = dE + (ipower(3, h) - 3 * ipower(1, h)) * derskew / 6
    dE = dE + (ipower(6, h) - 15 * ipower(4, h) + 45 * ipower(2, h) - 15 * phi) * skew * derskew / 36
    X = -h * phi + (der_ipower(4, h) - 6 * der_ipower(2, h) - 3 * h * phi) * exkurt / 24
    X += (der_ipower(3, h) - 3 * der_ipower(1, h)) * skew / 6
    X += (der_ipower(6, h) - 15 * der_ipower(4, h) + 45 * der_ipower(2, h) + 15 * h * phi) * skew**2 / 72
    dE = (dE + derh * X) / p
    total = -loc + sd * e
    grad = -mu + dsd * e + sd * dE
    return total, w * grad


def univariate_total(x, alpha, measure, population):
    if measure == "volatility":
        return float(np.std(x, ddof=0 if population else 1))
    prm = parametric(x, alpha, population)
    key = {"gaussian-var": "gaussian_var", "gaussian-es": "gaussian_es",
           "modified-var": "modified_var", "modified-es": "modified_es"}[measure]
    return prm[key]


def fd_component(R, w, alpha, measure, population, step=1e-6):
    grad = np.zeros(len(w))
    for i in range(len(w)):
        e = np.zeros(len(w))
        e[i] = step
        up = univariate_total(R @ (w + e), alpha, measure, population)
        dn = univariate_total(R @ (w - e), alpha, measure, population)
        grad[i] = (up - dn) / (2 * step)
    return w * grad


def hist_cvar_component(R, w, alpha):
    pnl = R @ w
    order = np.argsort(pnl, kind="stable")
    m = tail_size(alpha, len(pnl))
    k = max(1, math.ceil(m))
    tail = R[order[: k - 1]].sum(axis=0) + (m - (k - 1)) * R[order[k - 1]]
    marginal = -tail / m
    return float(-(pnl[order[: k - 1]].sum() + (m - (k - 1)) * pnl[order[k - 1]]) / m), w * marginal


def make_returns(rng, T, N, crash):
    betas = np.linspace(0.7, 1.4, N)
    f = 0.0004 + 0.025 * rng.standard_t(5, size=T) / math.sqrt(5 / 3)
    eps = 0.012 * rng.standard_t(6, size=(T, N)) / math.sqrt(6 / 4)
    R = f[:, None] * betas[None, :] + eps
    if crash:
        jumps = rng.random(T) < 0.015
        R[jumps] -= 0.08 * rng.random((jumps.sum(), 1)) * betas[None, :]
    return np.clip(R, -0.9, None)


def dataset(name, seed, T, N, crash):
    rng = np.random.default_rng(seed)
    R = make_returns(rng, T, N, crash)
    w = rng.dirichlet(np.ones(N))
    w[-1] -= 0.15  # a short-ish tilt so contributions have mixed signs
    P = R @ w
    d = dict(name=name, seed=seed, returns=R.tolist(), weights=w.tolist(), portfolio=P.tolist())
    m2, skew, exkurt = pop_moments(P)
    d["moments"] = dict(mean=float(P.mean()), stddev=float(P.std(ddof=1)),
                        population_stddev=float(math.sqrt(m2)), skewness=float(skew),
                        excess_kurtosis=float(exkurt))
    d["dispersion"] = dict(
        volatility=float(P.std(ddof=1)),
        semideviation=float(math.sqrt(np.sum(np.minimum(P - P.mean(), 0) ** 2) / (len(P) - 1))),
        mean_absolute_deviation=float(np.mean(np.abs(P - P.mean()))),
        worst_realisation=float(-P.min()))
    # scipy agrees on the moment ratios (an extra independent check of pop_moments).
    assert abs(stats.skew(P, bias=True) - skew) < 1e-12 * max(1, abs(skew))
    assert abs(stats.kurtosis(P, bias=True) - exkurt) < 1e-12 * max(1, abs(exkurt))
    var_cases = []
    for alpha in (0.9, 0.95, 0.975, 0.99):
        for horizon in (1, 5):
            hv, he = hist_var_es(P if horizon == 1 else aggregate(P, horizon), alpha)
            for population in (False, True):
                prm = parametric(P, alpha, population, horizon)
                var_cases.append(dict(confidence=alpha, horizon=horizon, population=population,
                                      historical_var=float(hv), historical_es=float(he),
                                      **{k: float(v) for k, v in prm.items()}))
    d["var"] = var_cases
    d["drawdown"] = [dict(confidence=a, compounded=c, **drawdowns(P, a, c))
                     for a in (0.9, 0.95, 0.99) for c in (False, True)]
    d["performance"] = [performance(P, 365.0, 0.03, 30), performance(P, 52.0, 0.0, 8)]
    d["kupiec"] = [kupiec(P, W, a, meth) for (W, a, meth) in
                   ((250, 0.95, "historical"), (250, 0.99, "historical"),
                    (200, 0.99, "gaussian"), (300, 0.9, "gaussian"))]
    contrib = []
    for alpha in (0.95, 0.99):
        for measure in ("volatility", "gaussian-var", "gaussian-es", "modified-var",
                        "modified-es"):
            total, comp = pa_component(R, w, alpha, measure, True)
            assert abs(comp.sum() - total) < 1e-12 * abs(total)
            assert abs(total - univariate_total(P, alpha, measure, True)) < 1e-12 * abs(total)
            contrib.append(dict(confidence=alpha, measure=measure, population=True,
                                total=float(total), component=comp.tolist(), tolerance=1e-10))
            fd = fd_component(R, w, alpha, measure, False)
            contrib.append(dict(confidence=alpha, measure=measure, population=False,
                                total=float(univariate_total(P, alpha, measure, False)),
                                component=fd.tolist(), tolerance=1e-6))
        total, comp = hist_cvar_component(R, w, alpha)
        contrib.append(dict(confidence=alpha, measure="historical-cvar", population=False,
                            total=total, component=comp.tolist(), tolerance=1e-12))
    d["contributions"] = contrib
    return d


def main():
    check_ipower()
    ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.02425, 0.025, 0.05, 0.1, 0.3, 0.5,
          0.7, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-10]
    quantiles = [dict(p=p, x=float(special.ndtri(p))) for p in ps]
    chi2 = [dict(x=x, dof=k, cdf=float(stats.chi2.cdf(x, k)), sf=float(stats.chi2.sf(x, k)))
            for k in (1, 2, 3, 5, 10) for x in (0.01, 0.5, 1.0, 3.841458820694124, 7.5, 20.0, 60.0)]
    out = dict(
        generator="tests/reference/make_risk_fixtures.py",
        numpy=np.__version__, scipy=__import__("scipy").__version__,
        normal_quantile=quantiles, chi_squared=chi2,
        datasets=[dataset("t-factor", 20240501, 600, 5, False),
                  dataset("t-factor-jumps", 20240502, 900, 6, True)])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
