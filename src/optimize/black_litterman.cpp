#include "keel/optimize/black_litterman.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <cmath>
#include <unordered_map>

namespace keel {

Result<BlackLittermanViews> make_views(const std::vector<std::string>& assets,
                                       const std::vector<AbsoluteView>& absolute_views,
                                       const std::vector<RelativeView>& relative_views) {
  std::unordered_map<std::string, Eigen::Index> index;
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (!index.emplace(assets[i], static_cast<Eigen::Index>(i)).second) {
      return Status::invalid(
          fmt::format("views: asset '{}' appears twice in the asset list", assets[i]));
    }
  }
  auto find = [&](const std::string& name, std::size_t view) -> Result<Eigen::Index> {
    const auto it = index.find(name);
    if (it == index.end()) {
      return Status::invalid(fmt::format(
          "views: view {} names asset '{}', which is not among the {} assets; check the spelling",
          view + 1, name, assets.size()));
    }
    return it->second;
  };
  const auto n = static_cast<Eigen::Index>(assets.size());
  const auto k = static_cast<Eigen::Index>(absolute_views.size() + relative_views.size());
  BlackLittermanViews views{Eigen::MatrixXd::Zero(k, n), Eigen::VectorXd::Zero(k)};
  std::size_t row = 0;
  for (const AbsoluteView& view : absolute_views) {
    auto i = find(view.asset, row);
    if (!i) return i.status();
    if (!std::isfinite(view.expected_return)) {
      return Status::invalid(
          fmt::format("views: view {} on '{}' has a non-finite return", row + 1, view.asset));
    }
    views.picking(static_cast<Eigen::Index>(row), *i) = 1.0;
    views.expected[static_cast<Eigen::Index>(row)] = view.expected_return;
    ++row;
  }
  for (const RelativeView& view : relative_views) {
    if (view.outperformers.empty() || view.underperformers.empty()) {
      return Status::invalid(fmt::format(
          "views: relative view {} needs at least one asset on each side (use an absolute view "
          "otherwise)",
          row + 1));
    }
    if (!std::isfinite(view.outperformance)) {
      return Status::invalid(
          fmt::format("views: view {} has a non-finite outperformance", row + 1));
    }
    const auto r = static_cast<Eigen::Index>(row);
    for (const auto& name : view.outperformers) {
      auto i = find(name, row);
      if (!i) return i.status();
      if (views.picking(r, *i) != 0.0) {
        return Status::invalid(
            fmt::format("views: asset '{}' appears twice in relative view {}", name, row + 1));
      }
      views.picking(r, *i) = 1.0 / static_cast<double>(view.outperformers.size());
    }
    for (const auto& name : view.underperformers) {
      auto i = find(name, row);
      if (!i) return i.status();
      if (views.picking(r, *i) != 0.0) {
        return Status::invalid(
            fmt::format("views: asset '{}' appears twice (or on both sides) in relative view {}",
                        name, row + 1));
      }
      views.picking(r, *i) = -1.0 / static_cast<double>(view.underperformers.size());
    }
    views.expected[r] = view.outperformance;
    ++row;
  }
  return views;
}

Result<Eigen::VectorXd> market_implied_prior_returns(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                                     Eigen::Ref<const Eigen::VectorXd> market_caps,
                                                     double risk_aversion, double risk_free_rate) {
  const Eigen::Index n = covariance.rows();
  if (covariance.cols() != n || market_caps.size() != n) {
    return Status::invalid(fmt::format(
        "market-implied prior: {} market caps for a {} x {} covariance; give one cap per asset",
        market_caps.size(), covariance.rows(), covariance.cols()));
  }
  if (!covariance.allFinite() || !market_caps.allFinite() || !std::isfinite(risk_aversion) ||
      !std::isfinite(risk_free_rate)) {
    return Status::invalid("market-implied prior: inputs must be finite");
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (market_caps[i] < 0.0) {
      return Status::invalid(fmt::format(
          "market-implied prior: market cap of asset {} is negative ({})", i, market_caps[i]));
    }
  }
  const double total = market_caps.sum();
  if (!(total > 0.0)) {
    return Status::invalid("market-implied prior: market caps are all zero");
  }
  Eigen::VectorXd pi = risk_aversion * (covariance * (market_caps / total));
  pi.array() += risk_free_rate;
  return pi;
}

Result<double> market_implied_risk_aversion(Eigen::Ref<const Eigen::VectorXd> market_returns,
                                            double periods_per_year, double risk_free_rate) {
  const Eigen::Index t = market_returns.size();
  if (t < 2 || !market_returns.allFinite()) {
    return Status::invalid(fmt::format(
        "market-implied risk aversion: need at least 2 finite benchmark returns (got {} values{})",
        t, market_returns.allFinite() ? "" : ", some not finite"));
  }
  if (!(periods_per_year > 0.0)) {
    return Status::invalid("market-implied risk aversion: periods_per_year must be > 0");
  }
  const double mean = market_returns.mean();
  const double variance =
      (market_returns.array() - mean).square().sum() / static_cast<double>(t - 1);
  if (!(variance > 0.0)) {
    return Status::invalid("market-implied risk aversion: benchmark returns have zero variance");
  }
  return (mean * periods_per_year - risk_free_rate) / (variance * periods_per_year);
}

