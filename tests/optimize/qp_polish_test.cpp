// The active-set polish of the interior point (QpOptions::polish). References are independent of
// the solver: vertices and multipliers computed by hand or built into the problem, a water-filling
// closed form, and the active-set solver; refusals are checked against the unpolished answer.

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <random>

#include "keel/optimize/qp.hpp"

namespace keel {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

QpProblem empty_problem(int n) {
  QpProblem p;
  p.P = Eigen::MatrixXd::Zero(n, n);
  p.q = Eigen::VectorXd::Zero(n);
  p.A = Eigen::MatrixXd(0, n);
  p.b = Eigen::VectorXd(0);
  p.G = Eigen::MatrixXd(0, n);
  p.h = Eigen::VectorXd(0);
  return p;
}

// Sample covariance of a 5-factor model with loadings of both signs (most assets held in a
// long-only minimum-variance book), divided by its mean variance.
Eigen::MatrixXd mixed_factor_covariance(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  const int periods = 3 * n;
  Eigen::MatrixXd loadings(n, 5);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 5; ++k) loadings(i, k) = normal(rng);
  }
  Eigen::MatrixXd r(periods, n);
  for (int t = 0; t < periods; ++t) {
    Eigen::VectorXd f(5);
    for (int k = 0; k < 5; ++k) f[k] = 0.02 * normal(rng);
    for (int i = 0; i < n; ++i) r(t, i) = loadings.row(i).dot(f) + 0.01 * normal(rng);
  }
  const Eigen::MatrixXd centred = r.rowwise() - r.colwise().mean();
  const Eigen::MatrixXd sigma = centred.transpose() * centred / (periods - 1.0);
  return sigma / sigma.diagonal().mean();
}

QpProblem budget_and_box(const Eigen::MatrixXd& p, double lo, double up) {
  const Eigen::Index n = p.rows();
  QpProblem qp = empty_problem(static_cast<int>(n));
  qp.P = p;
  qp.A = Eigen::MatrixXd::Ones(1, n);
  qp.b = Eigen::VectorXd::Ones(1);
  qp.lower = Eigen::VectorXd::Constant(n, lo);
  qp.upper = Eigen::VectorXd::Constant(n, up);
  return qp;
}

const QpOptions kInteriorPoint{.algorithm = QpAlgorithm::kInteriorPoint};
const QpOptions kUnpolished{.algorithm = QpAlgorithm::kInteriorPoint, .polish = false};

TEST(QpPolish, LinearProgramLandsOnTheHandComputedVertex) {
  // max x₁ + x₂ s.t. 2x₁ + x₂ ≤ 4, x₁ + 3x₂ ≤ 6, x ≥ 0. Both rows hold at the optimum; by
  // Cramer's rule (determinant 5) x = (6/5, 8/5), and Gᵀz = −q gives z = (2/5, 1/5).
  QpProblem p = empty_problem(2);
  p.q << -1.0, -1.0;
  p.G.resize(2, 2);
  p.G << 2.0, 1.0, 1.0, 3.0;
  p.h.resize(2);
  p.h << 4.0, 6.0;
  p.lower = Eigen::VectorXd::Zero(2);
  const QpSolution s = solve_qp(p, kInteriorPoint);
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_EQ(s.solver, "interior-point+polish");
  EXPECT_NEAR(s.x[0], 6.0 / 5.0, 1e-15);
  EXPECT_NEAR(s.x[1], 8.0 / 5.0, 1e-15);
  EXPECT_NEAR(s.objective, -14.0 / 5.0, 1e-15);
  EXPECT_NEAR(s.z[0], 2.0 / 5.0, 1e-15);
  EXPECT_NEAR(s.z[1], 1.0 / 5.0, 1e-15);
  EXPECT_EQ(s.active_rows, (std::vector<int>{0, 1}));
  EXPECT_TRUE(s.active_lower.empty());
}

