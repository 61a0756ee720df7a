#pragma once
// The whole analysis behind `keel positions` (docs/positions.md), as one library call: a book
// valued at the last prices of a market, its greeks by underlying, the per-kind details (LP
// metrics, perpetual margin and liquidation prices, option greeks, loan health factors and
// liquidation ladders), and its risk from fully
// revalued price scenarios (historical windows or Monte Carlo from a Student-t copula with the
// assets' empirical margins).

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/market.hpp"
#include "keel/defi/book.hpp"
#include "keel/defi/revaluation.hpp"
#include "keel/risk/liquidity.hpp"
#include "keel/risk/stress_replay.hpp"
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
  double funding_rate = 0.0;           // per funding interval, as used (+ = longs pay)
  // The rate's origin: empty for the book's constant funding_rate; else the series file read
  // and the UTC day whose rate is used (FundingSeriesSource).
  std::string funding_series;
  Timestamp funding_day = 0;
};
struct LpDetails {
  std::vector<double> token_amounts;    // held now, token units
  double lvr_rate = 0.0;                // loss-versus-rebalancing, quote currency per year
  double range_exit_probability = 0.0;  // over the horizon (concentrated; NaN otherwise)
  double volatility = 0.0;              // the annual volatility of the pool price used
};

// A loan's state at the last prices (lending.hpp): health factor, each collateral's liquidation
// price and its liquidation ladder (LadderOptions defaults: 200 geometric steps down to −99%).
struct LoanCollateralDetails {
  std::string asset;
  double price = 0.0;
  double liquidation_price = 0.0;  // 0: no fall liquidates; +inf: liquidatable now at any price
  double distance = 0.0;           // liquidation_price / price − 1 (−0.2 = a 20% fall)
  std::vector<LadderStep> ladder;
};
struct LoanDetails {
  std::string protocol;
  double health_factor = 0.0;
  double collateral_value = 0.0;
  double debt_value = 0.0;
  double toxic_health_factor = 0.0;  // max over collateral of LT (1 + b) (Warmuz et al. 2022)
  std::vector<LoanCollateralDetails> collateral;
};

