#pragma once
// Expected-return estimators on a T × N matrix of per-period simple returns (rows = periods).
// Everything is computed per period and annualised on output with `periods_per_year`, which the
// caller must give (365 for daily crypto, 8760 hourly, 252 to reproduce PyPortfolioOpt): there is
// no hidden default.
//
// Methods (kebab-case names):
//  mean         arithmetic mean × periods_per_year.
//  geometric    PyPortfolioOpt `mean_historical_return` (compounding=True): for each asset over its
//               own observed rows (NaN skipped per asset), prod(1 + r)^(periods_per_year / count)
//               − 1. The only method that accepts NaN.
//  ewma         exponentially weighted mean with pandas `ewm(span | halflife, adjust=True).mean()`
//               semantics at the last row: m = Σ_t λ^(T−1−t) r_t / Σ_t λ^(T−1−t), λ = 1 − α,
//               α = 2/(span+1) or 1 − 0.5^(1/half_life). Annualised as PyPortfolioOpt
//               `ema_historical_return`: (1+m)^ppy − 1 when `compounding`, else m × ppy.
//  capm         PyPortfolioOpt `capm_return`: β_i = cov(r_i, r_m)/var(r_m) (sample, T−1), with r_m
//               the given `market_returns` or the equal-weighted mean of the N assets;
//               E[r_i] = rf + β_i (E[r_m] − rf), E[r_m] = prod(1+r_m)^(ppy/T) − 1 when
//               `compounding`, else mean(r_m) × ppy.
//  james-stein  positive-part James–Stein shrinkage of the sample means toward their grand mean
//               (W. James, C. Stein 1961, "Estimation with quadratic loss", Proc. 4th Berkeley
//               Symp. 1, 361–379; B. Efron, C. Morris 1973, "Stein's estimation rule and its
//               competitors — an empirical Bayes approach", JASA 68, 117–130; for portfolios
//               P. Jorion 1986, "Bayes-Stein estimation for portfolio analysis", JFQA 21(3)):
//                 μ_JS = μ̄ 1 + (1 − c)(μ̂ − μ̄ 1),
//                 c = min(1, (N − 3) σ̄² / (T ‖μ̂ − μ̄ 1‖²)),
//               with μ̂ the per-period sample means, μ̄ their average and σ̄² = tr(S)/N the average
//               sample variance (T−1 divisor); the shrinkage c is reported. Needs N ≥ 4.
//               Annualised × periods_per_year.
//  equilibrium  PyPortfolioOpt `market_implied_prior_returns`: Π = δ Σ_ann w_mkt + rf, with
//               w_mkt = market_caps / Σ market_caps, Σ_ann = sample covariance × periods_per_year
//               (or the per-period `equilibrium_covariance` × periods_per_year when given).
//               W. Sharpe (1974); F. Black, R. Litterman (1992), "Global portfolio optimization".

#include <Eigen/Core>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/returns.hpp"

namespace keel {

enum class ExpectedReturnMethod { kMean, kGeometric, kEwma, kCapm, kJamesStein, kEquilibrium };

std::string_view to_string(ExpectedReturnMethod method);
Result<ExpectedReturnMethod> parse_expected_return_method(std::string_view name);

struct ExpectedReturnOptions {
  ExpectedReturnMethod method = ExpectedReturnMethod::kMean;
  // Periods per year used to annualise. Required: no default (0 fails validate()). Range (0, ∞).
  double periods_per_year = 0.0;

  // --- ewma: set exactly one (periods) ---
  double ewma_span = std::numeric_limits<double>::quiet_NaN();  // ≥ 1; PyPortfolioOpt uses 500
  double ewma_half_life = std::numeric_limits<double>::quiet_NaN();  // > 0
  // ewma and capm: annualise by compounding (PyPortfolioOpt's default, true) or by ×ppy (false).
  bool compounding = true;

  // --- capm ---
  // Per-period market (benchmark) returns, length T, no NaN. Empty: equal-weighted market of the
  // N assets (PyPortfolioOpt's default when no market prices are given).
  Eigen::VectorXd market_returns{};
  // Annual risk-free rate (capm and equilibrium). Default 0 (docs/architecture.md section 4).
  double risk_free_rate = 0.0;

  // --- equilibrium ---
  Eigen::VectorXd market_caps{};  // length N, ≥ 0, positive sum; any currency
  double risk_aversion = 1.0;     // δ > 0 (PyPortfolioOpt's default 1)
  // Optional per-period covariance (N × N) to use instead of the sample covariance of `returns`.
  Eigen::MatrixXd equilibrium_covariance{};

  // Warn (ExpectedReturns::warnings, naming the assets) when an annualised expected return
  // exceeds this: 5 = 500% a year. Never changes the estimate. Default 5, range > 0 (+inf =
  // never).
  double return_warning_threshold = 5.0;

  Status validate() const;
};

struct ExpectedReturns {
  ExpectedReturnMethod method = ExpectedReturnMethod::kMean;
  Eigen::VectorXd annualised;  // length N
  // james-stein: the shrinkage c in [0,1]; NaN for the other methods.
  double shrinkage = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd betas;         // capm only (else empty)
  Eigen::VectorXi observations;  // rows used per asset
  std::vector<std::string> warnings;
};

// Fails on bad options, on a shape mismatch, and on NaN (except for geometric), naming the asset
// column and row and suggesting a missing-data policy.
Result<ExpectedReturns> estimate_expected_returns(Eigen::Ref<const Eigen::MatrixXd> returns,
                                                  const ExpectedReturnOptions& options);
Result<ExpectedReturns> estimate_expected_returns(const ReturnSeries& returns,
                                                  const ExpectedReturnOptions& options);

// Π = δ Σ w + rf with w = market_caps / Σ market_caps; `annual_covariance` is annualised,
// `risk_free_rate` annual. PyPortfolioOpt `market_implied_prior_returns`.
Result<Eigen::VectorXd> equilibrium_returns(Eigen::Ref<const Eigen::MatrixXd> annual_covariance,
                                            Eigen::Ref<const Eigen::VectorXd> market_caps,
                                            double risk_aversion, double risk_free_rate = 0.0);

}  // namespace keel
