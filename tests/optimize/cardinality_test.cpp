// Cardinality and minimum positions in the mean-variance family (cardinality.hpp): the
// branch-and-bound against brute-force enumeration of every support (cardinality_support.hpp) on
// seeded random problems with n ≤ 12, the rules respected by the answers, and the invalid and
// infeasible books named by their rules.
#include "keel/optimize/cardinality.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <string>
#include <vector>

#include "keel/optimize/mean_variance.hpp"
#include "keel/optimize/verify.hpp"
#include "optimize/cardinality_support.hpp"

namespace keel {
namespace {

using cardinality_test::brute_force;
using cardinality_test::holdings;
using cardinality_test::negative_sharpe;
using cardinality_test::random_problem;
using cardinality_test::variance;

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

MeanVarianceOptions tight(MeanVarianceObjective objective) {
  MeanVarianceOptions options;
  options.objective = objective;
  options.cardinality.relative_gap = 1e-10;
  return options;
}

// The branch-and-bound's answer: optimal, proven within the gap, meets every rule, and its
// objective equals the brute force's to 1e-8 relative.
void expect_matches_brute_force(const MeanVarianceProblem& problem,
                                const MeanVarianceOptions& options, bool sharpe) {
  auto result = optimize_mean_variance(problem, options);
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  ASSERT_EQ(result->status, SolveStatus::kOptimal) << result->diagnostics.explanation;
  const auto reference = brute_force(problem, options, sharpe ? negative_sharpe : variance);
  ASSERT_TRUE(std::isfinite(reference.best));
  const double got = sharpe ? negative_sharpe(*result) : variance(*result);
  EXPECT_NEAR(got, reference.best, 1e-8 * std::abs(reference.best))
      << "supports enumerated: " << reference.supports;
  const auto& c = problem.constraints;
  if (c.max_assets > 0) {
    EXPECT_LE(holdings(result->weights), c.max_assets);
  }
  for (Eigen::Index i = 0; i < result->weights.size(); ++i) {
    if (result->weights[i] > kHoldingTolerance) {
      EXPECT_GE(result->weights[i], c.min_position - 1e-9);
    }
  }
  const Json& report = result->details["cardinality"];
  EXPECT_EQ(report["stop"], "gap");
  EXPECT_LE(report["gap"].get<double>(), 1e-10);
  EXPECT_GE(report["nodes"].get<int>(), 1);
  EXPECT_TRUE(verify_weights(result->weights, c, problem.assets).passed());
}

TEST(Cardinality, MinVarianceMatchesBruteForce) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    MeanVarianceProblem problem = random_problem(10, seed);
    problem.constraints.max_assets = 3;
    expect_matches_brute_force(problem, tight(MeanVarianceObjective::kMinVariance), false);
  }
}

TEST(Cardinality, MinVarianceWithCapsAndMinimumPositionMatchesBruteForce) {
  for (std::uint64_t seed = 11; seed <= 15; ++seed) {
    SCOPED_TRACE(seed);
    MeanVarianceProblem problem = random_problem(12, seed);
    problem.constraints.max_assets = 4;
    problem.constraints.upper_bound = 0.4;
    problem.constraints.min_position = 0.15;
    expect_matches_brute_force(problem, tight(MeanVarianceObjective::kMinVariance), false);
  }
}

TEST(Cardinality, MaxSharpeMatchesBruteForce) {
  for (std::uint64_t seed = 21; seed <= 26; ++seed) {
    SCOPED_TRACE(seed);
    MeanVarianceProblem problem = random_problem(11, seed);
    problem.constraints.max_assets = 3;
    expect_matches_brute_force(problem, tight(MeanVarianceObjective::kMaxSharpe), true);
  }
}

TEST(Cardinality, MaxSharpeWithMinimumPositionAndCapsMatchesBruteForce) {
  for (std::uint64_t seed = 31; seed <= 34; ++seed) {
    SCOPED_TRACE(seed);
    MeanVarianceProblem problem = random_problem(10, seed);
    problem.constraints.max_assets = 4;
    problem.constraints.upper_bound = 0.5;
    problem.constraints.min_position = 0.2;
    MeanVarianceOptions options = tight(MeanVarianceObjective::kMaxSharpe);
    options.risk_free_rate = 0.02;
    expect_matches_brute_force(problem, options, true);
  }
}

