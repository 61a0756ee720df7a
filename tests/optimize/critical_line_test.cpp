// The critical line algorithm against independent solves of the same problems by solve_qp
// (parametric QP at many λ, target-return and risk-aversion QPs, the homogenised max-Sharpe QP, a
// bisection on λ for target volatility), on seeded random problems with n from 2 to 200, and a
// 400-asset walk against the active set.

#include "keel/optimize/critical_line.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "keel/optimize/qp.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

struct Problem {
  Eigen::VectorXd mu;
  Eigen::MatrixXd sigma;
  Eigen::VectorXd lower;
  Eigen::VectorXd upper;
};

// Long-only (box = false) or random boxes lower ∈ [−0.1, 0], upper ∈ [0.05, 0.5] (box = true).
Problem random_problem(int n, bool box, Random& rng) {
  Problem p;
  p.sigma =
      test::factor_covariance(rng, {.assets = n, .factors = 3, .periods = std::max(3 * n, 60)});
  p.mu.resize(n);
  for (int i = 0; i < n; ++i) p.mu[i] = 0.001 * rng.normal();
  p.lower = Eigen::VectorXd::Zero(n);
  p.upper = Eigen::VectorXd::Ones(n);
  if (box) {
    for (int i = 0; i < n; ++i) {
      p.lower[i] = -0.1 * rng.uniform();
      p.upper[i] = std::max(0.05 + 0.45 * rng.uniform(), 1.5 / n);
    }
  }
  return p;
}

// min ½wᵀΣw − λμᵀw under the budget and bounds, divided by the mean variance so that the
// reference solvers' absolute tolerances meet data of order one (same minimiser).
QpProblem parametric_qp(const Problem& p, double lambda) {
  const Eigen::Index n = p.mu.size();
  const double scale = p.sigma.diagonal().mean();
  QpProblem q;
  q.P = p.sigma / scale;
  q.q = -lambda * p.mu / scale;
  q.A = Eigen::MatrixXd::Ones(1, n);
  q.b = Eigen::VectorXd::Ones(1);
  q.G = Eigen::MatrixXd(0, n);
  q.h = Eigen::VectorXd(0);
  q.lower = p.lower;
  q.upper = p.upper;
  return q;
}

EfficientFrontier frontier_of(const Problem& p) {
  Result<EfficientFrontier> f = critical_line(p.mu, p.sigma, p.lower, p.upper);
  EXPECT_TRUE(f.is_ok()) << f.status().message();
  EXPECT_TRUE(f->is_usable()) << f->message;
  return std::move(f).value();
}

void expect_portfolio(const FrontierPoint& point, const Problem& p) {
  EXPECT_NEAR(point.weights.sum(), 1.0, 1e-10);
  EXPECT_GE((point.weights - p.lower).minCoeff(), -1e-10);
  EXPECT_LE((point.weights - p.upper).maxCoeff(), 1e-10);
  EXPECT_NEAR(point.expected_return, p.mu.dot(point.weights), 1e-12);
  const double variance = point.weights.dot(p.sigma * point.weights);
  EXPECT_NEAR(point.variance, variance, 1e-10 * variance);
  EXPECT_NEAR(point.volatility, std::sqrt(variance), 1e-10 * std::sqrt(variance));
}

class RandomFrontiers : public ::testing::TestWithParam<std::tuple<int, bool>> {};

