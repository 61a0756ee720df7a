#include "keel/optimize/hierarchical.hpp"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <random>
#include <set>

#include "optimize/rp_fixtures.hpp"

namespace keel {
namespace {

const char* kMethodNames[] = {"single", "complete", "average", "ward"};
const LinkageMethod kMethods[] = {LinkageMethod::kSingle, LinkageMethod::kComplete,
                                  LinkageMethod::kAverage, LinkageMethod::kWard};

Eigen::MatrixXd correlation_of(const Eigen::MatrixXd& cov) {
  const Eigen::VectorXd inv = cov.diagonal().cwiseSqrt().cwiseInverse();
  return inv.asDiagonal() * cov * inv.asDiagonal();
}

void expect_linkage_equal(const Eigen::MatrixXd& z, const Eigen::MatrixXd& reference,
                          const std::string& what) {
  ASSERT_EQ(z.rows(), reference.rows()) << what;
  ASSERT_EQ(z.cols(), 4) << what;
  for (Eigen::Index r = 0; r < z.rows(); ++r) {
    EXPECT_EQ(z(r, 0), reference(r, 0)) << what << " row " << r;
    EXPECT_EQ(z(r, 1), reference(r, 1)) << what << " row " << r;
    EXPECT_NEAR(z(r, 2), reference(r, 2), 1e-12) << what << " row " << r;
    EXPECT_EQ(z(r, 3), reference(r, 3)) << what << " row " << r;
  }
}

TEST(Linkage, MatchesScipyForAllMethodsAndDistances) {
  const Eigen::MatrixXd cov = test::read_matrix_csv(test::rp_fixture("h30_covariance.csv"));
  ASSERT_EQ(cov.rows(), 30);
  const Eigen::MatrixXd corr = correlation_of(cov);
  for (auto [distance, tag] : {std::pair{ClusterDistance::kEuclideanOfCorrelation, "euclid"},
                               std::pair{ClusterDistance::kCorrelation, "corr"}}) {
    const Eigen::MatrixXd d = cluster_distance(corr, distance);
    for (int m = 0; m < 4; ++m) {
      const std::string name = std::string("h30_linkage_") + kMethodNames[m] + "_" + tag + ".csv";
      auto z = linkage(d, kMethods[m]);
      ASSERT_TRUE(z.is_ok()) << z.status().message();
      expect_linkage_equal(*z, test::read_matrix_csv(test::rp_fixture(name)), name);
    }
  }
}

TEST(Linkage, HandComputedFourPoints) {
  // Points on a line at 0, 1, 3, 7: single merges (0,1)@1, (2,4)@2, (3,5)@4;
  // complete merges (0,1)@1, (2,4)@3, (3,5)@7; average (0,1)@1, (2,4)@2.5, (3,5)@(7+6+4)/3.
  Eigen::VectorXd x(4);
  x << 0, 1, 3, 7;
  Eigen::MatrixXd d(4, 4);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) d(i, j) = std::abs(x[i] - x[j]);
  }
  auto single = linkage(d, LinkageMethod::kSingle);
  auto complete = linkage(d, LinkageMethod::kComplete);
  auto average = linkage(d, LinkageMethod::kAverage);
  ASSERT_TRUE(single.is_ok() && complete.is_ok() && average.is_ok());
  Eigen::MatrixXd expected(3, 4);
  expected << 0, 1, 1, 2, 2, 4, 2, 3, 3, 5, 4, 4;
  expect_linkage_equal(*single, expected, "single");
  expected << 0, 1, 1, 2, 2, 4, 3, 3, 3, 5, 7, 4;
  expect_linkage_equal(*complete, expected, "complete");
  expected << 0, 1, 1, 2, 2, 4, 2.5, 3, 3, 5, 17.0 / 3.0, 4;
  expect_linkage_equal(*average, expected, "average");
  EXPECT_EQ(leaf_order(*single), (std::vector<int>{3, 2, 0, 1}));
}

