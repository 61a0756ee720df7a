// A short internal gap (a few missing quotes) must not eject an asset from the backtest universe
// for a whole window (issue 14: a four-day gap in LINK removed it for a year).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "keel/backtest/engine.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Geometric random walks, 3 assets, daily from 2024-01-01.
PricePanel walks(int rows, unsigned seed) {
  Random rng(seed);
  PricePanel p;
  p.source = "walks";
  p.assets = {"A0", "A1", "A2"};
  p.prices.resize(rows, 3);
  const Timestamp start = days_from_civil({2024, 1, 1}) * kSecondsPerDay;
  for (int t = 0; t < rows; ++t) {
    p.timestamps.push_back(start + t * kSecondsPerDay);
    for (int i = 0; i < 3; ++i) {
      p.prices(t, i) = t == 0 ? 100.0 : p.prices(t - 1, i) * std::exp(0.02 * rng.normal());
    }
  }
  return p;
}

const RebalanceRecord* record_on(const StrategyResult& r, Timestamp date) {
  for (const auto& rec : r.rebalances) {
    if (rec.decision_date == date) return &rec;
  }
  return nullptr;
}

Result<BacktestResult> run_min_variance(const PricePanel& panel) {
  Strategy s;
  s.name = "mv";
  s.model.model = PortfolioModel::kMinVariance;
  s.rebalance = *parse_rebalance_schedule("every:1");
  BacktestOptions o;
  o.window = 10;
  o.periods_per_year = 365;
  return run_backtest(panel, {s}, o);
}

TEST(BacktestGaps, ShortGapKeepsTheAssetEligibleWithBridgedReturns) {
  PricePanel panel = walks(60, 7);
  for (Eigen::Index t = 30; t <= 33; ++t) panel.prices(t, 2) = kNaN;  // a four-day gap
  auto r = run_min_variance(panel);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  // In the gap the asset has no price: not eligible, and a held position is exited.
  const RebalanceRecord* in_gap = record_on(res, panel.timestamps[31]);
  ASSERT_NE(in_gap, nullptr);
  EXPECT_EQ(in_gap->eligible_assets, 2);
  // The first quote after the gap: eligible again at once, with a full window (the gap's rows
  // count as history: 0 returns, and the whole move on row 34), and the model solves.
  const RebalanceRecord* after = record_on(res, panel.timestamps[34]);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->eligible_assets, 3) << after->message;
  EXPECT_EQ(after->window_rows, 10);
  EXPECT_EQ(after->outcome, RebalanceOutcome::kRebalanced) << after->message;
  ASSERT_EQ(after->target.size(), 3);
  EXPECT_GT(after->target(2), 0.0);
  EXPECT_NEAR(after->target.sum(), 1.0, 1e-9);
}

TEST(BacktestGaps, LongGapStillResetsTheHistory) {
  PricePanel panel = walks(70, 7);
  for (Eigen::Index t = 30; t <= 37; ++t) panel.prices(t, 2) = kNaN;  // eight days: too long
  auto r = run_min_variance(panel);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  // Quotes resume on row 38; ten new returns are needed (rows 39..48).
  const RebalanceRecord* resumed = record_on(res, panel.timestamps[38]);
  ASSERT_NE(resumed, nullptr);
  EXPECT_EQ(resumed->eligible_assets, 2);
  const RebalanceRecord* before = record_on(res, panel.timestamps[47]);
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->eligible_assets, 2);
  const RebalanceRecord* back = record_on(res, panel.timestamps[48]);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->eligible_assets, 3);
}

}  // namespace
}  // namespace keel
