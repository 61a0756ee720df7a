// keel::optimize_hedge against independent solvers on the same scenarios
// (tests/data/hedge/make_hedge_fixtures.py): the Rockafellar–Uryasev CVaR LP solved by scipy's
// HiGHS, and the minimum-variance hedge solved by cvxopt's QP.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "keel/optimize/hedge.hpp"
#include "keel/risk/var.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

nlohmann::json load_cases() {
  const nlohmann::json doc =
      test::read_json_fixture(std::string(KEEL_TEST_DATA_DIR) + "/hedge/hedge_cases.json");
  return test::fixture_cases(doc, "cases");
}

HedgeProblem problem_of(const nlohmann::json& c) {
  HedgeProblem p;
  p.book_pnl = test::fixture_vector(c.at("book_pnl"), "book_pnl");
  const auto m = static_cast<Eigen::Index>(c.at("instrument_pnl")[0].size());
  p.instrument_pnl = test::fixture_matrix(c.at("instrument_pnl"), m, "instrument_pnl");
  if (c.contains("unit_cost")) p.unit_cost = test::fixture_vector(c.at("unit_cost"), "unit_cost");
  p.lower = test::fixture_vector(c.at("lower"), "lower");
  p.upper = test::fixture_vector(c.at("upper"), "upper");
  if (c.contains("premium")) {
    p.premium = test::fixture_vector(c.at("premium"), "premium");
    p.premium_budget = c.at("premium_budget").get<double>();
  }
  if (c.contains("target")) {
    const auto& t = c.at("target");
    HedgeTarget target{.name = "net delta",
                       .base = t.at("base").get<double>(),
                       .coefficients = t.at("coefficients").get<std::vector<double>>(),
                       .lower = t.at("lower").get<double>(),
                       .upper = t.at("upper").get<double>()};
    p.targets.push_back(target);
  }
  return p;
}

TEST(HedgeReference, MatchesHighsAndCvxopt) {
  const nlohmann::json cases = load_cases();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const HedgeProblem problem = problem_of(c);
    const bool cvar = c.at("objective") == "cvar";
    HedgeOptions options{.objective = cvar ? HedgeObjective::kCvar : HedgeObjective::kVariance,
                         .confidence = c.at("alpha").get<double>()};
    auto result = optimize_hedge(problem, options);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    ASSERT_EQ(result->status, SolveStatus::kOptimal) << result->message;
    const double expected = c.at("expected_objective").get<double>();
    EXPECT_NEAR(result->objective, expected, 1e-8 * std::max(1.0, std::abs(expected)));
    if (cvar) {
      // The LP's value is the expected shortfall of the hedged P&L it returns.
      Eigen::VectorXd pnl = result->hedged_pnl;
      const EmpiricalTail tail = empirical_tail(pnl, options.confidence);
      EXPECT_NEAR(tail.es, result->objective, 1e-7 * std::max(1.0, std::abs(expected)));
    } else {
      // Strictly convex: the quantities are unique.
      const Eigen::VectorXd q = test::fixture_vector(c.at("expected_quantities"), "expected_quantities");
      EXPECT_LT((result->quantities - q).cwiseAbs().maxCoeff(),
                1e-5 * (1.0 + q.cwiseAbs().maxCoeff()));
    }
    for (Eigen::Index j = 0; j < problem.lower.size(); ++j) {
      EXPECT_GE(result->quantities(j), problem.lower(j) - 1e-9);
      EXPECT_LE(result->quantities(j), problem.upper(j) + 1e-9);
    }
    if (problem.premium.size() > 0) {
      EXPECT_LE(result->premium, problem.premium_budget + 1e-8);
    }
    for (std::size_t t = 0; t < problem.targets.size(); ++t) {
      EXPECT_GE(result->target_values[t], problem.targets[t].lower - 1e-8);
      EXPECT_LE(result->target_values[t], problem.targets[t].upper + 1e-8);
    }
  }
}

}  // namespace
}  // namespace keel
