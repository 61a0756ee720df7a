#pragma once
// Perpetual futures (perpetual swaps): P&L, margin, liquidation, funding, valuation of a
// PerpPosition, and the minimum-variance hedge ratio (docs/positions_derivatives.md).
//
// Notation: n = contracts (signed: long > 0), c = contract_size, E = entry price, P = mark price
// (quote per coin), M = margin (quote for linear, coin for inverse), m = maintenance_margin_rate,
// a = maintenance_amount.
//
//   linear  (USDⓈ-margined; c in coins)   inverse (coin-margined; c in quote, e.g. 100 USD)
//   position in coins   q = n c                      n c / P
//   notional (quote)    |n| c P                      |n| c
//   unrealised P&L      n c (P − E)  quote           n c (1/E − 1/P)  coin  (BitMEX's "PNL =
//                                                    Contracts · Multiplier · (1/Entry − 1/Exit)")
//   equity              M + P&L      quote           M + P&L  coin
//   maintenance margin  |n| c P m − a  quote         |n| c m / P − a  coin
//
// Margin ratio = maintenance margin / equity, as Binance Futures defines it ("Margin Ratio =
// Maintenance Margin / Margin Balance"; the position is liquidated when it reaches 100%), with
// "Maintenance Margin = Notional Position Value × Maintenance Margin Rate − Maintenance Amount"
// (Binance, USDⓈ-M and COIN-M futures trading rules). Equity ≤ 0 gives +infinity.
//
// Liquidation price: the mark at which the margin ratio is exactly 1, solved in closed form
// (Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts", 2020, and "... of
// COIN-M Futures Contracts", 2021, one-way mode, one position: WB = M, TMM1 = UPNL1 = 0,
// cum = a). With side s = sign(n), Q = |n| c:
//   linear   LP = (M + a − s Q E) / (Q m − s Q)
//   inverse  LP = (Q m + s Q) / (M + a + s Q / E)
// Cross margin: the margin field is the account balance (Binance's crossWalletBalance). With
// other positions in the account, pass M = balance − their maintenance margin + their unrealised
// P&L (Binance's WB − TMM1 + UPNL1) for the liquidation price with the others held fixed.
//
// Funding (longs pay a positive rate, shorts receive it; BitMEX "Perpetual Contracts Guide",
// Binance): the payment per funding interval at rate f is f × the position's value at mark,
//   linear   f · n c P  quote,     inverse  f · n c / P  coin,
// positive when the holder pays. BitMEX's worked example (long 15 000 XBTUSD at 750, f = 0.25%:
// 0.05 XBT) is a test of this file.

#include <span>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/defi/position.hpp"

