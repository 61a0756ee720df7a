#include "keel/optimize/liquidity_limits.hpp"

#include <cmath>
#include <sstream>

namespace keel {
namespace {

std::string number(double x) {
  std::ostringstream out;
  out.precision(6);
  out << x;
  return out.str();
}

bool finite_positive(double x) { return std::isfinite(x) && x > 0.0; }

}  // namespace

Status LiquidityLimitOptions::validate() const {
  if (!(std::isfinite(participation) && participation > 0.0 && participation <= 1.0)) {
    return Status::invalid("liquidity: participation = " + number(participation) +
                           " is outside (0, 1]; e.g. 0.1 trades at most 10% of daily volume");
  }
  if (!(std::isfinite(max_days_to_liquidate) && max_days_to_liquidate >= 0.0)) {
    return Status::invalid("liquidity: max_days_to_liquidate = " + number(max_days_to_liquidate) +
                           " must be a finite number of days > 0 (0 = no position cap)");
  }
  if (!(std::isfinite(max_trade_adv_share) && max_trade_adv_share >= 0.0)) {
    return Status::invalid("liquidity: max_trade_adv_share = " + number(max_trade_adv_share) +
                           " must be finite and > 0, e.g. 0.05 for 5% of a day's volume "
                           "(0 = no trade cap)");
  }
  if (!(std::isfinite(min_adv) && min_adv >= 0.0)) {
    return Status::invalid("liquidity: min_adv = " + number(min_adv) +
                           " must be a finite amount >= 0 in quote currency per day");
  }
  if (!(std::isfinite(min_market_cap) && min_market_cap >= 0.0)) {
    return Status::invalid("liquidity: min_market_cap = " + number(min_market_cap) +
                           " must be a finite amount >= 0 in quote currency");
  }
  if (adv_window < 1) {
    return Status::invalid("liquidity: adv_window = " + std::to_string(adv_window) +
                           " must be >= 1 period (30 = a month of daily data)");
  }
  if ((has_position_cap() || has_trade_cap()) && !finite_positive(portfolio_value)) {
    return Status::invalid("liquidity: portfolio_value = " + number(portfolio_value) +
                           " must be a positive amount in the quote currency of the volumes when "
                           "max_days_to_liquidate or max_trade_adv_share is set");
  }
  return Status::ok();
}

Result<LiquidityBounds> liquidity_bounds(Eigen::Ref<const Eigen::VectorXd> adv,
                                         Eigen::Ref<const Eigen::VectorXd> current_weights,
                                         const LiquidityLimitOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index n = adv.size();
  if (current_weights.size() != 0 && current_weights.size() != n) {
    return Status::invalid("liquidity: " + std::to_string(current_weights.size()) +
                           " current weights for " + std::to_string(n) +
                           " assets; give one per asset or none");
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(std::isfinite(adv(i)) && adv(i) >= 0.0)) {
      return Status::invalid("liquidity: average daily volume of asset " + std::to_string(i) +
                             " is " + number(adv(i)) + "; it must be finite and >= 0");
    }
  }
  const double v = options.portfolio_value;
  LiquidityBounds out;
  out.position_cap = Eigen::VectorXd::Constant(n, kInfinity);
  out.trade_cap = Eigen::VectorXd::Constant(n, kInfinity);
  if (options.has_position_cap()) {
    out.position_cap = adv * (options.participation * options.max_days_to_liquidate / v);
  }
  if (options.has_trade_cap()) out.trade_cap = adv * (options.max_trade_adv_share / v);
  const Eigen::VectorXd w0 =
      current_weights.size() == 0 ? Eigen::VectorXd::Zero(n) : Eigen::VectorXd(current_weights);
  out.lower = (-out.position_cap).cwiseMax(w0 - out.trade_cap);
  out.upper = out.position_cap.cwiseMin(w0 + out.trade_cap);
  return out;
}

std::string_view to_string(BoundSource source) {
  switch (source) {
    case BoundSource::kUser:
      return "user";
    case BoundSource::kLiquidityPosition:
      return "liquidity-position";
    case BoundSource::kLiquidityTrade:
      return "liquidity-trade";
  }
  return "user";
}

