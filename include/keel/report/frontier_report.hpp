#pragma once
// The report of an efficient frontier (`keel frontier --report FILE.html`): the frontier curve
// (for the exact frontier, sampled densely from the critical line algorithm's turning points, so
// it is exact, not a grid of re-solves; for a traced frontier, its points) with every asset's risk
// and return and the maximum-Sharpe and minimum-variance portfolios marked; the weights of both;
// tables of the frontier points, the turning points (exact frontier only) and the marked
// portfolios.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/optimize/critical_line.hpp"
#include "keel/optimize/frontier.hpp"
#include "keel/report/html_report.hpp"

namespace keel::report {

struct FrontierReportInput {
  std::vector<std::string> meta{};     // subtitle lines, shown as given
  std::vector<std::string> assets{};   // n names, the order of μ and Σ
  Eigen::VectorXd expected_returns{};  // annualised μ the frontier was computed from
  Eigen::MatrixXd covariance{};        // annualised Σ
  double risk_free_rate = 0.0;         // annualised, for the Sharpe ratios and the max-Sharpe point
  // The points the verb reports (e.g. frontier.sample(points)); listed in a table. Empty = 20
  // points evenly spaced in return.
  std::vector<FrontierPoint> points{};
  int curve_points = 200;  // points drawn along the curve (≥ 2)
};

// Errors: the frontier is not usable, sizes disagree, or chart data cannot be drawn. A frontier on
// which no portfolio beats the risk-free rate has no max-Sharpe point: the report says so instead.
Result<Report> frontier_report(const EfficientFrontier& frontier, const FrontierReportInput& input);

// The same report for a frontier traced under general constraints (frontier.hpp): the curve is the
// traced points joined by straight segments and the report says that it is sampled, not exact;
// the points table lists the traced points; the max-Sharpe portfolio is the one solved directly;
// there is no turning-point table. input.points and input.curve_points are not used.
Result<Report> frontier_report(const TracedFrontier& frontier, const FrontierReportInput& input);

}  // namespace keel::report
