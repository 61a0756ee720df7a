// Inputs checked for sense (issue 14): weights files that are percents, quantities or short of the
// budget are refused with the option to use; --holdings values coin quantities at the last prices;
// a typo names the weights file and line; shuffled prices need --sort, which is recorded; inspect
// reports calendar gaps; ffill works on staggered listings.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

constexpr int kDays = 40;  // 2021-01-01 .. 2021-02-09

double price(int asset, int day) {
  const double t = day;
  switch (asset) {
    case 0:
      return 30000.0 * (1.0 + 0.05 * std::sin(0.7 * t) + 0.004 * t);
    case 1:
      return 1000.0 * (1.0 + 0.08 * std::cos(0.9 * t + 0.3) + 0.003 * t);
    default:
      return day < 10 ? std::nan("") : 3.0 * (1.0 + 0.1 * std::sin(1.3 * t));  // listed day 10
  }
}

std::string date(int day) {
  const int month = day < 31 ? 1 : 2;
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "2021-%02d-%02d", month, month == 1 ? day + 1 : day - 30);
  return buffer;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CliInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    // BTC and ETH complete; SOL listed on day 10.
    std::ofstream wide(dir_.file("prices.csv"));
    wide.precision(17);
    wide << "date,BTC,ETH,SOL\n";
    for (int d = 0; d < kDays; ++d) {
      wide << date(d) << "," << price(0, d) << "," << price(1, d) << ",";
      if (d >= 10) wide << price(2, d);
      wide << "\n";
    }
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.file(name)) << text;
    return dir_.file(name);
  }
  std::string prices() const { return "--prices '" + dir_.file("prices.csv") + "'"; }
  CommandResult risk(const std::string& portfolio, const std::string& extra = "") const {
    return run_keel("risk " + prices() + " " + portfolio + " --method historical " + extra, dir_);
  }
  CommandResult stress(const std::string& portfolio, const std::string& extra = "") const {
    return run_keel("stress " + prices() + " " + portfolio + " --windows none " + extra, dir_);
  }
  static nlohmann::json json(const CommandResult& r) { return nlohmann::json::parse(r.out); }
  TempDir dir_;
};

TEST_F(CliInputs, PercentWeightsAreRefused) {
  const std::string w = write("pct.csv", "asset,weight\nBTC,50\nETH,50\n");
  for (const auto& r : {risk("--weights '" + w + "'"), stress("--weights '" + w + "'")}) {
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_TRUE(contains(r.err, w)) << r.err;
    EXPECT_TRUE(contains(r.err, "look like percents (they sum to 100")) << r.err;
    EXPECT_TRUE(contains(r.err, "50% as 0.5")) << r.err;
  }
  const std::string header = write("pct2.csv", "asset,weight_pct\nBTC,60\nETH,30\n");
  const auto r = risk("--weights '" + header + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "the column is 'weight_pct'")) << r.err;
}

TEST_F(CliInputs, QuantityFilesAreRefusedWithTheHoldingsOption) {
  const std::string named = write("amounts.csv", "symbol,amount\nBTC,2.5\nETH,30\n");
  const auto by_header = risk("--weights '" + named + "'");
  EXPECT_EQ(by_header.exit_code, 2) << by_header.out;
  EXPECT_TRUE(contains(by_header.err, named + ": the column 'amount' holds quantities")) << by_header.err;
  EXPECT_TRUE(contains(by_header.err, "--holdings " + named)) << by_header.err;

  const std::string bare = write("bare.csv", "BTC,2.5\nETH,30\n");
  const auto by_values = risk("--weights '" + bare + "' --cash-remainder");
  EXPECT_EQ(by_values.exit_code, 2) << by_values.out;
  EXPECT_TRUE(contains(by_values.err, "gross exposure of 3250%")) << by_values.err;
  EXPECT_TRUE(contains(by_values.err, "--holdings " + bare)) << by_values.err;
}

TEST_F(CliInputs, WeightsShortOfTheBudgetNeedCashRemainder) {
  const std::string w = write("short.csv", "asset,weight\nBTC,0.4\nETH,0.3\n");
  const auto refused = risk("--weights '" + w + "'");
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_TRUE(contains(refused.err, w + ": the weights sum to 0.7, not 1")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "30% of the portfolio would silently be cash")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "--cash-remainder")) << refused.err;
  EXPECT_EQ(stress("--weights '" + w + "'").exit_code, 2);

  const auto risk_ok = risk("--weights '" + w + "' --cash-remainder --format json");
  ASSERT_EQ(risk_ok.exit_code, 0) << risk_ok.err;
  const auto doc = json(risk_ok);
  EXPECT_NEAR(doc["portfolio"]["cash"].get<double>(), 0.3, 1e-12);
  EXPECT_EQ(doc["portfolio"]["kind"], "weights");
  const auto table = risk("--weights '" + w + "' --cash-remainder");
  EXPECT_TRUE(contains(table.out, "cash 30")) << table.out;

  const auto stress_ok = stress("--weights '" + w + "' --cash-remainder --format json");
  ASSERT_EQ(stress_ok.exit_code, 0) << stress_ok.err;
  EXPECT_NEAR(json(stress_ok)["portfolio"]["cash"].get<double>(), 0.3, 1e-12);

  // Weights rounded within the tolerance pass as they are.
  const std::string rounded = write("rounded.csv", "BTC,0.333\nETH,0.333\nSOL,0.333\n");
  EXPECT_EQ(risk("--weights '" + rounded + "' --missing ffill:1,drop-rows").exit_code, 0);
}

