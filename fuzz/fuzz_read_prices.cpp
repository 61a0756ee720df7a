// Fuzz target: the price-file parser behind keel::read_prices (keel::detail::parse_prices, the
// wide and long CSV layouts) on the input in memory (docs/reliability.md). read_prices is
// csv::read_file followed by this parser; the file layer (plain, gzip, .gz names) has its own
// target, fuzz_read_file.
// Input layout: byte 0 picks the ReadOptions, the rest is the file's text.
//   bit 0-1  duplicates policy (error, keep first, keep last; 3 = error)
//   bit 2    sort            bit 3  zero_as_missing        bits 4-7 unused
// Contract: an error names the source; a panel satisfies PricePanel's invariants.
#include <cmath>
#include <set>

#include "check_panel.hpp"
#include "fuzz_support.hpp"
#include "keel/data/read_prices.hpp"
#include "text_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  keel::ReadOptions options;
  options.duplicates = (mode & 3) == 1   ? keel::DuplicateTimestampPolicy::kKeepFirst
                       : (mode & 3) == 2 ? keel::DuplicateTimestampPolicy::kKeepLast
                                         : keel::DuplicateTimestampPolicy::kError;
  options.sort = (mode & 4) != 0;
  options.zero_as_missing = (mode & 8) != 0;
  options.keep_raw_symbols = (mode & 16) != 0;
  static const std::string source = "fuzz-input-prices.csv";
  auto panel = keel::detail::parse_prices(body, source, options);
  if (!panel) {
    keel::fuzz::check_located(panel.status().message(), source);
    return 0;
  }
  keel::fuzz::check_panel(*panel);
  return 0;
}
