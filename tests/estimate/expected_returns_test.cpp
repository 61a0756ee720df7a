#include "keel/estimate/expected_returns.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Eigen::MatrixXd small_returns() {
  Eigen::MatrixXd x(5, 4);
  x << 0.01, 0.02, -0.01, 0.00,  //
      0.02, -0.01, 0.03, 0.01,   //
      -0.01, 0.00, 0.02, 0.02,   //
      0.03, 0.01, -0.02, -0.01,  //
      0.00, 0.02, 0.01, 0.03;
  return x;
}

TEST(ExpectedReturnNames, RoundTrip) {
  for (auto m : {ExpectedReturnMethod::kMean, ExpectedReturnMethod::kGeometric,
                 ExpectedReturnMethod::kEwma, ExpectedReturnMethod::kCapm,
                 ExpectedReturnMethod::kJamesStein, ExpectedReturnMethod::kEquilibrium}) {
    auto parsed = parse_expected_return_method(to_string(m));
    ASSERT_TRUE(parsed.is_ok());
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_EQ(to_string(ExpectedReturnMethod::kJamesStein), "james-stein");
  EXPECT_FALSE(parse_expected_return_method("arithmetic").is_ok());
}

TEST(ExpectedReturns, PeriodsPerYearIsRequired) {
  auto r = estimate_expected_returns(small_returns(), {});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("365"), std::string::npos);
}

TEST(ExpectedReturns, MeanAndGeometricClosedForms) {
  const Eigen::MatrixXd x = small_returns();
  auto mean = estimate_expected_returns(x, {.periods_per_year = 365.0});
  ASSERT_TRUE(mean.is_ok());
  EXPECT_NEAR(mean->annualised(0), 0.01 * 365.0, 1e-13);
  auto geo = estimate_expected_returns(
      x, {.method = ExpectedReturnMethod::kGeometric, .periods_per_year = 12.0});
  ASSERT_TRUE(geo.is_ok());
  const double growth = 1.01 * 1.02 * 0.99 * 1.03 * 1.00;
  EXPECT_NEAR(geo->annualised(0), std::pow(growth, 12.0 / 5.0) - 1.0, 1e-14);
}

TEST(ExpectedReturns, GeometricSkipsNaNPerAssetOthersReject) {
  Eigen::MatrixXd x = small_returns();
  x(0, 1) = kNaN;
  x(1, 1) = kNaN;
  auto geo = estimate_expected_returns(
      x, {.method = ExpectedReturnMethod::kGeometric, .periods_per_year = 1.0});
  ASSERT_TRUE(geo.is_ok()) << geo.status().message();
  EXPECT_EQ(geo->observations(1), 3);
  EXPECT_NEAR(geo->annualised(1), std::pow(1.00 * 1.01 * 1.02, 1.0 / 3.0) - 1.0, 1e-14);
  auto mean = estimate_expected_returns(x, {.periods_per_year = 1.0});
  ASSERT_FALSE(mean.is_ok());
  EXPECT_NE(mean.status().message().find("column 1"), std::string::npos);
  EXPECT_NE(mean.status().message().find("row 0"), std::string::npos);
}

TEST(ExpectedReturns, EwmaWithHugeSpanTendsToTheMean) {
  const Eigen::MatrixXd x = small_returns();
  auto ewma = estimate_expected_returns(x, {.method = ExpectedReturnMethod::kEwma,
                                            .periods_per_year = 365.0,
                                            .ewma_span = 1e12,
                                            .compounding = false});
  ASSERT_TRUE(ewma.is_ok());
  EXPECT_NEAR(ewma->annualised(2), 0.006 * 365.0, 1e-9);
  // Half-life 1: weights 1/16, 1/8, 1/4, 1/2, 1 (oldest first).
  auto hl = estimate_expected_returns(x, {.method = ExpectedReturnMethod::kEwma,
                                          .periods_per_year = 1.0,
                                          .ewma_half_life = 1.0,
                                          .compounding = false});
  ASSERT_TRUE(hl.is_ok());
  const double m0 = (0.01 / 16 + 0.02 / 8 - 0.01 / 4 + 0.03 / 2 + 0.0) / (31.0 / 16.0);
  EXPECT_NEAR(hl->annualised(0), m0, 1e-15);
}

