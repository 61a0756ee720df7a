#include "keel/estimate/diagnostics.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>

namespace keel {
namespace {

Status check_covariance(Eigen::Ref<const Eigen::MatrixXd> covariance, std::string_view what) {
  if (covariance.rows() == 0 || covariance.rows() != covariance.cols()) {
    return Status::invalid(fmt::format("{}: expected a non-empty square covariance, got {} × {}",
                                       what, covariance.rows(), covariance.cols()));
  }
  if (!covariance.allFinite()) {
    return Status::invalid(fmt::format("{}: the covariance has non-finite entries", what));
  }
  return Status::ok();
}

Status check_weights(Eigen::Ref<const Eigen::VectorXd> weights,
                     Eigen::Ref<const Eigen::MatrixXd> covariance, std::string_view what) {
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, what));
  if (weights.size() != covariance.rows()) {
    return Status::invalid(fmt::format("{}: {} weights for a {} × {} covariance", what,
                                       weights.size(), covariance.rows(), covariance.cols()));
  }
  if (!weights.allFinite()) {
    return Status::invalid(fmt::format("{}: the weights have non-finite entries", what));
  }
  return Status::ok();
}

}  // namespace

Result<EigenSummary> eigen_summary(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                   const EigenSummaryOptions& options) {
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, "eigen summary"));
  const Eigen::Index n = covariance.rows();
  if (options.absorption_components < 0 || options.absorption_components > n) {
    return Status::invalid(fmt::format(
        "eigen summary: absorption_components {} must be in [0, {}] (0 means ceil(N/5))",
        options.absorption_components, n));
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(
      covariance, options.eigenvectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) {
    return Status::numerical("eigen summary: the eigen decomposition did not converge");
  }
  EigenSummary s;
  s.eigenvalues = solver.eigenvalues().reverse();
  if (options.eigenvectors) s.eigenvectors = solver.eigenvectors().rowwise().reverse();
  const double total = s.eigenvalues.sum();
  if (!(total > 0.0)) {
    return Status::invalid("eigen summary: the total variance (trace) is not positive");
  }
  s.explained_variance_ratio = s.eigenvalues / total;
  s.absorption_components = options.absorption_components > 0 ? options.absorption_components
                                                              : static_cast<int>((n + 4) / 5);
  s.absorption_ratio = s.explained_variance_ratio.head(s.absorption_components).sum();
  const double hi = s.eigenvalues(0);
  const double lo = s.eigenvalues(n - 1);
  const double tol = std::abs(hi) * static_cast<double>(n) * std::numeric_limits<double>::epsilon();
  s.condition_number = lo > tol ? hi / lo : std::numeric_limits<double>::infinity();
  s.rank = static_cast<int>((s.eigenvalues.array() > tol).count());
  return s;
}

Result<double> effective_number_of_bets(Eigen::Ref<const Eigen::VectorXd> weights,
                                        Eigen::Ref<const Eigen::MatrixXd> covariance) {
  KEEL_RETURN_IF_ERROR(check_weights(weights, covariance, "effective number of bets"));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  const Eigen::VectorXd& lambda = solver.eigenvalues();
  const double hi = lambda(lambda.size() - 1);
  if (lambda(0) < -1e-12 * std::abs(hi)) {
    return Status::invalid(fmt::format(
        "effective number of bets: the covariance is not PSD (min eigenvalue {:.6g}); repair it "
        "first (psd.hpp)",
        lambda(0)));
  }
  const Eigen::VectorXd exposure = solver.eigenvectors().transpose() * weights;
  const Eigen::VectorXd contribution =
      (lambda.cwiseMax(0.0).array() * exposure.array().square()).matrix();
  const double variance = contribution.sum();
  if (!(variance > 0.0)) {
    return Status::invalid("effective number of bets: the portfolio variance is zero");
  }
  double entropy = 0.0;
  for (Eigen::Index k = 0; k < contribution.size(); ++k) {
    const double p = contribution(k) / variance;
    if (p > 0.0) entropy -= p * std::log(p);
  }
  return std::exp(entropy);
}

Result<double> diversification_ratio(Eigen::Ref<const Eigen::VectorXd> weights,
                                     Eigen::Ref<const Eigen::MatrixXd> covariance) {
  KEEL_RETURN_IF_ERROR(check_weights(weights, covariance, "diversification ratio"));
  if ((covariance.diagonal().array() < 0.0).any()) {
    return Status::invalid("diversification ratio: the covariance has a negative variance");
  }
  const double variance = weights.dot(covariance * weights);
  if (!(variance > 0.0)) {
    return Status::invalid(
        "diversification ratio: the portfolio variance is not positive (check the weights and "
        "that the covariance is PSD)");
  }
  return weights.dot(covariance.diagonal().cwiseSqrt()) / std::sqrt(variance);
}

}  // namespace keel
