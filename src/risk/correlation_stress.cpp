#include "keel/risk/correlation_stress.hpp"

#include <cmath>
#include <string>

#include "risk/checks.hpp"

namespace keel {
namespace {

double average_off_diagonal_correlation(const Eigen::MatrixXd& covariance) {
  const Eigen::Index n = covariance.rows();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const Eigen::VectorXd inv_sd = covariance.diagonal().cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd corr = inv_sd.asDiagonal() * covariance * inv_sd.asDiagonal();
  return (corr.sum() - corr.trace()) / static_cast<double>(n * (n - 1));
}

}  // namespace

Status PortfolioCorrelationStressOptions::validate() const {
  KEEL_RETURN_IF_ERROR(stress.validate());
  if (horizon < 1) {
    return Status::invalid("PortfolioCorrelationStressOptions::horizon = " +
                           std::to_string(horizon) + " must be at least 1 period");
  }
  return Status::ok();
}

Result<PortfolioCorrelationStress> portfolio_correlation_stress(
    Eigen::Ref<const Eigen::MatrixXd> returns, Eigen::Ref<const Eigen::VectorXd> weights,
    const PortfolioCorrelationStressOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(risk_detail::check_matrix(returns, "correlation stress returns", 2));
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, returns.cols()));
  const auto t = static_cast<double>(returns.rows());
  const Eigen::VectorXd mu = returns.colwise().mean().transpose();
  const Eigen::MatrixXd centred = returns.rowwise() - mu.transpose();
  const double h = options.horizon;
  const Eigen::MatrixXd covariance = h * (centred.transpose() * centred) / (t - 1.0);
  for (Eigen::Index j = 0; j < covariance.rows(); ++j) {
    if (!(covariance(j, j) > 0.0) || returns.col(j).maxCoeff() == returns.col(j).minCoeff()) {
      return Status::invalid("correlation stress: asset column " + std::to_string(j) +
                             " has a constant return history (zero variance), so it has no "
                             "correlation to stress; drop it or use a longer history");
    }
  }
  const Eigen::VectorXd mean =
      options.zero_mean ? Eigen::VectorXd::Zero(mu.size()) : Eigen::VectorXd(h * mu);
  auto s = stress_correlation(covariance, mean, weights, options.stress);
  if (!s) return s.status().with_context("correlation stress");
  PortfolioCorrelationStress out;
  out.options = options;
  out.observations = returns.rows();
  out.assets = returns.cols();
  out.mean = mean.dot(weights);
  out.volatility_before = std::sqrt(std::max(0.0, weights.dot(covariance * weights)));
  out.volatility_after = std::sqrt(std::max(0.0, weights.dot(s->stressed_covariance * weights)));
  out.var_before = s->base_var;
  out.es_before = s->base_es;
  out.var_after = s->stressed_var;
  out.es_after = s->stressed_es;
  out.average_correlation_before = average_off_diagonal_correlation(covariance);
  out.average_correlation_after = average_off_diagonal_correlation(s->stressed_covariance);
  out.min_eigenvalue = s->min_eigenvalue;
  return out;
}

Json PortfolioCorrelationStress::to_json(double periods_per_year) const {
  const double per_period = 1.0 / std::sqrt(static_cast<double>(options.horizon));
  const double annual = periods_per_year > 0.0 ? std::sqrt(periods_per_year)
                                               : std::numeric_limits<double>::quiet_NaN();
  const auto side = [&](double vol, double var, double es, double corr) {
    return Json{{"volatility", json_number(vol)},
                {"annualised_volatility", json_number(vol * per_period * annual)},
                {"var", json_number(var)},
                {"cvar", json_number(es)},
                {"average_correlation", json_number(corr)}};
  };
  Json doc;
  doc["method"] = "gaussian";
  doc["confidence"] = options.stress.confidence;
  doc["horizon"] = options.horizon;
  doc["correlation_shift"] = options.stress.correlation_shift;
  doc["volatility_multiplier"] = options.stress.volatility_multiplier;
  doc["mean"] = options.zero_mean ? "zero" : "sample";
  doc["observations"] = observations;
  doc["before"] = side(volatility_before, var_before, es_before, average_correlation_before);
  doc["after"] = side(volatility_after, var_after, es_after, average_correlation_after);
  doc["min_eigenvalue"] = json_number(min_eigenvalue);
  return doc;
}

}  // namespace keel
