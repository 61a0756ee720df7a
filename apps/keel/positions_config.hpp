#pragma once
// The positions book of `keel positions` and `keel hedge` (docs/positions.md): a TOML file with
// top-level `quote` and `cash` and one [[position]] table per position.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/market.hpp"
#include "keel/defi/book.hpp"
#include "keel/defi/hedging.hpp"
#include "keel/defi/positions.hpp"

namespace keel::cli {

// A positions book as read: LPs given by their deposit (Book::deposits) and perpetuals with a
// funding series (Book::funding_series) still need keel::resolve_book against the market.
struct PositionsFile {
  Book book;
};

// Reads and validates a positions book. Errors name the file, line, position and key, and say
// what the key takes.
Result<PositionsFile> read_positions_file(const std::string& path);

// --scenarios, --horizon, --draws, --seed: how `keel positions` and `keel hedge` draw the
// scenarios every position is revalued under (keel::PositionsOptions).
struct ScenarioArgs {
  std::string scenarios = "historical";
  int horizon = 1;
  int draws = 20000;
  std::uint64_t seed = 42;
};
void add_scenario_options(CLI::App& command, ScenarioArgs& args);
PositionsOptions positions_options(const ScenarioArgs& args, double confidence, bool delta_gamma);

// The hedges file of `keel hedge`: objective, alpha, budgets, delta and vega bands and one
// [[candidate]] table per instrument; `quote` is the book's quote currency (a perp or option
// position's keys without quantities, plus min, max, fee_bps, half_spread_bps, margin_rate).
struct HedgesFile {
  std::vector<HedgeCandidate> candidates;
  BookHedgeOptions options;
};
Result<HedgesFile> read_hedges_file(const std::string& path, const std::string& quote);

}  // namespace keel::cli
