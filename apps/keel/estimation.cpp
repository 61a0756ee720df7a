#include "estimation.hpp"

#include <fmt/format.h>

#include <iostream>

#include "keel/data/labeled_csv.hpp"

namespace keel::cli {

namespace {

Result<PsdRepair> parse_psd_repair(const std::string& name) {
  if (name == "none") return PsdRepair::kNone;
  if (name == "clip") return PsdRepair::kClip;
  if (name == "higham") return PsdRepair::kHigham;
  if (name == "spectral") return PsdRepair::kPyPortfolioOpt;
  return Status::invalid("--psd-repair '" + name +
                         "' is unknown; use none, clip, higham or spectral");
}

}  // namespace

void add_estimator_options(CLI::App& command, EstimatorOptions& options) {
  command
      .add_option("--mu", options.mu,
                  "Expected returns: mean, geometric, ewma, capm, james-stein, equilibrium")
      ->capture_default_str();
  command
      .add_option("--cov", options.cov,
                  "Covariance: sample, ewma, semicovariance, ledoit-wolf, "
                  "ledoit-wolf-constant-correlation, ledoit-wolf-single-factor, oas, "
                  "nonlinear-shrinkage, denoised, garch-dcc, factor (single index: an "
                  "equal-weighted market factor), factor-pca (principal components above the "
                  "Marchenko–Pastur edge)")
      ->capture_default_str();
  command.add_option("--ewma-span", options.ewma_span,
                     fmt::format("EWMA span in periods (--mu ewma: default {})",
                                 MomentOptions{}.default_ewma_span));
  command.add_option("--half-life", options.half_life, "EWMA half-life in periods");
  command.add_option(
      "--lambda", options.ewma_lambda,
      fmt::format("RiskMetrics decay for --cov ewma (default {} without span/half-life)",
                  MomentOptions{}.default_ewma_lambda));
  command.add_option("--benchmark", options.benchmark,
                     "Asset column used as the market for --mu capm");
  command
      .add_option("--semicovariance-threshold", options.semicovariance_threshold,
                  "Per-period return below which --cov semicovariance counts a shortfall")
      ->capture_default_str();
  command.add_option("--market-caps", options.market_caps,
                     "CSV asset,market_cap (--mu equilibrium, --model market-cap)");
  command
      .add_option("--psd-repair", options.psd_repair,
                  "Repair of an indefinite pairwise covariance: none, clip, higham, spectral")
      ->capture_default_str();
  command.add_flag("--simple-annualisation", options.simple_annualisation,
                   "Annualise ewma/capm/geometric returns by x periods_per_year, not compounding");
  command
      .add_option("--clean-returns", options.clean_returns,
                  "Return cleaning before estimating: none, or clip:K (winsorise each asset at K "
                  "robust standard deviations, median/MAD, about its median; every clipped "
                  "return is listed in the repairs). See docs/estimation.md")
      ->capture_default_str();
  command
      .add_option("--min-history", options.min_history,
                  "Returns each asset needs (0 = a quarter of a year: 92 daily, capped at the "
                  "window); a shorter asset is an error unless --drop-short-history")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  command.add_flag("--drop-short-history", options.drop_short_history,
                   "Drop assets below --min-history (recorded in the repairs) instead of failing");
}

void add_risk_free_option(CLI::App& command, double& risk_free) {
  command.add_option("--risk-free", risk_free, "Annual risk-free rate (default 0)")
      ->capture_default_str();
}

void add_risk_aversion_option(CLI::App& command, double& risk_aversion) {
  command
      .add_option("--risk-aversion", risk_aversion,
                  "Risk aversion delta (max-utility, equilibrium returns)")
      ->capture_default_str();
}

Result<MomentOptions> moment_options(const EstimatorOptions& options, bool pairwise) {
  MomentOptions out;
  CovarianceOptions& cov = out.covariance;
  auto cov_method = parse_covariance_method(options.cov);
  if (!cov_method) return cov_method.status().with_context("--cov");
  cov.method = *cov_method;
  cov.pairwise = pairwise;
  auto repair = parse_psd_repair(options.psd_repair);
  if (!repair) return repair.status();
  if (*repair != PsdRepair::kNone && !pairwise) {
    return Status::invalid(
        "--psd-repair applies to the pairwise covariance; add --missing pairwise");
  }
  cov.pairwise_repair.method = *repair;
  cov.ewma_span = options.ewma_span;
  cov.ewma_half_life = options.half_life;
  cov.ewma_lambda = options.ewma_lambda;
  cov.semicovariance_benchmark = options.semicovariance_threshold;

  ExpectedReturnOptions& mu = out.expected_returns;
  auto mu_method = parse_expected_return_method(options.mu);
  if (!mu_method) return mu_method.status().with_context("--mu");
  mu.method = *mu_method;
  mu.risk_free_rate = options.risk_free;
  mu.risk_aversion = options.risk_aversion;
  mu.compounding = !options.simple_annualisation;
  if (*mu_method == ExpectedReturnMethod::kEwma) {
    mu.ewma_span = options.ewma_span;
    mu.ewma_half_life = options.half_life;
  }
  return out;
}

Result<EstimationOptions> estimation_options(const EstimatorOptions& options,
                                             const PriceInputOptions& prices,
                                             bool market_caps_wanted) {
  EstimationOptions out;
  auto policy = parse_missing_policy(prices.missing);
  if (!policy) return policy.status().with_context("--missing");
  auto moments = moment_options(options, keeps_gaps(*policy));
  if (!moments) return moments.status();
  out.moments = std::move(*moments);
  auto cleaning = parse_return_cleaning(options.clean_returns);
  if (!cleaning) return cleaning.status().with_context("--clean-returns");
  out.cleaning = *cleaning;
  out.min_history = options.min_history;
  out.short_history = options.drop_short_history ? ShortHistory::kDrop : ShortHistory::kError;
  out.benchmark = options.benchmark;
  const bool equilibrium =
      out.moments.expected_returns.method == ExpectedReturnMethod::kEquilibrium;
  if (equilibrium && options.market_caps.empty()) {
    return Status::invalid("--mu equilibrium needs --market-caps FILE (asset,market_cap rows)");
  }
  if (!options.market_caps.empty() && (equilibrium || market_caps_wanted)) {
    auto caps = read_labeled_vector(options.market_caps);
    if (!caps) return caps.status();
    out.market_caps = std::move(*caps);
    out.market_caps_source = options.market_caps;
  }
  return out;
}

Json all_repairs(const MarketEstimates& estimates) {
  Json repairs = Json::array();
  for (const auto& r : estimates.market.repairs) repairs.push_back(r.to_json());
  for (const auto& r : estimates.repairs_json()) repairs.push_back(r);
  return repairs;
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "keel: warning: " << w << "\n";
}

}  // namespace keel::cli
