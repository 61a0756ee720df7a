#include "keel/defi/amm_position.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <string>

#include "keel/defi/amm.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_uniswap(AmmKind kind) { return kind != AmmKind::kStableswap; }

// The range in pool prices: the whole (0, inf) for constant product.
struct Range {
  double lower = 0.0;
  double upper = std::numeric_limits<double>::infinity();
};

Range range_of(const AmmLpPosition& position) {
  if (position.kind == AmmKind::kConcentrated) return {position.price_lower, position.price_upper};
  return {};
}

Status validate_prices(const AmmLpPosition& position, std::span<const double> token_prices) {
  if (token_prices.size() != position.tokens.size()) {
    return Status::invalid(fmt::format(
        "token_prices has {} entries for {} tokens: give one quote price per token of the position",
        token_prices.size(), position.tokens.size()));
  }
  for (std::size_t i = 0; i < token_prices.size(); ++i) {
    if (!(token_prices[i] > 0.0) || !std::isfinite(token_prices[i])) {
      return Status::invalid(
          fmt::format("token_prices[{}] ({}) is {}: prices must be > 0 and finite", i,
                      position.tokens[i], token_prices[i]));
    }
  }
  return Status::ok();
}

}  // namespace

Status validate_position(const AmmLpPosition& position) {
  const std::size_t count = position.tokens.size();
  if (is_uniswap(position.kind) && count != 2) {
    return Status::invalid(fmt::format(
        "tokens has {} entries: a Uniswap position has exactly 2 (token0, token1)", count));
  }
  if (count < 2) {
    return Status::invalid(
        fmt::format("tokens has {} entries: a stableswap pool has at least 2", count));
  }
  if (!(position.fee_rate >= 0.0) || !(position.fee_rate < 1.0)) {
    return Status::invalid(fmt::format(
        "fee_rate {} is outside [0, 1): give the fee tier as a fraction (0.003 = 30 bp)",
        position.fee_rate));
  }
  if (position.kind == AmmKind::kConcentrated) {
    if (!(position.price_lower >= 0.0) || std::isnan(position.price_upper)) {
      return Status::invalid(fmt::format("price_lower {} must be >= 0 (and price_upper a number)",
                                         position.price_lower));
    }
    if (!(position.price_lower < position.price_upper)) {
      return Status::invalid(fmt::format(
          "price_lower {} \u2265 price_upper {}: the range needs price_lower < price_upper",
          position.price_lower, position.price_upper));
    }
  }
  if (!(position.liquidity > 0.0) || !std::isfinite(position.liquidity)) {
    return Status::invalid(fmt::format(
        "liquidity {} must be > 0 and finite (L in sqrt(token0 * token1) units; stableswap: D)",
        position.liquidity));
  }
  if (!std::isfinite(position.fee_apr)) {
    return Status::invalid(
        fmt::format("fee_apr {} must be finite (annual fraction)", position.fee_apr));
  }
  if (position.kind == AmmKind::kStableswap &&
      (!(position.amplification > 0.0) || !std::isfinite(position.amplification))) {
    return Status::invalid(fmt::format(
        "amplification {} must be > 0: give A in the whitepaper convention (contract amp / "
        "(n^(n-1) A_PRECISION))",
        position.amplification));
  }
  return Status::ok();
}

Result<PositionValue> value_lp(const AmmLpPosition& position,
                               std::span<const double> token_prices) {
  KEEL_RETURN_IF_ERROR(validate_position(position));
  KEEL_RETURN_IF_ERROR(validate_prices(position, token_prices));
  PositionValue out;
  if (position.kind == AmmKind::kStableswap) {
    const std::vector<double> balances = amm::stableswap_balances_at_prices(
        position.liquidity, position.amplification, token_prices);
    const std::vector<double> sensitivities = amm::stableswap_balance_sensitivities(
        position.liquidity, position.amplification, token_prices);
    if (balances.empty() || sensitivities.empty()) {
      return Status::numerical(
          "stableswap: no balances found at which the pool's marginal prices equal token_prices");
    }
    const std::size_t n = balances.size();
    for (std::size_t i = 0; i < n; ++i) {
      out.value += balances[i] * token_prices[i];
      out.exposures.push_back({position.tokens[i], balances[i], sensitivities[i * n + i]});
    }
  } else {
    const Range range = range_of(position);
    const double p0 = token_prices[0];
    const double p1 = token_prices[1];
    const double price = p0 / p1;
    const double s = std::sqrt(price);
    const amm::TokenAmounts amounts = amm::amounts_for_liquidity(
        s, std::sqrt(range.lower), std::sqrt(range.upper), position.liquidity);
    const bool inside = price > range.lower && price < range.upper;
    const double gamma0 = inside ? -position.liquidity / (2.0 * p1 * price * s) : 0.0;
    const double gamma1 = inside ? -position.liquidity * s / (2.0 * p1) : 0.0;
    out.value = amounts.amount0 * p0 + amounts.amount1 * p1;
    out.exposures.push_back({position.tokens[0], amounts.amount0, gamma0});
    out.exposures.push_back({position.tokens[1], amounts.amount1, gamma1});
  }
  out.theta = position.fee_apr * out.value;
  return out;
}

double lp_value_unchecked(const AmmLpPosition& position, std::span<const double> token_prices) {
  if (position.kind == AmmKind::kStableswap) {
    auto value = value_lp(position, token_prices);
    return value ? value->value : std::numeric_limits<double>::quiet_NaN();
  }
  const Range range = range_of(position);
  const double s = std::sqrt(token_prices[0] / token_prices[1]);
  const amm::TokenAmounts amounts = amm::amounts_for_liquidity(
      s, std::sqrt(range.lower), std::sqrt(range.upper), position.liquidity);
  return amounts.amount0 * token_prices[0] + amounts.amount1 * token_prices[1];
}

