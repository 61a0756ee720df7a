// Market simulator throughput: the whole panel (prices, volumes, spreads, metadata) for
// assets x periods. Target: 100 assets x 2500 days well under 100 ms in a release build.

#include <benchmark/benchmark.h>

#include "keel/data/simulator.hpp"

namespace {

void BM_SimulateDaily(benchmark::State& state) {
  const keel::SimulatorOptions options{.assets = static_cast<int>(state.range(0)),
                                       .periods = static_cast<int>(state.range(1))};
  for (auto _ : state) {
    keel::Result<keel::SimulatedMarket> market = keel::simulate_market(options);
    if (!market.is_ok()) {
      state.SkipWithError(market.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(market->panel.prices.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * state.range(1));
  state.counters["cells"] = static_cast<double>(state.range(0) * state.range(1));
}
BENCHMARK(BM_SimulateDaily)
    ->Args({30, 1825})
    ->Args({100, 2500})
    ->Args({500, 2500})
    ->Unit(benchmark::kMillisecond);

void BM_SimulateHourly(benchmark::State& state) {
  const keel::SimulatorOptions options{.assets = static_cast<int>(state.range(0)),
                                       .periods = static_cast<int>(state.range(1)),
                                       .frequency = keel::SimulatedFrequency::kHourly};
  for (auto _ : state) {
    keel::Result<keel::SimulatedMarket> market = keel::simulate_market(options);
    benchmark::DoNotOptimize(market->panel.prices.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * state.range(1));
}
BENCHMARK(BM_SimulateHourly)->Args({30, 24 * 365})->Unit(benchmark::kMillisecond);

}  // namespace
