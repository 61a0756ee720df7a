// `keel optimize` with cardinality rules in the book file (docs/book.md: [constraints]
// max_assets, min_position; [[groups]] max_assets): the rules hold in the written weights, the
// search's report is in the JSON, and impossible books exit 2 (invalid) or 3 (infeasible) naming
// the rules.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

class CliCardinality : public ::testing::Test {
 protected:
  void SetUp() override {
    prices_ = dir_.file("prices.csv");
    const auto sim =
        run_keel("simulate --assets 10 --days 900 --seed 11 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    std::ifstream meta(dir_.file("prices_metadata.csv"));
    std::string line;
    std::getline(meta, line);
    while (std::getline(meta, line)) assets_.push_back(line.substr(0, line.find(',')));
  }
  std::string run_args(const std::string& book, const std::string& model) const {
    std::ofstream(dir_.file("book.toml")) << book;
    return "optimize --prices '" + prices_ + "' --missing drop-assets:0.5 --config '" +
           dir_.file("book.toml") + "' --model " + model + " --format json";
  }
  static int held(const nlohmann::json& weights, double at_least) {
    int count = 0;
    for (const auto& [asset, w] : weights.items()) {
      if (w.get<double>() > 1e-9) {
        ++count;
        EXPECT_GE(w.get<double>(), at_least - 1e-9) << asset;
      }
    }
    return count;
  }
  TempDir dir_;
  std::string prices_;
  std::vector<std::string> assets_;
};

TEST_F(CliCardinality, MaxAssetsAndMinPositionHoldForEachFamily) {
  const std::string book = "[constraints]\nmax_assets = 3\nmin_position = 0.1\n";
  for (const std::string model : {"min-variance", "max-sharpe", "min-cvar"}) {
    SCOPED_TRACE(model);
    const auto r = run_keel(run_args(book, model), dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["status"], "optimal");
    EXPECT_LE(held(doc["weights"], 0.1), 3);
    ASSERT_TRUE(doc.contains("cardinality")) << doc.dump();
    EXPECT_EQ(doc["cardinality"]["stop"], "gap");
    EXPECT_LE(doc["cardinality"]["gap"].get<double>(), 1e-6);
    EXPECT_GE(doc["cardinality"]["nodes"].get<int>(), 1);
  }
}

TEST_F(CliCardinality, GroupCountHolds) {
  ASSERT_GE(assets_.size(), 4u);
  const std::string book =
      "[constraints]\nmax_assets = 4\n[[groups]]\nname = \"first\"\n"
      "members = [\"" +
      assets_[0] + "\", \"" + assets_[1] + "\", \"" + assets_[2] + "\", \"" + assets_[3] +
      "\"]\nmax_assets = 1\n";
  const auto r = run_keel(run_args(book, "min-variance"), dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  int in_group = 0;
  for (int i = 0; i < 4; ++i) {
    const auto& w = doc["weights"];
    if (w.contains(assets_[i]) && w[assets_[i]].get<double>() > 1e-9) ++in_group;
  }
  EXPECT_LE(in_group, 1);
}

TEST_F(CliCardinality, ForcedHoldingsAboveTheCapExitTwo) {
  const std::string book = "[constraints]\nmax_assets = 1\n[asset_bounds]\n" + assets_[0] +
                           " = [0.1, 0.6]\n" + assets_[1] + " = [0.1, 0.6]\n";
  const auto r = run_keel(run_args(book, "min-variance"), dir_);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("max-assets = 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bounds[" + assets_[0] + "]"), std::string::npos) << r.err;
}

TEST_F(CliCardinality, CapBelowTheBudgetExitsThreeNamingTheRules) {
  const std::string book = "bounds = \"0,0.3\"\n[constraints]\nmax_assets = 3\n";
  const auto r = run_keel(run_args(book, "max-sharpe"), dir_);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["status"], "infeasible");
  const auto& names = doc["diagnostics"]["conflicting_constraints"];
  EXPECT_NE(std::find(names.begin(), names.end(), "max-assets"), names.end()) << names.dump();
}

TEST_F(CliCardinality, BadValuesAndModelsThatCannotHonourItExitTwo) {
  auto r = run_keel(run_args("[constraints]\nmax_assets = 2.5\n", "min-variance"), dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("max_assets"), std::string::npos) << r.err;
  r = run_keel(run_args("[constraints]\nmax_assets = 3\n", "hrp"), dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("max_assets"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace keel::testing
