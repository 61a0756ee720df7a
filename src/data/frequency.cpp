#include "keel/data/frequency.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace keel {

namespace {

bool near(double value, double target, double relative) {
  return std::abs(value - target) <= relative * target;
}

}  // namespace

Result<FrequencyInfo> infer_frequency(const std::vector<Timestamp>& timestamps) {
  if (timestamps.size() < 2) {
    return Status::invalid(fmt::format(
        "cannot infer the data frequency from {} timestamp(s); need at least two, or give "
        "periods_per_year explicitly (e.g. --periods-per-year 365)",
        timestamps.size()));
  }
  std::vector<Timestamp> steps(timestamps.size() - 1);
  for (std::size_t i = 0; i + 1 < timestamps.size(); ++i) {
    steps[i] = timestamps[i + 1] - timestamps[i];
    if (steps[i] <= 0) {
      return Status::invalid(fmt::format(
          "timestamps must be strictly increasing to infer the frequency, but {} is followed by "
          "{} (position {}); sort the panel and remove duplicates",
          format_timestamp(timestamps[i]), format_timestamp(timestamps[i + 1]), i + 1));
    }
  }
  // Median step (upper median for an even count): robust to a few gaps and weekend jumps.
  const std::size_t mid = steps.size() / 2;
  std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(mid), steps.end());
  const Timestamp median = steps[mid];
  const auto step = static_cast<double>(median);

  FrequencyInfo info;
  info.median_step_s = median;
  constexpr double kDay = 86400.0;
  if (near(step, kDay, 0.1)) {
    std::size_t weekend = 0;
    for (Timestamp t : timestamps) weekend += weekday(t) >= 5 ? 1 : 0;
    const double weekend_share =
        static_cast<double>(weekend) / static_cast<double>(timestamps.size());
    const bool spans_a_week = timestamps.back() - timestamps.front() >= 7 * kSecondsPerDay;
    // 24/7 data has 2/7 ≈ 29% weekend rows; weekday-only data none (a stray holiday shift
    // aside). Under a week of data cannot tell the two apart: crypto's 365 is the default.
    if (spans_a_week && weekend_share < 0.02) {
      info.periods_per_year = 252.0;
      info.label = "daily (weekdays)";
    } else {
      info.periods_per_year = 365.0;
      info.label = "daily (24/7)";
    }
  } else if (near(step, 3600.0, 0.1)) {
    info.periods_per_year = 8760.0;
    info.label = "hourly";
  } else if (near(step, 60.0, 0.1)) {
    info.periods_per_year = 525600.0;
    info.label = "minutely";
  } else if (near(step, 7 * kDay, 0.15)) {
    info.periods_per_year = 52.0;
    info.label = "weekly";
  } else if (step >= 28 * kDay && step <= 31 * kDay) {
    info.periods_per_year = 12.0;
    info.label = "monthly";
  } else if (step >= 89 * kDay && step <= 92 * kDay) {
    info.periods_per_year = 4.0;
    info.label = "quarterly";
  } else if (step >= 365 * kDay && step <= 366 * kDay) {
    info.periods_per_year = 1.0;
    info.label = "yearly";
  } else {
    info.periods_per_year = 365.0 * kDay / step;
    info.label = fmt::format("every {} s", median);
  }
  return info;
}

}  // namespace keel
