#pragma once
// Vega-Lite (v6) chart specs built from plain data, for the HTML reports (html_report.hpp).
//
// Every builder returns a complete spec (JSON object) with "$schema", a title, axis titles with
// units, tooltips and a size that adapts to the page ("width": "container") or to the number of
// items (one band per asset). Data are inlined as rows ("data": {"values": [...]}) with the field
// names documented per builder, so tests and other tools can read them back. Numbers are rounded
// to 6 significant digits to keep files small; fractions stay fractions (0.12) and the axes format
// them as percentages.
//
// Conventions: returns, volatilities, weights, drawdowns, VaR and P&L are fractions (0.12 = 12%);
// VaR/CVaR/LVaR and drawdowns are losses, positive numbers. Timestamps are keel::Timestamp
// (seconds, UTC) and are written as milliseconds since the epoch on a UTC time scale. Long time
// series are downsampled with the rule of downsample.hpp (at most max_points rows per series;
// min–max decimation, so extremes survive).
//
// Errors (Status::invalid): mismatched sizes, empty inputs, values that cannot be drawn (e.g.
// non-positive values on the log scale of equity curves). NaN means "no value here" in time series
// (the row is skipped) and "not computed" in the risk-measure bars (the bar is left out).

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/time.hpp"
#include "keel/report/downsample.hpp"