TEST(Cardinality, GroupCountMatchesBruteForce) {
  for (std::uint64_t seed = 41; seed <= 44; ++seed) {
    SCOPED_TRACE(seed);
    MeanVarianceProblem problem = random_problem(10, seed);
    problem.constraints.max_assets = 4;
    GroupConstraint group{"defi", {0, 1, 2, 3, 4}, -kInfinity, kInfinity};
    group.max_assets = 1;
    problem.constraints.groups.push_back(group);
    expect_matches_brute_force(problem, tight(MeanVarianceObjective::kMinVariance), false);
    expect_matches_brute_force(problem, tight(MeanVarianceObjective::kMaxSharpe), true);
  }
}

TEST(Cardinality, MaxUtilityMatchesBruteForce) {
  MeanVarianceProblem problem = random_problem(9, 51);
  problem.constraints.max_assets = 2;
  MeanVarianceOptions options = tight(MeanVarianceObjective::kMaxUtility);
  options.risk_aversion = 3.0;
  // Max utility's objective: −(μᵀw − (δ/2) wᵀΣw).
  const auto utility = [&](const PortfolioResult& r) {
    return -(r.performance.expected_return - 1.5 * variance(r));
  };
  auto result = optimize_mean_variance(problem, options);
  ASSERT_TRUE(result.is_ok());
  ASSERT_EQ(result->status, SolveStatus::kOptimal);
  const auto reference = brute_force(problem, options, utility);
  EXPECT_NEAR(utility(*result), reference.best, 1e-8 * std::abs(reference.best));
  EXPECT_LE(holdings(result->weights), 2);
}

// The unconstrained optimum already holds at most K assets: the root answers, one node.
TEST(Cardinality, LooseCapIsAnsweredAtTheRoot) {
  MeanVarianceProblem problem = random_problem(8, 61);
  auto plain = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMaxSharpe));
  ASSERT_TRUE(plain.is_ok());
  problem.constraints.max_assets = holdings(plain->weights);
  auto capped = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMaxSharpe));
  ASSERT_TRUE(capped.is_ok());
  EXPECT_EQ(capped->details["cardinality"]["nodes"], 1);
  EXPECT_NEAR((capped->weights - plain->weights).lpNorm<Eigen::Infinity>(), 0.0, 1e-9);
}

TEST(Cardinality, NodeLimitKeepsTheBestPortfolioFound) {
  MeanVarianceProblem problem = random_problem(12, 71);
  problem.constraints.max_assets = 3;
  MeanVarianceOptions options = tight(MeanVarianceObjective::kMinVariance);
  options.cardinality.max_nodes = 1;
  auto result = optimize_mean_variance(problem, options);
  ASSERT_TRUE(result.is_ok());
  ASSERT_EQ(result->details["cardinality"]["stop"], "node-limit");
  EXPECT_EQ(result->status, SolveStatus::kIterationLimit);
  // The root heuristic found a portfolio that meets the rules; the gap is reported.
  ASSERT_EQ(result->weights.size(), 12);
  EXPECT_LE(holdings(result->weights), 3);
  EXPECT_GT(result->details["cardinality"]["gap"].get<double>(), 0.0);
}

TEST(Cardinality, BranchAndBoundWarmStartsItsRelaxations) {
  MeanVarianceProblem problem = random_problem(12, 81);
  problem.constraints.max_assets = 2;
  auto result = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMinVariance));
  ASSERT_TRUE(result.is_ok());
  ASSERT_GT(result->details["cardinality"]["nodes"].get<int>(), 2);
  EXPECT_GT(result->diagnostics.warm_solves, 0);
}

TEST(Cardinality, ForcedHoldingsAboveTheCapAreInvalid) {
  MeanVarianceProblem problem = random_problem(6, 91);
  problem.constraints.max_assets = 2;
  problem.constraints.lower_bounds = Eigen::VectorXd::Zero(6);
  problem.constraints.upper_bounds = Eigen::VectorXd::Ones(6);
  problem.constraints.lower_bounds.head(3).setConstant(0.05);
  auto result = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMinVariance));
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(result.status().message().find("max-assets = 2"), std::string::npos);
  EXPECT_NE(result.status().message().find("bounds[A0]"), std::string::npos);
}

TEST(Cardinality, GroupMinimumForcingTooManyHoldingsIsInvalid) {
  MeanVarianceProblem problem = random_problem(8, 92);
  problem.constraints.max_assets = 2;
  problem.constraints.upper_bound = 0.25;
  // 0.6 in {A0..A3} with at most 0.25 each needs 3 of them.
  problem.constraints.groups.push_back({"core", {0, 1, 2, 3}, 0.6, kInfinity});
  auto result = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMinVariance));
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("group[core]"), std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("max-assets"), std::string::npos);
}

