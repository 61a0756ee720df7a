#pragma once
// Risk budgeting (risk parity): long-only portfolios whose risk contributions match given budgets.
//
// Variance risk measure. With covariance Σ and budgets b (b_i > 0, Σ b_i = 1) the risk
// contribution of asset i is RC_i = w_i (Σw)_i, the contributions add up to the variance wᵀΣw, and
// the risk budgeting portfolio has RC_i / wᵀΣw = b_i. Equal budgets give the equal risk
// contribution (ERC) portfolio of Maillard, Roncalli & Teiletche (2010). Both solvers minimise the
// strictly convex function of Spinu (2013), "An algorithm for computing risk parity weights":
//
//   f(y) = ½ yᵀΣy − Σ_i b_i ln y_i,   y > 0,   then w = y / Σ_i y_i.
//
// At its unique minimiser y_i (Σy)_i = b_i, so the normalised weights meet the budgets exactly.
//   * kNewton: damped Newton on f (Spinu 2013): step scaled by 1/(1 + λ) while the Newton decrement
//     λ = sqrt(gᵀH⁻¹g) exceeds 0.25, then full steps, with Armijo backtracking that also keeps
//     y > 0. Quadratic convergence, O(n³) per iteration (a Cholesky factorisation of Σ +
//     diag(b/y²)).
//   * kCoordinateDescent: cyclical coordinate descent of Griveau-Billion, Richard & Roncalli
//   (2013),
//     "A fast algorithm for computing high-dimensional risk parity portfolios", on the same f. Each
//     coordinate step solves Σ_ii y_i² + c_i y_i − b_i = 0 in closed form (c_i = Σ_{j≠i} Σ_ij y_j)
//     and updates Σy incrementally, so a sweep costs O(n²). The fast path for large n.
//
// Bounds (lower ≤ w ≤ upper). The constrained risk budgeting portfolio of Richard & Roncalli
// (2019), "Constrained risk budgeting portfolios: theory, algorithms, applications and puzzles", is
//   x(λ) = argmin ½ xᵀΣx − λ Σ_i b_i ln x_i  subject to  lower ≤ x ≤ upper,
// with λ > 0 chosen so that Σ_i x_i(λ) = 1. The problem is convex for every λ (a convex quadratic,
// a convex barrier and a box), the coordinate step is the unconstrained one clipped to the box
// (exact for a one-dimensional convex problem), and Σ_i x_i(λ) is nondecreasing in λ, so λ is found
// by bisection on ln λ with warm-started coordinate descent. Where a bound is active the asset's
// risk contribution differs from its budget; the result lists those assets in `warnings` and
// reports the deviation. kNewton does not take bounds (validate() rejects them).
//
// Linear constraints (groups g_min ≤ Σ_{i∈g} x_i ≤ g_max and rows aᵀx ≤, ≥, = c, beside the
// bounds) keep the same definition with x(λ) = argmin ½ xᵀΣx − λ Σ b_i ln x_i over the convex set
// Ω they cut out — Richard & Roncalli's formulation for a general Ω. Constraints are on x; at λ*
// Σx = 1, so they hold for the weights. Only kBarrier handles them: a log-barrier path on the
// inequalities (barrier weight μ decreased tenfold per stage) in which each stage solves the
// first-order conditions of the barrier problem *together with* Σx = 1 for (x, λ, equality
// multipliers) by damped Newton, from a strictly feasible start (a phase-1 LP maximising the
// smallest slack); every Newton system is a Cholesky factorisation of Σ + λ diag(b/x²) + barrier
// terms and a small Schur complement. At the end the constraints whose slack vanished are made
// equalities and the same Newton system is solved without barrier (an active-set polish): when
// their multipliers have the right sign and the other constraints hold, that point is the exact
// optimum, otherwise the last barrier point (accurate to the final μ) is returned. Where a
// constraint binds, the risk contributions of the assets it involves differ from their budgets;
// the result names the binding constraints. kBarrier also accepts bounds alone (it then agrees
// with the coordinate descent) and no constraints (the plain risk budgeting portfolio).
//
// With linear rows Σx(λ) need not be monotone and need not reach 1 (e.g. a beta floor βᵀx ≥ 1.05
// keeps Σx(λ) > 1 for every λ): no Richard–Roncalli portfolio exists although fully invested
// portfolios within the limits do. When the joint Newton iteration fails, Σx(λ) is scanned over
// eight orders of magnitude of λ; a sign change is bisected and the iteration restarted there.
// Without one, kBarrier returns the scale-invariant formulation instead, and says so in
// `warnings` and `formulation`: the limits on w = y/Σy become cones (c − d·1)ᵀy ≤ 0 and
//   y* = argmin ½ yᵀΣy − Σ_i b_i ln y_i  over that cone,   w = y*/Σy*,
// i.e. w maximises Σ b_i ln w_i − ln σ(w) under the limits (Maillard, Roncalli & Teiletche 2010
// with constraints); it exists whenever a strictly positive portfolio meets the limits strictly,
// equals the risk budgeting portfolio when no limit binds, and otherwise lets every asset's
// contribution deviate a little instead of only those of the constrained assets.
//
// CVaR risk measure (cvar_risk_budgeting below). For scenario returns R (T × n) and level α, the
// portfolio CVaR_α(w) (Rockafellar & Uryasev 2000: mean loss in the worst (1 − α) tail) is convex
// and positively homogeneous, so its Euler contributions w_i ∂_i CVaR add up to CVaR and the
// minimiser of CVaR(y) − Σ b_i ln y has contributions b_i · CVaR (the same argument as Spinu's).
// The sample CVaR is piecewise linear, so we minimise its smoothed version
//   CVaR_μ(y) = min_ζ  ζ + 1/((1 − α)T) Σ_t μ softplus((−r_tᵀy − ζ)/μ)
// (softplus(z) = ln(1 + eᶻ)), jointly over (y, ζ) with damped Newton; μ is decreased tenfold per
// stage (continuation) from 0.1 × the loss scale to `smoothing` × the loss scale. The smoothed
// problem is smooth and strictly convex, so Newton converges quadratically and its first-order
// conditions y_i ∂_i CVaR_μ(y) = b_i hold to rounding. For the sample CVaR the contributions then
// match the budgets up to an error of order μ plus the scenario discreteness (the tail is a set of
// whole scenarios, so exact budgets may not exist). Both deviations are reported. An LP-based
// alternative (iterating Rockafellar–Uryasev LPs) was not chosen: it needs an outer fixed point on
// the log terms and gives no better accuracy on a finite scenario set.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/core/status.hpp"
#include "keel/optimize/constraints.hpp"

