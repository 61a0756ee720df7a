#include "keel/risk/stress.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <vector>

#include "keel/core/time.hpp"

namespace keel {
namespace {

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

TEST(Stress, ReplayCompoundsTheRowsInsideTheWindow) {
  std::vector<Timestamp> ts;
  for (int d = 5; d <= 18; ++d) ts.push_back(day(2020, 3, d));
  Eigen::MatrixXd r = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(ts.size()), 2, 0.5);
  // Rows ending 2020-03-09 .. 2020-03-16 (8 rows) are inside (start, end]; give them known values.
  for (Eigen::Index t = 4; t <= 11; ++t) {
    r(t, 0) = -0.1;
    r(t, 1) = 0.01;
  }
  const Eigen::Vector2d w(0.7, -0.3);
  auto covid = crypto_stress_windows().front();
  ASSERT_EQ(covid.name, "covid-crash-2020");
  auto s = replay_window(ts, r, w, covid);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->rows, 8);
  EXPECT_NEAR(s->asset_pnl[0], 0.7 * (std::pow(0.9, 8) - 1.0), 1e-15);
  EXPECT_NEAR(s->asset_pnl[1], -0.3 * (std::pow(1.01, 8) - 1.0), 1e-15);
  EXPECT_NEAR(s->total, s->asset_pnl.sum(), 1e-16);
  auto outside = replay_window(ts, r, w, {"later", day(2021, 1, 1), day(2021, 2, 1)});
  ASSERT_FALSE(outside.is_ok());
  EXPECT_NE(outside.status().message().find("2020-03-05 .. 2020-03-18"), std::string::npos);
  r(6, 1) = std::nan("");
  auto gap = replay_window(ts, r, w, covid);
  ASSERT_FALSE(gap.is_ok());
  EXPECT_NE(gap.status().message().find("2020-03-11"), std::string::npos);
}

TEST(Stress, ShocksLaterOverrideEarlier) {
  const Eigen::Vector3d w(0.5, 0.3, 0.2);
  auto s = apply_shocks(w, {{{0, 1, 2}, -0.3}, {{2}, 0.0}});
  ASSERT_TRUE(s.is_ok());
  EXPECT_NEAR(s->total, -0.3 * 0.8, 1e-16);
  EXPECT_EQ(s->asset_pnl[2], 0.0);
  EXPECT_FALSE(apply_shocks(w, {{{3}, -0.1}}).is_ok());
}

TEST(Stress, CorrelationStressClosedFormsAndPsd) {
  Eigen::Matrix3d corr;
  corr << 1.0, -0.4, 0.2, -0.4, 1.0, 0.1, 0.2, 0.1, 1.0;
  const Eigen::Vector3d sd(0.04, 0.05, 0.02);
  const Eigen::Matrix3d cov = sd.asDiagonal() * corr * sd.asDiagonal();
  const Eigen::Vector3d w(0.5, 0.3, 0.2);
  const Eigen::Vector3d mu = Eigen::Vector3d::Zero();
  // λ = 1, multiplier 2: all correlations one, σ_p = 2 Σ w_i σ_i.
  auto full = stress_correlation(
      cov, mu, w, {.correlation_shift = 1.0, .volatility_multiplier = 2.0, .confidence = 0.99});
  ASSERT_TRUE(full.is_ok()) << full.status().message();
  const double sigma = 2.0 * w.dot(sd);
  EXPECT_NEAR(full->stressed_var, 2.3263478740408408 * sigma, 1e-14);
  EXPECT_NEAR(full->base_var, 2.3263478740408408 * std::sqrt(w.dot(cov * w)), 1e-14);
  EXPECT_GE(full->stressed_es, full->stressed_var);
  // λ = 0, multiplier 1 reproduces the base.
  auto none =
      stress_correlation(cov, mu, w, {.correlation_shift = 0.0, .volatility_multiplier = 1.0});
  EXPECT_NEAR(none->stressed_var, none->base_var, 1e-15);
  EXPECT_LT((none->stressed_covariance - cov).cwiseAbs().maxCoeff(), 1e-17);
  for (double lambda : {0.1, 0.5, 0.9}) {
    auto s = stress_correlation(cov, mu, w, {.correlation_shift = lambda});
    ASSERT_TRUE(s.is_ok());
    EXPECT_GE(s->min_eigenvalue, -1e-12);
    EXPECT_GT(s->stressed_var, s->base_var);
  }
  Eigen::Matrix3d bad = cov;
  bad(0, 1) = bad(1, 0) = 0.04 * 0.05 * 1.5;  // correlation 1.5: not PSD
  EXPECT_FALSE(stress_correlation(bad, mu, w, {}).is_ok());
}

}  // namespace
}  // namespace keel
