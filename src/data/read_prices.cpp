#include "keel/data/read_prices.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "data/csv.hpp"
#include "data/text_readers.hpp"
#include "keel/data/symbols.hpp"

namespace keel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxNoteLines = 5;

const char* const kDateHint =
    "use YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, ISO 8601 (2024-01-02T13:00:00Z), YYYYMMDD, or Unix "
    "seconds/milliseconds";

bool next_nonblank(csv::LineReader& reader, std::string_view& line) {
  while (reader.next(line)) {
    if (!csv::trim(line).empty()) return true;
  }
  return false;
}

int find_column(const std::vector<std::string>& names,
                std::initializer_list<std::string_view> candidates) {
  for (std::string_view candidate : candidates) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (csv::iequals(names[i], candidate)) return static_cast<int>(i);
    }
  }
  return -1;
}

int find_named(const std::vector<std::string>& names, std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (csv::iequals(names[i], name)) return static_cast<int>(i);
  }
  return -1;
}

std::string header_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 12; ++i) {
    if (i > 0) out += ",";
    out += names[i];
  }
  if (names.size() > 12) out += ",...";
  return out;
}

bool ends_with_close(std::string_view name) {
  constexpr std::string_view kSuffix = ":close";
  return name.size() > kSuffix.size() &&
         csv::iequals(name.substr(name.size() - kSuffix.size()), kSuffix);
}

// Parses everything after the file has been read into memory.
class Parser {
 public:
  Parser(std::string_view text, const std::string& path, const ReadOptions& options)
      : lines_(text), path_(path), options_(options) {}

  Result<PricePanel> run();

 private:
  std::string at(int line) const { return fmt::format("{}:{}: ", path_, line); }
  Status read_header();
  Result<PricePanel> read_wide();
  Result<PricePanel> read_long();
  // One asset from a kline or OHLCV file (with or without a header).
  Result<PricePanel> read_ohlcv();
  // The asset name of a single-pair file: options_.asset_name or from the file name.
  Result<std::string> single_asset_name() const;
  // Parses a price cell; NaN for a missing cell.
  Status parse_price(std::string_view raw, const std::string& asset, Timestamp t, int line,
                     double& value) const;
  Status parse_nonnegative(std::string_view raw, std::string_view what, const std::string& asset,
                           Timestamp t, int line, double& value) const;
  Status ragged(int line, std::size_t got) const;
  Status bad_date(int line, int column, std::string_view text) const;
  Status check_assets_have_data(const PricePanel& panel) const;
  // The rows a wide or single-pair reader collected, in file order (`values` and, when not empty,
  // `volumes`: row-major, one value per column of panel.assets), put in time order by the
  // duplicate and sort options and written into the panel. `row_word` names a row in the error of
  // a file without data rows ("date", "bar").
  Status finish_rows(PricePanel& panel, const std::vector<Timestamp>& ts,
                     const std::vector<int>& line_numbers, const std::vector<double>& values,
                     const std::vector<double>& volumes, std::string_view row_word) const;

  csv::LineReader lines_;
  std::string path_;
  const ReadOptions& options_;
  std::vector<std::string_view> fields_;
  std::deque<std::string> scratch_;
  std::vector<std::string> header_;
  int header_line_ = 0;
  // A file whose first line starts with a timestamp has no header; header_ then holds the
  // layout's column names and data_start_ is positioned before that first line.
  bool headerless_ = false;
  csv::LineReader data_start_{std::string_view()};
};

Status Parser::read_header() {
  std::string_view line;
  csv::LineReader before_line = lines_;  // positioned before `line`
  if (!next_nonblank(lines_, line)) {
    return Status::invalid(fmt::format(
        "{}: the file is empty; expected a header such as 'date,BTC,ETH' followed by one row per "
        "date",
        path_));
  }
  while (csv::trim(line).starts_with('#')) {
    before_line = lines_;
    if (!next_nonblank(lines_, line)) {
      return Status::invalid(fmt::format(
          "{}: the file holds only comment lines; expected a header such as 'date,BTC,ETH'",
          path_));
    }
  }
  for (int notes = 0; notes < kMaxNoteLines; ++notes) {
    csv::LineReader peek = lines_;
    std::string_view next;
    if (!next_nonblank(peek, next)) break;
    csv::split(line, fields_, scratch_);
    const std::size_t this_count = fields_.size();
    csv::split(next, fields_, scratch_);
    if (this_count >= fields_.size() || parse_timestamp(fields_[0])) break;
    line = next;
    before_line = lines_;
    lines_ = peek;
  }
  header_line_ = lines_.line_number();
  csv::split(line, fields_, scratch_);
  header_.clear();
  headerless_ = parse_timestamp(fields_[0]).has_value();
  if (!headerless_) {
    for (std::string_view f : fields_) header_.emplace_back(csv::trim(f));
    return Status::ok();
  }
  // Kline layouts (read_prices.hpp): the column names stand in for the missing header.
  data_start_ = before_line;
  if (fields_.size() == 12) {
    header_ = {"open_time",
               "open",
               "high",
               "low",
               "close",
               "volume",
               "close_time",
               "quote_volume",
               "trades",
               "taker_buy_base_volume",
               "taker_buy_quote_volume",
               "ignore"};
  } else if (fields_.size() == 5 || fields_.size() == 6) {
    header_ = {"time", "open", "high", "low", "close"};
    if (fields_.size() == 6) header_.emplace_back("volume");
  } else {
    return Status::invalid(fmt::format(
        "{}the first line starts with a date ('{}'), so the file has no header, and it has {} "
        "fields: headerless files are read only as klines, with 12 fields (Binance) or 5-6 "
        "(time,open,high,low,close[,volume]); add a header line such as 'date,BTC,ETH' "
        "(wide) or 'date,symbol,close' (long)",
        at(header_line_), csv::trim(fields_[0]), fields_.size()));
  }
  return Status::ok();
}