TEST(Cardinality, LongShortIsRefused) {
  MeanVarianceProblem problem = random_problem(5, 93);
  problem.constraints.lower_bound = -0.5;
  problem.constraints.min_position = 0.05;
  auto result = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMinVariance));
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("long-only"), std::string::npos);
}

TEST(Cardinality, RiskTargetSearchIsRefused) {
  MeanVarianceProblem problem = random_problem(5, 94);
  problem.constraints.max_assets = 2;
  MeanVarianceOptions options;
  options.objective = MeanVarianceObjective::kEfficientRisk;
  options.target_volatility = 0.5;
  EXPECT_FALSE(optimize_mean_variance(problem, options).is_ok());
}

TEST(Cardinality, CapTimesMaxWeightBelowTheBudgetIsInfeasibleNamingTheRules) {
  MeanVarianceProblem problem = random_problem(10, 95);
  problem.constraints.max_assets = 3;
  problem.constraints.upper_bound = 0.3;  // 3 × 0.3 < 1
  auto result = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMinVariance));
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->status, SolveStatus::kInfeasible);
  EXPECT_TRUE(contains(result->diagnostics.conflicting_constraints, "max-assets"));
  EXPECT_TRUE(contains(result->diagnostics.conflicting_constraints, "bounds"));
  EXPECT_TRUE(contains(result->diagnostics.conflicting_constraints, "budget"));
}

TEST(Cardinality, MinimumPositionAboveEveryCapIsInfeasible) {
  MeanVarianceProblem problem = random_problem(6, 96);
  problem.constraints.upper_bound = 0.2;
  problem.constraints.min_position = 0.3;
  auto result = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMinVariance));
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->status, SolveStatus::kInfeasible);
  EXPECT_TRUE(contains(result->diagnostics.conflicting_constraints, "min-position"));
}

// Infeasible only through the search: a group cap and a group minimum that the caps of its
// members cannot reach with the one holding allowed (not seen by the counting pre-checks because
// the group minimum alone needs one member; the group count is what conflicts with the budget).
TEST(Cardinality, InfeasibleSearchNamesTheRules) {
  MeanVarianceProblem problem = random_problem(6, 97);
  problem.constraints.upper_bound = 0.4;
  problem.constraints.max_assets = 3;
  GroupConstraint a{"a", {0, 1, 2}, -kInfinity, kInfinity};
  a.max_assets = 1;
  GroupConstraint b{"b", {3, 4, 5}, -kInfinity, kInfinity};
  b.max_assets = 1;
  problem.constraints.groups = {a, b};  // at most 2 holdings × 0.4 < 1
  auto result = optimize_mean_variance(problem, tight(MeanVarianceObjective::kMinVariance));
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->status, SolveStatus::kInfeasible);
  EXPECT_TRUE(contains(result->diagnostics.conflicting_constraints, "max-assets[a]"));
  EXPECT_TRUE(contains(result->diagnostics.conflicting_constraints, "max-assets[b]"));
  EXPECT_EQ(result->details["cardinality"]["stop"], "infeasible");
}

TEST(Cardinality, VerificationNamesCountAndMinimumPositionViolations) {
  PortfolioConstraints c;
  c.max_assets = 2;
  c.min_position = 0.1;
  const std::vector<std::string> assets = {"A", "B", "C"};
  Eigen::VectorXd w(3);
  w << 0.5, 0.45, 0.05;
  const auto report = verify_weights(w, c, assets);
  EXPECT_TRUE(contains(report.violated, "max-assets"));
  EXPECT_TRUE(contains(report.violated, "min-position[C]"));
  EXPECT_NEAR(report.max_violation, 0.05, 1e-15);
  w << 0.55, 0.45, 0.0;
  EXPECT_TRUE(verify_weights(w, c, assets).passed());
}

TEST(Cardinality, OptionsAreValidated) {
  CardinalityOptions options;
  EXPECT_TRUE(options.validate().is_ok());
  options.relative_gap = -1;
  EXPECT_FALSE(options.validate().is_ok());
  options = {};
  options.max_nodes = 0;
  EXPECT_FALSE(options.validate().is_ok());
  PortfolioConstraints c;
  c.max_assets = -1;
  EXPECT_FALSE(c.validate(3).is_ok());
  c.max_assets = 0;
  c.min_position = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(c.validate(3).is_ok());
}

}  // namespace
}  // namespace keel