TEST_P(RandomFrontiers, MatchesParametricQpAtTurningPointsAndBetween) {
  const auto [n, box] = GetParam();
  Random rng(1000 + 7 * n + (box ? 1 : 0));
  const Problem p = random_problem(n, box, rng);
  const EfficientFrontier f = frontier_of(p);
  ASSERT_GE(f.turning_points.size(), 1u);
  EXPECT_LE(f.kkt_residual, 1e-12);
  ASSERT_EQ(f.cross_covariance.size(), f.turning_points.size() - 1);
  EXPECT_EQ(f.turning_points.back().lambda, 0.0);
  for (std::size_t t = 0; t < f.turning_points.size(); ++t) {
    expect_portfolio(f.turning_points[t], p);
    if (t > 0) {
      EXPECT_LT(f.turning_points[t].lambda, f.turning_points[t - 1].lambda);
      EXPECT_LE(f.turning_points[t].expected_return,
                f.turning_points[t - 1].expected_return + 1e-14);
      EXPECT_LE(f.turning_points[t].variance, f.turning_points[t - 1].variance * (1 + 1e-12));
    }
  }
  // λ values: every turning point, midpoints of segments, and one beyond the first.
  std::vector<double> lambdas;
  for (std::size_t t = 0; t < f.turning_points.size(); ++t) {
    lambdas.push_back(f.turning_points[t].lambda);
    if (t + 1 < f.turning_points.size()) {
      lambdas.push_back(0.3 * f.turning_points[t].lambda + 0.7 * f.turning_points[t + 1].lambda);
    }
  }
  lambdas.push_back(2.0 * f.turning_points.front().lambda + 1.0);
  const std::size_t stride = std::max<std::size_t>(1, lambdas.size() / 60);
  for (std::size_t k = 0; k < lambdas.size(); k += stride) {
    const double lambda = lambdas[k];
    const Result<FrontierPoint> point = f.at_lambda(lambda);
    ASSERT_TRUE(point.is_ok()) << point.status().message();
    const QpSolution qp =
        solve_qp(parametric_qp(p, lambda), {.algorithm = QpAlgorithm::kActiveSet});
    ASSERT_EQ(qp.status, SolveStatus::kOptimal) << qp.message;
    EXPECT_LE((point->weights - qp.x).cwiseAbs().maxCoeff(), 1e-8)
        << "n = " << n << ", λ = " << lambda;
    expect_portfolio(*point, p);
  }
}

TEST_P(RandomFrontiers, MinimumVarianceEndMatchesQp) {
  const auto [n, box] = GetParam();
  Random rng(2000 + 7 * n + (box ? 1 : 0));
  const Problem p = random_problem(n, box, rng);
  const EfficientFrontier f = frontier_of(p);
  const FrontierPoint& gmv = f.turning_points.back();
  const QpSolution active = solve_qp(parametric_qp(p, 0.0), {.algorithm = QpAlgorithm::kActiveSet});
  ASSERT_EQ(active.status, SolveStatus::kOptimal) << active.message;
  EXPECT_LE((gmv.weights - active.x).cwiseAbs().maxCoeff(), 1e-8);
  const QpSolution ipm =
      solve_qp(parametric_qp(p, 0.0), {.algorithm = QpAlgorithm::kInteriorPoint});
  ASSERT_EQ(ipm.status, SolveStatus::kOptimal) << ipm.message;
  const double variance_ipm = ipm.x.dot(p.sigma * ipm.x);
  // The interior point stops short of the vertex: its variance is a little higher, never lower.
  EXPECT_LE(gmv.variance, variance_ipm * (1.0 + 1e-12));
  EXPECT_NEAR(gmv.variance, variance_ipm, 1e-6 * gmv.variance);
}

