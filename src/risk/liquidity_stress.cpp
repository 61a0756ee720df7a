#include "keel/risk/liquidity_stress.hpp"

#include <cmath>
#include <string>

#include "keel/risk/measures.hpp"
#include "keel/risk/var.hpp"
#include "risk/checks.hpp"

namespace keel {
namespace {

Json side_json(const LiquidityAdjustedVar& l) {
  return Json{{"liquidity_cost", json_number(l.liquidity_cost)},
              {"lvar", json_number(l.lvar)},
              {"liquidity_premium", json_number(l.liquidity_premium)}};
}

Json model_json(const LiquidityModelStress& m) {
  if (!m.computed) return Json{{"status", "not-computed"}, {"reason", m.reason}};
  return Json{
      {"status", "computed"}, {"before", side_json(m.before)}, {"after", side_json(m.after)}};
}

}  // namespace

Status LiquidityStressOptions::validate() const {
  if (!(multiplier > 0.0) || !std::isfinite(multiplier)) {
    return Status::invalid("LiquidityStressOptions::multiplier = " + std::to_string(multiplier) +
                           " must be positive (1 = no stress, 3 = spreads and impact tripled)");
  }
  KEEL_RETURN_IF_ERROR(
      risk_detail::check_confidence(confidence, "LiquidityStressOptions::confidence"));
  if (horizon < 1) {
    return Status::invalid("LiquidityStressOptions::horizon = " + std::to_string(horizon) +
                           " must be at least 1 period");
  }
  KEEL_RETURN_IF_ERROR(spread.validate());
  if (impact.portfolio_value != 0.0) KEEL_RETURN_IF_ERROR(impact.validate());
  return Status::ok();
}

Result<LiquidityStress> liquidity_stress(Eigen::Ref<const Eigen::MatrixXd> returns,
                                         Eigen::Ref<const Eigen::MatrixXd> spreads,
                                         Eigen::Ref<const Eigen::MatrixXd> volumes,
                                         double periods_per_year,
                                         Eigen::Ref<const Eigen::VectorXd> weights,
                                         const LiquidityStressOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(risk_detail::check_matrix(returns, "liquidity stress returns", 2));
  const Eigen::Index n = returns.cols();
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, n));
  if (!(periods_per_year > 0.0) || !std::isfinite(periods_per_year)) {
    return Status::invalid("liquidity stress: periods_per_year = " +
                           std::to_string(periods_per_year) + " must be positive");
  }
  for (const auto& [m, what] : {std::pair{&spreads, "spreads"}, std::pair{&volumes, "volumes"}}) {
    if (m->size() > 0 && (m->rows() != returns.rows() || m->cols() != n)) {
      return Status::invalid(std::string("liquidity stress: ") + what + " are " +
                             std::to_string(m->rows()) + " x " + std::to_string(m->cols()) +
                             ", not aligned with the " + std::to_string(returns.rows()) + " x " +
                             std::to_string(n) + " returns");
    }
  }
  auto pnl = portfolio_returns(returns, weights);
  if (!pnl) return pnl.status();
  auto var = value_at_risk(*pnl, VarOptions{.method = VarMethod::kHistorical,
                                            .confidence = options.confidence,
                                            .horizon = options.horizon});
  if (!var) return var.status().with_context("liquidity stress (historical VaR)");

  LiquidityStress out;
  out.options = options;
  out.var = var->var;
  const double k = options.multiplier;

  if (spreads.size() == 0) {
    out.spread.reason =
        "no bid-ask spreads in the price data (a long CSV with a spread column, such as the "
        "simulator's market file)";
  } else if (auto stats = spread_statistics(spreads); !stats) {
    out.spread.reason = "spreads unusable: " + stats.status().message();
  } else {
    auto before =
        exogenous_spread_lvar(out.var, weights, stats->mean, stats->stddev, options.spread);
    auto after =
        exogenous_spread_lvar(out.var, weights, k * stats->mean, k * stats->stddev, options.spread);
    if (!before || !after) {
      out.spread.reason = (before ? after.status() : before.status()).message();
    } else {
      out.spread = {true, "", std::move(*before), std::move(*after)};
    }
  }

  if (volumes.size() == 0) {
    out.impact.reason =
        "no traded volumes in the price data (a long CSV with a volume column, such as the "
        "simulator's market file)";
  } else if (options.impact.portfolio_value == 0.0) {
    out.impact.reason =
        "no portfolio value given: the square-root impact model needs position sizes in the "
        "quote currency of the volumes";
  } else {
    auto daily = daily_liquidity(returns, volumes, periods_per_year);
    if (!daily) return daily.status().with_context("liquidity stress");
    const Eigen::VectorXd& adv = daily->average_daily_volume;
    const Eigen::VectorXd& daily_vol = daily->daily_volatility;
    EndogenousImpactOptions stressed = options.impact;
    stressed.impact_coefficient *= k;
    auto before = endogenous_impact_lvar(out.var, weights, daily_vol, adv, options.impact);
    auto after = endogenous_impact_lvar(out.var, weights, daily_vol, adv, stressed);
    if (!before || !after) {
      out.impact.reason = (before ? after.status() : before.status()).message();
    } else {
      out.impact = {true, "", std::move(*before), std::move(*after)};
    }
  }
  return out;
}

Json LiquidityStress::to_json() const {
  Json doc;
  doc["multiplier"] = options.multiplier;
  doc["var_method"] = "historical";
  doc["confidence"] = options.confidence;
  doc["horizon"] = options.horizon;
  doc["var"] = json_number(var);
  doc["exogenous_spread"] = model_json(spread);
  if (spread.computed)
    doc["exogenous_spread"]["spread_multiplier"] = options.spread.spread_multiplier;
  Json impact_doc = model_json(impact);
  if (impact.computed) {
    impact_doc["portfolio_value"] = options.impact.portfolio_value;
    impact_doc["max_participation"] = options.impact.max_participation;
    impact_doc["impact_coefficient"] = options.impact.impact_coefficient;
    impact_doc["max_liquidation_days"] = json_number(impact.before.max_liquidation_days);
  }
  doc["endogenous_impact"] = impact_doc;
  return doc;
}

}  // namespace keel
