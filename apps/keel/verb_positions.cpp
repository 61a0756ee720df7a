// keel positions: a book of spot, LP, perpetual and option positions valued at the last prices,
// its greeks by underlying and its risk from fully revalued scenarios (docs/positions.md). Reads
// the files, calls keel::analyze_positions, prints or writes the result.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/metadata.hpp"
#include "keel/defi/amm_position.hpp"
#include "keel/defi/positions.hpp"
#include "keel/report/positions_report.hpp"
#include "positions_config.hpp"
#include "report_option.hpp"
#include "stress_config.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct PositionsArgs {
  PriceInputOptions prices;
  OutputOptions output;
  std::string book;
  ScenarioArgs scenarios;
  double alpha = 0.95;
  bool delta_gamma = false;
  std::string report;
  std::string shocks;
  std::string metadata;
  std::vector<std::string> replay;
  double max_participation = 0.1;
};

// --replay items: "all", built-in window names (comma-separated), NAME:START:END or START:END
// (named "START..END").
Result<std::vector<ReplayRequest>> replay_requests(const std::vector<std::string>& items) {
  std::vector<std::string> names;
  std::vector<StressWindow> custom;
  bool all = false;
  for (const std::string& item : items) {
    const auto colons = std::count(item.begin(), item.end(), ':');
    if (item == "all") {
      all = true;
    } else if (colons == 0) {
      names.push_back(item);
    } else {
      const std::string text = colons == 1 ? item.substr(0, item.find(':')) + ".." +
                                                 item.substr(item.find(':') + 1) + ":" + item
                                           : item;
      auto window = parse_stress_window(text);
      if (!window) return window.status().with_context("--replay " + item);
      custom.push_back(*window);
    }
  }
  std::string selection = all ? "all" : "none";
  if (!all && !names.empty()) {
    selection.clear();
    for (const std::string& n : names) selection += (selection.empty() ? "" : ",") + n;
  }
  auto requests = select_stress_windows(selection, custom);
  if (!requests) return requests.status().with_context("--replay");
  return requests;
}

std::string format_signed(double value, int decimals) {
  if (!std::isfinite(value)) return value > 0 ? "inf" : (value < 0 ? "-inf" : "n/a");
  return format_fixed(value, decimals);
}

// A loan's health, each collateral's liquidation price and its liquidation ladder.
void print_loan(const Book& book, std::size_t p, const LoanDetails& d, std::ostream& out) {
  const auto& loan = std::get<LoanPosition>(book.positions[p].spec);
  out << "loan '" << book.positions[p].name << "' (" << d.protocol << "): health factor "
      << format_signed(d.health_factor, 4) << ", collateral " << format_fixed(d.collateral_value, 2)
      << ", debt " << format_fixed(d.debt_value, 2) << "; liquidations lower the health factor "
      << "once it is below " << format_fixed(d.toxic_health_factor, 4) << " (LT (1 + bonus))\n";
  for (std::size_t i = 0; i < d.collateral.size(); ++i) {
    const LoanCollateralDetails& c = d.collateral[i];
    out << "  " << c.asset << " " << format_fixed(loan.collateral[i].amount, 6) << " (LT "
        << format_percent(loan.collateral[i].liquidation_threshold, 2) << ", bonus "
        << format_percent(loan.collateral[i].liquidation_bonus, 2) << "): liquidation price "
        << format_signed(c.liquidation_price, 2);
    if (c.liquidation_price > 0.0 && std::isfinite(c.liquidation_price)) {
      out << " (" << format_percent(c.distance, 1) << ")";
    }
    out << "\n";
    if (c.ladder.empty()) continue;
    out << "  ladder as " << c.asset << " falls (other prices fixed):\n";
    Table ladder;
    ladder.add_column("price");
    ladder.add_column("HF before");
    ladder.add_column("HF after");
    ladder.add_column("repaid");
    ladder.add_column("seized");
    ladder.add_column(c.asset + " left");
    ladder.add_column("bad debt");
    constexpr std::size_t kShown = 12;
    for (std::size_t k = 0; k < c.ladder.size() && k < kShown; ++k) {
      const LadderStep& s = c.ladder[k];
      ladder.add_row({format_fixed(s.price, 2), format_signed(s.health_factor_before, 4),
                      format_signed(s.health_factor_after, 4), format_fixed(s.debt_repaid_value, 2),
                      format_fixed(s.collateral_seized_value, 2),
                      format_fixed(s.collateral_left[i], 6), format_fixed(s.bad_debt, 2)});
    }
    ladder.render(out);
    if (c.ladder.size() > kShown) {
      out << "  (" << c.ladder.size() - kShown << " more steps in --format json)\n";
    }
  }
}

