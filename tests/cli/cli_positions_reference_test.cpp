// keel positions and keel hedge on real Binance daily closes (../shared/data, 2022-01-01 ..
// 2026-04-26) with the treasury book of tests/data/positions: the values follow from the last
// prices by the closed forms, the hedge lowers the 7-day expected shortfall and keeps the ETH
// delta inside its band.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

std::string prices() {
  return std::string("'") + KEEL_SHARED_DATA_DIR +
         "/crypto_binance_spot_daily/close_wide.csv' --keep-raw-symbols --assets BTCUSDT,ETHUSDT "
         "--start 2022-01-01";
}
std::string data(const std::string& name) {
  return std::string("'") + KEEL_TEST_DATA_DIR + "/positions/" + name + "'";
}

TEST(CliPositionsReference, TreasuryBookOnBinanceCloses) {
  TempDir dir;
  const CommandResult r = run_keel(
      "positions --book " + data("book.toml") + " --prices " + prices() + " --format json", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const double btc = doc["prices"]["BTCUSDT"].get<double>();
  EXPECT_DOUBLE_EQ(btc, 78657.55);  // the file's last close
  const auto& p = doc["positions"];
  EXPECT_NEAR(p[0]["value"].get<double>(), 2.0 * btc, 1e-9);
  // Inverse short, 500 contracts of 100 USD from 80,000 with 0.2 BTC margin:
  // value = (0.2 + (−50,000)(1/80,000 − 1/S)) S.
  EXPECT_NEAR(p[2]["value"].get<double>(), (0.2 - 50000.0 * (1.0 / 80000.0 - 1.0 / btc)) * btc,
              1e-6);
  EXPECT_NEAR(p[2]["exposures"][0]["delta"].get<double>(), 0.2 - 50000.0 / 80000.0, 1e-12);
  // Linear long, 300 × 0.01 ETH from 2,300 with 1,500 margin.
  const double eth = doc["prices"]["ETHUSDT"].get<double>();
  EXPECT_NEAR(p[3]["value"].get<double>(), 1500.0 + 3.0 * (eth - 2300.0), 1e-9);
  EXPECT_GT(doc["risk"]["es"].get<double>(), doc["risk"]["var"].get<double>());
}

TEST(CliPositionsReference, HedgeLowersTheExpectedShortfall) {
  TempDir dir;
  const CommandResult r =
      run_keel("hedge --book " + data("book.toml") + " --hedges " + data("hedges.toml") +
                   " --prices " + prices() + " --horizon 7 --format json",
               dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["status"], "optimal");
  EXPECT_LT(doc["hedged"]["es"].get<double>(), 0.5 * doc["unhedged"]["es"].get<double>());
  EXPECT_LE(doc["premium"].get<double>(), 5000.0 + 1e-6);
  EXPECT_LE(doc["margin"].get<double>(), 50000.0 + 1e-6);
  for (const auto& e : doc["exposures"]) {
    if (e["underlying"] == "ETHUSDT") {
      EXPECT_GE(e["delta_after"].get<double>(), -2.0 - 1e-7);
      EXPECT_LE(e["delta_after"].get<double>(), 2.0 + 1e-7);
    }
  }
}

}  // namespace
}  // namespace keel::testing
