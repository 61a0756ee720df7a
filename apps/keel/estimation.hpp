#pragma once
// Estimator options shared by `estimate`, `optimize` and `frontier`: names are converted to the
// library's enums here, once.

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

#include "common.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/expected_returns.hpp"

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

// The covariance where the CLI chooses one for the user (backtest strategies, help examples):
// Ledoit–Wolf toward constant correlation keeps each asset's own variance, which a scaled
// identity target does not (stablecoins next to small caps). docs/estimation.md.
inline constexpr const char* kDefaultShrinkageCovariance = "ledoit-wolf-constant-correlation";

// Adds --mu, --cov and their parameters. --risk-free and --risk-aversion are added by the caller
// when it also uses them (they are one option each on a command line).
void add_estimator_options(CLI::App& command, EstimatorOptions& options);
void add_risk_free_option(CLI::App& command, double& risk_free);
void add_risk_aversion_option(CLI::App& command, double& risk_aversion);

// The estimator options as library option structs. Expected returns that need data beyond the
// returns matrix (capm's --benchmark column, equilibrium's --market-caps) are completed by the
// caller.
Result<CovarianceOptions> covariance_options(const EstimatorOptions& options, bool pairwise);
Result<ExpectedReturnOptions> expected_return_options(const EstimatorOptions& options,
                                                      double periods_per_year);

// Expected returns and covariance, both annualised with the market's periods_per_year.
struct Estimates {
  ExpectedReturns mu;
  CovarianceEstimate cov;
  Eigen::MatrixXd annual_covariance;
  // Every warning of the estimation step, as the library wrote it: history shorter than the
  // window, extreme returns, shrinkage, implausible expected returns.
  std::vector<std::string> warnings;
  // What the estimation step changed, as JSON objects with "action" and "detail": assets dropped
  // for short history, clipped returns (with asset, date, raw, clipped), covariance repairs.
  Json repairs = Json::array();
};

// Checks each asset's history (dropping short assets from `market` when asked), cleans the
// returns in `market` when asked, then estimates. `market` is updated so that its panel and
// returns are those the estimates describe. With `mu_optional` (a model that does not need
// expected returns, model.hpp needs_expected_returns) an expected-return estimate that fails
// leaves `mu.annualised` empty and adds a warning instead of failing.
Result<Estimates> estimate_all(MarketInput& market, const EstimatorOptions& options, bool pairwise,
                               bool mu_optional = false);

// The market's repairs followed by the estimation step's (JSON objects).
Json all_repairs(const MarketInput& market, const Estimates& estimates);

// "keel: warning: ..." on stderr, one line per warning.
void print_warnings(const std::vector<std::string>& warnings);

}  // namespace keel::cli