Status Parser::ragged(int line, std::size_t got) const {
  std::string date;
  if (!fields_.empty()) {
    if (auto t = parse_timestamp(fields_[0]))
      date = fmt::format(" (date {})", format_timestamp(*t));
  }
  return Status::invalid(fmt::format(
      "{}row has {} fields but the {} on line {} has {}{}; check for a missing or extra "
      "comma, or quote cells that contain commas",
      at(line), got, headerless_ ? "first row (the file has no header)" : "header", header_line_,
      header_.size(), date));
}

Status Parser::bad_date(int line, int column, std::string_view text) const {
  const std::string& name = header_[static_cast<std::size_t>(column)];
  return Status::invalid(fmt::format("{}column '{}': cannot read the date '{}'; {}", at(line),
                                     name.empty() ? std::string("(first column)") : name,
                                     csv::trim(text), kDateHint));
}

Status Parser::parse_price(std::string_view raw, const std::string& asset, Timestamp t, int line,
                           double& value) const {
  const std::string_view cell = csv::trim(raw);
  if (csv::is_missing_token(cell)) {
    value = kNaN;
    return Status::ok();
  }
  if (!csv::parse_double(cell, value)) {
    if (csv::out_of_double_range(cell)) {
      return Status::invalid(fmt::format(
          "{}asset '{}' on {}: '{}' is outside the range of a double (magnitudes about 4.9e-324 "
          "to 1.8e308); quote the column in a larger or smaller unit",
          at(line), asset, format_timestamp(t), cell));
    }
    return Status::invalid(fmt::format(
        "{}asset '{}' on {}: '{}' is not a number; write prices as plain decimals (1234.5 or "
        "1.2e-05) and leave a cell empty (or NaN) when there is no quote",
        at(line), asset, format_timestamp(t), cell));
  }
  if (!std::isfinite(value)) {
    return Status::invalid(fmt::format(
        "{}asset '{}' on {}: '{}' is not a finite number; leave the cell empty when there is no "
        "quote",
        at(line), asset, format_timestamp(t), cell));
  }
  if (value == 0.0) {
    if (options_.zero_as_missing) {
      value = kNaN;
      return Status::ok();
    }
    return Status::invalid(fmt::format(
        "{}asset '{}' on {}: zero price; prices must be > 0. Leave the cell empty when there was "
        "no quote, or read with zero_as_missing when 0 means 'unknown' (e.g. market caps)",
        at(line), asset, format_timestamp(t)));
  }
  if (value < 0.0) {
    return Status::invalid(fmt::format(
        "{}asset '{}' on {}: negative price {}; prices must be > 0. Is this a return or a "
        "funding-rate column rather than a price?",
        at(line), asset, format_timestamp(t), cell));
  }
  return Status::ok();
}

Status Parser::parse_nonnegative(std::string_view raw, std::string_view what,
                                 const std::string& asset, Timestamp t, int line,
                                 double& value) const {
  const std::string_view cell = csv::trim(raw);
  if (csv::is_missing_token(cell)) {
    value = kNaN;
    return Status::ok();
  }
  if (!csv::parse_double(cell, value) || !std::isfinite(value)) {
    return Status::invalid(
        fmt::format("{}asset '{}' on {}: {} '{}' is not a finite number; leave "
                    "the cell empty when it is unknown",
                    at(line), asset, format_timestamp(t), what, cell));
  }
  if (value < 0.0) {
    return Status::invalid(fmt::format("{}asset '{}' on {}: negative {} {}; it must be >= 0",
                                       at(line), asset, format_timestamp(t), what, cell));
  }
  return Status::ok();
}

Status Parser::check_assets_have_data(const PricePanel& panel) const {
  for (Eigen::Index j = 0; j < panel.cols(); ++j) {
    if (panel.prices.col(j).array().isNaN().all()) {
      return Status::invalid(fmt::format(
          "{}asset '{}' has no price in any of the {} rows; remove it from the file or check that "
          "the column holds prices",
          at(header_line_), panel.assets[static_cast<std::size_t>(j)], panel.rows()));
    }
  }
  return Status::ok();
}

// The error for a file (or, in a long file, a symbol's rows) that is neither ascending nor
// descending: `line` is the first line that breaks the file's majority direction, `previous_line`
// the line before it in that order.
Status out_of_order(const std::string& path, int line, Timestamp t, int previous_line,
                    Timestamp previous, bool ascending, std::size_t count,
                    const std::string& symbol) {
  return Status::invalid(fmt::format(
      "{}:{}: {}timestamp {} is out of time order: it follows {} (line {}) although the {} "
      "otherwise run(s) {}; {} row(s) are out of order. Sort the file by date, or pass --sort "
      "(ReadOptions::sort) to have the rows sorted on reading (the repair is recorded in "
      "diagnostics.repairs)",
      path, line, symbol.empty() ? "" : fmt::format("symbol '{}': ", symbol), format_timestamp(t),
      format_timestamp(previous), previous_line, symbol.empty() ? "file's rows" : "symbol's rows",
      ascending ? "oldest first" : "newest first", count));
}

