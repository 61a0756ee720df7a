// Fuzz target: the timestamp parser (keel::parse_timestamp and the detailed form behind it).
// Contract: no crash; both forms agree; a parsed time formats (keel::format_timestamp) to text
// that parses back to the same time.
#include "fuzz_support.hpp"
#include "keel/core/time.hpp"
#include "keel/data/read_prices.hpp"
#include "timestamp_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using keel::fuzz::check;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto t = keel::parse_timestamp(text);
  const auto d = keel::detail::parse_timestamp_detailed(text);
  check(t.has_value() == d.has_value(), "parse_timestamp and the detailed parser disagree");
  if (!t) return 0;
  check(*t == d->time, "parse_timestamp and the detailed parser give different times");
  const std::string formatted = keel::format_timestamp(*t, false);
  const auto again = keel::parse_timestamp(formatted);
  check(again.has_value() && *again == *t, "format_timestamp does not parse back:", formatted);
  return 0;
}
