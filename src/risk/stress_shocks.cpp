#include "keel/risk/stress_shocks.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <unordered_map>

#include "keel/core/table.hpp"
#include "risk/checks.hpp"

namespace keel {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// "file:12: scenario 'X', shock 2: " (the parts that are known).
std::string where(const ShockScenario& scenario, const ShockSpec* shock, std::size_t index) {
  std::string out;
  const std::string& source =
      shock != nullptr && !shock->source.empty() ? shock->source : scenario.source;
  if (!source.empty()) out = source + ": ";
  out += "scenario '" + scenario.name + "'";
  if (shock != nullptr) out += ", shock " + std::to_string(index + 1);
  return out + ": ";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

struct Group {
  std::string field;
  std::string value;  // as written (for messages)
};

// `metadata` knows the tag fields (built-in and custom columns); without it (checking a scenario
// file before any metadata is read) every field name is accepted and checked later.
Result<Group> parse_group(const std::string& text, const AssetMetadata* metadata) {
  const auto colon = text.find(':');
  Group g;
  g.field = lower(trim(text.substr(0, colon)));
  g.value = colon == std::string::npos ? std::string() : trim(text.substr(colon + 1));
  if (g.field == "stablecoin" && g.value.empty()) g.value = "true";
  if (g.field.empty() || (metadata != nullptr && !metadata->has_tag_field(g.field))) {
    return Status::invalid(
        "group '" + text + "' has an unknown tag '" + g.field + "'; write TAG:NAME with TAG one of " +
        join(metadata != nullptr ? metadata->tag_fields()
                                 : AssetMetadata{}.tag_fields()) +
        " (any extra metadata column is a tag too), or stablecoin");
  }
  if (g.value.empty()) {
    return Status::invalid("group '" + text + "' names no value; write " + g.field +
                           ":NAME, e.g. sector:L1");
  }
  if (g.field == "stablecoin" && lower(g.value) != "true" && lower(g.value) != "false") {
    return Status::invalid("group '" + text + "': stablecoin takes true or false");
  }
  return g;
}

std::string label(const ShockSpec& s) {
  if (s.all) return "all";
  if (!s.group.empty()) return "group " + s.group;
  return "assets " + join(s.assets);
}

}  // namespace

Status validate_shock_scenarios(const std::vector<ShockScenario>& scenarios) {
  std::set<std::string> names;
  for (const ShockScenario& sc : scenarios) {
    const std::string at = sc.source.empty() ? std::string() : sc.source + ": ";
    if (trim(sc.name).empty()) {
      return Status::invalid(at + "a scenario needs a name (name = \"L1 -50%\")");
    }
    if (!names.insert(sc.name).second) {
      return Status::invalid(at + "scenario '" + sc.name +
                             "' is defined twice; give every scenario its own name");
    }
    if (sc.shocks.empty()) {
      return Status::invalid(where(sc, nullptr, 0) +
                             "no shocks; add [[scenario.shock]] tables with a target "
                             "(all, assets or group) and a return or price");
    }
    for (std::size_t k = 0; k < sc.shocks.size(); ++k) {
      const ShockSpec& s = sc.shocks[k];
      const std::string w = where(sc, &s, k);
      const int targets = (s.all ? 1 : 0) + (s.assets.empty() ? 0 : 1) + (s.group.empty() ? 0 : 1);
      if (targets != 1) {
        return Status::invalid(w + (targets == 0 ? "no target" : "more than one target") +
                               "; give exactly one of all = true, assets = [...], group = "
                               "\"sector:L1\"");
      }
      for (const auto& a : s.assets) {
        if (trim(a).empty()) return Status::invalid(w + "an empty asset name in assets");
      }
      if (!s.group.empty()) {
        auto g = parse_group(s.group, nullptr);
        if (!g) return g.status().with_context(w.substr(0, w.size() - 2));
      }
      if (s.asset_return.has_value() == s.price.has_value()) {
        return Status::invalid(w + (s.price ? "both return and price" : "no size") +
                               "; give exactly one of return = -0.5 (simple return) or price = "
                               "0.9 (target price)");
      }
      if (s.asset_return && (!std::isfinite(*s.asset_return) || *s.asset_return < -1.0)) {
        return Status::invalid(w + "return = " + std::to_string(*s.asset_return) +
                               " is below -1 or not finite; a price cannot fall below zero "
                               "(-1 = wiped out)");
      }
      if (s.price && (!std::isfinite(*s.price) || *s.price < 0.0)) {
        return Status::invalid(w + "price = " + std::to_string(*s.price) +
                               " must be a finite price >= 0 in the quote currency of the data");
      }
    }
  }
  return Status::ok();
}

Result<ShockScenario> window_sized_shock(const StressWindow& window, bool spare_stablecoins) {
  const std::optional<double> move = crypto_window_market_move(window.name);
  if (!move) {
    return Status::invalid("window '" + window.name +
                             "' is not a built-in crash window; its size is unknown");
  }
  ShockScenario scenario{
      .name = window.name + " (hypothetical, same size)",
      .description = "Every asset " + format_percent(*move) + " (BTC's move from " +
                     format_date(window.start) + " to " + format_date(window.end) + ")" +
                     (spare_stablecoins ? ", stablecoins 0%" : "") +
                     "; the prices do not replay this window",
      .shocks = {ShockSpec{.all = true,
                           .assets = {},
                           .group = {},
                           .asset_return = *move,
                           .price = {},
                           .source = "built-in window " + window.name}},
      .source = "built-in"};
  if (spare_stablecoins) {
    scenario.shocks.push_back(ShockSpec{.all = false,
                                        .assets = {},
                                        .group = "stablecoin",
                                        .asset_return = 0.0,
                                        .price = {},
                                        .source = "built-in window " + window.name});
  }
  return scenario;
}

Result<ShockScenarioResult> evaluate_shock_scenario(const ShockScenario& scenario,
                                                    const std::vector<std::string>& assets,
                                                    Eigen::Ref<const Eigen::VectorXd> weights,
                                                    const AssetMetadata* metadata,
                                                    Eigen::Ref<const Eigen::VectorXd> last_prices) {
  KEEL_RETURN_IF_ERROR(validate_shock_scenarios({scenario}));
  const auto n = static_cast<Eigen::Index>(assets.size());
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, n));
  std::unordered_map<std::string, Eigen::Index> index;
  for (Eigen::Index i = 0; i < n; ++i) index[assets[static_cast<std::size_t>(i)]] = i;

  ShockScenarioResult out;
  out.name = scenario.name;
  out.description = scenario.description;
  out.assets = assets;
  out.weights = weights;
  out.asset_return = Eigen::VectorXd::Zero(n);
  out.shocked_by.assign(assets.size(), -1);
  out.shocks = scenario.shocks;
  std::vector<Shock> shocks;
  bool uses_groups = false;

  for (std::size_t k = 0; k < scenario.shocks.size(); ++k) {
    const ShockSpec& s = scenario.shocks[k];
    const std::string w = where(scenario, &s, k);
    std::vector<Eigen::Index> hit;
    if (s.all) {
      for (Eigen::Index i = 0; i < n; ++i) hit.push_back(i);
    } else if (!s.assets.empty()) {
      for (const auto& raw : s.assets) {
        const std::string a = trim(raw);
        auto it = index.find(a);
        if (it != index.end()) {
          hit.push_back(it->second);
        } else if (metadata != nullptr && metadata->find(a) != nullptr) {
          out.warnings.push_back(w + "asset '" + a + "' is not in the portfolio; no P&L");
        } else {
          return Status::invalid(
              w + "asset '" + a + "' is neither in the portfolio (" + join(assets) + ")" +
              (metadata != nullptr ? " nor in the metadata" : "") + "; check the spelling");
        }
      }
    } else {
      uses_groups = true;
      if (metadata == nullptr) {
        return Status::invalid(
            w + "group '" + s.group +
            "' needs asset metadata (symbol,sector,chain,protocol,is_stablecoin); "
            "supply it or target assets = [...] instead");
      }
      auto g = parse_group(s.group, metadata);
      if (!g) return g.status().with_context(w.substr(0, w.size() - 2));
      const std::string wanted = lower(g->value);
      std::vector<std::string> present;  // distinct values of the field in the metadata
      bool known = false;
      for (const AssetInfo& info : metadata->assets) {
        auto tag = metadata->tag(info.symbol, g->field);
        if (!tag) continue;
        if (lower(*tag) == wanted) known = true;
        if (std::find(present.begin(), present.end(), *tag) == present.end()) {
          present.push_back(*tag);
        }
      }
      if (!known) {
        return Status::invalid(
            w + "unknown group '" + s.group + "': no asset in the metadata has " + g->field + " '" +
            g->value +
            "'; values present: " + (present.empty() ? std::string("none") : join(present)));
      }
      for (Eigen::Index i = 0; i < n; ++i) {
        auto tag = metadata->tag(assets[static_cast<std::size_t>(i)], g->field);
        if (tag && lower(*tag) == wanted) hit.push_back(i);
      }
      if (hit.empty()) {
        out.warnings.push_back(w + "group '" + s.group + "' reaches no asset of the portfolio");
      }
    }
    std::vector<std::string> names;
    if (s.asset_return) {
      shocks.push_back({hit, *s.asset_return});
    } else {
      for (Eigen::Index i : hit) {
        const double last = last_prices.size() == n ? last_prices[i] : std::nan("");
        if (!(std::isfinite(last) && last > 0.0)) {
          return Status::invalid(w + "price = " + std::to_string(*s.price) + " for " +
                                 assets[static_cast<std::size_t>(i)] +
                                 " needs its last price, which the data does not have; use "
                                 "return = ... instead");
        }
        shocks.push_back({{i}, *s.price / last - 1.0});
      }
    }
    for (Eigen::Index i : hit) {
      out.shocked_by[static_cast<std::size_t>(i)] = static_cast<int>(k);
      names.push_back(assets[static_cast<std::size_t>(i)]);
    }
    out.shock_labels.push_back(label(s));
    out.members.push_back(std::move(names));
  }
  if (uses_groups && metadata != nullptr) {
    std::vector<std::string> unknown;
    for (const auto& a : assets) {
      if (metadata->find(a) == nullptr) unknown.push_back(a);
    }
    if (!unknown.empty()) {
      out.warnings.push_back(where(scenario, nullptr, 0) + "no metadata for " + join(unknown) +
                             "; no group shock reaches them");
    }
  }
  auto pnl = apply_shocks(weights, shocks, scenario.name);
  if (!pnl) return pnl.status().with_context(where(scenario, nullptr, 0) + "applying the shocks");
  out.pnl = std::move(*pnl);
  for (const Shock& s : shocks) {
    for (Eigen::Index i : s.assets) out.asset_return[i] = s.asset_return;
  }
  return out;
}

