#pragma once
// From per-period returns to the model inputs: the second half of the pipeline every verb of the
// CLI, the backtest and a library user share (docs/architecture.md section 4).
//
//   check_history → clean_returns → covariance → expected returns → annualise
//
// Units contract. The estimators (covariance.hpp, expected_returns.hpp) work on per-period
// returns. The entry points of this header hand back μ and Σ annualised with the market's
// periods_per_year: Σ_annual = periods_per_year × the per-period estimate, μ annualised by the
// expected-return method's own rule (× periods_per_year, or compounding). Nothing else in Keel
// annualises a covariance: the optimisers, the frontier and the reports take these annual
// inputs as they are, and their outputs (expected return, volatility, Sharpe ratio) are annual.
//
//   keel::MarketOptions prices;
//   prices.missing.kind = keel::MissingPolicyKind::kDropRows;
//   auto market = keel::load_market("prices.csv", prices);
//   keel::EstimationOptions options;
//   options.moments.covariance.method = keel::CovarianceMethod::kLedoitWolf;
//   auto est = keel::estimate_inputs(std::move(*market), options);
//   // est->expected_returns.annualised, est->covariance.annualised, est->repairs_json()

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/market.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/expected_returns.hpp"
#include "keel/estimate/history.hpp"
#include "keel/estimate/return_cleaning.hpp"

