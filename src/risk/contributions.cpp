#include "keel/risk/contributions.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "keel/estimate/distributions.hpp"
#include "keel/risk/var.hpp"
#include "keel/risk/variance_contributions.hpp"
#include "risk/checks.hpp"
#include "risk/cornish_fisher.hpp"

namespace keel {

std::string_view to_string(ContributionMeasure measure) {
  switch (measure) {
    case ContributionMeasure::kVolatility:
      return "volatility";
    case ContributionMeasure::kGaussianVar:
      return "gaussian-var";
    case ContributionMeasure::kGaussianEs:
      return "gaussian-es";
    case ContributionMeasure::kModifiedVar:
      return "modified-var";
    case ContributionMeasure::kModifiedEs:
      return "modified-es";
    case ContributionMeasure::kHistoricalCvar:
      return "historical-cvar";
  }
  return "unknown";
}

Status ContributionOptions::validate() const {
  return risk_detail::check_confidence(confidence, "ContributionOptions::confidence");
}

namespace {

Eigen::VectorXd historical_cvar_marginal(Eigen::Ref<const Eigen::MatrixXd> returns,
                                         const Eigen::VectorXd& pnl, double confidence,
                                         double* total) {
  const Eigen::Index n = pnl.size();
  const double m = tail_size(confidence, n);
  const Eigen::Index k = std::min(n, tail_count(m));
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::nth_element(order.begin(), order.begin() + (k - 1), order.end(),
                   [&pnl](Eigen::Index a, Eigen::Index b) { return pnl[a] < pnl[b]; });
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(returns.cols());
  double pnl_sum = 0.0;
  for (Eigen::Index i = 0; i + 1 < k; ++i) {
    const Eigen::Index row = order[static_cast<std::size_t>(i)];
    sum += returns.row(row).transpose();
    pnl_sum += pnl[row];
  }
  const Eigen::Index kth = order[static_cast<std::size_t>(k - 1)];
  if (m < 1.0) {
    *total = -pnl[kth];
    return -returns.row(kth).transpose();
  }
  const double frac = m - static_cast<double>(k - 1);
  *total = -(pnl_sum + frac * pnl[kth]) / m;
  return -(sum + frac * returns.row(kth).transpose()) / m;
}

}  // namespace

Result<RiskContributions> risk_contributions(Eigen::Ref<const Eigen::MatrixXd> returns,
                                             Eigen::Ref<const Eigen::VectorXd> weights,
                                             const ContributionOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, returns.cols()));
  KEEL_RETURN_IF_ERROR(risk_detail::check_matrix(returns, "returns", 2));

  RiskContributions out;
  out.measure = options.measure;
  const double t_count = static_cast<double>(returns.rows());

  if (options.measure == ContributionMeasure::kHistoricalCvar) {
    const Eigen::VectorXd pnl = returns * weights;
    out.marginal = historical_cvar_marginal(returns, pnl, options.confidence, &out.total);
  } else {
    const Eigen::VectorXd mu = returns.colwise().mean().transpose();
    const Eigen::MatrixXd x = returns.rowwise() - mu.transpose();
    const Eigen::VectorXd p = x * weights;
    const double divisor = options.population_moments ? t_count : t_count - 1.0;
    const Eigen::VectorXd sigma_w = x.transpose() * p / divisor;  // Σw
    const double variance = p.squaredNorm() / divisor;
    if (!(variance > 0.0)) {
      return Status::invalid(
          "risk_contributions: the portfolio return has zero variance over the sample, so " +
          std::string(to_string(options.measure)) +
          " has no gradient; check the weights (all zero?) or use historical-cvar");
    }
    const double sigma = std::sqrt(variance);
    const Eigen::VectorXd dsigma = sigma_w / sigma;
    const double mean_p = mu.dot(weights);
    const double tail_p = 1.0 - options.confidence;
    const double z = normal_quantile(tail_p);
    switch (options.measure) {
      case ContributionMeasure::kVolatility:
        out.total = sigma;
        out.marginal = dsigma;
        break;
      case ContributionMeasure::kGaussianVar:
        out.total = -mean_p - z * sigma;
        out.marginal = -mu - z * dsigma;
        break;
      case ContributionMeasure::kGaussianEs: {
        const double c = normal_pdf(z) / tail_p;
        out.total = -mean_p + c * sigma;
        out.marginal = -mu + c * dsigma;
        break;
      }
      case ContributionMeasure::kModifiedVar:
      case ContributionMeasure::kModifiedEs: {
        const Eigen::ArrayXd pa = p.array();
        const double m2 = (pa * pa).mean();
        const double m3 = (pa * pa * pa).mean();
        const double m4 = (pa * pa * pa * pa).mean();
        const Eigen::VectorXd dm2 = 2.0 * x.transpose() * p / t_count;
        const Eigen::VectorXd dm3 = 3.0 * x.transpose() * (pa * pa).matrix() / t_count;
        const Eigen::VectorXd dm4 = 4.0 * x.transpose() * (pa * pa * pa).matrix() / t_count;
        const double s = m3 / std::pow(m2, 1.5);
        const double k = m4 / (m2 * m2) - 3.0;
        const Eigen::VectorXd ds = dm3 / std::pow(m2, 1.5) - 1.5 * m3 / std::pow(m2, 2.5) * dm2;
        const Eigen::VectorXd dk = dm4 / (m2 * m2) - 2.0 * m4 / (m2 * m2 * m2) * dm2;
        const risk_detail::CornishFisher cf = risk_detail::cornish_fisher(tail_p, s, k);
        if (options.measure == ContributionMeasure::kModifiedVar) {
          out.total = -mean_p - sigma * cf.z_cf;
          out.marginal = -mu - cf.z_cf * dsigma - sigma * (cf.dz_ds * ds + cf.dz_dk * dk);
        } else if (-cf.e <= cf.z_cf) {
          out.total = -mean_p + sigma * cf.e;
          out.marginal = -mu + cf.e * dsigma + sigma * (cf.de_ds * ds + cf.de_dk * dk);
        } else {
          out.total = -mean_p - sigma * cf.z_cf;
          out.marginal = -mu - cf.z_cf * dsigma - sigma * (cf.dz_ds * ds + cf.dz_dk * dk);
        }
        break;
      }
      case ContributionMeasure::kHistoricalCvar:
        break;
    }
  }
  out.component = weights.cwiseProduct(out.marginal);
  out.percent = out.total != 0.0 ? Eigen::VectorXd(out.component / out.total)
                                 : Eigen::VectorXd::Constant(
                                       weights.size(), std::numeric_limits<double>::quiet_NaN());
  out.sum_residual = std::abs(out.component.sum() - out.total);
  return out;
}

Result<VarianceContributions> variance_contributions(Eigen::Ref<const Eigen::VectorXd> weights,
                                                     Eigen::Ref<const Eigen::MatrixXd> covariance) {
  if (covariance.rows() != covariance.cols() || covariance.rows() != weights.size()) {
    return Status::invalid("variance_contributions: " + std::to_string(weights.size()) +
                           " weights for a " + std::to_string(covariance.rows()) + " x " +
                           std::to_string(covariance.cols()) +
                           " covariance; pass one weight per covariance row");
  }
  VarianceContributions out;
  out.sigma_w = covariance * weights;
  out.component = weights.cwiseProduct(out.sigma_w);
  out.variance = out.component.sum();
  out.percent = out.variance > 0.0 ? Eigen::VectorXd(out.component / out.variance)
                                   : Eigen::VectorXd::Constant(
                                         weights.size(), std::numeric_limits<double>::quiet_NaN());
  return out;
}

}  // namespace keel
