// End-to-end tests of `keel stress` on a small hand-made market: replayed P&L against compounded
// returns computed here from the prices, group shocks against a hand computation, the correlation
// stress against its closed form, liquidity "not computed" reasons, and exit codes with located
// messages for bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "keel/report/html_report.hpp"

namespace keel::testing {
namespace {

constexpr int kDays = 25;  // 2020-03-01 .. 2020-03-25
const std::vector<std::string> kAssets = {"AAA", "BBB", "STB", "NEWC"};

// Deterministic prices with a crash around 10-14 March; NEWC is listed on 2020-03-12.
double price(int asset, int day) {
  const double t = day;
  switch (asset) {
    case 0:
      return 100.0 * (1.0 + 0.04 * std::sin(0.8 * t)) * (day >= 9 ? 0.7 : 1.0) *
             (day >= 12 ? 0.85 : 1.0);
    case 1:
      return 20.0 * (1.0 + 0.06 * std::cos(1.1 * t + 0.4)) * (day >= 10 ? 0.6 : 1.0);
    case 2:
      return 1.0 + 0.002 * std::sin(2.0 * t) - (day >= 11 && day <= 13 ? 0.03 : 0.0);
    default:
      return day < 11 ? std::nan("") : 5.0 + 0.3 * std::sin(1.7 * t);
  }
}

std::string date(int day) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "2020-03-%02d", day + 1);
  return buffer;
}

std::string number(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.17g", v);
  return buffer;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CliStress : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream wide(dir_.file("prices.csv"));
    wide << "date,AAA,BBB,STB,NEWC\n";
    for (int d = 0; d < kDays; ++d) {
      wide << date(d);
      for (int a = 0; a < 4; ++a) {
        const double p = price(a, d);
        wide << "," << (std::isnan(p) ? std::string() : number(p));
      }
      wide << "\n";
    }
    // A long file with volumes and spreads for the three assets quoted throughout.
    std::ofstream market(dir_.file("market.csv"));
    market << "date,symbol,close,volume,spread\n";
    for (int d = 0; d < kDays; ++d) {
      for (int a = 0; a < 3; ++a) {
        market << date(d) << "," << kAssets[static_cast<std::size_t>(a)] << ","
               << number(price(a, d)) << "," << number(1e6 * (a + 1) * (2.0 + std::sin(0.5 * d)))
               << "," << number(0.001 * (a + 1) * (1.0 + 0.3 * std::cos(0.9 * d))) << "\n";
      }
    }
    write("w.csv", "asset,weight\nAAA,0.5\nBBB,0.3\nSTB,0.2\n");
    write("w_new.csv", "asset,weight\nAAA,0.4\nBBB,0.3\nSTB,0.1\nNEWC,0.2\n");
    write("meta.csv",
          "symbol,sector,chain,is_stablecoin\nAAA,L1,Own chain,false\nBBB,DeFi,Ethereum,false\n"
          "STB,Stablecoin,Ethereum,true\nNEWC,L1,Solana,false\nOTHER,Meme,Solana,false\n");
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.file(name)) << text;
  }
  std::string base(const std::string& weights = "w.csv") const {
    return "stress --prices '" + dir_.file("prices.csv") + "' --weights '" + dir_.file(weights) +
           "'";
  }
  nlohmann::json run_json(const std::string& args) const {
    const auto r = run_keel(args + " --format json", dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }
  // Compounded return of an asset over return rows first..last (days), from the prices.
  static double compounded(int asset, int first, int last) {
    double g = 1.0;
    for (int d = first; d <= last; ++d) g *= 1.0 + (price(asset, d) / price(asset, d - 1) - 1.0);
    return g - 1.0;
  }
  TempDir dir_;
};

