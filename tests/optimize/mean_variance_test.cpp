#include "keel/optimize/mean_variance.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <random>

#include "keel/optimize/verify.hpp"

namespace keel {
namespace {

using Objective = MeanVarianceObjective;

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("A" + std::to_string(i));
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// A seeded random PD covariance with a common factor (annualised scale).
Eigen::MatrixXd random_covariance(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd returns(3 * n, n);
  for (int t = 0; t < returns.rows(); ++t) {
    const double market = normal(rng);
    for (int i = 0; i < n; ++i) returns(t, i) = 0.2 * market + 0.15 * normal(rng) * (1 + 0.1 * i);
  }
  const Eigen::MatrixXd centred = returns.rowwise() - returns.colwise().mean();
  return centred.transpose() * centred / (returns.rows() - 1.0);
}

PortfolioResult solve(const MeanVarianceProblem& problem, const MeanVarianceOptions& options) {
  auto result = optimize_mean_variance(problem, options);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  if (!result.is_ok()) return {};
  return std::move(result).value();
}

MeanVarianceProblem free_problem(const Eigen::VectorXd& mu, const Eigen::MatrixXd& cov) {
  MeanVarianceProblem p;
  p.assets = names(static_cast<int>(cov.rows()));
  p.expected_returns = mu;
  p.covariance = cov;
  p.constraints.lower_bound = -kInfinity;
  p.constraints.upper_bound = kInfinity;
  return p;
}

// --- closed forms -------------------------------------------------------------------------------

TEST(MeanVarianceClosedForm, TwoAssetMinVariance) {
  const double s1 = 0.8, s2 = 0.5, rho = 0.3;
  Eigen::Matrix2d cov{{s1 * s1, rho * s1 * s2}, {rho * s1 * s2, s2 * s2}};
  auto p = free_problem(Eigen::Vector2d(0.3, 0.1), cov);
  const auto r = solve(p, {});
  ASSERT_EQ(r.status, SolveStatus::kOptimal);
  const double w1 = (s2 * s2 - rho * s1 * s2) / (s1 * s1 + s2 * s2 - 2 * rho * s1 * s2);
  EXPECT_NEAR(r.weights[0], w1, 1e-9);
  EXPECT_NEAR(r.weights[1], 1 - w1, 1e-9);
  EXPECT_LE(r.diagnostics.max_constraint_violation, 1e-10);
}

TEST(MeanVarianceClosedForm, IdentityCovarianceGivesEqualWeights) {
  MeanVarianceProblem p;
  p.assets = names(7);
  p.covariance = Eigen::MatrixXd::Identity(7, 7);
  const auto r = solve(p, {});
  ASSERT_EQ(r.status, SolveStatus::kOptimal);
  for (int i = 0; i < 7; ++i) EXPECT_NEAR(r.weights[i], 1.0 / 7, 1e-9);
  EXPECT_NEAR(r.performance.volatility, std::sqrt(1.0 / 7), 1e-9);
  EXPECT_TRUE(std::isnan(r.performance.expected_return));
}

struct Merton {  // the unconstrained budget-1 frontier (Merton 1972)
  double a, b, c, d;
  Merton(const Eigen::VectorXd& mu, const Eigen::MatrixXd& cov) {
    const Eigen::LLT<Eigen::MatrixXd> llt(cov);
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(mu.size());
    a = ones.dot(llt.solve(ones));
    b = ones.dot(llt.solve(mu));
    c = mu.dot(llt.solve(mu));
    d = a * c - b * b;
  }
  double variance_at(double r) const { return (a * r * r - 2 * b * r + c) / d; }
  double return_at_vol(double vol) const { return (b + std::sqrt(d * (a * vol * vol - 1))) / a; }
};

class UnconstrainedFrontier : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(7);
    cov_ = random_covariance(6, rng);
    mu_ = Eigen::VectorXd(6);
    mu_ << 0.05, 0.12, 0.08, 0.20, 0.03, 0.15;
  }
  Eigen::VectorXd mu_;
  Eigen::MatrixXd cov_;
};

