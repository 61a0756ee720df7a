#include "keel/data/frequency.hpp"

#include <gtest/gtest.h>

namespace keel {
namespace {

// 2024-01-01 was a Monday.
Timestamp day(int offset) { return (days_from_civil({2024, 1, 1}) + offset) * kSecondsPerDay; }

std::vector<Timestamp> every(Timestamp start, Timestamp step, int n) {
  std::vector<Timestamp> out;
  for (int i = 0; i < n; ++i) out.push_back(start + step * i);
  return out;
}

TEST(InferFrequency, DailySevenDays) {
  const auto f = infer_frequency(every(day(0), kSecondsPerDay, 60));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->periods_per_year, 365.0);
  EXPECT_EQ(f->label, "daily (24/7)");
  EXPECT_EQ(f->median_step_s, kSecondsPerDay);
  EXPECT_TRUE(f->inferred);
}

TEST(InferFrequency, WeekdaysOnlyIs252EvenWithHolidayGaps) {
  std::vector<Timestamp> ts;
  for (int d = 0; d < 120; ++d) {
    if (weekday(day(d)) >= 5) continue;
    if (d == 14 || d == 50) continue;  // two holidays
    ts.push_back(day(d));
  }
  const auto f = infer_frequency(ts);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->periods_per_year, 252.0);
  EXPECT_EQ(f->label, "daily (weekdays)");
}

TEST(InferFrequency, DailyWithAFewGapsStays365) {
  auto ts = every(day(0), kSecondsPerDay, 100);
  ts.erase(ts.begin() + 40, ts.begin() + 52);  // a 12-day hole, as Coinbase in March 2019
  const auto f = infer_frequency(ts);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->periods_per_year, 365.0);
}

TEST(InferFrequency, HourlyWeeklyMonthly) {
  auto hourly = every(day(0) + 9 * 3600, 3600, 500);
  hourly.erase(hourly.begin() + 100, hourly.begin() + 104);
  EXPECT_EQ(infer_frequency(hourly)->periods_per_year, 8760.0);
  EXPECT_EQ(infer_frequency(hourly)->label, "hourly");
  EXPECT_EQ(infer_frequency(every(day(0), 7 * kSecondsPerDay, 30))->periods_per_year, 52.0);
  std::vector<Timestamp> monthly;
  for (int m = 1; m <= 12; ++m) monthly.push_back(days_from_civil({2023, m, 1}) * kSecondsPerDay);
  const auto f = infer_frequency(monthly);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->periods_per_year, 12.0);
  EXPECT_EQ(f->label, "monthly");
}

TEST(InferFrequency, OtherStepsUseSecondsPerYear) {
  const auto f = infer_frequency(every(0, 4 * 3600, 50));  // 4-hour bars
  ASSERT_TRUE(f.is_ok());
  EXPECT_DOUBLE_EQ(f->periods_per_year, 365.0 * 6.0);
  EXPECT_EQ(f->median_step_s, 4 * 3600);
}

TEST(InferFrequency, ShortDailySpanDefaultsTo365) {
  // Monday to Wednesday: no weekend seen, but under a week proves nothing.
  EXPECT_EQ(infer_frequency(every(day(0), kSecondsPerDay, 3))->periods_per_year, 365.0);
}

TEST(InferFrequency, Errors) {
  EXPECT_FALSE(infer_frequency({}).is_ok());
  EXPECT_FALSE(infer_frequency({day(0)}).is_ok());
  const auto unsorted = infer_frequency({day(1), day(0), day(2)});
  ASSERT_FALSE(unsorted.is_ok());
  EXPECT_NE(unsorted.status().message().find("strictly increasing"), std::string::npos);
  EXPECT_FALSE(infer_frequency({day(0), day(0)}).is_ok());
}

}  // namespace
}  // namespace keel
