#pragma once
// Private: the kBarrier solver of keel/optimize/risk_budgeting.hpp — constrained risk budgeting
// (Richard & Roncalli 2019) over bounds, groups and linear rows by a log-barrier path with a joint
// Newton method on (x, λ, equality multipliers) and an active-set polish. The method is described
// in the public header.

#include <Eigen/Core>

#include "keel/optimize/risk_budgeting.hpp"

namespace keel::rb_detail {

// Fills weights (unnormalised x with Σx = 1 up to rounding), status, message, solver, iterations,
// lambda, lower_active / upper_active, binding_constraints
// and warnings of `result`, whose budgets are set. `covariance` and `options` are validated.
void solve_barrier(Eigen::Ref<const Eigen::MatrixXd> covariance,
                   const RiskBudgetingOptions& options, RiskBudgetingResult& result);

}  // namespace keel::rb_detail
