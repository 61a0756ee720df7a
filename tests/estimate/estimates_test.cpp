// The estimation entry point: from a price file to annualised μ and Σ with every repair recorded,
// without the CLI. The units contract (estimates.hpp) is checked against moments computed here
// from the prices by hand: Σ_annual = periods_per_year × the per-period sample covariance (T − 1),
// μ_annual = periods_per_year × the per-period mean.

#include "keel/estimate/estimates.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "data/test_files.hpp"
#include "keel/optimize/model.hpp"

namespace keel {
namespace {

using testing::TempDir;

// Eight consecutive days (24/7: 365 periods a year).
constexpr const char* kPrices =
    "date,AAA,BBB,CCC\n"
    "2024-01-01,100,50,20\n"
    "2024-01-02,101,51,21\n"
    "2024-01-03,99,52,20.5\n"
    "2024-01-04,102,51.5,21.5\n"
    "2024-01-05,104,53,21\n"
    "2024-01-06,103,54,22\n"
    "2024-01-07,105,53.5,22.5\n"
    "2024-01-08,104,55,23\n";

// Per-period simple returns of kPrices, computed here.
Eigen::MatrixXd hand_returns() {
  const double p[8][3] = {{100, 50, 20}, {101, 51, 21}, {99, 52, 20.5},    {102, 51.5, 21.5},
                          {104, 53, 21}, {103, 54, 22}, {105, 53.5, 22.5}, {104, 55, 23}};
  Eigen::MatrixXd r(7, 3);
  for (int t = 0; t < 7; ++t) {
    for (int j = 0; j < 3; ++j) r(t, j) = p[t + 1][j] / p[t][j] - 1.0;
  }
  return r;
}

Eigen::MatrixXd hand_sample_covariance(const Eigen::MatrixXd& r) {
  const Eigen::Index n = r.cols();
  const auto t_count = static_cast<double>(r.rows());
  Eigen::MatrixXd s(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const double mi = r.col(i).sum() / t_count;
      const double mj = r.col(j).sum() / t_count;
      double acc = 0.0;
      for (Eigen::Index t = 0; t < r.rows(); ++t) acc += (r(t, i) - mi) * (r(t, j) - mj);
      s(i, j) = acc / (t_count - 1.0);
    }
  }
  return s;
}

// The history check needs a quarter of a year by default; the tiny panel has 7 returns, and the
// default caps the minimum at the window, so every asset needs all 7.
Result<MarketEstimates> estimate_file(const std::string& path, const MarketOptions& market_options,
                                      const EstimationOptions& options) {
  auto market = load_market(path, market_options);
  if (!market) return market.status();
  return estimate_inputs(std::move(*market), options);
}

TEST(EstimateInputs, AnnualisedSampleMomentsOfAPriceFile) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  const EstimationOptions defaults;
  auto est = estimate_file(path, {}, defaults);
  ASSERT_TRUE(est) << est.status().message();
  const double ppy = 365.0;
  ASSERT_DOUBLE_EQ(est->market.frequency.periods_per_year, ppy);

  const Eigen::MatrixXd r = hand_returns();
  const Eigen::MatrixXd sigma = ppy * hand_sample_covariance(r);
  const Eigen::VectorXd mu = ppy * r.colwise().mean().transpose();
  ASSERT_EQ(est->covariance.annualised.rows(), 3);
  for (Eigen::Index i = 0; i < 3; ++i) {
    EXPECT_NEAR(est->expected_returns.annualised(i), mu(i), 1e-12 * std::abs(mu(i))) << i;
    for (Eigen::Index j = 0; j < 3; ++j) {
      EXPECT_NEAR(est->covariance.annualised(i, j), sigma(i, j),
                  1e-12 * sigma.cwiseAbs().maxCoeff())
          << i << "," << j;
    }
  }
  // The per-period estimate is the annual one divided by periods_per_year, exactly as stated.
  EXPECT_TRUE(
      est->covariance.annualised.isApprox(est->covariance.per_period.covariance * ppy, 0.0));
  EXPECT_DOUBLE_EQ(est->covariance.annualised_min_eigenvalue,
                   est->covariance.per_period.diagnostics.min_eigenvalue * ppy);
  EXPECT_TRUE(est->repairs_json().empty());
  EXPECT_EQ(est->market.panel.assets, (std::vector<std::string>{"AAA", "BBB", "CCC"}));
}

