#!/usr/bin/python3
"""Reference fixtures for the estimate module (expected returns, covariance, PSD repair).

Run with the Debian interpreter (numpy, pandas, scipy, scikit-learn 1.2 installed there):

    /usr/bin/python3 tests/reference/make_estimate_fixtures.py

Writes tests/reference/estimate/*.json. Every number is written with 17 significant digits.

Independent references:
  * scikit-learn EmpiricalCovariance / LedoitWolf / OAS (the peer's own code);
  * pandas DataFrame.cov(), ewm(...).cov(), ewm(...).mean(), pct_change();
  * numpy re-implementations written here from the papers and the authors' published MATLAB
    code: covCor.m (Ledoit-Wolf 2004 constant correlation), covMarket.m (Ledoit-Wolf 2003 single
    factor), analytical_shrinkage.m (Ledoit-Wolf 2020 nonlinear shrinkage, with demeaning and
    effective sample size n = T - 1);
  * PyPortfolioOpt conventions (mean_historical_return, sample_cov + fix_nonpositive_semidefinite
    "spectral", capm_return, ema_historical_return, semicovariance, market_implied_prior_returns)
    re-derived with numpy/pandas, since PyPortfolioOpt itself is not installed here.

Real data (read in place, never copied): /work/shared/data (path given by KEEL_SHARED_DATA_DIR or
../shared/data next to the repository). Cases that need it are skipped when it is absent.
"""

import json
import math
import os
import sys

import mpmath
import numpy as np
import pandas as pd
from sklearn.covariance import OAS, EmpiricalCovariance, LedoitWolf

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "estimate")
SHARED = os.environ.get("KEEL_SHARED_DATA_DIR", os.path.join(REPO, "..", "shared", "data"))


# ---------------------------------------------------------------- output with 17 digits
def fmt_number(x):
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return "null"
    return format(x, ".17g")


def to_json(obj, indent=0):
    pad = " " * indent
    if isinstance(obj, dict):
        items = [f'{pad}  "{k}": {to_json(v, indent + 2).lstrip()}' for k, v in obj.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, np.ndarray):
        obj = obj.tolist()
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (list, tuple)):
            rows = [pad + "  [" + ", ".join(fmt_number(v) for v in row) + "]" for row in obj]
            return pad + "[\n" + ",\n".join(rows) + "\n" + pad + "]"
        if obj and isinstance(obj[0], str):
            return pad + "[" + ", ".join(json.dumps(v) for v in obj) + "]"
        return pad + "[" + ", ".join(fmt_number(v) for v in obj) + "]"
    if isinstance(obj, str):
        return pad + json.dumps(obj)
    if isinstance(obj, (bool, np.bool_)):
        return pad + ("true" if obj else "false")
    if isinstance(obj, (int, np.integer)):
        return pad + str(int(obj))
    return pad + fmt_number(obj)


def write(name, document):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        f.write(to_json(document) + "\n")
    print("wrote", os.path.join(OUT, name))


# ---------------------------------------------------------------- independent references
def lw_constant_correlation(x):
    """Ledoit & Wolf (2004) 'Honey, I shrunk the sample covariance matrix', covCor.m (2004):
    demeaned returns, T-divided sample covariance, shrinkage = max(0, min(1, kappa / T))."""
    t, n = x.shape
    x = x - x.mean(axis=0)
    sample = x.T @ x / t
    var = np.diag(sample).reshape(-1, 1)
    sqrtvar = np.sqrt(var)
    rbar = (np.sum(sample / (sqrtvar @ sqrtvar.T)) - n) / (n * (n - 1))
    prior = rbar * (sqrtvar @ sqrtvar.T)
    np.fill_diagonal(prior, var.ravel())
    y = x**2
    phi_mat = y.T @ y / t - sample**2
    phi = phi_mat.sum()
    term1 = (x**3).T @ x / t
    help_ = x.T @ x / t
    help_diag = np.diag(help_).reshape(-1, 1)
    term2 = np.tile(help_diag, (1, n)) * sample
    term3 = help_ * np.tile(var, (1, n))
    term4 = np.tile(var, (1, n)) * sample
    theta_mat = term1 - term2 - term3 + term4
    np.fill_diagonal(theta_mat, 0.0)
    rho = np.sum(np.diag(phi_mat)) + rbar * np.sum(((1.0 / sqrtvar) @ sqrtvar.T) * theta_mat)
    gamma = np.linalg.norm(sample - prior, "fro") ** 2
    kappa = (phi - rho) / gamma
    shrinkage = max(0.0, min(1.0, kappa / t))
    return shrinkage * prior + (1 - shrinkage) * sample, shrinkage


