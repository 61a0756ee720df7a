// Cardinality references: the branch-and-bound against brute-force enumeration of every support
// at n = 20, K ≤ 5 (cardinality_support.hpp), and min CVaR with cardinality binaries (the Cbc
// MILP) against GLPK's MILP optimum on stored scenarios (tests/data/cardinality/cvar_milp.json,
// written by make_fixtures.py there with cvxopt.glpk.ilp).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "keel/optimize/cardinality.hpp"
#include "keel/optimize/mean_variance.hpp"
#include "keel/optimize/tail_risk.hpp"
#include "optimize/cardinality_support.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

using cardinality_test::brute_force;
using cardinality_test::holdings;
using cardinality_test::negative_sharpe;
using cardinality_test::random_problem;
using cardinality_test::variance;

void expect_brute_force(const MeanVarianceProblem& problem, MeanVarianceObjective objective,
                        bool sharpe) {
  MeanVarianceOptions options;
  options.objective = objective;
  options.cardinality.relative_gap = 1e-10;
  auto result = optimize_mean_variance(problem, options);
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  ASSERT_EQ(result->status, SolveStatus::kOptimal) << result->diagnostics.explanation;
  const auto reference = brute_force(problem, options, sharpe ? negative_sharpe : variance);
  const double got = sharpe ? negative_sharpe(*result) : variance(*result);
  EXPECT_NEAR(got, reference.best, 1e-8 * std::abs(reference.best))
      << reference.supports << " supports; nodes " << result->details["cardinality"]["nodes"];
  EXPECT_LE(holdings(result->weights), problem.constraints.max_assets);
  EXPECT_LE(result->details["cardinality"]["gap"].get<double>(), 1e-10);
}

TEST(CardinalityReference, MinVarianceTwentyAssetsFiveHeld) {
  for (std::uint64_t seed : {101, 102}) {
    SCOPED_TRACE(seed);
    MeanVarianceProblem problem = random_problem(20, seed);
    problem.constraints.max_assets = 5;
    expect_brute_force(problem, MeanVarianceObjective::kMinVariance, false);
  }
}

TEST(CardinalityReference, MaxSharpeTwentyAssetsFiveHeld) {
  for (std::uint64_t seed : {111, 112}) {
    SCOPED_TRACE(seed);
    MeanVarianceProblem problem = random_problem(20, seed);
    problem.constraints.max_assets = 5;
    expect_brute_force(problem, MeanVarianceObjective::kMaxSharpe, true);
  }
}

TEST(CardinalityReference, TwentyAssetsWithMinimumPositionAndCaps) {
  MeanVarianceProblem problem = random_problem(20, 121);
  problem.constraints.max_assets = 4;
  problem.constraints.upper_bound = 0.35;
  problem.constraints.min_position = 0.12;
  expect_brute_force(problem, MeanVarianceObjective::kMinVariance, false);
  expect_brute_force(problem, MeanVarianceObjective::kMaxSharpe, true);
}

TEST(CardinalityReference, MinCvarMatchesGlpkMilp) {
  std::ifstream in(std::string(KEEL_TEST_DATA_DIR) + "/cardinality/cvar_milp.json");
  ASSERT_TRUE(in.good());
  const nlohmann::json fixture = nlohmann::json::parse(in);
  ASSERT_GE(fixture["cases"].size(), 3u);
  for (const auto& c : fixture["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto n = static_cast<Eigen::Index>(c["scenarios"][0].size());
    TailRiskProblem problem;
    for (Eigen::Index i = 0; i < n; ++i) problem.assets.push_back("A" + std::to_string(i));
    problem.scenarios = test::fixture_matrix(c["scenarios"], n, "scenarios");
    problem.constraints.upper_bound = c["upper_bound"].get<double>();
    problem.constraints.max_assets = c["max_assets"].get<int>();
    problem.constraints.min_position = c["min_position"].get<double>();
    for (const auto& g : c["groups"]) {
      GroupConstraint group;
      group.name = "g";
      group.members = g["members"].get<std::vector<int>>();
      group.max_assets = g["max_assets"].get<int>();
      problem.constraints.groups.push_back(group);
    }
    TailRiskOptions options;
    options.confidence = c["confidence"].get<double>();
    options.cardinality.relative_gap = 1e-9;
    auto result = optimize_tail_risk(problem, options);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    ASSERT_EQ(result->portfolio.status, SolveStatus::kOptimal)
        << result->portfolio.diagnostics.explanation;
    const double expected = c["expected"]["cvar"].get<double>();
    // The historical expected shortfall recomputed from the weights, and the MILP's value.
    EXPECT_NEAR(result->risk, expected, 1e-7 * expected);
    EXPECT_NEAR(result->lp_risk, expected, 1e-7 * expected);
    const Eigen::VectorXd glpk = test::fixture_vector(c["expected"]["weights"], "expected weights");
    EXPECT_LT((result->portfolio.weights - glpk).lpNorm<Eigen::Infinity>(), 1e-6);
    EXPECT_LE(holdings(result->portfolio.weights), problem.constraints.max_assets);
    EXPECT_EQ(result->portfolio.details["cardinality"]["method"], "cbc");
  }
}

}  // namespace
}  // namespace keel
