#include "keel/data/write_prices.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "data/test_files.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace {

using testing::TempDir;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The names are read back as written: "ETH/USDT" would otherwise be normalised to ETH.
const ReadOptions kAsWritten{.keep_raw_symbols = true};

// Random prices spanning many magnitudes, with leading (ragged) and inner NaNs.
PricePanel random_panel(Timestamp step, bool with_volumes) {
  std::mt19937_64 rng(20240202);
  std::uniform_real_distribution<double> exponent(-9.0, 6.0);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  PricePanel p;
  p.assets = {"BTC", "ETH/USDT", "A,B", "PEPE"};
  const int rows = 40;
  for (int i = 0; i < rows; ++i) p.timestamps.push_back(1700000000 / step * step + i * step);
  p.prices.resize(rows, 4);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < 4; ++j) p.prices(i, j) = mantissa(rng) * std::pow(10.0, exponent(rng));
  }
  p.prices(0, 3) = kNaN;  // listed late
  p.prices(1, 3) = kNaN;
  p.prices(7, 1) = kNaN;       // a gap
  p.prices(2, 0) = 0.1 + 0.2;  // needs 17 digits
  if (with_volumes) {
    p.volumes = p.prices.array().isNaN().select(kNaN, p.prices * 1234.5);
    p.volumes(5, 0) = 0.0;
  }
  return p;
}

void expect_same(const PricePanel& a, const PricePanel& b, bool compare_volumes) {
  ASSERT_EQ(a.assets, b.assets);
  ASSERT_EQ(a.timestamps, b.timestamps);
  ASSERT_EQ(a.prices.rows(), b.prices.rows());
  for (Eigen::Index i = 0; i < a.prices.rows(); ++i) {
    for (Eigen::Index j = 0; j < a.prices.cols(); ++j) {
      const double x = a.prices(i, j);
      const double y = b.prices(i, j);
      ASSERT_TRUE((std::isnan(x) && std::isnan(y)) || x == y)
          << i << "," << j << ": " << x << " vs " << y;
      if (compare_volumes) {
        const double v = a.volumes(i, j);
        const double w = b.volumes(i, j);
        ASSERT_TRUE((std::isnan(v) && std::isnan(w)) || v == w) << i << "," << j;
      }
    }
  }
}

TEST(WritePrices, WideRoundTripIsBitExactDaily) {
  TempDir dir;
  const PricePanel p = random_panel(kSecondsPerDay, false);
  ASSERT_TRUE(write_wide_csv(p, dir.path("w.csv")).is_ok());
  const auto back = read_prices(dir.path("w.csv"), kAsWritten);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  expect_same(p, *back, false);
}

TEST(WritePrices, WideRoundTripHourlyGzip) {
  TempDir dir;
  const PricePanel p = random_panel(3600, false);
  ASSERT_TRUE(write_wide_csv(p, dir.path("w.csv.gz")).is_ok());
  const auto back = read_prices(dir.path("w.csv.gz"), kAsWritten);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  expect_same(p, *back, false);
}

TEST(WritePrices, LongRoundTripWithVolumes) {
  TempDir dir;
  const PricePanel p = random_panel(kSecondsPerDay, true);
  ASSERT_TRUE(write_long_csv(p, dir.path("l.csv")).is_ok());
  const auto back = read_prices(dir.path("l.csv"), kAsWritten);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  ASSERT_TRUE(back->has_volumes());
  expect_same(p, *back, true);
}

TEST(WritePrices, ShapeMismatchAndBadPathFail) {
  TempDir dir;
  PricePanel p = random_panel(kSecondsPerDay, false);
  p.assets.pop_back();
  EXPECT_FALSE(write_wide_csv(p, dir.path("x.csv")).is_ok());
  const PricePanel q = random_panel(kSecondsPerDay, false);
  const Status s = write_wide_csv(q, "/nonexistent-dir/keel/x.csv");
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/keel/x.csv"), std::string::npos);
}

}  // namespace
}  // namespace keel
