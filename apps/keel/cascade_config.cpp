#include "cascade_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config.hpp"

namespace keel::cli {

namespace {

std::string at(const std::string& path, const toml::node& node, const std::string& key) {
  return fmt::format("{}:{}: key '{}'", path, node.source().begin.line, key);
}

// Every key of `table` must be in `allowed`.
Status check_keys(const std::string& path, const toml::table& table, const std::string& prefix,
                  const std::vector<std::string>& allowed) {
  for (auto&& [key, value] : table) {
    const std::string k(key.str());
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return Status::invalid(at(path, value, prefix + k) + ": unknown key; " +
                           (prefix.empty() ? "a cascade file" : prefix) + " takes " + list +
                           " (docs/stress.md)");
  }
  return Status::ok();
}

Status number(const std::string& path, const toml::table& table, const std::string& prefix,
              const std::string& key, double& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::ok();
  const auto v = node->value<double>();
  if (!v || !std::isfinite(*v)) {
    return Status::invalid(at(path, *node, prefix + key) + ": must be a number");
  }
  out = *v;
  return Status::ok();
}

// `health_factor,collateral_value[,count,liquidation_threshold,liquidation_bonus]`, a header row.
Result<std::vector<HealthBucket>> read_histogram(const std::string& file) {
  std::ifstream in(file);
  if (!in) return Status::invalid(fmt::format("{}: cannot read the borrower histogram", file));
  std::string line;
  if (!std::getline(in, line)) return Status::invalid(file + ": empty histogram file");
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      cell.erase(std::remove_if(cell.begin(), cell.end(), ::isspace), cell.end());
      header.push_back(cell);
    }
  }
  const std::vector<std::string> known = {"health_factor", "collateral_value", "count",
                                          "liquidation_threshold", "liquidation_bonus"};
  for (const std::string& h : header) {
    if (std::find(known.begin(), known.end(), h) == known.end()) {
      return Status::invalid(fmt::format(
          "{}:1: column '{}' is unknown; columns are health_factor, collateral_value and "
          "optionally count, liquidation_threshold, liquidation_bonus",
          file, h));
    }
  }
  for (const char* required : {"health_factor", "collateral_value"}) {
    if (std::find(header.begin(), header.end(), required) == header.end()) {
      return Status::invalid(fmt::format("{}:1: the header lacks the column {}", file, required));
    }
  }
  std::vector<HealthBucket> out;
  int row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::stringstream ss(line);
    std::string cell;
    HealthBucket b;
    std::size_t k = 0;
    while (std::getline(ss, cell, ',')) {
      if (k >= header.size()) {
        return Status::invalid(fmt::format("{}:{}: more cells than header columns", file, row));
      }
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || !std::isfinite(v)) {
        return Status::invalid(
            fmt::format("{}:{}: {} '{}' is not a number", file, row, header[k], cell));
      }
      const std::string& h = header[k];
      if (h == "health_factor") b.health_factor = v;
      if (h == "collateral_value") b.collateral_value = v;
      if (h == "count") b.count = v;
      if (h == "liquidation_threshold") b.liquidation_threshold = v;
      if (h == "liquidation_bonus") b.liquidation_bonus = v;
      ++k;
    }
    if (k != header.size()) {
      return Status::invalid(
          fmt::format("{}:{}: {} cells for {} columns", file, row, k, header.size()));
    }
    out.push_back(b);
  }
  return out;
}

}  // namespace

