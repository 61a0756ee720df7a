#include "keel/estimate/psd.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

namespace keel {
namespace {

Status check_square_finite(Eigen::Ref<const Eigen::MatrixXd> matrix, std::string_view what) {
  if (matrix.rows() == 0 || matrix.rows() != matrix.cols()) {
    return Status::invalid(fmt::format("{}: expected a non-empty square matrix, got {} × {}", what,
                                       matrix.rows(), matrix.cols()));
  }
  for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
    for (Eigen::Index i = j; i < matrix.rows(); ++i) {
      if (!std::isfinite(matrix(i, j))) {
        return Status::invalid(fmt::format(
            "{}: entry ({}, {}) is not finite; estimate the covariance without NaN first", what, i,
            j));
      }
    }
  }
  return Status::ok();
}

Eigen::MatrixXd symmetric_from_lower(Eigen::Ref<const Eigen::MatrixXd> matrix) {
  Eigen::MatrixXd full = matrix.selfadjointView<Eigen::Lower>();
  return full;
}

// Projection onto {X : λ(X) ≥ floor} in Frobenius norm.
Eigen::MatrixXd project_eigenvalues(const Eigen::MatrixXd& symmetric, double floor) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric);
  Eigen::VectorXd values = solver.eigenvalues().cwiseMax(floor);
  const Eigen::MatrixXd& vectors = solver.eigenvectors();
  Eigen::MatrixXd out = vectors * values.asDiagonal() * vectors.transpose();
  return 0.5 * (out + out.transpose());
}

}  // namespace

Result<PsdCheck> check_psd(Eigen::Ref<const Eigen::MatrixXd> matrix, double relative_tolerance) {
  KEEL_RETURN_IF_ERROR(check_square_finite(matrix, "PSD check"));
  if (!(relative_tolerance >= 0.0 && relative_tolerance < 1.0)) {
    return Status::invalid(
        fmt::format("PSD check: relative tolerance {} must be in [0, 1)", relative_tolerance));
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric_from_lower(matrix),
                                                        Eigen::EigenvaluesOnly);
  PsdCheck check;
  check.min_eigenvalue = solver.eigenvalues()(0);
  check.max_eigenvalue = solver.eigenvalues()(solver.eigenvalues().size() - 1);
  const double scale = std::max(std::abs(check.max_eigenvalue), 1e-300);
  check.tolerance = relative_tolerance * scale;
  check.is_psd = check.min_eigenvalue >= -check.tolerance;
  return check;
}

Result<Eigen::MatrixXd> clip_eigenvalues(Eigen::Ref<const Eigen::MatrixXd> matrix,
                                         const EigenvalueClipOptions& options) {
  KEEL_RETURN_IF_ERROR(check_square_finite(matrix, "eigenvalue clipping"));
  if (!(options.floor >= 0.0) || !std::isfinite(options.floor)) {
    return Status::invalid(
        fmt::format("eigenvalue clipping: floor {} must be finite and ≥ 0", options.floor));
  }
  const Eigen::MatrixXd original = symmetric_from_lower(matrix);
  Eigen::MatrixXd clipped = project_eigenvalues(original, options.floor);
  if (options.preserve_diagonal) {
    const Eigen::Index n = clipped.rows();
    Eigen::VectorXd scale(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!(clipped(i, i) > 0.0)) {
        return Status::numerical(
            fmt::format("eigenvalue clipping: diagonal entry {} is {} after clipping, so the "
                        "diagonal cannot be "
                        "preserved; use a positive floor or preserve_diagonal = false",
                        i, clipped(i, i)));
      }
      if (original(i, i) < 0.0) {
        return Status::invalid(fmt::format(
            "eigenvalue clipping: diagonal entry {} is negative ({}); not a covariance matrix", i,
            original(i, i)));
      }
      scale(i) = std::sqrt(original(i, i) / clipped(i, i));
    }
    clipped = scale.asDiagonal() * clipped * scale.asDiagonal();
  }
  return clipped;
}

