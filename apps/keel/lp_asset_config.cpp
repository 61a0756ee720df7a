#include "lp_asset_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace keel::cli {

namespace {

constexpr const char* kKeys =
    "name, pool (constant-product | concentrated), tokens, range_width, fee_apr, recentre_cost, "
    "quote";

std::string line_of(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

// Reads the keys of one [[lp_asset]] table; every message names the file, line, asset and key.
class LpAssetReader {
 public:
  LpAssetReader(const toml::table& table, std::string path)
      : table_(table), path_(std::move(path)) {}

  void set_name(std::string name) { name_ = std::move(name); }

  std::string at_key(const std::string& key) const {
    const toml::node* node = table_.get(key);
    const std::string where = node != nullptr ? line_of(path_, *node) : line_of(path_, table_);
    return fmt::format("{}: [[lp_asset]] '{}', key '{}'", where, name_, key);
  }

  Result<std::optional<std::string>> text(const std::string& key) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::optional<std::string>();
    auto v = node->value<std::string>();
    if (!v || v->empty()) return Status::invalid(at_key(key) + ": must be a non-empty string");
    return std::optional<std::string>(*v);
  }

  Result<double> number(const std::string& key, double fallback, const std::string& example) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return fallback;
    auto v = node->value<double>();
    if (!v || !std::isfinite(*v)) {
      return Status::invalid(at_key(key) + ": must be a number, e.g. " + key + " = " + example);
    }
    return *v;
  }

  Result<std::vector<std::string>> tokens() {
    const toml::node* node = table_.get("tokens");
    const toml::array* list = node != nullptr ? node->as_array() : nullptr;
    std::vector<std::string> out;
    if (list != nullptr) {
      for (const auto& item : *list) {
        auto v = item.value<std::string>();
        if (!v) break;
        out.push_back(*v);
      }
    }
    if (list == nullptr || out.size() != list->size() || out.size() != 2) {
      return Status::invalid(at_key("tokens") +
                             ": needs two token names, token0 and token1 (the pool price is "
                             "token1 per token0), e.g. tokens = [\"ETH\", \"USDT\"]");
    }
    return out;
  }

  Status unknown_keys() const {
    static const std::vector<std::string> known = {
        "name", "pool", "tokens", "range_width", "fee_apr", "recentre_cost", "quote"};
    for (auto&& [key, value] : table_) {
      const std::string k(key.str());
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        return Status::invalid(fmt::format("{}: [[lp_asset]] '{}': unknown key '{}'; known: {}",
                                           line_of(path_, value), name_, k, kKeys));
      }
    }
    return Status::ok();
  }

  // The line of the key a library message is about (the first key it names), else the table's.
  std::string locate(const std::string& message) const {
    for (const char* key : {"range_width", "fee_apr", "recentre_cost", "tokens", "pool", "name"}) {
      if (message.find(key) != std::string::npos) return at_key(key);
    }
    return fmt::format("{}: [[lp_asset]] '{}'", line_of(path_, table_), name_);
  }

 private:
  const toml::table& table_;
  std::string path_;
  std::string name_;
};

#define KEEL_LP_ASSIGN(lhs, expr)                  \
  do {                                             \
    auto keel_value_ = (expr);                     \
    if (!keel_value_) return keel_value_.status(); \
    lhs = std::move(*keel_value_);                 \
  } while (false)

Result<LpAssetEntry> read_one(const toml::table& table, const std::string& path) {
  LpAssetReader r(table, path);
  LpAssetEntry entry;
  entry.where = line_of(path, table);
  std::optional<std::string> name;
  KEEL_LP_ASSIGN(name, r.text("name"));
  if (!name) {
    return Status::invalid(entry.where +
                           ": [[lp_asset]] needs name = \"...\" (the asset's column name in "
                           "the allocation, e.g. \"ETH-USDT-LP\")");
  }
  r.set_name(*name);
  entry.spec.name = *name;
  entry.name_where = line_of(path, *table.get("name"));
  KEEL_RETURN_IF_ERROR(r.unknown_keys());
  std::optional<std::string> pool;
  KEEL_LP_ASSIGN(pool, r.text("pool"));
  if (!pool) {
    return Status::invalid(r.at_key("pool") +
                           ": missing; give pool = \"constant-product\" or \"concentrated\"");
  }
  if (*pool == "constant-product") {
    entry.spec.pool = AmmKind::kConstantProduct;
  } else if (*pool == "concentrated") {
    entry.spec.pool = AmmKind::kConcentrated;
  } else {
    return Status::invalid(r.at_key("pool") + ": '" + *pool +
                           "' is not constant-product or concentrated (stableswap LP assets are "
                           "not modelled)");
  }
  KEEL_LP_ASSIGN(entry.spec.tokens, r.tokens());
  entry.tokens_where = line_of(path, *table.get("tokens"));
  if (entry.spec.pool == AmmKind::kConcentrated && table.get("range_width") == nullptr) {
    return Status::invalid(r.at_key("range_width") +
                           ": missing; a concentrated LP asset needs its range, e.g. "
                           "range_width = 0.1 for +-10% around each period's start price");
  }
  KEEL_LP_ASSIGN(entry.spec.range_width, r.number("range_width", 0.0, "0.1"));
  KEEL_LP_ASSIGN(entry.spec.fee_apr, r.number("fee_apr", 0.0, "0.2"));
  KEEL_LP_ASSIGN(entry.spec.recentre_cost, r.number("recentre_cost", 0.0, "0.003"));
  std::optional<std::string> quote;
  KEEL_LP_ASSIGN(quote, r.text("quote"));
  if (quote) entry.quote = *quote;
  if (const Status s = entry.spec.validate(); !s) {
    return Status::invalid(r.locate(s.message()) + ": " + s.message());
  }
  return entry;
}

}  // namespace

