#pragma once
// Valuation, greeks and risk metrics of one liquidity-provider position (AmmLpPosition in
// position.hpp) at quote prices of its tokens; the pool mathematics is in amm.hpp and
// docs/positions_amm.md.
//
// Prices. token_prices[i] is the quote price of position.tokens[i]. The pool is assumed to sit at
// the no-arbitrage price P = p0 / p1 (token1 per token0), so the position's token amounts follow
// from (P, L, range) and its value is V = x p0 + y p1 in the quote currency.
//
// Greeks. Arbitrage leaves the pool holding the bundle that minimises its value at market prices
// on its curve, so by the envelope theorem dV/dp_i = (amount of token i held): delta_i is the token
// amount. gamma_i = d(amount_i)/dp_i, analytically:
//   Uniswap (inside the range, pa < P < pb):  gamma_0 = x'(P) / p1 = -L / (2 p1 P^3/2),
//                                             gamma_1 = -y'(P) P / p1 = -L sqrt(P) / (2 p1);
//   outside the range both are 0 (the amounts are frozen). At a range boundary the second
//   derivative does not exist; the inside value is reported.
//   StableSwap: from the implicit derivative of the arbitrage balances
//   (amm::stableswap_balance_sensitivities).
// theta: fees accrue continuously at fee_apr on the current value, so dV/dt = fee_apr V per year
// (the only time dependence in this model; vega is 0).

#include <span>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/defi/position.hpp"

namespace keel {

// Checks the position: at least 2 tokens (exactly 2 for Uniswap kinds), 0 <= fee_rate < 1,
// 0 <= price_lower < price_upper (concentrated; constant product ignores the range), liquidity > 0
// and finite, fee_apr finite, amplification > 0 (stableswap).
Status validate_position(const AmmLpPosition& position);

// The value in the quote currency, one exposure per token (delta = token amount, gamma as
// above), vega 0, theta = fee_apr * value. Errors (Status::invalid naming the field): an invalid
// position (validate_position), token_prices not one per token, a price not > 0 and finite.
// StableSwap: the position's liquidity is its invariant share D (coins); the balances are those
// at which the pool's marginal prices equal the external price ratios (any n >= 2), scaled to D
// (the invariant is homogeneous of degree 1, so the pool's total D is not needed).
Result<PositionValue> value_lp(const AmmLpPosition& position, std::span<const double> token_prices);

// The value alone (quote currency) of a position that passed validate_position, at positive
// token prices: what value_lp() reports as `value`, without checks, greeks or allocation for the
// Uniswap kinds (scenario revaluation calls it once per scenario). StableSwap goes through
// value_lp() and returns NaN where it fails.
double lp_value_unchecked(const AmmLpPosition& position, std::span<const double> token_prices);

// The liquidity a deposit of (amount0, amount1) mints at pool price pool_price (token1 per
// token0): Uniswap's getLiquidityForAmounts, the largest L both amounts can fund (constant
// product: min(x sqrt(P), y / sqrt(P)), = sqrt(x y) when y = x P). StableSwap (2 coins): the
// invariant D of (amount0, amount1), which is the D a deposit mints when it is in the pool's
// proportions (pool_price is then not used). Errors: invalid position, pool_price not > 0,
// negative amounts.
Result<double> lp_liquidity_for_deposit(const AmmLpPosition& position, double pool_price,
                                        double amount0, double amount1);

struct LpMetricsOptions {
  // Pool price (token1 per token0) when the position was opened; the deposit is the position's
  // amounts at that price. 0 = not given: value_if_held and divergence_loss are NaN.
  double entry_pool_price = 0.0;
  // Annual volatility of the pool price P = p0/p1 (for two volatile tokens, the volatility of
  // their ratio), >= 0. Used by the LVR rate and the exit probability.
  double annual_volatility = 0.0;
  // Horizon of the exit probability, years (365-day), >= 0. Default 30 days.
  double horizon_years = 30.0 / 365.0;
  // Annual drift of the pool price for the exit probability (0 = P is a martingale).
  double price_drift = 0.0;
  // Size of the trade whose price impact is reported: an amount of token0 sold to the pool
  // (fee included), >= 0. 0 = impact not computed (NaN).
  double impact_amount0 = 0.0;
  // Active liquidity of the pool at the current price (same units as position.liquidity) used
  // for the impact; 0 = the position's own liquidity (an upper bound on the impact when the
  // position is in range). The trade is assumed not to cross an initialised tick.
  double active_liquidity = 0.0;

  Status validate() const;
};

struct LpMetrics {
  std::vector<double> amounts;   // token amounts held, in token units, in position.tokens order
  double pool_price = 0.0;       // P = p0 / p1, token1 per token0
  bool in_range = true;          // pa < P < pb (always true for constant product and stableswap)
  double value = 0.0;            // quote currency
  double value_if_held = 0.0;    // the entry deposit at today's prices, quote currency (or NaN)
  double divergence_loss = 0.0;  // value / value_if_held - 1, fraction (<= 0) (or NaN)
  // Loss-versus-rebalancing rate, quote currency per year and as a fraction of value per year
  // (full range: sigma^2 / 8; range: sigma^2 L sqrt(P) / 4 * p1 inside, 0 outside). StableSwap:
  // NaN (not implemented).
  double lvr_rate = 0.0;
  double lvr_rate_fraction = 0.0;
  // Probability that P leaves [pa, pb] within horizon_years (0 for the full range; NaN for
  // stableswap). 1 when already outside.
  double exit_probability = 0.0;
  // Price impact of selling impact_amount0 of token0 to the pool, fee included, as a fraction of
  // P (amm::swap_price_impact); NaN when not requested or for stableswap.
  double price_impact = 0.0;
};

Result<LpMetrics> lp_metrics(const AmmLpPosition& position, std::span<const double> token_prices,
                             const LpMetricsOptions& options);

}  // namespace keel
