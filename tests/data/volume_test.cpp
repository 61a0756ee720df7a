// average_daily_volume and quote_volume_from_base on panels whose answers are worked by hand.
#include "keel/data/volume.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Eigen::MatrixXd volumes() {
  Eigen::MatrixXd v(5, 3);
  // Asset 0: 100, 200, 300, 400, 500; asset 1 listed at row 2; asset 2 never trades.
  v << 100, kNaN, kNaN,  //
      200, kNaN, kNaN,   //
      300, 10, kNaN,     //
      400, 20, kNaN,     //
      500, 60, kNaN;
  return v;
}

TEST(AverageDailyVolume, MeanOfFiniteCellsOverTheWindowOnDailyData) {
  auto adv = average_daily_volume(volumes(), 365.0);
  ASSERT_TRUE(adv) << adv.status().message();
  EXPECT_DOUBLE_EQ((*adv)(0), 300.0);  // (100+...+500)/5
  EXPECT_DOUBLE_EQ((*adv)(1), 30.0);   // (10+20+60)/3
  EXPECT_DOUBLE_EQ((*adv)(2), 0.0);    // no volume: 0
  auto last2 = average_daily_volume(volumes(), 365.0, {.last_row = 3, .periods = 2});
  ASSERT_TRUE(last2);
  EXPECT_DOUBLE_EQ((*last2)(0), 350.0);  // rows 2..3: (300+400)/2
  EXPECT_DOUBLE_EQ((*last2)(1), 15.0);   // (10+20)/2
}

TEST(AverageDailyVolume, LaterRowsDoNotChangeAnEarlierWindow) {
  Eigen::MatrixXd v = volumes();
  auto before = average_daily_volume(v, 365.0, {.last_row = 2, .periods = 3});
  v.row(3).setConstant(1e9);
  v.row(4).setConstant(1e9);
  auto after = average_daily_volume(v, 365.0, {.last_row = 2, .periods = 3});
  ASSERT_TRUE(before && after);
  EXPECT_EQ(*before, *after);
}

TEST(AverageDailyVolume, HourlyVolumesAreScaledToADay) {
  // 24 hourly periods of 10 each: 240 per day.
  Eigen::MatrixXd v = Eigen::MatrixXd::Constant(24, 1, 10.0);
  auto adv = average_daily_volume(v, 8760.0);
  ASSERT_TRUE(adv);
  EXPECT_NEAR((*adv)(0), 240.0, 1e-9);
}

TEST(AverageDailyVolume, RejectsBadInput) {
  Eigen::MatrixXd v = volumes();
  v(1, 0) = -5.0;
  auto negative = average_daily_volume(v, 365.0);
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.status().message().find("row 1, column 0"), std::string::npos);
  EXPECT_FALSE(average_daily_volume(volumes(), 0.0));
  EXPECT_FALSE(average_daily_volume(volumes(), 365.0, {.last_row = 5, .periods = 1}));
  EXPECT_FALSE(average_daily_volume(volumes(), 365.0, {.last_row = 0, .periods = -1}));
}

TEST(QuoteVolumeFromBase, MultipliesByTheClose) {
  Eigen::MatrixXd base(2, 2), close(2, 2);
  base << 2, kNaN, 3, 4;
  close << 100, 5, kNaN, 0.5;
  auto quote = quote_volume_from_base(base, close);
  ASSERT_TRUE(quote);
  EXPECT_DOUBLE_EQ((*quote)(0, 0), 200.0);
  EXPECT_TRUE(std::isnan((*quote)(0, 1)));
  EXPECT_TRUE(std::isnan((*quote)(1, 0)));
  EXPECT_DOUBLE_EQ((*quote)(1, 1), 2.0);
  EXPECT_FALSE(quote_volume_from_base(base, close.topRows(1)));
}

}  // namespace
}  // namespace keel
