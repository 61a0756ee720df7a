// The backtest report: costs in bp a year of average NAV and in money, drawdowns as small
// multiples, and Brinson–Fachler replaced by an explanation when the benchmark makes it degenerate.
#include "keel/report/backtest_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "keel/core/table.hpp"
#include "support/random_problems.hpp"

namespace keel::report {
namespace {

PricePanel random_panel(int rows, int assets, std::uint64_t seed) {
  Random rng(seed);
  return test::random_walk_panel(rng, rows, assets, {.year = 2021, .month = 1, .day = 1});
}

// Equal weight against "hold A0": a single-asset benchmark, over two groups.
BacktestResult run(const std::string& benchmark_rule) {
  const PricePanel panel = random_panel(500, 4, 3);
  Strategy ew;
  ew.name = "equal-weight";
  ew.model.model = PortfolioModel::kEqualWeight;
  ew.rebalance = *parse_rebalance_schedule("weekly");
  Strategy bench;
  bench.name = "benchmark";
  bench.is_benchmark = true;
  if (benchmark_rule == "hold") {
    bench.rule = StrategyRule::kBuyAndHold;
    bench.asset = "A0";
    bench.rebalance = *parse_rebalance_schedule("never");
  } else {
    bench.model.model = PortfolioModel::kInverseVolatility;
    bench.rebalance = *parse_rebalance_schedule("monthly");
  }
  BacktestOptions o;
  o.window = 60;
  o.periods_per_year = 365;
  o.costs.fee_bps = 10;
  o.groups = {"l1", "l1", "defi", "defi"};
  auto r = run_backtest(panel, {ew, bench}, o);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return *r;
}

const Table* find_table(const Section& s, const std::string& prefix) {
  for (const auto& t : s.tables) {
    if (t.title.rfind(prefix, 0) == 0) return &t;
  }
  return nullptr;
}

TEST(BacktestReport, CostsInBpPerYearAndMoney) {
  const BacktestResult r = run("hold");
  auto sections = backtest_sections(r, {});
  ASSERT_TRUE(sections.is_ok()) << sections.status().message();
  const Table& summary = (*sections)[0].tables.at(0);
  EXPECT_TRUE(summary.wide);
  std::size_t column = summary.columns.size();
  for (std::size_t j = 0; j < summary.columns.size(); ++j) {
    if (summary.columns[j] == "costs (bp / year)") column = j;
  }
  ASSERT_LT(column, summary.columns.size()) << "no costs (bp / year) column";
  const auto& m = r.strategies[0].metrics;
  EXPECT_GT(m.cost_bps_per_year, 0.0);
  EXPECT_EQ(summary.rows[0][column], format_fixed(m.cost_bps_per_year, 1));

  const Table* costs = find_table((*sections)[1], "Costs of equal-weight");
  ASSERT_NE(costs, nullptr);
  const auto& total = costs->rows.back();
  EXPECT_EQ(total[0], "total");
  EXPECT_EQ(total[1], format_money(r.strategies[0].costs.total(), "USD"));
  EXPECT_NE(total[1].find(" USD"), std::string::npos);
  EXPECT_EQ(total[2], format_fixed(m.cost_bps_per_year, 1));
  // Fees are the only cost here: their row carries the whole bp a year.
  EXPECT_EQ(costs->rows[0][2], total[2]);
}

TEST(BacktestReport, DrawdownsOfSeveralStrategiesAreSmallMultiples) {
  const BacktestResult r = run("hold");
  auto sections = backtest_sections(r, {});
  ASSERT_TRUE(sections.is_ok());
  const Chart* drawdowns = nullptr;
  for (const auto& c : (*sections)[0].charts) {
    if (c.title == "Drawdowns") drawdowns = &c;
  }
  ASSERT_NE(drawdowns, nullptr);
  EXPECT_TRUE(drawdowns->spec.contains("facet"));
  EXPECT_EQ(drawdowns->spec["facet"]["row"]["field"], "series");
}

TEST(BacktestReport, BrinsonFachlerAgainstOneAssetSaysWhyInsteadOfATable) {
  const BacktestResult r = run("hold");
  ASSERT_TRUE(r.strategies[0].brinson_fachler.has_value());
  EXPECT_TRUE(r.strategies[0].brinson_fachler->is_degenerate());
  auto sections = backtest_sections(r, {});
  ASSERT_TRUE(sections.is_ok());
  const Section& detail = (*sections)[1];
  EXPECT_EQ(find_table(detail, "Brinson–Fachler"), nullptr);
  EXPECT_NE(detail.text.find("Brinson–Fachler attribution against the benchmark is not shown"),
            std::string::npos)
      << detail.text;
  EXPECT_NE(detail.text.find("single group"), std::string::npos);
  const Json doc = backtest_to_json(r, false);
  EXPECT_TRUE(doc["strategies"][0]["brinson_fachler"]["degenerate"].get<bool>());

  // A benchmark over both groups: the table is there.
  const BacktestResult spread = run("inverse-volatility");
  ASSERT_TRUE(spread.strategies[0].brinson_fachler.has_value());
  EXPECT_FALSE(spread.strategies[0].brinson_fachler->is_degenerate());
  auto with_table = backtest_sections(spread, {});
  ASSERT_TRUE(with_table.is_ok());
  EXPECT_NE(find_table((*with_table)[1], "Brinson–Fachler"), nullptr);
  EXPECT_FALSE(backtest_to_json(spread, false)["strategies"][0]["brinson_fachler"]["degenerate"]
                   .get<bool>());
}

TEST(BacktestReport, FallbackReasonsAndWarningsAreShownPerStrategy) {
  BacktestResult r = run("hold");
  StrategyResult& s = r.strategies[0];
  s.metrics.fallbacks = 3;
  s.fallback_reasons.push_back({.reason = "infeasible: group[chain=solana]",
                                .status = SolveStatus::kInfeasible,
                                .count = 3,
                                .first_date = r.timestamps[1],
                                .last_date = r.timestamps[20],
                                .example = "model failed (infeasible: group[chain=solana] ...)"});
  s.warnings.push_back("group[chain=solana] had no eligible member on 2 decision date(s)");
  auto sections = backtest_sections(r, {});
  ASSERT_TRUE(sections.is_ok()) << sections.status().message();
  const Section& detail = (*sections)[1];
  const Table* reasons = find_table(detail, "Why equal-weight fell back");
  ASSERT_NE(reasons, nullptr);
  ASSERT_EQ(reasons->rows.size(), 1u);
  EXPECT_EQ(reasons->rows[0][0], "infeasible: group[chain=solana]");
  EXPECT_EQ(reasons->rows[0][1], "infeasible");
  EXPECT_EQ(reasons->rows[0][2], "3");
  EXPECT_NE(detail.text.find("had no eligible member"), std::string::npos) << detail.text;
  // Without fallbacks there is no table.
  const BacktestResult clean = run("hold");
  auto plain = backtest_sections(clean, {});
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(find_table((*plain)[1], "Why "), nullptr);
}

}  // namespace
}  // namespace keel::report
