// Liquidity limits in backtest strategies (Strategy::liquidity): caps recomputed at each decision
// from trailing volumes and the strategy's equity, no look-ahead, the universe filter, bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "keel/backtest/engine.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

// Random walks with constant quote volumes: asset 0 trades 2e4 a day, far less than the others.
PricePanel liquid_panel() {
  Random rng(7);
  PricePanel p = test::random_walk_panel(rng, 160, 3);
  p.volumes = Eigen::MatrixXd(p.rows(), p.cols());
  p.volumes.col(0).setConstant(2e4);
  p.volumes.col(1).setConstant(5e6);
  p.volumes.col(2).setConstant(8e6);
  return p;
}

Strategy capped_strategy() {
  Strategy s;
  s.name = "capped equal weight";
  s.model.model = PortfolioModel::kMinVariance;
  s.rebalance = *parse_rebalance_schedule("every:10");
  s.fallback.kind = FallbackKind::kKeepPrevious;
  // Cap on asset 0: 0.1·2e4·5 / V ≈ 0.01 of a 1e6 portfolio.
  s.liquidity = {.participation = 0.1, .max_days_to_liquidate = 5.0, .adv_window = 10};
  return s;
}

BacktestOptions options() {
  BacktestOptions o;
  o.window = 30;
  o.periods_per_year = 365;
  return o;
}

TEST(BacktestLiquidity, TargetsMeetTheCapOfTheEquityAtEachDecision) {
  const PricePanel panel = liquid_panel();
  auto r = run_backtest(panel, {capped_strategy()}, options());
  ASSERT_TRUE(r) << r.status().message();
  const auto& s = r->strategies[0];
  int checked = 0;
  for (const auto& rec : s.rebalances) {
    if (rec.outcome != RebalanceOutcome::kRebalanced) continue;
    const auto it = std::find(s.timestamps.begin(), s.timestamps.end(), rec.decision_date);
    ASSERT_NE(it, s.timestamps.end());
    const double equity = s.equity(it - s.timestamps.begin());
    const double cap = 0.1 * 2e4 * 5.0 / equity;
    EXPECT_LE(rec.target(0), cap + 1e-9);
    EXPECT_NEAR(rec.target(0), cap, 1e-6) << "min-variance wants more than the cap here";
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(BacktestLiquidity, FutureVolumesDoNotChangePastDecisions) {
  const PricePanel panel = liquid_panel();
  PricePanel changed = panel;
  const Eigen::Index cut = 100;
  changed.volumes.bottomRows(changed.rows() - cut - 1).col(0).setConstant(1e9);
  auto before = run_backtest(panel, {capped_strategy()}, options());
  auto after = run_backtest(changed, {capped_strategy()}, options());
  ASSERT_TRUE(before && after);
  const auto& a = before->strategies[0].rebalances;
  const auto& b = after->strategies[0].rebalances;
  ASSERT_EQ(a.size(), b.size());
  const Timestamp cut_date = panel.timestamps[static_cast<std::size_t>(cut)];
  int past = 0, later_changed = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k].decision_date <= cut_date) {
      EXPECT_EQ(a[k].target, b[k].target) << "decision " << k;
      ++past;
    } else if (a[k].target.size() == b[k].target.size() && a[k].target.size() > 0 &&
               std::abs(a[k].target(0) - b[k].target(0)) > 1e-6) {
      ++later_changed;
    }
  }
  EXPECT_GE(past, 5);
  EXPECT_GE(later_changed, 1) << "the raised volumes must lift the cap after the cut";
}

TEST(BacktestLiquidity, MinimumAdvDropsTheAssetFromTheUniverse) {
  Strategy s = capped_strategy();
  s.liquidity = {.min_adv = 1e5};
  auto r = run_backtest(liquid_panel(), {s}, options());
  ASSERT_TRUE(r) << r.status().message();
  int rebalanced = 0;
  for (const auto& rec : r->strategies[0].rebalances) {
    if (rec.outcome != RebalanceOutcome::kRebalanced) continue;
    EXPECT_EQ(rec.target(0), 0.0);
    EXPECT_EQ(rec.eligible_assets, 2);
    ASSERT_FALSE(rec.notes.empty());
    EXPECT_NE(rec.notes.back().find("dropped"), std::string::npos);
    ++rebalanced;
  }
  EXPECT_GE(rebalanced, 5);
}

TEST(BacktestLiquidity, CapsWithoutVolumesOrWithBadOptionsAreRefused) {
  PricePanel panel = liquid_panel();
  panel.volumes.resize(0, 0);
  auto no_volume = run_backtest(panel, {capped_strategy()}, options());
  ASSERT_FALSE(no_volume);
  EXPECT_NE(no_volume.status().message().find("max_days_to_liquidate"), std::string::npos);
  Strategy bad = capped_strategy();
  bad.liquidity.participation = -0.1;
  auto negative = run_backtest(liquid_panel(), {bad}, options());
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.status().message().find("participation"), std::string::npos);
}

}  // namespace
}  // namespace keel
