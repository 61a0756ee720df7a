#include "keel/data/select.hpp"

#include <gtest/gtest.h>

namespace keel {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

Timestamp day(int d) { return days_from_civil({2024, 1, d}) * kSecondsPerDay; }

// Hourly rows 2024-01-01 00:00 .. 2024-01-03 23:00, three assets.
PricePanel hourly() {
  PricePanel p;
  p.assets = {"BTC", "ETH", "SOL"};
  for (int h = 0; h < 72; ++h) p.timestamps.push_back(day(1) + h * 3600);
  p.prices.resize(72, 3);
  for (int h = 0; h < 72; ++h) p.prices.row(h) << 100 + h, 10 + h, 1 + h;
  p.volumes = p.prices * 2.0;
  p.notes = {"a reader note"};
  return p;
}

TEST(Select, DateOnlyEndIncludesTheWholeDay) {
  const auto sel = parse_selection("2024-01-02", "2024-01-02", "");
  ASSERT_TRUE(sel.is_ok());
  EXPECT_EQ(*sel->start, day(2));
  EXPECT_EQ(*sel->end, day(3) - 1);
  const auto p = select(hourly(), *sel);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->rows(), 24);
  EXPECT_EQ(p->timestamps.front(), day(2));
  EXPECT_EQ(p->timestamps.back(), day(2) + 23 * 3600);
  EXPECT_EQ(p->prices(0, 0), 124.0);
  EXPECT_EQ(p->volumes(0, 0), 248.0);
  EXPECT_EQ(p->notes, hourly().notes);
}

TEST(Select, DateTimeBoundsAreInclusive) {
  const auto sel = parse_selection("2024-01-01T10:00:00Z", "2024-01-01 12:00", "");
  ASSERT_TRUE(sel.is_ok());
  const auto p = select(hourly(), *sel);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->rows(), 3);
}

TEST(Select, AssetsInTheGivenOrder) {
  const auto sel = parse_selection("", "", " SOL, BTC ");
  ASSERT_TRUE(sel.is_ok());
  EXPECT_FALSE(sel->start.has_value());
  const auto p = select(hourly(), *sel);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->assets, (std::vector<std::string>{"SOL", "BTC"}));
  EXPECT_EQ(p->rows(), 72);
  EXPECT_EQ(p->prices(5, 0), 6.0);
  EXPECT_EQ(p->prices(5, 1), 105.0);
  EXPECT_EQ(p->volumes(5, 0), 12.0);
}

TEST(Select, UnknownAssetSuggestsClosestName) {
  const auto p = select(hourly(), PanelSelection{.assets = {"BTC", "eth"}});
  ASSERT_FALSE(p.is_ok());
  EXPECT_TRUE(contains(p.status().message(), "unknown asset 'eth'")) << p.status().message();
  EXPECT_TRUE(contains(p.status().message(), "did you mean 'ETH'")) << p.status().message();
  const auto q = select(hourly(), PanelSelection{.assets = {"SOLL"}});
  ASSERT_FALSE(q.is_ok());
  EXPECT_TRUE(contains(q.status().message(), "did you mean 'SOL'")) << q.status().message();
  const auto twice = select(hourly(), PanelSelection{.assets = {"BTC", "BTC"}});
  ASSERT_FALSE(twice.is_ok());
  EXPECT_TRUE(contains(twice.status().message(), "listed twice"));
}

TEST(Select, EmptyAndInvertedRanges) {
  const auto empty = select(hourly(), *parse_selection("2025-01-01", "", ""));
  ASSERT_FALSE(empty.is_ok());
  EXPECT_TRUE(
      contains(empty.status().message(), "the panel covers 2024-01-01 .. 2024-01-03T23:00:00Z"))
      << empty.status().message();
  const auto inverted = select(hourly(), *parse_selection("2024-01-03", "2024-01-02", ""));
  ASSERT_FALSE(inverted.is_ok());
  EXPECT_TRUE(contains(inverted.status().message(), "after --end"));
}

TEST(Select, ParseErrors) {
  const auto bad_date = parse_selection("yesterday", "", "");
  ASSERT_FALSE(bad_date.is_ok());
  EXPECT_TRUE(contains(bad_date.status().message(), "--start 'yesterday'"));
  const auto bad_list = parse_selection("", "", "BTC,,ETH");
  ASSERT_FALSE(bad_list.is_ok());
  EXPECT_TRUE(contains(bad_list.status().message(), "empty name"));
}

}  // namespace
}  // namespace keel
