// trace_frontier against independent answers: the exact critical-line frontier on budget-and-bounds
// problems (every traced point equals it at the same return), Merton's closed-form frontier when
// shorts are unlimited (the return is then unbounded and the sweep stops at the volatility cap),
// the frontier invariants under groups, a linear row, leverage and turnover, and the outcomes
// without a frontier (contradictory groups, a flat frontier, bad options).

#include "keel/optimize/frontier.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "keel/optimize/critical_line.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

// Annualised μ and Σ of a 3-factor model of daily returns, n assets.
MeanVarianceProblem random_problem(int n, std::uint64_t seed) {
  Random rng(seed);
  Eigen::MatrixXd loadings;
  const Eigen::MatrixXd r = test::factor_returns(rng,
                                                 {.assets = n,
                                                  .factors = 3,
                                                  .periods = std::max(4 * n, 400),
                                                  .factor_volatility = 0.03,
                                                  .noise_volatility = 0.02},
                                                 &loadings);
  MeanVarianceProblem p;
  p.covariance = 365.0 * test::sample_covariance(r);
  p.expected_returns.resize(n);
  for (int i = 0; i < n; ++i) p.expected_returns[i] = 0.4 * loadings(i, 0) + 0.3 * rng.normal();
  for (int i = 0; i < n; ++i) p.assets.push_back("A" + std::to_string(i));
  return p;
}

double group_sum(const Eigen::VectorXd& w, const GroupConstraint& g) {
  double s = 0.0;
  for (int i : g.members) s += w[i];
  return s;
}

// (a) Budget and bounds only: the traced points are the exact frontier at their returns.
void expect_matches_critical_line(const MeanVarianceProblem& p, const FrontierOptions& options) {
  const int n = static_cast<int>(p.assets.size());
  const auto& c = p.constraints;
  ASSERT_TRUE(critical_line_applies(c, n));
  auto cla =
      critical_line(p.expected_returns, p.covariance, c.effective_lower(n), c.effective_upper(n));
  ASSERT_TRUE(cla.is_ok()) << cla.status().message();
  ASSERT_TRUE(cla->is_usable());
  auto traced = trace_frontier(p, options);
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  ASSERT_TRUE(traced->is_usable()) << traced->explanation;
  ASSERT_EQ(traced->points.size(), static_cast<std::size_t>(options.points));
  EXPECT_NEAR(traced->min_return, cla->min_return(), 1e-9);
  EXPECT_NEAR(traced->max_return, cla->max_return(), 1e-9);
  for (std::size_t k = 0; k < traced->points.size(); ++k) {
    const auto& pt = traced->points[k];
    auto exact =
        cla->at_return(std::clamp(pt.expected_return, cla->min_return(), cla->max_return()));
    ASSERT_TRUE(exact.is_ok()) << exact.status().message();
    EXPECT_LE((pt.weights - exact->weights).lpNorm<Eigen::Infinity>(), 1e-8) << "point " << k;
    EXPECT_NEAR(pt.variance, exact->variance, 1e-10 * std::max(1.0, exact->variance))
        << "point " << k;
  }
  // The max-Sharpe portfolio equals the exact one.
  auto best = cla->max_sharpe(options.risk_free_rate);
  ASSERT_TRUE(best.is_ok());
  ASSERT_TRUE(traced->max_sharpe.has_value()) << traced->max_sharpe_message;
  EXPECT_NEAR(traced->max_sharpe->sharpe,
              (best->expected_return - options.risk_free_rate) / best->volatility, 1e-8);
  EXPECT_LE((traced->max_sharpe->weights - best->weights).lpNorm<Eigen::Infinity>(), 1e-6);
}

TEST(TraceFrontier, LongOnlyEqualsCriticalLine) {
  MeanVarianceProblem p = random_problem(12, 7);
  expect_matches_critical_line(p, FrontierOptions{.points = 15, .risk_free_rate = 0.02});
}

