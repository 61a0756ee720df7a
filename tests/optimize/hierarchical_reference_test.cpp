// HRP on PyPortfolioOpt's test data (../shared/data/reference/pyportfolioopt/stock_prices.csv) with
// PyPortfolioOpt's conventions: pct_change returns, pandas' pairwise-complete covariance and
// correlation, linkage directly on the correlation distance. Expected values come from
// tests/reference/make_rp_fixtures.py (scipy linkage + numpy bisection), which itself asserts
// PyPortfolioOpt's published test_portfolio_performance and test_quasi_dag values.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "keel/estimate/covariance.hpp"
#include "keel/optimize/hierarchical.hpp"
#include "optimize/rp_fixtures.hpp"

namespace keel {
namespace {

class HrpPyPortfolioOpt : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path =
        std::string(KEEL_SHARED_DATA_DIR) + "/reference/pyportfolioopt/stock_prices.csv";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not found: " << path;
    const auto prices = test::read_wide_prices(path);
    returns_ = test::pct_change(prices.prices);
    test::pairwise_moments(returns_, cov_, corr_);
    std::ifstream in(test::rp_fixture("pypfopt_stock_prices.json"));
    fixture_ = nlohmann::json::parse(in);
  }
  Eigen::MatrixXd returns_, cov_, corr_;
  nlohmann::json fixture_;
};

TEST_F(HrpPyPortfolioOpt, SingleLinkageReproducesPublishedPerformance) {
  auto result = hrp(cov_, corr_,
                    {.linkage = LinkageMethod::kSingle, .distance = ClusterDistance::kCorrelation});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  const auto& ref = fixture_["hrp_single_corr"];
  const std::vector<int> order = ref["leaf_order"];
  EXPECT_EQ(result->leaf_order, order);
  EXPECT_EQ(std::vector<int>(order.begin(), order.begin() + 5),
            (std::vector<int>{12, 6, 15, 14, 2}));
  const std::vector<double> w = ref["weights"];
  for (int i = 0; i < 20; ++i) EXPECT_NEAR(result->weights[i], w[i], 1e-12);
  // PyPortfolioOpt tests/test_hrp.py::test_portfolio_performance: mean × 252, cov × 252, rf 0.02.
  Eigen::VectorXd mu(20);
  for (int i = 0; i < 20; ++i) {
    double s = 0;
    int m = 0;
    for (Eigen::Index t = 0; t < returns_.rows(); ++t) {
      if (!std::isnan(returns_(t, i))) {
        s += returns_(t, i);
        ++m;
      }
    }
    mu[i] = 252.0 * s / m;
  }
  const double ret = result->weights.dot(mu);
  const double vol = std::sqrt(result->weights.dot(252.0 * cov_ * result->weights));
  EXPECT_NEAR(ret, 0.21353402380950973, 1e-7 * 0.2135);
  EXPECT_NEAR(vol, 0.17844159743748936, 1e-7 * 0.178);
  EXPECT_NEAR((ret - 0.02) / vol, 1.084579081272277, 1e-7);
}

// PyPortfolioOpt's published HRP weights (tests/resources/weights_hrp.csv, compared by its
// tests/test_hrp.py::test_hrp_portfolio with HRPOpt(returns).optimize(), single linkage), in the
// column order of stock_prices.csv.
TEST_F(HrpPyPortfolioOpt, SingleLinkageReproducesPublishedWeightsFile) {
  const double published[20] = {
      0.04956008428992926,  0.022258941278778387, 0.06272994714663536,  0.07963382071794088,
      0.016086842079874982, 0.05519063444162851,  0.022294021796692116, 0.10569551148587902,
      0.014409222455552267, 0.055576660241857236, 0.11138956508836473,  0.027115909570750083,
      0.027113184241298872, 0.11175337115721229,  0.03161528695094598,  0.03406419438245041,
      0.038127373497320226, 0.07786528342813452,  0.017675709092515715, 0.039844436656239136};
  auto result = hrp(cov_, corr_,
                    {.linkage = LinkageMethod::kSingle, .distance = ClusterDistance::kCorrelation});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  for (int i = 0; i < 20; ++i) EXPECT_NEAR(result->weights[i], published[i], 1e-14) << i;
}

