// solve_qp against cvxopt.solvers.qp and R quadprog::solve.QP on seeded random problems
// (tests/reference/make_qp_fixtures.py and make_qp_fixtures_quadprog.R write the fixtures).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "keel/optimize/qp.hpp"
#include "optimize/json_fixtures.hpp"

namespace keel {
namespace {

namespace fs = std::filesystem;

Eigen::VectorXd vector(const nlohmann::json& v) { return test::json_fixture_vector(v); }
Eigen::MatrixXd matrix(const nlohmann::json& v, Eigen::Index cols) {
  return test::json_fixture_matrix(v, cols);
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
    std::ifstream in(file);
    const nlohmann::json j = nlohmann::json::parse(in);
    Fixture f;
    f.name = j.at("name").get<std::string>();
    QpProblem& p = f.problem;
    p.q = vector(j.at("q"));
    const Eigen::Index n = p.q.size();
    p.P = matrix(j.at("P"), n);
    p.A = matrix(j.at("A"), n);
    p.b = vector(j.at("b"));
    p.G = matrix(j.at("G"), n);
    p.h = vector(j.at("h"));
    p.lower = vector(j.at("lower"));
    p.upper = vector(j.at("upper"));
    f.answers = j;
    fs::path quadprog = file;
    quadprog.replace_extension(".quadprog");
    if (fs::exists(quadprog)) {
      std::ifstream qin(quadprog);
      f.answers["quadprog"] = nlohmann::json::parse(qin);
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
  const Eigen::VectorXd x_ref = vector(ref.at("x"));
  const double obj_ref = ref.at("objective").get<double>();
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
