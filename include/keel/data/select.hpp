#pragma once
// Narrowing a panel by date range and asset list (--start, --end, --assets).

#include <optional>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

struct PanelSelection {
  std::optional<Timestamp> start;   // inclusive, on price timestamps
  std::optional<Timestamp> end;     // inclusive; a date-only end includes that whole UTC day
  std::vector<std::string> assets;  // empty = all, else this order; unknown names are an error
};

// Errors name the unknown asset (with the closest known name as a hint) or an empty date range.
Result<PricePanel> select(const PricePanel& panel, const PanelSelection& selection);

}  // namespace keel
