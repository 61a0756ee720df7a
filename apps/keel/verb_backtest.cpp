// keel backtest: walk-forward backtests of strategies and benchmarks from a TOML file.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <numeric>

#include "common.hpp"
#include "config.hpp"
#include "constraints_config.hpp"
#include "estimation.hpp"
#include "keel/backtest/engine.hpp"
#include "keel/core/table.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/report/backtest_report.hpp"
#include "liquidity_config.hpp"
#include "model_config.hpp"
#include "report_option.hpp"
#include "strategy_config.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct BacktestArgs {
  PriceInputOptions prices;
  OutputOptions output;
  std::string config;
  std::string metadata;
  std::string market_caps;
  std::string market_caps_history;
  std::string group_tag;
  std::string attribution_benchmark;
  std::string rebalance = "monthly";
  int window = 365;
  bool expanding = false;
  int min_history = 0;
  int lag = 1;
  double initial_value = 1e6;
  double risk_free = 0.0;
  int threads = 0;
  bool quiet = false;
  bool include_weights = false;
  std::string report;  // --report FILE.html
};

// "26 (20 infeasible)": the fallbacks and the count and status of their most common reason.
std::string fallback_cell(const StrategyResult& s) {
  if (s.metrics.fallbacks == 0 || s.fallback_reasons.empty()) {
    return std::to_string(s.metrics.fallbacks);
  }
  const auto& top = s.fallback_reasons.front();
  return std::to_string(s.metrics.fallbacks) + " (" + std::to_string(top.count) + " " +
         std::string(to_string(top.status)) + ")";
}

// One line per strategy with fallbacks: its two most common reasons, counts and dates.
void print_fallback_reasons(const BacktestResult& r, std::ostream& out) {
  for (const auto& s : r.strategies) {
    for (std::size_t k = 0; k < s.fallback_reasons.size() && k < 2; ++k) {
      const auto& f = s.fallback_reasons[k];
      out << "fallback (" << s.name << "): " << f.count << " x " << f.reason << " ("
          << format_timestamp(f.first_date) << " .. " << format_timestamp(f.last_date) << ")\n";
    }
    if (s.fallback_reasons.size() > 2) {
      out << "  ... " << s.fallback_reasons.size() - 2 << " more reasons in the JSON result\n";
    }
  }
}

void print_summary(const BacktestResult& r, std::ostream& out) {
  out << "backtest " << format_timestamp(r.timestamps.front()) << " .. "
      << format_timestamp(r.timestamps.back()) << ", " << r.timestamps.size() - 1 << " periods, "
      << r.assets.size() << " assets, " << format_fixed(r.elapsed_ms / 1000.0, 2) << " s\n\n";
  Table table;
  table.add_column("strategy", Align::kLeft);
  for (const char* c : {"CAGR", "vol", "Sharpe", "Sortino", "max DD", "Calmar", "CVaR95",
                        "turnover/yr", "costs bp/yr", "holdings", "rebal", "fallback"}) {
    table.add_column(c);
  }
  for (const auto& s : r.strategies) {
    const auto& m = s.metrics;
    table.add_row(
        {s.name + (s.is_benchmark ? " (benchmark)" : ""), format_percent(m.cagr),
         format_percent(m.volatility), format_fixed(m.sharpe, 2), format_fixed(m.sortino, 2),
         format_percent(m.max_drawdown), format_fixed(m.calmar, 2), format_percent(m.cvar_95),
         format_fixed(m.turnover_annual, 2), format_fixed(m.cost_bps_per_year, 1),
         format_fixed(m.average_holdings, 1), std::to_string(m.rebalances), fallback_cell(s)});
  }
  table.render(out);
  print_fallback_reasons(r, out);
  for (const auto& s : r.strategies) {
    std::size_t shown = 0;
    for (const auto& w : s.warnings) {
      if (shown++ < 3) out << "warning (" << s.name << "): " << w << "\n";
    }
    if (s.warnings.size() > 3)
      out << "  ... " << s.warnings.size() - 3 << " more in the JSON result\n";
  }
}

StrategyDefaults strategy_defaults(const BacktestArgs& args) {
  return {.rebalance = args.rebalance, .risk_free = args.risk_free, .metadata = args.metadata};
}

