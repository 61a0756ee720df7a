// keel::optimize_hedge: closed forms, limits and errors.
#include "keel/optimize/hedge.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keel/core/random.hpp"

namespace keel {
namespace {

// A book long 1 unit of x, hedged with an instrument that pays x exactly: CVaR is minimised at
// q = −1 (a perfect hedge), leaving only the trading cost.
TEST(Hedge, PerfectHedgeRemovesTheRisk) {
  const Eigen::Index scenarios = 400;
  Random random(7);
  Eigen::VectorXd x(scenarios);
  for (Eigen::Index s = 0; s < scenarios; ++s) x(s) = random.normal() * 10.0;
  HedgeProblem p;
  p.book_pnl = x;
  p.instrument_pnl = x;
  p.unit_cost = Eigen::VectorXd::Constant(1, 0.01);
  auto result = optimize_hedge(p, {});
  ASSERT_TRUE(result.is_ok());
  ASSERT_EQ(result->status, SolveStatus::kOptimal);
  EXPECT_NEAR(result->quantities(0), -1.0, 1e-9);
  EXPECT_NEAR(result->objective, 0.01, 1e-9);  // the cost is a sure loss
  EXPECT_NEAR(result->cost, 0.01, 1e-12);
}

// Minimum variance with one instrument: q* = −cov(b, h) / var(h), the minimum-variance hedge
// ratio (Hull, ch. 3).
TEST(Hedge, VarianceHedgeIsTheRegressionSlope) {
  const Eigen::Index scenarios = 1000;
  Random random(11);
  Eigen::VectorXd h(scenarios), b(scenarios);
  for (Eigen::Index s = 0; s < scenarios; ++s) {
    h(s) = random.normal();
    b(s) = 0.7 * h(s) + 0.3 * random.normal();
  }
  HedgeProblem p;
  p.book_pnl = b;
  p.instrument_pnl = h;
  auto result = optimize_hedge(p, {.objective = HedgeObjective::kVariance});
  ASSERT_TRUE(result.is_ok());
  ASSERT_TRUE(is_usable(result->status)) << result->message;
  const Eigen::VectorXd hc = h.array() - h.mean();
  const Eigen::VectorXd bc = b.array() - b.mean();
  EXPECT_NEAR(result->quantities(0), -hc.dot(bc) / hc.squaredNorm(), 1e-6);
}

TEST(Hedge, BoundsAndBudgetsBind) {
  Eigen::VectorXd x(4);
  x << -10, -5, 5, 10;
  HedgeProblem p;
  p.book_pnl = x;
  p.instrument_pnl = x;
  p.lower = Eigen::VectorXd::Constant(1, -0.25);
  p.upper = Eigen::VectorXd::Constant(1, 0.0);
  auto result = optimize_hedge(p, {.confidence = 0.75});
  ASSERT_TRUE(result.is_ok());
  EXPECT_NEAR(result->quantities(0), -0.25, 1e-9);

  p.lower = Eigen::VectorXd();
  p.upper = Eigen::VectorXd();
  p.margin = Eigen::VectorXd::Constant(1, 2.0);
  p.margin_budget = 1.0;  // |q| ≤ 0.5
  result = optimize_hedge(p, {.confidence = 0.75});
  ASSERT_TRUE(result.is_ok());
  EXPECT_NEAR(result->quantities(0), -0.5, 1e-9);
  EXPECT_NEAR(result->margin, 1.0, 1e-9);
}

TEST(Hedge, InfeasibleTargetsAreAStatusNamingTheLimits) {
  Eigen::VectorXd x(3);
  x << -1, 0, 1;
  HedgeProblem p;
  p.book_pnl = x;
  p.instrument_pnl = x;
  p.lower = Eigen::VectorXd::Constant(1, -1.0);
  p.upper = Eigen::VectorXd::Constant(1, 1.0);
  p.targets.push_back(
      {.name = "net delta BTC", .base = 5.0, .coefficients = {1.0}, .lower = -0.1, .upper = 0.1});
  auto result = optimize_hedge(p, {});
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->status, SolveStatus::kInfeasible);
  EXPECT_NE(result->message.find("net delta BTC"), std::string::npos) << result->message;
}

// An equality target (min = max) pins the quantity: base + q = 0.3 forces q = 0.3 - base.
TEST(Hedge, AnEqualityTargetPinsTheQuantity) {
  Eigen::VectorXd x(5);
  x << -4, -1, 0, 2, 3;
  HedgeProblem p;
  p.book_pnl = x;
  p.instrument_pnl = x;
  p.targets.push_back(
      {.name = "net delta", .base = 0.5, .coefficients = {1.0}, .lower = 0.3, .upper = 0.3});
  auto result = optimize_hedge(p, {.confidence = 0.6});
  ASSERT_TRUE(result.is_ok());
  ASSERT_EQ(result->status, SolveStatus::kOptimal) << result->message;
  EXPECT_NEAR(result->quantities(0), -0.2, 1e-9);
  // CVaR at 60% of (1 - 0.2) x over five scenarios: the mean loss of the two worst, 0.8 × 2.5.
  EXPECT_NEAR(result->objective, 2.0, 1e-9);
}

// An instrument that gains in every scenario, with no limit on its quantity: no minimum.
TEST(Hedge, AnUnlimitedSureGainIsUnbounded) {
  Eigen::VectorXd x(4);
  x << -2, -1, 1, 2;
  HedgeProblem p;
  p.book_pnl = x;
  p.instrument_pnl = Eigen::MatrixXd::Constant(4, 1, 1.0);
  auto result = optimize_hedge(p, {});
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->status, SolveStatus::kUnbounded) << result->message;
  // A margin budget bounds it: |q| ≤ 10, so q = 10 and the CVaR at 95% is the worst loss − 10.
  p.margin = Eigen::VectorXd::Constant(1, 1.0);
  p.margin_budget = 10.0;
  result = optimize_hedge(p, {});
  ASSERT_TRUE(result.is_ok());
  ASSERT_EQ(result->status, SolveStatus::kOptimal) << result->message;
  EXPECT_NEAR(result->quantities(0), 10.0, 1e-9);
  EXPECT_NEAR(result->objective, 2.0 - 10.0, 1e-9);
}

TEST(Hedge, BadInputIsACallError) {
  HedgeProblem p;
  p.book_pnl = Eigen::VectorXd::Zero(3);
  p.instrument_pnl = Eigen::MatrixXd::Zero(2, 1);
  EXPECT_FALSE(optimize_hedge(p, {}).is_ok());
  p.instrument_pnl = Eigen::MatrixXd::Zero(3, 1);
  p.names = {"BTC-PERP"};
  p.lower = Eigen::VectorXd::Constant(1, 1.0);
  p.upper = Eigen::VectorXd::Constant(1, -1.0);
  auto r = optimize_hedge(p, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("BTC-PERP"), std::string::npos);
  p.lower = Eigen::VectorXd();
  p.upper = Eigen::VectorXd();
  EXPECT_FALSE(optimize_hedge(p, {.confidence = 1.0}).is_ok());
}

}  // namespace
}  // namespace keel