namespace keel {

enum class RiskBudgetingMethod {
  kCoordinateDescent,  // cyclical coordinate descent (Griveau-Billion, Richard & Roncalli 2013)
  kNewton,             // damped Newton on Spinu's (2013) convex function; no bounds
  kBarrier,            // barrier Newton with active-set polish: bounds, groups, linear rows
};

struct RiskBudgetingOptions {
  RiskBudgetingMethod method = RiskBudgetingMethod::kCoordinateDescent;
  // Risk budgets b, one per asset, each > 0, summing to 1 within 1e-9. Empty = equal budgets 1/n
  // (the ERC portfolio).
  Eigen::VectorXd budgets{};
  // Per-asset weight bounds. Empty = 0 (lower) and 1 (upper). Need 0 ≤ lower ≤ upper ≤ 1,
  // Σ lower ≤ 1 ≤ Σ upper; an asset with upper = 0 is not allowed (drop it instead).
  Eigen::VectorXd lower{};
  Eigen::VectorXd upper{};
  // Group limits and linear constraints on the weights (keel/optimize/constraints.hpp; member
  // indices and coefficient vectors over the n assets). Need method = kBarrier.
  std::vector<GroupConstraint> groups{};
  std::vector<LinearConstraint> linear{};
  // Convergence: stop when max_i |y_i (Σy)_i − λ b_i| / (λ b_i) ≤ tolerance over the free assets,
  // i.e. the relative error of each risk contribution against its budget. Range [1e-15, 1e-2].
  double tolerance = 1e-11;
  // Newton iterations or coordinate-descent sweeps (per λ when bounds are given). Range ≥ 1.
  int max_iterations = 10000;

