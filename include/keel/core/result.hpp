#pragma once
// Result<T>: either a value or the Status that explains why there is none.

#include <cassert>
#include <optional>
#include <utility>

#include "keel/core/status.hpp"

namespace keel {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.is_ok() && "a Result built from a Status must carry an error");
  }

  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }

  const T& value() const& {
    assert(is_ok());
    return *value_;
  }
  T& value() & {
    assert(is_ok());
    return *value_;
  }
  T&& value() && {
    assert(is_ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace keel

// Propagates an error Status from an expression returning Status.
#define KEEL_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::keel::Status keel_status_ = (expr);       \
    if (!keel_status_.is_ok()) return keel_status_; \
  } while (false)
