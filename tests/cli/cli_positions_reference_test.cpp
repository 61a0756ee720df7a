// keel positions and keel hedge on real Binance daily closes (../shared/data, 2022-01-01 ..
// 2026-04-26) with the treasury book of tests/data/positions: the values follow from the last
// prices by the closed forms, the hedge lowers the 7-day expected shortfall and keeps the ETH
// delta inside its band.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
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

// The shared Binance BTCUSDT funding series (../shared/data/derivatives_funding, daily mean rate
// per 8-hour interval) on a linear BTC perpetual: the rate is the file's row for the last price
// day, read here independently of keel's reader; funding per day is 3 f n c P. Prices that end
// after the series (2026-04-26; the series ends 2026-02-12) exit 2 naming position, file and date.
TEST(CliPositionsReference, BtcFundingSeriesFromTheSharedFile) {
  TempDir dir;
  const std::string series =
      std::string(KEEL_SHARED_DATA_DIR) + "/derivatives_funding/btc_perp_funding_daily.csv";
  std::ifstream in(series);
  if (!in) GTEST_SKIP() << "no shared data at " << series;
  double rate = std::nan("");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("2026-02-12,", 0) == 0) rate = std::stod(line.substr(11));
  }
  ASSERT_TRUE(std::isfinite(rate));
  std::ofstream(dir.file("book.toml")) << "quote = \"USDT\"\n[[position]]\nname = \"btc-perp\"\n"
                                          "kind = \"perp\"\nunderlying = \"BTCUSDT\"\n"
                                          "contracts = 3\ncontract_size = 0.1\n"
                                          "entry_price = 90000\nmargin = 5000\n"
                                          "funding_series = \""
                                       << series << "\"\n";
  const CommandResult r = run_keel("positions --book '" + dir.file("book.toml") + "' --prices " +
                                       prices() + " --end 2026-02-12 --format json",
                                   dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["as_of"], "2026-02-12");
  const auto& perp = doc["positions"][0]["perp"];
  EXPECT_EQ(perp["funding_rate"].get<double>(), rate);
  EXPECT_EQ(perp["funding_series"]["date"], "2026-02-12");
  const double btc = doc["prices"]["BTCUSDT"].get<double>();
  EXPECT_NEAR(perp["funding_per_day"].get<double>(), 3.0 * rate * 0.3 * btc, 1e-9);

  const CommandResult late =
      run_keel("positions --book '" + dir.file("book.toml") + "' --prices " + prices(), dir);
  EXPECT_EQ(late.exit_code, 2) << late.err;
  for (const char* part : {"btc-perp", "btc_perp_funding_daily.csv", "2026-04-26"}) {
    EXPECT_NE(late.err.find(part), std::string::npos) << part << "\n" << late.err;
  }
}

// Crash replays on the treasury book: every position's P&L and the book's over the covid and
// china-ban windows against tests/data/positions/replay_reference.json, which
// make_replay_fixture.py computes with pandas/scipy in closed form (Uniswap v3 amounts, Black-76,
// perpetual P&L and funding) from the same closes. A named window the prices do not cover exits 2.
TEST(CliPositionsReference, CrashReplaysMatchTheClosedForms) {
  TempDir dir;
  const std::string closes =
      std::string("'") + KEEL_SHARED_DATA_DIR + "/crypto_binance_spot_daily/close_wide.csv'";
  std::ifstream fixture(std::string(KEEL_TEST_DATA_DIR) + "/positions/replay_reference.json");
  ASSERT_TRUE(fixture.good());
  const auto expected = nlohmann::json::parse(fixture);
  const CommandResult r = run_keel("positions --book " + data("book.toml") + " --prices " + closes +
                                       " --keep-raw-symbols --assets BTCUSDT,ETHUSDT --start "
                                       "2020-01-01 --replay "
                                       "covid-crash-2020,china-ban-2021 --format json",
                                   dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["as_of"], expected["as_of"]);
  ASSERT_EQ(doc["replay"].size(), 2u);
  for (const auto& w : doc["replay"]) {
    const auto& e = expected["windows"][w["name"].get<std::string>()];
    ASSERT_TRUE(e.is_object()) << w["name"];
    EXPECT_EQ(w["status"], "replayed");
    EXPECT_EQ(w["from"], e["from"]);
    EXPECT_EQ(w["to"], e["to"]);
    EXPECT_EQ(w["days"].get<double>(), e["days"].get<double>());
    for (const auto& [asset, ret] : e["returns"].items()) {
      EXPECT_NEAR(w["asset_returns"][asset].get<double>(), ret.get<double>(), 1e-12) << asset;
    }
    for (const auto& [name, pnl] : e["positions"].items()) {
      EXPECT_NEAR(w["positions"][name].get<double>(), pnl.get<double>(),
                  1e-7 * (1.0 + std::abs(pnl.get<double>())))
          << w["name"] << " " << name;
    }
    EXPECT_NEAR(w["pnl"].get<double>(), e["pnl"].get<double>(), 1e-6);
  }

  const CommandResult uncovered = run_keel("positions --book " + data("book.toml") + " --prices " +
                                               prices() + " --replay covid-crash-2020",
                                           dir);
  EXPECT_EQ(uncovered.exit_code, 2) << uncovered.err;
  EXPECT_NE(uncovered.err.find("covid-crash-2020"), std::string::npos) << uncovered.err;
  // "all" lists the windows before the data as not covered and replays the later ones.
  const CommandResult all = run_keel("positions --book " + data("book.toml") + " --prices " +
                                         prices() + " --replay all --format json",
                                     dir);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const auto listed = nlohmann::json::parse(all.out)["replay"];
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0]["status"], "not-covered");
  EXPECT_TRUE(listed[0]["pnl"].is_null());
  EXPECT_EQ(listed[2]["name"], "luna-collapse-2022");
  EXPECT_EQ(listed[2]["status"], "replayed");
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
