#include "estimation.hpp"

#include <iostream>

#include "keel/data/labeled_csv.hpp"
#include "keel/data/select.hpp"
#include "keel/estimate/history.hpp"
#include "keel/estimate/return_cleaning.hpp"

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

namespace {

// The history check and the return cleaning, applied to `market` in place.
Status guard_returns(MarketInput& market, const EstimatorOptions& options,
                     std::vector<std::string>& warnings, Json& repairs) {
  auto cleaning = parse_return_cleaning(options.clean_returns);
  if (!cleaning) return cleaning.status().with_context("--clean-returns");
  HistoryOptions history_options{
      .min_returns = options.min_history,
      .periods_per_year = market.frequency.periods_per_year,
      .short_history = options.drop_short_history ? ShortHistory::kDrop : ShortHistory::kError};
  auto history = check_history(market.returns, history_options);
  if (!history) return history.status();
  for (const auto& r : history->repairs) {
    repairs.push_back({{"action", "drop-asset"}, {"detail", r}});
  }
  warnings.insert(warnings.end(), history->warnings.begin(), history->warnings.end());
  if (history->kept.size() != market.panel.assets.size()) {
    PanelSelection keep;
    keep.assets = history->returns.assets;
    auto panel = select(market.panel, keep);
    if (!panel) return panel.status();
    market.panel = std::move(*panel);
    market.returns = std::move(history->returns);
  }
  auto cleaned = clean_returns(market.returns, *cleaning);
  if (!cleaned) return cleaned.status();
  warnings.insert(warnings.end(), cleaned->warnings.begin(), cleaned->warnings.end());
  for (const auto& c : cleaned->clipped) repairs.push_back(c.to_json());
  market.returns = std::move(cleaned->returns);
  return Status::ok();
}

}  // namespace

Result<Estimates> estimate_all(MarketInput& market, const EstimatorOptions& options, bool pairwise,
                               bool mu_optional) {
  const double ppy = market.frequency.periods_per_year;
  std::vector<std::string> warnings;
  Json repairs = Json::array();
  KEEL_RETURN_IF_ERROR(guard_returns(market, options, warnings, repairs));
  auto cov_options = covariance_options(options, pairwise);
  if (!cov_options) return cov_options.status();
  auto cov = estimate_covariance(market.returns, *cov_options);
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
  auto mu = estimate_expected_returns(market.returns, mu_options);
  if (!mu && !mu_optional) return mu.status();
  if (!mu) {
    warnings.push_back("expected returns not estimated (" + mu.status().message() +
                       "); the model does not need them, so only the expected return and "
                       "Sharpe ratio of the result are omitted");
  }
  Estimates out{mu ? std::move(*mu) : ExpectedReturns{}, std::move(*cov), Eigen::MatrixXd(),
                std::move(warnings), std::move(repairs)};
  out.annual_covariance = out.cov.covariance * ppy;
  const auto& d = out.cov.diagnostics;
  out.warnings.insert(out.warnings.end(), d.warnings.begin(), d.warnings.end());
  out.warnings.insert(out.warnings.end(), out.mu.warnings.begin(), out.mu.warnings.end());
  for (const auto& r : d.repairs) out.repairs.push_back({{"action", "covariance"}, {"detail", r}});
  return out;
}

Json all_repairs(const MarketInput& market, const Estimates& estimates) {
  Json repairs = Json::array();
  for (const auto& r : market.repairs) repairs.push_back(r.to_json());
  for (const auto& r : estimates.repairs) repairs.push_back(r);
  return repairs;
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "keel: warning: " << w << "\n";
}

}  // namespace keel::cli
