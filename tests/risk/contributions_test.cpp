// Euler contributions: components sum to the total, totals equal the univariate measures of the
// portfolio series, marginals match finite differences, and volatility matches wᵀΣw.

#include "keel/risk/contributions.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <random>

#include "keel/risk/measures.hpp"
#include "keel/risk/var.hpp"
#include "keel/risk/variance_contributions.hpp"

namespace keel {
namespace {

Eigen::MatrixXd returns(std::uint32_t seed, Eigen::Index t, Eigen::Index n) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> heavy(4.0);
  Eigen::MatrixXd r(t, n);
  for (Eigen::Index i = 0; i < t; ++i) {
    const double market = 0.02 * heavy(rng);
    for (Eigen::Index j = 0; j < n; ++j) r(i, j) = (0.5 + 0.1 * j) * market + 0.01 * heavy(rng);
  }
  return r;
}

constexpr ContributionMeasure kAll[] = {
    ContributionMeasure::kVolatility, ContributionMeasure::kGaussianVar,
    ContributionMeasure::kGaussianEs, ContributionMeasure::kModifiedVar,
    ContributionMeasure::kModifiedEs, ContributionMeasure::kHistoricalCvar};

TEST(Contributions, ComponentsSumToTotalAndTotalsMatchUnivariateMeasures) {
  const Eigen::MatrixXd r = returns(9, 700, 6);
  Eigen::VectorXd w(6);
  w << 0.3, 0.25, -0.1, 0.2, 0.15, 0.2;
  const Eigen::VectorXd p = r * w;
  for (bool population : {false, true}) {
    for (ContributionMeasure m : kAll) {
      const ContributionOptions o{
          .measure = m, .confidence = 0.975, .population_moments = population};
      auto c = risk_contributions(r, w, o);
      ASSERT_TRUE(c.is_ok()) << c.status().message();
      EXPECT_NEAR(c->component.sum(), c->total, 1e-14) << to_string(m);
      EXPECT_NEAR(c->percent.sum(), 1.0, 1e-12) << to_string(m);
      EXPECT_NEAR(c->component.cwiseQuotient(w).maxCoeff(), c->marginal.maxCoeff(), 1e-12);
      double univariate = 0.0;
      const VarOptions v{.confidence = 0.975, .population_moments = population};
      switch (m) {
        case ContributionMeasure::kVolatility: {
          auto mo = sample_moments(p);
          univariate = population ? mo->population_stddev : mo->stddev;
          break;
        }
        case ContributionMeasure::kGaussianVar:
        case ContributionMeasure::kGaussianEs: {
          auto g = value_at_risk(p, {.method = VarMethod::kGaussian,
                                     .confidence = v.confidence,
                                     .population_moments = population});
          univariate = m == ContributionMeasure::kGaussianVar ? g->var : g->es;
          break;
        }
        case ContributionMeasure::kModifiedVar:
        case ContributionMeasure::kModifiedEs: {
          auto g = value_at_risk(p, {.method = VarMethod::kCornishFisher,
                                     .confidence = v.confidence,
                                     .population_moments = population});
          univariate = m == ContributionMeasure::kModifiedVar ? g->var : g->es;
          break;
        }
        case ContributionMeasure::kHistoricalCvar:
          univariate = value_at_risk(p, {.confidence = v.confidence})->es;
          break;
      }
      EXPECT_NEAR(c->total, univariate, 1e-13 * std::abs(univariate)) << to_string(m);
    }
  }
}

TEST(Contributions, MarginalsMatchCentralFiniteDifferences) {
  const Eigen::MatrixXd r = returns(21, 500, 4);
  Eigen::VectorXd w(4);
  w << 0.4, 0.3, 0.2, 0.1;
  for (ContributionMeasure m : kAll) {
    if (m == ContributionMeasure::kHistoricalCvar) continue;  // piecewise linear
    const ContributionOptions o{.measure = m, .confidence = 0.95};
    auto c = risk_contributions(r, w, o);
    ASSERT_TRUE(c.is_ok());
    for (Eigen::Index i = 0; i < 4; ++i) {
      const double h = 1e-6;
      Eigen::VectorXd up = w, dn = w;
      up[i] += h;
      dn[i] -= h;
      const double fd =
          (risk_contributions(r, up, o)->total - risk_contributions(r, dn, o)->total) / (2 * h);
      EXPECT_NEAR(c->marginal[i], fd, 1e-7) << to_string(m) << " asset " << i;
    }
  }
}

TEST(Contributions, VolatilityMatchesCovarianceForm) {
  const Eigen::MatrixXd r = returns(4, 300, 3);
  const Eigen::Vector3d w(0.5, 0.3, 0.2);
  const Eigen::MatrixXd x = r.rowwise() - r.colwise().mean();
  const Eigen::MatrixXd cov = x.transpose() * x / (r.rows() - 1.0);
  const double sigma = std::sqrt(w.dot(cov * w));
  auto c = risk_contributions(r, w, {});
  ASSERT_TRUE(c.is_ok());
  EXPECT_NEAR(c->total, sigma, 1e-15);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(c->component[i], w[i] * (cov * w)[i] / sigma, 1e-15);
}

TEST(Contributions, HistoricalCvarIsTheTailAverageOfAssetReturns) {
  Eigen::MatrixXd r(10, 2);
  for (int t = 0; t < 10; ++t) {
    r(t, 0) = 0.01 * (t - 4);
    r(t, 1) = 0.005 * ((t * 7) % 10 - 5);
  }
  const Eigen::Vector2d w(0.55, 0.45);  // no ties among the worst rows
  // α = 0.8 → m = 2: the two worst portfolio rows carry the tail.
  auto c = risk_contributions(r, w,
                              {.measure = ContributionMeasure::kHistoricalCvar, .confidence = 0.8});
  ASSERT_TRUE(c.is_ok());
  const Eigen::VectorXd p = r * w;
  Eigen::Index worst = 0, second = 0;
  p.minCoeff(&worst);
  double best = 1e9;
  for (Eigen::Index t = 0; t < 10; ++t) {
    if (t != worst && p[t] < best) {
      best = p[t];
      second = t;
    }
  }
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(c->marginal[i], -(r(worst, i) + r(second, i)) / 2, 1e-16);
  }
}

