// trace_frontier under group and linear constraints against cvxopt.solvers.qp solving
// min wᵀΣw s.t. μᵀw = target and the constraints point by point, with the return range from an
// independent LP (scipy's HiGHS). tests/reference/make_frontier_fixtures.py writes the fixtures.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "keel/optimize/frontier.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

namespace fs = std::filesystem;

double number(const nlohmann::json& v) { return test::fixture_number(v); }
Eigen::VectorXd vector(const nlohmann::json& v) { return test::fixture_vector(v, "vector"); }

struct Fixture {
  std::string name;
  MeanVarianceProblem problem;
  int points = 0;
  nlohmann::json cvxopt;
};

Fixture load(const fs::path& file) {
  const nlohmann::json j = test::read_json_fixture(file);
  Fixture f;
  f.name = j.at("name").get<std::string>();
  f.points = j.at("points").get<int>();
  MeanVarianceProblem& p = f.problem;
  p.expected_returns = vector(j.at("mu"));
  const auto n = p.expected_returns.size();
  p.covariance.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    p.covariance.row(i) = vector(j.at("sigma")[static_cast<std::size_t>(i)]).transpose();
  }
  for (Eigen::Index i = 0; i < n; ++i) p.assets.push_back("A" + std::to_string(i));
  p.constraints.lower_bounds = vector(j.at("lower"));
  p.constraints.upper_bounds = vector(j.at("upper"));
  for (const auto& g : j.at("groups")) {
    p.constraints.groups.push_back({g.at("name").get<std::string>(),
                                    g.at("members").get<std::vector<int>>(), number(g.at("min")),
                                    number(g.at("max"))});
  }
  for (const auto& row : j.at("linear")) {
    const std::string sense = row.at("sense").get<std::string>();
    p.constraints.linear.push_back({row.at("name").get<std::string>(),
                                    vector(row.at("coefficients")),
                                    sense == "<="   ? ConstraintSense::kLessEqual
                                    : sense == ">=" ? ConstraintSense::kGreaterEqual
                                                    : ConstraintSense::kEqual,
                                    row.at("rhs").get<double>()});
  }
  f.cvxopt = j.at("cvxopt");
  return f;
}

std::vector<fs::path> fixture_files() {
  const fs::path dir = fs::path(KEEL_SOURCE_DIR) / "tests" / "reference" / "frontier";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void expect_matches_cvxopt(const Fixture& f, const FrontierOptions& options) {
  SCOPED_TRACE(f.name);
  auto traced = trace_frontier(f.problem, options);
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  ASSERT_TRUE(traced->is_usable()) << traced->explanation;
  const auto& ref = f.cvxopt.at("points");
  ASSERT_EQ(traced->points.size(), ref.size());
  EXPECT_NEAR(traced->min_return, f.cvxopt.at("min_return").get<double>(), 1e-8);
  EXPECT_NEAR(traced->max_return, f.cvxopt.at("max_return").get<double>(), 1e-9);
  for (std::size_t k = 0; k < ref.size(); ++k) {
    const auto& pt = traced->points[k];
    const double variance = ref[k].at("variance").get<double>();
    const Eigen::VectorXd weights = vector(ref[k].at("weights"));
    if (!ref[k].at("target").is_null()) {
      // The same targets, found independently (cvxopt's and the LP's ends versus ours).
      EXPECT_NEAR(pt.target_return, ref[k].at("target").get<double>(), 1e-8) << "point " << k;
    }
    EXPECT_NEAR(pt.variance, variance, 1e-7 * variance) << "point " << k;
    EXPECT_LE((pt.weights - weights).lpNorm<Eigen::Infinity>(), 1e-5) << "point " << k;
  }
}

TEST(TraceFrontierReference, GroupsMatchCvxopt) {
  const auto files = fixture_files();
  ASSERT_GE(files.size(), 2u);
  for (const auto& file : files) {
    const Fixture f = load(file);
    expect_matches_cvxopt(f, FrontierOptions{.points = f.points});
  }
}

// The cold interior point (no warm start) reaches the same frontier.
TEST(TraceFrontierReference, ColdInteriorPointMatchesCvxopt) {
  for (const auto& file : fixture_files()) {
    const Fixture f = load(file);
    FrontierOptions options{.points = f.points, .warm_start = false};
    options.qp.algorithm = QpAlgorithm::kInteriorPoint;
    expect_matches_cvxopt(f, options);
  }
}

}  // namespace
}  // namespace keel
