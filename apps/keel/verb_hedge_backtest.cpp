// keel hedge-backtest: a walk-forward delta hedge with a linear perpetual of a spot holding or a
// range LP on one asset's price history, with funding from a daily series or a constant rate
// (docs/lp_backtest.md). Reads the files, calls keel::perp_hedge_backtest, prints or writes.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/defi/lp_backtest.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct HedgeBacktestArgs {
  PriceInputOptions prices;
  OutputOptions output;
  std::string asset;
  std::string hedged = "spot";
  double quantity = 1.0;
  double capital = 1.0;
  double range_lower = 0.0;
  double range_upper = 0.0;
  double range_width = 0.0;
  double fee_apr = 0.0;
  double hedge_ratio = 1.0;
  int rebalance_every = 1;
  double band = 0.0;
  double trading_fee = 0.0;
  std::string funding;
  double funding_rate = 0.0;
  bool funding_rate_given = false;
  double funding_interval_hours = 8.0;
  bool series = false;
};

int run_hedge_backtest(HedgeBacktestArgs& args) {
  if (args.funding.empty() == !args.funding_rate_given) {
    return report_error(Status::invalid(
        "give the hedge's funding either as --funding FILE (a daily series: date,funding_mean, "
        "as ../shared/data/derivatives_funding/btc_perp_funding_daily.csv) or as --funding-rate "
        "R (a constant rate per funding interval; 0 for none), exactly one of the two"));
  }
  PerpHedgeOptions options{.kind = args.hedged == "lp" ? HedgedKind::kLp : HedgedKind::kSpot,
                           .quantity = args.quantity,
                           .lp = {.price_lower = args.range_lower,
                                  .price_upper = args.range_upper,
                                  .range_width = args.range_width,
                                  .capital = args.capital,
                                  .recentre_after = 0,
                                  .recentre_slippage = 0.0,
                                  .fee_apr = args.fee_apr},
                           .hedge_ratio = args.hedge_ratio,
                           .rebalance_every = args.rebalance_every,
                           .band = args.band,
                           .trading_fee = args.trading_fee,
                           .funding_interval_hours = args.funding_interval_hours};
  if (Status s = options.validate(); !s) return report_error(s);

  args.prices.assets = {args.asset};
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  const PricePanel& panel = market->panel;
  const std::vector<double> prices(panel.prices.col(0).data(),
                                   panel.prices.col(0).data() + panel.rows());
  std::vector<double> rates;
  if (args.funding.empty()) {
    rates.assign(prices.size() - 1, args.funding_rate);
  } else {
    auto daily = read_daily_funding(args.funding);
    if (!daily) return report_error(daily.status());
    auto per_period = funding_rates_for_periods(panel.timestamps, daily->days, daily->values);
    if (!per_period) return report_error(per_period.status().with_context(args.funding));
    rates = std::move(*per_period);
  }
  auto result = perp_hedge_backtest(panel.timestamps, prices, rates, options);
  if (!result) return report_error(result.status());
  const PerpHedgeResult& r = *result;

  // Built apart and moved in: a reference into `doc` would not survive later insertions (the
  // ordered map is a vector).
  Json inputs = inputs_json(*market);
  inputs["asset"] = args.asset;
  inputs["hedged"] = args.hedged;
  if (options.kind == HedgedKind::kSpot) {
    inputs["quantity"] = args.quantity;
  } else {
    inputs["capital"] = args.capital;
    inputs["range_lower"] = args.range_lower > 0.0 ? Json(args.range_lower) : Json(nullptr);
    inputs["range_upper"] = args.range_upper > 0.0 ? Json(args.range_upper) : Json(nullptr);
    inputs["range_width"] = args.range_width > 0.0 ? Json(args.range_width) : Json(nullptr);
    inputs["fee_apr"] = args.fee_apr;
  }
  inputs["hedge_ratio"] = args.hedge_ratio;
  inputs["rebalance_every"] = args.rebalance_every;
  inputs["band"] = args.band;
  inputs["trading_fee"] = args.trading_fee;
  inputs["funding"] = args.funding.empty() ? Json(nullptr) : Json(args.funding);
  inputs["funding_rate"] = args.funding.empty() ? Json(args.funding_rate) : Json(nullptr);
  inputs["funding_interval_hours"] = args.funding_interval_hours;
  Json out;
  out["unhedged_pnl"] = json_number(r.position_pnl);
  out["lp_fees"] = json_number(r.lp_fees);
  out["hedge_pnl"] = json_number(r.hedge_pnl);
  out["funding_paid"] = json_number(r.funding_paid);
  out["trading_costs"] = json_number(r.trading_costs);
  out["net_pnl"] = json_number(r.net);
  out["rebalances"] = r.rebalances;
  Json doc;
  doc["inputs"] = std::move(inputs);
  if (options.kind == HedgedKind::kLp) doc["fees_source"] = "modelled";
  doc["result"] = std::move(out);
  if (args.series) {
    Json rows = Json::array();
    for (std::size_t t = 0; t < r.net_cumulative.size(); ++t) {
      rows.push_back({{"time", format_timestamp(panel.timestamps[t])},
                      {"price", json_number(prices[t])},
                      {"net_cumulative", json_number(r.net_cumulative[t])},
                      {"perp_position", t < r.perp_position.size() ? json_number(r.perp_position[t])
                                                                   : Json(nullptr)}});
    }
    doc["series"] = rows;
  }
  return emit(
      doc,
      [&](std::ostream& o) {
        o << "Perp hedge of " << (options.kind == HedgedKind::kSpot ? "spot " : "a range LP on ")
          << args.asset << ", " << format_timestamp(panel.timestamps.front()) << " .. "
          << format_timestamp(panel.timestamps.back()) << " (" << panel.rows()
          << " prices), funding "
          << (args.funding.empty() ? fmt::format("{:g} per interval", args.funding_rate)
                                   : args.funding)
          << "\n\n";
        Table table;
        table.add_column("quote currency", Align::kLeft);
        table.add_column("P&L");
        const auto row = [&](const std::string& name, double v) {
          table.add_row({name, format_fixed(v, 2)});
        };
        row("position (unhedged)", r.position_pnl);
        if (options.kind == HedgedKind::kLp) row("  of which LP fees (modelled)", r.lp_fees);
        row("perp hedge", r.hedge_pnl);
        row("funding (received +, paid -)", -r.funding_paid);
        row("trading costs", -r.trading_costs);
        row("net (hedged)", r.net);
        table.add_row({"rebalances", std::to_string(r.rebalances)});
        table.render(o);
      },
      args.output);
}

}  // namespace

