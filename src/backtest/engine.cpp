#include "keel/backtest/engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "keel/core/table.hpp"
#include "keel/data/volume.hpp"
#include "keel/estimate/estimates.hpp"
#include "keel/risk/variance_contributions.hpp"
#include "universe.hpp"

namespace keel {

std::string_view to_string(RebalanceOutcome outcome) {
  switch (outcome) {
    case RebalanceOutcome::kRebalanced:
      return "rebalanced";
    case RebalanceOutcome::kFallback:
      return "fallback";
    case RebalanceOutcome::kSkippedCost:
      return "skipped-cost";
    case RebalanceOutcome::kNoAssets:
      return "no-eligible-assets";
  }
  return "?";
}

Status BacktestOptions::validate() const {
  if (window < 2) return Status::invalid("backtest: window must be ≥ 2 periods");
  if (min_history < 0) return Status::invalid("backtest: min_history must be ≥ 0 (0 = window)");
  if (lag < 1) {
    return Status::invalid(
        "backtest: lag must be ≥ 1 (a decision at a close cannot trade at that "
        "same close without look-ahead)");
  }
  if (!(std::isfinite(initial_value) && initial_value > 0.0)) {
    return Status::invalid("backtest: initial_value must be > 0");
  }
  if (!(std::isfinite(periods_per_year) && periods_per_year > 0.0)) {
    return Status::invalid("backtest: periods_per_year must be > 0");
  }
  if (!std::isfinite(risk_free_rate))
    return Status::invalid("backtest: risk_free_rate must be finite");
  return costs.validate();
}

namespace {

using Clock = std::chrono::steady_clock;
// Lot of a column without trading rules (Strategy::lots): the finest step any major exchange
// quotes.
constexpr double kDefaultBacktestLot = 1e-8;
using backtest_detail::restrict_spec;
using backtest_detail::restrict_views;
using backtest_detail::slice;

// Read-only data shared by every strategy's run.
struct Market {
  const PricePanel* panel = nullptr;
  Eigen::MatrixXd returns;  // T × N simple returns; NaN where either close is missing
  // The returns estimation windows see: `returns`, except across a short internal gap (see
  // kMaxBridgedGap), where the last price is carried over the gap: 0 on the gap's rows and the
  // whole move since the last quote on the row quotes resume.
  Eigen::MatrixXd window_returns;
  Eigen::MatrixXi run;     // consecutive window returns ending at each row (history length)
  Eigen::Index first = 0;  // evaluated rows [first, last]
  Eigen::Index last = 0;
};

struct Pending {
  Eigen::Index execute = 0;
  Eigen::VectorXd target;  // full universe
  std::size_t record = 0;  // index into rebalances
};

struct Decision {
  bool trade = false;
  Eigen::VectorXd target;              // full universe
  Eigen::VectorXd risk_contributions;  // full universe, empty when not computed
  RebalanceRecord record;
};

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class StrategyRunner {
 public:
  StrategyRunner(const Market& market, const Strategy& strategy, const BacktestOptions& options,
                 Eigen::Index buy_and_hold_column, const Context& context)
      : m_(market),
        s_(strategy),
        o_(options),
        context_(context),
        n_(market.panel->cols()),
        hold_column_(buy_and_hold_column),
        min_history_(options.min_history > 0 ? options.min_history : options.window) {}

  StrategyResult run(const std::function<void()>& tick);

 private:
  bool decision_due(Eigen::Index t) const;
  Decision decide(Eigen::Index t);
  // `conflicting` receives the constraints the model names when it fails; `notes` what was
  // changed for this window (dropped groups and views).
  bool model_target(Eigen::Index t, const std::vector<int>& eligible, const Eigen::MatrixXd& window,
                    const ModelSpec& spec, Eigen::VectorXd& target, std::string& message,
                    SolveStatus& status, double& solve_ms, std::vector<std::string>& conflicting,
                    std::vector<std::string>& notes);
  void drop_empty_groups(Eigen::Index t, const ModelSpec& full_spec, ModelSpec& spec,
                         std::vector<std::string>& notes);
  Eigen::VectorXd caps_at(Eigen::Index t, const std::vector<int>& eligible) const;
  // ADV per column from the volumes of rows ≤ t (liquidity limits); empty without volumes.
  Eigen::VectorXd adv_at(Eigen::Index t) const;
  // The liquidity filter on the eligible set (notes name what it drops).
  void filter_by_liquidity(Eigen::Index t, std::vector<int>& eligible,
                           std::vector<std::string>& notes) const;
  void execute(Eigen::Index t, const Eigen::VectorXd& target, RebalanceRecord& record);
  // Strategy::lots: false (with a note) when the whole-lot allocation fails.
  bool execute_lots(Eigen::Index t, const Eigen::VectorXd& target, RebalanceRecord& record);
  TradeCostInputs facts(Eigen::Index t, Eigen::Index i);
  Eigen::VectorXd current_weights() const;
  double value() const { return holdings_.sum() + cash_; }
  int periods_to_next_decision(Eigen::Index t) const;

  const Market& m_;
  const Strategy& s_;
  const BacktestOptions& o_;
  const Context& context_;
  const Eigen::Index n_;
  const Eigen::Index hold_column_;
  const int min_history_;

  Eigen::VectorXd holdings_;  // quote currency per asset
  double cash_ = 0.0;
  Eigen::VectorXd last_target_;  // empty until the first execution
  bool allocated_ = false;       // a target has been decided (pending or executed)
  std::deque<Pending> pending_;
  StrategyResult result_;
  std::set<Eigen::Index> warned_no_volume_;
  std::string last_failure_;  // de-duplicates repeated failures before the first allocation
  bool ruined_ = false;       // equity reached zero or below: no more trading
  Eigen::MatrixXd window_covariance_;  // annualised, of the last model_target() call's window
  struct DroppedGroup {
    int decisions = 0;
    Timestamp first = 0;
    Timestamp last = 0;
  };
  std::map<std::string, DroppedGroup> dropped_groups_;  // by group label, for one warning each
  // Warm starts across this strategy's decisions (BacktestOptions::warm_start); the fallback
  // model solves cold, so that it does not reset the strategy's own model's start.
  ModelWorkspace workspace_;
  int model_iterations_ = 0;  // of the last model_target() call
  bool model_warm_started_ = false;
};

Eigen::VectorXd StrategyRunner::current_weights() const {
  const double v = value();
  if (!(v > 0.0)) return Eigen::VectorXd::Zero(n_);
  return holdings_ / v;
}

bool StrategyRunner::decision_due(Eigen::Index t) const {
  if (!allocated_) return true;  // keep trying until a first allocation is decided
  const auto& r = s_.rebalance;
  switch (r.kind) {
    case RebalanceKind::kNever:
      return false;
    case RebalanceKind::kEvery:
      return (t - m_.first) % r.every == 0;
    case RebalanceKind::kWeekly:
    case RebalanceKind::kMonthly: {
      const auto& ts = m_.panel->timestamps;
      return starts_new_period(r.kind, ts[static_cast<std::size_t>(t - 1)],
                               ts[static_cast<std::size_t>(t)]);
    }
    case RebalanceKind::kDrift: {
      if (!pending_.empty() || last_target_.size() == 0) return false;
      return (current_weights() - last_target_).cwiseAbs().maxCoeff() > r.drift_band;
    }
  }
  return false;
}

int StrategyRunner::periods_to_next_decision(Eigen::Index t) const {
  const double ppy = o_.periods_per_year;
  switch (s_.rebalance.kind) {
    case RebalanceKind::kEvery:
      return s_.rebalance.every;
    case RebalanceKind::kWeekly:
      return std::max(1, static_cast<int>(std::lround(ppy / 52.0)));
    case RebalanceKind::kMonthly:
      return std::max(1, static_cast<int>(std::lround(ppy / 12.0)));
    case RebalanceKind::kDrift:
      return std::max(1, static_cast<int>(std::lround(ppy / 12.0)));
    case RebalanceKind::kNever:
      return static_cast<int>(std::max<Eigen::Index>(1, m_.last - t));
  }
  return 1;
}

TradeCostInputs StrategyRunner::facts(Eigen::Index t, Eigen::Index i) {
  const PricePanel& p = *m_.panel;
  TradeCostInputs f;
  const auto& c = o_.costs;
  f.half_spread = c.half_spread_bps * 1e-4;
  if (c.use_data_spreads && p.has_spreads() && std::isfinite(p.spreads(t, i))) {
    f.half_spread = 0.5 * p.spreads(t, i);
  }
  if (!c.has_impact()) return f;
  const Eigen::Index from = std::max<Eigen::Index>(1, t - c.adv_window + 1);
  double sum = 0.0, sum2 = 0.0, volume = 0.0;
  int count = 0, volume_count = 0;
  for (Eigen::Index r = from; r <= t; ++r) {
    const double x = m_.returns(r, i);
    if (std::isfinite(x)) {
      sum += x;
      sum2 += x * x;
      ++count;
    }
    const double v = p.volumes(r, i);
    if (std::isfinite(v) && v > 0.0) {
      volume += v;
      ++volume_count;
    }
  }
  if (count >= 2) {
    const double mean = sum / count;
    f.volatility = std::sqrt(std::max(0.0, (sum2 - count * mean * mean) / (count - 1)));
  }
  if (volume_count > 0) {
    f.adv = volume / volume_count;
  } else if (warned_no_volume_.insert(i).second) {
    result_.warnings.push_back("no traded volume for " + p.assets[static_cast<std::size_t>(i)] +
                               " in the " + std::to_string(c.adv_window) + " periods before " +
                               format_timestamp(p.timestamps[static_cast<std::size_t>(t)]) +
                               ": market impact not charged on its trades there");
  }
  return f;
}

Eigen::VectorXd StrategyRunner::caps_at(Eigen::Index t, const std::vector<int>& eligible) const {
  if (o_.market_cap_history.size() == 0) {
    return o_.market_caps.size() > 0 ? slice(o_.market_caps, eligible) : Eigen::VectorXd();
  }
  const auto& dates = o_.market_cap_dates;
  const Timestamp now = m_.panel->timestamps[static_cast<std::size_t>(t)];
  const auto it = std::upper_bound(dates.begin(), dates.end(), now);
  if (it == dates.begin()) return Eigen::VectorXd();  // no caps known yet
  const auto row = static_cast<Eigen::Index>(it - dates.begin()) - 1;
  Eigen::VectorXd caps(static_cast<Eigen::Index>(eligible.size()));
  for (std::size_t k = 0; k < eligible.size(); ++k) {
    const double c = o_.market_cap_history(row, eligible[k]);
    caps(static_cast<Eigen::Index>(k)) = std::isfinite(c) && c > 0.0 ? c : 0.0;
  }
  return caps;
}

Eigen::VectorXd StrategyRunner::adv_at(Eigen::Index t) const {
  const PricePanel& p = *m_.panel;
  if (!p.has_volumes()) return Eigen::VectorXd();
  // Volumes were checked before the run (no negative cell), so this cannot fail.
  auto adv = average_daily_volume(p.volumes, o_.periods_per_year,
                                  {.last_row = t, .periods = s_.liquidity.adv_window});
  return adv ? *adv : Eigen::VectorXd();
}

void StrategyRunner::filter_by_liquidity(Eigen::Index t, std::vector<int>& eligible,
                                         std::vector<std::string>& notes) const {
  const auto& o = s_.liquidity;
  if (!o.has_filter() || eligible.empty()) return;
  std::vector<std::string> names;
  for (int c : eligible) names.push_back(m_.panel->assets[static_cast<std::size_t>(c)]);
  const Eigen::VectorXd adv = o.min_adv > 0.0 ? slice(adv_at(t), eligible) : Eigen::VectorXd();
  const Eigen::VectorXd caps = o.min_market_cap > 0.0 ? caps_at(t, eligible) : Eigen::VectorXd();
  auto excluded = liquidity_exclusions(names, adv, caps, o);
  if (!excluded || excluded->empty()) return;
  std::vector<int> kept;
  std::string dropped;
  for (std::size_t k = 0; k < eligible.size(); ++k) {
    bool out = false;
    for (const auto& e : *excluded) out = out || e.asset == names[k];
    if (out) {
      dropped += (dropped.empty() ? "" : ", ") + names[k];
    } else {
      kept.push_back(eligible[k]);
    }
  }
  notes.push_back("liquidity filter (min_adv, min_market_cap) dropped " + dropped);
  eligible = std::move(kept);
}

std::string group_label(const GroupConstraint& group, std::size_t index) {
  return group.name.empty() ? "group[" + std::to_string(index) + "]" : "group[" + group.name + "]";
}

// Groups left without an eligible member weigh 0 in this window: dropped with a note when their
// limits allow 0; otherwise kept, so the model reports the group as infeasible (a note names the
// members that are not eligible).
void StrategyRunner::drop_empty_groups(Eigen::Index t, const ModelSpec& full_spec, ModelSpec& spec,
                                       std::vector<std::string>& notes) {
  auto& groups = spec.constraints.groups;
  std::vector<GroupConstraint> kept;
  const Timestamp now = m_.panel->timestamps[static_cast<std::size_t>(t)];
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!groups[g].members.empty()) {
      kept.push_back(std::move(groups[g]));
      continue;
    }
    const GroupConstraint& full = full_spec.constraints.groups[g];
    std::string members;
    for (std::size_t k = 0; k < full.members.size(); ++k) {
      if (k == 5) {
        members += ", ...";
        break;
      }
      members += (k == 0 ? "" : ", ") + m_.panel->assets[static_cast<std::size_t>(full.members[k])];
    }
    const std::string label = group_label(full, g);
    if (full.min <= 0.0 && full.max >= 0.0) {
      notes.push_back(label + " dropped for this window: none of its members (" + members +
                      ") is eligible");
      DroppedGroup& d = dropped_groups_[label];
      if (d.decisions == 0) d.first = now;
      if (d.decisions == 0 || d.last != now) ++d.decisions;  // a fallback model drops it again
      d.last = now;
      continue;
    }
    notes.push_back(label + ": none of its members (" + members + ") is eligible, but its " +
                    (full.min > 0.0 ? "minimum " + format_fixed(full.min, 4)
                                    : "maximum " + format_fixed(full.max, 4)) +
                    " excludes a weight of 0");
    kept.push_back(std::move(groups[g]));
  }
  groups = std::move(kept);
}

