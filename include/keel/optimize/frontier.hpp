#pragma once
// The mean-variance efficient frontier under ANY constraint of constraints.hpp (groups, linear
// rows, gross leverage, turnover, net exposure, per-asset bounds), traced by solving one QP per
// point, as PyPortfolioOpt's plotting.plot_efficient_frontier and cvxopt's portfolio example do.
//
// What it computes, for annualised μ and Σ:
//   1. the minimum-variance end: min wᵀΣw over the constraints (optimize_mean_variance,
//      kMinVariance); its return r_min is where the efficient part of the frontier begins;
//   2. the maximum-return end: r_max = max μᵀw over the constraints, an LP (COIN-OR Clp), and the
//      least-variance portfolio among those of return r_max (efficient-return at r_max less a
//      hair, 1e-9 · max(1, |r_max|), so that the QP keeps a feasible neighbourhood, and 1e-6 of
//      the return range if Clp's vertex overstates the maximum; the LP vertex warm-starts it). When
//      μᵀw is unbounded (shorts without finite bounds or a leverage cap) the frontier has no top:
//      the sweep stops at the efficient portfolio whose volatility is `volatility_cap`, and the
//      result says so (return_unbounded, a warning);
//   3. points − 2 portfolios in between, at returns evenly spaced from r_min to the top, each the
//      efficient-return QP  min wᵀΣw  s.t.  μᵀw ≥ r_k  and every constraint.
// Why μᵀw ≥ r_k and not = r_k: on the efficient part (r_k ≥ r_min) the least variance grows with
// the return, so the row is binding and both give the same portfolio; the inequality never
// produces a portfolio from the inefficient lower branch (a target a rounding error below r_min
// gives the minimum-variance portfolio, not a dominated one), and its multiplier has a sign the
// solvers check. Each returned point's μᵀw is checked against its target.
//
// Sampled, not exact: the points are separate QP solves, each optimal to the QP tolerance, and
// nothing is known between them. The true frontier bends between two points (the variance is
// piecewise quadratic in the return) and has kinks wherever a constraint starts or stops binding;
// the straight segment drawn between two points lies to the right of it (more volatility for the
// same return). Blending two points' weights gives a feasible portfolio (the feasible set is
// convex) that is efficient only if no constraint changes status between them, which the sampling
// cannot tell. For budget 1 and per-asset bounds only, use the critical line algorithm
// (critical_line.hpp), which gives every turning point and is exact everywhere;
// `critical_line_applies` says when it does.
//
// Warm start: when the QP variables are the weights alone (no gross-leverage or turnover cap) and
// options.qp.algorithm is kAuto or kActiveSet, each interior point is solved by the active set
// started from the blend of the previous point and the top end that has exactly the target return
// (feasible, since the feasible set is convex), so a point costs a few working-set changes instead
// of a cold solve. Otherwise each point is solved as options.qp says. A point the active set fails
// on is re-solved once, cold, by the interior point.
//
// Every point is verified against every constraint (verify.hpp) by optimize_mean_variance; the
// worst violation over the frontier is in diagnostics.max_constraint_violation.
//
// Max Sharpe: solved directly (optimize_mean_variance, kMaxSharpe: the homogenised QP), not picked
// from the sampled points, so its Sharpe ratio is at least that of every point. It needs a fixed
// positive budget and an asset beating the risk-free rate; otherwise max_sharpe is empty and
// max_sharpe_message says why (the frontier itself is still usable).

#include <Eigen/Core>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/core/status.hpp"
#include "keel/optimize/constraints.hpp"
#include "keel/optimize/mean_variance.hpp"
#include "keel/optimize/qp.hpp"

