// The semivariance models (tail_risk.hpp kSemivariance): min-semivariance, its efficient-return
// form and max-ratio with the semideviation (Sortino), against tests/data/semivariance/
// fixtures.json (make_fixtures.py beside it: cvxopt.solvers.qp on the textbook QP, and the best
// Sortino ratio by a golden-section search over the efficient-return frontier — no change of
// variables), on seeded scenarios (long-only; bounds, group, leverage and a risk-free rate) and on
// 250 daily returns of 8 stocks of PyPortfolioOpt's stock_prices.csv.

#include <gtest/gtest.h>

#include <cmath>

#include "keel/optimize/model.hpp"
#include "keel/optimize/tail_risk.hpp"
#include "support/fixtures.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

using test::fixture_at;
using test::fixture_cases;
using test::fixture_matrix;
using test::fixture_number;
using test::fixture_vector;

TEST(Semivariance, MatchesCvxoptAndAFrontierSearch) {
  const auto fixture = test::read_json_fixture(std::string(KEEL_SOURCE_DIR) +
                                               "/tests/data/semivariance/fixtures.json");
  const auto& data = fixture_at(fixture, "data");
  int checked = 0;
  for (const auto& c : fixture_cases(fixture, "cases")) {
    const auto& set = fixture_at(data, c["data"].get<std::string>());
    const Eigen::VectorXd mu = fixture_vector(fixture_at(set, "mu"), "mu");
    const auto n = mu.size();
    TailRiskProblem problem;
    problem.assets = test::numbered_assets(n);
    problem.scenarios = fixture_matrix(fixture_at(set, "scenarios"), n, "scenarios");
    problem.expected_returns = mu;
    problem.periods_per_year = fixture_number(fixture_at(set, "periods_per_year"));
    const auto& cons = fixture_at(c, "constraints");
    problem.constraints.lower_bounds = fixture_vector(cons["lower"], "lower");
    problem.constraints.upper_bounds = fixture_vector(cons["upper"], "upper");
    if (cons.contains("groups")) {
      for (const auto& g : cons["groups"]) {
        problem.constraints.groups.push_back(
            {g["name"], g["members"].get<std::vector<int>>(), -kInfinity, g["max"].get<double>()});
      }
    }
    if (cons.contains("max_gross_leverage")) {
      problem.constraints.max_gross_leverage = cons["max_gross_leverage"];
    }
    TailRiskOptions options;
    options.measure = TailRiskMeasure::kSemivariance;
    options.risk_free_rate = fixture_number(c["risk_free_rate"]);
    const std::string objective = c["objective"];
    options.objective = objective == "min-risk"           ? TailRiskObjective::kMinRisk
                        : objective == "efficient-return" ? TailRiskObjective::kEfficientReturn
                                                          : TailRiskObjective::kMaxRatio;
    if (objective == "efficient-return") options.target_return = fixture_number(c["target_return"]);
    const std::string label = c["name"].get<std::string>() + "/" + objective;
    auto result = optimize_tail_risk(problem, options);
    ASSERT_TRUE(result.is_ok()) << label << ": " << result.status().message();
    ASSERT_EQ(result->portfolio.status, SolveStatus::kOptimal)
        << label << ": " << result->portfolio.diagnostics.explanation;
    const double semideviation = fixture_number(c["semideviation"]);
    // Keel's optimum may not be worse than cvxopt's (beyond its tolerance), and is the same.
    if (objective != "max-ratio") {
      EXPECT_LE(result->risk, semideviation * (1 + 1e-7)) << label;
      EXPECT_NEAR(result->risk, semideviation, 1e-6 * semideviation) << label;
    } else {
      const double ratio = fixture_number(c["ratio"]);
      EXPECT_GE(result->ratio, ratio * (1 - 1e-9)) << label;
      EXPECT_NEAR(result->ratio, ratio, 1e-6 * ratio) << label;
      EXPECT_EQ(result->portfolio.model, "max-ratio");
    }
    EXPECT_NEAR(result->lp_risk, result->risk, 1e-7 * result->risk) << label;
    const Eigen::VectorXd weights = fixture_vector(c["weights"], "weights");
    EXPECT_LE((result->portfolio.weights - weights).lpNorm<Eigen::Infinity>(), 1e-4) << label;
    EXPECT_LE(result->portfolio.diagnostics.max_constraint_violation, 1e-8) << label;
    ++checked;
  }
  EXPECT_EQ(checked, 9);
}

TEST(Semivariance, RefusesARiskCapWithAdvice) {
  TailRiskProblem problem;
  problem.assets = test::numbered_assets(2);
  problem.scenarios = Eigen::MatrixXd::Random(20, 2) * 0.01;
  TailRiskOptions options;
  options.measure = TailRiskMeasure::kSemivariance;
  options.objective = TailRiskObjective::kEfficientRisk;
  options.target_risk = 0.01;
  auto result = optimize_tail_risk(problem, options);
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("--target-return"), std::string::npos);
  EXPECT_EQ(parse_portfolio_model("min-semivariance").value(), PortfolioModel::kMinSemivariance);
  EXPECT_EQ(parse_ratio_measure("semivariance").value(), RatioMeasure::kSemivariance);
}

}  // namespace
}  // namespace keel