TEST_P(RandomFrontiers, TargetReturnAndRiskAversionMatchQp) {
  const auto [n, box] = GetParam();
  Random rng(3000 + 7 * n + (box ? 1 : 0));
  const Problem p = random_problem(n, box, rng);
  const EfficientFrontier f = frontier_of(p);
  for (double share : {0.0, 0.13, 0.5, 0.91, 1.0}) {
    const double target = f.min_return() + share * (f.max_return() - f.min_return());
    const Result<FrontierPoint> point = f.at_return(target);
    ASSERT_TRUE(point.is_ok()) << point.status().message();
    EXPECT_NEAR(point->expected_return, target, 1e-14);
    QpProblem q = parametric_qp(p, 0.0);
    q.A = Eigen::MatrixXd(2, n);
    q.A.row(0).setOnes();
    q.A.row(1) = p.mu.transpose();
    q.b = Eigen::Vector2d(1.0, target);
    if (share == 0.0 || share == 1.0) continue;  // μᵀw = target is then a supporting face
    const QpSolution qp = solve_qp(q, {.algorithm = QpAlgorithm::kActiveSet});
    ASSERT_TRUE(qp.is_usable()) << qp.message;
    const double variance_qp = qp.x.dot(p.sigma * qp.x);
    EXPECT_LE(point->variance, variance_qp * (1.0 + 1e-10));
    if (qp.solver == "active-set") {
      EXPECT_NEAR(point->variance, variance_qp, 1e-9 * point->variance);
      EXPECT_LE((point->weights - qp.x).cwiseAbs().maxCoeff(), 1e-7) << "target " << target;
    } else {  // the active set handed over to the less exact interior point
      EXPECT_NEAR(point->variance, variance_qp, 1e-6 * point->variance) << qp.message;
    }
  }
  for (double delta : {0.5, 10.0, 1e3, 1e5}) {
    const Result<FrontierPoint> point = f.at_risk_aversion(delta);
    ASSERT_TRUE(point.is_ok());
    QpProblem q = parametric_qp(p, 1.0 / delta);
    const QpSolution qp = solve_qp(q, {.algorithm = QpAlgorithm::kActiveSet});
    ASSERT_EQ(qp.status, SolveStatus::kOptimal);
    EXPECT_LE((point->weights - qp.x).cwiseAbs().maxCoeff(), 1e-8) << "δ = " << delta;
  }
}

TEST_P(RandomFrontiers, MaxSharpeMatchesHomogenisedQp) {
  const auto [n, box] = GetParam();
  Random rng(4000 + 7 * n + (box ? 1 : 0));
  const Problem p = random_problem(n, box, rng);
  const EfficientFrontier f = frontier_of(p);
  const double rf = f.min_return() - 0.2 * (f.max_return() - f.min_return()) - 1e-5;
  const Result<FrontierPoint> best = f.max_sharpe(rf);
  ASSERT_TRUE(best.is_ok()) << best.status().message();
  expect_portfolio(*best, p);
  // min yᵀΣy s.t. (μ − rf)ᵀy = 1, 1ᵀy = κ, κ·lower ≤ y ≤ κ·upper, κ ≥ 0; then w = y/κ
  // (Cornuejols & Tütüncü, "Optimization Methods in Finance", 2007, §8.2).
  QpProblem q;
  q.P = Eigen::MatrixXd::Zero(n + 1, n + 1);
  q.P.topLeftCorner(n, n) = p.sigma / p.sigma.diagonal().mean();
  q.q = Eigen::VectorXd::Zero(n + 1);
  q.A = Eigen::MatrixXd::Zero(2, n + 1);
  q.A.row(0).head(n) = (p.mu.array() - rf).matrix().transpose();
  q.A.row(1).head(n).setOnes();
  q.A(1, n) = -1.0;
  q.b = Eigen::Vector2d(1.0, 0.0);
  q.G = Eigen::MatrixXd::Zero(2 * n, n + 1);
  q.h = Eigen::VectorXd::Zero(2 * n);
  for (int i = 0; i < n; ++i) {
    q.G(i, i) = 1.0;
    q.G(i, n) = -p.upper[i];
    q.G(n + i, i) = -1.0;
    q.G(n + i, n) = p.lower[i];
  }
  q.lower = Eigen::VectorXd::Constant(n + 1, -std::numeric_limits<double>::infinity());
  q.lower[n] = 0.0;
  const QpSolution qp = solve_qp(q, {.algorithm = QpAlgorithm::kInteriorPoint});
  ASSERT_TRUE(qp.is_usable()) << qp.message;
  const Eigen::VectorXd w = qp.x.head(n) / qp.x[n];
  const double sharpe_qp = (p.mu.dot(w) - rf) / std::sqrt(w.dot(p.sigma * w));
  const double sharpe_cla = (best->expected_return - rf) / best->volatility;
  EXPECT_GE(sharpe_cla, sharpe_qp * (1.0 - 1e-9));
  EXPECT_NEAR(sharpe_cla, sharpe_qp, 1e-8 * std::abs(sharpe_qp));
  EXPECT_LE((best->weights - w).cwiseAbs().maxCoeff(), 1e-4);
  // The maximum over a fine grid of the exact frontier is no better.
  for (int k = 0; k <= 400; ++k) {
    const double target = f.min_return() + (f.max_return() - f.min_return()) * k / 400.0;
    const FrontierPoint point = f.at_return(target).value();
    EXPECT_LE((point.expected_return - rf) / point.volatility, sharpe_cla * (1.0 + 1e-13));
  }
}

