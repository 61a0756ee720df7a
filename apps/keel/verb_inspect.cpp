// keel inspect: the first look at a price file.
#include <algorithm>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/inspect.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct InspectArgs {
  PriceInputOptions prices;
  OutputOptions output;
  int max_findings = 20;
};

void print_inspection(const PanelInspection& report, int max_findings, std::ostream& out) {
  out << report.assets << " assets, " << report.rows << " rows, " << format_timestamp(report.start)
      << " .. " << format_timestamp(report.end) << ", " << report.frequency.label
      << ", periods_per_year = " << report.frequency.periods_per_year
      << (report.frequency.inferred ? " (inferred)" : " (given)") << "\n";
  if (!report.calendar_gaps.empty()) {
    out << report.calendar_gaps.size() << " calendar gap(s): " << report.calendar_missing
        << " period(s) missing for every asset (counted in the gaps column; see the findings)\n";
  }
  out << "\n";
  const bool quotes = std::any_of(report.per_asset.begin(), report.per_asset.end(),
                                  [](const AssetInspection& a) { return !a.quote.empty(); });
  Table table;
  table.add_column("asset", Align::kLeft);
  if (quotes) table.add_column("quote", Align::kLeft);
  table.add_column("first", Align::kLeft);
  table.add_column("last", Align::kLeft);
  table.add_column("prices");
  table.add_column("gaps");
  table.add_column("ann. return");
  table.add_column("ann. vol");
  table.add_column("worst period");
  table.add_column("on", Align::kLeft);
  for (const auto& a : report.per_asset) {
    const bool any = a.observations > 0;
    std::vector<std::string> row{a.asset};
    if (quotes) row.push_back(a.quote.empty() ? "-" : a.quote);
    for (std::string cell :
         {any ? format_timestamp(a.first) : "-", any ? format_timestamp(a.last) : "-",
          std::to_string(a.observations), std::to_string(a.missing + a.calendar_missing),
          format_percent(a.annualised_return), format_percent(a.annualised_volatility),
          format_percent(a.worst_return), a.returns > 0 ? format_timestamp(a.worst_at) : "-"}) {
      row.push_back(std::move(cell));
    }
    table.add_row(row);
  }
  table.render(out);
  if (report.findings.empty()) {
    out << "\nNo findings.\n";
    return;
  }
  out << "\nFindings (" << report.findings.size() << "):\n";
  int shown = 0;
  for (const auto& f : report.findings) {
    if (shown++ == max_findings) {
      out << "  ... " << (report.findings.size() - static_cast<std::size_t>(max_findings))
          << " more (see --format json)\n";
      break;
    }
    out << "  [" << f.kind << "] " << f.message << "\n";
  }
}

int run_inspect(const InspectArgs& args) {
  auto panel = read_selected_prices(args.prices);
  if (!panel) return report_error(panel.status());
  if (panel->rows() < 2) {
    return report_error(Status::invalid(panel->source + " has " + std::to_string(panel->rows()) +
                                        " price row(s); inspection needs at least 2"));
  }
  auto frequency = infer_frequency(panel->timestamps);
  if (!frequency) return report_error(frequency.status().with_context(panel->source));
  if (args.prices.periods_per_year > 0) {
    frequency->periods_per_year = args.prices.periods_per_year;
    frequency->inferred = false;
  }
  const PanelInspection report = inspect_panel(*panel, *frequency);
  return emit(
      report.to_json(),
      [&](std::ostream& out) { print_inspection(report, args.max_findings, out); }, args.output);
}

}  // namespace

Verb register_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Check a price file: coverage, statistics, findings");
  cmd->footer("Example:\n  keel inspect --prices prices.csv\n"
              "  keel inspect --prices ohlcv_long.csv.gz --assets BTC,ETH --start 2021-01-01 --format json\n"
              "  keel inspect --prices BTCUSDT-1d-2024-01.csv --prices ETHUSDT-1d-2024-01.csv");
  add_price_options(*cmd, args->prices, /*prices_required=*/true, /*numeric=*/false);
  add_output_options(*cmd, args->output);
  cmd->add_option("--max-findings", args->max_findings, "Findings to print in the table view")
      ->capture_default_str();
  return {cmd, [args] { return run_inspect(*args); }};
}

}  // namespace keel::cli
