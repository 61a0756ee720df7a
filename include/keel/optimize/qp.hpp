#pragma once
// Dense convex quadratic programs, the engine under the mean-variance family:
//
//   minimise    ½ xᵀ P x + qᵀ x
//   subject to  A x  = b          (m_eq rows)
//               G x ≤ h           (m_in rows)
//               lower ≤ x ≤ upper (per variable; ±infinity for a free side)
//
// P must be symmetric positive semidefinite. Solvers (see qp_solvers.hpp for the algorithms):
// a primal-dual interior point (Mehrotra predictor-corrector) for the general case and an active
// set method with warm start for repeated solves. Both fill the same QpSolution.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/solve_status.hpp"
#include "keel/core/status.hpp"

namespace keel {

struct QpProblem {
  Eigen::MatrixXd P;      // n × n, symmetric PSD
  Eigen::VectorXd q;      // n
  Eigen::MatrixXd A;      // m_eq × n (0 rows allowed)
  Eigen::VectorXd b;      // m_eq
  Eigen::MatrixXd G;      // m_in × n (0 rows allowed)
  Eigen::VectorXd h;      // m_in
  Eigen::VectorXd lower;  // n, may hold -infinity; empty = no lower bounds
  Eigen::VectorXd upper;  // n, may hold +infinity; empty = no upper bounds

  Eigen::Index variables() const { return q.size(); }
  // Dimensions agree, entries finite (bounds may be infinite), lower ≤ upper, P symmetric.
  Status validate() const;
};

enum class QpAlgorithm {
  kAuto,          // active set when the problem has only bounds and equalities, else interior point
  kInteriorPoint,
  kActiveSet,
};

struct QpOptions {
  QpAlgorithm algorithm = QpAlgorithm::kAuto;
  double tolerance = 1e-10;       // relative primal/dual residual and complementarity targets
  int max_iterations = 200;       // interior point; the active set allows 10·(n + m) changes
  double time_limit_s = 0.0;      // 0 = none
  // Warm start (active set): indices of variables believed at their lower/upper bound and of
  // inequality rows believed active, e.g. from the previous solve of a rolling backtest.
  std::vector<int> warm_active_lower;
  std::vector<int> warm_active_upper;
  std::vector<int> warm_active_rows;
};

struct QpSolution {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd x;             // primal solution
  Eigen::VectorXd y;             // multipliers of A x = b
  Eigen::VectorXd z;             // multipliers of G x ≤ h (≥ 0)
  Eigen::VectorXd z_lower;       // multipliers of x ≥ lower (≥ 0)
  Eigen::VectorXd z_upper;       // multipliers of x ≤ upper (≥ 0)
  double objective = 0.0;
  int iterations = 0;
  double primal_residual = 0.0;  // max violation of equalities, inequalities and bounds
  double dual_residual = 0.0;    // ‖P x + q + Aᵀy + Gᵀz − z_lower + z_upper‖∞
  double complementarity = 0.0;  // max |multiplier × slack|
  double solve_ms = 0.0;
  std::string solver;            // "interior-point", "active-set"
  std::string message;           // why it stopped, when not optimal
  // Final active sets, to warm-start the next related solve.
  std::vector<int> active_lower;
  std::vector<int> active_upper;
  std::vector<int> active_rows;
};

// Solves the QP with the algorithm the options name. Call errors (bad dimensions, NaN) come back
// as a QpSolution with kNumericalError and a message; use QpProblem::validate() first to tell them
// apart.
QpSolution solve_qp(const QpProblem& problem, const QpOptions& options = {});

}  // namespace keel
