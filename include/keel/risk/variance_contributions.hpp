#pragma once
// Euler decomposition of a portfolio's variance given a covariance Σ, the one implementation of
// covariance-based risk contributions in Keel: risk budgeting, the backtest's per-rebalance
// contributions and the optimize report take it. (contributions.hpp decomposes measures of a
// return history instead.)
//
// With v = wᵀΣw, asset i's component is w_i (Σw)_i and the components sum to v; its percent is
// w_i (Σw)_i / v, which is also its share of the volatility √v by Euler's theorem on the degree-one
// homogeneous σ(w) = √v: w_i ∂σ/∂w_i / σ = w_i (Σw)_i / v (Roncalli 2013, "Introduction to Risk
// Parity and Budgeting", §2.2). Σ may be in any units (per period, or annualised as the reports
// use it).

#include <Eigen/Core>

#include "keel/core/result.hpp"

namespace keel {

struct VarianceContributions {
  Eigen::VectorXd sigma_w;    // Σw; the marginal volatility ∂σ/∂w_i is (Σw)_i / √v
  Eigen::VectorXd component;  // w_i (Σw)_i, in variance units
  double variance = 0.0;      // v = Σ_i component_i (= wᵀΣw)
  Eigen::VectorXd percent;    // component / v; NaN when v ≤ 0 (no decomposition)
};

// `weights` (N, any sign) and `covariance` (N × N). Mismatched sizes are an error naming both.
Result<VarianceContributions> variance_contributions(Eigen::Ref<const Eigen::VectorXd> weights,
                                                     Eigen::Ref<const Eigen::MatrixXd> covariance);

}  // namespace keel
