#include "positions_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "config.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/defi/amm_position.hpp"
#include "keel/defi/hedging.hpp"

namespace keel::cli {

namespace {

// Deribit, the largest crypto options venue, expires its options at 08:00 UTC: a date-only
// expiry means that time (docs/positions.md).
constexpr Timestamp kDefaultExpirySecondsOfDay = 8 * 3600;

const std::map<std::string, std::string>& keys_by_kind() {
  static const std::map<std::string, std::string> keys = {
      {"spot", "name, kind, asset, quantity"},
      {"amm_lp",
       "name, kind, pool (constant-product | concentrated | stableswap), tokens, fee_tier, "
       "price_lower, price_upper, liquidity or deposit, amplification, fee_apr"},
      {"perp",
       "name, kind, underlying, contract (linear | inverse), contract_size, contracts, "
       "entry_price, margin, margin_mode (isolated | cross), maintenance_margin_rate, "
       "funding_rate or funding_series, funding_interval_hours, currency"},
      {"option",
       "name, kind, underlying, type (call | put), strike, expiry, settlement (linear | "
       "inverse), implied_vol, quantity, premium, rate, currency"},
      {"loan",
       "name, kind, protocol, collateral (a list of {asset, amount, liquidation_threshold, "
       "liquidation_bonus}), debt (a list of {asset, amount}), close_factor, full_close_factor, "
       "close_factor_hf_threshold"},
  };
  return keys;
}

class PositionReader {
 public:
  PositionReader(const toml::table& table, std::string path, std::string name)
      : table_(table), path_(std::move(path)), name_(std::move(name)) {}

  std::string here(const toml::node& node, const std::string& key) const {
    return fmt::format("{}:{}: position '{}', key '{}'", path_, node.source().begin.line, name_,
                       key);
  }

  Result<double> number(const std::string& key, std::optional<double> fallback,
                        const std::string& example) {
    seen_.push_back(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (fallback) return *fallback;
      return Status::invalid(fmt::format("{}:{}: position '{}' needs {} (e.g. {} = {})", path_,
                                         table_.source().begin.line, name_, key, key, example));
    }
    const std::optional<double> v = node->value<double>();
    if (!v || !std::isfinite(*v)) {
      return Status::invalid(here(*node, key) + ": must be a number, e.g. " + example);
    }
    return *v;
  }

  Result<std::string> text(const std::string& key, std::optional<std::string> fallback,
                           const std::vector<std::string>& allowed = {}) {
    seen_.push_back(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (fallback) return *fallback;
      return Status::invalid(fmt::format("{}:{}: position '{}' needs {} = \"...\"", path_,
                                         table_.source().begin.line, name_, key));
    }
    const std::optional<std::string> v = node->value<std::string>();
    if (!v) return Status::invalid(here(*node, key) + ": must be a string");
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : " | ") + a;
      return Status::invalid(here(*node, key) + fmt::format(": '{}' is not one of {}", *v, list));
    }
    return *v;
  }

  Result<std::vector<std::string>> strings(const std::string& key) {
    seen_.push_back(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      return Status::invalid(
          fmt::format("{}:{}: position '{}' needs {} = [\"token0\", "
                      "\"token1\"]",
                      path_, table_.source().begin.line, name_, key));
    }
    const toml::array* list = node->as_array();
    if (list == nullptr) return Status::invalid(here(*node, key) + ": must be a list of names");
    std::vector<std::string> out;
    for (const auto& item : *list) {
      auto v = item.value<std::string>();
      if (!v) return Status::invalid(here(*node, key) + ": every entry must be a name (string)");
      out.push_back(*v);
    }
    return out;
  }

