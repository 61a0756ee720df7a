#pragma once
// The report of a walk-forward backtest (`keel backtest --report FILE.html`, and the demo).
//
// Sections: a comparison table of every strategy and benchmark (CAGR, volatility, Sharpe,
// Sortino, max drawdown and its duration, Calmar, CVaR, turnover, costs in bp a year of average
// NAV — BacktestMetrics::cost_bps_per_year —, holdings, rebalances, fallbacks); equity curves on a
// log scale; drawdowns (one small chart per strategy, sharing the axes); rolling volatility of net
// returns (annualised, `volatility_window` periods); for each non-benchmark strategy (up to
// `max_strategy_details`) its weights over time and risk contributions at each rebalance, both as
// stacked areas, with a table of costs by kind (quote currency and bp a year), the return
// attribution by group (or by the largest asset contributions) and Brinson–Fachler against the
// benchmark when present — or, when the benchmark holds a single group and the decomposition is
// degenerate (BrinsonFachler::is_degenerate), a sentence saying why it is not shown; the
// rebalances that fell back or were skipped, with their reasons.

#include <string>
#include <vector>

#include "keel/backtest/engine.hpp"
#include "keel/core/result.hpp"
#include "keel/report/html_report.hpp"

namespace keel::report {

struct BacktestReportInput {
  std::string title = "keel backtest";
  std::vector<std::string> meta{};  // subtitle lines, shown as given
  int volatility_window = 30;       // periods of the rolling volatility, ≥ 2
  int max_strategy_details = 8;     // strategies with their own weights/attribution section
  // Quote currency code written after amounts ("-3,726,441 USD"); "" = amounts without a code.
  std::string currency = "USD";
};

// The sections (to combine into a larger report, as the demo does).
Result<std::vector<Section>> backtest_sections(const BacktestResult& result,
                                               const BacktestReportInput& input);

Result<Report> backtest_report(const BacktestResult& result, const BacktestReportInput& input);

}  // namespace keel::report
