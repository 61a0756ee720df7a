#include "keel/estimate/psd.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <random>

#include "support/random_problems.hpp"

namespace keel {
namespace {

Eigen::MatrixXd indefinite() {
  Eigen::MatrixXd a(4, 4);
  a << 1.0, 0.9, 0.7, -0.2,  //
      0.9, 1.0, -0.4, 0.3,   //
      0.7, -0.4, 1.0, 0.8,   //
      -0.2, 0.3, 0.8, 1.0;
  return a;
}

Eigen::VectorXd eigenvalues(const Eigen::MatrixXd& m) {
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly).eigenvalues();
}

TEST(CheckPsd, DetectsNegativeEigenvalueWithTolerance) {
  auto bad = check_psd(indefinite());
  ASSERT_TRUE(bad.is_ok());
  EXPECT_FALSE(bad->is_psd);
  EXPECT_NEAR(bad->min_eigenvalue, eigenvalues(indefinite())(0), 1e-14);

  Eigen::MatrixXd nearly = Eigen::MatrixXd::Identity(3, 3);
  nearly(2, 2) = -1e-14;  // within 1e-12 × λmax
  EXPECT_TRUE(check_psd(nearly)->is_psd);
  EXPECT_FALSE(check_psd(nearly, 0.0)->is_psd);
  EXPECT_FALSE(check_psd(Eigen::MatrixXd(2, 3)).is_ok());
}

TEST(ClipEigenvalues, IsTheFrobeniusProjectionAndCanKeepTheDiagonal) {
  const Eigen::MatrixXd a = indefinite();
  auto clipped = clip_eigenvalues(a, {.floor = 1e-3});
  ASSERT_TRUE(clipped.is_ok());
  EXPECT_NEAR(eigenvalues(*clipped)(0), 1e-3, 1e-12);
  // Eigenvalues already above the floor are unchanged.
  const Eigen::VectorXd before = eigenvalues(a), after = eigenvalues(*clipped);
  EXPECT_NEAR(after(3), before(3), 1e-12);

  auto kept = clip_eigenvalues(a, {.floor = 1e-3, .preserve_diagonal = true});
  ASSERT_TRUE(kept.is_ok());
  EXPECT_LT((kept->diagonal() - a.diagonal()).norm(), 1e-14);
  EXPECT_GT(eigenvalues(*kept)(0), 0.0);
}

TEST(NearestCorrelation, HighamPaperExample) {
  // Higham (2002) section 4: A = [1 1 0; 1 1 1; 0 1 1] has nearest correlation matrix
  // [1 0.7607 0.1573; 0.7607 1 0.7607; 0.1573 0.7607 1] (four digits printed in the paper).
  Eigen::MatrixXd a(3, 3);
  a << 1, 1, 0, 1, 1, 1, 0, 1, 1;
  auto r = nearest_correlation(a, {.tolerance = 1e-12, .max_iterations = 10000});
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->converged);
  EXPECT_NEAR(r->correlation(0, 1), 0.7607, 5e-5);
  EXPECT_NEAR(r->correlation(0, 2), 0.1573, 5e-5);
  EXPECT_NEAR(r->correlation(1, 2), 0.7607, 5e-5);
  EXPECT_GE(eigenvalues(r->correlation)(0), -1e-10);
}

TEST(NearestCorrelation, SatisfiesTheProjectionOptimalityCondition) {
  // X* is the projection of A onto the convex set of correlation matrices iff
  // <A − X*, Z − X*> ≤ 0 for every correlation matrix Z.
  const Eigen::MatrixXd a = indefinite();
  auto r = nearest_correlation(a, {.tolerance = 1e-13, .max_iterations = 100000});
  ASSERT_TRUE(r.is_ok());
  ASSERT_TRUE(r->converged);
  const Eigen::MatrixXd& x = r->correlation;
  EXPECT_LT((x.diagonal().array() - 1.0).abs().maxCoeff(), 1e-15);
  EXPECT_GE(eigenvalues(x)(0), -1e-9);
  Random rng(5);
  for (int k = 0; k < 200; ++k) {
    const Eigen::MatrixXd z = test::random_correlation(rng, 4);
    EXPECT_LE(((a - x).array() * (z - x).array()).sum(), 1e-8) << "trial " << k;
  }
  // And it is no farther than the naive repair (clip + rescale), which is feasible.
  auto naive = clip_eigenvalues(a, {.floor = 0.0, .preserve_diagonal = true});
  ASSERT_TRUE(naive.is_ok());
  EXPECT_LE(r->frobenius_distance, (*naive - a).norm() + 1e-12);
}

TEST(NearestCorrelation, CorrelationMatrixIsAFixedPoint) {
  Random rng(6);
  const Eigen::MatrixXd c = test::random_correlation(rng, 6);
  auto r = nearest_correlation(c);
  ASSERT_TRUE(r.is_ok());
  EXPECT_LT((r->correlation - c).norm(), 1e-12);
  EXPECT_LE(r->iterations, 2);
}

TEST(PyPortfolioOptFix, LeavesPsdUntouchedAndZeroesNegativeEigenvalues) {
  const Eigen::MatrixXd good = Eigen::MatrixXd::Identity(3, 3) * 2.0;
  bool changed = true;
  EXPECT_EQ(fix_nonpositive_semidefinite_pyportfolioopt(good, &changed), good);
  EXPECT_FALSE(changed);
  const Eigen::MatrixXd fixed = fix_nonpositive_semidefinite_pyportfolioopt(indefinite(), &changed);
  EXPECT_TRUE(changed);
  EXPECT_NEAR(eigenvalues(fixed)(0), 0.0, 1e-14);
  EXPECT_TRUE(is_psd_pyportfolioopt(good));
  EXPECT_FALSE(is_psd_pyportfolioopt(indefinite()));
}

TEST(RepairPsd, NamesAndParsing) {
  for (PsdRepair r :
       {PsdRepair::kNone, PsdRepair::kClip, PsdRepair::kHigham, PsdRepair::kPyPortfolioOpt}) {
    auto parsed = parse_psd_repair(to_string(r));
    ASSERT_TRUE(parsed.is_ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_FALSE(parse_psd_repair("spectral").is_ok());
}

TEST(RepairPsd, HighamKeepsVariancesAndReportsTheRepair) {
  const Eigen::VectorXd vol = (Eigen::VectorXd(4) << 0.1, 0.5, 0.02, 1.0).finished();
  const Eigen::MatrixXd cov = vol.asDiagonal() * indefinite() * vol.asDiagonal();
  auto out = repair_psd(cov, {.method = PsdRepair::kHigham});
  ASSERT_TRUE(out.is_ok()) << out.status().message();
  EXPECT_FALSE(out->repair.empty());
  EXPECT_LT((out->matrix.diagonal() - cov.diagonal()).norm(), 1e-15);
  EXPECT_GE(eigenvalues(out->matrix)(0), -1e-12);
  auto none = repair_psd(cov, {});
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->repair.empty());
  EXPECT_EQ(none->matrix, cov);
}

}  // namespace
}  // namespace keel
