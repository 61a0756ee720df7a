#pragma once
// [[lp_asset]] tables of `keel optimize --config` (docs/lp_assets.md): liquidity-provider
// strategies that enter the allocation as assets, their returns computed from the tokens' prices
// by keel::lp_asset_returns (keel/defi/lp_asset.hpp) and appended to the market's returns before
// estimation, so that every model sees them.
//
//   [[lp_asset]]
//   name = "ETH-USDT-LP"          # the asset's name (a new column; must not clash)
//   pool = "concentrated"         # constant-product | concentrated
//   tokens = ["ETH", "USDT"]      # token0, token1: price columns, or the quote priced at 1
//   range_width = 0.1             # concentrated: +-10% around each period's start price
//   fee_apr = 0.2                 # modelled fee yield (annual fraction), default 0
//   recentre_cost = 0.003         # concentrated: fraction of the value swapped, default 0
//   quote = "USDT"                # the price file's currency (default "USD")
//
// Every error names the file, line, LP asset and key.

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/market.hpp"
#include "keel/defi/lp_asset.hpp"
#include "keel/optimize/portfolio_result.hpp"

namespace keel::cli {

inline constexpr const char* kLpAssetSection = "lp_asset";

struct LpAssetEntry {
  LpAssetSpec spec;
  std::string quote = "USD";  // a token of this name without a price column is priced at 1
  std::string where;          // "FILE:LINE" of the table
  std::string tokens_where;   // "FILE:LINE" of its tokens key
  std::string name_where;     // "FILE:LINE" of its name key
  // Set by append_lp_assets:
  int periods = 0;
  int periods_in_range = 0;
};

// The config's [[lp_asset]] tables (none when absent). Errors: not an array of tables, unknown or
// missing keys, wrong types, an unknown pool, an invalid spec (range_width <= 0 or >= 1,
// negative fee_apr...), two LP assets of the same name.
Result<std::vector<LpAssetEntry>> read_lp_assets(const toml::table& config,
                                                 const std::string& path);

// Appends one column per LP asset to the market (after the missing-data policy): its per-period
// returns in returns.values (as log returns when the market's are), and its value index (1 at the
// first row, NaN where a token's price is missing) in the panel. Errors: a token that is neither a
// price column nor the entry's quote, a name that is already an asset.
Status append_lp_assets(Market& market, std::vector<LpAssetEntry>& entries);

// The "lp_assets" array of the JSON result: name, kind "amm_lp", pool, tokens, quote, the rule
// (range_width, fee_apr, fees "modelled", recentre_cost, description), the periods and the
// periods that ended in range, and the weight when the result has one.
Json lp_assets_json(const std::vector<LpAssetEntry>& entries, const PortfolioResult& result);

}  // namespace keel::cli
