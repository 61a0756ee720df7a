#pragma once
// PricePanel: prices on a grid of timestamps × assets. A NaN cell means "no quote" (not listed yet,
// delisted, or a gap); it is never a zero price.

#include <Eigen/Core>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/time.hpp"

namespace keel {

struct PricePanel {
  std::vector<std::string> assets;    // column names, unique
  std::vector<Timestamp> timestamps;  // strictly increasing, UTC seconds
  Eigen::MatrixXd prices;             // timestamps.size() × assets.size(); NaN = no quote
  Eigen::MatrixXd volumes;            // empty, or same shape: traded volume in quote currency
  Eigen::MatrixXd spreads;  // empty, or same shape: relative bid-ask spread (ask−bid)/mid
  std::string source;       // where it came from (file path or "simulator"), for messages
  // What the reader did beyond parsing that a user should know about (rows re-sorted, duplicate
  // timestamps resolved by a policy). Empty when the file was read as written. Verbs copy these
  // into diagnostics; nothing is changed silently.
  std::vector<std::string> notes;
  // Exchange symbols (keel/data/symbols.hpp): for each asset whose symbol named a quote currency,
  // that currency ("BTC" → "USDT" for a BTCUSDT column), and for each asset renamed by
  // normalisation the symbol as written in the file ("BTC" → "BTC/USDT"). Keyed by asset name, so
  // a selection or a dropped asset leaves them valid; assets without an entry have no recorded
  // quote (a plain "BTC" column) or kept their name.
  std::map<std::string, std::string> quote_currencies;
  std::map<std::string, std::string> raw_symbols;

  Eigen::Index rows() const { return prices.rows(); }
  Eigen::Index cols() const { return prices.cols(); }
  bool has_volumes() const { return volumes.size() > 0; }
  bool has_spreads() const { return spreads.size() > 0; }
  std::optional<Eigen::Index> asset_index(const std::string& name) const;
};

}  // namespace keel
