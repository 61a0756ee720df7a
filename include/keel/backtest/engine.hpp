#pragma once
// Walk-forward backtest engine.
//
// Timeline (indices are price dates of the panel, closes):
//   - a decision at date d uses prices up to and including d only (returns rows ≤ d);
//   - its trades execute at the close of d + lag (lag ≥ 1) at that close's prices, with costs;
//   - between executions the positions drift with prices; the portfolio is marked at each close.
// Universe: an asset is eligible at d when it has a price at d and at least `min_history`
// consecutive finite returns ending at d. A group constraint none of whose members is eligible at
// d weighs 0 there: it is dropped for that decision with a note when its limits allow 0 (min ≤ 0),
// and the model is infeasible, naming the group, when its minimum is positive (the fallback then
// applies and records that reason). The estimation window is the last `window` rows (or all,
// `expanding`) during which every eligible asset has returns, cut to the shortest eligible run.
// An asset whose price stops (a NaN after a quote: delisting, collapse, data gap) is exited at its
// last quoted price: the position turns into cash with fee and spread charged, and the event is
// recorded; everything it lost up to that last price is in the returns.
// Performance is evaluated from the first decision date (all strategies share the same dates).
// A strategy whose equity reaches zero or below (leverage, shorts) is ruined: its positions are
// closed at that close, it stops trading, a warning records it, and its equity stays there.

#include <Eigen/Core>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keel/backtest/attribution.hpp"
#include "keel/backtest/costs.hpp"
#include "keel/backtest/metrics.hpp"
#include "keel/backtest/strategy.hpp"
#include "keel/core/context.hpp"
#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/optimize/allocation.hpp"

