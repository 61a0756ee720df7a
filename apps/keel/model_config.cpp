#include "model_config.hpp"

#include <algorithm>

#include "config.hpp"
#include "keel/data/labeled_csv.hpp"

namespace keel::cli {

namespace {

// Black–Litterman views from TOML:
//   [[views]] asset = "BTC", return = 0.3, confidence = 0.6          (absolute)
//   [[views]] outperform = ["ETH"], underperform = ["BTC"], return = 0.05   (relative)
// `confidence` (0..1) on every view selects Idzorek's method; on none, He–Litterman's Ω.
Status read_views(const std::string& path, const std::vector<std::string>& assets,
                  BlackLittermanViews& views, BlackLittermanOptions& options) {
  auto parsed = read_toml_file(path, "views file");
  if (!parsed) return parsed.status();
  const toml::table& table = *parsed;
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
      return Status::invalid(where +
                             ": a view needs asset = \"X\" or outperform = [...] and "
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
    options.view_confidences = Eigen::Map<Eigen::VectorXd>(
        confidences.data(), static_cast<Eigen::Index>(confidences.size()));
  }
  return Status::ok();
}

Result<LinkageMethod> parse_linkage(const std::string& name) {
  if (name == "single") return LinkageMethod::kSingle;
  if (name == "complete") return LinkageMethod::kComplete;
  if (name == "average") return LinkageMethod::kAverage;
  if (name == "ward") return LinkageMethod::kWard;
  return Status::invalid("--linkage '" + name +
                         "' is unknown; use single, complete, average or ward");
}

// The efficient-risk cap of a tail-risk model from --max-risk or its measure-named alias
// (--max-cvar for min-cvar, --max-cdar for min-cdar); NaN when none is given. An alias on another
// model, two caps at once, or a cap together with --target-return is an error rather than a
// silent choice.
Result<double> tail_risk_cap(const ModelFlags& flags, PortfolioModel model) {
  struct Cap {
    const char* option;
    double value;
    bool applies;
    const char* hint;
  };
  const Cap caps[] = {
      {"--max-risk", flags.max_risk,
       is_tail_risk(model) && model != PortfolioModel::kMaxRatio &&
           model != PortfolioModel::kKelly && model != PortfolioModel::kMinSemivariance,
       "it applies to min-cvar, min-cdar, min-mad and minimax; use --target-volatility with "
       "efficient-risk"},
      {"--max-cvar", flags.max_cvar, model == PortfolioModel::kMinCvar,
       "it caps CVaR and applies to --model min-cvar only; use --max-cdar with min-cdar or "
       "--max-risk with min-mad and minimax"},
      {"--max-cdar", flags.max_cdar, model == PortfolioModel::kMinCdar,
       "it caps CDaR and applies to --model min-cdar only; use --max-cvar with min-cvar or "
       "--max-risk with min-mad and minimax"},
  };
  const Cap* given = nullptr;
  for (const Cap& cap : caps) {
    if (std::isnan(cap.value)) continue;
    if (!cap.applies) {
      return Status::invalid(std::string(cap.option) + " does not fit --model " +
                             std::string(to_string(model)) + ": " + cap.hint);
    }
    if (given != nullptr) {
      return Status::invalid(std::string(given->option) + " and " + cap.option +
                             " both set the risk cap; give one");
    }
    given = &cap;
  }
  if (given == nullptr) return std::nan("");
  if (!std::isnan(flags.target_return)) {
    return Status::invalid(std::string(given->option) +
                           " (maximise return under a risk cap) and --target-return (minimise "
                           "risk at a return) ask for different portfolios; give one");
  }
  return given->value;
}

}  // namespace

void add_model_options(CLI::App& command, ModelFlags& flags) {
  command.add_option("--model", flags.model, "Allocation model")->capture_default_str();
  command.add_option("--target-return", flags.target_return, "Annual return for efficient-return");
  command.add_option("--target-volatility", flags.target_volatility,
                     "Annual volatility for efficient-risk");
  command.add_option("--l2", flags.l2, "L2 regularisation gamma (gamma * sum w^2)")
      ->capture_default_str();
  command.add_option("--budgets", flags.budgets_file,
                     "Risk budgets CSV asset,budget (risk-budget)");
  command
      .add_option("--linkage", flags.linkage,
                  "hrp/herc/nco linkage: single, complete, average, ward")
      ->capture_default_str();
  command.add_option("--views", flags.views_file,
                     "Black-Litterman views TOML: [[views]] asset/outperform/underperform, return, "
                     "confidence");
  command.add_option("--alpha", flags.alpha, "Confidence of CVaR/CDaR (min-cvar, min-cdar)")
      ->capture_default_str();
  command.add_option(
      "--max-risk", flags.max_risk,
      "Tail-risk models: maximise return with the risk measure (per period) at most this");
  command.add_option("--max-cvar", flags.max_cvar,
                     "min-cvar: maximise return with CVaR (per period, at --alpha) at most this "
                     "(same as --max-risk)");
  command.add_option("--max-cdar", flags.max_cdar,
                     "min-cdar: maximise return with CDaR (per period, at --alpha) at most this "
                     "(same as --max-risk)");
  command.add_option("--tau", flags.tau, "Black-Litterman tau")->capture_default_str();
  command
      .add_option("--risk-measure", flags.risk_measure,
                  "risk-parity/risk-budget: spread the variance, or the CVaR of the return "
                  "scenarios at --alpha (cvar); max-ratio: the risk of the return/risk ratio, "
                  "variance (= max-sharpe), cvar (STARR), cdar, mad, minimax (worst loss) or "
                  "semivariance (Sortino)")
      ->capture_default_str();
  command.add_option(
      "--posterior-model", flags.posterior_model,
      "Black-Litterman: optimise the posterior with this mean-variance model (e.g. "
      "max-sharpe) under every constraint, instead of the unconstrained closed form");
  command.add_option("--clusters", flags.clusters, "herc/nco cluster count (0 = automatic)")
      ->capture_default_str();
  command
      .add_option("--kelly-fraction", flags.kelly_fraction,
                  "kelly: fraction of the growth-optimal weights held, in (0, 1] (0.5 = half "
                  "Kelly); the rest is cash")
      ->capture_default_str();
}

Result<ModelSpec> make_model_spec(const ModelFlags& flags, ConstraintSetup setup,
                                  const std::vector<std::string>& assets,
                                  BlackLittermanViews& views) {
  auto model = parse_portfolio_model(flags.model);
  if (!model) return model.status().with_context("--model");
  ModelSpec spec;
  spec.model = *model;
  spec.constraints = std::move(setup.constraints);
  spec.risk_free_rate = flags.risk_free;
  spec.mean_variance.risk_aversion = flags.risk_aversion;
  spec.mean_variance.target_return = flags.target_return;
  spec.mean_variance.target_volatility = flags.target_volatility;
  spec.mean_variance.l2_gamma = flags.l2;
  spec.mean_variance.transaction_costs = setup.transaction_costs;
  auto linkage = parse_linkage(flags.linkage);
  if (!linkage) return linkage.status();
  spec.hierarchical.linkage = *linkage;
  spec.hierarchical.clusters = flags.clusters;
  spec.tail_risk.confidence = flags.alpha;
  spec.tail_risk.target_return = flags.target_return;
  auto max_risk = tail_risk_cap(flags, *model);
  if (!max_risk) return max_risk.status();
  spec.tail_risk.target_risk = *max_risk;
  spec.black_litterman.tau = flags.tau;
  if (flags.kelly_fraction != 1.0 && *model != PortfolioModel::kKelly) {
    return Status::invalid("--kelly-fraction applies to --model kelly only; drop it");
  }
  if (!(flags.kelly_fraction > 0.0 && flags.kelly_fraction <= 1.0)) {
    return Status::invalid("--kelly-fraction " + std::to_string(flags.kelly_fraction) +
                           " must be in (0, 1] (0.5 = half Kelly, 1 = full Kelly)");
  }
  spec.kelly.fraction = flags.kelly_fraction;
  if (*model == PortfolioModel::kMaxRatio) {
    auto measure = parse_ratio_measure(flags.risk_measure);
    if (!measure) {
      return Status::invalid("--risk-measure '" + flags.risk_measure +
                             "' is unknown for max-ratio; use variance, cvar, cdar, mad, "
                             "minimax or semivariance");
    }
    spec.ratio_measure = *measure;
    // Mean/variance is max-sharpe: run it as such, so that it gets μ and Σ wherever it runs.
    if (*measure == RatioMeasure::kVariance) spec.model = PortfolioModel::kMaxSharpe;
    if (!std::isnan(flags.target_return) || !std::isnan(spec.tail_risk.target_risk) ||
        !std::isnan(flags.target_volatility)) {
      return Status::invalid(
          "--model max-ratio takes no target (--target-return, --target-volatility, --max-risk, "
          "--max-cvar, --max-cdar); drop it, or use the measure's min-risk model (min-cvar, ...) "
          "or efficient-return / efficient-risk with the target");
    }
  } else if (flags.risk_measure == "cvar") {
    if (*model != PortfolioModel::kRiskParity && *model != PortfolioModel::kRiskBudget) {
      return Status::invalid(
          "--risk-measure applies to risk-parity, risk-budget and max-ratio; drop it or use one "
          "of those models");
    }
    spec.risk_budget_measure = RiskBudgetMeasure::kCvar;
  } else if (flags.risk_measure != "variance") {
    return Status::invalid("--risk-measure '" + flags.risk_measure + "' is unknown for " +
                           flags.model +
                           "; use variance or cvar (risk-parity, risk-budget), or --model "
                           "max-ratio for cdar, mad and minimax");
  }
  if (!flags.posterior_model.empty()) {
    if (*model != PortfolioModel::kBlackLitterman) {
      return Status::invalid("--posterior-model applies to --model black-litterman");
    }
    auto inner = parse_portfolio_model(flags.posterior_model);
    if (!inner) return inner.status().with_context("--posterior-model");
    if (!is_mean_variance(*inner)) {
      return Status::invalid(
          "--posterior-model must be a mean-variance model (min-variance, "
          "max-sharpe, max-utility, efficient-return, efficient-risk)");
    }
    spec.black_litterman_optimizer = *inner;
  }
  spec.black_litterman.risk_aversion = flags.risk_aversion;
  if (!flags.views_file.empty()) {
    KEEL_RETURN_IF_ERROR(read_views(flags.views_file, assets, views, spec.black_litterman));
  }
  if (!flags.budgets_file.empty()) {
    auto budgets = read_labeled_vector(flags.budgets_file);
    if (!budgets) return budgets.status();
    auto aligned = align_to(*budgets, assets, false, flags.budgets_file);
    if (!aligned) return aligned.status();
    spec.risk_budgeting.budgets = *aligned;
  }
  return spec;
}

}  // namespace keel::cli