TEST(TraceFrontier, BoxBoundsEqualCriticalLineWarmAndCold) {
  MeanVarianceProblem p = random_problem(20, 11);
  p.constraints.lower_bound = -0.1;
  p.constraints.upper_bound = 0.25;
  expect_matches_critical_line(p, FrontierOptions{.points = 25});
  // Cold interior-point solves reach the same points (the warm start changes speed, not answers).
  FrontierOptions cold{.points = 9, .warm_start = false};
  cold.qp.algorithm = QpAlgorithm::kInteriorPoint;
  cold.qp.tolerance = 1e-12;
  expect_matches_critical_line(p, cold);
}

TEST(TraceFrontier, PerAssetBoundsEqualCriticalLine) {
  MeanVarianceProblem p = random_problem(15, 3);
  p.constraints.lower_bounds = Eigen::VectorXd::Zero(15);
  p.constraints.upper_bounds = Eigen::VectorXd::Constant(15, 0.3);
  p.constraints.upper_bounds[0] = 0.05;
  p.constraints.lower_bounds[1] = 0.1;
  expect_matches_critical_line(p, FrontierOptions{.points = 10});
}

// Merton (1972): with Σw = 1 as the only constraint, σ²(r) = (A r² − 2B r + C)/D with
// A = 1ᵀΣ⁻¹1, B = 1ᵀΣ⁻¹μ, C = μᵀΣ⁻¹μ, D = AC − B², and w(r) = Σ⁻¹(λ1 + γμ),
// λ = (C − B r)/D, γ = (A r − B)/D. The return is unbounded, so the sweep stops at the cap.
TEST(TraceFrontier, UnboundedReturnFollowsMertonUpToTheCap) {
  MeanVarianceProblem p = random_problem(8, 5);
  p.constraints.lower_bound = -kInfinity;
  p.constraints.upper_bound = kInfinity;
  const Eigen::LLT<Eigen::MatrixXd> llt(p.covariance);
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(8);
  const Eigen::VectorXd s1 = llt.solve(ones);
  const Eigen::VectorXd smu = llt.solve(p.expected_returns);
  const double a = ones.dot(s1), b = ones.dot(smu), c = p.expected_returns.dot(smu);
  const double d = a * c - b * b;

  const double cap = std::sqrt(p.covariance.diagonal().maxCoeff());
  auto traced = trace_frontier(p, FrontierOptions{.points = 11});
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  ASSERT_TRUE(traced->is_usable()) << traced->explanation;
  EXPECT_TRUE(traced->return_unbounded);
  EXPECT_TRUE(std::isinf(traced->max_return));
  EXPECT_FALSE(traced->diagnostics.warnings.empty());
  ASSERT_EQ(traced->points.size(), 11u);
  EXPECT_NEAR(traced->min_return, b / a, 1e-9);
  EXPECT_NEAR(traced->points.front().variance, 1.0 / a, 1e-10);
  EXPECT_NEAR(traced->points.back().volatility, cap, 1e-8 * cap);
  for (std::size_t k = 0; k < traced->points.size(); ++k) {
    const auto& pt = traced->points[k];
    const double r = pt.expected_return;
    EXPECT_NEAR(pt.variance, (a * r * r - 2 * b * r + c) / d, 1e-9 * pt.variance) << k;
    const Eigen::VectorXd w = ((c - b * r) / d) * s1 + ((a * r - b) / d) * smu;
    EXPECT_LE((pt.weights - w).lpNorm<Eigen::Infinity>(), 1e-7) << k;
  }
  // An explicit cap moves the top; a cap below the minimum volatility leaves nothing to sweep.
  auto capped = trace_frontier(p, FrontierOptions{.points = 5, .volatility_cap = 2.0 * cap});
  ASSERT_TRUE(capped.is_ok());
  ASSERT_TRUE(capped->is_usable());
  EXPECT_NEAR(capped->points.back().volatility, 2.0 * cap, 1e-8 * cap);
  auto too_low = trace_frontier(p, FrontierOptions{.volatility_cap = 0.5 / std::sqrt(a)});
  ASSERT_TRUE(too_low.is_ok());
  EXPECT_EQ(too_low->status, SolveStatus::kInfeasible);
  EXPECT_NE(too_low->explanation.find("volatility cap"), std::string::npos);
}

