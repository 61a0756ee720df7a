// keel lp-backtest from the command line on a small hand-made minute file: the JSON contract of
// docs/lp_backtest.md with fees worked out by hand, --numeraire token0, and bad input exiting 2
// (range lower >= upper, a missing file, a bad line named by file and line).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char* const kHeader =
    "timestamp,netAmount0,netAmount1,closeTick,openTick,lowestTick,highestTick,inAmount0,"
    "inAmount1,currentLiquidity\n";

// Decimals 0 and 0: prices 1.0001^tick, L as written. The position's range [0.99, 1.01] holds
// ticks [-101, 100) (snapped outward); bar 3 (tick 150) is out of range.
std::string minute_file() {
  return std::string(kHeader) +
         "2023-08-13 00:00:00,0,0,0,0,0,0,0,0,0\n"
         "2023-08-13 00:01:00,0,0,10,0,0,10,1000,0,0\n"
         "2023-08-13 00:02:00,0,0,-20,10,-20,10,0,500,0\n"
         "2023-08-13 00:03:00,0,0,150,-20,-20,150,7000,0,0\n";
}

TEST(CliLpBacktest, JsonWithSoleLiquidityFeesByHand) {
  TempDir dir;
  std::ofstream(dir.file("pool.csv")) << minute_file();
  const auto r = run_keel("lp-backtest --pool '" + dir.file("pool.csv") +
                              "' --decimals0 0 --decimals1 0 --fee-tier 0.003 --range-lower 0.99 "
                              "--range-upper 1.01 --capital 100 --format json",
                          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["fees_source"], "observed");
  const auto& s = doc["summary"];
  // Active liquidity 0: the position takes every fee of its in-range bars (1 and 2).
  EXPECT_NEAR(s["fees0"].get<double>(), 0.003 * 1000, 1e-12);
  EXPECT_NEAR(s["fees1"].get<double>(), 0.003 * 500, 1e-12);
  EXPECT_NEAR(s["time_in_range"].get<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(s["initial_value"].get<double>(), 100.0, 1e-9);
  EXPECT_EQ(s["bars"], 4);
  EXPECT_NEAR(s["net_vs_hold"].get<double>(),
              s["final_value"].get<double>() + s["fees_value"].get<double>() -
                  s["held_value"].get<double>(),
              1e-9);
  EXPECT_EQ(doc["units"]["values"], "token1");

  const auto t = run_keel("lp-backtest --pool '" + dir.file("pool.csv") +
                              "' --decimals0 0 --decimals1 0 --range-width 0.05 --numeraire token0"
                              " --series --format json",
                          dir);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto inv = nlohmann::json::parse(t.out);
  EXPECT_EQ(inv["units"]["values"], "token0");
  EXPECT_EQ(inv["series"].size(), 4u);
  // Seen from token0 the pool's token1 inputs are the first token's: fees0 = 0.003 × 500.
  EXPECT_NEAR(inv["summary"]["fees0"].get<double>(), 0.003 * 500, 1e-12);

  const auto table = run_keel("lp-backtest --pool '" + dir.file("pool.csv") +
                                  "' --decimals0 0 --decimals1 0 --range-width 0.05",
                              dir);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "OBSERVED"));
  EXPECT_TRUE(contains(table.out, "divergence loss"));
}

TEST(CliLpBacktest, BadInputExitsTwo) {
  TempDir dir;
  std::ofstream(dir.file("pool.csv")) << minute_file();
  const std::string pool = " --pool '" + dir.file("pool.csv") + "' ";
  const auto swapped = run_keel("lp-backtest" + pool + "--range-lower 1.1 --range-upper 0.9", dir);
  EXPECT_EQ(swapped.exit_code, 2);
  EXPECT_TRUE(contains(swapped.err, "--range-lower")) << swapped.err;
  const auto neither = run_keel("lp-backtest" + pool, dir);
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_TRUE(contains(neither.err, "--range-width")) << neither.err;

  const auto missing =
      run_keel("lp-backtest --pool '" + dir.file("nope.csv") + "' --range-width 0.1", dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.err, "nope.csv")) << missing.err;

  std::ofstream(dir.file("bad.csv")) << kHeader << "2023-08-13 00:00:00,0,0,0,0,0,0,0,0,0\n"
                                     << "2023-08-13 00:01:00,0,0,10,0,0,10,-5,0,0\n";
  const auto bad =
      run_keel("lp-backtest --pool '" + dir.file("bad.csv") + "' --range-width 0.1", dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "bad.csv:3")) << bad.err;
  EXPECT_TRUE(contains(bad.err, "inAmount0")) << bad.err;
}

}  // namespace
}  // namespace keel::testing
