// Copulas: tau inversion round trips, tail-dependence closed forms, Kendall's tau-b against SciPy
// (with ties), the t-copula fit against a SciPy implementation (tests/reference/copula/), and
// seeded scenario sampling that reproduces the fitted dependence.

#include "keel/estimate/copula.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <string>

#include "estimate/dynamic_test_support.hpp"
#include "keel/core/random.hpp"
#include "keel/estimate/distributions.hpp"

namespace keel {
namespace {

const std::string kDir = std::string(KEEL_SOURCE_DIR) + "/tests/reference/copula";

Eigen::MatrixXd fixture_data(const std::string& file) {
  test::CsvTable table;
  EXPECT_TRUE(test::read_csv(kDir + "/" + file, &table));
  return test::columns(table, table.header);
}

// Naive O(T²) tau-b, independent of the merge-sort implementation.
double naive_tau_b(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  double concordant_minus_discordant = 0.0;
  double x_pairs = 0.0;
  double y_pairs = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    for (Eigen::Index j = i + 1; j < x.size(); ++j) {
      const double dx = x[i] - x[j];
      const double dy = y[i] - y[j];
      const double s = (dx > 0) - (dx < 0);
      const double t = (dy > 0) - (dy < 0);
      concordant_minus_discordant += s * t;
      x_pairs += s != 0.0;
      y_pairs += t != 0.0;
    }
  }
  return concordant_minus_discordant / std::sqrt(x_pairs * y_pairs);
}

TEST(Copula, KendallTauMatchesScipyWithTies) {
  const Eigen::MatrixXd data = fixture_data("ties.csv");
  test::CsvTable expected;
  ASSERT_TRUE(test::read_csv(kDir + "/ties_tau.csv", &expected));
  ASSERT_EQ(expected.rows.size(), 3u);
  const Eigen::MatrixXd tau = kendall_tau_matrix(data);
  for (size_t r = 0; r < expected.rows.size(); ++r) {
    const auto i = static_cast<Eigen::Index>(expected.number(r, "i"));
    const auto j = static_cast<Eigen::Index>(expected.number(r, "j"));
    EXPECT_NEAR(tau(i, j), expected.number(r, "tau_b"), 1e-15);
    EXPECT_NEAR(tau(j, i), tau(i, j), 0.0);
  }
}

TEST(Copula, KendallTauMatchesNaiveOnRandomData) {
  Random rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 5 + trial * 7;
    Eigen::VectorXd x(n);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      // Coarse rounding creates many ties.
      x[i] = std::round(4.0 * rng.normal());
      y[i] = std::round(3.0 * (0.5 * x[i] + rng.normal()));
    }
    EXPECT_NEAR(kendall_tau(x, y), naive_tau_b(x, y), 1e-14) << "trial " << trial;
  }
  EXPECT_TRUE(
      std::isnan(kendall_tau(Eigen::VectorXd::Ones(5), Eigen::VectorXd::LinSpaced(5, 0, 1))));
}

