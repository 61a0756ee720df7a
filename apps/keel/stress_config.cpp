#include "stress_config.hpp"

#include <fstream>
#include <sstream>

#include "config.hpp"

namespace keel::cli {

namespace {

std::string at(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

const char* const kScenarioKeys = "name, description, shock";
const char* const kShockKeys = "group, assets, all (target) and return, price (size)";

Result<ShockSpec> read_shock(const toml::node& node, const std::string& path,
                             const std::string& scenario, std::size_t number) {
  const std::string where =
      at(path, node) + ": scenario '" + scenario + "', shock " + std::to_string(number);
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    return Status::invalid(where + ": each shock must be a table; write [[scenario.shock]]");
  }
  ShockSpec s;
  s.source = at(path, node);
  for (auto&& [key_view, value] : *t) {
    const std::string key(key_view.str());
    const std::string here = at(path, value) + ": scenario '" + scenario + "', shock " +
                             std::to_string(number) + ", key '" + key + "'";
    if (key == "group") {
      auto v = value.value<std::string>();
      if (!v) return Status::invalid(here + ": must be a string such as \"sector:L1\"");
      s.group = *v;
    } else if (key == "assets") {
      const toml::array* list = value.as_array();
      if (list == nullptr) {
        return Status::invalid(here + ": must be a list of asset names, e.g. [\"ETH\", \"SOL\"]");
      }
      for (const auto& item : *list) {
        auto v = item.value<std::string>();
        if (!v) return Status::invalid(here + ": every entry must be an asset name (a string)");
        s.assets.push_back(*v);
      }
      if (s.assets.empty()) return Status::invalid(here + ": the list is empty");
    } else if (key == "all") {
      auto v = value.value<bool>();
      if (!v) return Status::invalid(here + ": must be true (or leave it out)");
      if (!*v) return Status::invalid(here + ": all = false selects nothing; leave it out");
      s.all = true;
    } else if (key == "return" || key == "price") {
      if (!value.is_number()) {
        return Status::invalid(here + ": must be a number (" +
                               (key == "return" ? std::string("-0.5 is a 50% fall")
                                                : std::string("0.9 is a price of 0.90")) +
                               ")");
      }
      (key == "return" ? s.asset_return : s.price) = *value.value<double>();
    } else {
      return Status::invalid(here + ": unknown key; a shock takes " + kShockKeys);
    }
  }
  return s;
}

}  // namespace

Result<std::vector<ShockScenario>> read_shock_scenarios(const toml::table& table,
                                                        const std::string& path, bool whole_file) {
  if (whole_file) {
    for (auto&& [key, value] : table) {
      if (key.str() != "scenario") {
        return Status::invalid(at(path, value) + ": unknown key '" + std::string(key.str()) +
                               "'; a shocks file holds [[scenario]] tables (see keel stress "
                               "--help)");
      }
    }
  }
  std::vector<ShockScenario> out;
  const toml::node* node = table.get("scenario");
  if (node == nullptr) {
    if (whole_file) {
      return Status::invalid(path +
                             ": no [[scenario]] tables; see `keel stress --help` for the format");
    }
    return out;
  }
  const toml::array* list = node->as_array();
  if (list == nullptr) {
    return Status::invalid(at(path, *node) +
                           ": 'scenario' must be an array of tables; write [[scenario]]");
  }
  for (const auto& item : *list) {
    const toml::table* t = item.as_table();
    if (t == nullptr) {
      return Status::invalid(at(path, item) +
                             ": each scenario must be a table; write [[scenario]]");
    }
    ShockScenario sc;
    sc.source = at(path, item);
    if (const toml::node* name = t->get("name")) {
      auto v = name->value<std::string>();
      if (!v) return Status::invalid(at(path, *name) + ": scenario key 'name' must be a string");
      sc.name = *v;
    } else {
      return Status::invalid(sc.source +
                             ": a scenario needs name = \"...\" (keys: " + kScenarioKeys + ")");
    }
    for (auto&& [key_view, value] : *t) {
      const std::string key(key_view.str());
      const std::string here = at(path, value) + ": scenario '" + sc.name + "', key '" + key + "'";
      if (key == "name") continue;
      if (key == "description") {
        auto v = value.value<std::string>();
        if (!v) return Status::invalid(here + ": must be a string");
        sc.description = *v;
      } else if (key == "shock") {
        const toml::array* shocks = value.as_array();
        if (shocks == nullptr) {
          return Status::invalid(here + ": must be an array of tables; write [[scenario.shock]]");
        }
        for (const auto& s : *shocks) {
          auto spec = read_shock(s, path, sc.name, sc.shocks.size() + 1);
          if (!spec) return spec.status();
          sc.shocks.push_back(std::move(*spec));
        }
      } else {
        return Status::invalid(here + ": unknown key; a scenario takes " + kScenarioKeys);
      }
    }
    out.push_back(std::move(sc));
  }
  KEEL_RETURN_IF_ERROR(validate_shock_scenarios(out));
  return out;
}

Result<std::vector<ShockScenario>> read_shock_file(const std::string& path) {
  if (!std::ifstream(path)) {
    return Status::invalid("cannot open the shocks file '" + path + "'; check the path");
  }
  auto table = read_toml_file(path, "shocks file");
  if (!table) return table.status();
  return read_shock_scenarios(*table, path, /*whole_file=*/true);
}

}  // namespace keel::cli
