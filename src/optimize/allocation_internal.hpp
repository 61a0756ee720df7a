#pragma once
// Private to allocation*.cpp: one side of an allocation (the long side, or PyPortfolioOpt's short
// side), a long-only problem in lots that the greedy and the exact methods both solve.

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/context.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/optimize/allocation.hpp"

namespace keel::detail {

struct SideAsset {
  std::size_t asset = 0;    // index in the input
  std::string name;         // the asset's name, for messages
  double weight = 0.0;      // the side's weight (sums to 1 on a long-short side), ≥ 0
  double target = 0.0;      // target position value, quote currency, ≥ 0
  double mid = 0.0;         // valuation price
  double price_in = 0.0;    // execution price of an order that raises the position
  double price_out = 0.0;   // execution price of an order that lowers it (long side only)
  double lot = 1.0;         // coins per lot
  double held = 0.0;        // coins held now (long side only)
  double max_lots_out = 0;  // whole lots that may be sold
  // Whole lots an order raising the position may have (the trade cap); +∞ = no cap.
  double max_lots_in = std::numeric_limits<double>::infinity();
  double min_lots_in = 1;   // smallest order raising the position, in lots
  double min_lots_out = 1;  // smallest order lowering it, in lots
};

struct SideProblem {
  bool short_side = false;
  std::vector<SideAsset> assets;  // in input order
  // Quote currency that orders raising positions may spend (net of the proceeds of orders that
  // lower them), fees included. Long-only: cash − reserve (negative when sells must raise cash).
  double budget = 0.0;
  double value = 0.0;               // the portfolio value (turnover is relative to it)
  double fee = 0.0;                 // fraction of notional
  double max_turnover_value = 0.0;  // Σ |order quantity|·mid cap, quote currency (+∞: none)
};

struct SideSolution {
  std::vector<double> lots_in;   // whole lots raising each position
  std::vector<double> lots_out;  // whole lots lowering it
};

// PyPortfolioOpt's greedy_portfolio generalised to lots, minimum orders, fees, holdings and a
// turnover cap. nullopt when the budget stays negative (sells could not cover the reserve).
std::optional<SideSolution> greedy_side(const SideProblem& side);

struct MipOutcome {
  SolveStatus status = SolveStatus::kNumericalError;
  std::optional<SideSolution> solution;  // present when Cbc has an incumbent
  double gap = 0.0;                      // relative gap at the end
  int nodes = 0;
  std::string explanation;  // when there is no solution
  std::vector<std::string> conflicting_rules;
};

// The exact method on one side (allocation.hpp), warm-started from `start` when given.
MipOutcome solve_side_mip(const SideProblem& side, const SideSolution* start,
                          const AllocationOptions& options, const Context& context);

}  // namespace keel::detail
