#pragma once
// Options and steps shared by the verbs that read prices and write results.

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/market.hpp"

namespace keel::cli {

// --prices, --start, --end, --assets, --missing, --duplicates, --sort, --keep-raw-symbols,
// --periods-per-year, --log-returns as typed; market_options() turns them into the library's
// MarketOptions.
struct PriceInputOptions {
  // --prices, repeatable or a comma list: the files are merged (read_price_files).
  std::vector<std::string> prices;
  std::string start;
  std::string end;
  std::vector<std::string> assets;
  std::string missing = "error";
  std::string duplicates = "error";
  bool keep_raw_symbols = false;  // --keep-raw-symbols: no symbol normalisation
  bool sort = false;  // --sort: sort rows that are out of time order (recorded) instead of failing
  double periods_per_year = 0.0;  // 0 = infer from timestamps
  bool log_returns = false;
};
// `numeric` adds the options that only matter when returns are computed (--missing,
// --periods-per-year, --log-returns); inspection reads raw prices and takes only the rest.
void add_price_options(CLI::App& command, PriceInputOptions& options, bool prices_required,
                       bool numeric = true);

// The command-line strings as the library's options (keel/data/market.hpp), parsed once: errors
// name the option (--duplicates, --start, --missing...).
Result<MarketOptions> market_options(const PriceInputOptions& options);

// The --prices files as one string ("a.csv" or "a.csv,b.csv"), for JSON results and messages.
std::string prices_label(const PriceInputOptions& options);

// Prices as read and narrowed by --start/--end/--assets, before the missing-data policy. An error
// when no --prices file is given.
Result<PricePanel> read_selected_prices(const PriceInputOptions& options);

// keel::prepare_market and keel::load_market with the command-line options.
Result<Market> prepare_market(const PricePanel& panel, const PriceInputOptions& options);
Result<Market> load_market(const PriceInputOptions& options);

// --format table|json and -o FILE. A FILE ending in .json implies json.
struct OutputOptions {
  std::string format = "table";
  std::string output;
};
// `formats` lists what --format accepts (default table and json).
void add_output_options(CLI::App& command, OutputOptions& options,
                        std::vector<std::string> formats = {"table", "json"});
// Emits a verb's result: with -o FILE the JSON goes to FILE and the table to stdout; with
// --format json (and no -o) the JSON goes to stdout; otherwise the table. Returns an exit code.
int emit(const Json& document, const std::function<void(std::ostream&)>& print_table,
         const OutputOptions& options);
// Writes the JSON document to a file; returns an error status naming the file on failure.
Status write_json_file(const Json& document, const std::string& path);

// Prints "keel: error: ..." (and the status kind) on stderr; returns the exit code of
// docs/architecture.md section 3.
int report_error(const Status& status);

}  // namespace keel::cli
