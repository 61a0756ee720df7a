#pragma once
// Positions beyond spot: the plain data of one position in a book (docs/positions.md). The
// pricing of each kind lives in its own header: amm_position.hpp (liquidity-provider positions),
// perpetual.hpp (perpetual futures), option.hpp (European options); book.hpp aggregates them.
//
// Conventions shared by every kind:
// - Prices of assets are in the book's quote currency (USD or a USD stablecoin), the currency of
//   the price file. "Coin" means the underlying of an inverse contract (BTC for BTCUSD inverse).
// - Quantities are signed: positive long, negative short.
// - Volatilities are annual fractions (0.6 = 60%); times are in years of 365 days (crypto trades
//   every day); rates are annual fractions, continuously compounded unless a field says otherwise.

#include <limits>
#include <string>
#include <vector>

#include "keel/core/time.hpp"

namespace keel {

// The sensitivity of a position's value to the price of one underlying, in the quote currency:
// delta = dV/dS in units of the underlying (coins), gamma = d^2V/dS^2 in coins per quote unit.
struct UnderlyingExposure {
  std::string underlying;
  double delta = 0.0;
  double gamma = 0.0;
};

// The value and greeks of one position at one set of prices, in the quote currency. vega is per
// 1.00 of volatility (divide by 100 for "per vol point"), theta per year (divide by 365 for per
// day). Positions without volatility or time dependence leave vega and theta at 0.
struct PositionValue {
  double value = 0.0;
  std::vector<UnderlyingExposure> exposures;  // one entry per underlying the value depends on
  double vega = 0.0;
  double theta = 0.0;
};

struct SpotPosition {
  std::string asset;
  double quantity = 0.0;
};

enum class AmmKind {
  kConstantProduct,  // Uniswap v2: x * y = k over the whole price range
  kConcentrated,     // Uniswap v3: constant product on virtual reserves inside [lower, upper]
  kStableswap,       // Curve StableSwap (Egorov 2019), n coins, amplification A
};

// A liquidity-provider position. The pool price P is the price of token0 in units of token1 (as
// Uniswap defines it, decimals already applied); with quote prices p0, p1 of the two tokens the
// no-arbitrage pool price is P = p0 / p1.
struct AmmLpPosition {
  AmmKind kind = AmmKind::kConstantProduct;
  std::vector<std::string> tokens;  // token0, token1 (stableswap: the n coins, all pegged to 1)
  double fee_rate = 0.003;          // the pool's fee tier as a fraction (0.0005 = 5 bp)
  // Concentrated liquidity: the range in pool prices (token1 per token0), lower < upper.
  // Constant product uses the whole range (0, inf).
  double price_lower = 0.0;
  double price_upper = std::numeric_limits<double>::infinity();
  // The position's liquidity L in human units (sqrt(token0 * token1) after decimals), > 0.
  // Stableswap: the position's share of the pool's invariant D, in coins.
  double liquidity = 0.0;
  // Stableswap only: the amplification A in the whitepaper's convention (the contract stores
  // A * n^(n-1) * A_PRECISION; see amm.hpp), and the pool's total invariant D in coins.
  double amplification = 0.0;
  // Fee model: a constant annual yield on the position's value, as a fraction (0 = no fees).
  double fee_apr = 0.0;
};

enum class Settlement {
  kLinear,   // margined and settled in the quote currency; P&L = q * size * (S - entry)
  kInverse,  // margined and settled in coin; P&L in coin = q * size * (1/entry - 1/S)
};

enum class MarginMode { kIsolated, kCross };

struct PerpPosition {
  std::string underlying;
  Settlement settlement = Settlement::kLinear;
  // Linear: coins per contract (e.g. 0.001 BTC). Inverse: quote currency per contract (e.g. 100
  // USD for BitMEX XBTUSD).
  double contract_size = 1.0;
  double contracts = 0.0;     // signed number of contracts
  double entry_price = 0.0;   // quote per coin
  // Posted margin: quote currency for linear, coins for inverse. For cross margin the margin is
  // the account balance available to this position.
  double margin = 0.0;
  MarginMode margin_mode = MarginMode::kIsolated;
  double maintenance_margin_rate = 0.005;  // of position notional
  // Binance's "maintenance amount" (cum) of the position's margin tier, in the margin currency:
  // maintenance margin = notional × maintenance_margin_rate − maintenance_amount. Default 0 (a
  // single flat rate); ≥ 0.
  double maintenance_amount = 0.0;
  // Funding: a constant rate per funding interval (e.g. 0.0001 per 8 h), or a series named by
  // funding_series (read by the caller); longs pay a positive rate.
  double funding_rate = 0.0;
  double funding_interval_hours = 8.0;
};

enum class OptionType { kCall, kPut };

struct OptionPosition {
  std::string underlying;
  OptionType type = OptionType::kCall;
  double strike = 0.0;        // quote per coin
  Timestamp expiry = 0;       // UTC
  // Linear: premium and payoff in the quote currency per coin of underlying. Inverse (Deribit):
  // premium and payoff in coin, premium_coin = price_quote / index.
  Settlement settlement = Settlement::kLinear;
  double implied_volatility = 0.0;  // annual fraction
  double quantity = 0.0;            // signed, in coins of underlying
  double premium_paid = 0.0;        // per coin, in the settlement currency (for P&L)
  double rate = 0.0;                // annual risk-free rate for discounting (continuous)
};

}  // namespace keel
