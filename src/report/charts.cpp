#include "keel/report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iterator>
#include <string_view>
#include <map>
#include <numeric>
#include <set>

#include "keel/optimize/hierarchical.hpp"

namespace keel::report {

namespace {

constexpr const char* kSchema = "https://vega.github.io/schema/vega-lite/v6.json";
constexpr const char* kBlue = "#2563eb";
constexpr const char* kRed = "#c0392b";
constexpr const char* kGreen = "#2e7d32";
constexpr const char* kAmber = "#f59e0b";
// The label layout of scatter charts assumes at least this plot area (pixels) and font size.
constexpr double kLabelPlotWidth = 440.0;
constexpr double kLabelPlotHeight = 380.0;
constexpr int kLabelFontSize = 10;
// Plot width of faceted time charts (pixels): Vega-Lite cannot fit a facet to its container, so
// it gets a fixed width that fills a wide card; the page scales the SVG down on narrow screens.
constexpr int kFacetWidth = 1120;

// 6 significant digits: enough for any chart or tooltip, and short once printed (nlohmann writes
// the shortest decimal that reads back to the same double).
double round6(double x) {
  if (!std::isfinite(x) || x == 0.0) return x;
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(x))));
  const int decimals = 5 - magnitude;
  if (decimals >= 0 && decimals <= 22) {
    const double scale = std::pow(10.0, decimals);
    return std::round(x * scale) / scale;
  }
  if (decimals < 0 && decimals >= -22) {
    const double scale = std::pow(10.0, -decimals);
    return std::round(x / scale) * scale;
  }
  return x;
}

Json number(double x) { return json_number(round6(x)); }

Json base_spec(const std::string& title) {
  return {{"$schema", kSchema},
          {"title", title},
          {"config",
           {{"axis", {{"labelFontSize", 11}, {"titleFontSize", 12}, {"titleFontWeight", "normal"}}},
            {"legend", {{"labelFontSize", 11}, {"titleFontSize", 12}}},
            {"title", {{"fontSize", 14}, {"anchor", "start"}}},
            {"view", {{"stroke", nullptr}}}}}};
}

// Full width of the chart's container, growing with the page; the height stays as specified (a
// fixed number of pixels or a step per category), so only x is fitted.
void set_container_width(Json& spec) {
  spec["width"] = "container";
  spec["autosize"] = {{"type", "fit-x"}, {"contains", "padding"}};
}

// Axis labels in percent. "%" without a precision lets Vega pick the decimals from the tick step,
// so 0.05% steps of a calm portfolio read as such instead of a column of "0%".
Json percent_field(const std::string& field, const std::string& title, const char* format = "%") {
  return {
      {"field", field}, {"type", "quantitative"}, {"title", title}, {"axis", {{"format", format}}}};
}

Json tooltip(const std::string& field, const std::string& title, const char* type = "nominal",
             const char* format = nullptr) {
  Json t = {{"field", field}, {"type", type}, {"title", title}};
  if (format != nullptr) t["format"] = format;
  return t;
}

Status check_names(const std::vector<std::string>& names, const char* what) {
  std::set<std::string> seen;
  for (const auto& n : names) {
    if (!seen.insert(n).second) {
      return Status::invalid(std::string(what) + " '" + n +
                             "' appears twice; chart categories must be distinct");
    }
  }
  return Status::ok();
}

Status check_sizes(const std::vector<std::string>& names, Eigen::Index values, const char* what,
                   const char* chart) {
  if (names.empty()) return Status::invalid(std::string(chart) + ": no " + what + " to draw");
  if (static_cast<Eigen::Index>(names.size()) != values) {
    return Status::invalid(std::string(chart) + ": " + std::to_string(names.size()) + " " + what +
                           " but " + std::to_string(values) + " values");
  }
  return Status::ok();
}

Status check_finite(const Eigen::Ref<const Eigen::VectorXd>& v,
                    const std::vector<std::string>& names, const char* what, const char* chart) {
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v(i))) {
      return Status::invalid(std::string(chart) + ": " + what + " of '" +
                             names[static_cast<std::size_t>(i)] + "' is not a finite number");
    }
  }
  return Status::ok();
}

// Order of indices by decreasing value (stable, so ties keep their input order).
std::vector<std::size_t> by_decreasing(const Eigen::Ref<const Eigen::VectorXd>& v) {
  std::vector<std::size_t> order(static_cast<std::size_t>(v.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return v(static_cast<Eigen::Index>(a)) > v(static_cast<Eigen::Index>(b));
  });
  return order;
}

// One band per category, narrower when there are many so 120 assets stay on a screen or two.
int band_step(std::size_t categories) { return categories > 40 ? 12 : 18; }

// Height in pixels for `categories` bands of `per_band` pixels. A fixed number rather than
// {"step": ...}: Vega-Lite warns about (and drops) fitting the width to the container when the
// other dimension is a step.
int band_height(std::size_t categories, int per_band) {
  return std::max(60, static_cast<int>(categories) * per_band);
}

// ------------------------------------------------------------------------------------ time series

Status check_time_series(const TimeSeries& ts, const char* chart) {
  const auto rows = static_cast<Eigen::Index>(ts.timestamps.size());
  if (rows == 0 || ts.names.empty()) {
    return Status::invalid(std::string(chart) +
                           ": no data (need at least one timestamp and series)");
  }
  if (ts.values.rows() != rows || ts.values.cols() != static_cast<Eigen::Index>(ts.names.size())) {
    return Status::invalid(std::string(chart) + ": values are " + std::to_string(ts.values.rows()) +
                           " × " + std::to_string(ts.values.cols()) + " but there are " +
                           std::to_string(rows) + " timestamps and " +
                           std::to_string(ts.names.size()) + " series names");
  }
  for (std::size_t t = 1; t < ts.timestamps.size(); ++t) {
    if (ts.timestamps[t] <= ts.timestamps[t - 1]) {
      return Status::invalid(std::string(chart) + ": timestamps must increase strictly (" +
                             format_timestamp(ts.timestamps[t]) + " follows " +
                             format_timestamp(ts.timestamps[t - 1]) + ")");
    }
  }
  return check_names(ts.names, "series");
}

