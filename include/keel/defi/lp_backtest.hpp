#pragma once
// Walk-forward backtests of a Uniswap v3 range position and of a perpetual hedge
// (docs/lp_backtest.md; GitHub issue #19 item 5).
//
// Fees are OBSERVED where pool data exists: the demeter minute bars (../shared/data/defi_demeter,
// README section 4.3) give each minute's gross swap input per token, the close tick and the active
// liquidity, so a hypothetical position of liquidity L_pos earns in a minute t
//   fee_i(t) = fee_rate × inAmount_i(t) × L_pos / (L_active(t) + L_pos)      (i = 0, 1)
// while it is in range (Uniswap v3 whitepaper section 6.3: fees accrue to in-range liquidity pro
// rata to L; the pool's L_active does not contain the hypothetical position, hence the sum in the
// denominator). Elsewhere fees come from a stated model (lp_backtest_modelled) and the output's
// fees_source says "modelled".
//
// In-range rule (an approximation, the data has one close tick per minute): bar t counts as in
// range when tick_lower <= closeTick(t) < tick_upper, the contract's own activity test
// (Position is active iff tickLower <= slot0.tick < tickUpper) applied at the close. A bar whose
// price path crosses a range boundary is attributed wholly to the side of its close: the swaps of
// the minute before the crossing are not credited when it closes outside, and the whole minute is
// credited when it closes inside. Bar 0 is the entry (at its close); fees count from bar 1 on.
//
// Values are in token1 units (the pool's price unit, token1 per token0). For a backtest valued in
// token0 (e.g. USDC for the Polygon USDC/WETH pool) use invert_pool_bars: swapping the tokens
// maps P -> 1/P, tick -> -tick and leaves L unchanged (L = sqrt(x y) is symmetric).

#include <span>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/core/time.hpp"

namespace keel {

// The pool's constants. The two shared pools (SOURCE.txt of defi_demeter):
//   Polygon 0x45dda9cb7c25131df268515131f647d726f50608 USDC/WETH 0.05 %:
//     decimals0 = 6 (USDC), decimals1 = 18 (WETH), fee_rate = 0.0005, tick_spacing = 10;
//   Ethereum 0x82c427adfdf2d245ec51d8046b41c4ee87f0d29c WETH/oSQTH 0.30 %:
//     decimals0 = 18 (WETH), decimals1 = 18 (oSQTH), fee_rate = 0.003, tick_spacing = 60.
struct PoolSpec {
  int decimals0 = 18;
  int decimals1 = 18;
  double fee_rate = 0.003;  // the fee tier as a fraction of the input (feePips / 1e6)
  int tick_spacing = 1;     // ranges are snapped outward to multiples of it

  Status validate() const;
};

// Minute bars of one pool in human units (decimals applied).
struct PoolBars {
  PoolSpec spec;
  std::vector<std::string> sources;   // the files read, in time order
  std::vector<Timestamp> timestamps;  // UTC seconds, strictly increasing
  std::vector<int> close_tick;        // pool ticks as in the file
  std::vector<int> open_tick;
  std::vector<int> low_tick;
  std::vector<int> high_tick;
  // Close price of token0 in token1: 1.0001^closeTick × 10^(decimals0 − decimals1).
  std::vector<double> price;
  std::vector<double> in_amount0;  // gross swap input of token0 in the minute, token0 units
  std::vector<double> in_amount1;  // same for token1
  // Active liquidity at the close in human units: raw / 10^((decimals0 + decimals1) / 2).
  std::vector<double> active_liquidity;

