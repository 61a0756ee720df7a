// keel allocate: target weights → whole lots to hold and the orders that get there
// (docs/allocate.md). Reads the files, calls keel::allocate, prints or writes the result.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "common.hpp"
#include "keel/core/file_output.hpp"
#include "keel/core/table.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/select.hpp"
#include "keel/data/volume.hpp"
#include "keel/optimize/allocation.hpp"
#include "verb.hpp"
#include "weights_file.hpp"

namespace keel::cli {

namespace {

// Defaults for assets the metadata does not describe (docs/allocate.md): one satoshi-sized step,
// the finest any major exchange quotes, and Binance's 5 USDT spot minimum order.
constexpr double kDefaultLotSize = 1e-8;
constexpr double kDefaultMinNotional = 5.0;

struct AllocateArgs {
  PriceInputOptions prices;
  OutputOptions output;
  std::string weights;
  bool cash_remainder = false;
  std::string holdings;
  std::string quotes;
  std::string metadata;
  std::string covariance;
  std::string write_holdings;
  double value = 0.0;
  double cash = 0.0;
  std::string method = "exact";
  std::string order_type = "market";
  double taker_fee_bps = 10.0;
  double maker_fee_bps = 10.0;
  double cash_reserve = 0.0;
  double min_order = 0.0;
  double max_turnover = 0.0;  // 0 = no cap
  double short_ratio = -1.0;  // < 0 = the weights' own
  bool reinvest = false;
  double time_limit = 10.0;
  double gap = 1e-6;
  double default_lot_size = kDefaultLotSize;
  double default_min_notional = kDefaultMinNotional;
  double max_trade_adv_share = 0.0;  // 0 = no trade cap
  int adv_window = 30;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end && *end == '\0' && std::isfinite(out);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Quote {
  double bid = 0.0, ask = 0.0;
  int line = 0;
};

// --quotes FILE: a CSV with a header naming symbol, bid and ask (any order, other columns
// ignored).
Result<std::map<std::string, Quote>> read_quotes(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::invalid("cannot open the quotes file '" + path + "'");
  std::string line;
  int line_no = 0;
  int symbol_col = -1, bid_col = -1, ask_col = -1;
  std::map<std::string, Quote> quotes;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const auto cells = split_csv_line(line);
    if (symbol_col < 0) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string h = lower(cells[c]);
        if (h == "symbol" || h == "asset") symbol_col = static_cast<int>(c);
        if (h == "bid") bid_col = static_cast<int>(c);
        if (h == "ask") ask_col = static_cast<int>(c);
      }
      if (symbol_col < 0 || bid_col < 0 || ask_col < 0) {
        return Status::invalid(fmt::format(
            "{}:{}: the quotes header needs the columns symbol, bid and ask (found '{}')", path,
            line_no, trim(line)));
      }
      continue;
    }
    const auto need = static_cast<std::size_t>(std::max({symbol_col, bid_col, ask_col}));
    if (cells.size() <= need) {
      return Status::invalid(
          fmt::format("{}:{}: too few fields; expected symbol, bid and ask", path, line_no));
    }
    const std::string symbol = cells[static_cast<std::size_t>(symbol_col)];
    Quote q;
    q.line = line_no;
    if (!parse_number(cells[static_cast<std::size_t>(bid_col)], q.bid) ||
        !parse_number(cells[static_cast<std::size_t>(ask_col)], q.ask) || !(q.bid > 0.0) ||
        q.ask < q.bid) {
      return Status::invalid(
          fmt::format("{}:{}: {}: bid '{}' and ask '{}' must be numbers with 0 < bid <= ask", path,
                      line_no, symbol, cells[static_cast<std::size_t>(bid_col)],
                      cells[static_cast<std::size_t>(ask_col)]));
    }
    if (!quotes.emplace(symbol, q).second) {
      return Status::invalid(
          fmt::format("{}:{}: {} is quoted twice; keep one row per symbol", path, line_no, symbol));
    }
  }
  if (quotes.empty()) return Status::invalid(path + ": no quotes found");
  return quotes;
}

// The last price of every column on or before the panel's end (NaN when none).
Eigen::VectorXd last_prices(const PricePanel& panel, const Eigen::MatrixXd& values) {
  Eigen::VectorXd out = Eigen::VectorXd::Constant(panel.cols(), std::nan(""));
  for (Eigen::Index c = 0; c < panel.cols(); ++c) {
    for (Eigen::Index r = panel.rows() - 1; r >= 0; --r) {
      if (!std::isnan(panel.prices(r, c)) && !std::isnan(values(r, c))) {
        out[c] = values(r, c);
        break;
      }
    }
  }
  return out;
}