bool all_midnight(const std::vector<Timestamp>& timestamps) {
  return std::all_of(timestamps.begin(), timestamps.end(),
                     [](Timestamp t) { return t % kSecondsPerDay == 0; });
}

Json date_row(Timestamp t, const std::string& series, double value) {
  return {{"date", t * 1000}, {"series", series}, {"value", number(value)}};
}

// The rows of every series, each downsampled on its own values (downsample.hpp). `sign` flips the
// plotted value (drawdowns go down).
Json series_rows(const TimeSeries& ts, Eigen::Index max_points, double sign = 1.0) {
  Json rows = Json::array();
  for (Eigen::Index j = 0; j < ts.values.cols(); ++j) {
    // Downsample the finite part only, so a series that starts late keeps its own first row.
    std::vector<Eigen::Index> finite;
    for (Eigen::Index t = 0; t < ts.values.rows(); ++t) {
      if (std::isfinite(ts.values(t, j))) finite.push_back(t);
    }
    Eigen::VectorXd v(static_cast<Eigen::Index>(finite.size()));
    for (std::size_t k = 0; k < finite.size(); ++k) {
      v(static_cast<Eigen::Index>(k)) = ts.values(finite[k], j);
    }
    for (Eigen::Index k : downsample_indices(v, max_points)) {
      const Eigen::Index t = finite[static_cast<std::size_t>(k)];
      rows.push_back(date_row(ts.timestamps[static_cast<std::size_t>(t)],
                              ts.names[static_cast<std::size_t>(j)], sign * ts.values(t, j)));
    }
  }
  return rows;
}

// The x encoding of every time chart. Over more than two months the ticks fall on month starts
// every 1, 2, 3, 6 or 12+ months (at most about a dozen) and read "Jan 2023" or "2023": Vega's
// default labels name months without their year ("April"), which over several years does not
// say which April. Shorter spans keep Vega's own labels (days of one or two months).
Json time_axis_x(const std::vector<Timestamp>& timestamps) {
  Json x = {{"field", "date"},
            {"type", "temporal"},
            {"title", "Date (UTC)"},
            {"scale", {{"type", "utc"}}}};
  if (timestamps.size() < 2) return x;
  const double days =
      static_cast<double>(timestamps.back() - timestamps.front()) / static_cast<double>(kSecondsPerDay);
  if (days <= 62.0) return x;
  const double months = days / 30.44;
  int step = 1;
  for (int candidate : {1, 2, 3, 6, 12, 24, 36, 60, 120}) {
    step = candidate;
    if (months / candidate <= 12.0) break;
  }
  // No "formatType": the utc scale already makes Vega-Lite format its ticks in UTC (and it takes
  // an explicit "utc" format type on an axis for a custom one, with a warning).
  x["axis"] = {{"format", step >= 12 ? "%Y" : "%b %Y"},
               {"tickCount", {{"interval", step >= 12 ? "year" : "month"},
                              {"step", step >= 12 ? step / 12 : step}}},
               {"labelOverlap", true},
               {"labelFlush", true}};
  return x;
}

Json date_tooltip(const TimeSeries& ts) {
  return {{"field", "date"},
          {"type", "temporal"},
          {"title", "Date"},
          {"format", all_midnight(ts.timestamps) ? "%Y-%m-%d" : "%Y-%m-%d %H:%M"},
          {"formatType", "utc"}};
}

Json time_spec(const std::string& title, const TimeSeries& ts, Json rows, Json mark, Json y,
               const char* value_format) {
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = 320;
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = std::move(mark);
  spec["encoding"] = {
      {"x", time_axis_x(ts.timestamps)},
      {"y", std::move(y)},
      {"color",
       {{"field", "series"},
        {"type", "nominal"},
        {"title", "Series"},
        {"sort", ts.names},
        {"legend", ts.names.size() > 1 ? Json{{"orient", "top"}, {"columns", 6}} : Json(nullptr)}}},
      {"tooltip", Json::array({tooltip("series", "Series"), date_tooltip(ts),
                               tooltip("value", "Value", "quantitative", value_format)})}};
  return spec;
}

// ----------------------------------------------------------------------------------- dendrogram

// Validates a scipy linkage matrix: (n − 1) × 4, integral ids, each child formed before its row
// and used once, finite nonnegative distances.
Status check_linkage(const Eigen::Ref<const Eigen::MatrixXd>& z, Eigen::Index n) {
  if (z.cols() != 4 || z.rows() != n - 1) {
    return Status::invalid(
        "dendrogram: the linkage matrix must be (n − 1) × 4 for n = " + std::to_string(n) +
        " assets, got " + std::to_string(z.rows()) + " × " + std::to_string(z.cols()));
  }
  std::vector<bool> used(static_cast<std::size_t>(2 * n - 1), false);
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    for (int c = 0; c < 2; ++c) {
      const double id = z(i, c);
      if (!(id >= 0.0) || id != std::floor(id) || id >= static_cast<double>(n + i)) {
        return Status::invalid("dendrogram: linkage row " + std::to_string(i) +
                               " refers to cluster " + std::to_string(id) +
                               ", which does not exist yet (ids 0.." + std::to_string(n + i - 1) +
                               ")");
      }
      const auto k = static_cast<std::size_t>(id);
      if (used[k]) {
        return Status::invalid("dendrogram: cluster " + std::to_string(k) +
                               " is merged twice (linkage row " + std::to_string(i) + ")");
      }
      used[k] = true;
    }
    if (!std::isfinite(z(i, 2)) || z(i, 2) < 0.0) {
      return Status::invalid("dendrogram: linkage row " + std::to_string(i) +
                             " has a merge distance that is not a finite nonnegative number");
    }
  }
  return Status::ok();
}

// ------------------------------------------------------------------------------- label layout

// Where a point's name goes, as a text mark's offsets from the point (pixels).
struct LabelPlacement {
  const char* name;
  const char* align;
  int dx, dy;
};
constexpr LabelPlacement kPlacements[] = {{"right", "left", 7, 3},
                                          {"left", "right", -7, 3},
                                          {"above", "center", 0, -9},
                                          {"below", "center", 0, 15}};

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

struct PlacedLabel {
  std::string text;
  double x, y;    // data coordinates of the point it names
  int placement;  // index into kPlacements
};

