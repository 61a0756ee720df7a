// The max-ratio model (tail_risk.hpp, TailRiskObjective::kMaxRatio) against
//  - tests/data/max_ratio/fixtures.json (make_fixtures.py beside it): Dinkelbach iterations of
//    scipy HiGHS LPs on the ORIGINAL constraints (no change of variables), cross-checked there
//    against an independently written Charnes–Cooper LP, on seeded scenarios and on 400 daily
//    returns of 8 stocks of PyPortfolioOpt's stock_prices.csv, for CVaR, CDaR, MAD and the worst
//    loss under long-only, rich (bounds, group, linear row, leverage) and turnover constraints,
//    and with a group cap that binds at the optimum;
//  - Keel's own efficient-risk form: a golden-section search of (return(c) − r_f)/c over the risk
//    cap c (the ratio is quasi-concave along the frontier) must not beat the max-ratio answer.

#include <gtest/gtest.h>

#include <cmath>
#include <random>

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

std::optional<double> maybe(const nlohmann::json& node, const char* key) {
  if (!node.contains(key) || node[key].is_null()) return std::nullopt;
  return fixture_number(node[key], key);
}

PortfolioConstraints constraints_from(const nlohmann::json& json, int n) {
  PortfolioConstraints c;
  c.budget = fixture_number(fixture_at(json, "budget"), "budget");
  c.lower_bounds = fixture_vector(fixture_at(json, "lower"), "lower");
  c.upper_bounds = fixture_vector(fixture_at(json, "upper"), "upper");
  if (json.contains("groups")) {
    for (const auto& g : json["groups"]) {
      c.groups.push_back({g["name"], g["members"].get<std::vector<int>>(),
                          maybe(g, "min").value_or(-kInfinity),
                          maybe(g, "max").value_or(kInfinity)});
    }
  }
  if (json.contains("linear")) {
    for (const auto& l : json["linear"]) {
      const std::string sense = l["sense"];
      c.linear.push_back({l["name"], fixture_vector(l["coefficients"], "coefficients"),
                          sense == "<="   ? ConstraintSense::kLessEqual
                          : sense == ">=" ? ConstraintSense::kGreaterEqual
                                          : ConstraintSense::kEqual,
                          fixture_number(l["rhs"])});
    }
  }
  if (auto l = maybe(json, "max_gross_leverage")) c.max_gross_leverage = *l;
  if (auto t = maybe(json, "max_turnover")) {
    c.max_turnover = *t;
    c.current_weights = fixture_vector(json["current_weights"], "current_weights");
  }
  EXPECT_EQ(c.lower_bounds.size(), n);
  return c;
}

TailRiskMeasure measure_from(const std::string& name) {
  if (name == "cvar") return TailRiskMeasure::kCvar;
  if (name == "cdar") return TailRiskMeasure::kCdar;
  if (name == "mad") return TailRiskMeasure::kMad;
  EXPECT_EQ(name, "minimax");
  return TailRiskMeasure::kMinimax;
}