TEST(EstimateInputs, PeriodsPerYearOfTheMarketAnnualiseBothMoments) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  const EstimationOptions defaults;
  auto daily = estimate_file(path, {}, defaults);
  auto weekdays = estimate_file(path, {.periods_per_year = 252.0}, defaults);
  ASSERT_TRUE(daily && weekdays);
  EXPECT_TRUE((weekdays->covariance.annualised / 252.0)
                  .isApprox(daily->covariance.annualised / 365.0, 1e-14));
  EXPECT_TRUE((weekdays->expected_returns.annualised / 252.0)
                  .isApprox(daily->expected_returns.annualised / 365.0, 1e-14));
}

TEST(EstimateInputs, EwmaDefaultsLiveInTheOptions) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  EstimationOptions defaults;
  defaults.moments.covariance.method = CovarianceMethod::kEwma;
  defaults.moments.expected_returns.method = ExpectedReturnMethod::kEwma;
  EstimationOptions explicit_values = defaults;
  explicit_values.moments.covariance.ewma_lambda = 0.94;
  explicit_values.moments.expected_returns.ewma_span = 500.0;
  auto a = estimate_file(path, {}, defaults);
  auto b = estimate_file(path, {}, explicit_values);
  ASSERT_TRUE(a) << a.status().message();
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_EQ(a->covariance.annualised, b->covariance.annualised);
  EXPECT_EQ(a->expected_returns.annualised, b->expected_returns.annualised);

  EstimationOptions other = defaults;
  other.moments.default_ewma_lambda = 0.8;
  auto c = estimate_file(path, {}, other);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->covariance.annualised.isApprox(a->covariance.annualised, 1e-6));
}

TEST(EstimateInputs, ShortHistoryIsDroppedAndRecorded) {
  TempDir dir;
  const std::string path = dir.write("prices.csv",
                                     "date,AAA,BBB,NEW\n"
                                     "2024-01-01,100,50,\n2024-01-02,101,51,\n"
                                     "2024-01-03,99,52,\n2024-01-04,102,51.5,\n"
                                     "2024-01-05,104,53,10\n2024-01-06,103,54,11\n"
                                     "2024-01-07,105,53.5,12\n");
  const MarketOptions pairwise{.missing = {.kind = MissingPolicyKind::kPairwise}};
  EstimationOptions options;
  auto refused = estimate_file(path, pairwise, options);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.status().message().find("NEW"), std::string::npos);

  options.short_history = ShortHistory::kDrop;
  auto dropped = estimate_file(path, pairwise, options);
  ASSERT_TRUE(dropped) << dropped.status().message();
  EXPECT_EQ(dropped->market.panel.assets, (std::vector<std::string>{"AAA", "BBB"}));
  EXPECT_EQ(dropped->market.returns.values.cols(), 2);
  EXPECT_EQ(dropped->covariance.annualised.rows(), 2);
  ASSERT_EQ(dropped->dropped_assets.size(), 1u);
  const Json repairs = dropped->repairs_json();
  ASSERT_EQ(repairs.size(), 1u);
  EXPECT_EQ(repairs[0]["action"], "drop-asset");
  // The market's own repair (the pairwise policy keeping the gaps) stays with the market.
  EXPECT_FALSE(dropped->market.repairs.empty());
}

TEST(EstimateInputs, ClippedReturnsAreRecorded) {
  // Forty quiet days and one absurd print.
  std::string csv = "date,AAA,BBB\n";
  double a = 100.0;
  for (int d = 0; d < 41; ++d) {
    a *= d == 30 ? 50.0 : (d % 2 == 0 ? 1.01 : 0.99);
    const int day = d + 1;
    csv += "2024-" + std::string(day <= 31 ? "01-" : "02-") +
           (day <= 31 ? (day < 10 ? "0" : "") + std::to_string(day)
                      : (day - 31 < 10 ? "0" : "") + std::to_string(day - 31)) +
           "," + std::to_string(a) + "," + std::to_string(50.0 + (d % 3)) + "\n";
  }
  TempDir dir;
  const std::string path = dir.write("prices.csv", csv);
  EstimationOptions options;
  options.cleaning.method = ReturnCleaningMethod::kClip;
  auto est = estimate_file(path, {}, options);
  ASSERT_TRUE(est) << est.status().message();
  ASSERT_FALSE(est->clipped_returns.empty());
  EXPECT_EQ(est->clipped_returns[0].asset, "AAA");
  EXPECT_EQ(est->repairs_json()[0]["action"], "clip-return");
  // The estimates describe the cleaned returns the result carries.
  const Eigen::MatrixXd& r = est->market.returns.values;
  EXPECT_NEAR(est->covariance.annualised(0, 0), 365.0 * hand_sample_covariance(r)(0, 0),
              1e-12 * est->covariance.annualised(0, 0));
}

