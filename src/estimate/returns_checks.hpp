#pragma once
// Input checks shared by the static estimators (expected returns, covariance): messages name the
// asset and the row (or date) and suggest a fix.

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/status.hpp"
#include "keel/core/time.hpp"

namespace keel::estimate_internal {

// Names for messages: the asset name when known, else "asset column j" (0-based).
struct Labels {
  const std::vector<std::string>* assets = nullptr;
  const std::vector<Timestamp>* timestamps = nullptr;

  std::string asset(Eigen::Index j) const;
  std::string row(Eigen::Index t) const;
};

// Non-empty T × N with T ≥ min_rows and N ≥ 1.
Status check_shape(Eigen::Ref<const Eigen::MatrixXd> returns, Eigen::Index min_rows,
                   std::string_view method, const Labels& labels);

// Rejects NaN/inf, naming the first bad cell, and suggests a missing-data policy. `missing_hint`
// replaces the default suggestion for NaN (which mentions the pairwise sample covariance).
Status check_finite(Eigen::Ref<const Eigen::MatrixXd> returns, std::string_view method,
                    const Labels& labels, std::string_view missing_hint = {});

// Rejects ±inf anywhere (NaN allowed), for the estimators that skip NaN.
Status check_no_infinity(Eigen::Ref<const Eigen::MatrixXd> returns, std::string_view method,
                         const Labels& labels);

}  // namespace keel::estimate_internal