Verb register_hedge_backtest(CLI::App& app) {
  auto args = std::make_shared<HedgeBacktestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hedge-backtest",
      "Backtest a perpetual delta hedge of spot or a range LP over a price history, with funding");
  cmd->footer(
      "Example (1 BTC hedged daily with the BTC perpetual, funding from the daily series):\n"
      "  keel hedge-backtest --prices prices.csv --asset BTC \\\n"
      "    --funding ../shared/data/derivatives_funding/btc_perp_funding_daily.csv\n"
      "The output is described in docs/lp_backtest.md.");
  add_price_options(*cmd, args->prices, /*prices_required=*/true, /*numeric=*/true);
  cmd->add_option("--asset", args->asset, "the price column of the hedged coin (e.g. BTC)")
      ->required();
  cmd->add_option("--hedged", args->hedged, "what is hedged: spot coins or a range LP")
      ->check(CLI::IsMember({"spot", "lp"}))
      ->capture_default_str();
  cmd->add_option("--quantity", args->quantity, "spot: coins held (signed)")->capture_default_str();
  cmd->add_option("--capital", args->capital, "lp: capital deposited, quote currency")
      ->capture_default_str();
  cmd->add_option("--range-lower", args->range_lower, "lp: range lower price");
  cmd->add_option("--range-upper", args->range_upper, "lp: range upper price");
  cmd->add_option("--range-width", args->range_width,
                  "lp: range [P0 (1 - w), P0 (1 + w)] around the first price");
  cmd->add_option("--fee-apr", args->fee_apr, "lp: modelled fee rate a year while in range")
      ->capture_default_str();
  cmd->add_option("--hedge-ratio", args->hedge_ratio, "perp = -ratio x delta of the position")
      ->capture_default_str();
  cmd->add_option("--rebalance-every", args->rebalance_every,
                  "re-hedge every N periods (0 = only on the band)")
      ->capture_default_str();
  cmd->add_option("--band", args->band,
                  "also re-hedge when the delta gap exceeds this fraction of the position value")
      ->capture_default_str();
  cmd->add_option("--trading-fee", args->trading_fee,
                  "perp taker fee, a fraction of the notional traded")
      ->capture_default_str();
  cmd->add_option("--funding", args->funding, "daily funding series CSV (date,funding_mean)");
  cmd->add_option("--funding-rate", args->funding_rate, "constant funding rate per interval")
      ->each([args](const std::string&) { args->funding_rate_given = true; });
  cmd->add_option("--funding-interval-hours", args->funding_interval_hours,
                  "hours between funding payments")
      ->capture_default_str();
  cmd->add_flag("--series", args->series, "include the per-period series in the JSON");
  add_output_options(*cmd, args->output);
  return {cmd, [args] { return run_hedge_backtest(*args); }};
}

}  // namespace keel::cli
