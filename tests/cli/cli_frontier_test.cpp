// End-to-end tests of `keel frontier` under the constraints of `keel optimize`: a --config file
// with groups by metadata tag gives the traced frontier (JSON contract, every point within its
// groups, points equal to `keel optimize --model efficient-return` at the same returns),
// contradictory groups exit 3 naming them, --lower/--upper still give the exact frontier, and
// unsupported or conflicting options exit 2. The book file shared with `keel optimize` (model
// options, [costs]) is tested in cli_book_file_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_runner.hpp"
#include "keel/report/html_report.hpp"

namespace keel::testing {
namespace {

class CliFrontier : public ::testing::Test {
 protected:
  void SetUp() override {
    prices_ = dir_.file("prices.csv");
    const auto sim =
        run_keel("simulate --assets 10 --days 900 --seed 11 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  std::string prices_args() const { return "--prices '" + prices_ + "' --missing drop-assets:0.5"; }
  std::string metadata_args() const {
    return " --metadata '" + dir_.file("prices_metadata.csv") + "'";
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.file(name)) << text;
  }
  // symbol -> value of a metadata column, read from the simulator's metadata file.
  std::map<std::string, std::string> metadata_column(const std::string& column) const {
    std::ifstream in(dir_.file("prices_metadata.csv"));
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    std::stringstream hs(line);
    for (std::string cell; std::getline(hs, cell, ',');) header.push_back(cell);
    const auto at = std::find(header.begin(), header.end(), column) - header.begin();
    std::map<std::string, std::string> out;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream ls(line);
      for (std::string cell; std::getline(ls, cell, ',');) cells.push_back(cell);
      if (static_cast<std::size_t>(at) < cells.size())
        out[cells[0]] = cells[static_cast<std::size_t>(at)];
    }
    return out;
  }
  TempDir dir_;
  std::string prices_;
};

double sharpe(const nlohmann::json& p) { return p["sharpe"].get<double>(); }

TEST_F(CliFrontier, GroupsConfigGivesTracedFrontierWithinTheGroups) {
  write("groups.toml",
        "bounds = \"0,0.35\"\n"
        "[[groups]]\ntag = \"chain\"\nmax = 0.4\n"
        "[[groups]]\nname = \"stables\"\ntag = \"stablecoin\"\nvalue = \"true\"\nmin = 0.1\n");
  const std::string config = " --config '" + dir_.file("groups.toml") + "'" + metadata_args();
  const auto r = run_keel("frontier " + prices_args() + config + " --points 9 --format json", dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["status"], "optimal");
  EXPECT_EQ(doc["diagnostics"]["exact"], false);
  EXPECT_NE(doc["diagnostics"]["solver"].get<std::string>().find("efficient-return"),
            std::string::npos);
  EXPECT_TRUE(doc["turning_points"].empty());
  EXPECT_LT(doc["diagnostics"]["max_constraint_violation"].get<double>(), 1e-8);
  const auto& points = doc["points"];
  ASSERT_EQ(points.size(), 9u);

  // Group sums recomputed here from the metadata file, not taken from keel.
  const auto chain = metadata_column("chain");
  const auto stable = metadata_column("is_stablecoin");
  bool chain_binds = false;
  for (std::size_t k = 0; k < points.size(); ++k) {
    std::map<std::string, double> by_chain;
    double stables = 0.0, total = 0.0;
    for (const auto& [asset, w] : points[k]["weights"].items()) {
      const double x = w.get<double>();
      total += x;
      EXPECT_GE(x, -1e-9) << asset;
      EXPECT_LE(x, 0.35 + 1e-9) << asset;
      by_chain[chain.at(asset)] += x;
      if (stable.at(asset) == "true") stables += x;
    }
    EXPECT_NEAR(total, 1.0, 1e-9);
    EXPECT_GE(stables, 0.1 - 1e-9) << "point " << k;
    for (const auto& [name, sum] : by_chain) {
      EXPECT_LE(sum, 0.4 + 1e-9) << "chain " << name << " at point " << k;
      chain_binds = chain_binds || sum > 0.4 - 1e-7;
    }
    if (k > 0) {
      EXPECT_GT(points[k]["expected_return"].get<double>(),
                points[k - 1]["expected_return"].get<double>());
      EXPECT_GE(points[k]["volatility"].get<double>(),
                points[k - 1]["volatility"].get<double>() - 1e-12);
    }
  }
  EXPECT_TRUE(chain_binds);
  ASSERT_TRUE(doc["max_sharpe"].is_object());
  for (const auto& p : points) EXPECT_GE(sharpe(doc["max_sharpe"]), sharpe(p) - 1e-9);

  // A middle point is the efficient-return portfolio `keel optimize` finds at that return.
  const auto& mid = points[4];
  char target[64];
  std::snprintf(target, sizeof target, "%.17g", mid["expected_return"].get<double>());
  const auto o =
      run_keel("optimize " + prices_args() + config + " --model efficient-return --target-return " +
                   target + " --format json",
               dir_);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto opt = nlohmann::json::parse(o.out);
  for (const auto& [asset, w] : opt["weights"].items()) {
    EXPECT_NEAR(mid["weights"][asset].get<double>(), w.get<double>(), 1e-6) << asset;
  }

  // The table names the method and says the frontier is sampled.
  const auto table = run_keel("frontier " + prices_args() + config + " --points 5", dir_);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("traced"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("sampled"), std::string::npos) << table.out;
}

TEST_F(CliFrontier, ContradictoryGroupsExitThreeNamingThem) {
  write("bad.toml",
        "[[groups]]\nname = \"stables\"\ntag = \"stablecoin\"\nvalue = \"true\"\nmin = 0.7\n"
        "[[groups]]\nname = \"l1\"\ntag = \"sector\"\nvalue = \"L1\"\nmin = 0.6\n");
  const auto r = run_keel("frontier " + prices_args() + " --config '" + dir_.file("bad.toml") +
                              "'" + metadata_args() + " --format json",
                          dir_);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("infeasible"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("conflicting constraint: group[stables"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("group[l1"), std::string::npos) << r.err;
}

TEST_F(CliFrontier, CapsBelowTheBudgetExitThree) {
  // Ten assets capped at 5% cannot hold a budget of 1: no frontier, exact or traced.
  const auto r = run_keel("frontier " + prices_args() + " --max-weight 0.05", dir_);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("conflicting constraint: budget"), std::string::npos) << r.err;
}

TEST_F(CliFrontier, LowerUpperStillGiveTheExactFrontier) {
  const auto old_style = run_keel(
      "frontier " + prices_args() + " --lower 0 --upper 0.3 --points 6 --format json", dir_);
  ASSERT_EQ(old_style.exit_code, 0) << old_style.err;
  const auto a = nlohmann::json::parse(old_style.out);
  EXPECT_EQ(a["diagnostics"]["solver"], "critical-line");
  EXPECT_EQ(a["diagnostics"]["exact"], true);
  EXPECT_GE(a["turning_points"].size(), 2u);
  for (const auto& p : a["points"]) {
    for (const auto& [asset, w] : p["weights"].items()) EXPECT_LE(w.get<double>(), 0.3 + 1e-12);
  }
  // The same frontier as --bounds 0,0.3 and as --max-weight 0.3.
  for (const char* flags : {" --bounds 0,0.3", " --max-weight 0.3"}) {
    const auto r =
        run_keel("frontier " + prices_args() + flags + " --points 6 --format json", dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto b = nlohmann::json::parse(r.out);
    EXPECT_EQ(b["diagnostics"]["solver"], "critical-line") << flags;
    ASSERT_EQ(b["points"].size(), a["points"].size());
    for (std::size_t k = 0; k < a["points"].size(); ++k) {
      EXPECT_DOUBLE_EQ(b["points"][k]["volatility"].get<double>(),
                       a["points"][k]["volatility"].get<double>())
          << flags;
    }
  }
}

TEST_F(CliFrontier, UnboundedReturnIsSweptToTheCap) {
  const auto r = run_keel(
      "frontier " + prices_args() + " --bounds none --volatility-cap 0.8 --points 5 --format json",
      dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["diagnostics"]["return_unbounded"], true);
  EXPECT_TRUE(doc["diagnostics"]["max_return"].is_null());
  EXPECT_FALSE(doc["diagnostics"]["warnings"].empty());
  EXPECT_NEAR(doc["points"].back()["volatility"].get<double>(), 0.8, 1e-8);
}

TEST_F(CliFrontier, ConflictingOrUnsupportedOptionsExitTwo) {
  const auto both = run_keel("frontier " + prices_args() + " --bounds 0,1 --upper 0.5", dir_);
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_NE(both.err.find("--lower/--upper"), std::string::npos) << both.err;
  const auto order = run_keel("frontier " + prices_args() + " --lower 0.5 --upper 0.2", dir_);
  EXPECT_EQ(order.exit_code, 2) << order.err;
}

TEST_F(CliFrontier, TracedReportSaysSampled) {
  if (!report::has_vega_libraries()) {
    GTEST_SKIP() << "this keel was built without web/node_modules; run scripts/setup.sh";
  }
  write("groups.toml", "max_weight = 0.3\n[[groups]]\ntag = \"chain\"\nmax = 0.45\n");
  const std::string path = dir_.file("traced.html");
  const auto r = run_keel("frontier " + prices_args() + " --config '" + dir_.file("groups.toml") +
                              "'" + metadata_args() + " --points 10 --report '" + path + "'",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_text(path);
  EXPECT_NE(html.find("sampled, not exact"), std::string::npos);
  EXPECT_NE(html.find("Weights of the max-Sharpe portfolio"), std::string::npos);
  EXPECT_EQ(html.find("Turning points"), std::string::npos);
}

}  // namespace
}  // namespace keel::testing