namespace keel::report {

// ---------------------------------------------------------------------------------------------
// Portfolio structure

// A portfolio marked on a risk/return chart (annualised fractions).
struct MarkedPortfolio {
  std::string name{};  // e.g. "max Sharpe", "min variance", "hrp"
  double volatility = 0.0;
  double expected_return = 0.0;
};

struct FrontierChartInput {
  // Points of the efficient frontier, in order along the curve (e.g. increasing return); may be
  // empty for a plain asset scatter. Annualised fractions.
  Eigen::VectorXd curve_volatility{};
  Eigen::VectorXd curve_return{};
  // Each asset's own volatility and expected return (annualised fractions), same order as names.
  std::vector<std::string> assets{};
  Eigen::VectorXd asset_volatility{};
  Eigen::VectorXd asset_return{};
  std::vector<MarkedPortfolio> portfolios{};
  // Asset names are written beside their points when there are at most this many assets (else
  // they are in the tooltips only).
  int max_labelled_assets = 30;
};

// Layers, in this order and each present only when it has rows:
//   "frontier":   line,  rows {"volatility", "return", "order"}
//   "assets":     point, rows {"asset", "volatility", "return"} (+ a text layer of the names)
//   "portfolios": point (diamond, coloured by name, with a legend), rows {"portfolio",
//                 "volatility", "return"}
// x = volatility, y = expected return, both annualised, axes in %.
Result<Json> frontier_chart(const FrontierChartInput& input,
                            const std::string& title = "Efficient frontier");

// Horizontal bars, one per asset, largest weight on top; shorts in red. Rows {"asset", "weight"}.
Result<Json> weights_chart(const std::vector<std::string>& assets,
                           const Eigen::Ref<const Eigen::VectorXd>& weights,
                           const std::string& title = "Weights by asset");

// Weights summed by group: `tags` gives each asset's group (e.g. its sector; "" = "untagged").
// Rows {"group", "weight", "assets"} (assets = number of assets in the group), largest on top, in
// the order of decreasing total weight.
Result<Json> group_weights_chart(const std::vector<std::string>& assets,
                                 const Eigen::Ref<const Eigen::VectorXd>& weights,
                                 const std::vector<std::string>& tags,
                                 const std::string& tag_name = "group",
                                 const std::string& title = "Weights by group");

// Grouped horizontal bars: each asset's weight beside its share of the portfolio's risk
// (percent contributions, summing to 1; see keel/risk/contributions.hpp). Rows {"asset",
// "series", "value"} with series "weight" or "risk contribution"; assets ordered by weight.
// `measure` names the risk measure in the title and tooltips (e.g. "volatility").
Result<Json> risk_contributions_chart(const std::vector<std::string>& assets,
                                      const Eigen::Ref<const Eigen::VectorXd>& weights,
                                      const Eigen::Ref<const Eigen::VectorXd>& contributions,
                                      const std::string& measure = "volatility",
                                      const std::string& title = "Risk contributions vs weights");

// Correlation heatmap, n × n rect marks, rows {"row", "column", "correlation"}. `order` lists the
// asset indices in display order (e.g. a dendrogram's leaf order, so clusters show as blocks);
// empty = the given order. Colour: blue −1, white 0, red +1.
Result<Json> correlation_heatmap(const std::vector<std::string>& assets,
                                 const Eigen::Ref<const Eigen::MatrixXd>& correlation,
                                 const std::vector<int>& order = {},
                                 const std::string& title = "Correlation (clustered order)");

// Dendrogram of a scipy-style linkage matrix ((n − 1) × 4 rows [left, right, distance, count];
// ids < n are assets, n + i is the cluster formed in row i; see keel/optimize/hierarchical.hpp),
// drawn left to right with rule marks whose coordinates are computed here. Leaves sit at positions
// 0..n−1 in `leaf_order` (asset indices; empty = keel::leaf_order(linkage)), top to bottom; a
// cluster sits at the mean position of its two children and at its merge distance. Each row of the
// linkage matrix gives three rules, rows {"node", "distance", "distance2", "position",
// "position2", "size"}: the two children's branches (from each child's distance to the merge
// distance, at the child's position) and the vertical joint (at the merge distance, from one
// child's position to the other's). The y axis labels the positions with the asset names.
Result<Json> dendrogram_chart(const Eigen::Ref<const Eigen::MatrixXd>& linkage,
                              const std::vector<std::string>& assets,
                              const std::vector<int>& leaf_order = {},
                              const std::string& title = "Hierarchical clustering (dendrogram)");

// ---------------------------------------------------------------------------------------------
// Time series

// k series over T timestamps. values(t, j) is series j at timestamps[t]; NaN = no value (e.g.
// before a strategy starts), skipped.
struct TimeSeries {
  std::vector<Timestamp> timestamps{};  // T, strictly increasing (UTC seconds)
  std::vector<std::string> names{};     // k
  Eigen::MatrixXd values{};             // T × k
};

struct TimeChartOptions {
  std::string title{};    // empty = the builder's default
  std::string y_title{};  // empty = the builder's default (with units)
  // Cap on rows per series (downsample.hpp). ≥ 4.
  Eigen::Index max_points = kMaxPointsPerSeries;
};

// Rows of every time series chart: {"date" (ms since epoch, UTC), "series", "value"}.

// Equity curves (wealth, e.g. growth of 1) on a log scale, one line per series. Values must be
// positive where finite. Default title "Equity curves (log scale)", y "Growth of 1 (log scale)".
Result<Json> equity_curves_chart(const TimeSeries& equity, const TimeChartOptions& options = {});

// Drawdowns below the running peak, drawn as areas going down from 0: the input values are
// drawdowns ≥ 0 (fractions of the peak), the rows hold value = −drawdown. Several series overlap
// with transparency, not stacked. Default title "Drawdowns", y "Drawdown from peak (%)".
Result<Json> drawdown_chart(const TimeSeries& drawdowns, const TimeChartOptions& options = {});

// Lines of (annualised) rolling volatility. Default title "Rolling volatility", y "Volatility,
// annualised (%)".
Result<Json> rolling_volatility_chart(const TimeSeries& volatility,
                                      const TimeChartOptions& options = {});

// Weights over time as stacked areas. Only the `max_assets` assets with the largest mean |weight|
// are drawn; the rest are summed into one series "other". The series share their timestamps, so
// rows are thinned by stride_indices (downsample.hpp), not per series. Default title "Weights over
// time", y "Weight (%)".
Result<Json> weights_over_time_chart(const TimeSeries& weights, int max_assets = 12,
                                     const TimeChartOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Risk

// One method's loss estimates (fractions of portfolio value, losses positive). NaN = not
// computed (no bar).
struct TailRiskEstimate {
  std::string method{};  // e.g. "historical", "gaussian", "cornish-fisher", "monte-carlo"
  double var = std::numeric_limits<double>::quiet_NaN();
  double cvar = std::numeric_limits<double>::quiet_NaN();
  double lvar = std::numeric_limits<double>::quiet_NaN();  // liquidity-adjusted VaR
};

// Grouped bars: x = method, one bar per measure (VaR, CVaR, LVaR), y = loss in %. Rows
// {"method", "measure", "value"}, only for finite values. `confidence` in (0, 1) and `horizon`
// (periods) go into the title: "VaR, CVaR and LVaR by method (95%, 1 period)".
Result<Json> tail_risk_chart(const std::vector<TailRiskEstimate>& estimates, double confidence,
                             int horizon = 1, const std::string& period_name = "period");

// Horizontal bars of scenario P&L (fractions of portfolio value, gains positive), worst at the
// top, losses red and gains green. Rows {"scenario", "pnl"}.
Result<Json> stress_pnl_chart(const std::vector<std::string>& scenarios,
                              const Eigen::Ref<const Eigen::VectorXd>& pnl,
                              const std::string& title = "Stress scenario P&L");

}  // namespace keel::report
