#include "keel/report/html_report.hpp"

#include <cctype>
#include <cmath>
#include <fstream>
#include <string>

#include "keel/core/file_output.hpp"
#include "keel/core/table.hpp"
#include "report/html_text.hpp"
#include "report/vega_bundles.hpp"

namespace keel::report {

namespace {

// Inline stylesheet: a readable single-column page on phones, chart and table cards side by side
// on wider screens, tables scrollable with a sticky header so 120 rows stay usable.
constexpr std::string_view kStyle = R"css(
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --card: #ffffff; --page: #f3f5f8;
        --accent: #2563eb; --bad: #b42318; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.page, main, footer { max-width: 1320px; margin: 0 auto; padding: 0 20px; }
header.page { padding-top: 28px; padding-bottom: 8px; }
h1 { font-size: 1.7rem; margin: 0 0 6px; letter-spacing: -0.01em; }
.meta { margin: 0; color: var(--muted); font-size: 0.92rem; }
nav.toc { margin: 14px 0 0; display: flex; flex-wrap: wrap; gap: 6px 8px; }
nav.toc a { color: var(--accent); text-decoration: none; font-size: 0.9rem; padding: 2px 10px;
            border: 1px solid var(--line); border-radius: 999px; background: var(--card); }
nav.toc a:hover { border-color: var(--accent); }
section.report-section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
                         margin: 18px 0; padding: 18px 20px 20px; }
section.report-section > h2 { font-size: 1.25rem; margin: 0 0 4px; }
section.report-section > p.text { margin: 0 0 12px; color: var(--muted); max-width: 80ch; }
.items { display: grid; gap: 18px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr));
         align-items: start; }
.items > .wide { grid-column: 1 / -1; }
figure.chart { margin: 0; min-width: 0; }
figure.chart h3, div.table h3 { font-size: 1rem; margin: 6px 0 8px; }
.vega-chart { width: 100%; min-height: 60px; }
.vega-chart svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 6px; }
.chart-error { color: var(--bad); background: #fef3f2; border: 1px solid #fecdca; border-radius: 6px;
               padding: 10px 12px; margin: 0; font-size: 0.9rem; }
div.table { min-width: 0; max-width: 100%; }
.items > div.table.wide { grid-column: 1 / -1; }
div.table.wide th, div.table.wide td { padding: 5px 8px; }
.scroll { max-height: 30rem; overflow: auto; overflow-x: auto; max-width: 100%; border: 1px solid var(--line);
          border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td.prose { white-space: normal; min-width: 24rem; }
th { position: sticky; top: 0; background: #eef1f5; font-weight: 600; z-index: 1; white-space: normal;
     vertical-align: bottom; }
td.num, th.num { text-align: right; }
tbody tr:nth-child(even) td { background: #f8f9fb; }
tbody tr:last-child td { border-bottom: none; }
p.note { color: var(--muted); font-size: 0.82rem; margin: 6px 0 0; }
footer { color: var(--muted); font-size: 0.8rem; padding-top: 4px; padding-bottom: 28px; }
@media (max-width: 640px) {
  header.page, main, footer { padding: 0 10px; }
  section.report-section { padding: 14px 12px; }
  h1 { font-size: 1.4rem; }
}
@media print {
  body { background: #fff; }
  section.report-section { break-inside: avoid; border: none; padding: 0; }
  nav.toc { display: none; }
  .scroll { max-height: none; overflow: visible; }
}
)css";

// Renders every chart container with vegaEmbed; a failure replaces the chart by its message and is
// logged with console.error (the browser test fails on it). When all charts are done the root
// element gets data-keel-charts="done" and window.keelRenderMs the time it took.
constexpr std::string_view kRenderScript = R"js(
(function () {
  "use strict";
  var started = performance.now();
  var specs = JSON.parse(document.getElementById("keel-specs").textContent);
  var jobs = [];
  document.querySelectorAll("[data-keel-chart]").forEach(function (el) {
    var index = Number(el.getAttribute("data-keel-chart"));
    var name = el.getAttribute("aria-label") || "chart " + index;
    function fail(err) {
      el.setAttribute("data-keel-state", "error");
      var box = document.createElement("p");
      box.className = "chart-error";
      box.textContent = "This chart could not be drawn: " + (err && err.message ? err.message : String(err));
      el.replaceChildren(box);
      console.error("keel report: chart '" + name + "' failed:", err);
    }
    if (typeof vegaEmbed !== "function") {
      fail(new Error("the Vega libraries are missing from this file"));
      return;
    }
    jobs.push(vegaEmbed(el, specs[index], { renderer: "svg", actions: false, mode: "vega-lite" })
      .then(function () { el.setAttribute("data-keel-state", "rendered"); }, fail));
  });
  Promise.all(jobs).then(function () {
    window.keelRenderMs = performance.now() - started;
    document.documentElement.setAttribute("data-keel-charts", "done");
  });
})();
)js";

// A cell is right-aligned when it reads as a number: optional sign, digits, separators, and an
// optional trailing unit such as % or x (e.g. "-12.5%", "1,234", "0.83", "1.2e-06", "-").
bool looks_numeric(std::string_view cell) {
  if (cell == "-" || cell == "—") return true;
  std::size_t i = 0;
  if (i < cell.size() && (cell[i] == '-' || cell[i] == '+')) ++i;
  bool digit = false;
  for (; i < cell.size(); ++i) {
    const char c = cell[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' || c == ',' || c == 'e' || c == 'E' ||
               ((c == '-' || c == '+') && i > 0 && (cell[i - 1] == 'e' || cell[i - 1] == 'E'))) {
      continue;
    } else {
      break;
    }
  }
  const std::string_view rest = cell.substr(i);
  if (digit && rest.size() >= 4 && rest.size() <= 6 && rest[0] == ' ') {
    // A money amount: a currency code of 3 to 5 capitals ("USD", "USDT").
    bool code = true;
    for (char c : rest.substr(1)) code = code && c >= 'A' && c <= 'Z';
    if (code) return true;
  }
  return digit && (rest.empty() || rest == "%" || rest == " %" || rest == "x" || rest == " ms" ||
                   rest == " bp" || rest == " bps");
}

}  // namespace

