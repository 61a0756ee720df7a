#include "keel/backtest/strategy.hpp"

#include <cmath>

namespace keel {

std::string FallbackPolicy::to_string() const {
  switch (kind) {
    case FallbackKind::kKeepPrevious:
      return "keep-previous";
    case FallbackKind::kEqualWeight:
      return "equal-weight";
    case FallbackKind::kModel:
      return "model:" + std::string(keel::to_string(model.model));
    case FallbackKind::kNone:
      return "none";
  }
  return "?";
}

Status Strategy::validate() const {
  const std::string where = "strategy '" + name + "'";
  if (name.empty()) return Status::invalid("a strategy needs a name");
  KEEL_RETURN_IF_ERROR(rebalance.validate().with_context(where));
  if (rule == StrategyRule::kBuyAndHold && asset.empty()) {
    return Status::invalid(where + ": buy-and-hold needs the asset to hold");
  }
  if (!(std::isfinite(risk_aversion) && risk_aversion > 0.0)) {
    return Status::invalid(where + ": risk_aversion must be > 0");
  }
  if (liquidity.any()) {
    // The portfolio value is the strategy's equity at each decision: any positive number passes.
    LiquidityLimitOptions limits = liquidity;
    limits.portfolio_value = 1.0;
    KEEL_RETURN_IF_ERROR(limits.validate().with_context(where));
  }
  if (fallback.kind == FallbackKind::kModel && fallback.model.model == model.model &&
      rule == StrategyRule::kModel) {
    return Status::invalid(where +
                           ": the fallback model is the strategy's own model; choose "
                           "another (e.g. min-variance) or equal-weight");
  }
  return Status::ok();
}

}  // namespace keel
