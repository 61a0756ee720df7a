#pragma once
// The [liquidity] section of a book file (`keel optimize`) and of a strategy (`keel backtest`,
// [strategy.liquidity]); docs/book.md and docs/strategies.md:
//
//   [liquidity]
//   portfolio_value = 1e6           # quote currency (backtest: the strategy's own equity instead)
//   participation = 0.1             # share of ADV sold per day
//   max_days_to_liquidate = 2       # position cap |w| <= participation·ADV·days / value
//   max_trade_adv_share = 0.05      # trade cap |w − w0| <= share·ADV / value
//   min_adv = 1e6                   # universe filter, quote currency per day
//   min_market_cap = 1e8            # universe filter (metadata market_cap or --market-caps)
//   adv_window = 30                 # periods of volume averaged, ending at the decision
//   volume_unit = "quote"           # or "base": the volume column counts coins (× close)
//
// Library: keel/optimize/liquidity_limits.hpp and keel/data/volume.hpp.

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/market.hpp"
#include "keel/optimize/constraints.hpp"
#include "keel/optimize/liquidity_limits.hpp"

namespace keel::cli {

struct LiquidityConfig {
  LiquidityLimitOptions options;
  bool base_volume = false;  // volume_unit = "base"
  bool present = false;      // the section was given
  std::string where;         // "FILE:LINE" of the section, for messages
};

// Reads a [liquidity] table (`section` may be null: no section). `backtest` accepts the keys of a
// strategy, where portfolio_value is not a key (the strategy's equity is used). Errors name the
// file, line and key.
Result<LiquidityConfig> read_liquidity(const toml::node* section, const std::string& path,
                                       bool backtest = false);

// Quote-currency volumes of a panel under the config's volume unit; Status::invalid naming the
// section, the first key that needs volumes and the price file when the panel has none.
Result<Eigen::MatrixXd> liquidity_volumes(const PricePanel& panel, const LiquidityConfig& config);

// `keel optimize`: the universe filter, then the bounds.
struct OptimizeLiquidity {
  LiquidityConfig config;
  Eigen::VectorXd adv;  // per kept asset, quote currency per day (empty when not computed)
  std::vector<std::string> assets;
  std::vector<LiquidityExclusion> excluded;
  Json json;  // the result's "liquidity" object
};

// Removes from `market` the assets below min_adv / min_market_cap (listed in state.excluded) and
// records the ADV of the rest over the last adv_window rows. Market caps from `market_caps_file`
// (asset,market_cap) when given, else the metadata's market_cap column.
Status filter_market_by_liquidity(Market& market, OptimizeLiquidity& state,
                                  const std::string& metadata_file,
                                  const std::string& market_caps_file);

// Intersects the position and trade caps with the constraints' bounds (see
// intersect_liquidity_bounds) and fills state.json. No-op without a cap.
Status apply_liquidity_bounds(PortfolioConstraints& constraints,
                              const std::vector<std::string>& assets, OptimizeLiquidity& state);

}  // namespace keel::cli
