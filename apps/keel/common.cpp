#include "common.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "keel/core/file_output.hpp"

namespace keel::cli {

void add_price_options(CLI::App& command, PriceInputOptions& options, bool prices_required,
                       bool numeric) {
  auto* prices =
      command
          .add_option("--prices", options.prices,
                      "Price file: wide CSV (date + one column per asset), long CSV "
                      "(date,symbol,close[,volume,...]) or one pair's klines/OHLCV; .gz accepted. "
                      "Repeat it (or give a comma list) to merge per-pair files")
          ->delimiter(',');
  if (prices_required) prices->required();
  command.add_flag("--keep-raw-symbols", options.keep_raw_symbols,
                   "Keep exchange symbols as written (BTCUSDT) instead of their base asset (BTC)");
  command.add_option("--start", options.start, "First price date to use (inclusive)");
  command.add_option("--end", options.end, "Last price date to use (inclusive)");
  command.add_option("--assets", options.assets, "Comma-separated assets to keep, in this order")
      ->delimiter(',');
  command
      .add_option("--duplicates", options.duplicates,
                  "Duplicate timestamps in a file: error, keep-first, keep-last")
      ->capture_default_str();
  command.add_flag("--sort", options.sort,
                   "Sort rows that are out of time order (listed in diagnostics.repairs) instead "
                   "of refusing the file");
  command
      .add_option("--periods-per-year", options.periods_per_year,
                  "Periods per year for annualising (default: inferred, 365 for daily crypto)")
      ->check(CLI::NonNegativeNumber);
  if (!numeric) return;
  command
      .add_option("--missing", options.missing,
                  "Missing-data policy: error, drop-rows, ffill:N, drop-assets:F, pairwise")
      ->capture_default_str();
  command.add_flag("--log-returns", options.log_returns,
                   "Use log returns instead of simple returns");
}

Result<MarketOptions> market_options(const PriceInputOptions& options) {
  MarketOptions out;
  auto duplicates = parse_duplicate_policy(options.duplicates);
  if (!duplicates) return duplicates.status().with_context("--duplicates");
  out.read.duplicates = *duplicates;
  out.read.sort = options.sort;
  out.read.keep_raw_symbols = options.keep_raw_symbols;
  std::string assets;
  for (const auto& a : options.assets) assets += (assets.empty() ? "" : ",") + a;
  auto selection = parse_selection(options.start, options.end, assets);
  if (!selection) return selection.status();
  out.selection = std::move(*selection);
  auto missing = parse_missing_policy(options.missing);
  if (!missing) return missing.status().with_context("--missing");
  out.missing = *missing;
  out.periods_per_year = options.periods_per_year;
  out.return_kind = options.log_returns ? ReturnKind::kLog : ReturnKind::kSimple;
  return out;
}

std::string prices_label(const PriceInputOptions& options) {
  std::string out;
  for (const auto& p : options.prices) out += (out.empty() ? "" : ",") + p;
  return out;
}

Result<PricePanel> read_selected_prices(const PriceInputOptions& options) {
  if (options.prices.empty()) {
    return Status::invalid(
        "no price file given; pass --prices FILE (try `keel simulate -o prices.csv`)");
  }
  auto market = market_options(options);
  if (!market) return market.status();
  return read_market_prices(options.prices, *market);
}

Result<Market> prepare_market(const PricePanel& panel, const PriceInputOptions& options) {
  auto market = market_options(options);
  if (!market) return market.status();
  return keel::prepare_market(panel, *market);
}

Result<Market> load_market(const PriceInputOptions& options) {
  auto panel = read_selected_prices(options);
  if (!panel) return panel.status();
  return prepare_market(*panel, options);
}

void add_output_options(CLI::App& command, OutputOptions& options,
                        std::vector<std::string> formats) {
  std::string names;
  for (const auto& f : formats) names += (names.empty() ? "" : ", ") + f;
  command.add_option("--format", options.format, "Output format: " + names)
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  command.add_option("-o,--output", options.output, "Also write the full JSON result to this file");
}

Status write_json_file(const Json& document, const std::string& path) {
  std::ostringstream text;
  write_json(document, text);
  return write_file_atomically(path, text.str());
}

int emit(const Json& document, const std::function<void(std::ostream&)>& print_table,
         const OutputOptions& options) {
  if (!options.output.empty()) {
    const Status written = write_json_file(document, options.output);
    if (!written) return report_error(written);
  }
  if (options.format == "json" && options.output.empty()) {
    write_json(document, std::cout);
  } else if (options.format != "json") {
    print_table(std::cout);
  }
  return 0;
}

int report_error(const Status& status) {
  std::cerr << "keel: error: " << status.message() << "\n";
  return exit_code(status.code());
}

}  // namespace keel::cli
