#pragma once
// Liquidity-adjusted VaR (LVaR): market VaR plus the cost of liquidating the portfolio. Two
// models, both reported beside the plain VaR with the liquidity premium LVaR/VaR − 1. All amounts
// are fractions of portfolio value (losses positive); weights are fractions of portfolio value of
// any sign (a short position pays the spread/impact to buy back just as a long one does to sell).
//
// 1. Exogenous spread — Bangia, Diebold, Schuermann & Stroughair (1999), "Modeling liquidity
//    risk, with implications for traditional market risk measurement and management", Wharton FIC
//    working paper 99-06 (also in Risk, 1999). Liquidating at the bid instead of the mid costs half
//    the relative spread; the cost of liquidity at a high percentile of the spread distribution is
//      COL  = ½ Σ_i |w_i| (μ_s,i + a σ_s,i)
//      LVaR = VaR + COL
//    where μ_s,i and σ_s,i are the mean and standard deviation of asset i's relative spread
//    (ask − bid)/mid, and a scales σ_s so that μ_s + a σ_s covers the 99th percentile of the
//    (fat-tailed) spread. Bangia et al. found a between about 2 and 4.5 across markets; a = 3 is
//    the customary default, which this module uses. The model assumes spread and return extremes
//    coincide (perfect correlation), an upper bound.
//
// 2. Endogenous square-root impact — the cost of the portfolio's own trading, from traded
//    volume, with the square-root law of market impact (Almgren, Thum, Hauptmann & Li 2005,
//    "Direct estimation of equity market impact", Risk 18; Tóth et al. 2011, PRX 1, which find the
//    prefactor Y of order one). For asset i with position value q_i = |w_i|·V (V the portfolio
//    value), average daily traded value ADV_i, daily return volatility σ_i and a participation cap
//    π (the largest fraction of daily volume we may trade):
//      days_i = ⌈ q_i / (π · ADV_i) ⌉                      (liquidation horizon, days; 0 if q_i =
//      0) c_i    = Y σ_i √( q_i / (ADV_i · days_i) )            (cost per unit of position value)
//      cost   = Σ_i |w_i| c_i
//      LVaR   = VaR + cost
//    Trading q_i/days_i per day keeps participation ≤ π, and c_i is the impact of that daily
//    participation. Not modelled: the extra price risk of holding the position over days_i (VaR
//    stays at its own horizon; the horizons are reported so the caller can rescale VaR), temporary
//    vs permanent impact, and the spread (add model 1's COL for it).

#include <Eigen/Core>
#include <limits>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"

namespace keel {

struct LiquidityAdjustedVar {
  double var = 0.0;             // the market VaR passed in
  double liquidity_cost = 0.0;  // COL or impact cost, fraction of portfolio value
  double lvar = 0.0;            // var + liquidity_cost
  // lvar / var − 1; NaN when var ≤ 0.
  double liquidity_premium = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd
      asset_cost;  // per-asset cost, fraction of portfolio value; sums to liquidity_cost
  // Endogenous model only (empty for the exogenous one): days_i per asset and their maximum.
  Eigen::VectorXd liquidation_days;
  double max_liquidation_days = 0.0;
};

// Mean and sample standard deviation (T − 1) of each column of a T × N matrix of relative
// spreads (ask − bid)/mid, e.g. PricePanel::spreads. T ≥ 2; NaN and negative spreads are rejected
// naming the row and asset column.
struct SpreadStatistics {
  Eigen::VectorXd mean;
  Eigen::VectorXd stddev;
};
Result<SpreadStatistics> spread_statistics(Eigen::Ref<const Eigen::MatrixXd> relative_spreads);

struct ExogenousSpreadOptions {
  // a: multiple of the spread standard deviation added to its mean. Default 3 (see above);
  // range [0, 10].
  double spread_multiplier = 3.0;
  Status validate() const;
};

// Bangia et al. (1999) LVaR. `var` is the market VaR (fraction of value, e.g. from
// value_at_risk()); weights, spread_mean, spread_stddev have one entry per asset (spreads ≥ 0).
Result<LiquidityAdjustedVar> exogenous_spread_lvar(double var,
                                                   Eigen::Ref<const Eigen::VectorXd> weights,
                                                   Eigen::Ref<const Eigen::VectorXd> spread_mean,
                                                   Eigen::Ref<const Eigen::VectorXd> spread_stddev,
                                                   const ExogenousSpreadOptions& options = {});

// The per-asset inputs of the impact model from a return history and its traded volumes (both
// T × N, per period of the data): daily volatility σ_period · √(ppy/365) and average daily
// volume mean(volume per period) · ppy/365 over the finite cells (0 when an asset has none, which
// the impact model reports as impossible to liquidate). The ADV is average_daily_volume() of
// keel/data/volume.hpp over every row.
struct DailyLiquidity {
  Eigen::VectorXd daily_volatility;
  Eigen::VectorXd average_daily_volume;
};
Result<DailyLiquidity> daily_liquidity(Eigen::Ref<const Eigen::MatrixXd> returns,
                                       Eigen::Ref<const Eigen::MatrixXd> volumes,
                                       double periods_per_year);

struct EndogenousImpactOptions {
  // V: portfolio value in quote currency (the unit of average_daily_volume, e.g. USD). Required,
  // > 0; the default 0 fails validation on purpose.
  double portfolio_value = 0.0;
  // π: largest fraction of an asset's daily traded value the liquidation may take, in (0, 1].
  // Default 0.1 (10% of ADV).
  double max_participation = 0.1;
  // Y: square-root-law prefactor, > 0. Default 1 (Tóth et al. 2011 find it of order one).
  double impact_coefficient = 1.0;
  Status validate() const;
};

// Square-root-impact LVaR. daily_volatility: per-asset standard deviation of *daily* returns
// (for hourly data pass σ_hourly·√24); average_daily_volume: per-asset average daily traded value
// in the quote currency of portfolio_value (> 0 for every asset held).
Result<LiquidityAdjustedVar> endogenous_impact_lvar(
    double var, Eigen::Ref<const Eigen::VectorXd> weights,
    Eigen::Ref<const Eigen::VectorXd> daily_volatility,
    Eigen::Ref<const Eigen::VectorXd> average_daily_volume, const EndogenousImpactOptions& options);

}  // namespace keel
