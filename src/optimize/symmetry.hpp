#pragma once
// Private: the largest asymmetry of a square matrix, for input validation of covariances.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace keel::detail {

// max |m(i,j) − m(j,i)|. A plain m − mᵀ walks a column-major matrix across its rows and, for a
// 500 × 500 covariance, costs a third of a fast QP solve; here each tile below the diagonal is
// compared with a transposed copy of its mirror tile, small enough to stay in registers and L1.
inline double largest_asymmetry(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  constexpr Eigen::Index kTile = 16;
  const Eigen::Index n = m.rows();
  const Eigen::Index tiled = n / kTile * kTile;
  double worst = 0.0;
  Eigen::Matrix<double, kTile, kTile> mirror;
  for (Eigen::Index jb = 0; jb < tiled; jb += kTile) {
    for (Eigen::Index ib = jb; ib < tiled; ib += kTile) {
      mirror = m.block<kTile, kTile>(jb, ib).transpose();
      worst = std::max(worst, (m.block<kTile, kTile>(ib, jb) - mirror).cwiseAbs().maxCoeff());
    }
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = std::max(tiled, j + 1); i < n; ++i) {
      worst = std::max(worst, std::abs(m(i, j) - m(j, i)));
    }
  }
  return worst;
}

}  // namespace keel::detail