bool StrategyRunner::model_target(Eigen::Index t, const std::vector<int>& eligible,
                                  const Eigen::MatrixXd& window, const ModelSpec& full_spec,
                                  Eigen::VectorXd& target, std::string& message,
                                  SolveStatus& status, double& solve_ms,
                                  std::vector<std::string>& conflicting,
                                  std::vector<std::string>& notes) {
  const auto start = Clock::now();
  window_covariance_.resize(0, 0);
  model_iterations_ = 0;
  model_warm_started_ = false;
  const double ppy = o_.periods_per_year;
  const auto& assets = m_.panel->assets;
  ModelInputs inputs;
  for (int c : eligible) inputs.assets.push_back(assets[static_cast<std::size_t>(c)]);
  // The spectrum diagnostics (an eigen decomposition, 13% of a weekly max-Sharpe backtest) are
  // not used here: the models check positive (semi)definiteness themselves.
  MomentOptions moments = s_.estimation;
  moments.covariance.compute_spectrum = false;
  auto cov = estimate_annualised_covariance(window, ppy, moments);
  if (!cov) {
    message = "covariance: " + cov.status().message();
    status = SolveStatus::kNumericalError;
    return false;
  }
  inputs.covariance = cov->annualised;
  window_covariance_ = inputs.covariance;
  ModelSpec spec = restrict_spec(full_spec, eligible, current_weights());
  drop_empty_groups(t, full_spec, spec, notes);
  if (s_.liquidity.has_position_cap() || s_.liquidity.has_trade_cap()) {
    // Caps from the volumes up to t and the equity at t; a conflict is the model's infeasibility.
    LiquidityLimitOptions limits = s_.liquidity;
    limits.portfolio_value = value();
    auto bounds =
        liquidity_bounds(slice(adv_at(t), eligible), slice(current_weights(), eligible), limits);
    Status merged = bounds.status();
    if (bounds)
      merged = intersect_liquidity_bounds(spec.constraints, inputs.assets, *bounds).status();
    if (!merged) {
      message = merged.message();
      status = SolveStatus::kInfeasible;
      conflicting = {"liquidity"};
      return false;
    }
  }
  inputs.market_caps = caps_at(t, eligible);
  if (is_tail_risk(spec.model)) {
    inputs.scenarios = window;
    inputs.periods_per_year = ppy;
  } else {
    if (moments.expected_returns.method == ExpectedReturnMethod::kEquilibrium) {
      moments.expected_returns.market_caps = inputs.market_caps;
    }
    auto mu = estimate_annualised_expected_returns(window, ppy, moments, &*cov);
    if (!mu) {
      message = "expected returns: " + mu.status().message();
      status = SolveStatus::kNumericalError;
      return false;
    }
    inputs.expected_returns = mu->annualised;
  }
  if (spec.model == PortfolioModel::kBlackLitterman) {
    int dropped = 0;
    inputs.views = restrict_views(s_.views, eligible, spec.black_litterman, dropped);
    if (dropped > 0) {
      notes.push_back(std::to_string(dropped) +
                      " view(s) on assets not eligible here were dropped");
    }
  }
  ModelWorkspace* workspace = o_.warm_start && &full_spec == &s_.model ? &workspace_ : nullptr;
  auto result = optimize_portfolio(inputs, spec, workspace);
  solve_ms = elapsed_ms(start);
  model_iterations_ = result ? result->diagnostics.iterations : 0;
  model_warm_started_ = result && result->diagnostics.warm_solves > 0;
  if (!result) {
    message += result.status().message();
    status = SolveStatus::kNumericalError;
    return false;
  }
  status = result->status;
  if (!result->is_usable() || !result->weights.allFinite()) {
    conflicting = result->diagnostics.conflicting_constraints;
    message +=
        std::string(to_string(result->status)) +
        (result->diagnostics.explanation.empty() ? "" : ": " + result->diagnostics.explanation);
    return false;
  }
  target = Eigen::VectorXd::Zero(n_);
  for (std::size_t k = 0; k < eligible.size(); ++k) {
    target(eligible[k]) = result->weights(static_cast<Eigen::Index>(k));
  }
  return true;
}

