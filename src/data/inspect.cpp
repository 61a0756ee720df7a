#include "keel/data/inspect.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace keel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

AssetInspection inspect_asset(const PricePanel& panel, Eigen::Index col, double periods_per_year,
                              const InspectOptions& options, std::vector<Finding>& findings) {
  AssetInspection a;
  a.asset = panel.assets[static_cast<std::size_t>(col)];
  const Eigen::Index rows = panel.rows();
  Eigen::Index first = -1;
  Eigen::Index last = -1;
  for (Eigen::Index t = 0; t < rows; ++t) {
    if (std::isnan(panel.prices(t, col))) continue;
    if (first < 0) first = t;
    last = t;
    ++a.observations;
  }
  if (first < 0) {
    a.annualised_return = a.annualised_volatility = a.worst_return = kNaN;
    findings.push_back({"empty", a.asset, a.asset + " has no prices at all"});
    return a;
  }
  a.first = panel.timestamps[static_cast<std::size_t>(first)];
  a.last = panel.timestamps[static_cast<std::size_t>(last)];
  a.leading_missing = static_cast<long>(first);
  a.trailing_missing = static_cast<long>(rows - 1 - last);
  a.missing = static_cast<long>(last - first + 1) - a.observations;

  // Welford's running mean and variance over the one-period simple returns.
  double mean = 0.0;
  double m2 = 0.0;
  a.worst_return = std::numeric_limits<double>::infinity();
  int stale = 1;
  bool stale_reported = false;
  long extreme_reported = 0;
  const double extreme_down = -options.extreme_return / (1.0 + options.extreme_return);
  for (Eigen::Index t = first + 1; t <= last; ++t) {
    const double p0 = panel.prices(t - 1, col);
    const double p1 = panel.prices(t, col);
    if (std::isnan(p0) || std::isnan(p1)) {
      stale = 1;
      continue;
    }
    const double r = p1 / p0 - 1.0;
    ++a.returns;
    const double delta = r - mean;
    mean += delta / static_cast<double>(a.returns);
    m2 += delta * (r - mean);
    const Timestamp at = panel.timestamps[static_cast<std::size_t>(t)];
    if (r < a.worst_return) {
      a.worst_return = r;
      a.worst_at = at;
    }
    if ((r > options.extreme_return || r < extreme_down) && extreme_reported < 3) {
      ++extreme_reported;
      findings.push_back({"extreme-return", a.asset,
                          fmt::format("{} moved {:+.1f}% on {} (listing artefact or bad print?)",
                                      a.asset, 100.0 * r, format_timestamp(at))});
    }
    stale = (p1 == p0) ? stale + 1 : 1;
    if (stale == options.stale_run && !stale_reported) {
      stale_reported = true;
      findings.push_back(
          {"stale", a.asset,
           fmt::format("{} has {} identical prices in a row ending {} (stale quote?)", a.asset,
                       options.stale_run, format_timestamp(at))});
    }
  }
  if (a.returns >= 2) {
    a.annualised_return = mean * periods_per_year;
    a.annualised_volatility =
        std::sqrt(m2 / static_cast<double>(a.returns - 1)) * std::sqrt(periods_per_year);
  } else {
    a.annualised_return = a.annualised_volatility = kNaN;
  }
  if (a.returns == 0) a.worst_return = kNaN;

  if (a.missing > 0) {
    findings.push_back({"gap", a.asset,
                        fmt::format("{} lacks {} price(s) between {} and {}; choose --missing "
                                    "ffill:N, drop-rows or pairwise",
                                    a.asset, a.missing, format_timestamp(a.first),
                                    format_timestamp(a.last))});
  }
  if (a.leading_missing > 0) {
    findings.push_back({"late-listing", a.asset,
                        fmt::format("{} starts on {}, {} row(s) after the panel start", a.asset,
                                    format_timestamp(a.first), a.leading_missing)});
  }
  if (a.trailing_missing > 0) {
    findings.push_back({"delisted", a.asset,
                        fmt::format("{} stops on {}, {} row(s) before the panel end", a.asset,
                                    format_timestamp(a.last), a.trailing_missing)});
  }
  return a;
}

// Calendar gaps: timestamps the file lacks altogether (no row at all, so no asset has a price).
// A step is a gap when it exceeds 1.5 × the median step; a weekday-only daily calendar skips
// weekends by design and exchange holidays (one or two weekdays) are not reported either.
std::vector<CalendarGap> find_calendar_gaps(const std::vector<Timestamp>& ts,
                                            const FrequencyInfo& frequency) {
  std::vector<CalendarGap> gaps;
  const auto step = static_cast<double>(frequency.median_step_s);
  if (ts.size() < 2 || step <= 0.0) return gaps;
  const bool weekdays = frequency.periods_per_year == 252.0 && frequency.label == "daily (weekdays)";
  for (std::size_t i = 0; i + 1 < ts.size(); ++i) {
    const auto span = static_cast<double>(ts[i + 1] - ts[i]);
    if (span <= 1.5 * step) continue;
    long missing = 0;
    if (weekdays) {
      for (Timestamp t = ts[i] + kSecondsPerDay; t < ts[i + 1]; t += kSecondsPerDay) {
        missing += weekday(t) < 5 ? 1 : 0;
      }
      if (missing <= 2) continue;
    } else {
      missing = std::lround(span / step) - 1;
      if (missing < 1) missing = 1;
    }
    gaps.push_back({ts[i], ts[i + 1], missing});
  }
  return gaps;
}

}  // namespace