std::string format_quantity(double quantity, double lot) {
  int decimals = 0;
  while (decimals < 12) {
    const double scaled = lot * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, scaled)) break;
    ++decimals;
  }
  return fmt::format("{:.{}f}", quantity, decimals);
}

Status write_trades_csv(const AllocationInput& in, const AllocationResult& r, std::ostream& out) {
  out << "asset,side,quantity,price,notional,fee,spread_cost\n";
  for (const Order& o : r.orders) {
    out << in.assets[o.asset] << ',' << to_string(o.side) << ','
        << format_quantity(o.quantity, in.rules[o.asset].lot_size) << ','
        << fmt::format("{},{:.8f},{:.8f},{:.8f}", o.price, o.notional, o.fee, o.spread_cost)
        << '\n';
  }
  return out ? Status::ok() : Status::invalid("could not write the trade list");
}

int run_allocate(const AllocateArgs& args) {
  if (args.prices.prices.empty() && args.quotes.empty()) {
    return report_error(Status::invalid(
        "give the latest prices with --prices FILE (the last price of each asset) or --quotes "
        "FILE (symbol,bid,ask)"));
  }
  if (args.holdings.empty() && args.value <= 0.0 && args.cash <= 0.0) {
    return report_error(Status::invalid(
        "give what there is to allocate: --value AMOUNT (all in cash), or --holdings FILE "
        "(asset,quantity) with --cash AMOUNT for the cash beside them"));
  }
  if (args.holdings.empty() && args.value > 0.0 && args.cash > 0.0) {
    return report_error(Status::invalid(
        "--value and --cash both give the cash to allocate from scratch; give one"));
  }
  if (!args.holdings.empty() && args.value > 0.0) {
    return report_error(Status::invalid(
        "--value is the cash to allocate from scratch; with --holdings give the cash beside them "
        "as --cash AMOUNT"));
  }
  if (!(args.default_lot_size > 0.0)) {
    return report_error(Status::invalid(
        fmt::format("--default-lot-size is {}; a lot size must be > 0", args.default_lot_size)));
  }

  // Prices: the last row of --prices, or mid of --quotes (bid and ask from --quotes win).
  PricePanel panel;
  Eigen::VectorXd mid, bid, ask;
  if (!args.prices.prices.empty()) {
    PriceInputOptions all_columns = args.prices;
    all_columns.assets.clear();
    auto raw = read_selected_prices(all_columns);
    if (!raw) return report_error(raw.status());
    panel = std::move(*raw);
    mid = last_prices(panel, panel.prices);
    if (panel.has_spreads()) {
      const Eigen::VectorXd spread = last_prices(panel, panel.spreads);
      bid = mid.cwiseProduct((1.0 - 0.5 * spread.array()).matrix());
      ask = mid.cwiseProduct((1.0 + 0.5 * spread.array()).matrix());
    }
  }
  std::map<std::string, Quote> quotes;
  if (!args.quotes.empty()) {
    auto q = read_quotes(args.quotes);
    if (!q) return report_error(q.status());
    quotes = std::move(*q);
    if (args.prices.prices.empty()) {
      panel.source = args.quotes;
      panel.timestamps = {0};
      panel.prices.resize(1, static_cast<Eigen::Index>(quotes.size()));
      for (const auto& [symbol, quote] : quotes) {
        panel.prices(0, static_cast<Eigen::Index>(panel.assets.size())) =
            0.5 * (quote.bid + quote.ask);
        panel.assets.push_back(symbol);
      }
      mid = panel.prices.row(0).transpose();
    }
  }

  // Target weights, checked against the price columns (a typo names the line and the closest).
  PortfolioOptions weights_option{
      .weights = args.weights, .holdings = "", .cash_remainder = args.cash_remainder};
  auto target = load_portfolio(weights_option, panel);
  if (!target) return report_error(target.status());

  // Holdings: asset,quantity with their lines.
  LabeledRows held;
  if (!args.holdings.empty()) {
    auto rows = read_labeled_rows(args.holdings);
    if (!rows) return report_error(rows.status());
    held = std::move(*rows);
    for (std::size_t i = 0; i < held.vector.labels.size(); ++i) {
      const std::string& asset = held.vector.labels[i];
      const double q = held.vector.values[static_cast<Eigen::Index>(i)];
      const std::string where = fmt::format("{}:{}", args.holdings, held.lines[i]);
      if (!std::isfinite(q) || q < 0.0) {
        return report_error(Status::invalid(fmt::format(
            "{}: the quantity of {} is {}; holdings are coin quantities >= 0 (shorts are not "
            "supported as holdings)",
            where, asset, q)));
      }
      const auto col = panel.asset_index(asset);
      if (!col || std::isnan(mid[*col])) {
        const std::string hint = closest_name(panel.assets, asset);
        return report_error(Status::invalid(fmt::format(
            "{}: {} is held but has no price in {}{}; add its prices (or quote), or drop the row",
            where, asset, panel.source,
            hint.empty() || col ? "" : fmt::format(" (closest column: '{}')", hint))));
      }
    }
  }

  // The universe: the target's assets, then held assets outside the target (target weight 0).
  AllocationInput in;
  std::vector<double> weights;
  for (std::size_t i = 0; i < target->weights.labels.size(); ++i) {
    in.assets.push_back(target->weights.labels[i]);
    weights.push_back(target->weights.values[static_cast<Eigen::Index>(i)]);
  }
  for (const auto& asset : held.vector.labels) {
    if (std::find(in.assets.begin(), in.assets.end(), asset) == in.assets.end()) {
      in.assets.push_back(asset);
      weights.push_back(0.0);
    }
  }
  const auto n = static_cast<Eigen::Index>(in.assets.size());
  in.target_weights = Eigen::Map<Eigen::VectorXd>(weights.data(), n);
  in.mid.resize(n);
  in.bid.resize(n);
  in.ask.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string& asset = in.assets[static_cast<std::size_t>(i)];
    const Eigen::Index col = *panel.asset_index(asset);
    in.mid[i] = mid[col];
    in.bid[i] = bid.size() ? bid[col] : mid[col];
    in.ask[i] = ask.size() ? ask[col] : mid[col];
    if (const auto q = quotes.find(asset); q != quotes.end()) {
      in.bid[i] = q->second.bid;
      in.ask[i] = q->second.ask;
      in.mid[i] = 0.5 * (q->second.bid + q->second.ask);
    } else if (!quotes.empty() && args.prices.prices.empty()) {
      return report_error(Status::invalid(
          fmt::format("{}: {} has a target weight but no quote", args.quotes, asset)));
    }
    if (!(in.mid[i] > 0.0)) {
      return report_error(Status::invalid(fmt::format(
          "{}: {} has no price within the dates selected (its last price is missing); widen "
          "--start/--end or drop it from {}",
          panel.source, asset, args.weights)));
    }
  }
  in.holdings = Eigen::VectorXd::Zero(n);
  for (std::size_t i = 0; i < held.vector.labels.size(); ++i) {
    const auto it = std::find(in.assets.begin(), in.assets.end(), held.vector.labels[i]);
    in.holdings[it - in.assets.begin()] += held.vector.values[static_cast<Eigen::Index>(i)];
  }
  in.cash = args.value > 0.0 ? args.value : args.cash;

  // Exchange rules from the metadata; stated defaults for what it does not say.
  std::vector<std::string> warnings;
  AssetMetadata metadata;
  if (!args.metadata.empty()) {
    auto m = read_metadata(args.metadata);
    if (!m) return report_error(m.status());
    metadata = std::move(*m);
  }
  std::vector<std::string> defaulted;
  for (const auto& asset : in.assets) {
    TradingRules rules{.lot_size = args.default_lot_size,
                       .min_quantity = 0.0,
                       .min_notional = args.default_min_notional};
    if (const AssetInfo* info = metadata.find(asset)) {
      if (info->lot_size > 0.0) rules.lot_size = info->lot_size;
      if (info->min_notional > 0.0) rules.min_notional = info->min_notional;
      rules.min_quantity = info->min_quantity;
      if (!(info->lot_size > 0.0)) {
        defaulted.push_back(fmt::format("{} (line {}: no lot_size)", asset, info->line));
      }
    } else {
      defaulted.push_back(asset);
    }
    in.rules.push_back(rules);
  }
  if (!defaulted.empty()) {
    std::string list;
    for (const auto& d : defaulted) list += (list.empty() ? "" : ", ") + d;
    warnings.push_back(fmt::format(
        "{} asset(s) use the default rules (lot size {}, min notional {}; set them with "
        "--default-lot-size and --default-min-notional) because {}: {}",
        defaulted.size(), args.default_lot_size, args.default_min_notional,
        args.metadata.empty() ? "no --metadata was given" : args.metadata + " does not give them",
        list));
  }

  if (!args.covariance.empty()) {
    auto cov = read_labeled_matrix(args.covariance, /*require_symmetric=*/true);
    if (!cov) return report_error(cov.status());
    in.covariance.resize(n, n);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < n; ++j) {
        auto find = [&](const std::string& a) -> Result<Eigen::Index> {
          const auto it = std::find(cov->labels.begin(), cov->labels.end(), a);
          if (it == cov->labels.end()) {
            return Status::invalid(
                fmt::format("{}: no row for {}; the covariance must cover "
                            "every asset of the allocation",
                            args.covariance, a));
          }
          return static_cast<Eigen::Index>(it - cov->labels.begin());
        };
        auto a = find(in.assets[static_cast<std::size_t>(i)]);
        if (!a) return report_error(a.status());
        auto b = find(in.assets[static_cast<std::size_t>(j)]);
        if (!b) return report_error(b.status());
        in.covariance(i, j) = cov->values(*a, *b);
      }
    }
  }

  const double value = in.cash + in.holdings.dot(in.mid);
  if (args.cash_reserve >= value) {
    return report_error(Status::invalid(fmt::format(
        "--cash-reserve {} is not below the portfolio value {:.2f} ({}); lower the reserve",
        args.cash_reserve, value,
        args.holdings.empty() ? "--value" : "the holdings at the last prices plus --cash")));
  }

  // Trade cap: every order at most a share of the asset's average daily volume (data/volume.hpp).
  Eigen::VectorXd adv;
  if (args.max_trade_adv_share > 0.0) {
    if (!panel.has_volumes()) {
      return report_error(Status::invalid(fmt::format(
          "--max-trade-adv-share needs traded volumes, but {} has none; give --prices a long CSV "
          "with a volume column (date,symbol,close,volume_quote)",
          args.prices.prices.empty() ? args.quotes : prices_label(args.prices))));
    }
    double ppy = args.prices.periods_per_year;
    if (!(ppy > 0.0)) {
      auto frequency = infer_frequency(panel.timestamps);
      if (!frequency)
        return report_error(frequency.status().with_context(prices_label(args.prices)));
      ppy = frequency->periods_per_year;
    }
    auto all =
        average_daily_volume(panel.volumes, ppy, {.last_row = -1, .periods = args.adv_window});
    if (!all) return report_error(all.status().with_context(prices_label(args.prices)));
    adv.resize(n);
    in.max_order_value.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      adv[i] = (*all)[*panel.asset_index(in.assets[static_cast<std::size_t>(i)])];
      in.max_order_value[i] = args.max_trade_adv_share * adv[i];
    }
  }

  const bool market = args.order_type == "market";
  if (!market) {
    // A limit order rests at the quoted price: maker fee, no spread crossed.
    in.bid = in.mid;
    in.ask = in.mid;
  }
  AllocationOptions options{
      .method = args.method == "greedy" ? AllocationMethod::kGreedy : AllocationMethod::kExact,
      .cash_reserve = args.cash_reserve,
      .fee_bps = market ? args.taker_fee_bps : args.maker_fee_bps,
      .min_order_notional = args.min_order,
      .max_turnover =
          args.max_turnover > 0.0 ? args.max_turnover : std::numeric_limits<double>::infinity(),
      .short_ratio =
          args.short_ratio >= 0.0 ? std::optional<double>(args.short_ratio) : std::nullopt,
      .reinvest = args.reinvest,
      .time_limit_s = args.time_limit,
      .relative_gap = args.gap};
  auto result = allocate(in, options);
  if (!result) return report_error(result.status());
  for (const auto& w : result->warnings) warnings.push_back(w);
  for (const auto& w : target->warnings) warnings.push_back(w);
  for (const auto& w : warnings) std::cerr << "keel: warning: " << w << "\n";

  Json doc = result->to_json(in);
  doc["diagnostics"]["warnings"] = warnings;
  if (adv.size() > 0) {
    // An order is capped when one more lot would break the trade cap.
    for (auto& order : doc["orders"]) {
      const auto it =
          std::find(in.assets.begin(), in.assets.end(), order["asset"].get<std::string>());
      const auto i = static_cast<Eigen::Index>(it - in.assets.begin());
      const double lot = in.rules[static_cast<std::size_t>(i)].lot_size;
      const double traded = order["quantity"].get<double>() * in.mid[i];
      order["capped"] = traded + lot * in.mid[i] > in.max_order_value[i] * (1 + 1e-12);
      order["max_order_value"] = json_number(in.max_order_value[i]);
    }
    doc["trade_cap"] = {{"max_trade_adv_share", args.max_trade_adv_share},
                        {"adv_window", args.adv_window}};
  }
  doc["inputs"] = {
      {"weights_file", args.weights},
      {"prices", args.prices.prices.empty() ? Json(nullptr) : Json(prices_label(args.prices))},
      {"quotes", args.quotes.empty() ? Json(nullptr) : Json(args.quotes)},
      {"holdings", args.holdings.empty() ? Json(nullptr) : Json(args.holdings)},
      {"metadata", args.metadata.empty() ? Json(nullptr) : Json(args.metadata)},
      {"cash", in.cash},
      {"cash_reserve", args.cash_reserve},
      {"order_type", args.order_type},
      {"fee_bps", options.fee_bps}};

  const bool have = result->has_allocation();
  if (have && !args.write_holdings.empty()) {
    std::ostringstream out;
    out << "asset,quantity\n";
    for (Eigen::Index i = 0; i < n; ++i) {
      out << in.assets[static_cast<std::size_t>(i)] << ','
          << format_quantity(result->quantities[i], in.rules[static_cast<std::size_t>(i)].lot_size)
          << '\n';
    }
    const Status written = write_file_atomically(args.write_holdings, out.str());
    if (!written) return report_error(written.with_context("--write-holdings"));
  }
  auto print_table = [&](std::ostream& out) {
    out << "Allocation (" << to_string(result->method) << ", " << to_string(result->status)
        << ") of " << format_money(result->portfolio_value, "", 2) << ": " << result->orders.size()
        << " order(s), " << args.order_type << " at " << options.fee_bps << " bps\n\n";
    Table table;
    table.add_column("asset", Align::kLeft);
    table.add_column("side", Align::kLeft);
    table.add_column("quantity");
    table.add_column("price");
    table.add_column("notional");
    table.add_column("fee");
    table.add_column("spread");
    for (const Order& o : result->orders) {
      table.add_row({in.assets[o.asset], std::string(to_string(o.side)),
                     format_quantity(o.quantity, in.rules[o.asset].lot_size),
                     fmt::format("{:.6g}", o.price), format_fixed(o.notional, 2),
                     format_fixed(o.fee, 2), format_fixed(o.spread_cost, 2)});
    }
    table.render(out);
    out << "\nleftover cash " << format_fixed(result->leftover, 2) << ", fees "
        << format_fixed(result->fees, 2) << ", spread cost " << format_fixed(result->spread_cost, 2)
        << ", turnover " << format_percent(result->turnover) << "\n";
    out << "distance from target: weight RMSE " << fmt::format("{:.4g}", result->weight_rmse)
        << ", L1 " << fmt::format("{:.4g}", result->l1_deviation);
    if (!std::isnan(result->greedy_l1_deviation)) {
      out << " (greedy " << fmt::format("{:.4g}", result->greedy_l1_deviation) << ")";
    }
    if (!std::isnan(result->tracking_error)) {
      out << ", tracking error " << format_percent(result->tracking_error);
    }
    out << "\n";
  };
  int code = 0;
  if (args.output.format == "csv" ||
      (args.output.output.size() > 4 &&
       args.output.output.substr(args.output.output.size() - 4) == ".csv")) {
    if (have) {
      if (!args.output.output.empty()) {
        std::ostringstream file;
        const Status s = write_trades_csv(in, *result, file);
        if (!s) return report_error(s);
        const Status written = write_file_atomically(args.output.output, file.str());
        if (!written) return report_error(written.with_context("the trade list"));
        if (args.output.format != "csv") print_table(std::cout);
      } else {
        const Status s = write_trades_csv(in, *result, std::cout);
        if (!s) return report_error(s);
      }
    }
  } else {
    code = emit(doc, print_table, args.output);
  }
  if (code != 0) return code;
  if (!result->is_usable()) {
    std::cerr << "keel: allocation is " << to_string(result->status) << ": " << result->explanation
              << "\n";
    for (const auto& c : result->conflicting_rules)
      std::cerr << "  conflicting rule: " << c << "\n";
    return keel::exit_code(result->status);
  }
  return 0;
}

}  // namespace