// order_rows() with the reader's errors and notes, which name the file's lines and the
// command-line flags; returns the rows to keep, ascending.
Result<std::vector<std::size_t>> order_file_rows(const std::vector<Timestamp>& ts,
                                                 const std::vector<int>& lines,
                                                 const std::string& path,
                                                 const ReadOptions& options,
                                                 std::vector<std::string>& notes) {
  RowOrder order = order_rows(ts, options.duplicates);
  // Duplicates first, so that a duplicated row is reported as such even when it also breaks the
  // order.
  if (order.duplicates > 0 && options.duplicates == DuplicateTimestampPolicy::kError) {
    return Status::invalid(fmt::format(
        "{}:{}: duplicate timestamp {} (also on line {}); keep one row per timestamp with "
        "--duplicates keep-first|keep-last or remove the duplicated rows",
        path, lines[order.first_duplicate[1]], format_timestamp(ts[order.first_duplicate[0]]),
        lines[order.first_duplicate[0]]));
  }
  if (order.out_of_order > 0) {
    const std::size_t at = order.first_out_of_order;
    if (!options.sort) {
      return out_of_order(path, lines[at], ts[at], lines[at - 1], ts[at - 1],
                          order.mostly_ascending, order.out_of_order, std::string());
    }
    notes.push_back(fmt::format(
        "{}: {} rows were out of time order (the file is neither ascending nor descending); "
        "all rows were sorted by timestamp (--sort)",
        path, order.out_of_order));
  }
  if (order.duplicates > 0) {
    notes.push_back(fmt::format(
        "{}: dropped {} rows with a duplicate timestamp, keeping the {} row in file order (first "
        "duplicated timestamp {})",
        path, order.duplicates,
        options.duplicates == DuplicateTimestampPolicy::kKeepLast ? "last" : "first",
        format_timestamp(ts[order.first_duplicate[0]])));
  }
  return std::move(order.keep);
}

Result<PricePanel> Parser::read_wide() {
  if (!options_.symbol_column.empty()) {
    return Status::invalid(fmt::format(
        "{}no column named '{}' (symbol_column); the header is '{}'; leave symbol_column empty "
        "for a wide file",
        at(header_line_), options_.symbol_column, header_list(header_)));
  }
  if (!options_.price_column.empty()) {
    return Status::invalid(fmt::format(
        "{}price_column '{}' applies to long files (date,symbol,close); this file has no symbol "
        "column, so every column after the date is an asset",
        at(header_line_), options_.price_column));
  }
  int date_col = 0;
  if (!options_.date_column.empty()) {
    date_col = find_named(header_, options_.date_column);
    if (date_col < 0) {
      return Status::invalid(fmt::format("{}no column named '{}' (date_column); the header is '{}'",
                                         at(header_line_), options_.date_column,
                                         header_list(header_)));
    }
  }
  const bool colon_mode = std::any_of(header_.begin(), header_.end(), ends_with_close);
  std::vector<int> columns;
  PricePanel panel;
  panel.source = path_;
  std::unordered_map<std::string, int> seen;
  for (std::size_t c = 0; c < header_.size(); ++c) {
    if (static_cast<int>(c) == date_col) continue;
    std::string name = header_[c];
    if (colon_mode) {
      if (!ends_with_close(name)) continue;
      name = std::string(csv::trim(std::string_view(name).substr(0, name.size() - 6)));
    }
    if (name.empty()) {
      return Status::invalid(fmt::format(
          "{}column {} has an empty name; give every asset column a name (only the date column "
          "may be unnamed)",
          at(header_line_), c + 1));
    }
    const auto [it, inserted] = seen.emplace(name, static_cast<int>(c));
    if (!inserted) {
      return Status::invalid(fmt::format(
          "{}asset '{}' appears twice in the header (columns {} and {}); rename or remove one",
          at(header_line_), name, it->second + 1, c + 1));
    }
    panel.assets.push_back(std::move(name));
    columns.push_back(static_cast<int>(c));
  }
  if (columns.empty()) {
    const bool other_delimiter =
        header_.size() == 1 && header_[0].find_first_of(";\t|") != std::string::npos;
    return Status::invalid(fmt::format(
        "{}no asset columns: the header '{}' has only the date column; expected 'date,BTC,ETH,...' "
        "(wide) or 'date,symbol,close' (long){}",
        at(header_line_), header_list(header_),
        other_delimiter ? "; Keel reads comma-separated files, this header looks like it uses "
                          "another delimiter"
                        : ""));
  }

  const std::size_t n_assets = columns.size();
  std::vector<Timestamp> ts;
  std::vector<int> line_numbers;
  std::vector<double> values;
  std::string_view line;
  while (lines_.next(line)) {
    if (csv::trim(line).empty()) continue;
    const int line_no = lines_.line_number();
    csv::split(line, fields_, scratch_);
    if (fields_.size() != header_.size()) return ragged(line_no, fields_.size());
    const auto t = parse_timestamp(fields_[static_cast<std::size_t>(date_col)]);
    if (!t) return bad_date(line_no, date_col, fields_[static_cast<std::size_t>(date_col)]);
    ts.push_back(*t);
    line_numbers.push_back(line_no);
    const std::size_t base = values.size();
    values.resize(base + n_assets);
    for (std::size_t k = 0; k < n_assets; ++k) {
      KEEL_RETURN_IF_ERROR(parse_price(fields_[static_cast<std::size_t>(columns[k])],
                                       panel.assets[k], *t, line_no, values[base + k]));
    }
  }
  KEEL_RETURN_IF_ERROR(finish_rows(panel, ts, line_numbers, values, {}, "date"));
  return panel;
}

