#include "keel/optimize/tail_risk.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "keel/risk/drawdown.hpp"
#include "keel/risk/var.hpp"

namespace keel {
namespace {

// Fat-tailed scenarios with a common factor (seeded).
Eigen::MatrixXd make_scenarios(int periods, int assets, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t4(4.0);
  std::uniform_real_distribution<double> uniform(0.5, 1.5);
  Eigen::VectorXd beta(assets), scale(assets);
  for (int i = 0; i < assets; ++i) {
    beta[i] = uniform(rng);
    scale[i] = 0.01 * uniform(rng);
  }
  Eigen::MatrixXd r(periods, assets);
  for (int t = 0; t < periods; ++t) {
    const double factor = 0.015 * t4(rng);
    for (int i = 0; i < assets; ++i) r(t, i) = 0.0005 + beta[i] * factor + scale[i] * t4(rng);
  }
  return r;
}

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("A" + std::to_string(i));
  return out;
}

TailRiskProblem make_problem(int periods, int assets, unsigned seed) {
  TailRiskProblem problem;
  problem.assets = names(assets);
  problem.scenarios = make_scenarios(periods, assets, seed);
  return problem;
}

TailRiskResult solve(const TailRiskProblem& problem, const TailRiskOptions& options) {
  auto result = optimize_tail_risk(problem, options);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return std::move(result).value();
}

TEST(TailRisk, MinCvarEqualsHistoricalExpectedShortfallOfItsWeights) {
  const TailRiskProblem problem = make_problem(400, 8, 1);
  for (double confidence : {0.9, 0.95, 0.99}) {
    const TailRiskResult result = solve(problem, {.confidence = confidence});
    ASSERT_EQ(result.portfolio.status, SolveStatus::kOptimal)
        << result.portfolio.diagnostics.explanation;
    EXPECT_EQ(result.portfolio.model, "min-cvar");
    EXPECT_EQ(result.portfolio.diagnostics.solver, "clp");
    const auto es =
        scenario_var(problem.scenarios, result.portfolio.weights,
                     VarOptions{.method = VarMethod::kMonteCarlo, .confidence = confidence});
    ASSERT_TRUE(es.is_ok());
    EXPECT_NEAR(result.risk, es->es, 1e-12);
    EXPECT_NEAR(result.lp_risk, es->es, 1e-9);
    EXPECT_NEAR(result.portfolio.weights.sum(), 1.0, 1e-9);
    EXPECT_GE(result.portfolio.weights.minCoeff(), -1e-9);
    // The minimum is no worse than the equally weighted book or any single asset.
    const Eigen::VectorXd equal = Eigen::VectorXd::Constant(8, 1.0 / 8);
    EXPECT_LE(result.risk,
              scenario_var(problem.scenarios, equal,
                           VarOptions{.method = VarMethod::kMonteCarlo, .confidence = confidence})
                      ->es +
                  1e-12);
    for (int i = 0; i < 8; ++i) {
      EXPECT_LE(result.risk,
                scenario_var(problem.scenarios, Eigen::VectorXd::Unit(8, i),
                             VarOptions{.method = VarMethod::kMonteCarlo, .confidence = confidence})
                        ->es +
                    1e-12);
    }
  }
}

TEST(TailRisk, CuttingPlanesAndFullLpAgree) {
  TailRiskProblem problem = make_problem(300, 10, 2);
  problem.constraints.upper_bound = 0.25;
  problem.constraints.groups.push_back({"g", {0, 1, 2}, 0.3, 0.5});
  for (auto objective : {TailRiskObjective::kMinRisk, TailRiskObjective::kEfficientReturn,
                         TailRiskObjective::kEfficientRisk}) {
    TailRiskOptions cuts{.objective = objective};
    const TailRiskResult least = solve(problem, {});
    cuts.target_return = least.portfolio.performance.expected_return + 0.05;
    cuts.target_risk = least.risk * 1.2;
    TailRiskOptions full = cuts;
    full.cvar_algorithm = CvarAlgorithm::kFullLp;
    const TailRiskResult a = solve(problem, cuts);
    const TailRiskResult b = solve(problem, full);
    ASSERT_TRUE(a.is_usable()) << a.portfolio.diagnostics.explanation;
    ASSERT_TRUE(b.is_usable()) << b.portfolio.diagnostics.explanation;
    EXPECT_GT(a.cuts, 0);
    EXPECT_EQ(b.cuts, 0);
    EXPECT_NEAR(a.risk, b.risk, 1e-9 * std::max(1.0, b.risk));
    EXPECT_NEAR(a.portfolio.performance.expected_return, b.portfolio.performance.expected_return,
                objective == TailRiskObjective::kEfficientRisk ? 1e-9 : 1.0);
    EXPECT_LE(a.portfolio.diagnostics.max_constraint_violation, 1e-9);
    if (objective == TailRiskObjective::kEfficientRisk) {
      EXPECT_LE(a.risk, cuts.target_risk * (1 + 1e-9));
    }
    if (objective == TailRiskObjective::kEfficientReturn) {
      EXPECT_GE(a.portfolio.performance.expected_return, cuts.target_return - 1e-9);
    }
  }
}

TEST(TailRisk, MinimaxTwoScenarioClosedForm) {
  // Worst of 0.02w − 0.01(1 − w) and −0.01w + 0.03(1 − w) is maximised where they are equal,
  // w = 4/7, with a worst return of 0.05/7 (a negative worst loss).
  TailRiskProblem problem;
  problem.assets = {"A", "B"};
  problem.scenarios.resize(2, 2);
  problem.scenarios << 0.02, -0.01, -0.01, 0.03;
  const TailRiskResult result = solve(problem, {.measure = TailRiskMeasure::kMinimax});
  ASSERT_TRUE(result.is_usable());
  EXPECT_EQ(result.portfolio.model, "minimax");
  EXPECT_NEAR(result.portfolio.weights[0], 4.0 / 7.0, 1e-12);
  EXPECT_NEAR(result.risk, -0.05 / 7.0, 1e-14);
  EXPECT_NEAR(result.lp_risk, -0.05 / 7.0, 1e-12);
}

TEST(TailRisk, MadAndCdarMatchTheirDefinitionsAtTheOptimum) {
  TailRiskProblem problem = make_problem(250, 6, 3);
  const TailRiskResult mad = solve(problem, {.measure = TailRiskMeasure::kMad});
  ASSERT_TRUE(mad.is_usable());
  EXPECT_EQ(mad.portfolio.model, "min-mad");
  const Eigen::VectorXd pnl = problem.scenarios * mad.portfolio.weights;
  EXPECT_NEAR(mad.risk, (pnl.array() - pnl.mean()).abs().mean(), 1e-15);
  EXPECT_NEAR(mad.lp_risk, mad.risk, 1e-10);

  const TailRiskResult cdar =
      solve(problem, {.measure = TailRiskMeasure::kCdar, .confidence = 0.9});
  ASSERT_TRUE(cdar.is_usable());
  const auto dd =
      drawdowns(problem.scenarios * cdar.portfolio.weights, DrawdownOptions{.confidence = 0.9});
  ASSERT_TRUE(dd.is_ok());
  EXPECT_NEAR(cdar.risk, dd->cdar, 1e-14);
  EXPECT_NEAR(cdar.lp_risk, dd->cdar, 1e-10);
  for (int i = 0; i < 6; ++i) {
    const auto single = drawdowns(problem.scenarios.col(i), DrawdownOptions{.confidence = 0.9});
    EXPECT_LE(cdar.risk, single->cdar + 1e-12);
  }
}

TEST(TailRisk, BoundsGroupsLeverageAndTurnoverHold) {
  TailRiskProblem problem = make_problem(200, 8, 4);
  auto& c = problem.constraints;
  c.lower_bound = -0.3;
  c.upper_bound = 0.6;
  c.max_gross_leverage = 1.5;
  c.groups.push_back({"first-half", {0, 1, 2, 3}, 0.4, 0.7});
  c.current_weights = Eigen::VectorXd::Constant(8, 0.125);
  c.max_turnover = 0.5;
  for (auto measure : {TailRiskMeasure::kCvar, TailRiskMeasure::kCdar, TailRiskMeasure::kMad,
                       TailRiskMeasure::kMinimax}) {
    const TailRiskResult result = solve(problem, {.measure = measure});
    ASSERT_TRUE(result.is_usable()) << result.portfolio.diagnostics.explanation;
    const Eigen::VectorXd& w = result.portfolio.weights;
    EXPECT_LE(result.portfolio.diagnostics.max_constraint_violation, 1e-9);
    EXPECT_LE(w.cwiseAbs().sum(), 1.5 + 1e-9);
    EXPECT_LE((w - c.current_weights).cwiseAbs().sum(), 0.5 + 1e-9);
    EXPECT_GE(w.head(4).sum(), 0.4 - 1e-9);
    EXPECT_LE(w.head(4).sum(), 0.7 + 1e-9);
    EXPECT_GE(w.minCoeff(), -0.3 - 1e-9);
    EXPECT_LE(w.maxCoeff(), 0.6 + 1e-9);
  }
}

TEST(TailRisk, InfeasibleConstraintsAreNamed) {
  TailRiskProblem problem = make_problem(100, 4, 5);
  problem.constraints.groups.push_back({"a", {0, 1}, 0.7, kInfinity});
  problem.constraints.groups.push_back({"b", {1, 2}, 0.0, 0.1});
  problem.constraints.linear.push_back(
      {"x", Eigen::Vector4d(1.0, 0.0, 0.0, 0.0), ConstraintSense::kLessEqual, 0.5});
  const TailRiskResult result = solve(problem, {});
  EXPECT_EQ(result.portfolio.status, SolveStatus::kInfeasible);
  const auto& names = result.portfolio.diagnostics.conflicting_constraints;
  EXPECT_NE(std::find(names.begin(), names.end(), "group[a]"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "linear[x]"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "group[b]"), names.end());
  EXPECT_FALSE(result.portfolio.diagnostics.explanation.empty());
}

TEST(TailRisk, UnreachableTargetsAreInfeasible) {
  TailRiskProblem problem = make_problem(150, 5, 6);
  const Eigen::VectorXd mu = problem.scenarios.colwise().mean().transpose() * 365.0;
  const TailRiskResult high = solve(problem, {.objective = TailRiskObjective::kEfficientReturn,
                                              .target_return = mu.maxCoeff() + 0.01});
  EXPECT_EQ(high.portfolio.status, SolveStatus::kInfeasible);
  const auto& culprits = high.portfolio.diagnostics.conflicting_constraints;
  EXPECT_NE(std::find(culprits.begin(), culprits.end(), "target-return"), culprits.end());

  const TailRiskResult least = solve(problem, {});
  const TailRiskResult low = solve(
      problem, {.objective = TailRiskObjective::kEfficientRisk, .target_risk = least.risk * 0.9});
  EXPECT_EQ(low.portfolio.status, SolveStatus::kInfeasible);
  EXPECT_EQ(low.portfolio.diagnostics.conflicting_constraints,
            std::vector<std::string>{"target-risk"});

  problem.constraints.upper_bound = 0.1;  // 5 × 0.1 < budget: caught by the precheck
  const TailRiskResult precheck = solve(problem, {});
  EXPECT_EQ(precheck.portfolio.status, SolveStatus::kInfeasible);
  EXPECT_FALSE(precheck.portfolio.diagnostics.conflicting_constraints.empty());
}

TEST(TailRisk, UnboundedShortsAreReported) {
  // A riskless arbitrage: asset B beats A in every scenario; free shorts make the worst loss
  // unbounded below.
  TailRiskProblem problem;
  problem.assets = {"A", "B"};
  problem.scenarios.resize(3, 2);
  problem.scenarios << 0.01, 0.02, -0.01, 0.0, 0.03, 0.05;
  problem.constraints.lower_bound = -kInfinity;
  problem.constraints.upper_bound = kInfinity;
  const TailRiskResult result = solve(problem, {.measure = TailRiskMeasure::kMinimax});
  EXPECT_EQ(result.portfolio.status, SolveStatus::kUnbounded);
  const TailRiskResult cvar = solve(problem, {});
  EXPECT_EQ(cvar.portfolio.status, SolveStatus::kUnbounded);
}

TEST(TailRisk, CallErrorsNameTheCulprit) {
  TailRiskProblem problem = make_problem(20, 3, 7);
  problem.scenarios(4, 1) = std::numeric_limits<double>::quiet_NaN();
  auto bad = optimize_tail_risk(problem, {});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("A1"), std::string::npos);
  EXPECT_NE(bad.status().message().find("row 4"), std::string::npos);

  problem = make_problem(20, 3, 7);
  EXPECT_FALSE(optimize_tail_risk(problem, {.confidence = 1.0}).is_ok());
  EXPECT_FALSE(
      optimize_tail_risk(problem, {.objective = TailRiskObjective::kEfficientReturn}).is_ok());
  EXPECT_FALSE(optimize_tail_risk(
                   problem, {.objective = TailRiskObjective::kEfficientRisk, .target_risk = -0.1})
                   .is_ok());
  problem.expected_returns = Eigen::VectorXd::Zero(2);
  EXPECT_FALSE(optimize_tail_risk(problem, {}).is_ok());
}

TEST(TailRisk, JsonCarriesTheRiskBlock) {
  const TailRiskProblem problem = make_problem(100, 3, 8);
  const TailRiskResult result = solve(problem, {});
  const Json json = result.to_json(0.95);
  EXPECT_EQ(json["model"], "min-cvar");
  EXPECT_EQ(json["risk"]["measure"], "cvar");
  EXPECT_DOUBLE_EQ(json["risk"]["value"].get<double>(), result.risk);
  EXPECT_EQ(json["diagnostics"]["solver"], "clp");
}

}  // namespace
}  // namespace keel
