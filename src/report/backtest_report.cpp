#include "keel/report/backtest_report.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "keel/core/table.hpp"
#include "keel/report/charts.hpp"
#include "keel/risk/performance.hpp"

namespace keel::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Stacked areas of 13 series are the heaviest charts to draw: 600 dates per chart keep a
// 2500-day report quick to open while showing every regime (rows are thinned by a stride).
constexpr Eigen::Index kAreaPoints = 600;
// Lines keep the downsampler's extremes-preserving rule at this many points per series.
constexpr Eigen::Index kLinePoints = 1000;

// One column per strategy, from a function of the strategy giving its whole series.
TimeSeries strategy_series(const BacktestResult& r,
                           const std::function<Eigen::VectorXd(const StrategyResult&)>& series) {
  TimeSeries ts;
  ts.timestamps = r.timestamps;
  const auto rows = static_cast<Eigen::Index>(r.timestamps.size());
  ts.values.resize(rows, static_cast<Eigen::Index>(r.strategies.size()));
  for (std::size_t k = 0; k < r.strategies.size(); ++k) {
    ts.names.push_back(r.strategies[k].name);
    ts.values.col(static_cast<Eigen::Index>(k)) = series(r.strategies[k]);
  }
  return ts;
}

Table metrics_table(const BacktestResult& r) {
  Table t{.title = "Strategies and benchmarks",
          .columns = {"strategy", "CAGR", "volatility", "Sharpe", "Sortino", "max drawdown",
                      "longest drawdown (days)", "Calmar", "CVaR 95%", "turnover / year",
                      "costs (bp / year)", "avg holdings", "rebalances", "fallbacks"},
          .rows = {},
          .note =
              "Net of every cost. Sharpe and Sortino use the arithmetic annualised mean; "
              "turnover is two-sided (Σ|Δw| per rebalance); costs (fees, spread, impact and "
              "financing net of interest on cash) are in basis points a year of the average "
              "NAV; CVaR 95% is the historical expected shortfall of the period returns (the "
              "worst 5%, the last one weighted fractionally), the same number `keel risk` "
              "gives; max drawdown is the fall of compounded wealth from its peak.",
          .wide = true};
  for (const auto& s : r.strategies) {
    const auto& m = s.metrics;
    t.rows.push_back({s.name + (s.is_benchmark ? " (benchmark)" : ""), format_percent(m.cagr),
                      format_percent(m.volatility), format_fixed(m.sharpe, 2),
                      format_fixed(m.sortino, 2), format_percent(m.max_drawdown),
                      format_fixed(m.max_drawdown_duration_days, 0), format_fixed(m.calmar, 2),
                      format_percent(m.cvar_95), format_fixed(m.turnover_annual, 2),
                      format_fixed(m.cost_bps_per_year, 1), format_fixed(m.average_holdings, 1),
                      std::to_string(m.rebalances), std::to_string(m.fallbacks)});
  }
  return t;
}

