// Min–max decimation keeps the first and last points, the extremes and every bucket's min and max;
// stride sampling keeps the ends and spreads evenly.
#include "keel/report/downsample.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "support/random_problems.hpp"

namespace keel::report {
namespace {

Eigen::VectorXd random_walk(Eigen::Index n, unsigned seed) {
  Random rng(seed);
  Eigen::VectorXd v(n);
  double x = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) v(i) = (x += rng.normal());
  return v;
}

TEST(Downsample, ShortSeriesAreKeptWhole) {
  const Eigen::VectorXd v = random_walk(100, 1);
  const auto keep = downsample_indices(v, 100);
  ASSERT_EQ(keep.size(), 100u);
  for (std::size_t i = 0; i < keep.size(); ++i) EXPECT_EQ(keep[i], static_cast<Eigen::Index>(i));
  EXPECT_TRUE(downsample_indices(Eigen::VectorXd(), 10).empty());
}

TEST(Downsample, KeepsEndsExtremesAndEveryBucketsMinAndMax) {
  const Eigen::Index n = 25000;
  Eigen::VectorXd v = random_walk(n, 7);
  v(12345) = 1e6;   // a one-day spike
  v(20001) = -1e6;  // a one-day crash
  const Eigen::Index max_points = 2000;
  const auto keep = downsample_indices(v, max_points);
  EXPECT_LE(static_cast<Eigen::Index>(keep.size()), max_points);
  EXPECT_GT(static_cast<Eigen::Index>(keep.size()), max_points / 2);
  EXPECT_TRUE(std::is_sorted(keep.begin(), keep.end()));
  EXPECT_EQ(std::adjacent_find(keep.begin(), keep.end()), keep.end());
  EXPECT_EQ(keep.front(), 0);
  EXPECT_EQ(keep.back(), n - 1);
  auto kept = [&](Eigen::Index i) { return std::binary_search(keep.begin(), keep.end(), i); };
  EXPECT_TRUE(kept(12345));
  EXPECT_TRUE(kept(20001));
  // Bucket by bucket, computed independently: interior rows 1..n−2 in B = (2000 − 2)/2 = 999
  // buckets; bucket b covers [1 + b(n−2)/B, 1 + (b+1)(n−2)/B).
  const Eigen::Index buckets = (max_points - 2) / 2;
  for (Eigen::Index b = 0; b < buckets; b += 97) {
    const Eigen::Index begin = 1 + b * (n - 2) / buckets;
    const Eigen::Index end = 1 + (b + 1) * (n - 2) / buckets;
    Eigen::Index lo = begin;
    Eigen::Index hi = begin;
    v.segment(begin, end - begin).minCoeff(&lo);
    v.segment(begin, end - begin).maxCoeff(&hi);
    EXPECT_TRUE(kept(begin + lo)) << "bucket " << b;
    EXPECT_TRUE(kept(begin + hi)) << "bucket " << b;
  }
}

TEST(Downsample, NaNsAreSkippedNotKept) {
  Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(1000, 0.0, 1.0);
  v.segment(100, 400).setConstant(std::nan(""));
  const auto keep = downsample_indices(v, 100);
  for (Eigen::Index i : keep) {
    if (i != 0 && i != 999) {
      EXPECT_TRUE(std::isfinite(v(i))) << i;
    }
  }
  EXPECT_LE(keep.size(), 100u);
}

TEST(Downsample, TinyCapsAreRaisedToFour) {
  const Eigen::VectorXd v = random_walk(50, 3);
  const auto keep = downsample_indices(v, 1);
  EXPECT_LE(keep.size(), 4u);
  EXPECT_EQ(keep.front(), 0);
  EXPECT_EQ(keep.back(), 49);
}

TEST(Downsample, StrideKeepsEndsAndSpreadsEvenly) {
  const auto keep = stride_indices(10000, 2000);
  ASSERT_EQ(keep.size(), 2000u);
  EXPECT_EQ(keep.front(), 0);
  EXPECT_EQ(keep.back(), 9999);
  for (std::size_t i = 1; i < keep.size(); ++i) {
    const Eigen::Index gap = keep[i] - keep[i - 1];
    EXPECT_GE(gap, 5);  // 9999/1999 = 5.002…: gaps of 5, or 6 where the rounding catches up
    EXPECT_LE(gap, 6);
  }
  EXPECT_EQ(stride_indices(5, 2000).size(), 5u);
  EXPECT_TRUE(stride_indices(0).empty());
}

}  // namespace
}  // namespace keel::report
