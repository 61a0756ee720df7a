// keel optimize with LP strategies as assets ([[lp_asset]], docs/lp_assets.md) on the fixture of
// tests/data/lp_asset (366 Binance daily closes of BTC and ETH in USDT): the [[lp_asset]] route
// and the route of a price file holding the LP's value index precomputed by numpy
// (make_fixtures.py → prices_with_lp.csv) give the same weights for min-CVaR, max-Sharpe, risk
// parity, HRP and min-CVaR on log returns, and `keel frontier` traces the same frontier; the
// weights sum to 1 and the JSON names and labels the LP asset; constraints name it; bad input
// exits 2 naming the file, line and key.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

const std::string kData = std::string(KEEL_TEST_DATA_DIR) + "/lp_asset/";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The "eth-range" case of lp_returns.json, named like the precomputed column.
const char* const kEthRange =
    "[[lp_asset]]\n"
    "name = \"ETH_LP\"\n"
    "pool = \"concentrated\"\n"
    "tokens = [\"ETH\", \"USDT\"]\n"
    "range_width = 0.1\n"
    "fee_apr = 0.25\n"
    "recentre_cost = 0.003\n"
    "quote = \"USDT\"\n";

nlohmann::json run_json(const std::string& args, const TempDir& dir) {
  const auto r = run_keel(args + " --format json", dir);
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  if (r.exit_code != 0) return nlohmann::json::object();
  return nlohmann::json::parse(r.out);
}

TEST(CliLpAsset, LpAssetRouteMatchesThePrecomputedColumn) {
  TempDir dir;
  std::ofstream(dir.file("lp.toml")) << kEthRange;
  // Log returns: the LP column is log1p of its simple return, as the price file's column gives.
  for (const std::string model :
       {"min-cvar", "max-sharpe", "risk-parity", "hrp", "min-cvar --log-returns"}) {
    const auto a = run_json("optimize --prices '" + kData + "prices.csv' --config '" +
                                dir.file("lp.toml") + "' --model " + model,
                            dir);
    const auto b =
        run_json("optimize --prices '" + kData + "prices_with_lp.csv' --model " + model, dir);
    ASSERT_TRUE(a.contains("weights") && b.contains("weights")) << model;
    ASSERT_EQ(a["weights"].size(), 3u) << model;
    double sum = 0.0;
    for (const auto& [asset, w] : b["weights"].items()) {
      ASSERT_TRUE(a["weights"].contains(asset)) << model << " " << asset;
      EXPECT_NEAR(a["weights"][asset].get<double>(), w.get<double>(), 1e-8)
          << model << " " << asset;
      sum += a["weights"][asset].get<double>();
    }
    EXPECT_NEAR(sum, 1.0, 1e-9) << model;
    // The portfolio's annual mean and volatility use the LP column's moments directly: a
    // difference of 1e-7 a period in the LP returns moves them by more than the tolerance.
    // (Min-CVaR sits at a vertex that small return changes do not move; risk parity and HRP do.)
    for (const char* key : {"expected_return", "volatility"}) {
      EXPECT_NEAR(a["performance"][key].get<double>(), b["performance"][key].get<double>(), 1e-10)
          << model << " " << key;
    }
    ASSERT_EQ(a["lp_assets"].size(), 1u);
    const auto& lp = a["lp_assets"][0];
    EXPECT_EQ(lp["name"], "ETH_LP");
    EXPECT_EQ(lp["kind"], "amm_lp");
    EXPECT_EQ(lp["pool"], "concentrated");
    EXPECT_EQ(lp["rule"]["range_width"], 0.1);
    EXPECT_EQ(lp["rule"]["fees"], "modelled");
    EXPECT_EQ(lp["periods"], 365);
    EXPECT_NEAR(lp["weight"].get<double>(), a["weights"]["ETH_LP"].get<double>(), 0.0);
    EXPECT_FALSE(b.contains("lp_assets"));
  }
}

TEST(CliLpAsset, ConstraintsNameTheLpAsset) {
  TempDir dir;
  std::ofstream(dir.file("lp.toml")) << "model = \"min-cvar\"\n"
                                        "[asset_bounds]\n"
                                        "ETH_FULL = [0.2, 0.3]\n"
                                        "[[groups]]\n"
                                        "name = \"eth-exposure\"\n"
                                        "members = [\"ETH\", \"ETH_FULL\", \"ETH_BTC\"]\n"
                                        "max = 0.5\n"
                                        "[[lp_asset]]\n"
                                        "name = \"ETH_FULL\"\n"
                                        "pool = \"constant-product\"\n"
                                        "tokens = [\"ETH\", \"USD\"]\n"
                                        "fee_apr = 0.1\n"
                                        "[[lp_asset]]\n"
                                        "name = \"ETH_BTC\"\n"
                                        "pool = \"concentrated\"\n"
                                        "tokens = [\"ETH\", \"BTC\"]\n"
                                        "range_width = 0.2\n";
  const auto doc = run_json(
      "optimize --prices '" + kData + "prices.csv' --config '" + dir.file("lp.toml") + "'", dir);
  ASSERT_TRUE(doc.contains("weights"));
  const auto& w = doc["weights"];
  ASSERT_EQ(w.size(), 4u);
  EXPECT_GE(w["ETH_FULL"].get<double>(), 0.2 - 1e-7);
  EXPECT_LE(w["ETH_FULL"].get<double>(), 0.3 + 1e-7);
  EXPECT_LE(w["ETH"].get<double>() + w["ETH_FULL"].get<double>() + w["ETH_BTC"].get<double>(),
            0.5 + 1e-7);
  EXPECT_NEAR(w["BTC"].get<double>() + w["ETH"].get<double>() + w["ETH_FULL"].get<double>() +
                  w["ETH_BTC"].get<double>(),
              1.0, 1e-9);
  ASSERT_EQ(doc["lp_assets"].size(), 2u);
  EXPECT_EQ(doc["lp_assets"][0]["rule"]["range"], "full");
  EXPECT_EQ(doc["lp_assets"][1]["rule"]["range"], "recentred");
}

