#pragma once
// The whole analysis behind `keel positions` (docs/positions.md), as one library call: a book
// valued at the last prices of a market, its greeks by underlying, the per-kind details (LP
// metrics, perpetual margin and liquidation prices, option greeks), and its risk from fully
// revalued price scenarios (historical windows or Monte Carlo from a Student-t copula with the
// assets' empirical margins).

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/market.hpp"
#include "keel/defi/book.hpp"
#include "keel/defi/revaluation.hpp"
#include "keel/risk/stress_shocks.hpp"

namespace keel {

enum class ScenarioMethod {
  kHistorical,  // today's prices × every overlapping `horizon`-period window of past returns
  kMonteCarlo,  // one-period returns drawn from a Student-t copula fitted to the returns
};
std::string_view to_string(ScenarioMethod method);  // "historical", "monte-carlo"

struct PositionsOptions {
  ScenarioMethod scenarios = ScenarioMethod::kHistorical;
  // Horizon in periods of the price file (≥ 1; Monte Carlo: 1). Default 1 (a day on daily data).
  int horizon = 1;
  // Confidence of VaR and expected shortfall, in (0, 1). Default 0.95.
  double confidence = 0.95;
  // Monte Carlo draws (≥ 100) and seed. Defaults 20,000 and 42, as `keel risk`.
  int draws = 20000;
  std::uint64_t seed = 42;
  // Revalue by the delta-gamma approximation instead of full repricing (labelled). Default false.
  bool delta_gamma = false;
  Status validate() const;
};

// Per-kind facts beyond value and greeks.
struct PerpDetails {
  double liquidation_price = 0.0;  // 0: no positive price liquidates a long; +inf for a short
  double margin_ratio = 0.0;       // maintenance margin / equity (1 = liquidation)
  double unrealised_pnl_quote = 0.0;
  double funding_per_day_quote = 0.0;  // at the constant rate and today's mark; + = paid
};
struct LpDetails {
  std::vector<double> token_amounts;    // held now, token units
  double lvr_rate = 0.0;                // loss-versus-rebalancing, quote currency per year
  double range_exit_probability = 0.0;  // over the horizon (concentrated; NaN otherwise)
  double volatility = 0.0;              // the annual volatility of the pool price used
};

struct PositionsAnalysis {
  Timestamp as_of = 0;              // the last price row
  std::vector<std::string> assets;  // the price columns the book uses
  std::vector<double> prices;       // their last prices
  BookValuation valuation;
  std::vector<std::optional<PerpDetails>> perps;  // per position (set for perps)
  std::vector<std::optional<LpDetails>> lps;      // per position (set for LPs)
  ScenarioMethod scenario_method = ScenarioMethod::kHistorical;
  int horizon = 1;
  double horizon_years = 0.0;
  Eigen::MatrixXd scenario_prices;  // S × assets: the prices every position was revalued at
  BookRevaluation revaluation;
  BookRisk risk;
  std::vector<std::string> warnings;
};

// One hypothetical shock scenario (keel/risk/stress_shocks.hpp: "every L1 −50%", "stablecoins
// to 0.90") applied to the book: the shocked prices are the last prices times (1 + the asset's
// shock return), and every position is fully revalued there after the analysis' horizon.
struct BookShock {
  std::string name;
  std::string description;
  std::vector<double> asset_returns;  // per PositionsAnalysis::assets (0 where no shock reaches)
  std::vector<double> position_pnl;   // per position, quote currency
  double pnl = 0.0;                   // the book's P&L, quote currency
  std::vector<std::string> warnings;
};

// Applies each scenario to the analysed book. `metadata` may be null when no shock names a
// group. Errors name the scenario and shock (as keel stress does) or the position.
Result<std::vector<BookShock>> stress_book(const Book& book, const PositionsAnalysis& analysis,
                                           const std::vector<ShockScenario>& scenarios,
                                           const AssetMetadata* metadata);

// Values and revalues `book` on `market` (simple returns; its last price row is "now").
Result<PositionsAnalysis> analyze_positions(const Book& book, const Market& market,
                                            const PositionsOptions& options);

// The "stress" block of docs/positions.md: per scenario its name, description, the book's P&L,
// the P&L per position (by name) and the resolution warnings.
Json stress_json(const Book& book, const std::vector<BookShock>& shocks);

// The JSON block of docs/positions.md: as_of, positions, totals, risk.
Json positions_json(const Book& book, const PositionsAnalysis& analysis);

}  // namespace keel
