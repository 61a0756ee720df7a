#include "keel/optimize/model.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <sstream>
#include <utility>

#include "keel/core/name_table.hpp"
#include "keel/estimate/correlation.hpp"
#include "keel/estimate/estimates.hpp"
#include "keel/optimize/verify.hpp"

namespace keel {

namespace {

constexpr NameTable<PortfolioModel, 22> kModelNames{{
    {PortfolioModel::kMinVariance, "min-variance"},
    {PortfolioModel::kMaxSharpe, "max-sharpe"},
    {PortfolioModel::kMaxUtility, "max-utility"},
    {PortfolioModel::kEfficientReturn, "efficient-return"},
    {PortfolioModel::kEfficientRisk, "efficient-risk"},
    {PortfolioModel::kMaxDiversification, "max-diversification"},
    {PortfolioModel::kRiskParity, "risk-parity"},
    {PortfolioModel::kRiskBudget, "risk-budget"},
    {PortfolioModel::kHrp, "hrp"},
    {PortfolioModel::kHerc, "herc"},
    {PortfolioModel::kNco, "nco"},
    {PortfolioModel::kEqualWeight, "equal-weight"},
    {PortfolioModel::kInverseVolatility, "inverse-volatility"},
    {PortfolioModel::kMarketCap, "market-cap"},
    {PortfolioModel::kBlackLitterman, "black-litterman"},
    {PortfolioModel::kMinCvar, "min-cvar"},
    {PortfolioModel::kMinCdar, "min-cdar"},
    {PortfolioModel::kMinMad, "min-mad"},
    {PortfolioModel::kMinimax, "minimax"},
    {PortfolioModel::kMaxRatio, "max-ratio"},
    {PortfolioModel::kKelly, "kelly"},
    {PortfolioModel::kMinSemivariance, "min-semivariance"},
}};

constexpr NameTable<RatioMeasure, 6> kRatioMeasureNames{{
    {RatioMeasure::kVariance, "variance"},
    {RatioMeasure::kCvar, "cvar"},
    {RatioMeasure::kCdar, "cdar"},
    {RatioMeasure::kMad, "mad"},
    {RatioMeasure::kMinimax, "minimax"},
    {RatioMeasure::kSemivariance, "semivariance"},
}};

Json to_json_vector(const Eigen::VectorXd& v) {
  Json out = Json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) out.push_back(json_number(v(i)));
  return out;
}

Json by_asset(const std::vector<std::string>& assets, const Eigen::VectorXd& v) {
  Json out = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    out[assets[i]] = json_number(v(static_cast<Eigen::Index>(i)));
  }
  return out;
}

bool is_default_long_only(const PortfolioConstraints& c) {
  return c.budget && *c.budget == 1.0 && c.lower_bounds.size() == 0 &&
         c.upper_bounds.size() == 0 && c.lower_bound == 0.0 && c.upper_bound >= 1.0;
}

// Models outside the mean-variance family cannot honour group, linear, leverage or turnover
// limits: refuse them instead of returning a portfolio that ignores them.
Status require_plain_constraints(PortfolioModel model, const PortfolioConstraints& c,
                                 bool bounds_allowed) {
  const std::string name(to_string(model));
  auto refuse = [&](const std::string& what) {
    if (model == PortfolioModel::kBlackLitterman) {
      return Status::invalid("the closed-form black-litterman weights cannot honour " + what +
                             "; optimise the posterior under every constraint with a "
                             "mean-variance model (--posterior-model max-sharpe, ...), or remove "
                             "the constraint");
    }
    return Status::invalid("model " + name + " cannot honour " + what +
                           "; use a mean-variance model (min-variance, max-sharpe, ...) for it, or "
                           "remove the constraint");
  };
  if (c.has_cardinality()) return refuse("max_assets or min_position (cardinality)");
  if (!c.groups.empty()) return refuse("group limits");
  if (!c.linear.empty()) return refuse("linear constraints");
  if (c.has_leverage_cap()) return refuse("a gross leverage cap");
  if (c.has_turnover_cap()) return refuse("a turnover cap");
  if (!c.budget || *c.budget != 1.0) return refuse("a budget other than 1");
  if (!bounds_allowed && !is_default_long_only(c)) {
    return refuse("weight bounds other than 0..1");
  }
  return Status::ok();
}

