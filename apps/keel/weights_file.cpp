#include "weights_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <unordered_map>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/data/select.hpp"

namespace keel::cli {

namespace {

// A weights file read from disk: the vector plus what messages need.
struct WeightsRows {
  LabeledVector vector;
  std::string value_header;  // CSV only
  std::vector<int> lines;    // CSV only: the line of each entry
};

bool is_json(const std::string& path) {
  return path.size() >= 5 && path.substr(path.size() - 5) == ".json";
}

Result<WeightsRows> read_json_weights(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::invalid("cannot open the weights file '" + path + "'");
  try {
    const auto doc = Json::parse(in);  // ordered: keeps the file's asset order
    if (!doc.is_object()) {
      return Status::invalid(path + ": expected an object of weights or an optimize result");
    }
    const auto& w = doc.contains("weights") ? doc["weights"] : doc;
    WeightsRows rows;
    std::vector<double> values;
    for (const auto& [asset, value] : w.items()) {
      if (!value.is_number()) {
        return Status::invalid(path + ": weight of '" + asset + "' is not a number");
      }
      rows.vector.labels.push_back(asset);
      values.push_back(value.get<double>());
    }
    if (values.empty()) return Status::invalid(path + ": no weights found");
    rows.vector.values =
        Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
    return rows;
  } catch (const nlohmann::json::exception& e) {
    return Status::invalid(path + ": not valid JSON (" + e.what() + ")");
  }
}

Result<WeightsRows> read_csv_rows(const std::string& path) {
  auto rows = read_labeled_rows(path);
  if (!rows) return rows.status();
  return WeightsRows{std::move(rows->vector), std::move(rows->value_header),
                     std::move(rows->lines)};
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool names_quantities(const std::string& header) {
  static const char* const kNames[] = {"amount",  "amounts",   "quantity", "quantities", "qty",
                                       "units",   "unit",      "holding",  "holdings",   "balance",
                                       "balances", "position", "positions", "size",      "coins",
                                       "tokens",  "shares",    "contracts", "volume"};
  const std::string h = lower(header);
  return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return h == n; });
}

bool names_percents(const std::string& header) {
  const std::string h = lower(header);
  return h.find('%') != std::string::npos || h.find("percent") != std::string::npos ||
         h.find("pct") != std::string::npos;
}

std::string percent(double fraction) { return fmt::format("{:.4g}%", 100.0 * fraction); }

// "file:line: " for an entry of a CSV, "file: " otherwise.
std::string where(const std::string& path, const std::vector<int>& lines, std::size_t i) {
  return i < lines.size() ? fmt::format("{}:{}: ", path, lines[i]) : path + ": ";
}

Status check_assets_in_prices(const LabeledVector& v, const std::vector<int>& lines,
                              const std::string& path, const char* option,
                              const PricePanel& prices) {
  for (std::size_t i = 0; i < v.labels.size(); ++i) {
    const std::string& asset = v.labels[i];
    if (prices.asset_index(asset)) continue;
    const std::string hint = closest_name(prices.assets, asset);
    return Status::invalid(fmt::format(
        "{}asset '{}' ({}) is not a column of the price file {}{}; fix the name in {}, or add "
        "the asset's prices",
        where(path, lines, i), asset, option, prices.source,
        hint.empty() ? "" : fmt::format(" (closest: '{}')", hint), path));
  }
  return Status::ok();
}

Result<Portfolio> load_holdings(const std::string& path, const PricePanel& prices) {
  if (is_json(path)) {
    return Status::invalid(path + ": --holdings takes a CSV 'asset,quantity' (one row per coin)");
  }
  auto rows = read_labeled_rows(path);
  if (!rows) return rows.status();
  const LabeledVector& q = rows->vector;
  KEEL_RETURN_IF_ERROR(check_assets_in_prices(q, rows->lines, path, "--holdings", prices));
  if (prices.timestamps.empty()) return Status::invalid(prices.source + ": no price rows");
  Portfolio p;
  p.source = path;
  p.from_holdings = true;
  p.weights.labels = q.labels;
  p.quantities = q.values;
  const auto n = q.values.size();
  p.prices.resize(n);
  p.priced_on.resize(static_cast<std::size_t>(n));
  const Timestamp panel_end = prices.timestamps.back();
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string& asset = q.labels[static_cast<std::size_t>(i)];
    const Eigen::Index col = *prices.asset_index(asset);
    Eigen::Index row = prices.rows() - 1;
    while (row >= 0 && std::isnan(prices.prices(row, col))) --row;
    if (row < 0) {
      return Status::invalid(fmt::format(
          "{}asset '{}' has no price in {} within the dates selected; it cannot be valued "
          "(widen --start/--end)",
          where(path, rows->lines, static_cast<std::size_t>(i)), asset, prices.source));
    }
    p.prices(i) = prices.prices(row, col);
    p.priced_on[static_cast<std::size_t>(i)] = prices.timestamps[static_cast<std::size_t>(row)];
    if (prices.timestamps[static_cast<std::size_t>(row)] != panel_end) {
      p.warnings.push_back(fmt::format(
          "{}: {} is valued at its last price, on {}, before the price file's last date {}",
          path, asset, format_timestamp(prices.timestamps[static_cast<std::size_t>(row)]),
          format_timestamp(panel_end)));
    }
  }
  const Eigen::VectorXd values = p.quantities.cwiseProduct(p.prices);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(values(i))) {
      return Status::invalid(fmt::format(
          "{}asset '{}': {} coins at the last price {} are worth more than a double can hold "
          "(about 1.8e308); quote the prices or the quantities in a larger unit",
          where(path, rows->lines, static_cast<std::size_t>(i)),
          q.labels[static_cast<std::size_t>(i)], p.quantities(i), p.prices(i)));
    }
  }
  p.value = values.sum();
  if (!std::isfinite(p.value)) {
    return Status::invalid(fmt::format(
        "{}: the holdings are worth more in total than a double can hold (about 1.8e308); quote "
        "the prices or the quantities in a larger unit",
        path));
  }
  if (!(p.value > 0.0)) {
    return Status::invalid(fmt::format(
        "{}: the holdings are worth {} in total at the last prices (shorts outweigh longs), so "
        "they have no weights relative to their value; add the cash that backs them as a holding "
        "of a stablecoin column",
        path, p.value));
  }
  p.weights.values = values / p.value;
  return p;
}

}  // namespace

