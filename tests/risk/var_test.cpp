// Unit tests of distributions, VaR/ES, measures and drawdowns against closed forms, direct
// sorts and invariants.

#include "keel/risk/var.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "keel/estimate/distributions.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/measures.hpp"
#include "risk/cornish_fisher.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

Eigen::VectorXd student_t_series(std::uint32_t seed, Eigen::Index n, double dof = 4.0) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t(dof);
  Eigen::VectorXd r(n);
  for (Eigen::Index i = 0; i < n; ++i) r[i] = 0.0005 + 0.02 * t(rng);
  return r;
}

TEST(Distributions, NormalQuantileKnownValuesAndRoundTrip) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_NEAR(normal_quantile(0.05), -1.6448536269514729, 1e-15);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_EQ(normal_quantile(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
  for (double p : {1e-12, 1e-6, 0.01, 0.02425, 0.1, 0.3, 0.6, 0.9, 0.99, 0.999999}) {
    const double x = normal_quantile(p);
    EXPECT_NEAR(normal_cdf(x), p, 4e-16 * std::max(p, 1e-300) / std::min(p, 1.0) + 1e-16)
        << "p = " << p;
    // Symmetry on an exactly representable pair: for pc ≥ ½, 1 − pc is exact (Sterbenz).
    const double pc = std::max(p, 1.0 - p);
    EXPECT_EQ(normal_quantile(pc), -normal_quantile(1.0 - pc));
  }
}

TEST(Distributions, ChiSquaredOneDofIsSquaredNormal) {
  for (double x : {0.1, 1.0, 3.841458820694124, 10.0}) {
    const double via_normal = 2.0 * normal_cdf(std::sqrt(x)) - 1.0;
    EXPECT_NEAR(chi_squared_cdf(x, 1.0), via_normal, 1e-15);
    EXPECT_NEAR(chi_squared_cdf(x, 2.0), 1.0 - std::exp(-0.5 * x), 1e-15);  // exponential
  }
  EXPECT_NEAR(chi_squared_survival(3.841458820694124, 1.0), 0.05, 1e-15);
  EXPECT_NEAR(regularized_lower_gamma(3.0, 2.5) + regularized_upper_gamma(3.0, 2.5), 1.0, 1e-15);
}

TEST(Var, GaussianClosedForm) {
  const Eigen::VectorXd r = student_t_series(7, 400);
  const double mu = r.mean();
  const double sd = std::sqrt((r.array() - mu).square().sum() / (r.size() - 1));
  auto v = value_at_risk(r, {.method = VarMethod::kGaussian, .confidence = 0.99, .horizon = 4});
  ASSERT_TRUE(v.is_ok());
  const double z01 = -2.3263478740408408;  // Φ⁻¹(0.01)
  EXPECT_NEAR(v->var, -(4 * mu + 2 * sd * z01), 1e-15);
  EXPECT_NEAR(
      v->es, -4 * mu + 2 * sd * std::exp(-0.5 * z01 * z01) / std::sqrt(2 * std::numbers::pi) / 0.01,
      1e-14);
  EXPECT_LE(v->var, v->es);
}

TEST(Var, CornishFisherReducesToGaussianWithoutHigherMoments) {
  for (double p : {0.01, 0.05, 0.1}) {
    const auto cf = risk_detail::cornish_fisher(p, 0.0, 0.0);
    EXPECT_NEAR(cf.z_cf, normal_quantile(p), 1e-15);
    // Gaussian ES: E = φ(z)/p, and modified ES = −μ + σ φ(z)/p.
    EXPECT_NEAR(cf.e, normal_pdf(normal_quantile(p)) / p, 1e-13);
  }
}

TEST(Var, CornishFisherClosedFormWithMoments) {
  const Eigen::VectorXd r = student_t_series(11, 1000, 6.0);
  auto m = sample_moments(r);
  ASSERT_TRUE(m.is_ok());
  const double z = normal_quantile(0.05);
  const double s = m->skewness, k = m->excess_kurtosis;
  const double zcf =
      z + (z * z - 1) * s / 6 + (z * z * z - 3 * z) * k / 24 - (2 * z * z * z - 5 * z) * s * s / 36;
  auto v = value_at_risk(r, {.method = VarMethod::kCornishFisher});
  ASSERT_TRUE(v.is_ok());
  EXPECT_NEAR(v->var, -(m->mean + m->stddev * zcf), 1e-15);
}

TEST(Var, CornishFisherPartialDerivativesMatchFiniteDifferences) {
  const double p = 0.05, s = -0.4, k = 2.0, eps = 1e-6;
  const auto cf = risk_detail::cornish_fisher(p, s, k);
  const auto fd = [&](double ds, double dk) {
    const auto a = risk_detail::cornish_fisher(p, s + ds, k + dk);
    const auto b = risk_detail::cornish_fisher(p, s - ds, k - dk);
    return std::pair{(a.z_cf - b.z_cf) / (2 * eps), (a.e - b.e) / (2 * eps)};
  };
  EXPECT_NEAR(cf.dz_ds, fd(eps, 0).first, 1e-8);
  EXPECT_NEAR(cf.de_ds, fd(eps, 0).second, 1e-7);
  EXPECT_NEAR(cf.dz_dk, fd(0, eps).first, 1e-8);
  EXPECT_NEAR(cf.de_dk, fd(0, eps).second, 1e-7);
}

TEST(Var, HistoricalMatchesDirectSortWithFractionalTail) {
  for (Eigen::Index n : {1, 7, 100, 101, 999, 2000}) {
    const Eigen::VectorXd r = student_t_series(static_cast<std::uint32_t>(n), n);
    std::vector<double> sorted(r.data(), r.data() + n);
    std::sort(sorted.begin(), sorted.end());
    for (double alpha : {0.9, 0.95, 0.975, 0.99}) {
      double m = (1.0 - alpha) * static_cast<double>(n);
      if (std::abs(m - std::round(m)) < 1e-9 * std::max(1.0, m)) m = std::round(m);
      const auto k = std::max<Eigen::Index>(1, static_cast<Eigen::Index>(std::ceil(m)));
      double expected_es = -sorted[0];
      if (m >= 1.0) {
        double sum = 0.0;
        for (Eigen::Index i = 0; i + 1 < k; ++i) sum += sorted[i];
        expected_es = -(sum + (m - static_cast<double>(k - 1)) * sorted[k - 1]) / m;
      }
      Eigen::VectorXd work = r;
      const EmpiricalTail tail = empirical_tail(work, alpha);
      EXPECT_EQ(tail.tail_count, k) << n << " " << alpha;
      EXPECT_EQ(tail.var, -sorted[k - 1]) << n << " " << alpha;
      EXPECT_NEAR(tail.es, expected_es, 1e-14) << n << " " << alpha;
      EXPECT_LE(tail.var, tail.es + 1e-15);
    }
  }
}

TEST(Var, TailSizeSnapsBinaryNoise) {
  EXPECT_EQ(tail_size(0.95, 100), 5.0);
  EXPECT_EQ(tail_count(tail_size(0.95, 100)), 5);
  EXPECT_EQ(tail_count(tail_size(0.95, 1000)), 50);
  EXPECT_NEAR(tail_size(0.95, 110), 5.5, 1e-12);
  EXPECT_EQ(tail_count(5.5), 6);
}

TEST(Var, HistoricalCvarIsSubadditiveOnRandomPairs) {
  std::mt19937_64 rng(42);
  std::student_t_distribution<double> t(3.0);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    const Eigen::Index n = 50 + trial * 3;
    Eigen::VectorXd a(n), b(n);
    const double rho = u(rng);
    for (Eigen::Index i = 0; i < n; ++i) {
      a[i] = 0.02 * t(rng);
      b[i] = rho * a[i] + 0.03 * t(rng);
    }
    const double alpha = trial % 2 ? 0.95 : 0.99;
    const VarOptions o{.confidence = alpha};
    const double es_a = value_at_risk(a, o)->es;
    const double es_b = value_at_risk(b, o)->es;
    const Eigen::VectorXd ab = a + b;
    const double es_ab = value_at_risk(ab, o)->es;
    EXPECT_LE(es_ab, es_a + es_b + 1e-14) << "trial " << trial;
  }
}

