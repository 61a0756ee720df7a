#pragma once
// Spectral diagnostics of a covariance matrix and diversification measures of a portfolio.
//
//  - PCA summary: eigenvalues in descending order, explained-variance ratios, and the absorption
//    ratio of M. Kritzman, Y. Li, S. Page, R. Rigobon (2011), "Principal components as a measure of
//    systemic risk", J. Portfolio Management 37(4): the share of total variance absorbed by the top
//    k eigenvectors (k = ceil(N/5) by default, as in the paper).
//  - Effective number of bets, A. Meucci (2009), "Managing diversification", Risk 22(5), 74–79, in
//    its principal-component version: with Σ = E Λ Eᵀ, factor exposures f = Eᵀ w, variance shares
//    p_k = λ_k f_k² / (wᵀ Σ w), ENB = exp(−Σ_k p_k ln p_k) (terms with p_k = 0 count as 0). Ranges
//    from 1 to N. The PCA version was chosen over minimum torsion (Meucci, Santangelo, Deguest
//    2015) because it needs no iterative solve and its factors are uniquely defined when the
//    eigenvalues are distinct; note it depends on the sign-free squared exposures only.
//  - Diversification ratio, Y. Choueifaty, Y. Coignard (2008), "Toward maximum diversification",
//    J. Portfolio Management 35(1): DR = wᵀσ / sqrt(wᵀ Σ w), σ the volatilities.

#include <Eigen/Core>

#include "keel/core/result.hpp"

namespace keel {

struct EigenSummaryOptions {
  // Components counted by the absorption ratio; 0 (default) means ceil(N/5). Range [0, N].
  int absorption_components = 0;
  // Keep the eigenvectors (N × N) in the summary. Default true.
  bool eigenvectors = true;
};

struct EigenSummary {
  Eigen::VectorXd eigenvalues;   // descending
  Eigen::MatrixXd eigenvectors;  // column k pairs with eigenvalues(k); empty if not asked
  Eigen::VectorXd explained_variance_ratio;  // λ_k / Σ λ, descending
  int absorption_components = 0;             // the k used
  double absorption_ratio = 0.0;             // Σ_{k<K} λ_k / Σ λ
  double condition_number = 0.0;             // λ_max / λ_min; +∞ when λ_min ≤ 0
  int rank = 0;  // eigenvalues above λ_max · N · ε (numpy.linalg.matrix_rank's tolerance)
};

// Fails on a non-square, empty or non-finite matrix, or on non-positive total variance.
Result<EigenSummary> eigen_summary(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                   const EigenSummaryOptions& options = {});

// Meucci's effective number of bets, PCA version (see above). Fails on size mismatch, on
// a non-PSD covariance (λ_min < −1e-12 λ_max) or on zero portfolio variance.
Result<double> effective_number_of_bets(Eigen::Ref<const Eigen::VectorXd> weights,
                                        Eigen::Ref<const Eigen::MatrixXd> covariance);

// Choueifaty–Coignard diversification ratio wᵀσ / sqrt(wᵀΣw). Fails on size mismatch or zero
// portfolio variance.
Result<double> diversification_ratio(Eigen::Ref<const Eigen::VectorXd> weights,
                                     Eigen::Ref<const Eigen::MatrixXd> covariance);

}  // namespace keel