// The hierarchical and naive models allocate a long-only budget: a negative lower bound is a
// call error naming the asset.
Status require_long_only_bounds(PortfolioModel model, const PortfolioConstraints& c,
                                const std::vector<std::string>& assets) {
  const Eigen::VectorXd lower = c.effective_lower(static_cast<int>(assets.size()));
  for (Eigen::Index i = 0; i < lower.size(); ++i) {
    if (lower[i] < 0.0) {
      return Status::invalid(
          "model " + std::string(to_string(model)) + " is long-only, but the lower bound of " +
          assets[static_cast<std::size_t>(i)] + " is " + std::to_string(lower[i]) +
          "; use a mean-variance model to short, or set the bound to 0");
    }
  }
  return Status::ok();
}

// The correlation the hierarchical models cluster on when none is given. Zero variances are left to
// the model, which checks the covariance first and names the asset (an empty matrix when the
// covariance is not even square, which the model reports the same way).
Eigen::MatrixXd correlation_of(const Eigen::MatrixXd& covariance) {
  auto derived = covariance_to_correlation(covariance,
                                           {.zero_variance = ZeroVariancePolicy::kZeroCorrelation});
  return derived ? std::move(derived->correlation) : Eigen::MatrixXd();
}

std::string group_label(const GroupConstraint& group, std::size_t index) {
  return group.name.empty() ? "group[" + std::to_string(index) + "]" : "group[" + group.name + "]";
}

std::string empty_group_explanation(const GroupConstraint& group, const std::string& label,
                                    std::size_t assets) {
  const bool below = group.min > 0.0;
  std::ostringstream text;
  text << label << " has no member among the " << assets
       << " assets given, so its weight is 0, " << (below ? "below its minimum " : "above its maximum ")
       << (below ? group.min : group.max) << "; "
       << (below ? "lower the group minimum to 0" : "raise the group maximum to 0")
       << " or add an asset of the group";
  return text.str();
}

PortfolioResult base_result(const ModelInputs& inputs, PortfolioModel model) {
  PortfolioResult r;
  r.model = std::string(to_string(model));
  r.assets = inputs.assets;
  return r;
}

// The fields every allocator's own result shares (status, weights, solver, iterations, warnings
// and, where it has one, a message), moved into the shared PortfolioResult.
template <typename ModelResult>
PortfolioResult from_model_result(const ModelInputs& inputs, PortfolioModel model,
                                  ModelResult&& source) {
  PortfolioResult r = base_result(inputs, model);
  r.status = source.status;
  r.weights = std::move(source.weights);
  r.diagnostics.solver = source.solver;
  r.diagnostics.iterations = source.iterations;
  r.diagnostics.warnings = std::move(source.warnings);
  if constexpr (requires { source.message; }) {
    if (!source.message.empty()) r.diagnostics.explanation = source.message;
  }
  return r;
}

PortfolioResult from_risk_budgeting(const ModelInputs& inputs, PortfolioModel model,
                                    RiskBudgetingResult&& rb) {
  PortfolioResult r = from_model_result(inputs, model, rb);
  r.details["budgets"] = by_asset(inputs.assets, rb.budgets);
  r.details["risk_contributions"] = by_asset(inputs.assets, rb.relative_risk_contributions);
  r.details["max_relative_deviation"] = json_number(rb.max_relative_deviation);
  if (!rb.formulation.empty()) r.details["formulation"] = rb.formulation;
  if (rb.lambda > 0) r.details["lambda"] = json_number(rb.lambda);
  if (!rb.binding_constraints.empty()) r.details["binding_constraints"] = rb.binding_constraints;
  return r;
}

