#include "keel/risk/risk_profile.hpp"

#include <cmath>

#include "keel/estimate/copula.hpp"
#include "keel/risk/measures.hpp"

namespace keel {

Status RiskProfileOptions::validate() const {
  if (!(std::isfinite(periods_per_year) && periods_per_year > 0.0)) {
    return Status::invalid("risk profile: periods_per_year must be > 0");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::invalid("risk profile: confidence must be in (0, 1)");
  }
  if (horizon < 1) return Status::invalid("risk profile: horizon must be ≥ 1 period");
  if (methods.empty()) return Status::invalid("risk profile: no VaR method requested");
  for (VarMethod m : methods) {
    if (m == VarMethod::kMonteCarlo && horizon != 1) {
      return Status::invalid(
          "Monte Carlo VaR simulates one period: use horizon 1 or another method");
    }
  }
  if (scenarios < 100) return Status::invalid("risk profile: at least 100 Monte Carlo scenarios");
  if (!(std::isfinite(portfolio_value) && portfolio_value >= 0.0)) {
    return Status::invalid("risk profile: portfolio_value must be ≥ 0");
  }
  return Status::ok();
}

Result<RiskProfile> risk_profile(Eigen::Ref<const Eigen::MatrixXd> returns,
                                 Eigen::Ref<const Eigen::VectorXd> weights,
                                 Eigen::Ref<const Eigen::MatrixXd> spreads,
                                 Eigen::Ref<const Eigen::MatrixXd> volumes,
                                 const RiskProfileOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  RiskProfile p;
  auto pnl = portfolio_returns(returns, weights);
  if (!pnl) return pnl.status();
  p.portfolio_returns = std::move(*pnl);
  auto vol = volatility(p.portfolio_returns);
  if (!vol) return vol.status();
  p.volatility = *vol;
  p.annualised_volatility = annualise(*vol, options.periods_per_year);

  std::optional<double> historical;
  for (VarMethod method : options.methods) {
    VarOptions v{.method = method, .confidence = options.confidence, .horizon = options.horizon};
    Result<VarEstimate> estimate = Status::internal("unset");
    if (method == VarMethod::kMonteCarlo) {
      auto fit = fit_copula(returns, CopulaOptions{.family = CopulaFamily::kStudentT});
      if (!fit) return fit.status().with_context("monte-carlo (t copula fit)");
      auto scenarios = sample_scenarios(*fit, returns, options.scenarios, options.seed);
      if (!scenarios) return scenarios.status();
      estimate = scenario_var(*scenarios, weights, v);
    } else {
      estimate = value_at_risk(p.portfolio_returns, v);
    }
    if (!estimate) return estimate.status().with_context(std::string(to_string(method)));
    if (method == VarMethod::kHistorical) historical = estimate->var;
    for (const auto& w : estimate->warnings) {
      p.warnings.push_back(std::string(keel::to_string(method)) + ": " + w);
    }
    p.estimates.push_back(std::move(*estimate));
  }
  if (!historical) {
    auto h = value_at_risk(p.portfolio_returns, VarOptions{.confidence = options.confidence,
                                                           .horizon = options.horizon});
    if (!h) return h.status();
    historical = h->var;
  }
  p.historical_var = *historical;

  auto dd = drawdowns(p.portfolio_returns, DrawdownOptions{.kind = DrawdownKind::kCompounded,
                                                           .confidence = options.confidence});
  if (!dd) return dd.status();
  p.drawdown = std::move(*dd);
  auto flat = drawdowns(p.portfolio_returns, DrawdownOptions{.kind = DrawdownKind::kUncompounded,
                                                             .confidence = options.confidence});
  if (!flat) return flat.status();
  p.uncompounded_drawdown = std::move(*flat);

  if (spreads.size() > 0) {
    auto stats = spread_statistics(spreads);
    if (!stats) return stats.status().with_context("spreads");
    auto l = exogenous_spread_lvar(p.historical_var, weights, stats->mean, stats->stddev);
    if (!l) return l.status();
    p.spread_lvar = std::move(*l);
  }
  if (volumes.size() > 0 && options.portfolio_value > 0.0) {
    auto daily = daily_liquidity(returns, volumes, options.periods_per_year);
    if (!daily) return daily.status();
    auto l = endogenous_impact_lvar(
        p.historical_var, weights, daily->daily_volatility, daily->average_daily_volume,
        EndogenousImpactOptions{.portfolio_value = options.portfolio_value});
    if (!l) return l.status();
    p.impact_lvar = std::move(*l);
  }
  if (!p.spread_lvar && !p.impact_lvar) {
    p.liquidity_note =
        "no spreads or volumes in the price file (use a long CSV with spread/volume "
        "columns, e.g. from keel simulate) and a portfolio value for the impact model";
  }

  for (ContributionMeasure measure :
       {ContributionMeasure::kVolatility, ContributionMeasure::kHistoricalCvar,
        ContributionMeasure::kModifiedVar}) {
    auto c = risk_contributions(
        returns, weights,
        ContributionOptions{.measure = measure, .confidence = options.confidence});
    if (!c) return c.status().with_context(std::string(to_string(measure)));
    p.contributions.push_back(std::move(*c));
  }
  return p;
}

namespace {

Json by_asset(const std::vector<std::string>& assets, const Eigen::VectorXd& v) {
  Json out = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i)
    out[assets[i]] = json_number(v(static_cast<Eigen::Index>(i)));
  return out;
}

}  // namespace

