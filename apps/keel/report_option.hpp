#pragma once
// --report FILE.html, shared by the verbs that write an HTML report (optimize, frontier, risk,
// stress, backtest). A verb builds its keel::report::Report in the report library (numerics stay
// out of apps/) and hands it to write_report().
//
//   std::string report_path;                       // in the verb's args
//   add_report_option(*cmd, args->report_path);     // when registering
//   if (auto s = check_report_option(args.report_path); !s) return report_error(s);  // early
//   ...
//   if (int code = write_report(report::optimize_report(*result, input), args.report_path))
//     return code;

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/report/html_report.hpp"

namespace keel::cli {

// The report's subtitle lines from an "inputs" block (keel/report/html_report.hpp).
using report::report_meta;

void add_report_option(CLI::App& command, std::string& path);

// Fails early (before any work) when a report is asked for but cannot be written: this keel was
// built without the Vega libraries, or the file's folder does not exist. Ok when path is empty.
Status check_report_option(const std::string& path);

// Writes the report to `path` when `path` is not empty and says so on stderr. Returns 0, or the
// exit code of the error after printing it (a report that cannot be built or written).
int write_report(const Result<report::Report>& report, const std::string& path);

}  // namespace keel::cli