TEST(QpPolish, RandomLinearProgramVertexIsExact) {
  // A vertex built into the data: x* has k positive entries, k of the m rows pass through it and
  // the other rows have slack; q = μ − G_Wᵀλ with λ > 0 on the active rows and μ > 0 on the
  // variables at zero. Then (x*, λ, μ) satisfies the KKT conditions strictly and nondegenerately,
  // so x* is the unique optimum, λ and μ the unique multipliers.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.1, 1.0);
  const int n = 40, k = 15, m = 60;
  QpProblem p = empty_problem(n);
  p.lower = Eigen::VectorXd::Zero(n);
  p.upper = Eigen::VectorXd::Constant(n, kInf);
  Eigen::VectorXd x_star = Eigen::VectorXd::Zero(n);
  for (int j = 0; j < k; ++j) x_star[j] = uniform(rng);
  p.G.resize(m, n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) p.G(i, j) = normal(rng);
  }
  p.h = p.G * x_star;
  for (int i = k; i < m; ++i) p.h[i] += uniform(rng);
  Eigen::VectorXd lambda = Eigen::VectorXd::Zero(m);
  for (int i = 0; i < k; ++i) lambda[i] = uniform(rng);
  Eigen::VectorXd mu = Eigen::VectorXd::Zero(n);
  for (int j = k; j < n; ++j) mu[j] = uniform(rng);
  p.q = mu - p.G.transpose() * lambda;

  const QpSolution s = solve_qp(p, kInteriorPoint);
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_EQ(s.solver, "interior-point+polish");
  // Exact up to the conditioning of the vertex: the data (h = G x* rounded) fix x* only to
  // cond(G_WF)·ε, with G_WF the active rows on the positive variables (cond 3.7e3 here).
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(p.G.topLeftCorner(k, k));
  const double cond = svd.singularValues()[0] / svd.singularValues()[k - 1];
  EXPECT_LE((s.x - x_star).cwiseAbs().maxCoeff(),
            10.0 * cond * std::numeric_limits<double>::epsilon());
  EXPECT_NEAR(s.objective, p.q.dot(x_star), 1e-13 * std::abs(p.q.dot(x_star)));
  EXPECT_LE((s.z - lambda).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LE((s.z_lower - mu).cwiseAbs().maxCoeff(), 1e-12);
  std::vector<int> rows(k), at_zero(n - k);
  for (int i = 0; i < k; ++i) rows[static_cast<std::size_t>(i)] = i;
  for (int j = k; j < n; ++j) at_zero[static_cast<std::size_t>(j - k)] = j;
  EXPECT_EQ(s.active_rows, rows);
  EXPECT_EQ(s.active_lower, at_zero);
  // Variables on the face sit exactly on their bound.
  for (int j = k; j < n; ++j) EXPECT_EQ(s.x[j], 0.0) << "variable " << j;
}

