// keel risk: tail risk of a given portfolio over a price history.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/estimate/copula.hpp"
#include "keel/report/risk_report.hpp"
#include "keel/risk/contributions.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/liquidity.hpp"
#include "keel/risk/measures.hpp"
#include "keel/risk/var.hpp"
#include "report_option.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct RiskArgs {
  PriceInputOptions prices;
  OutputOptions output;
  std::string weights;
  double alpha = 0.95;
  int horizon = 1;
  std::string method = "all";
  double portfolio_value = 0.0;
  int scenarios = 20000;
  std::uint64_t seed = 42;
  std::string report;  // --report FILE.html
};

// The weights of an `optimize` JSON result (its "weights" object) or a CSV asset,weight.
Result<LabeledVector> read_weights(const std::string& path) {
  if (path.size() >= 5 && path.substr(path.size() - 5) == ".json") {
    std::ifstream in(path);
    if (!in) return Status::invalid("cannot open the weights file '" + path + "'");
    try {
      const auto doc = nlohmann::json::parse(in);
      const auto& w = doc.contains("weights") ? doc["weights"] : doc;
      LabeledVector v;
      std::vector<double> values;
      for (const auto& [asset, value] : w.items()) {
        if (!value.is_number()) {
          return Status::invalid(path + ": weight of '" + asset + "' is not a number");
        }
        v.labels.push_back(asset);
        values.push_back(value.get<double>());
      }
      if (values.empty()) return Status::invalid(path + ": no weights found");
      v.values = Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
      return v;
    } catch (const nlohmann::json::exception& e) {
      return Status::invalid(path + ": not valid JSON (" + e.what() + ")");
    }
  }
  return read_labeled_vector(path);
}

std::vector<VarMethod> methods_for(const std::string& name) {
  if (name == "historical") return {VarMethod::kHistorical};
  if (name == "gaussian") return {VarMethod::kGaussian};
  if (name == "cornish-fisher") return {VarMethod::kCornishFisher};
  if (name == "monte-carlo") return {VarMethod::kMonteCarlo};
  return {VarMethod::kHistorical, VarMethod::kGaussian, VarMethod::kCornishFisher,
          VarMethod::kMonteCarlo};
}

Json by_asset(const std::vector<std::string>& assets, const Eigen::VectorXd& v) {
  Json out = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    out[assets[i]] = json_number(v(static_cast<Eigen::Index>(i)));
  }
  return out;
}