// The data range of a scatter chart.
struct Domain {
  double x_min = std::numeric_limits<double>::infinity();
  double x_max = -std::numeric_limits<double>::infinity();
  double y_min = std::numeric_limits<double>::infinity();
  double y_max = -std::numeric_limits<double>::infinity();
  void include(double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    x_min = std::min(x_min, x);
    x_max = std::max(x_max, x);
    y_min = std::min(y_min, y);
    y_max = std::max(y_max, y);
  }
};

Domain domain_of(const std::vector<double>& xs, const std::vector<double>& ys) {
  Domain d;
  for (std::size_t i = 0; i < xs.size(); ++i) d.include(xs[i], ys[i]);
  return d;
}

// Names beside scatter points without collisions. Vega-Lite has no label layout, so it is done
// here on an assumed plot of `width` × `height` pixels: a lower bound of the real size (the chart
// only grows with its container), so labels that clear each other here clear on the page too.
// Points closer than a few pixels share one label ("USDC, USDT"); each label then takes the first
// of right / left / above / below that overlaps no point and no label placed before it, or is
// left to the tooltip when none does.
std::vector<PlacedLabel> layout_labels(const std::vector<std::string>& names,
                                       const std::vector<double>& xs, const std::vector<double>& ys,
                                       const std::vector<std::pair<double, double>>& obstacles,
                                       const Domain& domain, double width, double height,
                                       double font_size) {
  std::vector<PlacedLabel> out;
  const std::size_t n = names.size();
  if (n == 0 || !(domain.x_max >= domain.x_min) || !(domain.y_max >= domain.y_min)) return out;
  // "nice" scales widen the domain; assume they add a tenth on each side, which only brings the
  // points closer together (conservative).
  const double x_span = std::max(domain.x_max - domain.x_min, 1e-12) * 1.2;
  const double y_span = std::max(domain.y_max - domain.y_min, 1e-12) * 1.2;
  auto px = [&](double x) { return (x - domain.x_min) / x_span * width + 0.1 * width; };
  auto py = [&](double y) {
    return height - ((y - domain.y_min) / y_span * height + 0.1 * height);
  };

  // Merge points within `merge` pixels (single linkage) into one label.
  const double merge = 0.6 * font_size;
  std::vector<int> cluster(n);
  std::iota(cluster.begin(), cluster.end(), 0);
  std::function<int(int)> root = [&](int i) {
    return cluster[static_cast<std::size_t>(i)] == i ? i
                                                     : root(cluster[static_cast<std::size_t>(i)]);
  };
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (std::hypot(px(xs[i]) - px(xs[j]), py(ys[i]) - py(ys[j])) <= merge) {
        cluster[static_cast<std::size_t>(root(static_cast<int>(j)))] = root(static_cast<int>(i));
      }
    }
  }
  // Obstacles: every point (tagged with its label group, which its own label may touch), the
  // portfolios' diamonds (group −1) and the labels placed so far (group −1).
  std::vector<std::pair<Box, int>> taken;
  const double point_half = 4.0;
  for (std::size_t i = 0; i < n; ++i) {
    taken.push_back({{px(xs[i]) - point_half, py(ys[i]) - point_half, px(xs[i]) + point_half,
                      py(ys[i]) + point_half},
                     root(static_cast<int>(i))});
  }
  for (const auto& [x, y] : obstacles) {
    taken.push_back({{px(x) - 8.0, py(y) - 8.0, px(x) + 8.0, py(y) + 8.0}, -1});
  }
  const double char_width = 0.62 * font_size;  // a little wider than the average glyph
  const double text_height = font_size + 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    const int group = static_cast<int>(i);
    if (root(group) != group) continue;
    std::vector<std::string> members;
    for (std::size_t j = 0; j < n; ++j) {
      if (root(static_cast<int>(j)) == group) members.push_back(names[j]);
    }
    std::string text;
    for (std::size_t k = 0; k < members.size() && k < 3; ++k) {
      if (k > 0) text += ", ";
      text += members[k];
    }
    if (members.size() > 3) text += " +" + std::to_string(members.size() - 3);
    const double w = char_width * static_cast<double>(text.size());
    const double x = px(xs[i]), y = py(ys[i]);
    for (int p = 0; p < static_cast<int>(std::size(kPlacements)); ++p) {
      const LabelPlacement& lp = kPlacements[p];
      const std::string_view align = lp.align;
      const double left = align == "left" ? x + lp.dx : align == "right" ? x + lp.dx - w : x - w / 2;
      // dy moves the baseline; the text rises above it.
      const Box box{left, y + lp.dy - text_height + 2.0, left + w, y + lp.dy + 2.0};
      const bool inside = box.x0 >= 0.0 && box.x1 <= width && box.y0 >= 0.0 && box.y1 <= height;
      const bool clear = std::none_of(taken.begin(), taken.end(), [&](const auto& t) {
        return t.second != group && box.overlaps(t.first);
      });
      if (inside && clear) {
        taken.push_back({box, -1});
        out.push_back({text, xs[i], ys[i], p});
        break;
      }
    }
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------------- frontier

