#pragma once
// Factor-model covariance Σ = B Ω Bᵀ + D (issue #22 item 3): the scalable risk model when the
// number of assets is large, and the split of a portfolio's variance into a factor part
// wᵀBΩBᵀw and a specific part wᵀDw.
//
// Two ways to get the factors (the covariance methods `factor` and `factor-pca` of
// covariance.hpp call these functions):
//
//  given factors   factor returns F (T × K) observed beside the asset returns R (T × N): the
//                  loadings are the OLS slopes of each asset on the factors with an intercept,
//                  B = (F̃ᵀF̃)⁻¹F̃ᵀR̃ (tilde = demeaned), Ω = F̃ᵀF̃/(T−1) is the sample covariance of
//                  the factors and D = diag(RSSᵢ/(T−1)) the residual variances. With these
//                  divisors the diagonal of Σ equals the sample variances exactly (OLS splits
//                  each total sum of squares into explained and residual parts); only the
//                  off-diagonal correlations are modelled. W. F. Sharpe (1963), "A simplified
//                  model for portfolio analysis", Management Science 9(2); R. C. Grinold,
//                  R. N. Kahn (2000), "Active Portfolio Management", ch. 3.
//  statistical     principal components of the sample correlation matrix C = V⁻¹SV⁻¹ (S the
//  (PCA)           sample covariance, divisor T−1, V = diag of the volatilities): with the K
//                  largest eigenpairs (λₖ, uₖ), B = V·U_K·Λ_K^{1/2}, Ω = I and
//                  Dᵢ = Sᵢᵢ(1 − Σₖ λₖ u²ᵢₖ), so again diag Σ = diag S. K is given, or (default)
//                  the number of correlation eigenvalues above the Marchenko–Pastur edge λ+
//                  fitted exactly as the `denoised` estimator fits it (fit_marchenko_pastur,
//                  López de Prado 2020 ch. 2): the eigenvalues a pure-noise matrix of the same
//                  shape would not produce. V. A. Marchenko, L. A. Pastur (1967), Math. USSR-
//                  Sbornik 1(4), 457–483.
//
// Collinear factors (F̃ᵀF̃ singular to working precision) are never inverted: the call fails
// naming the factors involved (find_collinear_factors).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"

namespace keel {

struct DenoiseOptions;

// The factor structure behind a factor-model covariance; empty matrices when the covariance is
// not a factor model.
struct FactorStructure {
  std::vector<std::string> factors;   // K names ("market", "pc1", ... or the given columns)
  Eigen::MatrixXd loadings;           // B, N × K
  Eigen::MatrixXd factor_covariance;  // Ω, K × K, per period
  Eigen::VectorXd specific_variance;  // D, N, per period (≥ 0)
  // PCA only: the correlation eigenvalues (descending) and the Marchenko–Pastur edge used to
  // count the factors (NaN when K was given).
  Eigen::VectorXd eigenvalues;
  double marchenko_pastur_edge = 0.0;

  bool empty() const { return loadings.size() == 0; }
  // Σ = B Ω Bᵀ + D (N × N).
  Eigen::MatrixXd covariance() const;
};

// Variance of a portfolio split into factor and specific parts, and the factor part split by
// factor (Euler contributions wᵀB·(ΩBᵀw) per factor: they sum to the factor variance exactly, up
// to rounding).
struct FactorRiskDecomposition {
  double total_variance = 0.0;           // wᵀΣw
  double factor_variance = 0.0;          // wᵀBΩBᵀw
  double specific_variance = 0.0;        // wᵀDw
  Eigen::VectorXd exposures;             // Bᵀw, K
  Eigen::VectorXd factor_contributions;  // eₖ·(Ωe)ₖ, K, sums to factor_variance
};

// Requires weights.size() == N.
Result<FactorRiskDecomposition> decompose_factor_risk(const FactorStructure& model,
                                                      const Eigen::VectorXd& weights);

// Collinearity check on the columns of `factors` (T × K, demeaned internally): empty when the
// factor correlation matrix has its smallest eigenvalue above `tolerance` × its largest, else the
// names of the factors that carry the near-null direction (|eigenvector entry| ≥ 0.1), largest
// first. A constant factor (zero variance) is reported alone.
std::vector<std::string> find_collinear_factors(Eigen::Ref<const Eigen::MatrixXd> factors,
                                                const std::vector<std::string>& names,
                                                double tolerance = 1e-10);

// Σ from given factor returns (rows aligned with `returns`, both finite, T ≥ K + 2).
// `factor_names` has K entries (empty = "f1", "f2", ...). Errors: shape mismatch, non-finite
// cells, collinear factors (named), an asset or factor with zero variance.
Result<FactorStructure> fit_factor_model(Eigen::Ref<const Eigen::MatrixXd> returns,
                                         Eigen::Ref<const Eigen::MatrixXd> factor_returns,
                                         std::vector<std::string> factor_names = {});

// Σ from K principal components of the correlation; factors ≤ 0 = the Marchenko–Pastur rule
// (uses `denoise` for the fit). K = 0 (no eigenvalue above the edge) gives the diagonal sample
// covariance; the caller records a warning.
Result<FactorStructure> fit_pca_factor_model(Eigen::Ref<const Eigen::MatrixXd> returns, int factors,
                                             const DenoiseOptions& denoise);

}  // namespace keel
