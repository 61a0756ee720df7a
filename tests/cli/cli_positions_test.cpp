// keel positions and keel hedge from the command line on a simulated market: the JSON contract of
// docs/positions.md, contributions that add up, a hedge that lowers the ES, and bad books exiting
// 2 with the file, line, position and key named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The simulated market ends with KBT ≈ 233,042, ETR ≈ 16.62, KUSD ≈ 1.0005 (seed 7, 730 days).
const char* const kBook = R"(quote = "USD"
cash = 20000

[[position]]
name = "kbt"
kind = "spot"
asset = "KBT"
quantity = 0.5

[[position]]
name = "etr-kusd-range"
kind = "amm_lp"
pool = "concentrated"
tokens = ["ETR", "KUSD"]
fee_tier = 0.003
price_lower = 12
price_upper = 22
deposit = [600, 10000]

[[position]]
name = "kbt-inverse-short"
kind = "perp"
underlying = "KBT"
contract = "inverse"
contract_size = 100
contracts = -500
entry_price = 240000
margin = 0.1

[[position]]
name = "kbt-put"
kind = "option"
underlying = "KBT"
type = "put"
strike = 200000
expiry = "2021-03-26"
settlement = "inverse"
implied_vol = 0.7
quantity = 1
)";

struct Market {
  TempDir dir;
  Market() {
    const CommandResult sim = run_keel(
        "simulate --assets 6 --days 730 --seed 7 -o '" + dir.file("prices.csv") + "'", dir);
    EXPECT_EQ(sim.exit_code, 0) << sim.err;
    write(dir.file("book.toml"), kBook);
  }
  std::string f(const std::string& name) const { return "'" + dir.file(name) + "'"; }
  CommandResult positions(const std::string& book, const std::string& extra = "") const {
    return run_keel("positions --book " + f(book) + " --prices " + f("prices.csv") + " " + extra,
                    dir);
  }
};

TEST(CliPositions, JsonContractAndContributions) {
  Market m;
  const CommandResult r = m.positions("book.toml", "--format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["as_of"], "2020-12-30");
  ASSERT_EQ(doc["positions"].size(), 4u);
  double total = doc["totals"]["cash"].get<double>();
  double contributions = 0.0;
  for (const auto& p : doc["positions"]) {
    total += p["value"].get<double>();
    contributions += p["risk"]["es_contribution"].get<double>();
  }
  EXPECT_NEAR(total, doc["totals"]["value"].get<double>(), 1e-6);
  EXPECT_NEAR(contributions, doc["risk"]["es"].get<double>(), 1e-6);
  EXPECT_EQ(doc["risk"]["revaluation"], "full");
  EXPECT_EQ(doc["positions"][0]["exposures"][0]["delta"].get<double>(), 0.5);
  EXPECT_TRUE(doc["positions"][1].contains("lp"));
  EXPECT_TRUE(doc["positions"][2].contains("perp"));
  // An inverse short is liquidated on a rise: its liquidation price is above the last price.
  EXPECT_GT(doc["positions"][2]["perp"]["liquidation_price"].get<double>(),
            doc["prices"]["KBT"].get<double>());

  const CommandResult dg = m.positions("book.toml", "--format json --delta-gamma");
  ASSERT_EQ(dg.exit_code, 0) << dg.err;
  EXPECT_EQ(nlohmann::json::parse(dg.out)["risk"]["revaluation"], "delta-gamma approximation");
}

TEST(CliPositions, BadBooksNameTheFileLinePositionAndKey) {
  Market m;
  struct Case {
    std::string replace, with, expect1, expect2;
  };
  const std::vector<Case> cases = {
      {"price_lower = 12", "price_lower = 30", "etr-kusd-range", "price_lower"},
      {"tokens = [\"ETR\", \"KUSD\"]", "tokens = [\"ETR\", \"NOPE\"]", "etr-kusd-range", "NOPE"},
      {"expiry = \"2021-03-26\"", "expiry = \"2020-06-26\"", "kbt-put", "expired"},
      {"contracts = -500", "contracts = -500\nleverage = 3", "kbt-inverse-short", "leverage"},
      {"deposit = [600, 10000]", "liquidity = -5", "etr-kusd-range", "liquidity"},
      {"margin = 0.1", "margin = 0.1\ncurrency = \"USD\"", "kbt-inverse-short", "currency"},
      {"entry_price = 240000", "entry_price = 0", "kbt-inverse-short", "entry_price"},
  };
  for (const Case& c : cases) {
    std::string text = kBook;
    const auto at = text.find(c.replace);
    ASSERT_NE(at, std::string::npos) << c.replace;
    text.replace(at, c.replace.size(), c.with);
    write(m.dir.file("bad.toml"), text);
    const CommandResult r = m.positions("bad.toml");
    EXPECT_EQ(r.exit_code, 2) << c.with << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.expect1)) << c.with << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.expect2)) << c.with << "\n" << r.err;
  }
  // Syntax-level errors carry the file and line.
  std::string text = kBook;
  text.replace(text.find("quantity = 1\n"), 13, "quantity = \"one\"\n");
  write(m.dir.file("bad.toml"), text);
  const CommandResult r = m.positions("bad.toml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "bad.toml:")) << r.err;
  EXPECT_TRUE(contains(r.err, "quantity")) << r.err;
}

