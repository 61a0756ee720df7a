#pragma once
// From a price file to per-period returns: the first half of the pipeline every numeric verb of
// the CLI, the demo and a library user share (docs/architecture.md section 4).
//
//   read_prices → select (dates, assets) → missing-data policy → frequency → returns
//
// Nothing is repaired silently: what the reader did beyond parsing (re-sorted rows, dropped
// duplicate timestamps) and every change of the missing-data policy come back in
// Market::repairs, in the order applied. The returns are per period; periods_per_year (inferred
// from the timestamps unless given) is what the estimation step (keel/estimate/estimates.hpp)
// annualises with.
//
//   keel::MarketOptions options;
//   options.missing.kind = keel::MissingPolicyKind::kDropRows;
//   auto market = keel::load_market("prices.csv", options);
//   if (!market) return market.status();  // names the file and line, or the asset and date

#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/missing.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/data/returns.hpp"
#include "keel/data/select.hpp"

namespace keel {

struct MarketOptions {
  // How the file is read (read_prices.hpp): column names, duplicate timestamps, rows out of time
  // order. Default: columns detected from the header; duplicates and unsorted rows are errors.
  ReadOptions read{};
  // Rows (inclusive dates) and assets (in this order) kept, before the missing-data policy.
  // Default: every row and every asset of the file.
  PanelSelection selection{};
  // Missing-data policy (missing.hpp). Default kError: any missing price is an error naming the
  // asset and date and the policies that would handle it. kPairwise keeps the gaps; the
  // estimation step then uses the pairwise-complete covariance.
  MissingPolicy missing{};
  // Periods per year of the returns, used downstream to annualise. 0 (default) = inferred from
  // the timestamps by infer_frequency() (365 for daily 24/7 markets, 252 for weekday-only daily
  // data, 8760 hourly, 52 weekly, 12 monthly). Range: 0 or a finite number > 0.
  double periods_per_year = 0.0;
  // Simple returns p_t / p_{t−1} − 1 (default) or log returns.
  ReturnKind return_kind = ReturnKind::kSimple;

  // periods_per_year ≥ 0 and finite, and the missing policy valid.
  Status validate() const;
};

// The cleaned market: what the estimation step and the risk verbs start from.
struct Market {
  PricePanel panel;             // after the selection and the missing-data policy
  std::vector<Repair> repairs;  // "read" notes of the reader, then the policy's repairs
  FrequencyInfo frequency;      // inferred, or the given periods_per_year (then inferred = false)
  ReturnSeries returns;         // per period, (rows − 1) × assets; NaN only under kPairwise or
                                // where forward fill leaves a cell missing by design
  MissingPolicy missing;        // the policy applied (the estimation step reads its kind)
};

// The file read with options.read and narrowed by options.selection (a selection that keeps
// everything skips the copy). Errors name the file and line, or the unknown asset / empty date
// range.
Result<PricePanel> read_market_prices(const std::string& path, const MarketOptions& options);
// Several files (per-pair exports) read with options.read, merged (merge_panels in
// read_prices.hpp), then narrowed by options.selection.
Result<PricePanel> read_market_prices(const std::vector<std::string>& paths,
                                      const MarketOptions& options);

// The missing-data policy, the frequency and the returns, on a panel already read and selected
// (options.read and options.selection are not applied again). The reader's notes on the panel are
// recorded as repairs. At least 3 price rows must remain after the policy.
Result<Market> prepare_market(const PricePanel& panel, const MarketOptions& options);

// read_market_prices then prepare_market.
Result<Market> load_market(const std::string& path, const MarketOptions& options = {});
Result<Market> load_market(const std::vector<std::string>& paths,
                           const MarketOptions& options = {});

// For computations that need one complete return history (the risk profile, stress tests): ok,
// or an error naming the first missing return (asset and date) and the policy that would fill
// it.
Status require_complete_returns(const Market& market);

// The "inputs" block of a JSON result (docs/architecture.md section 3): assets, observations
// (return rows), periods_per_year, start and end of the cleaned panel, source, and the return kind.
Json inputs_json(const Market& market);

}  // namespace keel
