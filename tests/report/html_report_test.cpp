// The HTML page: self-contained (no network references, the three Vega bundles inlined), nothing
// can close a <script> element early, every text is escaped, specs round-trip through the page.
#include "keel/report/html_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "report/html_text.hpp"

namespace keel::report {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The specs as the page embeds them, parsed back.
Json embedded_specs(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"keel-specs\">";
  const auto begin = html.find(open);
  EXPECT_NE(begin, std::string::npos);
  const auto end = html.find("</script>", begin);
  return Json::parse(html.substr(begin + open.size(), end - begin - open.size()));
}

Report sample_report() {
  Json spec = {{"title", "Weights"},
               {"mark", "bar"},
               {"data",
                {{"values", Json::array({{{"asset", "BTC"}, {"weight", 0.6}},
                                         {{"asset", "ETH"}, {"weight", 0.4}}})}}},
               {"encoding",
                {{"x", {{"field", "weight"}, {"type", "quantitative"}}},
                 {"y", {{"field", "asset"}, {"type", "nominal"}}}}}};
  Report r;
  r.title = "Test report";
  r.meta = {"data: test"};
  Section s;
  s.title = "Portfolio";
  s.text = "Two assets.";
  s.charts.push_back({.title = "Weights", .spec = spec, .caption = "Bars.", .wide = false});
  s.tables.push_back({.title = "Weights",
                      .columns = {"asset", "weight"},
                      .rows = {{"BTC", "60.00%"}, {"ETH", "40.00%"}},
                      .note = ""});
  r.sections.push_back(std::move(s));
  return r;
}

TEST(HtmlReport, PageIsSelfContainedWithTheThreeBundles) {
  if (!has_vega_libraries())
    GTEST_SKIP() << "built without web/node_modules (run scripts/setup.sh)";
  const std::string html = render_html(sample_report());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // No external resources: no src/href to http(s) or protocol-relative URLs, no <link>, no
  // <script src>, no <iframe>.
  const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, external));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
  // The bundles from web/node_modules are inlined byte for byte (none contains "</script").
  const std::string web = std::string(KEEL_SOURCE_DIR) + "/web/node_modules/";
  for (const char* bundle : {"vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js",
                             "vega-embed/build/vega-embed.min.js"}) {
    const std::string js = read_file(web + bundle);
    ASSERT_GT(js.size(), 10000u) << bundle;
    EXPECT_NE(html.find(js), std::string::npos) << bundle << " is not inlined";
  }
  // Specs JSON, three bundles and the renderer: five script elements, each closed once.
  EXPECT_EQ(count(html, "<script"), 5u);
  EXPECT_EQ(count(html, "</script"), 5u);
  EXPECT_NE(vega_library_versions().find("vega-lite"), std::string::npos);
}

TEST(HtmlReport, HostileTextCannotCloseScriptsOrInjectMarkup) {
  Report r = sample_report();
  const std::string evil = "</script><script>alert(1)</script><!--";
  r.title = "A & B <i>" + evil;
  r.meta.push_back("quote \" and ' apostrophe");
  r.sections[0].title = evil;
  r.sections[0].charts[0].title = evil;
  r.sections[0].charts[0].spec["data"]["values"][0]["asset"] = evil;
  r.sections[0].tables[0].rows.push_back({evil, "1%"});
  const std::string html = render_html(r);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("A &amp; B &lt;i&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--"),
            std::string::npos);
  EXPECT_NE(html.find("quote &quot; and &#39; apostrophe"), std::string::npos);
  const std::size_t scripts = has_vega_libraries() ? 5u : 2u;
  EXPECT_EQ(count(html, "</script"), scripts);
  // The hostile asset name survives inside the spec data, as data.
  const Json specs = embedded_specs(html);
  EXPECT_EQ(specs[0]["data"]["values"][0]["asset"], evil);
}

TEST(HtmlReport, SpecsRoundTripAndTheDuplicateTitleIsDropped) {
  Report r = sample_report();
  Json other = r.sections[0].charts[0].spec;
  other["title"] = "Another title";
  r.sections[0].charts.push_back(
      {.title = "Shown above", .spec = other, .caption = "", .wide = true});
  const Json specs = embedded_specs(render_html(r));
  ASSERT_EQ(specs.size(), 2u);
  Json expected = r.sections[0].charts[0].spec;
  expected.erase("title");  // the HTML heading already says "Weights"
  EXPECT_EQ(specs[0], expected);
  EXPECT_EQ(specs[1], other);  // a different title is kept
}