Json ShockScenarioResult::to_json(double portfolio_value) const {
  const bool money = portfolio_value > 0.0 && std::isfinite(portfolio_value);
  Json doc;
  doc["name"] = name;
  doc["description"] = description;
  doc["total_pnl"] = json_number(pnl.total);
  if (money) doc["total_pnl_value"] = json_number(pnl.total * portfolio_value);
  Json list = Json::array();
  for (std::size_t k = 0; k < shock_labels.size(); ++k) {
    Json s{{"target", shock_labels[k]}};
    if (shocks[k].asset_return) s["return"] = *shocks[k].asset_return;
    if (shocks[k].price) s["price"] = *shocks[k].price;
    s["assets"] = members[k];
    list.push_back(std::move(s));
  }
  doc["shocks"] = list;
  Json per_asset = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const auto j = static_cast<Eigen::Index>(i);
    Json a{{"weight", json_number(weights[j])},
           {"return", json_number(asset_return[j])},
           {"pnl", json_number(pnl.asset_pnl[j])}};
    if (money) a["pnl_value"] = json_number(pnl.asset_pnl[j] * portfolio_value);
    a["shock"] = shocked_by[i] >= 0 ? Json(shocked_by[i] + 1) : Json(nullptr);
    per_asset[assets[i]] = std::move(a);
  }
  doc["assets"] = per_asset;
  doc["warnings"] = warnings;
  return doc;
}

}  // namespace keel
