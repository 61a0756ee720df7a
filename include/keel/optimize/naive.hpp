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