struct PositionsAnalysis {
  Timestamp as_of = 0;              // the last price row
  std::vector<std::string> assets;  // the price columns the book uses
  std::vector<double> prices;       // their last prices
  BookValuation valuation;
  std::vector<std::optional<PerpDetails>> perps;  // per position (set for perps)
  std::vector<std::optional<LpDetails>> lps;      // per position (set for LPs)
  std::vector<std::optional<LoanDetails>> loans;  // per position (set for loans)
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

// The book's assets priced on the last row of a market. An asset without a column of its own
// that is named like the book's quote currency (the USDC leg of an LP when prices are in USDC)
// is priced at 1, with zero returns, and a warning says so.
struct BookPrices {
  Timestamp as_of = 0;                // the market's last price row
  std::vector<std::string> assets;    // Book::underlyings(), in order
  std::vector<double> prices;         // at as_of, quote currency; 1 for the quote currency
  std::vector<Eigen::Index> columns;  // the market column of each asset; −1 = the quote currency
  std::vector<std::string> warnings;  // one per asset priced at 1
};

// Errors: an asset that is neither a column nor the quote currency (naming the position, the
// field and the columns available), or an asset without a positive last price.
Result<BookPrices> last_book_prices(const Book& book, const Market& market);

// Resolves what the book cannot be valued without a market (the book file's `deposit` and
// `funding_series` keys), so a library user gets the book `keel positions` values:
//  - every LP given by its deposit (Book::deposits) gets the liquidity that deposit mints at the
//    market's last prices (last_book_prices: the quote currency without a column at 1);
//  - every perpetual with a funding series (Book::funding_series) gets as its constant
//    funding_rate the series' rate on the UTC day of the market's last price (the latest rate
//    known then; revaluation carries it over the horizon). A day the series lacks is an error
//    naming the position, the file and the date.
// Resolving again (another market) recomputes both. Errors name the position and the key.
Status resolve_book(Book& book, const Market& market);

// A past crash window replayed on the book (keel stress's historical replay,
// keel/risk/stress_replay.hpp): each asset's cumulative simple return from the last price at or
// before the window's start to the last price at or before its end is applied to today's prices
// (the quote currency without a column moves 0), and every position is fully revalued there after
// the window's duration has passed (options decay, funding and LP fees accrue over it).
struct BookReplay {
  StressWindow window;
  ReplayOutcome outcome = ReplayOutcome::kNotCovered;
  std::string reason;  // empty when replayed
  Timestamp from = 0;  // the price dates replayed between (replayed windows)
  Timestamp to = 0;
  double days = 0.0;                  // (to − from), the revaluation horizon
  std::vector<double> asset_returns;  // per PositionsAnalysis::assets (replayed windows)
  std::vector<double> position_pnl;   // per position, quote currency (replayed windows)
  double pnl = std::numeric_limits<double>::quiet_NaN();  // the book's P&L, quote currency
};

// Replays `windows` (select_stress_windows) over `market` (the market the analysis was made on)
// for the analysed book. Coverage and missing history follow replay_stress_windows with the
// book's assets as the held ones: a window the data does not cover is listed with its reason, or
// is an error when required (named explicitly). Errors name the window or the position.
Result<std::vector<BookReplay>> replay_book(const Book& book, const PositionsAnalysis& analysis,
                                            const Market& market,
                                            const std::vector<ReplayRequest>& windows,
                                            const ReplayOptions& options = {});

// The "replay" block of docs/positions.md: per window {"name", "start", "end", "status",
// "reason"?, "from", "to", "days", "pnl", "positions": {NAME: pnl}, "asset_returns": {ASSET: r}}.
Json replay_json(const Book& book, const PositionsAnalysis& analysis,
                 const std::vector<BookReplay>& replays);

// Liquidity-adjusted VaR of the book with the square-root impact model of keel stress
// (keel/risk/liquidity.hpp, endogenous_impact_lvar): the book's spot legs and LP token legs are
// liquidated at their asset's traded volume. Per asset the coins to sell are the net of the spot
// quantities and the LP token amounts held now (perpetuals and options are closed on their own
// venues and are not charged); its liquidation value |coins| × price, as a fraction of the
// book's total value, is the model's weight. The quote currency without a column costs nothing.
struct BookLiquidityOptions {
  double max_participation = 0.1;   // π, fraction of daily traded value, in (0, 1]. Default 0.1
  double impact_coefficient = 1.0;  // Y of the square-root law, > 0. Default 1
};
struct BookLiquidity {
  bool computed = false;
  std::string reason;                     // why not computed (no volumes, book value ≤ 0)
  std::vector<double> liquidation_value;  // per PositionsAnalysis::assets, quote currency
  std::vector<double> liquidation_days;   // per asset (0 where nothing is sold)
  std::vector<double> cost;               // per asset, quote currency
  double var = 0.0;                       // the book's VaR (analysis.risk.var), quote currency
  double liquidity_cost = 0.0;            // quote currency
  double lvar = 0.0;                      // var + liquidity_cost
  double max_liquidation_days = 0.0;
};
// Errors: invalid options, volumes with negative cells. Absent volumes are "not computed".
Result<BookLiquidity> book_liquidity(const Book& book, const PositionsAnalysis& analysis,
                                     const Market& market, const BookLiquidityOptions& options);
// {"status": "computed" | "not-computed", "reason"?, "var", "liquidity_cost", "lvar",
//  "max_liquidation_days", "assets": {ASSET: {"liquidation_value", "days", "cost"}}}
Json liquidity_json(const PositionsAnalysis& analysis, const BookLiquidity& liquidity);

// Values and revalues `book` on `market` (simple returns; its last price row is "now"). The book
// must be resolved against the same market first (resolve_book) when it has deposits or funding
// series.
Result<PositionsAnalysis> analyze_positions(const Book& book, const Market& market,
                                            const PositionsOptions& options);

// The "stress" block of docs/positions.md: per scenario its name, description, the book's P&L,
// the P&L per position (by name) and the resolution warnings.
Json stress_json(const Book& book, const std::vector<BookShock>& shocks);

// One liquidation distance of a leveraged position: each collateral of a loan, each perpetual.
// `distance` = liquidation_price / price − 1 (−0.2: liquidated after a 20% fall; +0.3: after a 30%
// rise, a short perp); `health` is the loan's health factor or the perp's 1 / margin ratio (both
// 1 at liquidation, larger is safer).
struct LiquidationDistance {
  std::string position;
  std::string kind;  // "loan" or "perp"
  std::string asset;
  double price = 0.0;
  double liquidation_price = 0.0;
  double distance = 0.0;
  double health = 0.0;
};
std::vector<LiquidationDistance> liquidation_distances(const Book& book,
                                                       const PositionsAnalysis& analysis);

// The JSON block of docs/positions.md: as_of, positions, liquidation (liquidation_distances),
// totals, risk.
Json positions_json(const Book& book, const PositionsAnalysis& analysis);

}  // namespace keel
