#pragma once
// Private: a primal-dual active-set method for the QPs of keel/optimize/qp.hpp whose only
// inequalities are variable bounds (G has no rows), e.g. budget-and-bounds portfolios.
//
// Each round solves the equality-constrained QP in which the variables of the working set sit at
// their bounds, then moves *every* free variable that violates a bound onto it and frees *every*
// bound variable whose multiplier has the wrong sign (Hintermüller, Ito & Kunisch 2002, "The
// primal-dual active set strategy as a semismooth Newton method", SIAM J. Optim. 13(3)). From
// the all-free start (the budget-only closed form) a long-only book needs a handful of rounds,
// not one working-set change per asset as the primal active set from a vertex does.
//
// Linear algebra (a range-space method, Gill, Murray, Saunders & Wright 1984): a Cholesky factor
// L of P restricted to a base set B of variables is computed once; variables of B later moved to
// a bound become rows eᵢᵀx = bound of a small Schur complement S = YᵀY with Y = L⁻¹Cᵀ, beside the
// equality rows. Freeing a variable outside B appends one row to L. When the Schur rows would
// outnumber half the free variables the base is refactored on the free set, so that both the
// mostly-free and the mostly-bound optimum cost about one factorisation of their free block.
//
// The rounds are not guaranteed to terminate on every convex QP (they are for M-matrices). This
// method gives up, and the caller falls back to the primal active set, when a working set
// repeats (caught by a hash of the working sets), after 12 rounds, when the working rows become
// dependent, or when nearly every variable violates a bound after the first round (a strong
// linear term; the rounds would oscillate). A returned optimum has been checked: free variables
// inside their bounds, bound multipliers of the right sign and the stationarity residual on the
// free variables, all against the freshly computed gradient P x + q (with one step of iterative
// refinement when that residual exceeds 1% of the multiplier tolerance).

#include <Eigen/Core>
#include <chrono>
#include <string>
#include <vector>

#include "keel/optimize/qp.hpp"

namespace keel::qp_detail {

enum class BoundState : signed char { kFree, kAtLower, kAtUpper };

struct PrimalDualOutcome {
  bool optimal = false;
  bool time_limit = false;        // stopped at QpOptions::time_limit_s
  bool full_factor = false;       // a Cholesky factor of all of P succeeded (P is PD)
  Eigen::VectorXd x;              // n, when optimal
  Eigen::VectorXd y;              // multipliers of A x = b, when optimal
  Eigen::VectorXd gradient;       // P x + q at x, when optimal
  std::vector<BoundState> state;  // per variable; lower == upper is reported kAtLower
  int changes = 0;                // variables moved onto or off a bound, over all rounds
  int rounds = 0;
  std::string reason;  // why it gave up, when not optimal
};

// For a validated problem with G empty and validated options. Starts from the warm active sets
// of `options` when given, else with every variable free.
PrimalDualOutcome solve_bounds_primal_dual(const QpProblem& problem, const QpOptions& options,
                                           std::chrono::steady_clock::time_point start);

}  // namespace keel::qp_detail
