// Fuzz target: keel::read_metadata (docs/reliability.md). The input is the metadata CSV.
// Contract: an error names the file; metadata has unique non-empty symbols, finite non-negative
// sizes, and every custom tag column present on every asset.
#include <cmath>
#include <set>

#include "fuzz_support.hpp"
#include "keel/data/metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using keel::fuzz::check;
  const std::string path = keel::fuzz::write_input(
      "meta.csv", std::string_view(reinterpret_cast<const char*>(data), size));
  auto meta = keel::read_metadata(path);
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