int run_backtest_verb(CLI::App& command, BacktestArgs& args) {
  auto config = apply_config(command, args.config, {"trading", "strategy", "benchmark"});
  if (!config) return report_error(config.status());
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  if (args.config.empty()) {
    return report_error(
        Status::invalid("keel backtest needs --config strategy.toml with [[strategy]] "
                        "entries; see `keel backtest --help`"));
  }
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  const auto& panel = market->panel;
  const double ppy = market->frequency.periods_per_year;

  BacktestOptions options;
  options.window = args.window;
  options.expanding = args.expanding;
  options.min_history = args.min_history;
  options.lag = args.lag;
  options.initial_value = args.initial_value;
  options.periods_per_year = ppy;
  options.risk_free_rate = args.risk_free;
  options.attribution_benchmark = args.attribution_benchmark;
  auto trading = read_trading(*config, args.config);
  if (!trading) return report_error(trading.status());
  options.costs = std::move(*trading);

  std::optional<AssetMetadata> metadata;
  if (!args.metadata.empty()) {
    auto m = read_metadata(args.metadata);
    if (!m) return report_error(m.status());
    metadata = std::move(*m);
  }
  if (!args.market_caps_history.empty()) {
    // Point-in-time caps: a wide CSV like a price file (date, one column per asset).
    ReadOptions read_caps;
    read_caps.zero_as_missing = true;  // a zero cap means "unknown" in cap files
    auto history = read_prices(args.market_caps_history, read_caps);
    if (!history) return report_error(history.status().with_context("--market-caps-history"));
    options.market_cap_dates = history->timestamps;
    options.market_cap_history = Eigen::MatrixXd::Constant(
        history->rows(), panel.cols(), std::numeric_limits<double>::quiet_NaN());
    int matched = 0;
    for (Eigen::Index i = 0; i < panel.cols(); ++i) {
      if (auto c = history->asset_index(panel.assets[static_cast<std::size_t>(i)])) {
        options.market_cap_history.col(i) = history->prices.col(*c);
        ++matched;
      }
    }
    if (matched == 0) {
      return report_error(Status::invalid(args.market_caps_history +
                                          ": no column matches an asset of the price file"));
    }
  } else if (!args.market_caps.empty()) {
    auto caps = read_labeled_vector(args.market_caps);
    if (!caps) return report_error(caps.status());
    auto aligned = align_to(*caps, panel.assets, true, args.market_caps);
    if (!aligned) return report_error(aligned.status());
    options.market_caps = *aligned;
  } else if (metadata) {
    Eigen::VectorXd caps = Eigen::VectorXd::Zero(panel.cols());
    bool any = false;
    for (Eigen::Index i = 0; i < panel.cols(); ++i) {
      if (const AssetInfo* info = metadata->find(panel.assets[static_cast<std::size_t>(i)])) {
        caps(i) = info->market_cap;
        any = any || info->market_cap > 0.0;
      }
    }
    if (any) options.market_caps = caps;
  }
  if (metadata) {
    // Lot sizes and minimum notionals for strategies with lots = true (0 = unknown: the default).
    for (const auto& asset : panel.assets) {
      TradingRules rules{.lot_size = 1e-8};
      if (const AssetInfo* info = metadata->find(asset)) {
        if (info->lot_size > 0.0) rules.lot_size = info->lot_size;
        rules.min_notional = info->min_notional;
        rules.min_quantity = info->min_quantity;
      }
      options.trading_rules.push_back(rules);
    }
  }
  if (!args.group_tag.empty()) {
    if (!metadata) {
      return report_error(Status::invalid("--group-tag needs --metadata FILE with that column"));
    }
    for (const auto& asset : panel.assets) {
      auto tag = metadata->tag(asset, args.group_tag);
      if (!tag && !metadata->has_tag_field(args.group_tag)) {
        return report_error(
            Status::invalid("--group-tag '" + args.group_tag +
                            "' is unknown; use sector, chain, protocol, stablecoin or a column of "
                            "the metadata file"));
      }
      options.groups.push_back(tag && !tag->empty() ? *tag : "unknown");
    }
  }

  std::vector<Strategy> strategies;
  for (const char* section : {"strategy", "benchmark"}) {
    if (!config->contains(section)) continue;
    const toml::array* list = (*config)[section].as_array();
    if (list == nullptr) {
      return report_error(Status::invalid(args.config + ": '" + section + "' must be written [[" +
                                          section + "]] (an array of tables)"));
    }
    for (const auto& item : *list) {
      const toml::table* t = item.as_table();
      if (t == nullptr) {
        return report_error(Status::invalid(toml_where(args.config, item) + ": [[" + section +
                                            "]] entries are tables"));
      }
      auto s = read_strategy(*t, item, args.config, strategy_defaults(args), panel.assets,
                             std::string(section) == "benchmark");
      if (!s) return report_error(s.status());
      strategies.push_back(std::move(*s));
    }
  }
  if (strategies.empty()) {
    return report_error(
        Status::invalid(args.config + ": no [[strategy]] or [[benchmark]] entries"));
  }

  Context context;
  context.set_threads(args.threads);
  const bool show_progress = !args.quiet && isatty(STDERR_FILENO) != 0;
  ProgressCallback progress;
  if (show_progress) {
    progress = [](double fraction) {
      const int width = 40;
      const int filled = static_cast<int>(fraction * width);
      std::fprintf(stderr, "\rbacktest [%s%s] %3d%%",
                   std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                   static_cast<int>(fraction * 100.0));
      std::fflush(stderr);
    };
  }
  auto result = run_backtest(panel, strategies, options, context, progress);
  if (show_progress) std::fprintf(stderr, "\r%60s\r", "");
  if (!result) return report_error(result.status());

  Json doc = backtest_to_json(*result, args.include_weights);
  doc["inputs"] = inputs_json(*market);
  doc["settings"] = {{"window", args.window},
                     {"expanding", args.expanding},
                     {"min_history", args.min_history > 0 ? args.min_history : args.window},
                     {"lag", args.lag},
                     {"initial_value", json_number(args.initial_value)},
                     {"risk_free", json_number(args.risk_free)},
                     {"turnover_definition",
                      "sum over assets of |w_after - w_before| at each execution (two-sided)"},
                     {"cost_definition",
                      "cost_bps_per_year = 1e4 * costs_total_value / mean(equity) * "
                      "periods_per_year / periods; costs = fees + spread + impact + financing"}};
  doc["diagnostics"] = {{"elapsed_ms", json_number(result->elapsed_ms)}};
  const int written = emit(
      doc, [&](std::ostream& out) { print_summary(*result, out); }, args.output);
  if (written != 0 || args.report.empty()) return written;
  report::BacktestReportInput report_input;
  report_input.meta = report_meta(doc["inputs"]);
  return write_report(report::backtest_report(*result, report_input), args.report);
}

}  // namespace

