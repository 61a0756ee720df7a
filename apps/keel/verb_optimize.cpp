// keel optimize: one portfolio from prices (or a covariance file) with any model.
#include <algorithm>
#include <iostream>
#include <memory>
#include <numeric>

#include "common.hpp"
#include "config.hpp"
#include "constraints_config.hpp"
#include "estimation.hpp"
#include "keel/core/table.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/optimize/model.hpp"
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
  std::string model = "min-variance";
  double target_return = std::nan("");
  double target_volatility = std::nan("");
  double l2 = 0.0;
  std::string budgets_file;
  std::string linkage = "single";
  std::string views_file;
  double alpha = 0.95;
  double max_risk = std::nan("");
  double tau = 0.05;
  int clusters = 0;
};

// Black–Litterman views from TOML:
//   [[views]] asset = "BTC", return = 0.3, confidence = 0.6          (absolute)
//   [[views]] outperform = ["ETH"], underperform = ["BTC"], return = 0.05   (relative)
// `confidence` (0..1) on every view selects Idzorek's method; on none, He–Litterman's Ω.
Status read_views(const std::string& path, const std::vector<std::string>& assets,
                  BlackLittermanViews& views, BlackLittermanOptions& options) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::invalid(path + ":" + std::to_string(e.source().begin.line) +
                           ": not valid TOML: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return Status::invalid(path + ": cannot read the views file (" + e.what() + ")");
  }
  const toml::array* list = table["views"].as_array();
  if (list == nullptr || list->empty()) {
    return Status::invalid(path + ": no [[views]] entries; see `keel optimize --help`");
  }
  std::vector<AbsoluteView> absolute;
  std::vector<RelativeView> relative;
  std::vector<double> absolute_confidence;
  std::vector<double> relative_confidence;
  for (const auto& node : *list) {
    const toml::table* v = node.as_table();
    const std::string where = path + ":" + std::to_string(node.source().begin.line);
    if (v == nullptr) return Status::invalid(where + ": each [[views]] entry must be a table");
    auto value = (*v)["return"].value<double>();
    if (!value) return Status::invalid(where + ": a view needs return = number (annualised)");
    const double confidence = (*v)["confidence"].value_or(std::nan(""));
    if (auto asset = (*v)["asset"].value<std::string>()) {
      absolute.push_back({*asset, *value});
      absolute_confidence.push_back(confidence);
      continue;
    }
    auto names = [&](const char* key) {
      std::vector<std::string> out;
      if (const toml::array* a = (*v)[key].as_array()) {
        for (const auto& item : *a) out.push_back(item.value_or(std::string()));
      }
      return out;
    };
    RelativeView r{names("outperform"), names("underperform"), *value};
    if (r.outperformers.empty() || r.underperformers.empty()) {
      return Status::invalid(where + ": a view needs asset = \"X\" or outperform = [...] and "
                                     "underperform = [...]");
    }
    relative.push_back(std::move(r));
    relative_confidence.push_back(confidence);
  }
  auto made = make_views(assets, absolute, relative);
  if (!made) return made.status().with_context(path);
  views = std::move(*made);
  std::vector<double> confidences = absolute_confidence;
  confidences.insert(confidences.end(), relative_confidence.begin(), relative_confidence.end());
  const auto given = std::count_if(confidences.begin(), confidences.end(),
                                   [](double c) { return !std::isnan(c); });
  if (given > 0 && given != static_cast<long>(confidences.size())) {
    return Status::invalid(path + ": give a confidence for every view (Idzorek) or for none");
  }
  if (given > 0) {
    options.uncertainty = ViewUncertainty::kIdzorek;
    options.view_confidences =
        Eigen::Map<Eigen::VectorXd>(confidences.data(), static_cast<Eigen::Index>(confidences.size()));
  }
  return Status::ok();
}

Result<LinkageMethod> parse_linkage(const std::string& name) {
  if (name == "single") return LinkageMethod::kSingle;
  if (name == "complete") return LinkageMethod::kComplete;
  if (name == "average") return LinkageMethod::kAverage;
  if (name == "ward") return LinkageMethod::kWard;
  return Status::invalid("--linkage '" + name + "' is unknown; use single, complete, average or ward");
}