TEST_F(UnconstrainedFrontier, MaxSharpeIsTheTangencyPortfolio) {
  const double rf = 0.02;
  auto p = free_problem(mu_, cov_);
  const auto r = solve(p, {.objective = Objective::kMaxSharpe, .risk_free_rate = rf});
  ASSERT_EQ(r.status, SolveStatus::kOptimal) << r.diagnostics.explanation;
  Eigen::VectorXd w = cov_.llt().solve((mu_.array() - rf).matrix());
  ASSERT_GT(w.sum(), 0);
  w /= w.sum();
  EXPECT_LE((r.weights - w).lpNorm<Eigen::Infinity>(), 1e-7);
  EXPECT_NEAR(r.performance.sharpe, (mu_.dot(w) - rf) / std::sqrt(w.dot(cov_ * w)), 1e-9);
}

TEST_F(UnconstrainedFrontier, MaxUtilityClosedForm) {
  const double delta = 3.0;
  auto p = free_problem(mu_, cov_);
  const auto r = solve(p, {.objective = Objective::kMaxUtility, .risk_aversion = delta});
  ASSERT_EQ(r.status, SolveStatus::kOptimal);
  const Merton m(mu_, cov_);
  const double lambda = (m.b - delta) / m.a;  // from 1ᵀw = 1 with w = Σ⁻¹(μ − λ1)/δ
  const Eigen::VectorXd w = cov_.llt().solve((mu_.array() - lambda).matrix()) / delta;
  EXPECT_LE((r.weights - w).lpNorm<Eigen::Infinity>(), 1e-7);
}

TEST_F(UnconstrainedFrontier, EfficientReturnAndRiskMatchMerton) {
  const Merton m(mu_, cov_);
  auto p = free_problem(mu_, cov_);
  const auto er = solve(p, {.objective = Objective::kEfficientReturn, .target_return = 0.16});
  ASSERT_EQ(er.status, SolveStatus::kOptimal);
  EXPECT_NEAR(er.performance.expected_return, 0.16, 1e-9);
  EXPECT_NEAR(er.performance.volatility, std::sqrt(m.variance_at(0.16)), 1e-9);

  const double vol = 0.9 * std::sqrt(m.variance_at(0.16)) + 0.1 * std::sqrt(1 / m.a);
  const auto ek = solve(p, {.objective = Objective::kEfficientRisk, .target_volatility = vol});
  ASSERT_EQ(ek.status, SolveStatus::kOptimal) << ek.diagnostics.explanation;
  EXPECT_NEAR(ek.performance.volatility, vol, 1e-9 * vol);
  EXPECT_NEAR(ek.performance.expected_return, m.return_at_vol(vol), 1e-8);
  EXPECT_GT(ek.diagnostics.solves, 2);
}

TEST_F(UnconstrainedFrontier, MaxDiversificationClosedForm) {
  auto p = free_problem(mu_, cov_);
  p.expected_returns.resize(0);
  const auto r = solve(p, {.objective = Objective::kMaxDiversification});
  ASSERT_EQ(r.status, SolveStatus::kOptimal);
  Eigen::VectorXd w = cov_.llt().solve(cov_.diagonal().cwiseSqrt());
  w /= w.sum();
  EXPECT_LE((r.weights - w).lpNorm<Eigen::Infinity>(), 1e-7);
}

TEST_F(UnconstrainedFrontier, TrackingErrorModels) {
  MeanVarianceProblem p;
  p.assets = names(6);
  p.expected_returns = mu_;
  p.covariance = cov_;
  p.constraints.upper_bound = 0.3;
  Eigen::VectorXd bench = Eigen::VectorXd::Constant(6, 1.0 / 6);
  // A feasible benchmark is its own minimum tracking error portfolio.
  const auto te = solve(p, {.objective = Objective::kMinTrackingError, .benchmark_weights = bench});
  ASSERT_EQ(te.status, SolveStatus::kOptimal);
  EXPECT_LE((te.weights - bench).lpNorm<Eigen::Infinity>(), 1e-7);
  // Max return at 5% tracking error: the TE constraint binds and return beats the benchmark.
  const auto tr = solve(p, {.objective = Objective::kMaxReturnTrackingError,
                            .benchmark_weights = bench,
                            .target_tracking_error = 0.05});
  ASSERT_EQ(tr.status, SolveStatus::kOptimal) << tr.diagnostics.explanation;
  const Eigen::VectorXd d = tr.weights - bench;
  EXPECT_NEAR(std::sqrt(d.dot(cov_ * d)), 0.05, 1e-9 * 0.05);
  EXPECT_GT(tr.performance.expected_return, mu_.dot(bench));
}

