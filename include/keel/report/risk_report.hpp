#pragma once
// The report of a portfolio's risk over a return history (`keel risk --report FILE.html`):
// VaR, CVaR and LVaR by method; the portfolio's drawdowns from peak wealth and its growth of 1
// (compounded, computed here from the return series with keel::drawdowns); rolling volatility;
// risk contributions vs weights. Tables carry every number shown.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/time.hpp"
#include "keel/report/charts.hpp"
#include "keel/report/html_report.hpp"

namespace keel::report {

// One risk measure's decomposition (see keel/risk/contributions.hpp).
struct ContributionSet {
  std::string measure{};        // e.g. "volatility", "historical CVaR"
  double total = 0.0;           // the measure, per period
  Eigen::VectorXd component{};  // per asset, sums to total
  Eigen::VectorXd percent{};    // component / total
};

struct RiskReportInput {
  std::vector<std::string> meta{};               // subtitle lines, shown as given
  std::vector<std::string> assets{};             // n
  Eigen::VectorXd weights{};                     // n
  std::vector<Timestamp> timestamps{};           // T, end of each return period
  Eigen::VectorXd portfolio_returns{};           // T per-period portfolio returns
  bool log_returns = false;                      // true when portfolio_returns are log returns
  double periods_per_year = 365.0;               // > 0; annualises the volatilities
  double confidence = 0.95;                      // of the VaR/CVaR/LVaR estimates
  int horizon = 1;                               // periods
  std::vector<TailRiskEstimate> tail_risk{};     // one row per method (LVaR where computed)
  std::vector<ContributionSet> contributions{};  // the first one is drawn against the weights
  // Rolling window for the volatility chart in periods; 0 = 30 periods (or T/4 when shorter).
  int rolling_window = 0;
};

// Errors: sizes disagree, fewer than 2 returns, non-finite returns or returns ≤ −1 (no wealth
// path), or chart data that cannot be drawn.
Result<Report> risk_report(const RiskReportInput& input);

}  // namespace keel::report
