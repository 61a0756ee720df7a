// LP and perp-hedge backtests on the shared real data against an independent pandas computation
// (tests/data/defi/make_lp_backtest_fixtures.py -> lp_backtest_fixtures.json):
//   - observed fees of a stated range and liquidity over one day of the Polygon USDC/WETH 0.05 %
//     pool, and the sole-liquidity case (L_active = 0: the position takes fee_tier × inAmount);
//   - the ±10 % five-day backtest in USDC (docs/lp_backtest.md's table): fees, values, LVR;
//   - funding on the shared BTC daily series: a hedged long spot's short perp receives
//     3 × Σ funding_mean × notional over 2023-01-01..03-31 (longs pay positive rates).
// Skips when the shared data is absent.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "keel/defi/amm.hpp"
#include "keel/defi/lp_backtest.hpp"

namespace keel {
namespace {

nlohmann::json fixture() {
  std::ifstream in(std::string(KEEL_TEST_DATA_DIR) + "/defi/lp_backtest_fixtures.json");
  return nlohmann::json::parse(in);
}

std::string demeter(const std::string& file) {
  return std::string(KEEL_SHARED_DATA_DIR) + "/defi_demeter/" + file;
}

constexpr PoolSpec kPolygonUsdcWeth{
    .decimals0 = 6, .decimals1 = 18, .fee_rate = 0.0005, .tick_spacing = 10};

void expect_relative(double actual, double expected, double tolerance, const char* what) {
  EXPECT_NEAR(actual, expected, tolerance * std::abs(expected)) << what;
}

TEST(LpBacktestReference, ObservedFeesOfOneDayMatchPandas) {
  const auto f = fixture()["one_day"];
  const std::vector<std::string> paths = {demeter(f["file"].get<std::string>())};
  if (!std::filesystem::exists(paths[0])) GTEST_SKIP() << "shared data not present";
  PoolSpec spec = kPolygonUsdcWeth;
  spec.tick_spacing = 1;
  auto bars = read_pool_bars(paths, spec);
  ASSERT_TRUE(bars) << bars.status().message();
  ASSERT_EQ(bars->size(), f["bars"].get<std::size_t>());
  const int tl = f["tick_lower"], tu = f["tick_upper"];
  const double scale = 1e-12;  // 10^(6 - 18)
  const double pa = amm::price_at_tick(tl) * scale, pb = amm::price_at_tick(tu) * scale;
  const double liquidity = f["liquidity"];
  LpBacktestOptions o{.price_lower = pa * (1 + 1e-9),
                      .price_upper = pb * (1 - 1e-9),
                      .capital = liquidity * amm::range_value(bars->price[0], 1.0, pa, pb)};
  auto r = lp_backtest(*bars, o);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->summary.tick_lower, tl);
  EXPECT_EQ(r->summary.tick_upper, tu);
  expect_relative(r->summary.liquidity, liquidity, 1e-12, "liquidity");
  expect_relative(r->summary.fees0, f["fees0"], 1e-9, "fees0");
  expect_relative(r->summary.fees1, f["fees1"], 1e-9, "fees1");
  EXPECT_NEAR(r->summary.time_in_range * (bars->size() - 1), f["bars_in_range"].get<double>(),
              1e-9);

