#pragma once
// Writers for price panels, the inverse of read_prices: wide CSV (date + one column per asset) and
// long CSV (date,symbol,close[,volume][,spread]). Numbers are written with 17 significant digits,
// so reading a written file gives back the same doubles.

#include <string>

#include "keel/core/status.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

Status write_wide_csv(const PricePanel& panel, const std::string& path);
Status write_long_csv(const PricePanel& panel, const std::string& path);

}  // namespace keel