def lw_single_factor(x):
    """Ledoit & Wolf (2003) single-index target, covMarket.m: equal-weighted market of the
    demeaned returns, T-divided covariance."""
    t, n = x.shape
    x = x - x.mean(axis=0)
    xmkt = x.mean(axis=1).reshape(-1, 1)
    sample = np.cov(np.hstack([x, xmkt]), rowvar=False) * (t - 1) / t
    covmkt = sample[:n, n].reshape(-1, 1)
    varmkt = sample[n, n]
    sample = sample[:n, :n]
    prior = covmkt @ covmkt.T / varmkt
    np.fill_diagonal(prior, np.diag(sample))
    c = np.linalg.norm(sample - prior, "fro") ** 2
    y = x**2
    p = np.sum(y.T @ y) / t - np.sum(sample**2)
    rdiag = np.sum(y**2) / t - np.sum(np.diag(sample) ** 2)
    z = x * np.tile(xmkt, (1, n))
    v1 = y.T @ z / t - np.tile(covmkt, (1, n)) * sample
    roff1 = (np.sum(v1 * np.tile(covmkt, (1, n)).T) / varmkt
             - np.sum(np.diag(v1) * covmkt.ravel()) / varmkt)
    v3 = z.T @ z / t - varmkt * sample
    roff3 = (np.sum(v3 * (covmkt @ covmkt.T)) / varmkt**2
             - np.sum(np.diag(v3) * covmkt.ravel() ** 2) / varmkt**2)
    r = rdiag + 2 * roff1 - roff3
    shrinkage = max(0.0, min(1.0, (p - r) / c / t))
    return shrinkage * prior + (1 - shrinkage) * sample, shrinkage


def hilbert_epanechnikov_exact(x):
    """The Hftemp line of analytical_shrinkage.m,
        (-3/10/pi) x + (3/4/sqrt(5)/pi) (1 - x^2/5) log|(sqrt(5) - x)/(sqrt(5) + x)|,
    evaluated in 60-digit arithmetic (mpmath): for |x| >> sqrt(5) the two terms cancel to O(1/x)
    and double precision keeps no correct digit when the spectrum is widely spread (crypto panels
    with stablecoins)."""
    mpmath.mp.dps = 60
    s5 = mpmath.sqrt(5)
    out = np.empty_like(x)
    for idx, v in np.ndenumerate(x):
        xv = mpmath.mpf(float(v))
        if abs(xv) == s5:
            out[idx] = float(-3 * xv / (10 * mpmath.pi))
        else:
            out[idx] = float(-3 * xv / (10 * mpmath.pi) + 3 / (4 * s5 * mpmath.pi) * (1 - xv**2 / 5)
                             * mpmath.log(abs((s5 - xv) / (s5 + xv))))
    return out


def analytical_nonlinear_shrinkage(y):
    """Ledoit & Wolf (2020) analytical_shrinkage.m, demeaned (k = 1, n = T - 1)."""
    big_n, p = y.shape
    y = y - y.mean(axis=0)
    n = big_n - 1
    sample = y.T @ y / n
    sample = (sample + sample.T) / 2
    lam, u = np.linalg.eigh(sample)
    order = np.argsort(lam)
    lam, u = lam[order], u[:, order]
    lam = lam[max(0, p - n):]
    L = np.tile(lam.reshape(-1, 1), (1, min(p, n)))
    h = n ** (-1.0 / 3.0)
    H = h * L.T
    x = (L - L.T) / H
    ftilde = (3 / 4 / np.sqrt(5)) * np.mean(np.maximum(1 - x**2 / 5, 0) / H, axis=1)
    hftemp = hilbert_epanechnikov_exact(x)
    hftilde = np.mean(hftemp / H, axis=1)
    if p <= n:
        c = p / n
        dtilde = lam / ((np.pi * c * lam * ftilde) ** 2 + (1 - c - np.pi * c * lam * hftilde) ** 2)
    else:
        hftilde0 = (1 / np.pi) * (3 / 10 / h**2 + 3 / 4 / np.sqrt(5) / h * (1 - 1 / 5 / h**2)
                                  * np.log((1 + np.sqrt(5) * h) / (1 - np.sqrt(5) * h))) * np.mean(1 / lam)
        dtilde0 = 1 / (np.pi * (p - n) / n * hftilde0)
        dtilde1 = lam / (np.pi**2 * lam**2 * (ftilde**2 + hftilde**2))
        dtilde = np.concatenate([dtilde0 * np.ones(p - n), dtilde1])
    return u @ np.diag(dtilde) @ u.T


