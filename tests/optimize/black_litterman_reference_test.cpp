// Black–Litterman on PyPortfolioOpt's test data: the market-implied prior and risk aversion against
// PyPortfolioOpt's published test values, and posteriors against the explicit-inverse numpy
// computation in tests/reference/make_rp_fixtures.py.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "keel/optimize/black_litterman.hpp"
#include "optimize/rp_fixtures.hpp"

namespace keel {
namespace {

class BlackLittermanPyPortfolioOpt : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = std::string(KEEL_SHARED_DATA_DIR) + "/reference/pyportfolioopt/";
    if (!std::filesystem::exists(dir + "stock_prices.csv")) {
      GTEST_SKIP() << "shared data not found: " << dir;
    }
    const auto prices = test::read_wide_prices(dir + "stock_prices.csv");
    assets_ = prices.assets;
    Eigen::MatrixXd corr;
    test::pairwise_moments(test::pct_change(prices.prices), cov_, corr);
    cov_ *= 252.0;
    const auto spy = test::read_wide_prices(dir + "spy_prices.csv");
    spy_returns_ = test::pct_change(spy.prices).col(0);
    std::ifstream in(test::rp_fixture("pypfopt_stock_prices.json"));
    fixture_ = nlohmann::json::parse(in)["black_litterman"];
  }
  std::vector<std::string> assets_;
  Eigen::MatrixXd cov_;
  Eigen::VectorXd spy_returns_;
  nlohmann::json fixture_;
};

TEST_F(BlackLittermanPyPortfolioOpt, MarketImpliedPriorMatchesPublishedValues) {
  auto delta = market_implied_risk_aversion(spy_returns_, 252.0, 0.02);
  ASSERT_TRUE(delta.is_ok());
  EXPECT_NEAR(*delta, 2.68549, 5e-6);  // test_market_risk_aversion
  Eigen::VectorXd caps(20);
  caps << 927e9, 1.19e12, 574e9, 533e9, 867e9, 96e9, 43e9, 339e9, 301e9, 51e9, 61e9, 78e9, 0, 295e9,
      1e9, 22e9, 288e9, 212e9, 422e9, 102e9;
  auto pi = market_implied_prior_returns(cov_, caps, *delta, 0.02);
  ASSERT_TRUE(pi.is_ok());
  // PyPortfolioOpt tests/test_black_litterman.py::test_market_implied_prior (8 decimals).
  Eigen::VectorXd published(20);
  published << 0.14933293, 0.2168623, 0.11219185, 0.10362374, 0.28416295, 0.12196098, 0.19036819,
      0.08860159, 0.17724273, 0.08779627, 0.0791797, 0.16460474, 0.12854665, 0.08657863, 0.11230036,
      0.13875465, 0.15017163, 0.09066484, 0.1696369, 0.13270213;
  EXPECT_LT((*pi - published).cwiseAbs().maxCoeff(), 1.5e-8);
}

TEST_F(BlackLittermanPyPortfolioOpt, PosteriorMatchesExplicitInverseFormulas) {
  const std::vector<double> prior_v = fixture_["prior"];
  const Eigen::VectorXd prior = Eigen::Map<const Eigen::VectorXd>(prior_v.data(), 20);
  auto views = make_views(
      assets_, {{"GOOG", 0.40}, {"AAPL", -0.30}, {"FB", 0.30}, {"BABA", 0.0}},
      {{.outperformers = {"BAC", "JPM"}, .underperformers = {"T", "GE"}, .outperformance = 0.15}});
  ASSERT_TRUE(views.is_ok()) << views.status().message();
  const std::vector<std::vector<double>> p = fixture_["views_P"];
  for (int r = 0; r < 5; ++r) {
    for (int i = 0; i < 20; ++i) EXPECT_EQ(views->picking(r, i), p[r][i]);
  }
  const double delta = fixture_["delta"];
  const std::vector<double> conf = fixture_["idzorek"]["confidences"];
  for (const std::string tag : {"he_litterman", "idzorek"}) {
    BlackLittermanOptions options{.tau = 0.05, .risk_aversion = delta};
    if (tag == "idzorek") {
      options.uncertainty = ViewUncertainty::kIdzorek;
      options.view_confidences = Eigen::Map<const Eigen::VectorXd>(conf.data(), 5);
    }
    auto result = black_litterman(cov_, prior, *views, options);
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    const auto& ref = fixture_[tag];
    const std::vector<double> mu = ref["posterior_returns"];
    const std::vector<double> w = ref["weights"];
    const std::vector<double> om = ref["omega_diagonal"];
    const std::vector<std::vector<double>> s = ref["posterior_covariance"];
    for (int j = 0; j < 5; ++j) EXPECT_NEAR(result->omega(j, j), om[j], 1e-14 + 1e-10 * om[j]);
    for (int i = 0; i < 20; ++i) {
      EXPECT_NEAR(result->posterior_returns[i], mu[i], 1e-10) << tag << " " << assets_[i];
      EXPECT_NEAR(result->weights[i], w[i], 1e-8 * (1 + std::abs(w[i]))) << tag;
      for (int j = 0; j < 20; ++j) EXPECT_NEAR(result->posterior_covariance(i, j), s[i][j], 1e-12);
    }
  }
}

