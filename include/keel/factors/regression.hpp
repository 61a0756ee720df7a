#pragma once
// Time-series regression of a return series on factor returns: y = α + Xβ + ε (issue #22 item 2).
//
// Methods:
//  ols     ordinary least squares; standard errors from σ̂²(X̃ᵀX̃)⁻¹ with σ̂² = RSS/(T − p),
//          p = K + 1 coefficients (the intercept first). statsmodels `OLS(y, add_constant(X))`
//          with its default (non-robust) covariance; R² = 1 − RSS/TSS about the mean.
//  wls     weighted least squares with weights wₜ (EWMA: wₜ ∝ λ^(T−1−t), λ = 0.5^(1/half_life)):
//          β = (XᵀWX)⁻¹XᵀWy, σ̂² = Σwₜeₜ²/(T − p), cov = σ̂²(XᵀWX)⁻¹; R² = 1 − Σwe²/Σw(y − ȳ_w)².
//          statsmodels `WLS(y, X, weights=w)` (independent of the scale of w).
//  huber   robust M-estimate by iteratively reweighted least squares with Huber's ψ (tuning
//          constant c = 1.345, 95% efficiency under normal errors): start from OLS, scale
//          s = median|e|/Φ⁻¹(0.75) (MAD about zero), weights w = min(1, c/|e/s|), refit, update
//          s, until the coefficients move less than `tolerance`. Standard errors by Huber's H1
//          correction: cov = k²·[Σψ(e/s)²/(T−p)]·s² / [mean ψ′(e/s)]² · (XᵀX)⁻¹ with
//          k = 1 + p/T · var ψ′/(mean ψ′)². P. J. Huber (1981), "Robust Statistics", §7.6;
//          statsmodels `RLM(y, X, M=HuberT())` with scale_est='mad', cov='H1'. R² is the
//          weighted R² of the final IRLS step (statsmodels reports none).
//
// Collinear regressors are never inverted: the call fails naming them (the factor names are
// given in the options).

#include <Eigen/Core>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"

namespace keel {

enum class RegressionMethod { kOls, kWls, kHuber };
std::string_view to_string(RegressionMethod method);
Result<RegressionMethod> parse_regression_method(std::string_view name);  // ols, wls, huber

struct RegressionOptions {
  RegressionMethod method = RegressionMethod::kOls;
  // Estimate an intercept α (default true; the coefficient vector then starts with α).
  bool intercept = true;
  // wls: the observation weights (size T, all ≥ 0, some > 0). Empty = EWMA weights with
  // `half_life` periods.
  Eigen::VectorXd weights{};
  // wls without explicit weights: half-life of the EWMA weights in periods (> 0). Default 90.
  double half_life = 90.0;
  // huber: tuning constant c (> 0), iteration limit and convergence tolerance on the largest
  // change of a coefficient relative to max(1, |coefficient|).
  double huber_threshold = 1.345;
  int max_iterations = 100;
  double tolerance = 1e-12;
  // Names of the regressors for messages (size K or empty).
  std::vector<std::string> names{};

  Status validate() const;
};

struct RegressionResult {
  RegressionMethod method = RegressionMethod::kOls;
  // p = K (+1 with intercept) entries, intercept first.
  Eigen::VectorXd coefficients;
  Eigen::VectorXd standard_errors;
  Eigen::VectorXd t_statistics;
  double r_squared = std::numeric_limits<double>::quiet_NaN();
  double adjusted_r_squared = std::numeric_limits<double>::quiet_NaN();
  // Residual standard deviation per period: sqrt(σ̂²) (wls: with the weights normalised to mean
  // 1, so it is in return units; huber: the final MAD scale s).
  double residual_std = std::numeric_limits<double>::quiet_NaN();
  int observations = 0;
  int iterations = 0;  // huber: IRLS steps; else 1
  bool converged = true;
};

// y (T) on X (T × K). T must exceed p. Errors: shape, non-finite cells, collinear regressors.
Result<RegressionResult> regress(Eigen::Ref<const Eigen::MatrixXd> x,
                                 Eigen::Ref<const Eigen::VectorXd> y,
                                 const RegressionOptions& options = {});

// The EWMA observation weights λ^(T−1−t), λ = 0.5^(1/half_life), normalised to sum 1.
Eigen::VectorXd ewma_weights(Eigen::Index rows, double half_life);

}  // namespace keel
