#pragma once
// Readers for the JSON fixtures that the reference scripts write (numbers, with infinities as the
// strings "inf" / "-inf"; vectors; row-major matrices). A missing file, a missing key, a value of
// the wrong type or an empty array throws FixtureError, which fails the test that reads it: a
// fixture that silently reads as empty would let every comparison over it pass vacuously.

#include <Eigen/Core>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace keel::test {

struct FixtureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Whether an empty array is a valid value (e.g. a QP without equality constraints).
enum class AllowEmpty { kNo, kYes };

// The parsed file; throws naming the path when it is missing or is not JSON.
nlohmann::json read_json_fixture(const std::filesystem::path& path);

// node[key]; throws naming the key when `node` is not an object holding it.
const nlohmann::json& fixture_at(const nlohmann::json& node, std::string_view key);

// node[key] when it is a non-empty array or object (the cases a test loops over); throws naming the
// key otherwise, so that a renamed or emptied section cannot make a loop over it pass vacuously.
const nlohmann::json& fixture_cases(const nlohmann::json& node, std::string_view key);

// A number, or "inf" / "-inf"; `what` names the value in the error.
double fixture_number(const nlohmann::json& value, std::string_view what = "number");

// An array of numbers; `what` names it in the error.
Eigen::VectorXd fixture_vector(const nlohmann::json& value, std::string_view what,
                               AllowEmpty allow_empty = AllowEmpty::kNo);

// An array of rows, each an array of `cols` numbers; `what` names it in the error.
Eigen::MatrixXd fixture_matrix(const nlohmann::json& value, Eigen::Index cols,
                               std::string_view what, AllowEmpty allow_empty = AllowEmpty::kNo);

}  // namespace keel::test
