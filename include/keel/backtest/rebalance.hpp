#pragma once
// When a strategy rebalances. A decision is taken at the close of a decision date with the data up
// to that close, and executed `lag` periods later at that period's closing prices.
//
//   every:k    every k periods from the first decision date
//   weekly     on the first price date of each ISO week (Monday-based, UTC)
//   monthly    on the first price date of each calendar month
//   drift:b    whenever some held weight is more than b (absolute) away from its last target
//   never      only the first allocation (buy and hold)

#include <string>
#include <string_view>

#include "keel/core/result.hpp"
#include "keel/core/time.hpp"

namespace keel {

enum class RebalanceKind { kEvery, kWeekly, kMonthly, kDrift, kNever };

struct RebalanceSchedule {
  RebalanceKind kind = RebalanceKind::kMonthly;
  int every = 1;             // kEvery: k ≥ 1 periods
  double drift_band = 0.05;  // kDrift: b in (0, 1)
  Status validate() const;
  std::string to_string() const;  // the parse_rebalance_schedule() spelling
};

// "every:5", "weekly", "monthly", "drift:0.05", "never".
Result<RebalanceSchedule> parse_rebalance_schedule(std::string_view text);

// Calendar-schedule test for a date given the previous price date: true when `date` starts a new
// week/month relative to `previous`. Periodic and drift schedules are decided by the engine.
bool starts_new_period(RebalanceKind kind, Timestamp previous, Timestamp date);

}  // namespace keel
