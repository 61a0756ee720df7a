#include "keel/report/frontier_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "keel/core/table.hpp"
#include "keel/report/charts.hpp"
#include "report/report_util.hpp"

namespace keel::report {

namespace {

using internal::make_chart;

double sharpe(const FrontierPoint& p, double rf) {
  return p.volatility > 0.0 ? (p.expected_return - rf) / p.volatility : std::nan("");
}

// What the two frontiers (exact and traced) give the report: the curve to draw, the points to list,
// the marked portfolios and the words that say how the frontier was found.
struct FrontierView {
  std::vector<FrontierPoint> curve;
  std::vector<FrontierPoint> points;
  FrontierPoint min_var;
  Result<FrontierPoint> max_sharpe = Status::invalid("not computed");
  std::string method;  // the subtitle line on how the frontier was computed
  std::string text;    // the frontier section's paragraph
  std::string caption;
  const EfficientFrontier* exact = nullptr;  // for the turning-point table
};

Status check_sizes(const FrontierReportInput& input, Eigen::Index weights) {
  const auto n = static_cast<Eigen::Index>(input.assets.size());
  if (n == 0 || input.expected_returns.size() != n || input.covariance.rows() != n ||
      input.covariance.cols() != n || weights != n) {
    return Status::invalid(
        "frontier report: " + std::to_string(n) + " assets, " +
        std::to_string(input.expected_returns.size()) + " expected returns, a " +
        std::to_string(input.covariance.rows()) + " × " + std::to_string(input.covariance.cols()) +
        " covariance and frontier weights of size " + std::to_string(weights) + " must agree");
  }
  return Status::ok();
}

Result<Report> build_report(const FrontierView& view, const FrontierReportInput& input);

}  // namespace

Result<Report> frontier_report(const EfficientFrontier& frontier,
                               const FrontierReportInput& input) {
  if (!frontier.is_usable() || frontier.turning_points.empty()) {
    return Status::invalid("frontier report: the frontier is not usable (" + frontier.message +
                           ")");
  }
  KEEL_RETURN_IF_ERROR(check_sizes(input, frontier.turning_points.front().weights.size()));
  if (input.curve_points < 2) return Status::invalid("frontier report: curve_points must be ≥ 2");
  FrontierView view;
  auto curve = frontier.sample(input.curve_points);
  if (!curve) return curve.status().with_context("frontier report");
  view.curve = std::move(*curve);
  view.points = input.points;
  if (view.points.empty()) {
    auto sampled = frontier.sample(20);
    if (!sampled) return sampled.status().with_context("frontier report");
    view.points = std::move(*sampled);
  }
  view.min_var = frontier.turning_points.back();
  view.max_sharpe = frontier.max_sharpe(input.risk_free_rate);
  view.method = std::to_string(frontier.turning_points.size()) +
                " turning points, computed exactly by the critical line algorithm in " +
                format_fixed(frontier.solve_ms, 2) +
                " ms; returns and volatilities are "
                "annualised; risk-free rate " +
                format_percent(input.risk_free_rate) + ".";
  view.text =
      "Every portfolio on the curve has the least volatility for its expected "
      "return under the budget and bounds. Between turning points the weights "
      "change linearly; the curve is drawn from the exact solution.";
  view.caption =
      "Line: the frontier; grey dots: single assets; "
      "diamonds: the maximum-Sharpe and minimum-variance "
      "portfolios.";
  view.exact = &frontier;
  return build_report(view, input);
}

Result<Report> frontier_report(const TracedFrontier& frontier, const FrontierReportInput& input) {
  if (!frontier.is_usable()) {
    return Status::invalid("frontier report: the frontier is not usable (" + frontier.explanation +
                           ")");
  }
  KEEL_RETURN_IF_ERROR(check_sizes(input, frontier.points.front().weights.size()));
  auto as_point = [](const TracedFrontierPoint& p) {
    return FrontierPoint{.weights = p.weights,
                         .expected_return = p.expected_return,
                         .variance = p.variance,
                         .volatility = p.volatility,
                         .lambda = std::nan("")};
  };
  FrontierView view;
  for (const auto& p : frontier.points) view.curve.push_back(as_point(p));
  view.points = view.curve;
  view.min_var = view.curve.front();
  if (frontier.max_sharpe) {
    view.max_sharpe = as_point(*frontier.max_sharpe);
  } else {
    view.max_sharpe = Status::no_solution(frontier.max_sharpe_message);
  }
  view.method = std::to_string(frontier.points.size()) +
                " points traced by separate efficient-return solves (" +
                std::to_string(frontier.diagnostics.solves) + " solves in " +
                format_fixed(frontier.diagnostics.solve_ms, 2) +
                " ms); returns and volatilities are annualised; risk-free rate " +
                format_percent(input.risk_free_rate) + ".";
  view.text =
      "Each point has the least volatility for its expected return under all the constraints. "
      "The frontier is sampled, not exact: the line joins the points straight, while the true "
      "curve bends between them (and has kinks where a constraint starts or stops binding).";
  if (frontier.return_unbounded) {
    view.text +=
        " The expected return is unbounded under these constraints: the sweep stops at "
        "the last point, and the frontier continues beyond it.";
  }
  view.caption =
      "Line: straight segments through the traced points (sampled, not exact); grey dots: single "
      "assets; diamonds: the maximum-Sharpe (solved directly) and minimum-variance portfolios.";
  return build_report(view, input);
}

namespace {

Result<Report> build_report(const FrontierView& view, const FrontierReportInput& input) {
  const auto n = static_cast<Eigen::Index>(input.assets.size());
  const double rf = input.risk_free_rate;
  const std::vector<FrontierPoint>* curve = &view.curve;
  const std::vector<FrontierPoint>& points = view.points;
  const FrontierPoint& min_var = view.min_var;
  const Result<FrontierPoint>& max_sharpe = view.max_sharpe;

  Report report;
  report.title = "keel frontier: efficient frontier of " + std::to_string(n) + " assets";
  report.meta = input.meta;
  report.meta.push_back(view.method);

  // ---- Frontier
  Section main{.title = "Efficient frontier", .text = view.text};
  FrontierChartInput in;
  in.curve_volatility.resize(static_cast<Eigen::Index>(curve->size()));
  in.curve_return.resize(static_cast<Eigen::Index>(curve->size()));
  for (std::size_t i = 0; i < curve->size(); ++i) {
    in.curve_volatility(static_cast<Eigen::Index>(i)) = (*curve)[i].volatility;
    in.curve_return(static_cast<Eigen::Index>(i)) = (*curve)[i].expected_return;
  }
  in.assets = input.assets;
  in.asset_volatility = input.covariance.diagonal().cwiseMax(0.0).cwiseSqrt();
  in.asset_return = input.expected_returns;
  if (max_sharpe)
    in.portfolios.push_back({"max Sharpe", max_sharpe->volatility, max_sharpe->expected_return});
  in.portfolios.push_back({"min variance", min_var.volatility, min_var.expected_return});
  {
    const std::string title = "Efficient frontier";
    KEEL_REPORT_ADD_CHART(
        main, make_chart(frontier_chart(in, title), title, view.caption, false, "frontier chart"));
  }
  {
    Table t{.title = "Marked portfolios",
            .columns = {"portfolio", "expected return", "volatility", "Sharpe"}};
    if (max_sharpe) {
      t.rows.push_back({"max Sharpe", format_percent(max_sharpe->expected_return),
                        format_percent(max_sharpe->volatility),
                        format_fixed(sharpe(*max_sharpe, rf), 3)});
    } else {
      t.note = "No max-Sharpe portfolio: " + max_sharpe.status().message();
    }
    t.rows.push_back({"min variance", format_percent(min_var.expected_return),
                      format_percent(min_var.volatility), format_fixed(sharpe(min_var, rf), 3)});
    main.tables.push_back(std::move(t));
  }
  {
    Table t{.title = "Frontier points", .columns = {"expected return", "volatility", "Sharpe"}};
    for (const auto& p : points) {
      t.rows.push_back({format_percent(p.expected_return), format_percent(p.volatility),
                        format_fixed(sharpe(p, rf), 3)});
    }
    main.tables.push_back(std::move(t));
  }
  report.sections.push_back(std::move(main));

  // ---- Weights of the marked portfolios
  Section weights{.title = "Portfolios on the frontier",
                  .text = "Weights of the maximum-Sharpe and minimum-variance portfolios."};
  auto weights_of = [&](const FrontierPoint& p, const std::string& title) -> Result<Chart> {
    std::vector<std::string> names;
    Eigen::VectorXd held;
    const Eigen::Index left_out = internal::held_assets(input.assets, p.weights, names, held);
    std::string caption = "Largest weight on top.";
    if (left_out > 0) {
      caption += " " + std::to_string(left_out) + " assets with zero weight are not drawn.";
    }
    return make_chart(weights_chart(names, held, title), title, caption, false, "weights chart");
  };
  if (max_sharpe) {
    KEEL_REPORT_ADD_CHART(weights, weights_of(*max_sharpe, "Weights of the max-Sharpe portfolio"));
  }
  KEEL_REPORT_ADD_CHART(weights, weights_of(min_var, "Weights of the min-variance portfolio"));
  {
    Table t{.title = "Weights", .columns = {"asset"}};
    if (max_sharpe) t.columns.push_back("max Sharpe");
    t.columns.push_back("min variance");
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const Eigen::VectorXd& key = max_sharpe ? max_sharpe->weights : min_var.weights;
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return key(a) > key(b); });
    for (Eigen::Index i : order) {
      std::vector<std::string> row = {input.assets[static_cast<std::size_t>(i)]};
      if (max_sharpe) row.push_back(format_percent(max_sharpe->weights(i)));
      row.push_back(format_percent(min_var.weights(i)));
      t.rows.push_back(std::move(row));
    }
    weights.tables.push_back(std::move(t));
  }
  if (view.exact != nullptr) {
    const EfficientFrontier& frontier = *view.exact;
    Table t{.title = "Turning points",
            .columns = {"#", "expected return", "volatility", "risk tolerance λ", "assets held"}};
    for (std::size_t k = 0; k < frontier.turning_points.size(); ++k) {
      const auto& p = frontier.turning_points[k];
      t.rows.push_back({std::to_string(k + 1), format_percent(p.expected_return),
                        format_percent(p.volatility), format_fixed(p.lambda, 4),
                        std::to_string((p.weights.array().abs() > 1e-10).count())});
    }
    t.note =
        "From the maximum-return portfolio (first) to the minimum-variance one (last); an "
        "asset enters or leaves its bounds at each.";
    weights.tables.push_back(std::move(t));
  }
  report.sections.push_back(std::move(weights));
  return report;
}

}  // namespace

}  // namespace keel::report
