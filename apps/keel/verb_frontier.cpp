// keel frontier: the exact efficient frontier (critical line algorithm).
#include <iostream>
#include <memory>

#include "common.hpp"
#include "estimation.hpp"
#include "keel/core/table.hpp"
#include "keel/optimize/critical_line.hpp"
#include "keel/report/frontier_report.hpp"
#include "report_option.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct FrontierArgs {
  PriceInputOptions prices;
  OutputOptions output;
  EstimatorOptions estimator;
  int points = 20;
  double lower = 0.0;
  double upper = 1.0;
  std::string report;  // --report FILE.html
};

Json point_json(const FrontierPoint& p, double rf, const std::vector<std::string>& assets) {
  Json weights = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    weights[assets[i]] = json_number(p.weights(static_cast<Eigen::Index>(i)));
  }
  return {{"expected_return", json_number(p.expected_return)},
          {"volatility", json_number(p.volatility)},
          {"sharpe", json_number(p.volatility > 0 ? (p.expected_return - rf) / p.volatility
                                                  : std::nan(""))},
          {"lambda", json_number(p.lambda)},
          {"weights", std::move(weights)}};
}

int run_frontier(const FrontierArgs& args) {
  if (args.lower > args.upper) {
    return report_error(Status::invalid("--lower must not exceed --upper"));
  }
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  auto est = estimate_all(*market, args.estimator, args.prices.missing == "pairwise");
  if (!est) return report_error(est.status());
  const auto& assets = market->panel.assets;
  const auto n = static_cast<Eigen::Index>(assets.size());
  const Eigen::VectorXd lower = Eigen::VectorXd::Constant(n, args.lower);
  const Eigen::VectorXd upper = Eigen::VectorXd::Constant(n, args.upper);
  auto frontier = critical_line(est->mu.annualised, est->annual_covariance, lower, upper);
  if (!frontier) return report_error(frontier.status());
  if (!frontier->is_usable()) {
    std::cerr << "keel: frontier is " << to_string(frontier->status) << ": " << frontier->message
              << "\n";
    return keel::exit_code(frontier->status);
  }
  const double rf = args.estimator.risk_free;
  auto sampled = frontier->sample(args.points);
  if (!sampled) return report_error(sampled.status());

  Json doc;
  doc["assets"] = assets;
  doc["inputs"] = inputs_json(*market);
  Json turning = Json::array();
  for (const auto& p : frontier->turning_points) turning.push_back(point_json(p, rf, assets));
  doc["turning_points"] = std::move(turning);
  Json points = Json::array();
  for (const auto& p : *sampled) points.push_back(point_json(p, rf, assets));
  doc["points"] = std::move(points);
  auto best = frontier->max_sharpe(rf);
  doc["max_sharpe"] = best ? point_json(*best, rf, assets) : Json(nullptr);
  doc["diagnostics"] = {{"solver", "critical-line"},
                        {"iterations", frontier->iterations},
                        {"solve_ms", frontier->solve_ms},
                        {"kkt_residual", json_number(frontier->kkt_residual)},
                        {"max_sharpe", best ? "" : best.status().message()}};
  const int emitted = emit(
      doc,
      [&](std::ostream& out) {
        out << "Exact efficient frontier of " << n << " assets (bounds " << args.lower << ".."
            << args.upper << ", budget 1): " << frontier->turning_points.size()
            << " turning points in " << format_fixed(frontier->solve_ms, 2) << " ms\n\n";
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
                                           .expected_returns = est->mu.annualised,
                                           .covariance = est->annual_covariance,
                                           .risk_free_rate = rf,
                                           .points = *sampled};
  report_input.meta.push_back("Bounds " + format_fixed(args.lower, 2) + " ≤ w ≤ " +
                              format_fixed(args.upper, 2) + ", budget 1; expected returns: " +
                              args.estimator.mu + ", covariance: " + args.estimator.cov + ".");
  return write_report(report::frontier_report(*frontier, report_input), args.report);
}

}  // namespace

Verb register_frontier(CLI::App& app) {
  auto args = std::make_shared<FrontierArgs>();
  CLI::App* cmd = app.add_subcommand(
      "frontier", "Exact efficient frontier (every turning point) and evenly spaced points");
  cmd->footer("Example:\n  keel frontier --prices prices.csv --missing drop-assets:0.5 --points 30 "
              "--format json -o frontier.json\n"
              "  keel frontier --prices prices.csv --missing drop-assets:0.5 --report frontier.html\n"
              "Budget 1 and per-asset bounds are supported; group or linear limits need "
              "`keel optimize --model efficient-return` point by point.");
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  add_estimator_options(*cmd, args->estimator);
  add_risk_free_option(*cmd, args->estimator.risk_free);
  add_report_option(*cmd, args->report);
  cmd->add_option("--points", args->points, "Points evenly spaced in return")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  cmd->add_option("--lower", args->lower, "Lower bound of every weight")->capture_default_str();
  cmd->add_option("--upper", args->upper, "Upper bound of every weight")->capture_default_str();
  return {cmd, [args] { return run_frontier(*args); }};
}

}  // namespace keel::cli