  std::size_t size() const { return timestamps.size(); }
};

// Reads demeter minute CSVs (header timestamp,netAmount0,netAmount1,closeTick,openTick,
// lowestTick,highestTick,inAmount0,inAmount1,currentLiquidity; timestamp "YYYY-MM-DD HH:MM:SS"
// UTC; ticks integers, possibly written "201101.0"). Files may be given in any order: they are
// sorted by their first timestamp and concatenated; timestamps must then be strictly increasing.
// Errors (Status::invalid) name the file and line and say how to fix it.
Result<PoolBars> read_pool_bars(std::span<const std::string> paths, const PoolSpec& spec);

// The same pool seen with the tokens swapped: price 1/P, ticks negated (low and high exchanged),
// amounts and decimals exchanged, liquidity unchanged.
PoolBars invert_pool_bars(const PoolBars& bars);

struct LpBacktestOptions {
  // The range, in pool prices (token1 per token0). Either both of price_lower < price_upper, or
  // range_width w in (0, 1): [P0 (1 − w), P0 (1 + w)] around the entry close price P0. Ticks are
  // snapped outward to the pool's tick_spacing; the summary reports the ticks and prices used.
  double price_lower = 0.0;
  double price_upper = 0.0;
  double range_width = 0.0;
  // Capital deposited at the entry close, in token1 units (> 0). The liquidity is
  // capital / range_value(P0, 1, pa, pb); the deposit's token split is the range's at P0.
  double capital = 1.0;
  // Re-centring: after this many consecutive bars with the close outside the range (0 = never),
  // the position is withdrawn at that close and redeposited on a range of the same relative
  // width around the close price (lower/P and upper/P as at entry). The swap to the new token
  // split costs (fee_rate + recentre_slippage) × the swapped value.
  int recentre_after = 0;
  double recentre_slippage = 0.0;  // fraction of the swapped value, >= 0
  // Modelled fees only (lp_backtest_modelled): fees at this annual rate on the position's value
  // while in range, paid in token1. Ignored by lp_backtest (observed fees).
  double fee_apr = 0.0;

  Status validate() const;
};

// One row per bar (bar 0 = entry). Token1 units unless named otherwise.
struct LpBacktestSeries {
  std::vector<Timestamp> timestamps;
  std::vector<double> price;
  std::vector<double> value;            // the position (without fees) at the close
  std::vector<double> fees0;            // cumulative fees, token0 units
  std::vector<double> fees1;            // cumulative fees, token1 units
  std::vector<double> held_value;       // the entry deposit held, at the close
  std::vector<double> divergence_loss;  // value − held_value (<= 0 without re-centring)
  std::vector<double> lvr;              // cumulative loss-versus-rebalancing
  std::vector<bool> in_range;
};

struct LpBacktestSummary {
  std::string fees_source;  // "observed" (pool swaps) or "modelled" (fee_apr)
  Timestamp start = 0;
  Timestamp end = 0;
  double days = 0.0;
  std::size_t bars = 0;
  int tick_lower = 0;  // the entry range
  int tick_upper = 0;
  double price_lower = 0.0;
  double price_upper = 0.0;
  double liquidity = 0.0;  // entry liquidity, human units
  double initial_value = 0.0;
  double final_value = 0.0;  // position value at the end (without fees)
  double held_value = 0.0;   // the entry deposit at the end price
  double fees0 = 0.0;        // token0 units
  double fees1 = 0.0;        // token1 units
  double fees_value = 0.0;   // fees0 × P_end + fees1
  double fee_apr = 0.0;      // fees_value / initial_value × 365 / days (simple)
  // final_value − held_value: the divergence loss, including re-centring costs.
  double divergence_loss = 0.0;
  double lvr = 0.0;  // sum of discrete LVR steps (amm::discrete_lvr) over each range held
  // sum over steps of x(P_t) (P_{t+1} − P_t): the rebalancing strategy's gain. Identity:
  // final_value − initial_value = rebalancing_gain − lvr − costs.
  double rebalancing_gain = 0.0;
  double net_vs_hold = 0.0;    // final_value + fees_value − held_value
  double time_in_range = 0.0;  // fraction of bars 1..n−1 counted in range
  int recentrings = 0;
  double costs = 0.0;  // re-centring swap costs, token1
};

struct LpBacktestResult {
  LpBacktestSummary summary;
  LpBacktestSeries series;
};

// Observed-fee backtest on pool bars (the header comment gives the fee and range rules).
// Errors: an invalid spec or options, fewer than 2 bars, non-positive prices or negative amounts.
Result<LpBacktestResult> lp_backtest(const PoolBars& bars, const LpBacktestOptions& options);

// Modelled-fee backtest on a price series (token1 per token0, e.g. hourly ETH/USD): fees accrue
// at options.fee_apr on the position's value at the previous close over each period the close is
// in range, in token1. fees_source = "modelled". Ranges snap to ticks of P (decimals 0).
Result<LpBacktestResult> lp_backtest_modelled(std::span<const Timestamp> timestamps,
                                              std::span<const double> prices,
                                              const LpBacktestOptions& options);

// ---------------------------------------------------------------------------------------------
// Perpetual hedge.

enum class HedgedKind {
  kSpot,  // `quantity` coins of the underlying
  kLp,    // a range LP on the underlying priced in quote (token0 = coin, token1 = quote)
};

struct PerpHedgeOptions {
  HedgedKind kind = HedgedKind::kSpot;
  double quantity = 1.0;  // kSpot: coins held (signed)
  // kLp: capital (quote) and range as in LpBacktestOptions (price_lower/upper or range_width,
  // used as given: no tick snapping, no re-centring); fee_apr models fees (in quote, on the value
  // at the period start, for periods ending in [pa, pb)); 0 = none.
  LpBacktestOptions lp;
  double hedge_ratio = 1.0;  // perp position = −hedge_ratio × delta of the hedged position
  // Rebalance every `rebalance_every` periods (>= 1; 0 = only on the band), or when
  // |delta + perp| × P > band × |hedged value| (0 = no band).
  int rebalance_every = 1;
  double band = 0.0;
  double trading_fee = 0.0;  // fraction of the perp notional traded (taker fee), >= 0
  double funding_interval_hours = 8.0;