int run_risk(RiskArgs args) {
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  auto weights_file = read_weights(args.weights);
  if (!weights_file) return report_error(weights_file.status());
  if (args.prices.assets.empty()) args.prices.assets = weights_file->labels;
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  const auto& assets = market->panel.assets;
  auto aligned = align_to(*weights_file, assets, /*allow_extra=*/false, args.weights);
  if (!aligned) return report_error(aligned.status());
  const Eigen::VectorXd w = *aligned;
  const Eigen::MatrixXd& R = market->returns.values;
  const double ppy = market->frequency.periods_per_year;

  auto pnl = portfolio_returns(R, w);
  if (!pnl) return report_error(pnl.status());
  auto vol = volatility(*pnl);
  if (!vol) return report_error(vol.status());

  Json doc;
  doc["inputs"] = inputs_json(*market);
  doc["inputs"]["confidence"] = args.alpha;
  doc["inputs"]["horizon"] = args.horizon;
  doc["volatility"] = {{"per_period", json_number(*vol)},
                       {"annualised", json_number(annualise(*vol, ppy))}};
  Json var = Json::object();
  Json cvar = Json::object();
  Table table;
  table.add_column("method", Align::kLeft);
  table.add_column("VaR");
  table.add_column("CVaR");
  double historical_var = std::nan("");
  std::vector<report::TailRiskEstimate> tail_risk;  // for --report
  for (VarMethod method : methods_for(args.method)) {
    VarOptions options{.method = method, .confidence = args.alpha, .horizon = args.horizon};
    Result<VarEstimate> estimate = Status::internal("unset");
    if (method == VarMethod::kMonteCarlo) {
      if (args.horizon != 1) {
        return report_error(Status::invalid(
            "--method monte-carlo simulates one period: use --horizon 1 or another method"));
      }
      auto fit = fit_copula(R, CopulaOptions{.family = CopulaFamily::kStudentT});
      if (!fit) return report_error(fit.status().with_context("monte-carlo (t copula fit)"));
      auto scenarios = sample_scenarios(*fit, R, args.scenarios, args.seed);
      if (!scenarios) return report_error(scenarios.status());
      estimate = scenario_var(*scenarios, w, options);
    } else {
      estimate = value_at_risk(*pnl, options);
    }
    if (!estimate) return report_error(estimate.status());
    const std::string name(to_string(method));
    var[name] = json_number(estimate->var);
    cvar[name] = json_number(estimate->es);
    if (method == VarMethod::kHistorical) historical_var = estimate->var;
    tail_risk.push_back({.method = name, .var = estimate->var, .cvar = estimate->es});
    table.add_row({name, format_percent(estimate->var), format_percent(estimate->es)});
  }
  doc["var"] = var;
  doc["cvar"] = cvar;

  auto dd = drawdowns(*pnl, DrawdownOptions{.confidence = args.alpha});
  if (!dd) return report_error(dd.status());
  doc["max_drawdown"] = json_number(dd->max_drawdown);
  doc["average_drawdown"] = json_number(dd->average_drawdown);
  doc["cdar"] = json_number(dd->cdar);
  doc["ulcer_index"] = json_number(dd->ulcer_index);

  // Liquidity-adjusted VaR beside the historical VaR: spreads when the data has them, volumes and
  // a portfolio value for the impact model.
  Json lvar = Json::object();
  if (std::isnan(historical_var)) {
    auto h = value_at_risk(*pnl, VarOptions{.confidence = args.alpha, .horizon = args.horizon});
    if (h) historical_var = h->var;
  }
  if (market->panel.has_spreads()) {
    auto stats = spread_statistics(market->panel.spreads.bottomRows(R.rows()));
    if (!stats) return report_error(stats.status().with_context("spreads"));
    auto l = exogenous_spread_lvar(historical_var, w, stats->mean, stats->stddev);
    if (!l) return report_error(l.status());
    lvar["exogenous_spread"] = {{"var", l->var},
                                {"liquidity_cost", l->liquidity_cost},
                                {"lvar", l->lvar},
                                {"liquidity_premium", json_number(l->liquidity_premium)}};
  }
  if (market->panel.has_volumes() && args.portfolio_value > 0.0) {
    const Eigen::MatrixXd volumes = market->panel.volumes.bottomRows(R.rows());
    Eigen::VectorXd adv(volumes.cols());
    Eigen::VectorXd daily_vol(volumes.cols());
    for (Eigen::Index j = 0; j < volumes.cols(); ++j) {
      adv(j) = volumes.col(j).mean();
      auto v = volatility(R.col(j));
      daily_vol(j) = v ? *v * std::sqrt(365.0 / ppy) : std::nan("");
    }
    auto l = endogenous_impact_lvar(historical_var, w, daily_vol, adv,
                                    EndogenousImpactOptions{.portfolio_value = args.portfolio_value});
    if (!l) return report_error(l.status());
    lvar["endogenous_impact"] = {{"var", l->var},
                                 {"liquidity_cost", l->liquidity_cost},
                                 {"lvar", l->lvar},
                                 {"liquidity_premium", json_number(l->liquidity_premium)},
                                 {"max_liquidation_days", l->max_liquidation_days},
                                 {"portfolio_value", args.portfolio_value}};
  }
  if (lvar.empty()) {
    lvar["note"] = "no spreads or volumes in the price file (use a long CSV with spread/volume "
                   "columns, e.g. from keel simulate) and --portfolio-value for the impact model";
  }
  doc["lvar"] = lvar;

  Json contributions = Json::object();
  std::vector<report::ContributionSet> contribution_sets;  // for --report
  for (auto [measure, name] : {std::pair{ContributionMeasure::kVolatility, "volatility"},
                               std::pair{ContributionMeasure::kHistoricalCvar, "historical_cvar"},
                               std::pair{ContributionMeasure::kModifiedVar, "modified_var"}}) {
    auto c = risk_contributions(R, w, ContributionOptions{.measure = measure, .confidence = args.alpha});
    if (!c) return report_error(c.status().with_context(name));
    contribution_sets.push_back({.measure = std::string(to_string(measure)),
                                 .total = c->total,
                                 .component = c->component,
                                 .percent = c->percent});
    contributions[name] = {{"total", json_number(c->total)},
                           {"component", by_asset(assets, c->component)},
                           {"percent", by_asset(assets, c->percent)}};
  }
  doc["contributions"] = contributions;

  const int emitted = emit(
      doc,
      [&](std::ostream& out) {
        out << "Portfolio of " << assets.size() << " assets over " << R.rows() << " returns ("
            << format_timestamp(market->panel.timestamps.front()) << " .. "
            << format_timestamp(market->panel.timestamps.back()) << "), confidence "
            << args.alpha << ", horizon " << args.horizon << " period(s); losses are positive\n"
            << "volatility " << format_percent(annualise(*vol, ppy)) << " annualised, max drawdown "
            << format_percent(dd->max_drawdown) << ", CDaR " << format_percent(dd->cdar) << "\n\n";
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
                                       .portfolio_returns = *pnl,
                                       .log_returns = args.prices.log_returns,
                                       .periods_per_year = ppy,
                                       .confidence = args.alpha,
                                       .horizon = args.horizon,
                                       .tail_risk = std::move(tail_risk),
                                       .contributions = std::move(contribution_sets)};
  report_input.meta.push_back("Weights: " + args.weights);
  return write_report(report::risk_report(report_input), args.report);
}

}  // namespace

Verb register_risk(CLI::App& app) {
  auto args = std::make_shared<RiskArgs>();
  CLI::App* cmd = app.add_subcommand("risk", "Tail risk of a portfolio: VaR, CVaR, drawdowns, LVaR");
  cmd->footer("Example:\n  keel optimize --prices prices.csv --model hrp -o w.json\n"
              "  keel risk --prices prices.csv --weights w.json --alpha 0.99 --format json\n"
              "  keel risk --prices prices_market.csv --weights w.csv --portfolio-value 1e7\n"
              "  keel risk --prices prices.csv --weights w.json --report risk.html");
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  cmd->add_option("--weights", args->weights,
                  "Portfolio: an optimize JSON result (its weights) or CSV asset,weight")
      ->required();
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
                  "Portfolio value in quote currency, for the volume-based LVaR");
  cmd->add_option("--scenarios", args->scenarios, "Monte Carlo scenarios (t copula)")
      ->check(CLI::Range(1000, 10000000))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Monte Carlo seed")->capture_default_str();
  add_report_option(*cmd, args->report);
  return {cmd, [args] { return run_risk(*args); }};
}

}  // namespace keel::cli
