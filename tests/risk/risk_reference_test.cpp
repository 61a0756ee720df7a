// Compares the risk module against tests/reference/risk/risk_fixtures.json, written by
// tests/reference/make_risk_fixtures.py (numpy/scipy, PerformanceAnalytics formulas; see there).

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "keel/estimate/distributions.hpp"
#include "keel/risk/contributions.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/measures.hpp"
#include "keel/risk/performance.hpp"
#include "keel/risk/var.hpp"
#include "keel/risk/var_backtest.hpp"
#include "support/fixtures.hpp"

namespace keel {
namespace {

using nlohmann::json;

using test::fixture_cases;

const json& fixtures() {
  static const json data = test::read_json_fixture(std::string(KEEL_SOURCE_DIR) +
                                                   "/tests/reference/risk/risk_fixtures.json");
  return data;
}

Eigen::MatrixXd matrix(const json& rows) {
  return test::fixture_matrix(rows, static_cast<Eigen::Index>(rows.at(0).size()), "matrix");
}

Eigen::VectorXd vector(const json& v) { return test::fixture_vector(v, "vector"); }

constexpr double kRel = 1e-12;

void expect_rel(double actual, double expected, double rel, const std::string& what) {
  EXPECT_NEAR(actual, expected, rel * std::max(1e-300, std::abs(expected))) << what;
}

TEST(RiskReference, NormalQuantileMatchesScipyNdtri) {
  for (const auto& c : fixture_cases(fixtures(), "normal_quantile")) {
    const double p = c["p"].get<double>();
    expect_rel(normal_quantile(p), c["x"].get<double>(), 1e-14, "p = " + std::to_string(p));
  }
}

TEST(RiskReference, ChiSquaredMatchesScipy) {
  for (const auto& c : fixture_cases(fixtures(), "chi_squared")) {
    const double x = c["x"].get<double>();
    const double k = c["dof"].get<double>();
    const std::string what = "x = " + std::to_string(x) + ", dof = " + std::to_string(k);
    expect_rel(chi_squared_cdf(x, k), c["cdf"].get<double>(), 1e-13, what);
    expect_rel(chi_squared_survival(x, k), c["sf"].get<double>(), 1e-12, what);
  }
}

class RiskDataset : public ::testing::TestWithParam<int> {
 protected:
  const json& data() const { return fixtures()["datasets"][GetParam()]; }
};

TEST_P(RiskDataset, MomentsAndDispersion) {
  const Eigen::VectorXd p = vector(data()["portfolio"]);
  auto m = sample_moments(p);
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  const auto& e = data()["moments"];
  expect_rel(m->mean, e["mean"].get<double>(), kRel, "mean");
  expect_rel(m->stddev, e["stddev"].get<double>(), kRel, "stddev");
  expect_rel(m->population_stddev, e["population_stddev"].get<double>(), kRel, "pop stddev");
  expect_rel(m->skewness, e["skewness"].get<double>(), 1e-11, "skewness");
  expect_rel(m->excess_kurtosis, e["excess_kurtosis"].get<double>(), 1e-11, "excess kurtosis");
  const auto& d = data()["dispersion"];
  expect_rel(*volatility(p), d["volatility"].get<double>(), kRel, "volatility");
  expect_rel(*semideviation(p), d["semideviation"].get<double>(), kRel, "semideviation");
  expect_rel(*mean_absolute_deviation(p), d["mean_absolute_deviation"].get<double>(), kRel, "mad");
  expect_rel(*worst_realisation(p), d["worst_realisation"].get<double>(), kRel, "worst");
}

TEST_P(RiskDataset, PortfolioReturnsEqualTheFixtureSeries) {
  auto p = portfolio_returns(matrix(data()["returns"]), vector(data()["weights"]));
  ASSERT_TRUE(p.is_ok());
  const Eigen::VectorXd expected = vector(data()["portfolio"]);
  EXPECT_LT((*p - expected).cwiseAbs().maxCoeff(), 1e-15);
}

TEST_P(RiskDataset, VarAndEsByEveryMethod) {
  const Eigen::VectorXd p = vector(data()["portfolio"]);
  for (const auto& c : fixture_cases(data(), "var")) {
    VarOptions o{.confidence = c["confidence"].get<double>(),
                 .horizon = c["horizon"].get<int>(),
                 .population_moments = c["population"].get<bool>()};
    const std::string what = "alpha " + std::to_string(o.confidence) + " h " +
                             std::to_string(o.horizon) + " pop " +
                             std::to_string(o.population_moments);
    o.method = VarMethod::kHistorical;
    auto h = value_at_risk(p, o);
    ASSERT_TRUE(h.is_ok()) << h.status().message();
    expect_rel(h->var, c["historical_var"].get<double>(), kRel, "historical var " + what);
    expect_rel(h->es, c["historical_es"].get<double>(), kRel, "historical es " + what);
    o.method = VarMethod::kGaussian;
    auto g = value_at_risk(p, o);
    ASSERT_TRUE(g.is_ok());
    expect_rel(g->var, c["gaussian_var"].get<double>(), kRel, "gaussian var " + what);
    expect_rel(g->es, c["gaussian_es"].get<double>(), kRel, "gaussian es " + what);
    o.method = VarMethod::kCornishFisher;
    auto cf = value_at_risk(p, o);
    ASSERT_TRUE(cf.is_ok());
    expect_rel(cf->quantile, c["z_cf"].get<double>(), 1e-11, "z_cf " + what);
    expect_rel(cf->var, c["modified_var"].get<double>(), 1e-11, "modified var " + what);
    expect_rel(cf->es, c["modified_es"].get<double>(), 1e-11, "modified es " + what);
  }
}

TEST_P(RiskDataset, Drawdowns) {
  const Eigen::VectorXd p = vector(data()["portfolio"]);
  for (const auto& c : fixture_cases(data(), "drawdown")) {
    DrawdownOptions o{.kind = c["compounded"].get<bool>() ? DrawdownKind::kCompounded
                                                          : DrawdownKind::kUncompounded,
                      .confidence = c["confidence"].get<double>()};
    auto d = drawdowns(p, o);
    ASSERT_TRUE(d.is_ok());
    const std::string what = std::string(to_string(o.kind)) + " " + std::to_string(o.confidence);
    expect_rel(d->max_drawdown, c["max_drawdown"].get<double>(), kRel, "max " + what);
    expect_rel(d->average_drawdown, c["average_drawdown"].get<double>(), kRel, "avg " + what);
    expect_rel(d->cdar, c["cdar"].get<double>(), kRel, "cdar " + what);
    expect_rel(d->ulcer_index, c["ulcer_index"].get<double>(), kRel, "ulcer " + what);
  }
}

TEST_P(RiskDataset, PerformanceStatistics) {
  const Eigen::VectorXd p = vector(data()["portfolio"]);
  ASSERT_FALSE(data()["performance"].empty());
  for (const auto& c : fixture_cases(data(), "performance")) {
    const PerformanceOptions o{.periods_per_year = c["periods_per_year"].get<double>(),
                               .risk_free_rate = c["risk_free_rate"].get<double>()};
    auto s = performance_summary(p, o);
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    const std::string what = "ppy " + std::to_string(o.periods_per_year);
    expect_rel(s->total_return, c["total_return"].get<double>(), 1e-11, "total return " + what);
    expect_rel(s->cagr, c["cagr"].get<double>(), 1e-11, "cagr " + what);
    expect_rel(s->volatility, c["volatility"].get<double>(), kRel, "volatility " + what);
    expect_rel(s->downside_deviation, c["downside_deviation"].get<double>(), kRel,
               "downside " + what);
    expect_rel(s->sharpe, c["sharpe"].get<double>(), 1e-11, "sharpe " + what);
    expect_rel(s->sortino, c["sortino"].get<double>(), 1e-11, "sortino " + what);
    expect_rel(s->calmar, c["calmar"].get<double>(), 1e-11, "calmar " + what);
    EXPECT_EQ(s->drawdown.longest_underwater, c["longest_underwater"].get<int>()) << what;
    EXPECT_GT(s->drawdown.longest_underwater, 1) << what;

    const auto window = c["window"].get<Eigen::Index>();
    auto rolling = rolling_volatility(p, window, o.periods_per_year);
    ASSERT_TRUE(rolling.is_ok()) << rolling.status().message();
    const json& expected = c["rolling_volatility"];
    ASSERT_EQ(static_cast<std::size_t>(rolling->size()), expected.size());
    for (std::size_t t = 0; t < expected.size(); ++t) {
      const double got = (*rolling)(static_cast<Eigen::Index>(t));
      if (expected[t].is_null()) {
        EXPECT_TRUE(std::isnan(got)) << "row " << t << " before a full window";
      } else {
        // pandas' rolling std uses an online update: agreement to ~1e-10 relative.
        expect_rel(got, expected[t].get<double>(), 1e-9, "rolling row " + std::to_string(t));
      }
    }
  }
}

TEST_P(RiskDataset, KupiecRollingBacktest) {
  const Eigen::VectorXd p = vector(data()["portfolio"]);
  for (const auto& c : fixture_cases(data(), "kupiec")) {
    VarBacktestOptions o{.window = c["window"].get<Eigen::Index>(),
                         .var = {.method = c["method"] == "historical" ? VarMethod::kHistorical
                                                                       : VarMethod::kGaussian,
                                 .confidence = c["confidence"].get<double>()}};
    auto b = backtest_var(p, o);
    ASSERT_TRUE(b.is_ok()) << b.status().message();
    EXPECT_EQ(b->kupiec.trials, c["trials"].get<Eigen::Index>());
    EXPECT_EQ(b->kupiec.exceedances, c["exceedances"].get<Eigen::Index>());
    expect_rel(b->kupiec.lr_statistic, c["lr_statistic"].get<double>(), 1e-10, "LR");
    expect_rel(b->kupiec.p_value, c["p_value"].get<double>(), 1e-10, "p-value");
    EXPECT_EQ(b->kupiec.reject_at_5pct, c["p_value"].get<double>() < 0.05);
  }
}

TEST_P(RiskDataset, ComponentContributions) {
  const Eigen::MatrixXd r = matrix(data()["returns"]);
  const Eigen::VectorXd w = vector(data()["weights"]);
  const std::pair<const char*, ContributionMeasure> names[] = {
      {"volatility", ContributionMeasure::kVolatility},
      {"gaussian-var", ContributionMeasure::kGaussianVar},
      {"gaussian-es", ContributionMeasure::kGaussianEs},
      {"modified-var", ContributionMeasure::kModifiedVar},
      {"modified-es", ContributionMeasure::kModifiedEs},
      {"historical-cvar", ContributionMeasure::kHistoricalCvar}};
  for (const auto& c : fixture_cases(data(), "contributions")) {
    ContributionOptions o{.confidence = c["confidence"].get<double>(),
                          .population_moments = c["population"].get<bool>()};
    for (const auto& [name, measure] : names) {
      if (c["measure"] == name) o.measure = measure;
    }
    ASSERT_EQ(to_string(o.measure), c["measure"].get<std::string>());
    auto rc = risk_contributions(r, w, o);
    ASSERT_TRUE(rc.is_ok()) << rc.status().message();
    const std::string what = c["measure"].get<std::string>() + " alpha " +
                             std::to_string(o.confidence) + " pop " +
                             std::to_string(o.population_moments);
    const double total = c["total"].get<double>();
    expect_rel(rc->total, total, 1e-11, "total " + what);
    const Eigen::VectorXd expected = vector(c["component"]);
    const double tol = c["tolerance"].get<double>() * std::abs(total);
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      EXPECT_NEAR(rc->component[i], expected[i], tol) << what << " asset " << i;
    }
    EXPECT_LT(rc->sum_residual, 1e-13);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeded, RiskDataset, ::testing::Values(0, 1));

}  // namespace
}  // namespace keel