namespace keel {

// Every field of the position checked: contract_size > 0, entry_price > 0, margin ≥ 0,
// maintenance_margin_rate in [0, 1), maintenance_amount ≥ 0, funding_interval_hours > 0,
// contracts and funding_rate finite. The message names the field and a fix.
Status validate_perp_position(const PerpPosition& position);

// The position marked at one price (formulas in the header comment). Currency of each field in
// its comment; "settlement" = quote for linear, coin for inverse.
struct PerpMarks {
  double position_coins = 0.0;        // signed exposure in coins of underlying: n c or n c / P
  double notional = 0.0;              // |position| in quote: |n| c P or |n| c
  double unrealised_pnl = 0.0;        // settlement currency
  double unrealised_pnl_quote = 0.0;  // in quote (inverse: coin P&L × P)
  double equity = 0.0;                // margin + unrealised P&L, settlement currency
  double maintenance_margin = 0.0;    // settlement currency (negative only if a > notional m)
  double margin_ratio = 0.0;          // maintenance_margin / equity; +inf when equity ≤ 0
  double funding_payment = 0.0;       // one interval at position.funding_rate, settlement, + = pays
};

Result<PerpMarks> mark_perp(const PerpPosition& position, double mark_price);

// The mark price at which margin_ratio reaches exactly 1 (formulas above). A long with enough
// margin that no positive price liquidates it returns 0; a short that no price liquidates (an
// inverse short whose coin margin covers its notional, a 1x short) returns +infinity. Errors:
// an invalid position, or contracts = 0 (a flat position has no liquidation price).
Result<double> liquidation_price(const PerpPosition& position);

// The funding payment for one interval at `rate_per_interval` (a fraction, 0.0001 = 0.01%), in
// the settlement currency, positive when the holder pays (longs pay positive rates).
Result<double> funding_payment(const PerpPosition& position, double mark_price,
                               double rate_per_interval);

// Total funding paid over `horizon_hours` at the position's constant funding_rate and a constant
// mark: funding_payment × horizon_hours / funding_interval_hours (fractional intervals count
// pro rata: an expected carry, not the settlement schedule). Settlement currency, + = paid.
Result<double> funding_cost(const PerpPosition& position, double mark_price, double horizon_hours);

enum class FundingSeriesKind {
  kPerInterval,    // one entry per funding settlement: the rate of that interval
  kDailyMeanRate,  // one entry per day: the day's mean rate per funding interval; the day
                   // pays 24 / funding_interval_hours settlements at that rate (the shared
                   // btc_perp_funding_daily.csv funding_mean column, 8-hour intervals; units
                   // inferred, see docs/positions_derivatives.md)
  kDailyTotal,     // one entry per day: the day's summed rate
};

// Total funding paid over a series of rates at a constant mark (settlement currency, + = paid).
// Each rate must be finite; an empty series costs 0.
Result<double> funding_cost(const PerpPosition& position, double mark_price,
                            std::span<const double> rates, FundingSeriesKind kind);

// rate_per_interval × (365 × 24 / interval_hours): the simple annualised funding rate.
double annualised_funding_rate(double rate_per_interval, double interval_hours);

// The value of a perpetual position in the quote currency and its exposure to the underlying.
//   linear   value = M + n c (P − E);         delta = n c;        gamma = 0
//   inverse  value = (M + n c (1/E − 1/P)) P = M P + n c (P/E − 1)
//            delta = M + n c / E  (coins);    gamma = 0
// The inverse value is linear in P: the coin margin is itself a long coin exposure of M coins,
// and the contract adds n c / E coins, the coins its notional bought at entry. An inverse short
// of n c / E coins against M = n c / E (a "1x short") has delta 0: a synthetic dollar.
// For cross margin the margin is the account balance, so the value is the account's equity with
// this position: a book must not count that balance again. vega and theta are 0 (funding is a
// cash flow, see funding_cost). Errors: an invalid position (validate_perp_position),
// mark_price ≤ 0 or not finite.
Result<PositionValue> value_perp(const PerpPosition& position, double mark_price);

// The value alone (quote currency) of a position that passed validate_perp_position, at a
// positive mark: value_perp()'s `value`, without checks or allocation (scenario revaluation).
double perp_value_unchecked(const PerpPosition& position, double mark_price);

// Funding paid over `horizon_hours` at the position's constant rate and a constant mark, in the
// quote currency (+ = paid): funding_cost() without checks, converted from coin for inverse
// contracts at the mark. For scenario revaluation and reports of a validated position.
double funding_paid_quote_unchecked(const PerpPosition& position, double mark_price,
                                    double horizon_hours);

// Minimum-variance hedge ratio h* = ρ σ_S / σ_F (Hull, Options, Futures, and Other Derivatives,
// ch. 3 "Hedging strategies using futures", cross hedging): the futures position per unit of
// exposure that minimises the variance of the hedged position, ρ the correlation of spot and
// futures price changes over the hedge horizon and σ_S, σ_F their standard deviations. Hull's
// Example 3.3 (jet fuel hedged with heating-oil futures): ρ = 0.928, σ_S = 0.0263, σ_F = 0.0313
// give h* = 0.78. Errors: ρ outside [−1, 1], σ_S < 0, σ_F ≤ 0, or any non-finite input.
Result<double> min_variance_hedge_ratio(double rho, double sigma_spot, double sigma_future);

}  // namespace keel
