// Correlation stress from a return history and liquidity evaporation: closed forms computed in the
// test, consistency with value_at_risk(), and the "not computed" reasons.
#include <gtest/gtest.h>

#include <cmath>

#include "keel/risk/correlation_stress.hpp"
#include "keel/risk/liquidity_stress.hpp"
#include "keel/risk/measures.hpp"
#include "keel/risk/var.hpp"

namespace keel {
namespace {

// Deterministic correlated returns (a common factor plus idiosyncratic terms).
Eigen::MatrixXd sample_returns(Eigen::Index t, Eigen::Index n) {
  Eigen::MatrixXd r(t, n);
  for (Eigen::Index i = 0; i < t; ++i) {
    const double f = 0.02 * std::sin(0.37 * static_cast<double>(i) + 0.3) +
                     0.01 * std::cos(1.91 * static_cast<double>(i));
    for (Eigen::Index j = 0; j < n; ++j) {
      r(i, j) = 0.0004 * static_cast<double>(j) + (0.5 + 0.2 * static_cast<double>(j)) * f +
                0.015 * std::sin(2.3 * static_cast<double>(i * (j + 2)) + static_cast<double>(j));
    }
  }
  return r;
}

TEST(CorrelationStress, BeforeEqualsGaussianVarAndAfterHasClosedForm) {
  const Eigen::MatrixXd r = sample_returns(500, 4);
  const Eigen::Vector4d w(0.4, 0.3, 0.2, 0.1);
  for (int horizon : {1, 5}) {
    auto s = portfolio_correlation_stress(
        r, w,
        {.stress = {.correlation_shift = 1.0, .volatility_multiplier = 2.0, .confidence = 0.99},
         .horizon = horizon});
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    auto pnl = portfolio_returns(r, w);
    auto gaussian = value_at_risk(
        *pnl, {.method = VarMethod::kGaussian, .confidence = 0.99, .horizon = horizon});
    ASSERT_TRUE(gaussian.is_ok());
    EXPECT_NEAR(s->var_before, gaussian->var, 1e-13);
    EXPECT_NEAR(s->es_before, gaussian->es, 1e-13);
    // λ = 1: every correlation one, so σ_p = M Σ w_i σ_i (w ≥ 0); then VaR = −μ_p + z σ_p.
    double sigma = 0.0;
    double mu = 0.0;
    for (Eigen::Index j = 0; j < 4; ++j) {
      const Eigen::VectorXd c = r.col(j).array() - r.col(j).mean();
      sigma += w[j] * std::sqrt(c.squaredNorm() / 499.0);
      mu += w[j] * r.col(j).mean();
    }
    sigma *= 2.0 * std::sqrt(static_cast<double>(horizon));
    mu *= horizon;
    const double z = 2.3263478740408408;                   // Φ⁻¹(0.99)
    const double es_factor = 0.026652142203458073 / 0.01;  // φ(z)/(1 − α)
    EXPECT_NEAR(s->volatility_after, sigma, 1e-14);
    EXPECT_NEAR(s->var_after, -mu + z * sigma, 1e-13);
    EXPECT_NEAR(s->es_after, -mu + es_factor * sigma, 1e-12);
    EXPECT_NEAR(s->average_correlation_after, 1.0, 1e-12);
    EXPECT_LT(s->average_correlation_before, 1.0);
  }
  // λ = 0, M = 1 changes nothing; zero_mean drops the drift.
  auto none = portfolio_correlation_stress(
      r, w, {.stress = {.correlation_shift = 0.0, .volatility_multiplier = 1.0}});
  ASSERT_TRUE(none.is_ok());
  EXPECT_NEAR(none->var_after, none->var_before, 1e-15);
  auto zero = portfolio_correlation_stress(r, w, {.zero_mean = true});
  EXPECT_NEAR(zero->var_before, 1.6448536269514722 * zero->volatility_before, 1e-14);
  Eigen::MatrixXd constant = r;
  constant.col(2).setConstant(0.001);
  EXPECT_FALSE(portfolio_correlation_stress(constant, w).is_ok());
}

TEST(LiquidityStress, SpreadAndImpactScaleByTheMultiplier) {
  const Eigen::Index t = 300;
  const Eigen::MatrixXd r = sample_returns(t, 3);
  const Eigen::Vector3d w(0.5, -0.2, 0.4);
  Eigen::MatrixXd spreads(t, 3);
  Eigen::MatrixXd volumes(t, 3);
  for (Eigen::Index i = 0; i < t; ++i) {
    for (Eigen::Index j = 0; j < 3; ++j) {
      spreads(i, j) =
          0.001 * static_cast<double>(j + 1) * (1.0 + 0.5 * std::sin(0.1 * i * (j + 1)));
      volumes(i, j) = 1e6 * static_cast<double>(j + 1) * (1.5 + std::cos(0.2 * i));
    }
  }
  const double k = 4.0;
  LiquidityStressOptions options{.multiplier = k, .confidence = 0.95, .horizon = 1};
  options.impact.portfolio_value = 5e6;
  options.impact.max_participation = 0.2;
  auto s = liquidity_stress(r, spreads, volumes, 365.0, w, options);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  auto pnl = portfolio_returns(r, w);
  auto hist = value_at_risk(*pnl, {.confidence = 0.95});
  EXPECT_NEAR(s->var, hist->var, 1e-15);

  // Bangia COL by hand: ½ Σ |w_i| (mean_i + 3 sd_i), sd with T − 1.
  double col = 0.0;
  for (Eigen::Index j = 0; j < 3; ++j) {
    const double m = spreads.col(j).mean();
    const double sd = std::sqrt((spreads.col(j).array() - m).square().sum() / (t - 1.0));
    col += 0.5 * std::abs(w[j]) * (m + 3.0 * sd);
  }
  ASSERT_TRUE(s->spread.computed) << s->spread.reason;
  EXPECT_NEAR(s->spread.before.liquidity_cost, col, 1e-15);
  EXPECT_NEAR(s->spread.after.liquidity_cost, k * col, 1e-14);
  EXPECT_NEAR(s->spread.after.lvar, hist->var + k * col, 1e-14);

  // Square-root impact by hand for daily data: days = ⌈q/(π ADV)⌉, c = σ √(q/(ADV days)).
  ASSERT_TRUE(s->impact.computed) << s->impact.reason;
  double cost = 0.0;
  for (Eigen::Index j = 0; j < 3; ++j) {
    const double adv = volumes.col(j).mean();
    const double q = std::abs(w[j]) * 5e6;
    const double days = std::ceil(q / (0.2 * adv) - 1e-9);
    const Eigen::VectorXd c = r.col(j).array() - r.col(j).mean();
    const double sigma = std::sqrt(c.squaredNorm() / (t - 1.0));
    cost += std::abs(w[j]) * sigma * std::sqrt(q / (adv * std::max(days, 1.0)));
  }
  EXPECT_NEAR(s->impact.before.liquidity_cost, cost, 1e-14);
  EXPECT_NEAR(s->impact.after.liquidity_cost, k * cost, 1e-13);

  // Hourly data: ADV is 24 hourly volumes and daily σ is √24 hourly σ.
  auto hourly = liquidity_stress(r, spreads, volumes, 8760.0, w, options);
  ASSERT_TRUE(hourly.is_ok());
  double hourly_cost = 0.0;
  for (Eigen::Index j = 0; j < 3; ++j) {
    const double adv = 24.0 * volumes.col(j).mean();
    const double q = std::abs(w[j]) * 5e6;
    const double days = std::ceil(q / (0.2 * adv) - 1e-9);
    const Eigen::VectorXd c = r.col(j).array() - r.col(j).mean();
    const double sigma = std::sqrt(24.0 * c.squaredNorm() / (t - 1.0));
    hourly_cost += std::abs(w[j]) * sigma * std::sqrt(q / (adv * std::max(days, 1.0)));
  }
  EXPECT_NEAR(hourly->impact.before.liquidity_cost, hourly_cost, 1e-13);
}

TEST(LiquidityStress, SaysWhatIsMissingInsteadOfInventingIt) {
  const Eigen::MatrixXd r = sample_returns(100, 2);
  const Eigen::Vector2d w(0.6, 0.4);
  auto none = liquidity_stress(r, Eigen::MatrixXd(), Eigen::MatrixXd(), 365.0, w, {});
  ASSERT_TRUE(none.is_ok()) << none.status().message();
  EXPECT_FALSE(none->spread.computed);
  EXPECT_NE(none->spread.reason.find("no bid-ask spreads"), std::string::npos);
  EXPECT_FALSE(none->impact.computed);
  EXPECT_NE(none->impact.reason.find("no traded volumes"), std::string::npos);
  const Json doc = none->to_json();
  EXPECT_EQ(doc["exogenous_spread"]["status"], "not-computed");

  const Eigen::MatrixXd volumes = Eigen::MatrixXd::Constant(100, 2, 1e6);
  auto no_value = liquidity_stress(r, Eigen::MatrixXd(), volumes, 365.0, w, {});
  EXPECT_NE(no_value->impact.reason.find("no portfolio value"), std::string::npos);
  Eigen::MatrixXd gappy = Eigen::MatrixXd::Constant(100, 2, 0.001);
  gappy(10, 1) = std::nan("");
  auto bad = liquidity_stress(r, gappy, Eigen::MatrixXd(), 365.0, w, {});
  EXPECT_NE(bad->spread.reason.find("row 10"), std::string::npos) << bad->spread.reason;
  EXPECT_FALSE(
      liquidity_stress(r, Eigen::MatrixXd(), Eigen::MatrixXd(), 365.0, w, {.multiplier = 0.0})
          .is_ok());
}

}  // namespace
}  // namespace keel
