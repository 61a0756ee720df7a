#pragma once
// Missing-data policies (docs/architecture.md section 4). Nothing is repaired silently: every change is listed
// as a Repair, which the verbs copy into diagnostics.repairs.

#include <string>
#include <string_view>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

// Definitions used below: an asset's "quoted span" runs from its first to its last non-NaN price.
// A NaN before the span is "not listed yet", after it "delisted or stopped", inside it a "gap".
enum class MissingPolicyKind {
  kError,        // default. Any NaN is an error, including leading NaNs before an asset's listing
                 // (a ragged panel needs an explicit policy). The message names the first missing
                 // cell in time order (asset and date) and the policies that would handle it.
  kDropRows,     // drop every timestamp where any asset lacks a price. Error if no row is left.
  kForwardFill,  // inside each asset's quoted span only, carry the last price forward over gaps of
                 // at most `max_fill` consecutive periods. Never fills before the first or after
                 // the last quote, so panels with staggered listings (and delistings) work: those
                 // cells are then handled by `then`. A gap longer than `max_fill` is an error that
                 // names it (a long outage is not something to paper over; raise N, or choose
                 // drop-rows / drop-assets / pairwise).
  kDropAssets,   // drop assets whose missing fraction (NaN cells / rows) exceeds
                 // `max_missing_fraction`, then drop the remaining rows with any NaN. Error if no
                 // asset or no row is left.
  kPairwise,     // keep NaNs; estimators use pairwise-complete data and then repair PSD explicitly.
                 // A Repair records how many cells stay missing (nothing is changed).
};

struct MissingPolicy {
  MissingPolicyKind kind = MissingPolicyKind::kError;
  int max_fill = 0;                   // kForwardFill: periods, >= 1 (ignored by other kinds)
  double max_missing_fraction = 0.0;  // kDropAssets (or then = kDropAssets): in [0, 1); 0 drops
                                      // every asset with any NaN
  // kForwardFill only: what happens to the cells forward fill leaves missing by design (before an
  // asset's first quote, after its last). kPairwise (default, written "ffill:N"): they stay NaN,
  // for consumers that handle a ragged panel (the backtest's universe follows listings; pairwise
  // estimators); verbs that need complete rows then refuse them by name. kDropRows
  // ("ffill:N,drop-rows"): the rows still missing a price are dropped. kDropAssets
  // ("ffill:N,drop-assets:F"): assets still missing more than F of the rows are dropped, then rows.
  // kError ("ffill:N,error"): any cell left missing is an error. kForwardFill is not allowed here.
  MissingPolicyKind then = MissingPolicyKind::kPairwise;
  Status validate() const;
};

// Parses "error", "drop-rows", "ffill:N" (N integer >= 1), "drop-assets:F" (F in [0, 1)),
// "pairwise", and "ffill:N,STEP" with STEP one of error, drop-rows, drop-assets:F, pairwise.
// to_string() gives back the same text (a bare "ffill:N" for then = kPairwise).
Result<MissingPolicy> parse_missing_policy(std::string_view text);

// True when the policy leaves missing cells in place for the estimators to handle pairwise:
// kPairwise, and kForwardFill whose leftover cells stay missing (then = kPairwise, "ffill:N").
bool keeps_gaps(const MissingPolicy& policy);
std::string to_string(const MissingPolicy& policy);

struct Repair {
  std::string action;  // e.g. "drop-rows", "ffill", "drop-asset"
  std::string detail;  // human sentence: what, where, how many
  Json to_json() const;
};

struct CleanPanel {
  PricePanel panel;
  std::vector<Repair> repairs;
};

// Applies the policy (after validate()). With kError the message names the first missing cell
// (asset and date) and suggests the policies that would handle it. Repairs are listed in the
// order applied; a panel without NaNs comes back unchanged with no repairs. Volumes and spreads,
// when present, follow the kept rows and assets (they are never filled).
Result<CleanPanel> apply_missing_policy(const PricePanel& panel, const MissingPolicy& policy);

}  // namespace keel