TEST(EstimateInputs, PairwiseRepairNeedsThePairwisePolicy) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  EstimationOptions options;
  options.moments.covariance.pairwise_repair.method = PsdRepair::kClip;
  auto refused = estimate_file(path, {}, options);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.status().message().find("pairwise"), std::string::npos);
  auto pairwise = estimate_file(path, {.missing = {.kind = MissingPolicyKind::kPairwise}}, options);
  ASSERT_TRUE(pairwise) << pairwise.status().message();
}

TEST(EstimateInputs, EquilibriumAndMarketCaps) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  EstimationOptions options;
  options.moments.expected_returns.method = ExpectedReturnMethod::kEquilibrium;
  options.moments.expected_returns.risk_aversion = 2.0;
  options.moments.expected_returns.risk_free_rate = 0.01;
  auto missing = estimate_file(path, {}, options);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("market caps"), std::string::npos);

  // Caps in another order, with an extra name: aligned to the market's assets.
  options.market_caps = {{"CCC", "ZZZ", "AAA", "BBB"}, Eigen::Vector4d(1.0, 9.0, 3.0, 4.0)};
  auto est = estimate_file(path, {}, options);
  ASSERT_TRUE(est) << est.status().message();
  EXPECT_EQ(est->market_caps, Eigen::Vector3d(3.0, 4.0, 1.0));
  const Eigen::VectorXd w = Eigen::Vector3d(3.0, 4.0, 1.0) / 8.0;
  const Eigen::VectorXd pi = 2.0 * (365.0 * hand_sample_covariance(hand_returns())) * w;
  for (Eigen::Index i = 0; i < 3; ++i) {
    EXPECT_NEAR(est->expected_returns.annualised(i), pi(i) + 0.01, 1e-12) << i;
  }
  // The model inputs carry the same annual moments and the aligned caps.
  const ModelInputs inputs = make_model_inputs(*est);
  EXPECT_EQ(inputs.assets, est->market.panel.assets);
  EXPECT_EQ(inputs.covariance, est->covariance.annualised);
  EXPECT_EQ(inputs.market_caps, est->market_caps);
  EXPECT_EQ(inputs.scenarios, est->market.returns.values);
  EXPECT_DOUBLE_EQ(inputs.periods_per_year, 365.0);

  options.market_caps = {{"AAA"}, Eigen::VectorXd::Constant(1, 1.0)};
  auto unaligned = estimate_file(path, {}, options);
  ASSERT_FALSE(unaligned);
  EXPECT_NE(unaligned.status().message().find("BBB"), std::string::npos)
      << unaligned.status().message();
}

TEST(EstimateInputs, CapmBenchmarkByName) {
  TempDir dir;
  const std::string path = dir.write("prices.csv", kPrices);
  EstimationOptions options;
  options.moments.expected_returns.method = ExpectedReturnMethod::kCapm;
  options.benchmark = "AAA";
  auto est = estimate_file(path, {}, options);
  ASSERT_TRUE(est) << est.status().message();
  EXPECT_NEAR(est->expected_returns.betas(0), 1.0, 1e-12);  // the market's own beta
  options.benchmark = "XYZ";
  auto unknown = estimate_file(path, {}, options);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.status().message().find("XYZ"), std::string::npos);
}

TEST(EstimateMoments, OneWindowAnnualisedWithTheGivenPeriodsPerYear) {
  const Eigen::MatrixXd r = hand_returns();
  auto cov = estimate_annualised_covariance(r, 52.0, MomentOptions{});
  ASSERT_TRUE(cov) << cov.status().message();
  EXPECT_TRUE(cov->annualised.isApprox(52.0 * hand_sample_covariance(r), 1e-12));
  auto mu = estimate_annualised_expected_returns(r, 52.0, MomentOptions{});
  ASSERT_TRUE(mu) << mu.status().message();
  EXPECT_TRUE(mu->annualised.isApprox(52.0 * r.colwise().mean().transpose(), 1e-12));
  EXPECT_FALSE(estimate_annualised_covariance(r, 0.0, MomentOptions{}));
  EXPECT_FALSE(estimate_annualised_expected_returns(r, std::nan(""), MomentOptions{}));
}

}  // namespace
}  // namespace keel
