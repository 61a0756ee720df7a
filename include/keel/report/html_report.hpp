#pragma once
// A self-contained HTML report: one file that opens offline in any browser.
//
// A Report is plain data — a title, a few meta lines and sections; a section holds an optional
// paragraph, charts (Vega-Lite specs, see charts.hpp) and tables of strings. render_html() lays it
// out with inline CSS, inlines the minified Vega, Vega-Lite and vega-embed bundles that the build
// embedded from web/node_modules (scripts/setup.sh installs them with npm ci), embeds every spec as
// JSON and renders it with vegaEmbed (SVG renderer, no action menu). Nothing is loaded from the
// network when the page is viewed.
//
// Money cells are written with keel::format_money ("-3,726,441 USD"); such cells, percentages and
// bp count as numbers and are right-aligned.
//
// Tables carry the key numbers of each section so that it reads without its charts (a screen
// reader, a text browser, a mail client that strips scripts). A chart that fails to render shows
// the error in its place and logs it with console.error, which the browser test treats as a
// failure.
//
// Typical use (a verb's --report FILE.html):
//
//   report::Report r{.title = "keel stress", .meta = {"12 assets, 2020-01-01 .. 2024-12-31"}};
//   report::Section& s = r.sections.emplace_back(report::Section{.title = "Scenarios"});
//   auto spec = report::stress_pnl_chart(names, pnl);            // Result<Json>
//   if (!spec) return spec.status();
//   s.charts.push_back({.title = "Stress scenario P&L", .spec = *spec, .caption = "..."});
//   s.tables.push_back({.title = "P&L by scenario", .columns = {"scenario", "P&L"}, .rows = ...});
//   KEEL_RETURN_IF_ERROR(report::write_html_report(r, path));

#include <string>
#include <string_view>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/status.hpp"

namespace keel::report {

// One chart: a Vega-Lite spec (v6) built in C++, e.g. by the builders of charts.hpp.
struct Chart {
  // Heading shown above the chart, as HTML text. When the spec's own top-level "title" says the
  // same, render_html() drops it from the embedded spec so the title is not shown twice.
  std::string title{};
  Json spec{};            // a Vega-Lite spec; "$schema" is optional
  std::string caption{};  // one or two sentences under the chart: what it shows, how to read it
  // Span the whole width of the section instead of one column of the card grid: for time series,
  // heatmaps and dendrograms of many assets.
  bool wide = false;
};

// A table of preformatted strings (format numbers with keel::format_percent / format_fixed).
struct Table {
  std::string title{};
  std::vector<std::string> columns{};            // header cells
  std::vector<std::vector<std::string>> rows{};  // each row at most columns.size() cells
  std::string note{};                            // optional line under the table
  // Span the whole width of the section instead of one column of the card grid. Tables of more
  // than kWideTableColumns columns always do; either way a table wider than its card scrolls
  // sideways inside it rather than being cut off.
  bool wide = false;
};

inline constexpr std::size_t kWideTableColumns = 6;

struct Section {
  std::string title{};
  std::string text{};  // optional paragraph under the heading (plain text, escaped)
  std::vector<Chart> charts{};
  std::vector<Table> tables{};
};

struct Report {
  std::string title{};              // page title and main heading
  std::vector<std::string> meta{};  // subtitle lines: data, period, options, generation time
  std::vector<Section> sections{};
};

// True when this build embedded the Vega bundles (web/node_modules was present at configure
// time). Without them render_html() still produces a page (charts replaced by a notice) but
// write_html_report() refuses.
bool has_vega_libraries();

// The versions of the embedded bundles, e.g. "vega 6.4.0, vega-lite 6.4.3, vega-embed 7.3.0"
// (from the packages' package.json at configure time; "" when the build has none).
std::string vega_library_versions();

// The whole page. Every text is HTML-escaped; specs are embedded as JSON with '<' written as
// \u003c, and any "</script" or "<!--" in the bundles is neutralised, so no content can close the
// script elements early.
std::string render_html(const Report& report);

// Renders and writes the page to `path`. Errors: Status::invalid when the build has no Vega
// bundles (never writes a page that would need the network), when a chart spec is not a JSON
// object, or when the file cannot be written (naming the path).
Status write_html_report(const Report& report, const std::string& path);

// HTML-escapes & < > " ' (exposed for callers that build their own fragments and for tests).
std::string escape_html(std::string_view text);

// Subtitle lines for a report from a result's "inputs" JSON block (docs/architecture.md
// section 3): the source, the number of assets and observations, the date range, periods per
// year and, when present, the estimators.
std::vector<std::string> report_meta(const Json& inputs);

}  // namespace keel::report
