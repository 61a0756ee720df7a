#pragma once
// The strategy and trading tables of `keel backtest` (strategies.toml), shared with `keel sweep`
// (whose base strategy and points are the same tables).

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "keel/backtest/costs.hpp"
#include "keel/backtest/strategy.hpp"
#include "keel/core/result.hpp"

namespace keel::cli {

// "file:line" of a TOML node.
std::string toml_where(const std::string& path, const toml::node& node);

// The [trading] table of `config` (defaults when absent); unknown keys are errors naming them.
Result<CostModel> read_trading(const toml::table& config, const std::string& path);

// The keys a [[strategy]] table may hold (besides the constraint sections of
// constraints_config.hpp).
extern const std::vector<std::string> kStrategyKeys;

// What a strategy table falls back to for keys it does not give.
struct StrategyDefaults {
  std::string rebalance = "monthly";  // schedule when the table has no `rebalance`
  double risk_free = 0.0;             // annual
  std::string metadata;               // --metadata file (group constraints), "" = none
};

// One [[strategy]] or [[benchmark]] table (`node` is the table, for line numbers).
Result<Strategy> read_strategy(const toml::table& t, const toml::node& node,
                               const std::string& path, const StrategyDefaults& args,
                               const std::vector<std::string>& assets, bool benchmark);

}  // namespace keel::cli
