#pragma once
// Factor exposures of assets and of a portfolio (issue #22 item 2): time-series regressions of
// each asset's returns and of the portfolio's returns on factor returns (regression.hpp), the
// portfolio's betas with confidence intervals, the split of its variance into a factor part and
// a residual (idiosyncratic) part with each factor's Euler contribution, and rolling betas.
//
// Conventions:
//  - Inputs are aligned (factor_series.hpp align_factors): the same timestamps in both series.
//    Asset returns may hold NaN (ragged listings): each asset is regressed on the rows where it
//    is quoted; the portfolio return Σᵢ wᵢ rᵢ,t is formed on the rows where every held asset
//    (wᵢ ≠ 0) is quoted.
//  - Variance split of the portfolio (per period, annualised by periods_per_year in the result):
//    total = sample variance of r_p (divisor T−1), factor = βᵀΩβ with Ω the sample covariance of
//    the factors on the same rows, residual = Σe²/(T−1); for OLS with an intercept
//    total = factor + residual exactly. Contribution of factor k: βₖ(Ωβ)ₖ (Euler), summing to the
//    factor part. For wls and huber the residual is Σ(e − ē)²/(T−1) and the parts need not add
//    up (the fit does not minimise the plain sum of squares): `interaction` holds the rest.
//  - Confidence intervals: β ± z·SE with z the normal quantile of (1 + confidence)/2.
//  - Rolling betas: OLS over the last `rolling_window` rows, for every asset and the portfolio,
//    NaN where the asset has a missing return in the window. Sliding cross-products updated one
//    row at a time and recomputed from scratch every window (so rounding does not accumulate).
//  - Collinear factors: `collinear = refuse` fails naming them; `drop` removes the factor listed
//    last among those in the near-null direction, repeatedly, recording each drop in `repairs`.

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/time.hpp"
#include "keel/data/returns.hpp"
#include "keel/factors/regression.hpp"

namespace keel {

enum class CollinearPolicy { kRefuse, kDrop };
std::string_view to_string(CollinearPolicy policy);
Result<CollinearPolicy> parse_collinear_policy(std::string_view name);  // refuse, drop

struct ExposureOptions {
  RegressionOptions regression{};
  // Rolling OLS window in rows; 0 = no rolling betas. Default 365 (a year of daily crypto
  // returns); range 0 or [K + 2, T].
  int rolling_window = 365;
  CollinearPolicy collinear = CollinearPolicy::kRefuse;
  // Two-sided confidence level of the exposure intervals. Default 0.95, range (0, 1).
  double confidence = 0.95;
  // Periods per year for the annualised variances (365 daily crypto). Range > 0.
  double periods_per_year = 365.0;
  // Regress every asset (true) or only the portfolio (false). Default true.
  bool per_asset = true;

  Status validate() const;
};

struct AssetExposure {
  std::string asset;
  double weight = 0.0;
  RegressionResult fit;  // coefficients: intercept first when regression.intercept
};

struct PortfolioRiskSplit {
  // Annualised variances (per-period × periods_per_year).
  double total_variance = 0.0;
  double factor_variance = 0.0;
  double residual_variance = 0.0;
  double interaction = 0.0;              // total − factor − residual (0 to rounding for OLS)
  Eigen::VectorXd factor_contributions;  // per factor, sums to factor_variance
};

struct RollingBetas {
  int window = 0;
  std::vector<Timestamp> timestamps;  // window ends
  // betas[k] is (windows × (N + 1)): column i < N the asset, column N the portfolio.
  std::vector<Eigen::MatrixXd> betas;
};

struct ExposureResult {
  std::vector<std::string> factors;  // the factors used (after any drop)
  std::vector<std::string> assets;
  std::vector<AssetExposure> asset_exposures;  // empty when per_asset is false
  RegressionResult portfolio;
  Eigen::VectorXd lower;  // confidence bounds of the portfolio's slopes (K)
  Eigen::VectorXd upper;
  Eigen::VectorXd weighted_betas;  // Σᵢ wᵢ βᵢ over the assets (K); NaN if any held asset failed
  PortfolioRiskSplit risk;
  RollingBetas rolling;
  int portfolio_observations = 0;
  std::vector<std::string> repairs;
  std::vector<std::string> warnings;
};

// `weights` has one entry per asset column. Errors name the factor, asset or option.
Result<ExposureResult> compute_exposures(const ReturnSeries& asset_returns,
                                         const ReturnSeries& factor_returns,
                                         const Eigen::VectorXd& weights,
                                         const ExposureOptions& options = {});

// Rolling OLS slopes of each column of `y` (T × M, NaN allowed) on `x` (T × K, finite) with an
// intercept, over windows of `window` rows: one (T − window + 1) × M matrix per factor.
std::vector<Eigen::MatrixXd> rolling_betas(Eigen::Ref<const Eigen::MatrixXd> x,
                                           Eigen::Ref<const Eigen::MatrixXd> y, int window);

}  // namespace keel