TEST(Var, HistoricalHorizonAggregatesNonOverlappingBlocks) {
  Eigen::VectorXd r(7);
  r << 0.5, 0.01, -0.02, 0.03, -0.05, 0.04, -0.01;  // first row is dropped for h = 3
  auto v = value_at_risk(r, {.confidence = 0.5, .horizon = 3});
  ASSERT_TRUE(v.is_ok());
  const double b1 = 1.01 * 0.98 * 1.03 - 1.0;
  const double b2 = 0.95 * 1.04 * 0.99 - 1.0;
  EXPECT_EQ(v->observations, 2);
  EXPECT_NEAR(v->var, -std::min(b1, b2), 1e-15);  // m = 1: the worst block
  auto log_v = value_at_risk(r, {.confidence = 0.5, .horizon = 3, .log_returns = true});
  EXPECT_NEAR(log_v->var, -std::min(0.01 - 0.02 + 0.03, -0.05 + 0.04 - 0.01), 1e-15);
}

TEST(Var, ScenarioVarEqualsHistoricalOfThePnl) {
  Random rng(3);
  const Eigen::MatrixXd s = test::normal_matrix(rng, 5000, 8, 0.01);
  Eigen::VectorXd w = Eigen::VectorXd::Constant(8, 0.125);
  auto mc = scenario_var(s, w, {.method = VarMethod::kMonteCarlo, .confidence = 0.99});
  ASSERT_TRUE(mc.is_ok());
  const Eigen::VectorXd pnl = s * w;
  auto h = value_at_risk(pnl, {.confidence = 0.99});
  EXPECT_EQ(mc->var, h->var);
  EXPECT_NEAR(mc->es, h->es, 1e-16);
  // For 5000 normal scenarios the MC VaR is close to the Gaussian closed form 2.326·σ.
  EXPECT_NEAR(mc->var, 2.326 * 0.01 / std::sqrt(8.0), 0.0012);
}