def pypfopt_is_psd(m):
    try:
        np.linalg.cholesky(m + 1e-16 * np.eye(len(m)))
        return True
    except np.linalg.LinAlgError:
        return False


def pypfopt_spectral_fix(m):
    if pypfopt_is_psd(m):
        return m, False
    q, v = np.linalg.eigh(m)
    q = np.where(q > 0, q, 0)
    return v @ np.diag(q) @ v.T, True


def geometric_mean(returns_df, ppy):
    """PyPortfolioOpt mean_historical_return(compounding=True) on a returns DataFrame."""
    return ((1 + returns_df).prod() ** (ppy / returns_df.count()) - 1).to_numpy()


def estimators(x):
    """All the covariance / expected-return references for one T x N matrix."""
    t, n = x.shape
    df = pd.DataFrame(x)
    out = {}
    out["sample"] = {"matrix": np.cov(x, rowvar=False)}
    out["empirical_sklearn"] = {"matrix": EmpiricalCovariance().fit(x).covariance_}
    lw = LedoitWolf().fit(x)
    out["ledoit_wolf"] = {"shrinkage": lw.shrinkage_, "matrix": lw.covariance_}
    oa = OAS().fit(x)
    out["oas"] = {"shrinkage": oa.shrinkage_, "matrix": oa.covariance_}
    m, s = lw_constant_correlation(x)
    out["ledoit_wolf_constant_correlation"] = {"shrinkage": s, "matrix": m}
    m, s = lw_single_factor(x)
    out["ledoit_wolf_single_factor"] = {"shrinkage": s, "matrix": m}
    if t - 1 >= 12:
        out["nonlinear_shrinkage"] = {"matrix": analytical_nonlinear_shrinkage(x)}
    # pandas EWMA covariance at the last row, halflife 20 periods, with and without bias.
    for bias in (True, False):
        cov = df.ewm(halflife=20.0, adjust=True).cov(bias=bias)
        last = cov.loc[df.index[-1]].to_numpy()
        out["ewma_halflife20_bias" if bias else "ewma_halflife20_unbiased"] = {"matrix": last}
    # PyPortfolioOpt exp_cov (before annualisation): ((x - mean)(y - mean)).ewm(span).mean().
    span = 30.0
    centred = df - df.mean()
    pm = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            pm[i, j] = (centred[i] * centred[j]).ewm(span=span).mean().iloc[-1]
    out["ewma_span30_sample_mean"] = {"matrix": pm}
    # RiskMetrics lambda = 0.94, no demeaning: sum w r r' / sum w.
    w = 0.94 ** np.arange(t - 1, -1, -1)
    out["ewma_lambda094_zero_mean"] = {"matrix": (x * w[:, None]).T @ x / w.sum()}
    # PyPortfolioOpt semicovariance (before annualisation), benchmark 0.0001 per period.
    drops = np.fmin(x - 0.0001, 0)
    out["semicovariance_b0001"] = {"matrix": drops.T @ drops / t}

    # Expected returns, periods_per_year = 365.
    ppy = 365.0
    er = {}
    er["mean"] = df.mean().to_numpy() * ppy
    er["geometric"] = geometric_mean(df, ppy)
    ema = df.ewm(span=50.0, adjust=True).mean().iloc[-1].to_numpy()
    er["ewma_span50_compounding"] = (1 + ema) ** ppy - 1
    er["ewma_span50_simple"] = ema * ppy
    rf = 0.02
    mkt = df.mean(axis=1)
    joined = df.copy()
    joined["mkt"] = mkt
    cov = joined.cov()
    betas = (cov["mkt"] / cov.loc["mkt", "mkt"]).drop("mkt").to_numpy()
    mkt_ret = (1 + mkt).prod() ** (ppy / mkt.count()) - 1
    er["capm_rf002"] = rf + betas * (mkt_ret - rf)
    er["capm_betas"] = betas
    if n >= 4:
        mu = x.mean(axis=0)
        grand = mu.mean()
        avg_var = np.trace(np.cov(x, rowvar=False)) / n
        c = min(1.0, (n - 3) * avg_var / (t * np.sum((mu - grand) ** 2)))
        er["james_stein"] = (grand + (1 - c) * (mu - grand)) * ppy
        er["james_stein_shrinkage"] = [c]
    caps = np.arange(1, n + 1, dtype=float) ** 2
    er["equilibrium_caps"] = caps
    er["equilibrium_delta2_rf002"] = 2.0 * (np.cov(x, rowvar=False) * ppy) @ (caps / caps.sum()) + rf
    return out, er