PortfolioResult from_cvar_risk_budgeting(const ModelInputs& inputs, PortfolioModel model,
                                         CvarRiskBudgetingResult&& rb, double alpha) {
  PortfolioResult r = from_model_result(inputs, model, rb);
  r.details["risk_measure"] = "cvar";
  r.details["alpha"] = alpha;
  r.details["budgets"] = by_asset(inputs.assets, rb.budgets);
  r.details["risk_contributions"] = by_asset(inputs.assets, rb.relative_risk_contributions);
  r.details["cvar"] = json_number(rb.cvar);
  r.details["max_relative_deviation"] = json_number(rb.max_relative_deviation);
  return r;
}

PortfolioResult from_hierarchical(const ModelInputs& inputs, PortfolioModel model,
                                  HierarchicalResult&& h) {
  PortfolioResult r = from_model_result(inputs, model, h);
  Json linkage = Json::array();
  for (Eigen::Index i = 0; i < h.linkage_matrix.rows(); ++i) {
    linkage.push_back(to_json_vector(h.linkage_matrix.row(i).transpose()));
  }
  r.details["linkage"] = std::move(linkage);
  Json order = Json::array();
  for (int leaf : h.leaf_order) order.push_back(inputs.assets[static_cast<std::size_t>(leaf)]);
  r.details["leaf_order"] = std::move(order);
  if (h.clusters > 0) {
    r.details["clusters"] = h.clusters;
    Json labels = Json::object();
    for (std::size_t i = 0; i < h.cluster_labels.size(); ++i) {
      labels[inputs.assets[i]] = h.cluster_labels[i];
    }
    r.details["cluster_labels"] = std::move(labels);
  }
  return r;
}

// No weights meet the bounds and a budget of 1: an infeasible result naming the bounds.
PortfolioResult bounds_infeasible(const ModelInputs& inputs, PortfolioModel model,
                                  const std::string& why) {
  PortfolioResult r = base_result(inputs, model);
  r.status = SolveStatus::kInfeasible;
  r.diagnostics.conflicting_constraints = {"bounds", "budget"};
  r.diagnostics.explanation = "no weights within the per-asset bounds sum to 1: " + why;
  return r;
}

Status check_inputs(const ModelInputs& inputs, PortfolioModel model) {
  const auto n = static_cast<Eigen::Index>(inputs.assets.size());
  if (n == 0) return Status::invalid("no assets to allocate");
  if (inputs.covariance.rows() != n || inputs.covariance.cols() != n) {
    return Status::invalid("the covariance is " + std::to_string(inputs.covariance.rows()) + "x" +
                           std::to_string(inputs.covariance.cols()) + " but there are " +
                           std::to_string(n) + " assets");
  }
  if (!inputs.covariance.allFinite()) {
    return Status::invalid("the covariance has non-finite entries; check the missing-data policy");
  }
  if (inputs.expected_returns.size() != 0 && inputs.expected_returns.size() != n) {
    return Status::invalid("expected returns have " + std::to_string(inputs.expected_returns.size()) +
                           " entries for " + std::to_string(n) + " assets");
  }
  if (inputs.correlation.size() != 0 &&
      (inputs.correlation.rows() != n || inputs.correlation.cols() != n ||
       !inputs.correlation.allFinite())) {
    return Status::invalid("the correlation is " + std::to_string(inputs.correlation.rows()) + "x" +
                           std::to_string(inputs.correlation.cols()) +
                           " or not finite; it must be a finite matrix with one row and column "
                           "per asset (" +
                           std::to_string(n) + ")");
  }
  if (model == PortfolioModel::kMarketCap && inputs.market_caps.size() != n) {
    return Status::invalid(
        "model market-cap needs one market cap per asset (metadata market_cap or --market-caps)");
  }
  return Status::ok();
}

