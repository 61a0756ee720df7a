#include "keel/optimize/black_litterman.hpp"
#include "keel/optimize/model.hpp"

#include <gtest/gtest.h>

namespace keel {
namespace {

TEST(BlackLitterman, OneViewTwoAssetsClosedForm) {
  // Σ = [[0.04, 0.01], [0.01, 0.09]], π = (0.05, 0.08), τ = 0.1, one absolute view on asset 0:
  // μ_0 = 0.10 with ω = 0.002. By hand: τΣPᵀ = (0.004, 0.001), PτΣPᵀ = 0.004,
  // μ_BL = π + (0.004, 0.001) (0.10 − 0.05) / (0.004 + 0.002) = (0.05 + 1/30, 0.08 + 1/120),
  // M = τΣ − (0.004, 0.001)(0.004, 0.001)ᵀ / 0.006.
  Eigen::MatrixXd cov(2, 2);
  cov << 0.04, 0.01, 0.01, 0.09;
  Eigen::VectorXd pi(2);
  pi << 0.05, 0.08;
  auto views = make_views({"A", "B"}, {{"A", 0.10}});
  ASSERT_TRUE(views.is_ok());
  Eigen::MatrixXd omega(1, 1);
  omega << 0.002;
  auto result = black_litterman(cov, pi, *views,
                                {.tau = 0.1,
                                 .uncertainty = ViewUncertainty::kExplicit,
                                 .omega = omega,
                                 .risk_aversion = 2.5});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  EXPECT_NEAR(result->posterior_returns[0], 0.05 + 1.0 / 30.0, 1e-15);
  EXPECT_NEAR(result->posterior_returns[1], 0.08 + 1.0 / 120.0, 1e-15);
  Eigen::MatrixXd m(2, 2);
  m << 0.004 - 0.004 * 0.004 / 0.006, 0.001 - 0.004 * 0.001 / 0.006,  //
      0.001 - 0.004 * 0.001 / 0.006, 0.009 - 0.001 * 0.001 / 0.006;
  EXPECT_LT((result->posterior_covariance - (cov + m)).cwiseAbs().maxCoeff(), 1e-15);
  // Implied weights (δΣ)⁻¹μ_BL normalised: Σ⁻¹ = [[0.09, −0.01], [−0.01, 0.04]] / 0.0035.
  const double r0 = result->posterior_returns[0], r1 = result->posterior_returns[1];
  const double w0 = 0.09 * r0 - 0.01 * r1, w1 = -0.01 * r0 + 0.04 * r1;
  EXPECT_NEAR(result->weights[0], w0 / (w0 + w1), 1e-14);
  EXPECT_NEAR(result->weights[1], w1 / (w0 + w1), 1e-14);
  // He–Litterman default: ω = τ pᵀΣp = 0.004 → μ_0 = 0.05 + 0.05/2.
  auto he = black_litterman(cov, pi, *views, {.tau = 0.1});
  ASSERT_TRUE(he.is_ok());
  EXPECT_NEAR(he->omega(0, 0), 0.004, 1e-16);
  EXPECT_NEAR(he->posterior_returns[0], 0.075, 1e-15);
}

TEST(BlackLitterman, IdzorekConfidencesInterpolateLinearly) {
  // PyPortfolioOpt's test_idzorek_basic: identity Σ, π = 0.1, views 0.3 on every asset;
  // confidence c moves the posterior linearly from π (c = 0) to Q (c = 1).
  const Eigen::MatrixXd cov = Eigen::MatrixXd::Identity(5, 5);
  const Eigen::VectorXd pi = Eigen::VectorXd::Constant(5, 0.1);
  BlackLittermanViews views{Eigen::MatrixXd::Identity(5, 5), Eigen::VectorXd::Constant(5, 0.3)};
  for (int i = 0; i <= 5; ++i) {
    const double c = 0.2 * i;
    auto result = black_litterman(cov, pi, views,
                                  {.uncertainty = ViewUncertainty::kIdzorek,
                                   .view_confidences = Eigen::VectorXd::Constant(5, c)});
    ASSERT_TRUE(result.is_ok()) << result.status().message();
    EXPECT_NEAR(result->posterior_returns[0], 0.1 + 0.2 * c, c == 0.0 ? 1e-7 : 1e-14);
  }
  // Certain views (Ω = 0) reproduce Q exactly.
  auto certain = black_litterman(
      cov, pi, views,
      {.uncertainty = ViewUncertainty::kExplicit, .omega = Eigen::MatrixXd::Zero(5, 5)});
  ASSERT_TRUE(certain.is_ok());
  EXPECT_LT((certain->posterior_returns.array() - 0.3).abs().maxCoeff(), 1e-15);
}

TEST(BlackLitterman, ViewsFromNamesAndErrors) {
  const std::vector<std::string> assets = {"BTC", "ETH", "SOL", "ADA"};
  auto views = make_views(
      assets, {{"SOL", 0.5}},
      {{.outperformers = {"BTC", "ETH"}, .underperformers = {"ADA"}, .outperformance = 0.1}});
  ASSERT_TRUE(views.is_ok()) << views.status().message();
  Eigen::MatrixXd p(2, 4);
  p << 0, 0, 1, 0, 0.5, 0.5, 0, -1;
  EXPECT_EQ(views->picking, p);
  EXPECT_EQ(views->expected, Eigen::Vector2d(0.5, 0.1));
  auto unknown = make_views(assets, {{"DOGE", 0.2}});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("DOGE"), std::string::npos);
  EXPECT_FALSE(
      make_views(assets, {}, {{.outperformers = {"BTC"}, .underperformers = {"BTC"}}}).is_ok());
  EXPECT_FALSE(make_views(assets, {}, {{.outperformers = {"BTC"}}}).is_ok());
  const Eigen::MatrixXd cov = Eigen::MatrixXd::Identity(4, 4) * 0.04;
  const Eigen::VectorXd pi = Eigen::VectorXd::Constant(4, 0.05);
  EXPECT_FALSE(black_litterman(cov, pi, *views, {.tau = 0.0}).is_ok());
  EXPECT_FALSE(black_litterman(cov, pi, *views,
                               {.uncertainty = ViewUncertainty::kIdzorek,
                                .view_confidences = Eigen::Vector2d(0.5, 1.5)})
                   .is_ok());
  EXPECT_FALSE(black_litterman(cov, pi, *views,
                               {.uncertainty = ViewUncertainty::kExplicit,
                                .omega = Eigen::MatrixXd::Zero(3, 3)})
                   .is_ok());
  // No views: posterior = prior, covariance (1 + τ)Σ.
  auto none =
      black_litterman(cov, pi, BlackLittermanViews{Eigen::MatrixXd(0, 4), Eigen::VectorXd(0)});
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->posterior_returns, pi);
  EXPECT_LT((none->posterior_covariance - 1.05 * cov).cwiseAbs().maxCoeff(), 1e-16);
}

