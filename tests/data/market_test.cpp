// The data entry point: a price file to a cleaned panel, its repairs, its frequency and its
// returns, without the CLI. Returns are checked against prices computed here by hand.

#include "keel/data/market.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_files.hpp"

namespace keel {
namespace {

using testing::TempDir;

// Seven consecutive days (a Saturday and a Sunday among them: a 24/7 daily market); BBB misses
// one price on the 4th, CCC is listed on the 3rd.
constexpr const char* kPrices =
    "date,AAA,BBB,CCC\n"
    "2024-01-01,100,50,\n"
    "2024-01-02,101,51,\n"
    "2024-01-03,99,52,10\n"
    "2024-01-04,102,,11\n"
    "2024-01-05,104,53,12\n"
    "2024-01-06,103,54,11\n"
    "2024-01-07,105,55,12\n";

TEST(Market, LoadsSelectsFillsAndComputesReturns) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  MarketOptions options;
  options.selection.assets = {"BBB", "AAA"};
  options.missing = {.kind = MissingPolicyKind::kForwardFill, .max_fill = 1};
  auto market = load_market(path, options);
  ASSERT_TRUE(market) << market.status().message();

  EXPECT_EQ(market->panel.assets, (std::vector<std::string>{"BBB", "AAA"}));
  EXPECT_EQ(market->panel.rows(), 7);
  ASSERT_EQ(market->repairs.size(), 1u);  // the forward-filled gap, recorded
  EXPECT_EQ(market->repairs[0].action, "ffill");
  EXPECT_EQ(market->missing.kind, MissingPolicyKind::kForwardFill);
  EXPECT_DOUBLE_EQ(market->frequency.periods_per_year, 365.0);
  EXPECT_TRUE(market->frequency.inferred);

  // Simple returns from the prices, BBB's 4th carried from the 3rd (52).
  const double bbb[] = {50, 51, 52, 52, 53, 54, 55};
  const double aaa[] = {100, 101, 99, 102, 104, 103, 105};
  ASSERT_EQ(market->returns.values.rows(), 6);
  for (int t = 0; t < 6; ++t) {
    EXPECT_DOUBLE_EQ(market->returns.values(t, 0), bbb[t + 1] / bbb[t] - 1.0) << t;
    EXPECT_DOUBLE_EQ(market->returns.values(t, 1), aaa[t + 1] / aaa[t] - 1.0) << t;
  }
  EXPECT_TRUE(require_complete_returns(*market));
}

TEST(Market, GivenPeriodsPerYearAndLogReturns) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  MarketOptions options{
      .selection = {.assets = {"AAA"}}, .periods_per_year = 252.0, .return_kind = ReturnKind::kLog};
  auto market = load_market(path, options);
  ASSERT_TRUE(market) << market.status().message();
  EXPECT_DOUBLE_EQ(market->frequency.periods_per_year, 252.0);
  EXPECT_FALSE(market->frequency.inferred);
  EXPECT_EQ(market->returns.kind, ReturnKind::kLog);
  EXPECT_NEAR(market->returns.values(0, 0), std::log(101.0 / 100.0), 1e-15);
}

TEST(Market, DateSelectionIsInclusive) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  MarketOptions options;
  auto selection = parse_selection("2024-01-02", "2024-01-05", "AAA");
  ASSERT_TRUE(selection);
  options.selection = *selection;
  auto market = load_market(path, options);
  ASSERT_TRUE(market) << market.status().message();
  EXPECT_EQ(market->panel.rows(), 4);
  EXPECT_EQ(market->returns.values.rows(), 3);
}

TEST(Market, ReaderNotesAreRecordedAsRepairs) {
  TempDir dir;
  const std::string path = dir.write("prices.csv",
                                     "date,AAA\n2024-01-01,1\n2024-01-02,2\n2024-01-02,3\n"
                                     "2024-01-03,4\n2024-01-04,5\n");
  MarketOptions options;
  options.read.duplicates = DuplicateTimestampPolicy::kKeepLast;
  auto market = load_market(path, options);
  ASSERT_TRUE(market) << market.status().message();
  ASSERT_FALSE(market->repairs.empty());
  EXPECT_EQ(market->repairs[0].action, "read");
  EXPECT_DOUBLE_EQ(market->returns.values(0, 0), 3.0 / 1.0 - 1.0);  // the last row was kept
}

TEST(Market, TheDefaultPolicyRefusesAGapByName) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  auto market = load_market(path, {.selection = {.assets = {"AAA", "BBB"}}});
  ASSERT_FALSE(market);
  EXPECT_NE(market.status().message().find("BBB"), std::string::npos) << market.status().message();
  EXPECT_NE(market.status().message().find("2024-01-04"), std::string::npos)
      << market.status().message();
}

TEST(Market, IncompleteReturnsAreNamed) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  // Forward fill never fills before CCC's first quote: its first returns stay missing.
  auto market =
      load_market(path, {.missing = {.kind = MissingPolicyKind::kForwardFill, .max_fill = 2}});
  ASSERT_TRUE(market) << market.status().message();
  const Status complete = require_complete_returns(*market);
  ASSERT_FALSE(complete);
  EXPECT_NE(complete.message().find("CCC has no return on 2024-01-02"), std::string::npos)
      << complete.message();
  EXPECT_NE(complete.message().find("ffill:2,drop-rows"), std::string::npos) << complete.message();

  // Dropping the rows that still miss a price leaves a complete history.
  auto rows = load_market(path, {.missing = {.kind = MissingPolicyKind::kForwardFill,
                                             .max_fill = 2,
                                             .then = MissingPolicyKind::kDropRows}});
  ASSERT_TRUE(rows) << rows.status().message();
  EXPECT_EQ(rows->panel.rows(), 5);
  EXPECT_TRUE(require_complete_returns(*rows));
}

TEST(Market, TooFewRowsAndBadOptionsAreErrors) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  auto short_market = load_market(
      path, {.selection = {.assets = {"CCC"}}, .missing = {.kind = MissingPolicyKind::kDropRows}});
  ASSERT_TRUE(short_market) << short_market.status().message();  // five rows remain

  auto selection = parse_selection("2024-01-01", "2024-01-02", "");
  ASSERT_TRUE(selection);
  auto two_rows = load_market(
      path, {.selection = *selection,
             .missing = {.kind = MissingPolicyKind::kDropAssets, .max_missing_fraction = 0.0}});
  ASSERT_FALSE(two_rows);
  EXPECT_NE(two_rows.status().message().find("at least 3"), std::string::npos)
      << two_rows.status().message();

  EXPECT_FALSE(load_market(path, {.periods_per_year = -1.0}));
  EXPECT_FALSE(load_market(dir.path("absent.csv")));
}

}  // namespace
}  // namespace keel
