// Warnings the library attaches when estimates or portfolios are implausible (docs/estimation.md):
// shrinkage intensity above one half, a scaled-identity target that rewrites assets' volatility,
// expected returns above 500% a year, portfolios with a Sharpe ratio above 5 or an expected return
// above 500%; and the hint of the expected-return estimators for missing returns.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "keel/estimate/covariance.hpp"
#include "keel/estimate/expected_returns.hpp"
#include "keel/optimize/model.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

bool any_contains(const std::vector<std::string>& warnings, const std::string& text) {
  for (const auto& w : warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

// A crypto-like book: two stablecoins (daily σ 0.1%) next to three volatile coins (σ 4–6%).
ReturnSeries stablecoin_book(int rows = 500) {
  Random rng(3);
  const auto z = [&rng] { return rng.normal(); };
  ReturnSeries s;
  s.assets = {"BTC", "ETH", "USDT", "SOL", "USDC"};
  s.values.resize(rows, 5);
  for (int t = 0; t < rows; ++t) {
    const double market = 0.035 * z();
    s.values(t, 0) = market + 0.015 * z();
    s.values(t, 1) = 1.2 * market + 0.02 * z();
    s.values(t, 2) = 0.001 * z();
    s.values(t, 3) = 1.5 * market + 0.03 * z();
    s.values(t, 4) = 0.0012 * z();
    s.timestamps.push_back(t * kSecondsPerDay);
  }
  return s;
}

TEST(ShrinkageWarnings, ScaledIdentityTargetRewritesStablecoinVolatility) {
  const ReturnSeries s = stablecoin_book();
  auto lw = estimate_covariance(s, {.method = CovarianceMethod::kLedoitWolf});
  ASSERT_TRUE(lw);
  // Stablecoin volatility multiplied by the average-variance target.
  EXPECT_GT(std::sqrt(lw->covariance(2, 2)) / 0.001, 2.0);
  EXPECT_TRUE(any_contains(lw->diagnostics.warnings, "scaled-identity target"))
      << ::testing::PrintToString(lw->diagnostics.warnings);
  EXPECT_TRUE(any_contains(lw->diagnostics.warnings, "'USD"));
  EXPECT_TRUE(any_contains(lw->diagnostics.warnings, "ledoit-wolf-constant-correlation"));
  // The constant-correlation target keeps each asset's own variance: no such warning, and the
  // stablecoins keep their volatility.
  auto cc = estimate_covariance(s, {.method = CovarianceMethod::kLedoitWolfConstantCorrelation});
  ASSERT_TRUE(cc);
  EXPECT_FALSE(any_contains(cc->diagnostics.warnings, "scaled-identity"));
  EXPECT_NEAR(std::sqrt(cc->covariance(2, 2)), 0.001, 0.0002);
  EXPECT_NEAR(std::sqrt(cc->covariance(4, 4)), 0.0012, 0.0002);
}

TEST(ShrinkageWarnings, IntensityAboveOneHalfIsReported) {
  // Few observations for many assets: the Ledoit–Wolf intensity is high.
  Random rng(5);
  Eigen::MatrixXd x(12, 40);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = 0.02 * rng.normal();
  auto lw = estimate_covariance(x, {.method = CovarianceMethod::kLedoitWolf});
  ASSERT_TRUE(lw);
  ASSERT_GT(lw->diagnostics.shrinkage, 0.5);
  EXPECT_TRUE(any_contains(lw->diagnostics.warnings, "shrinkage intensity"));
  // The threshold is an option; the estimate itself does not change with it.
  CovarianceOptions lenient{.method = CovarianceMethod::kLedoitWolf};
  lenient.shrinkage_warning_threshold = 1.0;
  auto quiet = estimate_covariance(x, lenient);
  ASSERT_TRUE(quiet);
  EXPECT_FALSE(any_contains(quiet->diagnostics.warnings, "shrinkage intensity"));
  EXPECT_EQ(quiet->covariance, lw->covariance);
  // A well-sampled book stays quiet.
  auto calm = estimate_covariance(stablecoin_book(2000),
                                  {.method = CovarianceMethod::kLedoitWolfConstantCorrelation});
  ASSERT_TRUE(calm);
  EXPECT_LT(calm->diagnostics.shrinkage, 0.5);
  EXPECT_TRUE(calm->diagnostics.warnings.empty())
      << ::testing::PrintToString(calm->diagnostics.warnings);
  CovarianceOptions bad{.method = CovarianceMethod::kLedoitWolf};
  bad.shrinkage_warning_threshold = 1.5;
  EXPECT_FALSE(bad.validate());
}

TEST(ExpectedReturnWarnings, AnnualisedMeanAbove500PercentIsNamed) {
  ReturnSeries s;
  s.assets = {"BTC", "PUMP"};
  s.values.resize(4, 2);
  s.values << 0.001, 0.30, -0.002, 0.25, 0.003, 0.40, 0.0, 0.20;
  for (int t = 0; t < 4; ++t) s.timestamps.push_back(t * kSecondsPerDay);
  auto mu = estimate_expected_returns(
      s, {.method = ExpectedReturnMethod::kGeometric, .periods_per_year = 365});
  ASSERT_TRUE(mu);
  ASSERT_EQ(mu->warnings.size(), 1u);
  EXPECT_NE(mu->warnings[0].find("PUMP"), std::string::npos) << mu->warnings[0];
  EXPECT_EQ(mu->warnings[0].find("BTC"), std::string::npos) << mu->warnings[0];
  auto calm = estimate_expected_returns(
      stablecoin_book(), {.method = ExpectedReturnMethod::kMean, .periods_per_year = 365});
  ASSERT_TRUE(calm);
  EXPECT_TRUE(calm->warnings.empty());
}

TEST(ExpectedReturnWarnings, MissingReturnHintDoesNotSuggestPairwise) {
  ReturnSeries s = stablecoin_book(50);
  s.values(0, 3) = std::numeric_limits<double>::quiet_NaN();
  auto mu = estimate_expected_returns(
      s, {.method = ExpectedReturnMethod::kMean, .periods_per_year = 365});
  ASSERT_FALSE(mu);
  const std::string& m = mu.status().message();
  EXPECT_NE(m.find("'SOL'"), std::string::npos) << m;
  EXPECT_NE(m.find("--mu geometric"), std::string::npos) << m;
  EXPECT_EQ(m.find("or, for the sample covariance, pairwise"), std::string::npos) << m;
}

TEST(PortfolioPlausibility, SharpeAbove5AndReturnAbove500PercentWarn) {
  // A "coin" with three days of history: 35,000% a year at 40% volatility.
  ModelInputs inputs;
  inputs.assets = {"BTC", "NEWCOIN"};
  inputs.expected_returns = Eigen::Vector2d(0.5, 350.0);
  inputs.covariance = Eigen::Matrix2d{{0.36, 0.05}, {0.05, 0.16}};
  ModelSpec spec;
  spec.model = PortfolioModel::kMaxSharpe;
  auto r = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_TRUE(r->is_usable());
  EXPECT_TRUE(any_contains(r->diagnostics.warnings, "implausible expected return"))
      << ::testing::PrintToString(r->diagnostics.warnings);
  EXPECT_TRUE(any_contains(r->diagnostics.warnings, "implausible Sharpe ratio"));
  EXPECT_NE(r->to_json()["diagnostics"]["warnings"].dump().find("implausible"), std::string::npos);

  // Plausible inputs: no warning.
  inputs.expected_returns = Eigen::Vector2d(0.5, 0.6);
  auto calm = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(calm);
  EXPECT_FALSE(any_contains(calm->diagnostics.warnings, "implausible"));

  // Limits are options of the spec; min variance without expected returns is never judged.
  inputs.expected_returns = Eigen::Vector2d(0.5, 350.0);
  spec.plausibility = {.max_expected_return = 1e9, .max_sharpe = 1e9};
  auto lenient = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(lenient);
  EXPECT_FALSE(any_contains(lenient->diagnostics.warnings, "implausible"));
  ModelInputs no_mu;
  no_mu.assets = inputs.assets;
  no_mu.covariance = inputs.covariance;
  ModelSpec min_variance;
  min_variance.model = PortfolioModel::kMinVariance;
  auto mv = optimize_portfolio(no_mu, min_variance);
  ASSERT_TRUE(mv);
  EXPECT_FALSE(any_contains(mv->diagnostics.warnings, "implausible"));
}

}  // namespace
}  // namespace keel