TEST_F(CliInputs, TypoNamesTheWeightsFileAndLine) {
  const std::string w = write("typo.csv", "asset,weight\nBTC,0.5\nETHH,0.5\n");
  for (const auto& r : {risk("--weights '" + w + "'"), stress("--weights '" + w + "'")}) {
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_TRUE(contains(r.err, w + ":3: asset 'ETHH' (--weights) is not a column of the price "
                                    "file"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "closest: 'ETH'")) << r.err;
    EXPECT_FALSE(contains(r.err, "--assets")) << r.err;
  }
  const std::string j = write("typo.json", R"({"weights": {"BTC": 0.5, "ETHH": 0.5}})");
  const auto r = risk("--weights '" + j + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, j + ": asset 'ETHH'")) << r.err;
}

TEST_F(CliInputs, HoldingsAreValuedAtTheLastPrices) {
  const std::string h = write("coins.csv", "symbol,amount\nBTC,2.5\nETH,30\n");
  const double btc = price(0, kDays - 1), eth = price(1, kDays - 1);
  const double value = 2.5 * btc + 30.0 * eth;
  const auto r = risk("--holdings '" + h + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json(r);
  EXPECT_EQ(doc["portfolio"]["kind"], "holdings");
  EXPECT_NEAR(doc["portfolio"]["value"].get<double>(), value, 1e-6 * value);
  EXPECT_NEAR(doc["portfolio"]["weights"]["BTC"].get<double>(), 2.5 * btc / value, 1e-9);
  EXPECT_NEAR(doc["portfolio"]["weights"]["ETH"].get<double>(), 30.0 * eth / value, 1e-9);
  EXPECT_EQ(doc["portfolio"]["holdings"]["ETH"]["priced_on"], date(kDays - 1));
  EXPECT_NEAR(doc["portfolio"]["cash"].get<double>(), 0.0, 1e-12);
  const auto table = risk("--holdings '" + h + "'");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "implied weights BTC")) << table.out;

  // Stress uses the holdings' value for P&L in money unless --portfolio-value is given.
  const auto s = stress("--holdings '" + h + "' --format json");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NEAR(json(s)["portfolio"]["value"].get<double>(), value, 1e-6 * value);
  const auto given = stress("--holdings '" + h + "' --portfolio-value 1000 --format json");
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(json(given)["portfolio"]["value"].get<double>(), 1000.0);

  const auto both = risk("--holdings '" + h + "' --weights '" + h + "'");
  EXPECT_EQ(both.exit_code, 2);
  const auto neither = risk("");
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_TRUE(contains(neither.err, "--holdings")) << neither.err;
}

TEST_F(CliInputs, RiskHeadlinesTheCompoundedDrawdown) {
  // BTC halves twice, then doubles: wealth 1 → 0.25 is a 75% fall of compounded wealth, while the
  // cumulative sum of returns falls by 100% (−50% − 50%): the min-CDaR convention, labelled.
  const std::string crash = write("crash.csv",
                                  "date,BTC,ETH\n2021-01-01,100,10\n2021-01-02,50,11\n"
                                  "2021-01-03,25,12\n2021-01-04,50,11\n2021-01-05,60,12\n");
  const std::string w = write("btc.csv", "asset,weight\nBTC,1\nETH,0\n");
  const auto r = run_keel("risk --prices '" + crash + "' --weights '" + w +
                              "' --method historical --format json",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json(r);
  EXPECT_NEAR(doc["max_drawdown"].get<double>(), 0.75, 1e-12);
  EXPECT_NEAR(doc["uncompounded_drawdown"]["max_drawdown"].get<double>(), 1.0, 1e-12);
  const auto table = run_keel("risk --prices '" + crash + "' --weights '" + w +
                                  "' --method historical",
                              dir_);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "max drawdown 75.00%")) << table.out;
  EXPECT_TRUE(contains(table.out, "uncompounded")) << table.out;
}