TEST_F(CliStress, ReplayMatchesCompoundedReturns) {
  const auto doc = run_json(base());
  for (const char* key : {"portfolio", "historical", "hypothetical", "correlation_stress",
                          "liquidity_stress", "inputs", "diagnostics"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  EXPECT_EQ(doc["portfolio"]["weights"]["BBB"], 0.3);
  ASSERT_EQ(doc["historical"].size(), 4u);
  const auto& covid = doc["historical"][0];
  EXPECT_EQ(covid["name"], "covid-crash-2020");
  ASSERT_EQ(covid["status"], "replayed") << covid.dump();
  // 2020-03-08 .. 2020-03-16: return rows ending 9..16 March = days 8..15.
  EXPECT_EQ(covid["rows"], 8);
  const double w[3] = {0.5, 0.3, 0.2};
  double total = 0.0;
  for (int a = 0; a < 3; ++a) {
    const double r = compounded(a, 8, 15);
    const auto& got = covid["assets"][kAssets[static_cast<std::size_t>(a)]];
    EXPECT_NEAR(got["return"].get<double>(), r, 1e-13) << a;
    EXPECT_NEAR(got["pnl"].get<double>(), w[a] * r, 1e-13) << a;
    total += w[a] * r;
  }
  EXPECT_NEAR(covid["total_pnl"].get<double>(), total, 1e-13);
  // Trough and drawdown of the buy-and-hold value path.
  double trough = 0.0, peak = 1.0, drawdown = 0.0;
  for (int d = 8; d <= 15; ++d) {
    double v = 1.0;
    for (int a = 0; a < 3; ++a) v += w[a] * (price(a, d) / price(a, 7) - 1.0);
    trough = std::min(trough, v - 1.0);
    peak = std::max(peak, v);
    drawdown = std::max(drawdown, (peak - v) / peak);
  }
  EXPECT_NEAR(covid["trough"].get<double>(), trough, 1e-13);
  EXPECT_NEAR(covid["max_drawdown"].get<double>(), drawdown, 1e-13);
  EXPECT_LT(total, -0.2);  // the crash is in the window
  for (int k = 1; k < 4; ++k) {
    EXPECT_EQ(doc["historical"][k]["status"], "not-covered");
    EXPECT_TRUE(contains(doc["historical"][k]["reason"].get<std::string>(),
                         "not covered by the data (data span 2020-03-01 .. 2020-03-25)"));
  }
  // The table names the windows the data does not cover.
  const auto table = run_keel(base(), dir_);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out,
                       "luna-collapse-2022: not covered by the data (data span "
                       "2020-03-01 .. 2020-03-25)"))
      << table.out;
}

TEST_F(CliStress, CustomWindowsAndWindowsOutsideTheData) {
  const auto doc = run_json(base() + " --windows none --window dip:2020-03-10:2020-03-14");
  ASSERT_EQ(doc["historical"].size(), 1u);
  const double expected =
      0.5 * compounded(0, 10, 13) + 0.3 * compounded(1, 10, 13) + 0.2 * compounded(2, 10, 13);
  EXPECT_NEAR(doc["historical"][0]["total_pnl"].get<double>(), expected, 1e-13);

  const auto named = run_keel(base() + " --windows ftx-collapse-2022", dir_);
  EXPECT_EQ(named.exit_code, 2);
  EXPECT_TRUE(contains(named.err, "ftx-collapse-2022")) << named.err;
  EXPECT_TRUE(contains(named.err, "2020-03-01 .. 2020-03-25")) << named.err;
  const auto custom = run_keel(base() + " --window later:2021-01-01:2021-01-31", dir_);
  EXPECT_EQ(custom.exit_code, 2);
  EXPECT_TRUE(contains(custom.err, "'later' (2021-01-01 .. 2021-01-31)")) << custom.err;
  const auto partly = run_keel(base() + " --window edge:2020-02-20:2020-03-05", dir_);
  EXPECT_EQ(partly.exit_code, 2);
  EXPECT_TRUE(contains(partly.err, "only partly covered")) << partly.err;
  const auto unknown = run_keel(base() + " --windows covid", dir_);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "covid-crash-2020")) << unknown.err;
  const auto malformed = run_keel(base() + " --window dip:2020-03-14", dir_);
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_TRUE(contains(malformed.err, "NAME:START:END")) << malformed.err;
}

