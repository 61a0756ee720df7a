#pragma once
// Primal-dual interior point for the dense QP of keel/optimize/qp.hpp (algorithm described there).

#include "keel/optimize/qp.hpp"

namespace keel::qp_detail {

// Solves a validated problem with validated options. Never throws; the outcome is in the status.
QpSolution solve_interior_point(const QpProblem& problem, const QpOptions& options);

}  // namespace keel::qp_detail
