#include "estimation.hpp"

#include "keel/data/labeled_csv.hpp"

namespace keel::cli {

namespace {

Result<PsdRepair> parse_psd_repair(const std::string& name) {
  if (name == "none") return PsdRepair::kNone;
  if (name == "clip") return PsdRepair::kClip;
  if (name == "higham") return PsdRepair::kHigham;
  if (name == "spectral") return PsdRepair::kPyPortfolioOpt;
  return Status::invalid("--psd-repair '" + name + "' is unknown; use none, clip, higham or spectral");
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
                  "nonlinear-shrinkage, denoised, garch-dcc")
      ->capture_default_str();
  command.add_option("--ewma-span", options.ewma_span,
                     "EWMA span in periods (--mu ewma: default 500)");
  command.add_option("--half-life", options.half_life, "EWMA half-life in periods");
  command.add_option("--lambda", options.ewma_lambda,
                     "RiskMetrics decay for --cov ewma (default 0.94 without span/half-life)");
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
}

void add_risk_free_option(CLI::App& command, double& risk_free) {
  command.add_option("--risk-free", risk_free, "Annual risk-free rate (default 0)")
      ->capture_default_str();
}

void add_risk_aversion_option(CLI::App& command, double& risk_aversion) {
  command.add_option("--risk-aversion", risk_aversion,
                     "Risk aversion delta (max-utility, equilibrium returns)")
      ->capture_default_str();
}

Result<CovarianceOptions> covariance_options(const EstimatorOptions& options, bool pairwise) {
  CovarianceOptions cov_options;
  auto cov_method = parse_covariance_method(options.cov);
  if (!cov_method) return cov_method.status().with_context("--cov");
  cov_options.method = *cov_method;
  cov_options.pairwise = pairwise;
  auto repair = parse_psd_repair(options.psd_repair);
  if (!repair) return repair.status();
  if (*repair != PsdRepair::kNone && !pairwise) {
    return Status::invalid("--psd-repair applies to the pairwise covariance; add --missing pairwise");
  }
  cov_options.pairwise_repair.method = *repair;
  cov_options.ewma_span = options.ewma_span;
  cov_options.ewma_half_life = options.half_life;
  cov_options.ewma_lambda = options.ewma_lambda;
  if (*cov_method == CovarianceMethod::kEwma && std::isnan(options.ewma_span) &&
      std::isnan(options.half_life) && std::isnan(options.ewma_lambda)) {
    cov_options.ewma_lambda = 0.94;  // RiskMetrics' daily decay
  }
  cov_options.semicovariance_benchmark = options.semicovariance_threshold;
  return cov_options;
}

Result<ExpectedReturnOptions> expected_return_options(const EstimatorOptions& options,
                                                      double periods_per_year) {
  ExpectedReturnOptions mu_options;
  auto mu_method = parse_expected_return_method(options.mu);
  if (!mu_method) return mu_method.status().with_context("--mu");
  mu_options.method = *mu_method;
  mu_options.periods_per_year = periods_per_year;
  mu_options.risk_free_rate = options.risk_free;
  mu_options.risk_aversion = options.risk_aversion;
  mu_options.compounding = !options.simple_annualisation;
  if (*mu_method == ExpectedReturnMethod::kEwma) {
    mu_options.ewma_span = options.ewma_span;
    mu_options.ewma_half_life = options.half_life;
    if (std::isnan(options.ewma_span) && std::isnan(options.half_life)) mu_options.ewma_span = 500;
  }
  return mu_options;
}

Result<Estimates> estimate_all(const MarketInput& market, const EstimatorOptions& options,
                               bool pairwise) {
  const double ppy = market.frequency.periods_per_year;
  auto cov_options = covariance_options(options, pairwise);
  if (!cov_options) return cov_options.status();
  auto cov = estimate_covariance(market.returns.values, *cov_options);
  if (!cov) return cov.status();
  auto mu_options_result = expected_return_options(options, ppy);
  if (!mu_options_result) return mu_options_result.status();
  ExpectedReturnOptions mu_options = std::move(*mu_options_result);
  if (!options.benchmark.empty()) {
    auto col = market.panel.asset_index(options.benchmark);
    if (!col) {
      return Status::invalid("--benchmark '" + options.benchmark +
                             "' is not among the assets; name one of the price columns");
    }
    mu_options.market_returns = market.returns.values.col(*col);
  }
  if (mu_options.method == ExpectedReturnMethod::kEquilibrium) {
    if (options.market_caps.empty()) {
      return Status::invalid("--mu equilibrium needs --market-caps FILE (asset,market_cap rows)");
    }
    auto caps = read_labeled_vector(options.market_caps);
    if (!caps) return caps.status();
    auto aligned = align_to(*caps, market.panel.assets, /*allow_extra=*/true, options.market_caps);
    if (!aligned) return aligned.status();
    mu_options.market_caps = *aligned;
    mu_options.equilibrium_covariance = cov->covariance;
  }
  auto mu = estimate_expected_returns(market.returns.values, mu_options);
  if (!mu) return mu.status();
  Estimates out{std::move(*mu), std::move(*cov), Eigen::MatrixXd()};
  out.annual_covariance = out.cov.covariance * ppy;
  return out;
}

}  // namespace keel::cli