Status BlackLittermanOptions::validate(Eigen::Index assets, Eigen::Index views) const {
  (void)assets;
  if (!(tau > 0.0 && tau <= 1.0)) {
    return Status::invalid(
        fmt::format("black-litterman: tau = {} is outside (0, 1]; 0.05 is customary", tau));
  }
  if (!(risk_aversion > 0.0) || !std::isfinite(risk_aversion)) {
    return Status::invalid(
        fmt::format("black-litterman: risk_aversion = {} must be finite and > 0", risk_aversion));
  }
  if (uncertainty == ViewUncertainty::kExplicit) {
    if (omega.rows() != views || omega.cols() != views || !omega.allFinite()) {
      return Status::invalid(fmt::format(
          "black-litterman: omega must be a finite {} x {} matrix (one row per view), got {} x {}",
          views, views, omega.rows(), omega.cols()));
    }
    if ((omega - omega.transpose()).cwiseAbs().maxCoeff() >
            1e-12 * (1.0 + omega.cwiseAbs().maxCoeff()) ||
        (views > 0 && omega.diagonal().minCoeff() < 0.0)) {
      return Status::invalid(
          "black-litterman: omega must be symmetric with a nonnegative diagonal");
    }
  } else if (omega.size() != 0) {
    return Status::invalid(
        "black-litterman: omega given but uncertainty is not kExplicit; set uncertainty = "
        "kExplicit or drop omega");
  }
  if (uncertainty == ViewUncertainty::kIdzorek) {
    if (view_confidences.size() != views) {
      return Status::invalid(fmt::format(
          "black-litterman: Idzorek needs one confidence per view: {} confidences for {} views",
          view_confidences.size(), views));
    }
    for (Eigen::Index j = 0; j < views; ++j) {
      if (!(view_confidences[j] >= 0.0 && view_confidences[j] <= 1.0)) {
        return Status::invalid(
            fmt::format("black-litterman: confidence of view {} is {}; confidences are in [0, 1]",
                        j + 1, view_confidences[j]));
      }
    }
  } else if (view_confidences.size() != 0) {
    return Status::invalid(
        "black-litterman: view_confidences given but uncertainty is not kIdzorek");
  }
  return Status::ok();
}

Result<BlackLittermanResult> black_litterman(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                             Eigen::Ref<const Eigen::VectorXd> prior,
                                             const BlackLittermanViews& views,
                                             const BlackLittermanOptions& options) {
  const Eigen::Index n = covariance.rows();
  const Eigen::Index k = views.expected.size();
  if (n == 0 || covariance.cols() != n || prior.size() != n || !covariance.allFinite() ||
      !prior.allFinite()) {
    return Status::invalid(fmt::format(
        "black-litterman: need a finite n x n covariance and n prior returns (got {} x {} and {})",
        covariance.rows(), covariance.cols(), prior.size()));
  }
  if (views.picking.rows() != k || (k > 0 && views.picking.cols() != n) ||
      !views.picking.allFinite() || !views.expected.allFinite()) {
    return Status::invalid(fmt::format(
        "black-litterman: P is {} x {} and Q has {} entries; P must be k x n = {} x {} and finite",
        views.picking.rows(), views.picking.cols(), k, k, n));
  }
  KEEL_RETURN_IF_ERROR(options.validate(n, k));
  Eigen::LLT<Eigen::MatrixXd> sigma_llt(covariance);
  if (sigma_llt.info() != Eigen::Success) {
    return Status::invalid(
        "black-litterman: covariance is not positive definite; repair it (e.g. shrinkage) first");
  }
  BlackLittermanResult result;
  result.prior_returns = prior;
  const double tau = options.tau;
  const Eigen::MatrixXd& p = views.picking;
  // Ω.
  Eigen::MatrixXd omega = Eigen::MatrixXd::Zero(k, k);
  const Eigen::MatrixXd tau_sigma_pt = tau * covariance * p.transpose();  // n × k
  const Eigen::MatrixXd p_tau_sigma_pt = p * tau_sigma_pt;                // k × k
  switch (options.uncertainty) {
    case ViewUncertainty::kHeLitterman:
      omega.diagonal() = p_tau_sigma_pt.diagonal();
      break;
    case ViewUncertainty::kExplicit:
      omega = options.omega;
      break;
    case ViewUncertainty::kIdzorek:
      for (Eigen::Index j = 0; j < k; ++j) {
        const double c = options.view_confidences[j];
        omega(j, j) = c == 0.0 ? 1e6 : (1.0 - c) / c * p_tau_sigma_pt(j, j);
      }
      break;
  }
  result.omega = omega;
  if (k == 0) {
    result.posterior_returns = prior;
    result.posterior_covariance = (1.0 + tau) * covariance;
  } else {
    const Eigen::MatrixXd a = p_tau_sigma_pt + omega;
    Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
    if (!lu.isInvertible()) {
      return Status::invalid(
          "black-litterman: PτΣPᵀ + Ω is singular; views are linearly dependent and held with "
          "certainty (drop a redundant view or give it an uncertainty)");
    }
    result.posterior_returns = prior + tau_sigma_pt * lu.solve(views.expected - p * prior);
    const Eigen::MatrixXd m = tau * covariance - tau_sigma_pt * lu.solve(tau_sigma_pt.transpose());
    result.posterior_covariance = covariance + 0.5 * (m + m.transpose());
  }
  const Eigen::VectorXd raw = sigma_llt.solve(result.posterior_returns) / options.risk_aversion;
  const double sum = raw.sum();
  if (std::abs(sum) < 1e-12 * raw.cwiseAbs().sum()) {
    result.weights = raw;
    result.status = SolveStatus::kNumericalError;
    result.message =
        "the implied weights (δΣ)⁻¹μ_BL sum to ~0 and cannot be normalised; use the posterior "
        "returns in a mean-variance model instead";
  } else {
    result.weights = raw / sum;
    result.status = SolveStatus::kOptimal;
    if (sum < 0.0) {
      result.warnings.push_back(
          "the implied weights (δΣ)⁻¹μ_BL have a negative sum; normalising flips their signs");
    }
  }
  return result;
}

}  // namespace keel
