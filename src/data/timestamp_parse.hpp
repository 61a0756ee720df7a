#pragma once
// Private: the timestamp parser behind keel::parse_timestamp, also telling whether the text
// carried a time of day (select() needs it for "a date-only end includes the whole day").

#include <optional>
#include <string_view>

#include "keel/core/time.hpp"

namespace keel::detail {

struct ParsedTimestamp {
  Timestamp time = 0;
  bool has_time_of_day = false;  // false for date-only text such as "2024-01-02" or "20240102"
};

std::optional<ParsedTimestamp> parse_timestamp_detailed(std::string_view text);

}  // namespace keel::detail
