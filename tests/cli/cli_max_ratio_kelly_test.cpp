// `keel optimize --model max-ratio --risk-measure ...` and `--model kelly [--kelly-fraction f]`
// end to end: the JSON they write, the agreement of max-ratio variance with max-sharpe, and the
// exit codes and messages of bad input (docs/ratios_and_growth.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

class CliMaxRatioKelly : public ::testing::Test {
 protected:
  void SetUp() override {
    prices_ = dir_.file("prices.csv");
    const auto sim =
        run_keel("simulate --assets 6 --days 400 --seed 11 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  CommandResult optimize(const std::string& args) const {
    return run_keel("optimize --prices '" + prices_ + "' --missing drop-rows " + args, dir_);
  }
  nlohmann::json optimize_json(const std::string& args) const {
    const auto r = optimize(args + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }
  TempDir dir_;
  std::string prices_;
};

TEST_F(CliMaxRatioKelly, EachMeasureBeatsTheLeastRiskPortfolioOnItsRatio) {
  for (const std::string measure : {"cvar", "cdar", "mad", "minimax"}) {
    const auto best = optimize_json("--model max-ratio --risk-measure " + measure);
    ASSERT_EQ(best["status"], "optimal") << measure;
    EXPECT_EQ(best["model"], "max-ratio");
    EXPECT_EQ(best["risk"]["measure"], measure);
    const double ratio = best["risk"]["ratio"];
    const std::string least_model = measure == "minimax" ? "minimax" : "min-" + measure;
    const auto least = optimize_json("--model " + least_model);
    ASSERT_EQ(least["status"], "optimal");
    const double least_ratio = least["performance"]["expected_return"].get<double>() / 365.0 /
                               least["risk"]["value"].get<double>();
    EXPECT_GE(ratio, least_ratio - 1e-12) << measure;
  }
}

TEST_F(CliMaxRatioKelly, VarianceIsMaxSharpe) {
  const auto ratio = optimize_json("--model max-ratio --risk-measure variance");
  const auto sharpe = optimize_json("--model max-sharpe");
  ASSERT_EQ(ratio["status"], "optimal");
  EXPECT_EQ(ratio["weights"], sharpe["weights"]);
}

TEST_F(CliMaxRatioKelly, BadInputExitsWithTheOptionAndTheFix) {
  auto r = optimize("--model max-ratio --risk-measure cvar --risk-free 50");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("risk-free"), std::string::npos) << r.out << r.err;
  r = optimize("--model max-ratio --risk-measure sortino");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--risk-measure"), std::string::npos) << r.err;
  r = optimize("--model max-ratio --risk-measure cvar --max-risk 0.02");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--max-risk"), std::string::npos) << r.err;
  r = optimize("--model max-ratio --risk-measure mad --target-return 0.1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--target-return"), std::string::npos) << r.err;
  r = optimize("--model kelly --kelly-fraction 1.5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--kelly-fraction"), std::string::npos) << r.err;
  r = optimize("--model min-variance --kelly-fraction 0.5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--kelly-fraction"), std::string::npos) << r.err;
}

TEST_F(CliMaxRatioKelly, FractionalKellyHalvesTheWeights) {
  const auto full = optimize_json("--model kelly");
  const auto half = optimize_json("--model kelly --kelly-fraction 0.5");
  ASSERT_EQ(full["status"], "optimal");
  ASSERT_EQ(half["status"], "optimal");
  for (const auto& [asset, weight] : full["weights"].items()) {
    EXPECT_NEAR(half["weights"][asset].get<double>(), 0.5 * weight.get<double>(), 1e-12) << asset;
  }
  EXPECT_LE(half["kelly"]["growth_rate"].get<double>(), full["kelly"]["growth_rate"].get<double>());
  EXPECT_EQ(half["kelly"]["profile"].size(), 4u);
}

}  // namespace
}  // namespace keel::testing
