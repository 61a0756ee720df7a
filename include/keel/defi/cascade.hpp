#pragma once
// Liquidation cascades (docs/stress.md, "Liquidation cascades"): a price shock to one asset
// liquidates the user's loans and leveraged perpetuals and a market-wide population of other
// borrowers; liquidators sell the seized collateral (and exchanges close the liquidated perps)
// into a market with finite depth, the price falls further, more positions are liquidated, and
// so on until no new liquidation happens (a fixed point).
//
// Model (every assumption here is a documented choice, not a measurement):
//  - One asset is shocked: its price moves from P to P0 = P (1 − shock) and every other price is
//    held fixed (debts in stablecoins, other collateral unchanged).
//  - Round k at price P_k: every loan with HF < 1 is liquidated by Aave v3's rules (lending.hpp)
//    until it is healthy or out of collateral; every long perpetual on the asset whose liquidation
//    price is at or above P_k is closed (the exchange sells its coins; the holder loses the
//    position's equity, Binance's insurance-fund rule). Short perpetuals are not liquidated by a
//    fall.
//  - Everything seized in the shocked asset is sold at once for the debt asset (liquidators are
//    assumed to hold no inventory). Cumulative coins sold Q move the price from P0:
//      constant product (Uniswap v2 pool with R coins of the asset at P0):
//        P(Q) = P0 (R / (R + Q))²             (x y = k: y/x after Q coins are sold in)
//      power law (Almgren et al. 2005; Bouchaud's square-root law for δ = 1/2):
//        P(Q) = P0 (1 − η (Q / ADV)^δ)        floored at 0, ADV in coins per day
//  - Q only grows, so the prices fall monotonically round by round; the cascade stops when a
//    round liquidates nothing, when the price moves by less than `tolerance` (relative), or after
//    `max_rounds` (then `converged` is false).
//  - Market borrowers hold the shocked asset as their only collateral and a stablecoin debt
//    (price 1 in the quote currency). A bucket of k identical borrowers is one borrower with k
//    times the amounts: Aave's liquidation arithmetic is homogeneous of degree 1.
// The user's loss on a position is its value at today's prices minus its value after the cascade
// (loans after their liquidations at the final state, perps 0 once liquidated, everything else
// revalued at the final price at the same time; an option keeps its time value).

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/time.hpp"
#include "keel/defi/book.hpp"