// (c) Invariants under groups and a linear row: volatility nondecreasing in return, every point
// within its groups, bounds and budget, the return targets met, max Sharpe above every point.
TEST(TraceFrontier, GroupInvariants) {
  const int n = 30;
  MeanVarianceProblem p = random_problem(n, 21);
  p.constraints.upper_bound = 0.2;
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int i, int j) { return p.expected_returns[i] > p.expected_returns[j]; });
  p.constraints.groups = {{"chain:eth", {order[0], order[1], order[2], order[3]}, -kInfinity, 0.3},
                          {"stables", {order[n - 1], order[n - 2]}, 0.1, kInfinity}};
  LinearConstraint beta{"beta", Eigen::VectorXd::Zero(n), ConstraintSense::kLessEqual, 0.0};
  for (int i = 0; i < n; ++i) beta.coefficients[i] = p.expected_returns[i] > 0 ? 1.0 : 0.0;
  beta.rhs = 0.7;
  p.constraints.linear = {beta};
  const double rf = 0.03;
  auto traced = trace_frontier(p, FrontierOptions{.points = 20, .risk_free_rate = rf});
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  ASSERT_TRUE(traced->is_usable()) << traced->explanation;
  EXPECT_TRUE(traced->diagnostics.warnings.empty()) << traced->diagnostics.warnings.front();
  ASSERT_EQ(traced->points.size(), 20u);
  EXPECT_LE(traced->diagnostics.max_constraint_violation, 1e-8);
  // Warm-started active set for the points, Clp for the top of the return range.
  EXPECT_NE(traced->diagnostics.solver.find("active-set"), std::string::npos)
      << traced->diagnostics.solver;
  EXPECT_NE(traced->diagnostics.solver.find("clp"), std::string::npos);
  const auto& pts = traced->points;
  bool groups_bind = false;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    const Eigen::VectorXd& w = pts[k].weights;
    EXPECT_NEAR(w.sum(), 1.0, 1e-9);
    EXPECT_GE(w.minCoeff(), -1e-9);
    EXPECT_LE(w.maxCoeff(), 0.2 + 1e-9);
    EXPECT_LE(group_sum(w, p.constraints.groups[0]), 0.3 + 1e-9) << k;
    EXPECT_GE(group_sum(w, p.constraints.groups[1]), 0.1 - 1e-9) << k;
    EXPECT_LE(beta.coefficients.dot(w), 0.7 + 1e-9) << k;
    groups_bind = groups_bind || group_sum(w, p.constraints.groups[0]) > 0.3 - 1e-7;
    // Recomputed from the weights, not taken from the solver.
    EXPECT_NEAR(pts[k].expected_return, p.expected_returns.dot(w), 1e-12);
    EXPECT_NEAR(pts[k].volatility, std::sqrt(w.dot(p.covariance * w)), 1e-12);
    if (k > 0) {
      EXPECT_GT(pts[k].expected_return, pts[k - 1].expected_return);
      EXPECT_GE(pts[k].volatility, pts[k - 1].volatility - 1e-12) << k;
    }
    if (k > 0 && k + 1 < pts.size()) {
      EXPECT_NEAR(pts[k].expected_return, pts[k].target_return, 1e-9) << k;
      const double step = (pts.back().expected_return - pts.front().expected_return) / 19.0;
      EXPECT_NEAR(pts[k].expected_return - pts[k - 1].expected_return, step, 1e-9) << k;
    }
  }
  EXPECT_TRUE(groups_bind);
  ASSERT_TRUE(traced->max_sharpe.has_value()) << traced->max_sharpe_message;
  for (const auto& pt : pts) EXPECT_GE(traced->max_sharpe->sharpe, pt.sharpe - 1e-12);
  EXPECT_NEAR(traced->max_sharpe->sharpe,
              (traced->max_sharpe->expected_return - rf) / traced->max_sharpe->volatility, 1e-12);
}

