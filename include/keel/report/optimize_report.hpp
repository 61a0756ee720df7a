#pragma once
// The report of one optimised portfolio (`keel optimize --report FILE.html`).
//
// Sections: the portfolio (weights by asset and by each grouping, key numbers, weights table);
// risk (contributions to volatility vs weights, Euler decomposition with the annualised Σ:
// c_i = w_i (Σw)_i / wᵀΣw); correlation structure (heatmap in clustered order — the model's own
// dendrogram for hrp/herc/nco, from result.details["linkage"] and ["leaf_order"]; otherwise an
// average-linkage clustering of the correlation distance √((1 − ρ)/2), used for the order only —
// plus the most and least correlated pairs); assets' risk and return with the portfolio marked
// (when expected returns are given); diagnostics (solver, constraints, warnings, repairs).
// A portfolio that is not usable (infeasible, ...) gives a report with its status, explanation
// and conflicting constraints only.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/optimize/portfolio_result.hpp"
#include "keel/report/html_report.hpp"

namespace keel::report {

// A tag per asset (e.g. every asset's sector from the metadata file); one bar chart of weights by
// tag value each.
struct AssetGrouping {
  std::string name{};               // e.g. "sector", "chain"
  std::vector<std::string> tags{};  // one per asset of the result, "" = untagged
};

struct OptimizeReportInput {
  std::vector<std::string> meta{};     // subtitle lines (data, period, estimators), shown as given
  Eigen::MatrixXd covariance{};        // annualised Σ the model used, n × n, result.assets order
  Eigen::VectorXd expected_returns{};  // annualised μ; empty = no risk/return chart
  double risk_free_rate = 0.0;         // annualised, as used for the Sharpe ratio
  std::vector<AssetGrouping> groupings{};
};

// Errors: Σ not n × n for the result's n assets, μ of another size, a grouping without one tag per
// asset, or chart data that cannot be drawn.
Result<Report> optimize_report(const PortfolioResult& result, const OptimizeReportInput& input);

}  // namespace keel::report
