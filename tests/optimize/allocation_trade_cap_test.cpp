// The trade cap of keel::allocate() (AllocationInput::max_order_value): no order worth more than
// the cap at mid, by both methods, on problems whose answer is worked by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "keel/optimize/allocation.hpp"
#include "keel/optimize/constraints.hpp"

namespace keel {
namespace {

AllocationInput two_assets() {
  AllocationInput in;
  in.assets = {"A", "B"};
  in.target_weights = Eigen::Vector2d(0.5, 0.5);
  in.mid = Eigen::Vector2d(10.0, 100.0);
  in.cash = 10000.0;
  in.rules = {TradingRules{.lot_size = 1.0}, TradingRules{.lot_size = 1.0}};
  return in;
}

class TradeCap : public ::testing::TestWithParam<AllocationMethod> {};

TEST_P(TradeCap, BuysStopAtTheWholeLotsBelowTheCap) {
  AllocationInput in = two_assets();
  in.max_order_value = Eigen::Vector2d(1234.0, kInfinity);
  auto r = allocate(in, {.method = GetParam(), .fee_bps = 0.0});
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_TRUE(r->is_usable()) << r->explanation;
  // A: floor(1234 / 10) = 123 coins; B: its target 5000 / 100 = 50 coins.
  EXPECT_DOUBLE_EQ(r->quantities[0], 123.0);
  EXPECT_DOUBLE_EQ(r->quantities[1], 50.0);
  EXPECT_NEAR(r->leftover, 10000.0 - 1230.0 - 5000.0, 1e-9);
  EXPECT_TRUE(check_allocation(in, {.method = GetParam(), .fee_bps = 0.0}, *r).passed());
}

TEST_P(TradeCap, SellsAreCappedToo) {
  AllocationInput in = two_assets();
  in.target_weights = Eigen::Vector2d(0.0, 1.0);
  in.holdings = Eigen::Vector2d(1000.0, 0.0);  // worth 10000
  in.cash = 0.0;
  in.max_order_value = Eigen::Vector2d(2000.0, kInfinity);
  auto r = allocate(in, {.method = GetParam(), .fee_bps = 0.0});
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_TRUE(r->is_usable()) << r->explanation;
  // Sell 200 A (2000 at mid 10), buy 20 B with the proceeds.
  EXPECT_DOUBLE_EQ(r->quantities[0], 800.0);
  EXPECT_DOUBLE_EQ(r->quantities[1], 20.0);
}

TEST_P(TradeCap, TheCheckCatchesAnOrderAboveTheCap) {
  AllocationInput in = two_assets();
  auto uncapped = allocate(in, {.method = GetParam(), .fee_bps = 0.0});
  ASSERT_TRUE(uncapped && uncapped->is_usable());
  in.max_order_value = Eigen::Vector2d(1000.0, kInfinity);  // A bought 5000
  const auto check = check_allocation(in, {.method = GetParam(), .fee_bps = 0.0}, *uncapped);
  EXPECT_FALSE(check.passed());
  EXPECT_EQ(check.worst_rule, "max-order[A]");
}

INSTANTIATE_TEST_SUITE_P(Methods, TradeCap,
                         ::testing::Values(AllocationMethod::kGreedy, AllocationMethod::kExact));

TEST(TradeCapInput, NegativeCapIsRefused) {
  AllocationInput in = two_assets();
  in.max_order_value = Eigen::Vector2d(-1.0, kInfinity);
  auto r = allocate(in, {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("max_order_value"), std::string::npos);
}

}  // namespace
}  // namespace keel