Status NearestCorrelationOptions::validate() const {
  if (!(tolerance > 0.0 && tolerance < 1.0)) {
    return Status::invalid(
        fmt::format("nearest correlation: tolerance {} must be in (0, 1)", tolerance));
  }
  if (max_iterations < 1) {
    return Status::invalid(
        fmt::format("nearest correlation: max_iterations {} must be ≥ 1", max_iterations));
  }
  if (!(min_eigenvalue >= 0.0 && min_eigenvalue < 1.0)) {
    return Status::invalid(
        fmt::format("nearest correlation: min_eigenvalue {} must be in [0, 1)", min_eigenvalue));
  }
  return Status::ok();
}

Result<NearestCorrelationResult> nearest_correlation(Eigen::Ref<const Eigen::MatrixXd> matrix,
                                                     const NearestCorrelationOptions& options) {
  KEEL_RETURN_IF_ERROR(check_square_finite(matrix, "nearest correlation"));
  KEEL_RETURN_IF_ERROR(options.validate());
  Eigen::MatrixXd a = symmetric_from_lower(matrix);
  a.diagonal().setOnes();

  // Higham (2002) algorithm 3.3 with W = I: Dykstra's correction ΔS is applied before the
  // projection onto the PSD cone (not an affine set); the unit-diagonal projection needs none.
  const Eigen::Index n = a.rows();
  Eigen::MatrixXd y = a;
  Eigen::MatrixXd x = a;
  Eigen::MatrixXd correction = Eigen::MatrixXd::Zero(n, n);
  NearestCorrelationResult result;
  for (int k = 1; k <= options.max_iterations; ++k) {
    const Eigen::MatrixXd r = y - correction;
    const Eigen::MatrixXd x_next = project_eigenvalues(r, options.min_eigenvalue);
    correction = x_next - r;
    Eigen::MatrixXd y_next = x_next;
    y_next.diagonal().setOnes();
    const double dx = (x_next - x).norm() / std::max(x_next.norm(), 1e-300);
    const double dy = (y_next - y).norm() / std::max(y_next.norm(), 1e-300);
    const double gap = (y_next - x_next).norm() / std::max(y_next.norm(), 1e-300);
    x = x_next;
    y = std::move(y_next);
    result.iterations = k;
    if (std::max({dx, dy, gap}) <= options.tolerance) {
      result.converged = true;
      break;
    }
  }
  result.frobenius_distance = (y - a).norm();
  result.correlation = std::move(y);
  return result;
}

bool is_psd_pyportfolioopt(Eigen::Ref<const Eigen::MatrixXd> matrix) {
  Eigen::MatrixXd shifted = matrix;
  shifted.diagonal().array() += 1e-16;
  Eigen::LLT<Eigen::MatrixXd> llt(shifted);
  return llt.info() == Eigen::Success;
}

Eigen::MatrixXd fix_nonpositive_semidefinite_pyportfolioopt(
    Eigen::Ref<const Eigen::MatrixXd> matrix, bool* changed) {
  if (is_psd_pyportfolioopt(matrix)) {
    if (changed != nullptr) *changed = false;
    return matrix;
  }
  if (changed != nullptr) *changed = true;
  // numpy.linalg.eigh reads the lower triangle by default, as Eigen does.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix);
  const Eigen::VectorXd values = solver.eigenvalues().cwiseMax(0.0);
  const Eigen::MatrixXd& vectors = solver.eigenvectors();
  return vectors * values.asDiagonal() * vectors.transpose();
}

std::string_view to_string(PsdRepair repair) {
  switch (repair) {
    case PsdRepair::kNone:
      return "none";
    case PsdRepair::kClip:
      return "clip";
    case PsdRepair::kHigham:
      return "higham";
    case PsdRepair::kPyPortfolioOpt:
      return "pyportfolioopt";
  }
  return "none";
}

