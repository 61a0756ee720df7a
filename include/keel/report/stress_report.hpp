#pragma once
// The report of a portfolio stress test (`keel stress --report FILE.html`): the P&L of every
// replayed crash window and hypothetical scenario (one bar chart, worst on top), the P&L by asset
// in the worst of them, and the VaR/CVaR/LVaR before and after the correlation and liquidity
// stress. Tables carry every number shown, plus the windows that were not replayed and why.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/report/html_report.hpp"
#include "keel/risk/correlation_stress.hpp"
#include "keel/risk/liquidity_stress.hpp"
#include "keel/risk/stress_replay.hpp"
#include "keel/risk/stress_shocks.hpp"

namespace keel::report {

struct StressReportInput {
  std::vector<std::string> meta{};    // subtitle lines, shown as given
  std::vector<std::string> assets{};  // the portfolio, n
  Eigen::VectorXd weights{};          // n
  double portfolio_value = 0.0;       // > 0 adds P&L in money to the tables
  double periods_per_year = 365.0;    // > 0; names the VaR horizon's period
  HistoricalStress historical{};      // its assets may include more columns (e.g. a proxy)
  std::vector<ShockScenarioResult> hypothetical{};
  PortfolioCorrelationStress correlation{};
  LiquidityStress liquidity{};
  // Quote currency code written after amounts ("-3,726,441 USD"); "" = amounts without a code.
  std::string currency = "USD";
};

// Errors: weights and assets disagree, a scenario over other assets, or chart data that cannot be
// drawn.
Result<Report> stress_report(const StressReportInput& input);

}  // namespace keel::report
