#pragma once
// Covariance estimators on a T × N matrix of per-period returns (rows = periods, columns = assets).
// The estimate is per period. The pipeline's entry points (estimate_annualised_covariance and
// estimate_inputs in estimates.hpp) annualise it, by periods_per_year, and nothing else does.
//
// Methods (kebab-case names used on the command line and in configs):
//  sample                  unbiased sample covariance, divisor T − 1 (numpy/pandas). With
//                          `pairwise = true`, pandas' `DataFrame.cov()`: each pair over the rows
//                          where both are observed, each with its own means and divisor n_ij − 1;
//                          NaN is allowed only here. The pairwise matrix can be indefinite:
//                          `pairwise_repair` applies an explicit repair (psd.hpp) recorded in
//                          `repairs`.
//  ewma                    exponentially weighted: weights w_t ∝ λ^(T−1−t) normalised to sum 1
//                          (pandas `ewm(adjust=True)`), see EwmaCentering for the mean removed.
//  semicovariance          PyPortfolioOpt `semicovariance`: D = min(R − b, 0) elementwise,
//                          Σ = DᵀD / T (divisor T, no demeaning).
//  ledoit-wolf             scikit-learn `LedoitWolf` (assume_centered=False): shrinkage of the
//                          T-divided covariance S toward μI, μ = tr(S)/N. O. Ledoit, M. Wolf
//                          (2004), "A well-conditioned estimator for large-dimensional covariance
//                          matrices", J. Multivariate Analysis 88, 365–411.
//  ledoit-wolf-constant-correlation
//                          O. Ledoit, M. Wolf (2004), "Honey, I shrunk the sample covariance
//                          matrix", J. Portfolio Management 30(4), 110–119; target with the sample
//                          variances and the average sample correlation; formulas of the authors'
//                          covCor.m on the T-divided covariance of demeaned returns.
//  ledoit-wolf-single-factor
//                          O. Ledoit, M. Wolf (2003), "Improved estimation of the covariance
//                          matrix of stock returns with an application to portfolio selection",
//                          J. Empirical Finance 10, 603–621; single-index target with the
//                          equal-weighted market of the N assets, formulas of the authors'
//                          covMarket.m on the T-divided covariance.
//  oas                     scikit-learn `OAS` (Chen, Wiesel, Eldar, Hero 2010, "Shrinkage
//                          algorithms for MMSE covariance estimation", IEEE TSP 58(10)), with
//                          scikit-learn's formula on the T-divided covariance.
//  nonlinear-shrinkage     O. Ledoit, M. Wolf (2020), "Analytical nonlinear shrinkage of
//                          large-dimensional covariance matrices", Annals of Statistics 48(5),
//                          3043–3065; the authors' analytical_shrinkage.m with demeaning: sample
//                          covariance YᵀY/n with effective sample size n = T − 1, Epanechnikov
//                          kernel with bandwidth h = n^(−1/3) and the T < N branch of the paper.
//                          Needs n ≥ 12.
//  denoised                random-matrix denoising, M. López de Prado (2020), "Machine Learning
//                          for Asset Managers", ch. 2: the Marchenko–Pastur density is fitted to
//                          the correlation eigenvalues (Gaussian-kernel density, bandwidth
//                          `denoise.bandwidth`), eigenvalues below the edge λ+ are replaced by
//                          their average (constant residual eigenvalue method, trace kept), the
//                          matrix is rescaled to unit diagonal and back to covariance with the
//                          sample volatilities. Optional detoning removes the top market
//                          component(s) (section 2.6).
//  factor                  factor model Σ = BΩBᵀ + D on given factor returns
//                          (factor_covariance.hpp): OLS loadings, sample factor covariance,
//                          residual variances. The factors are `factor.series` (aligned on
//                          dates) or, when it is empty, one equal-weighted market factor of the
//                          N assets (a single-index model). Diagonal = the sample variances.
//  factor-pca              statistical factor model: the principal components of the sample
//                          correlation above the Marchenko–Pastur edge (or `factor.pca_factors`),
//                          with residual variances on the diagonal (factor_covariance.hpp).
//
// Diagnostics always carry the number of observations and warnings; the spectrum (min
// eigenvalue, condition number, rank) costs an eigen decomposition (~O(N³)) and is skipped when
// `compute_spectrum` is false (the values are then NaN and −1).

#include <Eigen/Core>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/returns.hpp"
#include "keel/estimate/dcc.hpp"
#include "keel/estimate/factor_covariance.hpp"
#include "keel/estimate/psd.hpp"

