#include "keel/data/select.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "data/csv.hpp"
#include "data/timestamp_parse.hpp"

namespace keel {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_name(const std::vector<std::string>& names, std::string_view wanted) {
  const std::string lower_wanted = csv::to_lower(wanted);
  std::string best;
  std::size_t best_distance = static_cast<std::size_t>(-1);
  for (const std::string& name : names) {
    const std::size_t d = edit_distance(csv::to_lower(name), lower_wanted);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  return best;
}

Result<PanelSelection> parse_selection(std::string_view start, std::string_view end,
                                       std::string_view assets) {
  PanelSelection selection;
  const auto bound = [](std::string_view text, const char* flag,
                        bool is_end) -> Result<std::optional<Timestamp>> {
    const std::string_view t = csv::trim(text);
    if (t.empty()) return std::optional<Timestamp>();
    const auto parsed = detail::parse_timestamp_detailed(t);
    if (!parsed) {
      return Status::invalid(
          fmt::format("{} '{}' is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", flag, t));
    }
    Timestamp value = parsed->time;
    if (is_end && !parsed->has_time_of_day) value += kSecondsPerDay - 1;
    return std::optional<Timestamp>(value);
  };
  auto s = bound(start, "--start", false);
  if (!s) return s.status();
  auto e = bound(end, "--end", true);
  if (!e) return e.status();
  selection.start = *s;
  selection.end = *e;
  const std::string_view list = csv::trim(assets);
  if (!list.empty()) {
    std::size_t pos = 0;
    for (;;) {
      const std::size_t comma = list.find(',', pos);
      const std::string_view name =
          csv::trim(list.substr(pos, comma == std::string_view::npos ? list.npos : comma - pos));
      if (name.empty()) {
        return Status::invalid(fmt::format(
            "--assets '{}' has an empty name; separate names with single commas, e.g. BTC,ETH",
            list));
      }
      selection.assets.emplace_back(name);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }
  return selection;
}

Result<PricePanel> select(const PricePanel& panel, const PanelSelection& selection) {
  // No file prefix in these messages: callers add the source with Status::with_context.
  if (selection.start && selection.end && *selection.start > *selection.end) {
    return Status::invalid(fmt::format("--start {} is after --end {}; swap them",
                                       format_timestamp(*selection.start),
                                       format_timestamp(*selection.end)));
  }
  std::vector<Eigen::Index> cols;
  if (selection.assets.empty()) {
    for (Eigen::Index c = 0; c < panel.cols(); ++c) cols.push_back(c);
  } else {
    std::unordered_set<std::string> seen;
    for (const std::string& name : selection.assets) {
      if (!seen.insert(name).second) {
        return Status::invalid(
            fmt::format("asset '{}' is listed twice in --assets; list each asset once", name));
      }
      const auto index = panel.asset_index(name);
      if (!index) {
        if (panel.assets.empty()) {
          return Status::invalid(fmt::format("unknown asset '{}': the panel has no assets", name));
        }
        return Status::invalid(fmt::format(
            "unknown asset '{}' in --assets; did you mean '{}'? (names are case-sensitive; the "
            "panel has {} assets)",
            name, closest_name(panel.assets, name), panel.assets.size()));
      }
      cols.push_back(*index);
    }
  }
  const auto& ts = panel.timestamps;
  const auto first =
      selection.start ? std::lower_bound(ts.begin(), ts.end(), *selection.start) : ts.begin();
  const auto last =
      selection.end ? std::upper_bound(ts.begin(), ts.end(), *selection.end) : ts.end();
  if (first >= last) {
    const std::string range = ts.empty() ? std::string("no rows")
                                         : fmt::format("{} .. {}", format_timestamp(ts.front()),
                                                       format_timestamp(ts.back()));
    return Status::invalid(fmt::format(
        "no prices between {} and {}; the panel covers {}. Adjust --start/--end",
        selection.start ? format_timestamp(*selection.start) : std::string("the start"),
        selection.end ? format_timestamp(*selection.end) : std::string("the end"), range));
  }
  const auto r0 = static_cast<Eigen::Index>(first - ts.begin());
  const auto n = static_cast<Eigen::Index>(last - first);
  PricePanel out;
  out.source = panel.source;
  out.notes = panel.notes;
  out.quote_currencies = panel.quote_currencies;
  out.raw_symbols = panel.raw_symbols;
  out.timestamps.assign(first, last);
  const auto take = [&](const Eigen::MatrixXd& m) {
    Eigen::MatrixXd result;
    if (m.size() == 0) return result;
    result.resize(n, static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) {
      result.col(static_cast<Eigen::Index>(j)) = m.col(cols[j]).segment(r0, n);
    }
    return result;
  };
  for (Eigen::Index c : cols) out.assets.push_back(panel.assets[static_cast<std::size_t>(c)]);
  out.prices = take(panel.prices);
  out.volumes = take(panel.volumes);
  out.spreads = take(panel.spreads);
  return out;
}

Eigen::VectorXd last_prices(const PricePanel& panel, const std::vector<std::string>& assets) {
  Eigen::VectorXd out = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(assets.size()),
                                                  std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const auto j = panel.asset_index(assets[i]);
    if (!j) continue;
    for (Eigen::Index t = panel.rows() - 1; t >= 0; --t) {
      if (!std::isnan(panel.prices(t, *j))) {
        out[static_cast<Eigen::Index>(i)] = panel.prices(t, *j);
        break;
      }
    }
  }
  return out;
}

}  // namespace keel
