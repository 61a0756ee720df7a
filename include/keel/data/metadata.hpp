#pragma once
// Asset metadata: tags for group constraints and facts for allocation. File format: CSV with header
// symbol,sector,chain,protocol,is_stablecoin,lot_size,min_notional,market_cap,min_quantity — every
// column but symbol optional, in any order. Any other column is a custom tag (e.g. `custody`),
// usable by group constraints and stress shocks exactly like sector, chain and protocol. Column
// names are matched without regard to case; custom tag names are kept in lower case. A custom
// column may not be called `stablecoin` (that tag comes from is_stablecoin).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/result.hpp"

namespace keel {

struct AssetInfo {
  std::string symbol;
  std::string sector;  // empty = unknown
  std::string chain;
  std::string protocol;
  bool is_stablecoin = false;
  double lot_size = 0.0;      // smallest tradable unit in coins; 0 = unknown
  double min_notional = 0.0;  // smallest order in quote currency; 0 = unknown
  double market_cap = 0.0;    // quote currency; 0 = unknown
  double min_quantity = 0.0;  // smallest order quantity in coins; 0 = unknown (one lot)
  int line = 0;               // the file line this asset was read from (0 = not read from a file)
  // Custom tags: lower-case column name -> value ("" = unknown), one entry per extra column.
  std::map<std::string, std::string> tags{};
};

struct AssetMetadata {
  std::string source;  // the file read ("" when built in memory)
  std::vector<AssetInfo> assets;
  // The custom tag columns in file order (lower case); written back after the standard columns.
  std::vector<std::string> tag_columns;

  const AssetInfo* find(const std::string& symbol) const;
  // The tag value of one asset for a group field: "sector", "chain", "protocol", "stablecoin" or a
  // custom tag column (field matched without regard to case). nullopt when the asset is not in
  // the metadata, the field is unknown, or the value is empty (unknown).
  std::optional<std::string> tag(const std::string& symbol, const std::string& field) const;
  // True for the built-in tag fields and for the custom tag columns of this file.
  bool has_tag_field(const std::string& field) const;
  // The built-in tag fields followed by the custom tag columns.
  std::vector<std::string> tag_fields() const;
};

Result<AssetMetadata> read_metadata(const std::string& path);
Status write_metadata(const AssetMetadata& metadata, const std::string& path);

}  // namespace keel
