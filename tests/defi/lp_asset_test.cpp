// LP strategy assets (keel/defi/lp_asset.hpp) against closed forms derived here, not from the code:
//
// Constant product: V = 2 L sqrt(p0 p1), so r = sqrt(r0 r1) − 1 + fee_apr Δt with r_i = p_i'/p_i.
//
// Concentrated, range [P (1 − w), P (1 + w)], u = P'/P = r0 / r1. Dividing the value by
// L sqrt(P) p1 (amounts x = L (1/sqrt(P) − 1/sqrt(pb)), y = L (sqrt(P) − sqrt(pa))):
//   start:            f0   = 2 − sqrt(1 − w) − 1/sqrt(1 + w)
//   end, inside:      f(u) = 2 sqrt(u) − u / sqrt(1 + w) − sqrt(1 − w)
//   end, u >= 1 + w:  f(u) = sqrt(1 + w) − sqrt(1 − w)               (all token1, frozen)
//   end, u <= 1 − w:  f(u) = u (1/sqrt(1 − w) − 1/sqrt(1 + w))       (all token0, frozen)
// and r = r1 f(u) / f0 − 1 (+ fee_apr Δt when u ends in [1 − w, 1 + w)).
// Real-data checks against numpy are in lp_asset_reference_test.cpp.
#include "keel/defi/lp_asset.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace keel {
namespace {

constexpr double kDay = 1.0 / 365.0;

LpAssetSpec constant_product(double fee_apr = 0.0) {
  return LpAssetSpec{.name = "lp",
                     .pool = AmmKind::kConstantProduct,
                     .tokens = {"ETH", "USD"},
                     .range_width = 0.0,
                     .fee_apr = fee_apr,
                     .recentre_cost = 0.0};
}

LpAssetSpec concentrated(double w, double fee_apr = 0.0, double cost = 0.0) {
  return LpAssetSpec{.name = "lp",
                     .pool = AmmKind::kConcentrated,
                     .tokens = {"ETH", "USD"},
                     .range_width = w,
                     .fee_apr = fee_apr,
                     .recentre_cost = cost};
}

double f_start(double w) { return 2.0 - std::sqrt(1.0 - w) - 1.0 / std::sqrt(1.0 + w); }

double f_end(double u, double w) {
  if (u >= 1.0 + w) return std::sqrt(1.0 + w) - std::sqrt(1.0 - w);
  if (u <= 1.0 - w) return u * (1.0 / std::sqrt(1.0 - w) - 1.0 / std::sqrt(1.0 + w));
  return 2.0 * std::sqrt(u) - u / std::sqrt(1.0 + w) - std::sqrt(1.0 - w);
}

TEST(LpAsset, ConstantProductIsTheGeometricMeanOfTheRelatives) {
  const std::vector<std::pair<double, double>> relatives = {{1.0, 1.0}, {1.1, 1.0},   {0.5, 1.0},
                                                            {2.0, 0.8}, {0.97, 1.03}, {3.0, 3.0}};
  for (const double fee : {0.0, 0.25}) {
    for (const auto& [r0, r1] : relatives) {
      auto r = lp_asset_period_return(constant_product(fee), 2500.0, 1.0, 2500.0 * r0, r1, kDay);
      ASSERT_TRUE(r) << r.status().message();
      EXPECT_NEAR(*r, std::sqrt(r0 * r1) - 1.0 + fee * kDay, 1e-14) << r0 << " " << r1;
    }
  }
}

TEST(LpAsset, ConcentratedMatchesTheAmountsClosedFormInsideAndBeyondTheRange) {
  const double w = 0.1;
  // u below, at and above both edges, and inside; r1 != 1 (two volatile tokens) too.
  for (const double r1 : {1.0, 0.9, 1.2}) {
    for (const double u : {0.5, 0.85, 0.9, 0.95, 1.0, 1.05, 1.0999, 1.1, 1.3, 2.0}) {
      const double r0 = u * r1;
      bool in_range = false;
      auto r = lp_asset_period_return(concentrated(w), 30.0, 0.06, 30.0 * r0, 0.06 * r1, kDay,
                                      &in_range);
      ASSERT_TRUE(r) << r.status().message();
      EXPECT_NEAR(*r, r1 * f_end(u, w) / f_start(w) - 1.0, 1e-12) << "u " << u << " r1 " << r1;
      const bool at_edge = std::abs(u - (1.0 - w)) < 1e-9 || std::abs(u - (1.0 + w)) < 1e-9;
      if (!at_edge) {
        EXPECT_EQ(in_range, u > 1.0 - w && u < 1.0 + w) << u;
      }
    }
  }
}

TEST(LpAsset, ConcentratedBeyondTheRangeHoldsOneTokenOnly) {
  // Above the range the position is all token1: its return is the token1 relative times a
  // constant, whatever token0 did beyond the edge; below, all token0: proportional to r0.
  const double w = 0.2;
  auto up1 = lp_asset_period_return(concentrated(w), 100.0, 1.0, 150.0, 1.0, kDay);
  auto up2 = lp_asset_period_return(concentrated(w), 100.0, 1.0, 400.0, 1.0, kDay);
  ASSERT_TRUE(up1 && up2);
  EXPECT_NEAR(*up1, *up2, 1e-14);
  auto down1 = lp_asset_period_return(concentrated(w), 100.0, 1.0, 70.0, 1.0, kDay);
  auto down2 = lp_asset_period_return(concentrated(w), 100.0, 1.0, 35.0, 1.0, kDay);
  ASSERT_TRUE(down1 && down2);
  EXPECT_NEAR((1.0 + *down2) / (1.0 + *down1), 0.5, 1e-14);
}

TEST(LpAsset, ReturnDependsOnlyOnThePriceRelatives) {
  // The same relatives at different price levels: the range is relative to the start price.
  auto a = lp_asset_period_return(concentrated(0.05, 0.3), 2000.0, 1.0, 2060.0, 0.99, kDay);
  auto b = lp_asset_period_return(concentrated(0.05, 0.3), 0.07, 35000.0, 0.0721, 34650.0, kDay);
  ASSERT_TRUE(a && b);
  EXPECT_NEAR(*a, *b, 1e-13);
}

TEST(LpAsset, FeesAccrueOnTheStartValueForPeriodsEndingInRange) {
  const double w = 0.1;
  const double fee = 0.4;
  const double years = 7.0 / 365.0;
  auto inside = lp_asset_period_return(concentrated(w, fee), 10.0, 1.0, 10.5, 1.0, years);
  auto outside = lp_asset_period_return(concentrated(w, fee), 10.0, 1.0, 12.0, 1.0, years);
  ASSERT_TRUE(inside && outside);
  EXPECT_NEAR(*inside, f_end(1.05, w) / f_start(w) - 1.0 + fee * years, 1e-13);
  EXPECT_NEAR(*outside, f_end(1.2, w) / f_start(w) - 1.0, 1e-13);  // no fee out of range
}

TEST(LpAsset, RecentringCostSolvesTheSwapExactly) {
  // W' = W − c × (value swapped back to a centred split at the new value W'), the defining
  // equation, checked on the result (not on the code's formula) for a sale and a purchase.
  const double w = 0.15;
  const double c = 0.003;
  const double s = (1.0 - 1.0 / std::sqrt(1.0 + w)) / f_start(w);  // token0 share when centred
  for (const double u : {0.8, 0.93, 1.0, 1.07, 1.4}) {
    auto r = lp_asset_period_return(concentrated(w, 0.0, c), 1.0, 1.0, u, 1.0, kDay);
    ASSERT_TRUE(r);
    const double W = f_end(u, w) / f_start(w);  // end value per unit of start value, before cost
    // Token0 held at the end, as value (closed-form amount x times P' = u).
    const double x = u >= 1.0 + w   ? 0.0
                     : u <= 1.0 - w ? (1.0 / std::sqrt(1.0 - w) - 1.0 / std::sqrt(1.0 + w))
                                    : (1.0 / std::sqrt(u) - 1.0 / std::sqrt(1.0 + w));
    const double held0 = x * u / f_start(w);
    const double w_new = 1.0 + *r;
    EXPECT_NEAR(w_new, W - c * std::abs(held0 - s * w_new), 1e-14) << u;
    if (u == 1.0) {
      EXPECT_NEAR(w_new, W, 1e-14);  // nothing to swap at the centre
    }
    EXPECT_LE(w_new, W + 1e-15);
  }
}

TEST(LpAsset, SeriesAlignsWithRowsAndPropagatesGaps) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> eth = {100.0, 110.0, nan, 121.0, 90.0};
  const std::vector<double> usd = {1.0, 1.0, 1.0, 1.0, 1.0};
  const std::vector<Timestamp> ts = {0, 86400, 2 * 86400, 3 * 86400, 5 * 86400};
  auto series = lp_asset_returns(constant_product(0.365), eth, usd, ts);
  ASSERT_TRUE(series) << series.status().message();
  ASSERT_EQ(series->returns.size(), 4u);
  EXPECT_NEAR(series->returns[0], std::sqrt(1.1) - 1.0 + 0.001, 1e-14);
  EXPECT_TRUE(std::isnan(series->returns[1]));
  EXPECT_TRUE(std::isnan(series->returns[2]));
  // Two days: the fee is on the period's length.
  EXPECT_NEAR(series->returns[3], std::sqrt(90.0 / 121.0) - 1.0 + 0.002, 1e-14);
  EXPECT_EQ(series->periods, 2);
  EXPECT_EQ(series->periods_in_range, 2);
}

