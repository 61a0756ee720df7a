// DCC(1,1) / CCC: parameter recovery on data simulated from a known DCC (seeded), likelihood
// identities, and a brute-force re-computation of the correlation likelihood.

#include "keel/estimate/dcc.hpp"

#include "keel/estimate/covariance.hpp"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <cmath>

#include "keel/core/random.hpp"

namespace keel {
namespace {

struct Simulated {
  Eigen::MatrixXd returns;
  Eigen::MatrixXd residuals;  // the true ε_t
};

// x_{i,t} = sqrt(h_{i,t}) ε_{i,t}, ε_t = chol(R_t) η_t, with Engle's DCC recursion for Q_t.
Simulated simulate_dcc(int periods, double a, double b, const Eigen::MatrixXd& q_bar,
                       std::uint64_t seed) {
  const Eigen::Index n = q_bar.rows();
  Random rng(seed);
  const Eigen::VectorXd omega = Eigen::Vector3d(2e-5, 4e-5, 1e-5).head(n);
  const Eigen::VectorXd alpha = Eigen::Vector3d(0.08, 0.10, 0.05).head(n);
  const Eigen::VectorXd beta = Eigen::Vector3d(0.90, 0.85, 0.93).head(n);
  Eigen::VectorXd h = omega.array() / (1.0 - alpha.array() - beta.array());
  Eigen::MatrixXd q = q_bar;
  Simulated out{Eigen::MatrixXd(periods, n), Eigen::MatrixXd(periods, n)};
  Eigen::VectorXd eta(n);
  for (int t = 0; t < periods; ++t) {
    const Eigen::VectorXd s = q.diagonal().cwiseSqrt().cwiseInverse();
    const Eigen::MatrixXd r = s.asDiagonal() * q * s.asDiagonal();
    const Eigen::MatrixXd l = r.llt().matrixL();
    for (Eigen::Index i = 0; i < n; ++i) eta[i] = rng.normal();
    const Eigen::VectorXd e = l * eta;
    const Eigen::VectorXd x = h.cwiseSqrt().cwiseProduct(e);
    out.returns.row(t) = x.transpose();
    out.residuals.row(t) = e.transpose();
    q = (1.0 - a - b) * q_bar + a * e * e.transpose() + b * q;
    h = omega.array() + alpha.array() * x.array().square() + beta.array() * h.array();
  }
  return out;
}

Eigen::MatrixXd target_correlation() {
  Eigen::Matrix3d r;
  r << 1.0, 0.5, 0.3, 0.5, 1.0, 0.4, 0.3, 0.4, 1.0;
  return r;
}

TEST(Dcc, RecoversSimulatedParameters) {
  const Simulated sim = simulate_dcc(3000, 0.05, 0.90, target_correlation(), 20240501);
  const Result<DynamicCovariance> fit = forecast_dcc_covariance(sim.returns);
  ASSERT_TRUE(fit.is_ok()) << fit.status().message();
  ASSERT_TRUE(fit->is_usable()) << fit->message;
  EXPECT_NEAR(fit->a, 0.05, 0.03);
  EXPECT_NEAR(fit->b, 0.90, 0.03);
  EXPECT_GE(fit->log_likelihood, fit->log_likelihood_ccc);
  // Correlation dynamics in the data: a real improvement over CCC (LR statistic ≫ χ²₂ quantiles).
  EXPECT_GT(2.0 * (fit->log_likelihood - fit->log_likelihood_ccc), 50.0);
  EXPECT_GT(fit->iterations, 0);
  // Unconditional correlation close to the target Q̄.
  EXPECT_LT((fit->unconditional_correlation - target_correlation()).cwiseAbs().maxCoeff(), 0.06);
}

TEST(Dcc, ConstantCorrelationDataGivesSmallDynamics) {
  const Simulated sim = simulate_dcc(3000, 0.0, 0.0, target_correlation(), 7);
  const Result<DynamicCovariance> fit = forecast_dcc_covariance(sim.returns);
  ASSERT_TRUE(fit.is_ok());
  ASSERT_TRUE(fit->is_usable()) << fit->message;
  EXPECT_LT(fit->a, 0.02);
  EXPECT_GE(fit->log_likelihood, fit->log_likelihood_ccc);
}

TEST(Dcc, CccOptionAndLikelihoodDecomposition) {
  const Simulated sim = simulate_dcc(1500, 0.04, 0.93, target_correlation(), 99);
  DccOptions options;
  options.dynamics = CorrelationDynamics::kConstant;
  const Result<DynamicCovariance> ccc = forecast_dcc_covariance(sim.returns, options);
  ASSERT_TRUE(ccc.is_ok());
  EXPECT_EQ(ccc->a, 0.0);
  EXPECT_EQ(ccc->b, 0.0);
  EXPECT_DOUBLE_EQ(ccc->log_likelihood, ccc->log_likelihood_ccc);
  EXPECT_TRUE(ccc->correlation.isApprox(ccc->unconditional_correlation, 1e-14));
  // With Gaussian GARCH, the volatility part is the sum of the univariate log-likelihoods.
  double univariate = 0.0;
  for (const GarchFit& g : ccc->garch) univariate += g.log_likelihood;
  EXPECT_NEAR(ccc->log_likelihood - ccc->correlation_log_likelihood, univariate,
              1e-9 * std::abs(univariate));
  // The forecast is D R D with D from the GARCH one-step variances.
  for (Eigen::Index i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(ccc->next_variance[i], ccc->garch[static_cast<size_t>(i)].next_variance);
    EXPECT_NEAR(ccc->covariance(i, i), ccc->next_variance[i], 1e-15);
  }
  const Result<DynamicCovariance> dcc = forecast_dcc_covariance(sim.returns);
  ASSERT_TRUE(dcc.is_ok());
  EXPECT_GE(dcc->log_likelihood, ccc->log_likelihood);
  EXPECT_DOUBLE_EQ(dcc->log_likelihood_ccc, ccc->log_likelihood);
  const Eigen::MatrixXd& h = dcc->covariance;
  EXPECT_TRUE(h.isApprox(h.transpose(), 1e-15));
  EXPECT_GT(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(h).eigenvalues().minCoeff(), 0.0);
}

// Brute force: explicit inverse and determinant at every t.
double brute_force_correlation_likelihood(const Eigen::MatrixXd& e, double a, double b,
                                          Eigen::MatrixXd* next) {
  const Eigen::Index t_count = e.rows();
  Eigen::MatrixXd q_bar = Eigen::MatrixXd::Zero(e.cols(), e.cols());
  for (Eigen::Index t = 0; t < t_count; ++t) q_bar += e.row(t).transpose() * e.row(t);
  q_bar /= static_cast<double>(t_count);
  Eigen::MatrixXd q = q_bar;
  double total = 0.0;
  auto correlation = [](const Eigen::MatrixXd& m) {
    Eigen::MatrixXd r(m.rows(), m.cols());
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      for (Eigen::Index j = 0; j < m.cols(); ++j) r(i, j) = m(i, j) / std::sqrt(m(i, i) * m(j, j));
    }
    return r;
  };
  for (Eigen::Index t = 0; t < t_count; ++t) {
    const Eigen::MatrixXd r = correlation(q);
    const Eigen::VectorXd x = e.row(t).transpose();
    total += -0.5 * (std::log(r.determinant()) + x.dot(r.inverse() * x) - x.dot(x));
    q = (1.0 - a - b) * q_bar + a * x * x.transpose() + b * q;
  }
  *next = correlation(q);
  return total;
}

TEST(Dcc, CorrelationLikelihoodMatchesBruteForce) {
  const Simulated sim = simulate_dcc(400, 0.05, 0.90, target_correlation(), 3);
  for (const auto& [a, b] : {std::pair{0.0, 0.0}, std::pair{0.03, 0.95}, std::pair{0.2, 0.5}}) {
    Eigen::MatrixXd next_fast;
    Eigen::MatrixXd next_slow;
    const Result<double> fast = dcc_correlation_log_likelihood(sim.residuals, a, b, &next_fast);
    ASSERT_TRUE(fast.is_ok());
    const double slow = brute_force_correlation_likelihood(sim.residuals, a, b, &next_slow);
    EXPECT_NEAR(*fast, slow, 1e-9 * std::abs(slow));
    EXPECT_TRUE(next_fast.isApprox(next_slow, 1e-12));
  }
  EXPECT_FALSE(dcc_correlation_log_likelihood(sim.residuals, 0.5, 0.6).is_ok());
  EXPECT_FALSE(dcc_correlation_log_likelihood(sim.residuals, -0.1, 0.6).is_ok());
}

TEST(Dcc, SingleAssetIsGarch) {
  const Simulated sim = simulate_dcc(800, 0.05, 0.90, target_correlation(), 11);
  const Result<DynamicCovariance> fit = forecast_dcc_covariance(sim.returns.col(0));
  ASSERT_TRUE(fit.is_ok());
  ASSERT_EQ(fit->covariance.rows(), 1);
  EXPECT_DOUBLE_EQ(fit->covariance(0, 0), fit->garch[0].next_variance);
}

// `garch-dcc` is reachable as a covariance estimator and returns exactly the DCC forecast.
TEST(Dcc, IsTheGarchDccCovarianceEstimator) {
  const Simulated sim = simulate_dcc(1000, 0.05, 0.90, target_correlation(), 17);
  auto method = parse_covariance_method("garch-dcc");
  ASSERT_TRUE(method.is_ok());
  auto est = estimate_covariance(sim.returns, CovarianceOptions{.method = *method});
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  auto direct = forecast_dcc_covariance(sim.returns);
  ASSERT_TRUE(direct.is_ok());
  EXPECT_EQ(est->covariance, direct->covariance);
  EXPECT_EQ(to_string(est->method), "garch-dcc");
}

TEST(Dcc, RejectsNaNNamingRowAndColumn) {
  Simulated sim = simulate_dcc(100, 0.05, 0.90, target_correlation(), 5);
  sim.returns(42, 2) = std::numeric_limits<double>::quiet_NaN();
  const Result<DynamicCovariance> fit = forecast_dcc_covariance(sim.returns);
  ASSERT_FALSE(fit.is_ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(fit.status().message().find("row 42, asset column 2"), std::string::npos)
      << fit.status().message();
  // With names, messages name the asset.
  const std::vector<std::string> names = {"BTC", "ETH", "SOL"};
  const Result<DynamicCovariance> named = forecast_dcc_covariance(sim.returns, {}, names);
  ASSERT_FALSE(named.is_ok());
  EXPECT_NE(named.status().message().find("row 42, asset 'SOL'"), std::string::npos)
      << named.status().message();
}

TEST(Dcc, RejectsBadShapesAndOptions) {
  EXPECT_FALSE(forecast_dcc_covariance(Eigen::MatrixXd::Zero(10, 3)).is_ok());
  EXPECT_FALSE(forecast_dcc_covariance(Eigen::MatrixXd::Zero(100, 0)).is_ok());
  DccOptions options;
  options.max_iterations = 0;
  EXPECT_FALSE(options.validate().is_ok());
  options = DccOptions{};
  options.garch.max_degrees_of_freedom = 1.0;
  const Status status = options.validate();
  EXPECT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("DccOptions.garch"), std::string::npos);
}

}  // namespace
}  // namespace keel
