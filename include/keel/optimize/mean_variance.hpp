#pragma once
// The mean-variance family (Markowitz 1952) over the constraint model of constraints.hpp, solved
// with Keel's dense QP (qp.hpp). Inputs are ANNUALISED expected returns μ and covariance Σ (the
// CLI converts with its periods_per_year); performance is reported in the same units.
//
// Objectives (w = weights, Σ = covariance, μ = expected returns, γ = l2_gamma, c = costs):
//   kMinVariance         min wᵀΣw + γ‖w‖² + cᵀ|w − w0|
//   kMaxUtility          max μᵀw − (δ/2) wᵀΣw − γ‖w‖² − cᵀ|w − w0|            (δ = risk_aversion)
//   kEfficientReturn     min wᵀΣw + γ‖w‖² + cᵀ|w − w0|  s.t. μᵀw ≥ target_return (or = when
//                        target_return_equality), as PyPortfolioOpt's efficient_return
//   kEfficientRisk       max μᵀw − γ‖w‖² − cᵀ|w − w0|  s.t. √(wᵀΣw) ≤ target_volatility, as
//                        PyPortfolioOpt's efficient_risk. The quadratic constraint is handled by
//                        its Lagrangian: a 1-D root search over s in
//                        min wᵀΣw + s(−μᵀw + γ‖w‖² + cᵀ|w − w0|), whose volatility grows with s;
//                        the answer meets the target to 1e-9 relative (or the constraint is slack).
//   kMaxSharpe           max (μᵀw − rf − cᵀ|w − w0|)/√(wᵀΣw + γ‖w‖²) via the homogenised problem
//                        (Cornuejols & Tütüncü 2007, §8.2): y = κw, κ ≥ 0, min yᵀΣy + γ‖y‖² s.t.
//                        (μ − rf)ᵀy − cᵀ|y − κw0| = 1 and EVERY constraint homogenised
//                        (l κ ≤ y ≤ u κ, Σy = bκ, groups, linear rows aᵀy ≤ cκ, Σ|y| ≤ Lκ,
//                        Σ|y − κw0| ≤ τκ), so the constraints hold for w = y/κ. With γ > 0 this is
//                        PyPortfolioOpt's max_sharpe with L2_reg (the penalty acts on y). Needs a
//                        fixed positive budget b (Sharpe is scale-invariant); the excess vector
//                        is μ − rf/b so that (μ − rf/b)ᵀw = μᵀw − rf. κ → 0 at the optimum (the
//                        ratio is only approached with unbounded positions) is kUnbounded.
//   kMaxDiversification  max (σᵀw)/√(wᵀΣw), σ_i = √Σ_ii (Choueifaty & Coignard 2008): the max
//                        Sharpe machinery with σ in place of μ − rf.
//   kMinTrackingError    min (w − w_b)ᵀΣ(w − w_b) + γ‖w‖² + cᵀ|w − w0|  (w_b = benchmark_weights)
//   kMaxReturnTrackingError  max μᵀw − γ‖w‖² − cᵀ|w − w0| s.t. √((w − w_b)ᵀΣ(w − w_b)) ≤
//                        target_tracking_error (the efficient-risk search around w_b).
//
// Pre-checks run before any solve and name their culprits (status kInfeasible, see
// precheck_constraints): contradictory budget/bounds/groups, target return above the attainable
// maximum (exact for budget + bounds), target volatility below the minimum-variance volatility,
// max Sharpe when no asset beats rf with non-negative weights ("use min-variance or max-utility").
// After the solve, verify_result() checks every constraint (verify.hpp).
//
// Degenerate inputs: n = 1 with a fixed budget is answered without a solver. A singular Σ (e.g.
// duplicated, perfectly correlated assets) is solved as it is: variance and return of the answer
// are unique, but the split between perfectly correlated assets is not, and is whatever the
// interior point's central path gives (equal split between exact duplicates with equal bounds);
// a warning names the duplicated pairs. Σ must be symmetric PSD (an indefinite Σ is a call error:
// repair it upstream and list the repair).

#include <Eigen/Core>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/optimize/cardinality.hpp"
#include "keel/optimize/constraints.hpp"
#include "keel/optimize/portfolio_result.hpp"
#include "keel/optimize/qp.hpp"
#include "keel/optimize/qp_solver.hpp"