  Status validate() const;
};

struct PerpHedgeResult {
  // Quote currency; funding_paid > 0 is paid by the hedge (longs pay positive rates).
  double position_pnl = 0.0;  // spot or LP value change (plus LP fees if modelled)
  double lp_fees = 0.0;
  double hedge_pnl = 0.0;  // sum of perp position × price change
  double funding_paid = 0.0;
  double trading_costs = 0.0;
  double net = 0.0;  // position_pnl + hedge_pnl − funding_paid − trading_costs
  int rebalances = 0;
  std::vector<double> net_cumulative;  // per period end, starting at 0 for period 0
  std::vector<double> perp_position;   // coins held over each period (signed)
};

// The walk-forward hedge over prices P_0..P_n (quote per coin) at timestamps; funding_rates[t]
// is the rate per funding interval in force over period t (t < n; use funding_rates_for_periods
// for a daily series). Funding over a period of dt hours is
// funding_payment(perp, P_t, rate_t) × dt / funding_interval_hours (pro rata, perpetual.hpp).
Result<PerpHedgeResult> perp_hedge_backtest(std::span<const Timestamp> timestamps,
                                            std::span<const double> prices,
                                            std::span<const double> funding_rates,
                                            const PerpHedgeOptions& options);

// A daily funding series (one date at 00:00 UTC and one mean rate per interval per day, the
// shared btc_perp_funding_daily.csv, FundingSeriesKind::kDailyMeanRate) looked up for each
// period start timestamps[t], t < n − 1. A period whose day is missing is an error naming it.
Result<std::vector<double>> funding_rates_for_periods(std::span<const Timestamp> timestamps,
                                                      std::span<const Timestamp> days,
                                                      std::span<const double> daily_rates);

// Reads date,funding_mean[,...] (the shared daily file): dates as YYYY-MM-DD.
struct DailySeries {
  std::vector<Timestamp> days;
  std::vector<double> values;
};
Result<DailySeries> read_daily_funding(const std::string& path);

}  // namespace keel