Result<PortfolioResult> run_black_litterman(const ModelInputs& inputs, const ModelSpec& spec,
                                            ModelWorkspace* workspace) {
  const auto n = static_cast<Eigen::Index>(inputs.assets.size());
  if (inputs.views.picking.rows() == 0) {
    return Status::invalid("model black-litterman needs views (--views FILE)");
  }
  Eigen::VectorXd prior;
  const bool market_prior = inputs.market_caps.size() == n;
  if (market_prior) {
    auto pi = market_implied_prior_returns(inputs.covariance, inputs.market_caps,
                                           spec.black_litterman.risk_aversion, spec.risk_free_rate);
    if (!pi) return pi.status();
    prior = *pi;
  } else if (inputs.expected_returns.size() == n) {
    prior = inputs.expected_returns;
  } else {
    return Status::invalid(
        "model black-litterman needs a prior: market caps (--market-caps) or expected returns");
  }
  auto bl = black_litterman(inputs.covariance, prior, inputs.views, spec.black_litterman);
  if (!bl) return bl.status();
  if (spec.black_litterman_optimizer) {
    const PortfolioModel inner = *spec.black_litterman_optimizer;
    if (!is_mean_variance(inner)) {
      return Status::invalid("the optimiser on the Black–Litterman posterior must be a "
                             "mean-variance model (min-variance, max-sharpe, max-utility, "
                             "efficient-return, efficient-risk), not " + std::string(to_string(inner)));
    }
    if (!keel::is_usable(bl->status)) {
      return Status::numerical("Black–Litterman posterior: " + bl->message);
    }
    ModelInputs posterior = inputs;
    posterior.expected_returns = bl->posterior_returns;
    posterior.covariance = bl->posterior_covariance;
    ModelSpec inner_spec = spec;
    inner_spec.model = inner;
    inner_spec.black_litterman_optimizer.reset();
    inner_spec.mean_variance.risk_aversion = spec.black_litterman.risk_aversion;
    auto result = optimize_portfolio(posterior, inner_spec, workspace);
    if (!result) return result;
    result->model = "black-litterman";
    result->details["optimizer"] = std::string(to_string(inner));
    result->details["prior"] = market_prior ? "market-implied" : "expected-returns";
    result->details["tau"] = spec.black_litterman.tau;
    result->details["risk_aversion"] = spec.black_litterman.risk_aversion;
    result->details["prior_returns"] = by_asset(inputs.assets, bl->prior_returns);
    result->details["posterior_returns"] = by_asset(inputs.assets, bl->posterior_returns);
    return result;
  }
  PortfolioResult r = base_result(inputs, PortfolioModel::kBlackLitterman);
  r.status = bl->status;
  r.weights = bl->weights;
  r.diagnostics.solver = "closed-form";
  r.diagnostics.warnings = bl->warnings;
  if (!bl->message.empty()) r.diagnostics.explanation = bl->message;
  r.details["prior"] = market_prior ? "market-implied" : "expected-returns";
  r.details["tau"] = spec.black_litterman.tau;
  r.details["risk_aversion"] = spec.black_litterman.risk_aversion;
  r.details["prior_returns"] = by_asset(inputs.assets, bl->prior_returns);
  r.details["posterior_returns"] = by_asset(inputs.assets, bl->posterior_returns);
  // Performance is reported on the posterior, the model's own view of the world.
  r.performance = compute_performance(r.weights, bl->posterior_returns, bl->posterior_covariance,
                                      spec.risk_free_rate);
  return r;
}