Result<Json> frontier_chart(const FrontierChartInput& input, const std::string& title) {
  const char* chart = "frontier chart";
  if (input.curve_volatility.size() != input.curve_return.size()) {
    return Status::invalid("frontier chart: the curve has " +
                           std::to_string(input.curve_volatility.size()) + " volatilities but " +
                           std::to_string(input.curve_return.size()) + " returns");
  }
  if (input.asset_volatility.size() != input.asset_return.size() ||
      static_cast<Eigen::Index>(input.assets.size()) != input.asset_return.size()) {
    return Status::invalid("frontier chart: " + std::to_string(input.assets.size()) +
                           " asset names, " + std::to_string(input.asset_volatility.size()) +
                           " volatilities and " + std::to_string(input.asset_return.size()) +
                           " returns; give one of each per asset");
  }
  if (input.curve_return.size() == 0 && input.assets.empty() && input.portfolios.empty()) {
    return Status::invalid("frontier chart: nothing to draw (no curve, assets or portfolios)");
  }
  KEEL_RETURN_IF_ERROR(check_finite(input.asset_volatility, input.assets, "volatility", chart));
  KEEL_RETURN_IF_ERROR(check_finite(input.asset_return, input.assets, "expected return", chart));

  const Json x = percent_field("volatility", "Volatility (annualised, %)");
  const Json y = percent_field("return", "Expected return (annualised, %)");
  Json x_axis = x;
  x_axis["scale"] = {{"zero", false}, {"nice", true}};
  Json y_axis = y;
  y_axis["scale"] = {{"zero", false}, {"nice", true}};
  const Json tip_vol = tooltip("volatility", "Volatility", "quantitative", ".2%");
  const Json tip_ret = tooltip("return", "Expected return", "quantitative", ".2%");

  Json layers = Json::array();
  if (input.curve_return.size() > 0) {
    Json rows = Json::array();
    for (Eigen::Index i = 0; i < input.curve_return.size(); ++i) {
      if (!std::isfinite(input.curve_volatility(i)) || !std::isfinite(input.curve_return(i))) {
        return Status::invalid("frontier chart: curve point " + std::to_string(i) +
                               " is not finite");
      }
      rows.push_back({{"volatility", number(input.curve_volatility(i))},
                      {"return", number(input.curve_return(i))},
                      {"order", i}});
    }
    layers.push_back({{"data", {{"values", std::move(rows)}}},
                      {"mark", {{"type", "line"}, {"color", kBlue}, {"strokeWidth", 2.5}}},
                      {"encoding",
                       {{"x", x_axis},
                        {"y", y_axis},
                        {"order", {{"field", "order"}, {"type", "quantitative"}}},
                        {"tooltip", Json::array({tip_vol, tip_ret})}}}});
  }
  if (!input.assets.empty()) {
    Json rows = Json::array();
    for (std::size_t i = 0; i < input.assets.size(); ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      rows.push_back({{"asset", input.assets[i]},
                      {"volatility", number(input.asset_volatility(k))},
                      {"return", number(input.asset_return(k))}});
    }
    layers.push_back({{"data", {{"values", rows}}},
                      {"mark",
                       {{"type", "point"},
                        {"filled", true},
                        {"size", 45},
                        {"color", "#6b7280"},
                        {"opacity", 0.85}}},
                      {"encoding",
                       {{"x", x_axis},
                        {"y", y_axis},
                        {"tooltip", Json::array({tooltip("asset", "Asset"), tip_vol, tip_ret})}}}});
    if (static_cast<int>(input.assets.size()) <= input.max_labelled_assets) {
      std::vector<double> xs, ys;
      for (Eigen::Index k = 0; k < input.asset_volatility.size(); ++k) {
        xs.push_back(round6(input.asset_volatility(k)));
        ys.push_back(round6(input.asset_return(k)));
      }
      // The diamonds of the portfolios are obstacles; the curve only widens the domain (a label
      // may cross the line).
      std::vector<std::pair<double, double>> obstacles;
      for (const auto& p : input.portfolios) {
        if (std::isfinite(p.volatility) && std::isfinite(p.expected_return)) {
          obstacles.emplace_back(p.volatility, p.expected_return);
        }
      }
      Domain domain = domain_of(xs, ys);
      for (const auto& [ox, oy] : obstacles) domain.include(ox, oy);
      for (Eigen::Index k = 0; k < input.curve_return.size(); ++k) {
        domain.include(input.curve_volatility(k), input.curve_return(k));
      }
      const auto placed = layout_labels(input.assets, xs, ys, obstacles, domain, kLabelPlotWidth,
                                        kLabelPlotHeight, kLabelFontSize);
      for (int p = 0; p < static_cast<int>(std::size(kPlacements)); ++p) {
        Json label_rows = Json::array();
        for (const auto& l : placed) {
          if (l.placement != p) continue;
          label_rows.push_back({{"label", l.text}, {"volatility", l.x}, {"return", l.y}});
        }
        if (label_rows.empty()) continue;
        layers.push_back({{"name", std::string("asset labels ") + kPlacements[p].name},
                          {"data", {{"values", std::move(label_rows)}}},
                          {"mark",
                           {{"type", "text"},
                            {"align", kPlacements[p].align},
                            {"dx", kPlacements[p].dx},
                            {"dy", kPlacements[p].dy},
                            {"fontSize", kLabelFontSize},
                            {"color", "#4b5563"}}},
                          {"encoding", {{"x", x_axis}, {"y", y_axis}, {"text", {{"field", "label"}}}}}});
      }
    }
  }
  if (!input.portfolios.empty()) {
    Json rows = Json::array();
    std::vector<std::string> names;
    for (const auto& p : input.portfolios) {
      if (!std::isfinite(p.volatility) || !std::isfinite(p.expected_return)) {
        return Status::invalid("frontier chart: portfolio '" + p.name +
                               "' has no finite volatility and expected return");
      }
      names.push_back(p.name);
      rows.push_back({{"portfolio", p.name},
                      {"volatility", number(p.volatility)},
                      {"return", number(p.expected_return)}});
    }
    KEEL_RETURN_IF_ERROR(check_names(names, "portfolio"));
    layers.push_back(
        {{"data", {{"values", std::move(rows)}}},
         {"mark",
          {{"type", "point"},
           {"shape", "diamond"},
           {"filled", true},
           {"size", 220},
           {"stroke", "#111827"},
           {"strokeWidth", 1},
           {"opacity", 1}}},
         {"encoding",
          {{"x", x_axis},
           {"y", y_axis},
           {"color",
            {{"field", "portfolio"},
             {"type", "nominal"},
             {"title", "Portfolio"},
             {"sort", names},
             {"scale", {{"scheme", "category10"}}},
             {"legend", {{"orient", "bottom"}}}}},
           {"tooltip", Json::array({tooltip("portfolio", "Portfolio"), tip_vol, tip_ret})}}}});
  }
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = 380;
  spec["layer"] = std::move(layers);
  return spec;
}

// -------------------------------------------------------------------------------------- weights

