// keel lp-backtest: a walk-forward backtest of a Uniswap v3 range position on demeter minute bars
// with observed fees, divergence loss, LVR and optional re-centring (docs/lp_backtest.md). Reads
// the files, calls keel::lp_backtest, prints or writes the result.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/defi/lp_backtest.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct LpBacktestArgs {
  OutputOptions output;
  std::vector<std::string> pool;
  int decimals0 = 18;
  int decimals1 = 18;
  double fee_tier = 0.003;
  int tick_spacing = 1;
  double range_lower = 0.0;
  double range_upper = 0.0;
  double range_width = 0.0;
  double capital = 1.0;
  int recentre_after = 0;
  double slippage = 0.0;
  std::string numeraire = "token1";
  bool series = false;
};

// Ticks are reported in the pool's own orientation: seen from token0 the backtest ran on negated
// ticks, so its [lower, upper) is the pool's (-upper, -lower].
Json summary_json(const LpBacktestSummary& s, bool in_token0) {
  Json j;
  j["start"] = format_timestamp(s.start, false);
  j["end"] = format_timestamp(s.end, false);
  j["days"] = json_number(s.days);
  j["bars"] = s.bars;
  j["tick_lower"] = in_token0 ? -s.tick_upper : s.tick_lower;
  j["tick_upper"] = in_token0 ? -s.tick_lower : s.tick_upper;
  j["price_lower"] = json_number(s.price_lower);
  j["price_upper"] = json_number(s.price_upper);
  j["liquidity"] = json_number(s.liquidity);
  j["initial_value"] = json_number(s.initial_value);
  j["final_value"] = json_number(s.final_value);
  j["held_value"] = json_number(s.held_value);
  j["fees0"] = json_number(s.fees0);
  j["fees1"] = json_number(s.fees1);
  j["fees_value"] = json_number(s.fees_value);
  j["fee_apr"] = json_number(s.fee_apr);
  j["divergence_loss"] = json_number(s.divergence_loss);
  j["lvr"] = json_number(s.lvr);
  j["rebalancing_gain"] = json_number(s.rebalancing_gain);
  j["net_vs_hold"] = json_number(s.net_vs_hold);
  j["time_in_range"] = json_number(s.time_in_range);
  j["recentrings"] = s.recentrings;
  j["costs"] = json_number(s.costs);
  return j;
}

int run_lp_backtest(LpBacktestArgs& args) {
  const bool by_width = args.range_width != 0.0;
  const bool by_prices = args.range_lower != 0.0 || args.range_upper != 0.0;
  if (by_width == by_prices) {
    return report_error(Status::invalid(
        "give the range either as --range-lower and --range-upper (token1 per token0) or as "
        "--range-width (a fraction around the start price), exactly one of the two"));
  }
  if (by_prices && !(args.range_lower > 0.0 && args.range_upper > args.range_lower)) {
    return report_error(Status::invalid(
        fmt::format("--range-lower {} must be > 0 and below --range-upper {}; swap or fix them",
                    args.range_lower, args.range_upper)));
  }
  const PoolSpec spec{.decimals0 = args.decimals0,
                      .decimals1 = args.decimals1,
                      .fee_rate = args.fee_tier,
                      .tick_spacing = args.tick_spacing};
  auto read = read_pool_bars(args.pool, spec);
  if (!read) return report_error(read.status());
  const bool in_token0 = args.numeraire == "token0";
  const PoolBars bars = in_token0 ? invert_pool_bars(*read) : *read;
  LpBacktestOptions options{.range_width = args.range_width,
                            .capital = args.capital,
                            .recentre_after = args.recentre_after,
                            .recentre_slippage = args.slippage};
  if (by_prices) {
    // The pool's prices are token1 per token0; seen from token0 the range is [1/upper, 1/lower].
    options.price_lower = in_token0 ? 1.0 / args.range_upper : args.range_lower;
    options.price_upper = in_token0 ? 1.0 / args.range_lower : args.range_upper;
  }
  auto result = lp_backtest(bars, options);
  if (!result) return report_error(result.status());
  const LpBacktestSummary& s = result->summary;

  // Names as the backtest sees them: with --numeraire token0 the pool's token0 is the unit.
  const std::string unit = in_token0 ? "token0" : "token1";
  const std::string other = in_token0 ? "token1" : "token0";
  Json doc;
  Json& inputs = doc["inputs"];
  inputs["pool"] = args.pool;
  inputs["decimals0"] = args.decimals0;
  inputs["decimals1"] = args.decimals1;
  inputs["fee_tier"] = args.fee_tier;
  inputs["tick_spacing"] = args.tick_spacing;
  inputs["numeraire"] = unit;
  if (by_prices) {
    inputs["range_lower"] = args.range_lower;
    inputs["range_upper"] = args.range_upper;
  } else {
    inputs["range_width"] = args.range_width;
  }
  inputs["capital"] = args.capital;
  inputs["recentre_after"] = args.recentre_after;
  inputs["slippage"] = args.slippage;
  doc["fees_source"] = s.fees_source;
  doc["units"] = {
      {"values", unit}, {"prices", unit + " per " + other}, {"fees0", other}, {"fees1", unit}};
  doc["summary"] = summary_json(s, in_token0);
  if (args.series) {
    Json rows = Json::array();
    const LpBacktestSeries& ser = result->series;
    for (std::size_t t = 0; t < ser.timestamps.size(); ++t) {
      rows.push_back({{"time", format_timestamp(ser.timestamps[t], false)},
                      {"price", json_number(ser.price[t])},
                      {"value", json_number(ser.value[t])},
                      {"fees0", json_number(ser.fees0[t])},
                      {"fees1", json_number(ser.fees1[t])},
                      {"held_value", json_number(ser.held_value[t])},
                      {"divergence_loss", json_number(ser.divergence_loss[t])},
                      {"lvr", json_number(ser.lvr[t])},
                      {"in_range", static_cast<bool>(ser.in_range[t])}});
    }
    doc["series"] = std::move(rows);
  }

  return emit(
      doc,
      [&](std::ostream& out) {
        out << "LP backtest, " << s.bars << " bars " << format_timestamp(s.start, false) << " .. "
            << format_timestamp(s.end, false) << " (" << format_fixed(s.days, 2)
            << " days), fees OBSERVED from pool swaps, values in " << unit << "\n"
            << "range pool ticks "
            << (in_token0 ? fmt::format("({}, {}]", -s.tick_upper, -s.tick_lower)
                          : fmt::format("[{}, {})", s.tick_lower, s.tick_upper))
            << " = prices [" << fmt::format("{:.6g}", s.price_lower) << ", "
            << fmt::format("{:.6g}", s.price_upper) << "] " << unit << " per " << other
            << ", liquidity " << fmt::format("{:.6g}", s.liquidity) << "\n\n";
        Table table;
        table.add_column("quantity", Align::kLeft);
        table.add_column("value");
        const auto row = [&](const std::string& name, double v, int decimals) {
          table.add_row({name, format_fixed(v, decimals)});
        };
        row("initial value", s.initial_value, 4);
        row("final value (without fees)", s.final_value, 4);
        row("held value", s.held_value, 4);
        row("fees in " + other, s.fees0, 6);
        row("fees in " + unit, s.fees1, 6);
        row("fees value", s.fees_value, 4);
        table.add_row({"fee APR (simple)", format_percent(s.fee_apr)});
        row("divergence loss", s.divergence_loss, 4);
        row("LVR", s.lvr, 4);
        row("net vs hold", s.net_vs_hold, 4);
        table.add_row({"time in range", format_percent(s.time_in_range)});
        table.add_row({"re-centrings", std::to_string(s.recentrings)});
        row("re-centring costs", s.costs, 4);
        table.render(out);
      },
      args.output);
}

}  // namespace