// PyPortfolioOpt tests/test_black_litterman.py publishes the performance (return, volatility,
// Sharpe at rf 0.02) of bl_weights() on the posterior returns and covariance; both the posterior
// and the implied weights enter these numbers, so matching them to 1e-7 checks the whole chain.
struct PublishedPerformance {
  double ret, vol, sharpe;
};

void expect_performance(const BlackLittermanResult& r, const PublishedPerformance& p) {
  const double ret = r.weights.dot(r.posterior_returns);
  const double vol = std::sqrt(r.weights.dot(r.posterior_covariance * r.weights));
  EXPECT_NEAR(ret, p.ret, 1e-7 * std::abs(p.ret));
  EXPECT_NEAR(vol, p.vol, 1e-7 * p.vol);
  EXPECT_NEAR((ret - 0.02) / vol, p.sharpe, 1e-7 * std::abs(p.sharpe));
}

TEST_F(BlackLittermanPyPortfolioOpt, MarketPriorPosteriorMatchesPublishedPerformance) {
  // test_bl_market_prior: market-implied prior with δ from SPY, four absolute views, bl_weights(δ).
  auto delta = market_implied_risk_aversion(spy_returns_, 252.0, 0.02);
  ASSERT_TRUE(delta.is_ok());
  Eigen::VectorXd caps(20);
  caps << 927e9, 1.19e12, 574e9, 533e9, 867e9, 96e9, 43e9, 339e9, 301e9, 51e9, 61e9, 78e9, 0, 295e9,
      1e9, 22e9, 288e9, 212e9, 422e9, 102e9;
  auto prior = market_implied_prior_returns(cov_, caps, *delta, 0.02);
  ASSERT_TRUE(prior.is_ok());
  auto views = make_views(assets_, {{"GOOG", 0.40}, {"AAPL", -0.30}, {"FB", 0.30}, {"BABA", 0.0}});
  ASSERT_TRUE(views.is_ok());
  auto r = black_litterman(cov_, *prior, *views, {.tau = 0.05, .risk_aversion = *delta});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  expect_performance(*r, {0.2580693114409672, 0.265445955488424, 0.8968654692926723});
}

TEST_F(BlackLittermanPyPortfolioOpt, EqualPriorPosteriorMatchesPublishedPerformance) {
  // test_bl_equal_prior: prior 1/n for every asset, five absolute views, bl_weights() with δ = 1.
  const Eigen::VectorXd prior = Eigen::VectorXd::Constant(20, 0.05);
  auto views = make_views(assets_, {{"AAPL", 0.20}, {"BBY", -0.30}, {"BAC", 0.0}, {"SBUX", -0.2},
                                    {"T", 0.131321}});
  ASSERT_TRUE(views.is_ok());
  auto r = black_litterman(cov_, prior, *views, {.tau = 0.05, .risk_aversion = 1.0});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  expect_performance(*r, {0.1877432247395778, 0.3246889329226965, 0.5166274785827545});
}

}  // namespace
}  // namespace keel
