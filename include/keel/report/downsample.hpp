#pragma once
// Downsampling of long series for charts, so that a 2500-day backtest of many strategies stays a
// file of a few megabytes that a browser draws in well under a second.
//
// The rule (min–max decimation): a series of T ≤ max_points rows is kept whole. A longer one keeps
// its first and last rows, and splits the T − 2 rows between them into B = ⌊(max_points − 2)/2⌋
// contiguous buckets of (nearly) equal length; from each bucket it keeps the row of the smallest
// and the row of the largest finite value (the first one on ties), in time order. So at most
// max_points rows survive, every local spike wider than a bucket survives, and the global minimum
// and maximum always do (a drawdown's trough, an equity curve's peak). A bucket with no finite
// value keeps nothing. Unlike stride sampling (every k-th row), nothing extreme is skipped.

#include <Eigen/Core>
#include <vector>

namespace keel::report {

// Default cap per series in the chart builders of charts.hpp.
inline constexpr Eigen::Index kMaxPointsPerSeries = 2000;

// Row indices to keep, increasing and distinct, by the rule above. max_points below 4 is treated
// as 4. An empty series gives no rows.
std::vector<Eigen::Index> downsample_indices(const Eigen::Ref<const Eigen::VectorXd>& values,
                                             Eigen::Index max_points = kMaxPointsPerSeries);

// At most max_points indices of 0..rows−1 evenly spread (stride sampling), always with the first
// and the last: for series that must share their timestamps (stacked areas), where min–max rows
// of one series mean nothing for the others. rows ≤ max_points gives every row.
std::vector<Eigen::Index> stride_indices(Eigen::Index rows,
                                         Eigen::Index max_points = kMaxPointsPerSeries);

}  // namespace keel::report
