#include "keel/data/price_panel.hpp"

namespace keel {

std::optional<Eigen::Index> PricePanel::asset_index(const std::string& name) const {
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (assets[i] == name) return static_cast<Eigen::Index>(i);
  }
  return std::nullopt;
}

}  // namespace keel
