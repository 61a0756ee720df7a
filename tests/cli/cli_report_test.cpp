// `--report FILE.html` on optimize, frontier and risk: the file is written, self-contained, and
// carries the charts each verb promises; bad report paths fail before any work.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "cli/cli_runner.hpp"
#include "keel/report/html_report.hpp"

namespace keel::testing {
namespace {

class CliReport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!report::has_vega_libraries()) {
      GTEST_SKIP() << "this keel was built without web/node_modules; run scripts/setup.sh";
    }
    prices_ = dir_.file("prices.csv");
    const auto sim =
        run_keel("simulate --assets 10 --days 700 --seed 5 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  std::string prices_args() const { return "--prices '" + prices_ + "' --missing drop-assets:0.5"; }

  // Reads the report and checks what every report must be.
  std::string read_report(const std::string& path) const {
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
    const std::string html = read_text(path);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
    EXPECT_FALSE(std::regex_search(html, external)) << "external reference in " << path;
    EXPECT_NE(html.find("vegaEmbed"), std::string::npos);
    EXPECT_GT(html.size(), 500000u);  // the inlined Vega bundles
    return html;
  }
  static bool has_chart(const std::string& html, const std::string& title) {
    return html.find("aria-label=\"" + title + "\"") != std::string::npos;
  }

  TempDir dir_;
  std::string prices_;
};

TEST_F(CliReport, OptimizeHrpWithGroups) {
  const std::string path = dir_.file("hrp.html");
  const auto r = run_keel("optimize " + prices_args() + " --model hrp --metadata '" +
                              dir_.file("prices_metadata.csv") + "' --report '" + path + "'",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("report written to"), std::string::npos);
  EXPECT_NE(r.out.find("model hrp"), std::string::npos);  // the table still goes to stdout
  const std::string html = read_report(path);
  for (const char* title :
       {"Weights by asset", "Weights by sector", "Weights by chain",
        "Risk contributions vs weights", "Correlation (dendrogram order)",
        "Dendrogram of the hrp clustering", "Assets and portfolio: risk and return"}) {
    EXPECT_TRUE(has_chart(html, title)) << title;
  }
  EXPECT_NE(html.find("<h3>Key numbers</h3>"), std::string::npos);
}

TEST_F(CliReport, OptimizeMaxSharpeWithJsonToStdout) {
  const std::string path = dir_.file("ms.html");
  const auto r = run_keel("optimize " + prices_args() +
                              " --model max-sharpe --max-weight 0.4 "
                              "--format json --report '" +
                              path + "'",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.front(), '{');  // the JSON on stdout is not mixed with report messages
  const std::string html = read_report(path);
  EXPECT_TRUE(has_chart(html, "Correlation (clustered order)"));
  EXPECT_FALSE(has_chart(html, "Dendrogram of the max-sharpe clustering"));
}

TEST_F(CliReport, Frontier) {
  const std::string path = dir_.file("frontier.html");
  const auto r =
      run_keel("frontier " + prices_args() + " --points 12 --report '" + path + "'", dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_report(path);
  for (const char* title : {"Efficient frontier", "Weights of the max-Sharpe portfolio",
                            "Weights of the min-variance portfolio"}) {
    EXPECT_TRUE(has_chart(html, title)) << title;
  }
  EXPECT_NE(html.find("<h3>Frontier points</h3>"), std::string::npos);
}

TEST_F(CliReport, RiskWithLiquidity) {
  const std::string weights = dir_.file("w.json");
  auto w = run_keel(
      "optimize " + prices_args() + " --model inverse-volatility -o '" + weights + "'", dir_);
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const std::string path = dir_.file("risk.html");
  const auto r = run_keel("risk --prices '" + dir_.file("prices_market.csv") +
                              "' --missing drop-assets:0.5 --weights '" + weights +
                              "' --portfolio-value 1e7 --scenarios 2000 --report '" + path + "'",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_report(path);
  for (const char* title : {"VaR, CVaR and LVaR by method (95%, 1 day)", "Growth of 1 (log scale)",
                            "Drawdown of the portfolio", "Rolling 30-day volatility",
                            "Contributions to volatility vs weights"}) {
    EXPECT_TRUE(has_chart(html, title)) << title;
  }
}

TEST_F(CliReport, BadReportFolderFailsBeforeWork) {
  const auto r = run_keel(
      "frontier " + prices_args() + " --report '" + dir_.file("no/such/dir.html") + "'", dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());  // nothing computed or printed
}

}  // namespace
}  // namespace keel::testing
