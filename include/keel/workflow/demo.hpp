#pragma once
// The demo workflow behind `keel demo` (README, docs/architecture.md section 2): the whole
// pipeline on one price panel, as a library call.
//
//   inspect the raw prices → clean and estimate (load_market / estimate_* functions) → allocate
//   with eight models → risk profile and stress of each book → the exact frontier → a walk-forward
//   backtest of the models against benchmarks → one HTML report and one JSON document
//
// Stablecoins (the metadata's flag) are cash, not a risky asset with near-zero volatility: the
// models allocate the risky sleeve and each book holds `stablecoin_cash` in stablecoins beside
// it, split equally, as a treasury would. The backtest trades the risky sleeve only.
//
//   keel::DemoInput input{.prices = panel, .metadata = metadata};
//   auto demo = keel::run_demo(std::move(input), keel::DemoOptions{}, context);
//   if (!demo) return demo.status();          // bad input: names the asset, option or file
//   keel::write_json(demo->document, out);    // results.json
//
// The caller supplies the panel (a file, or keel::simulate_market) and writes the outputs; the
// CLI verb only parses options and prints the tables this returns.

#include <optional>
#include <string>
#include <vector>

#include "keel/core/context.hpp"
#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/table.hpp"
#include "keel/data/inspect.hpp"
#include "keel/data/market.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/simulator.hpp"
#include "keel/report/html_report.hpp"
#include "keel/risk/stress.hpp"

namespace keel {

struct DemoOptions {
  // How the raw panel becomes returns (selection, missing-data policy, periods per year). Default:
  // drop assets with more than half of their prices missing, then drop the remaining rows with a
  // gap (the CLI's `--missing drop-assets:0.5`).
  MarketOptions market = default_market();
  // Annual risk-free rate of the Sharpe ratios and the max-Sharpe models. Default 0.
  double risk_free_rate = 0.0;
  // Weight cap of the mean-variance, CVaR and Black–Litterman models, in (0, 1]. Default 25%.
  double max_weight = 0.25;
  // Share of each book held in the metadata's stablecoins as cash, in [0, 0.9]. Default 10%.
  double stablecoin_cash = 0.10;
  // Buy-and-hold benchmark of the backtest: this asset; "" (default) = BTC when present, else
  // the largest market cap, else the first column.
  std::string benchmark;
  // Estimation window of the backtest in periods (capped at a third of the rows). Default 365.
  int window = 365;
  // Build the HTML report (DemoResult::report). Default true.
  bool build_report = true;
  // Portfolio value for the liquidity measures and the stress P&L, in quote currency. Default 1e7.
  double portfolio_value = 1e7;

  static MarketOptions default_market();
  // The ranges above; the market options' own checks.
  Status validate() const;
};

struct DemoInput {
  PricePanel prices;                      // raw prices (gaps kept: the backtest follows listings)
  std::optional<AssetMetadata> metadata;  // sector, market caps, stablecoin flags
  // Windows replayed besides the built-in crypto crashes (e.g. simulated_crash_windows()).
  std::vector<StressWindow> crash_windows;
  // The simulator's settings when the prices are simulated (recorded first in the document, and
  // the real crash windows are then stated as hypothetical shocks); null for real prices.
  Json simulation;
};

struct DemoResult {
  Json document;                         // results.json: inputs, estimates, portfolios, backtest
  std::optional<report::Report> report;  // when DemoOptions::build_report
  PanelInspection inspection;            // of the raw prices
  Market market;                         // the cleaned market the models were estimated on
  double shrinkage = 0.0;                // Ledoit–Wolf intensity of the risky sleeve
  std::string book;                      // how the book splits into cash and risky sleeve
  Table allocation;                      // per model: status, return, risk, stress, holdings
  Table backtest;                        // per strategy: CAGR, vol, Sharpe, drawdown, costs
  std::string backtest_summary;          // dates, window, costs and benchmark of the backtest
  std::vector<std::string> warnings;     // the library's, prefixed by where they came from
  int exit_code = 0;                     // exit code of the least usable model (0: all usable)
};

// Runs the demo workflow. Errors (bad input, too few assets) name the asset, option or window;
// models that fail to solve are reported in the document and the table with their status.
Result<DemoResult> run_demo(DemoInput input, const DemoOptions& options, const Context& context);

// The longest three runs of a simulated market's crash flag, as stress windows in time order.
std::vector<StressWindow> simulated_crash_windows(const SimulatedMarket& market);

}  // namespace keel
