// GARCH(1,1) against R's fGarch::garchFit (fits from tests/reference/make_garch_fixtures.R on BTC
// and LTC simple daily returns 2019-01-01 .. 2023-12-31 of ../shared/data/crypto_cmc_top120, with
// Gaussian and Student-t innovations). The returns are recomputed here from the shared data (not
// committed: that panel has no licence), so these tests skip when it is absent.

#include "keel/estimate/garch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "estimate/dynamic_test_support.hpp"

namespace keel {
namespace {

const std::string kFixtureDir = std::string(KEEL_SOURCE_DIR) + "/tests/reference/garch";

struct Reference {
  Eigen::MatrixXd returns;  // columns BTC, LTC; empty without the shared data
  test::CsvTable fits;
};

const Reference& reference() {
  static const Reference ref = [] {
    Reference r;
    r.returns = test::shared_cmc_returns({"BTC", "LTC"}, "2019-01-01", "2023-12-31");
    EXPECT_TRUE(test::read_csv(kFixtureDir + "/fgarch_fits.csv", &r.fits));
    return r;
  }();
  return ref;
}

bool have_shared_data() { return reference().returns.rows() > 0; }

#define KEEL_REQUIRE_SHARED_DATA()                                             \
  if (!have_shared_data())                                                     \
  GTEST_SKIP() << "needs ../shared/data/crypto_cmc_top120/prices_close_usd.csv"

Eigen::VectorXd series(const std::string& asset) {
  return reference().returns.col(asset == "BTC" ? 0 : 1);
}

size_t fit_row(const std::string& asset, const std::string& dist) {
  const auto& fits = reference().fits;
  for (size_t r = 0; r < fits.rows.size(); ++r) {
    if (fits.rows[r][0] == asset && fits.rows[r][1] == dist) return r;
  }
  ADD_FAILURE() << "no fGarch row for " << asset << " " << dist;
  return 0;
}

GarchParameters fgarch_parameters(size_t row) {
  const auto& f = reference().fits;
  GarchParameters p{f.number(row, "mu"), f.number(row, "omega"), f.number(row, "alpha"),
                    f.number(row, "beta"), f.number(row, "shape")};
  if (std::isnan(p.nu)) p.nu = std::numeric_limits<double>::infinity();
  return p;
}

struct Case {
  std::string asset;
  std::string dist;
  bool enforce_stationarity;
};

class FGarchTest : public ::testing::TestWithParam<Case> {};

TEST_P(FGarchTest, LikelihoodAtFGarchParametersMatchesFGarch) {
  KEEL_REQUIRE_SHARED_DATA();
  const Case& c = GetParam();
  const size_t row = fit_row(c.asset, c.dist);
  const auto dist = c.dist == "std" ? GarchDistribution::kStudentT : GarchDistribution::kNormal;
  const Result<double> ll = garch_log_likelihood(series(c.asset), fgarch_parameters(row), dist);
  ASSERT_TRUE(ll.is_ok()) << ll.status().message();
  EXPECT_NEAR(*ll, reference().fits.number(row, "loglik"), 1e-9 * std::abs(*ll));
}

TEST_P(FGarchTest, FitMatchesFGarch) {
  KEEL_REQUIRE_SHARED_DATA();
  const Case& c = GetParam();
  const size_t row = fit_row(c.asset, c.dist);
  const auto& f = reference().fits;
  GarchOptions options;
  options.distribution =
      c.dist == "std" ? GarchDistribution::kStudentT : GarchDistribution::kNormal;
  options.enforce_stationarity = c.enforce_stationarity;
  const Result<GarchFit> fit = fit_garch(series(c.asset), options);
  ASSERT_TRUE(fit.is_ok()) << fit.status().message();
  ASSERT_TRUE(fit->is_usable()) << fit->message;
  EXPECT_EQ(fit->status, SolveStatus::kOptimal) << fit->message;
  const GarchParameters expected = fgarch_parameters(row);
  const GarchParameters& got = fit->parameters;
  // Our optimum may only be better than fGarch's: never lower, and the same to 1e-7 relative.
  const double ll_ref = f.number(row, "loglik");
  EXPECT_GE(fit->log_likelihood, ll_ref - 1e-7 * std::abs(ll_ref));
  EXPECT_NEAR(fit->log_likelihood, ll_ref, 1e-7 * std::abs(ll_ref));
  EXPECT_NEAR(got.mu, expected.mu, 1e-3 * std::abs(expected.mu));
  EXPECT_NEAR(got.omega, expected.omega, 1e-3 * expected.omega);
  EXPECT_NEAR(got.alpha, expected.alpha, 1e-3 * expected.alpha);
  EXPECT_NEAR(got.beta, expected.beta, 1e-3 * expected.beta);
  if (c.dist == "std") {
    EXPECT_NEAR(got.nu, expected.nu, 1e-3 * expected.nu);
  } else {
    EXPECT_TRUE(std::isinf(got.nu));
  }
  // Standard errors: both sides use finite-difference Hessians, so a looser 2 %.
  EXPECT_NEAR(fit->standard_errors.mu, f.number(row, "se_mu"), 0.02 * f.number(row, "se_mu"));
  EXPECT_NEAR(fit->standard_errors.omega, f.number(row, "se_omega"),
              0.02 * f.number(row, "se_omega"));
  EXPECT_NEAR(fit->standard_errors.alpha, f.number(row, "se_alpha"),
              0.02 * f.number(row, "se_alpha"));
  EXPECT_NEAR(fit->standard_errors.beta, f.number(row, "se_beta"), 0.02 * f.number(row, "se_beta"));
  if (c.dist == "std") {
    EXPECT_NEAR(fit->standard_errors.nu, f.number(row, "se_shape"),
                0.02 * f.number(row, "se_shape"));
  }
  // h-step forecasts against fGarch's predict() standard deviations.
  for (int h = 1; h <= 10; ++h) {
    const double sd_ref = f.number(row, "sd_ahead_" + std::to_string(h));
    EXPECT_NEAR(std::sqrt(fit->forecast_variance(h)), sd_ref, 1e-3 * sd_ref) << "h = " << h;
  }
  EXPECT_EQ(fit->conditional_variance.size(), series(c.asset).size());
  if (got.persistence() >= 1.0) {
    EXPECT_FALSE(fit->warnings.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(BtcLtc, FGarchTest,
                         ::testing::Values(Case{"BTC", "norm", true}, Case{"BTC", "std", false},
                                           Case{"LTC", "norm", true}, Case{"LTC", "std", true}),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.asset + "_" + param_info.param.dist;
                         });

TEST(Garch, OptimumIsStationaryPointOfTheLikelihood) {
  KEEL_REQUIRE_SHARED_DATA();
  // Independent of the analytic gradient: central differences of the public likelihood.
  GarchOptions options{.distribution = GarchDistribution::kStudentT};
  const Eigen::VectorXd x = series("LTC");
  const Result<GarchFit> fit = fit_garch(x, options);
  ASSERT_TRUE(fit.is_ok());
  const GarchParameters p = fit->parameters;
  double* fields[] = {nullptr, nullptr, nullptr, nullptr, nullptr};
  GarchParameters shifted = p;
  fields[0] = &shifted.mu;
  fields[1] = &shifted.omega;
  fields[2] = &shifted.alpha;
  fields[3] = &shifted.beta;
  fields[4] = &shifted.nu;
  const double values[] = {p.mu, p.omega, p.alpha, p.beta, p.nu};
  for (int k = 0; k < 5; ++k) {
    const double step = 1e-6 * std::abs(values[k]);
    *fields[k] = values[k] + step;
    const double up = *garch_log_likelihood(x, shifted, options.distribution);
    *fields[k] = values[k] - step;
    const double down = *garch_log_likelihood(x, shifted, options.distribution);
    *fields[k] = values[k];
    // Relative derivative |θ ∂ℓ/∂θ| is tiny at an interior optimum (ℓ ≈ 3200).
    EXPECT_LT(std::abs((up - down) / 2.0), 1e-6) << "parameter " << k;
  }
}

TEST(Garch, ScalingReturnsScalesParameters) {
  KEEL_REQUIRE_SHARED_DATA();
  const Eigen::VectorXd x = series("BTC");
  const double c = 100.0;
  const Result<GarchFit> a = fit_garch(x);
  const Result<GarchFit> b = fit_garch(c * x);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_NEAR(b->parameters.mu, c * a->parameters.mu, 1e-6 * std::abs(c * a->parameters.mu));
  EXPECT_NEAR(b->parameters.omega, c * c * a->parameters.omega, 1e-6 * c * c * a->parameters.omega);
  EXPECT_NEAR(b->parameters.alpha, a->parameters.alpha, 1e-6);
  EXPECT_NEAR(b->parameters.beta, a->parameters.beta, 1e-6);
  const double n = static_cast<double>(x.size());
  EXPECT_NEAR(b->log_likelihood, a->log_likelihood - n * std::log(c), 1e-6);
}

TEST(Garch, ForecastFollowsClosedForm) {
  KEEL_REQUIRE_SHARED_DATA();
  const Result<GarchFit> fit = fit_garch(series("LTC"));
  ASSERT_TRUE(fit.is_ok());
  const GarchParameters& p = fit->parameters;
  const double phi = p.alpha + p.beta;
  // h_{T+1} from the recursion on the last residual.
  const Eigen::VectorXd x = series("LTC");
  const Eigen::Index t = x.size() - 1;
  const double z = x[t] - p.mu;
  EXPECT_NEAR(fit->next_variance, p.omega + p.alpha * z * z + p.beta * fit->conditional_variance[t],
              1e-15);
  const Eigen::VectorXd path = fit->forecast_variance_path(30);
  for (int h = 1; h <= 30; ++h) {
    double geometric = 0.0;
    for (int i = 0; i <= h - 2; ++i) geometric += std::pow(phi, i);
    const double expected = p.omega * geometric + std::pow(phi, h - 1) * fit->next_variance;
    EXPECT_NEAR(fit->forecast_variance(h), expected, 1e-12 * expected);
    EXPECT_DOUBLE_EQ(path[h - 1], fit->forecast_variance(h));
  }
  // Mean reversion to the unconditional variance.
  EXPECT_NEAR(fit->forecast_variance(5000), p.unconditional_variance(),
              1e-9 * p.unconditional_variance());
  EXPECT_TRUE(std::isnan(fit->forecast_variance(0)));
}

TEST(Garch, ZeroMeanOption) {
  KEEL_REQUIRE_SHARED_DATA();
  GarchOptions options{.include_mean = false};
  const Result<GarchFit> fit = fit_garch(series("BTC"), options);
  ASSERT_TRUE(fit.is_ok());
  EXPECT_EQ(fit->parameters.mu, 0.0);
  EXPECT_TRUE(fit->is_usable());
  // The constrained optimum cannot beat the one with μ free.
  const Result<GarchFit> free = fit_garch(series("BTC"));
  EXPECT_LE(fit->log_likelihood, free->log_likelihood + 1e-9);
}

TEST(Garch, RejectsNaNNamingTheRow) {
  KEEL_REQUIRE_SHARED_DATA();
  Eigen::VectorXd x = series("BTC");
  x[17] = std::numeric_limits<double>::quiet_NaN();
  const Result<GarchFit> fit = fit_garch(x);
  ASSERT_FALSE(fit.is_ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(fit.status().message().find("row 17"), std::string::npos) << fit.status().message();
}

TEST(Garch, RejectsShortAndConstantSeries) {
  KEEL_REQUIRE_SHARED_DATA();
  EXPECT_FALSE(fit_garch(Eigen::VectorXd::Constant(10, 0.01)).is_ok());
  const Result<GarchFit> constant = fit_garch(Eigen::VectorXd::Constant(100, 0.01));
  ASSERT_FALSE(constant.is_ok());
  EXPECT_NE(constant.status().message().find("constant"), std::string::npos);
}

TEST(Garch, RejectsBadOptions) {
  KEEL_REQUIRE_SHARED_DATA();
  EXPECT_FALSE(GarchOptions{.max_degrees_of_freedom = 2.0}.validate().is_ok());
  EXPECT_FALSE(GarchOptions{.max_iterations = 0}.validate().is_ok());
  EXPECT_FALSE(GarchOptions{.gradient_tolerance = 0.0}.validate().is_ok());
  EXPECT_TRUE(GarchOptions{}.validate().is_ok());
  EXPECT_FALSE(fit_garch(series("BTC"), GarchOptions{.max_iterations = -1}).is_ok());
}

TEST(Garch, LikelihoodRejectsParametersOutsideDomain) {
  KEEL_REQUIRE_SHARED_DATA();
  const GarchParameters bad{0.0, -1e-5, 0.1, 0.8};
  EXPECT_FALSE(garch_log_likelihood(series("BTC"), bad, GarchDistribution::kNormal).is_ok());
  const GarchParameters low_nu{0.0, 1e-5, 0.1, 0.8, 1.5};
  EXPECT_FALSE(garch_log_likelihood(series("BTC"), low_nu, GarchDistribution::kStudentT).is_ok());
}

}  // namespace
}  // namespace keel