TEST_P(RandomFrontiers, TargetVolatilityMatchesBisectionOnLambda) {
  const auto [n, box] = GetParam();
  if (n > 50) GTEST_SKIP() << "bisection with QP solves is kept to the small problems";
  Random rng(5000 + 7 * n + (box ? 1 : 0));
  const Problem p = random_problem(n, box, rng);
  const EfficientFrontier f = frontier_of(p);
  const double lo = f.turning_points.back().volatility;
  const double hi = f.turning_points.front().volatility;
  for (double share : {0.1, 0.5, 0.8}) {
    const double target = lo + share * (hi - lo);
    const Result<FrontierPoint> point = f.at_volatility(target);
    ASSERT_TRUE(point.is_ok()) << point.status().message();
    EXPECT_NEAR(point->volatility, target, 1e-12 * target);
    // Volatility of the parametric QP's solution increases with λ: bisect on λ.
    double a = 0.0;
    double b = f.turning_points.front().lambda;
    for (int it = 0; it < 100 && b - a > 1e-14 * b; ++it) {
      const double mid = 0.5 * (a + b);
      const Eigen::VectorXd w =
          solve_qp(parametric_qp(p, mid), {.algorithm = QpAlgorithm::kActiveSet}).x;
      (std::sqrt(w.dot(p.sigma * w)) < target ? a : b) = mid;
    }
    const Eigen::VectorXd w =
        solve_qp(parametric_qp(p, 0.5 * (a + b)), {.algorithm = QpAlgorithm::kActiveSet}).x;
    EXPECT_LE((point->weights - w).cwiseAbs().maxCoeff(), 1e-7) << "target " << target;
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, RandomFrontiers,
                         ::testing::Combine(::testing::Values(2, 3, 5, 8, 13, 30, 64, 120, 200),
                                            ::testing::Bool()));

// A long walk (hundreds of events, so the incrementally updated solutions go through several
// refreshes) against the parametric QP solved by the active set at turning points and between.
TEST(CriticalLine, FourHundredAssetsMatchParametricQp) {
  for (const bool box : {false, true}) {
    Random rng(4000 + (box ? 1 : 0));
    const Problem p = random_problem(400, box, rng);
    const EfficientFrontier f = frontier_of(p);
    EXPECT_GT(f.turning_points.size(), 100u);
    EXPECT_LE(f.kkt_residual, 1e-12);
    const std::size_t stride = f.turning_points.size() / 15;
    for (std::size_t t = 0; t + 1 < f.turning_points.size(); t += stride) {
      const double hi = f.turning_points[t].lambda;
      const double lo = f.turning_points[t + 1].lambda;
      for (const double lambda : {hi, 0.5 * (hi + lo)}) {
        const Result<FrontierPoint> point = f.at_lambda(lambda);
        ASSERT_TRUE(point.is_ok()) << point.status().message();
        expect_portfolio(*point, p);
        const QpSolution qp =
            solve_qp(parametric_qp(p, lambda), {.algorithm = QpAlgorithm::kActiveSet});
        ASSERT_EQ(qp.status, SolveStatus::kOptimal) << qp.message;
        EXPECT_LE((point->weights - qp.x).cwiseAbs().maxCoeff(), 1e-8)
            << "box " << box << ", λ = " << lambda;
      }
    }
    const QpSolution gmv = solve_qp(parametric_qp(p, 0.0), {.algorithm = QpAlgorithm::kActiveSet});
    ASSERT_EQ(gmv.status, SolveStatus::kOptimal) << gmv.message;
    EXPECT_LE((f.turning_points.back().weights - gmv.x).cwiseAbs().maxCoeff(), 1e-8);
  }
}

TEST(CriticalLine, TwoAssetsClosedForm) {
  // Two assets, long-only: the frontier runs from 100% in asset 0 (higher return) down to the
  // two-asset minimum-variance mix w0 = (σ1² − ρσ0σ1)/(σ0² + σ1² − 2ρσ0σ1), one segment.
  Eigen::Vector2d mu(0.10, 0.05);
  Eigen::Matrix2d sigma;
  sigma << 0.04, 0.006, 0.006, 0.01;
  const Result<EfficientFrontier> f =
      critical_line(mu, sigma, Eigen::Vector2d::Zero(), Eigen::Vector2d::Ones());
  ASSERT_TRUE(f.is_ok());
  ASSERT_EQ(f->turning_points.size(), 2u);
  const double w0 = (0.01 - 0.006) / (0.04 + 0.01 - 2 * 0.006);
  EXPECT_NEAR(f->turning_points[1].weights[0], w0, 1e-15);
  EXPECT_NEAR(f->turning_points[0].weights[0], 1.0, 1e-15);
  // Asset 1 enters where the marginal condition (Σw)₀ − λμ₀ = (Σw)₁ − λμ₁ holds at w = e₀:
  // 0.04 − 0.10 λ = 0.006 − 0.05 λ, λ = 0.68.
  EXPECT_NEAR(f->turning_points[0].lambda, 0.68, 1e-14);
  // Max Sharpe for rf = 0, closed form on the segment: w ∝ Σ⁻¹μ when interior.
  const Eigen::Vector2d tangency = sigma.ldlt().solve(mu);
  const Result<FrontierPoint> best = f->max_sharpe(0.0);
  ASSERT_TRUE(best.is_ok());
  EXPECT_NEAR(best->weights[0], tangency[0] / tangency.sum(), 1e-13);
}

TEST(CriticalLine, TiesInExpectedReturn) {
  Random rng(11);
  for (int trial = 0; trial < 12; ++trial) {
    const int n = 6 + trial;
    Problem p = random_problem(n, trial % 2 == 1, rng);
    // Ties among the top assets, among the bottom ones, and one triple in the middle.
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return p.mu[a] > p.mu[b]; });
    p.mu[order[1]] = p.mu[order[0]];
    p.mu[order[2]] = p.mu[order[0]];
    p.mu[order[n - 1]] = p.mu[order[n - 2]];
    p.mu[order[4]] = p.mu[order[3]];
    const EfficientFrontier f = frontier_of(p);
    EXPECT_LE(f.kkt_residual, 1e-12);
    for (std::size_t t = 0; t < f.turning_points.size(); ++t) {
      for (double lambda : {f.turning_points[t].lambda, 1.5 * f.turning_points[t].lambda + 1e-3}) {
        const QpSolution qp =
            solve_qp(parametric_qp(p, lambda), {.algorithm = QpAlgorithm::kActiveSet});
        ASSERT_EQ(qp.status, SolveStatus::kOptimal);
        EXPECT_LE((f.at_lambda(lambda)->weights - qp.x).cwiseAbs().maxCoeff(), 1e-8)
            << "trial " << trial << " λ = " << lambda;
      }
    }
  }
}

