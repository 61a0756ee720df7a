#include "keel/estimate/factor_covariance.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "keel/estimate/covariance.hpp"

namespace keel {
namespace {

Eigen::MatrixXd demeaned(Eigen::Ref<const Eigen::MatrixXd> x) {
  const Eigen::RowVectorXd mean = x.colwise().mean();
  return x.rowwise() - mean;
}

Status check_all_finite(Eigen::Ref<const Eigen::MatrixXd> x, std::string_view what) {
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    for (Eigen::Index t = 0; t < x.rows(); ++t) {
      if (!std::isfinite(x(t, j))) {
        return Status::invalid(fmt::format(
            "factor model: {} has a non-finite value at row {}, column {}; apply a missing-data "
            "policy (--missing drop-rows or ffill:N) first",
            what, t, j));
      }
    }
  }
  return Status::ok();
}

}  // namespace

Eigen::MatrixXd FactorStructure::covariance() const {
  Eigen::MatrixXd half = loadings * factor_covariance;
  Eigen::MatrixXd out = half * loadings.transpose();
  out = 0.5 * (out + out.transpose());
  out.diagonal() += specific_variance;
  return out;
}

Result<FactorRiskDecomposition> decompose_factor_risk(const FactorStructure& model,
                                                      const Eigen::VectorXd& weights) {
  if (weights.size() != model.loadings.rows()) {
    return Status::invalid(fmt::format("factor risk: {} weights for a model of {} assets",
                                       weights.size(), model.loadings.rows()));
  }
  FactorRiskDecomposition out;
  out.exposures = model.loadings.transpose() * weights;
  const Eigen::VectorXd omega_e = model.factor_covariance * out.exposures;
  out.factor_contributions = out.exposures.cwiseProduct(omega_e);
  out.factor_variance = out.exposures.dot(omega_e);
  out.specific_variance = weights.cwiseAbs2().dot(model.specific_variance);
  out.total_variance = out.factor_variance + out.specific_variance;
  return out;
}

