#pragma once
// Narrowing a panel by date range and asset list (--start, --end, --assets).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

struct PanelSelection {
  std::optional<Timestamp> start{};  // inclusive, on price timestamps; nullopt = from the first row
  std::optional<Timestamp> end{};  // inclusive; nullopt = to the last row. parse_selection() turns
                                   // a date-only end ("2024-01-31") into the day's last second,
                                   // so that the whole UTC day is included
  std::vector<std::string> assets{};  // empty = all, else this order; unknown names are an error
};

// Builds a selection from command-line text; an empty string means "not given". `start` and `end`
// accept every format of parse_timestamp(); `assets` is a comma-separated list ("BTC, ETH,SOL").
// Errors name the unreadable date or the empty / repeated asset name.
Result<PanelSelection> parse_selection(std::string_view start, std::string_view end,
                                       std::string_view assets);

// Keeps the rows with start <= timestamp <= end and the listed assets in the listed order
// (volumes, spreads and notes follow). Errors name the unknown asset (with the closest known name
// as a hint), a repeated asset, start after end, or a date range holding no row (with the panel's
// own range).
Result<PricePanel> select(const PricePanel& panel, const PanelSelection& selection);

// The name in `names` closest to `wanted` (case-insensitive edit distance), for "did you mean"
// hints; "" when `names` is empty.
std::string closest_name(const std::vector<std::string>& names, std::string_view wanted);

// The last quoted (non-NaN) price of each named asset, in the order given: NaN for an asset with
// no quote or no column in the panel.
Eigen::VectorXd last_prices(const PricePanel& panel, const std::vector<std::string>& assets);

}  // namespace keel
