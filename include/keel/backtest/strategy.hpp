#pragma once
// A backtest strategy: how targets are chosen at each decision date (an allocation model of the
// optimize module on estimates from a trailing window, or a fixed rule), when to rebalance, and
// what to do when the model gives no usable answer.

#include <memory>
#include <string>
#include <vector>

#include "keel/backtest/rebalance.hpp"
#include "keel/core/status.hpp"
#include "keel/estimate/estimates.hpp"
#include "keel/optimize/liquidity_limits.hpp"
#include "keel/optimize/model.hpp"

namespace keel {

enum class StrategyRule {
  kModel,       // optimize_portfolio(model) on the window's estimates
  kBuyAndHold,  // everything in one asset, bought at the first decision and held
};

enum class FallbackKind {
  kKeepPrevious,  // do not trade; keep the drifted weights
  kEqualWeight,   // equal weights over the eligible assets
  kModel,         // another model (e.g. min-variance), itself falling back to keep-previous
  kNone,          // record the failure and keep the previous weights (same trades as keep-previous)
};

struct FallbackPolicy {
  FallbackKind kind = FallbackKind::kKeepPrevious;
  ModelSpec model{};  // kModel only
  std::string to_string() const;
};

struct Strategy {
  std::string name;
  StrategyRule rule = StrategyRule::kModel;
  ModelSpec model{};  // kModel: model, constraints (over the full universe, by column), options
  std::string asset;  // kBuyAndHold: the asset's column name
  BlackLittermanViews views{};  // black-litterman: P over the full universe's columns
  // Estimators run on each decision date's window (per-period returns of the eligible assets),
  // through estimate_annualised_covariance / estimate_annualised_expected_returns with the
  // backtest's periods per year: the models see annual μ and Σ. Equilibrium returns take the
  // caps of the decision date.
  MomentOptions estimation{};
  RebalanceSchedule rebalance{};
  FallbackPolicy fallback{};
  // Skip a scheduled rebalance whose expected benefit over the holding period is below its
  // estimated trading cost. Benefit = H/ppy · [(μᵀw* − μᵀw) − δ/2 (w*ᵀΣw* − wᵀΣw)] with annualised
  // μ, Σ of the window, the current (drifted) weights w, the new target w*, δ = risk_aversion and
  // H the periods to the next scheduled decision.
  bool cost_aware = false;
  double risk_aversion = 1.0;
  // Liquidity limits (optimize/liquidity_limits.hpp), recomputed at each decision date t from the
  // panel's volumes of rows t − adv_window + 1 … t only (no later row): the universe filter drops
  // assets below min_adv / min_market_cap (caps as of t) from the eligible set; the position and
  // trade caps bound the model's weights, with V = the strategy's equity at t (portfolio_value is
  // ignored) and w0 its drifted weights. A cap that conflicts with the strategy's bounds or
  // budget makes the model infeasible at t (the fallback applies, and its target is not capped).
  // Default: no limit.
  LiquidityLimitOptions liquidity{};
  // Trade whole lots: at each execution the target weights become whole-lot quantities by the
  // greedy method of keel::allocate() (allocation.hpp: PyPortfolioOpt's greedy_portfolio
  // generalised to lots; fast enough for every rebalance, where the exact MIP is not), with
  // BacktestOptions::trading_rules (lot size, min notional, min quantity) and the fee inside the
  // budget; orders below min_notional or CostModel::min_trade_value are skipped. Spread and impact
  // are charged after, on the lots traded. Long-only targets; an allocation that fails (e.g. a
  // short target) trades fractionally with a note. Default false (fractional quantities).
  bool lots = false;
  bool is_benchmark = false;  // reported apart from strategies; otherwise identical
  Status validate() const;
};

}  // namespace keel