Result<LiquidityIntersection> intersect_liquidity_bounds(PortfolioConstraints& constraints,
                                                         const std::vector<std::string>& assets,
                                                         const LiquidityBounds& bounds) {
  const int n = static_cast<int>(assets.size());
  if (bounds.lower.size() != n || bounds.upper.size() != n || bounds.position_cap.size() != n ||
      bounds.trade_cap.size() != n) {
    return Status::invalid("liquidity: bounds for " + std::to_string(bounds.upper.size()) +
                           " assets, the portfolio has " + std::to_string(n));
  }
  const Eigen::VectorXd user_lower = constraints.effective_lower(n);
  const Eigen::VectorXd user_upper = constraints.effective_upper(n);
  LiquidityIntersection out;
  out.lower = user_lower;
  out.upper = user_upper;
  out.lower_source.assign(static_cast<std::size_t>(n), BoundSource::kUser);
  out.upper_source.assign(static_cast<std::size_t>(n), BoundSource::kUser);
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const std::string& a = assets[k];
    // Which liquidity rule sets each side: the position cap unless the trade cap is tighter.
    const BoundSource up_rule = bounds.upper(i) < bounds.position_cap(i)
                                    ? BoundSource::kLiquidityTrade
                                    : BoundSource::kLiquidityPosition;
    const BoundSource low_rule = bounds.lower(i) > -bounds.position_cap(i)
                                     ? BoundSource::kLiquidityTrade
                                     : BoundSource::kLiquidityPosition;
    const std::string up_name = std::string(to_string(up_rule)) + "[" + a + "]";
    const std::string low_name = std::string(to_string(low_rule)) + "[" + a + "]";
    if (bounds.lower(i) > bounds.upper(i)) {
      return Status::no_solution("liquidity: " + a +
                                 " cannot be brought within its position cap (liquidity-position[" +
                                 a + "], |w| <= " + number(bounds.position_cap(i)) +
                                 ") by a trade within its trade cap (" + "liquidity-trade[" + a +
                                 "], |w - w0| <= " + number(bounds.trade_cap(i)) +
                                 "); raise max_trade_adv_share or max_days_to_liquidate");
    }
    if (bounds.upper(i) < user_lower(i)) {
      return Status::no_solution("liquidity: " + a + " must hold at least " +
                                 number(user_lower(i)) + " (bounds[" + a + "]) but " + up_name +
                                 " allows at most " + number(bounds.upper(i)) +
                                 "; lower the bound or relax the liquidity rule");
    }
    if (bounds.lower(i) > user_upper(i)) {
      return Status::no_solution("liquidity: " + a + " may hold at most " + number(user_upper(i)) +
                                 " (bounds[" + a + "]) but " + low_name + " needs at least " +
                                 number(bounds.lower(i)) +
                                 "; raise the bound or relax the liquidity rule");
    }
    if (bounds.upper(i) < user_upper(i)) {
      out.upper(i) = bounds.upper(i);
      out.upper_source[k] = up_rule;
    }
    if (bounds.lower(i) > user_lower(i)) {
      out.lower(i) = bounds.lower(i);
      out.lower_source[k] = low_rule;
    }
  }
  if (constraints.budget) {
    const double budget = *constraints.budget;
    const auto capped = [&](const std::vector<BoundSource>& sources) {
      std::string names;
      int count = 0;
      for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        if (sources[k] == BoundSource::kUser) continue;
        if (++count <= 5) {
          names += (names.empty() ? "" : ", ") + std::string(to_string(sources[k])) + "[" +
                   assets[k] + "]";
        }
      }
      if (count > 5) names += ", ... (" + std::to_string(count) + " in all)";
      return names;
    };
    const double upper_sum = out.upper.sum();
    const double lower_sum = out.lower.sum();
    if (upper_sum < budget - 1e-12 && !capped(out.upper_source).empty()) {
      return Status::no_solution("liquidity: the budget " + number(budget) +
                                 " cannot be reached: the upper bounds add up to " +
                                 number(upper_sum) + " under the liquidity caps (" +
                                 capped(out.upper_source) +
                                 "); raise max_days_to_liquidate or participation, lower "
                                 "portfolio_value, or allow cash (budget < 1)");
    }
    if (lower_sum > budget + 1e-12 && !capped(out.lower_source).empty()) {
      return Status::no_solution("liquidity: the lower bounds add up to " + number(lower_sum) +
                                 ", above the budget " + number(budget) + " (" +
                                 capped(out.lower_source) + "); relax the trade cap");
    }
  }
  constraints.lower_bounds = out.lower;
  constraints.upper_bounds = out.upper;
  return out;
}

Result<std::vector<LiquidityExclusion>> liquidity_exclusions(
    const std::vector<std::string>& assets, Eigen::Ref<const Eigen::VectorXd> adv,
    Eigen::Ref<const Eigen::VectorXd> market_caps, const LiquidityLimitOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const auto n = static_cast<Eigen::Index>(assets.size());
  if (options.min_adv > 0.0 && adv.size() != n) {
    return Status::invalid("liquidity: min_adv needs one average daily volume per asset (" +
                           std::to_string(adv.size()) + " for " + std::to_string(n) + ")");
  }
  if (market_caps.size() != 0 && market_caps.size() != n) {
    return Status::invalid("liquidity: " + std::to_string(market_caps.size()) +
                           " market caps for " + std::to_string(n) + " assets");
  }
  std::vector<LiquidityExclusion> out;
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string& a = assets[static_cast<std::size_t>(i)];
    if (options.min_adv > 0.0 && !(adv(i) >= options.min_adv)) {
      out.push_back({a, "min-adv", adv(i), options.min_adv});
      continue;
    }
    if (options.min_market_cap > 0.0) {
      const double cap = market_caps.size() == n ? market_caps(i) : std::nan("");
      if (!(std::isfinite(cap) && cap > 0.0)) {
        out.push_back({a, "min-market-cap", std::nan(""), options.min_market_cap});
      } else if (cap < options.min_market_cap) {
        out.push_back({a, "min-market-cap", cap, options.min_market_cap});
      }
    }
  }
  return out;
}

}  // namespace keel
