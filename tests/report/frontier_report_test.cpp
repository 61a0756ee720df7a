// The frontier report of a traced frontier (a group limit, so not the critical line's problem):
// the drawn curve is the traced points, the marked portfolios are the hand-computed
// minimum-variance and max-Sharpe portfolios, the text says the frontier is sampled, and there is
// no turning-point table.

#include "keel/report/frontier_report.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keel/optimize/frontier.hpp"

namespace keel::report {
namespace {

const Table* find_table(const Section& s, const std::string& title) {
  for (const auto& t : s.tables) {
    if (t.title == title) return &t;
  }
  return nullptr;
}

// Two uncorrelated assets, μ = (0.1, 0.2), σ = (0.2, 0.4), and the group {A} ≤ 0.7. Unconstrained,
// the minimum-variance portfolio is w ∝ 1/σ² → (0.8, 0.2); the group moves it to the boundary
// (0.7, 0.3): return 0.13, variance 0.49·0.04 + 0.09·0.16 = 0.034. The max-Sharpe portfolio
// (rf = 0) w ∝ Σ⁻¹μ → (2/3, 1/3) meets the group: return 0.1333, volatility 0.1886, Sharpe 0.7071.
// The maximum return is asset B alone, 0.2.
TEST(TracedFrontierReport, MarksHandComputedPortfoliosAndSaysSampled) {
  MeanVarianceProblem p;
  p.assets = {"A", "B"};
  p.expected_returns = Eigen::Vector2d(0.1, 0.2);
  p.covariance = Eigen::Vector2d(0.04, 0.16).asDiagonal();
  p.constraints.groups = {{"group[A]", {0}, -kInfinity, 0.7}};
  auto traced = trace_frontier(p, FrontierOptions{.points = 8});
  ASSERT_TRUE(traced.is_ok()) << traced.status().message();
  ASSERT_TRUE(traced->is_usable()) << traced->explanation;
  FrontierReportInput in{.meta = {},
                         .assets = p.assets,
                         .expected_returns = p.expected_returns,
                         .covariance = p.covariance,
                         .risk_free_rate = 0.0};
  auto report = frontier_report(*traced, in);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const Section& main = report->sections[0];
  EXPECT_NE(main.text.find("sampled, not exact"), std::string::npos);
  const Json& layers = main.charts[0].spec["layer"];
  ASSERT_EQ(layers[0]["data"]["values"].size(), 8u);
  const Json& marked = layers.back()["data"]["values"];
  ASSERT_EQ(marked.size(), 2u);
  EXPECT_EQ(marked[1]["portfolio"], "min variance");
  EXPECT_NEAR(marked[1]["return"].get<double>(), 0.13, 1e-6);  // chart data has 6 digits
  EXPECT_NEAR(marked[1]["volatility"].get<double>(), std::sqrt(0.034), 1e-6);
  EXPECT_EQ(marked[0]["portfolio"], "max Sharpe");
  EXPECT_NEAR(marked[0]["return"].get<double>(), 0.4 / 3.0, 1e-6);
  const Table* table = find_table(main, "Marked portfolios");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->rows[0], (std::vector<std::string>{"max Sharpe", "13.33%", "18.86%", "0.707"}));
  EXPECT_EQ(table->rows[1],
            (std::vector<std::string>{"min variance", "13.00%", "18.44%", "0.705"}));
  const Table* points = find_table(main, "Frontier points");
  ASSERT_NE(points, nullptr);
  ASSERT_EQ(points->rows.size(), 8u);
  EXPECT_EQ(points->rows.front()[0], "13.00%");
  EXPECT_EQ(points->rows.back()[0], "20.00%");
  for (const auto& s : report->sections) {
    EXPECT_EQ(find_table(s, "Turning points"), nullptr);
  }
}

TEST(TracedFrontierReport, RejectsUnusableFrontiers) {
  TracedFrontier failed;
  failed.status = SolveStatus::kInfeasible;
  failed.explanation = "groups conflict";
  FrontierReportInput in{.assets = {"A"},
                         .expected_returns = Eigen::VectorXd::Ones(1),
                         .covariance = Eigen::MatrixXd::Identity(1, 1)};
  auto report = frontier_report(failed, in);
  ASSERT_FALSE(report.is_ok());
  EXPECT_NE(report.status().message().find("groups conflict"), std::string::npos);
}

}  // namespace
}  // namespace keel::report