TEST(Contributions, RejectsZeroVarianceAndBadShapes) {
  const Eigen::MatrixXd r = returns(1, 50, 3);
  EXPECT_FALSE(risk_contributions(r, Eigen::VectorXd::Zero(3),
                                  {.measure = ContributionMeasure::kGaussianVar})
                   .is_ok());
  EXPECT_FALSE(risk_contributions(r, Eigen::VectorXd::Ones(2), {}).is_ok());
  EXPECT_FALSE(risk_contributions(r, Eigen::VectorXd::Ones(3), {.confidence = 0.0}).is_ok());
}

TEST(VarianceContributions, TwoAssetClosedForm) {
  // σ = (0.2, 0.3), ρ = 0.5, w = (0.6, 0.4): Σw = (0.036, 0.054), components 0.0216 each,
  // wᵀΣw = 0.0432, so each asset carries half the volatility (worked by hand).
  Eigen::Matrix2d cov;
  cov << 0.04, 0.03, 0.03, 0.09;
  const Eigen::Vector2d w(0.6, 0.4);
  auto c = variance_contributions(w, cov);
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_NEAR(c->sigma_w[0], 0.036, 1e-16);
  EXPECT_NEAR(c->sigma_w[1], 0.054, 1e-16);
  EXPECT_NEAR(c->component[0], 0.0216, 1e-16);
  EXPECT_NEAR(c->component[1], 0.0216, 1e-16);
  EXPECT_NEAR(c->variance, 0.0432, 1e-16);
  EXPECT_NEAR(c->percent[0], 0.5, 1e-15);
  EXPECT_NEAR(c->percent[1], 0.5, 1e-15);
}

TEST(VarianceContributions, PercentEqualsTheReturnFormVolatilityShares) {
  const Eigen::MatrixXd r = returns(4, 300, 3);
  const Eigen::Vector3d w(0.5, 0.3, 0.2);
  const Eigen::MatrixXd x = r.rowwise() - r.colwise().mean();
  const Eigen::MatrixXd cov = x.transpose() * x / (r.rows() - 1.0);
  auto from_cov = variance_contributions(w, cov);
  auto from_returns = risk_contributions(r, w, {});
  ASSERT_TRUE(from_cov.is_ok() && from_returns.is_ok());
  EXPECT_NEAR(from_cov->variance, from_returns->total * from_returns->total, 1e-15);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(from_cov->percent[i], from_returns->percent[i], 1e-12);
}

TEST(VarianceContributions, ZeroVarianceGivesNanSharesAndBadSizesAreRejected) {
  const Eigen::Matrix2d cov = Eigen::Matrix2d::Identity();
  auto zero = variance_contributions(Eigen::Vector2d::Zero(), cov);
  ASSERT_TRUE(zero.is_ok());
  EXPECT_EQ(zero->variance, 0.0);
  EXPECT_TRUE(zero->percent.array().isNaN().all());
  auto bad = variance_contributions(Eigen::Vector3d::Ones(), cov);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("3 weights for a 2 x 2 covariance"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace keel
