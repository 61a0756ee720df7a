// keel estimate: expected returns and covariance from prices.
#include <filesystem>
#include <iostream>
#include <memory>

#include "common.hpp"
#include "estimation.hpp"
#include "keel/core/table.hpp"
#include "keel/data/labeled_csv.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct EstimateArgs {
  PriceInputOptions prices;
  OutputOptions output;
  EstimatorOptions estimator;
};

Json diagnostics_json(const MarketEstimates& e) {
  const auto& d = e.covariance.per_period.diagnostics;
  Json diag;
  diag["covariance_method"] = std::string(to_string(e.covariance.per_period.method));
  diag["expected_returns_method"] = std::string(to_string(e.expected_returns.method));
  diag["shrinkage"] = json_number(d.shrinkage);
  diag["min_eigenvalue"] = json_number(d.min_eigenvalue);
  diag["condition_number"] = json_number(d.condition_number);
  diag["rank"] = d.rank;
  diag["observations"] = d.observations;
  if (d.factors >= 0) diag["factors"] = d.factors;
  diag["warnings"] = e.warnings;
  return diag;
}

int run_estimate(const EstimateArgs& args) {
  auto options = estimation_options(args.estimator, args.prices);
  if (!options) return report_error(options.status());
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  auto est = estimate_inputs(std::move(*market), *options);
  if (!est) return report_error(est.status());
  print_warnings(est->warnings);
  const Market& m = est->market;
  const auto& assets = m.panel.assets;
  const Eigen::VectorXd& mu_annual = est->expected_returns.annualised;
  const Eigen::MatrixXd& cov_annual = est->covariance.annualised;

  if (args.output.format == "csv") {
    if (args.output.output.empty()) {
      return report_error(Status::invalid("--format csv writes mu.csv and cov.csv: add -o DIR"));
    }
    std::error_code ec;
    std::filesystem::create_directories(args.output.output, ec);
    const std::filesystem::path dir(args.output.output);
    for (const Status& s :
         {write_labeled_vector({assets, mu_annual}, "expected_return", (dir / "mu.csv").string()),
          write_labeled_matrix({assets, cov_annual}, (dir / "cov.csv").string())}) {
      if (!s) return report_error(s);
    }
    std::cout << "Wrote " << (dir / "mu.csv").string() << " and " << (dir / "cov.csv").string()
              << " (annualised, " << m.frequency.periods_per_year << " periods per year)\n";
    return 0;
  }

  Json doc;
  doc["assets"] = assets;
  doc["periods_per_year"] = m.frequency.periods_per_year;
  Json mu = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    mu[assets[i]] = json_number(mu_annual(static_cast<Eigen::Index>(i)));
  }
  doc["expected_returns"] = std::move(mu);
  Json cov = Json::array();
  for (Eigen::Index r = 0; r < cov_annual.rows(); ++r) {
    Json row = Json::array();
    for (Eigen::Index c = 0; c < cov_annual.cols(); ++c) {
      row.push_back(json_number(cov_annual(r, c)));
    }
    cov.push_back(std::move(row));
  }
  doc["covariance"] = std::move(cov);
  doc["inputs"] = inputs_json(m);
  doc["inputs"]["clean_returns"] = args.estimator.clean_returns;
  doc["diagnostics"] = diagnostics_json(*est);
  doc["diagnostics"]["repairs"] = all_repairs(*est);

  return emit(
      doc,
      [&](std::ostream& out) {
        out << assets.size() << " assets, " << m.returns.values.rows() << " returns, "
            << args.estimator.mu << " expected returns, " << args.estimator.cov
            << " covariance (annualised with " << m.frequency.periods_per_year
            << " periods per year)\n";
        const auto& d = est->covariance.per_period.diagnostics;
        out << "shrinkage " << format_fixed(d.shrinkage, 4) << ", min eigenvalue "
            << est->covariance.annualised_min_eigenvalue << ", condition number "
            << format_fixed(d.condition_number, 1) << ", rank " << d.rank << "\n\n";
        Table table;
        table.add_column("asset", Align::kLeft);
        table.add_column("exp. return");
        table.add_column("volatility");
        for (std::size_t i = 0; i < assets.size(); ++i) {
          const auto k = static_cast<Eigen::Index>(i);
          table.add_row({assets[i], format_percent(mu_annual(k)),
                         format_percent(std::sqrt(cov_annual(k, k)))});
        }
        table.render(out);
        if (!est->warnings.empty()) {
          out << est->warnings.size() << " warning(s), on stderr and in the JSON result\n";
        }
      },
      args.output);
}

}  // namespace

Verb register_estimate(CLI::App& app) {
  auto args = std::make_shared<EstimateArgs>();
  CLI::App* cmd = app.add_subcommand("estimate", "Estimate expected returns and covariance");
  cmd->footer(
      "Example:\n  keel estimate --prices prices.csv --mu geometric --cov "
      "ledoit-wolf-constant-correlation --format json\n"
      "  keel estimate --prices prices.csv --missing pairwise --psd-repair spectral --format csv "
      "-o est/");
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output, {"table", "json", "csv"});
  add_estimator_options(*cmd, args->estimator);
  add_risk_free_option(*cmd, args->estimator.risk_free);
  add_risk_aversion_option(*cmd, args->estimator.risk_aversion);
  return {cmd, [args] { return run_estimate(*args); }};
}

}  // namespace keel::cli