Status Parser::finish_rows(PricePanel& panel, const std::vector<Timestamp>& ts,
                           const std::vector<int>& line_numbers, const std::vector<double>& values,
                           const std::vector<double>& volumes, std::string_view row_word) const {
  if (ts.empty()) {
    return Status::invalid(fmt::format(
        "{}the file has a header but no data rows; expected one row per {} after the header",
        at(header_line_), row_word));
  }
  auto keep = order_file_rows(ts, line_numbers, path_, options_, panel.notes);
  if (!keep) return keep.status();
  const std::size_t cols = panel.assets.size();
  const auto rows = static_cast<Eigen::Index>(keep->size());
  panel.prices.resize(rows, static_cast<Eigen::Index>(cols));
  if (!volumes.empty()) panel.volumes.resize(rows, static_cast<Eigen::Index>(cols));
  panel.timestamps.resize(keep->size());
  for (Eigen::Index r = 0; r < rows; ++r) {
    const std::size_t src = (*keep)[static_cast<std::size_t>(r)];
    panel.timestamps[static_cast<std::size_t>(r)] = ts[src];
    for (std::size_t k = 0; k < cols; ++k) {
      panel.prices(r, static_cast<Eigen::Index>(k)) = values[src * cols + k];
      if (!volumes.empty())
        panel.volumes(r, static_cast<Eigen::Index>(k)) = volumes[src * cols + k];
    }
  }
  return check_assets_have_data(panel);
}

