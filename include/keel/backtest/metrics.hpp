#pragma once
// Summary statistics of a backtest's net returns, per the conventions of docs/architecture.md
// section 4. The return statistics are the risk module's (risk/performance.hpp, risk/var.hpp,
// risk/drawdown.hpp), computed on the n evaluated net returns; this file adds what only a
// backtest has (turnover, costs, holdings, durations in days).
//
//   CAGR          (V_T / V_0)^(ppy / n) − 1 over the n evaluated periods
//   volatility    sample standard deviation (n − 1) of per-period returns × √ppy
//   sharpe        (mean · ppy − rf) / volatility                 (arithmetic annualised mean)
//   sortino       (mean · ppy − rf) / (√(mean(min(r − rf/ppy, 0)²)) · √ppy)
//   calmar        CAGR / max drawdown
//   max drawdown  largest fall of the equity curve from a running peak (compounded), fraction
//   duration      longest time spent below a previous peak (periods and days), recovered or not
//   cvar_95       historical expected shortfall at 95% of the per-period net returns, as a positive
//                 loss (risk/var.hpp: the worst 5%·n returns, the last one with fractional weight)
//   turnover      Σ over rebalances of Σ|w_after − w_before| (two-sided), annualised by years
//   costs         cost_bps_per_year (below), the total in quote currency, and the total as a
//                 fraction of the initial value
//   holdings      mean number of assets with |w| > 1e-8 over the evaluated periods

#include <Eigen/Core>
#include <limits>
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
  // Costs in basis points a year of average NAV, the unit a fund reports them in:
  //   cost_bps_per_year = 10⁴ · (C / V̄) · ppy / n
  // with C the total costs over the run in quote currency (fees, spread, impact, and financing
  // net of interest on cash: trading + financing), V̄ = (V_0 + … + V_n) / (n + 1) the mean equity
  // over the n + 1 closes (the time-average NAV), n the evaluated periods and ppy
  // periods_per_year. E.g. a 10 bp fee on a turnover of 2 a year at a steady NAV ≈ 20 bp/yr.
  // Negative when interest on cash exceeds every cost; NaN when V̄ ≤ 0 or there is no period.
  double cost_bps_per_year = std::numeric_limits<double>::quiet_NaN();
  double costs_total_value = 0.0;  // C, quote currency (the same unit as the initial value)
  double costs_fraction = 0.0;     // C / initial value (kept for readers of older results)
  double average_holdings = 0.0;
  int rebalances = 0;
  int fallbacks = 0;
  Json to_json() const;
};

// An amount of quote currency spent over the run of `equity` (n + 1 closes, n periods) in basis
// points a year of the average NAV: 10⁴ · (amount / mean(equity)) · ppy / n — the definition of
// cost_bps_per_year, for one kind of cost or the total. NaN when mean(equity) ≤ 0 or n = 0.
double bps_per_year_of_average_nav(double amount, Eigen::Ref<const Eigen::VectorXd> equity,
                                   double periods_per_year);

// Compounded drawdown path of a strategy from its net returns (row 0 = the start, drawdown 0):
// 1 − W_t / max_{s≤t} W_s with W the growth of 1 (risk/drawdown.hpp).
Eigen::VectorXd drawdown_path(Eigen::Ref<const Eigen::VectorXd> net_returns);

// `net_returns` and `equity` share rows (row 0 = the start, return 0); `weights` rows × assets;
// `total_costs` is C above, in quote currency.
BacktestMetrics compute_metrics(Eigen::Ref<const Eigen::VectorXd> equity,
                                Eigen::Ref<const Eigen::VectorXd> net_returns,
                                Eigen::Ref<const Eigen::MatrixXd> weights,
                                const std::vector<Timestamp>& timestamps, double periods_per_year,
                                double risk_free_rate, double total_turnover, double total_costs);

}  // namespace keel
