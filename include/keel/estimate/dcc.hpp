#pragma once
// Dynamic conditional correlation: CCC (Bollerslev 1990, "Modelling the coherence in short-run
// nominal exchange rates", Rev. Econ. Stat. 72) and DCC(1,1) (Engle 2002, "Dynamic conditional
// correlation", J. Bus. Econ. Stat. 20(3)), estimated in two steps by Gaussian quasi-likelihood
// (Engle & Sheppard 2001, NBER w8554):
//
//   step 1: a univariate GARCH(1,1) per asset (keel/estimate/garch.hpp) gives h_{i,t} and the
//           standardised residuals ε_{i,t} = (x_{i,t} − μ_i) / sqrt(h_{i,t});
//   step 2: Q_t = (1 − a − b) Q̄ + a ε_{t−1} ε_{t−1}ᵀ + b Q_{t−1},  Q_1 = Q̄ = (1/T) Σ_t ε_t ε_tᵀ,
//           R_t = diag(Q_t)^{−1/2} Q_t diag(Q_t)^{−1/2}, maximising the correlation part
//           ℓ_C(a, b) = −½ Σ_t (log|R_t| + ε_tᵀ R_t⁻¹ ε_t − ε_tᵀ ε_t) over a, b ≥ 0, a + b < 1.
//
// CCC is the case a = b = 0 (R_t = R̄ = diag(Q̄)^{−1/2} Q̄ diag(Q̄)^{−1/2}, the MLE of a constant
// correlation), so the DCC log-likelihood is never below CCC's: the DCC estimate is compared with
// a = b = 0 and the better of the two is kept. The next-period forecast is
// H_{T+1} = D_{T+1} R_{T+1} D_{T+1}, D_{T+1} = diag(sqrt(h_{i,T+1})), in per-period return units.

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/estimate/garch.hpp"

namespace keel {

enum class CorrelationDynamics {
  kDcc,       // estimate (a, b) of DCC(1,1)
  kConstant,  // CCC: a = b = 0, R_t = R̄
};

struct DccOptions {
  // Step 1 options, used for every asset. Note: with Student-t GARCH innovations the reported
  // log-likelihoods are still the Gaussian quasi-likelihoods of the two-step estimator.
  GarchOptions garch;

  // Correlation dynamics. Default DCC(1,1).
  CorrelationDynamics dynamics = CorrelationDynamics::kDcc;

  // BFGS iteration limit for (a, b). Range ≥ 1. Default 200.
  int max_iterations = 200;

  // Convergence: ‖∇‖∞ of −ℓ_C / T over the transformed (a, b) (central differences). Range
  // (0, 1e-2]. Default 1e-7.
  double gradient_tolerance = 1e-7;

  Status validate() const;
};

struct DynamicCovariance {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::MatrixXd covariance;                 // H_{T+1}, N × N, per period
  Eigen::MatrixXd correlation;                // R_{T+1}
  Eigen::VectorXd next_variance;              // h_{i,T+1}
  Eigen::MatrixXd unconditional_correlation;  // R̄ (= the CCC correlation)
  std::vector<GarchFit> garch;                // step 1, one per asset (column order)
  double a = 0.0;                             // DCC news coefficient (0 for CCC)
  double b = 0.0;                             // DCC persistence coefficient (0 for CCC)
  // Gaussian quasi-log-likelihoods of the whole model (volatility + correlation parts) and of the
  // correlation part ℓ_C alone, for the fitted DCC and for CCC on the same data. NaN = not
  // computed.
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();
  double log_likelihood_ccc = std::numeric_limits<double>::quiet_NaN();
  double correlation_log_likelihood = std::numeric_limits<double>::quiet_NaN();
  double correlation_log_likelihood_ccc = std::numeric_limits<double>::quiet_NaN();
  int iterations = 0;            // BFGS iterations for (a, b)
  int function_evaluations = 0;  // ℓ_C evaluations
  std::string message;           // how step 2 ended, or which asset's GARCH failed
  std::vector<std::string> warnings;

  bool is_usable() const { return keel::is_usable(status); }
};

// Fits CCC or DCC(1,1) to T × N per-period returns (T ≥ 20, N ≥ 1, all finite) and forecasts the
// next period's covariance. Call errors (NaN naming row and column, bad options) are a Status; a
// GARCH or DCC step that does not converge gives a result whose status says which asset failed.
// `assets` (one name per column, or empty) names the assets in messages and warnings.
Result<DynamicCovariance> forecast_dcc_covariance(Eigen::Ref<const Eigen::MatrixXd> returns,
                                                  const DccOptions& options = {},
                                                  const std::vector<std::string>& assets = {});

// ℓ_C(a, b) of standardised residuals (T × N) with the recursion above; optionally R_{T+1}. For
// checks and profiling. Requires a, b ≥ 0 and a + b < 1.
Result<double> dcc_correlation_log_likelihood(
    Eigen::Ref<const Eigen::MatrixXd> standardized_residuals, double a, double b,
    Eigen::MatrixXd* next_correlation = nullptr);

}  // namespace keel
