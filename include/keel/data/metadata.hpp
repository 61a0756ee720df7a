#pragma once
// Asset metadata: tags for group constraints and facts for allocation. File format: CSV with header
// symbol,sector,chain,protocol,is_stablecoin,lot_size,min_notional,market_cap — every column but
// symbol optional, in any order.

#include <optional>
#include <string>
#include <vector>

#include "keel/core/result.hpp"

namespace keel {

struct AssetInfo {
  std::string symbol;
  std::string sector;    // empty = unknown
  std::string chain;
  std::string protocol;
  bool is_stablecoin = false;
  double lot_size = 0.0;      // smallest tradable unit in coins; 0 = unknown
  double min_notional = 0.0;  // smallest order in quote currency; 0 = unknown
  double market_cap = 0.0;    // quote currency; 0 = unknown
};

struct AssetMetadata {
  std::vector<AssetInfo> assets;
  const AssetInfo* find(const std::string& symbol) const;
  // The tag value of one asset for a group field: "sector", "chain", "protocol" or "stablecoin".
  std::optional<std::string> tag(const std::string& symbol, const std::string& field) const;
};

Result<AssetMetadata> read_metadata(const std::string& path);
Status write_metadata(const AssetMetadata& metadata, const std::string& path);

}  // namespace keel