Verb register_backtest(CLI::App& app) {
  auto args = std::make_shared<BacktestArgs>();
  CLI::App* cmd = app.add_subcommand("backtest", "Walk-forward backtest of strategies with costs");
  cmd->footer(R"(Example:
  keel backtest --prices prices.csv --config strategies.toml --metadata meta.csv -o result.json

strategies.toml:
  window = 365                 # estimation window (periods); top-level keys are options
  rebalance = "weekly"         # default schedule: every:K, weekly, monthly, drift:B, never
  [trading]
  fee_bps = 10                 # plus half_spread_bps, use_data_spreads, impact_coefficient,
  impact_coefficient = 0.1     #   impact_exponent (0.5), adv_window, min_trade_value,
  short_rate = 0.05            #   short_rate/borrow_rate/cash_rate: annual number or
                               #   {file = "funding.csv", column = "funding_mean", scale = -3}
  [[strategy]]
  name = "max-sharpe"
  model = "max-sharpe"         # any model of `keel optimize`
  cov = "ledoit-wolf-constant-correlation"  # the default; mu, cov as in `keel optimize`
  max_weight = 0.2             # bounds, budget, [strategy.constraints], [[strategy.groups]], ...
  fallback = "equal-weight"    # keep-previous, equal-weight or a model name
  cost_aware = false
  [[benchmark]]
  name = "BTC"
  kind = "buy-and-hold"
  asset = "BTC"
  [[benchmark]]
  name = "equal-weight"
  model = "equal-weight"
  rebalance = "monthly"

Decisions use data up to each decision close; trades execute `lag` periods later at that close.
Missing prices are kept (--missing pairwise, the default here): an asset enters the universe after
--min-history consecutive returns and a position whose prices stop is sold at its last price.
Use --missing ffill:N to carry prices over short gaps instead.)");
  // Gaps stay gaps by default: the engine's universe follows listings (eligible after
  // min_history) and exits positions whose prices stop. --missing ffill:N fills short gaps first.
  args->prices.missing = "pairwise";
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  add_config_option(*cmd, args->config);
  cmd->add_option("--window", args->window, "Estimation window in periods")->capture_default_str();
  cmd->add_flag("--expanding", args->expanding, "Use all history up to each decision");
  cmd->add_option("--min-history", args->min_history,
                  "Consecutive returns an asset needs to be eligible (default: the window)");
  cmd->add_option("--lag", args->lag, "Periods from decision to execution (>= 1)")
      ->capture_default_str();
  cmd->add_option("--rebalance", args->rebalance,
                  "Default schedule: every:K, weekly, monthly, drift:B, never")
      ->capture_default_str();
  cmd->add_option("--initial-value", args->initial_value, "Starting capital (quote currency)")
      ->capture_default_str();
  add_risk_free_option(*cmd, args->risk_free);
  cmd->add_option("--metadata", args->metadata, "Asset metadata CSV (groups, market caps)");
  cmd->add_option("--market-caps", args->market_caps,
                  "CSV asset,market_cap (market-cap models): one static snapshot");
  cmd->add_option("--market-caps-history", args->market_caps_history,
                  "Point-in-time market caps: wide CSV date,ASSET1,... (used as of each decision)");
  cmd->add_option("--group-tag", args->group_tag,
                  "Metadata tag for group attribution: sector, chain, ...");
  cmd->add_option("--attribution-benchmark", args->attribution_benchmark,
                  "Benchmark strategy for Brinson-Fachler (default: the first benchmark)");
  cmd->add_option("--threads", args->threads, "Threads (0 = all cores)")->capture_default_str();
  cmd->add_flag("--quiet", args->quiet, "No progress bar");
  add_report_option(*cmd, args->report);
  cmd->add_flag("--include-weights", args->include_weights,
                "Write the weights time series in the JSON");
  return {cmd, [cmd, args] { return run_backtest_verb(*cmd, *args); }};
}

}  // namespace keel::cli