namespace keel {

enum class CovarianceMethod {
  kSample,
  kEwma,
  kSemicovariance,
  kLedoitWolf,
  kLedoitWolfConstantCorrelation,
  kLedoitWolfSingleFactor,
  kOas,
  kNonlinearShrinkage,
  kDenoised,
  kGarchDcc,   // next-period forecast of GARCH(1,1) + DCC(1,1), Engle 2002 (see dcc.hpp)
  kFactor,     // Σ = BΩBᵀ + D on given factor returns (factor_covariance.hpp)
  kFactorPca,  // Σ = BΩBᵀ + D on principal components (factor_covariance.hpp)
};

std::string_view to_string(CovarianceMethod method);
// Accepts the kebab-case names above; the error lists them.
Result<CovarianceMethod> parse_covariance_method(std::string_view name);

// Which mean the EWMA covariance removes.
enum class EwmaCentering {
  kEwmaMean,    // default: the EWMA mean with the same weights; equals pandas
                // `df.ewm(alpha, adjust=True).cov(bias=True)` at the last row
  kSampleMean,  // the plain sample mean, as PyPortfolioOpt `exp_cov` (pandas
                // `((x − x̄)(y − ȳ)).ewm(span).mean()` at the last row)
  kNone,        // no demeaning: RiskMetrics (1996) Σ = Σ_t w_t r_t r_tᵀ
};

struct DenoiseOptions {
  // Bandwidth of the Gaussian kernel density of the eigenvalues fitted against the
  // Marchenko–Pastur density (López de Prado uses 0.01). Units: correlation eigenvalue. Range (0,
  // 1].
  double bandwidth = 0.01;
  // Points where the two densities are compared (between the MP edges). Range [10, 100000].
  int points = 1000;
  // Remove the `detone_components` largest components after denoising (López de Prado 2020
  // section 2.6). The detoned matrix has rank N − detone_components: use it for clustering, not
  // for inversion (a warning says so).
  bool detone = false;
  int detone_components = 1;  // range [1, N − 1]
};

// Settings of the `factor` and `factor-pca` methods.
struct FactorCovarianceOptions {
  // factor: the factor returns (columns = factors, same frequency as the asset returns). The
  // ReturnSeries overload of estimate_covariance takes the rows whose timestamps match the asset
  // returns' (every asset date must have a factor row, else an error says how many overlap); the
  // matrix overload needs exactly as many rows. Empty (default) = one equal-weighted market
  // factor, the row mean of the asset returns.
  ReturnSeries series{};
  // factor-pca: the number of principal components; 0 (default) = those whose correlation
  // eigenvalue lies above the Marchenko–Pastur edge (fitted with `denoise` settings). Range
  // [0, N].
  int pca_factors = 0;
};

struct CovarianceOptions {
  CovarianceMethod method = CovarianceMethod::kSample;

  // Threads for the XᵀX product of the sample, semicovariance, Ledoit–Wolf (scaled identity) and
  // OAS estimators: 1 = the caller's thread (default; the backtest already runs strategies in
  // parallel), 0 = every core, k = at most k (two are used: the column halves' cross block on one
  // thread, their two symmetric blocks on the other). Results equal the one-thread ones to
  // rounding. Range ≥ 0.
  int threads = 1;

  // Largest number of assets estimated (issue #24 item 5): above it the estimate is refused before
  // anything N × N is allocated, naming N, the memory of one dense copy (8·N² bytes; the
  // estimators and the spectrum hold several) and this limit. The spectrum costs O(N³): 10,000
  // assets would take gigabytes and most of an hour. docs/limits.md has the sizes measured (3,000
  // assets the largest). Default 4000; 0 = no limit.
  Eigen::Index max_assets = 4000;

  // --- sample ---
  // Pairwise-complete covariance (pandas `cov()`, PyPortfolioOpt `sample_cov`): NaN cells allowed.
  bool pairwise = false;
  // Minimum overlapping observations per pair (pandas `min_periods`); a pair with fewer is an
  // error naming the pair. Default 2, range [2, T].
  int pairwise_min_periods = 2;
  // Repair applied to the pairwise matrix when it is not PSD (default none: a warning instead).
  PsdRepairOptions pairwise_repair{};

  // --- ewma: set exactly one of span, half_life (periods) and lambda ---
  double ewma_span = std::numeric_limits<double>::quiet_NaN();       // α = 2/(span+1), span ≥ 1
  double ewma_half_life = std::numeric_limits<double>::quiet_NaN();  // λ = 0.5^(1/h), h > 0
  double ewma_lambda =
      std::numeric_limits<double>::quiet_NaN();  // RiskMetrics decay in (0,1), e.g. 0.94
  EwmaCentering ewma_centering = EwmaCentering::kEwmaMean;
  // Multiply by (Σw)² / ((Σw)² − Σw²), pandas' `bias=False` correction (default false).
  bool ewma_unbiased = false;

  // --- semicovariance ---
  // Per-period benchmark return b (PyPortfolioOpt's default is 0.000079 per day ≈ 2%/252).
  // Default 0.
  double semicovariance_benchmark = 0.0;

  // --- denoised ---
  DenoiseOptions denoise{};
  // kGarchDcc: the univariate GARCH and DCC settings (dcc.hpp).
  DccOptions dcc{};
  // factor, factor-pca: the factors.
  FactorCovarianceOptions factor{};