TEST(Copula, TStudentFitMatchesScipy) {
  const Eigen::MatrixXd data = fixture_data("tcopula_data.csv");
  test::CsvTable ref;
  ASSERT_TRUE(test::read_csv(kDir + "/tcopula_fit.csv", &ref));
  const Result<CopulaFit> fit = fit_copula(data, CopulaOptions{.family = CopulaFamily::kStudentT});
  ASSERT_TRUE(fit.is_ok()) << fit.status().message();
  for (size_t r = 0; r < ref.rows.size(); ++r) {
    const std::string& quantity = ref.rows[r][0];
    const auto i = static_cast<Eigen::Index>(ref.number(r, "i"));
    const auto j = static_cast<Eigen::Index>(ref.number(r, "j"));
    const double value = ref.number(r, "value");
    if (quantity == "tau") {
      EXPECT_NEAR(fit->kendall_tau(i, j), value, 1e-14);
    } else if (quantity == "rho") {
      EXPECT_NEAR(fit->correlation(i, j), value, 1e-14);
    } else if (quantity == "nu") {
      EXPECT_NEAR(fit->degrees_of_freedom, value, 1e-5 * value);
    } else if (quantity == "loglik") {
      EXPECT_NEAR(fit->log_likelihood, value, 1e-8 * std::abs(value));
    } else if (quantity == "gaussian_loglik") {
      const Result<double> gaussian =
          gaussian_copula_log_likelihood(pseudo_observations(data), fit->correlation);
      ASSERT_TRUE(gaussian.is_ok());
      EXPECT_NEAR(*gaussian, value, 1e-9 * std::abs(value));
      // The data were drawn from a t copula: the t fit must beat the Gaussian one.
      EXPECT_GT(fit->log_likelihood, *gaussian);
    }
  }
  EXPECT_TRUE(fit->repairs.empty());
  EXPECT_GT(fit->likelihood_evaluations, 3);
  // Tail dependence from the closed form, symmetric in the two tails.
  const double lambda = student_t_tail_dependence(fit->correlation(0, 1), fit->degrees_of_freedom);
  EXPECT_DOUBLE_EQ(fit->lower_tail_dependence(0, 1), lambda);
  EXPECT_DOUBLE_EQ(fit->upper_tail_dependence(1, 0), lambda);
}

TEST(Copula, TauInversionRoundTrips) {
  for (double tau : {0.01, 0.2, 0.5, 0.77, 0.95}) {
    EXPECT_NEAR(clayton_tau_from_theta(clayton_theta_from_tau(tau)), tau, 1e-15);
    EXPECT_NEAR(gumbel_tau_from_theta(gumbel_theta_from_tau(tau)), tau, 1e-15);
    // Elliptical: τ = (2/π) arcsin ρ (Lindskog et al. 2003).
    EXPECT_NEAR(2.0 / M_PI * std::asin(elliptical_correlation_from_tau(tau)), tau, 1e-15);
    EXPECT_NEAR(2.0 / M_PI * std::asin(elliptical_correlation_from_tau(-tau)), -tau, 1e-15);
  }
  EXPECT_DOUBLE_EQ(clayton_theta_from_tau(1.0 / 3.0), 1.0);
  EXPECT_DOUBLE_EQ(gumbel_theta_from_tau(0.5), 2.0);
}