TEST(Hrp, MatchesNumpyBisectionForAllLinkages) {
  const Eigen::MatrixXd cov = test::read_matrix_csv(test::rp_fixture("h30_covariance.csv"));
  for (auto [distance, tag] : {std::pair{ClusterDistance::kEuclideanOfCorrelation, "euclid"},
                               std::pair{ClusterDistance::kCorrelation, "corr"}}) {
    for (int m = 0; m < 4; ++m) {
      const std::string name = std::string("h30_hrp_") + kMethodNames[m] + "_" + tag + ".csv";
      auto result = hrp(cov, {.linkage = kMethods[m], .distance = distance});
      ASSERT_TRUE(result.is_ok()) << result.status().message();
      ASSERT_EQ(result->status, SolveStatus::kOptimal);
      const Eigen::VectorXd reference = test::read_vector_csv(test::rp_fixture(name));
      EXPECT_LT((result->weights - reference).cwiseAbs().maxCoeff(), 1e-13) << name;
      EXPECT_NEAR(result->weights.sum(), 1.0, 1e-13);
      EXPECT_GT(result->weights.minCoeff(), 0.0);
      EXPECT_EQ(result->linkage_matrix.rows(), 29);
      std::set<int> leaves(result->leaf_order.begin(), result->leaf_order.end());
      EXPECT_EQ(leaves.size(), 30u);
    }
  }
}