TEST_F(CliInputs, OutputFilesAreWrittenWholeOrNotAtAll) {
  const std::string w = write("w.csv", "asset,weight\nBTC,0.5\nETH,0.5\n");
  // An output folder that does not exist: exit 2 naming the path, nothing written.
  const std::string missing = dir_.file("no-such-folder/out.json");
  const auto r = risk("--weights '" + w + "' -o '" + missing + "'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, missing)) << r.err;
  EXPECT_TRUE(contains(r.err, "does not exist")) << r.err;
  // A good run replaces the previous file whole and leaves no temporary file beside it.
  const std::string out = dir_.file("out.json");
  write("out.json", "previous");
  const auto ok = risk("--weights '" + w + "' -o '" + out + "'");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  std::ifstream in(out);
  const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded());
  EXPECT_TRUE(doc.contains("cvar"));
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".keel-"), std::string::npos)
        << "temporary file left: " << entry.path();
  }
}

TEST_F(CliInputs, ShuffledPricesNeedSortWhichIsRecorded) {
  const std::string shuffled = write("shuffled.csv",
                                     "date,BTC,ETH\n2021-01-01,1,2\n2021-01-03,1.2,2.1\n"
                                     "2021-01-02,1.1,2.2\n2021-01-04,1.3,2.0\n2021-01-05,1.2,2.3\n");
  const std::string w = write("w.csv", "BTC,0.5\nETH,0.5\n");
  const std::string base =
      "risk --prices '" + shuffled + "' --weights '" + w + "' --method historical";
  const auto refused = run_keel(base, dir_);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(contains(refused.err, shuffled + ":4: timestamp 2021-01-02 is out of time order"))
      << refused.err;
  const auto sorted = run_keel(base + " --sort --format json", dir_);
  ASSERT_EQ(sorted.exit_code, 0) << sorted.err;
  const auto repairs = json(sorted)["diagnostics"]["repairs"];
  ASSERT_EQ(repairs.size(), 1u) << repairs.dump();
  EXPECT_TRUE(contains(repairs[0]["detail"].get<std::string>(), "out of time order"));
}

TEST_F(CliInputs, InspectReportsCalendarGaps) {
  std::string text = "date,BTC\n";
  for (int d = 0; d < 20; ++d) {
    if (d >= 5 && d <= 7) continue;  // 2021-01-06 .. 2021-01-08 absent
    text += date(d) + "," + std::to_string(100 + d) + "\n";
  }
  const std::string holes = write("holes.csv", text);
  const auto table = run_keel("inspect --prices '" + holes + "'", dir_);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "1 calendar gap(s): 3 period(s) missing")) << table.out;
  EXPECT_TRUE(contains(table.out, "[calendar-gap] no row for any asset between 2021-01-05 and "
                                  "2021-01-09"))
      << table.out;
  const auto doc = json(run_keel("inspect --prices '" + holes + "' --format json", dir_));
  EXPECT_EQ(doc["calendar_missing"], 3);
  EXPECT_EQ(doc["per_asset"][0]["calendar_missing"], 3);
}

TEST_F(CliInputs, ForwardFillOnStaggeredListings) {
  // SOL is listed on day 10 and has a two-day gap: ffill:2 fills the gap and leaves the listing.
  std::string text = "date,BTC,SOL\n";
  for (int d = 0; d < kDays; ++d) {
    text += date(d) + "," + std::to_string(price(0, d)) + ",";
    if (d >= 10 && d != 20 && d != 21) text += std::to_string(price(2, d));
    text += "\n";
  }
  const std::string gappy = write("gappy.csv", text);
  const std::string w = write("w.csv", "BTC,0.5\nSOL,0.5\n");
  const std::string base = "risk --prices '" + gappy + "' --weights '" + w + "' --method historical";
  // Bare ffill keeps the cells before the listing, which risk (one complete history) refuses by
  // name, pointing at the second step.
  const auto ragged = run_keel(base + " --missing ffill:2", dir_);
  EXPECT_EQ(ragged.exit_code, 2);
  EXPECT_TRUE(contains(ragged.err, "SOL has no return on 2021-01-02")) << ragged.err;
  EXPECT_TRUE(contains(ragged.err, "--missing ffill:2,drop-rows")) << ragged.err;
  const auto filled = run_keel(base + " --missing ffill:2,drop-rows --format json", dir_);
  ASSERT_EQ(filled.exit_code, 0) << filled.err;
  const auto doc = json(filled);
  EXPECT_EQ(doc["inputs"]["start"], date(10));
  const auto repairs = doc["diagnostics"]["repairs"];
  ASSERT_EQ(repairs.size(), 2u) << repairs.dump();
  EXPECT_EQ(repairs[0]["action"], "ffill");
  EXPECT_EQ(repairs[1]["action"], "drop-rows");
}

}  // namespace
}  // namespace keel::testing
