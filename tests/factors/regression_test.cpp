// Factor regressions and factor-model covariances against statsmodels and numpy
// (tests/data/factors/make_fixtures.py), and the invariants the exposures promise.
#include "keel/factors/regression.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "keel/core/random.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/factor_covariance.hpp"
#include "keel/factors/exposures.hpp"
#include "support/fixtures.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

using test::fixture_at;
using test::fixture_cases;
using test::fixture_matrix;
using test::fixture_number;
using test::fixture_vector;

const std::string kDir = std::string(KEEL_TEST_DATA_DIR) + "/factors/";

void expect_close(const Eigen::VectorXd& got, const Eigen::VectorXd& want, double tol,
                  const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (Eigen::Index i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got(i), want(i), tol * std::max(1.0, std::abs(want(i))))
        << what << " [" << i << "]";
  }
}

TEST(FactorRegression, MatchesStatsmodels) {
  const auto json = test::read_json_fixture(kDir + "regressions.json");
  const Eigen::MatrixXd x = fixture_matrix(fixture_at(json, "x"), 3, "x");
  const Eigen::VectorXd y = fixture_vector(fixture_at(json, "y"), "y");
  int seen = 0;
  for (const auto& c : fixture_cases(json, "cases")) {
    const std::string name = fixture_at(c, "name").get<std::string>();
    RegressionOptions o;
    auto method = parse_regression_method(fixture_at(c, "method").get<std::string>());
    ASSERT_TRUE(method.is_ok());
    o.method = *method;
    o.intercept = fixture_at(c, "intercept").get<bool>();
    if (o.method == RegressionMethod::kWls)
      o.half_life = fixture_number(fixture_at(c, "half_life"));
    auto fit = regress(x, y, o);
    ASSERT_TRUE(fit.is_ok()) << name << ": " << fit.status().message();
    // Coefficients and standard errors to 1e-10 (relative to max(1, |value|)).
    expect_close(fit->coefficients, fixture_vector(fixture_at(c, "params"), "params"), 1e-10,
                 name + " params");
    expect_close(fit->standard_errors, fixture_vector(fixture_at(c, "bse"), "bse"), 1e-10,
                 name + " bse");
    EXPECT_NEAR(fit->residual_std, fixture_number(fixture_at(c, "residual_std")), 1e-10) << name;
    if (o.method != RegressionMethod::kHuber) {
      EXPECT_NEAR(fit->r_squared, fixture_number(fixture_at(c, "rsquared")), 1e-10) << name;
      EXPECT_NEAR(fit->adjusted_r_squared, fixture_number(fixture_at(c, "rsquared_adj")), 1e-10)
          << name;
    } else {
      EXPECT_TRUE(fit->converged);
      EXPECT_GT(fit->iterations, 2);
    }
    ++seen;
  }
  EXPECT_EQ(seen, 4);
}

TEST(FactorRegression, CollinearFactorsAreNamed) {
  Random rng(5);
  Eigen::MatrixXd x = test::normal_matrix(rng, 100, 3, 0.02);
  x.col(2) = x.col(0) - 2.0 * x.col(1);
  const Eigen::VectorXd y = x.col(0) + test::normal_matrix(rng, 100, 1, 0.01).col(0);
  RegressionOptions o;
  o.names = {"BTC", "ETH", "SPREAD"};
  auto fit = regress(x, y, o);
  ASSERT_FALSE(fit.is_ok());
  const std::string m(fit.status().message());
  EXPECT_NE(m.find("BTC"), std::string::npos) << m;
  EXPECT_NE(m.find("ETH"), std::string::npos) << m;
  EXPECT_NE(m.find("SPREAD"), std::string::npos) << m;
  EXPECT_NE(m.find("collinear"), std::string::npos) << m;
}

