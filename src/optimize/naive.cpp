#include "keel/optimize/naive.hpp"

#include <fmt/format.h>

#include <cmath>

namespace keel {

Result<NaiveResult> equal_weight(Eigen::Index assets) {
  if (assets < 1) return Status::invalid("equal weight: need at least one asset");
  NaiveResult result;
  result.solver = "equal-weight";
  result.weights = Eigen::VectorXd::Constant(assets, 1.0 / static_cast<double>(assets));
  return result;
}

Result<NaiveResult> inverse_volatility(Eigen::Ref<const Eigen::MatrixXd> covariance) {
  const Eigen::Index n = covariance.rows();
  if (n == 0 || covariance.cols() != n) {
    return Status::invalid(
        fmt::format("inverse volatility: covariance is {} x {}; it must be square and non-empty", n,
                    covariance.cols()));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    const double v = covariance(i, i);
    if (!std::isfinite(v) || v <= 0.0) {
      return Status::invalid(fmt::format(
          "inverse volatility: variance of asset {} is {}; it must be finite and > 0 (drop "
          "constant or missing assets)",
          i, v));
    }
  }
  NaiveResult result;
  result.solver = "inverse-volatility";
  const Eigen::VectorXd inv = covariance.diagonal().cwiseSqrt().cwiseInverse();
  result.weights = inv / inv.sum();
  return result;
}

Result<NaiveResult> market_cap_weight(Eigen::Ref<const Eigen::VectorXd> market_caps,
                                      const MarketCapOptions& options) {
  const Eigen::Index n = market_caps.size();
  if (n == 0) return Status::invalid("market cap: no assets");
  if (!(options.max_weight > 0.0 && options.max_weight <= 1.0)) {
    return Status::invalid(
        fmt::format("market cap: max_weight = {} must be in (0, 1]", options.max_weight));
  }
  Eigen::Index positive = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(market_caps[i]) || market_caps[i] < 0.0) {
      return Status::invalid(fmt::format(
          "market cap: cap of asset {} is {}; caps must be finite and ≥ 0", i, market_caps[i]));
    }
    if (market_caps[i] > 0.0) ++positive;
  }
  if (positive == 0) return Status::invalid("market cap: all market caps are zero");
  if (options.max_weight * static_cast<double>(positive) < 1.0 - 1e-12) {
    return Status::invalid(fmt::format(
        "market cap: max_weight = {} with {} assets of positive cap cannot sum to 1; raise "
        "max_weight to at least {:.6g}",
        options.max_weight, positive, 1.0 / static_cast<double>(positive)));
  }
  NaiveResult result;
  result.solver = "market-cap";
  const double cap = options.max_weight;
  std::vector<char> fixed(n, 0);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(n);
  // Each round fixes the assets whose proportional share of the remaining budget exceeds the cap;
  // at most n rounds since each round fixes at least one asset or stops.
  for (Eigen::Index round = 0; round <= n; ++round) {
    ++result.iterations;
    double fixed_total = 0.0, free_caps = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (fixed[i]) {
        fixed_total += cap;
      } else {
        free_caps += market_caps[i];
      }
    }
    const double remaining = 1.0 - fixed_total;
    bool changed = false;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (fixed[i]) {
        w[i] = cap;
        continue;
      }
      w[i] = free_caps > 0.0 ? remaining * market_caps[i] / free_caps : 0.0;
      if (w[i] > cap * (1.0 + 1e-12)) {
        fixed[i] = 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (fixed[i]) result.capped.push_back(static_cast<int>(i));
  }
  result.weights = w;
  if (std::abs(w.sum() - 1.0) > 1e-9) {
    result.status = SolveStatus::kNumericalError;
    result.warnings.push_back(fmt::format("capped weights sum to {:.12g}, not 1", w.sum()));
  }
  return result;
}

}  // namespace keel
