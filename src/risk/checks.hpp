#pragma once
// Input checks shared by the risk module: finite values, shapes, option ranges. Messages name the
// row/asset and suggest a fix (docs/architecture.md section 6).

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <string_view>

#include "keel/core/status.hpp"

namespace keel::risk_detail {

inline Status check_series(Eigen::Ref<const Eigen::VectorXd> r, std::string_view what,
                           Eigen::Index min_rows) {
  if (r.size() < min_rows) {
    return Status::invalid(std::string(what) + ": " + std::to_string(r.size()) +
                           " observations, need at least " + std::to_string(min_rows) +
                           "; pass a longer history");
  }
  for (Eigen::Index t = 0; t < r.size(); ++t) {
    if (!std::isfinite(r[t])) {
      return Status::invalid(std::string(what) + ": row " + std::to_string(t) + " is not finite (" +
                             std::to_string(r[t]) +
                             "); apply a missing-data policy (drop-rows, ffill) before risk");
    }
  }
  return Status::ok();
}

inline Status check_matrix(Eigen::Ref<const Eigen::MatrixXd> m, std::string_view what,
                           Eigen::Index min_rows) {
  if (m.rows() < min_rows || m.cols() < 1) {
    return Status::invalid(std::string(what) + ": shape " + std::to_string(m.rows()) + " x " +
                           std::to_string(m.cols()) + ", need at least " +
                           std::to_string(min_rows) + " rows and one asset column");
  }
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    for (Eigen::Index t = 0; t < m.rows(); ++t) {
      if (!std::isfinite(m(t, j))) {
        return Status::invalid(std::string(what) + ": row " + std::to_string(t) +
                               ", asset column " + std::to_string(j) + " is not finite (" +
                               std::to_string(m(t, j)) +
                               "); apply a missing-data policy (drop-rows, ffill) before risk");
      }
    }
  }
  return Status::ok();
}

inline Status check_weights(Eigen::Ref<const Eigen::VectorXd> w, Eigen::Index assets) {
  if (w.size() != assets) {
    return Status::invalid("weights: " + std::to_string(w.size()) + " entries for " +
                           std::to_string(assets) + " asset columns; pass one weight per asset");
  }
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    if (!std::isfinite(w[i])) {
      return Status::invalid("weights: asset " + std::to_string(i) +
                             " has a non-finite weight; pass finite fractions of value");
    }
  }
  return Status::ok();
}

inline Status check_confidence(double confidence, std::string_view option) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::invalid(std::string(option) + " = " + std::to_string(confidence) +
                           " is outside (0, 1); use e.g. 0.95 for a 95% VaR");
  }
  return Status::ok();
}

}  // namespace keel::risk_detail