// The library's pairwise_correlation is pandas' DataFrame.corr() (the correlation the published
// weights need), not the correlation of the pairwise covariance.
TEST_F(HrpPyPortfolioOpt, PairwiseCorrelationIsPandasCorr) {
  auto corr = pairwise_correlation(returns_);
  ASSERT_TRUE(corr.is_ok()) << corr.status().message();
  EXPECT_LT((*corr - corr_).cwiseAbs().maxCoeff(), 1e-14);
  auto derived = covariance_to_correlation(cov_);
  ASSERT_TRUE(derived.is_ok());
  EXPECT_GT((*derived - corr_).cwiseAbs().maxCoeff(), 1e-3);  // ragged starts: they differ
}

// skfolio's bounded recursive bisection (min/max weights clip every split), written out in numpy
// by tests/reference/make_hierarchical_peer_fixtures.py: one cap for every asset, a floor and a
// cap, and per-asset bounds.
TEST_F(HrpPyPortfolioOpt, BoundedBisectionMatchesSkfolioAlgorithm) {
  std::ifstream in(test::rp_fixture("bounded_hrp.json"));
  const auto fixture = nlohmann::json::parse(in);
  for (const auto& [name, c] : fixture["cases"].items()) {
    const std::vector<double> lower = c["lower"], upper = c["upper"], expected = c["weights"];
    HierarchicalOptions options{.linkage = LinkageMethod::kSingle,
                                .distance = ClusterDistance::kCorrelation};
    options.lower_bounds = Eigen::Map<const Eigen::VectorXd>(lower.data(), 20);
    options.upper_bounds = Eigen::Map<const Eigen::VectorXd>(upper.data(), 20);
    auto result = hrp(cov_, corr_, options);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    ASSERT_TRUE(result->is_usable()) << name << ": " << result->message;
    for (int i = 0; i < 20; ++i) EXPECT_NEAR(result->weights[i], expected[i], 1e-12) << name;
    EXPECT_NEAR(result->weights.sum(), 1.0, 1e-12) << name;
    EXPECT_GE((result->weights - options.lower_bounds).minCoeff(), -1e-12) << name;
    EXPECT_LE((result->weights - options.upper_bounds).maxCoeff(), 1e-12) << name;
  }
}

TEST_F(HrpPyPortfolioOpt, AllLinkagesAndDistancesMatchScipy) {
  const char* names[] = {"single", "complete", "average", "ward"};
  const LinkageMethod methods[] = {LinkageMethod::kSingle, LinkageMethod::kComplete,
                                   LinkageMethod::kAverage, LinkageMethod::kWard};
  for (int m = 0; m < 4; ++m) {
    for (auto [distance, tag] : {std::pair{ClusterDistance::kEuclideanOfCorrelation, "euclid"},
                                 std::pair{ClusterDistance::kCorrelation, "corr"}}) {
      const std::string key = std::string("hrp_") + names[m] + "_" + tag;
      auto result = hrp(cov_, corr_, {.linkage = methods[m], .distance = distance});
      ASSERT_TRUE(result.is_ok()) << result.status().message();
      const auto& ref = fixture_[key];
      const std::vector<std::vector<double>> z = ref["linkage"];
      for (int r = 0; r < 19; ++r) {
        EXPECT_EQ(result->linkage_matrix(r, 0), z[r][0]) << key << " row " << r;
        EXPECT_EQ(result->linkage_matrix(r, 1), z[r][1]) << key << " row " << r;
        EXPECT_NEAR(result->linkage_matrix(r, 2), z[r][2], 1e-12) << key;
        EXPECT_EQ(result->linkage_matrix(r, 3), z[r][3]) << key;
      }
      const std::vector<double> w = ref["weights"];
      for (int i = 0; i < 20; ++i) EXPECT_NEAR(result->weights[i], w[i], 1e-12) << key;
      EXPECT_NEAR(result->weights.sum(), 1.0, 1e-13);
      EXPECT_GT(result->weights.minCoeff(), 0.0);
    }
  }
}

}  // namespace
}  // namespace keel