Result<PsdRepair> parse_psd_repair(std::string_view name) {
  for (PsdRepair r :
       {PsdRepair::kNone, PsdRepair::kClip, PsdRepair::kHigham, PsdRepair::kPyPortfolioOpt}) {
    if (name == to_string(r)) return r;
  }
  return Status::invalid(fmt::format(
      "unknown PSD repair '{}'; expected one of none, clip, higham, pyportfolioopt", name));
}

Status PsdRepairOptions::validate() const {
  if (!(relative_tolerance >= 0.0 && relative_tolerance < 1.0)) {
    return Status::invalid(
        fmt::format("PSD repair: relative_tolerance {} must be in [0, 1)", relative_tolerance));
  }
  if (!(clip.floor >= 0.0) || !std::isfinite(clip.floor)) {
    return Status::invalid(
        fmt::format("PSD repair: clip floor {} must be finite and ≥ 0", clip.floor));
  }
  return higham.validate();
}

Result<PsdRepairOutcome> repair_psd(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                    const PsdRepairOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(check_square_finite(covariance, "PSD repair"));
  PsdRepairOutcome outcome;
  outcome.matrix = symmetric_from_lower(covariance);
  if (options.method == PsdRepair::kNone) return outcome;

  if (options.method == PsdRepair::kPyPortfolioOpt) {
    bool changed = false;
    Eigen::MatrixXd fixed = fix_nonpositive_semidefinite_pyportfolioopt(covariance, &changed);
    if (changed) {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> before(outcome.matrix, Eigen::EigenvaluesOnly);
      outcome.repair = fmt::format(
          "pyportfolioopt spectral fix: negative eigenvalues set to 0 (min eigenvalue was {:.6g})",
          before.eigenvalues()(0));
      outcome.matrix = std::move(fixed);
    }
    return outcome;
  }

  auto check = check_psd(outcome.matrix, options.relative_tolerance);
  if (!check) return check.status();
  if (check->is_psd && options.method == PsdRepair::kClip &&
      check->min_eigenvalue >= options.clip.floor) {
    return outcome;
  }
  if (check->is_psd && options.method == PsdRepair::kHigham) return outcome;

  if (options.method == PsdRepair::kClip) {
    auto clipped = clip_eigenvalues(outcome.matrix, options.clip);
    if (!clipped) return clipped.status();
    outcome.matrix = std::move(*clipped);
    outcome.repair = fmt::format(
        "eigenvalue clipping to floor {:.6g}{}: min eigenvalue was {:.6g}", options.clip.floor,
        options.clip.preserve_diagonal ? " (diagonal preserved)" : "", check->min_eigenvalue);
    return outcome;
  }

  // Higham on the implied correlation, rescaled by the volatilities.
  const Eigen::Index n = outcome.matrix.rows();
  Eigen::VectorXd vol(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(outcome.matrix(i, i) > 0.0)) {
      return Status::invalid(fmt::format(
          "PSD repair (higham): variance of asset {} is {}, so there is no correlation to repair; "
          "drop the asset or use the clip repair",
          i, outcome.matrix(i, i)));
    }
    vol(i) = std::sqrt(outcome.matrix(i, i));
  }
  const Eigen::VectorXd inv = vol.cwiseInverse();
  const Eigen::MatrixXd corr = inv.asDiagonal() * outcome.matrix * inv.asDiagonal();
  auto nearest = nearest_correlation(corr, options.higham);
  if (!nearest) return nearest.status();
  outcome.matrix = vol.asDiagonal() * nearest->correlation * vol.asDiagonal();
  outcome.repair = fmt::format(
      "higham nearest correlation ({} iterations, Frobenius change {:.6g} in correlation): min "
      "eigenvalue was {:.6g}",
      nearest->iterations, nearest->frobenius_distance, check->min_eigenvalue);
  if (!nearest->converged) {
    outcome.warning = fmt::format(
        "higham nearest correlation stopped at the iteration limit ({}) before reaching tolerance "
        "{:.3g}; raise max_iterations",
        options.higham.max_iterations, options.higham.tolerance);
  }
  return outcome;
}

}  // namespace keel
