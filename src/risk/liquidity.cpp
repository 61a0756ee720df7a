#include "keel/risk/liquidity.hpp"


#include <cmath>
#include <string>

#include "keel/data/volume.hpp"
#include "keel/risk/measures.hpp"
#include "risk/checks.hpp"

namespace keel {
namespace {

Status check_per_asset(Eigen::Ref<const Eigen::VectorXd> v, Eigen::Index assets,
                       const std::string& what) {
  if (v.size() != assets) {
    return Status::invalid(what + ": " + std::to_string(v.size()) + " entries for " +
                           std::to_string(assets) + " weights; pass one value per asset");
  }
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || v[i] < 0.0) {
      return Status::invalid(what + ": asset " + std::to_string(i) + " has " +
                             std::to_string(v[i]) + "; values must be finite and >= 0");
    }
  }
  return Status::ok();
}

void finish(LiquidityAdjustedVar& out) {
  out.liquidity_cost = out.asset_cost.sum();
  out.lvar = out.var + out.liquidity_cost;
  if (out.var > 0.0) out.liquidity_premium = out.lvar / out.var - 1.0;
}

}  // namespace

Result<SpreadStatistics> spread_statistics(Eigen::Ref<const Eigen::MatrixXd> relative_spreads) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_matrix(relative_spreads, "relative spreads", 2));
  for (Eigen::Index j = 0; j < relative_spreads.cols(); ++j) {
    for (Eigen::Index t = 0; t < relative_spreads.rows(); ++t) {
      if (relative_spreads(t, j) < 0.0) {
        return Status::invalid("relative spreads: row " + std::to_string(t) + ", asset column " +
                               std::to_string(j) +
                               " is negative (crossed quote); clean the quotes first");
      }
    }
  }
  SpreadStatistics s;
  s.mean = relative_spreads.colwise().mean().transpose();
  const Eigen::MatrixXd centred = relative_spreads.rowwise() - s.mean.transpose();
  s.stddev = (centred.colwise().squaredNorm().transpose() /
              static_cast<double>(relative_spreads.rows() - 1))
                 .cwiseSqrt();
  return s;
}

Status ExogenousSpreadOptions::validate() const {
  if (!(spread_multiplier >= 0.0 && spread_multiplier <= 10.0)) {
    return Status::invalid(
        "ExogenousSpreadOptions::spread_multiplier = " + std::to_string(spread_multiplier) +
        " is outside [0, 10]; Bangia et al. (1999) use values of 2 to 4.5");
  }
  return Status::ok();
}

Result<LiquidityAdjustedVar> exogenous_spread_lvar(double var,
                                                   Eigen::Ref<const Eigen::VectorXd> weights,
                                                   Eigen::Ref<const Eigen::VectorXd> spread_mean,
                                                   Eigen::Ref<const Eigen::VectorXd> spread_stddev,
                                                   const ExogenousSpreadOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  if (!std::isfinite(var)) return Status::invalid("exogenous_spread_lvar: var is not finite");
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, weights.size()));
  KEEL_RETURN_IF_ERROR(check_per_asset(spread_mean, weights.size(), "spread_mean"));
  KEEL_RETURN_IF_ERROR(check_per_asset(spread_stddev, weights.size(), "spread_stddev"));
  LiquidityAdjustedVar out;
  out.var = var;
  out.asset_cost = 0.5 * weights.cwiseAbs().cwiseProduct(spread_mean +
                                                         options.spread_multiplier * spread_stddev);
  finish(out);
  return out;
}

Status EndogenousImpactOptions::validate() const {
  if (!(portfolio_value > 0.0) || !std::isfinite(portfolio_value)) {
    return Status::invalid(
        "EndogenousImpactOptions::portfolio_value = " + std::to_string(portfolio_value) +
        " must be a positive amount in the quote currency of the volumes");
  }
  if (!(max_participation > 0.0 && max_participation <= 1.0)) {
    return Status::invalid(
        "EndogenousImpactOptions::max_participation = " + std::to_string(max_participation) +
        " is outside (0, 1]; e.g. 0.1 trades at most 10% of daily volume");
  }
  if (!(impact_coefficient > 0.0) || !std::isfinite(impact_coefficient)) {
    return Status::invalid("EndogenousImpactOptions::impact_coefficient = " +
                           std::to_string(impact_coefficient) + " must be positive (about 1)");
  }
  return Status::ok();
}

Result<LiquidityAdjustedVar> endogenous_impact_lvar(
    double var, Eigen::Ref<const Eigen::VectorXd> weights,
    Eigen::Ref<const Eigen::VectorXd> daily_volatility,
    Eigen::Ref<const Eigen::VectorXd> average_daily_volume,
    const EndogenousImpactOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  if (!std::isfinite(var)) return Status::invalid("endogenous_impact_lvar: var is not finite");
  const Eigen::Index n = weights.size();
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, n));
  KEEL_RETURN_IF_ERROR(check_per_asset(daily_volatility, n, "daily_volatility"));
  KEEL_RETURN_IF_ERROR(check_per_asset(average_daily_volume, n, "average_daily_volume"));
  LiquidityAdjustedVar out;
  out.var = var;
  out.asset_cost = Eigen::VectorXd::Zero(n);
  out.liquidation_days = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double q = std::abs(weights[i]) * options.portfolio_value;
    if (q == 0.0) continue;
    const double adv = average_daily_volume[i];
    if (!(adv > 0.0)) {
      return Status::invalid("average_daily_volume: asset " + std::to_string(i) +
                             " is held but has no traded volume, so it cannot be liquidated; "
                             "drop the position or supply its volume");
    }
    // The relative slack keeps a ratio of exactly 2 that rounds to 2.0000000000000004 at 2 days.
    const double days = std::ceil(q / (options.max_participation * adv) * (1.0 - 1e-12));
    const double participation = q / (adv * std::max(days, 1.0));
    out.liquidation_days[i] = std::max(days, 1.0);
    out.asset_cost[i] = std::abs(weights[i]) * options.impact_coefficient * daily_volatility[i] *
                        std::sqrt(participation);
  }
  out.max_liquidation_days = out.liquidation_days.maxCoeff();
  finish(out);
  return out;
}

Result<DailyLiquidity> daily_liquidity(Eigen::Ref<const Eigen::MatrixXd> returns,
                                       Eigen::Ref<const Eigen::MatrixXd> volumes,
                                       double periods_per_year) {
  if (!(std::isfinite(periods_per_year) && periods_per_year > 0.0)) {
    return Status::invalid("liquidity: periods_per_year must be > 0");
  }
  if (volumes.rows() != returns.rows() || volumes.cols() != returns.cols()) {
    return Status::invalid("liquidity: volumes are " + std::to_string(volumes.rows()) + " x " +
                           std::to_string(volumes.cols()) + ", not aligned with the " +
                           std::to_string(returns.rows()) + " x " + std::to_string(returns.cols()) +
                           " returns");
  }
  const double per_day = periods_per_year / 365.0;
  const Eigen::Index n = returns.cols();
  auto adv = average_daily_volume(volumes, periods_per_year);
  if (!adv) return adv.status().with_context("liquidity");
  DailyLiquidity out{Eigen::VectorXd::Zero(n), std::move(*adv)};
  for (Eigen::Index j = 0; j < n; ++j) {
    auto v = volatility(returns.col(j));
    if (!v) return v.status().with_context("liquidity (asset column " + std::to_string(j) + ")");
    out.daily_volatility(j) = *v * std::sqrt(per_day);
  }
  return out;
}

}  // namespace keel