  // The only liquidity in range: every fee of the pool, fee_tier × inAmount.
  PoolBars sole = *bars;
  std::fill(sole.active_liquidity.begin(), sole.active_liquidity.end(), 0.0);
  auto s = lp_backtest(sole, o);
  ASSERT_TRUE(s);
  expect_relative(s->summary.fees0, f["sole_fees0"], 1e-12, "sole fees0");
  expect_relative(s->summary.fees1, f["sole_fees1"], 1e-12, "sole fees1");
}

TEST(LpBacktestReference, FiveDaysInUsdcMatchPandas) {
  const auto f = fixture()["five_days"];
  std::vector<std::string> paths;
  for (const auto& d : f["days"]) {
    paths.push_back(demeter("polygon-0x45dda9cb7c25131df268515131f647d726f50608-" +
                            d.get<std::string>() + ".minute.csv"));
  }
  if (!std::filesystem::exists(paths[0])) GTEST_SKIP() << "shared data not present";
  auto bars = read_pool_bars(paths, kPolygonUsdcWeth);
  ASSERT_TRUE(bars) << bars.status().message();
  ASSERT_EQ(bars->size(), f["bars"].get<std::size_t>());
  const PoolBars usdc = invert_pool_bars(*bars);
  LpBacktestOptions o{.range_width = 0.1, .capital = f["capital"]};
  auto r = lp_backtest(usdc, o);
  ASSERT_TRUE(r) << r.status().message();
  const LpBacktestSummary& s = r->summary;
  EXPECT_EQ(s.tick_lower, f["tick_lower"].get<int>());
  EXPECT_EQ(s.tick_upper, f["tick_upper"].get<int>());
  expect_relative(s.liquidity, f["liquidity"], 1e-12, "liquidity");
  expect_relative(s.time_in_range, f["time_in_range"], 1e-12, "time in range");
  expect_relative(s.fees0, f["fees0"], 1e-9, "fees0 (WETH)");
  expect_relative(s.fees1, f["fees1"], 1e-9, "fees1 (USDC)");
  expect_relative(s.fees_value, f["fees_value"], 1e-9, "fees value");
  expect_relative(s.fee_apr, f["fee_apr"], 1e-9, "fee APR");
  expect_relative(s.final_value, f["final_value"], 1e-10, "final value");
  expect_relative(s.held_value, f["held_value"], 1e-10, "held value");
  expect_relative(s.divergence_loss, f["divergence_loss"], 1e-8, "divergence loss");
  expect_relative(s.lvr, f["lvr"], 1e-7, "LVR");
  expect_relative(s.net_vs_hold, f["net_vs_hold"], 1e-8, "net vs hold");
  // The conservation identity on the real path.
  EXPECT_NEAR(s.final_value - s.initial_value, s.rebalancing_gain - s.lvr - s.costs,
              1e-9 * s.initial_value);

  // docs/lp_backtest.md's narrow re-centred run: the identity with costs on the real path.
  LpBacktestOptions narrow{
      .range_width = 0.02, .capital = 100000.0, .recentre_after = 60, .recentre_slippage = 0.0005};
  auto n = lp_backtest(usdc, narrow);
  ASSERT_TRUE(n);
  EXPECT_GT(n->summary.recentrings, 0);
  EXPECT_GT(n->summary.costs, 0.0);
  EXPECT_NEAR(n->summary.final_value - n->summary.initial_value,
              n->summary.rebalancing_gain - n->summary.lvr - n->summary.costs, 1e-9 * 100000.0);
}

TEST(LpBacktestReference, FundingSignOnTheSharedSeries) {
  const auto f = fixture()["funding"];
  const std::string path =
      std::string(KEEL_SHARED_DATA_DIR) + "/derivatives_funding/btc_perp_funding_daily.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not present";
  auto series = read_daily_funding(path);
  ASSERT_TRUE(series) << series.status().message();
  // Daily timestamps over the window plus the closing day, at a constant mark of 30 000.
  const Timestamp first = days_from_civil({2023, 1, 1}) * kSecondsPerDay;
  const int days = f["days"];
  std::vector<Timestamp> ts;
  for (int d = 0; d <= days; ++d) ts.push_back(first + d * kSecondsPerDay);
  const std::vector<double> prices(ts.size(), 30000.0);
  auto rates = funding_rates_for_periods(ts, series->days, series->values);
  ASSERT_TRUE(rates) << rates.status().message();
  PerpHedgeOptions o;
  o.quantity = 0.5;  // long 0.5 BTC spot, short 0.5 BTC perp
  auto r = perp_hedge_backtest(ts, prices, *rates, o);
  ASSERT_TRUE(r);
  // The short receives: funding_paid = −(24 / 8) × Σ rate × 0.5 × 30 000.
  const double expected = -3.0 * f["sum_funding_mean"].get<double>() * 0.5 * 30000.0;
  EXPECT_LT(r->funding_paid, 0.0);
  expect_relative(r->funding_paid, expected, 1e-12, "funding");
  EXPECT_NEAR(r->net, -r->funding_paid, 1e-9);
}

}  // namespace
}  // namespace keel
