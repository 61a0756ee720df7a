// Gaps in time (issue 14, "Gaps"): shuffled rows are refused unless sorted on request, forward fill
// bridges internal gaps only (so ragged listings work), and inspection reports calendar gaps.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "keel/data/frequency.hpp"
#include "keel/data/inspect.hpp"
#include "keel/data/missing.hpp"
#include "keel/data/read_prices.hpp"
#include "test_files.hpp"

namespace keel {
namespace {

using testing::TempDir;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

TEST(UnsortedRows, ShuffledWideFileNamesTheFirstLineOutOfOrder) {
  TempDir dir;
  const auto path = dir.write("shuffled.csv",
                              "date,A,B\n"
                              "2024-01-01,1,10\n"   // line 2
                              "2024-01-02,2,20\n"   // line 3
                              "2024-01-04,4,40\n"   // line 4
                              "2024-01-03,3,30\n"   // line 5: out of order
                              "2024-01-05,5,50\n"   // line 6
                              "2024-01-06,6,60\n");
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  const std::string& m = strict.status().message();
  EXPECT_TRUE(contains(m, "shuffled.csv:5: timestamp 2024-01-03 is out of time order")) << m;
  EXPECT_TRUE(contains(m, "follows 2024-01-04 (line 4)")) << m;
  EXPECT_TRUE(contains(m, "oldest first")) << m;
  EXPECT_TRUE(contains(m, "--sort")) << m;

  const auto sorted = read_prices(path, ReadOptions{.sort = true});
  ASSERT_TRUE(sorted.is_ok()) << sorted.status().message();
  for (Eigen::Index r = 0; r < 6; ++r) EXPECT_EQ(sorted->prices(r, 0), static_cast<double>(r + 1));
  ASSERT_EQ(sorted->notes.size(), 1u);
  EXPECT_TRUE(contains(sorted->notes[0], "1 rows were out of time order")) << sorted->notes[0];
}

TEST(UnsortedRows, AscendingAndDescendingFilesNeedNoSort) {
  TempDir dir;
  const auto down = read_prices(dir.write("down.csv", "date,A\n2024-01-03,3\n2024-01-02,2\n"
                                                      "2024-01-01,1\n"));
  ASSERT_TRUE(down.is_ok()) << down.status().message();
  EXPECT_TRUE(down->notes.empty());
  EXPECT_EQ(down->prices(0, 0), 1.0);
}

TEST(UnsortedRows, LongFileIsJudgedPerSymbolAndNamesIt) {
  TempDir dir;
  const auto path = dir.write("long.csv",
                              "date,symbol,close\n"
                              "2024-01-01,A,1\n2024-01-02,A,2\n2024-01-03,A,3\n"  // lines 2-4
                              "2024-01-01,B,1\n2024-01-03,B,3\n2024-01-02,B,2\n"  // line 7 breaks
                              "2024-01-04,B,4\n");
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  const std::string& m = strict.status().message();
  EXPECT_TRUE(contains(m, "long.csv:7: symbol 'B': timestamp 2024-01-02")) << m;
  EXPECT_TRUE(contains(m, "follows 2024-01-03 (line 6)")) << m;
  const auto sorted = read_prices(path, ReadOptions{.sort = true});
  ASSERT_TRUE(sorted.is_ok()) << sorted.status().message();
  EXPECT_EQ(sorted->prices(1, 1), 2.0);
  ASSERT_EQ(sorted->notes.size(), 1u);
}

// Staggered listings: A from day 0, B listed on day 3 with a 2-day gap later, C delisted on day 7.
PricePanel staggered() {
  PricePanel p;
  p.source = "staggered.csv";
  p.assets = {"A", "B", "C"};
  for (int d = 0; d < 10; ++d) p.timestamps.push_back(day(2024, 1, 1) + d * kSecondsPerDay);
  p.prices.resize(10, 3);
  p.prices << 1, kNaN, 5,  //
      2, kNaN, 5,          //
      3, kNaN, 5,          //
      4, 10, 5,            //
      5, 11, 5,            //
      6, kNaN, 5,          //
      7, kNaN, 5,          //
      8, 14, 5,            //
      9, 15, kNaN,         //
      10, 16, kNaN;
  return p;
}

TEST(ForwardFill, FillsInternalGapsOnlyAndWorksOnStaggeredListings) {
  const auto policy = parse_missing_policy("ffill:2");
  ASSERT_TRUE(policy.is_ok());
  const auto r = apply_missing_policy(staggered(), *policy);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Eigen::MatrixXd& p = r->panel.prices;
  EXPECT_EQ(p(5, 1), 11.0);
  EXPECT_EQ(p(6, 1), 11.0);
  for (Eigen::Index t = 0; t < 3; ++t) EXPECT_TRUE(std::isnan(p(t, 1))) << "before B's listing";
  EXPECT_TRUE(std::isnan(p(8, 2)) && std::isnan(p(9, 2))) << "after C's last quote";
  ASSERT_EQ(r->repairs.size(), 2u);
  EXPECT_TRUE(contains(r->repairs[0].detail, "B (2)")) << r->repairs[0].detail;
  EXPECT_TRUE(contains(r->repairs[1].detail, "kept 5 cells")) << r->repairs[1].detail;
}

TEST(ForwardFill, SecondStepDropsWhatFillNeverTouches) {
  const auto rows = parse_missing_policy("ffill:2,drop-rows");
  ASSERT_TRUE(rows.is_ok()) << rows.status().message();
  EXPECT_EQ(to_string(*rows), "ffill:2,drop-rows");
  const auto r = apply_missing_policy(staggered(), *rows);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->panel.rows(), 5);  // days 3..7: B listed, C still quoted
  EXPECT_EQ(r->panel.timestamps.front(), day(2024, 1, 4));
  ASSERT_EQ(r->repairs.size(), 2u);
  EXPECT_EQ(r->repairs[1].action, "drop-rows");

