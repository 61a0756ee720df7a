#pragma once
// Missing-data policies (DESIGN.md section 4). Nothing is repaired silently: every change is listed
// as a Repair, which the verbs copy into diagnostics.repairs.

#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

enum class MissingPolicyKind {
  kError,       // any NaN inside an asset's quoted span, or a leading/trailing NaN, is an error
  kDropRows,    // drop every timestamp where any asset lacks a price
  kForwardFill, // carry the last price forward at most `max_fill` periods (never before listing)
  kDropAssets,  // drop assets whose missing fraction exceeds `max_missing_fraction`, then drop rows
  kPairwise,    // keep NaNs; estimators use pairwise-complete data and then repair PSD explicitly
};

struct MissingPolicy {
  MissingPolicyKind kind = MissingPolicyKind::kError;
  int max_fill = 0;                    // kForwardFill: periods, >= 1
  double max_missing_fraction = 0.0;   // kDropAssets: in [0, 1)
};

// Parses "error", "drop-rows", "ffill:N", "drop-assets:F", "pairwise".
Result<MissingPolicy> parse_missing_policy(std::string_view text);
std::string to_string(const MissingPolicy& policy);

struct Repair {
  std::string action;   // e.g. "drop-rows", "ffill", "drop-asset"
  std::string detail;   // human sentence: what, where, how many
  Json to_json() const;
};

struct CleanPanel {
  PricePanel panel;
  std::vector<Repair> repairs;
};

// Applies the policy. With kError the message names the first missing cell (asset and date) and
// suggests the policies that would handle it.
Result<CleanPanel> apply_missing_policy(const PricePanel& panel, const MissingPolicy& policy);

}  // namespace keel
