#include "keel/risk/stress_suite.hpp"

#include <algorithm>
#include <utility>

#include "keel/data/select.hpp"

namespace keel {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Status StressSuiteOptions::validate() const {
  if (market.missing.kind == MissingPolicyKind::kPairwise) {
    return Status::invalid(
        "the pairwise missing-data policy is not supported by the stress suite: the correlation "
        "and liquidity stress need one complete return history; use drop-rows or ffill:N (the "
        "historical replay handles gaps per window with --missing-history)");
  }
  if (Status s = market.validate(); !s) return s;
  if (Status s = replay.validate(); !s) return s;
  if (Status s = validate_shock_scenarios(scenarios); !s) return s;
  if (Status s = correlation.validate(); !s) return s;
  return liquidity.validate();
}

Json StressSuite::to_json(double portfolio_value) const {
  Json doc;
  doc["historical"] = history.to_json(portfolio_value);
  Json hypothetical = Json::array();
  for (const auto& s : scenarios) hypothetical.push_back(s.to_json(portfolio_value));
  doc["hypothetical"] = hypothetical;
  doc["correlation_stress"] = correlation.to_json(periods_per_year);
  doc["liquidity_stress"] = liquidity.to_json();
  return doc;
}

Result<StressSuite> run_stress_suite(const PricePanel& prices, const LabeledVector& weights,
                                     const AssetMetadata* metadata,
                                     const StressSuiteOptions& options) {
  if (Status s = options.validate(); !s) return s;
  const std::vector<std::string>& held = weights.labels;
  const MissingHistoryPolicy& policy = options.replay.missing_history;

  // The replay runs on the raw panel; a proxy that is not held joins it with weight 0.
  const bool proxy_loaded = policy.kind == MissingHistoryKind::kProxy &&
                            std::find(held.begin(), held.end(), policy.proxy) == held.end() &&
                            prices.asset_index(policy.proxy).has_value();
  LabeledVector replay_weights = weights;
  if (proxy_loaded) {
    replay_weights.labels.push_back(policy.proxy);
    replay_weights.values.conservativeResize(replay_weights.values.size() + 1);
    replay_weights.values[replay_weights.values.size() - 1] = 0.0;
  }
  auto aligned =
      align_to(replay_weights, prices.assets, /*allow_extra=*/false, options.weights_source);
  if (!aligned) return aligned.status();

  StressSuite suite;
  auto history = replay_stress_windows(prices, *aligned, options.windows, options.replay);
  if (!history) return history.status();
  suite.history = std::move(*history);

  // The correlation and liquidity stress: the held assets' complete return history.
  PricePanel held_panel = prices;
  if (proxy_loaded) {
    PanelSelection without_proxy;
    for (const auto& a : prices.assets) {
      if (a != policy.proxy) without_proxy.assets.push_back(a);
    }
    auto selected = select(prices, without_proxy);
    if (!selected) return selected.status();
    held_panel = std::move(*selected);
  }
  constexpr const char* kWhyComplete =
      "the correlation and liquidity stress need complete returns (the historical replay "
      "handles gaps per window with --missing-history)";
  auto market = prepare_market(held_panel, options.market);
  if (!market) return market.status().with_context(kWhyComplete);
  if (market->panel.assets != held_panel.assets) {
    std::vector<std::string> dropped;
    for (const auto& a : held_panel.assets) {
      if (!market->panel.asset_index(a)) dropped.push_back(a);
    }
    return Status::invalid("the missing-data policy " + to_string(options.market.missing) +
                           " dropped the held asset(s) " + join(dropped) +
                           "; the correlation and liquidity stress need every held asset: use "
                           "drop-rows or ffill:N, or remove them from the weights");
  }
  if (Status s = require_complete_returns(*market); !s) return s.with_context(kWhyComplete);
  suite.assets = market->panel.assets;
  auto w = align_to(weights, suite.assets, /*allow_extra=*/false, options.weights_source);
  if (!w) return w.status();
  suite.weights = *w;
  suite.periods_per_year = market->frequency.periods_per_year;
  const Eigen::MatrixXd& returns = market->returns.values;

  const Eigen::VectorXd last = last_prices(prices, suite.assets);
  for (const ShockScenario& sc : options.scenarios) {
    auto r = evaluate_shock_scenario(sc, suite.assets, suite.weights, metadata, last);
    if (!r) return r.status();
    suite.warnings.insert(suite.warnings.end(), r->warnings.begin(), r->warnings.end());
    suite.scenarios.push_back(std::move(*r));
  }

  auto correlation = portfolio_correlation_stress(returns, suite.weights, options.correlation);
  if (!correlation) return correlation.status();
  suite.correlation = *correlation;

  const Eigen::Index t = returns.rows();
  const PricePanel& panel = market->panel;
  const Eigen::MatrixXd spreads =
      panel.has_spreads() ? Eigen::MatrixXd(panel.spreads.bottomRows(t)) : Eigen::MatrixXd();
  const Eigen::MatrixXd volumes =
      panel.has_volumes() ? Eigen::MatrixXd(panel.volumes.bottomRows(t)) : Eigen::MatrixXd();
  auto liquidity = liquidity_stress(returns, spreads, volumes, suite.periods_per_year,
                                    suite.weights, options.liquidity);
  if (!liquidity) return liquidity.status();
  suite.liquidity = *liquidity;
  suite.warnings.insert(suite.warnings.begin(), suite.history.warnings.begin(),
                        suite.history.warnings.end());
  suite.market = std::move(*market);
  return suite;
}

}  // namespace keel
