// The stress report: sections, the scenario bars against the library results, the per-asset bars
// of the worst scenario, and the reasons for windows not replayed and models not computed.
#include "keel/report/stress_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "keel/core/table.hpp"

namespace keel::report {
namespace {

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

const Section* find_section(const Report& r, const std::string& title) {
  for (const auto& s : r.sections) {
    if (s.title == title) return &s;
  }
  return nullptr;
}

// Rows {"scenario", "pnl"} of a stress_pnl_chart spec, as label → value.
std::map<std::string, double> bars(const Json& spec) {
  std::map<std::string, double> out;
  for (const auto& row : spec["data"]["values"]) {
    out[row["scenario"].get<std::string>()] = row["pnl"].get<double>();
  }
  return out;
}

StressReportInput input() {
  StressReportInput in;
  in.assets = {"BTC", "ETH", "USDC"};
  in.weights = Eigen::Vector3d(0.5, 0.3, 0.2);
  in.portfolio_value = 1e6;
  // Daily prices 1..20 March 2020: BTC halves over 10..13 March, ETH falls 60%, USDC flat.
  PricePanel p;
  p.assets = {"BTC", "ETH", "USDC", "PROXY"};
  p.prices.resize(20, 4);
  for (int i = 0; i < 20; ++i) {
    p.timestamps.push_back(day(2020, 3, 1 + i));
    p.prices(i, 0) = i < 10 ? 8000.0 : (i < 13 ? 8000.0 - 1333.0 * (i - 9) : 4000.0);
    p.prices(i, 1) = i < 10 ? 200.0 : 80.0;
    p.prices(i, 2) = 1.0;
    p.prices(i, 3) = 1.0 + 0.01 * i;
  }
  auto windows = select_stress_windows("all", {});
  auto h = replay_stress_windows(p, Eigen::Vector4d(0.5, 0.3, 0.2, 0.0), *windows);
  EXPECT_TRUE(h.is_ok()) << h.status().message();
  in.historical = *h;
  ShockScenario sc;
  sc.name = "ETH -90%";
  ShockSpec s;
  s.assets = {"ETH"};
  s.asset_return = -0.9;
  sc.shocks = {s};
  auto r = evaluate_shock_scenario(sc, in.assets, in.weights, nullptr, Eigen::VectorXd());
  EXPECT_TRUE(r.is_ok());
  in.hypothetical = {*r};
  Eigen::MatrixXd returns(30, 3);
  for (int t = 0; t < 30; ++t) {
    returns(t, 0) = 0.03 * std::sin(0.7 * t);
    returns(t, 1) = 0.04 * std::sin(0.7 * t + 0.5) + 0.01 * std::cos(2.1 * t);
    returns(t, 2) = 0.001 * std::cos(1.3 * t);
  }
  in.correlation = *portfolio_correlation_stress(returns, in.weights);
  in.liquidity = *liquidity_stress(returns, Eigen::MatrixXd::Constant(30, 3, 0.001),
                                   Eigen::MatrixXd(), 365.0, in.weights, {});
  return in;
}

TEST(StressReport, BarsMatchTheResultsAndReasonsAreShown) {
  const StressReportInput in = input();
  auto report = stress_report(in);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const Section* scenarios = find_section(*report, "Scenario P&L");
  ASSERT_NE(scenarios, nullptr);
  ASSERT_EQ(scenarios->charts.size(), 1u);
  const auto b = bars(scenarios->charts[0].spec);
  ASSERT_EQ(b.size(), 2u);  // covid replayed + one scenario; the others are not covered
  // covid-crash-2020 (8..16 March): BTC −50%, ETH −60%, USDC 0 → −0.25 − 0.18 = −0.43.
  EXPECT_NEAR(b.at("covid-crash-2020 (replay)"), -0.43, 1e-6);
  EXPECT_NEAR(in.historical.windows[0].total, -0.43, 1e-12);
  EXPECT_NEAR(b.at("ETH -90%"), -0.27, 1e-6);
  ASSERT_EQ(scenarios->tables.size(), 2u);
  EXPECT_NE(scenarios->tables[0].note.find("luna-collapse-2022: not covered by the data"),
            std::string::npos)
      << scenarios->tables[0].note;
  // P&L value column: thousands separators and the currency, never a bare -430000.
  EXPECT_EQ(scenarios->tables[0].rows[0][2], "-430,000 USD");
  StressReportInput in_eur = in;
  in_eur.currency = "EUR";
  auto eur = stress_report(in_eur);
  ASSERT_TRUE(eur.is_ok());
  EXPECT_EQ(find_section(*eur, "Scenario P&L")->tables[0].rows[0][2], "-430,000 EUR");
  EXPECT_NE(eur->meta.back().find("Portfolio value 1,000,000 EUR."), std::string::npos)
      << eur->meta.back();

  const Section* by_asset = find_section(*report, "P&L by asset");
  ASSERT_NE(by_asset, nullptr);
  ASSERT_EQ(by_asset->charts.size(), 1u);
  EXPECT_EQ(by_asset->charts[0].title,
            "P&L by asset in the worst scenario: covid-crash-2020 (replay)");
  const auto worst = bars(by_asset->charts[0].spec);
  EXPECT_NEAR(worst.at("BTC"), -0.25, 1e-6);
  EXPECT_NEAR(worst.at("ETH"), -0.18, 1e-6);

  const Section* stress = find_section(*report, "Correlation and liquidity stress");
  ASSERT_NE(stress, nullptr);
  ASSERT_EQ(stress->tables.size(), 2u);
  EXPECT_EQ(stress->tables[0].rows[1][2], format_percent(in.correlation.var_after));
  EXPECT_NE(stress->tables[1].note.find("endogenous impact not computed: no traded volumes"),
            std::string::npos);
  // Tail-risk bars: two Gaussian cases and the spread model before and after.
  int lvar_rows = 0;
  for (const auto& row : stress->charts.at(0).spec["data"]["values"]) {
    if (row["measure"] == "LVaR") ++lvar_rows;
  }
  EXPECT_EQ(lvar_rows, 2);

  StressReportInput bad = in;
  bad.weights = Eigen::Vector2d(0.5, 0.5);
  EXPECT_FALSE(stress_report(bad).is_ok());
}

}  // namespace
}  // namespace keel::report
