#include "keel/risk/stress.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <string>

#include "keel/estimate/distributions.hpp"
#include "risk/checks.hpp"

namespace keel {
namespace {

Timestamp day(int year, int month, int d) {
  return days_from_civil({.year = year, .month = month, .day = d}) * kSecondsPerDay;
}

}  // namespace

std::vector<StressWindow> crypto_stress_windows() {
  return {{"covid-crash-2020", day(2020, 3, 8), day(2020, 3, 16)},
          {"china-ban-2021", day(2021, 5, 12), day(2021, 5, 23)},
          {"luna-collapse-2022", day(2022, 5, 7), day(2022, 5, 13)},
          {"ftx-collapse-2022", day(2022, 11, 6), day(2022, 11, 10)}};
}

std::optional<double> crypto_window_market_move(std::string_view name) {
  // Computed from ../shared/data/crypto_cmc_top120/prices_close_usd.csv (BTC column).
  if (name == "covid-crash-2020") return -0.3815;
  if (name == "china-ban-2021") return -0.2926;
  if (name == "luna-collapse-2022") return -0.1752;
  if (name == "ftx-collapse-2022") return -0.1596;
  return std::nullopt;
}

Result<StressPnl> replay_window(const std::vector<Timestamp>& timestamps,
                                Eigen::Ref<const Eigen::MatrixXd> returns,
                                Eigen::Ref<const Eigen::VectorXd> weights,
                                const StressWindow& window) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, returns.cols()));
  if (static_cast<Eigen::Index>(timestamps.size()) != returns.rows()) {
    return Status::invalid("replay_window: " + std::to_string(timestamps.size()) +
                           " timestamps for " + std::to_string(returns.rows()) +
                           " return rows; pass one end-of-period timestamp per row");
  }
  if (window.end <= window.start) {
    return Status::invalid("stress window '" + window.name + "': end " + format_date(window.end) +
                           " is not after start " + format_date(window.start));
  }
  StressPnl out;
  out.name = window.name;
  Eigen::ArrayXd growth = Eigen::ArrayXd::Ones(returns.cols());
  for (Eigen::Index t = 0; t < returns.rows(); ++t) {
    const Timestamp ts = timestamps[static_cast<std::size_t>(t)];
    if (ts <= window.start || ts > window.end) continue;
    for (Eigen::Index j = 0; j < returns.cols(); ++j) {
      if (!std::isfinite(returns(t, j))) {
        return Status::invalid("stress window '" + window.name + "': " + format_timestamp(ts) +
                               ", asset column " + std::to_string(j) +
                               " has no return; fill the asset with a proxy or drop it");
      }
    }
    growth *= 1.0 + returns.row(t).transpose().array();
    ++out.rows;
  }
  if (out.rows == 0) {
    const std::string range = timestamps.empty() ? std::string("no data")
                                                 : format_date(timestamps.front()) + " .. " +
                                                       format_date(timestamps.back());
    return Status::invalid("stress window '" + window.name + "' (" + format_date(window.start) +
                           " .. " + format_date(window.end) + ") has no return rows in the data (" +
                           range + "); choose a window inside the history");
  }
  out.asset_pnl = weights.array() * (growth - 1.0);
  out.total = out.asset_pnl.sum();
  return out;
}

Result<StressPnl> apply_shocks(Eigen::Ref<const Eigen::VectorXd> weights,
                               const std::vector<Shock>& shocks, std::string name) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, weights.size()));
  Eigen::VectorXd shock = Eigen::VectorXd::Zero(weights.size());
  for (std::size_t s = 0; s < shocks.size(); ++s) {
    if (!std::isfinite(shocks[s].asset_return)) {
      return Status::invalid("shock " + std::to_string(s) + " has a non-finite return");
    }
    for (Eigen::Index i : shocks[s].assets) {
      if (i < 0 || i >= weights.size()) {
        return Status::invalid("shock " + std::to_string(s) + ": asset index " + std::to_string(i) +
                               " is outside 0.." + std::to_string(weights.size() - 1));
      }
      shock[i] = shocks[s].asset_return;
    }
  }
  StressPnl out;
  out.name = std::move(name);
  out.asset_pnl = weights.cwiseProduct(shock);
  out.total = out.asset_pnl.sum();
  return out;
}

