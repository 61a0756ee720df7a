// keel frontier: the efficient frontier under the constraints of `keel optimize`. Budget 1 and
// per-asset bounds get the exact frontier (critical line algorithm, every turning point); any
// other constraint (groups, linear rows, leverage, turnover, another budget) gets the frontier
// traced point by point by efficient-return QPs (keel/optimize/frontier.hpp).
#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "common.hpp"
#include "config.hpp"
#include "constraints_config.hpp"
#include "estimation.hpp"
#include "keel/core/table.hpp"
#include "keel/optimize/critical_line.hpp"
#include "keel/optimize/frontier.hpp"
#include "keel/report/frontier_report.hpp"
#include "lp_asset_config.hpp"
#include "report_option.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct FrontierArgs {
  PriceInputOptions prices;
  OutputOptions output;
  EstimatorOptions estimator;
  ConstraintFlags constraints;
  std::string config;
  int points = 20;
  // --lower/--upper: the bounds of every weight, kept from before --bounds; they become
  // --bounds LO,HI (missing sides 0 and 1) and cannot be combined with it.
  double lower = 0.0;
  double upper = 1.0;
  CLI::Option* lower_option = nullptr;
  CLI::Option* upper_option = nullptr;
  double volatility_cap = std::nan("");
  std::string report;  // --report FILE.html
};

Json weights_json(const Eigen::VectorXd& w, const std::vector<std::string>& assets) {
  Json weights = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    weights[assets[i]] = json_number(w(static_cast<Eigen::Index>(i)));
  }
  return weights;
}

Json point_json(const FrontierPoint& p, double rf, const std::vector<std::string>& assets) {
  return {{"expected_return", json_number(p.expected_return)},
          {"volatility", json_number(p.volatility)},
          {"sharpe",
           json_number(p.volatility > 0 ? (p.expected_return - rf) / p.volatility : std::nan(""))},
          {"lambda", json_number(p.lambda)},
          {"weights", weights_json(p.weights, assets)}};
}

// The fields of an exact point, with λ unknown (null), plus the target and the verification.
Json point_json(const TracedFrontierPoint& p, const std::vector<std::string>& assets) {
  return {{"expected_return", json_number(p.expected_return)},
          {"volatility", json_number(p.volatility)},
          {"sharpe", json_number(p.sharpe)},
          {"lambda", nullptr},
          {"target_return", json_number(p.target_return)},
          {"max_constraint_violation", json_number(p.max_constraint_violation)},
          {"weights", weights_json(p.weights, assets)}};
}

