#include "keel/estimate/diagnostics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace keel {
namespace {

TEST(EigenSummary, DiagonalMatrixClosedForms) {
  const Eigen::VectorXd d = (Eigen::VectorXd(6) << 1.0, 4.0, 2.0, 0.5, 1.5, 1.0).finished();
  auto s = eigen_summary(d.asDiagonal().toDenseMatrix());
  ASSERT_TRUE(s.is_ok());
  const Eigen::VectorXd expected = (Eigen::VectorXd(6) << 4.0, 2.0, 1.5, 1.0, 1.0, 0.5).finished();
  EXPECT_LT((s->eigenvalues - expected).norm(), 1e-14);
  EXPECT_NEAR(s->explained_variance_ratio.sum(), 1.0, 1e-15);
  EXPECT_EQ(s->absorption_components, 2);  // ceil(6/5)
  EXPECT_NEAR(s->absorption_ratio, 6.0 / 10.0, 1e-15);
  EXPECT_NEAR(s->condition_number, 8.0, 1e-12);
  EXPECT_EQ(s->rank, 6);
  // Eigenvector k pairs with eigenvalue k.
  const Eigen::MatrixXd m = d.asDiagonal();
  for (int k = 0; k < 6; ++k) {
    EXPECT_LT((m * s->eigenvectors.col(k) - s->eigenvalues(k) * s->eigenvectors.col(k)).norm(),
              1e-13);
  }
}

TEST(EigenSummary, SingularMatrixHasInfiniteConditionAndLowerRank) {
  Eigen::VectorXd v(3);
  v << 1.0, 2.0, 3.0;
  auto s = eigen_summary(v * v.transpose(), {.absorption_components = 1});
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->rank, 1);
  EXPECT_TRUE(std::isinf(s->condition_number));
  EXPECT_NEAR(s->absorption_ratio, 1.0, 1e-14);
  EXPECT_FALSE(eigen_summary(v * v.transpose(), {.absorption_components = 4}).is_ok());
}

TEST(EffectiveNumberOfBets, ClosedForms) {
  // Uncorrelated equal-variance assets, equal weights: N bets.
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(5, 5);
  auto enb = effective_number_of_bets(Eigen::VectorXd::Constant(5, 0.2), eye);
  ASSERT_TRUE(enb.is_ok());
  EXPECT_NEAR(*enb, 5.0, 1e-12);
  // A single asset: one bet.
  Eigen::VectorXd w = Eigen::VectorXd::Zero(5);
  w(2) = 1.0;
  EXPECT_NEAR(*effective_number_of_bets(w, eye), 1.0, 1e-12);
  // Diagonal covariance, weights with variance shares 3/4 and 1/4: exp(entropy).
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(2, 2);
  cov(0, 0) = 3.0;
  cov(1, 1) = 1.0;
  const double p = 0.75;
  EXPECT_NEAR(*effective_number_of_bets(Eigen::Vector2d(1.0, 1.0), cov),
              std::exp(-(p * std::log(p) + (1 - p) * std::log(1 - p))), 1e-12);
  // Perfectly correlated assets: one bet whatever the weights.
  Eigen::MatrixXd one = Eigen::MatrixXd::Constant(3, 3, 0.04);
  EXPECT_NEAR(*effective_number_of_bets(Eigen::Vector3d(0.2, 0.3, 0.5), one), 1.0, 1e-9);
  EXPECT_FALSE(effective_number_of_bets(Eigen::Vector2d(1.0, 1.0), eye).is_ok());
}

TEST(DiversificationRatio, ClosedForms) {
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(4, 4) * 0.04;
  // Equal weights, uncorrelated, equal vol: sqrt(N).
  EXPECT_NEAR(*diversification_ratio(Eigen::VectorXd::Constant(4, 0.25), eye), 2.0, 1e-12);
  // Perfect correlation: 1.
  Eigen::MatrixXd one = Eigen::MatrixXd::Constant(4, 4, 0.04);
  EXPECT_NEAR(*diversification_ratio(Eigen::VectorXd::Constant(4, 0.25), one), 1.0, 1e-12);
  EXPECT_FALSE(diversification_ratio(Eigen::VectorXd::Zero(4), eye).is_ok());
}

}  // namespace
}  // namespace keel