TEST(Copula, TailDependenceClosedForms) {
  EXPECT_DOUBLE_EQ(clayton_lower_tail_dependence(1.0), 0.5);
  EXPECT_DOUBLE_EQ(clayton_lower_tail_dependence(2.0), 1.0 / std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(gumbel_upper_tail_dependence(1.0), 0.0);  // independence
  EXPECT_DOUBLE_EQ(gumbel_upper_tail_dependence(2.0), 2.0 - std::sqrt(2.0));
  // t with ν = 1 (Cauchy margins ν + 1 = 2): t_2 CDF is 1/2 + x / (2 sqrt(2 + x²)).
  const double rho = 0.3;
  const double x = -std::sqrt(2.0 * (1.0 - rho) / (1.0 + rho));
  EXPECT_NEAR(student_t_tail_dependence(rho, 1.0), 2.0 * (0.5 + x / (2.0 * std::sqrt(2.0 + x * x))),
              1e-14);
  EXPECT_DOUBLE_EQ(student_t_tail_dependence(1.0, 4.0), 1.0);
  // Decreasing in ν, tending to the Gaussian's 0.
  EXPECT_GT(student_t_tail_dependence(0.5, 3.0), student_t_tail_dependence(0.5, 30.0));
  EXPECT_LT(student_t_tail_dependence(0.5, 1e4), 1e-20);
}

struct SamplingCase {
  CopulaFamily family;
  const char* name;
};

class CopulaSamplingTest : public ::testing::TestWithParam<SamplingCase> {};

TEST_P(CopulaSamplingTest, ScenariosReproduceFittedTau) {
  // Two dependent assets with skewed margins, then fit, sample and re-measure Kendall's tau.
  Random rng(17);
  const int n = 600;
  Eigen::MatrixXd returns(n, 2);
  for (int t = 0; t < n; ++t) {
    const double common = rng.normal();
    returns(t, 0) = 0.02 * std::exp(0.5 * (common + 0.6 * rng.normal())) - 0.02;
    returns(t, 1) = 0.05 * (common + 0.8 * rng.normal());
  }
  const Result<CopulaFit> fit = fit_copula(returns, CopulaOptions{.family = GetParam().family});
  ASSERT_TRUE(fit.is_ok()) << fit.status().message();
  const double fitted_tau = fit->kendall_tau(0, 1);
  ASSERT_GT(fitted_tau, 0.3);
  const Result<Eigen::MatrixXd> scenarios = sample_scenarios(*fit, returns, 20000, 2024);
  ASSERT_TRUE(scenarios.is_ok()) << scenarios.status().message();
  ASSERT_EQ(scenarios->rows(), 20000);
  // Kendall's tau of the scenarios: sampling s.e. ≈ 0.005 for 20 000 draws; interpolation of the
  // empirical margins is monotone and does not change tau beyond ties.
  EXPECT_NEAR(kendall_tau(scenarios->col(0), scenarios->col(1)), fitted_tau, 0.02);
  // Scenarios stay inside the historical range of each asset.
  for (Eigen::Index j = 0; j < 2; ++j) {
    EXPECT_GE(scenarios->col(j).minCoeff(), returns.col(j).minCoeff());
    EXPECT_LE(scenarios->col(j).maxCoeff(), returns.col(j).maxCoeff());
  }
  // Seeded: identical for the same seed, different for another.
  const Result<Eigen::MatrixXd> again = sample_scenarios(*fit, returns, 20000, 2024);
  EXPECT_TRUE(*again == *scenarios);
  const Result<Eigen::MatrixXd> other = sample_scenarios(*fit, returns, 20000, 2025);
  EXPECT_FALSE(*other == *scenarios);
  // Uniform margins of the copula draws.
  const Result<Eigen::MatrixXd> u = sample_copula(*fit, 20000, 9);
  ASSERT_TRUE(u.is_ok());
  for (Eigen::Index j = 0; j < 2; ++j) {
    EXPECT_NEAR(u->col(j).mean(), 0.5, 0.01);
    EXPECT_GT(u->col(j).minCoeff(), 0.0);
    EXPECT_LT(u->col(j).maxCoeff(), 1.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Families, CopulaSamplingTest,
                         ::testing::Values(SamplingCase{CopulaFamily::kGaussian, "Gaussian"},
                                           SamplingCase{CopulaFamily::kStudentT, "StudentT"},
                                           SamplingCase{CopulaFamily::kClayton, "Clayton"},
                                           SamplingCase{CopulaFamily::kGumbel, "Gumbel"}),
                         [](const ::testing::TestParamInfo<SamplingCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(Copula, ClaytonSamplesShowLowerTailDependence) {
  // Empirical P(U2 < q | U1 < q) at small q approaches λ_L = 2^{−1/θ} for Clayton.
  CopulaFit fit;
  fit.family = CopulaFamily::kClayton;
  fit.theta = 2.0;
  fit.kendall_tau = Eigen::MatrixXd::Identity(2, 2);
  const Result<Eigen::MatrixXd> u = sample_copula(fit, 400000, 1);
  ASSERT_TRUE(u.is_ok());
  const double q = 0.005;
  int both = 0;
  int first = 0;
  for (Eigen::Index s = 0; s < u->rows(); ++s) {
    if ((*u)(s, 0) < q) {
      ++first;
      both += (*u)(s, 1) < q;
    }
  }
  EXPECT_NEAR(static_cast<double>(both) / first, clayton_lower_tail_dependence(2.0), 0.05);
}

TEST(Copula, EigenvalueFloorRepairsAndRecords) {
  // Nearly collinear series (x2 ≈ x1 − x0): the tau-implied correlation has a tiny eigenvalue, so
  // a floor of 0.05 must repair it.
  Random rng(3);
  const int n = 300;
  Eigen::MatrixXd data(n, 3);
  for (int t = 0; t < n; ++t) {
    const double a = rng.normal();
    const double b = rng.normal();
    data(t, 0) = a;
    data(t, 1) = a + b;
    data(t, 2) = b + 0.05 * rng.normal();
  }
  const CopulaOptions options{.eigenvalue_floor = 0.05};
  const Result<CopulaFit> fit = fit_copula(data, options);
  ASSERT_TRUE(fit.is_ok());
  ASSERT_LT(fit->min_eigenvalue_before_repair, 0.05);
  ASSERT_EQ(fit->repairs.size(), 1u);
  EXPECT_NE(fit->repairs[0].find("floor"), std::string::npos);
  const Eigen::VectorXd eigenvalues =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(fit->correlation).eigenvalues();
  // Rescaling to unit diagonal can move the floor by at most the largest diagonal factor.
  EXPECT_GT(eigenvalues.minCoeff(), 0.05 / 1.1);
  EXPECT_TRUE(fit->correlation.diagonal().isOnes(1e-15));
  EXPECT_TRUE(fit->correlation.isApprox(fit->correlation.transpose(), 1e-15));
  // With the default floor (1e-6) the same data need no repair and keep sin(π τ / 2) exactly.
  const Result<CopulaFit> plain = fit_copula(data);
  ASSERT_TRUE(plain.is_ok());
  EXPECT_TRUE(plain->repairs.empty());
  EXPECT_NEAR(plain->correlation(0, 1), elliptical_correlation_from_tau(plain->kendall_tau(0, 1)),
              1e-15);
}

TEST(Copula, RejectsBadInput) {
  Eigen::MatrixXd data = fixture_data("tcopula_data.csv");
  data(12, 1) = std::numeric_limits<double>::quiet_NaN();
  const Result<CopulaFit> nan_fit = fit_copula(data);
  ASSERT_FALSE(nan_fit.is_ok());
  EXPECT_NE(nan_fit.status().message().find("row 12, column 1"), std::string::npos)
      << nan_fit.status().message();
  const Eigen::MatrixXd three = fixture_data("tcopula_data.csv");
  const Result<CopulaFit> clayton3 =
      fit_copula(three, CopulaOptions{.family = CopulaFamily::kClayton});
  ASSERT_FALSE(clayton3.is_ok());
  EXPECT_NE(clayton3.status().message().find("exactly 2"), std::string::npos);
  Eigen::MatrixXd negative(50, 2);
  for (int t = 0; t < 50; ++t) {
    negative(t, 0) = t;
    negative(t, 1) = -t + 0.1 * std::sin(t);
  }
  EXPECT_FALSE(fit_copula(negative, CopulaOptions{.family = CopulaFamily::kClayton}).is_ok());
  EXPECT_FALSE(fit_copula(negative, CopulaOptions{.family = CopulaFamily::kGumbel}).is_ok());
  EXPECT_FALSE(CopulaOptions{.eigenvalue_floor = 0.0}.validate().is_ok());
  const CopulaOptions inverted{.min_degrees_of_freedom = 50, .max_degrees_of_freedom = 10};
  EXPECT_FALSE(inverted.validate().is_ok());
  Eigen::MatrixXd constant = three;
  constant.col(2).setConstant(1.0);
  EXPECT_FALSE(fit_copula(constant).is_ok());
  const Result<CopulaFit> ok = fit_copula(three);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_FALSE(sample_copula(*ok, 0, 1).is_ok());
  EXPECT_FALSE(sample_scenarios(*ok, three.leftCols(2), 10, 1).is_ok());
}

}  // namespace
}  // namespace keel
