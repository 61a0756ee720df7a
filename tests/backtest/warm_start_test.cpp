// Warm starts in the backtest (BacktestOptions::warm_start) and cancellation through Context.
#include <gtest/gtest.h>

#include <atomic>

#include "keel/backtest/engine.hpp"
#include "keel/data/simulator.hpp"

namespace keel {
namespace {

// The simulated market has late listings and a collapsing asset, so the eligible universe changes
// during the run.
const SimulatedMarket& market() {
  static const SimulatedMarket m = [] {
    SimulatorOptions o;
    o.assets = 30;
    o.periods = 700;
    o.seed = 4;
    return *simulate_market(o);
  }();
  return m;
}

Strategy capped(const std::string& name, PortfolioModel model) {
  Strategy s;
  s.name = name;
  s.model.model = model;
  s.model.constraints.upper_bound = 0.2;
  s.rebalance = *parse_rebalance_schedule("weekly");
  s.estimation.covariance.method = CovarianceMethod::kLedoitWolf;
  return s;
}

BacktestOptions options(bool warm) {
  BacktestOptions o;
  o.window = 180;
  o.periods_per_year = 365;
  o.costs.fee_bps = 10;
  o.warm_start = warm;
  return o;
}

TEST(BacktestWarmStart, SameWeightsAndMetricsAsColdWithFewerIterations) {
  const std::vector<Strategy> strategies = {capped("ms", PortfolioModel::kMaxSharpe),
                                            capped("mv", PortfolioModel::kMinVariance)};
  auto warm = run_backtest(market().panel, strategies, options(true));
  auto cold = run_backtest(market().panel, strategies, options(false));
  ASSERT_TRUE(warm.is_ok()) << warm.status().message();
  ASSERT_TRUE(cold.is_ok()) << cold.status().message();
  for (std::size_t k = 0; k < strategies.size(); ++k) {
    SCOPED_TRACE(strategies[k].name);
    const StrategyResult& w = warm->strategies[k];
    const StrategyResult& c = cold->strategies[k];
    ASSERT_EQ(w.rebalances.size(), c.rebalances.size());
    ASSERT_GT(w.rebalances.size(), 50u);
    int warm_iterations = 0;
    int cold_iterations = 0;
    int warm_decisions = 0;
    int eligible_changes = 0;
    for (std::size_t r = 0; r < w.rebalances.size(); ++r) {
      const RebalanceRecord& a = w.rebalances[r];
      const RebalanceRecord& b = c.rebalances[r];
      ASSERT_EQ(a.outcome, b.outcome);
      EXPECT_FALSE(b.warm_started);
      if (a.target.size() > 0 || b.target.size() > 0) {
        ASSERT_EQ(a.target.size(), b.target.size());
        EXPECT_LE((a.target - b.target).cwiseAbs().maxCoeff(), 1e-9) << "rebalance " << r;
      }
      warm_iterations += a.solver_iterations;
      cold_iterations += b.solver_iterations;
      warm_decisions += a.warm_started ? 1 : 0;
      if (r > 0 && a.eligible_assets != w.rebalances[r - 1].eligible_assets) ++eligible_changes;
    }
    EXPECT_GT(eligible_changes, 0) << "the test should cover universe changes";
    EXPECT_GT(warm_decisions, static_cast<int>(w.rebalances.size()) / 2);
    EXPECT_LT(warm_iterations, cold_iterations);
    EXPECT_LE((w.weights - c.weights).cwiseAbs().maxCoeff(), 1e-9);
    EXPECT_NEAR(w.equity.tail(1)[0], c.equity.tail(1)[0], 1e-6 * c.equity.tail(1)[0]);
    EXPECT_NEAR(w.metrics.sharpe, c.metrics.sharpe, 1e-9);
    EXPECT_NEAR(w.metrics.max_drawdown, c.metrics.max_drawdown, 1e-9);
  }
}

TEST(BacktestCancel, CancelledRunStopsWithAStatus) {
  const std::vector<Strategy> strategies = {capped("ms", PortfolioModel::kMaxSharpe)};
  Context context;
  std::atomic<double> reached{0.0};
  auto result =
      run_backtest(market().panel, strategies, options(true), context, [&](double fraction) {
        reached = fraction;
        if (fraction >= 0.25) context.cancel();
      });
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNoSolution);
  EXPECT_NE(result.status().message().find("cancelled"), std::string::npos);
  EXPECT_LT(reached.load(), 0.5);  // it stopped soon after the cancel

  Context already;
  already.cancel();
  auto none = run_backtest(market().panel, strategies, options(true), already);
  ASSERT_FALSE(none.is_ok());
  EXPECT_EQ(none.status().code(), StatusCode::kNoSolution);
}

}  // namespace
}  // namespace keel