TEST(ExpectedReturns, CapmWithGivenMarketIsRiskFreePlusBetaPremium) {
  Eigen::MatrixXd x(4, 2);
  Eigen::VectorXd m(4);
  m << 0.01, -0.02, 0.03, 0.00;
  x.col(0) = 2.0 * m;                   // beta 2
  x.col(1) = -0.5 * m.array() + 0.001;  // beta −0.5
  auto capm = estimate_expected_returns(x, {.method = ExpectedReturnMethod::kCapm,
                                            .periods_per_year = 4.0,
                                            .compounding = false,
                                            .market_returns = m,
                                            .risk_free_rate = 0.01});
  ASSERT_TRUE(capm.is_ok()) << capm.status().message();
  EXPECT_NEAR(capm->betas(0), 2.0, 1e-14);
  EXPECT_NEAR(capm->betas(1), -0.5, 1e-14);
  const double market = m.mean() * 4.0;
  EXPECT_NEAR(capm->annualised(0), 0.01 + 2.0 * (market - 0.01), 1e-14);
  auto wrong = estimate_expected_returns(x, {.method = ExpectedReturnMethod::kCapm,
                                             .periods_per_year = 4.0,
                                             .market_returns = Eigen::VectorXd::Zero(3)});
  EXPECT_FALSE(wrong.is_ok());
}

TEST(ExpectedReturns, JamesSteinShrinksTowardTheGrandMean) {
  const Eigen::MatrixXd x = small_returns();
  auto js = estimate_expected_returns(
      x, {.method = ExpectedReturnMethod::kJamesStein, .periods_per_year = 1.0});
  ASSERT_TRUE(js.is_ok());
  auto mean = estimate_expected_returns(x, {.periods_per_year = 1.0});
  const double grand = mean->annualised.mean();
  EXPECT_GE(js->shrinkage, 0.0);
  EXPECT_LE(js->shrinkage, 1.0);
  EXPECT_NEAR(js->annualised.mean(), grand, 1e-15);  // the grand mean is kept
  EXPECT_LE((js->annualised.array() - grand).abs().maxCoeff(),
            (mean->annualised.array() - grand).abs().maxCoeff() + 1e-15);
  auto few = estimate_expected_returns(
      x.leftCols(3), {.method = ExpectedReturnMethod::kJamesStein, .periods_per_year = 1.0});
  EXPECT_FALSE(few.is_ok());
}

TEST(ExpectedReturns, EquilibriumClosedForm) {
  Eigen::MatrixXd cov(2, 2);
  cov << 0.04, 0.01, 0.01, 0.09;
  auto pi = equilibrium_returns(cov, Eigen::Vector2d(3.0, 1.0), 2.5, 0.02);
  ASSERT_TRUE(pi.is_ok());
  EXPECT_NEAR((*pi)(0), 2.5 * (0.04 * 0.75 + 0.01 * 0.25) + 0.02, 1e-15);
  EXPECT_NEAR((*pi)(1), 2.5 * (0.01 * 0.75 + 0.09 * 0.25) + 0.02, 1e-15);
  EXPECT_FALSE(equilibrium_returns(cov, Eigen::Vector2d(-1.0, 1.0), 2.5).is_ok());
  EXPECT_FALSE(equilibrium_returns(cov, Eigen::Vector3d(1.0, 1.0, 1.0), 2.5).is_ok());
  auto missing = estimate_expected_returns(
      small_returns(), {.method = ExpectedReturnMethod::kEquilibrium, .periods_per_year = 1.0});
  EXPECT_FALSE(missing.is_ok());
}

}  // namespace
}  // namespace keel