TEST_F(CliStress, AssetsWithoutHistoryAreReportedNotZeroed) {
  // NEWC has no price before 2020-03-12: the covid window lacks 4 of its 8 rows.
  const std::string args = base("w_new.csv") + " --missing drop-rows";
  const auto excluded = run_json(args);
  const auto& covid = excluded["historical"][0];
  EXPECT_EQ(covid["status"], "missing-history");
  EXPECT_TRUE(covid["total_pnl"].is_null());
  ASSERT_EQ(covid["missing_history"].size(), 1u);
  EXPECT_EQ(covid["missing_history"][0]["asset"], "NEWC");
  EXPECT_EQ(covid["missing_history"][0]["missing_rows"], 4);
  EXPECT_EQ(covid["missing_history"][0]["first_quote"], "2020-03-12");
  EXPECT_TRUE(contains(covid["reason"].get<std::string>(), "NEWC (4 of 8 rows"));

  // cash: NEWC earns 0 until it trades; proxy:AAA: it takes AAA's return until then.
  const auto cash = run_json(args + " --missing-history cash");
  const double newc_cash = price(3, 15) / price(3, 11) - 1.0;
  double others =
      0.4 * compounded(0, 8, 15) + 0.3 * compounded(1, 8, 15) + 0.1 * compounded(2, 8, 15);
  ASSERT_EQ(cash["historical"][0]["status"], "replayed");
  EXPECT_NEAR(cash["historical"][0]["total_pnl"].get<double>(), others + 0.2 * newc_cash, 1e-13);
  EXPECT_EQ(cash["historical"][0]["missing_history"][0]["treatment"], "cash");
  EXPECT_FALSE(cash["diagnostics"]["warnings"].empty());
  const auto proxy = run_json(args + " --missing-history proxy:AAA");
  const double newc_proxy = (price(0, 11) / price(0, 7)) * (price(3, 15) / price(3, 11)) - 1.0;
  EXPECT_NEAR(proxy["historical"][0]["total_pnl"].get<double>(), others + 0.2 * newc_proxy, 1e-13);

  // The correlation stress needs complete returns: the default policy says so (exit 2).
  const auto strict = run_keel(base("w_new.csv"), dir_);
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_TRUE(contains(strict.err, "NEWC")) << strict.err;
  EXPECT_TRUE(contains(strict.err, "--missing-history")) << strict.err;
}

TEST_F(CliStress, GroupShocksMatchHandPnl) {
  write("shocks.toml",
        "[[scenario]]\n"
        "name = \"L1 -50%, stables depeg to 0.9\"\n"
        "[[scenario.shock]]\n"
        "group = \"sector:l1\"\n"
        "return = -0.5\n"
        "[[scenario.shock]]\n"
        "group = \"stablecoin\"\n"
        "price = 0.9\n"
        "\n"
        "[[scenario]]\n"
        "name = \"all -30%, BBB -60%\"\n"
        "description = \"broad sell-off\"\n"
        "[[scenario.shock]]\n"
        "all = true\n"
        "return = -0.3\n"
        "[[scenario.shock]]\n"
        "assets = [\"BBB\"]\n"
        "return = -0.6\n");
  const auto doc = run_json(base() + " --shocks '" + dir_.file("shocks.toml") + "' --metadata '" +
                            dir_.file("meta.csv") + "' --portfolio-value 1000000");
  ASSERT_EQ(doc["hypothetical"].size(), 2u);
  const auto& first = doc["hypothetical"][0];
  const double stb = 0.9 / price(2, kDays - 1) - 1.0;  // depeg from the last STB price
  EXPECT_NEAR(first["total_pnl"].get<double>(), 0.5 * -0.5 + 0.2 * stb, 1e-14);
  EXPECT_NEAR(first["total_pnl_value"].get<double>(), 1e6 * (0.5 * -0.5 + 0.2 * stb), 1e-7);
  EXPECT_NEAR(first["assets"]["STB"]["return"].get<double>(), stb, 1e-14);
  EXPECT_EQ(first["assets"]["BBB"]["pnl"], 0.0);
  EXPECT_EQ(first["shocks"][0]["assets"], nlohmann::json::array({"AAA"}));
  const auto& second = doc["hypothetical"][1];
  EXPECT_EQ(second["description"], "broad sell-off");
  EXPECT_NEAR(second["total_pnl"].get<double>(), 0.5 * -0.3 + 0.3 * -0.6 + 0.2 * -0.3, 1e-14);
  // Scenarios may also sit in --config, next to option keys.
  write("book.toml",
        "alpha = 0.99\nwindows = \"none\"\n"
        "[[scenario]]\nname = \"AAA wiped out\"\n[[scenario.shock]]\nassets = [\"AAA\"]\n"
        "return = -1\n");
  const auto config = run_json(base() + " --config '" + dir_.file("book.toml") + "'");
  EXPECT_EQ(config["historical"].size(), 0u);
  EXPECT_EQ(config["correlation_stress"]["confidence"], 0.99);
  EXPECT_NEAR(config["hypothetical"][0]["total_pnl"].get<double>(), -0.5, 1e-15);
}