int run_positions(PositionsArgs& args) {
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  auto file = read_positions_file(args.book);
  if (!file) return report_error(file.status());
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  if (Status s = resolve_book(file->book, *market); !s.is_ok()) return report_error(s);

  const PositionsOptions options = positions_options(args.scenarios, args.alpha, args.delta_gamma);
  auto analysis = analyze_positions(file->book, *market, options);
  if (!analysis) return report_error(analysis.status());
  for (const auto& w : analysis->warnings) std::cerr << "keel: warning: " << w << "\n";

  std::vector<BookShock> shocks;
  if (!args.shocks.empty()) {
    auto scenarios = read_shock_file(args.shocks);
    if (!scenarios) return report_error(scenarios.status());
    std::optional<AssetMetadata> metadata;
    if (!args.metadata.empty()) {
      auto read = read_metadata(args.metadata);
      if (!read) return report_error(read.status());
      metadata = std::move(*read);
    }
    auto stressed = stress_book(file->book, *analysis, *scenarios, metadata ? &*metadata : nullptr);
    if (!stressed) return report_error(stressed.status().with_context(args.shocks));
    shocks = std::move(*stressed);
    for (const BookShock& shock : shocks) {
      for (const auto& w : shock.warnings) {
        std::cerr << "keel: warning: scenario '" << shock.name << "': " << w << "\n";
      }
    }
  }

  auto liquidity =
      book_liquidity(file->book, *analysis, *market,
                     BookLiquidityOptions{.max_participation = args.max_participation});
  if (!liquidity) return report_error(liquidity.status());

  std::vector<BookReplay> replays;
  if (!args.replay.empty()) {
    auto requests = replay_requests(args.replay);
    if (!requests) return report_error(requests.status());
    auto replayed = replay_book(file->book, *analysis, *market, *requests);
    if (!replayed) return report_error(replayed.status());
    replays = std::move(*replayed);
  }

  Json doc;
  doc["inputs"] = inputs_json(*market);
  doc["inputs"]["book"] = args.book;
  if (!args.shocks.empty()) doc["inputs"]["shocks"] = args.shocks;
  const Json body = positions_json(file->book, *analysis);
  for (const auto& [key, value] : body.items()) doc[key] = value;
  if (!shocks.empty()) doc["stress"] = stress_json(file->book, shocks);
  if (!args.replay.empty()) doc["replay"] = replay_json(file->book, *analysis, replays);
  doc["liquidity"] = liquidity_json(*analysis, *liquidity);
  Json& diagnostics = doc["diagnostics"];
  diagnostics["repairs"] = Json::array();
  for (const auto& r : market->repairs) diagnostics["repairs"].push_back(r.to_json());

  const Book& book = file->book;
  const PositionsAnalysis& a = *analysis;
  const int emitted = emit(
      doc,
      [&](std::ostream& out) {
        out << "Book " << args.book << " valued at " << format_timestamp(a.as_of) << " prices ("
            << book.quote_currency << ")\n\n";
        Table table;
        table.add_column("position", Align::kLeft);
        table.add_column("kind", Align::kLeft);
        table.add_column("value");
        table.add_column("delta", Align::kLeft);
        table.add_column("ES contribution");
        for (std::size_t p = 0; p < book.positions.size(); ++p) {
          const PositionValue& v = a.valuation.positions[p];
          std::string deltas;
          for (const UnderlyingExposure& e : v.exposures) {
            deltas += (deltas.empty() ? "" : ", ") + e.underlying + " " + format_signed(e.delta, 4);
          }
          table.add_row(
              {book.positions[p].name, std::string(to_string(kind_of(book.positions[p].spec))),
               format_fixed(v.value, 2), deltas, format_fixed(a.risk.es_contributions[p], 2)});
        }
        table.render(out);
        out << "\ncash " << format_fixed(a.valuation.cash, 2) << ", total value "
            << format_fixed(a.valuation.total_value, 2) << "\n\nNet exposure by underlying:\n";
        Table net;
        net.add_column("underlying", Align::kLeft);
        net.add_column("price");
        net.add_column("delta");
        net.add_column("delta value");
        net.add_column("gamma");
        for (std::size_t j = 0; j < a.valuation.net_exposures.size(); ++j) {
          const UnderlyingExposure& e = a.valuation.net_exposures[j];
          const double price = a.prices[j];
          net.add_row({e.underlying, format_fixed(price, 4), format_signed(e.delta, 6),
                       format_fixed(e.delta * price, 2), format_signed(e.gamma, 8)});
        }
        net.render(out);
        out << "options: vega " << format_fixed(a.valuation.vega / 100.0, 2)
            << " per vol point, theta " << format_fixed(a.valuation.theta / 365.0, 2)
            << " per day\n";
        for (std::size_t p = 0; p < book.positions.size(); ++p) {
          if (a.perps[p]) {
            out << "perp '" << book.positions[p].name << "': liquidation price "
                << format_signed(a.perps[p]->liquidation_price, 2) << ", margin ratio "
                << format_fixed(a.perps[p]->margin_ratio, 4) << ", funding "
                << format_fixed(a.perps[p]->funding_per_day_quote, 2) << " per day (+ = paid)\n";
          }
          if (p < a.loans.size() && a.loans[p]) print_loan(book, p, *a.loans[p], out);
          if (a.lps[p]) {
            out << "LP '" << book.positions[p].name << "': tokens";
            for (double x : a.lps[p]->token_amounts) out << " " << format_fixed(x, 6);
            out << ", LVR " << format_fixed(a.lps[p]->lvr_rate, 2) << " per year at pool vol "
                << format_percent(a.lps[p]->volatility) << ", P(leave range over horizon) "
                << (std::isfinite(a.lps[p]->range_exit_probability)
                        ? format_percent(a.lps[p]->range_exit_probability)
                        : std::string("n/a"))
                << "\n";
          }
        }
        const std::vector<LiquidationDistance> distances = liquidation_distances(book, a);
        if (!distances.empty()) {
          out << "\nLiquidation distances (loans and perpetuals; health = HF or 1 / margin ratio, "
                 "1 at liquidation):\n";
          Table dist;
          dist.add_column("position", Align::kLeft);
          dist.add_column("kind", Align::kLeft);
          dist.add_column("asset", Align::kLeft);
          dist.add_column("price");
          dist.add_column("liquidation price");
          dist.add_column("distance");
          dist.add_column("health");
          for (const LiquidationDistance& d : distances) {
            const bool finite_liq = d.liquidation_price > 0.0 && std::isfinite(d.liquidation_price);
            dist.add_row({d.position, d.kind, d.asset, format_fixed(d.price, 4),
                          format_signed(d.liquidation_price, 4),
                          finite_liq ? format_percent(d.distance, 1) : std::string("none"),
                          format_signed(d.health, 4)});
          }
          dist.render(out);
        }
        out << "\nRisk over " << a.horizon << " period(s) ("
            << format_fixed(a.horizon_years * 365.0, 2) << " days), " << a.risk.scenarios << " "
            << to_string(a.scenario_method) << " scenarios, "
            << (a.revaluation.delta_gamma ? "DELTA-GAMMA APPROXIMATION" : "full revaluation")
            << ":\nVaR " << format_percent(a.risk.confidence, 0) << " "
            << format_fixed(a.risk.var, 2) << ", ES " << format_fixed(a.risk.es, 2) << ", worst "
            << format_fixed(-a.risk.worst_pnl, 2) << " (losses positive, " << book.quote_currency
            << ")\n";
        if (liquidity->computed) {
          out << "Liquidity-adjusted VaR (square-root impact on the spot and LP token legs, "
              << format_percent(args.max_participation, 0) << " of daily volume): LVaR "
              << format_fixed(liquidity->lvar, 2) << " = VaR + liquidation cost "
              << format_fixed(liquidity->liquidity_cost, 2) << ", up to "
              << format_fixed(liquidity->max_liquidation_days, 0) << " day(s) to sell\n";
        }
        if (!shocks.empty()) {
          out << "\nStress scenarios (shocked prices, every position revalued; P&L in "
              << book.quote_currency << "):\n";
          Table stress;
          stress.add_column("scenario", Align::kLeft);
          stress.add_column("book P&L");
          for (const BookPosition& position : book.positions) stress.add_column(position.name);
          for (const BookShock& shock : shocks) {
            std::vector<std::string> row = {shock.name, format_fixed(shock.pnl, 2)};
            for (double x : shock.position_pnl) row.push_back(format_fixed(x, 2));
            stress.add_row(row);
          }
          stress.render(out);
        }
        if (!replays.empty()) {
          out << "\nCrash replays (each asset's move over the window applied to today's prices, "
                 "every position revalued after the window; P&L in "
              << book.quote_currency << "):\n";
          Table replay;
          replay.add_column("window", Align::kLeft);
          replay.add_column("dates", Align::kLeft);
          replay.add_column("book P&L");
          for (const BookPosition& position : book.positions) replay.add_column(position.name);
          for (const BookReplay& r : replays) {
            std::vector<std::string> row = {
                r.window.name,
                format_timestamp(r.window.start) + " .. " + format_timestamp(r.window.end)};
            if (r.outcome != ReplayOutcome::kReplayed) {
              row.push_back(std::string(to_string(r.outcome)));
              for (std::size_t p = 0; p < book.positions.size(); ++p) row.push_back("");
            } else {
              row.push_back(format_fixed(r.pnl, 2));
              for (double x : r.position_pnl) row.push_back(format_fixed(x, 2));
            }
            replay.add_row(row);
          }
          replay.render(out);
          for (const BookReplay& r : replays) {
            if (!r.reason.empty()) out << "  " << r.window.name << ": " << r.reason << "\n";
          }
        }
      },
      args.output);
  if (emitted != 0) return emitted;
  report::PositionsReportInput report_input{
      .meta = report_meta(doc["inputs"]), .book_source = args.book, .book = &book, .analysis = &a};
  return write_report(report::positions_report(report_input), args.report);
}

}  // namespace

