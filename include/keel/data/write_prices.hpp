#pragma once
// Writers for price panels, the inverse of read_prices: wide CSV (date + one column per asset) and
// long CSV (date,symbol,close[,volume][,spread]). Numbers are written in the shortest form that
// reads back to the same double (std::to_chars; never more than 17 significant digits), so reading
// a written file gives back the same doubles. Timestamps are written as dates ("2024-01-02") when
// every one is at 00:00 UTC, else as "2024-01-02T13:00:00Z". A missing price is an empty cell
// (wide) or an absent row (long: rows are grouped by asset, in the panel's asset order, so a
// read-back gives the same asset order; a timestamp where no asset has a price is lost). A path
// ending in ".gz" is written gzip-compressed. Asset names with commas or quotes are quoted.

#include <string>

#include "keel/core/status.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

Status write_wide_csv(const PricePanel& panel, const std::string& path);
Status write_long_csv(const PricePanel& panel, const std::string& path);

}  // namespace keel