Status CorrelationStressOptions::validate() const {
  if (!(correlation_shift >= 0.0 && correlation_shift <= 1.0)) {
    return Status::invalid("CorrelationStressOptions::correlation_shift = " +
                           std::to_string(correlation_shift) + " is outside [0, 1]");
  }
  if (!(volatility_multiplier > 0.0) || !std::isfinite(volatility_multiplier)) {
    return Status::invalid("CorrelationStressOptions::volatility_multiplier = " +
                           std::to_string(volatility_multiplier) + " must be positive");
  }
  return risk_detail::check_confidence(confidence, "CorrelationStressOptions::confidence");
}

Result<CorrelationStress> stress_correlation(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                             Eigen::Ref<const Eigen::VectorXd> mean,
                                             Eigen::Ref<const Eigen::VectorXd> weights,
                                             const CorrelationStressOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index n = covariance.rows();
  if (covariance.cols() != n || n < 1) {
    return Status::invalid("stress_correlation: covariance must be square and non-empty");
  }
  KEEL_RETURN_IF_ERROR(risk_detail::check_matrix(covariance, "covariance", 1));
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, n));
  if (mean.size() != n || !mean.allFinite()) {
    return Status::invalid("stress_correlation: mean needs " + std::to_string(n) +
                           " finite entries (pass zeros to ignore the drift)");
  }
  const Eigen::VectorXd sd = covariance.diagonal().cwiseMax(0.0).cwiseSqrt();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(sd[i] > 0.0)) {
      return Status::invalid("stress_correlation: asset " + std::to_string(i) +
                             " has zero variance; drop it or give it a volatility");
    }
  }
  const Eigen::MatrixXd corr =
      sd.cwiseInverse().asDiagonal() * covariance * sd.cwiseInverse().asDiagonal();
  if ((corr - corr.transpose()).cwiseAbs().maxCoeff() > 1e-10) {
    return Status::invalid("stress_correlation: covariance is not symmetric; symmetrise it");
  }
  const double lambda = options.correlation_shift;
  Eigen::MatrixXd stressed = (1.0 - lambda) * corr + lambda * Eigen::MatrixXd::Ones(n, n);
  stressed.diagonal().setOnes();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> base_eig(corr, Eigen::EigenvaluesOnly);
  if (base_eig.eigenvalues().minCoeff() < -1e-10) {
    return Status::invalid(
        "stress_correlation: the input correlation is not positive "
        "semidefinite (smallest eigenvalue " +
        std::to_string(base_eig.eigenvalues().minCoeff()) +
        "); repair it (estimate module PSD projection) first");
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(stressed, Eigen::EigenvaluesOnly);
  CorrelationStress out;
  out.min_eigenvalue = eig.eigenvalues().minCoeff();
  const Eigen::VectorXd stressed_sd = options.volatility_multiplier * sd;
  out.stressed_covariance = stressed_sd.asDiagonal() * stressed * stressed_sd.asDiagonal();
  const double p = 1.0 - options.confidence;
  const double z = normal_quantile(p);
  const double es_factor = normal_pdf(z) / p;
  const double mu = mean.dot(weights);
  const double base_sigma = std::sqrt(std::max(0.0, weights.dot(covariance * weights)));
  const double stressed_sigma =
      std::sqrt(std::max(0.0, weights.dot(out.stressed_covariance * weights)));
  out.base_var = -mu - z * base_sigma;
  out.base_es = -mu + es_factor * base_sigma;
  out.stressed_var = -mu - z * stressed_sigma;
  out.stressed_es = -mu + es_factor * stressed_sigma;
  return out;
}

}  // namespace keel
