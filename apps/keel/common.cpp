#include "common.hpp"

#include <cmath>
#include <fstream>
#include <iostream>

#include "keel/data/read_prices.hpp"
#include "keel/data/select.hpp"

namespace keel::cli {

void add_price_options(CLI::App& command, PriceInputOptions& options, bool prices_required,
                       bool numeric) {
  auto* prices = command.add_option("--prices", options.prices,
                                    "Price file: wide CSV (date + one column per asset) or long CSV "
                                    "(date,symbol,close[,volume,...]); .gz accepted");
  if (prices_required) prices->required();
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
  command.add_option("--periods-per-year", options.periods_per_year,
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

Result<PricePanel> read_selected_prices(const PriceInputOptions& options) {
  if (options.prices.empty()) {
    return Status::invalid("no price file given; pass --prices FILE (try `keel simulate -o prices.csv`)");
  }
  auto duplicates = parse_duplicate_policy(options.duplicates);
  if (!duplicates) return duplicates.status().with_context("--duplicates");
  ReadOptions read_options;
  read_options.duplicates = *duplicates;
  read_options.sort = options.sort;
  auto panel = read_prices(options.prices, read_options);
  if (!panel) return panel.status();

  std::string assets;
  for (const auto& a : options.assets) assets += (assets.empty() ? "" : ",") + a;
  auto selection = parse_selection(options.start, options.end, assets);
  if (!selection) return selection.status();
  if (!selection->start && !selection->end && selection->assets.empty()) return panel;
  auto selected = select(*panel, *selection);
  if (!selected) return selected.status().with_context(options.prices);
  return selected;
}

Result<MarketInput> prepare_market(PricePanel panel, const PriceInputOptions& options) {
  auto policy = parse_missing_policy(options.missing);
  if (!policy) return policy.status().with_context("--missing");
  auto clean = apply_missing_policy(panel, *policy);
  if (!clean) return clean.status();
  MarketInput input;
  input.panel = std::move(clean->panel);
  // What the reader did beyond parsing (re-sorted rows, dropped duplicates) counts as a repair.
  for (const auto& note : panel.notes) input.repairs.push_back({"read", note});
  for (auto& r : clean->repairs) input.repairs.push_back(std::move(r));
  if (input.panel.rows() < 3) {
    return Status::invalid(input.panel.source + ": only " + std::to_string(input.panel.rows()) +
                           " price rows remain after the missing-data policy; at least 3 are "
                           "needed (widen --start/--end or choose another --missing policy)");
  }
  auto frequency = infer_frequency(input.panel.timestamps);
  if (!frequency) return frequency.status().with_context(input.panel.source);
  input.frequency = *frequency;
  if (options.periods_per_year > 0.0) {
    input.frequency.periods_per_year = options.periods_per_year;
    input.frequency.inferred = false;
  }
  input.returns = compute_returns(input.panel, options.log_returns ? ReturnKind::kLog
                                                                   : ReturnKind::kSimple);
  return input;
}

Result<MarketInput> load_market(const PriceInputOptions& options) {
  auto panel = read_selected_prices(options);
  if (!panel) return panel.status();
  return prepare_market(std::move(*panel), options);
}

Status require_complete_returns(const MarketInput& input, const PriceInputOptions& options) {
  const Eigen::MatrixXd& r = input.returns.values;
  for (Eigen::Index t = 0; t < r.rows(); ++t) {
    for (Eigen::Index j = 0; j < r.cols(); ++j) {
      if (!std::isnan(r(t, j))) continue;
      const std::string& asset = input.panel.assets[static_cast<std::size_t>(j)];
      const bool ffill = options.missing.rfind("ffill:", 0) == 0;
      return Status::invalid(
          input.panel.source + ": " + asset + " has no return on " +
          format_timestamp(input.returns.timestamps[static_cast<std::size_t>(t)]) +
          " after --missing " + options.missing + "; this verb needs one complete return history" +
          (ffill ? " and forward fill never fills before a first quote or after a last one: use "
                   "--missing " + options.missing.substr(0, options.missing.find(',')) +
                   ",drop-rows (the rows where every held asset is quoted), or --start after the "
                   "latest listing"
                 : ": use --missing drop-rows or ffill:N,drop-rows, or --start after the latest "
                   "listing"));
    }
  }
  return Status::ok();
}

Json inputs_json(const MarketInput& input) {
  Json inputs;
  inputs["assets"] = input.panel.assets.size();
  inputs["observations"] = input.returns.values.rows();
  inputs["periods_per_year"] = input.frequency.periods_per_year;
  inputs["start"] = format_timestamp(input.panel.timestamps.front());
  inputs["end"] = format_timestamp(input.panel.timestamps.back());
  inputs["source"] = input.panel.source;
  inputs["returns"] = input.returns.kind == ReturnKind::kLog ? "log" : "simple";
  return inputs;
}

void add_output_options(CLI::App& command, OutputOptions& options,
                        std::vector<std::string> formats) {
  std::string names;
  for (const auto& f : formats) names += (names.empty() ? "" : ", ") + f;
  command.add_option("--format", options.format, "Output format: " + names)
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  command.add_option("-o,--output", options.output,
                     "Also write the full JSON result to this file");
}

Status write_json_file(const Json& document, const std::string& path) {
  std::ofstream out(path);
  if (!out) {
    return Status::invalid("cannot write '" + path + "': check that the folder exists and is writable");
  }
  write_json(document, out);
  out.close();
  if (!out) return Status::internal("writing '" + path + "' failed");
  return Status::ok();
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