Decision StrategyRunner::decide(Eigen::Index t) {
  Decision d;
  auto& rec = d.record;
  rec.decision_date = m_.panel->timestamps[static_cast<std::size_t>(t)];
  const auto& prices = m_.panel->prices;

  if (s_.rule == StrategyRule::kBuyAndHold) {
    const Eigen::Index c = hold_column_;
    if (!std::isfinite(prices(t, c))) {
      rec.outcome = RebalanceOutcome::kNoAssets;
      rec.message = s_.asset + " has no price on this date";
      return d;
    }
    d.trade = true;
    d.target = Eigen::VectorXd::Zero(n_);
    d.target(c) = 1.0;
    rec.target = d.target;
    rec.eligible_assets = 1;
    return d;
  }

  std::vector<int> eligible;
  int rows = std::numeric_limits<int>::max();
  for (Eigen::Index i = 0; i < n_; ++i) {
    if (std::isfinite(prices(t, i)) && m_.run(t, i) >= min_history_) {
      eligible.push_back(static_cast<int>(i));
      rows = std::min(rows, m_.run(t, i));
    }
  }
  if (s_.liquidity.has_filter()) {
    filter_by_liquidity(t, eligible, rec.notes);
    rows = std::numeric_limits<int>::max();
    for (int c : eligible) rows = std::min(rows, m_.run(t, c));
  }
  rec.eligible_assets = static_cast<int>(eligible.size());
  if (eligible.empty()) {
    rec.outcome = RebalanceOutcome::kNoAssets;
    rec.message = "no asset has " + std::to_string(min_history_) +
                  " periods of history (and passes the liquidity filter) here";
    return d;
  }
  if (!o_.expanding) rows = std::min(rows, o_.window);
  rec.window_rows = rows;
  const auto m = static_cast<Eigen::Index>(eligible.size());
  Eigen::MatrixXd window(rows, m);
  for (Eigen::Index k = 0; k < m; ++k) {
    window.col(k) =
        m_.window_returns.col(eligible[static_cast<std::size_t>(k)]).segment(t - rows + 1, rows);
  }

  Eigen::VectorXd target;
  std::string message;
  SolveStatus status = SolveStatus::kOptimal;
  double solve_ms = 0.0;
  std::vector<std::string> conflicting;
  bool ok = model_target(t, eligible, window, s_.model, target, message, status, solve_ms,
                         conflicting, rec.notes);
  rec.model_status = status;
  rec.solve_ms = solve_ms;
  rec.solver_iterations = model_iterations_;
  rec.warm_started = model_warm_started_;
  if (!ok) {
    rec.outcome = RebalanceOutcome::kFallback;
    rec.message = "model failed (" + message + "); fallback " + s_.fallback.to_string();
    rec.fallback_reason = std::string(to_string(status)) + ": ";
    if (conflicting.empty()) {
      rec.fallback_reason += message;
    } else {
      for (std::size_t k = 0; k < conflicting.size(); ++k) {
        rec.fallback_reason += (k == 0 ? "" : ", ") + conflicting[k];
      }
    }
    switch (s_.fallback.kind) {
      case FallbackKind::kKeepPrevious:
      case FallbackKind::kNone:
        return d;  // no trade
      case FallbackKind::kEqualWeight:
        target = Eigen::VectorXd::Zero(n_);
        for (int c : eligible) target(c) = 1.0 / static_cast<double>(m);
        break;
      case FallbackKind::kModel: {
        std::string fallback_message;
        SolveStatus fallback_status = SolveStatus::kOptimal;
        double fallback_ms = 0.0;
        std::vector<std::string> fallback_conflicting;
        if (!model_target(t, eligible, window, s_.fallback.model, target, fallback_message,
                          fallback_status, fallback_ms, fallback_conflicting, rec.notes)) {
          rec.message += " also failed (" + fallback_message + "); previous weights kept";
          return d;
        }
        rec.solve_ms += fallback_ms;
        break;
      }
    }
  }

  // Risk contributions of the target with the window's covariance (the strategy's estimator; for
  // rules that fall back before estimating, e.g. an estimator failure, none are recorded).
  {
    const Eigen::VectorXd w = slice(target, eligible);
    const Eigen::MatrixXd& annual = window_covariance_;
    if (annual.rows() == m) {
      d.risk_contributions = Eigen::VectorXd::Zero(n_);
      auto contributions = variance_contributions(w, annual);
      if (contributions && contributions->variance > 0.0) {
        for (std::size_t k = 0; k < eligible.size(); ++k) {
          d.risk_contributions(eligible[k]) = contributions->percent(static_cast<Eigen::Index>(k));
        }
      }
    }
    if (s_.cost_aware && holdings_.cwiseAbs().sum() > 0.0 && annual.rows() == m) {
      auto mu = estimate_annualised_expected_returns(window, o_.periods_per_year, s_.estimation);
      if (mu) {
        const Eigen::VectorXd current = slice(current_weights(), eligible);
        const double h = periods_to_next_decision(t) / o_.periods_per_year;
        rec.expected_benefit =
            h * (mu->annualised.dot(w - current) -
                 0.5 * s_.risk_aversion * (w.dot(annual * w) - current.dot(annual * current)));
        const double v = value();
        const Eigen::VectorXd now = current_weights();
        double cost = 0.0;
        for (Eigen::Index i = 0; i < n_; ++i) {
          const double trade = (target(i) - now(i)) * v;
          if (trade != 0.0) cost += trade_cost(trade, facts(t, i), o_.costs).total();
        }
        rec.expected_cost = cost / v;
        if (rec.expected_benefit < rec.expected_cost) {
          rec.outcome = RebalanceOutcome::kSkippedCost;
          rec.message = "expected benefit below estimated trading cost";
          return d;
        }
      }
    }
  }
  d.trade = true;
  d.target = std::move(target);
  rec.target = d.target;
  return d;
}