TEST(LpAsset, ErrorsNameTheFieldOrRow) {
  auto bad = [](LpAssetSpec spec, const std::string& needle) {
    const Status s = spec.validate();
    EXPECT_FALSE(s);
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
  };
  bad(concentrated(0.0), "range_width");
  bad(concentrated(1.0), "range_width");
  bad(concentrated(-0.1), "range_width");
  bad(concentrated(0.1, -0.1), "fee_apr");
  bad(concentrated(0.1, 0.0, 1.0), "recentre_cost");
  LpAssetSpec cp = constant_product();
  cp.range_width = 0.1;
  bad(cp, "range_width");
  cp = constant_product();
  cp.tokens = {"ETH", "ETH"};
  bad(cp, "tokens");
  cp = constant_product();
  cp.pool = AmmKind::kStableswap;
  bad(cp, "pool");
  cp = constant_product();
  cp.name.clear();
  bad(cp, "name");

  const std::vector<double> eth = {100.0, -1.0, 120.0};
  const std::vector<double> usd = {1.0, 1.0, 1.0};
  const std::vector<Timestamp> ts = {0, 60, 120};
  auto r = lp_asset_returns(constant_product(), eth, usd, ts);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("row 1"), std::string::npos) << r.status().message();
  const std::vector<Timestamp> back = {0, 60, 60};
  EXPECT_FALSE(lp_asset_returns(constant_product(), usd, usd, back));
}

}  // namespace
}  // namespace keel