Result<PortfolioResult> run_tail_risk(const ModelInputs& inputs, const ModelSpec& spec) {
  if (inputs.scenarios.rows() == 0) {
    return Status::invalid("model " + std::string(to_string(spec.model)) +
                           " needs return scenarios: run it on --prices");
  }
  TailRiskProblem problem{inputs.assets, inputs.scenarios, inputs.expected_returns,
                          inputs.periods_per_year > 0 ? inputs.periods_per_year : 365.0,
                          spec.constraints};
  TailRiskOptions options = spec.tail_risk;
  options.risk_free_rate = spec.risk_free_rate;
  options.measure = spec.model == PortfolioModel::kMinCvar   ? TailRiskMeasure::kCvar
                    : spec.model == PortfolioModel::kMinCdar ? TailRiskMeasure::kCdar
                    : spec.model == PortfolioModel::kMinMad  ? TailRiskMeasure::kMad
                    : spec.model == PortfolioModel::kMinSemivariance
                        ? TailRiskMeasure::kSemivariance
                        : TailRiskMeasure::kMinimax;
  if (spec.model == PortfolioModel::kMaxRatio) {
    switch (spec.ratio_measure) {
      case RatioMeasure::kCvar:
        options.measure = TailRiskMeasure::kCvar;
        break;
      case RatioMeasure::kCdar:
        options.measure = TailRiskMeasure::kCdar;
        break;
      case RatioMeasure::kMad:
        options.measure = TailRiskMeasure::kMad;
        break;
      case RatioMeasure::kSemivariance:
        options.measure = TailRiskMeasure::kSemivariance;
        break;
      default:
        options.measure = TailRiskMeasure::kMinimax;
        break;
    }
    if (!std::isnan(options.target_return) || !std::isnan(options.target_risk)) {
      return Status::invalid(
          "max-ratio takes no target: drop --target-return / --max-risk, or use min-" +
          std::string(measure_name(options.measure)) + " with the target");
    }
    options.objective = TailRiskObjective::kMaxRatio;
  } else if (!std::isnan(options.target_return)) {
    options.objective = TailRiskObjective::kEfficientReturn;
  } else if (!std::isnan(options.target_risk)) {
    options.objective = TailRiskObjective::kEfficientRisk;
  }
  auto result = optimize_tail_risk(problem, options);
  if (!result) return result.status();
  PortfolioResult r = std::move(result->portfolio);
  r.details["risk"] = result->to_json(options.confidence).value("risk", Json::object());
  return r;
}

Result<PortfolioResult> run_kelly(const ModelInputs& inputs, const ModelSpec& spec) {
  if (inputs.scenarios.rows() == 0) {
    return Status::invalid("model kelly needs return scenarios: run it on --prices");
  }
  KellyProblem problem{inputs.assets, inputs.scenarios,
                       inputs.periods_per_year > 0 ? inputs.periods_per_year : 365.0,
                       spec.constraints};
  KellyOptions options = spec.kelly;
  options.risk_free_rate = spec.risk_free_rate;
  auto result = optimize_kelly(problem, options);
  if (!result) return result.status();
  return std::move(result->portfolio);
}