Result<Json> weights_chart(const std::vector<std::string>& assets,
                           const Eigen::Ref<const Eigen::VectorXd>& weights,
                           const std::string& title) {
  const char* chart = "weights chart";
  KEEL_RETURN_IF_ERROR(check_sizes(assets, weights.size(), "assets", chart));
  KEEL_RETURN_IF_ERROR(check_names(assets, "asset"));
  KEEL_RETURN_IF_ERROR(check_finite(weights, assets, "weight", chart));
  Json rows = Json::array();
  for (std::size_t i : by_decreasing(weights)) {
    rows.push_back(
        {{"asset", assets[i]}, {"weight", number(weights(static_cast<Eigen::Index>(i)))}});
  }
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = band_height(assets.size(), band_step(assets.size()));
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = {{"type", "bar"}, {"cornerRadiusEnd", 2}};
  spec["encoding"] = {
      {"y", {{"field", "asset"}, {"type", "nominal"}, {"sort", nullptr}, {"title", "Asset"}}},
      {"x", percent_field("weight", "Weight (% of portfolio value)")},
      {"color", {{"condition", {{"test", "datum.weight < 0"}, {"value", kRed}}}, {"value", kBlue}}},
      {"tooltip", Json::array({tooltip("asset", "Asset"),
                               tooltip("weight", "Weight", "quantitative", ".2%")})}};
  return spec;
}

Result<Json> group_weights_chart(const std::vector<std::string>& assets,
                                 const Eigen::Ref<const Eigen::VectorXd>& weights,
                                 const std::vector<std::string>& tags, const std::string& tag_name,
                                 const std::string& title) {
  const char* chart = "group weights chart";
  KEEL_RETURN_IF_ERROR(check_sizes(assets, weights.size(), "assets", chart));
  KEEL_RETURN_IF_ERROR(check_finite(weights, assets, "weight", chart));
  if (tags.size() != assets.size()) {
    return Status::invalid("group weights chart: " + std::to_string(tags.size()) + " " + tag_name +
                           " tags for " + std::to_string(assets.size()) + " assets");
  }
  std::vector<std::string> groups;
  std::map<std::string, std::pair<double, int>> totals;
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const std::string group = tags[i].empty() ? "untagged" : tags[i];
    auto [it, inserted] = totals.try_emplace(group, 0.0, 0);
    if (inserted) groups.push_back(group);
    it->second.first += weights(static_cast<Eigen::Index>(i));
    it->second.second += 1;
  }
  Eigen::VectorXd sums(static_cast<Eigen::Index>(groups.size()));
  for (std::size_t g = 0; g < groups.size(); ++g) {
    sums(static_cast<Eigen::Index>(g)) = totals[groups[g]].first;
  }
  Json rows = Json::array();
  for (std::size_t g : by_decreasing(sums)) {
    rows.push_back({{"group", groups[g]},
                    {"weight", number(sums(static_cast<Eigen::Index>(g)))},
                    {"assets", totals[groups[g]].second}});
  }
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = band_height(groups.size(), 22);
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = {{"type", "bar"}, {"cornerRadiusEnd", 2}};
  std::string label = tag_name;
  if (!label.empty())
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  spec["encoding"] = {
      {"y", {{"field", "group"}, {"type", "nominal"}, {"sort", nullptr}, {"title", label}}},
      {"x", percent_field("weight", "Weight (% of portfolio value)")},
      {"color", {{"condition", {{"test", "datum.weight < 0"}, {"value", kRed}}}, {"value", kBlue}}},
      {"tooltip",
       Json::array({tooltip("group", label), tooltip("weight", "Weight", "quantitative", ".2%"),
                    tooltip("assets", "Assets", "quantitative")})}};
  return spec;
}

Result<Json> risk_contributions_chart(const std::vector<std::string>& assets,
                                      const Eigen::Ref<const Eigen::VectorXd>& weights,
                                      const Eigen::Ref<const Eigen::VectorXd>& contributions,
                                      const std::string& measure, const std::string& title) {
  const char* chart = "risk contributions chart";
  KEEL_RETURN_IF_ERROR(check_sizes(assets, weights.size(), "assets", chart));
  KEEL_RETURN_IF_ERROR(check_sizes(assets, contributions.size(), "assets", chart));
  KEEL_RETURN_IF_ERROR(check_names(assets, "asset"));
  KEEL_RETURN_IF_ERROR(check_finite(weights, assets, "weight", chart));
  KEEL_RETURN_IF_ERROR(check_finite(contributions, assets, "risk contribution", chart));
  const std::string risk_series = "risk contribution";
  Json rows = Json::array();
  for (std::size_t i : by_decreasing(weights)) {
    const auto k = static_cast<Eigen::Index>(i);
    rows.push_back({{"asset", assets[i]}, {"series", "weight"}, {"value", number(weights(k))}});
    rows.push_back(
        {{"asset", assets[i]}, {"series", risk_series}, {"value", number(contributions(k))}});
  }
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = band_height(assets.size(), assets.size() > 40 ? 16 : 26);  // two bars each
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = {{"type", "bar"}};
  const Json series_order = Json::array({"weight", risk_series});
  spec["encoding"] = {
      {"y", {{"field", "asset"}, {"type", "nominal"}, {"sort", nullptr}, {"title", "Asset"}}},
      {"yOffset", {{"field", "series"}, {"type", "nominal"}, {"sort", series_order}}},
      {"x", percent_field("value", "Share of portfolio value or of " + measure + " (%)")},
      {"color",
       {{"field", "series"},
        {"type", "nominal"},
        {"title", nullptr},
        {"scale", {{"domain", series_order}, {"range", Json::array({kBlue, kAmber})}}},
        {"legend", {{"orient", "top"}}}}},
      {"tooltip", Json::array({tooltip("asset", "Asset"), tooltip("series", "Series"),
                               tooltip("value", "Share", "quantitative", ".2%")})}};
  return spec;
}

// ---------------------------------------------------------------------------------- correlation

