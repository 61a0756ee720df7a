#!/usr/bin/python3
"""Fits the parameters of Keel's market simulator (src/data/simulator.cpp) to real crypto data.

Run with the Debian interpreter (numpy, pandas, scipy):

    /usr/bin/python3 scripts/calibrate_simulator.py [--data ../shared/data] [--out src/data/simulator_calibration.hpp]

It reads the files under ../shared/data (see its README.md) and writes only derived figures into the
generated C++ header; no row of the data is copied into the repository.

Data used:
  crypto_cmc_top120/prices_close_usd.csv   daily closes (USD), 120 coins
  crypto_cmc_top120/market_cap_usd.csv     daily market caps (USD, 0 = unknown)
  crypto_binance_spot_daily/ohlcv_long.csv.gz   daily quote volumes (USDT), 44 pairs
  liquidity_lean/crypto/coinbase/daily/btcusd_quote.csv   daily BTC-USD bid/ask bars

Crash days are defined once, on BTC: a day belongs to a crash window when it lies inside some
14-day window whose cumulative BTC log return is below -0.25 (a fall of more than 22%).
"""

import argparse
import os
import textwrap

import numpy as np
import pandas as pd
from scipy import optimize, signal, special

WINDOW_START = "2018-01-01"
WINDOW_END = "2024-02-02"
CRASH_WINDOW_DAYS = 14
CRASH_THRESHOLD = -0.25
STABLECOINS = ["USDT", "USDC", "DAI", "TUSD", "USDD", "FDUSD"]
NOT_CRYPTO_BETA = ["XAUt", "PAXG"] + STABLECOINS  # gold tokens and stablecoins
# Alts with a full history over the window (checked in the script), used for cross-sectional figures.
MIN_ALT_DAYS = 1500


def crash_flags(btc_log_returns):
    rolling = btc_log_returns.rolling(CRASH_WINDOW_DAYS).sum()
    flag = np.zeros(len(btc_log_returns), dtype=bool)
    for t in np.where(rolling.values < CRASH_THRESHOLD)[0]:
        flag[t - CRASH_WINDOW_DAYS + 1 : t + 1] = True
    return pd.Series(flag, index=btc_log_returns.index)


def garch_variance(r, omega, alpha, beta):
    """h[0] = var(r), h[t] = omega + alpha r[t-1]^2 + beta h[t-1], as a linear filter."""
    h = np.empty(len(r))
    h[0] = r.var()
    x = omega + alpha * r[:-1] ** 2
    h[1:], _ = signal.lfilter([1.0], [1.0, -beta], x, zi=[beta * h[0]])
    return h


def garch_t_negloglik(params, r):
    """Negative log-likelihood of a zero-mean GARCH(1,1) with standardised Student-t innovations."""
    omega, alpha, beta, nu = params
    if omega <= 0 or alpha < 0 or beta < 0 or alpha + beta >= 0.9999 or nu <= 2.05:
        return 1e10
    h = garch_variance(r, omega, alpha, beta)
    z2 = r**2 / h
    const = special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2) - 0.5 * np.log(np.pi * (nu - 2))
    ll = const - 0.5 * np.log(h) - (nu + 1) / 2 * np.log1p(z2 / (nu - 2))
    return -ll.sum()


def fit_garch_t(r):
    var = r.var()
    best = None
    for a0, b0 in [(0.05, 0.90), (0.10, 0.85), (0.15, 0.80)]:
        x0 = [var * (1 - a0 - b0), a0, b0, 4.0]
        res = optimize.minimize(garch_t_negloglik, x0, args=(r,), method="Nelder-Mead",
                                options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-8})
        if best is None or res.fun < best.fun:
            best = res
    return best.x


