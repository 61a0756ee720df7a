#include "keel/risk/liquidity.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>

namespace keel {
namespace {

TEST(Liquidity, ExogenousSpreadHandComputed) {
  const Eigen::Vector3d w(0.5, 0.7, -0.2);
  const Eigen::Vector3d mean(0.001, 0.004, 0.010);
  const Eigen::Vector3d sd(0.0005, 0.002, 0.006);
  auto l = exogenous_spread_lvar(0.05, w, mean, sd);
  ASSERT_TRUE(l.is_ok());
  const double col =
      0.5 * (0.5 * (0.001 + 3 * 0.0005) + 0.7 * (0.004 + 3 * 0.002) + 0.2 * (0.010 + 3 * 0.006));
  EXPECT_NEAR(l->liquidity_cost, col, 1e-17);
  EXPECT_NEAR(l->lvar, 0.05 + col, 1e-17);
  EXPECT_NEAR(l->liquidity_premium, col / 0.05, 1e-15);
  EXPECT_NEAR(l->asset_cost.sum(), l->liquidity_cost, 1e-18);
  EXPECT_FALSE(exogenous_spread_lvar(0.05, w, -mean, sd).is_ok());
  EXPECT_FALSE(exogenous_spread_lvar(0.05, w, mean, sd, {.spread_multiplier = -1}).is_ok());
}

TEST(Liquidity, SpreadStatistics) {
  Eigen::MatrixXd s(3, 2);
  s << 0.001, 0.01, 0.002, 0.02, 0.003, 0.06;
  auto st = spread_statistics(s);
  ASSERT_TRUE(st.is_ok());
  EXPECT_NEAR(st->mean[0], 0.002, 1e-18);
  EXPECT_NEAR(st->stddev[0], 0.001, 1e-18);
  EXPECT_NEAR(st->stddev[1], std::sqrt((0.0004 + 0.0001 + 0.0009) / 2), 1e-17);
  s(1, 1) = -0.01;
  auto bad = spread_statistics(s);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("row 1, asset column 1"), std::string::npos);
}

TEST(Liquidity, EndogenousSquareRootImpactHandComputed) {
  // V = 10M; asset 0: 6M position, ADV 20M, π = 0.1 → 3 days, participation 0.1;
  // asset 1: 4M position, ADV 100M → 1 day, participation 0.04; asset 2 not held.
  const Eigen::Vector3d w(0.6, 0.4, 0.0);
  const Eigen::Vector3d vol(0.05, 0.03, 0.08);
  const Eigen::Vector3d adv(20e6, 100e6, 0.0);
  auto l = endogenous_impact_lvar(0.06, w, vol, adv, {.portfolio_value = 10e6});
  ASSERT_TRUE(l.is_ok()) << l.status().message();
  EXPECT_EQ(l->liquidation_days[0], 3.0);
  EXPECT_EQ(l->liquidation_days[1], 1.0);
  EXPECT_EQ(l->liquidation_days[2], 0.0);
  EXPECT_EQ(l->max_liquidation_days, 3.0);
  const double c0 = 0.6 * 0.05 * std::sqrt(6e6 / (20e6 * 3));
  const double c1 = 0.4 * 0.03 * std::sqrt(4e6 / 100e6);
  EXPECT_NEAR(l->asset_cost[0], c0, 1e-17);
  EXPECT_NEAR(l->asset_cost[1], c1, 1e-17);
  EXPECT_NEAR(l->lvar, 0.06 + c0 + c1, 1e-16);
  // Doubling Y doubles the cost; a larger book costs more per unit (√ law).
  auto y2 = endogenous_impact_lvar(0.06, w, vol, adv,
                                   {.portfolio_value = 10e6, .impact_coefficient = 2.0});
  EXPECT_NEAR(y2->liquidity_cost, 2 * l->liquidity_cost, 1e-16);
  auto big = endogenous_impact_lvar(0.06, w, vol, adv, {.portfolio_value = 40e6});
  EXPECT_GT(big->liquidity_cost, l->liquidity_cost);
}

TEST(Liquidity, EndogenousRejectsMissingInputs) {
  const Eigen::Vector2d w(0.5, 0.5);
  const Eigen::Vector2d vol(0.05, 0.05);
  EXPECT_FALSE(endogenous_impact_lvar(0.05, w, vol, Eigen::Vector2d(1e6, 1e6), {}).is_ok());
  auto no_volume =
      endogenous_impact_lvar(0.05, w, vol, Eigen::Vector2d(1e6, 0.0), {.portfolio_value = 1e6});
  ASSERT_FALSE(no_volume.is_ok());
  EXPECT_NE(no_volume.status().message().find("asset 1"), std::string::npos);
  EXPECT_FALSE(endogenous_impact_lvar(0.05, w, vol, Eigen::Vector2d(1e6, 1e6),
                                      {.portfolio_value = 1e6, .max_participation = 0.0})
                   .is_ok());
}

}  // namespace
}  // namespace keel