Result<Json> correlation_heatmap(const std::vector<std::string>& assets,
                                 const Eigen::Ref<const Eigen::MatrixXd>& correlation,
                                 const std::vector<int>& order, const std::string& title) {
  const auto n = static_cast<Eigen::Index>(assets.size());
  if (n == 0) return Status::invalid("correlation heatmap: no assets to draw");
  if (correlation.rows() != n || correlation.cols() != n) {
    return Status::invalid(
        "correlation heatmap: the matrix is " + std::to_string(correlation.rows()) + " × " +
        std::to_string(correlation.cols()) + " for " + std::to_string(n) + " assets");
  }
  KEEL_RETURN_IF_ERROR(check_names(assets, "asset"));
  std::vector<int> display = order;
  if (display.empty()) {
    display.resize(assets.size());
    std::iota(display.begin(), display.end(), 0);
  }
  std::vector<int> sorted = display;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted.size() != assets.size() || sorted[i] != static_cast<int>(i)) {
      return Status::invalid(
          "correlation heatmap: the display order must list every asset index "
          "0.." +
          std::to_string(n - 1) + " once");
    }
  }
  Json names = Json::array();
  for (int i : display) names.push_back(assets[static_cast<std::size_t>(i)]);
  Json rows = Json::array();
  for (int i : display) {
    for (int j : display) {
      const double rho = correlation(i, j);
      if (!std::isfinite(rho)) {
        return Status::invalid("correlation heatmap: the correlation of '" +
                               assets[static_cast<std::size_t>(i)] + "' and '" +
                               assets[static_cast<std::size_t>(j)] + "' is not finite");
      }
      rows.push_back({{"row", assets[static_cast<std::size_t>(i)]},
                      {"column", assets[static_cast<std::size_t>(j)]},
                      {"correlation", json_number(std::round(rho * 1e4) / 1e4)}});
    }
  }
  // Cells of 6–28 px: 120 assets fit in about 720 px; labels only while they stay legible.
  const int step = std::clamp(static_cast<int>(720 / n), 6, 28);
  const bool labels = step >= 9;
  Json axis = {{"labels", labels},
               {"ticks", labels},
               {"domain", false},
               {"labelFontSize", std::min(11, step - 1)}};
  Json x_axis = axis;
  x_axis["labelAngle"] = -60;
  Json spec = base_spec(title);
  spec["width"] = {{"step", step}};
  spec["height"] = {{"step", step}};
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = {{"type", "rect"}};
  spec["encoding"] = {
      {"x",
       {{"field", "column"},
        {"type", "nominal"},
        {"sort", names},
        {"title", "Asset"},
        {"axis", x_axis}}},
      {"y",
       {{"field", "row"},
        {"type", "nominal"},
        {"sort", names},
        {"title", "Asset"},
        {"axis", axis}}},
      {"color",
       {{"field", "correlation"},
        {"type", "quantitative"},
        {"title", "Correlation"},
        {"scale", {{"domain", Json::array({-1, 1})}, {"scheme", "redblue"}, {"reverse", true}}}}},
      {"tooltip", Json::array({tooltip("row", "Asset"), tooltip("column", "With"),
                               tooltip("correlation", "Correlation", "quantitative", ".3f")})}};
  return spec;
}

// ----------------------------------------------------------------------------------- dendrogram

Result<Json> dendrogram_chart(const Eigen::Ref<const Eigen::MatrixXd>& linkage,
                              const std::vector<std::string>& assets,
                              const std::vector<int>& leaf_order_in, const std::string& title) {
  const auto n = static_cast<Eigen::Index>(assets.size());
  if (n < 2) return Status::invalid("dendrogram: needs at least two assets");
  KEEL_RETURN_IF_ERROR(check_linkage(linkage, n));
  const std::vector<int> leaves = leaf_order_in.empty() ? leaf_order(linkage) : leaf_order_in;
  std::vector<int> sorted = leaves;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted.size() != assets.size() || sorted[i] != static_cast<int>(i)) {
      return Status::invalid("dendrogram: the leaf order must list every asset index 0.." +
                             std::to_string(n - 1) + " once");
    }
  }
  // Position and height of every node: leaves at their rank in the leaf order and height 0,
  // clusters at the mean of their children's positions and at their merge distance.
  std::vector<double> position(static_cast<std::size_t>(2 * n - 1), 0.0);
  std::vector<double> height(static_cast<std::size_t>(2 * n - 1), 0.0);
  for (std::size_t rank = 0; rank < leaves.size(); ++rank) {
    position[static_cast<std::size_t>(leaves[rank])] = static_cast<double>(rank);
  }
  Json rows = Json::array();
  for (Eigen::Index i = 0; i < linkage.rows(); ++i) {
    const auto a = static_cast<std::size_t>(linkage(i, 0));
    const auto b = static_cast<std::size_t>(linkage(i, 1));
    const double d = linkage(i, 2);
    const auto node = static_cast<std::size_t>(n + i);
    position[node] = 0.5 * (position[a] + position[b]);
    height[node] = d;
    const Json size = number(linkage(i, 3));
    for (std::size_t child : {a, b}) {
      rows.push_back({{"node", node},
                      {"distance", number(height[child])},
                      {"distance2", number(d)},
                      {"position", number(position[child])},
                      {"position2", number(position[child])},
                      {"size", size}});
    }
    rows.push_back({{"node", node},
                    {"distance", number(d)},
                    {"distance2", number(d)},
                    {"position", number(position[a])},
                    {"position2", number(position[b])},
                    {"size", size}});
  }
  // Axis labels: the asset at each leaf position, looked up in an array literal (each name
  // written as a JSON string, which is also a valid Vega expression string).
  std::string names_literal = "[";
  Json ticks = Json::array();
  for (std::size_t rank = 0; rank < leaves.size(); ++rank) {
    if (rank > 0) names_literal += ",";
    names_literal += Json(assets[static_cast<std::size_t>(leaves[rank])]).dump();
    ticks.push_back(rank);
  }
  names_literal += "]";
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = std::max<Eigen::Index>(160, n * (n > 40 ? 12 : 18));
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = {{"type", "rule"}, {"color", "#374151"}, {"strokeWidth", 1.5}};
  spec["encoding"] = {
      {"x",
       {{"field", "distance"},
        {"type", "quantitative"},
        {"title", "Merge distance"},
        {"axis", {{"tickCount", 8}}},
        {"scale", {{"zero", true}}}}},
      {"x2", {{"field", "distance2"}}},
      {"y",
       {{"field", "position"},
        {"type", "quantitative"},
        {"title", nullptr},
        {"scale",
         {{"domain", Json::array({-0.5, static_cast<double>(n) - 0.5})},
          {"reverse", true},
          {"nice", false},
          {"zero", false}}},
        {"axis",
         {{"values", ticks},
          {"labelExpr", names_literal + "[datum.value]"},
          {"grid", false},
          {"domain", false},
          {"ticks", false},
          {"labelFontSize", n > 40 ? 9 : 11}}}}},
      {"y2", {{"field", "position2"}}},
      {"tooltip", Json::array({tooltip("size", "Assets in cluster", "quantitative"),
                               tooltip("distance2", "Merge distance", "quantitative", ".4f")})}};
  return spec;
}

