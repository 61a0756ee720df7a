#include "keel/risk/stress_replay.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "keel/data/read_prices.hpp"
#include "risk/checks.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string span_text(Timestamp a, Timestamp b) {
  return format_timestamp(a) + " .. " + format_timestamp(b);
}

std::string window_text(const StressWindow& w) {
  return "stress window '" + w.name + "' (" + span_text(w.start, w.end) + ")";
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Status MissingHistoryPolicy::validate() const {
  if (kind == MissingHistoryKind::kProxy && proxy.empty()) {
    return Status::invalid("missing-history policy proxy needs an asset: proxy:BTC");
  }
  if (kind != MissingHistoryKind::kProxy && !proxy.empty()) {
    return Status::invalid("missing-history policy: a proxy asset ('" + proxy +
                           "') is only used by the proxy policy");
  }
  return Status::ok();
}

Result<MissingHistoryPolicy> parse_missing_history_policy(std::string_view text) {
  const std::string t = trim(text);
  if (t == "exclude") return MissingHistoryPolicy{};
  if (t == "cash") return MissingHistoryPolicy{.kind = MissingHistoryKind::kCash, .proxy = {}};
  if (t.rfind("proxy:", 0) == 0 && t.size() > 6) {
    return MissingHistoryPolicy{.kind = MissingHistoryKind::kProxy, .proxy = trim(t.substr(6))};
  }
  return Status::invalid("missing-history policy '" + t +
                         "' is not one of exclude, cash, proxy:ASSET (e.g. proxy:BTC)");
}

std::string to_string(const MissingHistoryPolicy& policy) {
  switch (policy.kind) {
    case MissingHistoryKind::kExclude:
      return "exclude";
    case MissingHistoryKind::kCash:
      return "cash";
    case MissingHistoryKind::kProxy:
      return "proxy:" + policy.proxy;
  }
  return "exclude";
}

Result<StressWindow> parse_stress_window(std::string_view text) {
  const std::string hint = "; write NAME:START:END, e.g. my-crash:2021-05-12:2021-05-23";
  const auto first = text.find(':');
  if (first == std::string_view::npos || first == 0) {
    return Status::invalid("stress window '" + std::string(text) + "' has no name" + hint);
  }
  StressWindow window;
  window.name = trim(text.substr(0, first));
  const std::string_view rest = text.substr(first + 1);
  // Date-times contain ':' themselves, so try every split of the rest until both sides parse.
  for (std::size_t pos = rest.find(':'); pos != std::string_view::npos;
       pos = rest.find(':', pos + 1)) {
    const auto start = parse_timestamp(trim(rest.substr(0, pos)));
    const auto end = parse_timestamp(trim(rest.substr(pos + 1)));
    if (!start || !end) continue;
    window.start = *start;
    window.end = *end;
    if (window.end <= window.start) {
      return Status::invalid(window_text(window) + ": the end is not after the start" + hint);
    }
    return window;
  }
  return Status::invalid("stress window '" + std::string(text) +
                         "': START and END are not two dates" + hint);
}

Result<std::vector<ReplayRequest>> select_stress_windows(std::string_view selection,
                                                         const std::vector<StressWindow>& custom) {
  const std::vector<StressWindow> builtin = crypto_stress_windows();
  std::string names;
  for (const auto& w : builtin) names += (names.empty() ? "" : ", ") + w.name;
  std::vector<ReplayRequest> out;
  const std::string s = trim(selection);
  if (s == "all" || s.empty()) {
    for (const auto& w : builtin) out.push_back({w, false});
  } else if (s != "none") {
    std::size_t begin = 0;
    while (begin <= s.size()) {
      const std::size_t comma = std::min(s.find(',', begin), s.size());
      const std::string name = trim(std::string_view(s).substr(begin, comma - begin));
      begin = comma + 1;
      if (name.empty()) continue;
      auto it = std::find_if(builtin.begin(), builtin.end(),
                             [&](const StressWindow& w) { return w.name == name; });
      if (it == builtin.end()) {
        return Status::invalid("unknown stress window '" + name + "'; the built-in windows are " +
                               names + " (or all, none; add your own as NAME:START:END)");
      }
      out.push_back({*it, true});
    }
  }
  for (const auto& w : custom) out.push_back({w, true});
  std::set<std::string> seen;
  for (const auto& r : out) {
    if (!seen.insert(r.window.name).second) {
      return Status::invalid("stress window '" + r.window.name +
                             "' is listed twice; give every window its own name");
    }
  }
  return out;
}

std::string_view to_string(ReplayOutcome outcome) {
  switch (outcome) {
    case ReplayOutcome::kReplayed:
      return "replayed";
    case ReplayOutcome::kNotCovered:
      return "not-covered";
    case ReplayOutcome::kMissingHistory:
      return "missing-history";
  }
  return "not-covered";
}

Status ReplayOptions::validate() const { return missing_history.validate(); }

Result<HistoricalStress> replay_stress_windows(const PricePanel& prices,
                                               Eigen::Ref<const Eigen::VectorXd> weights,
                                               const std::vector<ReplayRequest>& windows,
                                               const ReplayOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index n = prices.cols();
  const Eigen::Index rows = prices.rows();
  if (rows < 1 || n < 1 || static_cast<Eigen::Index>(prices.timestamps.size()) != rows ||
      static_cast<Eigen::Index>(prices.assets.size()) != n) {
    return Status::invalid("stress replay: the price panel is empty or inconsistent (" +
                           std::to_string(rows) + " rows, " + std::to_string(n) + " assets)");
  }
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, n));
  Eigen::Index proxy = -1;
  if (options.missing_history.kind == MissingHistoryKind::kProxy) {
    auto idx = prices.asset_index(options.missing_history.proxy);
    if (!idx) {
      return Status::invalid("stress replay: the proxy asset '" + options.missing_history.proxy +
                             "' is not a column of " + prices.source +
                             "; load it with the other assets");
    }
    proxy = *idx;
  }
  std::set<std::string> seen;
  for (const auto& r : windows) {
    if (r.window.end <= r.window.start) {
      return Status::invalid(window_text(r.window) + ": the end is not after the start");
    }
    if (!seen.insert(r.window.name).second) {
      return Status::invalid("stress window '" + r.window.name + "' is listed twice");
    }
  }

  HistoricalStress out;
  out.assets = prices.assets;
  out.weights = weights;
  out.data_start = prices.timestamps.front();
  out.data_end = prices.timestamps.back();
  out.policy = options.missing_history;
  const std::string data_span = "data span " + span_text(out.data_start, out.data_end);

  // First and last quote per asset, for telling "not listed yet" from a gap.
  std::vector<Eigen::Index> first_quote(static_cast<std::size_t>(n), -1);
  std::vector<Eigen::Index> last_quote(static_cast<std::size_t>(n), -1);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index t = 0; t < rows; ++t) {
      if (!std::isfinite(prices.prices(t, j))) continue;
      if (first_quote[static_cast<std::size_t>(j)] < 0)
        first_quote[static_cast<std::size_t>(j)] = t;
      last_quote[static_cast<std::size_t>(j)] = t;
    }
  }
  const auto simple_return = [&](Eigen::Index t, Eigen::Index j) {
    const double a = prices.prices(t - 1, j);
    const double b = prices.prices(t, j);
    return std::isfinite(a) && std::isfinite(b) && a > 0.0 ? b / a - 1.0 : kNaN;
  };

  for (const ReplayRequest& request : windows) {
    const StressWindow& window = request.window;
    WindowReplay w;
    w.window = window;
    w.required = request.required;
    w.asset_return = Eigen::VectorXd::Constant(n, kNaN);
    w.asset_pnl = Eigen::VectorXd::Constant(n, kNaN);
    // Return rows t (t ≥ 1) with start < ts[t] ≤ end.
    const auto& ts = prices.timestamps;
    const auto lo = std::upper_bound(ts.begin(), ts.end(), window.start);
    const auto hi = std::upper_bound(ts.begin(), ts.end(), window.end);
    const Eigen::Index first_row = std::max<Eigen::Index>(1, lo - ts.begin());
    const Eigen::Index end_row = hi - ts.begin();  // one past the last row inside
    const bool covered =
        out.data_start <= window.start && out.data_end >= window.end && end_row > first_row;
    if (!covered) {
      w.outcome = ReplayOutcome::kNotCovered;
      const bool overlaps = out.data_start < window.end && out.data_end > window.start;
      w.reason =
          std::string(overlaps ? "only partly covered by the data" : "not covered by the data") +
          " (" + data_span + ")";
      if (out.data_start <= window.start && out.data_end >= window.end) {
        w.reason = "no price date inside the window (" + data_span +
                   "); the data is sparser than the window";
      }
      if (request.required) {
        return Status::invalid(window_text(window) + " is " + w.reason +
                               "; choose a window inside the data span or load a longer history");
      }
      out.windows.push_back(std::move(w));
      continue;
    }
    w.rows = end_row - first_row;
    w.from = ts[static_cast<std::size_t>(first_row - 1)];
    w.to = ts[static_cast<std::size_t>(end_row - 1)];

    // Returns of the window, with the policy applied to held assets' missing rows.
    Eigen::MatrixXd r(w.rows, n);
    std::string unfilled;
    for (Eigen::Index j = 0; j < n; ++j) {
      Eigen::Index missing = 0;
      for (Eigen::Index k = 0; k < w.rows; ++k) {
        const Eigen::Index t = first_row + k;
        double value = simple_return(t, j);
        if (!std::isfinite(value) && weights[j] != 0.0) {
          ++missing;
          if (options.missing_history.kind == MissingHistoryKind::kCash) {
            value = 0.0;
          } else if (options.missing_history.kind == MissingHistoryKind::kProxy) {
            value = simple_return(t, proxy);
            if (!std::isfinite(value) && unfilled.empty()) {
              unfilled = "the proxy " + options.missing_history.proxy + " has no return on " +
                         format_timestamp(ts[static_cast<std::size_t>(t)]) + " either (for " +
                         prices.assets[static_cast<std::size_t>(j)] + ")";
            }
          }
        }
        r(k, j) = value;
      }
      if (missing == 0) continue;
      MissingHistory m;
      m.asset = prices.assets[static_cast<std::size_t>(j)];
      m.missing_rows = missing;
      m.has_quotes = first_quote[static_cast<std::size_t>(j)] >= 0;
      if (m.has_quotes) {
        m.first_quote = ts[static_cast<std::size_t>(first_quote[static_cast<std::size_t>(j)])];
        m.last_quote = ts[static_cast<std::size_t>(last_quote[static_cast<std::size_t>(j)])];
      }
      m.treatment = options.missing_history.kind == MissingHistoryKind::kExclude
                        ? "excluded"
                        : to_string(options.missing_history);
      w.missing_history.push_back(std::move(m));
    }
    if (!w.missing_history.empty() &&
        (options.missing_history.kind == MissingHistoryKind::kExclude || !unfilled.empty())) {
      w.outcome = ReplayOutcome::kMissingHistory;
      std::string list;
      for (const auto& m : w.missing_history) {
        list += (list.empty() ? "" : ", ") + m.asset + " (" + std::to_string(m.missing_rows) +
                " of " + std::to_string(w.rows) + " rows";
        if (!m.has_quotes) {
          list += ", never quoted";
        } else if (m.first_quote > w.from) {
          list += ", first quote " + format_timestamp(m.first_quote);
        } else if (m.last_quote < w.to) {
          list += ", last quote " + format_timestamp(m.last_quote);
        }
        list += ")";
      }
      w.reason = !unfilled.empty()
                     ? "held assets lack history in the window: " + list + "; " + unfilled
                     : "held assets lack history in the window: " + list +
                           "; not replayed (policy exclude: choose cash or proxy:ASSET to "
                           "replay it anyway, or drop the assets)";
      out.windows.push_back(std::move(w));
      continue;
    }
    if (!w.missing_history.empty()) {
      out.warnings.push_back(window_text(window) + ": " + std::to_string(w.missing_history.size()) +
                             " held asset(s) lack history; their missing rows use the " +
                             to_string(options.missing_history) + " policy");
    }

    // Buy-and-hold value path.
    Eigen::ArrayXd growth = Eigen::ArrayXd::Ones(n);
    double peak = 1.0;
    w.trough = 0.0;
    w.trough_time = w.from;
    w.max_drawdown = 0.0;
    for (Eigen::Index k = 0; k < w.rows; ++k) {
      for (Eigen::Index j = 0; j < n; ++j) {
        if (weights[j] != 0.0) growth[j] *= 1.0 + r(k, j);
      }
      const double value = 1.0 + (weights.array() * (growth - 1.0)).sum();
      if (value - 1.0 < w.trough) {
        w.trough = value - 1.0;
        w.trough_time = ts[static_cast<std::size_t>(first_row + k)];
      }
      peak = std::max(peak, value);
      w.max_drawdown = std::max(w.max_drawdown, (peak - value) / peak);
    }
    for (Eigen::Index j = 0; j < n; ++j) {
      // Unheld assets with gaps have no meaningful return; held ones were filled or excluded.
      bool complete = true;
      Eigen::ArrayXd::Scalar g = 1.0;
      for (Eigen::Index k = 0; k < w.rows; ++k) {
        if (!std::isfinite(r(k, j))) complete = false;
        g *= 1.0 + r(k, j);
      }
      w.asset_return[j] = complete ? g - 1.0 : kNaN;
      w.asset_pnl[j] = weights[j] == 0.0 ? 0.0 : weights[j] * w.asset_return[j];
    }
    w.total = w.asset_pnl.sum();
    w.outcome = ReplayOutcome::kReplayed;
    out.windows.push_back(std::move(w));
  }
  return out;
}

