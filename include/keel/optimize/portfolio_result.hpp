#pragma once
// PortfolioResult: the answer every portfolio model returns (mean-variance family, risk parity,
// HRP, CVaR LPs, ...). It is a value, not a call error (docs/architecture.md section 6): the status says
// whether the weights may be used, the diagnostics say how they were found and, when there is no
// answer, why not. `to_json()` writes docs/architecture.md section 3's optimize document (the CLI adds
// "inputs").

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/solve_status.hpp"

namespace keel {

// Annualised performance of a portfolio. Inputs are annualised already (the caller converts with
// its periods_per_year), so these are simply μᵀw, √(wᵀΣw) and (μᵀw − rf)/√(wᵀΣw).
// NaN means "not computed" (e.g. no expected returns were given to a min-variance model); JSON
// writes it as null.
struct Performance {
  double expected_return = std::numeric_limits<double>::quiet_NaN();
  double volatility = std::numeric_limits<double>::quiet_NaN();
  double sharpe = std::numeric_limits<double>::quiet_NaN();
};

// μᵀw, √(wᵀΣw), (μᵀw − rf)/σ. `expected_returns` may be empty (return and Sharpe stay NaN);
// a zero volatility gives a NaN Sharpe.
Performance compute_performance(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                const Eigen::Ref<const Eigen::VectorXd>& expected_returns,
                                const Eigen::Ref<const Eigen::MatrixXd>& covariance,
                                double risk_free_rate);

struct PortfolioDiagnostics {
  std::string solver;     // e.g. "interior-point", "active-set", "closed-form"; "" = no solve
  int iterations = 0;     // solver iterations summed over every solve the model made
  int solves = 0;         // number of QP/LP solves (efficient-risk searches make several)
  // Of those, the solves warm-started from a workspace carried across calls (model.hpp
  // ModelWorkspace); 0 without one.
  int warm_solves = 0;
  double solve_ms = 0.0;  // wall time of the whole model call (build + solves + verification)
  // Worst violation of any user constraint by the returned weights, in weight units (NaN = not
  // verified, e.g. no weights).
  double max_constraint_violation = std::numeric_limits<double>::quiet_NaN();
  std::string worst_constraint;  // name of the constraint with that violation ("" when none)
  // KKT residuals of the final solve (NaN = not computed, e.g. closed-form answers).
  double primal_residual = std::numeric_limits<double>::quiet_NaN();
  double dual_residual = std::numeric_limits<double>::quiet_NaN();
  double complementarity = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> active_constraints;  // names of constraints binding at the answer
  std::vector<std::string> warnings;
  std::vector<std::string> repairs;  // input repairs applied upstream, carried through
  // When the status is kInfeasible/kUnbounded/kNumericalError: the constraints that conflict
  // (names) and an explanation with a hint.
  std::vector<std::string> conflicting_constraints;
  std::string explanation;
};

// Limits beyond which a usable answer's annualised performance is implausible for a forecast.
// They never change the answer: `add_plausibility_warnings` adds a warning naming the figure, so
// a result such as "expected return 35,933%, Sharpe 1,792, optimal" (a coin with three days of
// history) does not pass unremarked. docs/estimation.md gives the reasons for the values.
struct PlausibilityLimits {
  // Annualised expected return of the portfolio (5 = 500% a year). Default 5; +inf = never.
  double max_expected_return = 5.0;
  // Annualised Sharpe ratio. Default 5 (the best crypto funds' multi-year Sharpe ratios are
  // near 1–3); +inf = never.
  double max_sharpe = 5.0;
};

struct PortfolioResult;

// Appends to r.diagnostics.warnings when r is usable and its expected return or Sharpe ratio
// (finite ones only) exceeds the limits.
void add_plausibility_warnings(PortfolioResult& r, const PlausibilityLimits& limits);

struct PortfolioResult {
  std::string model;  // kebab-case model name, e.g. "max-sharpe"
  SolveStatus status = SolveStatus::kNumericalError;
  std::vector<std::string> assets;
  Eigen::VectorXd weights;  // one per asset; empty when the model produced none
  Performance performance;
  PortfolioDiagnostics diagnostics;
  // Model-specific results written as top-level JSON keys after "diagnostics": risk
  // contributions and budgets (risk parity), the linkage matrix and leaf order (hierarchical
  // models), posterior returns (Black–Litterman), the optimal risk value (tail-risk LPs).
  // Empty object when the model has none.
  Json details = Json::object();

  bool is_usable() const { return keel::is_usable(status) && weights.size() > 0; }

  // {"model", "status", "weights": {asset: w}, "performance": {...}, "diagnostics": {...}}.
  // Keys follow docs/architecture.md section 3; NaN numbers are written as null. Diagnostics also carry
  // "solves", "worst_constraint", the KKT residuals, "active_constraints" and, when not usable,
  // "conflicting_constraints" and "explanation".
  Json to_json() const;
};

}  // namespace keel
