#pragma once
// Pieces shared by the QP solvers: bound bookkeeping, solution post-processing and the LP-based
// infeasibility/unboundedness classification (COIN-OR Clp).

#include <Eigen/Core>
#include <chrono>
#include <string>
#include <vector>

#include "keel/optimize/qp.hpp"

namespace keel::qp_detail {

// max |v_i|, 0 for an empty vector.
inline double inf_norm(const Eigen::VectorXd& v) {
  return v.size() == 0 ? 0.0 : v.cwiseAbs().maxCoeff();
}

// Variables split by their finite bounds. A variable with lower == upper is `fixed` and appears
// in neither `lower` nor `upper`.
struct BoundSets {
  std::vector<int> lower;  // finite lower bound, not fixed
  std::vector<int> upper;  // finite upper bound, not fixed
  std::vector<int> fixed;  // lower == upper
};
BoundSets classify_bounds(const QpProblem& problem);

// Lower/upper bound of variable i, ±infinity when the vector is empty.
double lower_bound(const QpProblem& problem, Eigen::Index i);
double upper_bound(const QpProblem& problem, Eigen::Index i);

// Data scale used in relative tolerances: max(‖b‖∞, ‖h‖∞, finite |bounds|).
double constraint_scale(const QpProblem& problem);

// Fills objective, primal_residual, dual_residual and complementarity from x, y, z, z_lower,
// z_upper (which must already have their final sizes: n, m_eq, m_in, n, n).
void compute_residuals(const QpProblem& problem, QpSolution* solution);

// Outcome of the LP classification of a problem the QP solver could not solve.
struct LpClassification {
  bool feasible = true;    // a phase-1 LP found a point (false: the constraints conflict)
  bool unbounded = false;  // a descent ray d exists (only meaningful when feasible)
  std::string message;     // explanation for the user
  Eigen::VectorXd point;   // feasible point (vertex) when feasible
  Eigen::VectorXd ray;     // the ray when unbounded
};

// Phase-1 feasibility LP only. When feasible, `point` is a vertex and `basic_columns` lists the
// variables that are basic (not at a bound), `active_rows` the inequality rows at their bound.
struct PhaseOne {
  bool solved = false;  // the LP solver finished (optimal or proven infeasible)
  bool feasible = false;
  Eigen::VectorXd point;
  std::vector<int> at_lower;
  std::vector<int> at_upper;
  std::vector<int> active_rows;
  std::string message;
};
PhaseOne phase_one(const QpProblem& problem);

// Runs the feasibility LP and, if feasible, the ray LP over the null space of P.
LpClassification classify_with_lp(const QpProblem& problem);

// Milliseconds since `start`.
double elapsed_ms(std::chrono::steady_clock::time_point start);

}  // namespace keel::qp_detail
