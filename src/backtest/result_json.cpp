#include <algorithm>
#include <string>

#include "keel/backtest/engine.hpp"

namespace keel {

namespace {

Json costs_json(const CostBreakdown& c) {
  return {{"fees", json_number(c.fees)},
          {"spread", json_number(c.spread)},
          {"impact", json_number(c.impact)},
          {"financing", json_number(c.financing)},
          {"total", json_number(c.total())}};
}

Json weights_json(const std::vector<std::string>& assets, const Eigen::VectorXd& w) {
  Json out = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const double v = w(static_cast<Eigen::Index>(i));
    if (v != 0.0) out[assets[i]] = json_number(v);
  }
  return out;
}

Json strategy_json(const StrategyResult& s, const BacktestResult& all, bool include_weights) {
  Json j;
  j["name"] = s.name;
  j["benchmark"] = s.is_benchmark;
  j["metrics"] = s.metrics.to_json();
  j["costs"] = costs_json(s.costs);
  Json rebalances = Json::array();
  for (const auto& r : s.rebalances) {
    Json rec = {
        {"decision_date", format_timestamp(r.decision_date)},
        {"execution_date", r.execution_date ? Json(format_timestamp(r.execution_date)) : Json()},
        {"outcome", to_string(r.outcome)},
        {"model_status", to_string(r.model_status)},
        {"message", r.message},
        {"eligible_assets", r.eligible_assets},
        {"window_rows", r.window_rows},
        {"turnover", json_number(r.turnover)},
        {"costs", costs_json(r.costs)},
        {"solve_ms", json_number(r.solve_ms)}};
    if (r.outcome == RebalanceOutcome::kSkippedCost) {
      rec["expected_benefit"] = json_number(r.expected_benefit);
      rec["expected_cost"] = json_number(r.expected_cost);
    }
    if (r.outcome == RebalanceOutcome::kFallback) rec["fallback_reason"] = r.fallback_reason;
    if (!r.notes.empty()) rec["notes"] = r.notes;
    if (r.skipped_small_trades > 0) rec["skipped_small_trades"] = r.skipped_small_trades;
    if (r.quantities.size() > 0) {
      rec["rounding_drift"] = json_number(r.rounding_drift);
      rec["cash_after"] = json_number(r.cash_after);
    }
    if (r.target.size() > 0) rec["target"] = weights_json(all.assets, r.target);
    rebalances.push_back(std::move(rec));
  }
  j["rebalances"] = std::move(rebalances);
  {
    // Strategy::lots: what trading whole lots cost in tracking (drift from the target at each
    // execution) and the cash it left.
    double sum = 0.0, worst = 0.0, cash = 0.0;
    int count = 0;
    for (const auto& r : s.rebalances) {
      if (r.quantities.size() == 0) continue;
      sum += r.rounding_drift;
      worst = std::max(worst, r.rounding_drift);
      cash += r.cash_after;
      ++count;
    }
    if (count > 0) {
      j["lots"] = {{"executions", count},
                   {"mean_rounding_drift", sum / count},
                   {"max_rounding_drift", worst},
                   {"mean_cash_after", cash / count}};
    }
  }
  Json delistings = Json::array();
  for (const auto& d : s.delistings) {
    delistings.push_back(
        {{"date", format_timestamp(d.date)}, {"asset", d.asset}, {"value", json_number(d.value)}});
  }
  j["delistings"] = std::move(delistings);
  j["warnings"] = s.warnings;
  Json reasons = Json::array();
  for (const auto& f : s.fallback_reasons) {
    reasons.push_back({{"reason", f.reason},
                       {"status", to_string(f.status)},
                       {"count", f.count},
                       {"first_date", format_timestamp(f.first_date)},
                       {"last_date", format_timestamp(f.last_date)},
                       {"example", f.example}});
  }
  j["fallback_reasons"] = std::move(reasons);
  j["attribution"] = s.attribution.to_json();
  if (s.brinson_fachler) j["brinson_fachler"] = s.brinson_fachler->to_json();
  Json series;
  auto vec = [](const Eigen::VectorXd& v) {
    Json a = Json::array();
    for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(json_number(v(i)));
    return a;
  };
  series["equity"] = vec(s.equity);
  series["gross_returns"] = vec(s.gross_returns);
  series["cost_returns"] = vec(s.cost_returns);
  series["net_returns"] = vec(s.net_returns);
  series["drawdown"] = vec(drawdown_path(s.net_returns));
  if (include_weights) {
    Json w = Json::object();
    for (std::size_t i = 0; i < all.assets.size(); ++i) {
      const auto col = s.weights.col(static_cast<Eigen::Index>(i));
      if (col.cwiseAbs().maxCoeff() > 0.0) w[all.assets[i]] = vec(col);
    }
    series["weights"] = std::move(w);
    series["cash"] = vec(s.cash_weight);
  }
  j["series"] = std::move(series);
  Json rc = Json::object();
  Json rc_dates = Json::array();
  for (auto d : s.risk_contributions.dates) rc_dates.push_back(format_timestamp(d));
  rc["dates"] = std::move(rc_dates);
  Json rc_assets = Json::object();
  for (std::size_t i = 0; i < all.assets.size(); ++i) {
    const auto col = s.risk_contributions.contributions.col(static_cast<Eigen::Index>(i));
    if (col.size() > 0 && col.cwiseAbs().maxCoeff() > 0.0) rc_assets[all.assets[i]] = vec(col);
  }
  rc["by_asset"] = std::move(rc_assets);
  j["risk_contributions"] = std::move(rc);
  return j;
}

}  // namespace

Json backtest_to_json(const BacktestResult& result, bool include_weights) {
  Json doc;
  doc["assets"] = result.assets;
  doc["periods_per_year"] = json_number(result.periods_per_year);
  doc["start"] = format_timestamp(result.timestamps.front());
  doc["end"] = format_timestamp(result.timestamps.back());
  Json dates = Json::array();
  for (auto t : result.timestamps) dates.push_back(format_timestamp(t));
  doc["dates"] = std::move(dates);
  Json list = Json::array();
  for (const auto& s : result.strategies) list.push_back(strategy_json(s, result, include_weights));
  doc["strategies"] = std::move(list);
  return doc;
}

}  // namespace keel
