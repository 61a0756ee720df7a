#pragma once
// One entry point over every allocation model, keyed by the kebab-case names of
// docs/architecture.md section 3. The CLI, the demo and the backtest all go through
// optimize_portfolio(), so a model behaves the same wherever it runs, and every answer is verified
// against the constraints it was given.

#include <Eigen/Core>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/optimize/black_litterman.hpp"
#include "keel/optimize/constraints.hpp"
#include "keel/optimize/hierarchical.hpp"
#include "keel/optimize/kelly.hpp"
#include "keel/optimize/mean_variance.hpp"
#include "keel/optimize/naive.hpp"
#include "keel/optimize/portfolio_result.hpp"
#include "keel/optimize/risk_budgeting.hpp"
#include "keel/optimize/tail_risk.hpp"

namespace keel {

struct MarketEstimates;  // keel/estimate/estimates.hpp

enum class PortfolioModel {
  kMinVariance,
  kMaxSharpe,
  kMaxUtility,
  kEfficientReturn,
  kEfficientRisk,
  kMaxDiversification,
  kRiskParity,
  kRiskBudget,
  kHrp,
  kHerc,
  kNco,
  kEqualWeight,
  kInverseVolatility,
  kMarketCap,
  kBlackLitterman,
  kMinCvar,
  kMinCdar,
  kMinMad,
  kMinimax,
  // The largest return/risk ratio under ModelSpec::ratio_measure (tail_risk.hpp kMaxRatio; the
  // variance measure is max-sharpe).
  kMaxRatio,
  // The least semideviation of the scenarios (tail_risk.hpp kSemivariance; efficient return with
  // tail_risk.target_return).
  kMinSemivariance,
  // Growth-optimal (Kelly) weights over the return scenarios (kelly.hpp), optionally fractional.
  kKelly,
};

std::string_view to_string(PortfolioModel model);
// Parses a model name; the error lists the names Keel knows.
Result<PortfolioModel> parse_portfolio_model(std::string_view name);
// Models of the mean-variance family, which honour every PortfolioConstraints field.
bool is_mean_variance(PortfolioModel model);
// The scenario models: the LPs (min-cvar, min-cdar, min-mad, minimax, and max-ratio over one of
// their measures) and the min-semivariance QP, which honour every constraint too, and kelly (bounds
// and leverage only). They run on ModelInputs::scenarios and verify their own answers.
bool is_tail_risk(PortfolioModel model);
// Whether the model's weights depend on the expected returns. False for the risk-only models
// (hrp, herc, nco, risk-parity, risk-budget, equal-weight, inverse-volatility, market-cap, and
// kelly, which reads only the scenarios): they
// run with ModelInputs::expected_returns empty, and only the performance figures that need μ
// (expected return, Sharpe ratio) are then NaN (null in JSON).
bool needs_expected_returns(PortfolioModel model);

// The risk measure that risk-parity / risk-budget spread by budget: the variance of the
// covariance (Spinu / coordinate descent) or the CVaR of the return scenarios (smoothed Newton,
// long-only, no bounds), at tail_risk.confidence.
enum class RiskBudgetMeasure { kVariance, kCvar };

// The risk measure of the max-ratio model: kVariance runs max-sharpe (mean_variance.hpp), the
// others the Charnes–Cooper LP of tail_risk.hpp (kMaxRatio) with its measure.
enum class RatioMeasure { kVariance, kCvar, kCdar, kMad, kMinimax, kSemivariance };
// "variance", "cvar", "cdar", "mad", "minimax", "semivariance" (the Sortino ratio).
std::string_view to_string(RatioMeasure measure);
// Parses a measure name; the error lists the names.
Result<RatioMeasure> parse_ratio_measure(std::string_view name);

// The units are those of keel/estimate/estimates.hpp: μ and Σ annual, scenarios per period.
struct ModelInputs {
  std::vector<std::string> assets;   // n distinct names
  Eigen::VectorXd expected_returns;  // annualised μ; needed by the return-seeking models only
  Eigen::MatrixXd covariance;        // annualised Σ, n × n
  // Hierarchical models (hrp, herc, nco): the correlation they cluster on, n × n. Empty = the
  // correlation of `covariance`. With gaps in the data give pairwise_correlation() of the
  // returns (pandas' DataFrame.corr(), PyPortfolioOpt's convention; covariance.hpp).
  Eigen::MatrixXd correlation;
  Eigen::VectorXd market_caps;  // market-cap model; Black–Litterman's market prior
  BlackLittermanViews views;    // Black–Litterman only: P (k × n) and Q (k)
  // Tail-risk models: T × n per-period return scenarios (historical rows or simulated) and the
  // periods per year that annualise their mean when expected_returns is empty.
  Eigen::MatrixXd scenarios;
  double periods_per_year = 0.0;
};

// The inputs of estimate_inputs(): the market's assets, annualised μ and Σ, the aligned market
// caps, and the market's (cleaned) per-period returns as the tail-risk models' scenarios. Views
// are the caller's to add.
ModelInputs make_model_inputs(const MarketEstimates& estimates);

struct ModelSpec {
  PortfolioModel model = PortfolioModel::kMinVariance;
  PortfolioConstraints constraints;   // mean-variance models: all of it; others: see below
  MeanVarianceOptions mean_variance;  // objective is set from `model`
  RiskBudgetingOptions risk_budgeting;
  RiskBudgetMeasure risk_budget_measure = RiskBudgetMeasure::kVariance;
  HierarchicalOptions hierarchical;
  MarketCapOptions market_cap;
  // Black–Litterman: τ, Ω choice and δ. The prior is the market-implied δΣw_mkt + rf when market
  // caps are given, else the expected returns. The portfolio is the posterior-implied
  // (δΣ)⁻¹μ_BL normalised to the budget (PyPortfolioOpt's bl_weights); `details` carries the prior
  // and posterior returns so any other model can be run on the posterior.
  BlackLittermanOptions black_litterman;
  // "Then any optimiser on the posterior": a mean-variance model (e.g. max-sharpe, max-utility)
  // run on the posterior returns and covariance with every constraint of `constraints`, instead
  // of the unconstrained closed-form weights. Unset = the closed form.
  std::optional<PortfolioModel> black_litterman_optimizer;
  // Tail-risk models (min-cvar, min-cdar, min-mad, minimax): confidence, and target_return
  // (efficient return) or target_risk (efficient risk, per period); measure is set from `model`.
  TailRiskOptions tail_risk;
  // max-ratio: the risk measure of the ratio (default variance = max Sharpe). CVaR and CDaR use
  // tail_risk.confidence; the risk-free rate is risk_free_rate.
  RatioMeasure ratio_measure = RatioMeasure::kVariance;
  // kelly: fraction, tolerances (risk_free_rate is set from risk_free_rate below). Its
  // constraints are the bounds and max_gross_leverage of `constraints` (kelly.hpp).
  KellyOptions kelly;
  double risk_free_rate = 0.0;  // annualised; used for every model's reported Sharpe ratio
  // Usable answers whose performance is implausible carry a warning (portfolio_result.hpp).
  PlausibilityLimits plausibility{};
};

// What optimize_portfolio may carry from one call to the next related one, e.g. one per strategy
// in a rolling backtest. Today the mean-variance family warm-starts its QP from it (see
// MeanVarianceWorkspace in mean_variance.hpp, which also says when a call starts cold: a new
// model, or an asset entering or leaving); the other models ignore it. Not thread-safe.
struct ModelWorkspace {
  MeanVarianceWorkspace mean_variance;
};

// Runs the model. Call errors (bad shapes, unknown assets, options a model cannot honour — e.g.
// group limits on HRP — fail loudly) come back as a Status; solve outcomes (infeasible, iteration
// limit) as a PortfolioResult whose status says so. Models outside the mean-variance family accept
// only budget 1 and long-only per-asset bounds: risk budgeting meets them in its solver; hrp,
// herc and nco clip every split of the tree to the bounds (hierarchical.hpp); equal-weight and
// inverse-volatility scale their weights within the bounds (proportional_within_bounds,
// naive.hpp); bounds that cannot hold a budget of 1 give an infeasible result. Every answer is
// verified against the constraints given.
// `workspace` (optional, default none) carries warm starts between related calls; answers are the
// same with or without it.
Result<PortfolioResult> optimize_portfolio(const ModelInputs& inputs, const ModelSpec& spec,
                                           ModelWorkspace* workspace = nullptr);

}  // namespace keel
