// DCC on real crypto returns (shared CMC data; skipped when ../shared/data is absent): the DCC
// quasi-likelihood is at least CCC's, the estimate is inside the stationary region, and the
// forecast covariance is a valid covariance.

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include "estimate/dynamic_test_support.hpp"
#include "keel/estimate/dcc.hpp"

namespace keel {
namespace {

TEST(DccReference, DccBeatsCccOnMajorCoins) {
  const Eigen::MatrixXd returns =
      test::shared_cmc_returns({"BTC", "ETH", "LTC", "XRP", "BNB"}, "2019-01-01", "2023-12-31");
  if (returns.size() == 0) GTEST_SKIP() << "shared data not found under " << KEEL_SHARED_DATA_DIR;
  ASSERT_EQ(returns.rows(), 1826);
  ASSERT_TRUE(returns.allFinite());
  for (const GarchDistribution dist : {GarchDistribution::kNormal, GarchDistribution::kStudentT}) {
    DccOptions options;
    options.garch.distribution = dist;
    options.garch.enforce_stationarity = true;
    const Result<DynamicCovariance> fit = forecast_dcc_covariance(returns, options);
    ASSERT_TRUE(fit.is_ok()) << fit.status().message();
    ASSERT_TRUE(fit->is_usable()) << fit->message;
    EXPECT_GE(fit->log_likelihood, fit->log_likelihood_ccc);
    EXPECT_GE(fit->correlation_log_likelihood, fit->correlation_log_likelihood_ccc);
    // Crypto correlations are known to be time-varying: a strict improvement.
    EXPECT_GT(fit->log_likelihood - fit->log_likelihood_ccc, 5.0);
    EXPECT_GT(fit->a, 0.0);
    EXPECT_GT(fit->b, 0.5);
    EXPECT_LT(fit->a + fit->b, 1.0);
    const Eigen::MatrixXd& h = fit->covariance;
    EXPECT_TRUE(h.isApprox(h.transpose(), 1e-14));
    EXPECT_GT(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(h).eigenvalues().minCoeff(), 0.0);
    // Daily BTC volatility forecast is of the order of a few percent.
    EXPECT_GT(std::sqrt(h(0, 0)), 0.005);
    EXPECT_LT(std::sqrt(h(0, 0)), 0.2);
    // Crypto majors are positively correlated.
    EXPECT_GT(fit->correlation(0, 1), 0.3);
  }
}

}  // namespace
}  // namespace keel
