#include "liquidity_config.hpp"

#include <cmath>
#include <unordered_map>

#include "keel/data/labeled_csv.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/select.hpp"
#include "keel/data/volume.hpp"

namespace keel::cli {

namespace {

std::string at(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

}  // namespace

Result<LiquidityConfig> read_liquidity(const toml::node* section, const std::string& path,
                                       bool backtest) {
  LiquidityConfig out;
  if (section == nullptr) return out;
  const toml::table* table = section->as_table();
  out.where = at(path, *section);
  if (table == nullptr) return Status::invalid(out.where + ": [liquidity] must be a table");
  out.present = true;
  // The strategy's own equity is the portfolio value in a backtest.
  if (backtest) out.options.portfolio_value = 1.0;
  const std::string known = std::string(backtest ? "" : "portfolio_value, ") +
                            "participation, max_days_to_liquidate, max_trade_adv_share, min_adv, "
                            "min_market_cap, adv_window, volume_unit";
  for (auto&& [key_view, node] : *table) {
    const std::string key(key_view.str());
    const std::string where = at(path, node);
    if (key == "volume_unit") {
      auto unit = node.value<std::string>();
      if (!unit || (*unit != "quote" && *unit != "base")) {
        return Status::invalid(where +
                               ": [liquidity] volume_unit must be \"quote\" (traded value, "
                               "the default) or \"base\" (coins, multiplied by the close)");
      }
      out.base_volume = *unit == "base";
      if (backtest && out.base_volume) {
        return Status::invalid(where +
                               ": [liquidity] volume_unit = \"base\" is not supported by "
                               "`keel backtest`, whose volumes are quote value (the cost "
                               "model reads them too)");
      }
      continue;
    }
    if (key == "adv_window") {
      auto count = node.value<int64_t>();
      if (!count || *count < 1 || *count > 1000000) {
        return Status::invalid(where +
                               ": [liquidity] adv_window must be a whole number of "
                               "periods >= 1");
      }
      out.options.adv_window = static_cast<int>(*count);
      continue;
    }
    double* field = nullptr;
    if (key == "portfolio_value" && !backtest) field = &out.options.portfolio_value;
    if (key == "participation") field = &out.options.participation;
    if (key == "max_days_to_liquidate") field = &out.options.max_days_to_liquidate;
    if (key == "max_trade_adv_share") field = &out.options.max_trade_adv_share;
    if (key == "min_adv") field = &out.options.min_adv;
    if (key == "min_market_cap") field = &out.options.min_market_cap;
    if (field == nullptr) {
      return Status::invalid(where + ": unknown key '" + key + "' in [liquidity]; known: " + known +
                             (backtest && key == "portfolio_value"
                                  ? " (a backtest uses the strategy's own equity)"
                                  : ""));
    }
    auto v = node.value<double>();
    if (!v) return Status::invalid(where + ": [liquidity] " + key + " must be a number");
    *field = *v;
  }
  if (const Status s = out.options.validate(); !s) {
    return Status::invalid(out.where + ": " + s.message());
  }
  return out;
}

Result<Eigen::MatrixXd> liquidity_volumes(const PricePanel& panel, const LiquidityConfig& config) {
  if (!panel.has_volumes()) {
    const auto& o = config.options;
    const char* key = o.has_position_cap() ? "max_days_to_liquidate"
                      : o.has_trade_cap()  ? "max_trade_adv_share"
                                           : "min_adv";
    return Status::invalid(config.where + ": [liquidity] " + key + " needs traded volumes, but " +
                           panel.source +
                           " has no volume column; give a long CSV "
                           "(date,symbol,close,volume_quote) or remove the key");
  }
  if (!config.base_volume) return Eigen::MatrixXd(panel.volumes);
  return quote_volume_from_base(panel.volumes, panel.prices);
}

Status filter_market_by_liquidity(Market& market, OptimizeLiquidity& state,
                                  const std::string& metadata_file,
                                  const std::string& market_caps_file) {
  const LiquidityConfig& config = state.config;
  const auto& o = config.options;
  PricePanel& panel = market.panel;
  const auto n = static_cast<Eigen::Index>(panel.assets.size());
  Eigen::VectorXd adv;
  if (o.needs_volumes()) {
    auto volumes = liquidity_volumes(panel, config);
    if (!volumes) return volumes.status();
    auto computed = average_daily_volume(*volumes, market.frequency.periods_per_year,
                                         {.last_row = -1, .periods = o.adv_window});
    if (!computed) return computed.status().with_context(panel.source);
    adv = std::move(*computed);
  }
  Eigen::VectorXd caps;
  if (o.min_market_cap > 0.0) {
    caps = Eigen::VectorXd::Constant(n, std::nan(""));
    if (!market_caps_file.empty()) {
      auto file = read_labeled_vector(market_caps_file);
      if (!file) return file.status();
      std::unordered_map<std::string, double> by_name;
      for (std::size_t k = 0; k < file->labels.size(); ++k) {
        by_name[file->labels[k]] = file->values(static_cast<Eigen::Index>(k));
      }
      for (Eigen::Index i = 0; i < n; ++i) {
        auto it = by_name.find(panel.assets[static_cast<std::size_t>(i)]);
        if (it != by_name.end()) caps(i) = it->second;
      }
    } else if (!metadata_file.empty()) {
      auto metadata = read_metadata(metadata_file);
      if (!metadata) return metadata.status();
      for (Eigen::Index i = 0; i < n; ++i) {
        const AssetInfo* info = metadata->find(panel.assets[static_cast<std::size_t>(i)]);
        if (info != nullptr && info->market_cap > 0.0) caps(i) = info->market_cap;
      }
    } else {
      return Status::invalid(config.where +
                             ": [liquidity] min_market_cap needs market caps: give --metadata "
                             "(a market_cap column) or --market-caps FILE");
    }
  }
  auto excluded = liquidity_exclusions(panel.assets, adv, caps, o);
  if (!excluded) return excluded.status();
  state.excluded = std::move(*excluded);
  std::vector<std::string> kept;
  std::vector<Eigen::Index> kept_columns;
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string& a = panel.assets[static_cast<std::size_t>(i)];
    bool out = false;
    for (const auto& e : state.excluded) out = out || e.asset == a;
    if (!out) {
      kept.push_back(a);
      kept_columns.push_back(i);
    }
  }
  if (kept.empty()) {
    return Status::no_solution(
        "liquidity: the universe filter (min_adv, min_market_cap) removes every asset");
  }
  if (!state.excluded.empty()) {
    auto selected = select(panel, PanelSelection{.assets = kept});
    if (!selected) return selected.status();
    panel = std::move(*selected);
    Eigen::MatrixXd returns(market.returns.values.rows(), static_cast<Eigen::Index>(kept.size()));
    for (std::size_t k = 0; k < kept_columns.size(); ++k) {
      returns.col(static_cast<Eigen::Index>(k)) = market.returns.values.col(kept_columns[k]);
    }
    market.returns.values = std::move(returns);
    market.returns.assets = kept;
  }
  if (adv.size() > 0) {
    Eigen::VectorXd kept_adv(static_cast<Eigen::Index>(kept.size()));
    for (std::size_t k = 0; k < kept_columns.size(); ++k) {
      kept_adv(static_cast<Eigen::Index>(k)) = adv(kept_columns[k]);
    }
    state.adv = std::move(kept_adv);
  }
  state.assets = kept;
  Json excluded_json = Json::array();
  for (const auto& e : state.excluded) {
    excluded_json.push_back({{"asset", e.asset},
                             {"rule", e.rule},
                             {"value", json_number(e.value)},
                             {"threshold", e.threshold}});
  }
  state.json = {{"adv_window", o.adv_window},
                {"volume_unit", config.base_volume ? "base" : "quote"},
                {"min_adv", o.min_adv},
                {"min_market_cap", o.min_market_cap},
                {"excluded", excluded_json}};
  return Status::ok();
}

Status apply_liquidity_bounds(PortfolioConstraints& constraints,
                              const std::vector<std::string>& assets, OptimizeLiquidity& state) {
  const auto& o = state.config.options;
  if (!o.has_position_cap() && !o.has_trade_cap()) return Status::ok();
  if (state.adv.size() != static_cast<Eigen::Index>(assets.size()) || state.assets != assets) {
    return Status::invalid(state.config.where +
                           ": [liquidity] position and trade caps need --prices with volumes "
                           "(a --covariance file has none)");
  }
  const auto n = static_cast<int>(assets.size());
  auto bounds = liquidity_bounds(state.adv, constraints.effective_current(n), o);
  if (!bounds) return bounds.status().with_context(state.config.where);
  auto merged = intersect_liquidity_bounds(constraints, assets, *bounds);
  if (!merged) return merged.status();
  Json per_asset = Json::object();
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    per_asset[assets[k]] = {{"adv", state.adv(i)},
                            {"position_cap", json_number(bounds->position_cap(i))},
                            {"trade_cap", json_number(bounds->trade_cap(i))},
                            {"lower", json_number(merged->lower(i))},
                            {"upper", json_number(merged->upper(i))},
                            {"lower_source", std::string(to_string(merged->lower_source[k]))},
                            {"upper_source", std::string(to_string(merged->upper_source[k]))}};
  }
  state.json["portfolio_value"] = o.portfolio_value;
  state.json["participation"] = o.participation;
  state.json["max_days_to_liquidate"] = json_number(o.max_days_to_liquidate);
  state.json["max_trade_adv_share"] = json_number(o.max_trade_adv_share);
  state.json["assets"] = std::move(per_asset);
  return Status::ok();
}

}  // namespace keel::cli