// Inputs from --covariance/--expected-returns files, or estimated from --prices.
Result<ModelInputs> model_inputs(const OptimizeArgs& args, PortfolioModel model, Json& inputs_doc) {
  ModelInputs inputs;
  if (!args.covariance_file.empty()) {
    if (!args.prices.prices.empty()) {
      return Status::invalid("give either --prices or --covariance, not both");
    }
    auto cov = read_labeled_matrix(args.covariance_file, /*require_symmetric=*/true);
    if (!cov) return cov.status();
    inputs.assets = cov->labels;
    inputs.covariance = cov->values;
    if (!args.expected_returns_file.empty()) {
      auto mu = read_labeled_vector(args.expected_returns_file);
      if (!mu) return mu.status();
      auto aligned = align_to(*mu, inputs.assets, /*allow_extra=*/false, args.expected_returns_file);
      if (!aligned) return aligned.status();
      inputs.expected_returns = *aligned;
    }
    inputs_doc = {{"assets", inputs.assets.size()},
                  {"covariance", args.covariance_file},
                  {"expected_returns", args.expected_returns_file}};
  } else {
    if (args.prices.prices.empty()) {
      return Status::invalid("no input: pass --prices FILE, or --covariance COV.csv "
                             "[--expected-returns MU.csv]");
    }
    auto market = load_market(args.prices);
    if (!market) return market.status();
    auto est = estimate_all(*market, args.estimator, args.prices.missing == "pairwise");
    if (!est) return est.status();
    inputs.assets = market->panel.assets;
    inputs.covariance = est->annual_covariance;
    inputs.expected_returns = est->mu.annualised;
    inputs.scenarios = market->returns.values;
    inputs.periods_per_year = market->frequency.periods_per_year;
    inputs_doc = inputs_json(*market);
    inputs_doc["expected_returns"] = args.estimator.mu;
    inputs_doc["covariance"] = args.estimator.cov;
    Json repairs = Json::array();
    for (const auto& r : market->repairs) repairs.push_back(r.to_json());
    for (const auto& r : est->cov.diagnostics.repairs) repairs.push_back(r);
    inputs_doc["repairs"] = std::move(repairs);
  }
  if (model == PortfolioModel::kMarketCap || !args.estimator.market_caps.empty()) {
    if (args.estimator.market_caps.empty()) {
      return Status::invalid("model market-cap needs --market-caps FILE (asset,market_cap rows)");
    }
    auto caps = read_labeled_vector(args.estimator.market_caps);
    if (!caps) return caps.status();
    auto aligned = align_to(*caps, inputs.assets, true, args.estimator.market_caps);
    if (!aligned) return aligned.status();
    inputs.market_caps = *aligned;
  }
  return inputs;
}

