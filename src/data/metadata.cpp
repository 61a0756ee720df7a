#include "keel/data/metadata.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "data/csv.hpp"
#include "data/text_readers.hpp"

namespace keel {

namespace {

enum class Field {
  kSymbol,
  kSector,
  kChain,
  kProtocol,
  kStablecoin,
  kLotSize,
  kMinNotional,
  kMarketCap,
  kMinQuantity
};

constexpr std::array<std::string_view, 9> kFieldNames = {
    "symbol",   "sector",       "chain",      "protocol",    "is_stablecoin",
    "lot_size", "min_notional", "market_cap", "min_quantity"};

std::optional<bool> parse_bool(std::string_view text) {
  if (csv::iequals(text, "true") || csv::iequals(text, "yes") || text == "1") return true;
  if (csv::iequals(text, "false") || csv::iequals(text, "no") || text == "0") return false;
  return std::nullopt;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

constexpr std::array<std::string_view, 4> kBuiltinTags = {"sector", "chain", "protocol",
                                                          "stablecoin"};

std::string format_number(double value) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, ptr);
}

}  // namespace

const AssetInfo* AssetMetadata::find(const std::string& symbol) const {
  for (const AssetInfo& info : assets) {
    if (info.symbol == symbol) return &info;
  }
  return nullptr;
}

std::optional<std::string> AssetMetadata::tag(const std::string& symbol,
                                              const std::string& field) const {
  const AssetInfo* info = find(symbol);
  if (info == nullptr) return std::nullopt;
  const auto non_empty = [](const std::string& v) -> std::optional<std::string> {
    if (v.empty()) return std::nullopt;
    return v;
  };
  if (field == "sector") return non_empty(info->sector);
  if (field == "chain") return non_empty(info->chain);
  if (field == "protocol") return non_empty(info->protocol);
  if (field == "stablecoin") return std::string(info->is_stablecoin ? "true" : "false");
  const std::string key = to_lower(field);
  if (key != field) return tag(symbol, key);
  const auto it = info->tags.find(key);
  if (it == info->tags.end()) return std::nullopt;
  return non_empty(it->second);
}

bool AssetMetadata::has_tag_field(const std::string& field) const {
  const std::string key = to_lower(field);
  for (std::string_view builtin : kBuiltinTags) {
    if (key == builtin) return true;
  }
  return std::find(tag_columns.begin(), tag_columns.end(), key) != tag_columns.end();
}

std::vector<std::string> AssetMetadata::tag_fields() const {
  std::vector<std::string> fields(kBuiltinTags.begin(), kBuiltinTags.end());
  fields.insert(fields.end(), tag_columns.begin(), tag_columns.end());
  return fields;
}

Result<AssetMetadata> read_metadata(const std::string& path) {
  auto text = csv::read_file(path);
  if (!text) return text.status();
  return detail::parse_metadata(*text, path);
}

