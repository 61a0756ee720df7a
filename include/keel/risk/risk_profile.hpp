#pragma once
// The risk profile of one portfolio over a return history: what `keel risk` reports and the demo
// shows. Volatility; VaR and CVaR by any of the four methods (historical, Gaussian,
// Cornish–Fisher, Monte Carlo from a Student-t copula with empirical marginals); drawdowns;
// liquidity-adjusted VaR beside the historical VaR (exogenous spread model when spreads are given,
// endogenous impact model when volumes and a portfolio value are given); and component
// contributions to volatility, historical CVaR and modified VaR.

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/risk/contributions.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/liquidity.hpp"
#include "keel/risk/var.hpp"

namespace keel {

struct RiskProfileOptions {
  double periods_per_year = 0.0;  // required, > 0
  double confidence = 0.95;       // of VaR, CVaR, CDaR and the tail contributions
  int horizon = 1;                // periods; Monte Carlo needs 1
  std::vector<VarMethod> methods = {VarMethod::kHistorical, VarMethod::kGaussian,
                                    VarMethod::kCornishFisher, VarMethod::kMonteCarlo};
  int scenarios = 20000;       // Monte Carlo draws
  std::uint64_t seed = 42;     // Monte Carlo seed
  double portfolio_value = 0;  // > 0 enables the endogenous impact LVaR (with volumes)
  Status validate() const;
};

struct RiskProfile {
  Eigen::VectorXd portfolio_returns;  // T per-period returns R w
  double volatility = 0.0;            // per period
  double annualised_volatility = 0.0;
  std::vector<VarEstimate> estimates;  // one per requested method, in order
  double historical_var = 0.0;         // the VaR the LVaR models add liquidity costs to
  // Drawdowns of compounded wealth (the headline: what an equity curve shows) and of the
  // uncompounded cumulative return (the min-CDaR optimiser's definition), both with CDaR at the
  // profile's confidence (risk/drawdown.hpp).
  DrawdownSummary drawdown;
  DrawdownSummary uncompounded_drawdown;
  std::optional<LiquidityAdjustedVar> spread_lvar;  // exogenous spread model
  std::optional<LiquidityAdjustedVar> impact_lvar;  // endogenous impact model
  std::string liquidity_note;                       // why an LVaR model was not computed
  std::vector<RiskContributions> contributions;     // volatility, historical CVaR, modified VaR
  // The estimates' validity warnings, prefixed by method (e.g. "cornish-fisher: the expansion is
  // not monotone …; ES floored at VaR"): a result that carries one is not to be read alone.
  std::vector<std::string> warnings;
  // Keys of `keel risk`'s JSON: volatility, var, cvar, max_drawdown, average_drawdown, cdar,
  // ulcer_index (compounded), uncompounded_drawdown {max_drawdown, average_drawdown, cdar,
  // ulcer_index}, lvar, contributions (by asset name), diagnostics.warnings.
  Json to_json(const std::vector<std::string>& assets, double portfolio_value = 0.0) const;
};

// returns: T × N finite; weights: N; spreads / volumes: empty or T × N aligned with `returns`
// (relative spreads; traded volume in quote currency per period).
Result<RiskProfile> risk_profile(Eigen::Ref<const Eigen::MatrixXd> returns,
                                 Eigen::Ref<const Eigen::VectorXd> weights,
                                 Eigen::Ref<const Eigen::MatrixXd> spreads,
                                 Eigen::Ref<const Eigen::MatrixXd> volumes,
                                 const RiskProfileOptions& options);

}  // namespace keel