TEST(CriticalLine, AllReturnsEqualGiveTheMinimumVariancePortfolio) {
  Random rng(12);
  Problem p = random_problem(15, false, rng);
  p.mu.setConstant(0.01);
  const EfficientFrontier f = frontier_of(p);
  ASSERT_EQ(f.turning_points.size(), 1u);
  const QpSolution qp = solve_qp(parametric_qp(p, 0.0), {.algorithm = QpAlgorithm::kActiveSet});
  EXPECT_LE((f.turning_points[0].weights - qp.x).cwiseAbs().maxCoeff(), 1e-9);
  const Result<std::vector<FrontierPoint>> s = f.sample(10);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->size(), 1u);
}

TEST(CriticalLine, SampleIsEvenlySpacedInReturn) {
  Random rng(13);
  const Problem p = random_problem(40, true, rng);
  const EfficientFrontier f = frontier_of(p);
  const Result<std::vector<FrontierPoint>> s = f.sample(25);
  ASSERT_TRUE(s.is_ok());
  ASSERT_EQ(s->size(), 25u);
  const double step = (f.max_return() - f.min_return()) / 24.0;
  for (int k = 0; k < 25; ++k) {
    EXPECT_NEAR((*s)[k].expected_return, f.min_return() + k * step, 1e-14);
    expect_portfolio((*s)[k], p);
    if (k > 0) {
      EXPECT_GT((*s)[k].volatility, (*s)[k - 1].volatility);
    }
  }
  EXPECT_EQ(s->front().weights, f.turning_points.back().weights);
  EXPECT_EQ(s->back().weights, f.turning_points.front().weights);
  EXPECT_FALSE(f.sample(1).is_ok());
}

