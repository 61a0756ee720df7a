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
};

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
};

Result<Estimates> estimate_all(const MarketInput& market, const EstimatorOptions& options,
                               bool pairwise);

}  // namespace keel::cli