  const auto assets = parse_missing_policy("ffill:2,drop-assets:0.25");
  ASSERT_TRUE(assets.is_ok()) << assets.status().message();
  EXPECT_EQ(to_string(*assets), "ffill:2,drop-assets:0.25");
  const auto a = apply_missing_policy(staggered(), *assets);
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  EXPECT_EQ(a->panel.assets, (std::vector<std::string>{"A", "C"}));  // B misses 30% of rows

  for (const char* bad : {"drop-rows,ffill:2", "ffill:2,ffill:3", "ffill:2,nonsense"}) {
    EXPECT_FALSE(parse_missing_policy(bad).is_ok()) << bad;
  }
}

TEST(ForwardFill, GapLongerThanNIsNamed) {
  const auto r = apply_missing_policy(staggered(), *parse_missing_policy("ffill:1"));
  ASSERT_FALSE(r.is_ok());
  const std::string& m = r.status().message();
  EXPECT_TRUE(contains(m, "asset 'B' on 2024-01-06 (a gap of 2 period(s)")) << m;
  EXPECT_TRUE(contains(m, "ends on 2024-01-07")) << m;
}

TEST(CalendarGaps, DatesMissingForEveryAssetAreReported) {
  PricePanel p;
  p.source = "holes.csv";
  p.assets = {"A", "B"};
  // Daily 2024-01-01 .. 2024-01-20 without 01-08 .. 01-11 (4 days).
  for (int d = 0; d < 20; ++d) {
    if (d >= 7 && d <= 10) continue;
    p.timestamps.push_back(day(2024, 1, 1) + d * kSecondsPerDay);
  }
  p.prices = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(p.timestamps.size()), 2, 1.0);
  for (Eigen::Index t = 0; t < p.prices.rows(); ++t) p.prices(t, 0) = 100.0 + static_cast<double>(t);
  const auto f = infer_frequency(p.timestamps);
  ASSERT_TRUE(f.is_ok());
  const auto report = inspect_panel(p, *f);
  ASSERT_EQ(report.calendar_gaps.size(), 1u);
  EXPECT_EQ(report.calendar_gaps[0].after, day(2024, 1, 7));
  EXPECT_EQ(report.calendar_gaps[0].before, day(2024, 1, 12));
  EXPECT_EQ(report.calendar_gaps[0].missing_periods, 4);
  EXPECT_EQ(report.calendar_missing, 4);
  EXPECT_EQ(report.per_asset[0].missing, 0);  // no row lacks a price ...
  EXPECT_EQ(report.per_asset[0].calendar_missing, 4);  // ... but four dates lack a row
  bool found = false;
  for (const auto& finding : report.findings) {
    if (finding.kind == "calendar-gap") {
      found = true;
      EXPECT_TRUE(contains(finding.message, "between 2024-01-07 and 2024-01-12")) << finding.message;
    }
  }
  EXPECT_TRUE(found);
  const Json doc = report.to_json();
  EXPECT_EQ(doc["calendar_missing"], 4);
  EXPECT_EQ(doc["calendar_gaps"][0]["missing_periods"], 4);
}

TEST(CalendarGaps, WeekendsAndHolidaysOfAWeekdayCalendarAreNotGaps) {
  PricePanel p;
  p.source = "stocks.csv";
  p.assets = {"S"};
  // Weekdays of January to March 2024 without 2024-01-15 (a Monday holiday).
  for (Timestamp t = day(2024, 1, 1); t <= day(2024, 3, 29); t += kSecondsPerDay) {
    if (weekday(t) >= 5 || t == day(2024, 1, 15)) continue;
    p.timestamps.push_back(t);
  }
  p.prices = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(p.timestamps.size()), 1, 10.0);
  const auto f = infer_frequency(p.timestamps);
  ASSERT_TRUE(f.is_ok());
  ASSERT_EQ(f->periods_per_year, 252.0);
  EXPECT_TRUE(inspect_panel(p, *f).calendar_gaps.empty());
  // A missing week is a gap (5 weekdays).
  std::vector<Timestamp> kept;
  for (Timestamp t : p.timestamps) {
    if (t < day(2024, 2, 5) || t > day(2024, 2, 9)) kept.push_back(t);
  }
  p.timestamps = kept;
  p.prices = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(kept.size()), 1, 10.0);
  const auto report = inspect_panel(p, *f);
  ASSERT_EQ(report.calendar_gaps.size(), 1u);
  EXPECT_EQ(report.calendar_gaps[0].missing_periods, 5);
}

}  // namespace
}  // namespace keel