void add_portfolio_options(CLI::App& command, PortfolioOptions& options) {
  auto* weights = command.add_option(
      "--weights", options.weights,
      "Portfolio weights (fractions of its value): an optimize JSON result or CSV asset,weight");
  auto* holdings = command.add_option(
      "--holdings", options.holdings,
      "Portfolio as coin quantities: CSV asset,quantity, valued at each asset's last price");
  weights->excludes(holdings);
  holdings->excludes(weights);
  command.add_flag("--cash-remainder", options.cash_remainder,
                   "Weights need not sum to 1: 1 - sum is held in cash (negative: borrowed)");
}

Status check_weights_sense(const LabeledVector& weights, const std::string& path,
                           const std::string& value_header, bool cash_remainder) {
  const double sum = weights.values.sum();
  const double gross = weights.values.cwiseAbs().sum();
  if (!value_header.empty() && names_quantities(value_header)) {
    return Status::invalid(fmt::format(
        "{}: the column '{}' holds quantities, not weights; pass the file as --holdings {} to "
        "value the quantities at the last prices (weights are fractions of the portfolio value, "
        "0.25 = 25%)",
        path, value_header, path));
  }
  if ((!value_header.empty() && names_percents(value_header)) ||
      std::abs(sum - 100.0) <= kPercentTolerance) {
    return Status::invalid(fmt::format(
        "{}: the weights look like percents (they sum to {:.6g}{}); write them as fractions of "
        "the portfolio value (50% as 0.5)",
        path, sum,
        !value_header.empty() && names_percents(value_header)
            ? fmt::format(" and the column is '{}'", value_header)
            : std::string()));
  }
  if (gross == 0.0) {
    return Status::invalid(path + ": every weight is zero; there is no portfolio to measure");
  }
  if (gross > kMaxGrossExposure) {
    return Status::invalid(fmt::format(
        "{}: the weights sum to {:.6g} with a gross exposure of {} (more than {}): these look "
        "like quantities or amounts of money, not fractions of the portfolio value. For coin "
        "quantities use --holdings {}; for amounts, divide each by their total",
        path, sum, percent(gross), percent(kMaxGrossExposure), path));
  }
  if (std::abs(sum - 1.0) > kBudgetTolerance && !cash_remainder) {
    const bool all_long = (weights.values.array() >= 0.0).all();
    return Status::invalid(fmt::format(
        "{}: the weights sum to {:.6g}, not 1, so {} of the portfolio would {}. If that is "
        "intended, pass --cash-remainder (1 - sum is held in cash, negative when borrowed); "
        "otherwise rescale the weights to sum to 1{}",
        path, sum, percent(std::abs(1.0 - sum)),
        sum < 1.0 ? "silently be cash" : "silently be borrowed",
        all_long && sum > 1.0 ? fmt::format(", or if they are coin quantities use --holdings {}",
                                            path)
                              : std::string()));
  }
  return Status::ok();
}

Result<Portfolio> load_portfolio(const PortfolioOptions& options, const PricePanel& prices) {
  if (options.weights.empty() == options.holdings.empty()) {
    return Status::invalid(
        "give the portfolio with --weights FILE (fractions of its value) or --holdings FILE "
        "(coin quantities), one of them");
  }
  if (!options.holdings.empty()) {
    if (options.cash_remainder) {
      return Status::invalid(
          "--cash-remainder applies to --weights; holdings are valued as they are (add the cash "
          "as a holding of a stablecoin column)");
    }
    return load_holdings(options.holdings, prices);
  }
  const std::string& path = options.weights;
  auto rows = is_json(path) ? read_json_weights(path) : read_csv_rows(path);
  if (!rows) return rows.status();
  KEEL_RETURN_IF_ERROR(check_assets_in_prices(rows->vector, rows->lines, path, "--weights", prices));
  KEEL_RETURN_IF_ERROR(
      check_weights_sense(rows->vector, path, rows->value_header, options.cash_remainder));
  Portfolio p;
  p.source = path;
  p.weights = std::move(rows->vector);
  return p;
}

Json Portfolio::to_json() const {
  Json doc;
  doc["source"] = source;
  doc["kind"] = from_holdings ? "holdings" : "weights";
  Json w = Json::object();
  for (std::size_t i = 0; i < weights.labels.size(); ++i) {
    w[weights.labels[i]] = weights.values(static_cast<Eigen::Index>(i));
  }
  doc["weights"] = std::move(w);
  doc["cash"] = cash();
  doc["value"] = from_holdings ? Json(value) : Json(nullptr);
  if (from_holdings) {
    Json h = Json::object();
    for (std::size_t i = 0; i < weights.labels.size(); ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      h[weights.labels[i]] = {{"quantity", quantities(k)},
                              {"price", prices(k)},
                              {"priced_on", format_timestamp(priced_on[i])},
                              {"value", quantities(k) * prices(k)}};
    }
    doc["holdings"] = std::move(h);
  }
  return doc;
}

}  // namespace keel::cli