namespace keel {

enum class MeanVarianceObjective {
  kMinVariance,
  kMaxSharpe,
  kMaxUtility,
  kEfficientReturn,
  kEfficientRisk,
  kMaxDiversification,
  kMinTrackingError,
  kMaxReturnTrackingError,
};

// Kebab-case model name used in results and on the command line: "min-variance", "max-sharpe",
// "max-utility", "efficient-return", "efficient-risk", "max-diversification",
// "min-tracking-error", "max-return-tracking-error".
std::string_view to_string(MeanVarianceObjective objective);

struct MeanVarianceProblem {
  std::vector<std::string> assets{};   // n distinct names
  Eigen::VectorXd expected_returns{};  // μ, annualised, size n; may be empty for kMinVariance,
                                       // kMinTrackingError and kMaxDiversification
  Eigen::MatrixXd covariance{};        // Σ, annualised, n × n, symmetric PSD
  PortfolioConstraints constraints{};
};

struct MeanVarianceOptions {
  MeanVarianceObjective objective = MeanVarianceObjective::kMinVariance;
  // Annualised risk-free rate for Sharpe ratios (performance and kMaxSharpe). Default 0, finite.
  double risk_free_rate = 0.0;
  // δ in kMaxUtility: μᵀw − (δ/2)wᵀΣw. Default 1 (PyPortfolioOpt's default), range > 0.
  double risk_aversion = 1.0;
  // kEfficientReturn: annualised target return (required, finite). PyPortfolioOpt semantics
  // (μᵀw ≥ target) by default; true for μᵀw = target.
  double target_return = std::numeric_limits<double>::quiet_NaN();
  bool target_return_equality = false;
  // kEfficientRisk: annualised target volatility (required, > 0).
  double target_volatility = std::numeric_limits<double>::quiet_NaN();
  // kMinTrackingError / kMaxReturnTrackingError: benchmark weights w_b (size n, required) and the
  // annualised tracking-error cap (kMaxReturnTrackingError only, > 0).
  Eigen::VectorXd benchmark_weights{};
  double target_tracking_error = std::numeric_limits<double>::quiet_NaN();
  // γ of the L2 penalty γ‖w‖² (PyPortfolioOpt's objective_functions.L2_reg). Default 0, ≥ 0.
  // Weights are fractions, so γ is in units of variance.
  double l2_gamma = 0.0;
  // Proportional transaction costs c_i (fraction of traded value, e.g. 0.001 = 10 bps) charged on
  // |w_i − w0_i| against constraints.current_weights; empty = none, else size n, each ≥ 0.
  // PyPortfolioOpt's transaction_cost(k) is c_i = k for all i.
  Eigen::VectorXd transaction_costs{};
  // Root-search tolerance (relative, on volatility) for kEfficientRisk / kMaxReturnTrackingError.
  // Default 1e-10, range (0, 1e-3].
  double search_tolerance = 1e-10;
  // Post-solve verification (verify.hpp).
  double verify_tolerance = 1e-8;
  // QP solver options (tolerance, iteration and time limits, algorithm).
  QpOptions qp{};
  // Branch-and-bound limits when the constraints carry max_assets / min_position (cardinality.hpp;
  // every objective but the risk-target searches kEfficientRisk and kMaxReturnTrackingError).
  // The search's report goes to PortfolioResult::details["cardinality"].
  CardinalityOptions cardinality{};

  Status validate(const MeanVarianceProblem& problem) const;
};

// State carried across related calls of optimize_mean_variance, e.g. one per strategy in a rolling
// backtest: the QP solver of the model's main QP (qp_solver.hpp), which remembers the last answer
// and its active sets, with the objective and the asset names that answer belongs to.
//
// Which QP is warm-started: the single QP of min-variance, max-utility, efficient-return and
// min-tracking-error, and the homogenised QP of max-Sharpe and max-diversification, whose
// remembered y is first rescaled onto the new window's normalisation row (excessᵀy = 1): every
// other row of that QP is homogeneous, so the rescaled y still satisfies them and is a feasible
// start. The efficient-risk and max-return-tracking-error searches warm-start within a call
// already and do not use the workspace; the solves that diagnose infeasibility never touch it.
//
// Universe changes: a call warm-starts only when its objective and its asset list (names, in
// order) are those of the previous call. When an asset enters or leaves, the workspace resets and
// the call starts cold. Mapping the previous answer by name would also need every constraint row
// re-indexed (rows are built per asset and per group, and drop out when implied), for a gain on
// the few rebalances where the universe changes; the next call warm-starts again. When the
// constraint structure changes under the same assets (a group dropped, bounds moved), the QP
// solver's own shape and feasibility checks decide (qp_solver.hpp).
//
// A warm start changes the path, not the answer: weights agree with a cold call to rounding.
class MeanVarianceWorkspace {
 public:
  // The solver for a call with this objective over these assets, reset first when either differs
  // from the previous call's. optimize_mean_variance calls it; users need not.
  QpSolver& solver_for(MeanVarianceObjective objective, const std::vector<std::string>& assets);
  // The solver, for its counters (QpSolver::warm_solves, solves).
  const QpSolver& solver() const { return solver_; }
  // Forgets everything: the next call starts cold.
  void reset();

 private:
  QpSolver solver_;
  MeanVarianceObjective objective_ = MeanVarianceObjective::kMinVariance;
  std::vector<std::string> assets_;
};

// Solves the mean-variance model. Call errors (dimension mismatch, NaN, indefinite Σ, missing
// target, unsupported combination such as kMaxSharpe with a free, zero or negative budget) come
// back as a Status; every solve outcome (optimal, infeasible with culprits, unbounded, numerical
// error) is a PortfolioResult.
// `workspace` (optional, default none: every call cold) carries warm starts between related
// calls as described above.
Result<PortfolioResult> optimize_mean_variance(const MeanVarianceProblem& problem,
                                               const MeanVarianceOptions& options = {},
                                               MeanVarianceWorkspace* workspace = nullptr);

}  // namespace keel
