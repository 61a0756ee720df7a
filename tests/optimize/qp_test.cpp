// Closed-form and invariant checks of solve_qp, for every algorithm.

#include "keel/optimize/qp.hpp"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <limits>
#include <random>

#include "support/random_problems.hpp"

namespace keel {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Long-only minimum variance with a budget: min ½wᵀΣw s.t. Σw = 1, 0 ≤ w ≤ 1.
QpProblem long_only_min_variance(const Eigen::MatrixXd& sigma) {
  const Eigen::Index n = sigma.rows();
  QpProblem p;
  p.P = sigma;
  p.q = Eigen::VectorXd::Zero(n);
  p.A = Eigen::MatrixXd::Ones(1, n);
  p.b = Eigen::VectorXd::Ones(1);
  p.G = Eigen::MatrixXd(0, n);
  p.h = Eigen::VectorXd(0);
  p.lower = Eigen::VectorXd::Zero(n);
  p.upper = Eigen::VectorXd::Ones(n);
  return p;
}

class QpAlgorithms : public ::testing::TestWithParam<QpAlgorithm> {
 protected:
  QpOptions options() const { return QpOptions{.algorithm = GetParam()}; }
};

void expect_kkt(const QpSolution& s, double tol = 1e-8) {
  EXPECT_TRUE(s.message.find("requested but") == std::string::npos) << s.message;
  EXPECT_LE(s.primal_residual, tol) << s.message;
  EXPECT_LE(s.dual_residual, tol) << s.message;
  EXPECT_LE(s.complementarity, tol) << s.message;
}

TEST_P(QpAlgorithms, EqualityOnlyMatchesKktSolve) {
  Random rng(7);
  const int n = 12;
  Eigen::MatrixXd sigma = test::factor_covariance(rng, {.assets = n, .factors = 3, .periods = 60});
  sigma.diagonal().array() += 1e-3;
  QpProblem p;
  p.P = sigma;
  p.q = Eigen::VectorXd::LinSpaced(n, -1.0, 1.0) * 1e-3;
  p.A = Eigen::MatrixXd::Random(3, n);
  p.b = Eigen::Vector3d(1.0, 0.2, -0.3);
  p.G = Eigen::MatrixXd(0, n);
  p.h = Eigen::VectorXd(0);
  Eigen::MatrixXd kkt = Eigen::MatrixXd::Zero(n + 3, n + 3);
  kkt.topLeftCorner(n, n) = p.P;
  kkt.topRightCorner(n, 3) = p.A.transpose();
  kkt.bottomLeftCorner(3, n) = p.A;
  Eigen::VectorXd rhs(n + 3);
  rhs << -p.q, p.b;
  const Eigen::VectorXd exact = kkt.fullPivLu().solve(rhs);
  const QpSolution s = solve_qp(p, options());
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_LE((s.x - exact.head(n)).cwiseAbs().maxCoeff(), 1e-8);
  EXPECT_LE((s.y - exact.tail(3)).cwiseAbs().maxCoeff(), 1e-6);
  expect_kkt(s);
}

TEST_P(QpAlgorithms, TwoAssetMinimumVarianceClosedForm) {
  // w₁ = (σ₂² − ρσ₁σ₂) / (σ₁² + σ₂² − 2ρσ₁σ₂), inside [0, 1] for these numbers.
  const double s1 = 0.3, s2 = 0.5, rho = 0.2;
  Eigen::Matrix2d sigma;
  sigma << s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2;
  const QpSolution s = solve_qp(long_only_min_variance(sigma), options());
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  const double w1 = (s2 * s2 - rho * s1 * s2) / (s1 * s1 + s2 * s2 - 2 * rho * s1 * s2);
  EXPECT_NEAR(s.x[0], w1, 1e-9);
  EXPECT_NEAR(s.x[1], 1.0 - w1, 1e-9);
  expect_kkt(s);
}

TEST_P(QpAlgorithms, TwoAssetCornerWhenCorrelationIsHigh) {
  // With ρ > σ₁/σ₂ the unconstrained optimum shorts asset 2: long-only puts everything in 1.
  const double s1 = 0.2, s2 = 0.5, rho = 0.9;
  Eigen::Matrix2d sigma;
  sigma << s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2;
  QpProblem p = long_only_min_variance(sigma);
  p.upper.resize(0);  // keeps the multipliers unique (w₁ = 1 would also touch its upper bound)
  const QpSolution s = solve_qp(p, options());
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_NEAR(s.x[0], 1.0, 1e-9);
  EXPECT_NEAR(s.x[1], 0.0, 1e-9);
  // Multiplier of w₂ ≥ 0: ∂/∂w₂ − ∂/∂w₁ at (1, 0) = ρσ₁σ₂ − σ₁².
  EXPECT_NEAR(s.z_lower[1], rho * s1 * s2 - s1 * s1, 1e-8);
  ASSERT_EQ(s.active_lower.size(), 1u);
  EXPECT_EQ(s.active_lower[0], 1);
  expect_kkt(s);
}

TEST_P(QpAlgorithms, IdentityCovarianceGivesEqualWeights) {
  const int n = 25;
  const QpSolution s = solve_qp(long_only_min_variance(Eigen::MatrixXd::Identity(n, n)), options());
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_LE((s.x.array() - 1.0 / n).abs().maxCoeff(), 1e-9);
  EXPECT_NEAR(s.objective, 0.5 / n, 1e-12);
  expect_kkt(s);
}

TEST_P(QpAlgorithms, ContradictoryBoundsAndBudgetAreInfeasible) {
  // Five assets capped at 10% cannot sum to 100%.
  QpProblem p = long_only_min_variance(Eigen::MatrixXd::Identity(5, 5));
  p.upper.setConstant(0.1);
  const QpSolution s = solve_qp(p, options());
  EXPECT_EQ(s.status, SolveStatus::kInfeasible) << s.message;
  EXPECT_FALSE(s.is_usable());
  EXPECT_NE(s.message.find("conflict"), std::string::npos) << s.message;
}

TEST_P(QpAlgorithms, ContradictoryEqualitiesAreInfeasible) {
  QpProblem p = long_only_min_variance(Eigen::MatrixXd::Identity(4, 4));
  p.lower.resize(0);
  p.upper.resize(0);
  p.A = Eigen::MatrixXd::Ones(2, 4);
  p.b = Eigen::Vector2d(1.0, 2.0);
  const QpSolution s = solve_qp(p, options());
  EXPECT_EQ(s.status, SolveStatus::kInfeasible) << s.message;
}

TEST_P(QpAlgorithms, PermutingVariablesPermutesSolution) {
  Random rng(11);
  const int n = 30;
  const Eigen::MatrixXd sigma =
      test::factor_covariance(rng, {.assets = n, .factors = 4, .periods = 200});
  QpProblem p = long_only_min_variance(sigma);
  p.q = -0.05 * Eigen::VectorXd::LinSpaced(n, 0.0, 1.0).cwiseProduct(sigma.diagonal());
  p.upper.setConstant(0.15);
  Eigen::PermutationMatrix<Eigen::Dynamic> perm(n);
  perm.setIdentity();
  for (int i = n - 1; i > 0; --i) {  // Fisher–Yates on keel::Random's raw stream
    std::swap(perm.indices()[i], perm.indices()[static_cast<int>(rng.next() % (i + 1))]);
  }
  QpProblem pp = p;
  pp.P = perm * p.P * perm.transpose();
  pp.q = perm * p.q;
  pp.A = p.A * perm.transpose();
  const QpSolution s = solve_qp(p, options());
  const QpSolution sp = solve_qp(pp, options());
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  ASSERT_EQ(sp.status, SolveStatus::kOptimal) << sp.message;
  EXPECT_LE((perm * s.x - sp.x).cwiseAbs().maxCoeff(), 1e-7);
  EXPECT_NEAR(s.objective, sp.objective, 1e-12);
  expect_kkt(s);
  expect_kkt(sp);
}

TEST_P(QpAlgorithms, FixedVariableStaysFixed) {
  QpProblem p = long_only_min_variance(Eigen::MatrixXd::Identity(4, 4));
  p.lower[2] = 0.4;
  p.upper[2] = 0.4;
  const QpSolution s = solve_qp(p, options());
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_NEAR(s.x[2], 0.4, 1e-12);
  for (int i : {0, 1, 3}) EXPECT_NEAR(s.x[i], 0.2, 1e-9);
  expect_kkt(s);
}

INSTANTIATE_TEST_SUITE_P(All, QpAlgorithms,
                         ::testing::Values(QpAlgorithm::kInteriorPoint, QpAlgorithm::kActiveSet,
                                           QpAlgorithm::kAuto),
                         [](const ::testing::TestParamInfo<QpAlgorithm>& param_info) {
                           switch (param_info.param) {
                             case QpAlgorithm::kInteriorPoint:
                               return std::string("InteriorPoint");
                             case QpAlgorithm::kActiveSet:
                               return std::string("ActiveSet");
                             case QpAlgorithm::kAuto:
                               return std::string("Auto");
                           }
                           return std::string("Unknown");
                         });

TEST(QpInteriorPoint, UnboundedLinearObjective) {
  // P = 0, q points outward, only a budget: x = t·(1, −1, 0) drives qᵀx → −∞.
  QpProblem p;
  p.P = Eigen::MatrixXd::Zero(3, 3);
  p.q = Eigen::Vector3d(-1.0, 1.0, 0.0);
  p.A = Eigen::MatrixXd::Ones(1, 3);
  p.b = Eigen::VectorXd::Ones(1);
  p.G = Eigen::MatrixXd(0, 3);
  p.h = Eigen::VectorXd(0);
  const QpSolution s = solve_qp(p, {.algorithm = QpAlgorithm::kInteriorPoint});
  EXPECT_EQ(s.status, SolveStatus::kUnbounded) << s.message;
  EXPECT_NE(s.message.find("unbounded"), std::string::npos);
}

TEST(QpInteriorPoint, UnboundedWithSemidefiniteP) {
  // P is PSD with null direction e₃ along which q decreases; x₃ ≥ 0 does not stop it.
  QpProblem p;
  p.P = Eigen::Vector3d(1.0, 2.0, 0.0).asDiagonal();
  p.q = Eigen::Vector3d(0.1, 0.2, -1.0);
  p.G = Eigen::MatrixXd(0, 3);
  p.h = Eigen::VectorXd(0);
  p.lower = Eigen::Vector3d(-kInf, -kInf, 0.0);
  const QpSolution s = solve_qp(p, {.algorithm = QpAlgorithm::kInteriorPoint});
  EXPECT_EQ(s.status, SolveStatus::kUnbounded) << s.message;
}

TEST(QpInteriorPoint, BoundedLinearProgram) {
  // P = 0 (an LP): min −x₁ − 2x₂ s.t. x₁ + x₂ ≤ 1, x ≥ 0 → (0, 1), objective −2.
  QpProblem p;
  p.P = Eigen::MatrixXd::Zero(2, 2);
  p.q = Eigen::Vector2d(-1.0, -2.0);
  p.G = Eigen::MatrixXd::Ones(1, 2);
  p.h = Eigen::VectorXd::Ones(1);
  p.lower = Eigen::Vector2d::Zero();
  const QpSolution s = solve_qp(p, {.algorithm = QpAlgorithm::kInteriorPoint});
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_NEAR(s.x[0], 0.0, 1e-8);
  EXPECT_NEAR(s.x[1], 1.0, 1e-8);
  EXPECT_NEAR(s.objective, -2.0, 1e-9);
  EXPECT_NEAR(s.z[0], 2.0, 1e-7);
  EXPECT_NEAR(s.z_lower[0], 1.0, 1e-7);
  ASSERT_EQ(s.active_rows.size(), 1u);
}

TEST(QpInteriorPoint, GeneralInequalityMultiplierMatchesClosedForm) {
  // min ½‖x‖² s.t. x₁ + x₂ ≥ 2 (−x₁ − x₂ ≤ −2): x = (1, 1), z = 1.
  QpProblem p;
  p.P = Eigen::Matrix2d::Identity();
  p.q = Eigen::Vector2d::Zero();
  p.G = -Eigen::MatrixXd::Ones(1, 2);
  p.h = -2.0 * Eigen::VectorXd::Ones(1);
  const QpSolution s = solve_qp(p);
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_NEAR(s.x[0], 1.0, 1e-9);
  EXPECT_NEAR(s.x[1], 1.0, 1e-9);
  EXPECT_NEAR(s.z[0], 1.0, 1e-8);
  expect_kkt(s);
}

TEST(QpValidation, BadDimensionsAreCallErrors) {
  QpProblem p = long_only_min_variance(Eigen::MatrixXd::Identity(3, 3));
  p.q = Eigen::VectorXd::Zero(4);
  EXPECT_FALSE(p.validate().is_ok());
  const QpSolution s = solve_qp(p);
  EXPECT_EQ(s.status, SolveStatus::kNumericalError);
  EXPECT_NE(s.message.find("P is 3x3"), std::string::npos) << s.message;
}

TEST(QpValidation, NanAndInvertedBoundsAreRejected) {
  QpProblem p = long_only_min_variance(Eigen::MatrixXd::Identity(3, 3));
  p.P(1, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(p.validate().is_ok());
  p = long_only_min_variance(Eigen::MatrixXd::Identity(3, 3));
  p.lower[2] = 2.0;
  const Status st = p.validate();
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("variable 2"), std::string::npos) << st.message();
  EXPECT_FALSE((QpOptions{.tolerance = 0.0}).validate().is_ok());
  EXPECT_FALSE((QpOptions{.max_iterations = 0}).validate().is_ok());
}

}  // namespace
}  // namespace keel