TEST(CriticalLine, ScalingAndPermutationInvariance) {
  Random rng(14);
  const Problem p = random_problem(25, true, rng);
  const EfficientFrontier f = frontier_of(p);
  // Σ → cΣ keeps the frontier's weights and scales λ by c.
  Problem scaled = p;
  scaled.sigma *= 4.0;
  const EfficientFrontier g = frontier_of(scaled);
  ASSERT_EQ(f.turning_points.size(), g.turning_points.size());
  for (std::size_t t = 0; t < f.turning_points.size(); ++t) {
    EXPECT_NEAR(g.turning_points[t].lambda, 4.0 * f.turning_points[t].lambda,
                1e-9 * (1.0 + f.turning_points[t].lambda));
    EXPECT_LE((g.turning_points[t].weights - f.turning_points[t].weights).cwiseAbs().maxCoeff(),
              1e-10);
  }
  // Reversing the asset order reverses the weights.
  Problem reversed = p;
  reversed.mu = p.mu.reverse();
  reversed.sigma = p.sigma.reverse();
  reversed.lower = p.lower.reverse();
  reversed.upper = p.upper.reverse();
  const EfficientFrontier h = frontier_of(reversed);
  ASSERT_EQ(f.turning_points.size(), h.turning_points.size());
  for (std::size_t t = 0; t < f.turning_points.size(); ++t) {
    EXPECT_LE(
        (h.turning_points[t].weights.reverse() - f.turning_points[t].weights).cwiseAbs().maxCoeff(),
        1e-10);
  }
}

TEST(CriticalLine, BoundsThatLeaveOnePortfolio) {
  Random rng(15);
  const Problem p = random_problem(4, false, rng);
  const Eigen::Vector4d lower(0.1, 0.2, 0.3, 0.4);
  const Result<EfficientFrontier> f = critical_line(p.mu, p.sigma, lower, Eigen::Vector4d::Ones());
  ASSERT_TRUE(f.is_ok());
  ASSERT_EQ(f->turning_points.size(), 1u);
  EXPECT_EQ(f->turning_points[0].weights, Eigen::VectorXd(lower));
}

TEST(CriticalLine, FixedAssetStaysFixed) {
  Random rng(16);
  Problem p = random_problem(10, false, rng);
  p.lower[3] = 0.2;
  p.upper[3] = 0.2;
  const EfficientFrontier f = frontier_of(p);
  for (const FrontierPoint& tp : f.turning_points) {
    EXPECT_EQ(tp.weights[3], 0.2);
    const QpSolution qp =
        solve_qp(parametric_qp(p, tp.lambda), {.algorithm = QpAlgorithm::kActiveSet});
    EXPECT_LE((tp.weights - qp.x).cwiseAbs().maxCoeff(), 1e-8);
  }
}

