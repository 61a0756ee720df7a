#pragma once
// A book of positions beyond spot (docs/positions.md): spot tokens, AMM liquidity positions,
// perpetual futures and options, plus cash in the quote currency. This header holds the book,
// its validation, and its valuation at one set of prices: the value of every position, and the
// net delta and gamma per underlying, so a user sees the exposure of the whole book at once.
//
// Prices come as a vector aligned with a list of asset names (the columns of a price panel).
// bind_book() resolves every asset a position refers to into a column index once, so scenario
// revaluation (revaluation.hpp) touches no strings.

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/time.hpp"
#include "keel/defi/lending.hpp"
#include "keel/defi/position.hpp"

namespace keel {

using PositionSpec =
    std::variant<SpotPosition, AmmLpPosition, PerpPosition, OptionPosition, LoanPosition>;

enum class PositionKind { kSpot, kAmmLp, kPerp, kOption, kLoan };

// "spot", "amm_lp", "perp", "option", "loan": the `kind` key of the book file.
std::string_view to_string(PositionKind kind);
PositionKind kind_of(const PositionSpec& spec);

struct BookPosition {
  std::string name;  // unique within the book; errors and outputs name positions by it
  int line = 0;      // line of the book file it was read from (0 = built in memory)
  PositionSpec spec;
};

// An LP position given by the amounts it deposits now instead of its liquidity (the book file's
// `deposit = [amount0, amount1]`). Constant-product, concentrated and two-coin stableswap pools.
struct LpDeposit {
  std::size_t position = 0;         // index into Book::positions (an amm_lp position)
  std::array<double, 2> amounts{};  // token0, token1, token units (≥ 0, finite, not both 0)
  // Set by resolve_book() (positions.hpp): the position's liquidity is then what the deposit
  // mints at the last prices of the market resolved against. Before that the book cannot be
  // valued (the liquidity in the spec is a placeholder).
  bool resolved = false;
};

// A perpetual's funding from a file of daily rates instead of its constant funding_rate (the
// book file's `funding_series = "path.csv"`; docs/positions.md, "Funding from a series"). The
// file is read by read_daily_funding() (lp_backtest.hpp): `date,funding_mean[,...]`, one row per
// UTC day, funding_mean the day's mean rate per funding interval
// (FundingSeriesKind::kDailyMeanRate, perpetual.hpp): a rate per `funding_interval_hours`
// interval, as the position's funding_rate is.
struct FundingSeriesSource {
  std::size_t position = 0;  // index into Book::positions (a perp whose funding_rate is 0)
  // As written. A relative path is relative to the directory of Book::source (the book file),
  // or to the working directory for a book built in memory (source empty).
  std::string path;
  // Set by resolve_book(): the file read, the UTC day whose rate became the position's
  // funding_rate (the day of the last price) and that rate.
  bool resolved = false;
  std::string resolved_path;
  Timestamp day = 0;
  double rate = 0.0;
};

struct Book {
  std::string source;                  // the file read ("" when built in memory)
  std::string quote_currency = "USD";  // the currency of the price file; informational
  double cash = 0.0;                   // cash in the quote currency (may be negative: a loan)
  std::vector<BookPosition> positions;
  // Inputs that need a market before the book can be valued: resolve_book() (positions.hpp).
  std::vector<LpDeposit> deposits;
  std::vector<FundingSeriesSource> funding_series;

  // Every position's fields: names unique and non-empty, quantities and prices finite, an LP's
  // range lower < upper and liquidity > 0, a perp's contract size and entry price > 0, an
  // option's strike and volatility > 0. Errors name the position (by name and line) and field.
  // Deposits and funding series must point at an amm_lp (resp. perp with funding_rate 0)
  // position, at most one each per position; deposit amounts ≥ 0, finite and not both 0.
  Status validate() const;
  // OK when every deposit and funding series has been resolved against a market
  // (resolve_book()); otherwise an error naming the first position left and the fix.
  Status check_resolved() const;
  // The assets the book's value depends on, in order of first appearance.
  std::vector<std::string> underlyings() const;
};

// A book with every asset reference resolved to a column of a price vector.
struct BoundBook {
  const Book* book = nullptr;       // not owned; must outlive the BoundBook
  std::vector<std::string> assets;  // the price vector's columns
  // For position p, the columns of the assets it depends on: spot/perp/option one column (the
  // asset or underlying), an LP one per token, a loan one per collateral then one per debt
  // (lending.hpp's price order).
  std::vector<std::vector<std::size_t>> columns;
};

// Resolves the book's assets against `assets`; an error names the position, the field and the
// missing asset, and lists the assets available (e.g. "position 'eth-lp' (book.toml line 12):
// token 'WETH' is not a column of the prices; columns are BTC, ETH, ...").
Result<BoundBook> bind_book(const Book& book, std::vector<std::string> assets);

// The value and greeks of the book at one price vector (aligned with BoundBook::assets) and time.
struct BookValuation {
  Timestamp as_of = 0;
  std::vector<PositionValue> positions;  // book order
  double cash = 0.0;
  double total_value = 0.0;  // cash + every position's value, quote currency
  // Net delta and gamma per underlying (coins and coins per quote unit), in order of first
  // appearance in the book; summed over positions.
  std::vector<UnderlyingExposure> net_exposures;
  double vega = 0.0;   // per 1.00 of volatility, summed over options
  double theta = 0.0;  // per year, summed over positions
};

// Values every position at `prices` (quote currency per unit of each asset, aligned with the
// bound book's assets) at time `now`. An error names the position that cannot be valued (an
// expired option, a non-positive price of an asset it depends on).
Result<BookValuation> value_book(const BoundBook& book, std::span<const double> prices,
                                 Timestamp now);

// The value of one position at `prices` (as value_book, one position), used by scenario
// revaluation. `columns` are the position's columns of `prices` (BoundBook::columns[p]).
Result<PositionValue> value_position(const PositionSpec& spec, std::span<const double> prices,
                                     std::span<const std::size_t> columns, Timestamp now);

}  // namespace keel
