// keel demo: the whole pipeline on the embedded simulated market (or the user's prices).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/inspect.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/simulator.hpp"
#include "keel/data/write_prices.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/expected_returns.hpp"
#include "keel/optimize/model.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct DemoArgs {
  PriceInputOptions prices;
  std::string output_dir = "keel-demo";
  int assets = 30;
  int periods = 1825;
  std::uint64_t seed = 42;
  double risk_free = 0.0;
  double max_weight = 0.25;
};

constexpr PortfolioModel kDemoModels[] = {
    PortfolioModel::kEqualWeight, PortfolioModel::kInverseVolatility,
    PortfolioModel::kMinVariance, PortfolioModel::kMaxSharpe,
    PortfolioModel::kRiskParity,  PortfolioModel::kHrp,
};

std::string top_holdings(const PortfolioResult& r, std::size_t count) {
  if (!r.is_usable()) return r.diagnostics.explanation;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(r.weights.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](Eigen::Index a, Eigen::Index b) { return r.weights(a) > r.weights(b); });
  std::string text;
  for (std::size_t i = 0; i < std::min(count, order.size()); ++i) {
    if (!text.empty()) text += " ";
    text += r.assets[static_cast<std::size_t>(order[i])] + " " +
            format_percent(r.weights(order[i]), 0);
  }
  return text;
}

Result<PricePanel> demo_prices(const DemoArgs& args, Json& doc) {
  if (!args.prices.prices.empty()) return read_selected_prices(args.prices);
  SimulatorOptions options;
  options.assets = args.assets;
  options.periods = args.periods;
  options.seed = args.seed;
  auto market = simulate_market(options);
  if (!market) return market.status();
  const auto dir = std::filesystem::path(args.output_dir);
  const std::string prices_path = (dir / "prices.csv").string();
  KEEL_RETURN_IF_ERROR(write_wide_csv(market->panel, prices_path));
  KEEL_RETURN_IF_ERROR(write_long_csv(market->panel, (dir / "market.csv").string()));
  KEEL_RETURN_IF_ERROR(write_metadata(market->metadata, (dir / "metadata.csv").string()));
  doc["simulation"] = {{"assets", args.assets}, {"periods", args.periods}, {"seed", args.seed},
                       {"prices", prices_path}};
  return std::move(market->panel);
}

