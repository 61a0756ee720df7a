// Loading the CoinMarketCap top-120 daily panel (120 assets × 3933 rows, 3.3 MB, mostly empty
// leading cells). Target: < 100 ms per load in a release build.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "keel/data/missing.hpp"
#include "keel/data/read_prices.hpp"

namespace {

const std::string kCmc =
    std::string(KEEL_SHARED_DATA_DIR) + "/crypto_cmc_top120/prices_close_usd.csv";
const std::string kBinanceLong =
    std::string(KEEL_SHARED_DATA_DIR) + "/crypto_binance_spot_daily/ohlcv_long.csv.gz";

void load(benchmark::State& state, const std::string& path) {
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("shared data file absent: " + path).c_str());
    return;
  }
  const auto bytes = std::filesystem::file_size(path);
  for (auto _ : state) {
    auto panel = keel::read_prices(path);
    if (!panel) {
      state.SkipWithError(panel.status().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(panel->prices.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_ReadCmcTop120Wide(benchmark::State& state) { load(state, kCmc); }
BENCHMARK(BM_ReadCmcTop120Wide)->Unit(benchmark::kMillisecond);

void BM_ReadBinanceLongGzip(benchmark::State& state) { load(state, kBinanceLong); }
BENCHMARK(BM_ReadBinanceLongGzip)->Unit(benchmark::kMillisecond);

void BM_DropAssetsCmc(benchmark::State& state) {
  if (!std::filesystem::exists(kCmc)) {
    state.SkipWithError(("shared data file absent: " + kCmc).c_str());
    return;
  }
  const auto panel = keel::read_prices(kCmc);
  const keel::MissingPolicy policy{.kind = keel::MissingPolicyKind::kDropAssets,
                                   .max_missing_fraction = 0.5};
  for (auto _ : state) {
    auto clean = keel::apply_missing_policy(*panel, policy);
    benchmark::DoNotOptimize(clean);
  }
}
BENCHMARK(BM_DropAssetsCmc)->Unit(benchmark::kMillisecond);

}  // namespace