namespace keel {

// A borrower (or a bucket of identical borrowers) of the market population.
struct MarketBorrower {
  double collateral = 0.0;               // coins of the shocked asset, ≥ 0
  double debt = 0.0;                     // quote currency (a stablecoin at 1), ≥ 0
  double liquidation_threshold = 0.825;  // in (0, 1)
  double liquidation_bonus = 0.05;       // ≥ 0
  double count = 1.0;                    // borrowers in the bucket (reporting only), > 0
};

// A population from a histogram of health factors: bucket b holds `collateral_value` (quote, at
// today's price P) at health factor HF_b, so its debt is collateral_value · LT / HF_b.
struct HealthBucket {
  double health_factor = 0.0;     // > 0
  double collateral_value = 0.0;  // quote currency at today's price, ≥ 0
  double count = 1.0;
  double liquidation_threshold = 0.825;
  double liquidation_bonus = 0.05;
};
Result<std::vector<MarketBorrower>> borrowers_from_histogram(std::span<const HealthBucket> buckets,
                                                             double price);

// Synthesised borrowers. Health factors HF_i = 1 + (median_health_factor − 1) · exp(σ z_i) with
// z_i standard normal, so every borrower starts healthy and half are below the median; collateral
// values are lognormal (σ = size_sigma) scaled to `total_collateral_value`. Seeded
// (keel::Random), so a run is reproducible. Defaults: 10,000 borrowers, $1bn collateral, median
// HF 1.6 (σ 0.8), sizes σ 1.5, LT 0.825 and bonus 0.05 (Aave v3 WETH, Polygon).
struct BorrowerSynthesis {
  int borrowers = 10000;
  double total_collateral_value = 1e9;
  double median_health_factor = 1.6;
  double health_factor_sigma = 0.8;
  double size_sigma = 1.5;
  double liquidation_threshold = 0.825;
  double liquidation_bonus = 0.05;
  std::uint64_t seed = 42;
  Status validate() const;
};
Result<std::vector<MarketBorrower>> synthesize_borrowers(const BorrowerSynthesis& options,
                                                         double price);

enum class ImpactModel { kConstantProduct, kPowerLaw };
std::string_view to_string(ImpactModel model);  // "constant-product", "power-law"

struct PriceImpactModel {
  ImpactModel model = ImpactModel::kConstantProduct;
  // Constant product: the pool's reserve of the shocked asset, coins (> 0).
  double pool_reserve = 0.0;
  // Power law: average daily volume in coins (> 0), coefficient η (> 0) and exponent δ in (0, 1].
  // Defaults η = 1, δ = 0.5.
  double adv = 0.0;
  double coefficient = 1.0;
  double exponent = 0.5;
  Status validate() const;
  // The price after `sold` coins, from `price` (formulas in the header comment).
  double price_after(double price, double sold) const;
};

struct CascadeOptions {
  std::string asset;   // the shocked asset (a price column of the bound book)
  double shock = 0.0;  // fractional fall in [0, 1)
  PriceImpactModel impact;
  int max_rounds = 1000;     // ≥ 1
  double tolerance = 1e-12;  // relative price change that ends the iteration, ≥ 0
  // The book counts as wiped out when its value after the cascade is at most this fraction of
  // its value today. The wipe-out shock is the first shock of a grid of `wipeout_grid` equal
  // steps over [0, 0.99] that wipes the book out, refined by bisection against the grid point
  // before it to `shock_tolerance` (the outcome is path dependent and need not be monotone in the
  // shock, so a plain bisection over [0, 0.99] could find a later boundary). Defaults 0 (nothing
  // left), 99 steps (1% apart) and 1e-4.
  double wipeout_fraction = 0.0;
  int wipeout_grid = 99;
  double shock_tolerance = 1e-4;
  Status validate() const;
};

struct CascadeRound {
  int round = 0;             // 1, 2, ...
  double price = 0.0;        // the price the round liquidated at
  int liquidations = 0;      // liquidation calls (loans) and perp closes this round
  double market_sold = 0.0;  // coins sold this round from market borrowers
  double user_sold = 0.0;    // coins sold this round from the user's loans and perps
};

struct CascadePositionOutcome {
  std::string name;
  double value_before = 0.0;
  double value_after = 0.0;
  double loss = 0.0;  // value_before − value_after
  bool liquidated = false;
  double bad_debt = 0.0;  // loans: debt left without collateral, quote currency
};

struct CascadeResult {
  std::string asset;
  double start_price = 0.0;    // today's
  double shocked_price = 0.0;  // start × (1 − shock)
  double final_price = 0.0;
  double shock = 0.0;
  std::vector<CascadeRound> rounds;  // every round; the last liquidated nothing if converged
  bool converged = false;
  double total_sold = 0.0;                        // coins
  std::vector<CascadePositionOutcome> positions;  // book order
  double book_value_before = 0.0;                 // cash + positions
  double book_value_after = 0.0;
  double user_loss = 0.0;
  double market_borrowers_liquidated = 0.0;  // borrowers (Σ count of the buckets liquidated)
  double market_collateral_seized = 0.0;     // coins
  double market_bad_debt = 0.0;              // quote currency
  double user_bad_debt = 0.0;                // the user's loans' bad debt (the protocol's loss)
  double protocol_bad_debt = 0.0;            // market + user
  // The smallest shock in [0, 0.99] after which the book is wiped out (CascadeOptions: first on
  // the grid, then bisected); NaN when no shock of the grid wipes it out. Set by
  // run_cascade_with_wipeout.
  double wipeout_shock = std::numeric_limits<double>::quiet_NaN();
};

// Runs the cascade for `book` (bound to `bound.assets`, today's `prices` aligned with them, valued
// at `now`) and the market population. Errors: invalid options, an asset that is not a column of
// the bound book, a book that cannot be valued.
Result<CascadeResult> run_cascade(const BoundBook& bound, std::span<const double> prices,
                                  Timestamp now, std::span<const MarketBorrower> market,
                                  const CascadeOptions& options);

// run_cascade, plus the wipe-out shock (CascadeOptions::wipeout_grid): up to wipeout_grid + 1 +
// log2(0.01 / shock_tolerance) further cascades.
Result<CascadeResult> run_cascade_with_wipeout(const BoundBook& bound,
                                               std::span<const double> prices, Timestamp now,
                                               std::span<const MarketBorrower> market,
                                               const CascadeOptions& options);

}  // namespace keel