// --- homogenised max Sharpe with bounds vs a brute-force grid -----------------------------------

TEST(MeanVarianceMaxSharpe, BoundedThreeAssetsBeatsEveryGridPoint) {
  Eigen::Matrix3d cov{{0.09, 0.02, 0.01}, {0.02, 0.04, 0.006}, {0.01, 0.006, 0.0225}};
  Eigen::Vector3d mu(0.20, 0.11, 0.07);
  MeanVarianceProblem p;
  p.assets = names(3);
  p.expected_returns = mu;
  p.covariance = cov;
  p.constraints.lower_bound = 0.1;
  p.constraints.upper_bound = 0.45;
  const double rf = 0.03;
  const auto r = solve(p, {.objective = Objective::kMaxSharpe, .risk_free_rate = rf});
  ASSERT_EQ(r.status, SolveStatus::kOptimal);
  EXPECT_LE(r.diagnostics.max_constraint_violation, 1e-9);
  double best = -kInfinity;
  Eigen::Vector3d best_w = Eigen::Vector3d::Zero();
  const int steps = 1000;
  for (int i = 0; i <= steps; ++i) {
    for (int j = 0; j <= steps; ++j) {
      Eigen::Vector3d w(0.1 + 0.35 * i / steps, 0.1 + 0.35 * j / steps, 0);
      w[2] = 1 - w[0] - w[1];
      if (w[2] < 0.1 || w[2] > 0.45) continue;
      const double sharpe = (mu.dot(w) - rf) / std::sqrt(w.dot(cov * w));
      if (sharpe > best) {
        best = sharpe;
        best_w = w;
      }
    }
  }
  // The unconstrained tangency violates the bounds, so the bounds must matter.
  Eigen::Vector3d tangency = cov.llt().solve((mu.array() - rf).matrix());
  tangency /= tangency.sum();
  ASSERT_GT(tangency.maxCoeff(), 0.45);
  EXPECT_GE(r.performance.sharpe, best - 1e-12);
  EXPECT_LE(r.performance.sharpe - best, 1e-5);  // grid spacing 3.5e-4
  EXPECT_LE((r.weights - best_w).lpNorm<Eigen::Infinity>(), 1e-3);
}

// --- failure and degenerate cases ---------------------------------------------------------------

TEST(MeanVarianceFailures, ContradictoryGroupsAreNamed) {
  MeanVarianceProblem p;
  p.assets = names(4);
  p.covariance = Eigen::MatrixXd::Identity(4, 4) * 0.04;
  p.constraints.groups.push_back({"eth-chain", {0, 1}, 0.7, kInfinity});
  p.constraints.groups.push_back({"stablecoins", {2, 3}, 0.4, kInfinity});
  const auto r = solve(p, {});
  EXPECT_EQ(r.status, SolveStatus::kInfeasible);
  EXPECT_FALSE(r.is_usable());
  EXPECT_TRUE(contains(r.diagnostics.conflicting_constraints, "group[eth-chain]"));
  EXPECT_TRUE(contains(r.diagnostics.conflicting_constraints, "group[stablecoins]"));
  EXPECT_EQ(r.to_json()["status"], "infeasible");
}