Verb register_allocate(CLI::App& app) {
  auto args = std::make_shared<AllocateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "allocate", "Target weights to whole lots and a trade list, under exchange rules and fees");
  cmd->footer(
      "Example:\n"
      "  keel optimize --prices prices.csv --model hrp -o w.json\n"
      "  keel allocate --weights w.json --prices prices.csv --value 10000 --metadata meta.csv\n"
      "  keel allocate --weights w.json --prices prices.csv --holdings coins.csv --cash 250 \\\n"
      "      --metadata meta.csv --cash-reserve 100 --min-order 20 --format csv > orders.csv\n"
      "  keel allocate --weights w.csv --quotes book.csv --value 5000 --method greedy");
  add_price_options(*cmd, args->prices, /*prices_required=*/false, /*numeric=*/false);
  add_output_options(*cmd, args->output, {"table", "json", "csv"});
  cmd->add_option("--weights", args->weights,
                  "Target weights: an optimize JSON result or CSV asset,weight")
      ->required();
  cmd->add_flag("--cash-remainder", args->cash_remainder,
                "Weights need not sum to 1: 1 - sum is a cash target");
  cmd->add_option("--value", args->value, "Cash to allocate from scratch, quote currency")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--holdings", args->holdings, "Current holdings: CSV asset,quantity (coins)");
  cmd->add_option("--cash", args->cash, "Cash beside --holdings, quote currency")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--quotes", args->quotes,
                  "Quotes: CSV symbol,bid,ask; orders buy at the ask and sell at the bid");
  cmd->add_option("--metadata", args->metadata,
                  "Exchange rules per asset: lot_size, min_notional, min_quantity columns");
  cmd->add_option("--default-lot-size", args->default_lot_size,
                  "Lot size for assets without one in --metadata (coins)")
      ->capture_default_str();
  cmd->add_option("--default-min-notional", args->default_min_notional,
                  "Minimum order for assets without one in --metadata (quote currency)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--method", args->method, "exact (Cbc MIP) or greedy (PyPortfolioOpt's)")
      ->check(CLI::IsMember({"exact", "greedy"}))
      ->capture_default_str();
  cmd->add_option("--order-type", args->order_type,
                  "market (taker fee, crosses the spread) or limit (maker fee, at the price)")
      ->check(CLI::IsMember({"market", "limit"}))
      ->capture_default_str();
  cmd->add_option("--taker-fee-bps", args->taker_fee_bps, "Fee of market orders, bps of notional")
      ->check(CLI::Range(0.0, 999.0))
      ->capture_default_str();
  cmd->add_option("--maker-fee-bps", args->maker_fee_bps, "Fee of limit orders, bps of notional")
      ->check(CLI::Range(0.0, 999.0))
      ->capture_default_str();
  cmd->add_option("--cash-reserve", args->cash_reserve, "Cash to keep after trading")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--min-order", args->min_order,
                  "Don't trade dust: no order below this notional (on top of min_notional)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-turnover", args->max_turnover,
                  "Cap on traded value / portfolio value (e.g. 0.2)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--short-ratio", args->short_ratio,
                  "Long-short: short value / investable value (default: the weights' own)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--reinvest", args->reinvest, "Long-short: spend the short side's value on longs");
  cmd->add_option("--time-limit", args->time_limit, "Exact method: seconds before Cbc stops")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--gap", args->gap, "Exact method: relative MIP gap at which Cbc stops")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  cmd->add_option("--covariance", args->covariance,
                  "Covariance CSV (as keel estimate writes) for the ex-ante tracking error");
  cmd->add_option("--max-trade-adv-share", args->max_trade_adv_share,
                  "Cap every order at this share of the asset's average daily volume (from the "
                  "volume column of --prices), e.g. 0.05")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--adv-window", args->adv_window,
                  "Periods of volume averaged for --max-trade-adv-share (default 30)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--write-holdings", args->write_holdings,
                  "Also write the holdings after the orders as CSV asset,quantity");
  return {cmd, [args] { return run_allocate(*args); }};
}

}  // namespace keel::cli