Result<PricePanel> Parser::read_long() {
  const auto require = [&](const std::string& option, const char* option_name,
                           std::initializer_list<std::string_view> defaults,
                           const char* what) -> Result<int> {
    const int col = option.empty() ? find_column(header_, defaults) : find_named(header_, option);
    if (col >= 0) return col;
    if (!option.empty()) {
      return Status::invalid(fmt::format("{}no column named '{}' ({}); the header is '{}'",
                                         at(header_line_), option, option_name,
                                         header_list(header_)));
    }
    std::string names;
    for (std::string_view d : defaults)
      names += fmt::format("{}'{}'", names.empty() ? "" : ", ", d);
    return Status::invalid(fmt::format(
        "{}long file without a {} column: the header is '{}'; name it one of {} or set {}",
        at(header_line_), what, header_list(header_), names, option_name));
  };
  const auto date_col =
      require(options_.date_column, "date_column",
              {"date", "timestamp", "datetime", "datetime_utc", "time", "unix"}, "date");
  if (!date_col) return date_col.status();
  const auto symbol_col =
      require(options_.symbol_column, "symbol_column", {"symbol", "asset", "ticker"}, "symbol");
  if (!symbol_col) return symbol_col.status();
  const auto price_col = require(options_.price_column, "price_column",
                                 {"close", "price", "adj_close", "adj close"}, "price");
  if (!price_col) return price_col.status();
  const int volume_col = find_column(header_, {"volume_quote", "volume usdt", "quote_volume",
                                               "volume_usd", "volume usd", "volume"});
  const int spread_col = find_column(header_, {"spread"});
  const auto dcol = static_cast<std::size_t>(*date_col);
  const auto scol = static_cast<std::size_t>(*symbol_col);
  const auto pcol = static_cast<std::size_t>(*price_col);

  struct Row {
    Timestamp t;
    int asset;
    int line;
    double price;
    double volume;
    double spread;
  };
  std::vector<Row> rows;
  PricePanel panel;
  panel.source = path_;
  std::unordered_map<std::string, int> symbols;
  std::string last_symbol;
  int last_index = -1;
  // Per-symbol order in file order: ascending or descending is normal, both is "out of order".
  struct SymbolOrder {
    bool seen = false;
    Timestamp previous = 0;
    int previous_line = 0;
    std::size_t ups = 0;
    std::size_t downs = 0;
    // The first step up and the first step down: (line, timestamp) after and before the step.
    int up_line = 0, up_previous_line = 0, down_line = 0, down_previous_line = 0;
    Timestamp up_t = 0, up_previous = 0, down_t = 0, down_previous = 0;
  };
  std::vector<SymbolOrder> order;
  std::string_view line;
  while (lines_.next(line)) {
    if (csv::trim(line).empty()) continue;
    const int line_no = lines_.line_number();
    csv::split(line, fields_, scratch_);
    if (fields_.size() != header_.size()) return ragged(line_no, fields_.size());
    const auto t = parse_timestamp(fields_[dcol]);
    if (!t) return bad_date(line_no, *date_col, fields_[dcol]);
    const std::string_view symbol = csv::trim(fields_[scol]);
    if (symbol.empty()) {
      return Status::invalid(
          fmt::format("{}empty symbol in column '{}' on {}; every row needs an "
                      "asset name",
                      at(line_no), header_[scol], format_timestamp(*t)));
    }
    if (last_index < 0 || symbol != last_symbol) {
      last_symbol.assign(symbol);
      const auto [it, inserted] =
          symbols.emplace(last_symbol, static_cast<int>(panel.assets.size()));
      if (inserted) panel.assets.push_back(last_symbol);
      last_index = it->second;
    }
    const std::string& asset = panel.assets[static_cast<std::size_t>(last_index)];
    Row row{*t, last_index, line_no, kNaN, kNaN, kNaN};
    KEEL_RETURN_IF_ERROR(parse_price(fields_[pcol], asset, *t, line_no, row.price));
    if (volume_col >= 0) {
      KEEL_RETURN_IF_ERROR(parse_nonnegative(fields_[static_cast<std::size_t>(volume_col)],
                                             "volume", asset, *t, line_no, row.volume));
    }
    if (spread_col >= 0) {
      KEEL_RETURN_IF_ERROR(parse_nonnegative(fields_[static_cast<std::size_t>(spread_col)],
                                             "spread", asset, *t, line_no, row.spread));
    }
    rows.push_back(row);
    if (order.size() < panel.assets.size()) order.resize(panel.assets.size());
    SymbolOrder& o = order[static_cast<std::size_t>(last_index)];
    if (o.seen && o.previous < *t && o.ups++ == 0) {
      o.up_line = line_no;
      o.up_t = *t;
      o.up_previous_line = o.previous_line;
      o.up_previous = o.previous;
    }
    if (o.seen && o.previous > *t && o.downs++ == 0) {
      o.down_line = line_no;
      o.down_t = *t;
      o.down_previous_line = o.previous_line;
      o.down_previous = o.previous;
    }
    o.seen = true;
    o.previous = *t;
    o.previous_line = line_no;
  }
  if (rows.empty()) {
    return Status::invalid(fmt::format(
        "{}the file has a header but no data rows; expected one row per date and symbol",
        at(header_line_)));
  }

  std::vector<Timestamp> grid(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) grid[i] = rows[i].t;
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  const auto n_rows = static_cast<Eigen::Index>(grid.size());
  const auto n_assets = static_cast<Eigen::Index>(panel.assets.size());
  panel.timestamps = grid;
  panel.prices.setConstant(n_rows, n_assets, kNaN);
  if (volume_col >= 0) panel.volumes.setConstant(n_rows, n_assets, kNaN);
  if (spread_col >= 0) panel.spreads.setConstant(n_rows, n_assets, kNaN);
  std::vector<int> cell_line(static_cast<std::size_t>(n_rows * n_assets), 0);

  // Duplicates: with kError report the earliest duplicated timestamp, so scan everything first.
  const Row* first_dup = nullptr;
  int first_dup_other_line = 0;
  std::size_t duplicates = 0;
  for (const Row& row : rows) {
    const auto r =
        static_cast<Eigen::Index>(std::lower_bound(grid.begin(), grid.end(), row.t) - grid.begin());
    int& seen_line = cell_line[static_cast<std::size_t>(r * n_assets + row.asset)];
    if (seen_line != 0) {
      ++duplicates;
      if (first_dup == nullptr || row.t < first_dup->t) {
        first_dup = &row;
        first_dup_other_line = seen_line;
      }
      if (options_.duplicates != DuplicateTimestampPolicy::kKeepLast) continue;
    }
    seen_line = row.line;
    panel.prices(r, row.asset) = row.price;
    if (volume_col >= 0) panel.volumes(r, row.asset) = row.volume;
    if (spread_col >= 0) panel.spreads(r, row.asset) = row.spread;
  }
  if (first_dup != nullptr) {
    const std::string& asset = panel.assets[static_cast<std::size_t>(first_dup->asset)];
    if (options_.duplicates == DuplicateTimestampPolicy::kError) {
      return Status::invalid(fmt::format(
          "{}asset '{}': duplicate timestamp {} (also on line {}); {} rows repeat a (timestamp, "
          "symbol) pair. Keep one row per timestamp with --duplicates keep-first|keep-last or "
          "remove the duplicated rows",
          at(first_dup->line), asset, format_timestamp(first_dup->t), first_dup_other_line,
          duplicates));
    }
    panel.notes.push_back(fmt::format(
        "{}: dropped {} rows with a duplicate (timestamp, symbol), keeping the {} row in file "
        "order (first duplicated timestamp {} for '{}')",
        path_, duplicates,
        options_.duplicates == DuplicateTimestampPolicy::kKeepLast ? "last" : "first",
        format_timestamp(first_dup->t), asset));
  }
  std::size_t out_of_order_rows = 0;
  const SymbolOrder* first_broken = nullptr;  // the symbol whose order breaks on the earliest line
  std::size_t first_broken_symbol = 0;
  const auto break_line = [](const SymbolOrder& o) {
    return o.ups >= o.downs ? o.down_line : o.up_line;
  };
  for (std::size_t k = 0; k < order.size(); ++k) {
    const SymbolOrder& o = order[k];
    if (o.ups == 0 || o.downs == 0) continue;
    out_of_order_rows += std::min(o.ups, o.downs);
    if (first_broken == nullptr || break_line(o) < break_line(*first_broken)) {
      first_broken = &o;
      first_broken_symbol = k;
    }
  }
  if (first_broken != nullptr && !options_.sort) {
    const SymbolOrder& o = *first_broken;
    const bool ascending = o.ups >= o.downs;
    return out_of_order(path_, ascending ? o.down_line : o.up_line, ascending ? o.down_t : o.up_t,
                        ascending ? o.down_previous_line : o.up_previous_line,
                        ascending ? o.down_previous : o.up_previous, ascending,
                        std::min(o.ups, o.downs), panel.assets[first_broken_symbol]);
  }
  if (out_of_order_rows > 0) {
    panel.notes.insert(
        panel.notes.begin(),
        fmt::format("{}: {} rows were out of time order within their symbol (the file is neither "
                    "ascending nor descending); all rows were sorted by timestamp (--sort)",
                    path_, out_of_order_rows));
  }

  KEEL_RETURN_IF_ERROR(check_assets_have_data(panel));
  return panel;
}