TEST(BlackLitterman, MarketImpliedPriorAndRiskAversion) {
  Eigen::MatrixXd cov(2, 2);
  cov << 0.04, 0.01, 0.01, 0.09;
  auto pi = market_implied_prior_returns(cov, Eigen::Vector2d(300.0, 100.0), 2.0, 0.01);
  ASSERT_TRUE(pi.is_ok());
  // δΣw + r_f with w = (0.75, 0.25).
  EXPECT_NEAR((*pi)[0], 2.0 * (0.04 * 0.75 + 0.01 * 0.25) + 0.01, 1e-16);
  EXPECT_NEAR((*pi)[1], 2.0 * (0.01 * 0.75 + 0.09 * 0.25) + 0.01, 1e-16);
  Eigen::VectorXd r(4);
  r << 0.01, -0.02, 0.03, 0.0;
  // mean 0.005, unbiased variance 0.0005 / 3 · ... computed by hand: deviations
  // .005,-.025,.025,-.005
  const double var = (0.005 * 0.005 + 0.025 * 0.025 * 2 + 0.005 * 0.005) / 3.0;
  auto delta = market_implied_risk_aversion(r, 365.0, 0.02);
  ASSERT_TRUE(delta.is_ok());
  EXPECT_NEAR(*delta, (0.005 * 365.0 - 0.02) / (var * 365.0), 1e-12);
  EXPECT_FALSE(market_implied_risk_aversion(Eigen::VectorXd::Zero(1), 365.0).is_ok());
  EXPECT_FALSE(market_implied_prior_returns(cov, Eigen::Vector2d(0.0, 0.0), 2.0).is_ok());
}

}  // namespace
TEST(BlackLitterman, PosteriorOptimiserHonoursEveryConstraint) {
  // Four assets, one bullish view: the closed form levers into the view asset; with a posterior
  // optimiser the answer is exactly max-Sharpe on (μ_BL, Σ_BL) under the bounds.
  Eigen::Matrix4d cov;
  cov << 0.09, 0.03, 0.02, 0.01, 0.03, 0.16, 0.04, 0.02, 0.02, 0.04, 0.25, 0.05, 0.01, 0.02, 0.05, 0.36;
  ModelInputs inputs;
  inputs.assets = {"A", "B", "C", "D"};
  inputs.covariance = cov;
  inputs.expected_returns = Eigen::Vector4d(0.05, 0.07, 0.09, 0.11);
  auto views = make_views(inputs.assets, {{"D", 0.60}});
  ASSERT_TRUE(views.is_ok());
  inputs.views = *views;
  ModelSpec spec;
  spec.model = PortfolioModel::kBlackLitterman;
  spec.constraints.upper_bound = 0.4;
  auto closed = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(closed.is_ok());
  spec.black_litterman_optimizer = PortfolioModel::kMaxSharpe;
  auto bounded = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(bounded.is_ok()) << bounded.status().message();
  ASSERT_TRUE(bounded->is_usable());
  EXPECT_EQ(bounded->model, "black-litterman");
  EXPECT_LE(bounded->weights.maxCoeff(), 0.4 + 1e-9);
  EXPECT_GE(bounded->weights.minCoeff(), -1e-9);
  EXPECT_NEAR(bounded->weights.sum(), 1.0, 1e-9);
  // Same as max-Sharpe run by hand on the posterior.
  auto bl = black_litterman(cov, inputs.expected_returns, *views, {});
  ASSERT_TRUE(bl.is_ok());
  ModelInputs posterior = inputs;
  posterior.expected_returns = bl->posterior_returns;
  posterior.covariance = bl->posterior_covariance;
  ModelSpec ms;
  ms.model = PortfolioModel::kMaxSharpe;
  ms.constraints.upper_bound = 0.4;
  auto direct = optimize_portfolio(posterior, ms);
  ASSERT_TRUE(direct.is_ok());
  EXPECT_LT((bounded->weights - direct->weights).cwiseAbs().maxCoeff(), 1e-9);
  // The closed form is not bounded by the cap.
  EXPECT_GT(closed->weights.maxCoeff(), 0.4);
  spec.black_litterman_optimizer = PortfolioModel::kHrp;
  EXPECT_FALSE(optimize_portfolio(inputs, spec).is_ok());
}

