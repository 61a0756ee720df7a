// --prices repeated or as a comma list, --keep-raw-symbols, and the quote column of keel inspect,
// on the exchange fixtures of tests/data/exchange/ (make_fixtures.py there).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

std::string fixture(const std::string& name) {
  return "'" + std::string(KEEL_TEST_DATA_DIR) + "/exchange/" + name + "'";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(CliExchange, RepeatedPricesAreMergedAndQuotesShown) {
  TempDir dir;
  const auto r = run_keel("inspect --prices " + fixture("BTCUSDT-1d-2024-01.csv") + " --prices " +
                              fixture("ETHUSDT-1d-2024-01.csv"),
                          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "2 assets, 5 rows")) << r.out;
  EXPECT_TRUE(contains(r.out, "quote")) << r.out;
  EXPECT_TRUE(contains(r.out, "USDT")) << r.out;

  // A comma list is the same; --format json carries quote and symbol per asset.
  const auto j = run_keel("inspect --format json --prices " + fixture("BTCUSDT-1d-2024-01.csv") +
                              "," + fixture("SOL-USD_1d.csv"),
                          dir);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["assets"], 2);
  EXPECT_EQ(doc["per_asset"][1]["asset"], "SOL");
  EXPECT_EQ(doc["per_asset"][1]["quote"], "USD");
  EXPECT_EQ(doc["per_asset"][1]["symbol"], "SOL-USD");
}

TEST(CliExchange, NumericVerbsTakeSeveralFiles) {
  TempDir dir;
  const auto r = run_keel("estimate --format json --missing drop-rows --prices " +
                              fixture("BTCUSDT-1d-2024-01.csv") + " --prices " +
                              fixture("ETHUSDT-1d-2024-01.csv"),
                          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(contains(doc.dump(), "\"ETH\"")) << r.out;
}

TEST(CliExchange, OverlapExitsTwoNamingBothFiles) {
  TempDir dir;
  const auto r = run_keel("inspect --prices " + fixture("BTCUSDT-1d-2024-01.csv") + " --prices " +
                              fixture("wide_pairs.csv"),
                          dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "wide_pairs.csv: asset 'BTC' (as 'BTC-USD') is also in")) << r.err;
  EXPECT_TRUE(contains(r.err, "BTCUSDT-1d-2024-01.csv (as 'BTCUSDT')")) << r.err;

  const auto raw =
      run_keel("inspect --format json --keep-raw-symbols --prices " +
                   fixture("BTCUSDT-1d-2024-01.csv") + " --prices " + fixture("wide_pairs.csv"),
               dir);
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  const auto doc = nlohmann::json::parse(raw.out);
  EXPECT_EQ(doc["per_asset"][0]["asset"], "BTCUSDT");
  EXPECT_EQ(doc["per_asset"][0]["quote"], "USDT");
  EXPECT_EQ(doc["per_asset"][1]["asset"], "BTC-USD");
}

TEST(CliExchange, BadKlineExitsTwoNamingFileAndLine) {
  TempDir dir;
  const std::string bad =
      "'" + std::string(KEEL_TEST_DATA_DIR) + "/bad_inputs/kline_non_numeric_close.csv'";
  const auto r =
      run_keel("inspect --prices " + fixture("BTCUSDT-1d-2024-01.csv") + " --prices " + bad, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "kline_non_numeric_close.csv:3:")) << r.err;
}

}  // namespace
}  // namespace keel::testing
