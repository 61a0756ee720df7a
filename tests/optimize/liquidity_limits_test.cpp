// Liquidity limits (keel/optimize/liquidity_limits.hpp): bounds worked by hand from known volumes,
// their intersection with the user's bounds, conflicts, the universe filter, and a min-variance
// portfolio whose binding liquidity cap is checked against the closed-form constrained optimum.
#include "keel/optimize/liquidity_limits.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "keel/data/volume.hpp"
#include "keel/optimize/model.hpp"

namespace keel {
namespace {

// Three assets, 4 daily rows of quote volume: ADV = 1e6, 2e5, 5e4 (checked below).
Eigen::MatrixXd panel_volumes() {
  Eigen::MatrixXd v(4, 3);
  v << 0.5e6, 1e5, 5e4,  //
      1.5e6, 3e5, 5e4,   //
      1.0e6, 1e5, 2e4,   //
      1.0e6, 3e5, 8e4;
  return v;
}

TEST(LiquidityBounds, PositionAndTradeCapsInClosedForm) {
  auto adv = average_daily_volume(panel_volumes(), 365.0);
  ASSERT_TRUE(adv);
  ASSERT_DOUBLE_EQ((*adv)(0), 1e6);
  ASSERT_DOUBLE_EQ((*adv)(1), 2e5);
  ASSERT_DOUBLE_EQ((*adv)(2), 5e4);
  // V = 1e6, π = 0.1, D = 2: c = 0.1·ADV·2/1e6 = 0.2, 0.04, 0.01.
  // s = 0.5: t = 0.5·ADV/1e6 = 0.5, 0.1, 0.025.
  const LiquidityLimitOptions options{.portfolio_value = 1e6,
                                      .participation = 0.1,
                                      .max_days_to_liquidate = 2.0,
                                      .max_trade_adv_share = 0.5};
  Eigen::VectorXd w0(3);
  w0 << 0.0, 0.1, 0.02;
  auto b = liquidity_bounds(*adv, w0, options);
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_DOUBLE_EQ(b->position_cap(0), 0.2);
  EXPECT_DOUBLE_EQ(b->position_cap(1), 0.04);
  EXPECT_DOUBLE_EQ(b->position_cap(2), 0.01);
  EXPECT_DOUBLE_EQ(b->trade_cap(0), 0.5);
  EXPECT_DOUBLE_EQ(b->trade_cap(1), 0.1);
  EXPECT_DOUBLE_EQ(b->trade_cap(2), 0.025);
  // upper = min(c, w0 + t); lower = max(−c, w0 − t).
  EXPECT_DOUBLE_EQ(b->upper(0), 0.2);
  EXPECT_DOUBLE_EQ(b->lower(0), -0.2);
  EXPECT_DOUBLE_EQ(b->upper(1), 0.04);
  EXPECT_NEAR(b->lower(1), 0.0, 1e-15);  // 0.1 − 0.1
  EXPECT_DOUBLE_EQ(b->upper(2), 0.01);
  EXPECT_DOUBLE_EQ(b->lower(2), -0.005);  // 0.02 − 0.025 (position cap −0.01 looser)
}

TEST(LiquidityBounds, RulesOffGiveInfiniteBounds) {
  Eigen::VectorXd adv = Eigen::VectorXd::Constant(2, 1e6);
  auto b = liquidity_bounds(adv, Eigen::VectorXd(), LiquidityLimitOptions{.min_adv = 10});
  ASSERT_TRUE(b);
  EXPECT_TRUE(std::isinf(b->upper(0)) && b->upper(0) > 0);
  EXPECT_TRUE(std::isinf(b->lower(1)) && b->lower(1) < 0);
}

TEST(LiquidityBounds, BadOptionsNameTheKey) {
  Eigen::VectorXd adv = Eigen::VectorXd::Constant(2, 1e6);
  auto negative =
      liquidity_bounds(adv, Eigen::VectorXd(),
                       {.portfolio_value = 1e6, .participation = -0.1, .max_days_to_liquidate = 1});
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.status().message().find("participation"), std::string::npos);
  auto no_value = liquidity_bounds(adv, Eigen::VectorXd(), {.max_trade_adv_share = 0.1});
  ASSERT_FALSE(no_value);
  EXPECT_NE(no_value.status().message().find("portfolio_value"), std::string::npos);
  EXPECT_FALSE(LiquidityLimitOptions{.min_adv = -1}.validate());
  EXPECT_FALSE(LiquidityLimitOptions{.adv_window = 0}.validate());
  EXPECT_FALSE(LiquidityLimitOptions{.max_days_to_liquidate = -2}.validate());
}

TEST(IntersectLiquidityBounds, KeepsTheTighterSideAndSaysWhichRuleSetIt) {
  PortfolioConstraints c;
  c.upper_bound = 0.5;
  LiquidityBounds b;
  b.position_cap = Eigen::Vector3d(0.2, 0.9, kInfinity);
  b.trade_cap = Eigen::Vector3d(kInfinity, 0.3, kInfinity);
  b.lower = Eigen::Vector3d(-0.2, -0.3, -kInfinity);
  b.upper = Eigen::Vector3d(0.2, 0.3, kInfinity);
  auto r = intersect_liquidity_bounds(c, {"A", "B", "C"}, b);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(c.upper_bounds, Eigen::Vector3d(0.2, 0.3, 0.5));
  EXPECT_EQ(c.lower_bounds, Eigen::Vector3d(0.0, 0.0, 0.0));
  EXPECT_EQ(r->upper_source[0], BoundSource::kLiquidityPosition);
  EXPECT_EQ(r->upper_source[1], BoundSource::kLiquidityTrade);
  EXPECT_EQ(r->upper_source[2], BoundSource::kUser);
  EXPECT_EQ(r->lower_source[0], BoundSource::kUser);
}

TEST(IntersectLiquidityBounds, ConflictsAreNoSolutionNamingAssetAndRule) {
  LiquidityBounds b;
  b.position_cap = Eigen::Vector2d(0.05, 0.9);
  b.trade_cap = Eigen::Vector2d(kInfinity, kInfinity);
  b.lower = -b.position_cap;
  b.upper = b.position_cap;
  PortfolioConstraints user_minimum;
  user_minimum.lower_bounds = Eigen::Vector2d(0.1, 0.0);
  user_minimum.upper_bounds = Eigen::Vector2d(1.0, 1.0);
  auto r = intersect_liquidity_bounds(user_minimum, {"A", "B"}, b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), StatusCode::kNoSolution);
  EXPECT_NE(r.status().message().find("liquidity-position[A]"), std::string::npos);
  EXPECT_NE(r.status().message().find("bounds[A]"), std::string::npos);

