#include "keel/core/time.hpp"

#include <fmt/format.h>

namespace keel {

std::int64_t days_from_civil(CivilDate date) {
  const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (date.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

bool is_valid_civil(CivilDate date) {
  if (date.month < 1 || date.month > 12 || date.day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (date.year % 4 == 0 && date.year % 100 != 0) || date.year % 400 == 0;
  const int max_day = kDays[date.month - 1] + ((date.month == 2 && leap) ? 1 : 0);
  return date.day <= max_day;
}

namespace {
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace

int weekday(Timestamp t) {
  const std::int64_t days = floor_div(t, kSecondsPerDay);
  // 1970-01-01 was a Thursday (index 3 when Monday is 0).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

std::string format_date(Timestamp t) {
  const CivilDate d = civil_from_days(floor_div(t, kSecondsPerDay));
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

std::string format_timestamp(Timestamp t, bool date_only_if_midnight) {
  const std::int64_t days = floor_div(t, kSecondsPerDay);
  const std::int64_t secs = t - days * kSecondsPerDay;
  if (date_only_if_midnight && secs == 0) return format_date(t);
  return fmt::format("{}T{:02d}:{:02d}:{:02d}Z", format_date(t), secs / 3600, (secs / 60) % 60,
                     secs % 60);
}

}  // namespace keel