TEST(CliLpAsset, FrontierTracesOverSpotAndLpAssets) {
  TempDir dir;
  std::ofstream(dir.file("lp.toml")) << kEthRange;
  const auto a = run_json("frontier --prices '" + kData + "prices.csv' --config '" +
                              dir.file("lp.toml") + "' --points 5",
                          dir);
  const auto b = run_json("frontier --prices '" + kData + "prices_with_lp.csv' --points 5", dir);
  ASSERT_TRUE(a.contains("assets") && b.contains("assets"));
  EXPECT_EQ(a["assets"], b["assets"]);
  EXPECT_EQ(a["assets"].back(), "ETH_LP");
  ASSERT_EQ(a["points"].size(), b["points"].size());
  for (std::size_t i = 0; i < a["points"].size(); ++i) {
    EXPECT_NEAR(a["points"][i]["volatility"].get<double>(),
                b["points"][i]["volatility"].get<double>(), 1e-9)
        << i;
  }
}

TEST(CliLpAsset, BadInputExitsTwoNamingFileLineAndKey) {
  TempDir dir;
  const std::string head =
      "[[lp_asset]]\n"              // line 1
      "name = \"LP\"\n"             // line 2
      "pool = \"concentrated\"\n";  // line 3
  struct Case {
    std::string body;  // lines 4 onward
    std::string needle;
  };
  const Case cases[] = {
      {"tokens = [\"SOL\", \"USDT\"]\nrange_width = 0.1\nquote = \"USDT\"\n", "lp.toml:4"},
      {"tokens = [\"ETH\", \"USDT\"]\nrange_width = 0.1\n", "quote currency 'USD'"},
      {"tokens = [\"ETH\", \"USDT\"]\nrange_width = 0\nquote = \"USDT\"\n", "lp.toml:5"},
      {"tokens = [\"ETH\", \"USDT\"]\nrange_width = -0.1\nquote = \"USDT\"\n", "'range_width'"},
      {"tokens = [\"ETH\", \"USDT\"]\nquote = \"USDT\"\n", "'range_width'"},
      {"tokens = [\"ETH\", \"USDT\"]\nrange_width = 0.1\nfee_apr = -1\n", "'fee_apr'"},
      {"tokens = [\"ETH\"]\nrange_width = 0.1\n", "'tokens'"},
      {"tokens = [\"ETH\", \"USDT\"]\nrange_width = 0.1\nwidth = 3\n", "unknown key 'width'"},
  };
  for (const Case& c : cases) {
    std::ofstream(dir.file("lp.toml")) << head << c.body;
    const auto r = run_keel("optimize --prices '" + kData + "prices.csv' --config '" +
                                dir.file("lp.toml") + "' --model min-cvar",
                            dir);
    EXPECT_EQ(r.exit_code, 2) << c.body;
    EXPECT_TRUE(contains(r.err, c.needle)) << c.body << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, "lp.toml:")) << r.err;
  }
  // Unknown protocol, on its own line.
  std::ofstream(dir.file("lp.toml")) << "[[lp_asset]]\nname = \"LP\"\npool = \"balancer\"\n"
                                        "tokens = [\"ETH\", \"USDT\"]\n";
  auto r = run_keel(
      "optimize --prices '" + kData + "prices.csv' --config '" + dir.file("lp.toml") + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "lp.toml:3") && contains(r.err, "'pool'")) << r.err;
  // A name that is already an asset of the prices, and twice the same LP name.
  std::ofstream(dir.file("lp.toml"))
      << "[[lp_asset]]\nname = \"BTC\"\npool = \"constant-product\"\n"
         "tokens = [\"ETH\", \"USDT\"]\nquote = \"USDT\"\n";
  r = run_keel("optimize --prices '" + kData + "prices.csv' --config '" + dir.file("lp.toml") + "'",
               dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "lp.toml:2") && contains(r.err, "already an asset")) << r.err;
  std::ofstream(dir.file("lp.toml")) << kEthRange << kEthRange;
  r = run_keel("optimize --prices '" + kData + "prices.csv' --config '" + dir.file("lp.toml") + "'",
               dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "lp.toml:10") && contains(r.err, "already used")) << r.err;
  // Covariance input has no prices to value the LP with.
  std::ofstream(dir.file("cov.csv")) << ",A,B\nA,0.04,0.01\nB,0.01,0.09\n";
  std::ofstream(dir.file("lp.toml")) << kEthRange;
  r = run_keel(
      "optimize --covariance '" + dir.file("cov.csv") + "' --config '" + dir.file("lp.toml") + "'",
      dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "needs --prices")) << r.err;
}

}  // namespace
}  // namespace keel::testing