TEST_F(CliStress, BadShockFilesExitTwoWithLocatedMessages) {
  const auto expect_error = [&](const std::string& toml, const std::vector<std::string>& parts,
                                bool with_metadata = true) {
    write("bad.toml", toml);
    const auto r = run_keel(
        base() + " --shocks '" + dir_.file("bad.toml") + "'" +
            (with_metadata ? " --metadata '" + dir_.file("meta.csv") + "'" : std::string()),
        dir_);
    EXPECT_EQ(r.exit_code, 2) << toml;
    for (const auto& p : parts) EXPECT_TRUE(contains(r.err, p)) << r.err;
  };
  expect_error("[[scenario]\nname = \"x\"\n", {"bad.toml:1", "not valid TOML"});
  expect_error(
      "[[scenario]]\nname = \"x\"\n[[scenario.shock]]\ngroup = \"sector:layer1\"\n"
      "return = -0.5\n",
      {"bad.toml:3", "scenario 'x', shock 1", "unknown group 'sector:layer1'",
       "values present: L1, DeFi, Stablecoin, Meme"});
  expect_error(
      "[[scenario]]\nname = \"x\"\n[[scenario.shock]]\ngroup = \"colour:red\"\n"
      "return = -0.5\n",
      {"bad.toml:3", "unknown tag 'colour'"});
  expect_error("[[scenario]]\nname = \"x\"\n[[scenario.shock]]\nall = true\nretrun = -0.5\n",
               {"bad.toml:5", "scenario 'x', shock 1, key 'retrun'", "unknown key"});
  expect_error("[[scenario]]\nname = \"x\"\n[[scenario.shock]]\nall = true\nreturn = -1.5\n",
               {"bad.toml:3", "below -1"});
  expect_error(
      "[[scenario]]\nname = \"x\"\n[[scenario.shock]]\nassets = [\"ZZZ\"]\n"
      "return = -0.5\n",
      {"asset 'ZZZ'", "check the spelling"});
  expect_error(
      "[[scenario]]\nname = \"x\"\n[[scenario.shock]]\ngroup = \"stablecoin\"\n"
      "return = -0.1\n",
      {"bad.toml:3", "needs asset metadata", "--metadata"}, /*with_metadata=*/false);
  expect_error("[[scenario]]\nname = \"x\"\n", {"scenario 'x'", "no shocks"});
  expect_error("[[scenario]]\ndescription = \"no name\"\n", {"bad.toml:1", "needs name"});
  expect_error(
      "[[scenario]]\nname = \"x\"\n[[scenario.shock]]\nall = true\nreturn = -0.1\n"
      "[[scenario]]\nname = \"x\"\n[[scenario.shock]]\nall = true\nreturn = -0.2\n",
      {"'x' is defined twice"});
  expect_error("title = \"my shocks\"\n", {"bad.toml:1", "unknown key 'title'"});
}