  std::optional<std::vector<double>> numbers(const std::string& key, Status& error) {
    seen_.push_back(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::nullopt;
    const toml::array* list = node->as_array();
    std::vector<double> out;
    if (list != nullptr) {
      for (const auto& item : *list) {
        auto v = item.value<double>();
        if (!v || !std::isfinite(*v)) break;
        out.push_back(*v);
      }
    }
    if (list == nullptr || out.size() != list->size()) {
      error = Status::invalid(here(*node, key) + ": must be a list of numbers, e.g. [1.0, 2000]");
      return std::nullopt;
    }
    return out;
  }

  // An array of tables (`collateral = [{...}, ...]` or [[position.collateral]]); absent = empty.
  Result<std::vector<const toml::table*>> tables(const std::string& key) {
    seen_.push_back(key);
    std::vector<const toml::table*> out;
    const toml::node* node = table_.get(key);
    if (node == nullptr) return out;
    const toml::array* list = node->as_array();
    if (list == nullptr) {
      return Status::invalid(here(*node, key) +
                             ": must be a list of tables, e.g. [{ asset = \"ETH\", amount = 10 "
                             "}] or [[position." +
                             key + "]] tables");
    }
    for (const auto& item : *list) {
      const toml::table* t = item.as_table();
      if (t == nullptr) {
        return Status::invalid(here(*node, key) + ": every entry must be a table { asset = ... }");
      }
      out.push_back(t);
    }
    return out;
  }

  bool has(const std::string& key) const { return table_.get(key) != nullptr; }
  std::string where() const {
    return fmt::format("{}:{}: position '{}'", path_, table_.source().begin.line, name_);
  }

  // Keys of the table that no reader asked for: an error naming the first.
  Status unknown_keys(const std::string& kind, const std::string& extra = "") const {
    for (auto&& [key, value] : table_) {
      const std::string k(key.str());
      if (k == "name" || k == "kind") continue;
      if (std::find(seen_.begin(), seen_.end(), k) == seen_.end()) {
        return Status::invalid(here(value, k) + ": unknown key; a " + kind + " position takes " +
                               keys_by_kind().at(kind) + extra);
      }
    }
    return Status::ok();
  }

 private:
  const toml::table& table_;
  std::string path_;
  std::string name_;
  std::vector<std::string> seen_;
};

#define KEEL_ASSIGN(lhs, expr)                     \
  do {                                             \
    auto keel_value_ = (expr);                     \
    if (!keel_value_) return keel_value_.status(); \
    lhs = std::move(*keel_value_);                 \
  } while (false)

// `currency` (optional): the currency the contract margins and settles in, checked against the
// contract type: an inverse contract settles in its coin, a linear one in the quote currency.
Status check_settlement_currency(PositionReader& r, Settlement settlement,
                                 const std::string& underlying, const std::string& quote) {
  std::string currency;
  KEEL_ASSIGN(currency, r.text("currency", std::string()));
  if (currency.empty()) return Status::ok();
  const bool inverse = settlement == Settlement::kInverse;
  const std::string expected = inverse ? underlying : quote;
  if (currency != expected) {
    return Status::invalid(fmt::format(
        "{}, key 'currency': {} contract settles in {}, not {}; {}", r.where(),
        inverse ? "an inverse" : "a linear", expected, currency,
        inverse ? "for a contract margined in the quote currency write contract = \"linear\""
                : "for a coin-margined contract write contract = \"inverse\""));
  }
  return Status::ok();
}

Status read_spot(PositionReader& r, BookPosition& out) {
  SpotPosition s;
  KEEL_ASSIGN(s.asset, r.text("asset", std::nullopt));
  KEEL_ASSIGN(s.quantity, r.number("quantity", std::nullopt, "1.5"));
  out.spec = s;
  return Status::ok();
}

Status read_lp(PositionReader& r, BookPosition& out, std::vector<LpDeposit>& deposits,
               std::size_t index) {
  AmmLpPosition lp;
  std::string pool;
  KEEL_ASSIGN(pool,
              r.text("pool", std::nullopt, {"constant-product", "concentrated", "stableswap"}));
  lp.kind = pool == "constant-product" ? AmmKind::kConstantProduct
            : pool == "concentrated"   ? AmmKind::kConcentrated
                                       : AmmKind::kStableswap;
  KEEL_ASSIGN(lp.tokens, r.strings("tokens"));
  KEEL_ASSIGN(lp.fee_rate, r.number("fee_tier", 0.003, "0.0005"));
  if (lp.kind == AmmKind::kConcentrated) {
    KEEL_ASSIGN(lp.price_lower, r.number("price_lower", std::nullopt, "1500"));
    KEEL_ASSIGN(lp.price_upper, r.number("price_upper", std::nullopt, "2500"));
  }
  if (lp.kind == AmmKind::kStableswap) {
    KEEL_ASSIGN(lp.amplification, r.number("amplification", std::nullopt, "200"));
  }
  KEEL_ASSIGN(lp.fee_apr, r.number("fee_apr", 0.0, "0.12"));
  Status error;
  const auto deposit = r.numbers("deposit", error);
  if (!error.is_ok()) return error;
  if (deposit) {
    if (r.has("liquidity")) {
      return Status::invalid(r.where() + ": give liquidity or deposit, not both");
    }
    if (deposit->size() != 2) {
      return Status::invalid(
          fmt::format("{}: deposit lists {} amounts; give [amount of token0, amount of token1]",
                      r.where(), deposit->size()));
    }
    deposits.push_back(
        {.position = index, .amounts = {(*deposit)[0], (*deposit)[1]}, .resolved = false});
    lp.liquidity = 0.0;  // set by keel::resolve_book at the market's last prices
  } else {
    KEEL_ASSIGN(lp.liquidity,
                r.number("liquidity", std::nullopt, "1234.5 (or deposit = [1, 2000])"));
  }
  out.spec = lp;
  return Status::ok();
}

// `candidate`: a hedge instrument, one unit of which is priced by the hedge (no quantity keys).
Status read_perp(PositionReader& r, BookPosition& out, bool candidate, const std::string& quote,
                 std::vector<FundingSeriesSource>* series = nullptr, std::size_t index = 0) {
  PerpPosition p;
  KEEL_ASSIGN(p.underlying, r.text("underlying", std::nullopt));
  std::string contract;
  KEEL_ASSIGN(contract, r.text("contract", "linear", {"linear", "inverse"}));
  p.settlement = contract == "inverse" ? Settlement::kInverse : Settlement::kLinear;
  KEEL_RETURN_IF_ERROR(check_settlement_currency(r, p.settlement, p.underlying, quote));
  KEEL_ASSIGN(p.contract_size, r.number("contract_size", 1.0, "0.001"));
  if (!candidate) {
    KEEL_ASSIGN(p.contracts, r.number("contracts", std::nullopt, "-10"));
    KEEL_ASSIGN(p.entry_price, r.number("entry_price", std::nullopt, "60000"));
    KEEL_ASSIGN(p.margin, r.number("margin", std::nullopt, "5000"));
  } else {
    p.contracts = 1.0;
    p.entry_price = 1.0;  // replaced by today's price when the hedge prices one unit
  }
  std::string mode;
  KEEL_ASSIGN(mode, r.text("margin_mode", "isolated", {"isolated", "cross"}));
  p.margin_mode = mode == "cross" ? MarginMode::kCross : MarginMode::kIsolated;
  KEEL_ASSIGN(p.maintenance_margin_rate, r.number("maintenance_margin_rate", 0.005, "0.005"));
  if (series != nullptr && r.has("funding_series")) {
    if (r.has("funding_rate")) {
      return Status::invalid(r.where() +
                             ": give funding_rate (a constant rate) or funding_series (a file of "
                             "daily rates), not both");
    }
    std::string path;
    KEEL_ASSIGN(path, r.text("funding_series", std::nullopt));
    if (path.empty()) {
      return Status::invalid(r.where() +
                             ", key 'funding_series': give a path, e.g. \"funding.csv\" "
                             "(relative to the book file)");
    }
    FundingSeriesSource source;
    source.position = index;
    source.path = path;
    series->push_back(std::move(source));
  }
  KEEL_ASSIGN(p.funding_rate, r.number("funding_rate", 0.0, "0.0001"));
  KEEL_ASSIGN(p.funding_interval_hours, r.number("funding_interval_hours", 8.0, "8"));
  out.spec = p;
  return Status::ok();
}

Status read_option(PositionReader& r, BookPosition& out, const std::string& path, int line,
                   bool candidate, const std::string& quote) {
  OptionPosition o;
  KEEL_ASSIGN(o.underlying, r.text("underlying", std::nullopt));
  std::string type;
  KEEL_ASSIGN(type, r.text("type", std::nullopt, {"call", "put"}));
  o.type = type == "put" ? OptionType::kPut : OptionType::kCall;
  KEEL_ASSIGN(o.strike, r.number("strike", std::nullopt, "50000"));
  std::string expiry;
  KEEL_ASSIGN(expiry, r.text("expiry", std::nullopt));
  const std::optional<Timestamp> t = parse_timestamp(expiry);
  if (!t) {
    return Status::invalid(fmt::format(
        "{}:{}: position '{}', key 'expiry': '{}' is not a date; write \"2024-03-29\" (08:00 "
        "UTC) or \"2024-03-29T08:00:00Z\"",
        path, line, out.name, expiry));
  }
  o.expiry = *t;
  if (expiry.find_first_of("T ") == std::string::npos && *t % kSecondsPerDay == 0) {
    o.expiry += kDefaultExpirySecondsOfDay;
  }
  std::string settlement;
  KEEL_ASSIGN(settlement, r.text("settlement", "linear", {"linear", "inverse"}));
  o.settlement = settlement == "inverse" ? Settlement::kInverse : Settlement::kLinear;
  KEEL_RETURN_IF_ERROR(check_settlement_currency(r, o.settlement, o.underlying, quote));
  KEEL_ASSIGN(o.implied_volatility, r.number("implied_vol", std::nullopt, "0.6"));
  if (!candidate) {
    KEEL_ASSIGN(o.quantity, r.number("quantity", std::nullopt, "2"));
    KEEL_ASSIGN(o.premium_paid, r.number("premium", 0.0, "0.05"));
  } else {
    o.quantity = 1.0;
  }
  KEEL_ASSIGN(o.rate, r.number("rate", 0.0, "0.0"));
  out.spec = o;
  return Status::ok();
}

// One entry of a loan's collateral or debt list: its keys by name, each a number except `asset`.
Status read_loan_entry(const toml::table& t, const std::string& where, const std::string& field,
                       const std::vector<std::string>& keys, std::string& asset,
                       std::vector<double>& values) {
  for (auto&& [key, value] : t) {
    const std::string k(key.str());
    if (k != "asset" && std::find(keys.begin(), keys.end(), k) == keys.end()) {
      std::string list = "asset";
      for (const std::string& x : keys) list += ", " + x;
      return Status::invalid(
          fmt::format("{}, key '{}.{}': unknown key; an entry takes {}", where, field, k, list));
    }
  }
  const auto a = t["asset"].value<std::string>();
  if (!a || a->empty()) {
    return Status::invalid(fmt::format(
        "{}, key '{}.asset': give the asset's price column, e.g. asset = \"ETH\"", where, field));
  }
  asset = *a;
  values.clear();
  for (const std::string& k : keys) {
    const toml::node* node = t.get(k);
    if (node == nullptr) {
      return Status::invalid(
          fmt::format("{}, key '{}.{}': missing; give a number", where, field, k));
    }
    const auto v = node->value<double>();
    if (!v || !std::isfinite(*v)) {
      return Status::invalid(fmt::format("{}, key '{}.{}': must be a number", where, field, k));
    }
    values.push_back(*v);
  }
  return Status::ok();
}

Status read_loan(PositionReader& r, BookPosition& out) {
  LoanPosition loan;
  KEEL_ASSIGN(loan.protocol, r.text("protocol", std::string("aave-v3")));
  KEEL_ASSIGN(loan.rules.close_factor, r.number("close_factor", 0.5, "0.5"));
  KEEL_ASSIGN(loan.rules.full_close_factor, r.number("full_close_factor", 1.0, "1.0"));
  KEEL_ASSIGN(loan.rules.close_factor_hf_threshold,
              r.number("close_factor_hf_threshold", 0.95, "0.95"));
  std::vector<const toml::table*> collateral;
  KEEL_ASSIGN(collateral, r.tables("collateral"));
  std::vector<const toml::table*> debt;
  KEEL_ASSIGN(debt, r.tables("debt"));
  std::vector<double> values;
  for (std::size_t i = 0; i < collateral.size(); ++i) {
    LoanCollateral c;
    KEEL_RETURN_IF_ERROR(
        read_loan_entry(*collateral[i], r.where(), fmt::format("collateral[{}]", i),
                        {"amount", "liquidation_threshold", "liquidation_bonus"}, c.asset, values));
    c.amount = values[0];
    c.liquidation_threshold = values[1];
    c.liquidation_bonus = values[2];
    loan.collateral.push_back(std::move(c));
  }
  for (std::size_t j = 0; j < debt.size(); ++j) {
    LoanDebt d;
    KEEL_RETURN_IF_ERROR(read_loan_entry(*debt[j], r.where(), fmt::format("debt[{}]", j),
                                         {"amount"}, d.asset, values));
    d.amount = values[0];
    loan.debt.push_back(std::move(d));
  }
  out.spec = std::move(loan);
  return Status::ok();
}

}  // namespace

