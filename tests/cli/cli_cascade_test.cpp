// Loans in keel positions and keel stress --cascade from the command line: the JSON blocks of
// docs/positions.md and docs/stress.md, and bad loans and cascade files exiting 2 with the
// position and the field named.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// demeter's position (tests/aave_liquidate_test.py): 10 WETH against 7 500 USDC, Polygon WETH
// LT 82.5%, bonus 5%; prices WETH 1000 → 900 on the last row so the book starts at HF 0.99.
const char* const kBook = R"(quote = "USD"

[[position]]
name = "weth-loan"
kind = "loan"
collateral = [{ asset = "WETH", amount = 10, liquidation_threshold = 0.825, liquidation_bonus = 0.05 }]
debt = [{ asset = "USDC", amount = 7500 }]
)";

const char* const kCascade = R"(asset = "WETH"
shock = 0.0

[impact]
model = "constant-product"
pool_reserve = 1e12
)";

struct Files {
  TempDir dir;
  Files() {
    std::string prices = "date,WETH,USDC\n";
    for (int d = 1; d <= 9; ++d) prices += "2023-08-0" + std::to_string(d) + ",1000,1\n";
    prices += "2023-08-10,1000,1\n";
    write(dir.file("prices.csv"), prices);
    write(dir.file("book.toml"), kBook);
    write(dir.file("cascade.toml"), kCascade);
  }
  std::string f(const std::string& name) const { return "'" + dir.file(name) + "'"; }
};

TEST(CliCascade, LoanInPositions) {
  Files m;
  const CommandResult r = run_keel(
      "positions --book " + m.f("book.toml") + " --prices " + m.f("prices.csv") + " --format json",
      m.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& loan = doc["positions"][0]["loan"];
  EXPECT_NEAR(loan["health_factor"].get<double>(), 1.1, 1e-12);  // 10 × 1000 × 0.825 / 7500
  EXPECT_NEAR(loan["collateral"][0]["liquidation_price"].get<double>(), 7500.0 / 8.25, 1e-9);
  EXPECT_NEAR(doc["positions"][0]["value"].get<double>(), 2500.0, 1e-9);
  // The liquidation-distance view: 909.09 / 1000 − 1 for the loan's WETH.
  ASSERT_EQ(doc["liquidation"].size(), 1u);
  EXPECT_EQ(doc["liquidation"][0]["kind"], "loan");
  EXPECT_NEAR(doc["liquidation"][0]["distance"].get<double>(), 7500.0 / 8250.0 - 1.0, 1e-12);
  EXPECT_NEAR(doc["liquidation"][0]["health"].get<double>(), 1.1, 1e-12);
  ASSERT_FALSE(loan["collateral"][0]["ladder"].empty());
  EXPECT_NEAR(loan["collateral"][0]["ladder"][0]["debt_repaid_value"].get<double>(), 3750.0, 1e-6);
  const CommandResult text =
      run_keel("positions --book " + m.f("book.toml") + " --prices " + m.f("prices.csv"), m.dir);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "health factor 1.1000")) << text.out;
}

