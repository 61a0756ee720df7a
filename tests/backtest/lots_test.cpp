// Whole-lot trading in backtests (Strategy::lots): holdings in whole lots, no order below the
// minimum notional, the rounding drift and cash reported, and convergence to the fractional
// backtest as the lots shrink.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "keel/backtest/engine.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

Strategy min_variance(bool lots) {
  Strategy s;
  s.name = lots ? "lots" : "fractional";
  s.model.model = PortfolioModel::kMinVariance;
  s.rebalance = *parse_rebalance_schedule("every:10");
  s.lots = lots;
  return s;
}

BacktestOptions options(double lot, double min_notional) {
  BacktestOptions o;
  o.window = 30;
  o.periods_per_year = 365;
  o.initial_value = 1e5;
  o.trading_rules = {TradingRules{.lot_size = lot, .min_notional = min_notional},
                     TradingRules{.lot_size = 10 * lot, .min_notional = min_notional},
                     TradingRules{.lot_size = lot, .min_notional = min_notional}};
  return o;
}

PricePanel panel() {
  Random rng(11);
  return test::random_walk_panel(rng, 140, 3);
}

TEST(BacktestLots, HoldingsAreWholeLotsAndOrdersMeetTheMinimumNotional) {
  const PricePanel p = panel();
  const BacktestOptions o = options(0.5, 400.0);
  auto r = run_backtest(p, {min_variance(true)}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& s = r->strategies[0];
  Eigen::VectorXd previous = Eigen::VectorXd::Zero(3);
  int executions = 0;
  for (const auto& rec : s.rebalances) {
    if (rec.execution_date == 0) continue;
    ASSERT_EQ(rec.quantities.size(), 3) << rec.message;
    const auto row = std::find(p.timestamps.begin(), p.timestamps.end(), rec.execution_date) -
                     p.timestamps.begin();
    for (Eigen::Index i = 0; i < 3; ++i) {
      const double lot = o.trading_rules[static_cast<std::size_t>(i)].lot_size;
      const double lots = rec.quantities(i) / lot;
      EXPECT_NEAR(lots, std::round(lots), 1e-9) << "asset " << i;
      const double order = std::abs(rec.quantities(i) - previous(i)) * p.prices(row, i);
      EXPECT_TRUE(order < 1e-9 || order >= 400.0 - 1e-9) << "order of " << order;
    }
    EXPECT_GE(rec.rounding_drift, 0.0);
    EXPECT_GE(rec.cash_after, -1e-6 * 1e5);
    previous = rec.quantities;
    ++executions;
  }
  EXPECT_GE(executions, 5);
}

TEST(BacktestLots, TinyLotsConvergeToTheFractionalBacktest) {
  const PricePanel p = panel();
  auto fractional = run_backtest(p, {min_variance(false)}, options(1e-8, 0.0));
  auto lots = run_backtest(p, {min_variance(true)}, options(1e-8, 0.0));
  auto coarse = run_backtest(p, {min_variance(true)}, options(5.0, 0.0));
  ASSERT_TRUE(fractional && lots && coarse);
  const Eigen::VectorXd& a = fractional->strategies[0].equity;
  const Eigen::VectorXd& b = lots->strategies[0].equity;
  const Eigen::VectorXd& c = coarse->strategies[0].equity;
  ASSERT_EQ(a.size(), b.size());
  EXPECT_LT(((a - b).cwiseAbs() / 1e5).maxCoeff(), 1e-7);
  EXPECT_GT(((a - c).cwiseAbs() / 1e5).maxCoeff(), 1e-4) << "coarse lots must differ";
}

}  // namespace
}  // namespace keel