// The pieces of a file name's stem, cut at '-', '_', '.' and ' '.
std::vector<std::string> stem_pieces(const std::string& path) {
  std::string name =
      path.substr(path.find_last_of("/\\") == std::string::npos ? 0 : path.find_last_of("/\\") + 1);
  for (std::string_view ext : {".gz", ".csv", ".txt"}) {
    if (name.size() > ext.size() &&
        csv::iequals(std::string_view(name).substr(name.size() - ext.size()), ext)) {
      name.resize(name.size() - ext.size());
    }
  }
  std::vector<std::string> pieces;
  std::string piece;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.' || c == ' ') {
      if (!piece.empty()) pieces.push_back(std::move(piece));
      piece.clear();
    } else {
      piece.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
  }
  if (!piece.empty()) pieces.push_back(std::move(piece));
  return pieces;
}

Result<std::string> Parser::single_asset_name() const {
  if (!options_.asset_name.empty()) return options_.asset_name;
  const std::vector<std::string> pieces = stem_pieces(path_);
  for (const std::string& piece : pieces) {
    if (!normalize_symbol(piece).quote.empty()) return piece;
  }
  // A pair written with a separator the cut removed: "SOL-USD_1d.csv".
  for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
    std::string pair = pieces[i] + "-" + pieces[i + 1];
    if (!normalize_symbol(pair).quote.empty()) return pair;
  }
  if (!pieces.empty()) return pieces.front();
  return Status::invalid(fmt::format(
      "{}: a file of one pair names its asset in the file name (BTCUSDT-1d.csv), and this name "
      "holds none; rename the file or set ReadOptions::asset_name",
      path_));
}

Result<PricePanel> Parser::read_ohlcv() {
  int date_col = 0;
  int price_col = find_named(header_, "close");
  int volume_col = -1;
  enum class VolumeKind { kNone, kQuote, kBase } volume_kind = VolumeKind::kNone;
  if (headerless_) {
    if (header_.size() == 12) {
      volume_col = 7;
      volume_kind = VolumeKind::kQuote;
    } else if (header_.size() == 6) {
      volume_col = 5;
      volume_kind = VolumeKind::kBase;
    }
  } else {
    if (!options_.date_column.empty()) {
      date_col = find_named(header_, options_.date_column);
      if (date_col < 0) {
        return Status::invalid(
            fmt::format("{}no column named '{}' (date_column); the header is '{}'",
                        at(header_line_), options_.date_column, header_list(header_)));
      }
    } else {
      date_col = find_column(header_, {"date", "timestamp", "datetime", "datetime_utc", "time",
                                       "open_time", "open time", "unix"});
      if (date_col < 0) date_col = 0;
    }
    if (!options_.price_column.empty()) {
      price_col = find_named(header_, options_.price_column);
      if (price_col < 0) {
        return Status::invalid(
            fmt::format("{}no column named '{}' (price_column); the header is '{}'",
                        at(header_line_), options_.price_column, header_list(header_)));
      }
    }
    volume_col =
        find_column(header_, {"quote_volume", "quote_asset_volume", "quote asset volume",
                              "volume_quote", "volume usdt", "volume_usd", "volume usd", "volume"});
    if (volume_col >= 0) volume_kind = VolumeKind::kQuote;
  }
  auto name = single_asset_name();
  if (!name) return name.status();
  PricePanel panel;
  panel.source = path_;
  panel.assets.push_back(std::move(*name));
  const std::string& asset = panel.assets.front();

  std::vector<Timestamp> ts;
  std::vector<int> line_numbers;
  std::vector<double> prices;
  std::vector<double> volumes;
  if (headerless_) lines_ = data_start_;
  const auto dcol = static_cast<std::size_t>(date_col);
  const auto pcol = static_cast<std::size_t>(price_col);
  std::string_view line;
  while (lines_.next(line)) {
    if (csv::trim(line).empty()) continue;
    const int line_no = lines_.line_number();
    csv::split(line, fields_, scratch_);
    if (fields_.size() != header_.size()) return ragged(line_no, fields_.size());
    const auto t = parse_timestamp(fields_[dcol]);
    if (!t) return bad_date(line_no, date_col, fields_[dcol]);
    double price = kNaN;
    KEEL_RETURN_IF_ERROR(parse_price(fields_[pcol], asset, *t, line_no, price));
    double volume = kNaN;
    if (volume_col >= 0) {
      KEEL_RETURN_IF_ERROR(parse_nonnegative(fields_[static_cast<std::size_t>(volume_col)],
                                             "volume", asset, *t, line_no, volume));
      if (volume_kind == VolumeKind::kBase) volume *= price;  // NaN when the price is missing
    }
    ts.push_back(*t);
    line_numbers.push_back(line_no);
    prices.push_back(price);
    volumes.push_back(volume);
  }
  KEEL_RETURN_IF_ERROR(finish_rows(panel, ts, line_numbers, prices,
                                   volume_col >= 0 ? volumes : std::vector<double>{}, "bar"));
  return panel;
}