PanelInspection inspect_panel(const PricePanel& panel, const FrequencyInfo& frequency,
                              const InspectOptions& options) {
  PanelInspection report;
  report.assets = panel.assets.size();
  report.rows = panel.timestamps.size();
  if (!panel.timestamps.empty()) {
    report.start = panel.timestamps.front();
    report.end = panel.timestamps.back();
  }
  report.frequency = frequency;
  for (const auto& note : panel.notes) report.findings.push_back({"read", "", note});
  report.calendar_gaps = find_calendar_gaps(panel.timestamps, frequency);
  for (const auto& g : report.calendar_gaps) report.calendar_missing += g.missing_periods;
  constexpr std::size_t kListed = 5;
  for (std::size_t k = 0; k < report.calendar_gaps.size() && k < kListed; ++k) {
    const auto& g = report.calendar_gaps[k];
    report.findings.push_back(
        {"calendar-gap", "",
         fmt::format("no row for any asset between {} and {} ({} period(s) missing from the "
                     "calendar); returns across it span the whole gap. Check the export, or "
                     "narrow the panel with --start/--end",
                     format_timestamp(g.after), format_timestamp(g.before), g.missing_periods)});
  }
  if (report.calendar_gaps.size() > kListed) {
    report.findings.push_back(
        {"calendar-gap", "",
         fmt::format("... {} calendar gaps in all, {} period(s) missing (see calendar_gaps in "
                     "--format json)",
                     report.calendar_gaps.size(), report.calendar_missing)});
  }
  report.per_asset.reserve(panel.assets.size());
  for (Eigen::Index c = 0; c < panel.cols(); ++c) {
    AssetInspection a =
        inspect_asset(panel, c, frequency.periods_per_year, options, report.findings);
    for (const auto& g : report.calendar_gaps) {
      if (a.observations > 0 && g.after >= a.first && g.before <= a.last) {
        a.calendar_missing += g.missing_periods;
      }
    }
    const auto quote = panel.quote_currencies.find(a.asset);
    if (quote != panel.quote_currencies.end()) a.quote = quote->second;
    const auto raw = panel.raw_symbols.find(a.asset);
    a.symbol = raw == panel.raw_symbols.end() ? a.asset : raw->second;
    report.per_asset.push_back(std::move(a));
  }
  return report;
}

Json PanelInspection::to_json() const {
  Json doc;
  doc["assets"] = assets;
  doc["rows"] = rows;
  doc["start"] = format_timestamp(start);
  doc["end"] = format_timestamp(end);
  doc["periods_per_year"] = frequency.periods_per_year;
  doc["frequency"] = frequency.label;
  Json gaps = Json::array();
  for (const auto& g : calendar_gaps) {
    gaps.push_back(Json{{"after", format_timestamp(g.after)},
                        {"before", format_timestamp(g.before)},
                        {"missing_periods", g.missing_periods}});
  }
  doc["calendar_gaps"] = std::move(gaps);
  doc["calendar_missing"] = calendar_missing;
  Json list = Json::array();
  for (const auto& a : per_asset) {
    Json item;
    item["asset"] = a.asset;
    item["quote"] = a.quote.empty() ? Json(nullptr) : Json(a.quote);
    item["symbol"] = a.symbol;
    item["first"] = a.observations > 0 ? Json(format_timestamp(a.first)) : Json(nullptr);
    item["last"] = a.observations > 0 ? Json(format_timestamp(a.last)) : Json(nullptr);
    item["observations"] = a.observations;
    item["missing"] = a.missing;
    item["calendar_missing"] = a.calendar_missing;
    item["leading_missing"] = a.leading_missing;
    item["trailing_missing"] = a.trailing_missing;
    item["annualised_return"] = json_number(a.annualised_return);
    item["annualised_volatility"] = json_number(a.annualised_volatility);
    item["worst_return"] = json_number(a.worst_return);
    item["worst_at"] = a.returns > 0 ? Json(format_timestamp(a.worst_at)) : Json(nullptr);
    list.push_back(std::move(item));
  }
  doc["per_asset"] = std::move(list);
  Json found = Json::array();
  for (const auto& f : findings) {
    found.push_back(Json{{"kind", f.kind}, {"asset", f.asset}, {"message", f.message}});
  }
  doc["findings"] = std::move(found);
  return doc;
}

}  // namespace keel
