// keel optimize: one portfolio from prices (or a covariance file) with any model.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <numeric>

#include "common.hpp"
#include "config.hpp"
#include "constraints_config.hpp"
#include "estimation.hpp"
#include "keel/core/table.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/metadata.hpp"
#include "keel/optimize/model.hpp"
#include "keel/report/optimize_report.hpp"
#include "liquidity_config.hpp"
#include "lp_asset_config.hpp"
#include "model_config.hpp"
#include "report_option.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct OptimizeArgs {
  PriceInputOptions prices;
  OutputOptions output;
  EstimatorOptions estimator;
  ConstraintFlags constraints;
  std::string config;
  std::string covariance_file;
  std::string expected_returns_file;
  ModelFlags model;
  std::string report;  // --report FILE.html
};

// Inputs from --covariance/--expected-returns files, or estimated from --prices.
// Warnings and repairs of the estimation step land in `estimation_warnings` and in
// inputs_doc["repairs"].
// LP assets ([[lp_asset]], docs/lp_assets.md) are appended to the market's returns before
// estimation, so every model sees them as assets.
Result<ModelInputs> model_inputs(const OptimizeArgs& args, PortfolioModel model, Json& inputs_doc,
                                 std::vector<std::string>& estimation_warnings,
                                 std::vector<LpAssetEntry>& lp_assets,
                                 OptimizeLiquidity& liquidity) {
  const std::string& caps_file = args.estimator.market_caps;
  if (model == PortfolioModel::kMarketCap && caps_file.empty()) {
    return Status::invalid("model market-cap needs --market-caps FILE (asset,market_cap rows)");
  }
  ModelInputs inputs;
  if (!args.covariance_file.empty()) {
    if (!args.prices.prices.empty()) {
      return Status::invalid("give either --prices or --covariance, not both");
    }
    if (!lp_assets.empty()) {
      return Status::invalid(lp_assets.front().where +
                             ": [[lp_asset]] needs --prices (its returns come from the tokens' "
                             "prices), not --covariance");
    }
    if (liquidity.config.options.any()) {
      return Status::invalid(liquidity.config.where +
                             ": [liquidity] needs --prices with traded volumes, not --covariance");
    }
    auto cov = read_labeled_matrix(args.covariance_file, /*require_symmetric=*/true);
    if (!cov) return cov.status();
    inputs.assets = cov->labels;
    inputs.covariance = cov->values;
    if (!args.expected_returns_file.empty()) {
      auto mu = read_labeled_vector(args.expected_returns_file);
      if (!mu) return mu.status();
      auto aligned =
          align_to(*mu, inputs.assets, /*allow_extra=*/false, args.expected_returns_file);
      if (!aligned) return aligned.status();
      inputs.expected_returns = *aligned;
    }
    inputs_doc = {{"assets", inputs.assets.size()},
                  {"covariance", args.covariance_file},
                  {"expected_returns", args.expected_returns_file}};
    if (!caps_file.empty()) {
      auto caps = read_labeled_vector(caps_file);
      if (!caps) return caps.status();
      auto aligned = align_to(*caps, inputs.assets, true, caps_file);
      if (!aligned) return aligned.status();
      inputs.market_caps = *aligned;
    }
    return inputs;
  }
  if (args.prices.prices.empty()) {
    return Status::invalid(
        "no input: pass --prices FILE, or --covariance COV.csv "
        "[--expected-returns MU.csv]");
  }
  // The market caps (when given) are read once, for the expected returns and the model alike.
  auto options = estimation_options(args.estimator, args.prices, /*market_caps_wanted=*/true);
  if (!options) return options.status();
  options->expected_returns_optional = !needs_expected_returns(model);
  auto market = load_market(args.prices);
  if (!market) return market.status();
  if (liquidity.config.present) {  // [liquidity]: the universe filter, before estimation
    KEEL_RETURN_IF_ERROR(filter_market_by_liquidity(*market, liquidity, args.constraints.metadata,
                                                    args.estimator.market_caps));
  }
  if (const Status s = append_lp_assets(*market, lp_assets); !s) return s;
  auto est = estimate_inputs(std::move(*market), *options);
  if (!est) return est.status();
  inputs = make_model_inputs(*est);
  if (keeps_gaps(est->market.missing) &&
      (model == PortfolioModel::kHrp || model == PortfolioModel::kHerc ||
       model == PortfolioModel::kNco)) {
    // pandas' DataFrame.corr() over each pair's overlap, as PyPortfolioOpt clusters on; the
    // correlation of the pairwise covariance differs on ragged histories (docs/hierarchical.md).
    auto correlation = pairwise_correlation(est->market.returns);
    if (!correlation) return correlation.status();
    inputs.correlation = std::move(*correlation);
  }
  inputs_doc = inputs_json(est->market);
  inputs_doc["expected_returns"] = args.estimator.mu;
  inputs_doc["covariance"] = args.estimator.cov;
  inputs_doc["clean_returns"] = args.estimator.clean_returns;
  inputs_doc["repairs"] = all_repairs(*est);
  estimation_warnings = est->warnings;
  return inputs;
}