Result<PortfolioResult> run_model(const ModelInputs& inputs, const ModelSpec& spec,
                                  ModelWorkspace* workspace) {
  const PortfolioModel model = spec.model;
  switch (model) {
    case PortfolioModel::kMinVariance:
    case PortfolioModel::kMaxSharpe:
    case PortfolioModel::kMaxUtility:
    case PortfolioModel::kEfficientReturn:
    case PortfolioModel::kEfficientRisk:
    case PortfolioModel::kMaxDiversification: {
      MeanVarianceProblem problem{inputs.assets, inputs.expected_returns, inputs.covariance,
                                  spec.constraints};
      MeanVarianceOptions options = spec.mean_variance;
      options.risk_free_rate = spec.risk_free_rate;
      options.objective = model == PortfolioModel::kMinVariance    ? MeanVarianceObjective::kMinVariance
                          : model == PortfolioModel::kMaxSharpe    ? MeanVarianceObjective::kMaxSharpe
                          : model == PortfolioModel::kMaxUtility   ? MeanVarianceObjective::kMaxUtility
                          : model == PortfolioModel::kEfficientReturn
                              ? MeanVarianceObjective::kEfficientReturn
                          : model == PortfolioModel::kEfficientRisk
                              ? MeanVarianceObjective::kEfficientRisk
                              : MeanVarianceObjective::kMaxDiversification;
      return optimize_mean_variance(problem, options,
                                    workspace ? &workspace->mean_variance : nullptr);
    }
    case PortfolioModel::kRiskParity:
    case PortfolioModel::kRiskBudget: {
      if (model == PortfolioModel::kRiskBudget && spec.risk_budgeting.budgets.size() == 0) {
        return Status::invalid("model risk-budget needs budgets (--budgets FILE with asset,budget)");
      }
      if (spec.risk_budget_measure == RiskBudgetMeasure::kCvar) {
        KEEL_RETURN_IF_ERROR(require_plain_constraints(model, spec.constraints, false));
        if (inputs.scenarios.rows() == 0) {
          return Status::invalid("CVaR risk budgeting needs return scenarios: run it on --prices");
        }
        CvarRiskBudgetingOptions options;
        options.alpha = spec.tail_risk.confidence;
        if (model == PortfolioModel::kRiskBudget) options.budgets = spec.risk_budgeting.budgets;
        auto rb = cvar_risk_budgeting(inputs.scenarios, options);
        if (!rb) return rb.status();
        return from_cvar_risk_budgeting(inputs, model, std::move(*rb), options.alpha);
      }
      // Group limits and linear constraints go to the barrier method (risk_budgeting.hpp);
      // leverage, turnover, cardinality and other budgets still cannot be honoured.
      if (spec.constraints.has_cardinality()) {
        // Refused first thing, naming max_assets / min_position.
        KEEL_RETURN_IF_ERROR(require_plain_constraints(model, spec.constraints, true));
      }
      PortfolioConstraints plain = spec.constraints;
      plain.groups.clear();
      plain.linear.clear();
      KEEL_RETURN_IF_ERROR(require_plain_constraints(model, plain, true));
      RiskBudgetingOptions options = spec.risk_budgeting;
      if (!spec.constraints.groups.empty() || !spec.constraints.linear.empty()) {
        options.method = RiskBudgetingMethod::kBarrier;
        options.groups = spec.constraints.groups;
        options.linear = spec.constraints.linear;
      }
      if (model == PortfolioModel::kRiskParity) options.budgets.resize(0);
      if (model == PortfolioModel::kRiskBudget && options.budgets.size() == 0) {
        return Status::invalid("model risk-budget needs budgets (--budgets FILE with asset,budget)");
      }
      const auto n = static_cast<int>(inputs.assets.size());
      if (!is_default_long_only(spec.constraints)) {
        options.lower = spec.constraints.effective_lower(n);
        options.upper = spec.constraints.effective_upper(n);
      }
      auto rb = risk_budgeting(inputs.covariance, options);
      if (!rb) return rb.status();
      return from_risk_budgeting(inputs, model, std::move(*rb));
    }
    case PortfolioModel::kHrp:
    case PortfolioModel::kHerc:
    case PortfolioModel::kNco: {
      KEEL_RETURN_IF_ERROR(require_plain_constraints(model, spec.constraints, true));
      KEEL_RETURN_IF_ERROR(require_long_only_bounds(model, spec.constraints, inputs.assets));
      // The constraints are long-only here, so NCO's within- and across-cluster minimum-variance
      // steps must be long-only too (its unconstrained closed form can short).
      HierarchicalOptions options = spec.hierarchical;
      options.long_only = true;
      const auto n = static_cast<int>(inputs.assets.size());
      if (!is_default_long_only(spec.constraints)) {
        options.lower_bounds = spec.constraints.effective_lower(n);
        options.upper_bounds = spec.constraints.effective_upper(n);
      }
      const Eigen::MatrixXd correlation =
          inputs.correlation.size() != 0 ? inputs.correlation : correlation_of(inputs.covariance);
      auto h = model == PortfolioModel::kHrp    ? hrp(inputs.covariance, correlation, options)
               : model == PortfolioModel::kHerc ? herc(inputs.covariance, correlation, options)
                                                : nco(inputs.covariance, correlation, options);
      if (!h) return h.status();
      if (h->status == SolveStatus::kInfeasible)
        return bounds_infeasible(inputs, model, h->message);
      return from_hierarchical(inputs, model, std::move(*h));
    }
    case PortfolioModel::kEqualWeight:
    case PortfolioModel::kInverseVolatility: {
      KEEL_RETURN_IF_ERROR(require_plain_constraints(model, spec.constraints, true));
      KEEL_RETURN_IF_ERROR(require_long_only_bounds(model, spec.constraints, inputs.assets));
      auto naive = model == PortfolioModel::kEqualWeight
                       ? equal_weight(static_cast<Eigen::Index>(inputs.assets.size()))
                       : inverse_volatility(inputs.covariance);
      if (!naive) return naive.status();
      if (!is_default_long_only(spec.constraints)) {
        const auto n = static_cast<int>(inputs.assets.size());
        const BoundedWeights bounded =
            proportional_within_bounds(naive->weights, 1.0, spec.constraints.effective_lower(n),
                                       spec.constraints.effective_upper(n));
        if (bounded.status == SolveStatus::kInfeasible) {
          return bounds_infeasible(inputs, model, bounded.message);
        }
        naive->weights = bounded.weights;
      }
      return from_model_result(inputs, model, std::move(*naive));
    }
    case PortfolioModel::kMarketCap: {
      KEEL_RETURN_IF_ERROR(require_plain_constraints(model, spec.constraints, false));
      auto naive = market_cap_weight(inputs.market_caps, spec.market_cap);
      if (!naive) return naive.status();
      return from_model_result(inputs, model, std::move(*naive));
    }
    case PortfolioModel::kBlackLitterman:
      // With an optimiser on the posterior, that mean-variance model honours every constraint;
      // the closed-form weights honour none but the budget.
      if (!spec.black_litterman_optimizer) {
        KEEL_RETURN_IF_ERROR(require_plain_constraints(model, spec.constraints, true));
      }
      return run_black_litterman(inputs, spec, workspace);
    case PortfolioModel::kMinCvar:
    case PortfolioModel::kMinCdar:
    case PortfolioModel::kMinMad:
    case PortfolioModel::kMinimax:
    case PortfolioModel::kMinSemivariance:
      return run_tail_risk(inputs, spec);
    case PortfolioModel::kKelly:
      return run_kelly(inputs, spec);
    case PortfolioModel::kMaxRatio: {
      if (spec.ratio_measure != RatioMeasure::kVariance) return run_tail_risk(inputs, spec);
      // Mean/variance: max-sharpe under every constraint.
      ModelSpec sharpe = spec;
      sharpe.model = PortfolioModel::kMaxSharpe;
      auto result = run_model(inputs, sharpe, workspace);
      if (result) {
        result->model = "max-ratio";
        result->details["risk"] = Json{{"measure", "variance"}};
      }
      return result;
    }
  }
  return Status::internal("unhandled model");
}

}  // namespace

