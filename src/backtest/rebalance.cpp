#include "keel/backtest/rebalance.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace keel {

Status RebalanceSchedule::validate() const {
  if (kind == RebalanceKind::kEvery && every < 1) {
    return Status::invalid("rebalance every:k needs k ≥ 1 periods");
  }
  if (kind == RebalanceKind::kDrift && !(drift_band > 0.0 && drift_band < 1.0)) {
    return Status::invalid("rebalance drift:b needs a band b in (0, 1), e.g. drift:0.05");
  }
  return Status::ok();
}

std::string RebalanceSchedule::to_string() const {
  switch (kind) {
    case RebalanceKind::kEvery:
      return "every:" + std::to_string(every);
    case RebalanceKind::kWeekly:
      return "weekly";
    case RebalanceKind::kMonthly:
      return "monthly";
    case RebalanceKind::kDrift: {
      std::string band = std::to_string(drift_band);
      while (band.size() > 1 && band.back() == '0') band.pop_back();
      return "drift:" + band;
    }
    case RebalanceKind::kNever:
      return "never";
  }
  return "?";
}

Result<RebalanceSchedule> parse_rebalance_schedule(std::string_view text) {
  const std::string hint =
      "use every:K (periods), weekly, monthly, drift:B (weight band, e.g. drift:0.05) or never";
  RebalanceSchedule schedule;
  const auto colon = text.find(':');
  const std::string_view head = text.substr(0, colon);
  const std::string_view arg =
      colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (head == "weekly" || head == "monthly" || head == "never") {
    if (colon != std::string_view::npos) {
      return Status::invalid("rebalance '" + std::string(text) + "' takes no argument; " + hint);
    }
    schedule.kind = head == "weekly"    ? RebalanceKind::kWeekly
                    : head == "monthly" ? RebalanceKind::kMonthly
                                        : RebalanceKind::kNever;
    return schedule;
  }
  if (head == "every") {
    int k = 0;
    const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), k);
    if (ec != std::errc() || end != arg.data() + arg.size()) {
      return Status::invalid("rebalance '" + std::string(text) + "': K is not an integer; " + hint);
    }
    schedule.kind = RebalanceKind::kEvery;
    schedule.every = k;
  } else if (head == "drift") {
    std::size_t used = 0;
    double band = 0.0;
    try {
      band = std::stod(std::string(arg), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (arg.empty() || used != arg.size()) {
      return Status::invalid("rebalance '" + std::string(text) + "': B is not a number; " + hint);
    }
    schedule.kind = RebalanceKind::kDrift;
    schedule.drift_band = band;
  } else {
    return Status::invalid("rebalance '" + std::string(text) + "' is unknown; " + hint);
  }
  KEEL_RETURN_IF_ERROR(schedule.validate().with_context("rebalance '" + std::string(text) + "'"));
  return schedule;
}

namespace {

// Monday-based week number since the epoch (1970-01-01 was a Thursday).
std::int64_t week_index(Timestamp t) {
  const std::int64_t days = t >= 0 ? t / kSecondsPerDay : (t - kSecondsPerDay + 1) / kSecondsPerDay;
  return (days + 3) >= 0 ? (days + 3) / 7 : (days + 3 - 6) / 7;
}

std::int64_t month_index(Timestamp t) {
  const std::int64_t days = t >= 0 ? t / kSecondsPerDay : (t - kSecondsPerDay + 1) / kSecondsPerDay;
  const CivilDate date = civil_from_days(days);
  return static_cast<std::int64_t>(date.year) * 12 + (date.month - 1);
}

}  // namespace

bool starts_new_period(RebalanceKind kind, Timestamp previous, Timestamp date) {
  if (kind == RebalanceKind::kWeekly) return week_index(date) != week_index(previous);
  if (kind == RebalanceKind::kMonthly) return month_index(date) != month_index(previous);
  return false;
}

}  // namespace keel
