// The engine against an independent numpy/scipy implementation on real prices:
// tests/reference/backtest/equal_weight_monthly.json from tests/reference/make_backtest_fixtures.py
// (monthly equal weight over six CoinMarketCap assets, one of them listed mid-sample, with and
// without a 10 bp fee). Skips when ../shared/data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "keel/backtest/engine.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/data/select.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

TEST(BacktestReference, MonthlyEqualWeightMatchesNumpy) {
  std::ifstream in(std::string(KEEL_SOURCE_DIR) +
                   "/tests/reference/backtest/equal_weight_monthly.json");
  ASSERT_TRUE(in) << "fixture missing";
  const auto fixture = nlohmann::json::parse(in);
  const std::string path =
      std::string(KEEL_SHARED_DATA_DIR) + "/" + fixture["source"].get<std::string>();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not present: " << path;

  auto panel = read_prices(path);
  ASSERT_TRUE(panel) << panel.status().message();
  std::string assets;
  for (const auto& a : fixture["assets"])
    assets += (assets.empty() ? "" : ",") + a.get<std::string>();
  auto selection = parse_selection(fixture["start"].get<std::string>(),
                                   fixture["end"].get<std::string>(), assets);
  ASSERT_TRUE(selection);
  auto narrowed = select(*panel, *selection);
  ASSERT_TRUE(narrowed) << narrowed.status().message();

  Strategy s;
  s.name = "equal-weight";
  s.model.model = PortfolioModel::kEqualWeight;
  s.rebalance = *parse_rebalance_schedule("monthly");
  for (const auto& c : test::fixture_cases(fixture, "cases")) {
    BacktestOptions o;
    o.window = fixture["window"].get<int>();
    o.periods_per_year = 365;
    o.costs.fee_bps = c["fee_bps"].get<double>();
    auto r = run_backtest(*narrowed, {s}, o);
    ASSERT_TRUE(r) << r.status().message();
    const auto& res = r->strategies[0];
    const auto& expected = c["equity"];
    ASSERT_EQ(static_cast<std::size_t>(res.equity.size()), expected.size());
    EXPECT_EQ(format_date(res.timestamps.front()), fixture["first_date"].get<std::string>());
    for (std::size_t t = 0; t < expected.size(); ++t) {
      const double e = expected[t].get<double>();
      ASSERT_NEAR(res.equity(static_cast<Eigen::Index>(t)), e, 1e-12 * e)
          << "fee " << c["fee_bps"] << " bps, row " << t;
    }
    if (o.costs.fee_bps > 0) {
      EXPECT_GT(res.costs.fees, 0.0);
    }
  }
}

}  // namespace
}  // namespace keel
