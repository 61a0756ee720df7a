// The reports of optimize, frontier and risk: sections, charts and the numbers in their tables,
// checked against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "keel/optimize/critical_line.hpp"
#include "keel/optimize/model.hpp"
#include "keel/report/frontier_report.hpp"
#include "keel/report/optimize_report.hpp"
#include "keel/report/risk_report.hpp"

namespace keel::report {
namespace {

const Section* find_section(const Report& r, const std::string& title) {
  for (const auto& s : r.sections) {
    if (s.title == title) return &s;
  }
  return nullptr;
}

const Table* find_table(const Section& s, const std::string& title) {
  for (const auto& t : s.tables) {
    if (t.title == title) return &t;
  }
  return nullptr;
}

std::vector<std::string> chart_titles(const Report& r) {
  std::vector<std::string> titles;
  for (const auto& s : r.sections) {
    for (const auto& c : s.charts) titles.push_back(c.title);
  }
  return titles;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Three uncorrelated assets, Σ = diag(0.04, 0.09, 0.16), w = (0.5, 0.3, 0.2):
// wᵀΣw = 0.25·0.04 + 0.09·0.09 + 0.04·0.16 = 0.01 + 0.0081 + 0.0064 = 0.0245, so the shares of
// volatility are 0.01/0.0245 = 40.82%, 0.0081/0.0245 = 33.06%, 0.0064/0.0245 = 26.12%.
PortfolioResult three_asset_result() {
  PortfolioResult r;
  r.model = "min-variance";
  r.status = SolveStatus::kOptimal;
  r.assets = {"BTC", "ETH", "SOL"};
  r.weights = Eigen::Vector3d(0.5, 0.3, 0.2);
  r.performance = {0.1, std::sqrt(0.0245), 0.1 / std::sqrt(0.0245)};
  r.diagnostics.solver = "active-set";
  r.diagnostics.max_constraint_violation = 1e-15;
  return r;
}

TEST(OptimizeReport, ContributionsAndGroupsByHand) {
  OptimizeReportInput in;
  in.covariance = Eigen::Vector3d(0.04, 0.09, 0.16).asDiagonal();
  in.expected_returns = Eigen::Vector3d(0.05, 0.1, 0.2);
  in.groupings = {{"sector", {"L1", "L1", "L1"}}, {"chain", {"Bitcoin", "Ethereum", ""}}};
  auto report = optimize_report(three_asset_result(), in);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const Section* risk = find_section(*report, "Risk contributions");
  ASSERT_NE(risk, nullptr);
  const Table* contributors = find_table(*risk, "Largest risk contributors");
  ASSERT_NE(contributors, nullptr);
  ASSERT_EQ(contributors->rows.size(), 3u);
  // Marginal volatility of BTC: (Σw)_1 / σ = 0.04 · 0.5 / √0.0245 = 0.12778.
  EXPECT_EQ(contributors->rows[0], (std::vector<std::string>{"BTC", "40.82%", "50.00%", "0.1278"}));
  EXPECT_EQ(contributors->rows[1][1], "33.06%");
  EXPECT_EQ(contributors->rows[2][1], "26.12%");

  const Section* portfolio = find_section(*report, "Portfolio");
  ASSERT_NE(portfolio, nullptr);
  const Table* chains = find_table(*portfolio, "Weights by chain");
  ASSERT_NE(chains, nullptr);
  EXPECT_EQ(chains->rows[0], (std::vector<std::string>{"Bitcoin", "50.00%", "1"}));
  EXPECT_EQ(chains->rows[1], (std::vector<std::string>{"Ethereum", "30.00%", "1"}));
  EXPECT_EQ(chains->rows[2], (std::vector<std::string>{"untagged", "20.00%", "1"}));
  const auto titles = chart_titles(*report);
  EXPECT_TRUE(has(titles, "Weights by asset"));
  EXPECT_TRUE(has(titles, "Weights by sector"));
  EXPECT_TRUE(has(titles, "Weights by chain"));
  EXPECT_TRUE(has(titles, "Risk contributions vs weights"));
  EXPECT_TRUE(has(titles, "Correlation (clustered order)"));
  EXPECT_TRUE(has(titles, "Assets and portfolio: risk and return"));
  EXPECT_FALSE(has(titles, "Dendrogram of the min-variance clustering"));  // not a tree model
}

TEST(OptimizeReport, HierarchicalModelsShowTheirOwnDendrogramOrder) {
  ModelInputs inputs;
  inputs.assets = {"A", "B", "C", "D"};
  Eigen::Matrix4d corr;
  corr << 1, 0.9, 0.1, 0.1,  //
      0.9, 1, 0.1, 0.1,      //
      0.1, 0.1, 1, 0.8,      //
      0.1, 0.1, 0.8, 1;
  const Eigen::Vector4d sd(0.5, 0.6, 0.7, 0.8);
  inputs.covariance = sd.asDiagonal() * corr * sd.asDiagonal();
  ModelSpec spec;
  spec.model = PortfolioModel::kHrp;
  auto result = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  ASSERT_TRUE(result->is_usable());
  OptimizeReportInput in;
  in.covariance = inputs.covariance;
  auto report = optimize_report(*result, in);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const Section* structure = find_section(*report, "Correlation structure");
  ASSERT_NE(structure, nullptr);
  ASSERT_EQ(structure->charts.size(), 2u);
  EXPECT_EQ(structure->charts[0].title, "Correlation (dendrogram order)");
  EXPECT_EQ(structure->charts[1].title, "Dendrogram of the hrp clustering");
  // The heatmap's order is the model's leaf order.
  Json order = Json::array();
  for (const auto& name : result->details["leaf_order"]) order.push_back(name);
  EXPECT_EQ(structure->charts[0].spec["encoding"]["x"]["sort"], order);
  // Correlation recovered from Σ: ρ_AB = 0.9.
  bool found = false;
  for (const auto& row : structure->charts[0].spec["data"]["values"]) {
    if (row["row"] == "A" && row["column"] == "B") {
      EXPECT_DOUBLE_EQ(row["correlation"].get<double>(), 0.9);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  const Table* pairs = find_table(*structure, "Most and least correlated pairs");
  ASSERT_NE(pairs, nullptr);
  EXPECT_EQ(pairs->rows[0][0], "A / B");
  EXPECT_EQ(pairs->rows[0][1], "0.900");
  // No expected returns: no risk/return section.
  EXPECT_EQ(find_section(*report, "Risk and return"), nullptr);
}

TEST(OptimizeReport, UnusableResultExplainsWhy) {
  PortfolioResult r = three_asset_result();
  r.status = SolveStatus::kInfeasible;
  r.weights.resize(0);
  r.diagnostics.explanation = "the group minimums add up to more than the budget";
  r.diagnostics.conflicting_constraints = {"group L1 >= 0.8", "group L2 >= 0.5"};
  OptimizeReportInput in;
  in.covariance = Eigen::Matrix3d::Identity();
  auto report = optimize_report(r, in);
  ASSERT_TRUE(report.is_ok());
  ASSERT_EQ(report->sections.size(), 1u);
  EXPECT_EQ(report->sections[0].title, "No usable portfolio");
  EXPECT_TRUE(report->sections[0].charts.empty());
  const auto& rows = report->sections[0].tables[0].rows;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"status", "infeasible"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"conflicting constraint", "group L1 >= 0.8"}));
}

TEST(OptimizeReport, RejectsMismatchedInputs) {
  OptimizeReportInput in;
  in.covariance = Eigen::Matrix2d::Identity();
  EXPECT_FALSE(optimize_report(three_asset_result(), in).is_ok());
  in.covariance = Eigen::Matrix3d::Identity();
  in.groupings = {{"sector", {"a"}}};
  EXPECT_FALSE(optimize_report(three_asset_result(), in).is_ok());
}

// Two uncorrelated assets with μ = (0.1, 0.2), σ = (0.2, 0.4): the minimum-variance portfolio is
// w ∝ 1/σ² = (25, 6.25) → (0.8, 0.2), return 0.12, variance 0.64·0.04 + 0.04·0.16 = 0.032.
TEST(FrontierReport, MarksMinVarianceAndMaxSharpe) {
  const Eigen::Vector2d mu(0.1, 0.2);
  const Eigen::Matrix2d cov = Eigen::Vector2d(0.04, 0.16).asDiagonal();
  auto frontier = critical_line(mu, cov, Eigen::Vector2d::Zero(), Eigen::Vector2d::Ones());
  ASSERT_TRUE(frontier.is_ok());
  FrontierReportInput in{.meta = {},
                         .assets = {"A", "B"},
                         .expected_returns = mu,
                         .covariance = cov,
                         .risk_free_rate = 0.0,
                         .points = {},
                         .curve_points = 50};
  auto report = frontier_report(*frontier, in);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const Section& main = report->sections[0];
  const Json& layers = main.charts[0].spec["layer"];
  EXPECT_EQ(layers[0]["data"]["values"].size(), 50u);
  const Json& marked = layers.back()["data"]["values"];
  ASSERT_EQ(marked.size(), 2u);
  EXPECT_EQ(marked[1]["portfolio"], "min variance");
  EXPECT_NEAR(marked[1]["return"].get<double>(), 0.12, 1e-6);
  EXPECT_NEAR(marked[1]["volatility"].get<double>(), std::sqrt(0.032), 1e-6);
  // Max Sharpe with rf = 0 for uncorrelated assets: w ∝ Σ⁻¹μ = (2.5, 1.25) → (2/3, 1/3),
  // return 0.1333…, variance 4/9·0.04 + 1/9·0.16 = 0.0356, Sharpe 0.7071.
  EXPECT_EQ(marked[0]["portfolio"], "max Sharpe");
  EXPECT_NEAR(marked[0]["return"].get<double>(), 0.4 / 3.0, 1e-5);
  const Table* table = find_table(main, "Marked portfolios");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->rows[0], (std::vector<std::string>{"max Sharpe", "13.33%", "18.86%", "0.707"}));
  EXPECT_EQ(table->rows[1],
            (std::vector<std::string>{"min variance", "12.00%", "17.89%", "0.671"}));
  const Table* points = find_table(main, "Frontier points");
  ASSERT_NE(points, nullptr);
  EXPECT_EQ(points->rows.size(), 20u);
  EXPECT_EQ(points->rows.front()[0], "12.00%");
  EXPECT_EQ(points->rows.back()[0], "20.00%");
}

// Returns 10%, −50%, 20%, 10%: wealth 1.1, 0.55, 0.66, 0.726; the compounded drawdown peaks at
// 1 − 0.55/1.1 = 50% on the second day; total return −27.4%. Uncompounded: cumulative sums 0.1,
// −0.4, −0.2, −0.1, maximum drawdown 0.1 − (−0.4) = 0.5.
TEST(RiskReport, DrawdownAndGrowthByHand) {
  RiskReportInput in;
  in.assets = {"A"};
  in.weights = Eigen::VectorXd::Ones(1);
  in.timestamps = {86400, 2 * 86400, 3 * 86400, 4 * 86400};
  in.portfolio_returns = Eigen::Vector4d(0.1, -0.5, 0.2, 0.1);
  in.periods_per_year = 365;
  in.tail_risk = {{"historical", 0.5, 0.5, std::nan("")}};
  in.contributions = {
      {"volatility", 0.3, Eigen::VectorXd::Constant(1, 0.3), Eigen::VectorXd::Ones(1)}};
  auto report = risk_report(in);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const Section* dd = find_section(*report, "Drawdowns and growth");
  ASSERT_NE(dd, nullptr);
  const Table* t = find_table(*dd, "Return and drawdown");
  ASSERT_NE(t, nullptr);
  auto value = [&](const std::string& name) {
    for (const auto& row : t->rows) {
      if (row[0] == name) return row[1];
    }
    return std::string("missing");
  };
  EXPECT_EQ(value("total return"), "-27.40%");
  EXPECT_EQ(value("max drawdown (compounded)"), "50.00%");
  EXPECT_EQ(value("peak before it"), "1970-01-02");
  EXPECT_EQ(value("trough"), "1970-01-03");
  EXPECT_EQ(value("max drawdown (uncompounded)"), "50.00%");
  // The growth chart draws the wealth path and the drawdown chart its negative drawdowns.
  const Json& growth = dd->charts[0].spec["data"]["values"];
  ASSERT_EQ(growth.size(), 4u);
  EXPECT_DOUBLE_EQ(growth[1]["value"].get<double>(), 0.55);
  EXPECT_DOUBLE_EQ(growth[3]["value"].get<double>(), 0.726);
  const Json& drawdown = dd->charts[1].spec["data"]["values"];
  EXPECT_DOUBLE_EQ(drawdown[1]["value"].get<double>(), -0.5);
  EXPECT_DOUBLE_EQ(drawdown[2]["value"].get<double>(), -0.4);  // 1 − 0.66/1.1
  const auto titles = chart_titles(*report);
  EXPECT_TRUE(has(titles, "VaR and CVaR by method (95%, 1 day)"));
  // The rolling volatility says "daily returns" (it once said "dayly").
  const Section* rolling = find_section(*report, "Rolling volatility");
  ASSERT_NE(rolling, nullptr);
  EXPECT_NE(rolling->text.find(" daily returns"), std::string::npos) << rolling->text;
  for (const auto& section : report->sections) {
    EXPECT_EQ(section.text.find("dayly"), std::string::npos);
  }
  EXPECT_TRUE(has(titles, "Contributions to volatility vs weights"));
}

TEST(RiskReport, LogReturnsCompound) {
  RiskReportInput in;
  in.assets = {"A"};
  in.weights = Eigen::VectorXd::Ones(1);
  in.timestamps = {86400, 2 * 86400, 3 * 86400};
  in.portfolio_returns = Eigen::Vector3d(std::log(1.1), std::log(0.5), std::log(1.2));
  in.log_returns = true;
  auto report = risk_report(in);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const Json& growth =
      find_section(*report, "Drawdowns and growth")->charts[0].spec["data"]["values"];
  EXPECT_DOUBLE_EQ(growth[2]["value"].get<double>(), 0.66);  // 1.1 · 0.5 · 1.2
}

TEST(RiskReport, RejectsBadInputs) {
  RiskReportInput in;
  in.assets = {"A"};
  in.weights = Eigen::VectorXd::Ones(1);
  in.timestamps = {1, 2};
  in.portfolio_returns = Eigen::Vector2d(0.1, std::nan(""));
  EXPECT_FALSE(risk_report(in).is_ok());
  in.portfolio_returns = Eigen::Vector2d(0.1, -1.5);  // wealth below zero
  EXPECT_FALSE(risk_report(in).is_ok());
  in.portfolio_returns = Eigen::Vector2d(0.1, 0.2);
  in.weights = Eigen::Vector2d(0.5, 0.5);
  EXPECT_FALSE(risk_report(in).is_ok());
}

}  // namespace
}  // namespace keel::report