def average_pairwise_correlation(frame):
    c = frame.corr().values
    n = c.shape[0]
    return (c.sum() - n) / (n * (n - 1))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data"))
    parser.add_argument("--out", default=os.path.join(here, "..", "src", "data", "simulator_calibration.hpp"))
    args = parser.parse_args()
    data = args.data
    values = []  # (name, value, comment)

    def put(name, value, comment):
        values.append((name, float(value), comment))

    prices = pd.read_csv(os.path.join(data, "crypto_cmc_top120", "prices_close_usd.csv"),
                         index_col=0, parse_dates=True)
    caps = pd.read_csv(os.path.join(data, "crypto_cmc_top120", "market_cap_usd.csv"),
                       index_col=0, parse_dates=True).replace(0.0, np.nan)
    logret_all = np.log(prices).diff()
    logret = logret_all.loc[WINDOW_START:WINDOW_END]
    btc = logret["BTC"].dropna()
    crash = crash_flags(logret_all["BTC"]).loc[WINDOW_START:WINDOW_END]
    calm = ~crash
    src_cmc = f"cmc_top120/prices_close_usd.csv {WINDOW_START}..{WINDOW_END}"

    # --- market factor (BTC) -------------------------------------------------------------------
    put("kMarketMeanPerDay", btc[calm].mean(),
        f"BTC mean daily log return on calm days; {src_cmc}")
    put("kMarketVolPerDay", btc[calm].std(),
        f"BTC daily log-return volatility on calm days; {src_cmc}")
    put("kCrashMarketMeanPerDay", btc[crash].mean(),
        f"BTC mean daily log return on crash days (14-day window below -0.25 log); {src_cmc}")
    put("kCrashMarketVolPerDay", btc[crash].std(),
        f"BTC daily log-return volatility on crash days; {src_cmc}")
    omega, alpha, beta, nu = fit_garch_t((btc - btc.mean()).values)
    # BTC's fit sits at the integrated boundary (alpha + beta -> 1, as usual for BTC); the simulator
    # uses alpha and caps the persistence (see SimulatorOptions::volatility_persistence).
    put("kGarchAlpha", alpha, f"GARCH(1,1)-t MLE on demeaned BTC daily log returns, ARCH term; {src_cmc}")
    put("kGarchBeta", beta, f"GARCH(1,1)-t MLE on BTC, GARCH term (persistence = alpha + beta); {src_cmc}")
    put("kStudentDof", nu, f"GARCH(1,1)-t MLE on BTC, Student-t degrees of freedom; {src_cmc}")
    demeaned = (btc - btc.mean()).values
    h = garch_variance(demeaned, omega, alpha, beta)
    standardized = np.abs(demeaned / np.sqrt(h))
    worst_day = btc.index[int(np.argmax(standardized))].date()
    put("kMaxStandardizedResidual", standardized.max(),
        f"largest |BTC log return| in conditional sds of that GARCH-t fit ({worst_day}); {src_cmc}")
    b = btc.values
    put("kBtcExcessKurtosis", ((b - b.mean()) ** 4).mean() / b.var() ** 2 - 3.0,
        f"BTC daily log-return excess kurtosis (checked against, not used); {src_cmc}")

    # --- regime switching ------------------------------------------------------------------------
    c = crash.values
    starts = int(np.sum(c[1:] & ~c[:-1]) + c[0])
    crash_days = int(c.sum())
    calm_days = len(c) - crash_days
    put("kCrashEnterProbPerDay", starts / calm_days,
        f"episodes ({starts}) / calm days ({calm_days}): daily calm->crash probability; {src_cmc}")
    put("kCrashExitProbPerDay", starts / crash_days,
        f"episodes / crash days ({crash_days}): daily crash->calm probability (1 / mean duration)")

    # --- cross-section: betas, idiosyncratic vol, correlations ----------------------------------
    alts = [s for s in logret.columns
            if s != "BTC" and s not in NOT_CRYPTO_BETA and logret[s].count() >= MIN_ALT_DAYS]
    betas, idio_calm, idio_crash, alphas = [], [], [], []
    residuals = {}
    for s in alts:
        y = logret[s]
        ok = y.notna() & logret["BTC"].notna()
        # Listing-day artefacts and redenominations produce absurd returns; drop |r| > 1.5 (a 78% day).
        ok &= y.abs() < 1.5
        x = logret["BTC"][ok]
        yy = y[ok]
        beta_s = np.cov(x, yy)[0, 1] / x.var()
        alpha_s = yy.mean() - beta_s * x.mean()
        e = yy - alpha_s - beta_s * x
        betas.append(beta_s)
        alphas.append(alpha_s)
        idio_calm.append(e[calm[ok]].std())
        idio_crash.append(e[crash[ok]].std())
        residuals[s] = e
    src_alts = f"{len(alts)} non-stable alts with >= {MIN_ALT_DAYS} days in {src_cmc}"
    put("kAltCount", len(alts), f"number of alts used in the cross-sectional figures below; {src_alts}")
    put("kBetaMedian", np.median(betas), f"median OLS beta of alt log returns on BTC; {src_alts}")
    put("kBetaLogSd", np.std(np.log(np.clip(betas, 0.2, None))),
        f"cross-sectional sd of log beta; {src_alts}")
    put("kAltAlphaMedianPerDay", np.median(alphas),
        f"median OLS intercept (daily log return not explained by BTC); {src_alts}")
    put("kAltAlphaSdPerDay", 0.5 * np.std(alphas),
        f"half the cross-sectional sd of the intercepts (half: the rest is estimation noise); {src_alts}")
    put("kIdioVolPerDay", np.median(idio_calm),
        f"median residual daily vol on calm days (market-model residuals); {src_alts}")
    put("kIdioVolLogSd", np.std(np.log(idio_calm)),
        f"cross-sectional sd of log residual vol; {src_alts}")
    put("kCrashIdioVolMultiplier", np.median(np.array(idio_crash) / np.array(idio_calm)),
        f"median ratio of residual vol crash/calm; {src_alts}")
    fits = np.array([fit_garch_t((e - e.mean()).values) for e in residuals.values()])
    put("kIdioGarchAlpha", np.median(fits[:, 1]),
        f"median ARCH term of GARCH(1,1)-t fits to each alt's market-model residuals; {src_alts}")
    put("kIdioGarchPersistence", np.median(fits[:, 1] + fits[:, 2]),
        f"median alpha + beta of those fits; {src_alts}")
    put("kIdioStudentDof", np.median(fits[:, 3]), f"median Student-t dof of those fits; {src_alts}")
    panel = logret[alts].where(logret[alts].abs() < 1.5)
    put("kCalmAverageCorrelation", average_pairwise_correlation(panel[calm.values]),
        f"average pairwise correlation of daily log returns on calm days; {src_alts}")
    put("kCrashAverageCorrelation", average_pairwise_correlation(panel[crash.values]),
        f"average pairwise correlation on crash days; {src_alts}")
    put("kResidualAverageCorrelation", average_pairwise_correlation(pd.DataFrame(residuals)),
        f"average pairwise correlation of market-model residuals (sector factors carry this); {src_alts}")

    # --- jumps: idiosyncratic days beyond 5 rolling sds ------------------------------------------
    big, total, sizes = 0, 0, []
    for s, e in residuals.items():
        sd = e.rolling(60, min_periods=30).std().shift(1)
        z = (e / sd).dropna()
        sel = z.abs() > 5
        big += int(sel.sum())
        total += len(z)
        sizes.extend(e[z.index][sel].values)
    put("kJumpProbPerDay", big / total,
        f"share of residual days beyond 5 trailing 60-day sds (jump days); {src_alts}")
    put("kJumpSizeSd", np.sqrt(np.mean(np.square(sizes))),
        f"root mean square log size of those residual jumps; {src_alts}")

    # --- stablecoins -----------------------------------------------------------------------------
    devs, phis, sds = [], [], []
    for s in ["USDT", "USDC"]:
        dev = (prices[s].loc["2021-01-01":WINDOW_END] - 1.0).dropna()
        dev = dev[dev.abs() < 0.02]  # outside de-peg episodes
        phi = np.corrcoef(dev.values[1:], dev.values[:-1])[0, 1]
        phis.append(phi)
        sds.append(dev.std())
    put("kStableDeviationSd", np.mean(sds),
        "sd of daily (price - 1) for USDT and USDC, 2021-01-01..2024-02-02, |dev| < 2%; cmc_top120")
    put("kStableDeviationAr1", np.mean(phis),
        "lag-1 autocorrelation of (price - 1), same data: mean reversion of the peg")
    put("kDepegLowObserved", prices["USDC"].loc["2023-03-01":"2023-03-31"].min(),
        "USDC lowest daily close in March 2023 (the de-peg; intraday it touched 0.88); cmc_top120")
    luna = prices["LUNC"].loc["2022-05-01":"2022-05-31"]
    put("kCollapseDrawdown", luna.min() / luna.iloc[:8].max() - 1.0,
        "LUNC fall from its May-2022 high to its May-2022 low (the Terra collapse); cmc_top120")
    pre = prices["LUNC"].loc["2022-05-07"]
    put("kCollapseDays", int((prices["LUNC"].loc["2022-05-07":"2022-05-31"] > pre * 1e-3).sum()),
        "days from 2022-05-07 until LUNC traded below 0.1% of its 05-07 close; cmc_top120")

    # --- listings and market caps ----------------------------------------------------------------
    first = prices.apply(lambda s: s.first_valid_index())
    put("kLateListingFraction", (first > pd.Timestamp("2019-01-01")).mean(),
        "share of the CMC top-120 (as of 2024) first quoted after 2019-01-01 (survivorship-inflated)")
    last_caps = caps.iloc[-1].drop(STABLECOINS, errors="ignore").dropna().sort_values(ascending=False)
    ranks = np.arange(1, len(last_caps) + 1)
    slope, intercept = np.polyfit(np.log(ranks[1:]), np.log(last_caps.values[1:]), 1)
    put("kCapLargest", last_caps.iloc[0], "largest market cap (BTC) on 2024-02-02, USD; market_cap_usd.csv")
    put("kCapRankSlope", slope, "slope of log market cap on log rank, ranks 2..N, 2024-02-02, non-stables")
    put("kCapRankIntercept", intercept, "intercept of the same fit (log USD)")

    # --- volumes (Binance) ------------------------------------------------------------------------
    ohlcv = pd.read_csv(os.path.join(data, "crypto_binance_spot_daily", "ohlcv_long.csv.gz"),
                        parse_dates=["date"])
    ohlcv = ohlcv[(ohlcv.date >= "2021-01-01") & (ohlcv.date <= WINDOW_END) & (ohlcv.quote == "USDT")]
    vol_wide = ohlcv.pivot(index="date", columns="base", values="volume_quote")
    lv = np.log(vol_wide)
    src_bn = "crypto_binance_spot_daily/ohlcv_long.csv.gz, USDT pairs 2021-01-01..2024-02-02"
    # Volume level against market cap: median log volume against median log cap across pairs.
    common = [s for s in lv.columns if s in caps.columns]
    med_lv = lv[common].median()
    med_lc = np.log(caps.loc["2021-01-01":WINDOW_END, common]).median()
    ok = med_lc.notna() & med_lv.notna()
    vslope, vintercept = np.polyfit(med_lc[ok], med_lv[ok], 1)
    put("kVolumeCapSlope", vslope, f"slope of median log daily quote volume on median log market cap; {src_bn}")
    put("kVolumeCapIntercept", vintercept, f"intercept of that fit (log USDT); {src_bn}")
    resid_level = med_lv[ok] - (vintercept + vslope * med_lc[ok])
    put("kVolumeLevelSd", resid_level.std(), f"sd of the per-pair residual of that fit (log); {src_bn}")
    # Day-to-day dynamics of log volume around a 90-day centred level.
    dev = (lv - lv.rolling(91, center=True, min_periods=45).mean())
    phi = []
    innov = []
    for s in lv.columns:
        d = dev[s].dropna().values
        if len(d) < 300:
            continue
        f = np.corrcoef(d[1:], d[:-1])[0, 1]
        phi.append(f)
        innov.append(np.std(d[1:] - f * d[:-1]))
    put("kVolumeAr1", np.median(phi), f"median lag-1 autocorrelation of log volume around its 91-day mean; {src_bn}")
    put("kVolumeInnovationSd", np.median(innov), f"median AR(1) innovation sd of that log volume; {src_bn}")
    # Elasticity of log volume to the absolute return in units of its typical size.
    close = ohlcv.pivot(index="date", columns="base", values="close")
    r = np.log(close).diff()
    z = (r.abs() / r.abs().rolling(91, center=True, min_periods=45).mean())
    xs, ys = z.stack(), dev.stack()
    j = xs.index.intersection(ys.index)
    x_, y_ = xs[j].values, ys[j].values
    keep = np.isfinite(x_) & np.isfinite(y_)
    el = np.polyfit(x_[keep], y_[keep], 1)[0]
    put("kVolumeAbsReturnElasticity", el,
        f"slope of log-volume deviation on |r| / mean|r| (same-day volume reaction to moves); {src_bn}")
    crash_b = crash.reindex(dev.index).fillna(False).values
    put("kCrashLogVolumeBoost", np.nanmean(dev.values[crash_b]) - np.nanmean(dev.values[~crash_b]),
        f"mean log-volume deviation on BTC crash days minus calm days; {src_bn}")

    # --- spreads (LEAN / Coinbase) ----------------------------------------------------------------
    lean = os.path.join(data, "liquidity_lean", "crypto", "coinbase")
    q = pd.read_csv(os.path.join(lean, "daily", "btcusd_quote.csv"), header=None)
    bid, ask = q[4], q[9]
    rel = (ask - bid) / ((ask + bid) / 2)
    qdate = pd.to_datetime(q[0].str.slice(0, 8))
    rel.index = qdate
    put("kBtcSpread", rel.median(),
        "median relative close spread (ask - bid) / mid, BTC-USD daily quotes 2015-04..2018-12; liquidity_lean coinbase")
    log_spread = np.log(rel[rel > 0])
    noise = (log_spread - log_spread.rolling(31, center=True, min_periods=15).median()).loc["2017-01-01":]
    put("kSpreadLogNoiseSd", 1.4826 * np.median(np.abs(noise.dropna())),
        "robust sd (1.4826 MAD) of daily log spread around its 31-day median, BTC-USD 2017..2018; liquidity_lean coinbase")

    write_header(args.out, values)


def write_header(path, values):
    lines = [
        "#pragma once",
        "// GENERATED by scripts/calibrate_simulator.py from ../shared/data (see that script for the data",
        "// and windows). Do not edit by hand: rerun the script. Per-day figures are in log-return units.",
        "",
        "namespace keel::simulator_calibration {",
        "",
    ]
    for name, value, comment in values:
        lines += ["// " + line for line in textwrap.wrap(comment, 97)]
        lines.append(f"inline constexpr double {name} = {value!r};")
    lines += ["", "}  // namespace keel::simulator_calibration", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
