#pragma once
// Performance statistics of a per-period return series: growth, annualised volatility, Sharpe,
// Sortino and Calmar ratios, the compounded drawdown, and rolling volatility. The one definition
// of each, used by `keel risk`, the backtest metrics and every report.
//
// Inputs are per-period simple returns (fractions), finite; T observations; ppy the periods per
// year (365 daily crypto, 8760 hourly; data/frequency.hpp), rf an annual risk-free rate (simple,
// a fraction), rf/ppy per period. The mean is annualised arithmetically (mean · ppy), as
// PyPortfolioOpt, Riskfolio-Lib and PerformanceAnalytics' SharpeRatio.annualized(geometric =
// FALSE) do.
//
//   total return        Π (1 + r_t) − 1                          (wealth with ruin: drawdown.hpp)
//   CAGR                (1 + total)^(ppy / T) − 1; −1 when the wealth is ≤ 0
//   volatility          sqrt( Σ (r − r̄)² / (T − 1) ) · √ppy       (0 when T < 2)
//   downside deviation  sqrt( Σ min(r − rf/ppy, 0)² / T ) · √ppy   Sortino & van der Meer (1991);
//                       PerformanceAnalytics DownsideDeviation(MAR = rf/ppy, method = "full")
//   Sharpe              (r̄ · ppy − rf) / volatility                NaN when volatility is 0
//   Sortino             (r̄ · ppy − rf) / downside deviation        NaN when it is 0
//   Calmar              CAGR / max drawdown (compounded)           NaN when there is no drawdown
//   rolling volatility  row t: the volatility of rows t − w + 1 … t (w the window), √ppy-scaled;
//                       NaN for the first w − 1 rows
//
// Tail measures (VaR, CVaR) are var.hpp's; drawdowns are drawdown.hpp's (compounded here).

#include <Eigen/Core>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/risk/drawdown.hpp"

namespace keel {

struct PerformanceOptions {
  // Periods per year of the series. Required, > 0: there is no default on purpose.
  double periods_per_year = 0.0;
  // Annual risk-free rate (simple, fraction) of Sharpe and Sortino. Default 0.
  double risk_free_rate = 0.0;
  // Confidence of the drawdown's CDaR, in (0, 1). Default 0.95.
  double drawdown_confidence = 0.95;
  Status validate() const;
};

struct PerformanceSummary {
  Eigen::Index periods = 0;
  double total_return = 0.0;
  double cagr = 0.0;
  double annualised_mean = 0.0;     // r̄ · ppy
  double volatility = 0.0;          // annualised
  double downside_deviation = 0.0;  // annualised, below rf/ppy
  double sharpe = 0.0;
  double sortino = 0.0;
  double calmar = 0.0;
  DrawdownSummary drawdown;  // compounded, CDaR at drawdown_confidence
};

// The statistics above of T ≥ 1 finite per-period returns.
Result<PerformanceSummary> performance_summary(Eigen::Ref<const Eigen::VectorXd> returns,
                                               const PerformanceOptions& options);

// Per-period downside deviation below a minimum acceptable return τ (per period):
// sqrt( Σ min(r_t − τ, 0)² / T ). T ≥ 1 finite values.
Result<double> downside_deviation(Eigen::Ref<const Eigen::VectorXd> returns,
                                  double minimum_acceptable_return = 0.0);

// Annualised rolling volatility (see above) of T finite returns over a window of w ≥ 2 rows;
// a vector of T values, NaN where the window is not yet full.
Result<Eigen::VectorXd> rolling_volatility(Eigen::Ref<const Eigen::VectorXd> returns,
                                           Eigen::Index window, double periods_per_year);

}  // namespace keel