namespace keel {

struct FrontierOptions {
  // Portfolios on the frontier, both ends included, evenly spaced in expected return. ≥ 2,
  // default 20. A frontier that is a single portfolio (r_max = r_min) has one point whatever
  // this is.
  int points = 20;
  // Annualised risk-free rate for the Sharpe ratios and the max-Sharpe portfolio. Finite,
  // default 0.
  double risk_free_rate = 0.0;
  // Annualised volatility at which the sweep stops when the expected return is unbounded over the
  // constraints (ignored otherwise). > 0 or NaN; NaN (default) = the largest single-asset
  // volatility √max Σ_ii, or twice the minimum-variance volatility when that is larger. A cap at
  // or below the minimum-variance volatility leaves nothing to sweep: status kInfeasible.
  double volatility_cap = std::numeric_limits<double>::quiet_NaN();
  // Warm-start each point from the previous one (see above). Default true; false solves every
  // point cold as options.qp says (useful to time or cross-check the solvers).
  bool warm_start = true;
  // Post-solve verification tolerance of every point (verify.hpp), > 0, default 1e-8.
  double verify_tolerance = 1e-8;
  // QP options of every solve (tolerance, limits, algorithm). Warm-start fields set here are
  // ignored: the sweep supplies its own.
  QpOptions qp{};

  // points ≥ 2, risk_free_rate finite, volatility_cap > 0 or NaN, verify_tolerance > 0, qp valid.
  Status validate() const;
};

// One portfolio of the traced frontier. Returns and volatilities are annualised like μ and Σ.
struct TracedFrontierPoint {
  // The return the point was solved for (μᵀw ≥ target); NaN for the minimum-variance end and for a
  // top end capped by volatility, which are not target-return solves.
  double target_return = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd weights{};  // n
  double expected_return = 0.0;
  double variance = 0.0;
  double volatility = 0.0;
  // (expected_return − rf)/volatility; NaN when the volatility is 0.
  double sharpe = std::numeric_limits<double>::quiet_NaN();
  // Worst violation of any constraint (weight units, verify.hpp) and the QP solver that gave it.
  double max_constraint_violation = std::numeric_limits<double>::quiet_NaN();
  std::string solver{};
  int iterations = 0;
  double solve_ms = 0.0;
};

struct TracedFrontierDiagnostics {
  // What was used: "efficient-return sweep (active-set+interior-point), max return: clp".
  std::string solver{};
  int solves = 0;         // QP and LP solves, all models together
  int iterations = 0;     // solver iterations summed over every solve
  double solve_ms = 0.0;  // wall time of the whole call
  // Worst constraint violation over every returned portfolio (points and max Sharpe); NaN when
  // none was returned.
  double max_constraint_violation = std::numeric_limits<double>::quiet_NaN();
  std::string worst_constraint{};
  std::vector<std::string> warnings{};
};

struct TracedFrontier {
  // kOptimal when every point solved to tolerance, kOptimalInaccurate when some only loosely;
  // otherwise the status of the first solve that failed (the minimum-variance end when the
  // constraints conflict: kInfeasible with the culprits named), with the points solved before it
  // kept but not usable as a frontier.
  SolveStatus status = SolveStatus::kNumericalError;
  // Why the frontier is not usable, with a hint; "" when it is.
  std::string explanation{};
  std::vector<std::string> conflicting_constraints{};  // when kInfeasible

  // In increasing expected return: [0] is the minimum-variance portfolio, the last one the
  // maximum-return end (or the volatility-capped end when return_unbounded).
  std::vector<TracedFrontierPoint> points{};
  double min_return = std::numeric_limits<double>::quiet_NaN();  // r_min
  // r_max = max μᵀw over the constraints (the LP optimum); +infinity when unbounded.
  double max_return = std::numeric_limits<double>::quiet_NaN();
  bool return_unbounded = false;

  // The max-Sharpe portfolio, when it exists (see above); otherwise the reason.
  std::optional<TracedFrontierPoint> max_sharpe{};
  std::string max_sharpe_message{};

  TracedFrontierDiagnostics diagnostics{};

  bool is_usable() const { return keel::is_usable(status) && !points.empty(); }
};

// Traces the frontier of `problem` (expected returns required). Call errors (bad options, sizes,
// NaN, an indefinite Σ, invalid constraints) come back as a Status; every solve outcome
// (infeasible constraints named, numerical trouble) is a TracedFrontier.
Result<TracedFrontier> trace_frontier(const MeanVarianceProblem& problem,
                                      const FrontierOptions& options = {});

// True when the constraints are the budget Σw = 1 and finite per-asset bounds only (after max
// short), the problem critical_line() solves exactly: no groups, linear rows, leverage or
// turnover cap, and no free budget.
bool critical_line_applies(const PortfolioConstraints& constraints, int assets);

}  // namespace keel
