#pragma once
// Dense convex quadratic programs, the engine under the mean-variance family:
//
//   minimise    ½ xᵀ P x + qᵀ x
//   subject to  A x  = b          (m_eq rows)
//               G x ≤ h           (m_in rows)
//               lower ≤ x ≤ upper (per variable; ±infinity for a free side)
//
// P must be symmetric positive semidefinite. Two solvers fill the same QpSolution:
//
// * Interior point: an infeasible primal-dual path-following method with Mehrotra's
//   predictor-corrector (Mehrotra 1992; Wright, "Primal-Dual Interior-Point Methods", SIAM 1997,
//   ch. 10; the starting point and scaling of cvxopt's coneqp, Vandenberghe 2010). Bounds are
//   kept as diagonal inequalities; slacks and inequality multipliers are eliminated and the
//   reduced KKT system [P + GᵀWG + D, Aᵀ; A, 0] is solved by a Cholesky factorisation of its
//   (1,1) block and of the Schur complement in A, with regularisation of singular blocks and
//   iterative refinement against the unregularised system. Handles any PSD P (including P = 0,
//   i.e. LPs). When the iteration does not converge, the problem is classified with two LPs
//   (COIN-OR Clp): a phase-1 feasibility LP (kInfeasible) and a search for a ray d with P d = 0,
//   A d = 0, G d ≤ 0, bound-compatible signs and qᵀd < 0 (kUnbounded). Its answer is then
//   polished (QpOptions::polish; the solution polishing of OSQP, Stellato et al. 2020, §4.3,
//   here by elimination and a null-space method): the QP on the face it identified is solved
//   exactly and kept only when it satisfies the KKT conditions at least as tightly.
// * Active set: a primal active-set method (Nocedal & Wright, "Numerical Optimization", 2nd ed.,
//   alg. 16.3) on bounds, equalities and general inequalities, working on the free variables
//   with an updated Cholesky factor of P_FF and a Schur complement for the working constraints
//   (a range-space method, Gill, Murray, Saunders & Wright 1984). It needs P positive definite
//   (strictly convex); it starts from a feasible point (the previous solution `warm_x` with the
//   warm active sets, a one-asset vertex for budget-and-bounds problems, or a phase-1 LP vertex)
//   and is exact and very fast when few variables are free, as in long-only portfolios.
//   When G has no rows (equalities and bounds only, e.g. budget-and-bounds books) it first runs
//   primal-dual active-set rounds (Hintermüller, Ito & Kunisch 2002): from every variable free
//   (the equality-constrained closed form), or from the warm active sets, each round moves every
//   free variable that violates a bound onto it and frees every bound variable whose multiplier
//   has the wrong sign, on one Cholesky factor of P with the bound rows in a small Schur
//   complement (the factor is rebuilt on the free set when most variables are at a bound). A
//   few rounds, about one factorisation of P, solve a book whose assets are mostly held; the
//   answer is checked against the KKT conditions with a freshly computed gradient before it is
//   returned. When the rounds cycle or stall (possible on some problems where most variables
//   sit at a bound) the primal method above takes over; `iterations` counts the working-set
//   changes of both.

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
  kAuto,           // active set when G has no rows and P is well conditioned, else interior point
  kInteriorPoint,  // always the interior point
  kActiveSet,      // the active set; if P is not positive definite (Cholesky of P fails or its
                   // condition estimate exceeds 1e12) it falls back to the interior point and
                   // says so in QpSolution::message
};

