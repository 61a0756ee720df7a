#pragma once
// Timestamps are seconds since 1970-01-01T00:00:00Z (UTC). Crypto trades around the clock, so
// there are no trading calendars here: a daily bar is identified by its UTC date at 00:00.

#include <cstdint>
#include <string>

namespace keel {

using Timestamp = std::int64_t;

inline constexpr Timestamp kSecondsPerDay = 86400;

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(CivilDate date);
CivilDate civil_from_days(std::int64_t days);
bool is_valid_civil(CivilDate date);

// 0 = Monday ... 6 = Sunday.
int weekday(Timestamp t);

// "2024-02-02" when the time of day is 00:00:00 and date_only is allowed, else "2024-02-02T13:00:00Z".
std::string format_timestamp(Timestamp t, bool date_only_if_midnight = true);
std::string format_date(Timestamp t);  // always "YYYY-MM-DD"

}  // namespace keel