namespace internal {

std::string neutralise_script(std::string_view js) {
  std::string out;
  out.reserve(js.size() + 16);
  std::size_t i = 0;
  while (i < js.size()) {
    if (js[i] == '<' && i + 1 < js.size()) {
      if (js[i + 1] == '/' && i + 8 <= js.size()) {
        std::string word(js.substr(i + 2, 6));
        for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (word == "script") {
          out += "<\\/";
          i += 2;
          continue;
        }
      }
      if (js.substr(i, 4) == "<!--") {
        out += "\\x3C!--";
        i += 4;
        continue;
      }
    }
    out += js[i++];
  }
  return out;
}

std::string script_json(const Json& value) {
  const std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace internal

namespace {

// The spec as embedded: without its top-level title when the HTML heading already shows it.
Json embedded_spec(const Chart& chart) {
  Json spec = chart.spec;
  if (spec.is_object() && spec.contains("title")) {
    const Json& t = spec["title"];
    const bool same = (t.is_string() && t.get<std::string>() == chart.title) ||
                      (t.is_object() && t.contains("text") && t["text"].is_string() &&
                       t["text"].get<std::string>() == chart.title);
    if (same) spec.erase("title");
  }
  return spec;
}

void render_table(const Table& table, std::string& out) {
  const bool wide = table.wide || table.columns.size() > kWideTableColumns;
  out += wide ? "<div class=\"table wide\">" : "<div class=\"table\">";
  if (!table.title.empty()) out += "<h3>" + escape_html(table.title) + "</h3>";
  out += "<div class=\"scroll\"><table><thead><tr>";
  // A column is numeric when every non-empty cell in it is.
  std::vector<bool> numeric(table.columns.size(), true);
  for (const auto& row : table.rows) {
    for (std::size_t j = 0; j < row.size() && j < numeric.size(); ++j) {
      if (!row[j].empty() && !looks_numeric(row[j])) numeric[j] = false;
    }
  }
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    out += numeric[j] && !table.rows.empty() ? "<th class=\"num\">" : "<th>";
    out += escape_html(table.columns[j]) + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (std::size_t j = 0; j < table.columns.size(); ++j) {
      const std::string cell = j < row.size() ? row[j] : std::string();
      // Sentences (messages, explanations) wrap instead of widening the table past the page.
      constexpr std::size_t kProse = 60;
      out += numeric[j]             ? "<td class=\"num\">"
             : cell.size() > kProse ? "<td class=\"prose\">"
                                    : "<td>";
      out += escape_html(cell) + "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  if (!table.note.empty()) out += "<p class=\"note\">" + escape_html(table.note) + "</p>";
  out += "</div>";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool has_vega_libraries() { return !internal::vega_bundles().empty(); }

std::string vega_library_versions() { return std::string(internal::vega_versions()); }

std::string render_html(const Report& report) {
  const internal::VegaBundles bundles = internal::vega_bundles();
  std::string out;
  out.reserve(bundles.vega.size() + bundles.vega_lite.size() + bundles.vega_embed.size() + 65536);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"keel\">\n";
  out += "<title>" + escape_html(report.title) + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header class=\"page\">\n<h1>" + escape_html(report.title) +
         "</h1>\n";
  for (const auto& line : report.meta) out += "<p class=\"meta\">" + escape_html(line) + "</p>\n";
  if (report.sections.size() > 1) {
    out += "<nav class=\"toc\">";
    for (std::size_t s = 0; s < report.sections.size(); ++s) {
      out += "<a href=\"#section-" + std::to_string(s + 1) + "\">" +
             escape_html(report.sections[s].title) + "</a>";
    }
    out += "</nav>\n";
  }
  out += "</header>\n<main>\n";

  Json specs = Json::array();
  for (std::size_t s = 0; s < report.sections.size(); ++s) {
    const Section& section = report.sections[s];
    out += "<section class=\"report-section\" id=\"section-" + std::to_string(s + 1) + "\">\n";
    out += "<h2>" + escape_html(section.title) + "</h2>\n";
    if (!section.text.empty()) out += "<p class=\"text\">" + escape_html(section.text) + "</p>\n";
    out += "<div class=\"items\">\n";
    for (const Chart& chart : section.charts) {
      out += chart.wide ? "<figure class=\"chart wide\">" : "<figure class=\"chart\">";
      if (!chart.title.empty()) out += "<h3>" + escape_html(chart.title) + "</h3>";
      out += "<div class=\"vega-chart\" data-keel-chart=\"" + std::to_string(specs.size()) +
             "\" role=\"img\" aria-label=\"" + escape_html(chart.title) + "\"></div>";
      if (!chart.caption.empty())
        out += "<figcaption>" + escape_html(chart.caption) + "</figcaption>";
      out += "</figure>\n";
      specs.push_back(embedded_spec(chart));
    }
    for (const Table& table : section.tables) {
      render_table(table, out);
      out += "\n";
    }
    out += "</div>\n</section>\n";
  }
  out += "</main>\n<footer>Written by keel";
  if (!bundles.empty()) {
    out += "; charts drawn in the browser by " + escape_html(internal::vega_versions()) +
           ", inlined in this file (no network needed)";
  } else {
    out += ". This keel was built without the Vega libraries, so the charts cannot be drawn";
  }
  out += ".</footer>\n";

  out += "<script type=\"application/json\" id=\"keel-specs\">" + internal::script_json(specs) +
         "</script>\n";
  if (!bundles.empty()) {
    for (std::string_view bundle : {bundles.vega, bundles.vega_lite, bundles.vega_embed}) {
      out += "<script>";
      out += internal::neutralise_script(bundle);
      out += "</script>\n";
    }
  }
  out += "<script>";
  out += kRenderScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

Status write_html_report(const Report& report, const std::string& path) {
  if (!has_vega_libraries()) {
    return Status::invalid(
        "cannot write the report '" + path +
        "': this keel was built without the Vega libraries: run scripts/setup.sh and rebuild");
  }
  for (const Section& section : report.sections) {
    for (const Chart& chart : section.charts) {
      if (!chart.spec.is_object()) {
        return Status::invalid("report section '" + section.title + "', chart '" + chart.title +
                               "': the Vega-Lite spec must be a JSON object");
      }
    }
  }
  const std::string html = render_html(report);
  return write_file_atomically(path, html);
}

std::vector<std::string> report_meta(const Json& inputs) {
  std::vector<std::string> lines;
  if (!inputs.is_object()) return lines;
  auto text = [&](const char* key) -> std::string {
    if (!inputs.contains(key)) return "";
    const Json& v = inputs[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number())
      return format_fixed(v.get<double>(), v.get<double>() == std::floor(v.get<double>()) ? 0 : 2);
    return "";
  };
  std::string data;
  if (!text("source").empty()) data = "Data: " + text("source");
  if (!text("covariance").empty() && text("source").empty())
    data = "Covariance: " + text("covariance");
  std::string shape;
  if (!text("assets").empty()) shape += text("assets") + " assets";
  if (!text("observations").empty())
    shape += (shape.empty() ? "" : ", ") + text("observations") + " returns";
  if (!text("start").empty())
    shape += (shape.empty() ? "" : ", ") + text("start") + " to " + text("end");
  if (!text("periods_per_year").empty()) {
    shape += (shape.empty() ? "" : ", ") + text("periods_per_year") + " periods a year";
  }
  if (!shape.empty()) data += (data.empty() ? "" : " (") + shape + (data.empty() ? "" : ")");
  if (!data.empty()) lines.push_back(data);
  std::string estimators;
  if (inputs.contains("expected_returns") && inputs["expected_returns"].is_string() &&
      !text("expected_returns").empty()) {
    estimators = "expected returns: " + text("expected_returns");
  }
  if (inputs.contains("covariance") && !text("source").empty() && !text("covariance").empty()) {
    estimators +=
        (estimators.empty() ? "" : "; ") + std::string("covariance: ") + text("covariance");
  }
  if (!estimators.empty()) lines.push_back("Estimators: " + estimators);
  return lines;
}

}  // namespace keel::report
