#pragma once
// Summary statistics of a backtest's net returns, per DESIGN §4 conventions.
//
//   CAGR          (V_T / V_0)^(ppy / n) − 1 over the n evaluated periods
//   volatility    sample standard deviation (n − 1) of per-period returns × √ppy
//   sharpe        (mean · ppy − rf) / volatility                 (arithmetic annualised mean)
//   sortino       (mean · ppy − rf) / (√(mean(min(r − rf/ppy, 0)²)) · √ppy)
//   calmar        CAGR / max drawdown
//   max drawdown  largest fall of the equity curve from a running peak (compounded), fraction
//   duration      longest time spent below a previous peak (periods and days), recovered or not
//   cvar_95       mean of the worst 5% per-period returns, as a positive loss
//   turnover      Σ over rebalances of Σ|w_after − w_before| (two-sided), annualised by years
//   costs         total costs / initial value, and annualised as a fraction of average equity
//   holdings      mean number of assets with |w| > 1e-8 over the evaluated periods

#include <Eigen/Core>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/time.hpp"

namespace keel {

struct BacktestMetrics {
  double total_return = 0.0;
  double cagr = 0.0;
  double volatility = 0.0;
  double sharpe = 0.0;
  double sortino = 0.0;
  double calmar = 0.0;
  double max_drawdown = 0.0;
  int max_drawdown_duration = 0;  // periods
  double max_drawdown_duration_days = 0.0;
  double cvar_95 = 0.0;
  double turnover_annual = 0.0;
  double total_turnover = 0.0;
  double costs_fraction = 0.0;  // total costs / initial value
  double average_holdings = 0.0;
  int rebalances = 0;
  int fallbacks = 0;
  Json to_json() const;
};

// Drawdown path of an equity curve: 1 − V_t / max_{s≤t} V_s.
Eigen::VectorXd drawdown_path(Eigen::Ref<const Eigen::VectorXd> equity);

// `net_returns` and `equity` share rows (row 0 = the start, return 0); `weights` rows × assets.
BacktestMetrics compute_metrics(Eigen::Ref<const Eigen::VectorXd> equity,
                                Eigen::Ref<const Eigen::VectorXd> net_returns,
                                Eigen::Ref<const Eigen::MatrixXd> weights,
                                const std::vector<Timestamp>& timestamps, double periods_per_year,
                                double risk_free_rate, double total_turnover, double total_costs);

}  // namespace keel
