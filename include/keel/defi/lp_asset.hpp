#pragma once
// Liquidity-provider positions as assets of an allocation (docs/lp_assets.md; GitHub issue #19
// item 6): an LP *strategy* on a pool of two tokens becomes one more column of per-period returns,
// next to the spot returns, so that every allocation model (min-CVaR, max-Sharpe, risk budgeting,
// HRP...) can weigh spot, LP and hedges in one problem.
//
// The strategy, per period t (prices p0, p1 of token0, token1 in the quote currency at the start
// of the period, p0', p1' at its end; pool price P = p0 / p1, token1 per token0):
//   - constant product (Uniswap v2): the whole range. Its value is V = 2 L sqrt(p0 p1), so the
//     period's return before fees is sqrt((p0'/p0)(p1'/p1)) − 1: the geometric mean of the two
//     tokens' price relatives;
//   - concentrated (Uniswap v3): a range [P (1 − w), P (1 + w)] around the pool price at the start
//     of the period (w = range_width, the convention of lp_backtest's range_width), re-centred at
//     the end of every period on the same relative width around the new price. The value at the
//     end is the range's token amounts at P' = p0'/p1' (amm.hpp; Elsts 2021 eq. 4–6:
//     x = L (1/sqrt(P') − 1/sqrt(pb)), y = L (sqrt(P') − sqrt(pa)) inside, all token0 below pa,
//     all token1 above pb) valued at p0', p1'.
// Every value is a full revaluation with value_lp (amm_position.hpp); nothing is delta-
// approximated. The value is homogeneous of degree 1 in L and, for a range set relative to P, the
// ratio V_end / V_start depends on the prices only through the price relatives p0'/p0 and p1'/p1:
// the return series is a stationary function of the tokens' returns, which is what an estimator of
// means, covariances or tail scenarios needs.
//
// Fees are MODELLED (no pool data): fee_apr × V_start × Δt, with Δt the period's length in years of
// 365 days, credited for periods that end in range ([pa, pb), the rule of lp_backtest_modelled;
// always for constant product). Re-centring a concentrated range swaps the holdings back to the
// token split of a centred range; recentre_cost charges a fraction c of the value swapped (pool fee
// plus slippage), solved exactly: selling token0 worth X0 > s W' leaves W' = (W − c X0)/(1 − c s),
// buying leaves W' = (W + c X0)/(1 + c s), where W is the position's value at the end, X0 the value
// of its token0, and s the token0 share of a centred range's value.
//
// The period return is then r = (W' + fee) / V_start − 1 (simple). A period whose start or end
// price is missing (NaN) has a NaN return, as keel::compute_returns does for spot assets.

#include <span>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/core/time.hpp"
#include "keel/defi/position.hpp"

namespace keel {

struct LpAssetSpec {
  std::string name;                          // the asset's name in the allocation (a column)
  AmmKind pool = AmmKind::kConstantProduct;  // kConstantProduct or kConcentrated
  std::vector<std::string> tokens;           // token0, token1 (the pool price is p0 / p1)
  // Concentrated: the half-width w of the range as a fraction of the price at the start of each
  // period, in (0, 1): [P (1 − w), P (1 + w)]. Constant product: must be 0 (the whole range).
  double range_width = 0.0;
  // Modelled fee income: an annual yield on the position's value at the start of each period that
  // ends in range, >= 0 and finite (0.2 = 20% a year). Default 0.
  double fee_apr = 0.0;
  // Concentrated: cost of re-centring, a fraction of the value swapped, in [0, 1) (e.g. the pool's
  // fee tier plus slippage, 0.003). Constant product: must be 0 (it never re-centres). Default 0.
  double recentre_cost = 0.0;

  // Errors (Status::invalid naming the field and a fix): an empty name, not exactly 2 distinct
  // tokens, stableswap, range_width outside (0, 1) for concentrated or not 0 for constant
  // product, fee_apr or recentre_cost out of range.
  Status validate() const;
};

// The strategy's return over one period, from the tokens' prices at its start (p0, p1) and end
// (p0_end, p1_end), all > 0 and finite, and the period's length in years (>= 0). `in_range`, when
// given, receives whether the period ended in range (fees were credited).
Result<double> lp_asset_period_return(const LpAssetSpec& spec, double p0, double p1, double p0_end,
                                      double p1_end, double years, bool* in_range = nullptr);

struct LpAssetSeries {
  // returns[t − 1] is the return over the period from row t − 1 to row t (t = 1..T − 1): aligned
  // with keel::compute_returns of the same price rows. NaN where a price is missing.
  std::vector<double> returns;
  int periods = 0;           // periods with a return (no missing price)
  int periods_in_range = 0;  // of those, the periods that ended in range
};

// The per-period return series of the strategy from the two tokens' price series (quote
// currency, one entry per row, NaN = no quote; a token priced at 1, such as the quote currency
// itself, is a series of ones) and the rows' timestamps (strictly increasing). Errors name the
// row: a price <= 0 or infinite, series of different lengths, fewer than 2 rows, timestamps not
// increasing, or an invalid spec.
Result<LpAssetSeries> lp_asset_returns(const LpAssetSpec& spec, std::span<const double> price0,
                                       std::span<const double> price1,
                                       std::span<const Timestamp> timestamps);

// Human-readable rule, e.g. "concentrated ETH/USDT, range ±10% around each period's start price,
// re-centred every period" (outputs label the asset with it).
std::string describe_lp_asset(const LpAssetSpec& spec);

}  // namespace keel
