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

int write_report(const Result<report::Report>& report, const std::string& path) {
  if (path.empty()) return 0;
  if (!report) return report_error(report.status().with_context("--report " + path));
  const Status written = report::write_html_report(*report, path);
  if (!written) return report_error(written);
  std::cerr << "keel: report written to " << path << "\n";
  return 0;
}

}  // namespace keel::cli