void StrategyRunner::execute(Eigen::Index t, const Eigen::VectorXd& wanted, RebalanceRecord& rec) {
  const auto& prices = m_.panel->prices;
  Eigen::VectorXd target = wanted;
  for (Eigen::Index i = 0; i < n_; ++i) {
    if (target(i) != 0.0 && !std::isfinite(prices(t, i))) {
      target(i) = 0.0;
      rec.message += (rec.message.empty() ? "" : "; ") +
                     m_.panel->assets[static_cast<std::size_t>(i)] +
                     " has no price at execution: its target weight stays in cash";
    }
  }
  if (s_.lots && execute_lots(t, target, rec)) return;
  const double before = value();
  std::vector<TradeCostInputs> inputs(static_cast<std::size_t>(n_));
  std::vector<bool> trades(static_cast<std::size_t>(n_), false);
  for (Eigen::Index i = 0; i < n_; ++i) {
    const double trade = target(i) * before - holdings_(i);
    if (trade == 0.0) continue;
    if (std::abs(trade) < o_.costs.min_trade_value) {
      ++rec.skipped_small_trades;
      continue;
    }
    trades[static_cast<std::size_t>(i)] = true;
    inputs[static_cast<std::size_t>(i)] = facts(t, i);
  }
  // Trades are sized on the value after costs, which depends on the trades: a fixed point that
  // converges in a few steps because costs are a small fraction of value.
  double after = before;
  CostBreakdown cost;
  Eigen::VectorXd delta = Eigen::VectorXd::Zero(n_);
  for (int iteration = 0; iteration < 100; ++iteration) {
    cost = CostBreakdown{};
    for (Eigen::Index i = 0; i < n_; ++i) {
      if (!trades[static_cast<std::size_t>(i)]) continue;
      delta(i) = target(i) * after - holdings_(i);
      cost += trade_cost(delta(i), inputs[static_cast<std::size_t>(i)], o_.costs);
    }
    const double next = before - cost.total();
    const bool converged = std::abs(next - after) <= 1e-14 * std::abs(before);
    after = next;
    if (converged) break;
  }
  for (Eigen::Index i = 0; i < n_; ++i) {
    if (!trades[static_cast<std::size_t>(i)]) continue;
    holdings_(i) += delta(i);
    cash_ -= delta(i);
  }
  cash_ -= cost.total();
  rec.turnover = delta.cwiseAbs().sum() / before;
  rec.costs = cost;
  rec.execution_date = m_.panel->timestamps[static_cast<std::size_t>(t)];
  last_target_ = target;
}