// The warm-started active set and the cold interior point reach the same frontier on seeded
// random problems with groups, a linear row and shorts (the warm start changes speed, not answers).
TEST(TraceFrontier, WarmAndColdAgreeOnRandomGroupProblems) {
  for (int seed = 0; seed < 12; ++seed) {
    const int n = 5 + 7 * (seed % 6);
    MeanVarianceProblem p = random_problem(n, 100 + static_cast<std::uint64_t>(seed));
    Random rng(static_cast<std::uint64_t>(seed));
    p.constraints.lower_bound = seed % 2 == 0 ? 0.0 : -0.2;
    p.constraints.upper_bound = std::max(0.3, 2.0 / n);
    GroupConstraint cap{"cap", {}, -kInfinity, 0.35};
    GroupConstraint floor{"floor", {}, 0.15, kInfinity};
    for (int i = 0; i < n; ++i) {
      const double u = rng.uniform();
      if (u < 0.3) cap.members.push_back(i);
      if (u > 0.75) floor.members.push_back(i);
    }
    if (!cap.members.empty()) p.constraints.groups.push_back(cap);
    if (!floor.members.empty()) p.constraints.groups.push_back(floor);
    SCOPED_TRACE("seed " + std::to_string(seed) + ", n = " + std::to_string(n));
    auto warm = trace_frontier(p, FrontierOptions{.points = 12});
    FrontierOptions cold_options{.points = 12, .warm_start = false};
    cold_options.qp.algorithm = QpAlgorithm::kInteriorPoint;
    auto cold = trace_frontier(p, cold_options);
    ASSERT_TRUE(warm.is_ok() && cold.is_ok());
    ASSERT_TRUE(warm->is_usable()) << warm->explanation;
    ASSERT_TRUE(cold->is_usable()) << cold->explanation;
    EXPECT_TRUE(warm->diagnostics.warnings.empty()) << warm->diagnostics.warnings.front();
    ASSERT_EQ(warm->points.size(), cold->points.size());
    for (std::size_t k = 0; k < warm->points.size(); ++k) {
      EXPECT_NEAR(warm->points[k].variance, cold->points[k].variance,
                  1e-9 * cold->points[k].variance)
          << k;
      EXPECT_LE((warm->points[k].weights - cold->points[k].weights).lpNorm<Eigen::Infinity>(), 1e-6)
          << k;
    }
  }
}

// Leverage and turnover add split variables (no warm start): the same invariants hold.
TEST(TraceFrontier, LeverageAndTurnover) {
  const int n = 10;
  MeanVarianceProblem p = random_problem(n, 33);
  p.constraints.lower_bound = -0.5;
  p.constraints.upper_bound = 0.5;
  p.constraints.max_gross_leverage = 1.6;
  p.constraints.current_weights = Eigen::VectorXd::Constant(n, 0.1);
  p.constraints.max_turnover = 1.2;
  auto traced = trace_frontier(p, FrontierOptions{.points = 8});
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  ASSERT_TRUE(traced->is_usable()) << traced->explanation;
  EXPECT_FALSE(traced->return_unbounded);
  const auto& pts = traced->points;
  ASSERT_EQ(pts.size(), 8u);
  for (std::size_t k = 0; k < pts.size(); ++k) {
    const Eigen::VectorXd& w = pts[k].weights;
    EXPECT_LE(w.cwiseAbs().sum(), 1.6 + 1e-8) << k;
    EXPECT_LE((w - p.constraints.current_weights).cwiseAbs().sum(), 1.2 + 1e-8) << k;
    if (k > 0) {
      EXPECT_GE(pts[k].volatility, pts[k - 1].volatility - 1e-9) << k;
    }
  }
  // The top end is the maximum return of the LP (within the documented hair).
  EXPECT_NEAR(pts.back().expected_return, traced->max_return,
              2e-9 * std::max(1.0, traced->max_return));
  ASSERT_TRUE(traced->max_sharpe.has_value());
  for (const auto& pt : pts) EXPECT_GE(traced->max_sharpe->sharpe, pt.sharpe - 1e-9);
}