TEST(MeanVarianceFailures, SolverInfeasibilityIsTracedToAnIrreducibleSubset) {
  // Not caught by the pre-checks: a linear row and a group that overlap contradict each other.
  MeanVarianceProblem p;
  p.assets = names(4);
  p.covariance = Eigen::MatrixXd::Identity(4, 4) * 0.04;
  p.constraints.groups.push_back({"a0a1", {0, 1}, -kInfinity, 0.3});
  p.constraints.groups.push_back({"harmless", {2, 3}, -kInfinity, 0.9});
  p.constraints.linear.push_back(
      {"tilt", Eigen::Vector4d(1, 1, -1, 0), ConstraintSense::kGreaterEqual, 0.5});
  const auto r = solve(p, {});
  ASSERT_EQ(r.status, SolveStatus::kInfeasible);
  EXPECT_TRUE(contains(r.diagnostics.conflicting_constraints, "group[a0a1]"));
  EXPECT_TRUE(contains(r.diagnostics.conflicting_constraints, "linear[tilt]"));
  EXPECT_FALSE(contains(r.diagnostics.conflicting_constraints, "group[harmless]"));
  EXPECT_FALSE(r.diagnostics.explanation.empty());
}

TEST(MeanVarianceFailures, AllReturnsBelowRiskFree) {
  MeanVarianceProblem p;
  p.assets = names(3);
  p.expected_returns = Eigen::Vector3d(0.01, 0.015, 0.0);
  p.covariance = Eigen::Matrix3d::Identity() * 0.04;
  const auto r = solve(p, {.objective = Objective::kMaxSharpe, .risk_free_rate = 0.02});
  EXPECT_EQ(r.status, SolveStatus::kInfeasible);
  EXPECT_EQ(r.weights.size(), 0);
  EXPECT_NE(r.diagnostics.explanation.find("min-variance or max-utility"), std::string::npos);
  // Shorting the 0% asset to buy the 1.5% one gives 0.03 > 0.02 at w = (0, 2, −1): solvable.
  p.constraints.lower_bound = -1;
  p.constraints.upper_bound = 2;
  const auto s = solve(p, {.objective = Objective::kMaxSharpe, .risk_free_rate = 0.02});
  EXPECT_EQ(s.status, SolveStatus::kOptimal);
  EXPECT_GT(s.performance.sharpe, 0);
  // With bounds [−0.1, 1.2] the best return is 0.017 at w = (−0.1, 1.2, −0.1) < 0.02: the
  // pre-check does not apply (shorts allowed) and the solver's infeasibility is explained.
  p.constraints.lower_bound = -0.1;
  p.constraints.upper_bound = 1.2;
  const auto t = solve(p, {.objective = Objective::kMaxSharpe, .risk_free_rate = 0.02});
  EXPECT_EQ(t.status, SolveStatus::kInfeasible);
  EXPECT_NE(t.diagnostics.explanation.find("risk-free"), std::string::npos);
}

TEST(MeanVarianceFailures, DuplicateAssetsSolveWithAWarning) {
  // Asset 2 duplicates asset 0: Σ is singular. Variance and return are unique; the split is not.
  Eigen::Matrix3d base{{0.09, 0.01, 0.09}, {0.01, 0.04, 0.01}, {0.09, 0.01, 0.09}};
  MeanVarianceProblem p;
  p.assets = {"BTC", "ETH", "BTC-copy"};
  p.expected_returns = Eigen::Vector3d(0.3, 0.2, 0.3);
  p.covariance = base;
  const auto r = solve(p, {});
  ASSERT_TRUE(r.is_usable()) << r.diagnostics.explanation;
  ASSERT_FALSE(r.diagnostics.warnings.empty());
  EXPECT_NE(r.diagnostics.warnings[0].find("BTC~BTC-copy"), std::string::npos);
  // Deduplicated two-asset closed form: w_BTC = (0.04 − 0.01)/(0.09 + 0.04 − 0.02).
  const double w_btc = 0.03 / 0.11;
  EXPECT_NEAR(r.weights[0] + r.weights[2], w_btc, 1e-7);
  EXPECT_NEAR(r.weights[1], 1 - w_btc, 1e-7);
  EXPECT_NEAR(r.performance.volatility,
              std::sqrt(w_btc * w_btc * 0.09 + 2 * w_btc * (1 - w_btc) * 0.01 +
                        (1 - w_btc) * (1 - w_btc) * 0.04),
              1e-9);
  // Deterministic: the same call gives the same weights.
  const auto again = solve(p, {});
  EXPECT_EQ(again.weights, r.weights);
  // Max Sharpe also works on the singular Σ.
  const auto s = solve(p, {.objective = Objective::kMaxSharpe});
  EXPECT_TRUE(s.is_usable());
}

