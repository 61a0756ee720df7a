// End-to-end tests of `keel backtest`: strategies and benchmarks from TOML, the JSON result's
// accounting identities, costs from the market file (volumes, spreads) and a funding series,
// fallbacks recorded per date, and located errors for bad configurations.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

class CliBacktest : public ::testing::Test {
 protected:
  void SetUp() override {
    prices_ = dir_.file("prices.csv");
    const auto sim = run_keel("simulate --assets 8 --days 700 --seed 5 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    std::ifstream meta(dir_.file("prices_metadata.csv"));
    std::string header, first;
    std::getline(meta, header);
    std::getline(meta, first);
    first_asset_ = first.substr(0, first.find(','));
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.file(name)) << text;
  }
  CommandResult backtest(const std::string& config, const std::string& extra = "") const {
    write("s.toml", config);
    return run_keel("backtest --prices '" + prices_ + "' --config '" + dir_.file("s.toml") +
                        "' --quiet " + extra,
                    dir_);
  }
  nlohmann::json result_json() const {
    std::ifstream in(dir_.file("out.json"));
    return nlohmann::json::parse(in);
  }
  TempDir dir_;
  std::string prices_;
  std::string first_asset_;
};

TEST_F(CliBacktest, StrategiesAndBenchmarksWithConsistentAccounting) {
  const auto r = backtest(R"(
window = 120
rebalance = "every:10"
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
rebalance = "monthly"
[[benchmark]]
name = "hold"
kind = "buy-and-hold"
asset = ")" + first_asset_ + R"("
[[benchmark]]
name = "ew"
model = "equal-weight"
)",
                          "--metadata '" + dir_.file("prices_metadata.csv") +
                              "' --group-tag sector -o '" + dir_.file("out.json") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hold (benchmark)"), std::string::npos) << r.out;
  const auto j = result_json();
  ASSERT_EQ(j["strategies"].size(), 4u);
  const std::size_t dates = j["dates"].size();
  for (const auto& s : j["strategies"]) {
    SCOPED_TRACE(s["name"].get<std::string>());
    ASSERT_EQ(s["series"]["equity"].size(), dates);
    double net = 0.0;
    for (std::size_t t = 0; t < dates; ++t) {
      const double g = s["series"]["gross_returns"][t], c = s["series"]["cost_returns"][t],
                   n = s["series"]["net_returns"][t];
      EXPECT_EQ(g - c, n);
      net += n;
    }
    EXPECT_NEAR(s["attribution"]["net"].get<double>(), net, 1e-12);
    double by_group = 0.0;
    for (const auto& [g, v] : s["attribution"]["by_group"].items()) by_group += v.get<double>();
    double by_asset = 0.0;
    for (const auto& [a, v] : s["attribution"]["by_asset"].items()) by_asset += v.get<double>();
    EXPECT_NEAR(by_group, by_asset, 1e-12);
    EXPECT_GT(s["costs"]["fees"].get<double>(), 0.0);
    EXPECT_GT(s["costs"]["spread"].get<double>(), 0.0);
    for (const auto& rec : s["rebalances"]) {
      if (!rec.contains("target")) continue;
      double sum = 0.0;
      for (const auto& [a, w] : rec["target"].items()) sum += w.get<double>();
      EXPECT_NEAR(sum, 1.0, 1e-8);
    }
    if (!s["benchmark"].get<bool>()) {
      EXPECT_TRUE(s.contains("brinson_fachler"));
    }
  }
  EXPECT_EQ(j["strategies"][2]["metrics"]["rebalances"].get<int>(), 1);  // buy and hold
}

TEST_F(CliBacktest, MarketFileCostsAndFundingSeries) {
  // The simulator's long market file carries volume and spread per asset and date; a funding
  // file charges the shorts of a long-short strategy.
  write("funding.csv", "date,funding_mean\n2019-01-01,0.0001\n2019-06-01,0.0003\n");
  const std::string market = dir_.file("prices_market.csv");
  write("s.toml", R"(
window = 90
rebalance = "weekly"
[trading]
fee_bps = 5
impact_coefficient = 0.5
short_rate = { file = ")" +
                      dir_.file("funding.csv") + R"(", column = "funding_mean", scale = 3 }
[[strategy]]
name = "ls"
model = "min-variance"
bounds = "-0.3,0.6"
[strategy.constraints]
max_gross_leverage = 1.6
)");
  const auto r = run_keel("backtest --prices '" + market + "' --config '" + dir_.file("s.toml") +
                              "' --quiet -o '" + dir_.file("out.json") + "'",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = result_json()["strategies"][0];
  EXPECT_GT(s["costs"]["impact"].get<double>(), 0.0);
  EXPECT_GT(s["costs"]["spread"].get<double>(), 0.0);  // from the data's spreads
  EXPECT_GT(s["costs"]["financing"].get<double>(), 0.0);
}

TEST_F(CliBacktest, InfeasibleRebalancesFallBackPerDate) {
  const auto r = backtest(R"(
window = 60
[[strategy]]
name = "capped"
model = "min-variance"
max_weight = 0.05
fallback = "inverse-volatility"
)",
                          "-o '" + dir_.file("out.json") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = result_json()["strategies"][0];
  ASSERT_GT(s["metrics"]["fallbacks"].get<int>(), 0);
  for (const auto& rec : s["rebalances"]) {
    EXPECT_EQ(rec["outcome"], "fallback");
    EXPECT_NE(rec["message"].get<std::string>().find("fallback model:inverse-volatility"),
              std::string::npos);
  }
}

TEST_F(CliBacktest, BadConfigurationsAreLocatedErrors) {
  auto r = backtest("[[strategy]]\nname = \"x\"\nmodel = \"hrp\"\nwindow_size = 3\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("s.toml:4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown key 'window_size'"), std::string::npos) << r.err;

  r = backtest("[[strategy]]\nname = \"x\"\nmodel = \"hrp\"\nrebalance = \"fortnightly\"\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fortnightly"), std::string::npos) << r.err;

  r = backtest(
      "[trading]\nimpact_coefficient = 0.2\n[[strategy]]\nname = \"x\"\nmodel = \"hrp\"\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("volume"), std::string::npos) << r.err;

  r = backtest("[[benchmark]]\nname = \"b\"\nkind = \"buy-and-hold\"\nasset = \"NOPE\"\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("NOPE"), std::string::npos) << r.err;

  r = backtest("[[strategy]]\nname = \"x\"\nmodel = \"hrp\"\n", "--lag 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("look-ahead"), std::string::npos) << r.err;

  r = run_keel("backtest --prices '" + prices_ + "'", dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--config"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace keel::testing
