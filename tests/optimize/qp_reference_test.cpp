// solve_qp against cvxopt.solvers.qp and R quadprog::solve.QP on seeded random problems
// (tests/reference/make_qp_fixtures.py and make_qp_fixtures_quadprog.R write the fixtures).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "keel/optimize/qp.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

namespace fs = std::filesystem;

using test::AllowEmpty;
using test::fixture_at;

// The named array of `j`; constraint rows (A, b, G, h) may be empty, nothing else may.
Eigen::VectorXd vector(const nlohmann::json& j, const char* key,
                       AllowEmpty allow_empty = AllowEmpty::kNo) {
  return test::fixture_vector(fixture_at(j, key), key, allow_empty);
}
Eigen::MatrixXd matrix(const nlohmann::json& j, const char* key, Eigen::Index cols,
                       AllowEmpty allow_empty = AllowEmpty::kNo) {
  return test::fixture_matrix(fixture_at(j, key), cols, key, allow_empty);
}

struct Fixture {
  std::string name;
  QpProblem problem;
  nlohmann::json answers;
};

std::vector<Fixture> load_fixtures() {
  std::vector<Fixture> out;
  const fs::path dir = fs::path(KEEL_SOURCE_DIR) / "tests" / "reference" / "qp";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const nlohmann::json j = test::read_json_fixture(file);
    Fixture f;
    f.name = j.at("name").get<std::string>();
    QpProblem& p = f.problem;
    p.q = vector(j, "q");
    const Eigen::Index n = p.q.size();
    p.P = matrix(j, "P", n);
    p.A = matrix(j, "A", n, AllowEmpty::kYes);
    p.b = vector(j, "b", AllowEmpty::kYes);
    p.G = matrix(j, "G", n, AllowEmpty::kYes);
    p.h = vector(j, "h", AllowEmpty::kYes);
    p.lower = vector(j, "lower");
    p.upper = vector(j, "upper");
    f.answers = j;
    fs::path quadprog = file;
    quadprog.replace_extension(".quadprog");
    if (fs::exists(quadprog)) {
      f.answers["quadprog"] = test::read_json_fixture(quadprog);
    }
    out.push_back(std::move(f));
  }
  return out;
}

// `relative_objective`: objective tolerance relative to max(|objective|, 1e-2·max|P|) (the floor
// keeps near-zero optima meaningful); `weights`: absolute tolerance on x. Each peer is held to
// its own accuracy: cvxopt's interior point (abstol 1e-12) leaves x off by up to 2.5e-6 on these
// problems, R quadprog's dual active set is exact to rounding, and so are both of Keel's answers
// (the active set, and the interior point after its active-set polish): they agree with quadprog
// to 6e-13 in x and 1e-12 in the objective.
void check_against(const Fixture& f, const QpSolution& s, const std::string& peer,
                   double relative_objective, double weights) {
  if (!f.answers.contains(peer)) return;
  const nlohmann::json& ref = f.answers.at(peer);
  const Eigen::VectorXd x_ref = vector(ref, "x");
  const double obj_ref = test::fixture_number(fixture_at(ref, "objective"), "objective");
  const double obj_tol =
      relative_objective * std::max(std::abs(obj_ref), 1e-2 * f.problem.P.cwiseAbs().maxCoeff());
  EXPECT_NEAR(s.objective, obj_ref, obj_tol) << f.name << " vs " << peer << " (" << s.solver << ")";
  // Strictly convex (P has a ridge): the minimiser is unique.
  EXPECT_LE((s.x - x_ref).cwiseAbs().maxCoeff(), weights) << f.name << " vs " << peer;
}

class QpReference : public ::testing::TestWithParam<QpAlgorithm> {};

TEST_P(QpReference, MatchesCvxoptAndQuadprog) {
  const std::vector<Fixture> fixtures = load_fixtures();
  ASSERT_GE(fixtures.size(), 20u) << "fixtures missing: run tests/reference/make_qp_fixtures.py";
  int quadprog_checked = 0;
  for (const Fixture& f : fixtures) {
    const QpSolution s = solve_qp(f.problem, {.algorithm = GetParam()});
    ASSERT_EQ(s.status, SolveStatus::kOptimal) << f.name << ": " << s.message;
    if (GetParam() == QpAlgorithm::kActiveSet) {
      EXPECT_EQ(s.solver, "active-set") << f.name << ": " << s.message;  // no silent fallback
    }
    if (GetParam() == QpAlgorithm::kInteriorPoint) {
      EXPECT_EQ(s.solver, "interior-point+polish") << f.name << ": the polish was refused";
    }
    const double scale =
        1.0 + f.problem.q.cwiseAbs().maxCoeff() + f.problem.P.cwiseAbs().maxCoeff();
    EXPECT_LE(s.primal_residual, 1e-12) << f.name;
    EXPECT_LE(s.dual_residual, 1e-12 * scale) << f.name;
    EXPECT_LE(s.complementarity, 1e-12 * scale) << f.name;
    check_against(f, s, "cvxopt", 1e-8, 1e-5);
    check_against(f, s, "quadprog", 1e-10, 1e-10);
    if (f.answers.contains("quadprog")) ++quadprog_checked;
  }
  EXPECT_GE(quadprog_checked, 20) << "quadprog answers missing: run make_qp_fixtures_quadprog.R";
}

INSTANTIATE_TEST_SUITE_P(All, QpReference,
                         ::testing::Values(QpAlgorithm::kInteriorPoint, QpAlgorithm::kActiveSet,
                                           QpAlgorithm::kAuto));

}  // namespace
}  // namespace keel
