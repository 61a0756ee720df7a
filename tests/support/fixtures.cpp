#include "support/fixtures.hpp"

#include <fstream>
#include <limits>

namespace keel::test {

namespace {

[[noreturn]] void fail(std::string_view what, const std::string& problem) {
  throw FixtureError("fixture " + std::string(what) + ": " + problem);
}

void check_array(const nlohmann::json& value, std::string_view what, AllowEmpty allow_empty) {
  if (!value.is_array()) fail(what, "expected an array, got " + std::string(value.type_name()));
  if (value.empty() && allow_empty == AllowEmpty::kNo) {
    fail(what, "empty array (regenerate the fixture with its script)");
  }
}

}  // namespace

nlohmann::json read_json_fixture(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) fail(path.string(), "cannot be opened (regenerate it with its script)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    fail(path.string(), std::string("is not JSON: ") + e.what());
  }
}

const nlohmann::json& fixture_at(const nlohmann::json& node, std::string_view key) {
  if (!node.is_object()) fail(key, "parent is not an object");
  const auto it = node.find(std::string(key));
  if (it == node.end()) fail(key, "missing key");
  return *it;
}

const nlohmann::json& fixture_cases(const nlohmann::json& node, std::string_view key) {
  const nlohmann::json& cases = fixture_at(node, key);
  if (!cases.is_array() && !cases.is_object()) {
    fail(key, "expected an array or object of cases, got " + std::string(cases.type_name()));
  }
  if (cases.empty()) fail(key, "no cases (regenerate the fixture with its script)");
  return cases;
}

double fixture_number(const nlohmann::json& value, std::string_view what) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto s = value.get<std::string>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  fail(what, "expected a number, \"inf\" or \"-inf\", got " + value.dump());
}

Eigen::VectorXd fixture_vector(const nlohmann::json& value, std::string_view what,
                               AllowEmpty allow_empty) {
  check_array(value, what, allow_empty);
  Eigen::VectorXd out(static_cast<Eigen::Index>(value.size()));
  for (std::size_t i = 0; i < value.size(); ++i) {
    out[static_cast<Eigen::Index>(i)] = fixture_number(value[i], what);
  }
  return out;
}

Eigen::MatrixXd fixture_matrix(const nlohmann::json& value, Eigen::Index cols,
                               std::string_view what, AllowEmpty allow_empty) {
  check_array(value, what, allow_empty);
  Eigen::MatrixXd out(static_cast<Eigen::Index>(value.size()), cols);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& row = value[i];
    if (!row.is_array() || static_cast<Eigen::Index>(row.size()) != cols) {
      fail(what,
           "row " + std::to_string(i) + " is not an array of " + std::to_string(cols) + " numbers");
    }
    for (Eigen::Index j = 0; j < cols; ++j) {
      out(static_cast<Eigen::Index>(i), j) = fixture_number(row[static_cast<std::size_t>(j)], what);
    }
  }
  return out;
}

}  // namespace keel::test