void print_result(const PortfolioResult& r, std::ostream& out) {
  out << "model " << r.model << ": " << to_string(r.status);
  if (r.is_usable() && std::isfinite(r.performance.expected_return)) {
    out << ", expected return " << format_percent(r.performance.expected_return) << ", volatility "
        << format_percent(r.performance.volatility) << ", Sharpe "
        << format_fixed(r.performance.sharpe, 3);
  } else if (r.is_usable()) {
    out << ", volatility " << format_percent(r.performance.volatility)
        << " (expected return and Sharpe not computed: no expected returns)";
  }
  out << "\n";
  if (r.is_usable()) {
    std::vector<Eigen::Index> order(static_cast<std::size_t>(r.weights.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
      return std::abs(r.weights(a)) > std::abs(r.weights(b));
    });
    Table table;
    table.add_column("asset", Align::kLeft);
    table.add_column("weight");
    for (Eigen::Index i : order) {
      if (std::abs(r.weights(i)) < 5e-5) continue;
      table.add_row({r.assets[static_cast<std::size_t>(i)], format_percent(r.weights(i))});
    }
    out << "\n";
    table.render(out);
    out << "\nsolver " << r.diagnostics.solver << ", " << r.diagnostics.iterations
        << " iterations, " << format_fixed(r.diagnostics.solve_ms, 2)
        << " ms, max constraint violation " << r.diagnostics.max_constraint_violation << "\n";
  }
  if (!r.diagnostics.warnings.empty()) {
    out << r.diagnostics.warnings.size() << " warning(s), on stderr and in the JSON result\n";
  }
}

// Weights by sector and by chain in the report when a metadata file tags the assets.
Result<std::vector<report::AssetGrouping>> report_groupings(
    const std::string& metadata_path, const std::vector<std::string>& assets) {
  std::vector<report::AssetGrouping> groupings;
  if (metadata_path.empty()) return groupings;
  auto metadata = read_metadata(metadata_path);
  if (!metadata) return metadata.status();
  for (const char* field : {"sector", "chain"}) {
    report::AssetGrouping g{.name = field, .tags = {}};
    bool any = false;
    for (const auto& asset : assets) {
      auto tag = metadata->tag(asset, field);
      g.tags.push_back(tag ? *tag : "");
      any = any || (tag && !tag->empty());
    }
    if (any) groupings.push_back(std::move(g));
  }
  return groupings;
}

