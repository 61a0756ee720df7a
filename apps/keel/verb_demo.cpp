// keel demo: the whole pipeline on the embedded simulated market (or the user's prices): the
// library's demo workflow (keel/workflow/demo.hpp) does the work; this verb supplies the prices
// (a file, or the simulator's market written beside the results), writes results.json and
// report.html, and prints the tables.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/simulator.hpp"
#include "keel/data/write_prices.hpp"
#include "keel/workflow/demo.hpp"
#include "report_option.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct DemoArgs {
  PriceInputOptions prices;
  std::string metadata;
  std::string output_dir = "keel-demo";
  int assets = 30;
  int periods = 1825;
  std::uint64_t seed = 42;
  double risk_free = 0.0;
  double max_weight = 0.25;
  double cash_floor = 0.10;  // share of the book in stablecoins, held as cash
  std::string benchmark;     // buy-and-hold benchmark asset; "" = BTC, else the largest cap
  int window = 365;
  bool no_report = false;
};

// The raw prices and metadata of --prices/--metadata, or the simulator's market (written into the
// output folder as prices.csv, market.csv and metadata.csv).
Result<DemoInput> demo_input(const DemoArgs& args) {
  DemoInput data;
  if (!args.prices.prices.empty()) {
    auto panel = read_selected_prices(args.prices);
    if (!panel) return panel.status();
    data.prices = std::move(*panel);
    if (!args.metadata.empty()) {
      auto m = read_metadata(args.metadata);
      if (!m) return m.status();
      data.metadata = std::move(*m);
    }
    return data;
  }
  SimulatorOptions options;
  options.assets = args.assets;
  options.periods = args.periods;
  options.seed = args.seed;
  auto market = simulate_market(options);
  if (!market) return market.status();
  const auto dir = std::filesystem::path(args.output_dir);
  const std::string prices_path = (dir / "prices.csv").string();
  KEEL_RETURN_IF_ERROR(write_wide_csv(market->panel, prices_path));
  KEEL_RETURN_IF_ERROR(write_long_csv(market->panel, (dir / "market.csv").string()));
  KEEL_RETURN_IF_ERROR(write_metadata(market->metadata, (dir / "metadata.csv").string()));
  data.simulation = {{"assets", args.assets},
                     {"periods", args.periods},
                     {"seed", args.seed},
                     {"prices", prices_path}};
  data.crash_windows = simulated_crash_windows(*market);
  data.metadata = std::move(market->metadata);
  data.prices = std::move(market->panel);
  return data;
}

int run_demo(const DemoArgs& args) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  std::filesystem::create_directories(args.output_dir, ec);
  if (ec) {
    return report_error(Status::invalid("cannot create the output folder '" + args.output_dir +
                                        "': " + ec.message()));
  }
  const auto dir = std::filesystem::path(args.output_dir);
  const std::string report_path = (dir / "report.html").string();
  if (!args.no_report) {
    if (const Status s = check_report_option(report_path); !s) return report_error(s);
  }
  auto market = market_options(args.prices);
  if (!market) return report_error(market.status());
  auto input = demo_input(args);
  if (!input) return report_error(input.status());
  DemoOptions options;
  options.market = std::move(*market);
  options.risk_free_rate = args.risk_free;
  options.max_weight = args.max_weight;
  options.stablecoin_cash = args.cash_floor;
  options.benchmark = args.benchmark;
  options.window = args.window;
  options.build_report = !args.no_report;
  Context context;
  context.set_threads(0);
  auto demo = keel::run_demo(std::move(*input), options, context);
  if (!demo) return report_error(demo.status());

  if (demo->report) {
    const Status written = report::write_html_report(*demo->report, report_path);
    if (!written) return report_error(written);
  }
  const std::string results_path = (dir / "results.json").string();
  const Status written = write_json_file(demo->document, results_path);
  if (!written) return report_error(written);

  const PanelInspection& inspection = demo->inspection;
  std::cout << "Keel demo on " << demo->market.panel.source << ": " << inspection.assets
            << " assets, " << inspection.rows << " rows " << format_timestamp(inspection.start)
            << " .. " << format_timestamp(inspection.end) << " (" << demo->market.frequency.label
            << "), " << inspection.findings.size() << " inspection findings\n";
  std::cout << "Allocation on " << demo->market.panel.cols() << " assets x "
            << demo->market.returns.values.rows() << " returns (--missing " << args.prices.missing
            << "); mean returns, Ledoit-Wolf (constant-correlation target) "
            << "covariance of the risky assets (shrinkage " << format_fixed(demo->shrinkage, 3)
            << ")\nBook: " << demo->book << "\n\n";
  demo->allocation.render(std::cout);
  std::cout << "\n" << demo->backtest_summary << ":\n\n";
  demo->backtest.render(std::cout);
  for (const auto& w : demo->warnings) std::cout << "warning: " << w << "\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "\nResults: " << results_path << "\n";
  if (!args.no_report) std::cout << "Report:  " << report_path << "\n";
  std::cout << "(" << format_fixed(seconds, 1) << " s)\n";
  return demo->exit_code;
}

}  // namespace

Verb register_demo(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  args->prices.missing = "drop-assets:0.5";
  CLI::App* cmd = app.add_subcommand(
      "demo", "Run the pipeline end to end: estimate, allocate, risk, stress, backtest, report");
  cmd->footer(
      "Example:\n  keel demo\n  keel demo --seed 7 --sim-assets 50 --output-dir out\n"
      "  keel demo --prices my_prices.csv --metadata my_metadata.csv --missing ffill:3\n"
      "Writes results.json and report.html (open it in any browser, offline) into the "
      "output folder.");
  add_price_options(*cmd, args->prices, /*prices_required=*/false);
  cmd->add_option("--metadata", args->metadata,
                  "Asset metadata CSV for your own prices (sector, market cap)");
  cmd->add_option("--output-dir", args->output_dir,
                  "Folder for the simulated data, results.json and report.html")
      ->capture_default_str();
  cmd->add_option("--sim-assets", args->assets, "Simulated assets (without --prices)")
      ->check(CLI::Range(5, 2000))
      ->capture_default_str();
  cmd->add_option("--days", args->periods, "Simulated days (without --prices)")
      ->check(CLI::Range(100, 100000))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Simulation seed")->capture_default_str();
  cmd->add_option("--risk-free", args->risk_free, "Annual risk-free rate")->capture_default_str();
  cmd->add_option("--max-weight", args->max_weight,
                  "Weight cap for the mean-variance and CVaR models")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str();
  cmd->add_option("--stablecoin-cash", args->cash_floor,
                  "Share of the book held in the stablecoins of the metadata, as cash split "
                  "equally; the models allocate the rest among the other assets")
      ->check(CLI::Range(0.0, 0.9))
      ->capture_default_str();
  cmd->add_option("--benchmark", args->benchmark,
                  "Buy-and-hold benchmark asset of the backtest (default: BTC when present, else "
                  "the largest market cap, else the first column)");
  cmd->add_option("--window", args->window, "Backtest estimation window (periods)")
      ->capture_default_str();
  cmd->add_flag("--no-report", args->no_report, "Skip the HTML report");
  return {cmd, [args] { return run_demo(*args); }};
}

}  // namespace keel::cli
