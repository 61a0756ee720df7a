#pragma once
// The stress suite: one call runs the four stress analyses of a weights vector over one price
// panel, as `keel stress` reports them (docs/stress.md):
//   1. historical replays of crash windows (stress_replay.hpp), on the raw panel, each window
//      handling assets without history by the missing-history policy;
//   2. hypothetical shock scenarios (stress_shocks.hpp), at the panel's last prices;
//   3. the correlation stress (correlation_stress.hpp) and
//   4. the liquidity stress (liquidity_stress.hpp), both on one complete return history of the
//      held assets after the missing-data policy (market.hpp).
// The library owns the sequencing and its rules (a proxy of the missing-history policy joins the
// replay with weight 0 but not the other analyses; the correlation and liquidity stress refuse a
// missing-data policy that drops a held asset), so a library user gets the verb's answers.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/market.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/risk/correlation_stress.hpp"
#include "keel/risk/liquidity_stress.hpp"
#include "keel/risk/stress_replay.hpp"
#include "keel/risk/stress_shocks.hpp"

namespace keel {

struct StressSuiteOptions {
  // Windows to replay (select_stress_windows()). Default none.
  std::vector<ReplayRequest> windows{};
  // How a window treats a held asset without returns in it. Default: excluded (renormalised).
  ReplayOptions replay{};
  // Hypothetical scenarios, checked by validate_shock_scenarios(). Default none.
  std::vector<ShockScenario> scenarios{};
  // The missing-data policy, frequency and return kind of the correlation and liquidity stress
  // (MarketOptions; its read and selection fields are not used: the panel is given). Default:
  // any missing price is an error. The pairwise policy is refused: both analyses need one
  // complete return history.
  MarketOptions market{};
  // λ, M, α, horizon and drift of the correlation stress (defaults 0.5, 1.5, 0.95, 1, sample
  // mean).
  PortfolioCorrelationStressOptions correlation{};
  // K, α, horizon, spread and impact models of the liquidity stress (defaults: K = 3, α = 0.95,
  // one period, no impact model without a portfolio value).
  LiquidityStressOptions liquidity{};
  // How errors name the weights (e.g. their file). Default "the weights".
  std::string weights_source = "the weights";

  Status validate() const;
};

struct StressSuite {
  std::vector<std::string> assets;  // the held assets, in panel order
  Eigen::VectorXd weights;          // aligned with assets
  double periods_per_year = 365.0;  // of the complete return history
  HistoricalStress history;
  std::vector<ShockScenarioResult> scenarios;  // in the order given
  PortfolioCorrelationStress correlation;
  LiquidityStress liquidity;
  Market market;  // the complete return history the correlation and liquidity stress used
  std::vector<std::string> warnings;  // the replay's, then the scenarios'

  // {"historical", "hypothetical", "correlation_stress", "liquidity_stress"}: each part's own
  // JSON (money amounts when portfolio_value > 0).
  Json to_json(double portfolio_value = 0.0) const;
};

// Runs the suite for `weights` (by asset name) over `prices`, the raw panel (NaN = no quote) whose
// columns are exactly the held assets and, when the replay's policy is a proxy not held, the
// proxy (a column without a weight, or a weight without a column, is an error naming the asset). `metadata` may be null unless a shock names a group. Errors: invalid options,
// a weight for an asset not in the panel, a group shock without metadata (naming the scenario,
// shock and group), a missing-data policy that drops a held asset or leaves a return missing
// (naming the asset and date), and the errors of each analysis.
Result<StressSuite> run_stress_suite(const PricePanel& prices, const LabeledVector& weights,
                                     const AssetMetadata* metadata,
                                     const StressSuiteOptions& options);

}  // namespace keel