struct QpOptions {
  QpAlgorithm algorithm = QpAlgorithm::kAuto;
  // Convergence target, dimensionless, in (0, 1e-2]; default 1e-10. The interior point stops when
  //   max|Ax−b|, max(Gx−h)₊, bound violations ≤ tolerance · (1 + max(‖b‖∞, ‖h‖∞, finite bounds)),
  //   ‖Px + q + Aᵀy + Gᵀz − z_lower + z_upper‖∞ ≤ tolerance · (1 + max(‖Px‖∞, ‖q‖∞)),
  //   sᵀz (total complementarity) ≤ tolerance · max(1, |objective|).
  // If only max(tolerance, 1e-6) is reached it reports kOptimalInaccurate. The active set uses
  // tolerance · (1 + scale) as its feasibility tolerance and tolerance · ‖Px + q‖∞ as its
  // multiplier-sign tolerance.
  double tolerance = 1e-10;
  // Interior point iterations, ≥ 1, default 200. The active set allows 10·(n + m_in) + 50
  // working-set changes whatever this value is.
  int max_iterations = 200;
  // Wall-clock limit in seconds, ≥ 0; 0 (default) means none. Checked once per iteration.
  double time_limit_s = 0.0;
  // Warm start (active set only; ignored by the interior point): indices of variables believed at
  // their lower/upper bound and of inequality rows believed active, e.g. QpSolution::active_* of
  // the previous solve of a rolling backtest. Out-of-range indices are a call error.
  std::vector<int> warm_active_lower = {};
  std::vector<int> warm_active_upper = {};
  std::vector<int> warm_active_rows = {};
  // Optional starting point for the active set (size n or empty, default empty), typically the
  // previous QpSolution::x. Used only when it satisfies this problem's constraints to within
  // 1e-9 · (1 + scale); otherwise the solver starts cold (and says nothing: that is not an error).
  // Problems without general inequality rows start from the warm active sets alone (the
  // primal-dual rounds need no feasible point); warm_x then serves only the primal fallback.
  Eigen::VectorXd warm_x = {};
  // Active-set polish of the interior point's answer (default true; applies wherever the interior
  // point runs, including kAuto and the active set's fallback). When the interior point ends
  // kOptimal or kOptimalInaccurate, the constraints whose multiplier exceeds their slack (each
  // measured against the size of the gradient and of x, so scaling P does not change the guess)
  // are taken as active, and the equality-constrained QP on that face (bounds fixed, active rows
  // held with equality) is solved directly: variables at a bound are eliminated, dependent
  // active rows are dropped by a rank-revealing QR, and the reduced Hessian on the null space of
  // the remaining rows is factorised (P may be singular, e.g. LPs).
  // The polished point is kept only if it is feasible for every constraint to `tolerance`, the
  // multipliers of the guessed-active constraints are ≥ −tolerance (relative), and its primal
  // residual, dual residual and complementarity meet `tolerance` and are no larger than the
  // interior point's; then the answer is exact to rounding, bound variables sit exactly on their
  // bounds, the status is kOptimal and QpSolution::solver reads "interior-point+polish".
  // Otherwise the interior point's answer is returned untouched. Each face tried costs one QR
  // and one Cholesky, about one interior-point iteration; when the first guess is wrong at a few
  // constraints (released where a multiplier has the wrong sign, held where a constraint is
  // violated) up to two more faces are tried. Measured on long-only minimum variance, n = 100
  // and 500: +20% over the interior point alone. False returns the raw interior-point iterate.
  bool polish = true;

  // tolerance in (0, 1e-2], max_iterations ≥ 1, time_limit_s ≥ 0 and finite.
  Status validate() const;
};

struct QpSolution {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd x;        // primal solution
  Eigen::VectorXd y;        // multipliers of A x = b
  Eigen::VectorXd z;        // multipliers of G x ≤ h (≥ 0)
  Eigen::VectorXd z_lower;  // multipliers of x ≥ lower (≥ 0)
  Eigen::VectorXd z_upper;  // multipliers of x ≤ upper (≥ 0)
  double objective = 0.0;
  int iterations = 0;
  double primal_residual = 0.0;  // max violation of equalities, inequalities and bounds
  double dual_residual = 0.0;    // ‖P x + q + Aᵀy + Gᵀz − z_lower + z_upper‖∞
  double complementarity = 0.0;  // max |multiplier × slack|
  double solve_ms = 0.0;         // wall-clock time of the solve, milliseconds
  std::string solver;            // "interior-point", "interior-point+polish", "active-set"
  std::string message;           // why it stopped, when not optimal; notes such as a fallback
  // Final active sets, to warm-start the next related solve. The active set reports its working
  // set; the interior point reports constraints whose multiplier exceeds their slack (after an
  // accepted polish: the face it was polished on, whose members hold with equality).
  // Variables with lower == upper are reported in both active_lower and active_upper.
  std::vector<int> active_lower;
  std::vector<int> active_upper;
  std::vector<int> active_rows;
  // True when the solver factored all of P by Cholesky on the way (the active set's primal-dual
  // rounds from the all-free start do): P is then proven positive definite, and a caller that
  // would factor it only to check that (the mean-variance model) can skip its own factorisation.
  bool p_positive_definite = false;
  // True when QpSolver::solve (qp_solver.hpp) started this solve from its remembered solution;
  // false for a cold start and always for solve_qp.
  bool warm_started = false;

  bool is_usable() const { return keel::is_usable(status); }
};

// Solves the QP with the algorithm the options name. Call errors (bad dimensions, NaN) come back
// as a QpSolution with kNumericalError and a message; use QpProblem::validate() first to tell them
// apart.
QpSolution solve_qp(const QpProblem& problem, const QpOptions& options = {});

}  // namespace keel
