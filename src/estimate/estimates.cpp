#include "keel/estimate/estimates.hpp"

#include <cmath>

#include "keel/data/select.hpp"

namespace keel {

namespace {

CovarianceOptions completed(const CovarianceOptions& given, const MomentOptions& options) {
  CovarianceOptions o = given;
  if (o.method == CovarianceMethod::kEwma && std::isnan(o.ewma_span) &&
      std::isnan(o.ewma_half_life) && std::isnan(o.ewma_lambda)) {
    o.ewma_lambda = options.default_ewma_lambda;
  }
  return o;
}

ExpectedReturnOptions completed(const ExpectedReturnOptions& given, const MomentOptions& options,
                                double periods_per_year) {
  ExpectedReturnOptions o = given;
  o.periods_per_year = periods_per_year;
  if (o.method == ExpectedReturnMethod::kEwma && std::isnan(o.ewma_span) &&
      std::isnan(o.ewma_half_life)) {
    o.ewma_span = options.default_ewma_span;
  }
  return o;
}

Status check_periods_per_year(double periods_per_year) {
  if (std::isfinite(periods_per_year) && periods_per_year > 0.0) return Status::ok();
  return Status::invalid(
      "periods_per_year must be a finite number > 0 (365 for daily crypto, 252 "
      "for weekday data, 8760 hourly)");
}

// The history check and the return cleaning, applied to `out.market` in place.
Status guard_returns(const EstimationOptions& options, MarketEstimates& out) {
  Market& market = out.market;
  HistoryOptions history_options{.min_returns = options.min_history,
                                 .periods_per_year = market.frequency.periods_per_year,
                                 .short_history = options.short_history};
  auto history = check_history(market.returns, history_options);
  if (!history) return history.status();
  out.dropped_assets = history->repairs;
  out.warnings = history->warnings;
  if (history->kept.size() != market.panel.assets.size()) {
    auto panel = select(market.panel, PanelSelection{.assets = history->returns.assets});
    if (!panel) return panel.status();
    market.panel = std::move(*panel);
    market.returns = std::move(history->returns);
  }
  auto cleaned = clean_returns(market.returns, options.cleaning);
  if (!cleaned) return cleaned.status();
  out.warnings.insert(out.warnings.end(), cleaned->warnings.begin(), cleaned->warnings.end());
  out.clipped_returns = std::move(cleaned->clipped);
  market.returns = std::move(cleaned->returns);
  return Status::ok();
}

// Both overloads of each estimator: the ReturnSeries one names assets and dates in its errors.
template <class Returns>
Result<AnnualisedCovariance> annualised_covariance(const Returns& returns, double periods_per_year,
                                                   const MomentOptions& options) {
  KEEL_RETURN_IF_ERROR(check_periods_per_year(periods_per_year));
  auto estimate = estimate_covariance(returns, completed(options.covariance, options));
  if (!estimate) return estimate.status();
  AnnualisedCovariance out;
  out.per_period = std::move(*estimate);
  out.annualised = out.per_period.covariance * periods_per_year;
  out.annualised_min_eigenvalue = out.per_period.diagnostics.min_eigenvalue * periods_per_year;
  return out;
}

template <class Returns>
Result<ExpectedReturns> annualised_expected_returns(const Returns& returns, double periods_per_year,
                                                    const MomentOptions& options,
                                                    const AnnualisedCovariance* equilibrium_prior) {
  KEEL_RETURN_IF_ERROR(check_periods_per_year(periods_per_year));
  ExpectedReturnOptions o = completed(options.expected_returns, options, periods_per_year);
  if (o.method == ExpectedReturnMethod::kEquilibrium && equilibrium_prior != nullptr) {
    o.equilibrium_covariance = equilibrium_prior->per_period.covariance;
  }
  return estimate_expected_returns(returns, o);
}

}  // namespace

Result<AnnualisedCovariance> estimate_annualised_covariance(
    Eigen::Ref<const Eigen::MatrixXd> returns, double periods_per_year,
    const MomentOptions& options) {
  return annualised_covariance(returns, periods_per_year, options);
}

Result<AnnualisedCovariance> estimate_annualised_covariance(const ReturnSeries& returns,
                                                            double periods_per_year,
                                                            const MomentOptions& options) {
  return annualised_covariance(returns, periods_per_year, options);
}

Result<ExpectedReturns> estimate_annualised_expected_returns(
    Eigen::Ref<const Eigen::MatrixXd> returns, double periods_per_year,
    const MomentOptions& options, const AnnualisedCovariance* equilibrium_prior) {
  return annualised_expected_returns(returns, periods_per_year, options, equilibrium_prior);
}

Result<ExpectedReturns> estimate_annualised_expected_returns(
    const ReturnSeries& returns, double periods_per_year, const MomentOptions& options,
    const AnnualisedCovariance* equilibrium_prior) {
  return annualised_expected_returns(returns, periods_per_year, options, equilibrium_prior);
}

Json MarketEstimates::repairs_json() const {
  Json repairs = Json::array();
  for (const auto& r : dropped_assets) repairs.push_back({{"action", "drop-asset"}, {"detail", r}});
  for (const auto& c : clipped_returns) repairs.push_back(c.to_json());
  for (const auto& r : covariance.per_period.diagnostics.repairs) {
    repairs.push_back({{"action", "covariance"}, {"detail", r}});
  }
  return repairs;
}

Result<MarketEstimates> estimate_inputs(Market market, const EstimationOptions& options) {
  MarketEstimates out;
  out.market = std::move(market);
  KEEL_RETURN_IF_ERROR(guard_returns(options, out));
  const Market& m = out.market;
  const double ppy = m.frequency.periods_per_year;

  MomentOptions moments = options.moments;
  moments.covariance.pairwise = keeps_gaps(m.missing);
  if (moments.covariance.pairwise_repair.method != PsdRepair::kNone &&
      !moments.covariance.pairwise) {
    return Status::invalid(
        "a PSD repair applies to the pairwise covariance; use the pairwise missing-data policy "
        "(keep the gaps) or no repair");
  }
  auto covariance = estimate_annualised_covariance(m.returns, ppy, moments);
  if (!covariance) return covariance.status();
  out.covariance = std::move(*covariance);

  if (!options.benchmark.empty()) {
    auto column = m.panel.asset_index(options.benchmark);
    if (!column) {
      return Status::invalid("benchmark '" + options.benchmark +
                             "' is not among the assets; name one of the price columns");
    }
    moments.expected_returns.market_returns = m.returns.values.col(*column);
  }
  if (!options.market_caps.labels.empty()) {
    auto aligned = align_to(options.market_caps, m.panel.assets, /*allow_extra=*/true,
                            options.market_caps_source);
    if (!aligned) return aligned.status();
    out.market_caps = std::move(*aligned);
  }
  if (moments.expected_returns.method == ExpectedReturnMethod::kEquilibrium) {
    if (out.market_caps.size() == 0) {
      return Status::invalid(
          "equilibrium expected returns need market caps (EstimationOptions::market_caps: asset "
          "names and capitalisations)");
    }
    moments.expected_returns.market_caps = out.market_caps;
  }
  auto mu = estimate_annualised_expected_returns(m.returns, ppy, moments, &out.covariance);
  if (mu) {
    out.expected_returns = std::move(*mu);
  } else if (options.expected_returns_optional) {
    out.warnings.push_back("expected returns not estimated (" + mu.status().message() +
                           "); the model does not need them, so only the expected return and "
                           "Sharpe ratio of the result are omitted");
  } else {
    return mu.status();
  }

  const auto& d = out.covariance.per_period.diagnostics;
  out.warnings.insert(out.warnings.end(), d.warnings.begin(), d.warnings.end());
  const auto& w = out.expected_returns.warnings;
  out.warnings.insert(out.warnings.end(), w.begin(), w.end());
  return out;
}

}  // namespace keel
