#pragma once
// Test support for the cardinality tests (cardinality_test.cpp, cardinality_reference_test.cpp):
// random mean-variance problems and the brute-force reference, which enumerates every support
// and solves the continuous model restricted to it (assets outside held at 0, assets inside at
// ≥ min_position). The restricted solves are the continuous mean-variance model, whose answers
// are checked against cvxopt and PyPortfolioOpt in mean_variance_reference_test.cpp; the
// enumeration shares nothing with the branch-and-bound.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <functional>
#include <string>
#include <vector>

#include "keel/core/random.hpp"
#include "keel/optimize/mean_variance.hpp"

namespace keel::cardinality_test {

// The number of weights held (|w| above the verification's holding tolerance).
inline int holdings(const Eigen::VectorXd& w) {
  return static_cast<int>((w.array().abs() > kHoldingTolerance).count());
}

// A factor-model covariance Σ = B Bᵀ + D (two factors, annualised scale) and expected returns
// spread around 10% with a few losers, so that max Sharpe holds several assets.
inline MeanVarianceProblem random_problem(int n, std::uint64_t seed) {
  Random random(seed);
  Eigen::MatrixXd loadings(n, 2);
  Eigen::VectorXd idiosyncratic(n);
  MeanVarianceProblem problem;
  problem.expected_returns.resize(n);
  for (int i = 0; i < n; ++i) {
    problem.assets.push_back("A" + std::to_string(i));
    loadings(i, 0) = 0.3 + 0.4 * random.uniform();
    loadings(i, 1) = 0.25 * random.normal();
    idiosyncratic[i] = 0.02 + 0.2 * random.uniform();
    problem.expected_returns[i] = 0.1 + 0.15 * random.normal();
  }
  problem.covariance = loadings * loadings.transpose();
  problem.covariance.diagonal() += idiosyncratic;
  return problem;
}

// Calls visit(support) for every subset of {0..n-1} with between `smallest` and `largest`
// members.
inline void for_each_support(int n, int smallest, int largest,
                             const std::function<void(const std::vector<int>&)>& visit) {
  std::vector<int> support;
  std::function<void(int)> grow = [&](int next) {
    if (static_cast<int>(support.size()) >= smallest) visit(support);
    if (static_cast<int>(support.size()) == largest) return;
    for (int i = next; i < n; ++i) {
      support.push_back(i);
      grow(i + 1);
      support.pop_back();
    }
  };
  grow(0);
}

struct BruteForce {
  double best = std::numeric_limits<double>::infinity();  // the objective's value, minimised
  Eigen::VectorXd weights;
  int supports = 0;
};

// The best of the continuous model restricted to each support of size ≤ max_assets that the
// group counts allow. `value` maps a usable result to the minimised quantity (variance, −Sharpe).
// Without a minimum position only the supports of size exactly K are needed (a weight may be 0
// inside a support); with one, every size from 1 to K.
inline BruteForce brute_force(const MeanVarianceProblem& problem,
                              const MeanVarianceOptions& options,
                              const std::function<double(const PortfolioResult&)>& value) {
  const PortfolioConstraints& c = problem.constraints;
  const int n = static_cast<int>(problem.assets.size());
  const int k = c.max_assets > 0 ? std::min(c.max_assets, n) : n;
  const int smallest = c.min_position > 0.0 ? 1 : k;
  const Eigen::VectorXd lower = c.effective_lower(n);
  const Eigen::VectorXd upper = c.effective_upper(n);
  BruteForce answer;
  for_each_support(n, smallest, k, [&](const std::vector<int>& support) {
    std::vector<bool> in(static_cast<std::size_t>(n), false);
    for (int i : support) in[static_cast<std::size_t>(i)] = true;
    for (const auto& group : c.groups) {
      if (group.max_assets <= 0) continue;
      int count = 0;
      for (int i : group.members) count += in[static_cast<std::size_t>(i)] ? 1 : 0;
      if (count > group.max_assets) return;
    }
    for (int i = 0; i < n; ++i) {
      if (!in[static_cast<std::size_t>(i)] && lower[i] > 0.0) return;
    }
    MeanVarianceProblem restricted = problem;
    PortfolioConstraints& r = restricted.constraints;
    r.max_assets = 0;
    r.min_position = 0.0;
    for (auto& group : r.groups) group.max_assets = 0;
    r.lower_bounds = Eigen::VectorXd::Zero(n);
    r.upper_bounds = Eigen::VectorXd::Zero(n);
    for (int i : support) {
      r.lower_bounds[i] = std::max(lower[i], c.min_position);
      r.upper_bounds[i] = upper[i];
      if (r.lower_bounds[i] > r.upper_bounds[i]) return;
    }
    MeanVarianceOptions plain = options;
    auto result = optimize_mean_variance(restricted, plain);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    ++answer.supports;
    if (!result->is_usable()) return;
    const double v = value(*result);
    if (v < answer.best) {
      answer.best = v;
      answer.weights = result->weights;
    }
  });
  return answer;
}

inline double variance(const PortfolioResult& r) {
  return r.performance.volatility * r.performance.volatility;
}
inline double negative_sharpe(const PortfolioResult& r) { return -r.performance.sharpe; }

}  // namespace keel::cardinality_test
