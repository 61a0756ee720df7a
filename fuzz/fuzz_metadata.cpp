// Fuzz target: the metadata parser behind keel::read_metadata (keel::detail::parse_metadata, on
// the input in memory; read_metadata is csv::read_file followed by it; docs/reliability.md). The
// input is the metadata CSV. Contract: an error names the source; metadata has unique non-empty
// symbols, finite non-negative sizes, and every custom tag column present on every asset.
#include <cmath>
#include <set>

#include "fuzz_support.hpp"
#include "keel/data/metadata.hpp"
#include "text_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using keel::fuzz::check;
  static const std::string path = "fuzz-input-meta.csv";
  auto meta = keel::detail::parse_metadata(
      std::string_view(reinterpret_cast<const char*>(data), size), path);
  if (!meta) {
    keel::fuzz::check_located(meta.status().message(), path);
    return 0;
  }
  std::set<std::string> symbols;
  for (const auto& a : meta->assets) {
    check(!a.symbol.empty(), "empty symbol");
    check(symbols.insert(a.symbol).second, "duplicate symbol", a.symbol);
    for (double x : {a.lot_size, a.min_notional, a.market_cap, a.min_quantity}) {
      check(std::isfinite(x) && x >= 0.0, "size not finite and >= 0", a.symbol);
    }
    check(a.tags.size() == meta->tag_columns.size(), "tags of an asset differ from the columns");
    check(meta->find(a.symbol) != nullptr, "find() misses a read symbol", a.symbol);
    for (const auto& field : meta->tag_fields()) (void)meta->tag(a.symbol, field);
  }
  return 0;
}