Json RiskProfile::to_json(const std::vector<std::string>& assets, double portfolio_value) const {
  Json doc;
  doc["volatility"] = {{"per_period", json_number(volatility)},
                       {"annualised", json_number(annualised_volatility)}};
  Json var = Json::object();
  Json cvar = Json::object();
  for (const auto& e : estimates) {
    var[std::string(keel::to_string(e.method))] = json_number(e.var);
    cvar[std::string(keel::to_string(e.method))] = json_number(e.es);
  }
  doc["var"] = std::move(var);
  doc["cvar"] = std::move(cvar);
  doc["max_drawdown"] = json_number(drawdown.max_drawdown);
  doc["average_drawdown"] = json_number(drawdown.average_drawdown);
  doc["cdar"] = json_number(drawdown.cdar);
  doc["ulcer_index"] = json_number(drawdown.ulcer_index);
  doc["uncompounded_drawdown"] = {
      {"max_drawdown", json_number(uncompounded_drawdown.max_drawdown)},
      {"average_drawdown", json_number(uncompounded_drawdown.average_drawdown)},
      {"cdar", json_number(uncompounded_drawdown.cdar)},
      {"ulcer_index", json_number(uncompounded_drawdown.ulcer_index)},
      {"definition",
       "falls of the cumulative sum of returns, in units of initial capital: the min-CDaR "
       "optimiser's definition; the top-level drawdowns are falls of compounded wealth"}};
  Json lvar = Json::object();
  if (spread_lvar) {
    lvar["exogenous_spread"] = {{"var", spread_lvar->var},
                                {"liquidity_cost", spread_lvar->liquidity_cost},
                                {"lvar", spread_lvar->lvar},
                                {"liquidity_premium", json_number(spread_lvar->liquidity_premium)}};
  }
  if (impact_lvar) {
    lvar["endogenous_impact"] = {{"var", impact_lvar->var},
                                 {"liquidity_cost", impact_lvar->liquidity_cost},
                                 {"lvar", impact_lvar->lvar},
                                 {"liquidity_premium", json_number(impact_lvar->liquidity_premium)},
                                 {"max_liquidation_days", impact_lvar->max_liquidation_days},
                                 {"portfolio_value", portfolio_value}};
  }
  if (lvar.empty()) lvar["note"] = liquidity_note;
  doc["lvar"] = std::move(lvar);
  Json by_measure = Json::object();
  for (const auto& c : contributions) {
    const char* name = c.measure == ContributionMeasure::kVolatility       ? "volatility"
                       : c.measure == ContributionMeasure::kHistoricalCvar ? "historical_cvar"
                                                                           : "modified_var";
    by_measure[name] = {{"total", json_number(c.total)},
                        {"component", by_asset(assets, c.component)},
                        {"percent", by_asset(assets, c.percent)}};
  }
  doc["contributions"] = std::move(by_measure);
  doc["diagnostics"]["warnings"] = warnings;
  return doc;
}

}  // namespace keel
