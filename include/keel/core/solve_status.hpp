#pragma once
// Outcome of an optimisation (docs/architecture.md section 3): a value inside a result, not a call error.

#include <string_view>

namespace keel {

enum class SolveStatus {
  kOptimal,            // converged to the requested tolerances
  kOptimalInaccurate,  // stopped near an optimum with looser tolerances; usable, with a warning
  kInfeasible,         // the constraints admit no portfolio (the result names the culprits)
  kUnbounded,          // the objective is unbounded over the constraints
  kIterationLimit,     // stopped at the iteration limit before converging
  kTimeLimit,          // stopped at the time limit before converging
  kNumericalError,     // a factorisation or step failed numerically
};

// The kebab-case name used in JSON and on the command line ("optimal", "optimal-inaccurate", ...).
std::string_view to_string(SolveStatus status);

// True for kOptimal and kOptimalInaccurate: the weights may be used.
constexpr bool is_usable(SolveStatus status) {
  return status == SolveStatus::kOptimal || status == SolveStatus::kOptimalInaccurate;
}

// The CLI exit code for a finished solve: 0 when usable, 4 for numerical errors, 3 otherwise.
int exit_code(SolveStatus status);

}  // namespace keel
