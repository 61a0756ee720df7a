// The strategy and trading tables of `keel backtest`, shared with `keel sweep`.
#include "strategy_config.hpp"

#include <algorithm>
#include <cmath>

#include "constraints_config.hpp"
#include "estimation.hpp"
#include "keel/data/read_prices.hpp"
#include "liquidity_config.hpp"
#include "model_config.hpp"

namespace keel::cli {

std::string toml_where(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

// A rate: a number (annual), or a table {file, column, scale} naming a dated series.
Result<FinancingRate> read_rate(const toml::node& node, const std::string& path,
                                const std::string& key) {
  FinancingRate rate;
  if (auto v = node.value<double>()) {
    rate.annual = *v;
    return rate;
  }
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    return Status::invalid(
        toml_where(path, node) + ": trading." + key +
        " must be an annual rate or {file = \"...\", column = \"...\", scale = 3}");
  }
  auto file = (*t)["file"].value<std::string>();
  if (!file)
    return Status::invalid(toml_where(path, node) + ": trading." + key + " needs file = \"...\"");
  auto panel = read_prices(*file);
  if (!panel) return panel.status().with_context("trading." + key);
  const std::string column = (*t)["column"].value_or(panel->assets.front());
  auto col = panel->asset_index(column);
  if (!col) {
    return Status::invalid(toml_where(path, node) + ": column '" + column + "' is not in " + *file);
  }
  rate.series.scale = (*t)["scale"].value_or(1.0);
  rate.series.source = *file;
  for (Eigen::Index r = 0; r < panel->rows(); ++r) {
    const double v = panel->prices(r, *col);
    if (!std::isfinite(v)) continue;  // a missing day keeps the previous rate
    rate.series.timestamps.push_back(panel->timestamps[static_cast<std::size_t>(r)]);
    rate.series.values.push_back(v);
  }
  if (rate.series.values.empty()) {
    return Status::invalid(*file + ": column '" + column + "' has no values");
  }
  return rate;
}

Result<CostModel> read_trading(const toml::table& config, const std::string& path) {
  CostModel costs;
  const toml::table* t = config["trading"].as_table();
  if (t == nullptr) return costs;
  for (auto&& [key_view, node] : *t) {
    const std::string key(key_view.str());
    // A named reference: a lambda capturing the structured binding itself needs clang 16 (the
    // fuzz preset builds this file with clang-14).
    const toml::node& value = node;
    auto number = [&]() -> Result<double> {
      if (auto v = value.value<double>()) return *v;
      return Status::invalid(toml_where(path, value) + ": trading." + key + " must be a number");
    };
    if (key == "short_rate" || key == "borrow_rate" || key == "cash_rate") {
      auto rate = read_rate(node, path, key);
      if (!rate) return rate.status();
      (key == "short_rate"    ? costs.short_rate
       : key == "borrow_rate" ? costs.borrow_rate
                              : costs.cash_rate) = std::move(*rate);
      continue;
    }
    if (key == "use_data_spreads") {
      auto b = node.value<bool>();
      if (!b)
        return Status::invalid(toml_where(path, node) +
                               ": trading.use_data_spreads must be true/false");
      costs.use_data_spreads = *b;
      continue;
    }
    auto v = number();
    if (!v) return v.status();
    if (key == "fee_bps") {
      costs.fee_bps = *v;
    } else if (key == "half_spread_bps") {
      costs.half_spread_bps = *v;
    } else if (key == "impact_coefficient") {
      costs.impact_coefficient = *v;
    } else if (key == "impact_exponent") {
      costs.impact_exponent = *v;
    } else if (key == "adv_window") {
      costs.adv_window = static_cast<int>(*v);
    } else if (key == "min_trade_value") {
      costs.min_trade_value = *v;
    } else {
      return Status::invalid(toml_where(path, node) + ": unknown key trading." + key +
                             "; known: fee_bps, half_spread_bps, use_data_spreads, "
                             "impact_coefficient, impact_exponent, adv_window, min_trade_value, "
                             "short_rate, borrow_rate, cash_rate");
    }
  }
  KEEL_RETURN_IF_ERROR(costs.validate().with_context(path));
  return costs;
}

const std::vector<std::string> kStrategyKeys = {"name",
                                                "kind",
                                                "asset",
                                                "model",
                                                "rebalance",
                                                "fallback",
                                                "cost_aware",
                                                "risk_aversion",
                                                "mu",
                                                "cov",
                                                "ewma_span",
                                                "half_life",
                                                "lambda",
                                                "semicovariance_threshold",
                                                "psd_repair",
                                                "target_return",
                                                "target_volatility",
                                                "l2",
                                                "linkage",
                                                "clusters",
                                                "views",
                                                "alpha",
                                                "max_risk",
                                                "tau",
                                                "posterior_model",
                                                "risk_measure",
                                                "budgets",
                                                "bounds",
                                                "max_weight",
                                                "budget",
                                                "liquidity",
                                                "lots"};

Result<Strategy> read_strategy(const toml::table& t, const toml::node& node,
                               const std::string& path, const StrategyDefaults& args,
                               const std::vector<std::string>& assets, bool benchmark) {
  const std::string at = toml_where(path, node);
  for (auto&& [key_view, value] : t) {
    const std::string key(key_view.str());
    const bool known =
        std::find(kStrategyKeys.begin(), kStrategyKeys.end(), key) != kStrategyKeys.end() ||
        std::find(kConstraintSections.begin(), kConstraintSections.end(), key) !=
            kConstraintSections.end();
    if (!known || key == "current_weights") {
      return Status::invalid(toml_where(path, value) + ": unknown key '" + key + "' in a " +
                             (benchmark ? "[[benchmark]]" : "[[strategy]]") +
                             (key == "current_weights"
                                  ? " (a backtest's current weights are its own drifted "
                                    "holdings)"
                                  : "; see `keel backtest --help`"));
    }
  }
  Strategy s;
  s.is_benchmark = benchmark;
  auto name = t["name"].value<std::string>();
  if (!name) return Status::invalid(at + ": every strategy needs name = \"...\"");
  s.name = *name;
  const std::string context = at + " (" + s.name + ")";
  auto text = [&](const char* key, std::string fallback) {
    return t[key].value_or(std::move(fallback));
  };
  auto schedule = parse_rebalance_schedule(text("rebalance", args.rebalance));
  if (!schedule) return schedule.status().with_context(context);
  s.rebalance = *schedule;
  s.cost_aware = t["cost_aware"].value_or(false);
  s.risk_aversion = t["risk_aversion"].value_or(1.0);

  const std::string kind = text("kind", "model");
  if (kind == "buy-and-hold") {
    s.rule = StrategyRule::kBuyAndHold;
    auto asset = t["asset"].value<std::string>();
    if (!asset) return Status::invalid(context + ": buy-and-hold needs asset = \"BTC\"");
    s.asset = *asset;
    if (!t["rebalance"]) s.rebalance.kind = RebalanceKind::kNever;
    return s;
  }
  if (kind != "model") {
    return Status::invalid(context + ": kind '" + kind +
                           "' is unknown; use buy-and-hold, or "
                           "model = \"...\" for any allocation model");
  }

  EstimatorOptions estimator;
  estimator.mu = text("mu", "mean");
  estimator.cov = text("cov", std::string(to_string(kRecommendedCovariance)));
  estimator.ewma_span = t["ewma_span"].value_or(std::nan(""));
  estimator.half_life = t["half_life"].value_or(std::nan(""));
  estimator.ewma_lambda = t["lambda"].value_or(std::nan(""));
  estimator.semicovariance_threshold = t["semicovariance_threshold"].value_or(0.0);
  estimator.psd_repair = text("psd_repair", "none");
  estimator.risk_free = args.risk_free;
  estimator.risk_aversion = s.risk_aversion;
  auto moments = moment_options(estimator, /*pairwise=*/false);
  if (!moments) return moments.status().with_context(context);
  s.estimation = std::move(*moments);

  auto liquidity = read_liquidity(t.get("liquidity"), path, /*backtest=*/true);
  if (!liquidity) return liquidity.status().with_context(context);
  s.liquidity = liquidity->options;
  if (const toml::node* lots = t.get("lots")) {
    auto on = lots->value<bool>();
    if (!on) return Status::invalid(toml_where(path, *lots) + ": lots must be true or false");
    s.lots = *on;
  }

  ModelFlags flags;
  flags.model = text("model", "");
  if (flags.model.empty()) {
    return Status::invalid(context +
                           ": give model = \"...\" (e.g. max-sharpe, hrp, equal-weight) "
                           "or kind = \"buy-and-hold\"");
  }
  flags.target_return = t["target_return"].value_or(std::nan(""));
  flags.target_volatility = t["target_volatility"].value_or(std::nan(""));
  flags.l2 = t["l2"].value_or(0.0);
  flags.linkage = text("linkage", "single");
  flags.clusters = t["clusters"].value_or(0);
  flags.views_file = text("views", "");
  flags.alpha = t["alpha"].value_or(0.95);
  flags.max_risk = t["max_risk"].value_or(std::nan(""));
  flags.tau = t["tau"].value_or(0.05);
  flags.posterior_model = text("posterior_model", "");
  flags.risk_measure = text("risk_measure", "variance");
  flags.budgets_file = text("budgets", "");
  flags.risk_free = args.risk_free;
  flags.risk_aversion = s.risk_aversion;

  ConstraintFlags constraint_flags;
  constraint_flags.bounds = text("bounds", "");
  if (auto v = t["max_weight"].value<double>()) constraint_flags.max_weight = *v;
  if (auto v = t["budget"].value<double>()) constraint_flags.budget = *v;
  constraint_flags.metadata = args.metadata;
  auto setup = build_constraints(constraint_flags, t, path, assets);
  if (!setup) return setup.status().with_context(s.name);
  auto spec = make_model_spec(flags, std::move(*setup), assets, s.views);
  if (!spec) return spec.status().with_context(context);
  s.model = std::move(*spec);
  if (s.model.model == PortfolioModel::kMarketCap)
    s.model.market_cap.max_weight = t["max_weight"].value_or(1.0);

  const std::string fallback = text("fallback", "equal-weight");
  if (fallback == "keep-previous") {
    s.fallback.kind = FallbackKind::kKeepPrevious;
  } else if (fallback == "equal-weight") {
    s.fallback.kind = FallbackKind::kEqualWeight;
  } else {
    auto model = parse_portfolio_model(fallback);
    if (!model) {
      return Status::invalid(context + ": fallback '" + fallback +
                             "' is unknown; use keep-previous, equal-weight or a model name");
    }
    s.fallback.kind = FallbackKind::kModel;
    s.fallback.model = s.model;
    s.fallback.model.model = *model;
  }
  return s;
}

}  // namespace keel::cli
