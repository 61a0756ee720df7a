// keel risk: tail risk of a given portfolio over a price history.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/select.hpp"
#include "keel/report/risk_report.hpp"
#include "keel/risk/risk_profile.hpp"
#include "keel/risk/var.hpp"
#include "report_option.hpp"
#include "verb.hpp"
#include "weights_file.hpp"

namespace keel::cli {

namespace {

struct RiskArgs {
  PriceInputOptions prices;
  OutputOptions output;
  PortfolioOptions portfolio;
  double alpha = 0.95;
  int horizon = 1;
  std::string method = "all";
  double portfolio_value = 0.0;
  int scenarios = 20000;
  std::uint64_t seed = 42;
  std::string report;  // --report FILE.html
};

std::vector<VarMethod> methods_for(const std::string& name) {
  if (name == "historical") return {VarMethod::kHistorical};
  if (name == "gaussian") return {VarMethod::kGaussian};
  if (name == "cornish-fisher") return {VarMethod::kCornishFisher};
  if (name == "monte-carlo") return {VarMethod::kMonteCarlo};
  return {VarMethod::kHistorical, VarMethod::kGaussian, VarMethod::kCornishFisher,
          VarMethod::kMonteCarlo};
}

int run_risk(RiskArgs args) {
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  // The whole price file (narrowed by date) first, so that the portfolio's assets are checked
  // against its columns with the portfolio file's own line numbers.
  PriceInputOptions all_columns = args.prices;
  all_columns.assets.clear();
  auto raw = read_selected_prices(all_columns);
  if (!raw) return report_error(raw.status());
  auto portfolio = load_portfolio(args.portfolio, *raw);
  if (!portfolio) return report_error(portfolio.status());
  const std::string& portfolio_file = portfolio->source;
  for (const auto& warning : portfolio->warnings) std::cerr << "keel: warning: " << warning << "\n";
  if (args.portfolio_value <= 0.0 && portfolio->from_holdings) {
    args.portfolio_value = portfolio->value;
  }
  auto narrowed =
      select(*raw, PanelSelection{.assets = args.prices.assets.empty() ? portfolio->weights.labels
                                                                       : args.prices.assets});
  if (!narrowed) return report_error(narrowed.status().with_context(raw->source));
  auto market = prepare_market(std::move(*narrowed), args.prices);
  if (!market) return report_error(market.status());
  if (const Status s = require_complete_returns(*market); !s) return report_error(s);
  const auto& assets = market->panel.assets;
  auto aligned = align_to(portfolio->weights, assets, /*allow_extra=*/false, portfolio_file);
  if (!aligned) return report_error(aligned.status());
  const Eigen::VectorXd w = *aligned;
  const Eigen::MatrixXd& R = market->returns.values;
  const double ppy = market->frequency.periods_per_year;

  // Liquidity data aligned with the return rows (the panel has one more price row).
  const Eigen::MatrixXd spreads = market->panel.has_spreads()
                                      ? Eigen::MatrixXd(market->panel.spreads.bottomRows(R.rows()))
                                      : Eigen::MatrixXd();
  const Eigen::MatrixXd volumes = market->panel.has_volumes()
                                      ? Eigen::MatrixXd(market->panel.volumes.bottomRows(R.rows()))
                                      : Eigen::MatrixXd();
  RiskProfileOptions options{.periods_per_year = ppy,
                             .confidence = args.alpha,
                             .horizon = args.horizon,
                             .methods = methods_for(args.method),
                             .scenarios = args.scenarios,
                             .seed = args.seed,
                             .portfolio_value = args.portfolio_value};
  auto profile = risk_profile(R, w, spreads, volumes, options);
  if (!profile) return report_error(profile.status());
  const auto& dd = profile->drawdown;
  for (const auto& warning : profile->warnings) std::cerr << "keel: warning: " << warning << "\n";

  Json doc;
  doc["inputs"] = inputs_json(*market);
  doc["inputs"]["confidence"] = args.alpha;
  doc["inputs"]["horizon"] = args.horizon;
  doc["inputs"]["weights_file"] = portfolio_file;
  doc["portfolio"] = portfolio->to_json();
  const Json measures = profile->to_json(assets, args.portfolio_value);
  for (const auto& [key, value] : measures.items()) doc[key] = value;
  // Input repairs and the portfolio's warnings join whatever diagnostics the measures carry.
  Json& diagnostics = doc["diagnostics"];
  for (const auto& r : market->repairs) diagnostics["repairs"].push_back(r.to_json());
  if (!diagnostics.contains("repairs")) diagnostics["repairs"] = Json::array();
  for (const auto& warning : portfolio->warnings) diagnostics["warnings"].push_back(warning);
  if (!diagnostics.contains("warnings")) diagnostics["warnings"] = Json::array();
  const Json& lvar = doc["lvar"];
  Table table;
  table.add_column("method", Align::kLeft);
  table.add_column("VaR");
  table.add_column("CVaR");
  std::vector<report::TailRiskEstimate> tail_risk;  // for --report
  for (const auto& e : profile->estimates) {
    const std::string name(to_string(e.method));
    tail_risk.push_back({.method = name, .var = e.var, .cvar = e.es});
    table.add_row({name, format_percent(e.var), format_percent(e.es)});
  }
  std::vector<report::ContributionSet> contribution_sets;  // for --report
  for (const auto& c : profile->contributions) {
    contribution_sets.push_back({.measure = std::string(to_string(c.measure)),
                                 .total = c.total,
                                 .component = c.component,
                                 .percent = c.percent});
  }
  const Eigen::VectorXd& pnl = profile->portfolio_returns;

  const int emitted = emit(
      doc,
      [&](std::ostream& out) {
        out << "Portfolio of " << assets.size() << " assets over " << R.rows() << " returns ("
            << format_timestamp(market->panel.timestamps.front()) << " .. "
            << format_timestamp(market->panel.timestamps.back()) << "), confidence " << args.alpha
            << ", horizon " << args.horizon << " period(s); losses are positive\n"
            << "volatility " << format_percent(profile->annualised_volatility)
            << " annualised, max drawdown " << format_percent(dd.max_drawdown) << ", CDaR "
            << format_percent(dd.cdar) << " (falls of compounded wealth)\n"
            << "uncompounded drawdown (cumulative sum of returns, what min-CDaR optimises): max "
            << format_percent(profile->uncompounded_drawdown.max_drawdown) << ", CDaR "
            << format_percent(profile->uncompounded_drawdown.cdar) << "\n";
        if (portfolio->from_holdings) {
          out << "holdings " << portfolio_file
              << " valued at last prices: " << format_fixed(portfolio->value, 2)
              << "; implied weights";
          for (std::size_t i = 0; i < portfolio->weights.labels.size(); ++i) {
            out << (i == 0 ? " " : ", ") << portfolio->weights.labels[i] << " "
                << format_percent(portfolio->weights.values(static_cast<Eigen::Index>(i)));
          }
          out << "\n";
        } else if (std::abs(portfolio->cash()) > kBudgetTolerance) {
          out << "cash " << format_percent(portfolio->cash())
              << " of the value (--cash-remainder)\n";
        }
        out << "\n";
        table.render(out);
        for (const auto& [model, value] : lvar.items()) {
          if (value.is_object()) {
            out << "LVaR (" << model << "): " << format_percent(value["lvar"].get<double>())
                << " = VaR " << format_percent(value["var"].get<double>()) << " + liquidity cost "
                << format_percent(value["liquidity_cost"].get<double>()) << "\n";
          }
        }
      },
      args.output);
  if (emitted != 0 || args.report.empty()) return emitted;

  // LVaR sits on the historical VaR it adjusts; a second liquidity model gets a row of its own.
  bool lvar_placed = false;
  for (const auto& [model, value] : lvar.items()) {
    if (!value.is_object()) continue;
    const double adjusted = value["lvar"].get<double>();
    auto historical = std::find_if(tail_risk.begin(), tail_risk.end(),
                                   [](const auto& e) { return e.method == "historical"; });
    if (!lvar_placed && historical != tail_risk.end()) {
      historical->lvar = adjusted;
    } else {
      tail_risk.push_back({.method = model == "endogenous_impact" ? "historical (impact LVaR)"
                                                                  : "historical (" + model + ")",
                           .var = value["var"].get<double>(),
                           .lvar = adjusted});
    }
    lvar_placed = true;
  }
  report::RiskReportInput report_input{.meta = report_meta(doc["inputs"]),
                                       .assets = assets,
                                       .weights = w,
                                       .timestamps = market->returns.timestamps,
                                       .portfolio_returns = pnl,
                                       .log_returns = args.prices.log_returns,
                                       .periods_per_year = ppy,
                                       .confidence = args.alpha,
                                       .horizon = args.horizon,
                                       .tail_risk = std::move(tail_risk),
                                       .contributions = std::move(contribution_sets)};
  report_input.meta.push_back((portfolio->from_holdings ? "Holdings: " : "Weights: ") +
                              portfolio_file);
  return write_report(report::risk_report(report_input), args.report);
}

}  // namespace

Verb register_risk(CLI::App& app) {
  auto args = std::make_shared<RiskArgs>();
  CLI::App* cmd =
      app.add_subcommand("risk", "Tail risk of a portfolio: VaR, CVaR, drawdowns, LVaR");
  cmd->footer(
      "Example:\n  keel optimize --prices prices.csv --model hrp -o w.json\n"
      "  keel risk --prices prices.csv --weights w.json --alpha 0.99 --format json\n"
      "  keel risk --prices prices_market.csv --weights w.csv --portfolio-value 1e7\n"
      "  keel risk --prices prices.csv --weights w.json --report risk.html\n"
      "  keel risk --prices prices.csv --holdings coins.csv   # asset,quantity rows\n"
      "  keel risk --prices prices.csv --weights w.csv --cash-remainder   # sum < 1: rest in cash");
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  add_portfolio_options(*cmd, args->portfolio);
  cmd->add_option("--alpha", args->alpha, "Confidence level of VaR/CVaR/CDaR")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  cmd->add_option("--horizon", args->horizon, "Horizon in periods")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--method", args->method,
                  "VaR method: all, historical, gaussian, cornish-fisher, monte-carlo")
      ->check(CLI::IsMember({"all", "historical", "gaussian", "cornish-fisher", "monte-carlo"}))
      ->capture_default_str();
  cmd->add_option("--portfolio-value", args->portfolio_value,
                  "Portfolio value in quote currency, for the volume-based LVaR (default with "
                  "--holdings: their value at the last prices)");
  cmd->add_option("--scenarios", args->scenarios, "Monte Carlo scenarios (t copula)")
      ->check(CLI::Range(1000, 10000000))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Monte Carlo seed")->capture_default_str();
  add_report_option(*cmd, args->report);
  return {cmd, [args] { return run_risk(*args); }};
}

}  // namespace keel::cli