TEST(MaxRatio, MatchesDinkelbachOverHighsOnSeededAndRealData) {
  const auto fixture =
      test::read_json_fixture(std::string(KEEL_SOURCE_DIR) + "/tests/data/max_ratio/fixtures.json");
  const auto& data = fixture_at(fixture, "data");
  int checked = 0, binding = 0;
  for (const auto& c : fixture_cases(fixture, "cases")) {
    const auto& set = fixture_at(data, c["data"].get<std::string>());
    const Eigen::VectorXd mu = fixture_vector(fixture_at(set, "mu"), "mu");
    TailRiskProblem problem;
    problem.scenarios = fixture_matrix(fixture_at(set, "scenarios"), mu.size(), "scenarios");
    problem.assets = test::numbered_assets(mu.size());
    problem.expected_returns = mu;
    problem.periods_per_year = fixture_number(fixture_at(set, "periods_per_year"));
    problem.constraints =
        constraints_from(fixture_at(c, "constraints"), static_cast<int>(mu.size()));
    TailRiskOptions options;
    options.objective = TailRiskObjective::kMaxRatio;
    options.measure = measure_from(c["measure"]);
    options.confidence = fixture_number(c["alpha"]);
    options.risk_free_rate = fixture_number(c["risk_free_rate"]);
    for (CvarAlgorithm algorithm : {CvarAlgorithm::kCuttingPlane, CvarAlgorithm::kFullLp}) {
      if (algorithm == CvarAlgorithm::kFullLp && options.measure != TailRiskMeasure::kCvar)
        continue;
      options.cvar_algorithm = algorithm;
      const std::string label = c["name"].get<std::string>() + "/" +
                                c["measure"].get<std::string>() + "/" +
                                std::string(to_string(algorithm));
      auto result = optimize_tail_risk(problem, options);
      ASSERT_TRUE(result.is_ok()) << label << ": " << result.status().message();
      ASSERT_EQ(result->portfolio.status, SolveStatus::kOptimal)
          << label << ": " << result->portfolio.diagnostics.explanation;
      EXPECT_EQ(result->portfolio.model, "max-ratio");
      const double expected = fixture_number(c["ratio"]);
      EXPECT_NEAR(result->ratio, expected, 1e-7 * std::abs(expected)) << label;
      EXPECT_NEAR(result->risk, fixture_number(c["risk"]), 1e-6 * std::abs(result->risk) + 1e-12)
          << label;
      // LP optima may tie; the weights are compared where the fixture's ratio is attained.
      const Eigen::VectorXd weights = fixture_vector(c["weights"], "weights");
      EXPECT_LE((result->portfolio.weights - weights).lpNorm<Eigen::Infinity>(), 1e-5) << label;
      EXPECT_LE(result->portfolio.diagnostics.max_constraint_violation, 1e-8) << label;
      if (c.contains("group_unconstrained_sum")) {
        const auto& group = problem.constraints.groups.at(0);
        double held = 0.0;
        for (int i : group.members) held += result->portfolio.weights[i];
        EXPECT_NEAR(held, group.max, 1e-8) << label << ": the group cap must bind";
        EXPECT_GT(fixture_number(c["group_unconstrained_sum"]), group.max + 1e-3) << label;
        ++binding;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 50);
  EXPECT_EQ(binding, 10);
}

// Seeded fat-tailed scenarios with a common factor.
Eigen::MatrixXd make_scenarios(int periods, int assets, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t4(4.0);
  std::uniform_real_distribution<double> uniform(0.5, 1.5);
  Eigen::VectorXd beta(assets), scale(assets), drift(assets);
  for (int i = 0; i < assets; ++i) {
    beta[i] = uniform(rng);
    scale[i] = 0.01 * uniform(rng);
    drift[i] = 0.001 * (uniform(rng) - 0.7);
  }
  Eigen::MatrixXd r(periods, assets);
  for (int t = 0; t < periods; ++t) {
    const double factor = 0.01 * t4(rng);
    for (int i = 0; i < assets; ++i) r(t, i) = drift[i] + beta[i] * factor + scale[i] * t4(rng);
  }
  return r;
}

// The best ratio over Keel's efficient-risk portfolios, by golden section on the risk cap.
double best_efficient_risk_ratio(const TailRiskProblem& problem, TailRiskOptions options) {
  options.objective = TailRiskObjective::kMinRisk;
  auto least = optimize_tail_risk(problem, options);
  EXPECT_TRUE(least.is_ok() && least->is_usable());
  const double low_risk = least->risk;
  options.objective = TailRiskObjective::kEfficientRisk;
  const auto ratio_at = [&](double cap) {
    options.target_risk = cap;
    auto result = optimize_tail_risk(problem, options);
    EXPECT_TRUE(result.is_ok() && result->is_usable()) << cap;
    return (result->portfolio.performance.expected_return - options.risk_free_rate) /
           problem.periods_per_year / result->risk;
  };
  double a = low_risk, b = 20.0 * low_risk;
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double x1 = b - g * (b - a), x2 = a + g * (b - a);
  double f1 = ratio_at(x1), f2 = ratio_at(x2);
  for (int k = 0; k < 45 && b - a > 1e-9 * b; ++k) {
    if (f1 < f2) {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = ratio_at(x2);
    } else {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = ratio_at(x1);
    }
  }
  return std::max(f1, f2);
}

TEST(MaxRatio, AgreesWithASearchOverTheEfficientRiskForm) {
  TailRiskProblem problem;
  problem.scenarios = make_scenarios(120, 6, 7);
  problem.assets = test::numbered_assets(6);
  problem.constraints.upper_bound = 0.45;
  for (TailRiskMeasure measure : {TailRiskMeasure::kCvar, TailRiskMeasure::kCdar,
                                  TailRiskMeasure::kMad, TailRiskMeasure::kMinimax}) {
    TailRiskOptions options;
    options.measure = measure;
    options.confidence = 0.9;
    options.risk_free_rate = 0.01;
    const double searched = best_efficient_risk_ratio(problem, options);
    options.objective = TailRiskObjective::kMaxRatio;
    auto result = optimize_tail_risk(problem, options);
    ASSERT_TRUE(result.is_ok());
    ASSERT_EQ(result->portfolio.status, SolveStatus::kOptimal) << to_string(measure);
    EXPECT_GT(searched, 0.0);
    // The search can only approach the optimum from below.
    EXPECT_LE(searched, result->ratio * (1 + 1e-9)) << to_string(measure);
    EXPECT_NEAR(searched, result->ratio, 1e-6 * result->ratio) << to_string(measure);
  }
}

TEST(MaxRatio, NoPortfolioAboveTheRiskFreeRateIsInfeasibleWithAdvice) {
  TailRiskProblem problem;
  problem.scenarios = make_scenarios(100, 4, 3);
  problem.assets = test::numbered_assets(4);
  problem.expected_returns = Eigen::VectorXd::Constant(4, 0.02);
  problem.expected_returns[2] = 0.04;
  TailRiskOptions options;
  options.objective = TailRiskObjective::kMaxRatio;
  options.risk_free_rate = 0.05;
  auto result = optimize_tail_risk(problem, options);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->portfolio.status, SolveStatus::kInfeasible);
  EXPECT_EQ(result->portfolio.diagnostics.conflicting_constraints,
            std::vector<std::string>{"risk-free-rate"});
  EXPECT_NE(result->portfolio.diagnostics.explanation.find("min-cvar"), std::string::npos);
  // Just above: solvable, and all in the one asset that beats r_f... with its ratio.
  options.risk_free_rate = 0.039;
  result = optimize_tail_risk(problem, options);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->portfolio.status, SolveStatus::kOptimal);
  EXPECT_NEAR(result->portfolio.weights[2], 1.0, 1e-9);
}