TEST(Var, RejectsBadInputNamingTheRowOrOption) {
  Eigen::VectorXd r = student_t_series(1, 20);
  r[13] = std::numeric_limits<double>::quiet_NaN();
  auto v = value_at_risk(r, {});
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(v.status().message().find("row 13"), std::string::npos);
  r[13] = 0.0;
  EXPECT_FALSE(value_at_risk(r, {.confidence = 1.0}).is_ok());
  EXPECT_FALSE(value_at_risk(r, {.horizon = 0}).is_ok());
  EXPECT_FALSE(value_at_risk(r, {.method = VarMethod::kMonteCarlo}).is_ok());
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(10, 3);
  s(4, 2) = std::numeric_limits<double>::infinity();
  auto mc = scenario_var(s, Eigen::VectorXd::Ones(3), {.method = VarMethod::kMonteCarlo});
  ASSERT_FALSE(mc.is_ok());
  EXPECT_NE(mc.status().message().find("row 4, asset column 2"), std::string::npos);
  EXPECT_FALSE(scenario_var(s, Eigen::VectorXd::Ones(2), {}).is_ok());
}

TEST(Measures, HandComputedDispersionAndAnnualisation) {
  Eigen::VectorXd r(4);
  r << 0.02, -0.01, 0.03, -0.04;  // mean 0
  EXPECT_NEAR(*volatility(r), std::sqrt((4e-4 + 1e-4 + 9e-4 + 16e-4) / 3.0), 1e-16);
  EXPECT_NEAR(*semideviation(r), std::sqrt((1e-4 + 16e-4) / 3.0), 1e-16);
  EXPECT_NEAR(*mean_absolute_deviation(r), 0.025, 1e-16);
  EXPECT_NEAR(*worst_realisation(r), 0.04, 1e-16);
  EXPECT_NEAR(annualise(0.01, 365.0), 0.01 * std::sqrt(365.0), 1e-16);
  auto s = summarize_risk(r, {.periods_per_year = 365.0});
  ASSERT_TRUE(s.is_ok());
  EXPECT_NEAR(s->annualised_volatility, *volatility(r) * std::sqrt(365.0), 1e-15);
  EXPECT_FALSE(summarize_risk(r, {}).is_ok());  // periods_per_year has no hidden default
  EXPECT_NEAR(*risk_measure(r, RiskMeasure::kMaxDrawdown), 0.04, 1e-16);
  EXPECT_EQ(to_string(RiskMeasure::kCdar), "cdar");
}