  // Compute min eigenvalue, condition number and rank (one symmetric eigen decomposition).
  bool compute_spectrum = true;
  // Relative tolerance for the PSD warning (see check_psd). Default 1e-12.
  double psd_relative_tolerance = 1e-12;

  // --- plausibility warnings (docs/estimation.md); they never change the estimate ---
  // Shrinkage estimators warn when the intensity exceeds this: above one half the estimate is
  // more target than data. Default 0.5, range [0, 1] (1 = never).
  double shrinkage_warning_threshold = 0.5;
  // ledoit-wolf and oas (scaled-identity target) warn when shrinking changes an asset's
  // volatility (against its T-divided sample volatility) by more than this factor, up or down.
  // Default 2, range > 1 (+inf = never).
  double volatility_change_warning = 2.0;

  Status validate() const;
};

struct CovarianceDiagnostics {
  double shrinkage = std::numeric_limits<double>::quiet_NaN();  // intensity in [0,1]; NaN when none
  double min_eigenvalue = std::numeric_limits<double>::quiet_NaN();  // NaN when not computed
  double condition_number = std::numeric_limits<double>::quiet_NaN();  // λmax/λmin, +∞ if singular
  int rank =
      -1;  // numerical rank (tolerance λmax · N · ε, as numpy.linalg.matrix_rank); −1 not computed
  int observations = 0;  // rows used (pairwise: the smallest pair overlap)
  // Denoising only (else −1 / NaN): eigenvalues above the edge, the edge λ+ and the fitted σ².
  int factors = -1;
  double marchenko_pastur_edge = std::numeric_limits<double>::quiet_NaN();
  double marchenko_pastur_variance = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> repairs;
  std::vector<std::string> warnings;
};

struct CovarianceEstimate {
  CovarianceMethod method = CovarianceMethod::kSample;
  Eigen::MatrixXd covariance;  // N × N, per period, symmetric
  CovarianceDiagnostics diagnostics;
  // factor and factor-pca only (else empty): B, Ω and D, for the split of a portfolio's risk
  // into factor and specific parts (decompose_factor_risk).
  FactorStructure factor_model;
};

// Estimates the covariance of the columns of `returns` (T × N, T ≥ 2). NaN is accepted only by
// the pairwise sample covariance; any other estimator names the first NaN (asset column and row)
// and suggests a missing-data policy. T < N is allowed: shrinkage estimators work, the sample
// covariance reports rank < N and a warning.
Result<CovarianceEstimate> estimate_covariance(Eigen::Ref<const Eigen::MatrixXd> returns,
                                               const CovarianceOptions& options);
// Same on a ReturnSeries; messages name the asset and the date.
Result<CovarianceEstimate> estimate_covariance(const ReturnSeries& returns,
                                               const CovarianceOptions& options);

// Correlation from a covariance (zero variances are an error naming the asset).
Result<Eigen::MatrixXd> covariance_to_correlation(Eigen::Ref<const Eigen::MatrixXd> covariance);

// Pairwise-complete Pearson correlation, pandas' `DataFrame.corr()` on data with gaps (what
// PyPortfolioOpt's HRPOpt clusters on): each pair over the rows where both are observed, with
// that overlap's own means and standard deviations. This is not covariance_to_correlation() of
// the pairwise covariance, whose variances come from each asset's whole history: on ragged
// histories the two differ, and so do the trees built on them. NaN cells are allowed (±∞ is an
// error naming the cell); unit diagonal, symmetric, entries clipped to [−1, 1]. A pair observed
// together on fewer than `min_periods` rows (range ≥ 2), or constant on its overlap, is an error
// naming the pair. The matrix need not be positive semidefinite.
Result<Eigen::MatrixXd> pairwise_correlation(Eigen::Ref<const Eigen::MatrixXd> returns,
                                             int min_periods = 2);
// Same on a ReturnSeries; messages name the assets.
Result<Eigen::MatrixXd> pairwise_correlation(const ReturnSeries& returns, int min_periods = 2);

// The constant-residual-eigenvalue step of denoising (López de Prado 2020, snippet 2.5):
// `eigenvalues` sorted descending; the entries from index `factors` on are replaced by their
// mean, so the sum (the trace) is unchanged and the first `factors` are untouched.
Eigen::VectorXd constant_residual_eigenvalues(const Eigen::VectorXd& eigenvalues, int factors);

// The Marchenko–Pastur fit of denoising: σ² minimising the squared distance between the MP
// density with ratio q = T/N and a Gaussian kernel density of `eigenvalues`, searched over
// [1e-5, 1 − 1e-5] by a grid then golden-section refinement. Returns {σ², λ+ = σ²(1+√(1/q))²}.
struct MarchenkoPasturFit {
  double variance = 0.0;
  double edge = 0.0;
};
MarchenkoPasturFit fit_marchenko_pastur(const Eigen::VectorXd& eigenvalues, double q,
                                        const DenoiseOptions& options);

}  // namespace keel
