#!/usr/bin/python3
"""Reference values for the factor regressions and factor-model covariances (issue #22).

Regenerate with /usr/bin/python3 tests/data/factors/make_fixtures.py (Debian python3-numpy,
python3-statsmodels, python3-pandas). Writes regressions.json and factor_covariance.json here, and
skfolio_etf.json from ../shared/data/reference/skfolio (BSD-3, skfolio @c06db84) when present.

Every expected value comes from statsmodels or numpy, never from Keel:
- OLS:   statsmodels.api.OLS(y, add_constant(X)).fit()  -> params, bse, rsquared, rsquared_adj,
         sqrt(scale)
- WLS:   statsmodels.api.WLS(y, add_constant(X), weights=w).fit() with EWMA weights
         w_t = 0.5**((T-1-t)/half_life) computed here,
         normalised to mean 1 (Keel's residual_std convention)
- Huber: statsmodels.api.RLM(y, add_constant(X), M=HuberT(1.345)).fit(scale_est='mad',
         cov='H1', tol=1e-14, maxiter=1000) -> params, bse, scale
- factor covariance: numpy lstsq on demeaned data, np.cov for the factor covariance,
  residual sum of squares / (T-1) for the specific variances
- PCA factor covariance: numpy.linalg.eigh of np.corrcoef, top K eigenpairs
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "reference", "skfolio")


def regression_cases():
    rng = np.random.default_rng(22)
    t, k = 300, 3
    x = rng.normal(0.0, 0.02, size=(t, k))
    x[:, 1] += 0.5 * x[:, 0]  # correlated factors
    beta = np.array([1.2, -0.4, 0.3])
    noise = 0.01 * rng.standard_t(3, size=t)  # heavy tails, so Huber differs from OLS
    y = 0.0005 + x @ beta + noise
    xc = sm.add_constant(x)
    cases = []
    ols = sm.OLS(y, xc).fit()
    cases.append(dict(name="ols", method="ols", intercept=True,
                      params=ols.params.tolist(), bse=ols.bse.tolist(),
                      rsquared=ols.rsquared, rsquared_adj=ols.rsquared_adj,
                      residual_std=float(np.sqrt(ols.scale))))
    ols0 = sm.OLS(y, x).fit()
    cases.append(dict(name="ols-no-intercept", method="ols", intercept=False,
                      params=ols0.params.tolist(), bse=ols0.bse.tolist(),
                      rsquared=ols0.rsquared, rsquared_adj=ols0.rsquared_adj,
                      residual_std=float(np.sqrt(ols0.scale))))
    half_life = 60.0
    w = 0.5 ** ((t - 1 - np.arange(t)) / half_life)
    w = w / w.mean()  # params, bse and R² do not depend on the scale of w; the scale does
    wls = sm.WLS(y, xc, weights=w).fit()
    cases.append(dict(name="wls-ewma", method="wls", intercept=True, half_life=half_life,
                      params=wls.params.tolist(), bse=wls.bse.tolist(),
                      rsquared=wls.rsquared, rsquared_adj=wls.rsquared_adj,
                      residual_std=float(np.sqrt(wls.scale))))
    rlm = sm.RLM(y, xc, M=sm.robust.norms.HuberT(t=1.345)).fit(
        scale_est="mad", cov="H1", tol=1e-14, maxiter=1000)
    cases.append(dict(name="huber", method="huber", intercept=True,
                      params=rlm.params.tolist(), bse=rlm.bse.tolist(),
                      residual_std=float(rlm.scale)))
    return dict(x=x.tolist(), y=y.tolist(), cases=cases)


def factor_covariance_case():
    rng = np.random.default_rng(7)
    t, n, k = 250, 8, 3
    f = rng.normal(0.0, 0.03, size=(t, k))
    b = rng.normal(0.8, 0.4, size=(n, k))
    r = f @ b.T + rng.normal(0.0, 0.02, size=(t, n))
    fc = f - f.mean(axis=0)
    rc = r - r.mean(axis=0)
    coef, *_ = np.linalg.lstsq(fc, rc, rcond=None)  # K x N
    resid = rc - fc @ coef
    omega = np.cov(f, rowvar=False, ddof=1)
    d = (resid ** 2).sum(axis=0) / (t - 1)
    sigma = coef.T @ omega @ coef + np.diag(d)
    # PCA on the correlation of r, K = 2
    s = np.cov(r, rowvar=False, ddof=1)
    vol = np.sqrt(np.diag(s))
    corr = np.corrcoef(r, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    kp = 2
    common = (vecs[:, :kp] * vals[:kp]) @ vecs[:, :kp].T
    sigma_pca = np.outer(vol, vol) * common + np.diag(np.diag(s) - np.diag(np.outer(vol, vol) * common))
    return dict(returns=r.tolist(), factors=f.tolist(), loadings=coef.T.tolist(),
                factor_covariance=omega.tolist(), specific_variance=d.tolist(),
                covariance=sigma.tolist(), pca_factors=kp, pca_covariance=sigma_pca.tolist(),
                pca_eigenvalues=vals.tolist())


def skfolio_case():
    factors_path = os.path.join(SHARED, "factors_dataset.csv.gz")
    stocks_path = os.path.join(SHARED, "sp500_dataset.csv.gz")
    if not (os.path.exists(factors_path) and os.path.exists(stocks_path)):
        return None
    fp = pd.read_csv(factors_path, parse_dates=["Date"], index_col="Date")
    sp = pd.read_csv(stocks_path, parse_dates=["Date"], index_col="Date")
    fr = fp.pct_change().iloc[1:]
    sr = sp[["AAPL", "JPM", "XOM"]].pct_change().iloc[1:]
    common = fr.index.intersection(sr.index)
    fr, sr = fr.loc[common], sr.loc[common]
    out = dict(source="skfolio factors_dataset.csv.gz + sp500_dataset.csv.gz, simple returns",
               factors=list(fr.columns), rows=len(common),
               first=str(common[0].date()), last=str(common[-1].date()), assets={})
    xc = sm.add_constant(fr.values)
    for a in sr.columns:
        fit = sm.OLS(sr[a].values, xc).fit()
        out["assets"][a] = dict(params=fit.params.tolist(), bse=fit.bse.tolist(),
                                rsquared=fit.rsquared)
    return out


def main():
    provenance = dict(script="tests/data/factors/make_fixtures.py",
                      statsmodels=statsmodels.__version__, numpy=np.__version__)
    with open(os.path.join(HERE, "regressions.json"), "w") as fh:
        json.dump(dict(provenance=provenance, **regression_cases()), fh, indent=1)
    with open(os.path.join(HERE, "factor_covariance.json"), "w") as fh:
        json.dump(dict(provenance=provenance, **factor_covariance_case()), fh, indent=1)
    sk = skfolio_case()
    if sk is not None:
        with open(os.path.join(HERE, "skfolio_etf.json"), "w") as fh:
            json.dump(dict(provenance=provenance, **sk), fh, indent=1)


if __name__ == "__main__":
    main()