Result<AssetMetadata> detail::parse_metadata(std::string_view text, const std::string& path) {
  csv::LineReader lines(text);
  std::vector<std::string_view> fields;
  std::deque<std::string> scratch;
  std::string_view line;
  bool have_header = false;
  while (lines.next(line)) {
    if (!csv::trim(line).empty() && !csv::trim(line).starts_with('#')) {
      have_header = true;
      break;
    }
  }
  if (!have_header) {
    return Status::invalid(
        fmt::format("{}: the metadata file is empty; expected a header such as "
                    "'symbol,sector,chain,protocol,is_stablecoin,lot_size,min_notional,market_cap'",
                    path));
  }
  const int header_line = lines.line_number();
  csv::split(line, fields, scratch);
  // A column is a standard field or, with custom_index >= 0, a custom tag.
  struct Column {
    Field field = Field::kSymbol;
    int custom_index = -1;
  };
  std::vector<Column> columns;
  std::array<int, kFieldNames.size()> seen{};
  AssetMetadata metadata;
  for (std::size_t c = 0; c < fields.size(); ++c) {
    const std::string_view name = csv::trim(fields[c]);
    std::size_t k = 0;
    while (k < kFieldNames.size() && !csv::iequals(name, kFieldNames[k])) ++k;
    if (k == kFieldNames.size()) {
      // Any other column is a custom tag.
      const std::string tag = to_lower(name);
      if (tag.empty()) {
        return Status::invalid(
            fmt::format("{}:{}: column {} of the header has no name", path, header_line, c + 1));
      }
      if (tag == "stablecoin") {
        return Status::invalid(fmt::format(
            "{}:{}: a column named 'stablecoin' would hide the stablecoin tag, which comes from "
            "the is_stablecoin column; rename it is_stablecoin (true/false)",
            path, header_line));
      }
      const auto& tags = metadata.tag_columns;
      if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
        return Status::invalid(
            fmt::format("{}:{}: column '{}' appears twice in the header", path, header_line, name));
      }
      metadata.tag_columns.push_back(tag);
      columns.push_back({Field::kSymbol, static_cast<int>(metadata.tag_columns.size()) - 1});
      continue;
    }
    if (seen[k]++ > 0) {
      return Status::invalid(fmt::format("{}:{}: column '{}' appears twice in the header", path,
                                         header_line, kFieldNames[k]));
    }
    columns.push_back({static_cast<Field>(k), -1});
  }
  if (seen[0] == 0) {
    return Status::invalid(fmt::format(
        "{}:{}: the metadata header has no 'symbol' column; it names the asset of each row", path,
        header_line));
  }

  std::unordered_map<std::string, int> rows_by_symbol;
  while (lines.next(line)) {
    if (csv::trim(line).empty()) continue;
    const int line_no = lines.line_number();
    csv::split(line, fields, scratch);
    if (fields.size() != columns.size()) {
      return Status::invalid(fmt::format(
          "{}:{}: row has {} fields but the header has {}; check for a missing or extra comma",
          path, line_no, fields.size(), columns.size()));
    }
    AssetInfo info;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string_view cell = csv::trim(fields[c]);
      if (columns[c].custom_index >= 0) {
        info.tags[metadata.tag_columns[static_cast<std::size_t>(columns[c].custom_index)]] =
            std::string(cell);
        continue;
      }
      const auto number = [&](double& out) -> Status {
        if (cell.empty()) return Status::ok();
        if (!csv::parse_double(cell, out) || !std::isfinite(out) || out < 0.0) {
          return Status::invalid(fmt::format(
              "{}:{}: column '{}': '{}' is not a non-negative number; leave it empty (or 0) when "
              "unknown",
              path, line_no, kFieldNames[static_cast<std::size_t>(columns[c].field)], cell));
        }
        return Status::ok();
      };
      switch (columns[c].field) {
        case Field::kSymbol:
          info.symbol = std::string(cell);
          break;
        case Field::kSector:
          info.sector = std::string(cell);
          break;
        case Field::kChain:
          info.chain = std::string(cell);
          break;
        case Field::kProtocol:
          info.protocol = std::string(cell);
          break;
        case Field::kStablecoin: {
          if (cell.empty()) break;
          const auto flag = parse_bool(cell);
          if (!flag) {
            return Status::invalid(fmt::format(
                "{}:{}: column 'is_stablecoin': '{}' is not a boolean; use true/false, yes/no or "
                "1/0",
                path, line_no, cell));
          }
          info.is_stablecoin = *flag;
          break;
        }
        case Field::kLotSize:
          KEEL_RETURN_IF_ERROR(number(info.lot_size));
          break;
        case Field::kMinNotional:
          KEEL_RETURN_IF_ERROR(number(info.min_notional));
          break;
        case Field::kMarketCap:
          KEEL_RETURN_IF_ERROR(number(info.market_cap));
          break;
        case Field::kMinQuantity:
          KEEL_RETURN_IF_ERROR(number(info.min_quantity));
          break;
      }
    }
    if (info.symbol.empty()) {
      return Status::invalid(
          fmt::format("{}:{}: empty symbol; every metadata row names its asset", path, line_no));
    }
    const auto [it, inserted] = rows_by_symbol.emplace(info.symbol, line_no);
    if (!inserted) {
      return Status::invalid(
          fmt::format("{}:{}: symbol '{}' already described on line {}; keep one "
                      "row per asset",
                      path, line_no, info.symbol, it->second));
    }
    info.line = line_no;
    metadata.assets.push_back(std::move(info));
  }
  metadata.source = path;
  return metadata;
}

Status write_metadata(const AssetMetadata& metadata, const std::string& path) {
  std::string out =
      "symbol,sector,chain,protocol,is_stablecoin,lot_size,min_notional,market_cap,min_quantity";
  for (const std::string& tag : metadata.tag_columns) out += "," + csv::quote_if_needed(tag);
  out += "\n";
  for (const AssetInfo& a : metadata.assets) {
    out += fmt::format("{},{},{},{},{},{},{},{},{}", csv::quote_if_needed(a.symbol),
                       csv::quote_if_needed(a.sector), csv::quote_if_needed(a.chain),
                       csv::quote_if_needed(a.protocol), a.is_stablecoin ? "true" : "false",
                       format_number(a.lot_size), format_number(a.min_notional),
                       format_number(a.market_cap), format_number(a.min_quantity));
    for (const std::string& tag : metadata.tag_columns) {
      const auto it = a.tags.find(tag);
      out += "," + (it == a.tags.end() ? std::string() : csv::quote_if_needed(it->second));
    }
    out += "\n";
  }
  return csv::write_file(path, out);
}

}  // namespace keel