TEST(CliCascade, CascadeJson) {
  Files m;
  const std::string cmd = "stress --prices " + m.f("prices.csv") + " --book " + m.f("book.toml") +
                          " --cascade " + m.f("cascade.toml") + " --format json";
  const CommandResult r = run_keel(cmd, m.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto c = nlohmann::json::parse(r.out)["cascade"];
  EXPECT_EQ(c["rounds"].size(), 1u);  // a zero shock liquidates nothing
  EXPECT_EQ(c["user_loss"].get<double>(), 0.0);
  // Wiped out below 787.5 = 7500 × 1.05 / 10 (lending.hpp, cascade_test.cpp).
  EXPECT_NEAR(c["wipeout_shock"].get<double>(), 0.2125, 2e-4);
  // A 10% shock with a market bucket at HF 1.05: 4.375 WETH seized from the book.
  std::string text = kCascade;
  text.replace(text.find("shock = 0.0"), 11, "shock = 0.1");
  text += "\n[[market.bucket]]\nhealth_factor = 1.05\ncollateral_value = 1e6\ncount = 40\n";
  write(m.dir.file("c2.toml"), text);
  const CommandResult r2 =
      run_keel("stress --prices " + m.f("prices.csv") + " --book " + m.f("book.toml") +
                   " --cascade " + m.f("c2.toml") + " --format json",
               m.dir);
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  const auto c2 = nlohmann::json::parse(r2.out)["cascade"];
  EXPECT_NEAR(c2["rounds"][0]["user_sold"].get<double>(), 4.375, 1e-9);
  // The market's ~900 WETH sold into a pool of 1e12 move the price by ~2e-9: a loss within 1e-4.
  EXPECT_NEAR(c2["user_loss"].get<double>(), 1187.5, 1e-4);
  EXPECT_EQ(c2["market_borrowers_liquidated"].get<double>(), 40.0);
}

TEST(CliCascade, BadLoansAndCascadeFilesExit2NamingTheField) {
  Files m;
  struct Case {
    std::string replace, with, expect1, expect2;
  };
  const std::vector<Case> book_cases = {
      {"collateral = [{ asset = \"WETH\", amount = 10, liquidation_threshold = 0.825, "
       "liquidation_bonus = 0.05 }]\n",
       "", "weth-loan", "debt without collateral"},
      {"liquidation_threshold = 0.825", "liquidation_threshold = 1.0", "weth-loan",
       "liquidation_threshold"},
      {"liquidation_threshold = 0.825", "liquidation_threshold = 0", "weth-loan",
       "liquidation_threshold"},
      {"liquidation_bonus = 0.05", "liquidation_bonus = -0.01", "weth-loan", "liquidation_bonus"},
      {"asset = \"USDC\"", "asset = \"DAI\"", "weth-loan", "debt[0].asset 'DAI'"},
      {"amount = 7500", "amount = 7500, rate = 0.05", "weth-loan", "debt[0].rate"},
  };
  for (const Case& c : book_cases) {
    std::string text = kBook;
    const auto at = text.find(c.replace);
    ASSERT_NE(at, std::string::npos) << c.replace;
    text.replace(at, c.replace.size(), c.with);
    write(m.dir.file("bad.toml"), text);
    for (const std::string& verb :
         {"positions --book " + m.f("bad.toml") + " --prices " + m.f("prices.csv"),
          "stress --prices " + m.f("prices.csv") + " --book " + m.f("bad.toml") + " --cascade " +
              m.f("cascade.toml")}) {
      const CommandResult r = run_keel(verb, m.dir);
      EXPECT_EQ(r.exit_code, 2) << c.with << "\n" << r.err;
      EXPECT_TRUE(contains(r.err, c.expect1)) << c.with << "\n" << r.err;
      EXPECT_TRUE(contains(r.err, c.expect2)) << c.with << "\n" << r.err;
    }
  }
  const std::vector<Case> cascade_cases = {
      {"shock = 0.0", "shock = 1.5", "cascade", "shock"},
      {"asset = \"WETH\"", "asset = \"NOPE\"", "NOPE", "price"},
      {"pool_reserve = 1e12", "pool_reserve = 0", "impact", "pool_reserve"},
      {"model = \"constant-product\"", "model = \"linear\"", "impact.model", "linear"},
      {"shock = 0.0", "shock = 0.0\nshocks = 2", "shocks", "unknown key"},
  };
  for (const Case& c : cascade_cases) {
    std::string text = kCascade;
    const auto at = text.find(c.replace);
    ASSERT_NE(at, std::string::npos) << c.replace;
    text.replace(at, c.replace.size(), c.with);
    write(m.dir.file("bad_cascade.toml"), text);
    const CommandResult r = run_keel("stress --prices " + m.f("prices.csv") + " --book " +
                                         m.f("book.toml") + " --cascade " + m.f("bad_cascade.toml"),
                                     m.dir);
    EXPECT_EQ(r.exit_code, 2) << c.with << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.expect1)) << c.with << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.expect2)) << c.with << "\n" << r.err;
  }
  // A histogram bucket with a liquidation threshold of 1.
  write(m.dir.file("hist.csv"),
        "health_factor,collateral_value,liquidation_threshold\n1.2,1000,1\n");
  write(m.dir.file("hist.toml"), std::string(kCascade) + "\n[market]\nhistogram = \"hist.csv\"\n");
  const CommandResult h =
      run_keel("stress --prices " + m.f("prices.csv") + " --cascade " + m.f("hist.toml"), m.dir);
  EXPECT_EQ(h.exit_code, 2) << h.err;
  EXPECT_TRUE(contains(h.err, "liquidation_threshold")) << h.err;
}

}  // namespace
}  // namespace keel::testing
