#pragma once
// Calendar and frequency inference: how many periods make a year for this panel.

#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/time.hpp"

namespace keel {

struct FrequencyInfo {
  double periods_per_year = 365.0;
  std::string label;              // "daily (24/7)", "daily (weekdays)", "hourly", "weekly", ...
  Timestamp median_step_s = 0;    // median spacing of consecutive timestamps
  bool inferred = true;           // false when the user gave periods_per_year
};

// Daily steps with weekends present → 365; daily steps with no Saturday/Sunday rows → 252;
// hourly → 8760; weekly → 52; monthly → 12; other steps → seconds per year / median step.
// Needs at least two timestamps.
Result<FrequencyInfo> infer_frequency(const std::vector<Timestamp>& timestamps);

}  // namespace keel
