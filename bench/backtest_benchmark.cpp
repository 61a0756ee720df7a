// Walk-forward backtest timings on the simulated market (late listings, a collapse, a depeg):
// the reference case — 120 assets × 2500 daily periods after a 365-day window, weekly
// rebalancing, Ledoit–Wolf on the window, long-only max Sharpe with a 20% cap — plus cheaper
// rules and a multi-strategy run on two threads. Counters report rebalances per second and the
// model solver's iterations summed over the run; the mean-variance runs take warm:0 (every QP
// cold) and warm:1 (BacktestOptions::warm_start, the default).
#include <benchmark/benchmark.h>

#include "keel/backtest/engine.hpp"
#include "keel/data/simulator.hpp"

namespace {

const keel::SimulatedMarket& market() {
  static const keel::SimulatedMarket m = [] {
    keel::SimulatorOptions o;
    o.assets = 120;
    o.periods = 2500 + 366;
    o.seed = 3;
    return *keel::simulate_market(o);
  }();
  return m;
}

keel::Strategy strategy(const std::string& name, keel::PortfolioModel model,
                        const char* rebalance) {
  keel::Strategy s;
  s.name = name;
  s.model.model = model;
  s.rebalance = *keel::parse_rebalance_schedule(rebalance);
  s.estimation.covariance.method = keel::CovarianceMethod::kLedoitWolf;
  s.estimation.expected_returns.method = keel::ExpectedReturnMethod::kMean;
  return s;
}

void run(benchmark::State& state, const std::vector<keel::Strategy>& strategies, int threads,
         bool warm = true) {
  keel::BacktestOptions o;
  o.warm_start = warm;
  o.window = 365;
  o.periods_per_year = 365;
  o.costs.fee_bps = 10;
  keel::Context context;
  context.set_threads(threads);
  double rebalances = 0;
  double iterations = 0;
  double warm_decisions = 0;
  for (auto _ : state) {
    auto r = keel::run_backtest(market().panel, strategies, o, context);
    if (!r) state.SkipWithError(r.status().message().c_str());
    rebalances = 0;
    iterations = 0;
    warm_decisions = 0;
    for (const auto& s : r->strategies) {
      rebalances += static_cast<double>(s.rebalances.size());
      for (const auto& record : s.rebalances) {
        iterations += record.solver_iterations;
        warm_decisions += record.warm_started ? 1 : 0;
      }
    }
    benchmark::DoNotOptimize(r);
  }
  state.counters["rebalances"] = rebalances;
  state.counters["solver_iterations"] = iterations;
  state.counters["warm_decisions"] = warm_decisions;
  state.counters["rebalances_per_s"] =
      benchmark::Counter(rebalances, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_MaxSharpeWeekly120(benchmark::State& state) {
  auto s = strategy("max-sharpe", keel::PortfolioModel::kMaxSharpe, "weekly");
  s.model.constraints.upper_bound = 0.2;
  run(state, {s}, 1, state.range(0) != 0);
}
BENCHMARK(BM_MaxSharpeWeekly120)
    ->ArgName("warm")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_MinVarianceWeekly120(benchmark::State& state) {
  auto s = strategy("min-variance", keel::PortfolioModel::kMinVariance, "weekly");
  s.model.constraints.upper_bound = 0.2;
  run(state, {s}, 1, state.range(0) != 0);
}
BENCHMARK(BM_MinVarianceWeekly120)
    ->ArgName("warm")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_EqualWeightMonthly120(benchmark::State& state) {
  run(state, {strategy("ew", keel::PortfolioModel::kEqualWeight, "monthly")}, 1);
}
BENCHMARK(BM_EqualWeightMonthly120)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SixStrategiesTwoThreads120(benchmark::State& state) {
  auto ms = strategy("max-sharpe", keel::PortfolioModel::kMaxSharpe, "weekly");
  ms.model.constraints.upper_bound = 0.2;
  auto mv = strategy("min-variance", keel::PortfolioModel::kMinVariance, "weekly");
  mv.model.constraints.upper_bound = 0.2;
  run(state,
      {ms, mv, strategy("hrp", keel::PortfolioModel::kHrp, "weekly"),
       strategy("erc", keel::PortfolioModel::kRiskParity, "weekly"),
       strategy("ivol", keel::PortfolioModel::kInverseVolatility, "weekly"),
       strategy("ew", keel::PortfolioModel::kEqualWeight, "monthly")},
      2);
}
BENCHMARK(BM_SixStrategiesTwoThreads120)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
