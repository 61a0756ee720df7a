#pragma once
// Marginal and component (Euler) risk contributions per asset.
//
// For a risk measure ρ(w) that is positively homogeneous of degree one in the weights, Euler's
// theorem gives ρ(w) = Σ_i w_i ∂ρ/∂w_i. The marginal contribution of asset i is ∂ρ/∂w_i, its
// component contribution w_i ∂ρ/∂w_i, and its percent contribution w_i ∂ρ/∂w_i / ρ(w). Components
// sum to the total up to rounding; `sum_residual` reports |Σ components − total|.
//
// Inputs: a T × N history of per-period asset returns (or S × N scenarios, equal probability)
// and N weights (fractions of portfolio value, any sign). μ is the sample mean vector, X the
// column-centred returns, P = X w the centred portfolio return, Σ the covariance (divide by T − 1,
// or T when population_moments is set), σ_p = √(wᵀΣw), z = Φ⁻¹(1 − α).
//
//   kVolatility       ρ = σ_p;                         ∂ρ/∂w = Σw / σ_p
//   kGaussianVar      ρ = −μᵀw − z σ_p;                ∂ρ/∂w = −μ − z Σw/σ_p
//   kGaussianEs       ρ = −μᵀw + σ_p φ(z)/(1 − α);     ∂ρ/∂w = −μ + (φ(z)/(1 − α)) Σw/σ_p
//   kModifiedVar      ρ = −μᵀw − σ_p z_cf(s, k)        (Cornish–Fisher, see var.hpp)
//   kModifiedEs       ρ = −μᵀw − σ_p min(−E(s, k), z_cf(s, k))    (Boudt–Peterson–Croux 2008)
//     with the portfolio's population skewness s = m3/m2^1.5 and excess kurtosis
//     k = m4/m2² − 3, mⱼ = Σ_t P_tʲ / T. Their gradients are ∂m2 = 2XᵀP/T, ∂m3 = 3Xᵀ(P²)/T,
//     ∂m4 = 4Xᵀ(P³)/T; the derivatives of z_cf and E in (s, k) are analytic (Boudt et al. 2008,
//     Appendix; PerformanceAnalytics' derIpower). s and k are homogeneous of degree zero, so their
//     terms sum to zero over assets and Euler's identity holds exactly.
//     Difference to PerformanceAnalytics' VaR/ES(portfolio_method = "component"): PA forms s and
//     k from the (T − 1)-divided covariance and T-divided co-moments, so its total differs from its
//     own univariate modified VaR by O(1/T); here s and k are the univariate ones, and the total
//     equals value_at_risk() of the portfolio series with the same population_moments setting.
//   kHistoricalCvar   ρ = the historical ES of the portfolio series (var.hpp convention);
//     ∂ρ/∂w_i = −(1/m)[ Σ_{t in worst ⌊m⌋} R_ti + (m − ⌊m⌋) R_{(k) i} ], the average asset return
//     over the tail scenarios with the same fractional weight on the k-th worst (Scaillet 2004;
//     Tasche 1999). With ties at the k-th worst value, which tied scenario carries the fractional
//     weight is unspecified; the total is unaffected.

#include <Eigen/Core>
#include <limits>
#include <string_view>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"

namespace keel {

enum class ContributionMeasure {
  kVolatility,
  kGaussianVar,
  kGaussianEs,
  kModifiedVar,
  kModifiedEs,
  kHistoricalCvar,
};

// "volatility", "gaussian-var", "gaussian-es", "modified-var", "modified-es", "historical-cvar".
std::string_view to_string(ContributionMeasure measure);

struct ContributionOptions {
  // The risk measure to decompose. Default kVolatility.
  ContributionMeasure measure = ContributionMeasure::kVolatility;
  // Confidence α in (0, 1) for the VaR/ES measures. Default 0.95. Ignored for kVolatility.
  double confidence = 0.95;
  // Divide the covariance by T instead of T − 1 (PerformanceAnalytics' univariate convention).
  // Default false. Ignored for kHistoricalCvar.
  bool population_moments = false;
  Status validate() const;
};

struct RiskContributions {
  ContributionMeasure measure = ContributionMeasure::kVolatility;
  double total = 0.0;         // ρ(w), per period, losses positive
  Eigen::VectorXd marginal;   // ∂ρ/∂w_i
  Eigen::VectorXd component;  // w_i ∂ρ/∂w_i; sums to total
  Eigen::VectorXd percent;    // component / total (NaN when total == 0)
  double sum_residual = std::numeric_limits<double>::quiet_NaN();  // |Σ component − total|
};

// Contributions of each asset to the risk of the portfolio `weights` over the return history
// `returns` (T × N, T ≥ 2, finite). A zero-variance portfolio is rejected for the parametric
// measures (σ_p = 0 has no gradient).
Result<RiskContributions> risk_contributions(Eigen::Ref<const Eigen::MatrixXd> returns,
                                             Eigen::Ref<const Eigen::VectorXd> weights,
                                             const ContributionOptions& options = {});

}  // namespace keel