// Renames the assets to their base (unless keep_raw) and records quotes and written symbols; two
// symbols with one base are an error naming both.
Status normalize_assets(PricePanel& panel, bool keep_raw, const std::string& where) {
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t j = 0; j < panel.assets.size(); ++j) {
    const std::string raw = panel.assets[j];
    SymbolParts parts = normalize_symbol(raw);
    if (keep_raw || parts.quote.empty()) parts.base = raw;
    const auto [it, inserted] = seen.emplace(parts.base, j);
    if (!inserted) {
      const std::string& other = panel.assets[it->second];
      const auto other_quote = panel.quote_currencies.find(other);
      return Status::invalid(fmt::format(
          "{}symbols '{}' and '{}' both name the asset '{}' ({} and {}); pass --keep-raw-symbols "
          "(ReadOptions::keep_raw_symbols) to keep the symbols as written, or remove one",
          where, panel.raw_symbols.count(other) ? panel.raw_symbols[other] : other, raw, parts.base,
          other_quote == panel.quote_currencies.end() ? std::string("no quote currency")
                                                      : "quoted in " + other_quote->second,
          parts.quote.empty() ? std::string("no quote currency") : "quoted in " + parts.quote));
    }
    if (!parts.quote.empty()) panel.quote_currencies[parts.base] = parts.quote;
    if (parts.base != raw) panel.raw_symbols[parts.base] = raw;
    panel.assets[j] = parts.base;
  }
  return Status::ok();
}

Result<PricePanel> Parser::run() {
  KEEL_RETURN_IF_ERROR(read_header());
  const bool is_long =
      !headerless_ &&
      (options_.symbol_column.empty() ? find_column(header_, {"symbol", "asset", "ticker"}) >= 0
                                      : find_named(header_, options_.symbol_column) >= 0);
  const bool is_ohlcv =
      headerless_ || (!is_long && options_.symbol_column.empty() &&
                      find_named(header_, "open") >= 0 && find_named(header_, "high") >= 0 &&
                      find_named(header_, "low") >= 0 && find_named(header_, "close") >= 0);
  auto panel = is_long ? read_long() : is_ohlcv ? read_ohlcv() : read_wide();
  if (!panel) return panel;
  KEEL_RETURN_IF_ERROR(normalize_assets(*panel, options_.keep_raw_symbols, at(header_line_)));
  return panel;
}

}  // namespace

Result<PricePanel> read_prices(const std::string& path, const ReadOptions& options) {
  auto text = csv::read_file(path);
  if (!text) return text.status();
  return detail::parse_prices(*text, path, options);
}

Result<PricePanel> detail::parse_prices(std::string_view text, const std::string& path,
                                        const ReadOptions& options) {
  Parser parser(text, path, options);
  return parser.run();
}

namespace {

// Median spacing of consecutive timestamps; 0 with fewer than two.
Timestamp median_step(const std::vector<Timestamp>& ts) {
  if (ts.size() < 2) return 0;
  std::vector<Timestamp> steps(ts.size() - 1);
  for (std::size_t i = 0; i + 1 < ts.size(); ++i) steps[i] = ts[i + 1] - ts[i];
  const auto mid = steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2);
  std::nth_element(steps.begin(), mid, steps.end());
  return *mid;
}

std::string describe_step(Timestamp seconds) {
  if (seconds % 86400 == 0) return fmt::format("{} day(s)", seconds / 86400);
  if (seconds % 3600 == 0) return fmt::format("{} hour(s)", seconds / 3600);
  if (seconds % 60 == 0) return fmt::format("{} minute(s)", seconds / 60);
  return fmt::format("{} s", seconds);
}

}  // namespace