// Strategy::lots: the target is turned into whole lots by the allocation code's greedy method
// (allocation.hpp) on the coins held and the cash, orders below min_notional (or
// min_trade_value) skipped; the trading costs are then charged on the lots actually traded.
bool StrategyRunner::execute_lots(Eigen::Index t, const Eigen::VectorXd& target,
                                  RebalanceRecord& rec) {
  const auto& prices = m_.panel->prices;
  const double before = value();
  AllocationInput in;
  std::vector<Eigen::Index> columns;
  for (Eigen::Index i = 0; i < n_; ++i) {
    if (std::isfinite(prices(t, i)) && prices(t, i) > 0.0) columns.push_back(i);
  }
  const auto m = static_cast<Eigen::Index>(columns.size());
  in.target_weights.resize(m);
  in.mid.resize(m);
  in.holdings.resize(m);
  double outside = 0.0;  // held value of assets without a price here (kept as they are)
  for (Eigen::Index i = 0; i < n_; ++i) {
    if (!(std::isfinite(prices(t, i)) && prices(t, i) > 0.0)) outside += holdings_(i);
  }
  for (Eigen::Index k = 0; k < m; ++k) {
    const Eigen::Index i = columns[static_cast<std::size_t>(k)];
    in.assets.push_back(m_.panel->assets[static_cast<std::size_t>(i)]);
    in.mid(k) = prices(t, i);
    in.holdings(k) = std::max(0.0, holdings_(i) / prices(t, i));
    // Fractions of the value the allocation sees (cash + the priced holdings).
    in.target_weights(k) = target(i) * before / (before - outside);
    in.rules.push_back(o_.trading_rules.empty() ? TradingRules{.lot_size = kDefaultBacktestLot}
                                                : o_.trading_rules[static_cast<std::size_t>(i)]);
  }
  in.cash = std::max(0.0, cash_);
  const AllocationOptions options{.method = AllocationMethod::kGreedy,
                                  .fee_bps = o_.costs.fee_bps,
                                  .min_order_notional = o_.costs.min_trade_value};
  auto allocation = allocate(in, options);
  if (!allocation || !allocation->has_allocation()) {
    rec.message += (rec.message.empty() ? "" : "; ") +
                   std::string("whole-lot allocation failed (") +
                   (allocation ? allocation->explanation : allocation.status().message()) +
                   "): traded fractionally";
    return false;
  }
  CostBreakdown cost;
  double traded = 0.0;
  rec.quantities = Eigen::VectorXd::Constant(n_, std::numeric_limits<double>::quiet_NaN());
  for (Eigen::Index k = 0; k < m; ++k) {
    const Eigen::Index i = columns[static_cast<std::size_t>(k)];
    const double coins = allocation->quantities(k);
    rec.quantities(i) = coins;
    const double delta = coins * prices(t, i) - holdings_(i);
    if (std::abs(delta) <= 1e-12 * before) continue;
    cost += trade_cost(delta, facts(t, i), o_.costs);
    holdings_(i) += delta;
    cash_ -= delta;
    traded += std::abs(delta);
  }
  cash_ -= cost.total();
  const double after = value();
  double drift = 0.0;
  for (Eigen::Index i = 0; i < n_; ++i) drift += std::abs(holdings_(i) / after - target(i));
  rec.rounding_drift = drift;
  rec.cash_after = cash_;
  rec.turnover = traded / before;
  rec.costs = cost;
  rec.execution_date = m_.panel->timestamps[static_cast<std::size_t>(t)];
  last_target_ = target;
  return true;
}