Result<Section> strategy_section(const BacktestResult& r, const StrategyResult& s,
                                 const std::string& currency) {
  Section section{.title = "Strategy: " + s.name, .text = {}, .charts = {}, .tables = {}};
  TimeSeries weights;
  weights.timestamps = r.timestamps;
  weights.names = r.assets;
  weights.values = s.weights;
  auto w = weights_over_time_chart(
      weights, 12,
      {.title = "Weights over time: " + s.name, .y_title = {}, .max_points = kAreaPoints});
  if (!w) return w.status();
  section.charts.push_back({.title = "Weights over time: " + s.name,
                            .spec = *w,
                            .caption = "End-of-day weights, drifting with prices between "
                                       "rebalances; the smaller holdings are summed as 'other'.",
                            .wide = true});
  const auto& rc = s.risk_contributions;
  if (rc.dates.size() >= 2) {
    TimeSeries contributions;
    contributions.timestamps = rc.dates;
    contributions.names = r.assets;
    contributions.values = rc.contributions;
    auto c = weights_over_time_chart(contributions, 12,
                                     {.title = "Risk contributions at each rebalance: " + s.name,
                                      .y_title = "Share of portfolio variance (%)",
                                      .max_points = kAreaPoints});
    if (!c) return c.status();
    section.charts.push_back({.title = "Risk contributions at each rebalance: " + s.name,
                              .spec = *c,
                              .caption = "Euler contributions w_i(Σw)_i / wᵀΣw of the target "
                                         "portfolio with the window's covariance estimate.",
                              .wide = true});
  }
  auto money = [&](double value) { return format_money(value, currency); };
  Table costs{.title = "Costs of " + s.name,
              .columns = {"kind", "total", "bp / year of average NAV"},
              .rows = {},
              .note =
                  "Totals over the run in quote currency, and per year as a share of the average "
                  "NAV (the fund's usual unit). Financing nets interest on cash against short and "
                  "leverage financing.",
              .wide = false};
  const std::pair<const char*, double> kinds[] = {{"fees", s.costs.fees},
                                                  {"spread", s.costs.spread},
                                                  {"market impact", s.costs.impact},
                                                  {"financing", s.costs.financing},
                                                  {"total", s.costs.total()}};
  for (const auto& [kind, value] : kinds) {
    costs.rows.push_back(
        {kind, money(value),
         format_fixed(bps_per_year_of_average_nav(value, s.equity, r.periods_per_year), 1)});
  }
  section.tables.push_back(std::move(costs));

  const auto& a = s.attribution;
  Table attribution{.title = "Return attribution of " + s.name,
                    .columns = {"", "contribution"},
                    .rows = {},
                    .note =
                        "Arithmetic: Σ over periods of w[t−1]·r[t]; the contributions less "
                        "costs add up to the sum of net period returns."};
  if (!a.groups.empty()) {
    attribution.columns[0] = "group";
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
      attribution.rows.push_back(
          {a.groups[g], format_percent(a.by_group(static_cast<Eigen::Index>(g)))});
    }
  } else {
    attribution.columns[0] = "asset (largest 10 by |contribution|)";
    std::vector<Eigen::Index> order(static_cast<std::size_t>(a.by_asset.size()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](Eigen::Index x, Eigen::Index y) {
      return std::abs(a.by_asset(x)) > std::abs(a.by_asset(y));
    });
    for (std::size_t k = 0; k < std::min<std::size_t>(10, order.size()); ++k) {
      attribution.rows.push_back(
          {a.assets[static_cast<std::size_t>(order[k])], format_percent(a.by_asset(order[k]))});
    }
  }
  attribution.rows.push_back({"costs (summed period cost returns)", format_percent(-a.costs)});
  attribution.rows.push_back({"net (sum of period returns)", format_percent(a.net)});
  section.tables.push_back(std::move(attribution));

  if (s.brinson_fachler && s.brinson_fachler->is_degenerate()) {
    // Allocation would read 0.00% in every row and everything would sit in "interaction": say
    // why instead of printing a table that looks like a result.
    section.text = "Brinson–Fachler attribution against the benchmark is not shown: " +
                   s.brinson_fachler->degenerate_reason() + ".";
  } else if (s.brinson_fachler) {
    const auto& bf = *s.brinson_fachler;
    Table t{.title = "Brinson–Fachler attribution of " + s.name + " against the benchmark",
            .columns = {"group", "allocation", "selection", "interaction"},
            .rows = {},
            .note = "Summed over periods; the three columns add up to the active invested return " +
                    format_percent(bf.active_return) + "."};
    for (std::size_t g = 0; g < bf.groups.size(); ++g) {
      const auto i = static_cast<Eigen::Index>(g);
      t.rows.push_back({bf.groups[g], format_percent(bf.allocation(i)),
                        format_percent(bf.selection(i)), format_percent(bf.interaction(i))});
    }
    section.tables.push_back(std::move(t));
  }

  if (!s.fallback_reasons.empty()) {
    Table reasons{.title = "Why " + s.name + " fell back",
                  .columns = {"reason", "status", "decisions", "first", "last", "first message"},
                  .rows = {},
                  .note =
                      "On these decision dates the model gave no usable portfolio and the "
                      "strategy's fallback was held instead; counts add up to the fallbacks "
                      "column above.",
                  .wide = true};
    for (const auto& f : s.fallback_reasons) {
      reasons.rows.push_back({f.reason, std::string(to_string(f.status)), std::to_string(f.count),
                              format_timestamp(f.first_date), format_timestamp(f.last_date),
                              f.example});
    }
    section.tables.push_back(std::move(reasons));
  }
  if (!s.warnings.empty()) {
    std::string text;
    for (const auto& warning : s.warnings) text += (text.empty() ? "Warnings: " : "; ") + warning;
    section.text = section.text.empty() ? text + "." : section.text + " " + text + ".";
  }

  Table events{.title = "Fallbacks, skipped rebalances and delistings of " + s.name,
               .columns = {"date", "event", "detail"},
               .rows = {},
               .note = {}};
  for (const auto& rec : s.rebalances) {
    if (rec.outcome == RebalanceOutcome::kRebalanced) continue;
    if (events.rows.size() >= 25) break;
    events.rows.push_back(
        {format_timestamp(rec.decision_date), std::string(to_string(rec.outcome)), rec.message});
  }
  for (const auto& d : s.delistings) {
    events.rows.push_back({format_timestamp(d.date), "delisting",
                           d.asset + " exited at its last price (" + money(d.value) + ")"});
  }
  if (!events.rows.empty()) section.tables.push_back(std::move(events));
  return section;
}

}  // namespace

