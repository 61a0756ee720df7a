// The risk profile is the composition `keel risk` and the demo report: each figure must equal the
// function it comes from, and the liquidity inputs must scale per-period data to days.
#include "keel/risk/risk_profile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace keel {
namespace {

Eigen::MatrixXd random_returns(int rows, int cols, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t(4.0);
  Eigen::MatrixXd r(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) r(i, j) = 0.01 * (1 + j) * t(rng) / std::sqrt(2.0);
  return r;
}

TEST(RiskProfile, EachFigureEqualsItsSource) {
  const Eigen::MatrixXd r = random_returns(500, 4, 3);
  const Eigen::Vector4d w(0.4, 0.3, 0.2, 0.1);
  const Eigen::MatrixXd spreads = Eigen::MatrixXd::Constant(500, 4, 0.002);
  RiskProfileOptions o{.periods_per_year = 365, .confidence = 0.99};
  o.methods = {VarMethod::kHistorical, VarMethod::kCornishFisher};
  auto p = risk_profile(r, w, spreads, Eigen::MatrixXd(), o);
  ASSERT_TRUE(p) << p.status().message();
  const Eigen::VectorXd pnl = r * w;
  EXPECT_LT((p->portfolio_returns - pnl).cwiseAbs().maxCoeff(), 1e-15);
  ASSERT_EQ(p->estimates.size(), 2u);
  auto h = value_at_risk(pnl, VarOptions{.method = VarMethod::kHistorical, .confidence = 0.99});
  auto cf = value_at_risk(pnl, VarOptions{.method = VarMethod::kCornishFisher, .confidence = 0.99});
  EXPECT_EQ(p->estimates[0].var, h->var);
  EXPECT_EQ(p->estimates[1].es, cf->es);
  EXPECT_EQ(p->historical_var, h->var);
  ASSERT_TRUE(p->spread_lvar);
  // Constant spreads: cost = ½ Σ |w_i| s (no spread volatility).
  EXPECT_NEAR(p->spread_lvar->liquidity_cost, 0.5 * 0.002, 1e-15);
  EXPECT_FALSE(p->impact_lvar);  // no volumes
  EXPECT_EQ(p->contributions.size(), 3u);
  EXPECT_NEAR(p->contributions[0].component.sum(), p->contributions[0].total, 1e-14);
  EXPECT_NEAR(p->annualised_volatility, p->volatility * std::sqrt(365.0), 1e-15);
}

// Cornish–Fisher outside its valid range (one crash among calm days): the estimate's validity
// warnings reach the profile and its JSON, so `keel risk` and the demo cannot show the figure alone.
TEST(RiskProfile, CornishFisherWarningsReachTheOutput) {
  Eigen::MatrixXd r = random_returns(500, 2, 7);
  r(250, 0) = -0.6;
  r(250, 1) = -0.5;
  const Eigen::Vector2d w(0.5, 0.5);
  RiskProfileOptions o{.periods_per_year = 365, .confidence = 0.99};
  o.methods = {VarMethod::kHistorical, VarMethod::kCornishFisher};
  auto p = risk_profile(r, w, Eigen::MatrixXd(), Eigen::MatrixXd(), o);
  ASSERT_TRUE(p) << p.status().message();
  auto cf = value_at_risk(r * w, VarOptions{.method = VarMethod::kCornishFisher, .confidence = 0.99});
  ASSERT_TRUE(cf);
  ASSERT_FALSE(cf->warnings.empty());  // the case must be outside the expansion's range
  for (const auto& warning : cf->warnings) {
    EXPECT_NE(std::find(p->warnings.begin(), p->warnings.end(), "cornish-fisher: " + warning),
              p->warnings.end())
        << warning;
  }
  const Json doc = p->to_json({"A", "B"});
  ASSERT_TRUE(doc.contains("diagnostics"));
  EXPECT_EQ(doc["diagnostics"]["warnings"].size(), p->warnings.size());
}

TEST(RiskProfile, DailyLiquidityScalesHourlyDataToDays) {
  const Eigen::MatrixXd r = random_returns(240, 2, 5);
  const Eigen::MatrixXd volumes = Eigen::MatrixXd::Constant(240, 2, 1000.0);
  auto d = daily_liquidity(r, volumes, 8760.0);
  ASSERT_TRUE(d);
  const double mean = r.col(0).mean();
  const double hourly = std::sqrt((r.col(0).array() - mean).square().sum() / 239.0);
  EXPECT_NEAR(d->daily_volatility(0), hourly * std::sqrt(24.0), 1e-15);
  EXPECT_NEAR(d->average_daily_volume(1), 24000.0, 1e-9);
  EXPECT_FALSE(daily_liquidity(r, volumes.topRows(10), 8760.0));
}

TEST(RiskProfile, MonteCarloNeedsOnePeriod) {
  const Eigen::MatrixXd r = random_returns(100, 2, 1);
  RiskProfileOptions o{.periods_per_year = 365, .horizon = 5};
  auto p = risk_profile(r, Eigen::Vector2d(0.5, 0.5), Eigen::MatrixXd(), Eigen::MatrixXd(), o);
  ASSERT_FALSE(p);
  EXPECT_NE(p.status().message().find("Monte Carlo"), std::string::npos);
}

}  // namespace
}  // namespace keel
