#include "keel/backtest/metrics.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "keel/risk/drawdown.hpp"
#include "keel/risk/performance.hpp"
#include "keel/risk/var.hpp"

namespace keel {

double bps_per_year_of_average_nav(double amount, Eigen::Ref<const Eigen::VectorXd> equity,
                                   double periods_per_year) {
  const Eigen::Index n = equity.size() - 1;
  const double average = n > 0 ? equity.mean() : 0.0;
  if (!(average > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return 1e4 * amount / average * periods_per_year / static_cast<double>(n);
}

Eigen::VectorXd drawdown_path(Eigen::Ref<const Eigen::VectorXd> net_returns) {
  Eigen::VectorXd dd = Eigen::VectorXd::Zero(net_returns.size());
  if (net_returns.size() < 2) return dd;
  auto summary = drawdowns(net_returns.tail(net_returns.size() - 1),
                           {.kind = DrawdownKind::kCompounded, .confidence = 0.95});
  if (summary) dd.tail(net_returns.size() - 1) = summary->drawdown;
  return dd;
}

BacktestMetrics compute_metrics(Eigen::Ref<const Eigen::VectorXd> equity,
                                Eigen::Ref<const Eigen::VectorXd> net_returns,
                                Eigen::Ref<const Eigen::MatrixXd> weights,
                                const std::vector<Timestamp>& timestamps, double periods_per_year,
                                double risk_free_rate, double total_turnover, double total_costs) {
  BacktestMetrics m;
  const Eigen::Index rows = equity.size();
  if (rows < 2) return m;
  const Eigen::Index n = rows - 1;  // evaluated periods (row 0 is the start)
  const double years = static_cast<double>(n) / periods_per_year;
  const Eigen::VectorXd r = net_returns.tail(n);
  // The risk module owns every return statistic (risk/performance.hpp, risk/var.hpp); the net
  // returns are finite by construction, so these cannot fail for a finished run.
  auto p = performance_summary(
      r, {.periods_per_year = periods_per_year, .risk_free_rate = risk_free_rate});
  if (!p) return m;
  m.total_return = p->total_return;
  m.cagr = p->cagr;
  m.volatility = p->volatility;
  m.sharpe = p->sharpe;
  m.sortino = p->sortino;
  m.max_drawdown = p->drawdown.max_drawdown;
  m.calmar = p->calmar;
  // Equity row i + 1 holds the close after return i; the peak row −1 is the start (row 0).
  m.max_drawdown_duration = p->drawdown.longest_underwater;
  if (m.max_drawdown_duration > 0) {
    const auto peak = static_cast<std::size_t>(p->drawdown.underwater_peak_row + 1);
    const auto last = static_cast<std::size_t>(p->drawdown.underwater_last_row + 1);
    m.max_drawdown_duration_days = static_cast<double>(timestamps[last] - timestamps[peak]) /
                                   static_cast<double>(kSecondsPerDay);
  }
  auto tail = value_at_risk(r, {.method = VarMethod::kHistorical, .confidence = 0.95});
  m.cvar_95 = tail ? tail->es : std::numeric_limits<double>::quiet_NaN();

  m.total_turnover = total_turnover;
  m.turnover_annual = total_turnover / years;
  m.costs_total_value = total_costs;
  m.costs_fraction = total_costs / equity(0);
  m.cost_bps_per_year = bps_per_year_of_average_nav(total_costs, equity, periods_per_year);
  double holdings = 0.0;
  for (Eigen::Index t = 1; t < rows; ++t) {
    holdings += static_cast<double>((weights.row(t).array().abs() > 1e-8).count());
  }
  m.average_holdings = holdings / static_cast<double>(n);
  return m;
}

Json BacktestMetrics::to_json() const {
  Json j = Json::object();
  j["total_return"] = json_number(total_return);
  j["cagr"] = json_number(cagr);
  j["volatility"] = json_number(volatility);
  j["sharpe"] = json_number(sharpe);
  j["sortino"] = json_number(sortino);
  j["calmar"] = json_number(calmar);
  j["max_drawdown"] = json_number(max_drawdown);
  j["max_drawdown_duration_periods"] = max_drawdown_duration;
  j["max_drawdown_duration_days"] = json_number(max_drawdown_duration_days);
  j["cvar_95"] = json_number(cvar_95);
  j["turnover_annual"] = json_number(turnover_annual);
  j["turnover_total"] = json_number(total_turnover);
  j["costs_fraction"] = json_number(costs_fraction);
  j["cost_bps_per_year"] = json_number(cost_bps_per_year);
  j["costs_total_value"] = json_number(costs_total_value);
  j["average_holdings"] = json_number(average_holdings);
  j["rebalances"] = rebalances;
  j["fallbacks"] = fallbacks;
  return j;
}

}  // namespace keel
