// keel hedge: choose quantities of candidate perpetuals and options that minimise the CVaR (or
// variance) of a book's fully revalued scenario P&L under budgets and delta/vega bands
// (docs/positions.md). Reads the files, calls keel::analyze_positions and keel::hedge_book,
// prints or writes the result.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/defi/hedging.hpp"
#include "keel/report/positions_report.hpp"
#include "positions_config.hpp"
#include "report_option.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct HedgeArgs {
  PriceInputOptions prices;
  OutputOptions output;
  std::string book;
  std::string hedges;
  ScenarioArgs scenarios;
  std::string report;
};

Json risk_json(const BookRisk& r) {
  return {{"var", json_number(r.var)},
          {"es", json_number(r.es)},
          {"mean_pnl", json_number(r.mean_pnl)},
          {"worst_pnl", json_number(r.worst_pnl)}};
}

int run_hedge(HedgeArgs& args) {
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  auto file = read_positions_file(args.book);
  if (!file) return report_error(file.status());
  auto hedges = read_hedges_file(args.hedges, file->book.quote_currency);
  if (!hedges) return report_error(hedges.status());
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  if (Status s = resolve_book(file->book, *market); !s.is_ok()) return report_error(s);
  const PositionsOptions options =
      positions_options(args.scenarios, hedges->options.solver.confidence, false);
  auto analysis = analyze_positions(file->book, *market, options);
  if (!analysis) return report_error(analysis.status());
  auto hedge = hedge_book(*analysis, hedges->candidates, hedges->options);
  if (!hedge) return report_error(hedge.status().with_context(args.hedges));
  const HedgeResult& result = hedge->result;

  Json doc;
  doc["inputs"] = inputs_json(*market);
  doc["inputs"]["book"] = args.book;
  doc["inputs"]["hedges"] = args.hedges;
  doc["status"] = std::string(to_string(result.status));
  if (!result.message.empty()) doc["message"] = result.message;
  doc["objective"] =
      hedges->options.solver.objective == HedgeObjective::kCvar ? "cvar" : "variance";
  doc["confidence"] = hedges->options.solver.confidence;
  doc["scenarios"] = {{"method", std::string(to_string(analysis->scenario_method))},
                      {"count", analysis->risk.scenarios},
                      {"horizon_periods", analysis->horizon}};
  Json instruments = Json::array();
  for (std::size_t j = 0; j < hedges->candidates.size(); ++j) {
    const CandidateFacts& f = hedge->candidates[j];
    instruments.push_back(
        {{"name", hedges->candidates[j].name},
         {"quantity", json_number(result.quantities(static_cast<Eigen::Index>(j)))},
         {"unit_premium", json_number(f.unit_value)},
         {"unit_cost", json_number(f.unit_cost)},
         {"unit_margin", json_number(f.unit_margin)}});
  }
  doc["hedge"] = instruments;
  doc["cost"] = json_number(result.cost);
  doc["premium"] = json_number(result.premium);
  doc["margin"] = json_number(result.margin);
  doc["unhedged"] = risk_json(hedge->unhedged);
  doc["hedged"] = risk_json(hedge->hedged);
  Json exposures = Json::array();
  for (std::size_t k = 0; k < hedge->hedged_exposures.size(); ++k) {
    exposures.push_back({{"underlying", hedge->hedged_exposures[k].underlying},
                         {"delta_before", json_number(analysis->valuation.net_exposures[k].delta)},
                         {"delta_after", json_number(hedge->hedged_exposures[k].delta)}});
  }
  doc["exposures"] = exposures;
  doc["vega"] = {{"before", json_number(analysis->valuation.vega)},
                 {"after", json_number(hedge->hedged_vega)}};

  const int emitted = emit(
      doc,
      [&](std::ostream& out) {
        out << "Hedge of " << args.book << " with " << args.hedges << ": "
            << to_string(result.status) << ", minimising "
            << (hedges->options.solver.objective == HedgeObjective::kCvar
                    ? fmt::format("CVaR {}", format_percent(hedges->options.solver.confidence, 0))
                    : std::string("variance"))
            << " over " << analysis->risk.scenarios << " " << to_string(analysis->scenario_method)
            << " scenarios\n";
        if (!result.message.empty()) out << result.message << "\n";
        out << "\n";
        Table table;
        table.add_column("instrument", Align::kLeft);
        table.add_column("quantity");
        table.add_column("unit premium");
        table.add_column("unit cost");
        for (std::size_t j = 0; j < hedges->candidates.size(); ++j) {
          table.add_row({hedges->candidates[j].name,
                         format_fixed(result.quantities(static_cast<Eigen::Index>(j)), 4),
                         format_fixed(hedge->candidates[j].unit_value, 2),
                         format_fixed(hedge->candidates[j].unit_cost, 4)});
        }
        table.render(out);
        out << "\ncost " << format_fixed(result.cost, 2) << ", premium "
            << format_fixed(result.premium, 2) << ", margin " << format_fixed(result.margin, 2)
            << "\n\n";
        Table risk;
        risk.add_column("", Align::kLeft);
        risk.add_column("VaR");
        risk.add_column("ES");
        risk.add_column("mean P&L");
        risk.add_column("worst P&L");
        for (const auto& [label, r] :
             {std::pair{"unhedged", &hedge->unhedged}, std::pair{"hedged", &hedge->hedged}}) {
          risk.add_row({label, format_fixed(r->var, 2), format_fixed(r->es, 2),
                        format_fixed(r->mean_pnl, 2), format_fixed(r->worst_pnl, 2)});
        }
        risk.render(out);
        for (std::size_t k = 0; k < hedge->hedged_exposures.size(); ++k) {
          out << "net delta " << hedge->hedged_exposures[k].underlying << ": "
              << format_fixed(analysis->valuation.net_exposures[k].delta, 6) << " -> "
              << format_fixed(hedge->hedged_exposures[k].delta, 6) << "\n";
        }
      },
      args.output);
  if (emitted != 0) return emitted;
  report::HedgeReportInput report_input{.positions = {.meta = report_meta(doc["inputs"]),
                                                      .book_source = args.book,
                                                      .book = &file->book,
                                                      .analysis = &*analysis},
                                        .hedges_source = args.hedges,
                                        .candidates = &hedges->candidates,
                                        .options = &hedges->options,
                                        .hedge = &*hedge};
  if (int code = write_report(report::hedge_report(report_input), args.report); code != 0) {
    return code;
  }
  return exit_code(result.status);
}

}  // namespace

Verb register_hedge(CLI::App& app) {
  auto args = std::make_shared<HedgeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hedge", "Choose perpetual and option hedges that minimise a book's CVaR or variance");
  cmd->footer(
      "Example:\n  keel hedge --book book.toml --hedges hedges.toml --prices prices.csv\n"
      "  keel hedge --book book.toml --hedges hedges.toml --prices prices.csv --report hedge.html\n"
      "The book and hedges formats are in docs/positions.md.");
  cmd->add_option("--book", args->book, "Positions book (TOML; docs/positions.md)")->required();
  cmd->add_option("--hedges", args->hedges, "Hedge candidates and limits (TOML)")->required();
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  add_scenario_options(*cmd, args->scenarios);
  add_report_option(*cmd, args->report);
  return {cmd, [args] { return run_hedge(*args); }};
}

}  // namespace keel::cli
