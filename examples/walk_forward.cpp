// A walk-forward backtest: a minimum-variance portfolio on a rolling 180-period Ledoit–Wolf
// covariance, rebalanced monthly with 10 bp fees (plus the spreads in the data), against an
// equal-weight benchmark rebalanced on the same dates. Each decision uses prices up to its date
// only and trades at the next close.
//
//   keel_example_walk_forward [prices.csv]
#include <cstdio>
#include <vector>

#include "example_market.hpp"
#include "keel/backtest/engine.hpp"
#include "keel/backtest/strategy.hpp"

int main(int argc, char** argv) {
  auto market = keel_examples::load_or_simulate_market(argc, argv);
  if (!market) {
    std::fprintf(stderr, "error: %s\n", market.status().message().c_str());
    return 1;
  }

  const keel::RebalanceSchedule monthly{.kind = keel::RebalanceKind::kMonthly};
  const keel::MomentOptions ledoit_wolf{
      .covariance = {.method = keel::CovarianceMethod::kLedoitWolf}};
  keel::Strategy min_variance;
  min_variance.name = "min-variance";
  min_variance.model.model = keel::PortfolioModel::kMinVariance;
  min_variance.estimation = ledoit_wolf;
  min_variance.rebalance = monthly;
  // A failed solve trades to equal weights instead of keeping the drifted ones.
  min_variance.fallback = {.kind = keel::FallbackKind::kEqualWeight};

  keel::Strategy equal_weight;
  equal_weight.name = "equal-weight";
  equal_weight.model.model = keel::PortfolioModel::kEqualWeight;
  equal_weight.rebalance = monthly;
  equal_weight.is_benchmark = true;

  keel::BacktestOptions options;
  options.window = 180;
  options.periods_per_year = market->frequency.periods_per_year;
  options.costs.fee_bps = 10.0;
  auto result = keel::run_backtest(market->panel, {min_variance, equal_weight}, options);
  if (!result) {
    std::fprintf(stderr, "error: %s\n", result.status().message().c_str());
    return 1;
  }

  std::printf("walk-forward over %zu assets, %zu evaluated periods\n", result->assets.size(),
              result->timestamps.size());
  std::printf("%-13s %8s %8s %7s %8s %9s %6s %6s\n", "strategy", "CAGR", "vol", "Sharpe", "max DD",
              "turnover", "costs", "rebal");
  for (const keel::StrategyResult& s : result->strategies) {
    const keel::BacktestMetrics& m = s.metrics;
    std::printf("%-13s %7.2f%% %7.2f%% %7.3f %7.2f%% %8.2f/y %5.2f%% %6d\n", s.name.c_str(),
                100 * m.cagr, 100 * m.volatility, m.sharpe, 100 * m.max_drawdown, m.turnover_annual,
                100 * m.costs_fraction, m.rebalances);
    for (const std::string& warning : s.warnings) std::printf("  warning: %s\n", warning.c_str());
  }
  return 0;
}