int run_optimize(CLI::App& command, OptimizeArgs& args) {
  std::vector<std::string> sections = kConstraintSections;
  sections.push_back(kLpAssetSection);
  sections.push_back("liquidity");
  auto config = apply_config(command, args.config, sections);
  if (!config) return report_error(config.status());
  auto lp_assets = read_lp_assets(*config, args.config);
  if (!lp_assets) return report_error(lp_assets.status());
  OptimizeLiquidity liquidity;
  if (auto read = read_liquidity(config->get("liquidity"), args.config)) {
    liquidity.config = std::move(*read);
  } else {
    return report_error(read.status());
  }
  if (const Status s = check_report_option(args.report); !s) return report_error(s);
  auto model = parse_portfolio_model(args.model.model);
  if (!model) return report_error(model.status().with_context("--model"));

  Json inputs_doc;
  std::vector<std::string> estimation_warnings;
  auto inputs =
      model_inputs(args, *model, inputs_doc, estimation_warnings, *lp_assets, liquidity);
  if (!inputs) return report_error(inputs.status());
  auto setup = build_constraints(args.constraints, *config, args.config, inputs->assets);
  if (!setup) return report_error(setup.status());
  if (liquidity.config.present) {
    if (const Status s = apply_liquidity_bounds(setup->constraints, inputs->assets, liquidity);
        !s) {
      return report_error(s);
    }
  }
  args.model.risk_free = args.estimator.risk_free;
  args.model.risk_aversion = args.estimator.risk_aversion;
  auto made = make_model_spec(args.model, std::move(*setup), inputs->assets, inputs->views);
  if (!made) return report_error(made.status());
  const ModelSpec& spec = *made;
  auto result = optimize_portfolio(*inputs, spec);
  if (!result) return report_error(result.status());
  // The estimation step's warnings first, then the model's own (plausibility among them).
  auto& warnings = result->diagnostics.warnings;
  warnings.insert(warnings.begin(), estimation_warnings.begin(), estimation_warnings.end());
  print_warnings(warnings);

  Json doc = result->to_json();
  doc["inputs"] = inputs_doc;
  if (liquidity.config.present) doc["liquidity"] = liquidity.json;
  if (inputs_doc.contains("repairs")) {
    for (const auto& r : inputs_doc["repairs"]) doc["diagnostics"]["repairs"].push_back(r);
  }
  if (!lp_assets->empty()) doc["lp_assets"] = lp_assets_json(*lp_assets, *result);
  const int written = emit(
      doc,
      [&](std::ostream& out) {
        print_result(*result, out);
        for (const auto& lp : *lp_assets) {
          out << "LP asset " << lp.spec.name << ": " << describe_lp_asset(lp.spec) << "\n";
        }
      },
      args.output);
  if (written != 0) return written;
  if (!args.report.empty()) {
    auto groupings = report_groupings(args.constraints.metadata, inputs->assets);
    if (!groupings) return report_error(groupings.status());
    report::OptimizeReportInput report_input{.meta = report_meta(inputs_doc),
                                             .covariance = inputs->covariance,
                                             .expected_returns = inputs->expected_returns,
                                             .risk_free_rate = spec.risk_free_rate,
                                             .groupings = std::move(*groupings)};
    if (const int code =
            write_report(report::optimize_report(*result, report_input), args.report)) {
      return code;
    }
  }
  if (!result->is_usable()) {
    std::cerr << "keel: " << result->model << " is " << to_string(result->status) << ": "
              << result->diagnostics.explanation << "\n";
    for (const auto& c : result->diagnostics.conflicting_constraints) {
      std::cerr << "  conflicting constraint: " << c << "\n";
    }
    return keel::exit_code(result->status);
  }
  return 0;
}

}  // namespace

Verb register_optimize(CLI::App& app) {
  auto args = std::make_shared<OptimizeArgs>();
  CLI::App* cmd =
      app.add_subcommand("optimize", "Build one portfolio with any model and constraints");
  cmd->footer(
      "Example:\n  keel optimize --prices prices.csv --model max-sharpe --cov "
      "ledoit-wolf-constant-correlation --max-weight 0.2\n"
      "  keel optimize --covariance cov.csv --expected-returns mu.csv --model efficient-risk "
      "--target-volatility 0.6 --format json\n"
      "  keel optimize --prices prices.csv --config book.toml --metadata prices_metadata.csv\n"
      "  keel optimize --prices prices.csv --missing drop-assets:0.5 --model hrp --report "
      "hrp.html\n"
      "Models: min-variance, max-sharpe, max-utility, efficient-return, efficient-risk, "
      "max-diversification, risk-parity, risk-budget, hrp, herc, nco, equal-weight, "
      "inverse-volatility, market-cap, black-litterman, min-cvar, min-cdar, min-mad, minimax");
  add_price_options(*cmd, args->prices, /*prices_required=*/false);
  add_output_options(*cmd, args->output);
  add_estimator_options(*cmd, args->estimator);
  add_risk_free_option(*cmd, args->estimator.risk_free);
  add_risk_aversion_option(*cmd, args->estimator.risk_aversion);
  add_config_option(*cmd, args->config);
  add_model_options(*cmd, args->model);
  add_report_option(*cmd, args->report);
  cmd->add_option("--covariance", args->covariance_file,
                  "Annualised covariance CSV with asset names in the header and first column");
  cmd->add_option("--expected-returns", args->expected_returns_file,
                  "Annualised expected returns CSV asset,value (with --covariance)");
  add_constraint_options(*cmd, args->constraints);
  return {cmd, [cmd, args] { return run_optimize(*cmd, *args); }};
}

}  // namespace keel::cli