Result<CascadeFile> read_cascade_file(const std::string& path) {
  auto parsed = read_toml_file(path, "cascade file");
  if (!parsed) return parsed.status();
  const toml::table& t = *parsed;
  KEEL_RETURN_IF_ERROR(
      check_keys(path, t, "",
                 {"asset", "shock", "price", "max_rounds", "tolerance", "wipeout_fraction",
                  "wipeout_grid", "shock_tolerance", "impact", "market"}));
  CascadeFile out;
  CascadeOptions& o = out.options;
  const auto asset = t["asset"].value<std::string>();
  if (!asset || asset->empty()) {
    return Status::invalid(path + ": needs asset = \"ETH\" (the shocked asset, a price column)");
  }
  o.asset = *asset;
  if (t.get("shock") == nullptr) {
    return Status::invalid(path + ": needs shock = 0.3 (a 30% fall of the asset's price)");
  }
  KEEL_RETURN_IF_ERROR(number(path, t, "", "shock", o.shock));
  if (t.get("price") != nullptr) {
    double p = 0.0;
    KEEL_RETURN_IF_ERROR(number(path, t, "", "price", p));
    if (!(p > 0.0)) return Status::invalid(at(path, *t.get("price"), "price") + ": must be > 0");
    out.price = p;
  }
  double rounds = o.max_rounds;
  KEEL_RETURN_IF_ERROR(number(path, t, "", "max_rounds", rounds));
  o.max_rounds = static_cast<int>(rounds);
  KEEL_RETURN_IF_ERROR(number(path, t, "", "tolerance", o.tolerance));
  KEEL_RETURN_IF_ERROR(number(path, t, "", "wipeout_fraction", o.wipeout_fraction));
  KEEL_RETURN_IF_ERROR(number(path, t, "", "shock_tolerance", o.shock_tolerance));
  double grid = o.wipeout_grid;
  KEEL_RETURN_IF_ERROR(number(path, t, "", "wipeout_grid", grid));
  o.wipeout_grid = static_cast<int>(grid);

  const toml::table* impact = t["impact"].as_table();
  if (impact == nullptr) {
    return Status::invalid(path +
                           ": needs an [impact] table: model = \"constant-product\" with "
                           "pool_reserve, or model = \"power-law\" with adv (docs/stress.md)");
  }
  KEEL_RETURN_IF_ERROR(check_keys(path, *impact, "impact.",
                                  {"model", "pool_reserve", "adv", "coefficient", "exponent"}));
  const std::string model = (*impact)["model"].value_or(std::string("constant-product"));
  if (model != "constant-product" && model != "power-law") {
    return Status::invalid(at(path, *impact, "impact.model") + ": '" + model +
                           "' is not constant-product | power-law");
  }
  o.impact.model = model == "power-law" ? ImpactModel::kPowerLaw : ImpactModel::kConstantProduct;
  KEEL_RETURN_IF_ERROR(number(path, *impact, "impact.", "pool_reserve", o.impact.pool_reserve));
  KEEL_RETURN_IF_ERROR(number(path, *impact, "impact.", "adv", o.impact.adv));
  KEEL_RETURN_IF_ERROR(number(path, *impact, "impact.", "coefficient", o.impact.coefficient));
  KEEL_RETURN_IF_ERROR(number(path, *impact, "impact.", "exponent", o.impact.exponent));
  if (Status s = o.validate(); !s.is_ok()) return s.with_context(path);

  if (const toml::table* market = t["market"].as_table()) {
    KEEL_RETURN_IF_ERROR(
        check_keys(path, *market, "market.", {"histogram", "bucket", "synthesize"}));
    if (const toml::node* h = market->get("histogram")) {
      const auto file = h->value<std::string>();
      if (!file || file->empty()) {
        return Status::invalid(at(path, *h, "market.histogram") + ": give a CSV path");
      }
      std::filesystem::path resolved(*file);
      if (resolved.is_relative()) {
        resolved = std::filesystem::path(path).parent_path() / resolved;
      }
      out.histogram = resolved.string();
      auto buckets = read_histogram(out.histogram);
      if (!buckets) return buckets.status();
      out.buckets = std::move(*buckets);
    }
    if (const toml::node* b = market->get("bucket")) {
      const toml::array* list = b->as_array();
      if (list == nullptr) {
        return Status::invalid(at(path, *b, "market.bucket") + ": write [[market.bucket]] tables");
      }
      for (const auto& item : *list) {
        const toml::table* bt = item.as_table();
        if (bt == nullptr) {
          return Status::invalid(at(path, *b, "market.bucket") + ": every entry is a table");
        }
        KEEL_RETURN_IF_ERROR(check_keys(path, *bt, "market.bucket.",
                                        {"health_factor", "collateral_value", "count",
                                         "liquidation_threshold", "liquidation_bonus"}));
        HealthBucket h;
        for (const char* key : {"health_factor", "collateral_value"}) {
          if (bt->get(key) == nullptr) {
            return Status::invalid(fmt::format("{}:{}: a [[market.bucket]] needs {}", path,
                                               bt->source().begin.line, key));
          }
        }
        KEEL_RETURN_IF_ERROR(number(path, *bt, "market.bucket.", "health_factor", h.health_factor));
        KEEL_RETURN_IF_ERROR(
            number(path, *bt, "market.bucket.", "collateral_value", h.collateral_value));
        KEEL_RETURN_IF_ERROR(number(path, *bt, "market.bucket.", "count", h.count));
        KEEL_RETURN_IF_ERROR(
            number(path, *bt, "market.bucket.", "liquidation_threshold", h.liquidation_threshold));
        KEEL_RETURN_IF_ERROR(
            number(path, *bt, "market.bucket.", "liquidation_bonus", h.liquidation_bonus));
        out.buckets.push_back(h);
      }
    }
    if (const toml::table* s = (*market)["synthesize"].as_table()) {
      KEEL_RETURN_IF_ERROR(check_keys(
          path, *s, "market.synthesize.",
          {"borrowers", "total_collateral_value", "median_health_factor", "health_factor_sigma",
           "size_sigma", "liquidation_threshold", "liquidation_bonus", "seed"}));
      BorrowerSynthesis syn;
      double borrowers = syn.borrowers;
      double seed = static_cast<double>(syn.seed);
      const std::string pre = "market.synthesize.";
      KEEL_RETURN_IF_ERROR(number(path, *s, pre, "borrowers", borrowers));
      KEEL_RETURN_IF_ERROR(
          number(path, *s, pre, "total_collateral_value", syn.total_collateral_value));
      KEEL_RETURN_IF_ERROR(number(path, *s, pre, "median_health_factor", syn.median_health_factor));
      KEEL_RETURN_IF_ERROR(number(path, *s, pre, "health_factor_sigma", syn.health_factor_sigma));
      KEEL_RETURN_IF_ERROR(number(path, *s, pre, "size_sigma", syn.size_sigma));
      KEEL_RETURN_IF_ERROR(
          number(path, *s, pre, "liquidation_threshold", syn.liquidation_threshold));
      KEEL_RETURN_IF_ERROR(number(path, *s, pre, "liquidation_bonus", syn.liquidation_bonus));
      KEEL_RETURN_IF_ERROR(number(path, *s, pre, "seed", seed));
      syn.borrowers = static_cast<int>(borrowers);
      syn.seed = static_cast<std::uint64_t>(std::max(seed, 0.0));
      if (Status st = syn.validate(); !st.is_ok())
        return st.with_context(path + " [market.synthesize]");
      out.synthesis = syn;
    }
  }
  return out;
}

}  // namespace keel::cli
