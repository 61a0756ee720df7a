#pragma once
// Liquidity limits on a portfolio: how much of an asset may be held and traded given how much of
// it the market trades each day. The average daily traded value ADV_i (quote currency per day)
// comes from keel/data/volume.hpp; V is the portfolio value in the same currency; weights are
// fractions of V.
//
//   position cap (days to liquidate at a participation rate):
//       selling a position of |w_i|·V at π·ADV_i per day takes |w_i|·V / (π·ADV_i) days; at most
//       D days means  |w_i| ≤ c_i = π · ADV_i · D / V.
//       (The liquidation horizon of the square-root-impact LVaR, risk/liquidity.hpp, read the
//       other way round: days_i = ⌈|w_i|·V / (π·ADV_i)⌉ ≤ D.)
//   trade cap (a share of one day's volume per rebalance):
//       |w_i − w0_i| · V ≤ s · ADV_i  ⇔  |w_i − w0_i| ≤ t_i = s · ADV_i / V,
//       w0 the current weights.
//   universe filter: an asset with ADV_i < min_adv, or a market cap below min_market_cap (or an
//       unknown one when that key is set), is removed before estimation.
//
// As bounds on each weight: max(−c_i, w0_i − t_i) ≤ w_i ≤ min(c_i, w0_i + t_i). Callers intersect
// them with the user's bounds (intersect_liquidity_bounds). The participation-rate idea is the
// standard execution rule of thumb (trade at most 10–20% of daily volume; Almgren et al. 2005,
// "Direct estimation of equity market impact", Risk 18, measure impact in these units).
//
// Names used in messages and results: "liquidity-position[ASSET]", "liquidity-trade[ASSET]",
// "min-adv", "min-market-cap".

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/optimize/constraints.hpp"

namespace keel {

struct LiquidityLimitOptions {
  // V: portfolio value in the quote currency of the volumes. Required (> 0) when a position or
  // trade cap is set; the default 0 then fails validation on purpose.
  double portfolio_value = 0.0;
  // π: share of an asset's daily traded value the liquidation may take each day, in (0, 1].
  // Default 0.1 (10% of ADV).
  double participation = 0.1;
  // D: largest number of days to liquidate a position at π. 0 (default) = no position cap; else
  // finite > 0 (may be fractional: 0.5 = half a day's allowed participation).
  double max_days_to_liquidate = 0.0;
  // s: largest trade per asset per rebalance as a share of its ADV. 0 (default) = no trade cap;
  // else finite > 0 (0.05 = 5% of a day's volume).
  double max_trade_adv_share = 0.0;
  // Universe filter: smallest ADV (quote currency per day) and market cap (quote currency) an
  // asset needs to be kept. 0 (default) = no filter; ≥ 0.
  double min_adv = 0.0;
  double min_market_cap = 0.0;
  // Periods of volume the ADV is averaged over, ending at the decision (no later row). Default 30
  // (30 days on daily data); ≥ 1.
  int adv_window = 30;

  bool has_position_cap() const { return max_days_to_liquidate > 0.0; }
  bool has_trade_cap() const { return max_trade_adv_share > 0.0; }
  bool has_filter() const { return min_adv > 0.0 || min_market_cap > 0.0; }
  bool needs_volumes() const { return has_position_cap() || has_trade_cap() || min_adv > 0.0; }
  bool any() const { return has_position_cap() || has_trade_cap() || has_filter(); }
  // Ranges above; Status::invalid names the field (as the book key) and a fix.
  Status validate() const;
};

// Per-asset bounds from the liquidity rules alone. ±infinity where a rule is off.
struct LiquidityBounds {
  Eigen::VectorXd position_cap;  // c_i = π·ADV_i·D/V (+inf without a position cap)
  Eigen::VectorXd trade_cap;     // t_i = s·ADV_i/V (+inf without a trade cap)
  Eigen::VectorXd lower;         // max(−c_i, w0_i − t_i)
  Eigen::VectorXd upper;         // min(c_i, w0_i + t_i)
};

// adv: per asset, quote currency per day, finite ≥ 0; current_weights: w0 (empty = all cash).
Result<LiquidityBounds> liquidity_bounds(Eigen::Ref<const Eigen::VectorXd> adv,
                                         Eigen::Ref<const Eigen::VectorXd> current_weights,
                                         const LiquidityLimitOptions& options);

// Which rule set each side of an asset's bound after intersecting with the user's bounds.
enum class BoundSource { kUser, kLiquidityPosition, kLiquidityTrade };
std::string_view to_string(BoundSource source);  // "user", "liquidity-position", "liquidity-trade"

struct LiquidityIntersection {
  Eigen::VectorXd lower;  // the bounds now in the constraints
  Eigen::VectorXd upper;
  std::vector<BoundSource> lower_source;
  std::vector<BoundSource> upper_source;
};

// Replaces constraints.lower_bounds / upper_bounds by the intersection of the effective user
// bounds (bounds, per-asset bounds, max_short) with `bounds`. A rule that cannot be met returns
// Status::no_solution (exit 3) naming the asset and the rules: a liquidity upper bound below the
// user's lower bound (or the reverse), a current position above its position cap that the trade
// cap cannot bring down, or a fixed budget that the capped upper (lower) bounds cannot reach.
Result<LiquidityIntersection> intersect_liquidity_bounds(PortfolioConstraints& constraints,
                                                         const std::vector<std::string>& assets,
                                                         const LiquidityBounds& bounds);

// An asset the universe filter removes, and why.
struct LiquidityExclusion {
  std::string asset;
  std::string rule;  // "min-adv" or "min-market-cap"
  double value = 0;  // the asset's ADV or market cap (NaN = market cap unknown)
  double threshold = 0;
};

// Assets below min_adv (ADV_i < min_adv) or min_market_cap (cap_i < min_market_cap; an unknown
// cap, 0 or NaN, is excluded too). market_caps: per asset, or empty when none are known (then
// every asset fails a min_market_cap filter). adv may be empty when min_adv is 0.
Result<std::vector<LiquidityExclusion>> liquidity_exclusions(
    const std::vector<std::string>& assets, Eigen::Ref<const Eigen::VectorXd> adv,
    Eigen::Ref<const Eigen::VectorXd> market_caps, const LiquidityLimitOptions& options);

}  // namespace keel
