#include "constraints_config.hpp"

#include <charconv>
#include <cmath>
#include <unordered_map>

namespace keel::cli {

namespace {

std::string at(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

Result<double> number(const toml::node& node, const std::string& path, const std::string& key) {
  if (auto v = node.value<double>()) return *v;
  return Status::invalid(at(path, node) + ": '" + key + "' must be a number");
}

Result<std::pair<double, double>> parse_bounds(const std::string& text) {
  if (text == "none") return std::pair{-kInfinity, kInfinity};
  const auto comma = text.find(',');
  auto parse = [](std::string_view s, double& v) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s == "none" || s == "inf" || s == "-inf") {
      v = s == "-inf" ? -kInfinity : kInfinity;
      return true;
    }
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  double lo = 0.0;
  double hi = 0.0;
  if (comma == std::string::npos || !parse(std::string_view(text).substr(0, comma), lo) ||
      !parse(std::string_view(text).substr(comma + 1), hi)) {
    return Status::invalid("--bounds '" + text + "' must be LO,HI (e.g. 0,0.3 or -1,1) or none");
  }
  if (text.substr(0, comma) == "none") lo = -kInfinity;
  if (lo > hi) return Status::invalid("--bounds '" + text + "': the lower bound exceeds the upper");
  return std::pair{lo, hi};
}

Result<int> asset_index(const std::unordered_map<std::string, int>& index, const std::string& name,
                        const std::string& where) {
  auto it = index.find(name);
  if (it == index.end()) {
    return Status::invalid(where + ": asset '" + name +
                           "' is not among the assets in use (check --assets and the price file)");
  }
  return it->second;
}

Status read_groups(const toml::array& groups, const std::string& path,
                   const std::unordered_map<std::string, int>& index,
                   const std::vector<std::string>& assets, const AssetMetadata* metadata,
                   PortfolioConstraints& out) {
  for (const auto& item : groups) {
    const toml::table* g = item.as_table();
    const std::string where = at(path, item);
    if (g == nullptr) return Status::invalid(where + ": each [[groups]] entry must be a table");
    for (auto&& [key, node] : *g) {
      const std::string_view k = key.str();
      if (k != "name" && k != "tag" && k != "value" && k != "members" && k != "min" && k != "max" &&
          k != "max_assets" && k != "missing_metadata") {
        return Status::invalid(at(path, node) + ": unknown key '" + std::string(k) +
                               "' in [[groups]]; known: name, members, tag, value, min, max, "
                               "max_assets, missing_metadata");
      }
    }
    int max_assets = 0;
    if (const toml::node* node = (*g).get("max_assets")) {
      auto count = node->value<int64_t>();
      if (!count || *count < 1 || *count > 1000000) {
        return Status::invalid(at(path, *node) +
                               ": group max_assets must be a whole number >= 1 (the most "
                               "members held)");
      }
      max_assets = static_cast<int>(*count);
    }
    for (const char* limit : {"min", "max"}) {
      if ((*g)[limit] && !(*g)[limit].value<double>()) {
        return Status::invalid(at(path, *(*g).get(limit)) + ": group " + limit +
                               " must be a number");
      }
    }
    double min = -kInfinity;
    double max = kInfinity;
    if (auto v = (*g)["min"].value<double>()) min = *v;
    if (auto v = (*g)["max"].value<double>()) max = *v;
    const std::string name = (*g)["name"].value_or(std::string());
    if (const toml::array* members = (*g)["members"].as_array()) {
      GroupConstraint group{name.empty() ? "group@" + where : name, {}, min, max, max_assets};
      for (const auto& m : *members) {
        auto s = m.value<std::string>();
        if (!s) return Status::invalid(at(path, m) + ": group members must be asset names");
        auto idx = asset_index(index, *s, at(path, m));
        if (!idx) return idx.status();
        group.members.push_back(*idx);
      }
      out.groups.push_back(std::move(group));
      continue;
    }
    auto tag = (*g)["tag"].value<std::string>();
    if (!tag) {
      return Status::invalid(where +
                             ": a group needs members = [...] or tag = \"sector\"|\"chain\"|"
                             "\"protocol\"|\"stablecoin\" (or any extra metadata column)");
    }
    if (metadata == nullptr) {
      return Status::invalid(where + ": group by tag '" + *tag +
                             "' needs asset metadata: pass --metadata FILE");
    }
    if (!metadata->has_tag_field(*tag)) {
      std::string known;
      for (const auto& f : metadata->tag_fields()) known += (known.empty() ? "" : ", ") + f;
      return Status::invalid(where + ": tag '" + *tag + "' is not a column of the metadata file; " +
                             "its tags are " + known);
    }
    auto value = (*g)["value"].value<std::string>();
    if (!value) {
      if (auto b = (*g)["value"].value<bool>()) value = *b ? "true" : "false";
    }
    const std::string missing_rule = (*g)["missing_metadata"].value_or(std::string("error"));
    if (missing_rule != "error" && missing_rule != "exclude" && missing_rule != "own-group") {
      return Status::invalid(where + ": missing_metadata = '" + missing_rule +
                             "' is unknown; use error, exclude or own-group");
    }
    // One group per distinct tag value (or only the value asked for). Assets without a value for
    // the tag (no metadata row, or an empty cell) follow missing_metadata: never silently outside.
    std::vector<std::string> values;
    std::unordered_map<std::string, std::vector<int>> members;
    std::vector<std::string> untagged;
    std::vector<int> untagged_index;
    for (std::size_t i = 0; i < assets.size(); ++i) {
      auto t = metadata->tag(assets[i], *tag);
      if (!t || t->empty()) {
        untagged.push_back(assets[i]);
        untagged_index.push_back(static_cast<int>(i));
        continue;
      }
      if (value && *t != *value) continue;
      if (!members.count(*t)) values.push_back(*t);
      members[*t].push_back(static_cast<int>(i));
    }
    if (!untagged.empty() && missing_rule == "error") {
      std::string names;
      for (std::size_t k = 0; k < untagged.size() && k < 8; ++k) {
        names += (k == 0 ? "" : ", ") + untagged[k];
      }
      if (untagged.size() > 8) names += " and " + std::to_string(untagged.size() - 8) + " more";
      return Status::invalid(
          where + ": " + std::to_string(untagged.size()) + " asset(s) in use have no '" + *tag +
          "' in the metadata (" + names + "), so the group would not constrain them. Add them " +
          "to the metadata file, or say what to do in this [[groups]] entry: missing_metadata = " +
          "\"exclude\" (leave them outside the " + *tag + " groups) or \"own-group\" (each one " +
          "a group of its own under the same limits)");
    }
    if (missing_rule == "own-group" && value) {
      return Status::invalid(where + ": missing_metadata = \"own-group\" applies to a group per " +
                             "value of the tag; with value = '" + *value +
                             "' choose \"error\" or \"exclude\"");
    }
    if (missing_rule == "own-group") {
      for (std::size_t k = 0; k < untagged.size(); ++k) {
        const std::string v = "unknown:" + untagged[k];
        values.push_back(v);
        members[v] = {untagged_index[k]};
      }
    }
    if (values.empty()) {
      return Status::invalid(where + ": no asset in use has tag '" + *tag + "'" +
                             (value ? " = '" + *value + "'" : "") + " in the metadata");
    }
    for (const auto& v : values) {
      out.groups.push_back({name.empty() ? *tag + "=" + v : name + " (" + *tag + "=" + v + ")",
                            members[v], min, max, max_assets});
    }
  }
  return Status::ok();
}

Status read_linear(const toml::array& rows, const std::string& path,
                   const std::unordered_map<std::string, int>& index, int n,
                   PortfolioConstraints& out) {
  for (const auto& item : rows) {
    const toml::table* row = item.as_table();
    const std::string where = at(path, item);
    if (row == nullptr) return Status::invalid(where + ": each [[linear]] entry must be a table");
    LinearConstraint c;
    c.name = (*row)["name"].value_or("linear@" + where);
    c.coefficients = Eigen::VectorXd::Zero(n);
    const toml::table* coefficients = (*row)["coefficients"].as_table();
    if (coefficients == nullptr) {
      return Status::invalid(where + ": [[linear]] needs coefficients = {ASSET = number, ...}");
    }
    for (auto&& [asset, value] : *coefficients) {
      auto idx = asset_index(index, std::string(asset.str()), where);
      if (!idx) return idx.status();
      auto v = number(value, path, std::string(asset.str()));
      if (!v) return v.status();
      c.coefficients(*idx) = *v;
    }
    const std::string sense = (*row)["sense"].value_or(std::string("<="));
    if (sense == "<=") {
      c.sense = ConstraintSense::kLessEqual;
    } else if (sense == ">=") {
      c.sense = ConstraintSense::kGreaterEqual;
    } else if (sense == "=" || sense == "==") {
      c.sense = ConstraintSense::kEqual;
    } else {
      return Status::invalid(where + ": sense '" + sense + "' must be <=, >= or =");
    }
    auto rhs = (*row)["rhs"].value<double>();
    if (!rhs) return Status::invalid(where + ": [[linear]] needs rhs = number");
    c.rhs = *rhs;
    out.linear.push_back(std::move(c));
  }
  return Status::ok();
}

}  // namespace

void add_constraint_options(CLI::App& command, ConstraintFlags& flags) {
  command.add_option("--bounds", flags.bounds,
                     "Weight bounds for every asset: LO,HI (e.g. -1,1) or none");
  command.add_option("--budget", flags.budget, "Sum of weights (1; 0 for market-neutral)");
  command.add_option("--max-weight", flags.max_weight, "Cap on every weight");
  command.add_option("--metadata", flags.metadata,
                     "Asset metadata CSV (sector, chain, ...) for [[groups]] by tag");
}

Result<ConstraintSetup> build_constraints(const ConstraintFlags& flags, const toml::table& config,
                                          const std::string& path,
                                          const std::vector<std::string>& assets) {
  ConstraintSetup setup;
  PortfolioConstraints& c = setup.constraints;
  const int n = static_cast<int>(assets.size());
  std::unordered_map<std::string, int> index;
  for (int i = 0; i < n; ++i) index[assets[static_cast<std::size_t>(i)]] = i;

  if (!flags.bounds.empty()) {
    auto b = parse_bounds(flags.bounds);
    if (!b) return b.status();
    c.lower_bound = b->first;
    c.upper_bound = b->second;
  }
  if (flags.max_weight) c.upper_bound = std::min(c.upper_bound, *flags.max_weight);

  if (const toml::table* t = config["constraints"].as_table()) {
    for (auto&& [key_view, node] : *t) {
      const std::string key(key_view.str());
      if (key == "max_assets") {
        auto count = node.value<int64_t>();
        if (!count || *count < 1 || *count > 1000000) {
          return Status::invalid(at(path, node) +
                                 ": max_assets must be a whole number >= 1 (the most assets "
                                 "held)");
        }
        c.max_assets = static_cast<int>(*count);
        continue;
      }
      auto v = number(node, path, key);
      if (!v) return v.status();
      if (key == "budget") {
        c.budget = *v;
      } else if (key == "max_gross_leverage") {
        c.max_gross_leverage = *v;
      } else if (key == "max_turnover") {
        c.max_turnover = *v;
      } else if (key == "max_short") {
        c.max_short = *v;
      } else if (key == "net_exposure_min") {
        c.net_exposure_min = *v;
      } else if (key == "net_exposure_max") {
        c.net_exposure_max = *v;
      } else if (key == "min_position") {
        c.min_position = *v;
      } else {
        return Status::invalid(at(path, node) + ": unknown key '" + key +
                               "' in [constraints]; known: budget, max_gross_leverage, "
                               "max_turnover, max_short, net_exposure_min, net_exposure_max, "
                               "max_assets, min_position");
      }
    }
  }
  if (flags.budget) c.budget = *flags.budget;

  if (const toml::table* t = config["asset_bounds"].as_table()) {
    c.lower_bounds = Eigen::VectorXd::Constant(n, c.lower_bound);
    c.upper_bounds = Eigen::VectorXd::Constant(n, c.upper_bound);
    for (auto&& [asset, node] : *t) {
      auto idx = asset_index(index, std::string(asset.str()), at(path, node));
      if (!idx) return idx.status();
      const toml::array* pair = node.as_array();
      if (pair == nullptr || pair->size() != 2 || !(*pair)[0].value<double>() ||
          !(*pair)[1].value<double>()) {
        return Status::invalid(at(path, node) + ": asset_bounds." + std::string(asset.str()) +
                               " must be [low, high]");
      }
      c.lower_bounds(*idx) = *(*pair)[0].value<double>();
      c.upper_bounds(*idx) = *(*pair)[1].value<double>();
    }
  }
  if (const toml::table* t = config["current_weights"].as_table()) {
    c.current_weights = Eigen::VectorXd::Zero(n);
    for (auto&& [asset, node] : *t) {
      auto idx = asset_index(index, std::string(asset.str()), at(path, node));
      if (!idx) return idx.status();
      auto v = number(node, path, std::string(asset.str()));
      if (!v) return v.status();
      c.current_weights(*idx) = *v;
    }
  }
  if (const toml::table* t = config["costs"].as_table()) {
    setup.transaction_costs = Eigen::VectorXd::Zero(n);
    if (auto d = (*t)["default_bps"].value<double>())
      setup.transaction_costs.setConstant(*d * 1e-4);
    for (auto&& [key, node] : *t) {
      if (key.str() == "default_bps") continue;
      auto idx = asset_index(index, std::string(key.str()), at(path, node));
      if (!idx) return idx.status();
      auto v = number(node, path, std::string(key.str()));
      if (!v) return v.status();
      setup.transaction_costs(*idx) = *v * 1e-4;
    }
  }

  std::optional<AssetMetadata> metadata;
  if (!flags.metadata.empty()) {
    auto m = read_metadata(flags.metadata);
    if (!m) return m.status();
    metadata = std::move(*m);
  }
  if (const toml::array* groups = config["groups"].as_array()) {
    KEEL_RETURN_IF_ERROR(
        read_groups(*groups, path, index, assets, metadata ? &*metadata : nullptr, c));
  }
  if (const toml::array* rows = config["linear"].as_array()) {
    KEEL_RETURN_IF_ERROR(read_linear(*rows, path, index, n, c));
  }
  KEEL_RETURN_IF_ERROR(c.validate(n));
  return setup;
}

}  // namespace keel::cli