TEST(MeanVarianceFailures, SingleAsset) {
  MeanVarianceProblem p;
  p.assets = {"BTC"};
  p.expected_returns = Eigen::VectorXd::Constant(1, 0.4);
  p.covariance = Eigen::MatrixXd::Constant(1, 1, 0.64);
  for (auto objective : {Objective::kMinVariance, Objective::kMaxSharpe, Objective::kMaxUtility}) {
    const auto r = solve(p, {.objective = objective});
    ASSERT_EQ(r.status, SolveStatus::kOptimal);
    EXPECT_EQ(r.weights[0], 1.0);
    EXPECT_NEAR(r.performance.volatility, 0.8, 1e-15);
    EXPECT_EQ(r.diagnostics.solver, "closed-form");
  }
  const auto high = solve(p, {.objective = Objective::kEfficientReturn, .target_return = 0.5});
  EXPECT_EQ(high.status, SolveStatus::kInfeasible);
  const auto low = solve(p, {.objective = Objective::kEfficientRisk, .target_volatility = 0.5});
  EXPECT_EQ(low.status, SolveStatus::kInfeasible);
  p.constraints.upper_bound = 0.5;  // cannot hold the budget
  EXPECT_EQ(solve(p, {}).status, SolveStatus::kInfeasible);
}

TEST(MeanVarianceFailures, TargetReturnTooHigh) {
  MeanVarianceProblem p;
  p.assets = names(3);
  p.expected_returns = Eigen::Vector3d(0.1, 0.2, 0.3);
  p.covariance = Eigen::Matrix3d::Identity() * 0.04;
  p.constraints.upper_bound = 0.5;  // best attainable: 0.5·0.3 + 0.5·0.2 = 0.25
  const auto r = solve(p, {.objective = Objective::kEfficientReturn, .target_return = 0.26});
  EXPECT_EQ(r.status, SolveStatus::kInfeasible);
  EXPECT_TRUE(contains(r.diagnostics.conflicting_constraints, "target-return"));
  EXPECT_NE(r.diagnostics.explanation.find("0.25"), std::string::npos);
  const auto ok = solve(p, {.objective = Objective::kEfficientReturn, .target_return = 0.25});
  EXPECT_TRUE(ok.is_usable());
  EXPECT_NEAR(ok.weights[2], 0.5, 1e-7);
  // With a group the greedy bound does not apply; the solver's infeasibility is traced.
  p.constraints.groups.push_back({"top", {2}, -kInfinity, 0.3});
  const auto g = solve(p, {.objective = Objective::kEfficientReturn, .target_return = 0.24});
  EXPECT_EQ(g.status, SolveStatus::kInfeasible);
  EXPECT_TRUE(contains(g.diagnostics.conflicting_constraints, "target-return"));
}

TEST(MeanVarianceFailures, TargetVolatilityBelowMinimum) {
  MeanVarianceProblem p;
  p.assets = names(3);
  p.expected_returns = Eigen::Vector3d(0.1, 0.2, 0.3);
  p.covariance = Eigen::Matrix3d::Identity() * 0.04;  // min vol = 0.2/√3
  const auto r = solve(p, {.objective = Objective::kEfficientRisk, .target_volatility = 0.1});
  EXPECT_EQ(r.status, SolveStatus::kInfeasible);
  EXPECT_TRUE(contains(r.diagnostics.conflicting_constraints, "target-volatility"));
}

