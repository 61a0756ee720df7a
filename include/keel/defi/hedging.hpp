#pragma once
// Hedging a book with perpetuals and options (`keel hedge`, docs/positions.md): the candidate
// instruments are revalued under the same scenarios as the book, and keel::optimize_hedge
// (keel/optimize/hedge.hpp) chooses their quantities. Because every instrument is fully
// revalued, the hedge LP sees the options' convexity and the inverse contracts' coin exposure.
//
// One unit of a candidate is one contract of a perpetual (opened at today's price, no margin of
// its own) or an option on one coin of its underlying (bought at today's model value, which is
// its premium). Costs and margin are per unit and proportional to its notional in the quote
// currency (contract size × price for linear contracts and options, contract size for inverse
// perpetuals):
//   cost per unit   = (fee_bps + half_spread_bps) / 10⁴ × notional      (paid on |quantity|)
//   margin per unit = margin_rate × notional                            (counted on |quantity|)
// Options also spend their premium: the premium budget caps Σ premium × quantity (sold options
// receive premium).

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "keel/defi/positions.hpp"
#include "keel/optimize/hedge.hpp"

namespace keel {

struct HedgeCandidate {
  std::string name;
  int line = 0;  // line of the hedges file (0 = built in memory)
  // A perpetual or an option; its quantity fields (contracts, quantity, entry_price, margin,
  // premium_paid) are ignored: one unit as described above.
  PositionSpec instrument;
  double min = -std::numeric_limits<double>::infinity();  // bounds on the units held
  double max = std::numeric_limits<double>::infinity();
  double fee_bps = 5.0;          // trading fee, basis points of notional. Default 5 (taker).
  double half_spread_bps = 2.0;  // half the bid-ask spread, basis points. Default 2.
  double margin_rate = 0.1;      // initial margin as a fraction of notional. Default 0.1 (10x).
};

// A band on the hedged book's net delta in one underlying (coins).
struct DeltaBand {
  std::string underlying;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

struct BookHedgeOptions {
  HedgeOptions solver{};  // objective (CVaR or variance), confidence, time limit
  double premium_budget = std::numeric_limits<double>::infinity();  // quote currency
  double margin_budget = std::numeric_limits<double>::infinity();   // quote currency
  std::vector<DeltaBand> delta_bands{};
  std::optional<std::pair<double, double>> vega_band{};  // net vega band, per 1.00 of vol
};

struct CandidateFacts {
  double unit_value = 0.0;  // premium of one option (0 for a perpetual), quote
  double unit_cost = 0.0;
  double unit_margin = 0.0;
  double unit_vega = 0.0;
  std::vector<UnderlyingExposure> unit_exposures;
};

struct BookHedge {
  HedgeResult result;
  std::vector<CandidateFacts> candidates;            // per candidate, input order
  BookRisk unhedged;                                 // the book alone (as in the analysis)
  BookRisk hedged;                                   // the book plus the hedge, after its costs
  std::vector<UnderlyingExposure> hedged_exposures;  // net delta/gamma after the hedge
  double hedged_vega = 0.0;
};

// Hedges the analysed book (analyze_positions with the same market) with the candidates. An
// error names a candidate that cannot be valued or whose underlying has no prices.
Result<BookHedge> hedge_book(const PositionsAnalysis& analysis,
                             const std::vector<HedgeCandidate>& candidates,
                             const BookHedgeOptions& options);

}  // namespace keel
