#include "keel/optimize/qp.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>

#include "optimize/qp_active_set.hpp"
#include "optimize/qp_interior_point.hpp"
#include "optimize/qp_internal.hpp"
#include "optimize/symmetry.hpp"

namespace keel {

namespace {

// A finite sum (one vectorised pass) proves every entry finite unless it overflowed; only then,
// or when it is not finite, is the entry-by-entry test (three times slower) needed.
bool all_finite(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  return std::isfinite(m.sum()) || m.allFinite();
}

}  // namespace

Status QpProblem::validate() const {
  const Eigen::Index n = q.size();
  if (n == 0) return Status::invalid("QP: q is empty; a problem needs at least one variable");
  if (P.rows() != n || P.cols() != n) {
    return Status::invalid(
        fmt::format("QP: P is {}x{} but q has {} entries; P must be n x n", P.rows(), P.cols(), n));
  }
  if (A.cols() != n && A.rows() > 0) {
    return Status::invalid(fmt::format("QP: A has {} columns, expected n = {}", A.cols(), n));
  }
  if (A.rows() != b.size()) {
    return Status::invalid(
        fmt::format("QP: A has {} rows but b has {} entries; they must agree", A.rows(), b.size()));
  }
  if (G.cols() != n && G.rows() > 0) {
    return Status::invalid(fmt::format("QP: G has {} columns, expected n = {}", G.cols(), n));
  }
  if (G.rows() != h.size()) {
    return Status::invalid(
        fmt::format("QP: G has {} rows but h has {} entries; they must agree", G.rows(), h.size()));
  }
  if (lower.size() != 0 && lower.size() != n) {
    return Status::invalid(
        fmt::format("QP: lower has {} entries, expected n = {} (or empty for no lower bounds)",
                    lower.size(), n));
  }
  if (upper.size() != 0 && upper.size() != n) {
    return Status::invalid(
        fmt::format("QP: upper has {} entries, expected n = {} (or empty for no upper bounds)",
                    upper.size(), n));
  }
  if (!all_finite(P)) return Status::invalid("QP: P has a NaN or infinite entry");
  if (!all_finite(q)) return Status::invalid("QP: q has a NaN or infinite entry");
  if (!all_finite(A) || !all_finite(b)) {
    return Status::invalid("QP: A or b has a NaN or infinite entry");
  }
  if (!all_finite(G) || !all_finite(h)) {
    return Status::invalid("QP: G or h has a NaN or infinite entry");
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    const double lo = qp_detail::lower_bound(*this, i);
    const double up = qp_detail::upper_bound(*this, i);
    if (std::isnan(lo) || std::isnan(up)) {
      return Status::invalid(fmt::format("QP: bound of variable {} is NaN", i));
    }
    if (lo == std::numeric_limits<double>::infinity() ||
        up == -std::numeric_limits<double>::infinity()) {
      return Status::invalid(
          fmt::format("QP: variable {} has lower = +inf or upper = -inf; use finite values", i));
    }
    if (lo > up) {
      return Status::invalid(fmt::format(
          "QP: variable {} has lower {} > upper {}; swap or relax the bounds", i, lo, up));
    }
  }
  const double scale = std::max(1.0, P.cwiseAbs().maxCoeff());
  if (detail::largest_asymmetry(P) > 1e-12 * scale && !P.isApprox(P.transpose(), 1e-12)) {
    return Status::invalid("QP: P is not symmetric; pass (P + Pᵀ)/2");
  }
  return Status::ok();
}

Status QpOptions::validate() const {
  if (!(tolerance > 0.0 && tolerance <= 1e-2)) {
    return Status::invalid(fmt::format(
        "QP options: tolerance = {} must lie in (0, 1e-2]; the default is 1e-10", tolerance));
  }
  if (max_iterations < 1) {
    return Status::invalid(
        fmt::format("QP options: max_iterations = {} must be at least 1", max_iterations));
  }
  if (!(time_limit_s >= 0.0) || !std::isfinite(time_limit_s)) {
    return Status::invalid("QP options: time_limit_s must be finite and >= 0 (0 = no limit)");
  }
  return Status::ok();
}

QpSolution solve_qp(const QpProblem& problem, const QpOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Status valid = problem.validate();
  if (valid.is_ok()) valid = options.validate();
  if (!valid.is_ok()) {
    QpSolution bad;
    bad.status = SolveStatus::kNumericalError;
    bad.message = valid.message();
    bad.solver = "none";
    bad.solve_ms = qp_detail::elapsed_ms(start);
    return bad;
  }
  QpSolution solution;
  switch (options.algorithm) {
    case QpAlgorithm::kInteriorPoint:
      solution = qp_detail::solve_interior_point(problem, options);
      break;
    case QpAlgorithm::kActiveSet:
      solution = qp_detail::solve_active_set(problem, options, /*auto_mode=*/false);
      break;
    case QpAlgorithm::kAuto:
      if (problem.G.rows() == 0) {
        solution = qp_detail::solve_active_set(problem, options, /*auto_mode=*/true);
      } else {
        solution = qp_detail::solve_interior_point(problem, options);
      }
      break;
  }
  solution.solve_ms = qp_detail::elapsed_ms(start);
  return solution;
}

}  // namespace keel