// The PSD check of Σ runs after the solve unless a solve proved Σ positive definite; an
// indefinite Σ must be an error for every objective, whatever path the solver took.
TEST(MeanVarianceFailures, IndefiniteCovarianceIsAnErrorForEveryObjective) {
  std::mt19937_64 rng(5);
  const int n = 60;
  MeanVarianceProblem p;
  p.assets = names(n);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(random_covariance(n, rng));
  Eigen::VectorXd values = eigen.eigenvalues();
  values[0] = -1e-3 * values[n - 1];  // one clearly negative direction, diagonal still > 0
  p.covariance = eigen.eigenvectors() * values.asDiagonal() * eigen.eigenvectors().transpose();
  p.covariance = 0.5 * (p.covariance + p.covariance.transpose()).eval();
  p.expected_returns = Eigen::VectorXd::LinSpaced(n, 0.05, 0.3);
  for (const MeanVarianceOptions& options :
       {MeanVarianceOptions{.objective = Objective::kMinVariance},
        MeanVarianceOptions{.objective = Objective::kMaxSharpe},
        MeanVarianceOptions{.objective = Objective::kMaxUtility},
        MeanVarianceOptions{.objective = Objective::kEfficientReturn, .target_return = 0.2}}) {
    const auto r = optimize_mean_variance(p, options);
    ASSERT_FALSE(r.is_ok()) << to_string(options.objective);
    EXPECT_NE(r.status().message().find("positive semidefinite"), std::string::npos)
        << r.status().message();
  }
}

TEST(MeanVarianceFailures, CallErrorsAreStatuses) {
  MeanVarianceProblem p;
  p.assets = names(2);
  p.covariance = Eigen::Matrix2d{{0.04, 0.05}, {0.05, 0.04}};  // indefinite
  auto r = optimize_mean_variance(p, {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("positive semidefinite"), std::string::npos);
  p.covariance = Eigen::Matrix2d::Identity();
  EXPECT_FALSE(optimize_mean_variance(p, {.objective = Objective::kMaxSharpe}).is_ok());  // no μ
  p.expected_returns = Eigen::Vector2d(0.1, 0.2);
  EXPECT_FALSE(optimize_mean_variance(p, {.objective = Objective::kEfficientReturn}).is_ok());
  EXPECT_FALSE(optimize_mean_variance(p, {.target_return = 0.1}).is_ok());  // unused option
  EXPECT_FALSE(
      optimize_mean_variance(p, {.objective = Objective::kMaxUtility, .risk_aversion = 0}).is_ok());
  p.constraints.budget = 0.0;
  p.constraints.lower_bound = -1;
  const auto neutral = optimize_mean_variance(p, {.objective = Objective::kMaxSharpe});
  ASSERT_FALSE(neutral.is_ok());
  EXPECT_NE(neutral.status().message().find("max-utility"), std::string::npos);
  p.assets = {"X", "X"};
  EXPECT_FALSE(optimize_mean_variance(p, {}).is_ok());
}

// --- random problems with every constraint type --------------------------------------------------

TEST(MeanVarianceRandom, EveryConstraintTypeVerifiesWithSmallKkt) {
  std::mt19937_64 rng(20240501);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int trial = 0; trial < 6; ++trial) {
    const int n = 6 + 2 * trial;
    MeanVarianceProblem p;
    p.assets = names(n);
    p.covariance = random_covariance(n, rng);
    p.expected_returns = Eigen::VectorXd(n);
    for (int i = 0; i < n; ++i) p.expected_returns[i] = 0.02 + 0.3 * uniform(rng);
    auto& c = p.constraints;
    c.lower_bound = -0.3;
    c.upper_bound = 0.4;
    c.max_short = 0.2;
    c.max_gross_leverage = 1.6;
    c.groups.push_back({"first-half", {0, 1, 2}, 0.1, 0.6});
    c.groups.push_back({"last", {n - 1, n - 2}, -kInfinity, 0.3});
    Eigen::VectorXd beta = Eigen::VectorXd::LinSpaced(n, 0.6, 1.4);
    c.linear.push_back({"beta", beta, ConstraintSense::kLessEqual, 1.05});
    c.current_weights = Eigen::VectorXd::Constant(n, 1.0 / n);
    c.max_turnover = 0.8;
    MeanVarianceOptions base;
    base.l2_gamma = 0.01;
    base.transaction_costs = Eigen::VectorXd::Constant(n, 0.001);
    base.risk_free_rate = 0.01;

    std::vector<MeanVarianceOptions> runs;
    for (auto objective : {Objective::kMinVariance, Objective::kMaxUtility, Objective::kMaxSharpe,
                           Objective::kMaxDiversification}) {
      MeanVarianceOptions o = base;
      o.objective = objective;
      runs.push_back(o);
    }
    MeanVarianceOptions er = base;
    er.objective = Objective::kEfficientReturn;
    er.target_return = 0.1;
    runs.push_back(er);
    for (const auto& options : runs) {
      const auto r = solve(p, options);
      SCOPED_TRACE(r.model + " n=" + std::to_string(n));
      ASSERT_TRUE(r.is_usable()) << r.diagnostics.explanation;
      EXPECT_LE(r.diagnostics.max_constraint_violation, 1e-8);
      EXPECT_LE(r.diagnostics.dual_residual, 1e-6);
      EXPECT_LE(r.diagnostics.primal_residual, 1e-8);
      const auto report = verify_weights(r.weights, c, p.assets);
      EXPECT_TRUE(report.passed());
      EXPECT_LE(r.weights.cwiseAbs().sum(), 1.6 + 1e-8);
      EXPECT_LE((r.weights - c.current_weights).cwiseAbs().sum(), 0.8 + 1e-8);
      EXPECT_GE(r.weights.minCoeff(), -0.2 - 1e-8);
    }
  }
}

