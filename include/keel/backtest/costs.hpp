#pragma once
// Transaction costs and financing of a backtest. Every cost is charged in quote currency against
// the portfolio's cash at the moment it is incurred, so that per period
//     gross return − cost fraction = net return   exactly.
//
// Trading cost of a trade of notional |Δ| (quote currency) in asset i at date t:
//   fee     |Δ| · fee_bps / 10⁴
//   spread  |Δ| · s_it / 2,   s_it the relative bid-ask spread from the data when the panel has one
//                              (and use_data_spreads), else 2 · half_spread_bps / 10⁴
//   impact  k · σ_i · |Δ| · (|Δ| / ADV_i)^β   (power law of participation; β = ½ is the square-root
//           law). σ_i is the asset's per-period return volatility and ADV_i its average traded
//           volume (quote currency) over the `adv_window` periods up to the trade, both from data
//           known at the trade date.
// Trades with |Δ| below min_trade_value are not executed (the weight stays where it drifted).
//
// Financing, charged each period on the positions held over it (value at the previous close):
//   shorts   Σ_{h_i<0} |h_i| · short_rate_t
//   leverage max(0, −cash) · borrow_rate_t
//   cash     max(0, cash) earns cash_rate_t (a negative cost)
// Rates are per period of the panel: a constant annual rate is divided by periods_per_year; a
// series (e.g. perpetual funding, per 8 h) is multiplied by `scale` (3 for 8-hourly funding on a
// daily panel; a negative scale turns a rate received by shorts into a cost of −rate).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/status.hpp"
#include "keel/core/time.hpp"

namespace keel {

// A dated rate series, step-interpolated: the rate at t is the last value dated ≤ t (before the
// first date: the first value).
struct RateSeries {
  std::vector<Timestamp> timestamps;  // strictly increasing
  std::vector<double> values;         // same length, finite
  double scale = 1.0;                 // multiplies every value (units → per period of the panel)
  std::string source;                 // for messages
  bool empty() const { return values.empty(); }
  double at(Timestamp t) const;  // scale · value; 0 when empty
};

// A rate that is either a constant annual rate or a series per period.
struct FinancingRate {
  double annual = 0.0;  // used when `series` is empty
  RateSeries series;
  double per_period(Timestamp t, double periods_per_year) const;
};

struct CostModel {
  double fee_bps = 0.0;             // ≥ 0, maker/taker fee per unit traded
  double half_spread_bps = 0.0;     // ≥ 0, used when the data has no spread for the cell
  bool use_data_spreads = true;     // take s_it from the panel's spreads when present
  double impact_coefficient = 0.0;  // k ≥ 0; > 0 needs volumes in the panel
  double impact_exponent = 0.5;     // β in (0, 2]
  int adv_window = 30;              // periods for ADV_i and σ_i, ≥ 2
  double min_trade_value = 0.0;     // quote currency, ≥ 0
  FinancingRate short_rate;
  FinancingRate borrow_rate;
  FinancingRate cash_rate;
  Status validate() const;
  bool has_impact() const { return impact_coefficient > 0.0; }
};

struct CostBreakdown {
  double fees = 0.0;
  double spread = 0.0;
  double impact = 0.0;
  double financing = 0.0;  // shorts + leverage − cash interest (can be negative)
  double total() const { return fees + spread + impact + financing; }
  CostBreakdown& operator+=(const CostBreakdown& other);
};

// Market facts for costing trades in one asset at one date, known at that date.
struct TradeCostInputs {
  double half_spread = 0.0;  // relative, s/2
  double volatility = 0.0;   // per-period σ
  double adv = 0.0;          // average volume, quote currency; 0 = unknown
};

// Trading cost (fees, spread, impact) of trading `notional` (quote currency, signed) in one asset.
// An unknown ADV with impact on is the caller's to report; here it yields no impact.
CostBreakdown trade_cost(double notional, const TradeCostInputs& inputs, const CostModel& model);

}  // namespace keel
