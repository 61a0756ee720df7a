// Robust estimation on the real CMC top-120 panel (../shared/data; every test skips without it):
// minimum history per asset, return cleaning with every clipped point listed, a shrinkage target
// that keeps stablecoins' variance, and the library's plausibility warnings on stderr and in
// diagnostics.warnings (docs/estimation.md).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

const std::string kPanel =
    std::string(KEEL_SHARED_DATA_DIR) + "/crypto_cmc_top120/prices_close_usd.csv";

class CliRobustEstimation : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPanel)) GTEST_SKIP() << "shared data absent: " << kPanel;
  }
  CommandResult run(const std::string& args) { return run_keel(args, dir_); }
  static std::string prices() { return "--prices '" + kPanel + "' "; }
  TempDir dir_;
};

bool any_contains(const nlohmann::json& list, const std::string& text) {
  for (const auto& item : list) {
    if (item.dump().find(text) != std::string::npos) return true;
  }
  return false;
}

// The case: a coin with a few rows of history made max Sharpe report 35,933% and a
// Sharpe ratio of 1,792 as optimal. Now the short coins are an error that names them.
TEST_F(CliRobustEstimation, ShortHistoryIsAnErrorNamingTheAsset) {
  const auto r = run("optimize " + prices() +
                     "--missing pairwise --mu geometric --model max-sharpe --format json");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("JUP has 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--min-history"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--drop-short-history"), std::string::npos) << r.err;
  for (const char* verb : {"estimate", "frontier"}) {
    const auto e = run(std::string(verb) + " " + prices() + "--missing pairwise --mu geometric");
    EXPECT_EQ(e.exit_code, 2) << verb << ": " << e.err;
    EXPECT_NE(e.err.find("JUP has 2"), std::string::npos) << verb << ": " << e.err;
  }
}

TEST_F(CliRobustEstimation, DroppedShortAssetsAreRepairsAndImplausibleAnswersWarn) {
  const auto r = run("optimize " + prices() +
                     "--missing pairwise --mu geometric --model max-sharpe "
                     "--drop-short-history --psd-repair spectral --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_FALSE(doc["weights"].contains("JUP"));
  EXPECT_TRUE(any_contains(doc["diagnostics"]["repairs"], "dropped JUP: 2 returns"));
  EXPECT_TRUE(any_contains(doc["inputs"]["repairs"], "dropped JUP: 2 returns"));
  const auto& warnings = doc["diagnostics"]["warnings"];
  EXPECT_TRUE(any_contains(warnings, "shorter than the window")) << warnings.dump(1);
  EXPECT_TRUE(any_contains(warnings, "annualised expected return above 500%"));
  // Whatever the optimizer makes of these in-sample means, an implausible answer is flagged.
  const double sharpe = doc["performance"]["sharpe"];
  const double expected = doc["performance"]["expected_return"];
  EXPECT_GT(sharpe, 5.0);  // on this panel the in-sample max-Sharpe book is absurd ...
  EXPECT_GT(expected, 5.0);
  EXPECT_TRUE(any_contains(warnings, "implausible Sharpe ratio"));  // ... and now says so
  EXPECT_TRUE(any_contains(warnings, "implausible expected return"));
  EXPECT_EQ(doc["status"], "optimal");
  // The same warnings on stderr, from the same library text.
  EXPECT_NE(r.err.find("keel: warning: "), std::string::npos);
  EXPECT_NE(r.err.find("shorter than the window"), std::string::npos);
}

TEST_F(CliRobustEstimation, MeanWithPairwiseDoesNotSuggestPairwiseAgain) {
  const auto r = run("optimize " + prices() +
                     "--start 2023-01-01 --missing pairwise --mu mean --model max-sharpe "
                     "--drop-short-history");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--mu geometric"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("or, for the sample covariance, pairwise"), std::string::npos) << r.err;
}

// SHIB's +5,844% listing print on 2021-01-30 drives the Ledoit–Wolf intensity to 1 on a 2020–
// window of 15 large coins; warned about by default, clipped (and listed) on request.
TEST_F(CliRobustEstimation, ListingArtefactIsWarnedAboutAndClippedOnRequest) {
  const std::string base = "estimate " + prices() +
                           "--assets BTC,ETH,USDT,BNB,SOL,XRP,USDC,ADA,AVAX,DOGE,LINK,TRX,DOT,"
                           "MATIC,SHIB --start 2020-01-01 --missing drop-rows --cov ledoit-wolf "
                           "--format json";
  const auto raw = run(base);
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  const auto before = nlohmann::json::parse(raw.out);
  EXPECT_GT(before["diagnostics"]["shrinkage"].get<double>(), 0.5);
  const auto& warnings = before["diagnostics"]["warnings"];
  EXPECT_TRUE(any_contains(warnings, "SHIB +5844% on 2021-01-30")) << warnings.dump(1);
  EXPECT_TRUE(any_contains(warnings, "shrinkage intensity"));
  EXPECT_NE(raw.err.find("SHIB +5844% on 2021-01-30"), std::string::npos);

  const auto clipped = run(base + " --clean-returns clip:10");
  ASSERT_EQ(clipped.exit_code, 0) << clipped.err;
  const auto after = nlohmann::json::parse(clipped.out);
  EXPECT_LT(after["diagnostics"]["shrinkage"].get<double>(), 0.5);
  bool found = false;
  for (const auto& r : after["diagnostics"]["repairs"]) {
    if (r.value("action", "") != "clip-return" || r["asset"] != "SHIB") continue;
    if (r["date"] != "2021-01-30") continue;
    found = true;
    EXPECT_NEAR(r["raw"].get<double>(), 58.44, 0.01);
    EXPECT_LT(r["clipped"].get<double>(), 1.0);
  }
  EXPECT_TRUE(found) << after["diagnostics"]["repairs"].dump(1);
  EXPECT_EQ(after["inputs"]["clean_returns"], "clip:10");
}

// Fifteen coins since 2021: the scaled-identity target gives USDT and USDC ~49% volatility; the
// constant-correlation target keeps their own (~1–2%).
TEST_F(CliRobustEstimation, StablecoinsKeepTheirVolatilityWithConstantCorrelation) {
  const std::string base = "estimate " + prices() +
                           "--assets BTC,ETH,USDT,BNB,SOL,XRP,USDC,ADA,AVAX,DOGE,LINK,TRX,DOT,"
                           "MATIC,LTC --start 2021-01-01 --missing drop-rows --format json";
  const auto identity = run(base + " --cov ledoit-wolf");
  ASSERT_EQ(identity.exit_code, 0) << identity.err;
  const auto lw = nlohmann::json::parse(identity.out);
  const double usdt_lw = std::sqrt(lw["covariance"][2][2].get<double>());
  EXPECT_GT(usdt_lw, 0.2);
  EXPECT_TRUE(any_contains(lw["diagnostics"]["warnings"], "scaled-identity target"))
      << lw["diagnostics"]["warnings"].dump(1);

  const auto cc_run = run(base + " --cov ledoit-wolf-constant-correlation");
  ASSERT_EQ(cc_run.exit_code, 0) << cc_run.err;
  const auto cc = nlohmann::json::parse(cc_run.out);
  EXPECT_LT(std::sqrt(cc["covariance"][2][2].get<double>()), 0.05);  // USDT
  EXPECT_LT(std::sqrt(cc["covariance"][6][6].get<double>()), 0.05);  // USDC
  EXPECT_FALSE(any_contains(cc["diagnostics"]["warnings"], "scaled-identity"));
}

// Backtest strategies that name no covariance get the constant-correlation target: a minimum
// variance book then holds the stablecoins it should (with the scaled identity it cannot see them).
TEST_F(CliRobustEstimation, BacktestDefaultCovarianceKeepsStablecoinVariance) {
  const std::string config = dir_.file("bt.toml");
  std::ofstream(config) << "window = 90\nrebalance = \"monthly\"\n"
                           "[[strategy]]\nname = \"mv\"\nmodel = \"min-variance\"\n";
  const auto r = run("backtest " + prices() +
                     "--assets BTC,ETH,USDT,BNB,SOL,XRP,USDC,ADA,AVAX,DOGE,LINK,TRX,DOT,MATIC,LTC "
                     "--start 2022-01-01 --end 2023-12-31 --config '" + config +
                     "' --format json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& strategy = doc["strategies"][0];
  const double vol = strategy["metrics"]["volatility"];
  // Realised 1.0% a year (with cov = "ledoit-wolf", the old default: 8.1%).
  EXPECT_LT(vol, 0.03) << strategy["metrics"].dump(1);
}

}  // namespace
}  // namespace keel::testing