TEST(QpPolish, InaccurateInteriorPointIsPolishedToOptimal) {
  // Cut off after 8 iterations, the interior point reports kOptimalInaccurate on the 300-asset
  // mixed-loading book; the polish finds the exact face from that iterate.
  std::mt19937_64 rng(19);
  const QpProblem p = budget_and_box(1e4 * mixed_factor_covariance(300, rng), 0.0, 1.0);
  QpOptions cut = kUnpolished;
  cut.max_iterations = 8;
  const QpSolution raw = solve_qp(p, cut);
  ASSERT_EQ(raw.status, SolveStatus::kOptimalInaccurate) << raw.message;
  cut.polish = true;
  const QpSolution s = solve_qp(p, cut);
  const QpSolution exact = solve_qp(p, {.algorithm = QpAlgorithm::kActiveSet});
  ASSERT_EQ(exact.status, SolveStatus::kOptimal) << exact.message;
  EXPECT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_EQ(s.solver, "interior-point+polish");
  EXPECT_NE(s.message.find("polish"), std::string::npos) << s.message;
  EXPECT_GT((raw.x - exact.x).cwiseAbs().maxCoeff(), 1e-6);  // the raw iterate was rough
  EXPECT_LE((s.x - exact.x).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_NEAR(s.objective, exact.objective, 1e-12 * exact.objective);
  EXPECT_EQ(s.active_lower, exact.active_lower);
}

TEST(QpPolish, WrongGuessIsRefusedAndTheInteriorPointAnswerKept) {
  // At tolerance 1e-3 the interior point stops after three iterations, far from the face (its
  // own active lists name none of the 14 assets held at zero). Three faces of corrections do not
  // reach the optimum from there, so the polish must step aside and hand back the interior
  // point's answer unchanged.
  std::mt19937_64 rng(100);
  const QpProblem p = budget_and_box(mixed_factor_covariance(100, rng), 0.0, 0.05);
  QpOptions loose = kUnpolished;
  loose.tolerance = 1e-3;
  const QpSolution raw = solve_qp(p, loose);
  loose.polish = true;
  const QpSolution s = solve_qp(p, loose);
  const QpSolution exact = solve_qp(p, {.algorithm = QpAlgorithm::kActiveSet});
  ASSERT_EQ(raw.status, SolveStatus::kOptimal) << raw.message;
  ASSERT_EQ(exact.status, SolveStatus::kOptimal) << exact.message;
  ASSERT_GE(exact.active_lower.size(), 10u);
  ASSERT_NE(raw.active_lower, exact.active_lower);  // the guess is wrong

  EXPECT_EQ(s.solver, "interior-point");
  EXPECT_EQ(s.status, raw.status);
  EXPECT_EQ(s.message, raw.message);
  EXPECT_EQ(s.iterations, raw.iterations);
  EXPECT_TRUE(s.x == raw.x);
  EXPECT_TRUE(s.y == raw.y);
  EXPECT_TRUE(s.z_lower == raw.z_lower);
  EXPECT_TRUE(s.z_upper == raw.z_upper);
  EXPECT_EQ(s.objective, raw.objective);
  EXPECT_EQ(s.active_lower, raw.active_lower);
  EXPECT_EQ(s.active_upper, raw.active_upper);
  // Still a correct answer to the tolerance asked for: feasible, and above the optimum by no more
  // than the complementarity gap allowed (1e-3 · max(1, |objective|), the objective being < 1).
  EXPECT_LE(s.primal_residual, 1e-12);
  EXPECT_GE(s.objective, exact.objective * (1.0 - 1e-12));
  EXPECT_LE(s.objective - exact.objective, 1e-3);
}

TEST(QpPolish, DuplicatedEqualityRowIsDropped) {
  // min ½‖x‖² + qᵀx, Σx = 1 written twice, 0 ≤ x ≤ 0.3: the two budget rows are dependent. With
  // P = I the answer is water-filling, x_i = clamp(−q_i − y, 0, 0.3), y by bisection on the budget;
  // only the sum of the two budget multipliers is determined, and it equals y.
  const int n = 8;
  QpProblem p = empty_problem(n);
  p.P = Eigen::MatrixXd::Identity(n, n);
  p.q = Eigen::VectorXd::LinSpaced(n, -0.35, 0.35);
  p.A = Eigen::MatrixXd::Ones(2, n);
  p.b = Eigen::VectorXd::Ones(2);
  p.lower = Eigen::VectorXd::Zero(n);
  p.upper = Eigen::VectorXd::Constant(n, 0.3);
  const auto weights = [&](double y) {
    return (-p.q.array() - y).cwiseMax(0.0).cwiseMin(0.3).matrix().eval();
  };
  double lo = -2.0, hi = 2.0;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (weights(mid).sum() > 1.0 ? lo : hi) = mid;
  }
  const double y = 0.5 * (lo + hi);
  const Eigen::VectorXd exact = weights(y);
  ASSERT_GT((exact.array() == 0.3).count(), 0);  // both bounds and free variables occur
  ASSERT_GT((exact.array() == 0.0).count(), 0);
  const QpSolution s = solve_qp(p, kInteriorPoint);
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_EQ(s.solver, "interior-point+polish");
  EXPECT_LE((s.x - exact).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_NEAR(s.y[0] + s.y[1], y, 1e-14);
  EXPECT_LE(s.dual_residual, 1e-15);
}

TEST(QpPolish, EveryVariableAtABoundLeavesNoFreeDimension) {
  // Ten assets capped at 10% with a 100% budget: every cap is active and the budget row depends
  // on them (11 active constraints, 10 variables). x = 0.1 exactly; the multipliers are not
  // unique but must satisfy the KKT conditions with the right signs.
  const int n = 10;
  QpProblem p = budget_and_box(Eigen::MatrixXd::Identity(n, n), 0.0, 0.1);
  p.q = Eigen::VectorXd::LinSpaced(n, -0.1, 0.1);
  const QpSolution s = solve_qp(p, kInteriorPoint);
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_EQ(s.solver, "interior-point+polish");
  for (int i = 0; i < n; ++i) EXPECT_EQ(s.x[i], 0.1) << "asset " << i;
  EXPECT_EQ(s.active_upper.size(), static_cast<std::size_t>(n));
  EXPECT_GE(s.z_upper.minCoeff(), 0.0);
  EXPECT_LE(s.dual_residual, 1e-15);
  EXPECT_NEAR(s.objective, 0.5 * n * 0.01 + 0.1 * p.q.sum(), 1e-16);
}

TEST(QpPolish, FlatFaceKeepsTheInteriorPointsPosition) {
  // min ½x₁² − x₁ − x₂ − x₃ s.t. x₂ + x₃ ≤ 1, x ≥ 0: x₁ = 1 and any split of x₂ + x₃ = 1 is
  // optimal (objective −3/2, multiplier 1). P has no curvature along the face, so the reduced
  // Hessian is singular; the polish must keep the interior point's position along it.
  QpProblem p = empty_problem(3);
  p.P(0, 0) = 1.0;
  p.q << -1.0, -1.0, -1.0;
  p.G.resize(1, 3);
  p.G << 0.0, 1.0, 1.0;
  p.h = Eigen::VectorXd::Ones(1);
  p.lower = Eigen::VectorXd::Zero(3);
  const QpSolution raw = solve_qp(p, kUnpolished);
  const QpSolution s = solve_qp(p, kInteriorPoint);
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_EQ(s.solver, "interior-point+polish");
  EXPECT_NEAR(s.x[0], 1.0, 1e-15);
  EXPECT_NEAR(s.x[1] + s.x[2], 1.0, 1e-15);
  EXPECT_GT(std::min(s.x[1], s.x[2]), 0.0);
  EXPECT_NEAR(s.x[1] - s.x[2], raw.x[1] - raw.x[2], 1e-12);
  EXPECT_NEAR(s.objective, -1.5, 1e-15);
  EXPECT_NEAR(s.z[0], 1.0, 1e-15);
}

TEST(QpPolish, SwitchedOffReturnsTheRawIterate) {
  QpProblem p = empty_problem(2);
  p.q << -1.0, -1.0;
  p.G.resize(2, 2);
  p.G << 2.0, 1.0, 1.0, 3.0;
  p.h.resize(2);
  p.h << 4.0, 6.0;
  p.lower = Eigen::VectorXd::Zero(2);
  const QpSolution s = solve_qp(p, kUnpolished);
  ASSERT_EQ(s.status, SolveStatus::kOptimal) << s.message;
  EXPECT_EQ(s.solver, "interior-point");
  EXPECT_NEAR(s.x[0], 6.0 / 5.0, 1e-7);  // to the interior point's tolerance
}

}  // namespace
}  // namespace keel
