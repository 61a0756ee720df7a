#pragma once
// Readers for price files (docs/architecture.md section 3): wide CSV (first column a date or
// timestamp, one column per asset) or long CSV (columns date,symbol,close[,volume,...]), plain or
// gzip (.gz).
//
// Accepted input
// - Dates and date-times, all read as UTC (see parse_timestamp): "2024-01-02",
//   "2024-01-02 13:00:00", "2024-01-02T13:00:00Z", "...+00:00" (other offsets are converted to
//   UTC), "2024/01/02", "20240102", "20240102 13:00", CryptoDataDownload's "2017-09-22 08-PM",
//   Unix seconds ("1502942400.0"), milliseconds ("1623283200000") and microseconds
//   ("1735689600000000"), the unit told by magnitude (see parse_timestamp).
// - LF, CRLF or CR line endings, with or without a final newline, an optional UTF-8 byte-order
//   mark, blank lines (skipped), lines starting with '#' before the header (skipped), and note
//   lines before the header such as CryptoDataDownload's "Timestamps are UTC timezone,https://..."
//   or "Created on ...": a line is a note when it has fewer fields than the next line and the next
//   line does not start with a date (i.e. the next line is the real header).
// - Cells "", "NaN", "NA", "N/A", "NULL", "null" and "-" are missing prices (NaN). Double-quoted
//   fields are accepted.
// - Row order: ascending or descending (newest first, as CryptoDataDownload exports are); rows
//   come back ascending. Input that is neither (a shuffled file, an interleaved block; in a long
//   file judged within each symbol) is an error naming the first out-of-order line, unless
//   ReadOptions::sort is set: then the rows are sorted and a note saying how many were out of
//   order is added to PricePanel::notes (verbs list it in diagnostics.repairs).
//
// Wide layout: the first column holds the timestamps (its header may be empty), every other
// column is an asset named by its header. When some headers look like "X:close" (Bitstamp-style
// "BTC:open,BTC:high,...,BTC:close,BTC:volume"), only the ":close" columns are read and the asset
// is named X; the other columns are ignored.
//
// Long layout (detected by a symbol column): one row per (timestamp, symbol). Assets appear in the
// order their symbols are first met in the file. Only the date, symbol, price, volume and spread
// columns are read; other columns are not validated. When the file has both a date column and a
// "unix" column, the date column is used (CryptoDataDownload's hourly Binance exports have 91 rows
// whose unix value is 4 h off the date text); "unix" is used only when no date column exists.
//
// Exchange exports (docs/inputs.md, "Exchange exports"): one file per pair, read as one asset.
// - Kline files without a header: the first non-comment line starts with a timestamp. Two layouts,
//   told apart by the number of fields:
//   12 fields: Binance spot and USDⓈ-M/COIN-M futures klines (data.binance.vision): open time,
//     open, high, low, close, volume (base), close time, quote asset volume, number of trades,
//     taker buy base volume, taker buy quote volume, ignore. The open time is in milliseconds, or
//     microseconds in spot files from 2025 on; the unit is detected per cell by magnitude (see
//     parse_timestamp). Volume = the quote asset volume.
//   5 or 6 fields: time, open, high, low, close[, volume] (LEAN trade bars, generic OHLCV
//     exports). Volume = volume × close (the volume of such files is in base units).
//   Any other field count is an error: a headerless file must be one of these layouts.
// - OHLCV files with a header but no symbol column: a header holding open, high, low and close
//   (any case). Date column: date_column, else "date", "timestamp", "datetime", "datetime_utc",
//   "time", "open_time", "open time", "unix", else the first column. Price: price_column, else
//   close. Volume: "quote_volume", "quote_asset_volume", "quote asset volume", "volume_quote",
//   "volume usdt", "volume_usd", "volume usd" or "volume", in that order, as written.
// - In both the timestamp is the one in the file (the bar's open time for Binance klines) and the
//   asset is named by ReadOptions::asset_name, else from the file name: the stem is cut at '-',
//   '_', '.' and ' ' and the first piece that is an exchange pair ("BTCUSDT-1h-2024-01.csv",
//   "Binance_BTCUSDT_1h.csv", "btcusdt_trade.csv" all give BTCUSDT) is used, else two
//   consecutive pieces that make a pair ("SOL-USD_1d.csv" gives SOL-USD), else the first piece,
//   in upper case; then normalised like any symbol.
//
// Symbols (keel/data/symbols.hpp): every asset name (wide header, long symbol, file-name symbol) is
// normalised unless keep_raw_symbols: "BTCUSDT", "BTC/USDT", "BTC-USD" become BTC and the quote
// currency is recorded in PricePanel::quote_currencies (the written symbol in
// PricePanel::raw_symbols). Two symbols of one file that normalise to one name are an error naming
// both ("BTCUSDT" and "BTC-USD" are different pairs).
//
// Validation (every error is Status::invalid with "file:line:" first, then the column or asset and
// the date, then a hint): unreadable or corrupt gzip file, empty file, header only, no asset
// column, empty or duplicated asset name, ragged row (wrong number of fields), unparseable date,
// non-numeric cell, non-finite number, zero or negative price (see zero_as_missing), negative
// volume, duplicate timestamp (see duplicates), rows out of time order (see sort), an asset
// without a single price.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

enum class DuplicateTimestampPolicy {
  kError,      // default: a duplicate timestamp is an error naming the earliest duplicated one
  kKeepFirst,  // keep the first row met in file order for each timestamp
  kKeepLast,   // keep the last row met in file order
};

