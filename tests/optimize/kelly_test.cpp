// The growth-optimal (Kelly) portfolio (kelly.hpp) against tests/data/kelly/fixtures.json
// (make_fixtures.py beside it: scipy.optimize SLSQP with several starts, on seeded fat-tailed
// scenarios and on 2023 daily returns of five coins of the shared Binance panel), and its
// failure modes: wealth that no allowed weight keeps positive, refused constraints, bad
// fractions.

#include "keel/optimize/kelly.hpp"

#include <gtest/gtest.h>

#include "keel/optimize/model.hpp"
#include "support/fixtures.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

using test::fixture_at;
using test::fixture_cases;
using test::fixture_matrix;
using test::fixture_number;
using test::fixture_vector;

TEST(Kelly, MatchesScipySlsqpOnSeededAndRealScenarios) {
  const auto fixture =
      test::read_json_fixture(std::string(KEEL_SOURCE_DIR) + "/tests/data/kelly/fixtures.json");
  int checked = 0;
  for (const auto& c : fixture_cases(fixture, "cases")) {
    const std::string name = c["name"];
    const Eigen::VectorXd lower = fixture_vector(fixture_at(c, "lower"), "lower");
    KellyProblem problem;
    problem.assets = test::numbered_assets(lower.size());
    problem.scenarios = fixture_matrix(fixture_at(c, "scenarios"), lower.size(), "scenarios");
    problem.periods_per_year = fixture_number(c["periods_per_year"]);
    problem.constraints.lower_bounds = lower;
    problem.constraints.upper_bounds = fixture_vector(fixture_at(c, "upper"), "upper");
    problem.constraints.max_gross_leverage = fixture_number(c["max_gross_leverage"]);
    KellyOptions options;
    options.risk_free_rate = fixture_number(c["risk_free_rate"]);
    auto result = optimize_kelly(problem, options);
    ASSERT_TRUE(result.is_ok()) << name << ": " << result.status().message();
    ASSERT_EQ(result->portfolio.status, SolveStatus::kOptimal)
        << name << ": " << result->portfolio.diagnostics.explanation;
    const double growth = fixture_number(c["growth_rate"]);
    // Keel's optimum may only be at least as good as SLSQP's, and the same to 1e-9 per period.
    EXPECT_GE(result->growth_rate, growth - 1e-10) << name;
    EXPECT_NEAR(result->growth_rate, growth, 1e-9) << name;
    const Eigen::VectorXd expected = fixture_vector(c["weights"], "weights");
    EXPECT_LE((result->portfolio.weights - expected).lpNorm<Eigen::Infinity>(), 2e-4) << name;
    EXPECT_LE(result->portfolio.diagnostics.max_constraint_violation, 1e-8) << name;
    EXPECT_NEAR(result->growth_rate_annual, result->growth_rate * problem.periods_per_year, 1e-12);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

Eigen::MatrixXd small_scenarios() {
  Eigen::MatrixXd r(6, 2);
  r << 0.05, 0.01, -0.03, 0.02, 0.04, -0.01, -0.02, 0.00, 0.03, 0.01, -0.01, 0.02;
  return r;
}

TEST(Kelly, FractionalKellyScalesTheWeightsAndReportsTheProfile) {
  KellyProblem problem;
  problem.assets = test::numbered_assets(2);
  problem.scenarios = small_scenarios();
  KellyOptions options;
  auto full = optimize_kelly(problem, options);
  ASSERT_TRUE(full.is_ok());
  ASSERT_TRUE(full->is_usable());
  options.fraction = 0.5;
  auto half = optimize_kelly(problem, options);
  ASSERT_TRUE(half.is_ok());
  ASSERT_TRUE(half->is_usable());
  EXPECT_LE((half->portfolio.weights - 0.5 * full->portfolio.weights).lpNorm<Eigen::Infinity>(),
            1e-12);
  EXPECT_NEAR(half->cash, 1.0 - half->portfolio.weights.sum(), 1e-15);
  // Half Kelly grows more slowly than full Kelly, which is the best growth.
  EXPECT_LT(half->growth_rate, full->growth_rate);
  EXPECT_NEAR(half->full_kelly_growth_rate, full->growth_rate, 1e-15);
  ASSERT_EQ(half->profile.size(), 4u);
  for (std::size_t k = 1; k < half->profile.size(); ++k) {
    EXPECT_LE(half->profile[k - 1].max_drawdown, half->profile[k].max_drawdown + 1e-15);
  }
  // Closed-form check of the growth at the returned weights.
  const Eigen::VectorXd wealth = (problem.scenarios * half->portfolio.weights).array() + 1.0;
  EXPECT_NEAR(half->growth_rate, wealth.array().log().mean(), 1e-15);
  const Json details = half->portfolio.details["kelly"];
  EXPECT_EQ(details["fraction"], 0.5);
  EXPECT_TRUE(details["drawdown"].contains("max"));
}

TEST(Kelly, TotalLossAtEveryAllowedWeightIsInfeasibleWithAdvice) {
  // Asset 0 must be held at 100% at least and loses everything in row 3.
  KellyProblem problem;
  problem.assets = test::numbered_assets(2);
  problem.scenarios = small_scenarios();
  problem.scenarios(3, 0) = -1.0;
  problem.constraints.lower_bounds = Eigen::Vector2d(1.0, 0.0);
  problem.constraints.upper_bounds = Eigen::Vector2d(1.5, 1.0);
  problem.constraints.max_gross_leverage = 1.5;
  auto result = optimize_kelly(problem, {});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result->portfolio.status, SolveStatus::kInfeasible);
  EXPECT_EQ(result->portfolio.diagnostics.conflicting_constraints.at(0), "scenario-wealth");
  EXPECT_NE(result->portfolio.diagnostics.explanation.find("row 3"), std::string::npos)
      << result->portfolio.diagnostics.explanation;
  // Without the forced position, cash keeps wealth positive and Kelly avoids the ruinous asset.
  problem.constraints.lower_bounds = Eigen::Vector2d(0.0, 0.0);
  result = optimize_kelly(problem, {});
  ASSERT_TRUE(result.is_ok());
  ASSERT_TRUE(result->is_usable());
  EXPECT_LT(result->portfolio.weights[0], 1.0);
}

TEST(Kelly, BadInputNamesTheOptionAndTheFix) {
  KellyProblem problem;
  problem.assets = test::numbered_assets(2);
  problem.scenarios = small_scenarios();
  KellyOptions options;
  options.fraction = 1.5;
  auto result = optimize_kelly(problem, options);
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("--kelly-fraction"), std::string::npos);
  options.fraction = 1.0;
  problem.constraints.groups.push_back({"g", {0}, 0.0, 0.5});
  result = optimize_kelly(problem, options);
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("group"), std::string::npos);
  problem.constraints.groups.clear();
  problem.constraints.budget = 0.0;
  result = optimize_kelly(problem, options);
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("budget"), std::string::npos);
}

TEST(Kelly, RunsThroughTheModelEntryPoint) {
  ModelInputs inputs;
  inputs.assets = test::numbered_assets(2);
  inputs.scenarios = small_scenarios();
  inputs.periods_per_year = 365;
  inputs.covariance = Eigen::Matrix2d::Identity() * 0.1;
  ModelSpec spec;
  spec.model = PortfolioModel::kKelly;
  spec.kelly.fraction = 0.5;
  auto result = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_TRUE(result->is_usable());
  EXPECT_EQ(result->model, "kelly");
  EXPECT_EQ(result->details["kelly"]["fraction"], 0.5);
}

}  // namespace
}  // namespace keel
