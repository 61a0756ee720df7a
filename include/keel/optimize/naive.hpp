#pragma once
// Naive allocations, the baselines every model should beat (DeMiguel, Garlappi & Uppal 2009,
// "Optimal versus naive diversification", Review of Financial Studies 22(5)):
//   * equal weight: w_i = 1/n;
//   * inverse volatility: w_i ∝ 1/σ_i (the ERC portfolio when all correlations are equal);
//   * market-cap weight with a cap: w_i ∝ cap_i, then no weight above max_weight, the excess
//     redistributed to the uncapped assets in proportion to their caps, repeated until no weight
//     exceeds the cap (the usual capped-index rule, e.g. a 10 % single-name cap).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"

namespace keel {

struct NaiveResult {
  SolveStatus status = SolveStatus::kOptimal;
  Eigen::VectorXd weights{};  // sum to 1, nonnegative
  int iterations = 0;         // market cap: capping rounds
  std::vector<int> capped{};  // market cap: assets held at max_weight
  std::string solver{};       // "equal-weight", "inverse-volatility", "market-cap"
  std::vector<std::string> warnings{};

  bool is_usable() const { return keel::is_usable(status); }
};

// 1/n for n ≥ 1 assets.
Result<NaiveResult> equal_weight(Eigen::Index assets);

// w_i ∝ 1/sqrt(Σ_ii). Every variance must be finite and > 0.
Result<NaiveResult> inverse_volatility(Eigen::Ref<const Eigen::MatrixXd> covariance);

// Weights proportional to `base` among the assets not held at a bound, summing to `total`:
// w_i = clamp(λ·base_i, lower_i, upper_i) with the one λ ≥ 0 that makes Σw = total (the
// water-filling clip-and-redistribute rule: an asset pushed past a bound is held there and the
// excess or shortfall goes to the others in proportion to their base weights; Riskfolio-Lib
// applies it after its hierarchical models). `base` must be finite and ≥ 0, 0 ≤ lower ≤ upper.
// Returns kInfeasible status (no weights) when Σlower > total or Σupper < total; otherwise the
// weights meet every bound exactly and sum to `total` to rounding.
struct BoundedWeights {
  SolveStatus status = SolveStatus::kOptimal;
  Eigen::VectorXd weights{};
  std::string message{};  // why infeasible
};
BoundedWeights proportional_within_bounds(Eigen::Ref<const Eigen::VectorXd> base, double total,
                                          Eigen::Ref<const Eigen::VectorXd> lower,
                                          Eigen::Ref<const Eigen::VectorXd> upper);

// The t with Σ clamp(offset_i + slope_i·t, lower_i, upper_i) = total (slope ≥ 0, lower ≤ upper,
// Σlower ≤ total ≤ Σupper), found exactly on the piecewise-linear sum; returns the clamped
// vector. proportional_within_bounds (offset 0, slope base) and the projection onto a bounded
// simplex (slope 1) are both this.
Eigen::VectorXd clamp_to_sum(Eigen::Ref<const Eigen::VectorXd> offset,
                             Eigen::Ref<const Eigen::VectorXd> slope, double total,
                             Eigen::Ref<const Eigen::VectorXd> lower,
                             Eigen::Ref<const Eigen::VectorXd> upper);

struct MarketCapOptions {
  // Largest weight of one asset, in (0, 1]; 1 = uncapped (default). Needs max_weight × (number of
  // assets with a positive cap) ≥ 1, otherwise no capped portfolio sums to 1 (a call error).
  double max_weight = 1.0;
};

// Capitalisation weights with iterative capping and redistribution. Caps must be finite, ≥ 0 and
// not all zero; zero-cap assets get zero weight.
Result<NaiveResult> market_cap_weight(Eigen::Ref<const Eigen::VectorXd> market_caps,
                                      const MarketCapOptions& options = {});

}  // namespace keel
