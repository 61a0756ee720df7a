// LINK's four missing days in the CoinMarketCap panel (2022-07-28 .. 07-31) must not remove it
// from the backtest universe until 2022-10 (issue 14). Skips when ../shared/data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "keel/backtest/engine.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/data/select.hpp"

namespace keel {
namespace {

TEST(SharedDataBacktestGaps, LinkStaysEligibleAfterItsFourDayGap) {
  const std::string path =
      std::string(KEEL_SHARED_DATA_DIR) + "/crypto_cmc_top120/prices_close_usd.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  const auto all = read_prices(path);
  ASSERT_TRUE(all.is_ok()) << all.status().message();
  auto selection = parse_selection("2021-06-01", "2022-12-31", "BTC,ETH,LINK");
  ASSERT_TRUE(selection.is_ok());
  const auto panel = select(*all, *selection);
  ASSERT_TRUE(panel.is_ok()) << panel.status().message();
  Strategy s;
  s.name = "mv";
  s.model.model = PortfolioModel::kMinVariance;
  s.rebalance = *parse_rebalance_schedule("every:7");
  BacktestOptions o;
  o.window = 365;
  o.periods_per_year = 365;
  const auto r = run_backtest(*panel, {s}, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  int checked = 0;
  for (const auto& rec : r->strategies[0].rebalances) {
    if (rec.decision_date < days_from_civil({2022, 8, 1}) * kSecondsPerDay) continue;
    EXPECT_EQ(rec.eligible_assets, 3) << format_timestamp(rec.decision_date) << " " << rec.message;
    EXPECT_EQ(rec.window_rows, 365) << format_timestamp(rec.decision_date);
    ++checked;
  }
  EXPECT_GT(checked, 15);
}

}  // namespace
}  // namespace keel