Result<double> lp_liquidity_for_deposit(const AmmLpPosition& position, double pool_price,
                                        double amount0, double amount1) {
  KEEL_RETURN_IF_ERROR(validate_position(position));
  if (!(pool_price > 0.0) || !std::isfinite(pool_price)) {
    return Status::invalid(
        fmt::format("pool_price {} must be > 0 and finite (token1 per token0)", pool_price));
  }
  if (!(amount0 >= 0.0) || !(amount1 >= 0.0) || !std::isfinite(amount0) ||
      !std::isfinite(amount1)) {
    return Status::invalid(
        fmt::format("amount0 {} and amount1 {} must be >= 0 and finite", amount0, amount1));
  }
  if (position.kind == AmmKind::kStableswap) {
    if (position.tokens.size() != 2) {
      return Status::invalid("stableswap deposits support 2 coins (amount0, amount1)");
    }
    if (!(amount0 > 0.0) || !(amount1 > 0.0)) {
      return Status::invalid("stableswap deposit: amount0 and amount1 must both be > 0");
    }
    const double balances[2] = {amount0, amount1};
    const double d = amm::stableswap_invariant(balances, position.amplification);
    if (std::isnan(d)) return Status::numerical("stableswap invariant did not converge");
    return d;
  }
  const Range range = range_of(position);
  return amm::liquidity_for_amounts(std::sqrt(pool_price), std::sqrt(range.lower),
                                    std::sqrt(range.upper), amount0, amount1);
}

Status LpMetricsOptions::validate() const {
  if (!(entry_pool_price >= 0.0) || std::isinf(entry_pool_price)) {
    return Status::invalid(fmt::format(
        "entry_pool_price {} must be >= 0 and finite (0 = not given)", entry_pool_price));
  }
  if (!(annual_volatility >= 0.0) || std::isinf(annual_volatility)) {
    return Status::invalid(
        fmt::format("annual_volatility {} must be >= 0 and finite (annual fraction, 0.6 = 60%)",
                    annual_volatility));
  }
  if (!(horizon_years >= 0.0) || std::isinf(horizon_years)) {
    return Status::invalid(fmt::format("horizon_years {} must be >= 0 and finite", horizon_years));
  }
  if (!std::isfinite(price_drift)) {
    return Status::invalid(fmt::format("price_drift {} must be finite", price_drift));
  }
  if (!(impact_amount0 >= 0.0) || std::isinf(impact_amount0)) {
    return Status::invalid(
        fmt::format("impact_amount0 {} must be >= 0 and finite (0 = no impact)", impact_amount0));
  }
  if (!(active_liquidity >= 0.0) || std::isinf(active_liquidity)) {
    return Status::invalid(fmt::format(
        "active_liquidity {} must be >= 0 and finite (0 = the position's own)", active_liquidity));
  }
  return Status::ok();
}

Result<LpMetrics> lp_metrics(const AmmLpPosition& position, std::span<const double> token_prices,
                             const LpMetricsOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  Result<PositionValue> valued = value_lp(position, token_prices);
  if (!valued) return valued.status();
  LpMetrics out;
  out.value = valued->value;
  for (const UnderlyingExposure& e : valued->exposures) out.amounts.push_back(e.delta);
  out.pool_price = token_prices[0] / token_prices[1];
  out.value_if_held = kNaN;
  out.divergence_loss = kNaN;

  if (position.kind == AmmKind::kStableswap) {
    out.lvr_rate = kNaN;
    out.lvr_rate_fraction = kNaN;
    out.exit_probability = kNaN;
    out.price_impact = kNaN;
    if (options.entry_pool_price > 0.0 && token_prices.size() == 2) {
      const double entry_prices[2] = {options.entry_pool_price, 1.0};
      const std::vector<double> entry = amm::stableswap_balances_at_prices(
          position.liquidity, position.amplification, entry_prices);
      if (!entry.empty()) {
        out.value_if_held = entry[0] * token_prices[0] + entry[1] * token_prices[1];
        out.divergence_loss = out.value / out.value_if_held - 1.0;
      }
    }
    return out;
  }

  const Range range = range_of(position);
  const double price = out.pool_price;
  const double p1 = token_prices[1];
  out.in_range = price > range.lower && price < range.upper;
  if (options.entry_pool_price > 0.0) {
    const amm::TokenAmounts entry =
        amm::amounts_for_liquidity(std::sqrt(options.entry_pool_price), std::sqrt(range.lower),
                                   std::sqrt(range.upper), position.liquidity);
    out.value_if_held = entry.amount0 * token_prices[0] + entry.amount1 * p1;
    out.divergence_loss = out.value / out.value_if_held - 1.0;
  }
  const double sigma = options.annual_volatility;
  out.lvr_rate =
      amm::lvr_rate_concentrated(price, position.liquidity, range.lower, range.upper, sigma) * p1;
  out.lvr_rate_fraction = out.lvr_rate / out.value;
  out.exit_probability = amm::range_exit_probability(price, range.lower, range.upper, sigma,
                                                     options.horizon_years, options.price_drift);
  if (options.impact_amount0 > 0.0) {
    const double liquidity =
        options.active_liquidity > 0.0 ? options.active_liquidity : position.liquidity;
    out.price_impact =
        amm::swap_price_impact(price, liquidity, options.impact_amount0, true, position.fee_rate)
            .impact;
  } else {
    out.price_impact = kNaN;
  }
  return out;
}

}  // namespace keel