namespace keel {

struct BacktestOptions {
  int window = 365;        // rows of the estimation window, ≥ 2
  bool expanding = false;  // all available rows instead of a rolling window
  int min_history = 0;     // consecutive finite returns needed to be eligible; 0 = window
  int lag = 1;             // periods from decision to execution, ≥ 1
  double initial_value = 1'000'000.0;  // quote currency (matters for impact and min trade size)
  double periods_per_year = 0.0;       // > 0 (infer it from the panel before calling)
  double risk_free_rate = 0.0;         // annual, for Sharpe/Sortino
  Timestamp start = 0;  // first decision date (0 = the first date with a full window)
  Timestamp end = 0;    // last date evaluated (0 = the panel's last)
  CostModel costs{};
  // Market caps by column (market-cap models and Black–Litterman's prior); empty = none. A static
  // snapshot: when it postdates a decision, that decision saw the future (the result warns).
  Eigen::VectorXd market_caps{};
  // Point-in-time market caps instead: rows dated by `market_cap_dates` (strictly increasing),
  // one column per panel column, NaN = unknown (counted as 0). A decision at t uses the latest row
  // dated ≤ t; before the first row the caps are unknown and cap-based models fall back.
  std::vector<Timestamp> market_cap_dates{};
  Eigen::MatrixXd market_cap_history{};
  // Group tag per column (e.g. sector) for attribution; empty = no group attribution.
  std::vector<std::string> groups{};
  // Benchmark strategy (by name) for Brinson–Fachler; "" = the first benchmark strategy.
  std::string attribution_benchmark{};
  // Warm starts: each strategy keeps one ModelWorkspace (optimize/model.hpp) across its
  // rebalances, so its mean-variance QP starts from the previous decision's answer and active set
  // (cold again whenever the eligible universe changes). The weights are the same either way (to
  // rounding); false solves every decision cold, for comparison. Default true.
  bool warm_start = true;
  // Exchange rules per column for strategies that trade whole lots (Strategy::lots); empty = a
  // lot of 1e-8 coins and no minimum for every column. One per column when given.
  std::vector<TradingRules> trading_rules{};
  Status validate() const;
};

enum class RebalanceOutcome {
  kRebalanced,   // the model's target was traded
  kFallback,     // the model failed; the fallback's target was traded (or nothing, keep-previous)
  kSkippedCost,  // cost-aware: benefit below cost, nothing traded
  kNoAssets,     // no eligible asset: nothing traded
};
std::string_view to_string(RebalanceOutcome outcome);

struct RebalanceRecord {
  Timestamp decision_date = 0;
  Timestamp execution_date = 0;  // 0 when nothing was executed
  RebalanceOutcome outcome = RebalanceOutcome::kRebalanced;
  SolveStatus model_status = SolveStatus::kOptimal;
  std::string message;     // why a fallback or skip happened
  // kFallback only: why the model gave no usable answer, without the fallback's own story — the
  // model status and the constraints it names when it names them ("infeasible: group[chain=sol]"),
  // else the status and the failure message ("numerical-error: covariance: ...").
  std::string fallback_reason;
  // What this decision changed about the strategy's constraints or inputs, e.g. a group with no
  // eligible member dropped for this window, or views on ineligible assets dropped.
  std::vector<std::string> notes;
  Eigen::VectorXd target;  // decided weights over all columns (empty when nothing to trade)
  int eligible_assets = 0;
  int window_rows = 0;
  double turnover = 0.0;  // Σ|w_after − w_before| at execution (two-sided)
  CostBreakdown costs;    // trading costs of this rebalance (quote currency)
  double solve_ms = 0.0;
  // Solver iterations of the strategy's model at this decision (PortfolioDiagnostics::iterations;
  // 0 for models without an iterative solver or when estimation failed first), and whether its
  // QP was warm-started from the previous decision (BacktestOptions::warm_start).
  int solver_iterations = 0;
  bool warm_started = false;
  double expected_benefit = 0.0;  // cost-aware only
  double expected_cost = 0.0;     // cost-aware only
  int skipped_small_trades = 0;   // trades under min_trade_value
  // Strategy::lots only (empty / 0 otherwise): coins held after the execution, whole lots (NaN
  // for a column without a price there); the rounding drift Σ_i |w_i − target_i| of the executed
  // weights from the target; and the cash left after the orders, quote currency.
  Eigen::VectorXd quantities;
  double rounding_drift = 0.0;
  double cash_after = 0.0;
};

struct DelistingEvent {
  Timestamp date = 0;  // the first date without a price
  std::string asset;
  double value = 0.0;  // position value at the last price, quote currency
};

// Component risk contributions at each executed rebalance: w*_i (Σ w*)_i / (w*ᵀ Σ w*) with the
// window's covariance (fractions summing to 1), rows = executed rebalances.
struct RiskContributionPath {
  std::vector<Timestamp> dates;
  Eigen::MatrixXd contributions;  // dates × assets (0 for assets not eligible)
};

// The fallbacks of one strategy grouped by reason (RebalanceRecord::fallback_reason).
struct FallbackReasonCount {
  std::string reason;
  SolveStatus status = SolveStatus::kNumericalError;
  int count = 0;
  Timestamp first_date = 0;  // decision dates of the first and last fallback for this reason
  Timestamp last_date = 0;
  std::string example;  // the full failure message of the first date
};

struct StrategyResult {
  std::string name;
  bool is_benchmark = false;
  std::vector<Timestamp> timestamps;  // evaluated dates: first decision date .. end
  Eigen::VectorXd equity;             // value at each close (equity(0) = initial value)
  Eigen::VectorXd gross_returns;      // per period, row 0 = 0
  Eigen::VectorXd cost_returns;       // costs / previous value (fraction), row 0 = 0
  Eigen::VectorXd net_returns;        // = gross − cost, per period
  Eigen::MatrixXd weights;            // end-of-period weights, rows × assets
  Eigen::VectorXd cash_weight;        // 1 − Σ weights per row
  CostBreakdown costs;                // totals, quote currency
  std::vector<RebalanceRecord> rebalances;
  std::vector<DelistingEvent> delistings;
  std::vector<std::string> warnings;
  // Every fallback's reason with its count, most frequent first (ties: earliest first). The counts
  // add up to metrics.fallbacks.
  std::vector<FallbackReasonCount> fallback_reasons;
  BacktestMetrics metrics;
  ReturnAttribution attribution;
  std::optional<BrinsonFachler> brinson_fachler;  // when groups and a benchmark are given
  RiskContributionPath risk_contributions;
};

struct BacktestResult {
  std::vector<std::string> assets;
  std::vector<Timestamp> timestamps;  // evaluated dates, shared by every strategy
  Eigen::MatrixXd asset_returns;      // evaluated rows × assets, simple returns (NaN = no quote)
  double periods_per_year = 0.0;
  std::vector<StrategyResult> strategies;  // in the order given
  double elapsed_ms = 0.0;
};

// Called from worker threads with (strategies finished or periods processed, total); may be empty.
using ProgressCallback = std::function<void(double fraction)>;

// Runs every strategy over the panel, in parallel threads (context.threads(), 0 = all cores).
// Call errors (bad options, a strategy naming an unknown asset, impact without volumes) are a
// Status; per-date model failures are handled by each strategy's fallback and recorded.
// Cancellation: every strategy polls context.cancelled() once per period; after a cancel the run
// stops within one period (plus the model call under way) and returns a kNoSolution Status saying
// it was cancelled, with no partial result.
Result<BacktestResult> run_backtest(const PricePanel& panel,
                                    const std::vector<Strategy>& strategies,
                                    const BacktestOptions& options, const Context& context = {},
                                    const ProgressCallback& progress = {});

// The result as JSON: per strategy its metrics, costs, rebalance log (with targets, and per
// record its fallback_reason and notes when it has them), fallback_reasons, delistings,
// warnings, attribution and series (equity, gross/cost/net returns, drawdown; the weights series
// only with include_weights, as it is assets × dates numbers per strategy).
Json backtest_to_json(const BacktestResult& result, bool include_weights);

}  // namespace keel