TEST_F(CliStress, CorrelationStressMatchesClosedForm) {
  const double lambda = 0.3;
  const double m = 1.7;
  const auto doc = run_json(base() + " --correlation-shift 0.3 --vol-multiplier 1.7 --alpha 0.99");
  const auto& c = doc["correlation_stress"];
  // Sample mean and covariance (T − 1) of the simple returns, computed here.
  const int t = kDays - 1;
  double r[kDays - 1][3];
  double mean[3] = {0, 0, 0};
  for (int d = 1; d < kDays; ++d) {
    for (int a = 0; a < 3; ++a) {
      r[d - 1][a] = price(a, d) / price(a, d - 1) - 1.0;
      mean[a] += r[d - 1][a] / t;
    }
  }
  double cov[3][3] = {};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int d = 0; d < t; ++d) cov[i][j] += (r[d][i] - mean[i]) * (r[d][j] - mean[j]);
      cov[i][j] /= t - 1;
    }
  }
  const double w[3] = {0.5, 0.3, 0.2};
  double mu = 0.0, var_before = 0.0, var_after = 0.0;
  for (int i = 0; i < 3; ++i) {
    mu += w[i] * mean[i];
    for (int j = 0; j < 3; ++j) {
      const double si = std::sqrt(cov[i][i]);
      const double sj = std::sqrt(cov[j][j]);
      const double rho = i == j ? 1.0 : (1.0 - lambda) * cov[i][j] / (si * sj) + lambda;
      var_before += w[i] * w[j] * cov[i][j];
      var_after += w[i] * w[j] * m * m * si * sj * rho;
    }
  }
  const double z = 2.3263478740408408;                   // Φ⁻¹(0.99)
  const double es_factor = 0.026652142203458073 / 0.01;  // φ(z) / (1 − α)
  EXPECT_NEAR(c["before"]["volatility"].get<double>(), std::sqrt(var_before), 1e-14);
  EXPECT_NEAR(c["before"]["var"].get<double>(), -mu + z * std::sqrt(var_before), 1e-13);
  EXPECT_NEAR(c["after"]["volatility"].get<double>(), std::sqrt(var_after), 1e-14);
  EXPECT_NEAR(c["after"]["var"].get<double>(), -mu + z * std::sqrt(var_after), 1e-13);
  EXPECT_NEAR(c["after"]["cvar"].get<double>(), -mu + es_factor * std::sqrt(var_after), 1e-12);
  EXPECT_GT(c["after"]["average_correlation"].get<double>(),
            c["before"]["average_correlation"].get<double>());
  // The "before" VaR is keel risk's Gaussian VaR.
  const auto risk =
      run_keel("risk --prices '" + dir_.file("prices.csv") + "' --weights '" + dir_.file("w.csv") +
                   "' --method gaussian --alpha 0.99 --format json",
               dir_);
  ASSERT_EQ(risk.exit_code, 0) << risk.err;
  EXPECT_NEAR(nlohmann::json::parse(risk.out)["var"]["gaussian"].get<double>(),
              c["before"]["var"].get<double>(), 1e-13);
}