StrategyResult StrategyRunner::run(const std::function<void()>& tick) {
  const PricePanel& panel = *m_.panel;
  const Eigen::Index rows = m_.last - m_.first + 1;
  result_.name = s_.name;
  result_.is_benchmark = s_.is_benchmark;
  result_.equity.resize(rows);
  result_.gross_returns = Eigen::VectorXd::Zero(rows);
  result_.cost_returns = Eigen::VectorXd::Zero(rows);
  result_.net_returns = Eigen::VectorXd::Zero(rows);
  result_.weights = Eigen::MatrixXd::Zero(rows, n_);
  result_.cash_weight = Eigen::VectorXd::Zero(rows);
  holdings_ = Eigen::VectorXd::Zero(n_);
  cash_ = o_.initial_value;
  std::vector<Timestamp> rc_dates;
  std::vector<Eigen::VectorXd> rc_rows;
  double total_turnover = 0.0;

  double previous = value();
  for (Eigen::Index t = m_.first; t <= m_.last; ++t) {
    if (context_.cancelled()) break;  // run_backtest discards the partial result
    const Eigen::Index row = t - m_.first;
    const Timestamp now = panel.timestamps[static_cast<std::size_t>(t)];
    double period_cost = 0.0;
    double pnl = 0.0;
    if (t > m_.first && !ruined_) {
      // Financing of the positions held over (t−1, t], then the price move.
      CostBreakdown financing;
      const double ppy = o_.periods_per_year;
      for (Eigen::Index i = 0; i < n_; ++i) {
        if (holdings_(i) < 0.0)
          financing.financing += -holdings_(i) * o_.costs.short_rate.per_period(now, ppy);
      }
      if (cash_ < 0.0) financing.financing += -cash_ * o_.costs.borrow_rate.per_period(now, ppy);
      if (cash_ > 0.0) financing.financing -= cash_ * o_.costs.cash_rate.per_period(now, ppy);
      for (Eigen::Index i = 0; i < n_; ++i) {
        if (holdings_(i) == 0.0) continue;
        const double r = m_.returns(t, i);
        if (std::isfinite(r)) {
          pnl += holdings_(i) * r;
          holdings_(i) *= 1.0 + r;
          continue;
        }
        // No price at t: the position is exited at its last quoted price (t − 1).
        DelistingEvent event{now, panel.assets[static_cast<std::size_t>(i)], holdings_(i)};
        TradeCostInputs last_facts;
        last_facts.half_spread = o_.costs.half_spread_bps * 1e-4;
        if (o_.costs.use_data_spreads && panel.has_spreads() &&
            std::isfinite(panel.spreads(t - 1, i))) {
          last_facts.half_spread = 0.5 * panel.spreads(t - 1, i);
        }
        CostBreakdown exit_cost = trade_cost(holdings_(i), last_facts, o_.costs);
        exit_cost.impact = 0.0;  // no market to impact; fee and spread only
        financing += exit_cost;
        cash_ += holdings_(i);
        holdings_(i) = 0.0;
        result_.delistings.push_back(event);
        result_.warnings.push_back(event.asset + " has no price on " + format_timestamp(now) +
                                   ": position exited at its last price (if this is a gap in "
                                   "the data, not a delisting, fill it: --missing ffill:N)");
      }
      cash_ -= financing.total();
      period_cost += financing.total();
      result_.costs += financing;
    }
    while (!pending_.empty() && pending_.front().execute == t) {
      Pending p = std::move(pending_.front());
      pending_.pop_front();
      auto& rec = result_.rebalances[p.record];
      execute(t, p.target, rec);
      period_cost += rec.costs.total();
      result_.costs += rec.costs;
      total_turnover += rec.turnover;
    }
    if (!ruined_ && decision_due(t)) {
      Decision d = decide(t);
      const bool first_try_failure = !allocated_ && !d.trade;
      if (first_try_failure && d.record.message == last_failure_) {
        // same failure as the previous date before any allocation: not repeated in the log
      } else {
        if (first_try_failure) last_failure_ = d.record.message;
        result_.rebalances.push_back(d.record);
        if (d.trade && t + o_.lag <= m_.last) {
          pending_.push_back(Pending{t + o_.lag, d.target, result_.rebalances.size() - 1});
          allocated_ = true;
          if (d.risk_contributions.size() > 0) {
            rc_dates.push_back(now);
            rc_rows.push_back(d.risk_contributions);
          }
        }
      }
    }
    const double v = value();
    if (!ruined_ && v <= 0.0) {
      // Ruin: the losses have consumed the capital (leveraged or short books can lose more than
      // everything). Positions are closed at this close and the strategy stops trading; pending
      // decisions are dropped. The equity stays at its (non-positive) value from here on.
      ruined_ = true;
      cash_ = v;
      holdings_.setZero();
      pending_.clear();
      result_.warnings.push_back("ruined on " + format_timestamp(now) + ": equity fell to " +
                                 format_fixed(v, 0) + " (from " + format_fixed(previous, 0) +
                                 "); positions closed, no further trading");
    }
    result_.equity(row) = v;
    if (row > 0 && previous > 0.0) {
      // Gross is the value change before this period's costs; net is defined as gross − costs so
      // that the identity holds to the last bit (it equals (v − previous)/previous to rounding).
      result_.gross_returns(row) = (v + period_cost - previous) / previous;
      result_.cost_returns(row) = period_cost / previous;
      result_.net_returns(row) = result_.gross_returns(row) - result_.cost_returns(row);
    }
    if (v > 0.0) {
      result_.weights.row(row) = (holdings_ / v).transpose();
      result_.cash_weight(row) = cash_ / v;
    }
    previous = v;
    if (tick) tick();
  }
  result_.timestamps.assign(panel.timestamps.begin() + m_.first,
                            panel.timestamps.begin() + m_.last + 1);
  for (const auto& rec : result_.rebalances) {
    if (rec.execution_date != 0) ++result_.metrics.rebalances;
  }
  result_.risk_contributions.dates = rc_dates;
  result_.risk_contributions.contributions.resize(static_cast<Eigen::Index>(rc_rows.size()), n_);
  for (std::size_t k = 0; k < rc_rows.size(); ++k) {
    result_.risk_contributions.contributions.row(static_cast<Eigen::Index>(k)) =
        rc_rows[k].transpose();
  }
  const int executed = result_.metrics.rebalances;
  int fallbacks = 0;
  for (const auto& rec : result_.rebalances) {
    if (rec.outcome != RebalanceOutcome::kFallback) continue;
    ++fallbacks;
    auto& reasons = result_.fallback_reasons;
    auto it = std::find_if(reasons.begin(), reasons.end(), [&](const FallbackReasonCount& r) {
      return r.reason == rec.fallback_reason;
    });
    if (it == reasons.end()) {
      reasons.push_back({rec.fallback_reason, rec.model_status, 0, rec.decision_date,
                         rec.decision_date, rec.message});
      it = reasons.end() - 1;
    }
    ++it->count;
    it->last_date = rec.decision_date;
  }
  std::stable_sort(
      result_.fallback_reasons.begin(), result_.fallback_reasons.end(),
      [](const FallbackReasonCount& a, const FallbackReasonCount& b) { return a.count > b.count; });
  for (const auto& [label, d] : dropped_groups_) {
    result_.warnings.push_back(label + " had no eligible member on " + std::to_string(d.decisions) +
                               " decision date(s) (" + format_timestamp(d.first) + " .. " +
                               format_timestamp(d.last) +
                               ") and was dropped there (its limits allow a weight of 0)");
  }
  result_.metrics = compute_metrics(result_.equity, result_.net_returns, result_.weights,
                                    result_.timestamps, o_.periods_per_year, o_.risk_free_rate,
                                    total_turnover, result_.costs.total());
  result_.metrics.rebalances = executed;
  result_.metrics.fallbacks = fallbacks;
  return std::move(result_);
}