// keel stress's shock scenarios on a book: the spot position loses exactly the shock, the stable
// leg of the LP only in the depeg, and an unknown asset in a shock is an error naming it.
TEST(CliPositions, ShockScenariosRevalueTheBook) {
  Market m;
  write(m.dir.file("shocks.toml"), R"([[scenario]]
name = "crash"
[[scenario.shock]]
all = true
return = -0.4
[[scenario.shock]]
assets = ["KUSD"]
return = 0.0

[[scenario]]
name = "depeg"
[[scenario.shock]]
assets = ["KUSD"]
price = 0.9
)");
  const CommandResult r =
      m.positions("book.toml", "--shocks " + m.f("shocks.toml") + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["stress"].size(), 2u);
  const auto& crash = doc["stress"][0];
  EXPECT_EQ(crash["name"], "crash");
  const double spot_value = doc["positions"][0]["value"].get<double>();
  EXPECT_NEAR(crash["positions"]["kbt"].get<double>(), -0.4 * spot_value, 1e-6);
  double sum = 0.0;
  for (const auto& [name, pnl] : crash["positions"].items()) sum += pnl.get<double>();
  EXPECT_NEAR(crash["pnl"].get<double>(), sum, 1e-6);
  EXPECT_GT(crash["positions"]["kbt-put"].get<double>(), 0.0);  // the put pays in a crash
  const auto& depeg = doc["stress"][1];
  EXPECT_EQ(depeg["positions"]["kbt"].get<double>(), 0.0);
  EXPECT_LT(depeg["positions"]["etr-kusd-range"].get<double>(), 0.0);

  write(m.dir.file("bad_shocks.toml"),
        "[[scenario]]\nname = \"x\"\n[[scenario.shock]]\n"
        "assets = [\"NOPE\"]\nreturn = -0.5\n");
  const CommandResult bad = m.positions("book.toml", "--shocks " + m.f("bad_shocks.toml"));
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_TRUE(contains(bad.err, "NOPE")) << bad.err;
}

// A perpetual's funding from a daily series beside the book (a path relative to the book file):
// the rate of the last price's day (2020-12-30) becomes its funding rate; a series without that
// day, or with funding_rate also given, exits 2 naming the position, the file and the date.
TEST(CliPositions, FundingSeriesBesideTheBook) {
  Market m;
  std::filesystem::create_directories(m.dir.file("books"));
  write(m.dir.file("books/funding.csv"),
        "date,funding_mean,funding_abs\n2020-12-29,0.0004,0.0004\n2020-12-30,-0.00025,0.0003\n");
  std::string text = kBook;
  text.replace(text.find("margin = 0.1\n"), 13, "margin = 0.1\nfunding_series = \"funding.csv\"\n");
  write(m.dir.file("books/book.toml"), text);
  const CommandResult r = m.positions("books/book.toml", "--format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& perp = doc["positions"][2]["perp"];
  EXPECT_EQ(perp["funding_rate"].get<double>(), -0.00025);
  EXPECT_EQ(perp["funding_series"]["date"], "2020-12-30");
  // Inverse, 500 short contracts of 100 USD: 3 settlements a day of f n c / P coins, f n c in
  // quote (perpetual.hpp); a short pays a negative rate (+ = paid): 3 × 12.5.
  EXPECT_NEAR(perp["funding_per_day"].get<double>(), 3.0 * -0.00025 * -500.0 * 100.0, 1e-9);

  write(m.dir.file("books/funding.csv"), "date,funding_mean\n2020-12-28,0.0004\n");
  const CommandResult gap = m.positions("books/book.toml");
  EXPECT_EQ(gap.exit_code, 2) << gap.err;
  for (const char* part : {"kbt-inverse-short", "funding.csv", "2020-12-30", "funding_series"}) {
    EXPECT_TRUE(contains(gap.err, part)) << part << "\n" << gap.err;
  }

  text.replace(text.find("funding_series"), 0, "funding_rate = 0.0001\n");
  write(m.dir.file("books/both.toml"), text);
  const CommandResult both = m.positions("books/both.toml");
  EXPECT_EQ(both.exit_code, 2) << both.err;
  EXPECT_TRUE(contains(both.err, "kbt-inverse-short") && contains(both.err, "funding_rate") &&
              contains(both.err, "funding_series"))
      << both.err;
}

// Crash replays on the simulated market (2019-01-01 .. 2020-12-30): the spot leg moves by its
// asset's replayed return exactly, the positions add up to the book, a START:END window gets its
// name from its dates, and a malformed window exits 2 naming it.
TEST(CliPositions, CrashReplaysRevalueTheBook) {
  Market m;
  const CommandResult r = m.positions(
      "book.toml", "--replay covid-crash-2020 --replay 2020-05-01:2020-05-20 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["replay"].size(), 2u);
  EXPECT_EQ(doc["replay"][1]["name"], "2020-05-01..2020-05-20");
  EXPECT_EQ(doc["replay"][1]["days"].get<double>(), 19.0);
  const double kbt = doc["prices"]["KBT"].get<double>();
  for (const auto& w : doc["replay"]) {
    EXPECT_EQ(w["status"], "replayed");
    const double ret = w["asset_returns"]["KBT"].get<double>();
    EXPECT_NEAR(w["positions"]["kbt"].get<double>(), 0.5 * kbt * ret, 1e-6);
    double sum = 0.0;
    for (const auto& [name, pnl] : w["positions"].items()) sum += pnl.get<double>();
    EXPECT_NEAR(w["pnl"].get<double>(), sum, 1e-6);
  }
  const CommandResult text = m.positions("book.toml", "--replay covid-crash-2020");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "Crash replays")) << text.out;

  const CommandResult bad = m.positions("book.toml", "--replay dip:2020-05-40:2020-06-01");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_TRUE(contains(bad.err, "2020-05-40")) << bad.err;
  const CommandResult unknown = m.positions("book.toml", "--replay no-such-crash");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "no-such-crash")) << unknown.err;
}