TEST(HtmlReport, TablesEscapeAndRightAlignNumbers) {
  Report r = sample_report();
  r.sections[0].tables[0].rows.push_back({"<b>SOL</b>", "-1.5e-03"});
  const std::string html = render_html(r);
  EXPECT_NE(html.find("<td>&lt;b&gt;SOL&lt;/b&gt;</td><td class=\"num\">-1.5e-03</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">60.00%</td>"), std::string::npos);
  EXPECT_NE(html.find("<th class=\"num\">weight</th>"), std::string::npos);
  EXPECT_NE(html.find("<th>asset</th>"), std::string::npos);
}

TEST(HtmlReport, WideTablesSpanTheSectionAndScrollInsteadOfBeingCut) {
  Report r = sample_report();
  r.sections[0].tables.push_back(
      {.title = "Many columns",
       .columns = {"strategy", "CAGR", "vol", "Sharpe", "Sortino", "max DD", "Calmar", "costs"},
       .rows = {{"ew", "1.00%", "2.00%", "0.5", "0.6", "3.00%", "0.3", "12.0"}},
       .note = ""});
  r.sections[0].tables.push_back(
      {.title = "Asked wide", .columns = {"a", "b"}, .rows = {}, .note = "", .wide = true});
  const std::string html = render_html(r);
  EXPECT_EQ(count(html, "<div class=\"table wide\">"), 2u);  // the 8 columns and the asked one
  EXPECT_EQ(count(html, "<div class=\"table\">"), 1u);       // the 2-column table stays narrow
  // Every table sits in a box that scrolls sideways; a wide table spans the grid.
  EXPECT_NE(html.find("overflow-x: auto"), std::string::npos);
  EXPECT_NE(html.find(".items > div.table.wide { grid-column: 1 / -1; }"), std::string::npos);
  EXPECT_EQ(count(html, "<div class=\"scroll\"><table>"), 3u);
}

TEST(HtmlReport, MoneyCellsAreRightAligned) {
  Report r = sample_report();
  r.sections[0].tables[0].columns.push_back("value");
  r.sections[0].tables[0].rows[0].push_back("-3,726,441 USD");
  r.sections[0].tables[0].rows[1].push_back("12 USDT");
  const std::string html = render_html(r);
  EXPECT_NE(html.find("<td class=\"num\">-3,726,441 USD</td>"), std::string::npos);
  EXPECT_NE(html.find("<th class=\"num\">value</th>"), std::string::npos);
}

TEST(HtmlReport, ChartContainersCarryTheirIndexAndTitle) {
  const std::string html = render_html(sample_report());
  EXPECT_NE(html.find("data-keel-chart=\"0\" role=\"img\" aria-label=\"Weights\""),
            std::string::npos);
  EXPECT_NE(html.find("console.error"), std::string::npos);  // failures reach the browser test
  EXPECT_NE(html.find("renderer: \"svg\", actions: false"), std::string::npos);
}

TEST(HtmlReport, NeutraliseScript) {
  EXPECT_EQ(internal::neutralise_script("a</script>b</SCRIPT >c"), "a<\\/script>b<\\/SCRIPT >c");
  EXPECT_EQ(internal::neutralise_script("x='<!-- y'"), "x='\\x3C!-- y'");
  EXPECT_EQ(internal::neutralise_script("1 </scrip 2 < 3"), "1 </scrip 2 < 3");
  EXPECT_EQ(internal::neutralise_script("</"), "</");
}

TEST(HtmlReport, ScriptJsonHasNoAngleBracketButParsesBack) {
  const Json value = {{"name", "</script><!--"}, {"x", 1.5}};
  const std::string text = internal::script_json(value);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(Json::parse(text), value);
}

TEST(HtmlReport, WriteErrorsNameTheProblem) {
  if (!has_vega_libraries()) {
    const Status s = write_html_report(sample_report(), "/tmp/never.html");
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
    EXPECT_NE(s.message().find("run scripts/setup.sh and rebuild"), std::string::npos);
    return;
  }
  const Status missing = write_html_report(sample_report(), "/nonexistent-folder/r.html");
  EXPECT_EQ(missing.code(), StatusCode::kInvalidInput);
  EXPECT_NE(missing.message().find("/nonexistent-folder/r.html"), std::string::npos);

  Report bad = sample_report();
  bad.sections[0].charts[0].spec = Json::array();
  const Status not_object = write_html_report(bad, "/tmp/keel-bad-spec.html");
  EXPECT_EQ(not_object.code(), StatusCode::kInvalidInput);
  EXPECT_NE(not_object.message().find("must be a JSON object"), std::string::npos);

  const auto path = std::filesystem::temp_directory_path() / "keel-report-test.html";
  ASSERT_TRUE(write_html_report(sample_report(), path.string()).is_ok());
  EXPECT_EQ(read_file(path.string()), render_html(sample_report()));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace keel::report
