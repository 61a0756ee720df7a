#!/usr/bin/python3
"""Regenerates tests/reference/copula/: SciPy reference values for the distribution functions and
the copula fits tested in tests/estimate/copula_test.cpp.

    /usr/bin/python3 tests/reference/make_copula_fixtures.py    (Debian python3 with SciPy)

Outputs
  distributions.csv  function,a,b,c,expected for
      normal_cdf(x) = scipy.special.ndtr, normal_quantile(p) = ndtri,
      t_cdf(x, nu) = stdtr(nu, x), t_quantile_scipy(p, nu) = stdtrit(nu, p) (cdflib, only ~1e-10
      accurate: stdtrit(1, 0.25) = -1.0000000000134 for the exact -1), and t_quantile(p, nu)
      refined from SciPy's value by Newton steps in mpmath at 50 digits (t CDF = regularised
      incomplete beta),
      ibeta(x, a, b) = betainc(a, b, x), digamma(x) = psi.
  tcopula_data.csv   500 x 3 seeded draws from a t copula (nu = 5) with non-normal margins.
  tcopula_fit.csv    the fit by Kendall's-tau inversion as Keel defines it, computed with SciPy:
      tau_ij = scipy.stats.kendalltau (tau-b), rho_ij = sin(pi tau / 2), then the degrees of
      freedom maximising the t-copula log-likelihood on pseudo-observations rank / (T + 1)
      (scipy.stats.multivariate_t and t), by bounded Brent on [1, 200]; and the log-likelihood.
  ties.csv           a small data set with tied values and scipy's tau-b for each column pair.
"""
import os

import numpy as np
import mpmath
from scipy import optimize, special, stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "copula")
os.makedirs(OUT, exist_ok=True)


def mp_t_quantile(p, nu):
    if p == 0.5:
        return 0.0
    mpmath.mp.dps = 50
    nu_m = mpmath.mpf(nu)
    p_m = mpmath.mpf(p)

    def cdf(x):
        tail = mpmath.betainc(nu_m / 2, mpmath.mpf(1) / 2, 0, nu_m / (nu_m + x * x),
                              regularized=True) / 2
        return tail if x < 0 else 1 - tail

    def pdf(x):
        return (mpmath.gamma((nu_m + 1) / 2) / (mpmath.sqrt(nu_m * mpmath.pi) * mpmath.gamma(nu_m / 2))
                * (1 + x * x / nu_m) ** (-(nu_m + 1) / 2))

    x = mpmath.mpf(special.stdtrit(nu, p))
    for _ in range(30):
        step = (cdf(x) - p_m) / pdf(x)
        x -= step
        if abs(step) < abs(x) * mpmath.mpf(10) ** -40:
            break
    return float(x)


def write_distributions():
    rows = []
    for x in [-40.0, -38.0, -20.0, -8.0, -5.0, -2.5, -1.0, -1e-3, 0.0, 0.3, 1.0, 1.96, 3.0, 6.0, 8.0]:
        rows.append(("normal_cdf", x, 0.0, 0.0, special.ndtr(x)))
    for p in [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.025, 0.1, 0.3, 0.5, 0.6, 0.975,
              0.999, 1 - 1e-10, 1 - 1e-16]:
        rows.append(("normal_quantile", p, 0.0, 0.0, special.ndtri(p)))
    for nu in [0.5, 1.0, 2.0, 2.5, 3.0, 4.0, 7.3, 30.0, 1000.0]:
        for x in [-1e4, -50.0, -10.0, -3.0, -1.0, -0.1, 0.0, 0.5, 2.0, 4.0, 20.0]:
            rows.append(("t_cdf", x, nu, 0.0, special.stdtr(nu, x)))
        for p in [1e-12, 1e-6, 1e-3, 0.01, 0.05, 0.25, 0.5, 0.7, 0.95, 0.999, 1 - 1e-9]:
            rows.append(("t_quantile_scipy", p, nu, 0.0, special.stdtrit(nu, p)))
            rows.append(("t_quantile", p, nu, 0.0, mp_t_quantile(p, nu)))
    for a, b in [(0.5, 0.5), (1.0, 3.0), (2.5, 0.5), (10.0, 20.0), (100.0, 0.5), (500.0, 400.0)]:
        for x in [1e-6, 0.01, 0.2, 0.5, 0.55, 0.8, 0.99, 1 - 1e-9]:
            rows.append(("ibeta", x, a, b, special.betainc(a, b, x)))
    for x in [0.1, 0.5, 1.0, 1.5, 2.5, 6.0, 13.7, 100.0, 1e4]:
        rows.append(("digamma", x, 0.0, 0.0, special.psi(x)))
    with open(os.path.join(OUT, "distributions.csv"), "w") as f:
        f.write("function,a,b,c,expected\n")
        for name, a, b, c, v in rows:
            f.write(f"{name},{a!r},{b!r},{c!r},{float(v)!r}\n")