  Status validate(Eigen::Index assets) const;
};

struct RiskBudgetingResult {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd weights{};             // long-only, summing to 1
  Eigen::VectorXd budgets{};             // the budgets used (1/n when none were given)
  Eigen::VectorXd risk_contributions{};  // w_i (Σw)_i, in variance units; add up to wᵀΣw
  Eigen::VectorXd relative_risk_contributions{};  // risk_contributions / wᵀΣw; add up to 1
  double variance = 0.0;                          // wᵀΣw, in the units of Σ
  double volatility = 0.0;                        // sqrt(variance)
  // max_i |relative_risk_contribution_i − b_i| / b_i over all assets (also the bound-active ones).
  double max_relative_deviation = 0.0;
  int iterations = 0;         // Newton iterations or coordinate sweeps (summed over the λ search)
  int lambda_iterations = 0;  // bisection steps on λ (0 without bounds)
  double solve_ms = 0.0;
  std::string solver{};                 // "newton", "coordinate-descent", "barrier-newton"
  std::string message{};                // why it stopped, when not optimal
  std::vector<std::string> warnings{};  // e.g. which bounds are active
  std::vector<int> lower_active{};      // assets at their lower bound
  std::vector<int> upper_active{};      // assets at their upper bound
  // Groups and linear constraints that bind at the answer, by name (kBarrier).
  std::vector<std::string> binding_constraints{};
  // Which definition the weights follow (kBarrier): "richard-roncalli" (x(λ*) with Σx(λ*) = 1) or,
  // when no such λ* exists, "scale-invariant" (see the header comment).
  std::string formulation{};
  // λ* of the constrained formulation (Σx(λ*) = 1): kBarrier and the bounded coordinate descent;
  // 0 otherwise.
  double lambda = 0.0;

  bool is_usable() const { return keel::is_usable(status); }
};

// Solves the variance risk budgeting problem. `covariance` must be symmetric positive definite
// (a semidefinite Σ may have no solution with all y_i > 0; it is reported as a numerical error).
// Call errors (bad sizes, NaN, bad budgets or bounds) come back as an error Status.
Result<RiskBudgetingResult> risk_budgeting(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                           const RiskBudgetingOptions& options = {});

struct CvarRiskBudgetingOptions {
  // Confidence level α of CVaR: the tail is the worst (1 − α) fraction of scenarios.
  // Range (0, 1); default 0.95. Needs (1 − α) T ≥ 1.
  double alpha = 0.95;
  // Budgets as in RiskBudgetingOptions (empty = equal).
  Eigen::VectorXd budgets{};
  // Final smoothing width μ as a fraction of the median absolute scenario loss of the start
  // portfolio. Smaller = closer to the sample CVaR, more Newton steps. Range [1e-8, 1e-1].
  double smoothing = 1e-4;
  // Stopping tolerance on the Newton decrement² / 2 (the predicted decrease of the objective)
  // at the final μ. Range [1e-16, 1e-4].
  double tolerance = 1e-14;
  // Newton iterations in total over the continuation. Range ≥ 1.
  int max_iterations = 500;

  Status validate(Eigen::Index scenarios, Eigen::Index assets) const;
};

struct CvarRiskBudgetingResult {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd weights{};  // long-only, summing to 1
  Eigen::VectorXd budgets{};
  // w_i ∂_i CVaR_μ(w) at the final smoothing μ (in weight units, `final_smoothing`): proportional
  // to the budgets at convergence. They add up to CVaR_μ(w) only up to O(μ), since the smoothed
  // measure is not positively homogeneous.
  Eigen::VectorXd smoothed_risk_contributions{};
  // Euler contributions of the sample CVaR: w_i × (mean of −r_ti over the tail scenarios, with the
  // boundary scenario weighted fractionally); they add up to `cvar`.
  Eigen::VectorXd risk_contributions{};
  Eigen::VectorXd relative_risk_contributions{};  // risk_contributions / cvar
  double cvar = 0.0;           // sample CVaR_α of the portfolio (a loss, in return units)
  double smoothed_cvar = 0.0;  // CVaR_μ at the final μ
  // max_i |relative_risk_contribution_i − b_i| / b_i for the sample CVaR.
  double max_relative_deviation = 0.0;
  // The same for the smoothed CVaR (≈ tolerance when converged).
  double max_relative_deviation_smoothed = 0.0;
  double final_smoothing = 0.0;  // μ at the end, in return units
  int iterations = 0;
  double solve_ms = 0.0;
  std::string solver = "smoothed-newton";
  std::string message{};
  std::vector<std::string> warnings{};

  bool is_usable() const { return keel::is_usable(status); }
};

// Solves risk budgeting on the CVaR of a scenario matrix (T × n simple returns, one row per
// scenario, equally likely). The portfolio's tail must be a loss (CVaR > 0); otherwise the
// problem has no solution and the call returns status kInfeasible with an explanation.
Result<CvarRiskBudgetingResult> cvar_risk_budgeting(Eigen::Ref<const Eigen::MatrixXd> scenarios,
                                                    const CvarRiskBudgetingOptions& options = {});

}  // namespace keel