  PortfolioConstraints budget;  // 0.05 + 0.9 < 1
  auto short_budget = intersect_liquidity_bounds(budget, {"A", "B"}, b);
  ASSERT_FALSE(short_budget);
  EXPECT_EQ(short_budget.status().code(), StatusCode::kNoSolution);
  EXPECT_NE(short_budget.status().message().find("budget"), std::string::npos);
  EXPECT_NE(short_budget.status().message().find("liquidity-position[A]"), std::string::npos);
  EXPECT_EQ(budget.upper_bounds.size(), 0);  // untouched on failure
}

TEST(IntersectLiquidityBounds, APositionTheTradeCapCannotShrinkIsAConflict) {
  // Holds 0.5, may hold 0.1, may trade 0.2: the lowest reachable weight is 0.3 > 0.1.
  auto b = liquidity_bounds(Eigen::Vector2d(1e5, 1e7), Eigen::Vector2d(0.5, 0.5),
                            {.portfolio_value = 1e6,
                             .participation = 1.0,
                             .max_days_to_liquidate = 1.0,
                             .max_trade_adv_share = 2.0});
  ASSERT_TRUE(b);
  PortfolioConstraints c;
  auto r = intersect_liquidity_bounds(c, {"A", "B"}, *b);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("liquidity-trade[A]"), std::string::npos);
}

TEST(LiquidityExclusions, BelowMinimumAdvOrMarketCapOrUnknownCap) {
  const std::vector<std::string> names = {"A", "B", "C", "D"};
  Eigen::Vector4d adv(1e6, 5e4, 2e6, 3e6);
  Eigen::Vector4d caps(1e9, 1e9, 1e7, 0.0);
  auto out = liquidity_exclusions(names, adv, caps, {.min_adv = 1e5, .min_market_cap = 1e8});
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].asset, "B");
  EXPECT_EQ((*out)[0].rule, "min-adv");
  EXPECT_EQ((*out)[1].asset, "C");
  EXPECT_EQ((*out)[1].rule, "min-market-cap");
  EXPECT_EQ((*out)[2].asset, "D");
  EXPECT_TRUE(std::isnan((*out)[2].value));
  auto none = liquidity_exclusions(names, adv, caps, {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(LiquidityLimitsInAModel, MinVarianceHoldsExactlyTheBindingCap) {
  // Diagonal Σ = diag(0.01, 0.04, 0.09): the unconstrained minimum variance holds w ∝ 1/σ²,
  // 0.735 of asset 0. With |w_0| ≤ 0.2 the optimum is w_0 = 0.2 and the rest, 0.8, split ∝ 1/σ²
  // over the other two (KKT of min wᵀΣw with one active bound): 0.8·25/36.11, 0.8·11.11/36.11.
  ModelInputs inputs;
  inputs.assets = {"A", "B", "C"};
  inputs.covariance = Eigen::Vector3d(0.01, 0.04, 0.09).asDiagonal();
  ModelSpec spec;
  auto b = liquidity_bounds(
      Eigen::Vector3d(1e6, 1e8, 1e8), Eigen::VectorXd(),
      {.portfolio_value = 1e6, .participation = 0.1, .max_days_to_liquidate = 2.0});
  ASSERT_TRUE(b);
  auto r = intersect_liquidity_bounds(spec.constraints, inputs.assets, *b);
  ASSERT_TRUE(r);
  auto result = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(result) << result.status().message();
  ASSERT_TRUE(result->is_usable());
  const double rest = 1.0 / 0.04 + 1.0 / 0.09;
  EXPECT_NEAR(result->weights(0), 0.2, 1e-7);
  EXPECT_NEAR(result->weights(1), 0.8 * 25.0 / rest, 1e-6);
  EXPECT_NEAR(result->weights(2), 0.8 * (1.0 / 0.09) / rest, 1e-6);
}

}  // namespace
}  // namespace keel
