#pragma once
// Test helpers for the JSON fixtures written by the reference scripts (make_qp_fixtures.py,
// make_frontier_fixtures.py): numbers, with infinities written as the strings "inf" / "-inf",
// vectors and row-major matrices of them.

#include <Eigen/Core>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace keel::test {

inline double json_fixture_number(const nlohmann::json& v) {
  if (v.is_string()) {
    return v.get<std::string>() == "inf" ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
  }
  return v.get<double>();
}

inline Eigen::VectorXd json_fixture_vector(const nlohmann::json& v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) {
    out[static_cast<Eigen::Index>(i)] = json_fixture_number(v[i]);
  }
  return out;
}

inline Eigen::MatrixXd json_fixture_matrix(const nlohmann::json& v, Eigen::Index cols) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(v.size()), cols);
  for (std::size_t i = 0; i < v.size(); ++i) {
    for (Eigen::Index j = 0; j < cols; ++j) {
      out(static_cast<Eigen::Index>(i), j) = json_fixture_number(v[i][static_cast<std::size_t>(j)]);
    }
  }
  return out;
}

}  // namespace keel::test
