#pragma once
// Primal active-set (range-space) method for the dense QP of keel/optimize/qp.hpp.

#include "keel/optimize/qp.hpp"

namespace keel::qp_detail {

// Solves a validated problem with validated options. P must be positive definite on the free
// variables; otherwise (or when the working set degenerates or the change limit is reached) the
// interior point solves the problem instead and `message` says why. `auto_mode` (the dispatcher
// chose the active set) only changes that note's wording.
QpSolution solve_active_set(const QpProblem& problem, const QpOptions& options, bool auto_mode);

}  // namespace keel::qp_detail