Result<std::vector<Section>> backtest_sections(const BacktestResult& r,
                                               const BacktestReportInput& input) {
  if (r.strategies.empty() || r.timestamps.size() < 2) {
    return Status::invalid("backtest report: the result has no strategies or dates");
  }
  if (input.volatility_window < 2)
    return Status::invalid("backtest report: volatility_window must be ≥ 2");
  std::vector<Section> sections;
  Section overview{.title = "Backtest: strategies against benchmarks",
                   .text = "Walk-forward from " + format_timestamp(r.timestamps.front()) + " to " +
                           format_timestamp(r.timestamps.back()) + " (" +
                           std::to_string(r.timestamps.size() - 1) + " periods, " +
                           std::to_string(r.assets.size()) +
                           " assets). Decisions use data up to "
                           "each decision close and trade at a later close; every cost is "
                           "counted.",
                   .charts = {},
                   .tables = {metrics_table(r)}};

  // A ruined strategy's curve stops where its equity reached zero (a log scale has no zero).
  auto equity = equity_curves_chart(strategy_series(r,
                                                    [](const StrategyResult& s) -> Eigen::VectorXd {
                                                      Eigen::VectorXd g = s.equity / s.equity(0);
                                                      for (Eigen::Index t = 0; t < g.size(); ++t) {
                                                        if (!(g(t) > 0.0)) g(t) = kNaN;
                                                      }
                                                      return g;
                                                    }),
                                    {.title = {}, .y_title = {}, .max_points = kLinePoints});
  if (!equity) return equity.status();
  overview.charts.push_back({.title = "Equity curves (log scale)",
                             .spec = *equity,
                             .caption =
                                 "Growth of 1 net of costs, strategies and benchmarks (a "
                                 "curve that ends early marks a strategy ruined by its losses).",
                             .wide = true});
  auto dd = drawdown_chart(
      strategy_series(r, [](const StrategyResult& s) { return drawdown_path(s.net_returns); }),
      {.title = {}, .y_title = {}, .max_points = kLinePoints});
  if (!dd) return dd.status();
  overview.charts.push_back({.title = "Drawdowns",
                             .spec = *dd,
                             .caption = "Fall from the running peak of each equity curve.",
                             .wide = true});
  const int window = input.volatility_window;
  const double ppy = r.periods_per_year;
  // Row 0 is the start (no return): the windows run over rows 1..n.
  auto vol = rolling_volatility_chart(
      strategy_series(r,
                      [&](const StrategyResult& s) {
                        Eigen::VectorXd v = Eigen::VectorXd::Constant(s.net_returns.size(), kNaN);
                        const Eigen::Index n = s.net_returns.size() - 1;
                        auto rolling = rolling_volatility(s.net_returns.tail(n), window, ppy);
                        if (rolling) v.tail(n) = *rolling;
                        return v;
                      }),
      {.title = "Rolling volatility (" + std::to_string(window) + " periods)",
       .y_title = {},
       .max_points = kLinePoints});
  if (!vol) return vol.status();
  overview.charts.push_back(
      {.title = "Rolling volatility (" + std::to_string(window) + " periods)",
       .spec = *vol,
       .caption = "Annualised standard deviation of net returns over a trailing window.",
       .wide = true});
  sections.push_back(std::move(overview));

  int details = 0;
  for (const auto& s : r.strategies) {
    if (s.is_benchmark || details >= input.max_strategy_details) continue;
    ++details;
    auto section = strategy_section(r, s, input.currency);
    if (!section) return section.status().with_context("strategy '" + s.name + "'");
    sections.push_back(std::move(*section));
  }
  return sections;
}

Result<Report> backtest_report(const BacktestResult& result, const BacktestReportInput& input) {
  auto sections = backtest_sections(result, input);
  if (!sections) return sections.status();
  return Report{.title = input.title, .meta = input.meta, .sections = std::move(*sections)};
}

}  // namespace keel::report