void print_result(const PortfolioResult& r, std::ostream& out) {
  out << "model " << r.model << ": " << to_string(r.status);
  if (r.is_usable()) {
    out << ", expected return " << format_percent(r.performance.expected_return)
        << ", volatility " << format_percent(r.performance.volatility) << ", Sharpe "
        << format_fixed(r.performance.sharpe, 3);
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
  for (const auto& w : r.diagnostics.warnings) out << "warning: " << w << "\n";
}

int run_optimize(CLI::App& command, OptimizeArgs& args) {
  auto config = apply_config(command, args.config, kConstraintSections);
  if (!config) return report_error(config.status());
  auto model = parse_portfolio_model(args.model);
  if (!model) return report_error(model.status().with_context("--model"));

  Json inputs_doc;
  auto inputs = model_inputs(args, *model, inputs_doc);
  if (!inputs) return report_error(inputs.status());
  auto setup = build_constraints(args.constraints, *config, args.config, inputs->assets);
  if (!setup) return report_error(setup.status());

  ModelSpec spec;
  spec.model = *model;
  spec.constraints = std::move(setup->constraints);
  spec.risk_free_rate = args.estimator.risk_free;
  spec.mean_variance.risk_aversion = args.estimator.risk_aversion;
  spec.mean_variance.target_return = args.target_return;
  spec.mean_variance.target_volatility = args.target_volatility;
  spec.mean_variance.l2_gamma = args.l2;
  spec.mean_variance.transaction_costs = setup->transaction_costs;
  auto linkage = parse_linkage(args.linkage);
  if (!linkage) return report_error(linkage.status());
  spec.hierarchical.linkage = *linkage;
  spec.hierarchical.clusters = args.clusters;
  spec.tail_risk.confidence = args.alpha;
  spec.tail_risk.target_return = args.target_return;
  spec.tail_risk.target_risk = args.max_risk;
  if (!std::isnan(args.max_risk) && !is_tail_risk(*model)) {
    return report_error(Status::invalid(
        "--max-risk applies to min-cvar, min-cdar, min-mad and minimax; use --target-volatility "
        "with efficient-risk"));
  }
  spec.black_litterman.tau = args.tau;
  spec.black_litterman.risk_aversion = args.estimator.risk_aversion;
  if (!args.views_file.empty()) {
    const Status views =
        read_views(args.views_file, inputs->assets, inputs->views, spec.black_litterman);
    if (!views) return report_error(views);
  }
  if (!args.budgets_file.empty()) {
    auto budgets = read_labeled_vector(args.budgets_file);
    if (!budgets) return report_error(budgets.status());
    auto aligned = align_to(*budgets, inputs->assets, false, args.budgets_file);
    if (!aligned) return report_error(aligned.status());
    spec.risk_budgeting.budgets = *aligned;
  }
  auto result = optimize_portfolio(*inputs, spec);
  if (!result) return report_error(result.status());

  Json doc = result->to_json();
  doc["inputs"] = inputs_doc;
  const int written = emit(doc, [&](std::ostream& out) { print_result(*result, out); }, args.output);
  if (written != 0) return written;
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
  CLI::App* cmd = app.add_subcommand("optimize", "Build one portfolio with any model and constraints");
  cmd->footer(
      "Example:\n  keel optimize --prices prices.csv --model max-sharpe --cov ledoit-wolf --max-weight 0.2\n"
      "  keel optimize --covariance cov.csv --expected-returns mu.csv --model efficient-risk "
      "--target-volatility 0.6 --format json\n"
      "  keel optimize --prices prices.csv --config book.toml --metadata prices_metadata.csv\n"
      "Models: min-variance, max-sharpe, max-utility, efficient-return, efficient-risk, "
      "max-diversification, risk-parity, risk-budget, hrp, herc, nco, equal-weight, "
      "inverse-volatility, market-cap, black-litterman, min-cvar, min-cdar, min-mad, minimax");
  add_price_options(*cmd, args->prices, /*prices_required=*/false);
  add_output_options(*cmd, args->output);
  add_estimator_options(*cmd, args->estimator);
  add_risk_free_option(*cmd, args->estimator.risk_free);
  add_risk_aversion_option(*cmd, args->estimator.risk_aversion);
  add_config_option(*cmd, args->config);
  cmd->add_option("--model", args->model, "Allocation model")->capture_default_str();
  cmd->add_option("--covariance", args->covariance_file,
                  "Annualised covariance CSV with asset names in the header and first column");
  cmd->add_option("--expected-returns", args->expected_returns_file,
                  "Annualised expected returns CSV asset,value (with --covariance)");
  cmd->add_option("--bounds", args->constraints.bounds,
                  "Weight bounds for every asset: LO,HI (e.g. -1,1) or none");
  cmd->add_option("--budget", args->constraints.budget, "Sum of weights (1; 0 for market-neutral)");
  cmd->add_option("--max-weight", args->constraints.max_weight, "Cap on every weight");
  cmd->add_option("--metadata", args->constraints.metadata,
                  "Asset metadata CSV (sector, chain, ...) for [[groups]] by tag");
  cmd->add_option("--target-return", args->target_return, "Annual return for efficient-return");
  cmd->add_option("--target-volatility", args->target_volatility,
                  "Annual volatility for efficient-risk");
  cmd->add_option("--l2", args->l2, "L2 regularisation gamma (gamma * sum w^2)")
      ->capture_default_str();
  cmd->add_option("--budgets", args->budgets_file, "Risk budgets CSV asset,budget (risk-budget)");
  cmd->add_option("--linkage", args->linkage, "hrp/herc/nco linkage: single, complete, average, ward")
      ->capture_default_str();
  cmd->add_option("--views", args->views_file,
                  "Black-Litterman views TOML: [[views]] asset/outperform/underperform, return, "
                  "confidence");
  cmd->add_option("--alpha", args->alpha, "Confidence of CVaR/CDaR (min-cvar, min-cdar)")
      ->capture_default_str();
  cmd->add_option("--max-risk", args->max_risk,
                  "Tail-risk models: maximise return with the risk measure (per period) at most this");
  cmd->add_option("--tau", args->tau, "Black-Litterman tau")->capture_default_str();
  cmd->add_option("--clusters", args->clusters, "herc/nco cluster count (0 = automatic)")
      ->capture_default_str();
  return {cmd, [cmd, args] { return run_optimize(*cmd, *args); }};
}

}  // namespace keel::cli