struct ReadOptions {
  // Column names, matched case-insensitively. Empty means auto-detect: date
  // "date"/"timestamp"/"datetime"/"datetime_utc"/"time", then "unix"; symbol
  // "symbol"/"asset"/"ticker"; price "close"/"price"/"adj_close"/"adj close". In a wide file the
  // date column defaults to the first column and symbol_column/price_column must be empty.
  std::string date_column{};
  std::string symbol_column{};
  std::string price_column{};
  // What to do when one asset has two rows for one timestamp (e.g. concatenated exports). With
  // kKeepFirst/kKeepLast the number of dropped rows is recorded in PricePanel::notes.
  DuplicateTimestampPolicy duplicates = DuplicateTimestampPolicy::kError;
  // false (default): a zero cell is an error ("zero price"). true: a zero cell is read as a missing
  // value — for files where 0 means "unknown", such as CoinMarketCap market caps. Negative values
  // are an error either way.
  bool zero_as_missing = false;
  // false (default): rows that are neither ascending nor descending in time are an error naming
  // the first line out of order (a shuffled file usually means a broken export or concatenation).
  // true: such rows are sorted by timestamp and a note records how many were out of order
  // (--sort on the command line).
  bool sort = false;
  // false (default): symbols are normalised to their base asset (keel/data/symbols.hpp) and the
  // quote currency recorded. true: names are kept as written (the quote is still recorded), for
  // files holding one base in several quotes (BTCUSDT and BTCEUR) or tickers the rules misread
  // (--keep-raw-symbols on the command line).
  bool keep_raw_symbols = false;
  // The asset name of a single-pair file (a kline file, an OHLCV file without a symbol column);
  // empty (default) = taken from the file name. Ignored for wide and long files.
  std::string asset_name{};
};

// Reads a wide or long price file; the layout is detected from the header (a long file has a
// symbol column). Long files also fill volumes (a column named volume_quote, "volume usdt",
// quote_volume, volume_usd or volume, in that order of preference) and spreads (a column named
// spread) when present. Volumes may be zero; missing volume cells are NaN.
Result<PricePanel> read_prices(const std::string& path, const ReadOptions& options = {});

// Several files read with the same options and merged into one panel (merge_panels): per-pair
// exports such as BTCUSDT-1d.csv and ETHUSDT-1d.csv. Every error names the file it comes from.
Result<PricePanel> read_price_files(const std::vector<std::string>& paths,
                                    const ReadOptions& options = {});

// Merges panels read from different files into one: the union of their timestamps (a cell an
// input does not have is NaN; the missing-data policy applies after the merge), the assets in
// input order, volumes and spreads where an input has them (NaN elsewhere), the notes, quote
// currencies and raw symbols of every input, source "a.csv, b.csv". Errors, each naming the
// files:
// - an asset in two inputs (after normalisation: BTCUSDT in one and BTC-USD in the other);
// - inputs of different frequencies: median steps between consecutive timestamps more than 10 %
//   apart (a daily and an hourly file; resample the finer one first);
// - inputs of one frequency whose timestamps do not line up (daily bars at 00:00 and at 08:00):
//   the merged panel's median step is below the inputs' step.
// A single panel comes back unchanged; no panels is an error.
Result<PricePanel> merge_panels(std::vector<PricePanel> panels);

// Parses one date or date-time cell in any supported format (see above); nullopt when it is not
// one. Numbers are Unix time, their unit told by magnitude: below 1e8 they are rejected (a row
// index, not a time), below 1e11 they are seconds (1e11 s is the year 5138), below 1e14
// milliseconds (1e11 ms is 1973-03-03, 1e14 ms the year 5138), below 1e17 microseconds (Binance
// spot klines since 2025: 1735689600000000), else nanoseconds. Fractions
// of a second are dropped (milliseconds are rounded to the nearest second).
std::optional<Timestamp> parse_timestamp(std::string_view text);

// The reader's rules for the order of rows, for a table whose timestamps are already parsed (the
// Python package's DataFrames go through them as files do): the rows kept run ascending in time;
// rows newest-first are reversed (a common export order, not reported); rows in neither order are
// sorted (stable), which ReadOptions::sort must allow; of rows sharing a timestamp the first in
// table order is kept, or the last with kKeepLast (kError: the caller refuses them). The caller
// words the errors and notes: a file names its lines and the command-line flags, a DataFrame its
// rows and keyword arguments.
struct RowOrder {
  std::vector<std::size_t> keep;  // the rows kept, ascending in time, one per timestamp
  // Rows in neither order: the smaller of the numbers of steps up and down in time; 0 when the
  // rows run ascending or descending.
  std::size_t out_of_order = 0;
  bool mostly_ascending = true;        // the direction most steps take (ties: ascending)
  std::size_t first_out_of_order = 0;  // with out_of_order: the first row (≥ 1) against it
  std::size_t duplicates = 0;          // rows dropped for a timestamp already kept
  // With duplicates: the first two rows, in table order, of the earliest repeated timestamp.
  std::array<std::size_t, 2> first_duplicate{};
};
RowOrder order_rows(const std::vector<Timestamp>& timestamps, DuplicateTimestampPolicy duplicates);

// Parses the duplicate policy names "error", "keep-first", "keep-last".
Result<DuplicateTimestampPolicy> parse_duplicate_policy(std::string_view name);

}  // namespace keel