# ---------------------------------------------------------------- cases
def seeded_case(name, t, n, seed):
    rng = np.random.default_rng(seed)
    k = min(3, n)
    loadings = rng.normal(0.0, 1.0, size=(n, k)) * np.array([0.02, 0.01, 0.005][:k])
    factors = rng.standard_t(df=4, size=(t, k)) / np.sqrt(2.0)
    noise = rng.standard_t(df=5, size=(t, n)) * rng.uniform(0.005, 0.03, size=n)
    x = factors @ loadings.T + noise + rng.uniform(-0.001, 0.002, size=n)
    cov, er = estimators(x)
    write(f"{name}.json", {"name": name, "rows": t, "cols": n, "seed": seed, "returns": x,
                           "covariance": cov, "expected_returns": er})


def crypto_case():
    path = os.path.join(SHARED, "crypto_cmc_top120", "prices_close_usd.csv")
    if not os.path.exists(path):
        print("skipping crypto panel: no", path, file=sys.stderr)
        return
    prices = pd.read_csv(path, index_col=0)
    window = prices.loc["2021-01-01":"2023-12-31"]
    full = [c for c in window.columns if window[c].notna().all()]
    assets = full[:20]
    returns = window[assets].pct_change().iloc[1:]
    x = returns.to_numpy()
    cov, er = estimators(x)
    write("crypto_top20_2021_2023.json", {
        "name": "crypto_top20_2021_2023",
        "source": "crypto_cmc_top120/prices_close_usd.csv",
        "selection": "first 20 columns (CoinMarketCap rank order) with a close on every day "
                     "2021-01-01..2023-12-31; simple returns p_t/p_{t-1} - 1 from 2021-01-02",
        "start": "2021-01-01", "end": "2023-12-31", "assets": assets,
        "rows": x.shape[0], "cols": x.shape[1], "covariance": cov, "expected_returns": er})


def pypfopt_case():
    path = os.path.join(SHARED, "reference", "pyportfolioopt", "stock_prices.csv")
    if not os.path.exists(path):
        print("skipping PyPortfolioOpt stock prices: no", path, file=sys.stderr)
        return
    prices = pd.read_csv(path, index_col=0)
    # returns_from_prices: pct_change().dropna(how="all"); no internal holes in this file.
    returns = prices.pct_change().dropna(how="all")
    mu = geometric_mean(returns, 252)
    raw = returns.cov().to_numpy() * 252
    fixed, changed = pypfopt_spectral_fix(raw)
    write("pyportfolioopt_stock_prices.json", {
        "name": "pyportfolioopt_stock_prices",
        "source": "reference/pyportfolioopt/stock_prices.csv",
        "assets": list(prices.columns), "rows": returns.shape[0],
        "geometric_mean_252": mu, "pairwise_cov_252": raw,
        "pairwise_cov_252_spectral": fixed, "spectral_fix_applied": bool(changed),
        "raw_min_eigenvalue": float(np.linalg.eigvalsh(raw).min())})


def psd_case():
    """An indefinite 'correlation' (pairwise-style) and PyPortfolioOpt's spectral fix of it."""
    a = np.array([[1.0, 0.9, 0.7, -0.2],
                  [0.9, 1.0, -0.4, 0.3],
                  [0.7, -0.4, 1.0, 0.8],
                  [-0.2, 0.3, 0.8, 1.0]])
    fixed, changed = pypfopt_spectral_fix(a)
    write("psd_spectral.json", {"name": "psd_spectral", "matrix": a, "fixed": fixed,
                                "changed": bool(changed),
                                "eigenvalues": np.linalg.eigvalsh(a)})


if __name__ == "__main__":
    seeded_case("seeded_t60_n10", 60, 10, 11)
    seeded_case("seeded_t200_n30", 200, 30, 12)
    seeded_case("seeded_t25_n40", 25, 40, 13)
    seeded_case("seeded_t500_n5", 500, 5, 14)
    crypto_case()
    pypfopt_case()
    psd_case()