Result<PricePanel> merge_panels(std::vector<PricePanel> panels) {
  if (panels.empty()) return Status::invalid("no price files to merge; give at least one");
  if (panels.size() == 1) return std::move(panels.front());
  // One asset, one file.
  std::unordered_map<std::string, std::size_t> owner;
  for (std::size_t k = 0; k < panels.size(); ++k) {
    for (const std::string& asset : panels[k].assets) {
      const auto [it, inserted] = owner.emplace(asset, k);
      if (inserted) continue;
      const auto written = [&](std::size_t p) {
        const auto raw = panels[p].raw_symbols.find(asset);
        return raw == panels[p].raw_symbols.end() ? std::string()
                                                  : fmt::format(" (as '{}')", raw->second);
      };
      return Status::invalid(fmt::format(
          "{}: asset '{}'{} is also in {}{}; each asset must come from one file: remove it from "
          "one of them, or pass --keep-raw-symbols if they are different pairs of one base",
          panels[k].source, asset, written(k), panels[it->second].source, written(it->second)));
    }
  }
  // One frequency, one grid.
  std::size_t reference = panels.size();
  Timestamp step = 0;
  for (std::size_t k = 0; k < panels.size(); ++k) {
    const Timestamp s = median_step(panels[k].timestamps);
    if (s == 0) continue;
    if (reference == panels.size()) {
      reference = k;
      step = s;
      continue;
    }
    if (std::abs(static_cast<double>(s - step)) > 0.1 * static_cast<double>(std::max(s, step))) {
      return Status::invalid(fmt::format(
          "{}: one row every {} but {} has one every {}; merge files of one frequency (resample "
          "the finer one first)",
          panels[k].source, describe_step(s), panels[reference].source, describe_step(step)));
    }
  }
  PricePanel out;
  for (const PricePanel& p : panels) {
    out.timestamps.insert(out.timestamps.end(), p.timestamps.begin(), p.timestamps.end());
  }
  std::sort(out.timestamps.begin(), out.timestamps.end());
  out.timestamps.erase(std::unique(out.timestamps.begin(), out.timestamps.end()),
                       out.timestamps.end());
  if (step > 0 && median_step(out.timestamps) * 10 < step * 9) {
    std::string firsts;
    for (std::size_t k = 0; k < panels.size() && k < 5; ++k) {
      firsts += fmt::format("{}{} {}", k == 0 ? "" : ", ", panels[k].source,
                            format_timestamp(panels[k].timestamps.front()));
    }
    return Status::invalid(fmt::format(
        "{}: the files' timestamps do not line up: each has one row every {}, but merged the "
        "rows come every {} (first rows: {}); bars of one frequency must start at the same times "
        "(e.g. all daily bars at 00:00 UTC)",
        panels[reference].source, describe_step(step), describe_step(median_step(out.timestamps)),
        firsts));
  }
  const auto n_rows = static_cast<Eigen::Index>(out.timestamps.size());
  Eigen::Index n_assets = 0;
  bool volumes = false;
  bool spreads = false;
  for (const PricePanel& p : panels) {
    n_assets += p.cols();
    volumes = volumes || p.has_volumes();
    spreads = spreads || p.has_spreads();
  }
  out.prices.setConstant(n_rows, n_assets, kNaN);
  if (volumes) out.volumes.setConstant(n_rows, n_assets, kNaN);
  if (spreads) out.spreads.setConstant(n_rows, n_assets, kNaN);
  Eigen::Index col = 0;
  for (PricePanel& p : panels) {
    for (std::size_t r = 0; r < p.timestamps.size(); ++r) {
      const auto row = static_cast<Eigen::Index>(
          std::lower_bound(out.timestamps.begin(), out.timestamps.end(), p.timestamps[r]) -
          out.timestamps.begin());
      const auto pr = static_cast<Eigen::Index>(r);
      out.prices.block(row, col, 1, p.cols()) = p.prices.row(pr);
      if (p.has_volumes()) out.volumes.block(row, col, 1, p.cols()) = p.volumes.row(pr);
      if (p.has_spreads()) out.spreads.block(row, col, 1, p.cols()) = p.spreads.row(pr);
    }
    col += p.cols();
    for (auto& a : p.assets) out.assets.push_back(std::move(a));
    for (auto& n : p.notes) out.notes.push_back(std::move(n));
    out.quote_currencies.merge(p.quote_currencies);
    out.raw_symbols.merge(p.raw_symbols);
    out.source += (out.source.empty() ? "" : ", ") + p.source;
  }
  return out;
}

Result<PricePanel> read_price_files(const std::vector<std::string>& paths,
                                    const ReadOptions& options) {
  if (paths.empty()) return Status::invalid("no price file given; give at least one path");
  std::vector<PricePanel> panels;
  panels.reserve(paths.size());
  for (const std::string& path : paths) {
    auto panel = read_prices(path, options);
    if (!panel) return panel.status();
    panels.push_back(std::move(*panel));
  }
  return merge_panels(std::move(panels));
}

Result<DuplicateTimestampPolicy> parse_duplicate_policy(std::string_view name) {
  if (name == "error") return DuplicateTimestampPolicy::kError;
  if (name == "keep-first") return DuplicateTimestampPolicy::kKeepFirst;
  if (name == "keep-last") return DuplicateTimestampPolicy::kKeepLast;
  return Status::invalid(fmt::format(
      "unknown duplicate-timestamp policy '{}'; use error, keep-first or keep-last", name));
}

RowOrder order_rows(const std::vector<Timestamp>& timestamps, DuplicateTimestampPolicy duplicates) {
  const std::vector<Timestamp>& ts = timestamps;
  const std::size_t n = ts.size();
  RowOrder out;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::size_t ups = 0;
  std::size_t downs = 0;
  std::size_t first_up = n;  // first i with ts[i] < ts[i + 1]
  std::size_t first_down = n;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (ts[i] < ts[i + 1] && ups++ == 0) first_up = i;
    if (ts[i] > ts[i + 1] && downs++ == 0) first_down = i;
  }
  if (downs > 0) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return ts[a] < ts[b]; });
  }
  out.keep.reserve(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && ts[order[j]] == ts[order[i]]) ++j;
    if (j - i > 1) {
      if (out.duplicates == 0) out.first_duplicate = {order[i], order[i + 1]};
      out.duplicates += j - i - 1;
    }
    out.keep.push_back(duplicates == DuplicateTimestampPolicy::kKeepLast ? order[j - 1] : order[i]);
    i = j;
  }
  if (ups > 0 && downs > 0) {
    out.out_of_order = std::min(ups, downs);
    out.mostly_ascending = ups >= downs;
    out.first_out_of_order = (out.mostly_ascending ? first_down : first_up) + 1;
  }
  return out;
}

}  // namespace keel