TEST(MeanVarianceRandom, MaxSharpeDominatesOtherFeasiblePortfolios) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int n = 10;
  MeanVarianceProblem p;
  p.assets = names(n);
  p.covariance = random_covariance(n, rng);
  p.expected_returns = Eigen::VectorXd(n);
  for (int i = 0; i < n; ++i) p.expected_returns[i] = 0.3 * uniform(rng);
  p.constraints.upper_bound = 0.25;
  p.constraints.groups.push_back({"g", {0, 1, 2, 3}, 0.3, 0.5});
  const double rf = 0.02;
  const auto sharpe = solve(p, {.objective = Objective::kMaxSharpe, .risk_free_rate = rf});
  ASSERT_TRUE(sharpe.is_usable());
  for (double delta : {0.5, 2.0, 8.0, 32.0}) {
    const auto u = solve(
        p, {.objective = Objective::kMaxUtility, .risk_free_rate = rf, .risk_aversion = delta});
    ASSERT_TRUE(u.is_usable());
    EXPECT_GE(sharpe.performance.sharpe, u.performance.sharpe - 1e-9);
  }
  // The utility frontier passes through the max Sharpe portfolio: at its return, efficient
  // return has the same volatility.
  const auto er = solve(p, {.objective = Objective::kEfficientReturn,
                            .target_return = sharpe.performance.expected_return});
  EXPECT_NEAR(er.performance.volatility, sharpe.performance.volatility, 1e-7);
}

