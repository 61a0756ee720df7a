#pragma once
// Estimator options shared by `estimate`, `optimize`, `frontier` and the strategies of `backtest`:
// the command-line strings converted to the library's options here, once. The defaults and the
// annualisation are the library's (keel/estimate/estimates.hpp).

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

#include "common.hpp"
#include "keel/estimate/estimates.hpp"

namespace keel::cli {

struct EstimatorOptions {
  std::string mu = "mean";
  std::string cov = "sample";
  double ewma_span = std::nan("");
  double half_life = std::nan("");
  double ewma_lambda = std::nan("");
  std::string benchmark;
  double semicovariance_threshold = 0.0;
  double risk_free = 0.0;
  double risk_aversion = 1.0;
  std::string market_caps;
  std::string psd_repair = "none";
  bool simple_annualisation = false;
  // The estimation step's guards (docs/estimation.md): --clean-returns, --min-history,
  // --drop-short-history.
  std::string clean_returns = "none";
  int min_history = 0;  // 0 = a quarter of a year of returns (capped at the window)
  bool drop_short_history = false;
};

// Adds --mu, --cov and their parameters. --risk-free and --risk-aversion are added by the caller
// when it also uses them (they are one option each on a command line).
void add_estimator_options(CLI::App& command, EstimatorOptions& options);
void add_risk_free_option(CLI::App& command, double& risk_free);
void add_risk_aversion_option(CLI::App& command, double& risk_aversion);

// The estimator options as the library's MomentOptions (keel/estimate/estimates.hpp): names
// parsed, numbers copied; the library completes the ewma defaults. `pairwise` says whether the
// returns keep their gaps (--missing pairwise), the only case --psd-repair applies to.
Result<MomentOptions> moment_options(const EstimatorOptions& options, bool pairwise);

// Every estimation option as the library's EstimationOptions. The --market-caps file is read here,
// once, when the expected returns need it (--mu equilibrium) or the caller does
// (`market_caps_wanted`: keel optimize's market-cap and Black–Litterman models).
Result<EstimationOptions> estimation_options(const EstimatorOptions& options,
                                             const PriceInputOptions& prices,
                                             bool market_caps_wanted = false);

// The market's repairs followed by the estimation step's (JSON objects).
Json all_repairs(const MarketEstimates& estimates);

// "keel: warning: ..." on stderr, one line per warning.
void print_warnings(const std::vector<std::string>& warnings);

}  // namespace keel::cli