Verb register_positions(CLI::App& app) {
  auto args = std::make_shared<PositionsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "positions",
      "Value a book of spot, LP, perpetual and option positions; greeks and scenario risk");
  cmd->footer(
      "Example:\n  keel positions --book book.toml --prices prices.csv\n"
      "  keel positions --book book.toml --prices prices.csv --horizon 7 --alpha 0.99 "
      "--format json\n"
      "  keel positions --book book.toml --prices prices.csv --report positions.html\n"
      "  keel positions --book book.toml --prices prices.csv --replay covid-crash-2020 \\\n"
      "      --replay dip:2021-05-12:2021-05-23\n"
      "The book format is in docs/positions.md.");
  cmd->add_option("--book", args->book, "Positions book (TOML; docs/positions.md)")->required();
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  add_scenario_options(*cmd, args->scenarios);
  cmd->add_option("--alpha", args->alpha, "Confidence level of VaR and ES")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  cmd->add_option("--shocks", args->shocks,
                  "Hypothetical shock scenarios (the TOML of keel stress --shocks) to revalue the "
                  "book under");
  cmd->add_option("--metadata", args->metadata,
                  "Asset metadata CSV, for shocks on groups (sector:, chain:, stablecoin)");
  cmd->add_option("--replay", args->replay,
                  "Crash windows to replay on the book (repeatable): all, built-in names "
                  "(covid-crash-2020, ...), NAME:START:END or START:END")
      ->delimiter(',');
  cmd->add_option("--max-participation", args->max_participation,
                  "Liquidity-adjusted VaR: largest fraction of daily volume sold per day")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cmd->add_flag("--delta-gamma", args->delta_gamma,
                "Approximate scenario P&L by delta and gamma instead of repricing (labelled)");
  add_report_option(*cmd, args->report);
  return {cmd, [args] { return run_positions(*args); }};
}

}  // namespace keel::cli