std::string_view to_string(PortfolioModel model) { return name_of(kModelNames, model); }

Result<PortfolioModel> parse_portfolio_model(std::string_view name) {
  return parse_name(kModelNames, name, "model");
}

std::string_view to_string(RatioMeasure measure) { return name_of(kRatioMeasureNames, measure); }

Result<RatioMeasure> parse_ratio_measure(std::string_view name) {
  return parse_name(kRatioMeasureNames, name, "risk measure");
}

bool is_mean_variance(PortfolioModel model) {
  switch (model) {
    case PortfolioModel::kMinVariance:
    case PortfolioModel::kMaxSharpe:
    case PortfolioModel::kMaxUtility:
    case PortfolioModel::kEfficientReturn:
    case PortfolioModel::kEfficientRisk:
    case PortfolioModel::kMaxDiversification:
      return true;
    default:
      return false;
  }
}

bool needs_expected_returns(PortfolioModel model) {
  switch (model) {
    case PortfolioModel::kHrp:
    case PortfolioModel::kHerc:
    case PortfolioModel::kNco:
    case PortfolioModel::kRiskParity:
    case PortfolioModel::kRiskBudget:
    case PortfolioModel::kEqualWeight:
    case PortfolioModel::kInverseVolatility:
    case PortfolioModel::kMarketCap:
    case PortfolioModel::kKelly:
      return false;
    default:
      return true;
  }
}

bool is_tail_risk(PortfolioModel model) {
  return model == PortfolioModel::kMinCvar || model == PortfolioModel::kMinCdar ||
         model == PortfolioModel::kMinMad || model == PortfolioModel::kMinimax ||
         model == PortfolioModel::kMaxRatio || model == PortfolioModel::kKelly ||
         model == PortfolioModel::kMinSemivariance;
}

