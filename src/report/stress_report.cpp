#include "keel/report/stress_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "keel/core/table.hpp"
#include "keel/report/charts.hpp"
#include "report/report_util.hpp"

namespace keel::report {

namespace {

using internal::make_chart;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One bar of the scenario chart: a replayed window or a hypothetical scenario.
struct Outcome {
  std::string label;
  double total = 0.0;
  Eigen::VectorXd asset_pnl;  // over StressReportInput::assets
};

}  // namespace

Result<Report> stress_report(const StressReportInput& input) {
  const auto n = static_cast<Eigen::Index>(input.assets.size());
  if (n == 0 || input.weights.size() != n) {
    return Status::invalid("stress report: " + std::to_string(n) + " assets but " +
                           std::to_string(input.weights.size()) + " weights");
  }
  if (!(input.periods_per_year > 0.0)) {
    return Status::invalid("stress report: periods_per_year must be positive");
  }
  const bool show_value = input.portfolio_value > 0.0 && std::isfinite(input.portfolio_value);
  auto money = [&](double value) { return format_money(value, input.currency); };
  const std::string period = internal::period_name(input.periods_per_year);

  // Per-asset P&L of the replayed windows, mapped to the portfolio's assets by name (the replay
  // may carry extra columns, such as a proxy with zero weight).
  std::vector<Outcome> outcomes;
  for (const WindowReplay& w : input.historical.windows) {
    if (w.outcome != ReplayOutcome::kReplayed) continue;
    Outcome o{w.window.name + " (replay)", w.total, Eigen::VectorXd::Zero(n)};
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto& names = input.historical.assets;
      auto it = std::find(names.begin(), names.end(), input.assets[static_cast<std::size_t>(i)]);
      if (it == names.end()) {
        return Status::invalid("stress report: asset " + input.assets[static_cast<std::size_t>(i)] +
                               " is not in the historical replay");
      }
      o.asset_pnl[i] = w.asset_pnl[it - names.begin()];
    }
    outcomes.push_back(std::move(o));
  }
  for (const ShockScenarioResult& s : input.hypothetical) {
    if (s.assets != input.assets) {
      return Status::invalid("stress report: scenario '" + s.name +
                             "' was evaluated over other assets than the portfolio's");
    }
    outcomes.push_back({s.name, s.pnl.total, s.pnl.asset_pnl});
  }

  Report report;
  report.title = "keel stress: portfolio of " + std::to_string(n) + " assets";
  report.meta = input.meta;
  report.meta.push_back(
      "P&L as fractions of the portfolio value at the start of each scenario "
      "(losses negative); VaR, CVaR and LVaR are losses (positive)." +
      (show_value ? " Portfolio value " + money(input.portfolio_value) + "." : std::string()));

