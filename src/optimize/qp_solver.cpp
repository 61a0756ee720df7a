#include "keel/optimize/qp_solver.hpp"

#include <cmath>

#include "optimize/qp_internal.hpp"

namespace keel {

namespace {

// The active set's own acceptance test for a warm x (qp_active_set.cpp): every constraint within
// 1e-9 · (1 + scale).
bool satisfies(const QpProblem& problem, const Eigen::VectorXd& x) {
  if (x.size() != problem.variables() || !x.allFinite()) return false;
  const double tol = 1e-9 * (1.0 + qp_detail::constraint_scale(problem));
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (x[i] < qp_detail::lower_bound(problem, i) - tol ||
        x[i] > qp_detail::upper_bound(problem, i) + tol) {
      return false;
    }
  }
  if (problem.A.rows() > 0 && (problem.A * x - problem.b).cwiseAbs().maxCoeff() > tol) {
    return false;
  }
  return problem.G.rows() == 0 || (problem.G * x - problem.h).maxCoeff() <= tol;
}

}  // namespace

QpSolution QpSolver::solve(const QpProblem& problem, const QpOptions& options) {
  ++solves_;
  const bool explicit_start = options.warm_x.size() > 0 || !options.warm_active_lower.empty() ||
                              !options.warm_active_upper.empty() ||
                              !options.warm_active_rows.empty();
  const bool warm =
      !start_.empty() && !explicit_start && options.algorithm != QpAlgorithm::kInteriorPoint &&
      start_.x.size() == problem.variables() && equalities_ == problem.A.rows() &&
      inequalities_ == problem.G.rows() && (problem.G.rows() == 0 || satisfies(problem, start_.x));
  QpSolution solution;
  if (warm) {
    QpOptions warm_options = options;
    warm_options.algorithm = QpAlgorithm::kActiveSet;
    warm_options.warm_x = start_.x;
    warm_options.warm_active_lower = start_.active_lower;
    warm_options.warm_active_upper = start_.active_upper;
    warm_options.warm_active_rows = start_.active_rows;
    solution = solve_qp(problem, warm_options);
    solution.warm_started = true;
    ++warm_solves_;
  } else {
    solution = solve_qp(problem, options);
  }
  if (solution.is_usable() && solution.x.size() == problem.variables()) {
    start_.x = solution.x;
    start_.active_lower = solution.active_lower;
    start_.active_upper = solution.active_upper;
    start_.active_rows = solution.active_rows;
    equalities_ = problem.A.rows();
    inequalities_ = problem.G.rows();
  } else if (solution.solver != "none") {
    reset();
  }
  return solution;
}

}  // namespace keel