int run_demo(const DemoArgs& args) {
  std::error_code ec;
  std::filesystem::create_directories(args.output_dir, ec);
  if (ec) {
    return report_error(Status::invalid("cannot create the output folder '" + args.output_dir +
                                        "': " + ec.message()));
  }
  Json doc;
  auto panel = demo_prices(args, doc);
  if (!panel) return report_error(panel.status());

  // 1. Inspect the raw prices.
  auto raw_frequency = infer_frequency(panel->timestamps);
  if (!raw_frequency) return report_error(raw_frequency.status().with_context(panel->source));
  const PanelInspection inspection = inspect_panel(*panel, *raw_frequency);
  doc["inspection"] = inspection.to_json();

  // 2. Clean and estimate.
  auto market = prepare_market(std::move(*panel), args.prices);
  if (!market) return report_error(market.status());
  const double ppy = market->frequency.periods_per_year;
  ExpectedReturnOptions mu_options;
  mu_options.method = ExpectedReturnMethod::kMean;
  mu_options.periods_per_year = ppy;
  auto mu = estimate_expected_returns(market->returns.values, mu_options);
  if (!mu) return report_error(mu.status());
  CovarianceOptions cov_options;
  cov_options.method = CovarianceMethod::kLedoitWolf;
  auto cov = estimate_covariance(market->returns.values, cov_options);
  if (!cov) return report_error(cov.status());

  ModelInputs inputs;
  inputs.assets = market->panel.assets;
  inputs.expected_returns = mu->annualised;
  inputs.covariance = cov->covariance * ppy;
  doc["inputs"] = inputs_json(*market);
  Json repairs = Json::array();
  for (const auto& r : market->repairs) repairs.push_back(r.to_json());
  doc["inputs"]["repairs"] = std::move(repairs);
  doc["estimates"] = {{"expected_returns", "mean"},
                      {"covariance", "ledoit-wolf"},
                      {"shrinkage", json_number(cov->diagnostics.shrinkage)}};

  // 3. Allocate with each model.
  Table table;
  table.add_column("model", Align::kLeft);
  table.add_column("status", Align::kLeft);
  table.add_column("ann. return");
  table.add_column("ann. vol");
  table.add_column("sharpe");
  table.add_column("largest holdings", Align::kLeft);
  Json portfolios = Json::array();
  int exit = 0;
  for (PortfolioModel model : kDemoModels) {
    ModelSpec spec;
    spec.model = model;
    spec.risk_free_rate = args.risk_free;
    if (is_mean_variance(model)) spec.constraints.upper_bound = args.max_weight;
    auto result = optimize_portfolio(inputs, spec);
    if (!result) return report_error(result.status().with_context(std::string(to_string(model))));
    const PortfolioResult& r = *result;
    if (!r.is_usable()) exit = std::max(exit, keel::exit_code(r.status));
    table.add_row({r.model, std::string(to_string(r.status)),
                   format_percent(r.performance.expected_return),
                   format_percent(r.performance.volatility), format_fixed(r.performance.sharpe, 2),
                   top_holdings(r, 4)});
    portfolios.push_back(r.to_json());
  }
  doc["portfolios"] = std::move(portfolios);

  const std::string results_path = (std::filesystem::path(args.output_dir) / "results.json").string();
  const Status written = write_json_file(doc, results_path);
  if (!written) return report_error(written);

  std::cout << "Keel demo on " << market->panel.source << ": " << inspection.assets << " assets, "
            << inspection.rows << " rows " << format_timestamp(inspection.start) << " .. "
            << format_timestamp(inspection.end) << " (" << market->frequency.label
            << "), " << inspection.findings.size() << " inspection findings\n";
  std::cout << "Estimation on " << market->panel.cols() << " assets x "
            << market->returns.values.rows() << " returns after --missing "
            << args.prices.missing << " (" << market->repairs.size()
            << " repairs); mean returns, Ledoit-Wolf covariance (shrinkage "
            << format_fixed(cov->diagnostics.shrinkage, 3) << ")\n\n";
  table.render(std::cout);
  std::cout << "\nMean-variance models are long-only with weights <= "
            << format_percent(args.max_weight, 0) << "; figures are in-sample, annualised with "
            << ppy << " periods per year, risk-free rate " << format_percent(args.risk_free)
            << ".\nResults: " << results_path << "\n";
  return exit;
}

}  // namespace

Verb register_demo(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  args->prices.missing = "drop-assets:0.5";
  CLI::App* cmd = app.add_subcommand(
      "demo", "Run the pipeline end to end: simulate, inspect, estimate, allocate with six models");
  cmd->footer("Example:\n  keel demo\n  keel demo --seed 7 --sim-assets 50 --output-dir out\n"
              "  keel demo --prices my_prices.csv --missing ffill:3");
  add_price_options(*cmd, args->prices, /*prices_required=*/false);
  cmd->add_option("--output-dir", args->output_dir, "Folder for the simulated data and results.json")
      ->capture_default_str();
  cmd->add_option("--sim-assets", args->assets, "Simulated assets (without --prices)")
      ->check(CLI::Range(5, 2000))
      ->capture_default_str();
  cmd->add_option("--days", args->periods, "Simulated days (without --prices)")
      ->check(CLI::Range(100, 100000))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Simulation seed")->capture_default_str();
  cmd->add_option("--risk-free", args->risk_free, "Annual risk-free rate")->capture_default_str();
  cmd->add_option("--max-weight", args->max_weight, "Weight cap for the mean-variance models")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str();
  return {cmd, [args] { return run_demo(*args); }};
}

}  // namespace keel::cli
