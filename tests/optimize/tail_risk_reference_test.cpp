// Tail-risk LPs against fixtures from tests/reference/make_lp_fixtures.py: seeded random LPs
// solved by cvxopt.solvers.lp (GLPK simplex, cross-checked with HiGHS), and PyPortfolioOpt's
// EfficientCVaR / EfficientCDaR test problems on its stock_prices.csv (published numbers).

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "keel/core/json.hpp"
#include "keel/optimize/tail_risk.hpp"

namespace keel {
namespace {

Json load(const std::string& name) {
  std::ifstream in(std::string(KEEL_SOURCE_DIR) + "/tests/reference/lp/" + name);
  EXPECT_TRUE(in.good()) << name;
  return Json::parse(in);
}

double number(const Json& value, double fallback) {
  return value.is_null() ? fallback : value.get<double>();
}

Eigen::VectorXd vector(const Json& values, double null_value = kInfinity) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    out[static_cast<Eigen::Index>(i)] = number(values[i], null_value);
  }
  return out;
}

PortfolioConstraints constraints_from(const Json& json, int n) {
  PortfolioConstraints c;
  c.budget = json["budget"].is_null() ? std::nullopt : std::optional<double>(json["budget"]);
  if (json.contains("net_exposure_min"))
    c.net_exposure_min = number(json["net_exposure_min"], -kInfinity);
  if (json.contains("net_exposure_max"))
    c.net_exposure_max = number(json["net_exposure_max"], kInfinity);
  c.lower_bounds = vector(json["lower"], -kInfinity);
  c.upper_bounds = vector(json["upper"], kInfinity);
  if (json.contains("groups")) {
    for (const auto& g : json["groups"]) {
      c.groups.push_back({g["name"], g["members"].get<std::vector<int>>(),
                          number(g["min"], -kInfinity), number(g["max"], kInfinity)});
    }
  }
  if (json.contains("linear")) {
    for (const auto& l : json["linear"]) {
      const std::string sense = l["sense"];
      c.linear.push_back({l["name"], vector(l["coefficients"]),
                          sense == "<="   ? ConstraintSense::kLessEqual
                          : sense == ">=" ? ConstraintSense::kGreaterEqual
                                          : ConstraintSense::kEqual,
                          l["rhs"].get<double>()});
    }
  }
  if (json.contains("max_gross_leverage") && !json["max_gross_leverage"].is_null()) {
    c.max_gross_leverage = json["max_gross_leverage"];
  }
  if (json.contains("max_turnover") && !json["max_turnover"].is_null()) {
    c.max_turnover = json["max_turnover"];
    c.current_weights = vector(json["current_weights"]);
  }
  EXPECT_EQ(c.lower_bounds.size(), n);
  return c;
}

TailRiskOptions options_from(const Json& json) {
  TailRiskOptions options;
  const std::string measure = json["measure"];
  options.measure = measure == "cvar"   ? TailRiskMeasure::kCvar
                    : measure == "cdar" ? TailRiskMeasure::kCdar
                    : measure == "mad"  ? TailRiskMeasure::kMad
                                        : TailRiskMeasure::kMinimax;
  const std::string objective = json["objective"];
  options.objective = objective == "min-risk"           ? TailRiskObjective::kMinRisk
                      : objective == "efficient-return" ? TailRiskObjective::kEfficientReturn
                                                        : TailRiskObjective::kEfficientRisk;
  options.confidence = json["confidence"];
  options.target_return = number(json["target_return"], std::nan(""));
  options.target_risk = number(json["target_risk"], std::nan(""));
  return options;
}

TEST(TailRiskReference, SeededRandomLpsMatchCvxopt) {
  const Json doc = load("random.json");
  ASSERT_GE(doc["cases"].size(), 60u);
  for (const auto& test_case : doc["cases"]) {
    SCOPED_TRACE(test_case["name"].get<std::string>());
    TailRiskProblem problem;
    const auto& rows = test_case["scenarios"];
    const int periods = static_cast<int>(rows.size());
    const int n = static_cast<int>(rows[0].size());
    problem.scenarios.resize(periods, n);
    for (int t = 0; t < periods; ++t) {
      for (int i = 0; i < n; ++i) problem.scenarios(t, i) = rows[t][i];
    }
    for (int i = 0; i < n; ++i) problem.assets.push_back("A" + std::to_string(i));
    problem.expected_returns = vector(test_case["expected_returns"]);
    problem.constraints = constraints_from(test_case["constraints"], n);
    TailRiskOptions options = options_from(test_case);
    std::vector<CvarAlgorithm> algorithms{CvarAlgorithm::kFullLp};
    if (options.measure == TailRiskMeasure::kCvar)
      algorithms.push_back(CvarAlgorithm::kCuttingPlane);
    for (CvarAlgorithm algorithm : algorithms) {
      SCOPED_TRACE(std::string(to_string(algorithm)));
      options.cvar_algorithm = algorithm;
      const auto result = optimize_tail_risk(problem, options);
      ASSERT_TRUE(result.is_ok()) << result.status().message();
      ASSERT_EQ(result->portfolio.status, SolveStatus::kOptimal)
          << result->portfolio.diagnostics.explanation;
      const double expected = test_case["objective_value"];
      const double value = options.objective == TailRiskObjective::kEfficientRisk
                               ? -result->portfolio.performance.expected_return
                               : result->risk;
      EXPECT_NEAR(value, expected, 1e-8 * std::max(1e-2, std::abs(expected)));
      EXPECT_NEAR(value, test_case["objective_highs"].get<double>(),
                  1e-8 * std::max(1e-2, std::abs(expected)));
      if (options.objective == TailRiskObjective::kEfficientRisk) {
        // The risk row may be slack, and then its auxiliary variables need not be tight.
        EXPECT_GE(result->lp_risk, result->risk - 1e-9);
        EXPECT_LE(result->risk, options.target_risk + 1e-9);
      } else {
        EXPECT_NEAR(result->lp_risk, result->risk, 1e-9);
      }
      EXPECT_LE(result->portfolio.diagnostics.max_constraint_violation, 1e-9);
    }
  }
}

