#include "report_option.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>

#include "common.hpp"
#include "keel/core/table.hpp"

namespace keel::cli {

void add_report_option(CLI::App& command, std::string& path) {
  command.add_option("--report", path,
                     "Write a self-contained HTML report (charts and tables, opens offline) to "
                     "this file");
}

Status check_report_option(const std::string& path) {
  if (path.empty()) return Status::ok();
  if (!report::has_vega_libraries()) {
    return Status::invalid("--report " + path +
                           ": this keel was built without the Vega libraries: run scripts/setup.sh "
                           "and rebuild");
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return Status::invalid("--report " + path + ": the folder '" + parent.string() +
                           "' does not exist; create it first");
  }
  return Status::ok();
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

int write_report(const Result<report::Report>& report, const std::string& path) {
  if (path.empty()) return 0;
  if (!report) return report_error(report.status().with_context("--report " + path));
  const Status written = report::write_html_report(*report, path);
  if (!written) return report_error(written);
  std::cerr << "keel: report written to " << path << "\n";
  return 0;
}

}  // namespace keel::cli
