#include "keel/risk/var_backtest.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <random>

#include "support/random_problems.hpp"

namespace keel {
namespace {

TEST(Kupiec, ClosedFormStatistic) {
  // N = 250, x = 10, p = 0.01: LR = −2[240 ln .99 + 10 ln .01 − 240 ln .96 − 10 ln .04].
  auto t = kupiec_test(250, 10, 0.01);
  ASSERT_TRUE(t.is_ok());
  const double lr = -2.0 * (240 * std::log(0.99) + 10 * std::log(0.01) - 240 * std::log(0.96) -
                            10 * std::log(0.04));
  EXPECT_NEAR(t->lr_statistic, lr, 1e-12);
  EXPECT_NEAR(t->p_value, std::erfc(std::sqrt(lr / 2)), 1e-15);
  EXPECT_TRUE(t->reject_at_5pct);
  EXPECT_DOUBLE_EQ(t->expected, 2.5);
  // No exceedances: LR = −2 N ln(1 − p).
  auto zero = kupiec_test(100, 0, 0.05);
  EXPECT_NEAR(zero->lr_statistic, -200.0 * std::log(0.95), 1e-12);
  // Exactly the expected count: LR = 0, p-value 1.
  auto exact = kupiec_test(100, 5, 0.05);
  EXPECT_NEAR(exact->lr_statistic, 0.0, 1e-12);
  EXPECT_NEAR(exact->p_value, 1.0, 1e-6);
  EXPECT_FALSE(exact->reject_at_5pct);
  EXPECT_FALSE(kupiec_test(10, 11, 0.05).is_ok());
}

TEST(Kupiec, RollingBacktestCountsAgainstADirectLoop) {
  Random rng(17);
  Eigen::VectorXd r(600);
  for (Eigen::Index i = 0; i < r.size(); ++i) r[i] = 0.01 * rng.normal() * (i > 400 ? 3.0 : 1.0);
  auto b =
      backtest_var(r, {.window = 100, .var = {.method = VarMethod::kGaussian, .confidence = 0.99}});
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  EXPECT_EQ(b->kupiec.trials, 500);
  Eigen::Index count = 0;
  for (Eigen::Index t = 100; t < 600; ++t) {
    const auto w = r.segment(t - 100, 100);
    const double mu = w.mean();
    const double sd = std::sqrt((w.array() - mu).square().sum() / 99.0);
    const double var = -(mu + sd * -2.3263478740408408);
    EXPECT_NEAR(b->var_forecasts[t - 100], var, 1e-14);
    if (r[t] < -var) ++count;
  }
  EXPECT_EQ(b->kupiec.exceedances, count);
  EXPECT_EQ(static_cast<Eigen::Index>(b->exceedance_rows.size()), count);
  // The volatility tripling after row 400 makes the Gaussian VaR fail: the test must reject.
  EXPECT_TRUE(b->kupiec.reject_at_5pct);
}

TEST(Kupiec, RejectsUnsupportedOptions) {
  const Eigen::VectorXd r = Eigen::VectorXd::LinSpaced(50, -0.02, 0.02);
  EXPECT_FALSE(backtest_var(r, {.window = 60}).is_ok());
  EXPECT_FALSE(backtest_var(r, {.window = 20, .var = {.horizon = 2}}).is_ok());
  EXPECT_FALSE(backtest_var(r, {.window = 20, .var = {.method = VarMethod::kMonteCarlo}}).is_ok());
}

}  // namespace
}  // namespace keel