// PyPortfolioOpt's data: returns_from_prices(prices).dropna() = pct_change rows where every
// asset has a price today and yesterday.
bool read_pypfopt_scenarios(const std::string& path, int first_columns, Eigen::MatrixXd& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> prices;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    std::getline(fields, field, ',');
    std::vector<double> row;
    while (std::getline(fields, field, ',')) {
      row.push_back(field.empty() ? std::nan("") : std::stod(field));
    }
    row.resize(static_cast<std::size_t>(first_columns), std::nan(""));
    prices.push_back(row);
  }
  std::vector<Eigen::VectorXd> returns;
  for (std::size_t t = 1; t < prices.size(); ++t) {
    Eigen::VectorXd r(first_columns);
    bool complete = true;
    for (int i = 0; i < first_columns; ++i) {
      r[i] =
          prices[t][static_cast<std::size_t>(i)] / prices[t - 1][static_cast<std::size_t>(i)] - 1.0;
      complete = complete && std::isfinite(r[i]);
    }
    if (complete) returns.push_back(r);
  }
  out.resize(static_cast<Eigen::Index>(returns.size()), first_columns);
  for (std::size_t t = 0; t < returns.size(); ++t)
    out.row(static_cast<Eigen::Index>(t)) = returns[t];
  return true;
}

TEST(TailRiskReference, PyPortfolioOptEfficientCvarAndCdar) {
  const std::string csv =
      std::string(KEEL_SHARED_DATA_DIR) + "/reference/pyportfolioopt/stock_prices.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "shared data missing: " << csv;
  const Json doc = load("pypfopt.json");
  TailRiskProblem problem;
  problem.assets = doc["assets"].get<std::vector<std::string>>();
  const int n = static_cast<int>(problem.assets.size());
  ASSERT_TRUE(read_pypfopt_scenarios(csv, n, problem.scenarios));
  ASSERT_EQ(problem.scenarios.rows(), doc["scenario_rows"].get<int>());
  problem.periods_per_year = 252;
  for (const auto& test_case : doc["cases"]) {
    SCOPED_TRACE(test_case["name"].get<std::string>());
    // "geometric": mean_historical_return(get_data()) from the fixture; "setup": the
    // setup_efficient_* convention, arithmetic mean x252 of these scenarios = Keel's default.
    problem.expected_returns =
        test_case["mu"] == "geometric" ? vector(doc["expected_returns"]) : Eigen::VectorXd();
    problem.constraints = constraints_from(test_case["constraints"], n);
    const TailRiskOptions options = options_from(test_case);
    const auto result = optimize_tail_risk(problem, options);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    ASSERT_TRUE(result->is_usable()) << result->portfolio.diagnostics.explanation;
    // The published risk and return where they reproduce (PyPortfolioOpt tolerance 1e-4) ...
    const double published_risk = test_case["published_risk"];
    if (test_case["published_agrees"]) {
      EXPECT_NEAR(result->risk, published_risk, 1e-4 + 1e-4 * published_risk);
    }
    if (test_case["published_agrees"] && !test_case["published_return"].is_null()) {
      const double published_return = test_case["published_return"];
      EXPECT_NEAR(result->portfolio.performance.expected_return, published_return,
                  1e-4 + 1e-4 * std::abs(published_return));
    }
    // ... and the cvxopt optimum of the same LP to 1e-8.
    const double expected = test_case["objective_value"];
    const double value = options.objective == TailRiskObjective::kEfficientRisk
                             ? -result->portfolio.performance.expected_return
                             : result->risk;
    EXPECT_NEAR(value, expected, 1e-8 * std::max(1e-2, std::abs(expected)));
    EXPECT_LE(result->portfolio.diagnostics.max_constraint_violation, 1e-9);
  }
}

}  // namespace
}  // namespace keel