std::vector<std::string> find_collinear_factors(Eigen::Ref<const Eigen::MatrixXd> factors,
                                                const std::vector<std::string>& names,
                                                double tolerance) {
  auto name = [&](Eigen::Index k) {
    return k < static_cast<Eigen::Index>(names.size()) ? names[static_cast<std::size_t>(k)]
                                                       : fmt::format("f{}", k + 1);
  };
  const Eigen::MatrixXd x = demeaned(factors);
  const Eigen::VectorXd ss = x.colwise().squaredNorm();
  const double largest = ss.size() > 0 ? ss.maxCoeff() : 0.0;
  for (Eigen::Index k = 0; k < ss.size(); ++k) {
    if (!(ss(k) > 1e-300) || ss(k) <= 1e-28 * largest) return {name(k)};
  }
  if (x.cols() < 2) return {};
  const Eigen::VectorXd inv = ss.cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd corr = inv.asDiagonal() * (x.transpose() * x) * inv.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(corr);
  const Eigen::VectorXd& values = solver.eigenvalues();
  if (values(0) > tolerance * values(values.size() - 1)) return {};
  const Eigen::VectorXd v = solver.eigenvectors().col(0);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(v.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::sort(order.begin(), order.end(),
            [&](Eigen::Index a, Eigen::Index b) { return std::abs(v(a)) > std::abs(v(b)); });
  std::vector<std::string> out;
  for (Eigen::Index k : order) {
    if (std::abs(v(k)) >= 0.1) out.push_back(name(k));
  }
  return out;
}

Result<FactorStructure> fit_factor_model(Eigen::Ref<const Eigen::MatrixXd> returns,
                                         Eigen::Ref<const Eigen::MatrixXd> factor_returns,
                                         std::vector<std::string> factor_names) {
  const Eigen::Index t = returns.rows();
  const Eigen::Index k = factor_returns.cols();
  if (factor_returns.rows() != t) {
    return Status::invalid(
        fmt::format("factor model: {} rows of factor returns for {} rows of asset returns; align "
                    "the factor series to the return dates",
                    factor_returns.rows(), t));
  }
  if (k < 1) return Status::invalid("factor model: no factors; give at least one factor series");
  if (returns.cols() < 1) return Status::invalid("factor model: no assets");
  if (t < k + 2) {
    return Status::invalid(fmt::format(
        "factor model: {} observations for {} factors; it needs at least K + 2 = {}", t, k, k + 2));
  }
  if (factor_names.empty()) {
    for (Eigen::Index j = 0; j < k; ++j) factor_names.push_back(fmt::format("f{}", j + 1));
  }
  if (static_cast<Eigen::Index>(factor_names.size()) != k) {
    return Status::invalid(
        fmt::format("factor model: {} factor names for {} factor columns", factor_names.size(), k));
  }
  KEEL_RETURN_IF_ERROR(check_all_finite(returns, "the asset returns"));
  KEEL_RETURN_IF_ERROR(check_all_finite(factor_returns, "the factor returns"));
  const auto collinear = find_collinear_factors(factor_returns, factor_names);
  if (!collinear.empty()) {
    return Status::invalid(fmt::format(
        "factor model: the factors {} are collinear (or constant) over these {} rows, so their "
        "covariance is singular; drop one of them",
        fmt::join(collinear, ", "), t));
  }
  const Eigen::MatrixXd f = demeaned(factor_returns);
  const Eigen::MatrixXd r = demeaned(returns);
  const double denom = static_cast<double>(t - 1);
  Eigen::MatrixXd ftf =
      Eigen::MatrixXd(k, k).setZero().selfadjointView<Eigen::Lower>().rankUpdate(f.transpose());
  ftf = ftf.selfadjointView<Eigen::Lower>();
  const Eigen::MatrixXd ftr = f.transpose() * r;  // K × N
  Eigen::LLT<Eigen::MatrixXd> llt(ftf);
  if (llt.info() != Eigen::Success) {
    return Status::numerical(
        "factor model: the factor cross-product is not positive definite; drop a factor");
  }
  const Eigen::MatrixXd beta = llt.solve(ftr);  // K × N
  FactorStructure out;
  out.factors = std::move(factor_names);
  out.loadings = beta.transpose();
  out.factor_covariance = ftf / denom;
  const Eigen::VectorXd ss = r.colwise().squaredNorm().transpose();
  const Eigen::VectorXd explained = beta.cwiseProduct(ftr).colwise().sum().transpose();
  out.specific_variance = ((ss - explained) / denom).cwiseMax(0.0);
  out.marchenko_pastur_edge = std::numeric_limits<double>::quiet_NaN();
  return out;
}

Result<FactorStructure> fit_pca_factor_model(Eigen::Ref<const Eigen::MatrixXd> returns, int factors,
                                             const DenoiseOptions& denoise) {
  const Eigen::Index t = returns.rows();
  const Eigen::Index n = returns.cols();
  if (t < 2 || n < 1) {
    return Status::invalid(
        fmt::format("factor-pca: {} observations of {} assets; it needs at least 2 of 1", t, n));
  }
  KEEL_RETURN_IF_ERROR(check_all_finite(returns, "the asset returns"));
  if (factors > n) {
    return Status::invalid(
        fmt::format("factor-pca: {} factors for {} assets; give at most N", factors, n));
  }
  const Eigen::MatrixXd r = demeaned(returns);
  Eigen::MatrixXd s = Eigen::MatrixXd(n, n).setZero().selfadjointView<Eigen::Lower>().rankUpdate(
      r.transpose(), 1.0 / static_cast<double>(t - 1));
  s = s.selfadjointView<Eigen::Lower>();
  const Eigen::VectorXd variance = s.diagonal();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(variance(i) > 0.0)) {
      return Status::invalid(
          fmt::format("factor-pca: asset column {} has zero variance; drop constant assets", i));
    }
  }
  const Eigen::VectorXd vol = variance.cwiseSqrt();
  const Eigen::VectorXd inv = vol.cwiseInverse();
  const Eigen::MatrixXd corr = inv.asDiagonal() * s * inv.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(corr);
  const Eigen::VectorXd values = solver.eigenvalues().reverse();
  const Eigen::MatrixXd vectors = solver.eigenvectors().rowwise().reverse();
  FactorStructure out;
  out.eigenvalues = values;
  out.marchenko_pastur_edge = std::numeric_limits<double>::quiet_NaN();
  Eigen::Index k = factors;
  if (factors <= 0) {
    const double q = static_cast<double>(t) / static_cast<double>(n);
    const MarchenkoPasturFit fit = fit_marchenko_pastur(values, q, denoise);
    out.marchenko_pastur_edge = fit.edge;
    k = (values.array() > fit.edge).count();
  }
  out.loadings.resize(n, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    // Sign convention: each component's loadings sum to a non-negative number (numpy's eigh
    // leaves the sign free; the covariance does not depend on it).
    Eigen::VectorXd u = vectors.col(j);
    if (u.sum() < 0.0) u = -u;
    out.loadings.col(j) = vol.cwiseProduct(u) * std::sqrt(std::max(values(j), 0.0));
    out.factors.push_back(fmt::format("pc{}", j + 1));
  }
  out.factor_covariance = Eigen::MatrixXd::Identity(k, k);
  const Eigen::VectorXd common = out.loadings.rowwise().squaredNorm();
  out.specific_variance = (variance - common).cwiseMax(0.0);
  return out;
}

}  // namespace keel
