#include "config.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace keel::cli {

void add_config_option(CLI::App& command, std::string& path) {
  command.add_option("--config", path,
                     "TOML file with options (keys = long option names) and settings sections; "
                     "command-line flags override it");
}

namespace {

std::string where(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

// A scalar TOML value as the text CLI11 would have received on the command line.
bool scalar_text(const toml::node& node, std::string& text) {
  if (auto s = node.value<std::string>()) {
    text = *s;
  } else if (node.is_integer()) {
    text = std::to_string(*node.value<std::int64_t>());
  } else if (node.is_floating_point()) {
    std::ostringstream out;
    out.precision(17);
    out << *node.value<double>();
    text = out.str();
  } else if (auto b = node.value<bool>()) {
    text = *b ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

// The subcommands of `command`'s parent named in `names` (those registered).
std::vector<const CLI::App*> sibling_commands(const CLI::App& command,
                                              const std::vector<std::string>& names) {
  std::vector<const CLI::App*> out;
  const CLI::App* parent = command.get_parent();
  if (parent == nullptr || names.empty()) return out;
  for (const CLI::App* sub : parent->get_subcommands([](const CLI::App*) { return true; })) {
    if (sub != &command && std::find(names.begin(), names.end(), sub->get_name()) != names.end()) {
      out.push_back(sub);
    }
  }
  return out;
}

}  // namespace

Result<toml::table> read_toml_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::invalid(path + ": no such file (the " + what +
                           "); check the path, relative to the current folder");
  }
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path << ":" << e.source().begin.line << ": not valid TOML: " << e.description();
    return Status::invalid(msg.str());
  } catch (const std::exception& e) {
    return Status::invalid(path + ": cannot read the " + what + " (" + e.what() + ")");
  }
}

Result<SharedConfig> apply_shared_config(CLI::App& command, const std::string& path,
                                         const std::vector<std::string>& sections,
                                         const std::vector<std::string>& shared_with) {
  SharedConfig config;
  if (path.empty()) return config;
  auto parsed = read_toml_file(path, "config file");
  if (!parsed) return parsed.status();
  config.table = std::move(*parsed);
  const std::vector<const CLI::App*> siblings = sibling_commands(command, shared_with);
  for (auto&& [key_view, node] : config.table) {
    const std::string key(key_view.str());
    if (std::find(sections.begin(), sections.end(), key) != sections.end()) continue;
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', '-');
    CLI::Option* option = command.get_option_no_throw("--" + name);
    if (option == nullptr && name != "config" &&
        std::any_of(siblings.begin(), siblings.end(), [&](const CLI::App* sibling) {
          return sibling->get_option_no_throw("--" + name) != nullptr;
        })) {
      config.ignored.push_back(key + " (line " + std::to_string(node.source().begin.line) + ")");
      continue;
    }
    if (option == nullptr || name == "config") {
      std::string known;
      for (const auto& s : sections) known += (known.empty() ? "" : ", ") + s;
      return Status::invalid(where(path, node) + ": unknown key '" + key + "' for `keel " +
                             command.get_name() + "`; use its long option names" +
                             (known.empty() ? std::string() : " or the sections " + known));
    }
    if (option->count() > 0) continue;  // the command line wins
    std::vector<std::string> values;
    std::string text;
    if (const toml::array* array = node.as_array()) {
      for (const auto& item : *array) {
        if (!scalar_text(item, text)) {
          return Status::invalid(where(path, item) + ": '" + key + "' must hold plain values");
        }
        values.push_back(text);
      }
    } else if (scalar_text(node, text)) {
      values.push_back(text);
    } else {
      return Status::invalid(where(path, node) + ": '" + key + "' must be a value or a list");
    }
    try {
      for (const auto& v : values) option->add_result(v);
      option->run_callback();
    } catch (const CLI::Error& e) {
      return Status::invalid(where(path, node) + ": '" + key + "': " + e.what());
    }
  }
  return config;
}

Result<toml::table> apply_config(CLI::App& command, const std::string& path,
                                 const std::vector<std::string>& sections) {
  auto config = apply_shared_config(command, path, sections, {});
  if (!config) return config.status();
  return std::move(config->table);
}

}  // namespace keel::cli