Result<PositionsFile> read_positions_file(const std::string& path) {
  auto parsed = read_toml_file(path, "positions book");
  if (!parsed) return parsed.status();
  const toml::table& table = *parsed;
  PositionsFile file;
  file.book.source = path;
  for (auto&& [key_view, value] : table) {
    const std::string key(key_view.str());
    const std::string here = fmt::format("{}:{}: key '{}'", path, value.source().begin.line, key);
    if (key == "quote") {
      auto v = value.value<std::string>();
      if (!v) return Status::invalid(here + ": must be a currency name such as \"USD\"");
      file.book.quote_currency = *v;
    } else if (key == "cash") {
      auto v = value.value<double>();
      if (!v || !std::isfinite(*v)) {
        return Status::invalid(here + ": must be a number (quote currency)");
      }
      file.book.cash = *v;
    } else if (key != "position") {
      return Status::invalid(here +
                             ": unknown key; a positions book takes quote, cash and [[position]] "
                             "tables (docs/positions.md)");
    }
  }
  const toml::node* list_node = table.get("position");
  if (list_node == nullptr) {
    return Status::invalid(path + ": no [[position]] tables; see docs/positions.md for the format");
  }
  const toml::array* list = list_node->as_array();
  if (list == nullptr) {
    return Status::invalid(
        fmt::format("{}:{}: 'position' must be an array of tables; write "
                    "[[position]]",
                    path, list_node->source().begin.line));
  }
  for (const auto& item : *list) {
    const toml::table* t = item.as_table();
    const int line = static_cast<int>(item.source().begin.line);
    if (t == nullptr) {
      return Status::invalid(
          fmt::format("{}:{}: each position must be a table; write "
                      "[[position]]",
                      path, line));
    }
    BookPosition position;
    position.line = line;
    const auto name = (*t)["name"].value<std::string>();
    if (!name || name->empty()) {
      return Status::invalid(
          fmt::format("{}:{}: a position needs name = \"...\" (unique in the "
                      "book)",
                      path, line));
    }
    position.name = *name;
    const auto kind = (*t)["kind"].value<std::string>();
    if (!kind || keys_by_kind().count(*kind) == 0) {
      return Status::invalid(
          fmt::format("{}:{}: position '{}' needs kind = \"spot\" | "
                      "\"amm_lp\" | \"perp\" | \"option\" | \"loan\"",
                      path, line, position.name));
    }
    PositionReader reader(*t, path, position.name);
    Status status;
    if (*kind == "spot") {
      status = read_spot(reader, position);
    } else if (*kind == "amm_lp") {
      status = read_lp(reader, position, file.book.deposits, file.book.positions.size());
    } else if (*kind == "perp") {
      status = read_perp(reader, position, /*candidate=*/false, file.book.quote_currency,
                         &file.book.funding_series, file.book.positions.size());
    } else if (*kind == "loan") {
      status = read_loan(reader, position);
    } else {
      status =
          read_option(reader, position, path, line, /*candidate=*/false, file.book.quote_currency);
    }
    KEEL_RETURN_IF_ERROR(status);
    KEEL_RETURN_IF_ERROR(reader.unknown_keys(*kind));
    file.book.positions.push_back(std::move(position));
  }
  KEEL_RETURN_IF_ERROR(file.book.validate());
  return file;
}