namespace {

Result<PortfolioResult> run_and_verify(const ModelInputs& inputs, const ModelSpec& full_spec,
                                       ModelWorkspace* workspace) {
  KEEL_RETURN_IF_ERROR(check_inputs(inputs, full_spec.model));
  const auto started = std::chrono::steady_clock::now();
  // Groups without a member (a tag group none of whose assets is in this universe, e.g. before a
  // listing) weigh 0: dropped with a warning when 0 is within their limits, else infeasible.
  std::vector<std::string> dropped_groups;
  ModelSpec stripped;
  const bool has_empty_group =
      std::any_of(full_spec.constraints.groups.begin(), full_spec.constraints.groups.end(),
                  [](const GroupConstraint& g) { return g.members.empty(); });
  if (has_empty_group) {
    stripped = full_spec;
    stripped.constraints.groups.clear();
    for (std::size_t g = 0; g < full_spec.constraints.groups.size(); ++g) {
      const GroupConstraint& group = full_spec.constraints.groups[g];
      if (!group.members.empty()) {
        stripped.constraints.groups.push_back(group);
        continue;
      }
      const std::string label = group_label(group, g);
      if (!(group.min <= 0.0 && group.max >= 0.0)) {
        PortfolioResult r = base_result(inputs, full_spec.model);
        r.status = SolveStatus::kInfeasible;
        r.diagnostics.conflicting_constraints = {label};
        r.diagnostics.explanation = empty_group_explanation(group, label, inputs.assets.size());
        return r;
      }
      dropped_groups.push_back(label);
    }
  }
  const ModelSpec& spec = has_empty_group ? stripped : full_spec;
  auto result = run_model(inputs, spec, workspace);
  if (!result) return result;
  PortfolioResult& r = *result;
  for (const auto& label : dropped_groups) {
    r.diagnostics.warnings.push_back(label +
                                     " has no member among the assets given and was dropped (its "
                                     "limits allow a weight of 0)");
  }
  // Mean-variance and tail-risk models compute performance and verify inside.
  if (is_mean_variance(spec.model) || is_tail_risk(spec.model)) {
    return result;
  }
  r.diagnostics.solve_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (r.weights.size() == static_cast<Eigen::Index>(inputs.assets.size())) {
    if (spec.model == PortfolioModel::kBlackLitterman && spec.black_litterman_optimizer) {
      return result;  // verified by the mean-variance model that produced it
    }
    if (spec.model == PortfolioModel::kBlackLitterman) {
      // The posterior-implied weights are unconstrained by construction (they may short); only
      // the budget binds them. Long-only or bounded books run a mean-variance model on the
      // posterior returns in `details` instead.
      PortfolioConstraints budget_only;
      budget_only.lower_bound = -kInfinity;
      budget_only.upper_bound = kInfinity;
      verify_result(r, budget_only);
      if ((r.weights.array() < 0.0).any()) {
        r.diagnostics.warnings.push_back(
            "the posterior-implied weights short some assets; for a long-only book optimise the "
            "posterior returns with a mean-variance model");
      }
      return result;
    }
    const Eigen::VectorXd mu = inputs.expected_returns.size() == r.weights.size()
                                   ? inputs.expected_returns
                                   : Eigen::VectorXd::Constant(r.weights.size(), std::nan(""));
    r.performance = compute_performance(r.weights, mu, inputs.covariance, spec.risk_free_rate);
    verify_result(r, spec.constraints);
  }
  return result;
}

}  // namespace

ModelInputs make_model_inputs(const MarketEstimates& estimates) {
  ModelInputs inputs;
  inputs.assets = estimates.market.panel.assets;
  inputs.expected_returns = estimates.expected_returns.annualised;
  inputs.covariance = estimates.covariance.annualised;
  inputs.market_caps = estimates.market_caps;
  inputs.scenarios = estimates.market.returns.values;
  inputs.periods_per_year = estimates.market.frequency.periods_per_year;
  return inputs;
}

Result<PortfolioResult> optimize_portfolio(const ModelInputs& inputs, const ModelSpec& spec,
                                           ModelWorkspace* workspace) {
  auto result = run_and_verify(inputs, spec, workspace);
  if (result) add_plausibility_warnings(*result, spec.plausibility);
  return result;
}

}  // namespace keel