Result<std::vector<LpAssetEntry>> read_lp_assets(const toml::table& config,
                                                 const std::string& path) {
  std::vector<LpAssetEntry> entries;
  const toml::node* node = config.get(kLpAssetSection);
  if (node == nullptr) return entries;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    return Status::invalid(line_of(path, *node) +
                           ": lp_asset must be [[lp_asset]] tables, one per LP asset");
  }
  for (const auto& item : *array) {
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      return Status::invalid(line_of(path, item) + ": each [[lp_asset]] entry must be a table");
    }
    auto entry = read_one(*table, path);
    if (!entry) return entry.status();
    for (const auto& other : entries) {
      if (other.spec.name == entry->spec.name) {
        return Status::invalid(fmt::format(
            "{}: [[lp_asset]] '{}', key 'name': the name is already used by the LP asset at {}; "
            "give each LP asset its own name",
            entry->name_where, entry->spec.name, other.where));
      }
    }
    entries.push_back(std::move(*entry));
  }
  return entries;
}

Status append_lp_assets(Market& market, std::vector<LpAssetEntry>& entries) {
  if (entries.empty()) return Status::ok();
  PricePanel& panel = market.panel;
  ReturnSeries& returns = market.returns;
  const Eigen::Index rows = panel.rows();
  if (returns.values.rows() != rows - 1 || returns.values.cols() != panel.cols()) {
    return Status::internal("lp assets: the returns are not aligned with the price rows");
  }
  const std::size_t n = static_cast<std::size_t>(rows);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (LpAssetEntry& entry : entries) {
    const LpAssetSpec& spec = entry.spec;
    const std::string who = fmt::format("[[lp_asset]] '{}'", spec.name);
    if (panel.asset_index(spec.name)) {
      return Status::invalid(fmt::format(
          "{}: {}, key 'name': '{}' is already an asset of the prices; give the LP asset another "
          "name",
          entry.name_where, who, spec.name));
    }
    std::vector<std::vector<double>> prices;
    for (const std::string& token : spec.tokens) {
      std::vector<double> column(n, 1.0);
      if (auto j = panel.asset_index(token)) {
        for (Eigen::Index t = 0; t < rows; ++t)
          column[static_cast<std::size_t>(t)] = panel.prices(t, *j);
      } else if (token != entry.quote) {
        return Status::invalid(fmt::format(
            "{}: {}, key 'tokens': '{}' is not a column of {} (after --assets and the "
            "missing-data policy) nor the quote currency '{}'; add it to the prices or --assets, "
            "or set quote = \"{}\" if it is the currency the prices are in",
            entry.tokens_where, who, token, panel.source, entry.quote, token));
      }
      prices.push_back(std::move(column));
    }
    auto series = lp_asset_returns(spec, prices[0], prices[1], panel.timestamps);
    if (!series) return series.status().with_context(entry.where);
    entry.periods = series->periods;
    entry.periods_in_range = series->periods_in_range;

    const Eigen::Index col = panel.cols();
    returns.values.conservativeResize(Eigen::NoChange, col + 1);
    for (Eigen::Index t = 0; t + 1 < rows; ++t) {
      const double r = series->returns[static_cast<std::size_t>(t)];
      returns.values(t, col) = returns.kind == ReturnKind::kLog ? std::log1p(r) : r;
    }
    returns.assets.push_back(spec.name);
    // The value index: 1 at the first row, compounded; NaN where a token has no price (the
    // level then carries over the gap, whose return is unknown).
    panel.prices.conservativeResize(Eigen::NoChange, col + 1);
    double level = 1.0;
    for (Eigen::Index t = 0; t < rows; ++t) {
      const std::size_t i = static_cast<std::size_t>(t);
      if (t > 0 && !std::isnan(series->returns[i - 1])) level *= 1.0 + series->returns[i - 1];
      panel.prices(t, col) = std::isnan(prices[0][i]) || std::isnan(prices[1][i]) ? kNaN : level;
    }
    if (panel.has_volumes()) {
      panel.volumes.conservativeResize(Eigen::NoChange, col + 1);
      panel.volumes.col(col).setConstant(kNaN);
    }
    if (panel.has_spreads()) {
      panel.spreads.conservativeResize(Eigen::NoChange, col + 1);
      panel.spreads.col(col).setConstant(kNaN);
    }
    panel.assets.push_back(spec.name);
  }
  return Status::ok();
}

Json lp_assets_json(const std::vector<LpAssetEntry>& entries, const PortfolioResult& result) {
  Json out = Json::array();
  for (const LpAssetEntry& entry : entries) {
    const LpAssetSpec& spec = entry.spec;
    const bool concentrated = spec.pool == AmmKind::kConcentrated;
    Json j;
    j["name"] = spec.name;
    j["kind"] = "amm_lp";
    j["pool"] = concentrated ? "concentrated" : "constant-product";
    j["tokens"] = spec.tokens;
    j["quote"] = entry.quote;
    j["rule"] = {{"range", concentrated ? "recentred" : "full"},
                 {"range_width", json_number(spec.range_width)},
                 {"recentre_cost", json_number(spec.recentre_cost)},
                 {"fee_apr", json_number(spec.fee_apr)},
                 {"fees", "modelled"},
                 {"description", describe_lp_asset(spec)}};
    j["periods"] = entry.periods;
    j["periods_in_range"] = entry.periods_in_range;
    j["weight"] = nullptr;
    if (result.is_usable()) {
      const auto it = std::find(result.assets.begin(), result.assets.end(), spec.name);
      if (it != result.assets.end()) {
        j["weight"] = json_number(result.weights(it - result.assets.begin()));
      }
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace keel::cli