Result<Market> prepare_market(const PricePanel& panel, const BacktestOptions& options) {
  Market m;
  m.panel = &panel;
  const Eigen::Index rows = panel.rows(), n = panel.cols();
  if (rows < 3 || n < 1) {
    return Status::invalid(panel.source +
                           ": a backtest needs at least 3 price dates and one asset");
  }
  m.returns = Eigen::MatrixXd::Constant(rows, n, std::numeric_limits<double>::quiet_NaN());
  m.run = Eigen::MatrixXi::Zero(rows, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index t = 1; t < rows; ++t) {
      const double p0 = panel.prices(t - 1, i), p1 = panel.prices(t, i);
      if (std::isfinite(p0) && std::isfinite(p1)) {
        if (!(p0 > 0.0 && p1 > 0.0)) {
          return Status::invalid(
              panel.source + ": price of " + panel.assets[static_cast<std::size_t>(i)] + " on " +
              format_timestamp(panel.timestamps[static_cast<std::size_t>(p0 > 0.0 ? t : t - 1)]) +
              " is not positive; a backtest needs positive prices (hint: "
              "--zero-as-missing treats zeros as missing quotes)");
        }
        m.returns(t, i) = p1 / p0 - 1.0;
        m.run(t, i) = m.run(t - 1, i) + 1;
      }
    }
  }
  // A short internal gap (a few missing quotes between two quotes) does not reset an asset's
  // history: without this a four-day outage would make it wait a whole window to be eligible
  // again. Its returns are those of the last price carried over the gap (what --missing ffill:N
  // gives): 0 on the gap's rows and the whole move on the row quotes resume, so the window keeps
  // the asset's total return. Only rows up to a decision are read, so no later price leaks in.
  // Longer gaps still reset the history. Positions are still exited when their price stops (the
  // engine cannot value them), and the asset is not eligible while it has no price.
  constexpr Eigen::Index kMaxBridgedGap = 7;  // periods: a week of daily data
  m.window_returns = m.returns;
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::Index last_quote = -1;
    for (Eigen::Index t = 0; t < rows; ++t) {
      if (!std::isfinite(panel.prices(t, i))) continue;
      const Eigen::Index gap = t - last_quote - 1;
      if (last_quote >= 0 && gap > 0 && gap <= kMaxBridgedGap &&
          panel.prices(last_quote, i) > 0.0 && panel.prices(t, i) > 0.0) {
        for (Eigen::Index g = last_quote + 1; g < t; ++g) {
          m.window_returns(g, i) = 0.0;
          m.run(g, i) = m.run(g - 1, i) + 1;
        }
        m.window_returns(t, i) = panel.prices(t, i) / panel.prices(last_quote, i) - 1.0;
        m.run(t, i) = m.run(t - 1, i) + 1;
        // The run carries on through the rows that follow until the next break.
        for (Eigen::Index u = t + 1; u < rows && std::isfinite(m.returns(u, i)); ++u) {
          m.run(u, i) = m.run(u - 1, i) + 1;
        }
      }
      last_quote = t;
    }
  }
  m.last = rows - 1;
  if (options.end != 0) {
    const auto it = std::upper_bound(panel.timestamps.begin(), panel.timestamps.end(), options.end);
    if (it == panel.timestamps.begin()) {
      return Status::invalid("backtest: end " + format_timestamp(options.end) +
                             " is before the data (" + format_timestamp(panel.timestamps.front()) +
                             ")");
    }
    m.last = (it - panel.timestamps.begin()) - 1;
  }
  const int min_history = options.min_history > 0 ? options.min_history : options.window;
  if (options.start != 0) {
    const auto it =
        std::lower_bound(panel.timestamps.begin(), panel.timestamps.end(), options.start);
    m.first = std::max<Eigen::Index>(1, it - panel.timestamps.begin());
  } else {
    m.first = -1;
    for (Eigen::Index t = 1; t <= m.last && m.first < 0; ++t) {
      if ((m.run.row(t).array() >= min_history).any()) m.first = t;
    }
    if (m.first < 0) {
      return Status::invalid(panel.source + ": no asset has " + std::to_string(min_history) +
                             " consecutive returns before " +
                             format_timestamp(panel.timestamps[static_cast<std::size_t>(m.last)]) +
                             "; shorten window/min_history or give more history");
    }
  }
  if (m.last - m.first < 2) {
    return Status::invalid(
        "backtest: fewer than 3 dates between the first decision (" +
        format_timestamp(panel.timestamps[static_cast<std::size_t>(std::min(m.first, m.last))]) +
        ") and the end; give more data or a shorter window");
  }
  return m;
}

}  // namespace

