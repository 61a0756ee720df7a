// keel stress: a portfolio through past crashes, hypothetical shocks, a correlation stress and
// liquidity evaporation. The numerics and the JSON of each part live in the risk module; this file
// reads the inputs, calls them and lays the answers out.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include "cascade_config.hpp"
#include "common.hpp"
#include "config.hpp"
#include "keel/core/table.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/select.hpp"
#include "keel/defi/cascade.hpp"
#include "keel/defi/positions.hpp"
#include "keel/report/stress_report.hpp"
#include "keel/risk/correlation_stress.hpp"
#include "keel/risk/liquidity_stress.hpp"
#include "keel/risk/stress_replay.hpp"
#include "keel/risk/stress_shocks.hpp"
#include "keel/risk/stress_suite.hpp"
#include "positions_config.hpp"
#include "report_option.hpp"
#include "stress_config.hpp"
#include "verb.hpp"
#include "weights_file.hpp"

namespace keel::cli {

namespace {

struct StressArgs {
  PriceInputOptions prices;
  OutputOptions output;
  std::string config;
  std::string report;  // --report FILE.html
  PortfolioOptions portfolio;
  std::string windows = "all";
  std::vector<std::string> custom_windows;
  std::string missing_history = "exclude";
  std::string shocks;
  std::string metadata;
  double correlation_shift = 0.5;
  double vol_multiplier = 1.5;
  double alpha = 0.95;
  int horizon = 1;
  bool zero_mean = false;
  double liquidity_multiplier = 3.0;
  double portfolio_value = 0.0;
  double max_participation = 0.1;
  std::string cascade;  // --cascade FILE.toml
  std::string book;     // --book FILE.toml (with --cascade)
};

// keel stress --cascade: the liquidation cascade of keel/defi/cascade.hpp on the book (optional)
// and the market population of the cascade file.
int run_cascade_stress(const StressArgs& args) {
  auto file = read_cascade_file(args.cascade);
  if (!file) return report_error(file.status());
  Book book;
  if (!args.book.empty()) {
    auto read = read_positions_file(args.book);
    if (!read) return report_error(read.status());
    book = std::move(read->book);
  }
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  if (!args.book.empty()) {
    if (Status s = resolve_book(book, *market); !s.is_ok()) return report_error(s);
  }
  auto last = last_book_prices(book, *market);
  if (!last) return report_error(last.status());
  std::vector<std::string> assets = last->assets;
  std::vector<double> prices = last->prices;
  const std::string& asset = file->options.asset;
  const auto held = std::find(assets.begin(), assets.end(), asset);
  double price = 0.0;
  if (held != assets.end()) {
    price = prices[static_cast<std::size_t>(held - assets.begin())];
  } else {
    const PricePanel& panel = market->panel;
    const auto col = std::find(panel.assets.begin(), panel.assets.end(), asset);
    if (col != panel.assets.end()) {
      price = panel.prices(panel.rows() - 1, col - panel.assets.begin());
    } else if (file->price) {
      price = *file->price;
    }
    if (!(price > 0.0) || !std::isfinite(price)) {
      return report_error(Status::invalid(fmt::format(
          "{}: asset '{}' is neither a column of the prices with a positive last price nor "
          "given a price; add price = ... to the cascade file or fix the name",
          args.cascade, asset)));
    }
    assets.push_back(asset);
    prices.push_back(price);
  }
  std::vector<MarketBorrower> borrowers;
  if (!file->buckets.empty()) {
    auto b = borrowers_from_histogram(file->buckets, price);
    if (!b) return report_error(b.status().with_context(args.cascade));
    borrowers = std::move(*b);
  }
  if (file->synthesis) {
    auto b = synthesize_borrowers(*file->synthesis, price);
    if (!b) return report_error(b.status().with_context(args.cascade));
    borrowers.insert(borrowers.end(), b->begin(), b->end());
  }
  auto bound = bind_book(book, assets);
  if (!bound) return report_error(bound.status());
  auto result = run_cascade_with_wipeout(*bound, prices, last->as_of, borrowers, file->options);
  if (!result) return report_error(result.status());
  const CascadeResult& r = *result;

  Json doc;
  doc["inputs"] = inputs_json(*market);
  doc["inputs"]["cascade"] = args.cascade;
  doc["inputs"]["book"] = args.book.empty() ? Json(nullptr) : Json(args.book);
  doc["inputs"]["histogram"] = file->histogram.empty() ? Json(nullptr) : Json(file->histogram);
  doc["inputs"]["market_borrowers"] = borrowers.size();
  doc["inputs"]["impact"] = std::string(to_string(file->options.impact.model));
  Json rounds = Json::array();
  for (const CascadeRound& x : r.rounds) {
    rounds.push_back({{"round", x.round},
                      {"price", x.price},
                      {"liquidations", x.liquidations},
                      {"market_sold", x.market_sold},
                      {"user_sold", x.user_sold}});
  }
  Json positions = Json::array();
  for (const CascadePositionOutcome& p : r.positions) {
    positions.push_back({{"name", p.name},
                         {"value_before", p.value_before},
                         {"value_after", p.value_after},
                         {"loss", p.loss},
                         {"liquidated", p.liquidated},
                         {"bad_debt", p.bad_debt}});
  }
  doc["cascade"] = {
      {"asset", r.asset},
      {"shock", r.shock},
      {"start_price", r.start_price},
      {"shocked_price", r.shocked_price},
      {"final_price", r.final_price},
      {"converged", r.converged},
      {"rounds", rounds},
      {"total_sold", r.total_sold},
      {"positions", positions},
      {"book_value_before", r.book_value_before},
      {"book_value_after", r.book_value_after},
      {"user_loss", r.user_loss},
      {"market_borrowers_liquidated", r.market_borrowers_liquidated},
      {"market_collateral_seized", r.market_collateral_seized},
      {"market_bad_debt", r.market_bad_debt},
      {"user_bad_debt", r.user_bad_debt},
      {"protocol_bad_debt", r.protocol_bad_debt},
      {"wipeout_shock", std::isfinite(r.wipeout_shock) ? Json(r.wipeout_shock) : Json(nullptr)}};
  return emit(
      doc,
      [&](std::ostream& out) {
        out << "Liquidation cascade: " << r.asset << " " << format_fixed(r.start_price, 4)
            << " shocked " << format_percent(-r.shock, 1) << " to "
            << format_fixed(r.shocked_price, 4) << "; " << borrowers.size()
            << " market borrower bucket(s), " << to_string(file->options.impact.model)
            << " impact\n\n";
        Table rounds_table;
        rounds_table.add_column("round");
        rounds_table.add_column("price");
        rounds_table.add_column("liquidations");
        rounds_table.add_column("market sold");
        rounds_table.add_column("user sold");
        constexpr std::size_t kShown = 20;
        for (std::size_t k = 0; k < r.rounds.size(); ++k) {
          if (k >= kShown && k + 1 < r.rounds.size()) continue;
          const CascadeRound& x = r.rounds[k];
          rounds_table.add_row({std::to_string(x.round), format_fixed(x.price, 4),
                                std::to_string(x.liquidations), format_fixed(x.market_sold, 4),
                                format_fixed(x.user_sold, 4)});
        }
        rounds_table.render(out);
        out << (r.converged ? "converged" : "NOT CONVERGED (max_rounds reached)") << " after "
            << r.rounds.size() << " round(s): final price " << format_fixed(r.final_price, 4)
            << " (" << format_percent(r.final_price / r.start_price - 1.0, 1) << "), "
            << format_fixed(r.total_sold, 4) << " " << r.asset << " sold\n\n";
        if (!r.positions.empty()) {
          Table p;
          p.add_column("position", Align::kLeft);
          p.add_column("before");
          p.add_column("after");
          p.add_column("loss");
          p.add_column("liquidated", Align::kLeft);
          p.add_column("bad debt");
          for (const CascadePositionOutcome& x : r.positions) {
            p.add_row({x.name, format_fixed(x.value_before, 2), format_fixed(x.value_after, 2),
                       format_fixed(x.loss, 2), x.liquidated ? "yes" : "no",
                       format_fixed(x.bad_debt, 2)});
          }
          p.render(out);
          out << "book value " << format_fixed(r.book_value_before, 2) << " -> "
              << format_fixed(r.book_value_after, 2) << " (loss " << format_fixed(r.user_loss, 2)
              << ")\n";
        }
        out << "market: " << format_fixed(r.market_borrowers_liquidated, 0)
            << " borrower(s) liquidated, " << format_fixed(r.market_collateral_seized, 4) << " "
            << r.asset << " seized, bad debt " << format_fixed(r.market_bad_debt, 2)
            << "; protocol bad debt (market + book) " << format_fixed(r.protocol_bad_debt, 2)
            << "\n";
        out << "shock that wipes out the book: "
            << (std::isfinite(r.wipeout_shock) ? format_percent(-r.wipeout_shock, 2)
                                               : std::string("none up to -99%"))
            << "\n";
      },
      args.output);
}

void print_stress(const StressSuite& run, double portfolio_value,
                  const std::vector<std::string>& warnings, std::ostream& out) {
  const bool show_value = portfolio_value > 0.0;
  const double net = run.weights.sum();
  out << "Stress test of " << run.assets.size() << " assets (net " << format_percent(net)
      << ", gross " << format_percent(run.weights.cwiseAbs().sum()) << "), prices "
      << format_timestamp(run.history.data_start) << " .. "
      << format_timestamp(run.history.data_end) << ". P&L in % of portfolio value, losses negative";
  if (show_value) out << "; value " << format_money(portfolio_value, "");
  out << "\n\nHistorical replay (buy and hold through each window)\n";
  Table windows;
  windows.add_column("window", Align::kLeft);
  windows.add_column("dates", Align::kLeft);
  windows.add_column("P&L");
  if (show_value) windows.add_column("P&L value");
  windows.add_column("trough");
  windows.add_column("max drawdown");
  windows.add_column("status", Align::kLeft);
  for (const WindowReplay& w : run.history.windows) {
    std::vector<std::string> row = {
        w.window.name, format_timestamp(w.window.start) + " .. " + format_timestamp(w.window.end),
        format_percent(w.total)};
    if (show_value) row.push_back(format_money(w.total * portfolio_value, ""));
    row.push_back(format_percent(w.trough));
    row.push_back(format_percent(w.max_drawdown));
    row.push_back(w.outcome == ReplayOutcome::kReplayed     ? "replayed"
                  : w.outcome == ReplayOutcome::kNotCovered ? "not covered"
                                                            : "missing history");
    windows.add_row(std::move(row));
  }
  if (windows.rows() == 0) {
    out << "(no windows: --windows none)\n";
  } else {
    windows.render(out);
  }
  for (const WindowReplay& w : run.history.windows) {
    if (!w.reason.empty()) out << "  " << w.window.name << ": " << w.reason << "\n";
  }

  if (!run.scenarios.empty()) {
    out << "\nHypothetical shocks\n";
    Table shocks;
    shocks.add_column("scenario", Align::kLeft);
    shocks.add_column("P&L");
    if (show_value) shocks.add_column("P&L value");
    shocks.add_column("shocks", Align::kLeft);
    for (const auto& s : run.scenarios) {
      std::string what;
      for (std::size_t k = 0; k < s.shocks.size(); ++k) {
        const auto& spec = s.shocks[k];
        what += (what.empty() ? "" : "; ") + s.shock_labels[k] + " " +
                (spec.asset_return ? format_percent(*spec.asset_return, 1)
                                   : "to " + format_fixed(*spec.price, 4));
      }
      std::vector<std::string> row = {s.name, format_percent(s.pnl.total)};
      if (show_value) row.push_back(format_money(s.pnl.total * portfolio_value, ""));
      row.push_back(what);
      shocks.add_row(std::move(row));
    }
    shocks.render(out);
  }

  // P&L by asset: one column per replayed window and per scenario.
  std::vector<std::string> headers;
  std::vector<std::vector<double>> columns;
  for (const WindowReplay& w : run.history.windows) {
    if (w.outcome != ReplayOutcome::kReplayed) continue;
    headers.push_back(w.window.name);
    std::vector<double> c;
    for (const auto& a : run.assets) {
      auto it = std::find(run.history.assets.begin(), run.history.assets.end(), a);
      c.push_back(w.asset_pnl[it - run.history.assets.begin()]);
    }
    columns.push_back(std::move(c));
  }
  for (const auto& s : run.scenarios) {
    headers.push_back(s.name);
    columns.emplace_back(s.pnl.asset_pnl.data(), s.pnl.asset_pnl.data() + s.pnl.asset_pnl.size());
  }
  if (!headers.empty()) {
    out << "\nP&L by asset\n";
    Table by_asset;
    by_asset.add_column("asset", Align::kLeft);
    by_asset.add_column("weight");
    for (const auto& h : headers) by_asset.add_column(h);
    for (std::size_t i = 0; i < run.assets.size(); ++i) {
      std::vector<std::string> row = {run.assets[i],
                                      format_percent(run.weights[static_cast<Eigen::Index>(i)])};
      for (const auto& c : columns) row.push_back(format_percent(c[i]));
      by_asset.add_row(std::move(row));
    }
    by_asset.render(out);
  }

  const auto& c = run.correlation;
  out << "\nCorrelation stress: Gaussian, " << format_percent(c.options.stress.confidence, 1)
      << " confidence, " << c.options.horizon << " period(s); correlations "
      << format_percent(c.options.stress.correlation_shift, 0)
      << " of the way to one, volatilities x" << c.options.stress.volatility_multiplier << "\n";
  Table corr;
  corr.add_column("", Align::kLeft);
  corr.add_column("volatility");
  corr.add_column("VaR");
  corr.add_column("CVaR");
  corr.add_column("avg correlation");
  corr.add_row({"before", format_percent(c.volatility_before), format_percent(c.var_before),
                format_percent(c.es_before), format_fixed(c.average_correlation_before, 3)});
  corr.add_row({"after", format_percent(c.volatility_after), format_percent(c.var_after),
                format_percent(c.es_after), format_fixed(c.average_correlation_after, 3)});
  corr.render(out);

  const auto& l = run.liquidity;
  out << "\nLiquidity evaporation: spreads and impact x" << l.options.multiplier
      << "; historical VaR " << format_percent(l.var) << "\n";
  Table liq;
  liq.add_column("model", Align::kLeft);
  liq.add_column("cost before");
  liq.add_column("LVaR before");
  liq.add_column("cost after");
  liq.add_column("LVaR after");
  for (const auto& [name, m] :
       {std::pair{"exogenous-spread", &l.spread}, std::pair{"endogenous-impact", &l.impact}}) {
    if (m->computed) {
      // Spread costs of liquid tokens are a few basis points: show three decimals.
      liq.add_row({name, format_percent(m->before.liquidity_cost, 3),
                   format_percent(m->before.lvar, 3), format_percent(m->after.liquidity_cost, 3),
                   format_percent(m->after.lvar, 3)});
    } else {
      liq.add_row({name, "-", "-", "-", "-"});
    }
  }
  liq.render(out);
  for (const auto& [name, m] :
       {std::pair{"exogenous-spread", &l.spread}, std::pair{"endogenous-impact", &l.impact}}) {
    if (!m->computed) out << "  " << name << ": not computed: " << m->reason << "\n";
  }
  for (const auto& w : warnings) out << "warning: " << w << "\n";
}

int run_stress(CLI::App& command, StressArgs& args) {
  if (!args.cascade.empty()) return run_cascade_stress(args);
  if (!args.book.empty()) {
    return report_error(Status::invalid(
        "--book is read with --cascade only; give --cascade FILE.toml, or use keel positions "
        "--book for the book's own stress scenarios"));
  }
  auto config = apply_config(command, args.config, {"scenario"});
  if (!config) return report_error(config.status());
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  auto policy = parse_missing_history_policy(args.missing_history);
  if (!policy) return report_error(policy.status().with_context("--missing-history"));
  std::vector<StressWindow> custom;
  for (const auto& text : args.custom_windows) {
    auto w = parse_stress_window(text);
    if (!w) return report_error(w.status().with_context("--window"));
    custom.push_back(*w);
  }
  auto requests = select_stress_windows(args.windows, custom);
  if (!requests) return report_error(requests.status().with_context("--windows"));
  std::vector<ShockScenario> scenarios;
  if (!args.shocks.empty()) {
    auto s = read_shock_file(args.shocks);
    if (!s) return report_error(s.status());
    scenarios = std::move(*s);
  }
  if (!args.config.empty()) {
    auto s = read_shock_scenarios(*config, args.config, /*whole_file=*/false);
    if (!s) return report_error(s.status());
    scenarios.insert(scenarios.end(), s->begin(), s->end());
  }
  auto market = market_options(args.prices);
  if (!market) return report_error(market.status());
  StressSuiteOptions options{
      .windows = std::move(*requests),
      .replay = {.missing_history = *policy},
      .scenarios = std::move(scenarios),
      .market = std::move(*market),
      .correlation = {.stress = {.correlation_shift = args.correlation_shift,
                                 .volatility_multiplier = args.vol_multiplier,
                                 .confidence = args.alpha},
                      .horizon = args.horizon,
                      .zero_mean = args.zero_mean},
      .liquidity = {.multiplier = args.liquidity_multiplier,
                    .confidence = args.alpha,
                    .horizon = args.horizon,
                    .spread = {},
                    .impact = {}},
      .weights_source = {}};
  if (const Status valid = options.validate(); !valid) return report_error(valid);

  if (args.metadata.empty()) {
    for (const ShockScenario& sc : options.scenarios) {
      for (std::size_t k = 0; k < sc.shocks.size(); ++k) {
        if (sc.shocks[k].group.empty()) continue;
        return report_error(Status::invalid(
            sc.shocks[k].source + ": scenario '" + sc.name + "', shock " + std::to_string(k + 1) +
            ": group '" + sc.shocks[k].group +
            "' needs asset metadata; pass --metadata FILE.csv (symbol,sector,chain,protocol,"
            "is_stablecoin, as keel simulate writes)"));
      }
    }
  }

  // The whole price file (narrowed by date) first, so that the portfolio's assets are checked
  // against its columns with the portfolio file's own line numbers.
  PriceInputOptions all_columns = args.prices;
  all_columns.assets.clear();
  auto all_prices = read_selected_prices(all_columns);
  if (!all_prices) return report_error(all_prices.status());
  auto portfolio = load_portfolio(args.portfolio, *all_prices);
  if (!portfolio) return report_error(portfolio.status());
  const std::string& portfolio_file = portfolio->source;
  if (args.portfolio_value <= 0.0 && portfolio->from_holdings) {
    args.portfolio_value = portfolio->value;
  }
  const std::vector<std::string>& held = portfolio->weights.labels;
  // The price columns: the held assets (unless --assets says otherwise) plus the proxy of
  // --missing-history proxy:ASSET, which the replay needs even when it is not held.
  PriceInputOptions price_options = args.prices;
  if (price_options.assets.empty()) {
    price_options.assets = held;
    if (policy->kind == MissingHistoryKind::kProxy &&
        std::find(held.begin(), held.end(), policy->proxy) == held.end()) {
      price_options.assets.push_back(policy->proxy);
    }
  }
  auto raw = select(*all_prices, PanelSelection{.assets = price_options.assets});
  if (!raw) return report_error(raw.status().with_context(all_prices->source));

  std::optional<AssetMetadata> metadata;
  if (!args.metadata.empty()) {
    auto m = read_metadata(args.metadata);
    if (!m) return report_error(m.status());
    metadata = std::move(*m);
  }
  options.liquidity.impact.portfolio_value = args.portfolio_value;
  options.liquidity.impact.max_participation = args.max_participation;
  options.weights_source = portfolio_file;
  auto suite = run_stress_suite(*raw, portfolio->weights, metadata ? &*metadata : nullptr, options);
  if (!suite) return report_error(suite.status());
  const StressSuite& run = *suite;
  std::vector<std::string> warnings = portfolio->warnings;
  warnings.insert(warnings.end(), run.warnings.begin(), run.warnings.end());

  const double value = args.portfolio_value;
  Json doc;
  Json weights = Json::object();
  for (std::size_t i = 0; i < run.assets.size(); ++i) {
    weights[run.assets[i]] = run.weights[static_cast<Eigen::Index>(i)];
  }
  doc["portfolio"] = {{"weights", weights},
                      {"net_exposure", run.weights.sum()},
                      {"gross_exposure", run.weights.cwiseAbs().sum()},
                      {"cash", 1.0 - run.weights.sum()},
                      {"value", value > 0.0 ? Json(value) : Json(nullptr)},
                      {"source", portfolio_file},
                      {"kind", portfolio->from_holdings ? "holdings" : "weights"}};
  if (portfolio->from_holdings) doc["portfolio"]["holdings"] = portfolio->to_json()["holdings"];
  doc.update(run.to_json(value));
  Json inputs = inputs_json(run.market);
  inputs["replay_start"] = format_timestamp(run.history.data_start);
  inputs["replay_end"] = format_timestamp(run.history.data_end);
  inputs["confidence"] = args.alpha;
  inputs["horizon"] = args.horizon;
  inputs["windows"] = args.windows;
  inputs["missing_history"] = to_string(*policy);
  inputs["weights_file"] = portfolio_file;
  inputs["shocks_file"] = args.shocks.empty() ? Json(nullptr) : Json(args.shocks);
  inputs["metadata"] = args.metadata.empty() ? Json(nullptr) : Json(args.metadata);
  doc["inputs"] = inputs;
  Json repairs = Json::array();
  for (const auto& r : run.market.repairs) repairs.push_back(r.to_json());
  doc["diagnostics"] = {{"repairs", repairs}, {"warnings", warnings}};
  const int emitted = emit(
      doc, [&](std::ostream& out) { print_stress(run, value, warnings, out); }, args.output);
  if (emitted != 0 || args.report.empty()) return emitted;
  std::vector<std::string> meta = report_meta(doc["inputs"]);
  meta.push_back((portfolio->from_holdings ? "Holdings: " : "Weights: ") + portfolio_file +
                 (args.shocks.empty() ? "" : "; shocks: " + args.shocks) +
                 "; missing history in windows: " + to_string(*policy));
  return write_report(report::stress_report({.meta = std::move(meta),
                                             .assets = run.assets,
                                             .weights = run.weights,
                                             .portfolio_value = value,
                                             .periods_per_year = run.periods_per_year,
                                             .historical = run.history,
                                             .hypothetical = run.scenarios,
                                             .correlation = run.correlation,
                                             .liquidity = run.liquidity}),
                      args.report);
}

}  // namespace

Verb register_stress(CLI::App& app) {
  auto args = std::make_shared<StressArgs>();
  CLI::App* cmd = app.add_subcommand(
      "stress", "Stress a portfolio: past crashes, hypothetical shocks, correlation and liquidity");
  cmd->footer(
      "Example:\n"
      "  keel stress --prices prices.csv --weights w.json\n"
      "  keel stress --prices prices_market.csv --weights w.csv --shocks shocks.toml \\\n"
      "      --metadata prices_metadata.csv --portfolio-value 1e7 --format json -o stress.json\n"
      "  keel stress --prices prices.csv --weights w.json --report stress.html\n"
      "  keel stress --prices prices.csv --weights w.json --windows covid-crash-2020 \\\n"
      "      --window my-dip:2021-05-12:2021-05-23 --missing-history proxy:BTC\n"
      "\n"
      "Historical windows (built-in, UTC, replayed from the close of START to the close of END):\n"
      "  covid-crash-2020 2020-03-08..2020-03-16, china-ban-2021 2021-05-12..2021-05-23,\n"
      "  luna-collapse-2022 2022-05-07..2022-05-13, ftx-collapse-2022 2022-11-06..2022-11-10.\n"
      "  With --windows all, windows outside the data are listed as not covered; a window named\n"
      "  explicitly (--windows NAME or --window) that the data does not cover is an error (exit "
      "2).\n"
      "  A held asset without prices in a window (not listed yet, gap) follows --missing-history:\n"
      "  exclude (the window is not replayed; the assets are named), cash (its missing rows earn\n"
      "  0%), proxy:ASSET (its missing rows take ASSET's return).\n"
      "\n"
      "Shocks file (TOML; also accepted as [[scenario]] tables in --config):\n"
      "  [[scenario]]\n"
      "  name = \"L1 -50%, stables depeg to 0.9\"\n"
      "  [[scenario.shock]]\n"
      "  group = \"sector:L1\"     # or chain:NAME, protocol:NAME, stablecoin; or\n"
      "  return = -0.5           # assets = [\"ETH\", \"SOL\"]; or all = true\n"
      "  [[scenario.shock]]\n"
      "  group = \"stablecoin\"\n"
      "  price = 0.9             # target price instead of a return\n"
      "  Later shocks override earlier ones for the same asset; groups need --metadata.\n"
      "  Full reference: docs/stress.md\n"
      "\n"
      "Liquidation cascade (replaces the portfolio stress):\n"
      "  keel stress --prices prices.csv --book book.toml --cascade cascade.toml");
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  add_config_option(*cmd, args->config);
  add_report_option(*cmd, args->report);
  add_portfolio_options(*cmd, args->portfolio);
  cmd->add_option("--windows", args->windows,
                  "Built-in crash windows to replay: all, none, or NAME,NAME")
      ->capture_default_str();
  cmd->add_option("--window", args->custom_windows,
                  "Your own window NAME:START:END (repeatable), e.g. dip:2021-05-12:2021-05-23");
  cmd->add_option("--missing-history", args->missing_history,
                  "Held assets without prices in a window: exclude, cash, proxy:ASSET")
      ->capture_default_str();
  cmd->add_option("--shocks,--scenarios", args->shocks,
                  "TOML file of hypothetical shock scenarios (format below)");
  cmd->add_option("--metadata", args->metadata,
                  "Asset metadata CSV (sector, chain, protocol, is_stablecoin) for group shocks");
  cmd->add_option("--correlation-shift", args->correlation_shift,
                  "Correlation stress: lambda in [0,1], correlations (1-l)C + l")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--vol-multiplier", args->vol_multiplier,
                  "Correlation stress: multiplier of every volatility")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--alpha", args->alpha, "Confidence level of VaR/CVaR/LVaR")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  cmd->add_option("--horizon", args->horizon, "VaR horizon in periods")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_flag("--zero-mean", args->zero_mean,
                "Correlation stress: ignore the sample mean (pure volatility view)");
  cmd->add_option("--liquidity-multiplier", args->liquidity_multiplier,
                  "Liquidity evaporation: multiplier of spreads and market impact")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--portfolio-value", args->portfolio_value,
                  "Portfolio value in quote currency: P&L in money and the volume-based LVaR "
                  "(default with --holdings: their value at the last prices)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-participation", args->max_participation,
                  "Impact model: largest fraction of daily volume traded when liquidating")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cmd->add_option("--cascade", args->cascade,
                  "Liquidation cascade file (TOML; docs/stress.md): shock an asset, liquidate the "
                  "book's loans and perps and a market of borrowers, iterate price impact");
  cmd->add_option("--book", args->book,
                  "With --cascade: the positions book (docs/positions.md) whose losses to report");
  return {cmd, [cmd, args] { return run_stress(*cmd, *args); }};
}

}  // namespace keel::cli
