#include "keel/report/risk_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "keel/core/table.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/performance.hpp"
#include "report/report_util.hpp"

namespace keel::report {

namespace {

using internal::make_chart;

std::string row_date(const std::vector<Timestamp>& timestamps, Eigen::Index row) {
  if (row < 0) return "start";
  return format_timestamp(timestamps[static_cast<std::size_t>(row)]);
}

}  // namespace

Result<Report> risk_report(const RiskReportInput& input) {
  const auto n = static_cast<Eigen::Index>(input.assets.size());
  const Eigen::Index rows = input.portfolio_returns.size();
  if (n == 0 || input.weights.size() != n) {
    return Status::invalid("risk report: " + std::to_string(n) + " assets but " +
                           std::to_string(input.weights.size()) + " weights");
  }
  if (rows < 2 || static_cast<Eigen::Index>(input.timestamps.size()) != rows) {
    return Status::invalid(
        "risk report: need at least 2 portfolio returns with one timestamp each (" +
        std::to_string(rows) + " returns, " + std::to_string(input.timestamps.size()) +
        " timestamps)");
  }
  if (!(input.periods_per_year > 0.0)) {
    return Status::invalid("risk report: periods_per_year must be positive");
  }
  for (const auto& c : input.contributions) {
    if (c.percent.size() != n || c.component.size() != n) {
      return Status::invalid("risk report: contributions to " + c.measure +
                             " must have one value "
                             "per asset");
    }
  }
  for (Eigen::Index t = 0; t < rows; ++t) {
    if (!std::isfinite(input.portfolio_returns(t))) {
      return Status::invalid("risk report: the portfolio return on " +
                             row_date(input.timestamps, t) + " is not finite");
    }
  }
  const Eigen::VectorXd simple = input.log_returns
                                     ? Eigen::VectorXd(input.portfolio_returns.array().exp() - 1.0)
                                     : input.portfolio_returns;
  const double ppy = input.periods_per_year;
  const std::string period = internal::period_name(ppy);

  auto summary = performance_summary(
      simple,
      {.periods_per_year = ppy, .risk_free_rate = 0.0, .drawdown_confidence = input.confidence});
  if (!summary) return summary.status().with_context("risk report");
  const DrawdownSummary* compounded = &summary->drawdown;
  auto uncompounded = drawdowns(
      simple, DrawdownOptions{.kind = DrawdownKind::kUncompounded, .confidence = input.confidence});
  if (!uncompounded) return uncompounded.status().with_context("risk report (drawdowns)");

  // The growth of 1 (a ruined portfolio's wealth stays where it fell, as in risk/drawdown.hpp).
  Eigen::VectorXd wealth(rows);
  double w = 1.0;
  for (Eigen::Index t = 0; t < rows; ++t) {
    if (w > 0.0) w *= 1.0 + simple(t);
    wealth(t) = w;
  }

  Report report;
  report.title = "keel risk: portfolio of " + std::to_string(n) + " assets";
  report.meta = input.meta;
  char level[32];
  std::snprintf(level, sizeof level, "%.4g%%", input.confidence * 100.0);
  report.meta.push_back(std::to_string(rows) + " returns from " + row_date(input.timestamps, 0) +
                        " to " + row_date(input.timestamps, rows - 1) + "; confidence " + level +
                        ", horizon " + std::to_string(input.horizon) + " " + period +
                        (input.horizon == 1 ? "" : "s") +
                        "; losses are positive fractions of "
                        "portfolio value.");

  // ---- Tail risk
  if (!input.tail_risk.empty()) {
    Section s{.title = "Tail risk",
              .text = "Value-at-Risk (the loss exceeded with probability " +
                      format_percent(1.0 - input.confidence, 1) +
                      ") and CVaR (the average loss beyond it) by estimation method; LVaR adds the "
                      "cost of liquidating through the bid-ask spread or market impact."};
    auto spec = tail_risk_chart(input.tail_risk, input.confidence, input.horizon, period);
    if (!spec) return spec.status().with_context("risk report");
    const std::string title = (*spec)["title"].get<std::string>();
    KEEL_REPORT_ADD_CHART(
        s, make_chart(std::move(spec), title, "Bars per method; a taller bar is a larger loss.",
                      false, "tail risk chart"));
    Table t{.title = "VaR, CVaR and LVaR", .columns = {"method", "VaR", "CVaR", "LVaR"}};
    for (const auto& e : input.tail_risk) {
      t.rows.push_back(
          {e.method, format_percent(e.var), format_percent(e.cvar), format_percent(e.lvar)});
    }
    t.note = "- = not computed for that method.";
    s.tables.push_back(std::move(t));
    report.sections.push_back(std::move(s));
  }

  // ---- Drawdowns and growth
  {
    Section s{.title = "Drawdowns and growth",
              .text = "The portfolio held at constant weights (rebalanced every " + period +
                      ") over the history: the growth of 1 and the fall from the running peak of "
                      "wealth (compounded)."};
    TimeSeries growth{input.timestamps, {"portfolio"}, wealth};
    const std::string growth_title = "Growth of 1 (log scale)";
    KEEL_REPORT_ADD_CHART(
        s, make_chart(equity_curves_chart(growth, {.title = growth_title}), growth_title,
                      "Wealth of 1 invested at the start.", true, "equity chart"));
    TimeSeries dd{input.timestamps, {"portfolio"}, compounded->drawdown};
    const std::string dd_title = "Drawdown of the portfolio";
    KEEL_REPORT_ADD_CHART(
        s, make_chart(drawdown_chart(dd, {.title = dd_title}), dd_title,
                      "Fall from the highest wealth reached so far.", true, "drawdown chart"));
    Table t{.title = "Return and drawdown", .columns = {"quantity", "value"}};
    t.rows.push_back({"total return", format_percent(summary->total_return)});
    t.rows.push_back({"annualised return (geometric)", format_percent(summary->cagr)});
    t.rows.push_back({"volatility (annualised)", format_percent(summary->volatility)});
    t.rows.push_back({"max drawdown (compounded)", format_percent(compounded->max_drawdown)});
    t.rows.push_back({"peak before it", row_date(input.timestamps, compounded->peak_row)});
    t.rows.push_back({"trough", row_date(input.timestamps, compounded->trough_row)});
    t.rows.push_back(
        {"average drawdown (compounded)", format_percent(compounded->average_drawdown)});
    t.rows.push_back({"Ulcer index (compounded)", format_percent(compounded->ulcer_index)});
    t.rows.push_back(
        {"CDaR " + std::string(level) + " (compounded)", format_percent(compounded->cdar)});
    t.rows.push_back({"max drawdown (uncompounded)", format_percent(uncompounded->max_drawdown)});
    t.rows.push_back(
        {"CDaR " + std::string(level) + " (uncompounded)", format_percent(uncompounded->cdar)});
    t.note =
        "Compounded drawdowns are falls of wealth from its peak; uncompounded ones are falls "
        "of the cumulative sum of returns (the definition the min-CDaR optimiser uses).";
    s.tables.push_back(std::move(t));
    report.sections.push_back(std::move(s));
  }

  // ---- Rolling volatility
  {
    Eigen::Index window =
        input.rolling_window > 0 ? input.rolling_window : std::min<Eigen::Index>(30, rows / 4);
    window = std::clamp<Eigen::Index>(window, 2, rows);
    auto rolling_result = rolling_volatility(simple, window, ppy);
    if (!rolling_result) return rolling_result.status().with_context("risk report");
    const Eigen::VectorXd& rolling = *rolling_result;
    Section s{.title = "Rolling volatility",
              .text = "Annualised standard deviation of the last " + std::to_string(window) + " " +
                      internal::period_adjective(ppy) + " returns, at each date."};
    TimeSeries series{input.timestamps, {"portfolio"}, rolling};
    const std::string title = "Rolling " + std::to_string(window) + "-" + period + " volatility";
    KEEL_REPORT_ADD_CHART(s, make_chart(rolling_volatility_chart(series, {.title = title}), title,
                                        "Volatility clusters: calm and turbulent stretches.", true,
                                        "rolling volatility chart"));
    std::vector<double> finite;
    for (Eigen::Index t = 0; t < rolling.size(); ++t) {
      if (std::isfinite(rolling(t))) finite.push_back(rolling(t));
    }
    Table t{.title = "Rolling volatility", .columns = {"quantity", "value"}};
    if (!finite.empty()) {
      std::vector<double> sorted = finite;
      std::sort(sorted.begin(), sorted.end());
      t.rows.push_back({"lowest", format_percent(sorted.front())});
      t.rows.push_back({"median", format_percent(sorted[sorted.size() / 2])});
      t.rows.push_back({"highest", format_percent(sorted.back())});
      t.rows.push_back({"latest", format_percent(finite.back())});
    }
    t.rows.push_back({"whole history", format_percent(summary->volatility)});
    s.tables.push_back(std::move(t));
    report.sections.push_back(std::move(s));
  }

  // ---- Contributions
  if (!input.contributions.empty()) {
    const ContributionSet& first = input.contributions.front();
    Section s{.title = "Risk contributions",
              .text =
                  "Each asset's share of the portfolio's risk (Euler decomposition: shares sum "
                  "to 100%) beside its weight."};
    // Bars for the assets held only; the table lists every asset.
    std::vector<std::string> held;
    std::vector<double> held_weights;
    std::vector<double> held_shares;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (std::abs(input.weights(i)) <= 1e-6) continue;
      held.push_back(input.assets[static_cast<std::size_t>(i)]);
      held_weights.push_back(input.weights(i));
      held_shares.push_back(first.percent(i));
    }
    if (first.percent.allFinite() && !held.empty()) {
      const std::string title = "Contributions to " + first.measure + " vs weights";
      const auto k = static_cast<Eigen::Index>(held.size());
      std::string caption = "Blue: weight; amber: share of " + first.measure + ".";
      if (k < n) caption += " " + std::to_string(n - k) + " assets with zero weight are not drawn.";
      KEEL_REPORT_ADD_CHART(
          s, make_chart(risk_contributions_chart(
                            held, Eigen::Map<const Eigen::VectorXd>(held_weights.data(), k),
                            Eigen::Map<const Eigen::VectorXd>(held_shares.data(), k), first.measure,
                            title),
                        title, caption, false, "risk contributions chart"));
    }
    Table t{.title = "Shares of risk", .columns = {"asset", "weight"}};
    for (const auto& c : input.contributions) t.columns.push_back(c.measure);
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
      return input.weights(a) > input.weights(b);
    });
    for (Eigen::Index i : order) {
      std::vector<std::string> row = {input.assets[static_cast<std::size_t>(i)],
                                      format_percent(input.weights(i))};
      for (const auto& c : input.contributions) row.push_back(format_percent(c.percent(i)));
      t.rows.push_back(std::move(row));
    }
    std::string totals = "Totals per " + period + ": ";
    for (std::size_t k = 0; k < input.contributions.size(); ++k) {
      if (k > 0) totals += ", ";
      totals += input.contributions[k].measure + " " + format_percent(input.contributions[k].total);
    }
    t.note = totals + ".";
    s.tables.push_back(std::move(t));
    report.sections.push_back(std::move(s));
  }
  return report;
}

}  // namespace keel::report
