#include "keel/backtest/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace keel {

double bps_per_year_of_average_nav(double amount, Eigen::Ref<const Eigen::VectorXd> equity,
                                   double periods_per_year) {
  const Eigen::Index n = equity.size() - 1;
  const double average = n > 0 ? equity.mean() : 0.0;
  if (!(average > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return 1e4 * amount / average * periods_per_year / static_cast<double>(n);
}

Eigen::VectorXd drawdown_path(Eigen::Ref<const Eigen::VectorXd> equity) {
  Eigen::VectorXd dd(equity.size());
  double peak = -std::numeric_limits<double>::infinity();
  for (Eigen::Index t = 0; t < equity.size(); ++t) {
    peak = std::max(peak, equity(t));
    dd(t) = peak > 0.0 ? 1.0 - equity(t) / peak : 0.0;
  }
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
  m.total_return = equity(rows - 1) / equity(0) - 1.0;
  m.cagr =
      equity(rows - 1) > 0.0 ? std::pow(equity(rows - 1) / equity(0), 1.0 / years) - 1.0 : -1.0;
  const Eigen::VectorXd r = net_returns.tail(n);
  const double mean = r.mean();
  if (n > 1) {
    m.volatility = std::sqrt((r.array() - mean).square().sum() / static_cast<double>(n - 1) *
                             periods_per_year);
  }
  const double excess = mean * periods_per_year - risk_free_rate;
  m.sharpe = m.volatility > 0.0 ? excess / m.volatility : std::nan("");
  const double rf_period = risk_free_rate / periods_per_year;
  const double downside =
      std::sqrt((r.array() - rf_period).min(0.0).square().mean() * periods_per_year);
  m.sortino = downside > 0.0 ? excess / downside : std::nan("");

  const Eigen::VectorXd dd = drawdown_path(equity);
  m.max_drawdown = dd.maxCoeff();
  m.calmar = m.max_drawdown > 0.0 ? m.cagr / m.max_drawdown : std::nan("");
  // Longest spell under water: from the last peak to the first close back at or above it.
  Eigen::Index start = -1;
  for (Eigen::Index t = 0; t < rows; ++t) {
    if (dd(t) > 0.0) {
      if (start < 0) start = t - 1;  // the peak is the previous close
      const int length = static_cast<int>(t - start);
      if (length > m.max_drawdown_duration) {
        m.max_drawdown_duration = length;
        m.max_drawdown_duration_days =
            static_cast<double>(timestamps[static_cast<std::size_t>(t)] -
                                timestamps[static_cast<std::size_t>(start)]) /
            static_cast<double>(kSecondsPerDay);
      }
    } else {
      start = -1;
    }
  }

  // Historical CVaR at 95%: mean of the worst ⌈5% · n⌉ returns (at least one).
  std::vector<double> sorted(r.data(), r.data() + n);
  std::sort(sorted.begin(), sorted.end());
  const auto tail = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil(0.05 * static_cast<double>(n) - 1e-9)));
  double sum = 0.0;
  for (std::size_t i = 0; i < tail; ++i) sum += sorted[i];
  m.cvar_95 = -sum / static_cast<double>(tail);

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
