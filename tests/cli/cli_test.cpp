// End-to-end tests of the keel binary: exit codes, messages and JSON contracts.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

TEST(Cli, HelpListsVerbsAndExitsZero) {
  TempDir dir;
  const auto r = run_keel("--help", dir);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* verb : {"demo", "simulate", "inspect", "estimate", "optimize", "frontier", "risk",
                           "stress", "backtest"}) {
    EXPECT_NE(r.out.find(verb), std::string::npos) << verb;
  }
}

TEST(Cli, EveryVerbHelpHasAnExample) {
  TempDir dir;
  for (const char* verb : {"demo", "simulate", "inspect", "estimate", "optimize", "frontier", "risk",
                           "stress", "backtest"}) {
    const auto r = run_keel(std::string(verb) + " --help", dir);
    EXPECT_EQ(r.exit_code, 0) << verb;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << verb;
  }
}

// The README's first command: every stage of the pipeline, one JSON file and one report.
TEST(Cli, DemoRunsThePipelineAndWritesTheReport) {
  TempDir dir;
  const auto r = run_keel("demo --sim-assets 12 --days 800 --window 200 --output-dir '" +
                              dir.file("demo") + "'",
                          dir);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("report.html"), std::string::npos) << r.out;
  std::ifstream in(dir.file("demo/results.json"));
  const auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["portfolios"].size(), 8u);
  std::set<std::string> models;
  for (const auto& p : j["portfolios"]) {
    models.insert(p["model"].get<std::string>());
    ASSERT_EQ(p["status"], "optimal") << p["model"];
    EXPECT_TRUE(p.contains("risk") && p.contains("stress")) << p["model"];
    EXPECT_GT(p["risk"]["var"]["historical"].get<double>(), 0.0);
  }
  for (const char* m : {"min-variance", "max-sharpe", "min-cvar", "risk-parity", "hrp", "black-litterman"}) {
    EXPECT_TRUE(models.count(m)) << m;
  }
  int benchmarks = 0;
  for (const auto& s : j["backtest"]["strategies"]) benchmarks += s["benchmark"].get<bool>() ? 1 : 0;
  EXPECT_EQ(j["backtest"]["strategies"].size(), 6u + static_cast<std::size_t>(benchmarks));
  EXPECT_GE(benchmarks, 2);
  const std::string html = read_text(dir.file("demo/report.html"));
  for (const char* title : {"Efficient frontier", "dendrogram", "Correlation", "Equity curves",
                            "Drawdowns", "Weights over time", "Rolling volatility", "Stress scenario P&amp;L",
                            "by method", "Risk contributions"}) {
    EXPECT_NE(html.find(title), std::string::npos) << title;
  }
}

TEST(Cli, UsageErrorsExitTwo) {
  TempDir dir;
  EXPECT_EQ(run_keel("", dir).exit_code, 2);
  EXPECT_EQ(run_keel("no-such-verb", dir).exit_code, 2);
  EXPECT_EQ(run_keel("inspect --no-such-option", dir).exit_code, 2);
  EXPECT_EQ(run_keel("inspect", dir).exit_code, 2);  // --prices is required
  const auto missing = run_keel("inspect --prices '" + dir.file("absent.csv") + "'", dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("absent.csv"), std::string::npos) << missing.err;
}

TEST(Cli, SimulateThenInspectAsJson) {
  TempDir dir;
  const std::string prices = dir.file("prices.csv");
  const auto sim = run_keel("simulate --assets 8 --days 400 --seed 3 -o '" + prices + "'", dir);
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  EXPECT_TRUE(std::filesystem::exists(dir.file("prices_market.csv")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("prices_metadata.csv")));

  const auto r = run_keel("inspect --prices '" + prices + "' --format json", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["assets"], 8);
  EXPECT_EQ(doc["rows"], 400);
  EXPECT_EQ(doc["periods_per_year"], 365.0);
  ASSERT_EQ(doc["per_asset"].size(), 8u);
  for (const char* key : {"start", "end", "frequency", "findings"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }

  const auto narrowed = run_keel("inspect --prices '" + prices +
                                     "' --start 2019-02-01 --end 2019-02-28 --format json",
                                 dir);
  ASSERT_EQ(narrowed.exit_code, 0) << narrowed.err;
  EXPECT_EQ(nlohmann::json::parse(narrowed.out)["rows"], 28);
}

// Every file of the bad-input corpus makes `keel estimate` (which applies the default missing-data
// policy, error) exit with code 2 and a message that contains the substrings listed for it in
// expected.tsv. `keel inspect` rejects the same files, except those whose only fault is missing
// data: inspection reports gaps as findings instead.
TEST(Cli, BadInputCorpusExitsTwoWithLocatedMessages) {
  const std::filesystem::path corpus = std::filesystem::path(KEEL_TEST_DATA_DIR) / "bad_inputs";
  std::ifstream expected(corpus / "expected.tsv");
  ASSERT_TRUE(expected) << "missing " << (corpus / "expected.tsv");
  TempDir dir;
  std::string line;
  int cases = 0;
  while (std::getline(expected, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');) fields.push_back(field);
    ASSERT_GE(fields.size(), 2u) << line;
    const std::string file = "'" + (corpus / fields[0]).string() + "'";
    const auto r = run_keel("estimate --prices " + file, dir);
    EXPECT_EQ(r.exit_code, 2) << fields[0] << ": " << r.err;
    const auto inspected = run_keel("inspect --prices " + file, dir);
    const bool only_missing = fields[0].find("missing") != std::string::npos;
    EXPECT_EQ(inspected.exit_code, only_missing ? 0 : 2) << fields[0] << ": " << inspected.err;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      EXPECT_NE(r.err.find(fields[i]), std::string::npos)
          << fields[0] << ": message lacks '" << fields[i] << "': " << r.err;
    }
    ++cases;
  }
  EXPECT_GE(cases, 10);
}

}  // namespace
}  // namespace keel::testing
