#pragma once
// The cascade file of `keel stress --cascade` (docs/stress.md, "Liquidation cascades"): the
// shocked asset and shock, the price-impact model and the market's other borrowers (a histogram
// CSV, inline [[market.bucket]] tables, or [market.synthesize]).

#include <optional>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/defi/cascade.hpp"

namespace keel::cli {

struct CascadeFile {
  CascadeOptions options;
  std::optional<double> price;  // `price`: today's price when the book does not hold the asset
  std::vector<HealthBucket> buckets;           // from `histogram` and [[market.bucket]]
  std::optional<BorrowerSynthesis> synthesis;  // [market.synthesize]
  std::string histogram;                       // the CSV read, as resolved ("" if none)
};

// Reads and checks a cascade file. Errors (exit 2) name the file, line and key.
Result<CascadeFile> read_cascade_file(const std::string& path);

}  // namespace keel::cli