// ---------------------------------------------------------------------------------- time series

Result<Json> equity_curves_chart(const TimeSeries& equity, const TimeChartOptions& options) {
  KEEL_RETURN_IF_ERROR(check_time_series(equity, "equity curves chart"));
  for (Eigen::Index j = 0; j < equity.values.cols(); ++j) {
    for (Eigen::Index t = 0; t < equity.values.rows(); ++t) {
      const double v = equity.values(t, j);
      if (std::isfinite(v) && v <= 0.0) {
        return Status::invalid("equity curves chart: '" +
                               equity.names[static_cast<std::size_t>(j)] + "' is " +
                               std::to_string(v) + " on " +
                               format_timestamp(equity.timestamps[static_cast<std::size_t>(t)]) +
                               "; a log scale needs positive values (wealth, not P&L)");
      }
    }
  }
  Json y = {{"field", "value"},
            {"type", "quantitative"},
            {"title", options.y_title.empty() ? "Growth of 1 (log scale)" : options.y_title},
            {"scale", {{"type", "log"}, {"nice", false}}},
            {"axis", {{"format", "~g"}}}};
  return time_spec(options.title.empty() ? "Equity curves (log scale)" : options.title, equity,
                   series_rows(equity, options.max_points),
                   {{"type", "line"}, {"strokeWidth", 1.6}, {"interpolate", "linear"}},
                   std::move(y), ".4f");
}

Result<Json> drawdown_chart(const TimeSeries& drawdowns, const TimeChartOptions& options) {
  KEEL_RETURN_IF_ERROR(check_time_series(drawdowns, "drawdown chart"));
  Json y =
      percent_field("value", options.y_title.empty() ? "Drawdown from peak (%)" : options.y_title);
  y["stack"] = nullptr;
  const std::string title = options.title.empty() ? "Drawdowns" : options.title;
  Json rows = series_rows(drawdowns, options.max_points, -1.0);
  const Json area = {{"type", "area"}, {"opacity", 0.35}, {"line", {{"strokeWidth", 1.2}}}};
  if (drawdowns.names.size() == 1) {
    return time_spec(title, drawdowns, std::move(rows), area, std::move(y), ".2%");
  }
  // Several series: one small area chart per series, stacked in rows on shared axes, so each
  // strategy's drawdowns read on their own and still compare by position (overlapping areas of
  // many strategies are unreadable).
  const auto k = static_cast<int>(drawdowns.names.size());
  y["title"] = nullptr;
  y["axis"]["tickCount"] = 3;
  y["axis"]["grid"] = true;
  Json unit = {{"width", kFacetWidth},
               {"height", std::clamp(360 / k, 48, 90)},
               {"mark", area},
               {"encoding",
                {{"x", time_axis_x(drawdowns.timestamps)},
                 {"y", std::move(y)},
                 {"color",
                  {{"field", "series"},
                   {"type", "nominal"},
                   {"sort", drawdowns.names},
                   {"legend", nullptr}}},
                 {"tooltip", Json::array({tooltip("series", "Series"), date_tooltip(drawdowns),
                                          tooltip("value", "Drawdown", "quantitative", ".2%")})}}}};
  Json spec = base_spec(title);
  spec["data"] = {{"values", std::move(rows)}};
  spec["facet"] = {{"row",
                    {{"field", "series"},
                     {"type", "nominal"},
                     {"sort", drawdowns.names},
                     {"title", options.y_title.empty() ? "Drawdown from peak (%)" : options.y_title},
                     {"header",
                      {{"labelAngle", 0},
                       {"labelAlign", "left"},
                       {"labelAnchor", "start"},
                       {"labelOrient", "top"},
                       {"labelFontSize", 11},
                       {"labelPadding", 2},
                       {"titleFontSize", 12},
                       {"titleFontWeight", "normal"}}}}}};
  spec["spacing"] = 8;
  spec["spec"] = std::move(unit);
  spec["resolve"] = {{"scale", {{"x", "shared"}, {"y", "shared"}}}};
  return spec;
}

Result<Json> rolling_volatility_chart(const TimeSeries& volatility,
                                      const TimeChartOptions& options) {
  KEEL_RETURN_IF_ERROR(check_time_series(volatility, "rolling volatility chart"));
  Json y = percent_field("value",
                         options.y_title.empty() ? "Volatility, annualised (%)" : options.y_title);
  return time_spec(options.title.empty() ? "Rolling volatility" : options.title, volatility,
                   series_rows(volatility, options.max_points),
                   {{"type", "line"}, {"strokeWidth", 1.4}}, std::move(y), ".2%");
}

