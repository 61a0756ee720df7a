#pragma once
// Correlation stress of a portfolio from its return history, as in a liquidation cascade: the
// sample covariance is stressed by stress_correlation() (stress.hpp: correlations pushed toward
// one, C' = (1 − λ) C + λ 11ᵀ, volatilities × M) and the Gaussian VaR/ES recomputed. The "before"
// figures equal value_at_risk() with VarMethod::kGaussian on the portfolio return series (sample
// mean and T − 1 standard deviation), so they match `keel risk --method gaussian`.
//
// Horizon h > 1 uses the square-root-of-time rule of var.hpp: mean × h, covariance × h.

#include <Eigen/Core>
#include <limits>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/risk/stress.hpp"

namespace keel {

struct PortfolioCorrelationStressOptions {
  CorrelationStressOptions stress{};  // λ, M and the confidence α (defaults 0.5, 1.5, 0.95)
  int horizon = 1;                    // periods, ≥ 1
  // false (default): the sample mean of each asset enters the VaR, as in value_at_risk();
  // true: zero drift, a pure volatility view.
  bool zero_mean = false;
  Status validate() const;
};

struct PortfolioCorrelationStress {
  PortfolioCorrelationStressOptions options;
  Eigen::Index observations = 0;
  Eigen::Index assets = 0;
  double mean = 0.0;  // portfolio mean return over the horizon (0 with zero_mean)
  // Portfolio standard deviation over the horizon, Gaussian VaR and ES (losses positive).
  double volatility_before = 0.0, var_before = 0.0, es_before = 0.0;
  double volatility_after = 0.0, var_after = 0.0, es_after = 0.0;
  // Plain average of the off-diagonal correlations (NaN with one asset).
  double average_correlation_before = std::numeric_limits<double>::quiet_NaN();
  double average_correlation_after = std::numeric_limits<double>::quiet_NaN();
  double min_eigenvalue = 0.0;  // of the stressed correlation matrix

  // {"method": "gaussian", "confidence", "horizon", "correlation_shift", "volatility_multiplier",
  //  "observations", "before": {"volatility", "annualised_volatility", "var", "cvar",
  //  "average_correlation"}, "after": {...}, "min_eigenvalue"}. periods_per_year > 0 annualises
  //  the one-period volatility (σ_h / √h · √periods_per_year).
  Json to_json(double periods_per_year) const;
};

// returns: T × N per-period simple (or log) returns without NaN, T ≥ 2; weights: N finite.
// Assets with zero variance are rejected (no correlation is defined), naming the column.
Result<PortfolioCorrelationStress> portfolio_correlation_stress(
    Eigen::Ref<const Eigen::MatrixXd> returns, Eigen::Ref<const Eigen::VectorXd> weights,
    const PortfolioCorrelationStressOptions& options = {});

}  // namespace keel