TEST(BlackLitterman, PosteriorOptimiserHonoursGroupsLinearAndTurnover) {
  // `--posterior-model` is "under every constraint": groups, linear rows, a turnover cap from
  // current weights and per-asset bounds, exactly as max-Sharpe on (μ_BL, Σ_BL) by hand. Before,
  // any group limit was refused as a call error.
  Eigen::Matrix4d cov;
  cov << 0.09, 0.03, 0.02, 0.01, 0.03, 0.16, 0.04, 0.02, 0.02, 0.04, 0.25, 0.05, 0.01, 0.02, 0.05,
      0.36;
  ModelInputs inputs;
  inputs.assets = {"A", "B", "C", "D"};
  inputs.covariance = cov;
  inputs.expected_returns = Eigen::Vector4d(0.05, 0.07, 0.09, 0.11);
  auto views = make_views(inputs.assets, {{"D", 0.60}}, {{{"C"}, {"A"}, 0.05}});
  ASSERT_TRUE(views.is_ok());
  inputs.views = *views;
  PortfolioConstraints c;
  c.upper_bound = 0.6;
  c.groups.push_back({"chain=x", {2, 3}, 0.0, 0.45});  // C + D <= 45%
  c.groups.push_back({"core", {0}, 0.15, kInfinity});    // A >= 15%
  LinearConstraint b_over_c{"b-over-c", Eigen::Vector4d(0.0, 1.0, -1.0, 0.0),
                            ConstraintSense::kGreaterEqual, 0.0};
  c.linear.push_back(b_over_c);
  c.current_weights = Eigen::Vector4d(0.25, 0.25, 0.25, 0.25);
  c.max_turnover = 0.5;
  for (PortfolioModel inner : {PortfolioModel::kMaxSharpe, PortfolioModel::kMinVariance,
                               PortfolioModel::kMaxUtility}) {
    SCOPED_TRACE(std::string(to_string(inner)));
    ModelSpec spec;
    spec.model = PortfolioModel::kBlackLitterman;
    spec.constraints = c;
    spec.black_litterman_optimizer = inner;
    auto r = optimize_portfolio(inputs, spec);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    ASSERT_TRUE(r->is_usable()) << r->diagnostics.explanation;
    const Eigen::VectorXd& w = r->weights;
    EXPECT_LE(w(2) + w(3), 0.45 + 1e-8);
    EXPECT_GE(w(0), 0.15 - 1e-8);
    EXPECT_GE(w(1) - w(2), -1e-8);
    EXPECT_LE((w - c.current_weights).cwiseAbs().sum(), 0.5 + 1e-8);
    EXPECT_LE(r->diagnostics.max_constraint_violation, 1e-8);
    auto bl = black_litterman(cov, inputs.expected_returns, *views, {});
    ASSERT_TRUE(bl.is_ok());
    ModelInputs posterior = inputs;
    posterior.expected_returns = bl->posterior_returns;
    posterior.covariance = bl->posterior_covariance;
    ModelSpec direct_spec;
    direct_spec.model = inner;
    direct_spec.constraints = c;
    auto direct = optimize_portfolio(posterior, direct_spec);
    ASSERT_TRUE(direct.is_ok());
    EXPECT_LT((w - direct->weights).cwiseAbs().maxCoeff(), 1e-8);
  }
  // The closed form still cannot honour groups, and says what to use instead.
  ModelSpec closed;
  closed.model = PortfolioModel::kBlackLitterman;
  closed.constraints = c;
  auto refused = optimize_portfolio(inputs, closed);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("--posterior-model"), std::string::npos)
      << refused.status().message();
}

}  // namespace keel
