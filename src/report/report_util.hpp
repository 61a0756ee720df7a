#pragma once
// Small pieces shared by the verb reports (optimize, frontier, risk).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/report/html_report.hpp"

namespace keel::report::internal {

// Display order of the assets by average-linkage clustering of the correlation distance
// √((1 − ρ)/2) (keel::linkage); the given order when there are fewer than three assets.
std::vector<int> clustered_order(const Eigen::Ref<const Eigen::MatrixXd>& correlation);

// A section with the most and least correlated pairs (up to `pairs` each) and the average
// pairwise correlation, so the correlation section reads without the heatmap.
Table correlation_pairs_table(const std::vector<std::string>& assets,
                              const Eigen::Ref<const Eigen::MatrixXd>& correlation, int pairs = 8);

// "day" for 365/252 periods a year, "hour" for 8760/8766, "week" for 52, "month" for 12, else
// "period".
std::string period_name(double periods_per_year);

// The adjective of the same period: "daily", "hourly", "weekly", "monthly", else "per-period"
// (never period_name + "ly", which gives "dayly").
std::string period_adjective(double periods_per_year);

// The assets with |weight| > 1e-6 and their weights, for bar charts that should not drown the
// holdings in empty bars. Returns the number of assets left out.
Eigen::Index held_assets(const std::vector<std::string>& assets,
                         const Eigen::Ref<const Eigen::VectorXd>& weights,
                         std::vector<std::string>& held_names, Eigen::VectorXd& held_weights);

// Unwraps a chart builder's result into a Chart (or returns its error with `what` as context).
Result<Chart> make_chart(Result<Json> spec, std::string title, std::string caption, bool wide,
                         const char* what);

}  // namespace keel::report::internal

// Appends the chart of a Result<Chart> expression to `section`, or returns its error.
#define KEEL_REPORT_ADD_CHART(section, expr)             \
  do {                                                   \
    auto keel_chart_ = (expr);                           \
    if (!keel_chart_) return keel_chart_.status();       \
    (section).charts.push_back(std::move(*keel_chart_)); \
  } while (false)
