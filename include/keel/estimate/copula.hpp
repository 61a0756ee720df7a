#pragma once
// Copulas for joint scenarios with the assets' own (empirical) margins: Gaussian and Student-t
// copulas for any number of assets, bivariate Clayton and Gumbel copulas. Parameters come from
// Kendall's tau, which does not depend on the margins (Genest & Rivest 1993, JASA 88; Lindskog,
// McNeil & Schmock 2003, "Kendall's tau for elliptical distributions"; McNeil, Frey & Embrechts,
// Quantitative Risk Management, 2015, §7.5):
//
//   elliptical:  ρ_ij = sin(π τ_ij / 2), made positive definite by an eigenvalue floor (recorded);
//   Student-t:   ν maximises the t-copula log-likelihood of the pseudo-observations
//                u_ti = rank_ti / (T + 1) with ρ fixed (1-D Brent search on log ν, Brent 1973);
//   Clayton:     θ = 2τ / (1 − τ)  (needs τ > 0);     Gumbel: θ = 1 / (1 − τ)  (needs τ ≥ 0).
//
// Tail dependence λ (Joe 1997; Embrechts, Lindskog & McNeil 2003): Gaussian 0; Student-t
// λ_L = λ_U = 2 t_{ν+1}(−sqrt((ν + 1)(1 − ρ)/(1 + ρ))); Clayton λ_L = 2^{−1/θ}, λ_U = 0; Gumbel
// λ_U = 2 − 2^{1/θ}, λ_L = 0.
//
// Sampling is deterministic for a seed on every platform (keel/core/random.hpp).

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/result.hpp"

namespace keel {

enum class CopulaFamily {
  kGaussian,  // any N ≥ 2; no tail dependence
  kStudentT,  // any N ≥ 2; symmetric tail dependence, ν estimated
  kClayton,   // N = 2; lower-tail dependence (joint crashes)
  kGumbel,    // N = 2; upper-tail dependence
};

struct CopulaOptions {
  // Copula family. Default Gaussian.
  CopulaFamily family = CopulaFamily::kGaussian;

  // Smallest eigenvalue allowed in the tau-implied correlation (elliptical families); a matrix
  // below it is repaired by flooring eigenvalues and rescaling to unit diagonal, and the repair is
  // listed in CopulaFit::repairs. Range [1e-12, 0.5). Default 1e-6.
  double eigenvalue_floor = 1e-6;

  // Search interval for the Student-t degrees of freedom. Range 0.5 ≤ min < max ≤ 1e4. Defaults
  // [1, 200]; an estimate at the upper end means the data show no tail dependence.
  double min_degrees_of_freedom = 1.0;
  double max_degrees_of_freedom = 200.0;

  // Brent tolerance on log ν (relative tolerance on ν). Range (0, 1e-2]. Default 1e-8.
  double degrees_of_freedom_tolerance = 1e-8;

  Status validate() const;
};

struct CopulaFit {
  CopulaFamily family = CopulaFamily::kGaussian;
  int observations = 0;         // T
  Eigen::MatrixXd kendall_tau;  // N × N sample Kendall's tau-b, unit diagonal
  // Elliptical families: the correlation parameter (after any repair). Empty for Archimedean.
  Eigen::MatrixXd correlation;
  double degrees_of_freedom = std::numeric_limits<double>::quiet_NaN();  // Student-t only
  double theta = std::numeric_limits<double>::quiet_NaN();               // Clayton / Gumbel only
  // Copula log-likelihood of the pseudo-observations at the fit (elliptical families); NaN for
  // Archimedean ones.
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();
  Eigen::MatrixXd lower_tail_dependence;  // N × N, unit diagonal
  Eigen::MatrixXd upper_tail_dependence;  // N × N, unit diagonal
  // Smallest eigenvalue of sin(π τ / 2) before repair (elliptical); NaN otherwise.
  double min_eigenvalue_before_repair = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> repairs;   // e.g. the eigenvalue floor applied
  int likelihood_evaluations = 0;     // Student-t ν search
  std::vector<std::string> warnings;  // e.g. ν at a bound

  Eigen::Index dimension() const { return kendall_tau.rows(); }
};

// Fits a copula to T × N returns (T ≥ 10, all finite; the message names row and column of a NaN).
Result<CopulaFit> fit_copula(Eigen::Ref<const Eigen::MatrixXd> returns,
                             const CopulaOptions& options = {});

// Uniform draws (scenarios × N) from a fitted copula, deterministic for a seed.
Result<Eigen::MatrixXd> sample_copula(const CopulaFit& fit, int scenarios, std::uint64_t seed);

// Return scenarios (scenarios × N): copula draws mapped through each column's empirical quantile
// function of `returns` (the inverse of the pseudo-observation map: linear interpolation between
// order statistics at positions u·(T + 1), clamped to the observed range, so scenarios never leave
// the historical range of each asset). `returns` is normally the matrix the copula was fitted to.
Result<Eigen::MatrixXd> sample_scenarios(const CopulaFit& fit,
                                         Eigen::Ref<const Eigen::MatrixXd> returns, int scenarios,
                                         std::uint64_t seed);

// Pseudo-observations rank / (T + 1) per column; ties get their average rank.
Eigen::MatrixXd pseudo_observations(Eigen::Ref<const Eigen::MatrixXd> data);

// Kendall's tau-b of two equally long series (ties handled as scipy.stats.kendalltau), in
// O(T log T) (Knight 1966, JASA 61). NaN when either series is constant.
double kendall_tau(Eigen::Ref<const Eigen::VectorXd> x, Eigen::Ref<const Eigen::VectorXd> y);
// All pairs; unit diagonal.
Eigen::MatrixXd kendall_tau_matrix(Eigen::Ref<const Eigen::MatrixXd> data);

// Copula log-likelihoods of pseudo-observations u ∈ (0, 1)^{T×N} (R positive definite, ν > 0).
Result<double> gaussian_copula_log_likelihood(Eigen::Ref<const Eigen::MatrixXd> u,
                                              Eigen::Ref<const Eigen::MatrixXd> correlation);
Result<double> student_t_copula_log_likelihood(Eigen::Ref<const Eigen::MatrixXd> u,
                                               Eigen::Ref<const Eigen::MatrixXd> correlation,
                                               double nu);

// Tau inversions and their inverses.
double elliptical_correlation_from_tau(double tau);  // sin(π τ / 2)
double clayton_theta_from_tau(double tau);           // 2τ / (1 − τ)
double clayton_tau_from_theta(double theta);         // θ / (θ + 2)
double gumbel_theta_from_tau(double tau);            // 1 / (1 − τ)
double gumbel_tau_from_theta(double theta);          // 1 − 1/θ

// Tail-dependence coefficients.
double student_t_tail_dependence(double rho, double nu);  // λ_L = λ_U
double clayton_lower_tail_dependence(double theta);       // 2^{−1/θ}
double gumbel_upper_tail_dependence(double theta);        // 2 − 2^{1/θ}

}  // namespace keel