Result<BacktestResult> run_backtest(const PricePanel& panel,
                                    const std::vector<Strategy>& strategies,
                                    const BacktestOptions& options, const Context& context,
                                    const ProgressCallback& progress) {
  const auto start = Clock::now();
  KEEL_RETURN_IF_ERROR(options.validate());
  if (strategies.empty()) return Status::invalid("backtest: no strategy given");
  const auto n = panel.cols();
  if (options.costs.has_impact() && !panel.has_volumes()) {
    return Status::invalid(panel.source +
                           ": market impact (impact_coefficient > 0) needs traded "
                           "volumes; give a long CSV with a volume column, or set impact to 0");
  }
  bool volumes_needed = false;
  for (const auto& s : strategies) {
    volumes_needed = volumes_needed || s.liquidity.needs_volumes();
    if (s.liquidity.needs_volumes() && !panel.has_volumes()) {
      return Status::invalid(panel.source + ": strategy '" + s.name + "': [liquidity] " +
                             (s.liquidity.has_position_cap() ? "max_days_to_liquidate"
                              : s.liquidity.has_trade_cap()  ? "max_trade_adv_share"
                                                             : "min_adv") +
                             " needs traded volumes; give a long CSV with a volume column");
    }
  }
  if (volumes_needed) {
    auto checked = average_daily_volume(panel.volumes, options.periods_per_year);
    if (!checked) return checked.status().with_context(panel.source);
  }
  if (!options.trading_rules.empty() &&
      static_cast<Eigen::Index>(options.trading_rules.size()) != n) {
    return Status::invalid("backtest: trading_rules needs one entry per asset column, or none");
  }
  for (const auto& rule : options.trading_rules) {
    if (!(rule.lot_size > 0.0) || !(rule.min_notional >= 0.0)) {
      return Status::invalid("backtest: a lot size must be > 0 and a minimum notional >= 0");
    }
  }
  if (options.market_caps.size() != 0 && options.market_caps.size() != n) {
    return Status::invalid("backtest: market caps must have one value per asset column");
  }
  if (options.market_cap_history.size() != 0) {
    const auto& dates = options.market_cap_dates;
    if (options.market_cap_history.cols() != n ||
        options.market_cap_history.rows() != static_cast<Eigen::Index>(dates.size())) {
      return Status::invalid(
          "backtest: the market-cap history needs one row per date and one column "
          "per asset column");
    }
    for (std::size_t r = 1; r < dates.size(); ++r) {
      if (dates[r] <= dates[r - 1]) {
        return Status::invalid("backtest: market-cap history dates are not increasing at " +
                               format_timestamp(dates[r]));
      }
    }
  }
  const bool has_caps = options.market_caps.size() > 0 || options.market_cap_history.size() > 0;
  if (!options.groups.empty() && static_cast<Eigen::Index>(options.groups.size()) != n) {
    return Status::invalid("backtest: groups must have one tag per asset column");
  }
  std::vector<Eigen::Index> hold_columns(strategies.size(), -1);
  std::set<std::string> names;
  for (std::size_t k = 0; k < strategies.size(); ++k) {
    const auto& s = strategies[k];
    KEEL_RETURN_IF_ERROR(s.validate());
    if (!names.insert(s.name).second) {
      return Status::invalid("backtest: two strategies are named '" + s.name +
                             "'; names must be unique");
    }
    if (s.rule == StrategyRule::kBuyAndHold) {
      auto c = panel.asset_index(s.asset);
      if (!c) {
        return Status::invalid("strategy '" + s.name + "': asset '" + s.asset +
                               "' is not a column of " + panel.source);
      }
      hold_columns[k] = *c;
    }
    if (s.rule == StrategyRule::kModel) {
      const bool wants_caps =
          s.model.model == PortfolioModel::kMarketCap ||
          s.estimation.expected_returns.method == ExpectedReturnMethod::kEquilibrium;
      if (wants_caps && !has_caps) {
        return Status::invalid("strategy '" + s.name +
                               "' needs market caps (metadata market_cap or "
                               "a market-caps file)");
      }
      KEEL_RETURN_IF_ERROR(s.model.constraints.validate(static_cast<int>(n))
                               .with_context("strategy '" + s.name + "'"));
    }
  }
  auto market = prepare_market(panel, options);
  if (!market) return market.status();

  BacktestResult out;
  out.assets = panel.assets;
  out.periods_per_year = options.periods_per_year;
  out.strategies.resize(strategies.size());
  const Eigen::Index rows = market->last - market->first + 1;

  std::mutex progress_mutex;
  std::atomic<long long> done{0};
  const long long total = static_cast<long long>(rows) * static_cast<long long>(strategies.size());
  const long long step = std::max<long long>(1, total / 200);
  auto tick = [&]() {
    if (!progress) return;
    const long long d = ++done;
    if (d % step == 0 || d == total) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(static_cast<double>(d) / static_cast<double>(total));
    }
  };

  std::atomic<std::size_t> next{0};
  auto worker = [&]() {
    for (std::size_t k = next++; k < strategies.size() && !context.cancelled(); k = next++) {
      StrategyRunner runner(*market, strategies[k], options, hold_columns[k], context);
      out.strategies[k] = runner.run(tick);
    }
  };
  int threads = context.threads() == 0 ? static_cast<int>(std::thread::hardware_concurrency())
                                       : context.threads();
  threads = std::clamp(threads, 1, static_cast<int>(strategies.size()));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  if (context.cancelled()) {
    return Status::no_solution("backtest: cancelled before it finished; no result");
  }

  // Static market caps are one snapshot, not point-in-time data: say so wherever they steer a
  // decision, since a snapshot taken after a decision date is information from the future.
  for (std::size_t k = 0; k < strategies.size(); ++k) {
    const auto& s = strategies[k];
    const bool uses_caps =
        s.rule == StrategyRule::kModel && options.market_caps.size() > 0 &&
        options.market_cap_history.size() == 0 &&
        (s.model.model == PortfolioModel::kMarketCap ||
         s.model.model == PortfolioModel::kBlackLitterman ||
         s.estimation.expected_returns.method == ExpectedReturnMethod::kEquilibrium);
    if (uses_caps) {
      out.strategies[k].warnings.push_back(
          "market caps are one static snapshot, not point-in-time: decisions before the snapshot's "
          "date may use information from after them");
    }
  }
  out.timestamps = out.strategies.front().timestamps;
  out.asset_returns = market->returns.middleRows(market->first, rows);
  out.asset_returns.row(0).setConstant(std::numeric_limits<double>::quiet_NaN());

  // Attribution, and Brinson–Fachler against the benchmark when groups are given.
  const StrategyResult* benchmark = nullptr;
  for (const auto& s : out.strategies) {
    if (options.attribution_benchmark.empty() ? s.is_benchmark
                                              : s.name == options.attribution_benchmark) {
      benchmark = &s;
      break;
    }
  }
  if (!options.attribution_benchmark.empty() && benchmark == nullptr) {
    return Status::invalid("backtest: attribution benchmark '" + options.attribution_benchmark +
                           "' is not one of the strategies");
  }
  for (auto& s : out.strategies) {
    auto attribution =
        attribute_returns(s.weights, out.asset_returns, s.cost_returns, out.assets, options.groups);
    if (!attribution) return attribution.status();
    s.attribution = std::move(*attribution);
    if (!options.groups.empty() && benchmark != nullptr && benchmark != &s) {
      auto bf = brinson_fachler(s.weights, benchmark->weights, out.asset_returns, options.groups);
      if (!bf) return bf.status();
      s.brinson_fachler = std::move(*bf);
    }
  }
  out.elapsed_ms = elapsed_ms(start);
  return out;
}

}  // namespace keel