std::string number_text(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

// "budget 1, 0 ≤ w ≤ 0.35, 2 groups, 1 linear row, gross leverage ≤ 1.5" for tables and reports.
std::string describe_constraints(const PortfolioConstraints& c, int n) {
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (c.budget) {
    add("budget " + format_fixed(*c.budget, 2));
  } else {
    add("free budget");
    if (std::isfinite(c.net_exposure_min) || std::isfinite(c.net_exposure_max)) {
      add("net exposure " + format_fixed(c.net_exposure_min, 2) + ".." +
          format_fixed(c.net_exposure_max, 2));
    }
  }
  const Eigen::VectorXd lo = c.effective_lower(n);
  const Eigen::VectorXd hi = c.effective_upper(n);
  if (lo.minCoeff() == lo.maxCoeff() && hi.minCoeff() == hi.maxCoeff()) {
    add("bounds " + format_fixed(lo[0], 2) + ".." + format_fixed(hi[0], 2));
  } else {
    add("per-asset bounds");
  }
  if (!c.groups.empty()) add(std::to_string(c.groups.size()) + " group limits");
  if (!c.linear.empty()) add(std::to_string(c.linear.size()) + " linear constraints");
  if (c.has_leverage_cap()) add("gross leverage ≤ " + format_fixed(c.max_gross_leverage, 2));
  if (c.has_turnover_cap()) add("turnover ≤ " + format_fixed(c.max_turnover, 2));
  return text;
}

void print_failure(SolveStatus status, const std::string& explanation,
                   const std::vector<std::string>& conflicting) {
  std::cerr << "keel: frontier is " << to_string(status) << ": " << explanation << "\n";
  for (const auto& c : conflicting) std::cerr << "  conflicting constraint: " << c << "\n";
}

// Budget 1 and per-asset bounds: the exact frontier and every turning point.
int run_exact(const FrontierArgs& args, const MarketEstimates& est,
              const PortfolioConstraints& constraints, const std::string& described) {
  const auto& assets = est.market.panel.assets;
  const int n = static_cast<int>(assets.size());
  auto frontier = critical_line(est.expected_returns.annualised, est.covariance.annualised,
                                constraints.effective_lower(n), constraints.effective_upper(n));
  if (!frontier) return report_error(frontier.status());
  if (!frontier->is_usable()) {
    print_failure(frontier->status, frontier->message, {});
    return keel::exit_code(frontier->status);
  }
  const double rf = args.estimator.risk_free;
  auto sampled = frontier->sample(args.points);
  if (!sampled) return report_error(sampled.status());

  Json doc;
  doc["status"] = to_string(frontier->status);
  doc["assets"] = assets;
  doc["inputs"] = inputs_json(est.market);
  Json turning = Json::array();
  for (const auto& p : frontier->turning_points) turning.push_back(point_json(p, rf, assets));
  doc["turning_points"] = std::move(turning);
  Json points = Json::array();
  for (const auto& p : *sampled) points.push_back(point_json(p, rf, assets));
  doc["points"] = std::move(points);
  auto best = frontier->max_sharpe(rf);
  doc["max_sharpe"] = best ? point_json(*best, rf, assets) : Json(nullptr);
  doc["diagnostics"] = {{"solver", "critical-line"},
                        {"exact", true},
                        {"constraints", described},
                        {"iterations", frontier->iterations},
                        {"solve_ms", frontier->solve_ms},
                        {"kkt_residual", json_number(frontier->kkt_residual)},
                        {"max_sharpe", best ? "" : best.status().message()},
                        {"warnings", est.warnings},
                        {"repairs", all_repairs(est)}};
  const int emitted = emit(
      doc,
      [&](std::ostream& out) {
        out << "Exact efficient frontier of " << n << " assets (" << described
            << "): " << frontier->turning_points.size() << " turning points in "
            << format_fixed(frontier->solve_ms, 2) << " ms\n\n";
        Table table;
        table.add_column("exp. return");
        table.add_column("volatility");
        table.add_column("sharpe");
        for (const auto& p : *sampled) {
          table.add_row({format_percent(p.expected_return), format_percent(p.volatility),
                         format_fixed((p.expected_return - rf) / p.volatility, 3)});
        }
        table.render(out);
        if (best) {
          out << "\nmax Sharpe (rf " << format_percent(rf) << "): return "
              << format_percent(best->expected_return) << ", volatility "
              << format_percent(best->volatility) << "\n";
        }
      },
      args.output);
  if (emitted != 0 || args.report.empty()) return emitted;
  report::FrontierReportInput report_input{.meta = report_meta(doc["inputs"]),
                                           .assets = assets,
                                           .expected_returns = est.expected_returns.annualised,
                                           .covariance = est.covariance.annualised,
                                           .risk_free_rate = rf,
                                           .points = *sampled};
  report_input.meta.push_back("Constraints: " + described + "; expected returns: " +
                              args.estimator.mu + ", covariance: " + args.estimator.cov + ".");
  return write_report(report::frontier_report(*frontier, report_input), args.report);
}

// Any other constraints: the frontier traced by efficient-return solves.
int run_traced(const FrontierArgs& args, const MarketEstimates& est,
               PortfolioConstraints constraints, const std::string& described) {
  const auto& assets = est.market.panel.assets;
  const int n = static_cast<int>(assets.size());
  const double rf = args.estimator.risk_free;
  const MeanVarianceProblem problem{.assets = assets,
                                    .expected_returns = est.expected_returns.annualised,
                                    .covariance = est.covariance.annualised,
                                    .constraints = std::move(constraints)};
  auto frontier = trace_frontier(problem, FrontierOptions{.points = args.points,
                                                          .risk_free_rate = rf,
                                                          .volatility_cap = args.volatility_cap});
  if (!frontier) return report_error(frontier.status());
  if (!frontier->is_usable()) {
    print_failure(frontier->status, frontier->explanation, frontier->conflicting_constraints);
    return keel::exit_code(frontier->status);
  }
  const auto& d = frontier->diagnostics;

  Json doc;
  doc["status"] = to_string(frontier->status);
  doc["assets"] = assets;
  doc["inputs"] = inputs_json(est.market);
  doc["turning_points"] = Json::array();  // only the exact frontier has them
  Json points = Json::array();
  for (const auto& p : frontier->points) points.push_back(point_json(p, assets));
  doc["points"] = std::move(points);
  doc["max_sharpe"] =
      frontier->max_sharpe ? point_json(*frontier->max_sharpe, assets) : Json(nullptr);
  doc["diagnostics"] = {{"solver", d.solver},
                        {"exact", false},
                        {"constraints", described},
                        {"iterations", d.iterations},
                        {"solves", d.solves},
                        {"solve_ms", d.solve_ms},
                        {"kkt_residual", nullptr},
                        {"max_constraint_violation", json_number(d.max_constraint_violation)},
                        {"worst_constraint", d.worst_constraint},
                        {"min_return", json_number(frontier->min_return)},
                        {"max_return", json_number(frontier->max_return)},
                        {"return_unbounded", frontier->return_unbounded},
                        {"warnings", est.warnings},
                        {"repairs", all_repairs(est)},
                        {"max_sharpe", frontier->max_sharpe_message}};
  for (const auto& w : d.warnings) doc["diagnostics"]["warnings"].push_back(w);
  const int emitted = emit(
      doc,
      [&](std::ostream& out) {
        out << "Efficient frontier of " << n << " assets (" << described
            << "): " << frontier->points.size() << " points traced by " << d.solves << " solves in "
            << format_fixed(d.solve_ms, 2)
            << " ms (sampled: exact at each point, not between them)\n\n";
        Table table;
        table.add_column("exp. return");
        table.add_column("volatility");
        table.add_column("sharpe");
        for (const auto& p : frontier->points) {
          table.add_row({format_percent(p.expected_return), format_percent(p.volatility),
                         format_fixed(p.sharpe, 3)});
        }
        table.render(out);
        if (frontier->max_sharpe) {
          out << "\nmax Sharpe (rf " << format_percent(rf) << "): return "
              << format_percent(frontier->max_sharpe->expected_return) << ", volatility "
              << format_percent(frontier->max_sharpe->volatility) << "\n";
        } else {
          out << "\nno max-Sharpe portfolio: " << frontier->max_sharpe_message << "\n";
        }
        out << "max constraint violation " << d.max_constraint_violation << " (" << d.solver
            << ")\n";
        for (const auto& w : d.warnings) out << "warning: " << w << "\n";
      },
      args.output);
  if (emitted != 0 || args.report.empty()) return emitted;
  report::FrontierReportInput report_input{.meta = report_meta(doc["inputs"]),
                                           .assets = assets,
                                           .expected_returns = est.expected_returns.annualised,
                                           .covariance = est.covariance.annualised,
                                           .risk_free_rate = rf};
  report_input.meta.push_back("Constraints: " + described + "; expected returns: " +
                              args.estimator.mu + ", covariance: " + args.estimator.cov + ".");
  return write_report(report::frontier_report(*frontier, report_input), args.report);
}

int run_frontier(CLI::App& command, FrontierArgs& args) {
  // The book file is the one of `keel optimize`: its options that only choose or tune the model
  // (model, target_return, views, ...) are left to optimize, and said so.
  std::vector<std::string> sections = kConstraintSections;
  sections.push_back(kLpAssetSection);
  sections.push_back("liquidity");
  auto config = apply_shared_config(command, args.config, sections, {"optimize"});
  if (!config) return report_error(config.status());
  auto lp_assets = read_lp_assets(config->table, args.config);
  if (!lp_assets) return report_error(lp_assets.status());
  if (config->table.contains("liquidity")) {
    std::cerr << "keel: note: " << args.config
              << ": `keel frontier` ignores [liquidity] (applied by `keel optimize` only)\n";
  }
  if (!config->ignored.empty()) {
    std::string keys;
    for (const auto& k : config->ignored) keys += (keys.empty() ? "" : ", ") + k;
    std::cerr << "keel: note: " << args.config << ": `keel frontier` ignores " << keys
              << ": options of `keel optimize` only\n";
  }
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  const bool lower_given = args.lower_option->count() > 0;
  const bool upper_given = args.upper_option->count() > 0;
  if (lower_given || upper_given) {
    if (!args.constraints.bounds.empty()) {
      return report_error(Status::invalid(
          "give the bounds once: --bounds LO,HI, or the older --lower/--upper, not both"));
    }
    if (args.lower > args.upper) {
      return report_error(Status::invalid("--lower must not exceed --upper"));
    }
    args.constraints.bounds = number_text(args.lower) + "," + number_text(args.upper);
  }
  auto options = estimation_options(args.estimator, args.prices);
  if (!options) return report_error(options.status());
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  // LP strategies ([[lp_asset]], docs/lp_assets.md) as assets of the frontier, as in optimize.
  if (const Status s = append_lp_assets(*market, *lp_assets); !s) return report_error(s);
  auto est = estimate_inputs(std::move(*market), *options);
  if (!est) return report_error(est.status());
  print_warnings(est->warnings);
  const auto& assets = est->market.panel.assets;
  auto setup = build_constraints(args.constraints, config->table, args.config, assets);
  if (!setup) return report_error(setup.status());
  if (setup->transaction_costs.size() > 0) {
    // Read (so a wrong asset name is still an error) but not used: costs belong to the objective
    // of `keel optimize`; the frontier is of gross expected return.
    std::cerr << "keel: note: " << args.config
              << ": `keel frontier` ignores [costs]: the frontier is of gross expected return "
                 "(`keel optimize --model efficient-return` charges the costs)\n";
  }
  const int n = static_cast<int>(assets.size());
  const PortfolioConstraints& c = setup->constraints;
  const std::string described = describe_constraints(c, n);
  // Contradictions found without a solver (e.g. caps that cannot reach the budget) are answers
  // that do not exist (exit 3), not call errors of the critical line algorithm.
  if (const auto conflicts = precheck_constraints(c, assets); !conflicts.empty()) {
    std::string explanation;
    std::vector<std::string> names;
    for (const auto& conflict : conflicts) {
      explanation += (explanation.empty() ? "" : "; ") + conflict.explanation;
      for (const auto& name : conflict.constraints) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
    print_failure(SolveStatus::kInfeasible, explanation, names);
    return keel::exit_code(SolveStatus::kInfeasible);
  }
  if (critical_line_applies(c, n)) return run_exact(args, *est, c, described);
  return run_traced(args, *est, c, described);
}

}  // namespace

Verb register_frontier(CLI::App& app) {
  auto args = std::make_shared<FrontierArgs>();
  CLI::App* cmd = app.add_subcommand(
      "frontier", "Efficient frontier under any constraints of `optimize` (exact when it can be)");
  cmd->footer(
      "Example:\n  keel frontier --prices prices.csv --missing drop-assets:0.5 --points 30 "
      "--format json -o frontier.json\n"
      "  keel frontier --prices prices.csv --missing drop-assets:0.5 --report frontier.html\n"
      "  keel frontier --prices prices.csv --config book.toml --metadata prices_metadata.csv\n"
      "Constraints are those of `keel optimize`: --bounds, --budget, --max-weight, and in --config "
      "FILE.toml [constraints] (budget, leverage, turnover, net exposure), [asset_bounds], "
      "[current_weights], [[groups]] (by --metadata tag or members) and [[linear]]; --lower/"
      "--upper still set the bounds of every weight. The book file of `keel optimize` works "
      "as it is: its model options and [costs] are ignored with a note (docs/book.md).\n"
      "Budget 1 with per-asset bounds gives the exact frontier (critical line algorithm: every "
      "turning point, exact between points). Any other constraint gives the frontier traced by "
      "--points efficient-return solves from the minimum-variance to the maximum-return "
      "portfolio: exact at each point, sampled between them (JSON: diagnostics.exact = false, "
      "no turning_points). When the return is unbounded (shorts without bounds or a leverage "
      "cap) the sweep stops at --volatility-cap.");
  add_price_options(*cmd, args->prices, /*prices_required=*/false);  // or from --config
  add_output_options(*cmd, args->output);
  add_estimator_options(*cmd, args->estimator);
  add_risk_free_option(*cmd, args->estimator.risk_free);
  add_config_option(*cmd, args->config);
  add_report_option(*cmd, args->report);
  add_constraint_options(*cmd, args->constraints);
  cmd->add_option("--points", args->points, "Points evenly spaced in return")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  args->lower_option =
      cmd->add_option("--lower", args->lower, "Lower bound of every weight (or use --bounds)")
          ->capture_default_str();
  args->upper_option =
      cmd->add_option("--upper", args->upper, "Upper bound of every weight (or use --bounds)")
          ->capture_default_str();
  cmd->add_option("--volatility-cap", args->volatility_cap,
                  "Annualised volatility where the sweep stops when the expected return is "
                  "unbounded (default: the most volatile asset's)")
      ->check(CLI::PositiveNumber);
  return {cmd, [cmd, args] { return run_frontier(*cmd, *args); }};
}

}  // namespace keel::cli