// Long-only max Sharpe with budget 1 and no binding caps: the homogenised QP with κ eliminated
// is strictly convex with one equality and bounds, so the active set answers it exactly. The
// tangency conditions hold to rounding: with λ = (μ − rf)ᵀw / wᵀΣw, (μ − rf − λΣw)_i = 0 for the
// held assets and ≤ 0 for the others (the budget multiplier vanishes because the Sharpe ratio is
// scale-invariant).
TEST(MeanVarianceMaxSharpe, LongOnlyIsExactAndSolvedByTheActiveSet) {
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const int n = 150;
  MeanVarianceProblem p;
  p.assets = names(n);
  p.covariance = random_covariance(n, rng);
  p.expected_returns = Eigen::VectorXd(n);
  for (int i = 0; i < n; ++i) p.expected_returns[i] = 0.02 + 0.1 * uniform(rng);
  const double rf = 0.03;
  const auto exact = solve(p, {.objective = Objective::kMaxSharpe, .risk_free_rate = rf});
  ASSERT_EQ(exact.status, SolveStatus::kOptimal) << exact.diagnostics.explanation;
  EXPECT_EQ(exact.diagnostics.solver, "active-set");
  const Eigen::VectorXd& w = exact.weights;
  EXPECT_NEAR(w.sum(), 1.0, 1e-14);
  const Eigen::VectorXd excess = p.expected_returns.array() - rf;
  const Eigen::VectorXd sigma_w = p.covariance * w;
  const double lambda = excess.dot(w) / w.dot(sigma_w);
  const Eigen::VectorXd gap = excess - lambda * sigma_w;
  int held = 0;
  for (int i = 0; i < n; ++i) {
    ASSERT_GE(w[i], 0.0);
    if (w[i] > 0) {
      ++held;
      EXPECT_NEAR(gap[i], 0.0, 1e-12) << p.assets[static_cast<std::size_t>(i)];
    } else {
      EXPECT_LE(gap[i], 1e-12) << p.assets[static_cast<std::size_t>(i)];
    }
  }
  EXPECT_GT(held, 3);
  EXPECT_LT(held, n);  // some bounds bind, so the test exercises the active set
  // The interior point on the same homogenised problem agrees to its tolerance.
  MeanVarianceOptions ipm{.objective = Objective::kMaxSharpe, .risk_free_rate = rf};
  ipm.qp.algorithm = QpAlgorithm::kInteriorPoint;
  const auto approx = solve(p, ipm);
  ASSERT_TRUE(approx.is_usable());
  EXPECT_LE((approx.weights - w).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LE(approx.performance.sharpe, exact.performance.sharpe + 1e-12);
}

TEST(MeanVarianceInvariants, PermutingAssetsPermutesWeightsAndScalingCovarianceScalesVariance) {
  std::mt19937_64 rng(5);
  const int n = 8;
  MeanVarianceProblem p;
  p.assets = names(n);
  p.covariance = random_covariance(n, rng);
  p.expected_returns = Eigen::VectorXd::LinSpaced(n, 0.05, 0.3);
  p.constraints.upper_bound = 0.3;
  const MeanVarianceOptions options{.objective = Objective::kMaxSharpe};
  const auto r = solve(p, options);
  ASSERT_TRUE(r.is_usable());

  Eigen::PermutationMatrix<Eigen::Dynamic> perm(n);
  for (int i = 0; i < n; ++i) perm.indices()[i] = (i * 3 + 1) % n;
  MeanVarianceProblem q = p;
  q.covariance = perm * p.covariance * perm.transpose();
  q.expected_returns = perm * p.expected_returns;
  for (int i = 0; i < n; ++i) q.assets[perm.indices()[i]] = p.assets[i];
  const auto rq = solve(q, options);
  ASSERT_TRUE(rq.is_usable());
  EXPECT_LE((rq.weights - perm * r.weights).lpNorm<Eigen::Infinity>(), 1e-7);

  MeanVarianceProblem scaled = p;
  scaled.covariance *= 4.0;
  const auto mv = solve(p, {});
  const auto mv4 = solve(scaled, {});
  EXPECT_LE((mv.weights - mv4.weights).lpNorm<Eigen::Infinity>(), 1e-7);
  EXPECT_NEAR(mv4.performance.volatility, 2 * mv.performance.volatility, 1e-10);
}

TEST(MeanVarianceCosts, TransactionCostsPullTowardsCurrentWeights) {
  std::mt19937_64 rng(11);
  const int n = 8;
  MeanVarianceProblem p;
  p.assets = names(n);
  p.covariance = random_covariance(n, rng);
  p.constraints.current_weights = Eigen::VectorXd::Constant(n, 1.0 / n);
  const auto free = solve(p, {});
  const auto costly = solve(p, {.transaction_costs = Eigen::VectorXd::Constant(n, 0.01)});
  const auto& w0 = p.constraints.current_weights;
  EXPECT_LT((costly.weights - w0).cwiseAbs().sum(), (free.weights - w0).cwiseAbs().sum());
  // Turnover cap binds exactly when it is smaller than the free solution's turnover.
  const double free_turnover = (free.weights - w0).cwiseAbs().sum();
  p.constraints.max_turnover = 0.5 * free_turnover;
  const auto capped = solve(p, {});
  EXPECT_NEAR((capped.weights - w0).cwiseAbs().sum(), 0.5 * free_turnover, 1e-8);
  EXPECT_TRUE(contains(capped.diagnostics.active_constraints, "turnover"));
}

}  // namespace
}  // namespace keel
