#include "data/timestamp_parse.hpp"

#include <cmath>

#include "data/csv.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max_digits digits at `pos`; false when there is none.
bool read_int(std::string_view s, std::size_t& pos, int max_digits, int& value) {
  int digits = 0;
  value = 0;
  while (pos < s.size() && is_digit(s[pos]) && digits < max_digits) {
    value = value * 10 + (s[pos] - '0');
    ++pos;
    ++digits;
  }
  return digits > 0;
}

bool read_fixed(std::string_view s, std::size_t& pos, int digits, int& value) {
  if (pos + static_cast<std::size_t>(digits) > s.size()) return false;
  value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = s[pos + static_cast<std::size_t>(i)];
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(digits);
  return true;
}

// Parses an optional zone suffix at `pos` to the end: "", "Z", "UTC", "+00:00", "-05:00", "+0530",
// "+05". Sets the offset east of UTC in seconds.
bool parse_zone(std::string_view s, std::size_t pos, Timestamp& offset_s) {
  offset_s = 0;
  while (pos < s.size() && s[pos] == ' ') ++pos;
  const std::string_view rest = s.substr(pos);
  if (rest.empty() || rest == "Z" || rest == "z" || csv::iequals(rest, "UTC") ||
      csv::iequals(rest, "GMT")) {
    return true;
  }
  if (rest[0] != '+' && rest[0] != '-') return false;
  const int sign = rest[0] == '-' ? -1 : 1;
  std::size_t p = 1;
  int hours = 0;
  int minutes = 0;
  if (!read_fixed(rest, p, 2, hours)) return false;
  if (p < rest.size() && rest[p] == ':') ++p;
  if (p < rest.size() && !read_fixed(rest, p, 2, minutes)) return false;
  if (p != rest.size() || hours > 14 || minutes > 59) return false;
  offset_s = sign * (hours * 3600 + minutes * 60);
  return true;
}

// Parses the time of day starting at `pos` ("13:00", "13:00:05", "13:00:05.250", "08-PM",
// "08 PM") followed by an optional zone; sets seconds since midnight UTC (may be negative or
// exceed a day after the zone shift).
bool parse_time_of_day(std::string_view s, std::size_t pos, Timestamp& seconds) {
  int hour = 0;
  if (!read_int(s, pos, 2, hour)) return false;
  int minute = 0;
  int second = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!read_fixed(s, pos, 2, minute)) return false;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!read_fixed(s, pos, 2, second)) return false;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        // Fractions of a second are dropped: Keel timestamps are whole seconds.
        if (pos >= s.size() || !is_digit(s[pos])) return false;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return false;
  } else if (pos < s.size() && (s[pos] == '-' || s[pos] == ' ')) {
    // CryptoDataDownload's 12-hour clock: "08-PM", "12-AM" (midnight), "12-PM" (noon).
    ++pos;
    if (pos + 2 > s.size()) return false;
    const std::string_view meridiem = s.substr(pos, 2);
    const bool am = csv::iequals(meridiem, "AM");
    const bool pm = csv::iequals(meridiem, "PM");
    if ((!am && !pm) || hour < 1 || hour > 12) return false;
    hour = (hour % 12) + (pm ? 12 : 0);
    pos += 2;
  } else {
    return false;
  }
  Timestamp offset = 0;
  if (!parse_zone(s, pos, offset)) return false;
  seconds = static_cast<Timestamp>(hour) * 3600 + minute * 60 + second - offset;
  return true;
}

std::optional<ParsedTimestamp> from_civil(int year, int month, int day) {
  const CivilDate date{year, month, day};
  if (year < 1000 || !is_valid_civil(date)) return std::nullopt;
  return ParsedTimestamp{days_from_civil(date) * kSecondsPerDay, false};
}

// 9999-12-31T23:59:59Z in Unix seconds: days_from_civil({10000, 1, 1}) · 86400 − 1.
constexpr double kLastEpochSecond = 253402300799.0;

std::optional<ParsedTimestamp> parse_epoch(std::string_view s) {
  double value = 0.0;
  if (!csv::parse_double(s, value) || !std::isfinite(value)) return std::nullopt;
  // Below 1e8 (1973-03-03 in seconds) a number is far more likely a row index than a time.
  if (value < 1e8) return std::nullopt;
  double seconds = value;
  if (value >= 1e17) {
    seconds = value / 1e9;  // nanoseconds
  } else if (value >= 1e14) {
    seconds = value / 1e6;  // microseconds
  } else if (value >= 1e11) {
    seconds = value / 1e3;  // milliseconds
  }
  // After the unit is taken off, a time past 9999-12-31T23:59:59Z is not a date (the civil
  // formats stop at four-digit years; format_timestamp could not write it back) and, for values
  // near 1e300, would overflow the conversion to Timestamp.
  if (seconds >= kLastEpochSecond + 1.0) return std::nullopt;
  return ParsedTimestamp{static_cast<Timestamp>(std::floor(seconds + 0.5)), true};
}

}  // namespace

std::optional<ParsedTimestamp> parse_timestamp_detailed(std::string_view text) {
  std::string_view s = csv::trim(text);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    s = csv::trim(s.substr(1, s.size() - 2));
  if (s.size() < 6) return std::nullopt;
  std::size_t digits = 0;
  while (digits < s.size() && is_digit(s[digits])) ++digits;

  int year = 0;
  int month = 0;
  int day = 0;
  std::size_t pos = 0;
  if (digits == 4 && (s[4] == '-' || s[4] == '/' || s[4] == '.')) {
    const char sep = s[4];
    pos = 5;
    year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (!read_int(s, pos, 2, month) || pos >= s.size() || s[pos] != sep) return std::nullopt;
    ++pos;
    if (!read_int(s, pos, 2, day)) return std::nullopt;
  } else if (digits == 8 && (s.size() == 8 || s[8] == ' ' || s[8] == 'T')) {
    // "20240102" or LEAN's "20240102 13:00".
    year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    month = (s[4] - '0') * 10 + (s[5] - '0');
    day = (s[6] - '0') * 10 + (s[7] - '0');
    pos = 8;
    if (s.size() == 8 && !is_valid_civil({year, month, day})) return parse_epoch(s);
  } else if (digits == s.size() || (digits < s.size() && s[digits] == '.')) {
    return parse_epoch(s);
  } else {
    return std::nullopt;
  }
  auto date = from_civil(year, month, day);
  if (!date) return std::nullopt;
  if (pos == s.size()) return date;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') {
    // A zone right after a date ("2024-01-02Z") is accepted; anything else is not a date.
    Timestamp offset = 0;
    if (!parse_zone(s, pos, offset)) return std::nullopt;
    date->time -= offset;
    return date;
  }
  ++pos;
  while (pos < s.size() && s[pos] == ' ') ++pos;
  Timestamp seconds = 0;
  if (!parse_time_of_day(s, pos, seconds)) return std::nullopt;
  return ParsedTimestamp{date->time + seconds, true};
}

}  // namespace detail

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  const auto parsed = detail::parse_timestamp_detailed(text);
  if (!parsed) return std::nullopt;
  return parsed->time;
}

}  // namespace keel
