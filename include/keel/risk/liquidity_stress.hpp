#pragma once
// Liquidity evaporation: the liquidity-adjusted VaR of liquidity.hpp recomputed with spreads and
// market impact multiplied by K, as when order books thin out in a crash.
//
//   market VaR   historical VaR of the portfolio return series at the confidence and horizon
//                (var.hpp, VarMethod::kHistorical), the same figure `keel risk` adds LVaR to;
//                it is kept unchanged so the stress isolates the liquidity cost.
//   spread model Bangia et al. (1999): μ_s and σ_s of each asset's relative spread over the
//                history → COL = ½ Σ|w_i|(μ_s,i + a σ_s,i); stressed: μ_s, σ_s × K, so the
//                stressed COL is K times the base one.
//   impact model square-root impact with Y → K·Y (liquidity.hpp): stressed cost = K × base cost
//                at the same liquidation horizons. Inputs per asset: average daily traded value
//                ADV = mean per-period volume × periods_per_year / 365, and daily volatility
//                σ_day = σ_period · √(periods_per_year / 365) (sample σ, T − 1).
// A model whose inputs are absent (no spread column, no volumes, no portfolio value) or unusable
// (missing or negative cells, a held asset without volume) is reported as not computed with the
// reason; nothing is invented.

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/risk/liquidity.hpp"

namespace keel {

struct LiquidityStressOptions {
  // K: multiplier of spreads (their mean and standard deviation) and of the impact coefficient,
  // > 0 (1 reproduces the base). Default 3.
  double multiplier = 3.0;
  double confidence = 0.95;  // of the historical VaR, in (0, 1)
  int horizon = 1;           // periods of the VaR, ≥ 1 (non-overlapping aggregation, var.hpp)
  ExogenousSpreadOptions spread{};
  // impact.portfolio_value = 0 (the default) skips the impact model ("no portfolio value").
  EndogenousImpactOptions impact{};
  Status validate() const;
};

struct LiquidityModelStress {
  bool computed = false;
  std::string reason;  // why not computed
  LiquidityAdjustedVar before;
  LiquidityAdjustedVar after;
};

struct LiquidityStress {
  LiquidityStressOptions options;
  double var = 0.0;  // historical market VaR
  LiquidityModelStress spread;
  LiquidityModelStress impact;

  // {"multiplier", "var_method": "historical", "confidence", "horizon", "var",
  //  "exogenous_spread": {"status": "computed", "before": {"liquidity_cost", "lvar",
  //  "liquidity_premium"}, "after": {...}} or {"status": "not-computed", "reason"},
  //  "endogenous_impact": same, plus "portfolio_value", "max_participation" and
  //  "max_liquidation_days"}
  Json to_json() const;
};

// returns: T × N per-period simple returns without NaN (T ≥ 2); spreads and volumes: empty or
// T × N aligned with the return rows (relative spreads; traded value per period in the quote
// currency of impact.portfolio_value); periods_per_year > 0.
Result<LiquidityStress> liquidity_stress(Eigen::Ref<const Eigen::MatrixXd> returns,
                                         Eigen::Ref<const Eigen::MatrixXd> spreads,
                                         Eigen::Ref<const Eigen::MatrixXd> volumes,
                                         double periods_per_year,
                                         Eigen::Ref<const Eigen::VectorXd> weights,
                                         const LiquidityStressOptions& options);

}  // namespace keel