TEST(MaxRatio, ConstraintsThatConflictAreNamedNotBlamedOnTheRate) {
  TailRiskProblem problem;
  problem.scenarios = make_scenarios(60, 4, 5);
  problem.assets = test::numbered_assets(4);
  problem.constraints.groups.push_back({"ab", {0, 1}, 0.7, kInfinity});
  problem.constraints.groups.push_back({"cd", {2, 3}, 0.7, kInfinity});
  TailRiskOptions options;
  options.objective = TailRiskObjective::kMaxRatio;
  options.measure = TailRiskMeasure::kMad;
  auto result = optimize_tail_risk(problem, options);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->portfolio.status, SolveStatus::kInfeasible);
  const auto& names = result->portfolio.diagnostics.conflicting_constraints;
  EXPECT_EQ(std::count(names.begin(), names.end(), "risk-free-rate"), 0);
  EXPECT_FALSE(names.empty());
}

TEST(MaxRatio, AnInSampleArbitrageLeavesTheRatioUnbounded) {
  // Asset 0 never loses: its worst loss is negative, so mean / worst loss has no finite best.
  TailRiskProblem problem;
  problem.scenarios = make_scenarios(50, 3, 9);
  problem.scenarios.col(0).setConstant(0.001);
  problem.assets = test::numbered_assets(3);
  TailRiskOptions options;
  options.objective = TailRiskObjective::kMaxRatio;
  options.measure = TailRiskMeasure::kMinimax;
  auto result = optimize_tail_risk(problem, options);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->portfolio.status, SolveStatus::kUnbounded);
  EXPECT_EQ(result->portfolio.weights.size(), 0);
  EXPECT_FALSE(result->portfolio.diagnostics.explanation.empty());
}

TEST(MaxRatio, RefusesCardinality) {
  TailRiskProblem problem;
  problem.scenarios = make_scenarios(50, 4, 2);
  problem.assets = test::numbered_assets(4);
  problem.constraints.max_assets = 2;
  TailRiskOptions options;
  options.objective = TailRiskObjective::kMaxRatio;
  auto result = optimize_tail_risk(problem, options);
  ASSERT_FALSE(result.is_ok());
  EXPECT_NE(result.status().message().find("max-ratio"), std::string::npos);
}

TEST(MaxRatio, ModelEntryPointRunsEachMeasure) {
  ModelInputs inputs;
  inputs.assets = test::numbered_assets(5);
  inputs.scenarios = make_scenarios(150, 5, 4);
  inputs.periods_per_year = 365;
  inputs.expected_returns = inputs.scenarios.colwise().mean().transpose() * 365.0;
  Eigen::MatrixXd centred = inputs.scenarios.rowwise() - inputs.scenarios.colwise().mean();
  inputs.covariance = centred.transpose() * centred / 149.0 * 365.0;
  for (RatioMeasure measure : {RatioMeasure::kVariance, RatioMeasure::kCvar, RatioMeasure::kCdar,
                               RatioMeasure::kMad, RatioMeasure::kMinimax}) {
    ModelSpec spec;
    spec.model = PortfolioModel::kMaxRatio;
    spec.ratio_measure = measure;
    auto result = optimize_portfolio(inputs, spec);
    ASSERT_TRUE(result.is_ok()) << to_string(measure) << result.status().message();
    EXPECT_TRUE(result->is_usable()) << to_string(measure) << result->diagnostics.explanation;
    EXPECT_EQ(result->model, "max-ratio");
    EXPECT_EQ(result->details["risk"]["measure"], std::string(to_string(measure)));
  }
  EXPECT_TRUE(parse_ratio_measure("sortino").status().message().find("cvar") != std::string::npos);
}

}  // namespace
}  // namespace keel
