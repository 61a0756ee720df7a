#include "keel/defi/lp_asset.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <limits>

#include "keel/defi/amm_position.hpp"

namespace keel {

namespace {

constexpr double kSecondsPerYear = 365.0 * 86400.0;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool positive_finite(double v) { return v > 0.0 && std::isfinite(v); }

// The position held over one period: liquidity 1 (returns do not depend on L), the range around
// the start price for concentrated pools.
AmmLpPosition position_for(const LpAssetSpec& spec, double pool_price) {
  AmmLpPosition lp;
  lp.kind = spec.pool;
  lp.tokens = spec.tokens;
  lp.liquidity = 1.0;
  if (spec.pool == AmmKind::kConcentrated) {
    lp.price_lower = pool_price * (1.0 - spec.range_width);
    lp.price_upper = pool_price * (1.0 + spec.range_width);
  }
  return lp;
}

}  // namespace

Status LpAssetSpec::validate() const {
  if (name.empty()) return Status::invalid("lp asset: name is empty; give the column a name");
  const std::string who = "lp asset '" + name + "': ";
  if (pool != AmmKind::kConstantProduct && pool != AmmKind::kConcentrated) {
    return Status::invalid(who +
                           "pool must be constant-product or concentrated (stableswap LP assets "
                           "are not modelled)");
  }
  if (tokens.size() != 2 || tokens[0].empty() || tokens[1].empty() || tokens[0] == tokens[1]) {
    return Status::invalid(who + "tokens must be two distinct names, e.g. [\"ETH\", \"USDT\"]");
  }
  if (pool == AmmKind::kConcentrated) {
    if (!(range_width > 0.0) || !(range_width < 1.0)) {
      return Status::invalid(who + fmt::format("range_width {} must be in (0, 1): the range is "
                                               "[P (1 - w), P (1 + w)], e.g. 0.1 for +-10%",
                                               range_width));
    }
  } else if (range_width != 0.0) {
    return Status::invalid(
        who +
        "range_width applies to concentrated pools; a constant-product pool spans every "
        "price (remove range_width or use pool = concentrated)");
  }
  if (!(fee_apr >= 0.0) || !std::isfinite(fee_apr)) {
    return Status::invalid(
        who +
        fmt::format("fee_apr {} must be >= 0 and finite (annual fraction, 0.2 = 20%)", fee_apr));
  }
  if (!(recentre_cost >= 0.0) || !(recentre_cost < 1.0)) {
    return Status::invalid(who + fmt::format("recentre_cost {} must be in [0, 1) (a fraction of "
                                             "the value swapped, e.g. 0.003)",
                                             recentre_cost));
  }
  if (pool == AmmKind::kConstantProduct && recentre_cost != 0.0) {
    return Status::invalid(who +
                           "recentre_cost applies to concentrated pools (a constant-product "
                           "position never re-centres); remove it");
  }
  return Status::ok();
}

Result<double> lp_asset_period_return(const LpAssetSpec& spec, double p0, double p1, double p0_end,
                                      double p1_end, double years, bool* in_range) {
  KEEL_RETURN_IF_ERROR(spec.validate());
  if (!positive_finite(p0) || !positive_finite(p1) || !positive_finite(p0_end) ||
      !positive_finite(p1_end)) {
    return Status::invalid(
        fmt::format("lp asset '{}': prices ({}, {}) -> ({}, {}) must be > 0 and finite", spec.name,
                    p0, p1, p0_end, p1_end));
  }
  if (!(years >= 0.0) || !std::isfinite(years)) {
    return Status::invalid(
        fmt::format("lp asset '{}': period length {} years must be >= 0", spec.name, years));
  }
  const AmmLpPosition lp = position_for(spec, p0 / p1);
  const std::array<double, 2> start{p0, p1};
  const std::array<double, 2> end{p0_end, p1_end};
  auto v0 = value_lp(lp, start);
  if (!v0) return v0.status().with_context("lp asset '" + spec.name + "' at the period start");
  auto v1 = value_lp(lp, end);
  if (!v1) return v1.status().with_context("lp asset '" + spec.name + "' at the period end");
  const double start_value = v0->value;
  double end_value = v1->value;

  const double pool_end = p0_end / p1_end;
  const bool ended_in_range = spec.pool == AmmKind::kConstantProduct ||
                              (pool_end >= lp.price_lower && pool_end < lp.price_upper);
  if (in_range != nullptr) *in_range = ended_in_range;

  if (spec.pool == AmmKind::kConcentrated && spec.recentre_cost > 0.0) {
    // s: token0's share of a centred range's value (the start of this period is one).
    const double share0 = v0->exposures[0].delta * p0 / start_value;
    const double held0 = v1->exposures[0].delta * p0_end;  // value of the token0 held at the end
    const double c = spec.recentre_cost;
    if (held0 > share0 * end_value) {
      end_value = (end_value - c * held0) / (1.0 - c * share0);  // sell token0
    } else {
      end_value = (end_value + c * held0) / (1.0 + c * share0);  // buy token0
    }
  }
  const double fees = ended_in_range ? spec.fee_apr * start_value * years : 0.0;
  return (end_value + fees) / start_value - 1.0;
}

Result<LpAssetSeries> lp_asset_returns(const LpAssetSpec& spec, std::span<const double> price0,
                                       std::span<const double> price1,
                                       std::span<const Timestamp> timestamps) {
  KEEL_RETURN_IF_ERROR(spec.validate());
  const std::size_t n = timestamps.size();
  if (price0.size() != n || price1.size() != n) {
    return Status::invalid(
        fmt::format("lp asset '{}': {} and {} prices for {} timestamps; give one price of each "
                    "token per row",
                    spec.name, price0.size(), price1.size(), n));
  }
  if (n < 2) {
    return Status::invalid(
        fmt::format("lp asset '{}': {} price rows; a return needs at least 2", spec.name, n));
  }
  LpAssetSeries out;
  out.returns.assign(n - 1, kNaN);
  for (std::size_t t = 0; t < n; ++t) {
    for (const auto& [series, token] : {std::pair{price0, 0}, std::pair{price1, 1}}) {
      const double p = series[t];
      if (!std::isnan(p) && !positive_finite(p)) {
        return Status::invalid(fmt::format(
            "lp asset '{}': price of {} at row {} is {}; prices must be > 0 (or missing)",
            spec.name, spec.tokens[static_cast<std::size_t>(token)], t, p));
      }
    }
    if (t == 0) continue;
    if (timestamps[t] <= timestamps[t - 1]) {
      return Status::invalid(
          fmt::format("lp asset '{}': timestamps must increase (row {} is not after row {})",
                      spec.name, t, t - 1));
    }
    if (std::isnan(price0[t - 1]) || std::isnan(price1[t - 1]) || std::isnan(price0[t]) ||
        std::isnan(price1[t])) {
      continue;
    }
    const double years = static_cast<double>(timestamps[t] - timestamps[t - 1]) / kSecondsPerYear;
    bool in_range = false;
    auto r = lp_asset_period_return(spec, price0[t - 1], price1[t - 1], price0[t], price1[t], years,
                                    &in_range);
    if (!r) return r.status().with_context(fmt::format("row {}", t));
    out.returns[t - 1] = *r;
    ++out.periods;
    if (in_range) ++out.periods_in_range;
  }
  return out;
}

std::string describe_lp_asset(const LpAssetSpec& spec) {
  const std::string pair = spec.tokens.size() == 2 ? spec.tokens[0] + "/" + spec.tokens[1] : "?";
  std::string text;
  if (spec.pool == AmmKind::kConcentrated) {
    text = fmt::format(
        "concentrated {}, range +-{:g}% around each period's start price, re-centred every "
        "period",
        pair, spec.range_width * 100.0);
    if (spec.recentre_cost > 0.0) {
      text += fmt::format(" at a cost of {:g}% of the value swapped", spec.recentre_cost * 100.0);
    }
  } else {
    text = "constant-product " + pair + ", full range";
  }
  if (spec.fee_apr > 0.0) {
    text += fmt::format("; fees modelled at {:g}% a year", spec.fee_apr * 100.0);
  }
  return text;
}

}  // namespace keel