TEST(TraceFrontier, ContradictoryGroupsAreInfeasibleAndNamed) {
  MeanVarianceProblem p = random_problem(6, 2);
  p.constraints.groups = {{"chain:eth", {0, 1, 2}, 0.7, kInfinity},
                          {"chain:sol", {3, 4, 5}, 0.5, kInfinity}};
  auto traced = trace_frontier(p);
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  EXPECT_FALSE(traced->is_usable());
  EXPECT_EQ(traced->status, SolveStatus::kInfeasible);
  EXPECT_NE(traced->explanation.find("chain:eth"), std::string::npos) << traced->explanation;
  bool named = false;
  for (const auto& c : traced->conflicting_constraints) {
    named = named || c.find("chain:sol") != std::string::npos;
  }
  EXPECT_TRUE(named);
}

TEST(TraceFrontier, FlatFrontierIsOnePortfolio) {
  MeanVarianceProblem p = random_problem(5, 4);
  p.expected_returns.setConstant(0.1);
  auto traced = trace_frontier(p, FrontierOptions{.points = 10});
  ASSERT_TRUE(traced.is_ok());
  ASSERT_TRUE(traced->is_usable());
  EXPECT_EQ(traced->points.size(), 1u);
  EXPECT_NEAR(traced->points[0].expected_return, 0.1, 1e-12);
  EXPECT_FALSE(traced->diagnostics.warnings.empty());
}

TEST(TraceFrontier, MarketNeutralHasNoMaxSharpe) {
  MeanVarianceProblem p = random_problem(6, 8);
  p.constraints.budget = 0.0;
  p.constraints.lower_bound = -0.5;
  p.constraints.upper_bound = 0.5;
  auto traced = trace_frontier(p, FrontierOptions{.points = 6});
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  ASSERT_TRUE(traced->is_usable()) << traced->explanation;
  EXPECT_NEAR(traced->points.front().volatility, 0.0, 1e-6);  // w = 0 is feasible
  EXPECT_FALSE(traced->max_sharpe.has_value());
  EXPECT_NE(traced->max_sharpe_message.find("budget"), std::string::npos);
}

TEST(TraceFrontier, CallErrors) {
  MeanVarianceProblem p = random_problem(4, 1);
  EXPECT_FALSE(trace_frontier(p, FrontierOptions{.points = 1}).is_ok());
  EXPECT_FALSE(trace_frontier(p, FrontierOptions{.volatility_cap = -1.0}).is_ok());
  EXPECT_FALSE(trace_frontier(p, FrontierOptions{.risk_free_rate = std::nan("")}).is_ok());
  MeanVarianceProblem no_mu = p;
  no_mu.expected_returns.resize(0);
  auto r = trace_frontier(no_mu);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("expected returns"), std::string::npos);
  MeanVarianceProblem bad = p;
  bad.covariance(0, 1) = 10.0;
  bad.covariance(1, 0) = 10.0;
  EXPECT_FALSE(trace_frontier(bad).is_ok());
}

TEST(TraceFrontier, CriticalLineApplies) {
  PortfolioConstraints c;
  EXPECT_TRUE(critical_line_applies(c, 3));
  c.groups = {{"g", {0}, -kInfinity, 0.5}};
  EXPECT_FALSE(critical_line_applies(c, 3));
  c.groups.clear();
  c.budget = 0.5;
  EXPECT_FALSE(critical_line_applies(c, 3));
  c.budget = 1.0;
  c.lower_bound = -kInfinity;
  EXPECT_FALSE(critical_line_applies(c, 3));
  c.max_short = 0.2;  // the effective lower bound is −0.2: finite again
  EXPECT_TRUE(critical_line_applies(c, 3));
  c.max_turnover = 0.5;
  EXPECT_FALSE(critical_line_applies(c, 3));
}

}  // namespace
}  // namespace keel