TEST(Hrp, PermutationInvariant) {
  const Eigen::MatrixXd cov = test::read_matrix_csv(test::rp_fixture("h30_covariance.csv"));
  const int n = 30;
  std::vector<int> perm(n);
  for (int i = 0; i < n; ++i) perm[i] = (11 * i + 5) % n;
  Eigen::MatrixXd pcov(n, n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) pcov(i, j) = cov(perm[i], perm[j]);
  }
  for (auto method : kMethods) {
    // HERC and NCO depend only on the tree (not on which child is listed first): exactly
    // permutation invariant.
    auto a = herc(cov, {.linkage = method, .clusters = 4});
    auto b = herc(pcov, {.linkage = method, .clusters = 4});
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    for (int i = 0; i < n; ++i) EXPECT_NEAR(b->weights[i], a->weights[perm[i]], 1e-12);
    auto c = nco(cov, {.linkage = method, .clusters = 4});
    auto d = nco(pcov, {.linkage = method, .clusters = 4});
    ASSERT_TRUE(c.is_ok() && d.is_ok());
    for (int i = 0; i < n; ++i) EXPECT_NEAR(d->weights[i], c->weights[perm[i]], 1e-10);
  }
  // HRP bisects the leaf list, whose child order follows scipy's labels (smaller id first), so a
  // relabelling may flip subtrees and move the midpoints: only the tree itself is invariant.
  for (auto method : kMethods) {
    auto a = hrp(cov, {.linkage = method});
    auto b = hrp(pcov, {.linkage = method});
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    EXPECT_LT((a->linkage_matrix.col(2) - b->linkage_matrix.col(2)).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(Herc, MatchesNumpyReference) {
  const Eigen::MatrixXd cov = test::read_matrix_csv(test::rp_fixture("h30_covariance.csv"));
  auto result = herc(cov, {.linkage = LinkageMethod::kWard, .clusters = 4});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_EQ(result->clusters, 4);
  const Eigen::VectorXd reference = test::read_vector_csv(test::rp_fixture("h30_herc_ward_k4.csv"));
  EXPECT_LT((result->weights - reference).cwiseAbs().maxCoeff(), 1e-13);
  EXPECT_NEAR(result->weights.sum(), 1.0, 1e-13);
  // Same partition as scipy's fcluster(Z, 4, "maxclust") (labels may be numbered differently).
  const Eigen::VectorXd fcluster =
      test::read_vector_csv(test::rp_fixture("h30_fcluster_ward_k4.csv"));
  for (int i = 0; i < 30; ++i) {
    for (int j = 0; j < 30; ++j) {
      EXPECT_EQ(result->cluster_labels[i] == result->cluster_labels[j], fcluster[i] == fcluster[j]);
    }
  }
}

TEST(Nco, MatchesNumpyReferenceAndLongOnlyKkt) {
  const Eigen::MatrixXd cov = test::read_matrix_csv(test::rp_fixture("h30_covariance.csv"));
  auto result = nco(cov, {.linkage = LinkageMethod::kWard, .clusters = 4});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  const Eigen::VectorXd reference = test::read_vector_csv(test::rp_fixture("h30_nco_ward_k4.csv"));
  EXPECT_LT((result->weights - reference).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_NEAR(result->weights.sum(), 1.0, 1e-12);
  // One cluster: NCO is the global minimum-variance portfolio.
  auto one = nco(cov, {.clusters = 1});
  ASSERT_TRUE(one.is_ok());
  Eigen::VectorXd gmv = cov.ldlt().solve(Eigen::VectorXd::Ones(30));
  gmv /= gmv.sum();
  EXPECT_LT((one->weights - gmv).cwiseAbs().maxCoeff(), 1e-10);
  // Long-only with one cluster: KKT of min wᵀΣw on the simplex: (Σw)_i = λ where w_i > 0 and
  // (Σw)_i ≥ λ where w_i = 0.
  auto lo = nco(cov, {.clusters = 1, .long_only = true, .tolerance = 1e-14});
  ASSERT_TRUE(lo.is_ok());
  ASSERT_EQ(lo->status, SolveStatus::kOptimal) << lo->message;
  const Eigen::VectorXd g = cov * lo->weights;
  const double lambda = lo->weights.dot(g);
  for (int i = 0; i < 30; ++i) {
    EXPECT_GE(lo->weights[i], 0.0);
    if (lo->weights[i] > 1e-8) {
      EXPECT_NEAR(g[i], lambda, 1e-8 * lambda);
    } else {
      EXPECT_GE(g[i], lambda * (1 - 1e-8));
    }
  }
}

// Planted blocks (within-block correlation 0.6..0.69, across 0.1): the standardised silhouette
// finds the number planted for every linkage. Riskfolio's two-difference gap statistic returns
// 3 for 4 × 4 and 2 for 3 × 5 on the same matrices (tests/reference/
// make_hierarchical_peer_fixtures.py has both rules), and the earlier largest-gap rule returned
// one cluster per asset on real panels.
TEST(Hierarchical, AutomaticClusterCountFindsPlantedBlocks) {
  for (auto [blocks, size] : {std::pair{4, 4}, std::pair{3, 5}, std::pair{2, 8}}) {
    const int n = blocks * size;
    Eigen::MatrixXd corr = Eigen::MatrixXd::Constant(n, n, 0.1);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (i / size == j / size) corr(i, j) = 0.6 + 0.03 * ((i + j) % 4);
      }
    }
    corr.diagonal().setOnes();
    const Eigen::VectorXd vol = Eigen::VectorXd::LinSpaced(n, 0.2, 0.8);
    const Eigen::MatrixXd cov = corr.cwiseProduct(vol * vol.transpose());
    for (LinkageMethod method :
         {LinkageMethod::kSingle, LinkageMethod::kAverage, LinkageMethod::kWard}) {
      auto h = herc(cov, {.linkage = method});
      ASSERT_TRUE(h.is_ok()) << h.status().message();
      EXPECT_EQ(h->clusters, blocks) << blocks << "x" << size;
      for (int i = 0; i < n; ++i) {  // the partition is the planted one
        EXPECT_EQ(h->cluster_labels[i] == h->cluster_labels[0], i / size == 0) << i;
      }
      auto z = linkage(cluster_distance(corr, ClusterDistance::kCorrelation), method);
      ASSERT_TRUE(z.is_ok());
      EXPECT_EQ(silhouette_cluster_count(*z, cluster_distance(corr, ClusterDistance::kCorrelation)),
                blocks);
      // max_clusters caps the search.
      EXPECT_EQ(
          silhouette_cluster_count(*z, cluster_distance(corr, ClusterDistance::kCorrelation), 1),
          1);
    }
  }
}

// Bounds the skfolio / Riskfolio way: every split clipped to its members' bound sums, so the
// answer meets them exactly; the defaults (0..1) change nothing.
TEST(Hierarchical, WeightBoundsHoldForEveryModel) {
  const Eigen::MatrixXd cov = test::read_matrix_csv(test::rp_fixture("h30_covariance.csv"));
  ASSERT_EQ(cov.rows(), 30);
  const Eigen::VectorXd lower = Eigen::VectorXd::Constant(30, 0.01);
  Eigen::VectorXd upper = Eigen::VectorXd::Constant(30, 0.05);
  upper.head(5).setConstant(0.04);
  for (LinkageMethod method : kMethods) {
    HierarchicalOptions free{.linkage = method, .long_only = true};
    HierarchicalOptions bounded = free;
    bounded.lower_bounds = lower;
    bounded.upper_bounds = upper;
    HierarchicalOptions defaults = free;
    defaults.lower_bounds = Eigen::VectorXd::Zero(30);
    defaults.upper_bounds = Eigen::VectorXd::Ones(30);
    for (const char* model : {"hrp", "herc", "nco"}) {
      auto run = [&](const HierarchicalOptions& o) {
        return std::string(model) == "hrp"    ? hrp(cov, o)
               : std::string(model) == "herc" ? herc(cov, o)
                                              : nco(cov, o);
      };
      auto a = run(free), b = run(bounded), c = run(defaults);
      ASSERT_TRUE(a.is_ok() && b.is_ok() && c.is_ok()) << model;
      ASSERT_TRUE(b->is_usable()) << model << ": " << b->message;
      EXPECT_NEAR(b->weights.sum(), 1.0, 1e-12) << model;
      EXPECT_GE((b->weights - lower).minCoeff(), -1e-12) << model;
      EXPECT_LE((b->weights - upper).maxCoeff(), 1e-12) << model;
      EXPECT_TRUE((a->weights - upper).maxCoeff() > 1e-3 || (lower - a->weights).maxCoeff() > 1e-3)
          << model;  // the bounds bind
      EXPECT_LT((a->weights - c->weights).cwiseAbs().maxCoeff(), 1e-12) << model;
    }
  }
  // No weights within caps of 0.03 on 30 assets sum to 1: infeasible, saying why.
  HierarchicalOptions tight{.long_only = true};
  tight.upper_bounds = Eigen::VectorXd::Constant(30, 0.03);
  for (auto result : {hrp(cov, tight), herc(cov, tight), nco(cov, tight)}) {
    ASSERT_TRUE(result.is_ok());
    EXPECT_EQ(result->status, SolveStatus::kInfeasible);
    EXPECT_NE(result->message.find("upper bounds add up to 0.9"), std::string::npos)
        << result->message;
  }
  HierarchicalOptions shorting{.long_only = true};
  shorting.lower_bounds = Eigen::VectorXd::Constant(30, -0.1);
  EXPECT_FALSE(hrp(cov, shorting).is_ok());
  HierarchicalOptions closed_form;  // NCO's closed form can short: bounds need long_only
  closed_form.upper_bounds = upper;
  EXPECT_FALSE(nco(cov, closed_form).is_ok());
}

TEST(Hierarchical, ClusterCountEdgeCases) {
  // Two well separated blocks of 3 assets: k = 2 (⌊√6⌋ = 2 is the only candidate).
  Eigen::MatrixXd corr = Eigen::MatrixXd::Constant(6, 6, 0.05);
  corr.topLeftCorner(3, 3).setConstant(0.9);
  corr.bottomRightCorner(3, 3).setConstant(0.85);
  corr.diagonal().setOnes();
  Eigen::VectorXd vol = Eigen::VectorXd::LinSpaced(6, 0.1, 0.6);
  const Eigen::MatrixXd cov = corr.cwiseProduct(vol * vol.transpose());
  auto result = herc(cov, {.linkage = LinkageMethod::kAverage});
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->clusters, 2);
  EXPECT_EQ(result->cluster_labels[0], result->cluster_labels[2]);
  EXPECT_NE(result->cluster_labels[0], result->cluster_labels[3]);
  auto single_asset = hrp(Eigen::MatrixXd::Constant(1, 1, 0.04));
  ASSERT_TRUE(single_asset.is_ok());
  EXPECT_DOUBLE_EQ(single_asset->weights[0], 1.0);
  EXPECT_FALSE(herc(cov, {.clusters = 7}).is_ok());
  Eigen::MatrixXd bad = cov;
  bad(1, 1) = 0.0;
  EXPECT_FALSE(hrp(bad).is_ok());
}

}  // namespace
}  // namespace keel
