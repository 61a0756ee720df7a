#pragma once
// Drawdowns of a portfolio return series: the drawdown path, maximum and average drawdown,
// conditional drawdown at risk (CDaR) and the Ulcer index.
//
// Two definitions, because the literature and the peers use both:
//
// kUncompounded (default) — drawdowns of the cumulative *sum* of returns, as in Chekhlov,
//   Uryasev & Zabarankin (2005), "Drawdown measure in portfolio optimization", IJTAF 8(1), and as
//   Riskfolio-Lib (MDD_Abs, ADD_Abs, CDaR_Abs, UCI_Abs) and PyPortfolioOpt (EfficientCDaR)
//   compute them. With c_0 = 0 and c_t = r_1 + … + r_t:
//     DD_t = max_{0≤s≤t} c_s − c_t        (in units of initial capital, ≥ 0)
//   These are the drawdowns the min-CDaR LP optimises (linear in the weights), so use them when
//   comparing against an optimiser's objective.
//
// kCompounded — drawdowns of wealth W_t = Π_{s≤t} (1 + r_s), W_0 = 1, relative to the running
//   peak, as PerformanceAnalytics' maxDrawdown (geometric = TRUE) and most reports show:
//     DD_t = 1 − W_t / max_{0≤s≤t} W_s    (a fraction of the peak value, in [0, 1])
//   Use these for reporting ("the fund fell 73% from its peak"): this is the headline drawdown
//   of every Keel output (`keel risk`, `keel backtest`, the reports); the uncompounded one is
//   shown beside it, labelled, where a model such as min-CDaR optimises it.
//   A return ≤ −1 ruins the portfolio (a leveraged or short book can lose more than its capital):
//   wealth W_t = W_{t−1}(1 + r_t) ≤ 0 and it stays there — later returns have nothing left to
//   compound — so DD ≥ 1 from that row on (> 1 is a loss beyond the capital); ruin_row says where.
//
// From the T drawdowns DD_1..DD_T (the starting point DD_0 = 0 is not counted):
//   max drawdown      max_t DD_t
//   average drawdown  Σ DD_t / T
//   Ulcer index       sqrt( Σ DD_t² / T )    (Martin & McCann 1989)
//   longest under water  the most periods from a peak (the close before the first drawdown of a
//                     spell) to the last row of that spell still below it, recovered or not:
//                     PerformanceAnalytics' drawdown "length" less its recovery period
//   CDaR_α            the expected shortfall of the drawdowns at confidence α, with the same
//                     fractional-weight empirical convention as historical ES in var.hpp: the
//                     mean of the worst (1 − α)T drawdowns (Chekhlov et al. 2005; Riskfolio
//                     CDaR_Abs for kUncompounded). CDaR_0 → average, CDaR_1 → max drawdown.

#include <Eigen/Core>
#include <string_view>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"

namespace keel {

enum class DrawdownKind { kUncompounded, kCompounded };

// "uncompounded", "compounded".
std::string_view to_string(DrawdownKind kind);

struct DrawdownOptions {
  // Which drawdown definition (see above). Default kUncompounded.
  DrawdownKind kind = DrawdownKind::kUncompounded;
  // Confidence α of CDaR, in (0, 1). Default 0.95.
  double confidence = 0.95;
  Status validate() const;
};

struct DrawdownSummary {
  DrawdownKind kind = DrawdownKind::kUncompounded;
  double confidence = 0.95;
  Eigen::VectorXd drawdown;  // DD_t per row of the input, ≥ 0
  double max_drawdown = 0.0;
  double average_drawdown = 0.0;
  double cdar = 0.0;
  double ulcer_index = 0.0;
  // Rows of the peak before the maximum drawdown and of its trough; peak_row = −1 when the peak
  // is the starting capital (before row 0). trough_row = −1 when there is no drawdown at all.
  Eigen::Index peak_row = -1;
  Eigen::Index trough_row = -1;
  // The longest spell under water (see above): its length in periods, the row of its peak (−1 =
  // the starting capital) and its last row below that peak. 0 and −1, −1 with no drawdown.
  int longest_underwater = 0;
  Eigen::Index underwater_peak_row = -1;
  Eigen::Index underwater_last_row = -1;
  // Compounded only: the first row whose return is ≤ −1 (wealth at or below zero), −1 if none.
  Eigen::Index ruin_row = -1;
};

// Drawdown path and statistics of T ≥ 1 finite per-period returns.
Result<DrawdownSummary> drawdowns(Eigen::Ref<const Eigen::VectorXd> returns,
                                  const DrawdownOptions& options = {});

}  // namespace keel
