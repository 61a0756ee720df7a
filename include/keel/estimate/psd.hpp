#pragma once
// Positive semidefiniteness (PSD) of covariance and correlation matrices: detection, and repairs
// that are applied only when the caller asks for them (docs/architecture.md section 4: nothing is repaired
// silently; every repair is reported by the caller in `diagnostics.repairs`).
//
// Repairs offered:
//  - eigenvalue clipping: V max(Λ, floor) Vᵀ, optionally rescaled so the diagonal (the variances)
//    is kept;
//  - Higham's nearest correlation matrix: N. J. Higham (2002), "Computing the nearest correlation
//    matrix — a problem from finance", IMA Journal of Numerical Analysis 22(3), 329–343,
//    alternating projections with Dykstra's correction (unit weights, Frobenius norm);
//  - PyPortfolioOpt's `fix_nonpositive_semidefinite(matrix, "spectral")` reproduced with its own
//    conventions (Cholesky test on matrix + 1e-16 I, negative eigenvalues set to exactly 0), for
//    users who must reproduce PyPortfolioOpt's numbers.

#include <Eigen/Core>
#include <string>
#include <string_view>

#include "keel/core/result.hpp"

namespace keel {

// Result of a PSD test.
struct PsdCheck {
  bool is_psd = false;
  double min_eigenvalue = 0.0;  // smallest eigenvalue of the symmetric part
  double max_eigenvalue = 0.0;  // largest eigenvalue of the symmetric part
  double tolerance = 0.0;  // the absolute tolerance used: relative_tolerance × max(|λ_max|, 1e-300)
};

// A symmetric matrix is declared PSD when λ_min ≥ −relative_tolerance × |λ_max|. Only the lower
// triangle is read. Default tolerance 1e-12 (range [0, 1)), enough to absorb rounding in a
// covariance computed from data in double precision. Fails on a non-square, empty or non-finite
// matrix.
Result<PsdCheck> check_psd(Eigen::Ref<const Eigen::MatrixXd> matrix,
                           double relative_tolerance = 1e-12);

// Eigenvalue clipping.
struct EigenvalueClipOptions {
  // Eigenvalues below `floor` are raised to it. Units: those of the matrix (variance per period
  // for a covariance). Default 0, range [0, ∞).
  double floor = 0.0;
  // When true the clipped matrix B is rescaled as D B D with D = diag(sqrt(a_ii / b_ii)) so its
  // diagonal equals the input's diagonal (variances are kept, only the dependence changes). The
  // congruence keeps B PSD but the smallest eigenvalue may end a little below `floor`. When false
  // (default) the result is exactly V max(Λ, floor) Vᵀ, the nearest matrix in Frobenius norm with
  // eigenvalues ≥ floor, and the diagonal grows.
  bool preserve_diagonal = false;
};

Result<Eigen::MatrixXd> clip_eigenvalues(Eigen::Ref<const Eigen::MatrixXd> matrix,
                                         const EigenvalueClipOptions& options = {});

// Higham (2002) nearest correlation matrix.
struct NearestCorrelationOptions {
  // Stop when the relative change of both iterates and their relative distance fall below this.
  // Default 1e-10, range (0, 1).
  double tolerance = 1e-10;
  // Iteration limit; reaching it is reported (converged = false), not an error. Default 1000.
  int max_iterations = 1000;
  // Lower bound imposed on the eigenvalues in the PSD projection (0 gives Higham's algorithm;
  // a small positive value, e.g. 1e-8, keeps the answer strictly positive definite). Range [0, 1).
  double min_eigenvalue = 0.0;

  Status validate() const;
};

struct NearestCorrelationResult {
  // The unit-diagonal iterate. Its smallest eigenvalue is ≥ min_eigenvalue up to the tolerance.
  Eigen::MatrixXd correlation;
  int iterations = 0;
  bool converged = false;
  double frobenius_distance = 0.0;  // ‖correlation − input‖_F
};

// The input must be symmetric with a unit diagonal (a correlation-like matrix); only the lower
// triangle is read, the diagonal is reset to 1.
Result<NearestCorrelationResult> nearest_correlation(Eigen::Ref<const Eigen::MatrixXd> matrix,
                                                     const NearestCorrelationOptions& options = {});

// PyPortfolioOpt's `_is_positive_semidefinite`: a Cholesky factorisation of matrix + 1e-16 I
// succeeds.
bool is_psd_pyportfolioopt(Eigen::Ref<const Eigen::MatrixXd> matrix);

// PyPortfolioOpt's `fix_nonpositive_semidefinite(matrix, fix_method="spectral")`: the input is
// returned unchanged when `is_psd_pyportfolioopt` holds, otherwise V max(Λ, 0) Vᵀ.
Eigen::MatrixXd fix_nonpositive_semidefinite_pyportfolioopt(
    Eigen::Ref<const Eigen::MatrixXd> matrix, bool* changed = nullptr);

// Repair of a covariance matrix, as selected by estimators that may produce an indefinite one
// (the pairwise-complete sample covariance).
enum class PsdRepair {
  kNone,            // no repair (default): an indefinite matrix is reported in warnings
  kClip,            // clip_eigenvalues with `clip`
  kHigham,          // nearest correlation of the implied correlation, rescaled by the volatilities
  kPyPortfolioOpt,  // fix_nonpositive_semidefinite_pyportfolioopt
};

// Kebab-case names: "none", "clip", "higham", "pyportfolioopt".
std::string_view to_string(PsdRepair repair);
Result<PsdRepair> parse_psd_repair(std::string_view name);

struct PsdRepairOptions {
  PsdRepair method = PsdRepair::kNone;
  EigenvalueClipOptions clip{};        // used by kClip
  NearestCorrelationOptions higham{};  // used by kHigham
  // A matrix already PSD within this relative tolerance (see check_psd) is left untouched by
  // kClip and kHigham. Default 1e-12.
  double relative_tolerance = 1e-12;

  Status validate() const;
};

struct PsdRepairOutcome {
  Eigen::MatrixXd matrix;
  // Empty when nothing was changed; otherwise one line for `diagnostics.repairs` naming the method
  // and the smallest eigenvalue before and after.
  std::string repair;
  std::string warning;  // e.g. Higham's iteration limit reached
};

// Applies `options.method` to a covariance matrix (zero variances are rejected by kHigham).
Result<PsdRepairOutcome> repair_psd(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                    const PsdRepairOptions& options);

}  // namespace keel