def pseudo_observations(x):
    t = x.shape[0]
    return np.column_stack([stats.rankdata(x[:, j]) for j in range(x.shape[1])]) / (t + 1.0)


def t_copula_loglik(u, rho, nu):
    x = stats.t.ppf(u, nu)
    joint = stats.multivariate_t(loc=np.zeros(rho.shape[0]), shape=rho, df=nu).logpdf(x)
    return float(np.sum(joint) - np.sum(stats.t.logpdf(x, nu)))


def write_t_copula():
    rng = np.random.default_rng(20240501)
    nu_true = 5.0
    rho_true = np.array([[1.0, 0.6, 0.3], [0.6, 1.0, 0.45], [0.3, 0.45, 1.0]])
    n_obs = 500
    z = rng.multivariate_normal(np.zeros(3), rho_true, size=n_obs)
    w = rng.chisquare(nu_true, size=n_obs)
    u = stats.t.cdf(z / np.sqrt(w / nu_true)[:, None], nu_true)
    # Non-normal margins: Student-t(3) scaled, an exponential, a lognormal.
    data = np.column_stack([0.03 * stats.t.ppf(u[:, 0], 3.0), stats.expon.ppf(u[:, 1]) - 1.0,
                            np.exp(stats.norm.ppf(u[:, 2]))])
    np.savetxt(os.path.join(OUT, "tcopula_data.csv"), data, delimiter=",", fmt="%.17g",
               header="x0,x1,x2", comments="")
    data = np.loadtxt(os.path.join(OUT, "tcopula_data.csv"), delimiter=",", skiprows=1)
    n = data.shape[1]
    tau = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            tau[i, j] = tau[j, i] = stats.kendalltau(data[:, i], data[:, j]).statistic
    rho = np.sin(np.pi * tau / 2.0)
    uu = pseudo_observations(data)
    res = optimize.minimize_scalar(lambda v: -t_copula_loglik(uu, rho, v), bounds=(1.0, 200.0),
                                   method="bounded", options={"xatol": 1e-10})
    with open(os.path.join(OUT, "tcopula_fit.csv"), "w") as f:
        f.write("quantity,i,j,value\n")
        for i in range(n):
            for j in range(n):
                f.write(f"tau,{i},{j},{tau[i, j]!r}\n")
                f.write(f"rho,{i},{j},{rho[i, j]!r}\n")
        f.write(f"nu,0,0,{float(res.x)!r}\n")
        f.write(f"loglik,0,0,{-float(res.fun)!r}\n")
        f.write(f"gaussian_loglik,0,0,{gaussian_copula_loglik(uu, rho)!r}\n")


def gaussian_copula_loglik(u, rho):
    x = stats.norm.ppf(u)
    joint = stats.multivariate_normal(mean=np.zeros(rho.shape[0]), cov=rho).logpdf(x)
    return float(np.sum(joint) - np.sum(stats.norm.logpdf(x)))


def write_ties():
    data = np.array([[1, 2, 0.5], [1, 3, 0.5], [2, 3, 0.1], [2, 1, 0.7], [3, 5, 0.7], [3, 5, 0.2],
                     [4, 4, 0.9], [5, 6, 0.9], [5, 2, 0.3], [6, 7, 0.3], [7, 7, 0.8]], dtype=float)
    with open(os.path.join(OUT, "ties.csv"), "w") as f:
        f.write("x0,x1,x2\n")
        for row in data:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    with open(os.path.join(OUT, "ties_tau.csv"), "w") as f:
        f.write("i,j,tau_b\n")
        for i in range(3):
            for j in range(i + 1, 3):
                f.write(f"{i},{j},{stats.kendalltau(data[:, i], data[:, j]).statistic!r}\n")


if __name__ == "__main__":
    write_distributions()
    write_t_copula()
    write_ties()
    print("copula fixtures written to", OUT)
