// One book file for `keel optimize` and `keel frontier` (docs/book.md): the frontier accepts every
// key the optimizer takes, applies the constraints and ignores, with a note, what only the
// optimizer uses (the model and its parameters, [costs]); keys no verb knows stay errors.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

class CliBookFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto sim = run_keel(
        "simulate --assets 10 --days 700 --seed 11 -o '" + dir_.file("prices.csv") + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  // A book naming its price and metadata files, with model options and every constraint section.
  std::string write_book(const std::string& extra = "") const {
    const std::string path = dir_.file("book.toml");
    std::ofstream(path)
        << "prices = \"" << dir_.file("prices.csv") << "\"\n"
        << "metadata = \"" << dir_.file("prices_metadata.csv") << "\"\n"
        << "missing = \"drop-assets:0.5\"\n"
        << "model = \"max-sharpe\"\n"
        << "risk_aversion = 2.0\n"
        << "l2 = 0.01\n"
        << "bounds = \"0,0.4\"\n"
        << extra << "[constraints]\nbudget = 1.0\nmax_turnover = 1.5\n"
        << "[asset_bounds]\nKBT = [0.05, 0.5]\n"
        << "[current_weights]\nKBT = 0.6\nETR = 0.4\n"
        << "[costs]\ndefault_bps = 10\n"
        << "[[groups]]\nname = \"leaders\"\nmembers = [\"KBT\", \"ETR\"]\nmax = 0.6\n"
        << "[[groups]]\ntag = \"chain\"\nmax = 0.7\n"
        << "[[linear]]\nname = \"kbt-over-etr\"\ncoefficients = { KBT = 1, ETR = -1 }\n"
        << "sense = \">=\"\nrhs = 0\n";
    return path;
  }
  TempDir dir_;
};

TEST_F(CliBookFile, OptimizeAndFrontierTakeTheSameBook) {
  const std::string book = write_book();
  const auto optimized = run_keel("optimize --config '" + book + "' --format json", dir_);
  ASSERT_EQ(optimized.exit_code, 0) << optimized.err;
  const auto portfolio = nlohmann::json::parse(optimized.out);
  EXPECT_EQ(portfolio["model"], "max-sharpe");
  EXPECT_EQ(portfolio["status"], "optimal");
  const auto& w = portfolio["weights"];
  EXPECT_LE(w["KBT"].get<double>() + w["ETR"].get<double>(), 0.6 + 1e-8);
  EXPECT_GE(w["KBT"].get<double>() - w["ETR"].get<double>(), -1e-8);

  const auto frontier = run_keel("frontier --config '" + book + "' --points 6 --format json", dir_);
  ASSERT_EQ(frontier.exit_code, 0) << frontier.err;
  // The ignored keys are named with their lines; [costs] is said to be ignored too.
  EXPECT_NE(frontier.err.find("note"), std::string::npos) << frontier.err;
  EXPECT_NE(frontier.err.find("model (line 4)"), std::string::npos) << frontier.err;
  EXPECT_NE(frontier.err.find("risk_aversion (line 5)"), std::string::npos) << frontier.err;
  EXPECT_NE(frontier.err.find("l2 (line 6)"), std::string::npos) << frontier.err;
  EXPECT_NE(frontier.err.find("[costs]"), std::string::npos) << frontier.err;
  const auto doc = nlohmann::json::parse(frontier.out);
  EXPECT_EQ(doc["status"], "optimal");
  EXPECT_EQ(doc["diagnostics"]["exact"], false);  // groups: traced, not the critical line
  ASSERT_EQ(doc["points"].size(), 6u);
  for (const auto& p : doc["points"]) {
    const double kbt = p["weights"]["KBT"].get<double>();
    const double etr = p["weights"]["ETR"].get<double>();
    EXPECT_LE(kbt + etr, 0.6 + 1e-7);
    EXPECT_GE(kbt - etr, -1e-7);
    EXPECT_GE(kbt, 0.05 - 1e-7);
    double turnover = std::abs(kbt - 0.6) + std::abs(etr - 0.4);
    for (const auto& [asset, weight] : p["weights"].items()) {
      if (asset != "KBT" && asset != "ETR") turnover += std::abs(weight.get<double>());
    }
    EXPECT_LE(turnover, 1.5 + 1e-7);
  }
}

TEST_F(CliBookFile, CommandLineStillWinsOverTheBook) {
  const std::string book = write_book();
  const auto r = run_keel(
      "optimize --config '" + book + "' --model min-variance --bounds 0,0.3 --format json", dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["model"], "min-variance");
  for (const auto& [asset, weight] : doc["weights"].items()) {
    if (asset != "KBT") {
      EXPECT_LE(weight.get<double>(), 0.3 + 1e-8) << asset;
    }
  }
}

TEST_F(CliBookFile, KeysNoVerbKnowsAreStillErrors) {
  const std::string book = write_book("modle = \"hrp\"\n");
  for (const char* verb : {"optimize", "frontier"}) {
    const auto r = run_keel(std::string(verb) + " --config '" + book + "'", dir_);
    EXPECT_EQ(r.exit_code, 2) << verb << ": " << r.err;
    EXPECT_NE(r.err.find("book.toml:8: unknown key 'modle'"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace keel::testing
