#include "estimate/returns_checks.hpp"

#include <fmt/format.h>

#include <cmath>

namespace keel::estimate_internal {

std::string Labels::asset(Eigen::Index j) const {
  if (assets != nullptr && j >= 0 && static_cast<std::size_t>(j) < assets->size()) {
    return fmt::format("asset '{}' (column {})", (*assets)[static_cast<std::size_t>(j)], j);
  }
  return fmt::format("asset column {}", j);
}

std::string Labels::row(Eigen::Index t) const {
  if (timestamps != nullptr && t >= 0 && static_cast<std::size_t>(t) < timestamps->size()) {
    return fmt::format("row {} ({})", t,
                       format_timestamp((*timestamps)[static_cast<std::size_t>(t)]));
  }
  return fmt::format("row {}", t);
}

Status check_shape(Eigen::Ref<const Eigen::MatrixXd> returns, Eigen::Index min_rows,
                   std::string_view method, const Labels& labels) {
  if (returns.cols() == 0) {
    return Status::invalid(fmt::format("{}: the returns have no asset columns", method));
  }
  if (labels.assets != nullptr &&
      labels.assets->size() != static_cast<std::size_t>(returns.cols())) {
    return Status::invalid(fmt::format("{}: {} asset names for {} return columns", method,
                                       labels.assets->size(), returns.cols()));
  }
  if (returns.rows() < min_rows) {
    return Status::invalid(fmt::format(
        "{}: needs at least {} return rows, got {}; use a longer history (widen --start/--end)",
        method, min_rows, returns.rows()));
  }
  return Status::ok();
}

Status check_finite(Eigen::Ref<const Eigen::MatrixXd> returns, std::string_view method,
                    const Labels& labels, std::string_view missing_hint) {
  for (Eigen::Index j = 0; j < returns.cols(); ++j) {
    for (Eigen::Index t = 0; t < returns.rows(); ++t) {
      const double v = returns(t, j);
      if (std::isnan(v)) {
        if (!missing_hint.empty()) {
          return Status::invalid(fmt::format("{}: {} has a missing return at {}; {}", method,
                                             labels.asset(j), labels.row(t), missing_hint));
        }
        return Status::invalid(fmt::format(
            "{}: {} has a missing return at {}; choose a missing-data policy (drop-rows, "
            "ffill:N, drop-assets:F) or, for the sample covariance, pairwise",
            method, labels.asset(j), labels.row(t)));
      }
      if (!std::isfinite(v)) {
        return Status::invalid(
            fmt::format("{}: {} has an infinite return at {}; check the prices for zeros", method,
                        labels.asset(j), labels.row(t)));
      }
    }
  }
  return Status::ok();
}

Status check_no_infinity(Eigen::Ref<const Eigen::MatrixXd> returns, std::string_view method,
                         const Labels& labels) {
  for (Eigen::Index j = 0; j < returns.cols(); ++j) {
    for (Eigen::Index t = 0; t < returns.rows(); ++t) {
      if (std::isinf(returns(t, j))) {
        return Status::invalid(
            fmt::format("{}: {} has an infinite return at {}; check the prices for zeros", method,
                        labels.asset(j), labels.row(t)));
      }
    }
  }
  return Status::ok();
}

}  // namespace keel::estimate_internal