Verb register_lp_backtest(CLI::App& app) {
  auto args = std::make_shared<LpBacktestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "lp-backtest",
      "Backtest a Uniswap v3 range position on pool minute bars: observed fees, divergence loss, "
      "LVR");
  cmd->footer(
      "Example (Polygon USDC/WETH 0.05 %, +-10 % range, 100 000 USDC):\n"
      "  keel lp-backtest --pool ../shared/data/defi_demeter/polygon-0x45dd*-2023-08-1*.csv \\\n"
      "    --decimals0 6 --decimals1 18 --fee-tier 0.0005 --tick-spacing 10 \\\n"
      "    --numeraire token0 --range-width 0.1 --capital 100000\n"
      "The output is described in docs/lp_backtest.md.");
  cmd->add_option("--pool", args->pool, "demeter minute CSVs of one pool (any order)")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--decimals0", args->decimals0, "token0 decimals (USDC 6, WETH 18)")
      ->capture_default_str();
  cmd->add_option("--decimals1", args->decimals1, "token1 decimals")->capture_default_str();
  cmd->add_option("--fee-tier", args->fee_tier, "fee tier as a fraction (0.0005 = 0.05 %)")
      ->capture_default_str();
  cmd->add_option("--tick-spacing", args->tick_spacing,
                  "ranges snap outward to multiples (0.05 %: 10, 0.3 %: 60)")
      ->capture_default_str();
  cmd->add_option("--range-lower", args->range_lower, "range lower price, token1 per token0");
  cmd->add_option("--range-upper", args->range_upper, "range upper price, token1 per token0");
  cmd->add_option("--range-width", args->range_width,
                  "range [P0 (1 - w), P0 (1 + w)] around the start price (in the numeraire's "
                  "price)");
  cmd->add_option("--capital", args->capital, "capital deposited, in the numeraire token")
      ->capture_default_str();
  cmd->add_option("--recentre-after", args->recentre_after,
                  "re-centre after this many minutes out of range (0 = never)")
      ->capture_default_str();
  cmd->add_option("--slippage", args->slippage,
                  "re-centring slippage as a fraction of the swapped value (plus the fee tier)")
      ->capture_default_str();
  cmd->add_option("--numeraire", args->numeraire,
                  "token1 (the pool's price unit) or token0 (e.g. USDC for USDC/WETH)")
      ->check(CLI::IsMember({"token0", "token1"}))
      ->capture_default_str();
  cmd->add_flag("--series", args->series, "include the minute series in the JSON");
  add_output_options(*cmd, args->output);
  return {cmd, [args] { return run_lp_backtest(*args); }};
}

}  // namespace keel::cli
