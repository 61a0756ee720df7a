// LP strategy assets (keel/defi/lp_asset.hpp) on real prices against an independent numpy
// recomputation: tests/data/lp_asset/make_fixtures.py reads 366 Binance daily closes of BTCUSDT
// and ETHUSDT (shared/data/crypto_binance_spot_daily, 2025-04-18..2026-04-26, with a few skipped
// days) and computes each strategy's returns from the v3 amount formulas with its own code;
// lp_returns.json holds them, prices.csv the closes. The C++ series must match to 1e-12.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "keel/data/read_prices.hpp"
#include "keel/defi/lp_asset.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

const std::string kDir = std::string(KEEL_TEST_DATA_DIR) + "/lp_asset/";

TEST(LpAssetReference, MatchesNumpyOnBinanceDailyCloses) {
  auto panel = read_prices(kDir + "prices.csv");
  ASSERT_TRUE(panel) << panel.status().message();
  ASSERT_EQ(panel->rows(), 366);
  const nlohmann::json doc = test::read_json_fixture(kDir + "lp_returns.json");
  int checked = 0;
  for (const auto& c : test::fixture_cases(doc, "cases")) {
    LpAssetSpec spec;
    spec.name = c.at("name").get<std::string>();
    spec.pool = c.at("pool").get<std::string>() == "concentrated" ? AmmKind::kConcentrated
                                                                  : AmmKind::kConstantProduct;
    spec.tokens = c.at("tokens").get<std::vector<std::string>>();
    spec.range_width = test::fixture_number(c.at("range_width"));
    spec.fee_apr = test::fixture_number(c.at("fee_apr"));
    spec.recentre_cost = test::fixture_number(c.at("recentre_cost"));
    std::vector<std::vector<double>> prices;
    for (const auto& token : spec.tokens) {
      std::vector<double> column(static_cast<std::size_t>(panel->rows()), 1.0);  // USDT = 1
      if (auto j = panel->asset_index(token)) {
        for (Eigen::Index t = 0; t < panel->rows(); ++t) {
          column[static_cast<std::size_t>(t)] = panel->prices(t, *j);
        }
      } else {
        ASSERT_EQ(token, "USDT");
      }
      prices.push_back(std::move(column));
    }
    auto series = lp_asset_returns(spec, prices[0], prices[1], panel->timestamps);
    ASSERT_TRUE(series) << series.status().message();
    const Eigen::VectorXd expected = test::fixture_vector(c.at("returns"), spec.name);
    ASSERT_EQ(series->returns.size(), static_cast<std::size_t>(expected.size()));
    EXPECT_EQ(series->periods, 365);
    for (Eigen::Index t = 0; t < expected.size(); ++t) {
      EXPECT_NEAR(series->returns[static_cast<std::size_t>(t)], expected(t), 1e-12)
          << spec.name << " period " << t;
    }
    if (spec.pool == AmmKind::kConcentrated && spec.range_width <= 0.1) {
      EXPECT_LT(series->periods_in_range, series->periods)
          << spec.name;  // daily moves leave a +-10% range at times
    }
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

}  // namespace
}  // namespace keel
