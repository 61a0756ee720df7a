#pragma once
// Deleting a free variable from a Cholesky factor L (lower triangular, leading k × k block of
// `l`) without refactoring: drop row `pos`, after which rows pos..k−2 have one entry right of the
// diagonal; Givens rotations on column pairs (i, i+1) restore the triangle (LLᵀ is unchanged by
// column rotations) and the diagonal is made positive again. Shared by the active-set QP and the
// critical line algorithm. `on_rotation(i, c, s)` lets a caller apply the same rotation to data
// kept alongside L (e.g. L⁻¹v); `on_flip(i)` is called when row i's sign is flipped.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace keel::detail {

template <typename OnRotation, typename OnFlip>
void delete_cholesky_row(Eigen::MatrixXd& l, Eigen::Index k, Eigen::Index pos,
                         OnRotation&& on_rotation, OnFlip&& on_flip) {
  using Index = Eigen::Index;
  // Shift rows pos+1.. up by one, column by column (contiguous in column-major storage).
  for (Index c = 0; c < k; ++c) {
    double* column = l.col(c).data();
    std::copy(column + pos + 1, column + k, column + pos);
  }
  for (Index i = pos; i + 1 < k; ++i) {
    const double a = l(i, i);
    const double b = l(i, i + 1);
    if (b == 0.0) continue;
    const double r = std::hypot(a, b);
    const double c = a / r;
    const double s = b / r;
    for (Index row = i; row + 1 < k; ++row) {
      const double u = l(row, i);
      const double v = l(row, i + 1);
      l(row, i) = c * u + s * v;
      l(row, i + 1) = -s * u + c * v;
    }
    on_rotation(i, c, s);
  }
  for (Index i = pos; i + 1 < k; ++i) {
    if (l(i, i) < 0.0) {
      l.col(i).segment(i, k - 1 - i) *= -1.0;
      on_flip(i);
    }
    l(i, k - 1) = 0.0;
  }
}

}  // namespace keel::detail