TEST(CriticalLine, CallErrorsNameTheProblem) {
  Random rng(17);
  const Problem p = random_problem(5, false, rng);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(5);
  const Eigen::VectorXd one = Eigen::VectorXd::Ones(5);
  // Bounds that cannot hold the budget.
  Result<EfficientFrontier> f = critical_line(p.mu, p.sigma, zero, one * 0.1);
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("sum of upper bounds"), std::string::npos);
  // Infinite bound.
  Eigen::VectorXd up = one;
  up[2] = std::numeric_limits<double>::infinity();
  f = critical_line(p.mu, p.sigma, zero, up);
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("asset 2"), std::string::npos);
  // NaN in μ.
  Eigen::VectorXd mu = p.mu;
  mu[4] = std::nan("");
  EXPECT_FALSE(critical_line(mu, p.sigma, zero, one).is_ok());
  // Asymmetric Σ.
  Eigen::MatrixXd sigma = p.sigma;
  sigma(0, 1) += 1e-3;
  f = critical_line(p.mu, sigma, zero, one);
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("symmetric"), std::string::npos);
  // Size mismatch and bad options.
  EXPECT_FALSE(critical_line(p.mu.head(4), p.sigma, zero, one).is_ok());
  EXPECT_FALSE(critical_line(p.mu, p.sigma, zero, one, {.ridge = -1.0}).is_ok());
}

TEST(CriticalLine, SingularCovarianceIsReportedAndRidgeFixesIt) {
  // Rank 3 covariance of 8 assets: the walk reaches a free set on which Σ is singular.
  Random rng(18);
  const Eigen::MatrixXd b = test::normal_matrix(rng, 8, 3);
  const Eigen::MatrixXd sigma = 1e-4 * b * b.transpose();
  const Eigen::VectorXd mu = test::normal_matrix(rng, 8, 1, 0.001);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(8);
  const Eigen::VectorXd one = Eigen::VectorXd::Ones(8);
  const Result<EfficientFrontier> f = critical_line(mu, sigma, zero, one);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->status, SolveStatus::kNumericalError);
  EXPECT_NE(f->message.find("ridge"), std::string::npos) << f->message;
  EXPECT_FALSE(f->at_return(f->max_return()).is_ok());
  const double ridge = 1e-8 * sigma.trace() / 8;
  const Result<EfficientFrontier> g = critical_line(mu, sigma, zero, one, {.ridge = ridge});
  ASSERT_TRUE(g.is_ok());
  EXPECT_TRUE(g->is_usable()) << g->message;
  Eigen::MatrixXd ridged = sigma;
  ridged.diagonal().array() += ridge;
  const Problem p{mu, ridged, zero, one};
  for (const FrontierPoint& tp : g->turning_points) {
    // Σ + ridge has a condition number near 1e8, so weights are ill-determined; objectives are
    // not, and the critical line's is never worse than the QP's.
    const QpSolution qp = solve_qp(parametric_qp(p, tp.lambda));
    ASSERT_TRUE(qp.is_usable()) << qp.message;
    const double objective_cla = 0.5 * tp.variance - tp.lambda * tp.expected_return;
    const double objective_qp = 0.5 * qp.x.dot(ridged * qp.x) - tp.lambda * mu.dot(qp.x);
    const double typical_variance = sigma.trace() / 8;
    EXPECT_LE(objective_cla, objective_qp + 1e-14 * typical_variance);
    EXPECT_NEAR(objective_cla, objective_qp, 1e-9 * typical_variance);
  }
}

TEST(CriticalLine, EvaluationErrors) {
  Random rng(19);
  const Problem p = random_problem(6, false, rng);
  const EfficientFrontier f = frontier_of(p);
  EXPECT_FALSE(f.at_return(f.max_return() + 1.0).is_ok());
  EXPECT_FALSE(f.at_return(f.min_return() - 1.0).is_ok());
  EXPECT_FALSE(f.at_volatility(0.0).is_ok());
  EXPECT_FALSE(f.at_risk_aversion(0.0).is_ok());
  EXPECT_FALSE(f.at_lambda(-1.0).is_ok());
  const Result<FrontierPoint> s = f.max_sharpe(f.max_return() + 0.01);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().message().find("risk-free"), std::string::npos);
  const Result<EfficientFrontier> limited =
      critical_line(p.mu, p.sigma, p.lower, p.upper, {.max_iterations = 1});
  ASSERT_TRUE(limited.is_ok());
  if (f.iterations > 1) {
    EXPECT_EQ(limited->status, SolveStatus::kIterationLimit);
    EXPECT_FALSE(limited->max_sharpe(0.0).is_ok());
  }
}

}  // namespace
}  // namespace keel
