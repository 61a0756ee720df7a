// keel simulate: the embedded deterministic crypto market, written to files.
#include <filesystem>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/simulator.hpp"
#include "keel/data/write_prices.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct SimulateArgs {
  int assets = 30;
  int periods = 1825;
  std::uint64_t seed = 42;
  std::string frequency = "daily";
  std::string output = "prices.csv";
};

// "out/prices.csv" -> "out/prices_market.csv" and "out/prices_metadata.csv".
std::string companion_path(const std::string& path, const std::string& suffix) {
  std::filesystem::path p(path);
  std::string stem = p.stem().string();
  if (p.extension() == ".gz") stem = std::filesystem::path(stem).stem().string();
  return (p.parent_path() / (stem + suffix)).string();
}

int run_simulate(const SimulateArgs& args) {
  SimulatorOptions options;
  options.assets = args.assets;
  options.periods = args.periods;
  options.seed = args.seed;
  options.frequency =
      args.frequency == "hourly" ? SimulatedFrequency::kHourly : SimulatedFrequency::kDaily;
  auto market = simulate_market(options);
  if (!market) return report_error(market.status());

  const std::string market_path = companion_path(args.output, "_market.csv");
  const std::string metadata_path = companion_path(args.output, "_metadata.csv");
  for (const Status& s : {write_wide_csv(market->panel, args.output),
                          write_long_csv(market->panel, market_path),
                          write_metadata(market->metadata, metadata_path)}) {
    if (!s) return report_error(s);
  }
  std::cout << "Simulated " << market->panel.cols() << " assets x " << market->panel.rows()
            << " " << args.frequency << " periods from " << format_timestamp(market->panel.timestamps.front())
            << " (seed " << args.seed << ")\n"
            << "  prices:   " << args.output << "\n"
            << "  market:   " << market_path << " (close, volume, spread per asset and date)\n"
            << "  metadata: " << metadata_path << " (sector, chain, stablecoin, lot size, market cap)\n";
  return 0;
}

}  // namespace

Verb register_simulate(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd =
      app.add_subcommand("simulate", "Write a simulated crypto market (deterministic for a seed)");
  cmd->footer("Example:\n  keel simulate --assets 50 --days 1095 --seed 7 -o prices.csv\n"
              "  keel simulate --frequency hourly --days 2000 -o hourly.csv");
  cmd->add_option("--assets", args->assets, "Number of assets (>= 2)")
      ->check(CLI::Range(2, 2000))
      ->capture_default_str();
  cmd->add_option("--days,--periods", args->periods, "Number of price rows (days, or hours)")
      ->check(CLI::Range(3, 1000000))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  cmd->add_option("--frequency", args->frequency, "daily or hourly")
      ->check(CLI::IsMember({"daily", "hourly"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output,
                  "Wide price CSV to write; <stem>_market.csv and <stem>_metadata.csv go beside it")
      ->capture_default_str();
  return {cmd, [args] { return run_simulate(*args); }};
}

}  // namespace keel::cli
