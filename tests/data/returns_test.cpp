#include "keel/data/returns.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

PricePanel panel() {
  PricePanel p;
  p.assets = {"A", "B"};
  p.timestamps = {0, 86400, 172800, 259200};
  p.prices.resize(4, 2);
  p.prices << 100, kNaN,  //
      110, 50,            //
      99, kNaN,           //
      108.9, 40;
  return p;
}

TEST(Returns, SimpleByHand) {
  const ReturnSeries r = compute_returns(panel());
  EXPECT_EQ(r.kind, ReturnKind::kSimple);
  EXPECT_EQ(r.assets, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(r.timestamps, (std::vector<Timestamp>{86400, 172800, 259200}));
  ASSERT_EQ(r.values.rows(), 3);
  EXPECT_NEAR(r.values(0, 0), 0.10, 1e-15);   // 110/100 - 1
  EXPECT_NEAR(r.values(1, 0), -0.10, 1e-15);  // 99/110 - 1
  EXPECT_NEAR(r.values(2, 0), 0.10, 1e-15);   // 108.9/99 - 1
  // NaN where either price is missing; B's 50 → 40 spans a missing day, so no return at all.
  EXPECT_TRUE(std::isnan(r.values(0, 1)));
  EXPECT_TRUE(std::isnan(r.values(1, 1)));
  EXPECT_TRUE(std::isnan(r.values(2, 1)));
}

TEST(Returns, LogByHand) {
  const ReturnSeries r = compute_returns(panel(), ReturnKind::kLog);
  EXPECT_EQ(r.kind, ReturnKind::kLog);
  EXPECT_NEAR(r.values(0, 0), std::log(1.1), 1e-15);
  EXPECT_NEAR(r.values(1, 0), std::log(0.9), 1e-15);
  // Log returns add up: log(108.9/100).
  EXPECT_NEAR(r.values.col(0).sum(), std::log(1.089), 1e-14);
}

TEST(Returns, SingleRowGivesNoReturns) {
  PricePanel p;
  p.assets = {"A"};
  p.timestamps = {0};
  p.prices = Eigen::MatrixXd::Constant(1, 1, 5.0);
  const ReturnSeries r = compute_returns(p);
  EXPECT_EQ(r.values.rows(), 0);
  EXPECT_EQ(r.values.cols(), 1);
  EXPECT_TRUE(r.timestamps.empty());
}

}  // namespace
}  // namespace keel