namespace {

constexpr const char* kCandidateKeys =
    "; as a hedge candidate also min, max, fee_bps, half_spread_bps, margin_rate (no contracts, "
    "quantity, entry_price, margin or premium: the hedge prices one unit at today's price)";

Result<std::pair<double, double>> read_band(const toml::node& node, const std::string& here) {
  const toml::array* list = node.as_array();
  if (list == nullptr || list->size() != 2 || !(*list)[0].is_number() || !(*list)[1].is_number()) {
    return Status::invalid(here + ": must be [min, max], e.g. [-0.5, 0.5]");
  }
  const double lo = *(*list)[0].value<double>();
  const double hi = *(*list)[1].value<double>();
  if (!(lo <= hi)) return Status::invalid(here + ": min must be ≤ max");
  return std::make_pair(lo, hi);
}

}  // namespace

Result<HedgesFile> read_hedges_file(const std::string& path, const std::string& quote) {
  auto parsed = read_toml_file(path, "hedges file");
  if (!parsed) return parsed.status();
  const toml::table& table = *parsed;
  HedgesFile file;
  for (auto&& [key_view, value] : table) {
    const std::string key(key_view.str());
    const std::string here = fmt::format("{}:{}: key '{}'", path, value.source().begin.line, key);
    if (key == "objective") {
      const auto v = value.value<std::string>();
      if (!v || (*v != "cvar" && *v != "variance")) {
        return Status::invalid(here + ": must be \"cvar\" or \"variance\"");
      }
      file.options.solver.objective =
          *v == "variance" ? HedgeObjective::kVariance : HedgeObjective::kCvar;
    } else if (key == "alpha" || key == "premium_budget" || key == "margin_budget") {
      const auto v = value.value<double>();
      if (!v || std::isnan(*v)) return Status::invalid(here + ": must be a number");
      (key == "alpha"            ? file.options.solver.confidence
       : key == "premium_budget" ? file.options.premium_budget
                                 : file.options.margin_budget) = *v;
    } else if (key == "vega") {
      auto band = read_band(value, here);
      if (!band) return band.status();
      file.options.vega_band = *band;
    } else if (key == "delta") {
      const toml::table* bands = value.as_table();
      if (bands == nullptr) {
        return Status::invalid(here + ": must be a table of underlying = [min, max] (coins)");
      }
      for (auto&& [asset, band_node] : *bands) {
        auto band = read_band(band_node, here + ", underlying '" + std::string(asset.str()) + "'");
        if (!band) return band.status();
        file.options.delta_bands.push_back({std::string(asset.str()), band->first, band->second});
      }
    } else if (key != "candidate") {
      return Status::invalid(here +
                             ": unknown key; a hedges file takes objective, alpha, premium_budget, "
                             "margin_budget, vega, [delta] and [[candidate]] tables");
    }
  }
  const toml::node* list_node = table.get("candidate");
  const toml::array* list = list_node != nullptr ? list_node->as_array() : nullptr;
  if (list == nullptr || list->empty()) {
    return Status::invalid(path +
                           ": no [[candidate]] tables; list the perpetuals and options "
                           "the hedge may use (docs/positions.md)");
  }
  for (const auto& item : *list) {
    const toml::table* t = item.as_table();
    const int line = static_cast<int>(item.source().begin.line);
    if (t == nullptr) {
      return Status::invalid(fmt::format("{}:{}: write [[candidate]] tables", path, line));
    }
    const auto name = (*t)["name"].value<std::string>();
    if (!name || name->empty()) {
      return Status::invalid(fmt::format("{}:{}: a candidate needs name = \"...\"", path, line));
    }
    const auto kind = (*t)["kind"].value<std::string>();
    if (!kind || (*kind != "perp" && *kind != "option")) {
      return Status::invalid(
          fmt::format("{}:{}: candidate '{}' needs kind = \"perp\" or "
                      "\"option\"",
                      path, line, *name));
    }
    BookPosition position;
    position.name = *name;
    position.line = line;
    PositionReader reader(*t, path, *name);
    HedgeCandidate candidate;
    candidate.name = *name;
    candidate.line = line;
    KEEL_ASSIGN(candidate.min,
                reader.number("min", -std::numeric_limits<double>::infinity(), "-10"));
    KEEL_ASSIGN(candidate.max, reader.number("max", std::numeric_limits<double>::infinity(), "10"));
    KEEL_ASSIGN(candidate.fee_bps, reader.number("fee_bps", 5.0, "5"));
    KEEL_ASSIGN(candidate.half_spread_bps, reader.number("half_spread_bps", 2.0, "2"));
    KEEL_ASSIGN(candidate.margin_rate, reader.number("margin_rate", 0.1, "0.1"));
    KEEL_RETURN_IF_ERROR(
        *kind == "perp" ? read_perp(reader, position, /*candidate=*/true, quote)
                        : read_option(reader, position, path, line, /*candidate=*/true, quote));
    KEEL_RETURN_IF_ERROR(reader.unknown_keys(*kind, kCandidateKeys));
    candidate.instrument = std::move(position.spec);
    file.candidates.push_back(std::move(candidate));
  }
  return file;
}

void add_scenario_options(CLI::App& command, ScenarioArgs& args) {
  command
      .add_option("--scenarios", args.scenarios,
                  "historical (overlapping windows of past returns) or monte-carlo (t copula)")
      ->check(CLI::IsMember({"historical", "monte-carlo"}))
      ->capture_default_str();
  command.add_option("--horizon", args.horizon, "Horizon in periods of the price file")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  command.add_option("--draws", args.draws, "Monte Carlo scenarios")
      ->check(CLI::Range(100, 10000000))
      ->capture_default_str();
  command.add_option("--seed", args.seed, "Monte Carlo seed")->capture_default_str();
}

PositionsOptions positions_options(const ScenarioArgs& args, double confidence, bool delta_gamma) {
  return {.scenarios = args.scenarios == "monte-carlo" ? ScenarioMethod::kMonteCarlo
                                                       : ScenarioMethod::kHistorical,
          .horizon = args.horizon,
          .confidence = confidence,
          .draws = args.draws,
          .seed = args.seed,
          .delta_gamma = delta_gamma};
}

}  // namespace keel::cli
