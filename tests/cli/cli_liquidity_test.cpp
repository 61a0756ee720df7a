// `keel optimize` with a [liquidity] section (docs/book.md): position caps from a hand-made panel
// of constant volumes, so every cap is known in closed form (π·ADV·D/V); the universe filter;
// conflicts (exit 3) and bad input (exit 2).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

// Long CSV, 60 daily rows, 4 assets with constant quote volumes A 1e6, B 1e5, C 1e7, D 1e3 and
// deterministic prices: A the least volatile, C the most.
void write_panel(const std::string& path, bool with_volume = true) {
  std::ofstream out(path);
  out << (with_volume ? "date,symbol,close,volume_quote\n" : "date,symbol,close\n");
  const char* names[] = {"A", "B", "C", "D"};
  const double volume[] = {1e6, 1e5, 1e7, 1e3};
  const double amplitude[] = {0.002, 0.02, 0.06, 0.03};
  for (int a = 0; a < 4; ++a) {
    double price = 100.0;
    for (int d = 0; d < 60; ++d) {
      price *= 1.0 + amplitude[a] * std::sin(1.7 * d + 2.1 * a) + 0.0003 * a;
      char date[16];
      std::snprintf(date, sizeof date, "2024-%02d-%02d", 1 + d / 28, 1 + d % 28);
      out << date << "," << names[a] << "," << price;
      if (with_volume) out << "," << volume[a];
      out << "\n";
    }
  }
}

class CliLiquidity : public ::testing::Test {
 protected:
  void SetUp() override { write_panel(dir_.file("panel.csv")); }
  std::string book(const std::string& liquidity, const std::string& extra = "") const {
    const std::string path = dir_.file("book.toml");
    std::ofstream(path) << "model = \"min-variance\"\n" << extra << "[liquidity]\n" << liquidity;
    return path;
  }
  CommandResult optimize(const std::string& book_path, const std::string& prices = "") const {
    return run_keel("optimize --prices '" + (prices.empty() ? dir_.file("panel.csv") : prices) +
                        "' --config '" + book_path + "' --format json",
                    dir_);
  }
  TempDir dir_;
};

TEST_F(CliLiquidity, BindingPositionCapsAreMetExactlyAndRecorded) {
  // V = 1e6, π = 0.1, D = 1: caps A 0.1, B 0.01, C 1, D 0.0001. Min-variance wants the calm A far
  // above 0.1; with D filtered out (ADV 1e3 < min_adv) the budget leaves C = 1 − 0.1 − 0.01.
  const auto r = optimize(book(
      "portfolio_value = 1e6\nparticipation = 0.1\nmax_days_to_liquidate = 1\nmin_adv = 1e4\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& w = doc["weights"];
  EXPECT_FALSE(w.contains("D"));
  EXPECT_NEAR(w["A"].get<double>(), 0.1, 1e-7);
  EXPECT_NEAR(w["B"].get<double>(), 0.01, 1e-7);
  EXPECT_NEAR(w["C"].get<double>(), 0.89, 1e-7);
  const auto& liq = doc["liquidity"];
  ASSERT_EQ(liq["excluded"].size(), 1u);
  EXPECT_EQ(liq["excluded"][0]["asset"], "D");
  EXPECT_EQ(liq["excluded"][0]["rule"], "min-adv");
  EXPECT_DOUBLE_EQ(liq["excluded"][0]["value"].get<double>(), 1e3);
  EXPECT_DOUBLE_EQ(liq["assets"]["A"]["adv"].get<double>(), 1e6);
  EXPECT_NEAR(liq["assets"]["A"]["position_cap"].get<double>(), 0.1, 1e-15);
  EXPECT_EQ(liq["assets"]["A"]["upper_source"], "liquidity-position");
  EXPECT_EQ(liq["assets"]["C"]["upper_source"], "user");  // cap 1 is not below the bound 1
}

TEST_F(CliLiquidity, MarketCapFilterUsesTheMetadata) {
  std::ofstream(dir_.file("meta.csv")) << "symbol,market_cap\nA,5e9\nB,2e7\nC,1e10\n";
  const auto r = run_keel("optimize --prices '" + dir_.file("panel.csv") + "' --metadata '" +
                              dir_.file("meta.csv") + "' --config '" +
                              book("min_market_cap = 1e8\n") + "' --format json",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& excluded = doc["liquidity"]["excluded"];
  ASSERT_EQ(excluded.size(), 2u);
  EXPECT_EQ(excluded[0]["asset"], "B");
  EXPECT_EQ(excluded[1]["asset"], "D");  // no market cap known
  EXPECT_TRUE(excluded[1]["value"].is_null());
  EXPECT_EQ(doc["weights"].size(), 2u);
}

TEST_F(CliLiquidity, ConflictsExitThreeNamingAssetAndRule) {
  const auto minimum = optimize(book("portfolio_value = 1e6\nmax_days_to_liquidate = 1\n",
                                     "[asset_bounds]\nB = [0.05, 0.5]\n"));
  EXPECT_EQ(minimum.exit_code, 3) << minimum.err;
  EXPECT_NE(minimum.err.find("liquidity-position[B]"), std::string::npos) << minimum.err;
  EXPECT_NE(minimum.err.find("bounds[B]"), std::string::npos) << minimum.err;
  // V = 1e8: caps 0.001, 0.0001, 0.1, 1e-6 cannot reach the budget.
  const auto budget = optimize(book("portfolio_value = 1e8\nmax_days_to_liquidate = 1\n"));
  EXPECT_EQ(budget.exit_code, 3) << budget.err;
  EXPECT_NE(budget.err.find("budget"), std::string::npos) << budget.err;
}

TEST_F(CliLiquidity, BadInputExitsTwoNamingKeyAndFile) {
  const auto negative =
      optimize(book("portfolio_value = 1e6\nparticipation = -0.1\nmax_days_to_liquidate = 1\n"));
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("participation"), std::string::npos) << negative.err;
  EXPECT_NE(negative.err.find("book.toml"), std::string::npos) << negative.err;
  const auto unknown = optimize(book("max_days = 1\n"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("max_days"), std::string::npos) << unknown.err;
  write_panel(dir_.file("no_volume.csv"), /*with_volume=*/false);
  const auto no_volume = optimize(book("portfolio_value = 1e6\nmax_days_to_liquidate = 1\n"),
                                  dir_.file("no_volume.csv"));
  EXPECT_EQ(no_volume.exit_code, 2);
  EXPECT_NE(no_volume.err.find("max_days_to_liquidate"), std::string::npos) << no_volume.err;
  EXPECT_NE(no_volume.err.find("no_volume.csv"), std::string::npos) << no_volume.err;
}

}  // namespace
}  // namespace keel::testing