TEST_F(CliStress, LiquidityStressUsesTheDataOrSaysItIsMissing) {
  const auto none = run_json(base());
  const auto& l = none["liquidity_stress"];
  EXPECT_EQ(l["exogenous_spread"]["status"], "not-computed");
  EXPECT_TRUE(contains(l["exogenous_spread"]["reason"].get<std::string>(), "no bid-ask spreads"));
  EXPECT_EQ(l["endogenous_impact"]["status"], "not-computed");
  const auto table = run_keel(base(), dir_);
  EXPECT_TRUE(contains(table.out, "exogenous-spread: not computed: no bid-ask spreads"));

  const auto doc =
      run_json("stress --prices '" + dir_.file("market.csv") + "' --weights '" +
               dir_.file("w.csv") + "' --liquidity-multiplier 4 --portfolio-value 5e6");
  const auto& s = doc["liquidity_stress"];
  ASSERT_EQ(s["exogenous_spread"]["status"], "computed") << s.dump();
  ASSERT_EQ(s["endogenous_impact"]["status"], "computed") << s.dump();
  // Bangia COL = ½ Σ w_i (mean_i + 3 sd_i) over the spreads of the return rows (days 1..24).
  double col = 0.0;
  const double w[3] = {0.5, 0.3, 0.2};
  for (int a = 0; a < 3; ++a) {
    double mean = 0.0, sq = 0.0;
    for (int d = 1; d < kDays; ++d) mean += 0.001 * (a + 1) * (1.0 + 0.3 * std::cos(0.9 * d));
    mean /= kDays - 1;
    for (int d = 1; d < kDays; ++d) {
      sq += std::pow(0.001 * (a + 1) * (1.0 + 0.3 * std::cos(0.9 * d)) - mean, 2);
    }
    col += 0.5 * w[a] * (mean + 3.0 * std::sqrt(sq / (kDays - 2)));
  }
  const double var = s["var"].get<double>();
  EXPECT_NEAR(s["exogenous_spread"]["before"]["liquidity_cost"].get<double>(), col, 1e-15);
  EXPECT_NEAR(s["exogenous_spread"]["after"]["lvar"].get<double>(), var + 4.0 * col, 1e-14);
  EXPECT_NEAR(s["endogenous_impact"]["after"]["liquidity_cost"].get<double>(),
              4.0 * s["endogenous_impact"]["before"]["liquidity_cost"].get<double>(), 1e-14);
  // The market VaR is keel risk's historical VaR, and the base LVaR its LVaR.
  const auto risk = run_keel("risk --prices '" + dir_.file("market.csv") + "' --weights '" +
                                 dir_.file("w.csv") + "' --method historical --format json",
                             dir_);
  ASSERT_EQ(risk.exit_code, 0) << risk.err;
  const auto r = nlohmann::json::parse(risk.out);
  EXPECT_NEAR(r["var"]["historical"].get<double>(), var, 1e-15);
  EXPECT_NEAR(r["lvar"]["exogenous_spread"]["lvar"].get<double>(),
              s["exogenous_spread"]["before"]["lvar"].get<double>(), 1e-15);
}

TEST_F(CliStress, WritesTheHtmlReport) {
  const auto bad = run_keel(base() + " --report '" + dir_.file("no/such/dir.html") + "'", dir_);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(bad.out.empty());  // fails before any work
  if (!report::has_vega_libraries()) {
    GTEST_SKIP() << "this keel was built without web/node_modules; run scripts/setup.sh";
  }
  write("shocks.toml",
        "[[scenario]]\nname = \"all -90%\"\n[[scenario.shock]]\nall = true\n"
        "return = -0.9\n");
  const std::string path = dir_.file("stress.html");
  const auto r = run_keel(
      base() + " --shocks '" + dir_.file("shocks.toml") + "' --report '" + path + "' --format json",
      dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.front(), '{');
  const std::string html = read_text(path);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* title : {"Stress scenario P&amp;L", "VaR and CVaR by method (95%, 1 day)",
                            "P&amp;L by asset in the worst scenario: all -90%"}) {
    EXPECT_TRUE(contains(html, std::string("aria-label=\"") + title + "\"")) << title;
  }
  EXPECT_TRUE(contains(html, "not covered by the data (data span 2020-03-01 .. 2020-03-25)"));
  // No spreads or volumes in this file: no LVaR is drawn, and the table says why.
  EXPECT_FALSE(contains(html, "LVaR by method"));
  EXPECT_TRUE(contains(html, "exogenous spread not computed: no bid-ask spreads"));
}

TEST_F(CliStress, HelpDocumentsTheFormats) {
  const auto r = run_keel("stress --help", dir_);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* part : {"Example", "[[scenario]]", "[[scenario.shock]]", "--missing-history",
                           "covid-crash-2020", "docs/stress.md"}) {
    EXPECT_TRUE(contains(r.out, part)) << part;
  }
  EXPECT_EQ(run_keel(base() + " --correlation-shift 1.5", dir_).exit_code, 2);
  EXPECT_EQ(run_keel(base() + " --missing-history zero", dir_).exit_code, 2);
  EXPECT_EQ(run_keel(base() + " --missing pairwise", dir_).exit_code, 2);
}

}  // namespace
}  // namespace keel::testing