  // ---- Scenario P&L
  {
    Section s{.title = "Scenario P&L",
              .text =
                  "Historical crash windows replayed on the portfolio (bought at the start, "
                  "held through the window) and hypothetical shocks (instantaneous price "
                  "moves), worst first."};
    if (!outcomes.empty()) {
      std::vector<std::string> labels;
      Eigen::VectorXd totals(static_cast<Eigen::Index>(outcomes.size()));
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        labels.push_back(outcomes[k].label);
        totals[static_cast<Eigen::Index>(k)] = outcomes[k].total;
      }
      const std::string title = "Stress scenario P&L";
      KEEL_REPORT_ADD_CHART(
          s, make_chart(stress_pnl_chart(labels, totals, title), title,
                        "Red bars are losses, green bars gains.", false, "stress P&L chart"));
    } else {
      s.text += " No window was replayed and no scenario was given.";
    }
    if (!input.historical.windows.empty()) {
      Table t{.title = "Historical windows", .columns = {"window", "P&L"}};
      if (show_value) t.columns.push_back("P&L value");
      t.columns.insert(t.columns.end(), {"trough", "max drawdown", "status"});
      std::string dates;
      std::string reasons;
      for (const WindowReplay& w : input.historical.windows) {
        std::vector<std::string> row = {w.window.name, format_percent(w.total)};
        if (show_value) row.push_back(money(w.total * input.portfolio_value));
        row.push_back(format_percent(w.trough));
        row.push_back(format_percent(w.max_drawdown));
        row.push_back(std::string(to_string(w.outcome)));
        t.rows.push_back(std::move(row));
        dates += (dates.empty() ? "" : ", ") + w.window.name + " " +
                 format_timestamp(w.window.start) + " .. " + format_timestamp(w.window.end);
        if (!w.reason.empty()) reasons += " " + w.window.name + ": " + w.reason + ".";
      }
      t.note =
          "Dates: " + dates + ". Trough: the lowest cumulative P&L inside the window." + reasons;
      s.tables.push_back(std::move(t));
    }
    if (!input.hypothetical.empty()) {
      Table t{.title = "Hypothetical scenarios", .columns = {"scenario", "P&L"}};
      if (show_value) t.columns.push_back("P&L value");
      std::string shocks;
      for (const ShockScenarioResult& r : input.hypothetical) {
        std::vector<std::string> row = {r.name, format_percent(r.pnl.total)};
        if (show_value) row.push_back(money(r.pnl.total * input.portfolio_value));
        t.rows.push_back(std::move(row));
        shocks += " " + r.name + ": ";
        for (std::size_t k = 0; k < r.shocks.size(); ++k) {
          const ShockSpec& spec = r.shocks[k];
          shocks += (k == 0 ? "" : "; ") + r.shock_labels[k] + " " +
                    (spec.asset_return ? format_percent(*spec.asset_return, 1)
                                       : "to price " + format_fixed(spec.price.value_or(kNaN), 4));
        }
        shocks += ".";
      }
      t.note =
          "Shocks in order (a later one overrides an earlier one for the same asset; assets "
          "no shock reaches keep their price)." +
          shocks;
      s.tables.push_back(std::move(t));
    }
    report.sections.push_back(std::move(s));
  }

  // ---- P&L by asset
  if (!outcomes.empty()) {
    const auto worst =
        std::min_element(outcomes.begin(), outcomes.end(),
                         [](const Outcome& a, const Outcome& b) { return a.total < b.total; });
    Section s{.title = "P&L by asset",
              .text =
                  "Where the losses come from: each asset's P&L (weight × its return) in "
                  "every scenario."};
    std::vector<std::string> held;
    std::vector<double> pnl;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (input.weights[i] == 0.0) continue;
      held.push_back(input.assets[static_cast<std::size_t>(i)]);
      pnl.push_back(worst->asset_pnl[i]);
    }
    if (!held.empty()) {
      const std::string title = "P&L by asset in the worst scenario: " + worst->label;
      auto spec = stress_pnl_chart(
          held,
          Eigen::Map<const Eigen::VectorXd>(pnl.data(), static_cast<Eigen::Index>(pnl.size())),
          title);
      // The builder names its bars "Scenario"; here each bar is an asset.
      if (spec && spec->contains("encoding") && (*spec)["encoding"].contains("y")) {
        (*spec)["encoding"]["y"]["title"] = "Asset";
      }
      KEEL_REPORT_ADD_CHART(s, make_chart(std::move(spec), title,
                                          "Contribution of each held asset to the scenario's "
                                          "total.",
                                          false, "P&L by asset chart"));
    }
    Table t{.title = "P&L by asset and scenario", .columns = {"asset", "weight"}};
    for (const auto& o : outcomes) t.columns.push_back(o.label);
    for (Eigen::Index i = 0; i < n; ++i) {
      std::vector<std::string> row = {input.assets[static_cast<std::size_t>(i)],
                                      format_percent(input.weights[i])};
      for (const auto& o : outcomes) row.push_back(format_percent(o.asset_pnl[i]));
      t.rows.push_back(std::move(row));
    }
    s.tables.push_back(std::move(t));
    report.sections.push_back(std::move(s));
  }

  // ---- VaR and LVaR before and after
  {
    const PortfolioCorrelationStress& c = input.correlation;
    const LiquidityStress& l = input.liquidity;
    char level[32];
    std::snprintf(level, sizeof level, "%.4g%%", c.options.stress.confidence * 100.0);
    Section s{.title = "Correlation and liquidity stress",
              .text = "Correlation stress as in a liquidation cascade: every correlation moved " +
                      format_percent(c.options.stress.correlation_shift, 0) +
                      " of the way to one and volatilities ×" +
                      format_fixed(c.options.stress.volatility_multiplier, 2) +
                      " (Gaussian VaR/CVaR). Liquidity evaporation: bid-ask spreads and market "
                      "impact ×" +
                      format_fixed(l.options.multiplier, 2) +
                      " on top of the historical VaR (LVaR)."};
    std::vector<TailRiskEstimate> estimates = {
        {"Gaussian, base", c.var_before, c.es_before, kNaN},
        {"Gaussian, correlation stress", c.var_after, c.es_after, kNaN}};
    for (const auto& [name, m] : {std::pair{"spread", &l.spread}, std::pair{"impact", &l.impact}}) {
      if (!m->computed) continue;
      estimates.push_back(
          {std::string("historical + ") + name + ", base", l.var, kNaN, m->before.lvar});
      estimates.push_back({std::string("historical + ") + name + ", liquidity ×" +
                               format_fixed(l.options.multiplier, 1),
                           l.var, kNaN, m->after.lvar});
    }
    auto spec = tail_risk_chart(estimates, c.options.stress.confidence, c.options.horizon, period);
    if (!spec) return spec.status().with_context("stress report");
    const std::string title = (*spec)["title"].get<std::string>();
    KEEL_REPORT_ADD_CHART(s, make_chart(std::move(spec), title,
                                        "Bars per case; the stressed bars beside the base ones "
                                        "show what the stress adds.",
                                        true, "VaR/LVaR chart"));
    Table corr{.title = "Correlation stress (Gaussian, " + std::string(level) + ", " +
                        std::to_string(c.options.horizon) + " " + period +
                        (c.options.horizon == 1 ? "" : "s") + ")",
               .columns = {"", "volatility", "VaR", "CVaR", "average correlation"}};
    corr.rows.push_back({"base", format_percent(c.volatility_before), format_percent(c.var_before),
                         format_percent(c.es_before),
                         format_fixed(c.average_correlation_before, 3)});
    corr.rows.push_back({"stressed", format_percent(c.volatility_after),
                         format_percent(c.var_after), format_percent(c.es_after),
                         format_fixed(c.average_correlation_after, 3)});
    corr.note =
        "Volatility of the portfolio over the horizon; smallest eigenvalue of the stressed "
        "correlation " +
        format_fixed(c.min_eigenvalue, 4) + ".";
    s.tables.push_back(std::move(corr));
    Table liq{.title = "Liquidity evaporation (historical VaR " + format_percent(l.var) + ")",
              .columns = {"model", "cost, base", "LVaR, base", "cost, stressed", "LVaR, stressed"}};
    std::string notes;
    for (const auto& [name, m] :
         {std::pair{"exogenous spread", &l.spread}, std::pair{"endogenous impact", &l.impact}}) {
      if (m->computed) {
        liq.rows.push_back(
            {name, format_percent(m->before.liquidity_cost, 3), format_percent(m->before.lvar, 3),
             format_percent(m->after.liquidity_cost, 3), format_percent(m->after.lvar, 3)});
      } else {
        liq.rows.push_back({name, "-", "-", "-", "-"});
        notes +=
            (notes.empty() ? "" : " ") + std::string(name) + " not computed: " + m->reason + ".";
      }
    }
    liq.note = notes;
    s.tables.push_back(std::move(liq));
    report.sections.push_back(std::move(s));
  }
  return report;
}

}  // namespace keel::report
