#!/usr/bin/python3
"""Fixtures for keel's probabilistic and deflated Sharpe ratios (src/backtest/sweep.cpp).

Independent computation with numpy and scipy.stats (not Keel):
  SR   = (mean(r) - 0) / std(r, ddof=1)                        per period
  skew = scipy.stats.skew(r)            (bias=True: population moments)
  kurt = scipy.stats.kurtosis(r, fisher=False)  (3 for a normal)
  PSR(SR*) = Phi((SR - SR*) sqrt(n-1) / sqrt(1 - skew SR + (kurt-1)/4 SR^2))
  SR0  = sqrt(V) ((1-g) Phi^-1(1-1/N) + g Phi^-1(1-1/(N e))),  g = Euler-Mascheroni, V = var(SRs, ddof=1)
  DSR  = PSR(SR0) of the trial with the highest SR
Bailey & Lopez de Prado, "The Deflated Sharpe Ratio", J. Portfolio Management 40(5), 2014, eq. (9)-(10);
their numerical example (annual SR 2.5, V = 0.5 annualised, N = 100, T = 1250 daily observations,
skew -3, kurtosis 10, 250 days a year) is reproduced as `paper_example`; the paper reports DSR ~ 0.90.

Regenerate: /usr/bin/python3 tests/data/sweep/make_fixtures.py > tests/data/sweep/deflated_sharpe.json
"""
import json

import numpy as np
import scipy
from scipy import stats

GAMMA = float(np.euler_gamma)


def psr(sr, sr_star, n, skew, kurt):
    return float(stats.norm.cdf((sr - sr_star) * np.sqrt(n - 1) /
                                np.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr * sr)))


def sr0(variance, trials):
    return float(np.sqrt(variance) * ((1 - GAMMA) * stats.norm.ppf(1 - 1 / trials) +
                                      GAMMA * stats.norm.ppf(1 - 1 / (trials * np.e))))


rng = np.random.default_rng(20140101)
trials = []
for k in range(8):
    n = 300
    # Skewed, fat-tailed daily returns: a drift per trial plus Student-t noise and a jump term.
    r = 0.0004 * k + 0.01 * rng.standard_t(5, n) - 0.02 * (rng.random(n) < 0.02)
    sr = float(r.mean() / r.std(ddof=1))
    trials.append({
        "net_returns": [0.0] + [float(x) for x in r],  # row 0 = the start, as in a backtest
        "sharpe_per_period": sr,
        "skewness": float(stats.skew(r)),
        "kurtosis": float(stats.kurtosis(r, fisher=False)),
        "observations": n,
        "psr": psr(sr, 0.0, n, float(stats.skew(r)), float(stats.kurtosis(r, fisher=False))),
    })
srs = np.array([t["sharpe_per_period"] for t in trials])
best = int(np.argmax(srs))
variance = float(srs.var(ddof=1))
expected_max = sr0(variance, len(trials))
b = trials[best]
dsr = psr(b["sharpe_per_period"], expected_max, b["observations"], b["skewness"], b["kurtosis"])

paper_sr = 2.5 / np.sqrt(250)
paper_sr0 = sr0(0.5 / 250, 100)
paper = {
    "sharpe_per_period": paper_sr, "variance": 0.5 / 250, "trials": 100, "observations": 1250,
    "skewness": -3.0, "kurtosis": 10.0, "expected_max": paper_sr0,
    "dsr": psr(paper_sr, paper_sr0, 1250, -3.0, 10.0),
}

print(json.dumps({
    "provenance": "tests/data/sweep/make_fixtures.py: numpy " + np.__version__ + ", scipy " +
                  scipy.__version__ + "; Bailey & Lopez de Prado (2014) eq. (9)-(10)",
    "trials": trials,
    "best": best,
    "variance": variance,
    "expected_max": expected_max,
    "psr_best": b["psr"],
    "dsr": dsr,
    "paper_example": paper,
}, indent=1))
