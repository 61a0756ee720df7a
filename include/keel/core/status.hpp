#pragma once
// Call errors: what went wrong with a call's input or options (docs/architecture.md section 6). Solve outcomes
// are not call errors; they are values of SolveStatus inside a result object.

#include <string>
#include <string_view>
#include <utility>

namespace keel {

enum class StatusCode {
  kOk,
  kInvalidInput,  // bad data, bad options or usage: the message names the place and a fix
  kNoSolution,    // the call ran but has no usable answer (infeasible, unbounded, limits)
  kNumerical,     // a numerical failure (factorisation broke down, NaN appeared)
  kInternal,      // a bug in Keel
};

// The process exit code the CLI uses for a status code (docs/architecture.md section 3):
// 0 ok, 2 invalid input, 3 no usable answer, 4 numerical failure, 1 internal error.
int exit_code(StatusCode code);
std::string_view to_string(StatusCode code);

class Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid(std::string message) {
    return {StatusCode::kInvalidInput, std::move(message)};
  }
  static Status no_solution(std::string message) {
    return {StatusCode::kNoSolution, std::move(message)};
  }
  static Status numerical(std::string message) {
    return {StatusCode::kNumerical, std::move(message)};
  }
  static Status internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is `context + ": " + message()`, for adding the file or step.
  Status with_context(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace keel
