// Determinism (issue #24 item 4): the same inputs and seed give byte-identical output across runs
// and thread counts. `keel backtest` runs its strategies in parallel (src/backtest/engine.cpp), so
// its JSON at --threads 1 and --threads 2 must match byte for byte. The only fields allowed to
// differ are wall-clock times, blanked (set to 0) before the comparison: diagnostics.elapsed_ms
// (the whole run) and each rebalance record's solve_ms (the optimiser's time at that date).
// `keel simulate` writes the same three files for the same seed (and different ones for another
// seed, so the comparison can fail).
#include <gtest/gtest.h>

#include <regex>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

// The JSON text with the value of every "elapsed_ms" and "solve_ms" key replaced by 0.
std::string without_timing(const std::string& json) {
  static const std::regex timing(R"re("(elapsed_ms|solve_ms)"(\s*):(\s*)([-0-9.eE+]+|null))re");
  return std::regex_replace(json, timing, "\"$1\"$2:$3 0");
}

TEST(CliDeterminism, BacktestJsonIsByteIdenticalAtOneAndTwoThreads) {
  TempDir dir;
  const std::string prices = dir.file("prices.csv");
  const auto sim = run_keel("simulate --assets 8 --days 500 --seed 21 -o '" + prices + "'", dir);
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  std::ofstream(dir.file("s.toml")) << R"(
window = 120
rebalance = "every:15"
[trading]
fee_bps = 10
half_spread_bps = 5
use_data_spreads = false
[[strategy]]
name = "mv"
model = "min-variance"
cov = "ledoit-wolf"
max_weight = 0.4
[[strategy]]
name = "hrp"
model = "hrp"
[[strategy]]
name = "ms"
model = "max-sharpe"
max_weight = 0.5
[[strategy]]
name = "ivol"
model = "inverse-volatility"
[[benchmark]]
name = "ew"
model = "equal-weight"
)";
  std::string outputs[2];
  for (int threads : {1, 2}) {
    const std::string out = dir.file("out" + std::to_string(threads) + ".json");
    const auto r = run_keel("backtest --prices '" + prices + "' --metadata '" +
                                dir.file("prices_metadata.csv") + "' --config '" +
                                dir.file("s.toml") + "' --quiet --include-weights --threads " +
                                std::to_string(threads) + " -o '" + out + "'",
                            dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs[threads - 1] = read_text(out);
    ASSERT_GT(outputs[threads - 1].size(), 1000u);
    ASSERT_NE(outputs[threads - 1].find("\"elapsed_ms\""), std::string::npos)
        << "the timing field this test blanks was renamed; update without_timing()";
    ASSERT_NE(outputs[threads - 1].find("\"solve_ms\""), std::string::npos)
        << "the timing field this test blanks was renamed; update without_timing()";
  }
  EXPECT_TRUE(without_timing(outputs[0]) == without_timing(outputs[1]))
      << "backtest JSON differs between --threads 1 and --threads 2";
}

TEST(CliDeterminism, SimulatorFilesAreByteIdenticalForOneSeed) {
  TempDir dir;
  auto simulate = [&](const std::string& stem, int seed) {
    const auto r = run_keel("simulate --assets 6 --days 300 --seed " + std::to_string(seed) +
                                " -o '" + dir.file(stem + ".csv") + "'",
                            dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  };
  simulate("a", 9);
  simulate("b", 9);
  simulate("c", 10);
  for (const char* suffix : {".csv", "_market.csv", "_metadata.csv"}) {
    const std::string a = read_text(dir.file(std::string("a") + suffix));
    ASSERT_FALSE(a.empty()) << suffix;
    EXPECT_TRUE(a == read_text(dir.file(std::string("b") + suffix))) << "seed 9 twice: " << suffix;
  }
  EXPECT_NE(read_text(dir.file("a.csv")), read_text(dir.file("c.csv"))) << "seeds 9 and 10";
}

}  // namespace
}  // namespace keel::testing
