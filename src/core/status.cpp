#include "keel/core/status.hpp"

#include "keel/core/solve_status.hpp"

namespace keel {

int exit_code(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidInput: return 2;
    case StatusCode::kNoSolution: return 3;
    case StatusCode::kNumerical: return 4;
    case StatusCode::kInternal: return 1;
  }
  return 1;
}

std::string_view to_string(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidInput: return "invalid input";
    case StatusCode::kNoSolution: return "no usable answer";
    case StatusCode::kNumerical: return "numerical failure";
    case StatusCode::kInternal: return "internal error";
  }
  return "internal error";
}

Status Status::with_context(std::string_view context) const {
  if (is_ok()) return *this;
  return {code_, std::string(context) + ": " + message_};
}

std::string_view to_string(SolveStatus status) {
  switch (status) {
    case SolveStatus::kOptimal: return "optimal";
    case SolveStatus::kOptimalInaccurate: return "optimal-inaccurate";
    case SolveStatus::kInfeasible: return "infeasible";
    case SolveStatus::kUnbounded: return "unbounded";
    case SolveStatus::kIterationLimit: return "iteration-limit";
    case SolveStatus::kTimeLimit: return "time-limit";
    case SolveStatus::kNumericalError: return "numerical-error";
  }
  return "numerical-error";
}

int exit_code(SolveStatus status) {
  if (is_usable(status)) return 0;
  if (status == SolveStatus::kNumericalError) return 4;
  return 3;
}

}  // namespace keel
