#pragma once
// The reports of a book of positions (`keel positions --report FILE.html`) and of its hedge
// (`keel hedge --report FILE.html`), docs/positions.md:
//   - the positions (value, delta per underlying, vega, theta per day, ES contribution) and the
//     net exposure per underlying (delta, delta value = delta × price, gamma);
//   - the net delta value per underlying as bars stacked by position, so a reader sees which
//     position carries which exposure;
//   - per LP position, its value against the value of holding its current token amounts across
//     pool prices (computed here with keel::value_lp, lp_value_curve below), with its range and
//     the current pool price marked;
//   - the perpetuals' liquidation prices against the current price, the options' greeks;
//   - the histogram of the book's scenario P&L with VaR and ES marked; for a hedge, the unhedged
//     and hedged P&L distributions overlaid with both ES values marked.
// Tables carry every number the charts show. The inputs are the library's own results
// (keel/defi/positions.hpp, hedging.hpp), not the command line's.

#include <optional>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/defi/book.hpp"
#include "keel/defi/hedging.hpp"
#include "keel/defi/positions.hpp"
#include "keel/report/html_report.hpp"

namespace keel::report {

// An LP position's value and the value of holding its token amounts, across pool prices
// P = p0 / p1 (token1 per token0). token1's quote price p1 stays at today's; token0's is P × p1.
struct LpValueCurve {
  std::vector<double> pool_prices;  // increasing
  std::vector<double> lp_values;    // keel::value_lp at each pool price, quote currency
  std::vector<double> held_values;  // amounts0 × P × p1 + amounts1 × p1, quote currency
  double current_pool_price = 0.0;
};

struct LpCurveOptions {
  // Pool prices from low × current to high × current (0 < low < 1 < high), widened to show the
  // concentrated range with a margin when it reaches beyond. Defaults 0.5 and 2.
  double low = 0.5;
  double high = 2.0;
  int points = 121;  // ≥ 3, spaced evenly in log price
  Status validate() const;
};

// The curve of a two-token LP at today's token prices (token_prices[i] of position.tokens[i]).
// held_amounts are the token amounts held (LpDetails::token_amounts: with `deposit =` in the book,
// the deposit). Errors: not two tokens, prices not positive, options invalid, value_lp errors.
Result<LpValueCurve> lp_value_curve(const AmmLpPosition& position,
                                    const std::vector<double>& token_prices,
                                    const std::vector<double>& held_amounts,
                                    const LpCurveOptions& options = {});

struct PositionsReportInput {
  std::vector<std::string> meta{};              // subtitle lines, shown as given
  std::string book_source{};                    // the book file, for the title
  const Book* book = nullptr;                   // not owned
  const PositionsAnalysis* analysis = nullptr;  // analyze_positions(*book, ...)
  LpCurveOptions lp_curve{};
};

struct HedgeReportInput {
  PositionsReportInput positions{};                         // the book and its analysis
  std::string hedges_source{};                              // the hedges file, for the title
  const std::vector<HedgeCandidate>* candidates = nullptr;  // not owned
  const BookHedgeOptions* options = nullptr;                // not owned
  const BookHedge* hedge = nullptr;  // hedge_book(*analysis, *candidates, *options)
};

// Number of histogram bins of the P&L charts.
inline constexpr int kPnlBins = 40;

// Errors: a null pointer, sizes that disagree between the book and the analysis (or the hedge),
// a chart that cannot be built.
Result<Report> positions_report(const PositionsReportInput& input);
Result<Report> hedge_report(const HedgeReportInput& input);

}  // namespace keel::report
