#pragma once
// The exact mean-variance efficient frontier by the critical line algorithm (Markowitz 1956,
// "The optimization of a quadratic function subject to linear constraints", Naval Research
// Logistics Quarterly 3; Niedermayer & Niedermayer 2007, "Applying Markowitz's critical line
// algorithm"; Bailey & López de Prado 2013, "An open-source implementation of the critical-line
// algorithm for portfolio optimization", Algorithms 6).
//
// For expected returns μ (n), a positive definite covariance Σ (n × n) and finite bounds
// lower ≤ w ≤ upper, the frontier is the family of solutions of
//
//   minimise ½ wᵀΣw − λ μᵀw   subject to  Σᵢ wᵢ = 1,  lower ≤ w ≤ upper,   λ ≥ 0,
//
// where λ is the risk tolerance (λ = 1/δ for the risk aversion δ of max μᵀw − δ/2 wᵀΣw). The
// solution w(λ) is piecewise linear in λ: on each segment the set of assets strictly between
// their bounds (the "free" assets) is fixed and the KKT system is linear in λ. The algorithm starts
// at the maximum-return corner (λ → ∞) and walks λ down to 0, the global minimum-variance
// portfolio, stopping at each turning point where an asset reaches a bound or leaves one. It keeps
// a Cholesky factor of Σ restricted to the free assets, updated by one row/column per turning
// point, and the solutions Σ_FF⁻¹[1, μ_F, s_F] the segments are made of, updated by the
// rank-one (bordering) identities and recomputed every 50 events (O(n²) work per turning point,
// O(n³) in all), so the whole frontier costs about as much as a few QP solves, and every point
// on it is then exact (no grid, no re-solve).
//
// Ties in μ at the start (several assets sharing the marginal expected return, where the
// maximum-return portfolio is not unique) are resolved by taking the limit λ → ∞: among the
// maximum-return portfolios, the one of least variance (a small QP over the tied assets).
//
// Units: the algorithm is unit-free; returns, variances and the risk-free rate of max_sharpe()
// are in the units of the μ and Σ given. Keel's callers (keel frontier, the demo) pass the annual
// μ and Σ of estimate_inputs() (keel/estimate/estimates.hpp), so their frontiers are annual.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/core/status.hpp"

namespace keel {

struct CriticalLineOptions {
  // Ridge added to the diagonal of Σ before the computation, in units of variance (return²),
  // ≥ 0 and finite; default 0. Σ must be positive definite: a singular or indefinite Σ (e.g. a
  // sample covariance with fewer periods than assets) is a call error unless a ridge makes it
  // positive definite. The walk refuses a free set on which a Cholesky pivot loses more than ten
  // digits of the asset's variance, so a useful ridge is about 1e-8 · trace(Σ)/n: it moves
  // variances by that relative amount. The ridge is part of the problem: reported variances
  // include it.
  double ridge = 0.0;
  // Maximum number of turning-point events (each asset entering or leaving the free set),
  // ≥ 0; 0 (default) means 20 · n + 100. Hitting it yields SolveStatus::kIterationLimit.
  int max_iterations = 0;

  // ridge ≥ 0 and finite, max_iterations ≥ 0.
  Status validate() const;
};

// One portfolio on the efficient frontier.
struct FrontierPoint {
  Eigen::VectorXd weights;       // n, sum to 1, within the bounds
  double expected_return = 0.0;  // μᵀw, in the units of μ (annual for annual inputs)
  double variance = 0.0;         // wᵀΣw (Σ including any ridge)
  double volatility = 0.0;       // √variance
  double lambda = 0.0;           // risk tolerance λ ≥ 0 at which w is optimal (1/δ)
};

struct EfficientFrontier {
  SolveStatus status = SolveStatus::kNumericalError;
  std::string message;  // why it stopped when not optimal
  // Turning points in decreasing λ (decreasing return): [0] is the maximum-return portfolio
  // (optimal for every λ ≥ its `lambda`), the last one is the global minimum-variance portfolio
  // under the bounds (lambda = 0). Between consecutive turning points the weights are linear in
  // λ. A frontier that is a single portfolio (e.g. all μ equal) has one turning point.
  std::vector<FrontierPoint> turning_points;
  // wₖᵀΣwₖ₊₁ for consecutive turning points (size turning_points.size() − 1); with the
  // variances it gives the variance along a segment as a quadratic in the segment parameter.
  std::vector<double> cross_covariance;
  int iterations = 0;     // events processed (assets entering or leaving the free set)
  double solve_ms = 0.0;  // wall-clock time of the computation, milliseconds
  // ‖Σw − λμ + γ1 − z_lower + z_upper‖∞ with the sign conditions of the bound multipliers,
  // evaluated at the minimum-variance end (the end of the walk, where rounding has accumulated).
  double kkt_residual = 0.0;

  bool is_usable() const { return keel::is_usable(status); }

  // Range of the frontier: return of the minimum-variance and of the maximum-return portfolio.
  double min_return() const;
  double max_return() const;

  // The efficient portfolio of expected return `target`, min_return() ≤ target ≤ max_return()
  // (a target outside is an error that states the range).
  Result<FrontierPoint> at_return(double target) const;
  // The efficient portfolio of volatility `target` (the square root of variance, same units),
  // between the minimum-variance and the maximum-return portfolio's volatilities.
  Result<FrontierPoint> at_volatility(double target) const;
  // The solution of max μᵀw − δ/2 wᵀΣw for risk aversion δ > 0 (λ = 1/δ; large δ gives the
  // minimum-variance portfolio, small δ the maximum-return one).
  Result<FrontierPoint> at_risk_aversion(double delta) const;
  // The solution for risk tolerance λ ≥ 0.
  Result<FrontierPoint> at_lambda(double lambda) const;
  // The portfolio of greatest Sharpe ratio (μᵀw − rf)/√(wᵀΣw) for the risk-free rate rf in the
  // units of μ (annual with annual inputs). The Sharpe ratio is maximised exactly on each segment
  // (its derivative along a segment has one root in closed form). Error when no frontier
  // portfolio has μᵀw > rf.
  Result<FrontierPoint> max_sharpe(double risk_free_rate) const;
  // `points` ≥ 2 portfolios evenly spaced in expected return from the minimum-variance to the
  // maximum-return portfolio (both included), in increasing return; a one-portfolio frontier
  // gives that one portfolio.
  Result<std::vector<FrontierPoint>> sample(int points) const;
};

// Computes the efficient frontier with the budget Σw = 1 and bounds lower ≤ w ≤ upper (finite).
// Call errors (sizes, NaN, infinite bounds, lower > upper, Σ not symmetric or not positive
// definite, Σ lower > 1 or Σ upper < 1) come back as a Status naming the asset or option; a run
// that stops early (iteration limit, numerical breakdown) comes back as a frontier whose status
// says so.
Result<EfficientFrontier> critical_line(const Eigen::Ref<const Eigen::VectorXd>& mu,
                                        const Eigen::Ref<const Eigen::MatrixXd>& sigma,
                                        const Eigen::Ref<const Eigen::VectorXd>& lower,
                                        const Eigen::Ref<const Eigen::VectorXd>& upper,
                                        const CriticalLineOptions& options = {});

}  // namespace keel
