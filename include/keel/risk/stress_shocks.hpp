#pragma once
// Hypothetical shock scenarios: named sets of instantaneous price shocks on assets or on groups
// of assets defined by metadata tags ("every L1 −50%", "stablecoins depeg to 0.90"), evaluated as
// a P&L per asset and in total (fractions of portfolio value; a gain is positive).
//
// A scenario is an ordered list of shocks. Each shock has one target and one size:
//   target  all = true            every asset of the portfolio
//           assets = [...]        named assets
//           group = "FIELD:VALUE" assets whose metadata tag FIELD equals VALUE, compared without
//                                 regard to ASCII case; FIELD is sector, chain, protocol,
//                                 stablecoin ("stablecoin" alone means "stablecoin:true") or any
//                                 extra column of the metadata file (e.g. custody)
//   size    return                simple return of the asset price, ≥ −1 (−0.5 = halves)
//           price                 a target price in the quote currency of the price data, ≥ 0;
//                                 the return is price / (the asset's last price in the data) − 1,
//                                 so "price = 0.9" on stablecoins is a depeg to 90 cents
// Later shocks override earlier ones for the same asset ("all −30%, then stablecoins 0%"); assets
// no shock reaches keep their price (return 0). Weights not summing to one leave the rest in cash.
//
// Resolution rules, chosen to catch typos without making generic scenario files fail on a
// portfolio that happens not to hold a group:
//   - a group whose field is unknown, or whose value no asset in the metadata has, is an error
//     that lists the values present; a group that only misses the portfolio's assets is a warning;
//   - a named asset neither in the portfolio nor in the metadata is an error; one that is in the
//     metadata but not held is a warning;
//   - held assets without a metadata row are listed in a warning (no group shock reaches them).

#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/metadata.hpp"
#include "keel/risk/stress.hpp"

namespace keel {

struct ShockSpec {
  // Target: exactly one of all, assets (non-empty), group (non-empty).
  bool all = false;
  std::vector<std::string> assets;
  std::string group;
  // Size: exactly one of asset_return and price.
  std::optional<double> asset_return;
  std::optional<double> price;
  // Where the shock was written (e.g. "shocks.toml:12"); prefixed to error messages when set.
  std::string source;
};

struct ShockScenario {
  std::string name;  // required, unique within a run
  std::string description;
  std::vector<ShockSpec> shocks;  // at least one
  std::string source;
};

// Checks every scenario alone (names, one target and one size per shock, ranges) and that the
// names are unique. Messages name the source, the scenario and the shock number (1-based).
Status validate_shock_scenarios(const std::vector<ShockScenario>& scenarios);

struct ShockScenarioResult {
  std::string name;
  std::string description;
  std::vector<std::string> assets;  // the portfolio's assets, order of the vectors below
  Eigen::VectorXd weights;
  Eigen::VectorXd asset_return;   // shock applied to each asset (0 when none reaches it)
  std::vector<int> shocked_by;    // index of the shock that set each asset's return; −1 = none
  std::vector<ShockSpec> shocks;  // the scenario's shocks, as given
  std::vector<std::string> shock_labels;          // per shock: "all", "group sector:L1", ...
  std::vector<std::vector<std::string>> members;  // per shock: held assets it reached
  StressPnl pnl;                                  // asset_pnl = w ∘ asset_return, total
  std::vector<std::string> warnings;

  // {"name", "description", "total_pnl", "total_pnl_value"?, "shocks": [{"target", "return" |
  //  "price", "assets": [...]}], "assets": {ASSET: {"weight", "return", "pnl", "pnl_value"?,
  //  "shock"}}, "warnings": [...]}; "shock" is the 1-based shock number or null.
  Json to_json(double portfolio_value = 0.0) const;
};

// A built-in crash window stated as a hypothetical shock of the same size
// (crypto_window_market_move): every asset takes BTC's move over the real window and, when
// `spare_stablecoins`, stablecoins then 0% (a later shock overrides). Named
// "<window> (hypothetical, same size)" so that it is never mistaken for a replay. Not found for a
// window that is not built in.
Result<ShockScenario> window_sized_shock(const StressWindow& window, bool spare_stablecoins);

// Resolves and evaluates one scenario for a portfolio. `assets` and `weights` (finite) describe
// the portfolio; `metadata` may be null when no shock uses a group; `last_prices` holds each
// asset's last quoted price (needed only by price shocks; NaN where unknown).
Result<ShockScenarioResult> evaluate_shock_scenario(const ShockScenario& scenario,
                                                    const std::vector<std::string>& assets,
                                                    Eigen::Ref<const Eigen::VectorXd> weights,
                                                    const AssetMetadata* metadata,
                                                    Eigen::Ref<const Eigen::VectorXd> last_prices);

}  // namespace keel
