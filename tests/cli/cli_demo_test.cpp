// keel demo as a portfolio manager reads it: stablecoins held as cash beside a risky sleeve, the
// buy-and-hold benchmark chosen by --benchmark (default BTC, else the largest market cap), costs
// in bp a year of average NAV, and real crashes never "replayed" on simulated prices.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

struct Demo {
  CommandResult run;
  nlohmann::json results;
  std::map<std::string, bool> stablecoin;  // from the simulated metadata.csv
  std::map<std::string, double> market_cap;
};

Demo run_demo(const TempDir& dir, const std::string& extra) {
  Demo d;
  d.run = run_keel("demo --sim-assets 16 --days 900 --window 200 --no-report --output-dir '" +
                       dir.file("demo") + "' " + extra,
                   dir);
  if (d.run.exit_code != 0) return d;
  std::ifstream in(dir.file("demo/results.json"));
  d.results = nlohmann::json::parse(in);
  std::ifstream meta(dir.file("demo/metadata.csv"));
  std::string line;
  std::getline(meta, line);  // header: symbol,sector,chain,protocol,is_stablecoin,...
  while (std::getline(meta, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    if (cells.size() > 7) {
      d.stablecoin[cells[0]] = cells[4] == "true" || cells[4] == "1";
      d.market_cap[cells[0]] = std::stod(cells[7]);
    }
  }
  return d;
}

TEST(CliDemo, StablecoinsAreACashBucketBesideTheRiskySleeve) {
  TempDir dir;
  const Demo d = run_demo(dir, "--stablecoin-cash 0.1");
  ASSERT_EQ(d.run.exit_code, 0) << d.run.err << d.run.out;
  int stables = 0;
  for (const auto& [asset, flag] : d.stablecoin) stables += flag ? 1 : 0;
  ASSERT_GE(stables, 1);
  EXPECT_NE(d.run.out.find("held as cash"), std::string::npos) << d.run.out;
  for (const auto& p : d.results["portfolios"]) {
    ASSERT_EQ(p["status"], "optimal") << p["model"];
    double cash = 0.0, risky = 0.0;
    for (const auto& [asset, w] : p["weights"].items()) {
      ASSERT_TRUE(d.stablecoin.count(asset)) << asset;
      if (d.stablecoin.at(asset)) {
        // Every stablecoin holds its equal share of the 10% bucket, whatever the model.
        EXPECT_NEAR(w.get<double>(), 0.1 / stables, 1e-12) << p["model"] << " " << asset;
        cash += w.get<double>();
      } else {
        risky += w.get<double>();
      }
    }
    EXPECT_NEAR(cash, 0.1, 1e-12) << p["model"];
    EXPECT_NEAR(risky, 0.9, 1e-9) << p["model"];
  }
  // The backtest trades the risky sleeve only.
  ASSERT_FALSE(d.results["backtest"]["assets"].empty());
  for (const auto& asset : d.results["backtest"]["assets"]) {
    EXPECT_FALSE(d.stablecoin.at(asset.get<std::string>())) << asset;
  }
}

TEST(CliDemo, BenchmarkDefaultsToTheLargestCapAndCanBeChosen) {
  TempDir dir;
  const Demo d = run_demo(dir, "");
  ASSERT_EQ(d.run.exit_code, 0) << d.run.err << d.run.out;
  // No BTC among the simulated tickers: the largest market cap among the risky assets.
  std::string largest;
  for (const auto& [asset, cap] : d.market_cap) {
    if (!d.stablecoin.at(asset) && (largest.empty() || cap > d.market_cap.at(largest))) largest = asset;
  }
  EXPECT_EQ(d.results["backtest"]["settings"]["benchmark"], largest);
  bool found = false;
  for (const auto& s : d.results["backtest"]["strategies"]) {
    found = found || s["name"] == "hold " + largest;
  }
  EXPECT_TRUE(found);

  TempDir other;
  const Demo chosen = run_demo(other, "--benchmark SOLR");
  ASSERT_EQ(chosen.run.exit_code, 0) << chosen.run.err;
  EXPECT_EQ(chosen.results["backtest"]["settings"]["benchmark"], "SOLR");
  EXPECT_NE(chosen.run.out.find("hold SOLR"), std::string::npos) << chosen.run.out;

  TempDir bad;
  const auto r = run_keel("demo --sim-assets 16 --days 900 --no-report --benchmark NOPE "
                          "--output-dir '" + bad.file("demo") + "'",
                          bad);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--benchmark NOPE"), std::string::npos) << r.err;
}

TEST(CliDemo, CostsAreBasisPointsAYearOfAverageNav) {
  TempDir dir;
  const Demo d = run_demo(dir, "");
  ASSERT_EQ(d.run.exit_code, 0) << d.run.err << d.run.out;
  EXPECT_NE(d.run.out.find("costs bp/yr"), std::string::npos) << d.run.out;
  for (const auto& s : d.results["backtest"]["strategies"]) {
    const auto& m = s["metrics"];
    ASSERT_TRUE(m.contains("cost_bps_per_year")) << s["name"];
    if (s["name"].get<std::string>().rfind("hold ", 0) == 0) continue;
    const double bps = m["cost_bps_per_year"].get<double>();
    // Weekly rebalancing of a liquid simulated market: tens to a few hundred bp a year, not the
    // thousands an illiquid dust coin would cost.
    EXPECT_GT(bps, 0.0) << s["name"];
    EXPECT_LT(bps, 1000.0) << s["name"];
  }
}

TEST(CliDemo, RealCrashesAreHypotheticalShocksOnSimulatedPrices) {
  TempDir dir;
  const Demo d = run_demo(dir, "");
  ASSERT_EQ(d.run.exit_code, 0) << d.run.err << d.run.out;
  for (const auto& p : d.results["portfolios"]) {
    for (const auto& w : p["stress"]["historical"]) {
      // Only the simulator's own crash episodes are replayed on its prices.
      EXPECT_EQ(w["name"].get<std::string>().rfind("simulated-crash-", 0), 0u) << w["name"];
    }
    int sized = 0;
    for (const auto& h : p["stress"]["hypothetical"]) {
      const std::string name = h["name"];
      if (name.find("(hypothetical, same size)") == std::string::npos) continue;
      ++sized;
      if (name.rfind("covid-crash-2020", 0) == 0) {
        // BTC's move in the real window, on every asset but the stablecoins.
        for (const auto& [asset, a] : h["assets"].items()) {
          EXPECT_NEAR(a["return"].get<double>(), d.stablecoin.at(asset) ? 0.0 : -0.3815, 1e-12)
              << asset;
        }
      }
    }
    EXPECT_EQ(sized, 4) << p["model"];
  }
}

TEST(CliMessages, UnknownVerbIsNamedWithTheList) {
  TempDir dir;
  const auto r = run_keel("foo", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown verb 'foo'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("optimize"), std::string::npos) << r.err;
  const auto none = run_keel("", dir);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no verb given"), std::string::npos) << none.err;
}

TEST(CliMessages, MissingConfigFileIsNotCalledInvalidToml) {
  TempDir dir;
  const auto r = run_keel("optimize --prices p.csv --config '" + dir.file("absent.toml") + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("absent.toml: no such file"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not valid TOML"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace keel::testing