namespace keel {

// The covariance Keel chooses where the user has not (backtest strategies, the demo): Ledoit–Wolf
// toward constant correlation keeps each asset's own variance, which a scaled-identity target
// does not (stablecoins next to small caps). docs/estimation.md.
inline constexpr CovarianceMethod kRecommendedCovariance =
    CovarianceMethod::kLedoitWolfConstantCorrelation;

// The two estimators and the defaults that complete them.
struct MomentOptions {
  // Covariance estimator and its parameters (covariance.hpp). Default: the sample covariance.
  // `pairwise` is set by estimate_inputs from the market's missing-data policy.
  CovarianceOptions covariance{};
  // Expected-return estimator and its parameters (expected_returns.hpp). Default: the mean.
  // `periods_per_year` is ignored: the functions below set it to the periods per year they are
  // given (estimate_inputs: the market's), so that μ and Σ are annualised alike.
  // `equilibrium_covariance` is set from the covariance estimate when one is passed.
  ExpectedReturnOptions expected_returns{};
  // Decay of the ewma covariance when none of ewma_span, ewma_half_life and ewma_lambda is set:
  // RiskMetrics' daily λ (J.P. Morgan/Reuters 1996, "RiskMetrics — Technical Document", 4th ed.).
  // Default 0.94, range (0, 1).
  double default_ewma_lambda = 0.94;
  // Span of the ewma expected returns when neither ewma_span nor ewma_half_life is set:
  // PyPortfolioOpt's `ema_historical_return` default. Default 500 periods, range ≥ 1.
  double default_ewma_span = 500.0;
};

// The covariance estimate and its annualised matrix.
struct AnnualisedCovariance {
  // N × N, annual: periods_per_year × per_period.covariance. What the models take.
  Eigen::MatrixXd annualised;
  // The estimator's own result: the per-period matrix, method and diagnostics (shrinkage,
  // condition number and rank are unit-free; diagnostics.min_eigenvalue is per period).
  CovarianceEstimate per_period;
  // The smallest eigenvalue of `annualised` (periods_per_year × the per-period one); NaN when
  // the spectrum is not computed.
  double annualised_min_eigenvalue = std::numeric_limits<double>::quiet_NaN();
};

// Σ of T × N per-period returns, annualised: the estimator of options.covariance (with the ewma
// default above) times periods_per_year (> 0). The one place Keel annualises a covariance.
Result<AnnualisedCovariance> estimate_annualised_covariance(
    Eigen::Ref<const Eigen::MatrixXd> returns, double periods_per_year,
    const MomentOptions& options);
// Same on a ReturnSeries; errors name the asset and the date.
Result<AnnualisedCovariance> estimate_annualised_covariance(const ReturnSeries& returns,
                                                            double periods_per_year,
                                                            const MomentOptions& options);

// μ of T × N per-period returns, annualised with periods_per_year (> 0) by the method of
// options.expected_returns (with the ewma default above). `equilibrium_prior`, when given, is the
// covariance of the equilibrium method's prior Π = δ Σ w_mkt + rf (else the sample covariance of
// `returns`); other methods ignore it.
Result<ExpectedReturns> estimate_annualised_expected_returns(
    Eigen::Ref<const Eigen::MatrixXd> returns, double periods_per_year,
    const MomentOptions& options, const AnnualisedCovariance* equilibrium_prior = nullptr);
// Same on a ReturnSeries; errors name the asset and the date.
Result<ExpectedReturns> estimate_annualised_expected_returns(
    const ReturnSeries& returns, double periods_per_year, const MomentOptions& options,
    const AnnualisedCovariance* equilibrium_prior = nullptr);

// Everything estimate_inputs does, with its defaults.
struct EstimationOptions {
  MomentOptions moments{};
  // Minimum finite returns per asset before estimating (history.hpp). 0 (default) = a quarter of
  // a year of returns, capped at the window. Range ≥ 0.
  int min_history = 0;
  // An asset below min_history is an error naming it (default), or is dropped and recorded.
  ShortHistory short_history = ShortHistory::kError;
  // Return cleaning after the history check (return_cleaning.hpp). Default none (extreme returns
  // are still named in the warnings).
  ReturnCleaningOptions cleaning{};
  // capm: the asset whose returns are the market. Empty (default): the equal-weighted market, or
  // moments.expected_returns.market_returns when given.
  std::string benchmark{};
  // Market capitalisations by asset name (any currency), e.g. read_labeled_vector(file). Needed by
  // the equilibrium expected returns; when given they are aligned to the estimated assets (names
  // absent from the market are ignored, a market asset absent here is an error) and returned in
  // MarketEstimates::market_caps for the market-cap and Black–Litterman models. Default empty.
  LabeledVector market_caps{};
  // Names market_caps in error messages (e.g. its file). Default "market caps".
  std::string market_caps_source = "market caps";
  // For models that need no expected returns (optimize/model.hpp needs_expected_returns: the
  // hierarchical and risk-based ones): true makes an expected-return estimate that fails (e.g.
  // a ragged history under the pairwise policy) a warning, with expected_returns.annualised left
  // empty, instead of an error. Default false.
  bool expected_returns_optional = false;
};

struct MarketEstimates {
  // The market the estimates describe: short-history assets dropped (with kDrop), returns
  // cleaned. Its assets are the rows and columns of μ and Σ.
  Market market;
  ExpectedReturns expected_returns;  // .annualised: μ, annual (length N)
  AnnualisedCovariance covariance;   // .annualised: Σ, annual (N × N)
  Eigen::VectorXd market_caps;       // aligned to the assets; empty when none were given
  // Every warning of the step in order: history shorter than the window, extreme returns,
  // covariance (shrinkage, PSD), implausible expected returns.
  std::vector<std::string> warnings;
  std::vector<std::string> dropped_assets;     // one sentence per asset dropped for history
  std::vector<ClippedReturn> clipped_returns;  // returns replaced by the cleaning
  // The estimation step's repairs as JSON objects with "action" and "detail": dropped assets
  // ("drop-asset"), clipped returns ("clip-return", with asset, date, raw, clipped, robust_z),
  // then the covariance's ("covariance"). The market's own repairs are in market.repairs.
  Json repairs_json() const;
};

// The history check, the cleaning, then Σ and μ of `market.returns`, both annualised with
// market.frequency.periods_per_year. Under a policy that keeps gaps (pairwise, or a bare ffill:N
// whose leftover cells stay missing: keeps_gaps in data/missing.hpp) the covariance is the
// pairwise-complete one (and moments.covariance.pairwise_repair may repair it); any other policy
// with a pairwise repair is an error. Errors name the asset, date or option.
Result<MarketEstimates> estimate_inputs(Market market, const EstimationOptions& options);

}  // namespace keel