TEST(FactorCovariance, GivenFactorsMatchNumpy) {
  const auto json = test::read_json_fixture(kDir + "factor_covariance.json");
  const Eigen::MatrixXd r = fixture_matrix(fixture_at(json, "returns"), 8, "returns");
  const Eigen::MatrixXd f = fixture_matrix(fixture_at(json, "factors"), 3, "factors");
  auto model = fit_factor_model(r, f, {"a", "b", "c"});
  ASSERT_TRUE(model.is_ok()) << model.status().message();
  EXPECT_TRUE(
      model->loadings.isApprox(fixture_matrix(fixture_at(json, "loadings"), 3, "B"), 1e-12));
  EXPECT_TRUE(model->factor_covariance.isApprox(
      fixture_matrix(fixture_at(json, "factor_covariance"), 3, "omega"), 1e-12));
  expect_close(model->specific_variance, fixture_vector(fixture_at(json, "specific_variance"), "D"),
               1e-12, "D");
  const Eigen::MatrixXd want = fixture_matrix(fixture_at(json, "covariance"), 8, "sigma");
  EXPECT_LT((model->covariance() - want).cwiseAbs().maxCoeff(), 1e-14);
  // Through the estimator switch: same matrix, the structure kept, diagonal = sample variances.
  CovarianceOptions o;
  o.method = CovarianceMethod::kFactor;
  o.factor.series.assets = {"a", "b", "c"};
  o.factor.series.values = f;
  auto est = estimate_covariance(r, o);
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  EXPECT_LT((est->covariance - want).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_EQ(est->factor_model.factors.size(), 3u);
  const Eigen::MatrixXd s = test::sample_covariance(r);
  EXPECT_LT((est->covariance.diagonal() - s.diagonal()).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(FactorCovariance, PcaMatchesNumpy) {
  const auto json = test::read_json_fixture(kDir + "factor_covariance.json");
  const Eigen::MatrixXd r = fixture_matrix(fixture_at(json, "returns"), 8, "returns");
  CovarianceOptions o;
  o.method = CovarianceMethod::kFactorPca;
  o.factor.pca_factors = static_cast<int>(fixture_number(fixture_at(json, "pca_factors")));
  auto est = estimate_covariance(r, o);
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  const Eigen::MatrixXd want = fixture_matrix(fixture_at(json, "pca_covariance"), 8, "pca");
  EXPECT_LT((est->covariance - want).cwiseAbs().maxCoeff(), 1e-14);
  expect_close(est->factor_model.eigenvalues,
               fixture_vector(fixture_at(json, "pca_eigenvalues"), "eigenvalues"), 1e-12, "eig");
  // The Marchenko–Pastur rule finds the three planted factors of this fixture's returns... or
  // at least one, and never all eight (there is noise in every asset).
  o.factor.pca_factors = 0;
  auto mp = estimate_covariance(r, o);
  ASSERT_TRUE(mp.is_ok());
  EXPECT_GE(mp->diagnostics.factors, 1);
  EXPECT_LT(mp->diagnostics.factors, 8);
  EXPECT_TRUE(std::isfinite(mp->diagnostics.marchenko_pastur_edge));
}

TEST(FactorCovariance, RiskDecompositionSumsToTotal) {
  Random rng(11);
  const test::FactorModel m{.assets = 12, .factors = 3, .periods = 400, .market_factor = true};
  Eigen::MatrixXd b;
  const Eigen::MatrixXd r = test::factor_returns(rng, m, &b);
  CovarianceOptions o;
  o.method = CovarianceMethod::kFactor;  // one equal-weighted market factor
  auto est = estimate_covariance(r, o);
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  ASSERT_EQ(est->factor_model.factors.front(), "market");
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(12, 1.0 / 12.0);
  auto split = decompose_factor_risk(est->factor_model, w);
  ASSERT_TRUE(split.is_ok());
  EXPECT_NEAR(split->total_variance, w.dot(est->covariance * w), 1e-15);
  EXPECT_NEAR(split->factor_contributions.sum(), split->factor_variance, 1e-16);
  EXPECT_GT(split->factor_variance, 0.5 * split->total_variance);
}

TEST(FactorCovariance, CollinearGivenFactorsRefused) {
  Random rng(3);
  const Eigen::MatrixXd r = test::normal_matrix(rng, 60, 4, 0.02);
  Eigen::MatrixXd f = test::normal_matrix(rng, 60, 2, 0.02);
  f.col(1) = 3.0 * f.col(0);
  auto model = fit_factor_model(r, f, {"btc", "btc3x"});
  ASSERT_FALSE(model.is_ok());
  EXPECT_NE(std::string(model.status().message()).find("btc3x"), std::string::npos);
}

ReturnSeries series(const Eigen::MatrixXd& values, const std::string& prefix) {
  ReturnSeries s;
  s.values = values;
  for (Eigen::Index j = 0; j < values.cols(); ++j) s.assets.push_back(prefix + std::to_string(j));
  for (Eigen::Index t = 0; t < values.rows(); ++t) s.timestamps.push_back(86400 * (19000 + t));
  return s;
}

TEST(Exposures, PortfolioBetaIsWeightedAssetBetasAndRiskSplitIsExact) {
  Random rng(17);
  const test::FactorModel m{.assets = 6, .factors = 2, .periods = 500, .market_factor = true};
  Eigen::MatrixXd b;
  const Eigen::MatrixXd r = test::factor_returns(rng, m, &b);
  const Eigen::MatrixXd f = test::normal_matrix(rng, 500, 2, 0.02) + r.leftCols(2) * 0.5;
  Eigen::VectorXd w(6);
  w << 0.3, 0.2, -0.1, 0.25, 0.15, 0.2;
  ExposureOptions o;
  o.rolling_window = 120;
  auto e = compute_exposures(series(r, "A"), series(f, "F"), w, o);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  // OLS is linear in y: the portfolio's betas are the weighted asset betas.
  const Eigen::VectorXd pb = e->portfolio.coefficients.tail(2);
  EXPECT_LT((pb - e->weighted_betas).cwiseAbs().maxCoeff(), 1e-13);
  // total = factor + residual for OLS with an intercept, and the contributions add up.
  EXPECT_NEAR(e->risk.interaction, 0.0, 1e-14);
  EXPECT_NEAR(e->risk.factor_contributions.sum(), e->risk.factor_variance, 1e-15);
  EXPECT_TRUE((e->lower.array() < pb.array()).all());
  // The last rolling window equals a direct regression on the last 120 rows, asset 3 and the
  // portfolio column.
  const auto last = static_cast<Eigen::Index>(e->rolling.timestamps.size()) - 1;
  ASSERT_EQ(last, 500 - 120);
  auto direct = regress(f.bottomRows(120), r.col(3).tail(120));
  ASSERT_TRUE(direct.is_ok());
  EXPECT_NEAR(e->rolling.betas[0](last, 3), direct->coefficients(1), 1e-12);
  EXPECT_NEAR(e->rolling.betas[1](last, 3), direct->coefficients(2), 1e-12);
  // A middle window too (after sliding updates and a refresh).
  auto mid = regress(f.middleRows(200, 120), r.col(0).segment(200, 120));
  ASSERT_TRUE(mid.is_ok());
  EXPECT_NEAR(e->rolling.betas[0](200, 0), mid->coefficients(1), 1e-12);
  EXPECT_NEAR(e->rolling.betas[0](200, 6), e->rolling.betas[0].row(200).head(6).dot(w), 1e-12);
}

TEST(Exposures, CollinearFactorsDroppedOnRequestWithARepair) {
  Random rng(23);
  const Eigen::MatrixXd r = test::normal_matrix(rng, 200, 3, 0.02);
  Eigen::MatrixXd f = test::normal_matrix(rng, 200, 3, 0.02);
  f.col(2) = f.col(0) + f.col(1);
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(3, 1.0 / 3.0);
  ExposureOptions o;
  o.rolling_window = 0;
  auto refused = compute_exposures(series(r, "A"), series(f, "F"), w, o);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(std::string(refused.status().message()).find("F2"), std::string::npos);
  o.collinear = CollinearPolicy::kDrop;
  auto dropped = compute_exposures(series(r, "A"), series(f, "F"), w, o);
  ASSERT_TRUE(dropped.is_ok()) << dropped.status().message();
  EXPECT_EQ(dropped->factors, (std::vector<std::string>{"F0", "F1"}));
  ASSERT_EQ(dropped->repairs.size(), 1u);
  EXPECT_NE(dropped->repairs[0].find("dropped factor F2"), std::string::npos);
}

}  // namespace
}  // namespace keel