Json HistoricalStress::to_json(double portfolio_value) const {
  Json list = Json::array();
  const bool money = portfolio_value > 0.0 && std::isfinite(portfolio_value);
  for (const WindowReplay& w : windows) {
    Json doc;
    doc["name"] = w.window.name;
    doc["start"] = format_timestamp(w.window.start);
    doc["end"] = format_timestamp(w.window.end);
    doc["status"] = std::string(to_string(w.outcome));
    if (!w.reason.empty()) doc["reason"] = w.reason;
    doc["rows"] = w.rows;
    if (w.rows > 0) {
      doc["from"] = format_timestamp(w.from);
      doc["to"] = format_timestamp(w.to);
    }
    const bool replayed = w.outcome == ReplayOutcome::kReplayed;
    doc["total_pnl"] = json_number(w.total);
    if (money) doc["total_pnl_value"] = json_number(w.total * portfolio_value);
    doc["trough"] = json_number(w.trough);
    doc["trough_date"] = replayed ? Json(format_timestamp(w.trough_time)) : Json(nullptr);
    doc["max_drawdown"] = json_number(w.max_drawdown);
    Json per_asset = Json::object();
    if (replayed) {
      for (std::size_t i = 0; i < assets.size(); ++i) {
        const auto j = static_cast<Eigen::Index>(i);
        Json a{{"weight", json_number(weights[j])},
               {"return", json_number(w.asset_return[j])},
               {"pnl", json_number(w.asset_pnl[j])}};
        if (money) a["pnl_value"] = json_number(w.asset_pnl[j] * portfolio_value);
        per_asset[assets[i]] = std::move(a);
      }
    }
    doc["assets"] = per_asset;
    Json missing = Json::array();
    for (const auto& m : w.missing_history) {
      missing.push_back(
          {{"asset", m.asset},
           {"missing_rows", m.missing_rows},
           {"first_quote", m.has_quotes ? Json(format_timestamp(m.first_quote)) : Json(nullptr)},
           {"last_quote", m.has_quotes ? Json(format_timestamp(m.last_quote)) : Json(nullptr)},
           {"treatment", m.treatment}});
    }
    doc["missing_history"] = missing;
    list.push_back(std::move(doc));
  }
  return list;
}

}  // namespace keel