// Liquidity-adjusted VaR from the volumes of keel simulate's long market file: computed, LVaR =
// VaR + cost with only the spot and LP legs sold; without volumes it says why not.
TEST(CliPositions, LiquidityAdjustedVarFromVolumes) {
  Market m;
  const CommandResult r = run_keel("positions --book " + m.f("book.toml") + " --prices " +
                                       m.f("prices_market.csv") + " --format json",
                                   m.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& l = doc["liquidity"];
  ASSERT_EQ(l["status"], "computed") << l.dump();
  EXPECT_NEAR(l["var"].get<double>(), doc["risk"]["var"].get<double>(), 1e-9);
  EXPECT_GT(l["liquidity_cost"].get<double>(), 0.0);
  EXPECT_NEAR(l["lvar"].get<double>(), l["var"].get<double>() + l["liquidity_cost"].get<double>(),
              1e-9);
  // KBT is sold for the spot leg only: 0.5 coin at the last price.
  EXPECT_NEAR(l["assets"]["KBT"]["liquidation_value"].get<double>(),
              0.5 * doc["prices"]["KBT"].get<double>(), 1e-6);
  const CommandResult plain = m.positions("book.toml", "--format json");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(nlohmann::json::parse(plain.out)["liquidity"]["status"], "not-computed");
}

TEST(CliHedge, LowersTheExpectedShortfallAndNamesInfeasibleBands) {
  Market m;
  write(m.dir.file("hedges.toml"), R"(objective = "cvar"
alpha = 0.95
[[candidate]]
name = "KBT-PERP"
kind = "perp"
underlying = "KBT"
contract_size = 0.001
min = -2000
max = 2000
[[candidate]]
name = "ETR-PERP"
kind = "perp"
underlying = "ETR"
)");
  const CommandResult r =
      run_keel("hedge --book " + m.f("book.toml") + " --hedges " + m.f("hedges.toml") +
                   " --prices " + m.f("prices.csv") + " --format json",
               m.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["status"], "optimal");
  EXPECT_LT(doc["hedged"]["es"].get<double>(), doc["unhedged"]["es"].get<double>());
  EXPECT_LT(doc["hedge"][0]["quantity"].get<double>(), 0.0);  // the book is long KBT

  std::ofstream(m.dir.file("hedges.toml"), std::ios::app) << "\n[delta]\nKBT = [5, 6]\n";
  const CommandResult bad = run_keel("hedge --book " + m.f("book.toml") + " --hedges " +
                                         m.f("hedges.toml") + " --prices " + m.f("prices.csv"),
                                     m.dir);
  EXPECT_EQ(bad.exit_code, 3) << bad.out << bad.err;
  EXPECT_TRUE(contains(bad.out, "net delta of KBT")) << bad.out;
}

}  // namespace
}  // namespace keel::testing
