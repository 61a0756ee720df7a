#include "keel/optimize/naive.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace keel {

Eigen::VectorXd clamp_to_sum(Eigen::Ref<const Eigen::VectorXd> offset,
                             Eigen::Ref<const Eigen::VectorXd> slope, double total,
                             Eigen::Ref<const Eigen::VectorXd> lower,
                             Eigen::Ref<const Eigen::VectorXd> upper) {
  const Eigen::Index n = offset.size();
  auto at = [&](double t) {
    Eigen::VectorXd w(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      w[i] = std::clamp(offset[i] + slope[i] * t, lower[i], upper[i]);
    }
    return w;
  };
  // The sum is nondecreasing and piecewise linear in t with kinks where an entry meets a bound;
  // find the kink interval that holds `total`, then solve the linear piece exactly.
  std::vector<double> kinks;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (slope[i] > 0.0) {
      kinks.push_back((lower[i] - offset[i]) / slope[i]);
      kinks.push_back((upper[i] - offset[i]) / slope[i]);
    }
  }
  if (kinks.empty()) return at(0.0);
  std::sort(kinks.begin(), kinks.end());
  // First kink whose sum reaches the total.
  auto it = std::partition_point(kinks.begin(), kinks.end(),
                                 [&](double t) { return at(t).sum() < total; });
  if (it == kinks.begin()) return at(kinks.front());
  if (it == kinks.end()) return at(kinks.back());
  const double hi = *it, lo = *(it - 1);
  const double mid = 0.5 * (lo + hi);
  double fixed = 0.0, free_slope = 0.0, free_offset = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double v = offset[i] + slope[i] * mid;
    if (slope[i] > 0.0 && v > lower[i] && v < upper[i]) {
      free_slope += slope[i];
      free_offset += offset[i];
    } else {
      fixed += std::clamp(v, lower[i], upper[i]);
    }
  }
  if (!(free_slope > 0.0)) return at(hi);
  return at(std::clamp((total - fixed - free_offset) / free_slope, lo, hi));
}

BoundedWeights proportional_within_bounds(Eigen::Ref<const Eigen::VectorXd> base, double total,
                                          Eigen::Ref<const Eigen::VectorXd> lower,
                                          Eigen::Ref<const Eigen::VectorXd> upper) {
  BoundedWeights out;
  const double sum_lower = lower.sum(), sum_upper = upper.sum();
  // Relative slack for sums that meet the total only to rounding (e.g. 10 caps of 0.1).
  const double slack = 1e-12 * std::max(1.0, std::abs(total));
  if (sum_lower > total + slack || sum_upper < total - slack) {
    out.status = SolveStatus::kInfeasible;
    out.message =
        sum_upper < total - slack
            ? fmt::format(
                  "the upper bounds add up to {:.6g}, less than the {:.6g} to "
                  "allocate; raise --max-weight (to at least {:.6g} for equal "
                  "caps on {} assets) or add assets",
                  sum_upper, total, total / static_cast<double>(upper.size()), upper.size())
            : fmt::format(
                  "the lower bounds add up to {:.6g}, more than the {:.6g} to "
                  "allocate; lower the per-asset minimum weights",
                  sum_lower, total);
    return out;
  }
  out.weights = clamp_to_sum(Eigen::VectorXd::Zero(base.size()), base, total, lower, upper);
  return out;
}

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