Result<Json> weights_over_time_chart(const TimeSeries& weights, int max_assets,
                                     const TimeChartOptions& options) {
  KEEL_RETURN_IF_ERROR(check_time_series(weights, "weights over time chart"));
  if (max_assets < 1) return Status::invalid("weights over time chart: max_assets must be ≥ 1");
  const Eigen::Index k = weights.values.cols();
  // Mean |weight| over the rows where the asset has one; NaN rows count as 0 in the stack.
  Eigen::VectorXd size(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    double sum = 0.0;
    for (Eigen::Index t = 0; t < weights.values.rows(); ++t) {
      if (std::isfinite(weights.values(t, j))) sum += std::abs(weights.values(t, j));
    }
    size(j) = sum / static_cast<double>(weights.values.rows());
  }
  std::vector<std::size_t> order = by_decreasing(size);
  const bool other = static_cast<Eigen::Index>(max_assets) < k;
  if (other) order.resize(static_cast<std::size_t>(max_assets));
  std::vector<bool> shown(static_cast<std::size_t>(k), false);
  for (std::size_t j : order) shown[j] = true;
  std::vector<std::string> names;
  for (std::size_t j : order) names.push_back(weights.names[j]);
  if (other) {
    names.push_back("other");
    KEEL_RETURN_IF_ERROR(check_names(names, "series"));
  }
  Json rows = Json::array();
  for (Eigen::Index t : stride_indices(weights.values.rows(), options.max_points)) {
    const Timestamp time = weights.timestamps[static_cast<std::size_t>(t)];
    double rest = 0.0;
    for (Eigen::Index j = 0; j < k; ++j) {
      const double w = weights.values(t, j);
      if (!shown[static_cast<std::size_t>(j)] && std::isfinite(w)) rest += w;
    }
    for (std::size_t j : order) {
      const double w = weights.values(t, static_cast<Eigen::Index>(j));
      rows.push_back(date_row(time, weights.names[j], std::isfinite(w) ? w : 0.0));
    }
    if (other) rows.push_back(date_row(time, "other", rest));
  }
  TimeSeries shown_series{weights.timestamps, names, {}};
  Json y = percent_field("value", options.y_title.empty() ? "Weight (%)" : options.y_title);
  y["stack"] = "zero";
  Json spec = time_spec(options.title.empty() ? "Weights over time" : options.title, shown_series,
                        std::move(rows), {{"type", "area"}, {"interpolate", "step-after"}},
                        std::move(y), ".2%");
  spec["encoding"]["color"]["scale"] = {{"scheme", "tableau20"}};
  spec["encoding"]["order"] = {{"field", "rank"}, {"type", "quantitative"}};
  // Stack in the order of the legend (largest asset at the bottom).
  spec["transform"] = Json::array(
      {{{"calculate", "indexof(" + Json(names).dump() + ", datum.series)"}, {"as", "rank"}}});
  return spec;
}

// ------------------------------------------------------------------------------------------ risk

Result<Json> tail_risk_chart(const std::vector<TailRiskEstimate>& estimates, double confidence,
                             int horizon, const std::string& period_name) {
  if (estimates.empty()) return Status::invalid("tail risk chart: no estimates to draw");
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::invalid("tail risk chart: confidence must be in (0, 1)");
  }
  Json rows = Json::array();
  std::vector<std::string> methods;
  bool has[3] = {false, false, false};
  const char* measures[3] = {"VaR", "CVaR", "LVaR"};
  for (const auto& e : estimates) {
    methods.push_back(e.method);
    const double values[3] = {e.var, e.cvar, e.lvar};
    for (int m = 0; m < 3; ++m) {
      if (!std::isfinite(values[m])) continue;
      has[m] = true;
      rows.push_back(
          {{"method", e.method}, {"measure", measures[m]}, {"value", number(values[m])}});
    }
  }
  KEEL_RETURN_IF_ERROR(check_names(methods, "method"));
  if (rows.empty()) return Status::invalid("tail risk chart: every estimate is NaN");
  Json domain = Json::array();
  Json range = Json::array();
  const char* colours[3] = {kBlue, "#7c3aed", kAmber};
  for (int m = 0; m < 3; ++m) {
    if (!has[m]) continue;
    domain.push_back(measures[m]);
    range.push_back(colours[m]);
  }
  std::string title = has[2] ? "VaR, CVaR and LVaR by method" : "VaR and CVaR by method";
  const double percent = confidence * 100.0;
  char level[32];
  std::snprintf(level, sizeof level, "%.4g%%", percent);
  title += " (" + std::string(level) + ", " + std::to_string(horizon) + " " + period_name +
           (horizon == 1 ? "" : "s") + ")";
  std::size_t longest = 0;
  for (const auto& m : methods) longest = std::max(longest, m.size());
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = 300;
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = {{"type", "bar"}, {"cornerRadiusEnd", 2}};
  spec["encoding"] = {
      {"x",
       {{"field", "method"},
        {"type", "nominal"},
        {"sort", methods},
        {"title", "Method"},
        {"axis", {{"labelAngle", longest > 14 ? -20 : 0}}}}},
      {"xOffset", {{"field", "measure"}, {"type", "nominal"}, {"sort", domain}}},
      {"y", percent_field("value", "Loss (% of portfolio value)")},
      {"color",
       {{"field", "measure"},
        {"type", "nominal"},
        {"title", "Measure"},
        {"scale", {{"domain", domain}, {"range", range}}},
        {"legend", {{"orient", "top"}}}}},
      {"tooltip", Json::array({tooltip("method", "Method"), tooltip("measure", "Measure"),
                               tooltip("value", "Loss", "quantitative", ".2%")})}};
  return spec;
}

Result<Json> stress_pnl_chart(const std::vector<std::string>& scenarios,
                              const Eigen::Ref<const Eigen::VectorXd>& pnl,
                              const std::string& title) {
  const char* chart = "stress chart";
  KEEL_RETURN_IF_ERROR(check_sizes(scenarios, pnl.size(), "scenarios", chart));
  KEEL_RETURN_IF_ERROR(check_names(scenarios, "scenario"));
  KEEL_RETURN_IF_ERROR(check_finite(pnl, scenarios, "P&L", chart));
  Json rows = Json::array();
  const Eigen::VectorXd negated = -pnl;
  for (std::size_t i : by_decreasing(negated)) {  // worst (most negative) first
    rows.push_back(
        {{"scenario", scenarios[i]}, {"pnl", number(pnl(static_cast<Eigen::Index>(i)))}});
  }
  Json spec = base_spec(title);
  set_container_width(spec);
  spec["height"] = band_height(scenarios.size(), 24);
  spec["data"] = {{"values", std::move(rows)}};
  spec["mark"] = {{"type", "bar"}, {"cornerRadiusEnd", 2}};
  spec["encoding"] = {
      {"y", {{"field", "scenario"}, {"type", "nominal"}, {"sort", nullptr}, {"title", "Scenario"}}},
      {"x", percent_field("pnl", "P&L (% of portfolio value)")},
      {"color", {{"condition", {{"test", "datum.pnl < 0"}, {"value", kRed}}}, {"value", kGreen}}},
      {"tooltip", Json::array({tooltip("scenario", "Scenario"),
                               tooltip("pnl", "P&L", "quantitative", ".2%")})}};
  return spec;
}

}  // namespace keel::report
