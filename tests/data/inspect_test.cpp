#include "keel/data/inspect.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

PricePanel daily_panel(const Eigen::MatrixXd& prices) {
  PricePanel panel;
  panel.source = "test";
  for (Eigen::Index c = 0; c < prices.cols(); ++c) panel.assets.push_back("A" + std::to_string(c));
  for (Eigen::Index t = 0; t < prices.rows(); ++t) {
    panel.timestamps.push_back((days_from_civil({2024, 1, 1}) + t) * kSecondsPerDay);
  }
  panel.prices = prices;
  return panel;
}

FrequencyInfo daily() {
  FrequencyInfo f;
  f.periods_per_year = 365.0;
  f.label = "daily (24/7)";
  return f;
}

TEST(Inspect, StatisticsMatchHandComputation) {
  Eigen::MatrixXd p(4, 1);
  p << 100.0, 110.0, 99.0, 108.9;  // returns +10%, -10%, +10%
  const auto report = inspect_panel(daily_panel(p), daily());
  ASSERT_EQ(report.per_asset.size(), 1u);
  const auto& a = report.per_asset[0];
  EXPECT_EQ(a.observations, 4);
  EXPECT_EQ(a.returns, 3);
  const double mean = 0.1 / 3.0;
  const double var = ((0.1 - mean) * (0.1 - mean) * 2 + (-0.1 - mean) * (-0.1 - mean)) / 2.0;
  EXPECT_NEAR(a.annualised_return, mean * 365.0, 1e-12);
  EXPECT_NEAR(a.annualised_volatility, std::sqrt(var * 365.0), 1e-12);
  EXPECT_NEAR(a.worst_return, -0.1, 1e-12);
  EXPECT_EQ(format_timestamp(a.worst_at), "2024-01-03");
  EXPECT_TRUE(report.findings.empty());
}

TEST(Inspect, ReportsGapsListingsDelistingsAndJumps) {
  Eigen::MatrixXd p(6, 3);
  p << 1, kNaN, 5,     //
      2, kNaN, 5,      //
      kNaN, 10, 5,     //
      2, 50, 5,        //
      3, 51, kNaN,     //
      3, 52, kNaN;     //
  const auto report = inspect_panel(daily_panel(p), daily());
  EXPECT_EQ(report.per_asset[0].missing, 1);
  EXPECT_EQ(report.per_asset[1].leading_missing, 2);
  EXPECT_EQ(report.per_asset[2].trailing_missing, 2);
  auto has = [&](const std::string& kind, const std::string& asset) {
    for (const auto& f : report.findings) {
      if (f.kind == kind && f.asset == asset) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("gap", "A0"));
  EXPECT_TRUE(has("late-listing", "A1"));
  EXPECT_TRUE(has("extreme-return", "A1"));  // 10 -> 50 is +400 %
  EXPECT_TRUE(has("delisted", "A2"));
  EXPECT_FALSE(has("gap", "A1"));
}

TEST(Inspect, StaleRunsAndEmptyAssets) {
  Eigen::MatrixXd p(12, 2);
  p.col(0).setConstant(7.0);
  p.col(1).setConstant(kNaN);
  const auto report = inspect_panel(daily_panel(p), daily(), InspectOptions{.stale_run = 10});
  bool stale = false;
  bool empty = false;
  for (const auto& f : report.findings) {
    stale |= f.kind == "stale" && f.asset == "A0";
    empty |= f.kind == "empty" && f.asset == "A1";
  }
  EXPECT_TRUE(stale);
  EXPECT_TRUE(empty);
  const Json doc = report.to_json();
  EXPECT_TRUE(doc["per_asset"][1]["first"].is_null());
  EXPECT_EQ(doc["rows"], 12);
}

}  // namespace
}  // namespace keel
