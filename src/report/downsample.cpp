#include "keel/report/downsample.hpp"

#include <algorithm>
#include <cmath>

namespace keel::report {

std::vector<Eigen::Index> downsample_indices(const Eigen::Ref<const Eigen::VectorXd>& values,
                                             Eigen::Index max_points) {
  const Eigen::Index rows = values.size();
  max_points = std::max<Eigen::Index>(max_points, 4);
  std::vector<Eigen::Index> keep;
  if (rows <= max_points) {
    keep.resize(static_cast<std::size_t>(rows));
    for (Eigen::Index i = 0; i < rows; ++i) keep[static_cast<std::size_t>(i)] = i;
    return keep;
  }
  const Eigen::Index interior = rows - 2;
  const Eigen::Index buckets = (max_points - 2) / 2;
  keep.reserve(static_cast<std::size_t>(2 * buckets + 2));
  keep.push_back(0);
  for (Eigen::Index b = 0; b < buckets; ++b) {
    // Rows [begin, end) of the interior 1..rows−2, split as evenly as integers allow.
    const Eigen::Index begin = 1 + b * interior / buckets;
    const Eigen::Index end = 1 + (b + 1) * interior / buckets;
    Eigen::Index lo = -1;
    Eigen::Index hi = -1;
    for (Eigen::Index i = begin; i < end; ++i) {
      const double v = values(i);
      if (!std::isfinite(v)) continue;
      if (lo < 0 || v < values(lo)) lo = i;
      if (hi < 0 || v > values(hi)) hi = i;
    }
    if (lo < 0) continue;
    keep.push_back(std::min(lo, hi));
    if (lo != hi) keep.push_back(std::max(lo, hi));
  }
  keep.push_back(rows - 1);
  return keep;
}

std::vector<Eigen::Index> stride_indices(Eigen::Index rows, Eigen::Index max_points) {
  max_points = std::max<Eigen::Index>(max_points, 2);
  std::vector<Eigen::Index> keep;
  if (rows <= 0) return keep;
  if (rows <= max_points) {
    for (Eigen::Index i = 0; i < rows; ++i) keep.push_back(i);
    return keep;
  }
  // max_points positions evenly spread over [0, rows − 1], rounded down; distinct because the
  // spacing (rows − 1)/(max_points − 1) exceeds one.
  for (Eigen::Index k = 0; k < max_points; ++k) keep.push_back(k * (rows - 1) / (max_points - 1));
  return keep;
}

}  // namespace keel::report