TEST(Drawdown, HandComputedUncompoundedAndCompounded) {
  Eigen::VectorXd r(5);
  r << 0.10, -0.05, -0.10, 0.20, -0.10;
  // Cumulative sums 0.10, 0.05, −0.05, 0.15, 0.05 → drawdowns 0, .05, .15, 0, .10.
  auto u = drawdowns(r, {.confidence = 0.6});
  ASSERT_TRUE(u.is_ok());
  EXPECT_NEAR(u->max_drawdown, 0.15, 1e-15);
  EXPECT_NEAR(u->average_drawdown, 0.30 / 5, 1e-15);
  EXPECT_NEAR(u->ulcer_index, std::sqrt((0.0025 + 0.0225 + 0.01) / 5), 1e-15);
  EXPECT_NEAR(u->cdar, (0.15 + 0.10) / 2, 1e-15);  // m = 2 worst drawdowns
  EXPECT_EQ(u->peak_row, 0);
  EXPECT_EQ(u->trough_row, 2);
  // Wealth 1.1, 1.045, 0.9405, 1.1286, 1.01574.
  auto c = drawdowns(r, {.kind = DrawdownKind::kCompounded, .confidence = 0.6});
  ASSERT_TRUE(c.is_ok());
  EXPECT_NEAR(c->max_drawdown, 1.0 - 0.9405 / 1.1, 1e-15);
  EXPECT_NEAR(c->drawdown[4], 0.10, 1e-15);
  // Under water from the peak at row 0 through row 2 (two rows), then from row 3 on (one row).
  EXPECT_EQ(c->longest_underwater, 2);
  EXPECT_EQ(c->underwater_peak_row, 0);
  EXPECT_EQ(c->underwater_last_row, 2);
  EXPECT_EQ(c->ruin_row, -1);
}

TEST(Drawdown, LongestUnderwaterCountsFromTheStartingCapital) {
  Eigen::VectorXd r(6);
  r << -0.1, -0.1, 0.05, 0.5, -0.01, 0.02;  // under water rows 0–2 from the start; row 4 alone
  auto c = drawdowns(r, {.kind = DrawdownKind::kCompounded});
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->longest_underwater, 3);
  EXPECT_EQ(c->underwater_peak_row, -1);
  EXPECT_EQ(c->underwater_last_row, 2);
  Eigen::VectorXd flat = Eigen::VectorXd::Zero(4);
  auto none = drawdowns(flat, {.kind = DrawdownKind::kCompounded});
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->longest_underwater, 0);
  EXPECT_EQ(none->underwater_peak_row, -1);
  EXPECT_EQ(none->underwater_last_row, -1);
}

TEST(Drawdown, RuinFreezesCompoundedWealthBelowZero) {
  // A leveraged book loses 130% on row 1: wealth 1.1 → −0.33 and stays there; the drawdown is
  // 1 + 0.33/1.1 = 130% of the peak from then on, and later returns compound nothing.
  Eigen::VectorXd bust(4);
  bust << 0.1, -1.3, 0.5, -0.2;
  auto c = drawdowns(bust, {.kind = DrawdownKind::kCompounded});
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  EXPECT_EQ(c->ruin_row, 1);
  const double ruined = 1.0 - 1.1 * (1.0 - 1.3) / 1.1;
  EXPECT_NEAR(c->drawdown[1], ruined, 1e-15);
  EXPECT_NEAR(c->drawdown[3], ruined, 1e-15);
  EXPECT_NEAR(c->max_drawdown, 1.3, 1e-15);
  EXPECT_EQ(c->longest_underwater, 3);
}

TEST(Drawdown, CdarLiesBetweenAverageAndMaximum) {
  const Eigen::VectorXd r = student_t_series(5, 730);
  for (double alpha : {0.5, 0.9, 0.95, 0.99}) {
    auto d = drawdowns(r, {.confidence = alpha});
    ASSERT_TRUE(d.is_ok());
    EXPECT_GE(d->cdar, d->average_drawdown - 1e-15);
    EXPECT_LE(d->cdar, d->max_drawdown + 1e-15);
  }
}

}  // namespace
}  // namespace keel
