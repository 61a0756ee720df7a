#pragma once
// Readers for price files (DESIGN.md section 3): wide CSV (first column a date or timestamp, one
// column per asset) or long CSV (columns date,symbol,close[,volume,...]), plain or gzip (.gz).
// Dates may be ISO dates, ISO date-times (with T or space, optional Z or +00:00), "YYYY/MM/DD",
// "YYYYMMDD", Unix seconds or milliseconds, and CryptoDataDownload's "YYYY-MM-DD HH-AM". Input may
// be ascending or descending, CRLF or LF, with or without a final newline, with a leading comment
// or note line. Every error names the file, the line, the column or asset, and a fix.

#include <string>

#include "keel/core/result.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

enum class DuplicateTimestampPolicy {
  kError,      // default: a duplicate timestamp is an error naming the first one
  kKeepFirst,  // keep the first row met in file order for each timestamp
  kKeepLast,   // keep the last row met in file order
};

struct ReadOptions {
  // Long-format column names; matched case-insensitively. Empty means auto-detect
  // ("date"/"timestamp"/"datetime"/"time", "symbol"/"asset"/"ticker", "close"/"price").
  std::string date_column;
  std::string symbol_column;
  std::string price_column;
  // What to do when one asset has two rows for one timestamp (e.g. concatenated exports).
  DuplicateTimestampPolicy duplicates = DuplicateTimestampPolicy::kError;
};

// Reads a wide or long price file; the layout is detected from the header (a long file has a
// symbol column). Long files also fill volumes (a column named volume_quote, "volume usdt",
// quote_volume or volume) and spreads (a column named spread) when present.
Result<PricePanel> read_prices(const std::string& path, const ReadOptions& options = {});

// Parses one date or date-time cell in any supported format; nullopt when it is not one.
std::optional<Timestamp> parse_timestamp(std::string_view text);

// Parses the duplicate policy names "error", "keep-first", "keep-last".
Result<DuplicateTimestampPolicy> parse_duplicate_policy(std::string_view name);

}  // namespace keel
