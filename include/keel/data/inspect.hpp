#pragma once
// What a user checks first about a price file: coverage per asset, simple annualised statistics
// and findings that deserve a look before any model runs (gaps, delistings, listing-day jumps,
// stale quotes). Inspection never repairs anything and never fails on missing data.

#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

struct InspectOptions {
  // A one-period simple return above this (or below −extreme_return/(1+extreme_return)) is
  // reported as a possible listing artefact or bad print. Default 3.0 = +300 %.
  double extreme_return = 3.0;
  // This many identical consecutive prices (or more) is reported as a stale quote run.
  int stale_run = 10;
};

struct AssetInspection {
  std::string asset;
  std::string quote;   // quote currency from the exchange symbol ("USDT"); empty when none
  std::string symbol;  // the symbol as written in the file (the asset name unless normalised)
  Timestamp first = 0;          // first timestamp with a price
  Timestamp last = 0;           // last timestamp with a price
  long observations = 0;        // prices present
  long missing = 0;             // rows without a price between first and last (gaps)
  long leading_missing = 0;     // rows before the first price (not listed yet)
  long trailing_missing = 0;    // rows after the last price (delisted or stopped)
  long calendar_missing = 0;    // periods absent from the file's calendar between first and last
                                // (dates no asset has; see PanelInspection::calendar_gaps)
  long returns = 0;             // one-period simple returns available
  double annualised_return = 0; // arithmetic mean × periods_per_year; NaN with < 2 returns
  double annualised_volatility = 0;  // sample standard deviation × sqrt(periods_per_year)
  double worst_return = 0;      // worst one-period simple return
  Timestamp worst_at = 0;       // timestamp of that return
};

// Dates missing for every asset: consecutive timestamps further apart than the panel's step.
// A return computed across one spans the whole gap, so it deserves a look before any model runs.
struct CalendarGap {
  Timestamp after = 0;       // last timestamp before the gap
  Timestamp before = 0;      // first timestamp after it
  long missing_periods = 0;  // periods of the inferred step absent in between
};

struct Finding {
  std::string kind;    // "gap", "calendar-gap", "delisted", "extreme-return", "stale",
                       // "late-listing"
  std::string asset;
  std::string message;
};

struct PanelInspection {
  std::size_t assets = 0;
  std::size_t rows = 0;
  Timestamp start = 0;
  Timestamp end = 0;
  FrequencyInfo frequency;
  std::vector<AssetInspection> per_asset;
  // Steps longer than 1.5 × the median step (for daily data on weekdays only, a step that skips
  // more than two weekdays: exchange holidays are not gaps). Ascending by date.
  std::vector<CalendarGap> calendar_gaps;
  long calendar_missing = 0;  // sum of missing_periods over calendar_gaps
  std::vector<Finding> findings;

  // The `keel inspect --format json` document: keys assets, rows, start, end, periods_per_year,
  // frequency, calendar_gaps, calendar_missing, per_asset (asset, quote — null when none —,
  // symbol, first, last, ...), findings.
  Json to_json() const;
};

PanelInspection inspect_panel(const PricePanel& panel, const FrequencyInfo& frequency,
                              const InspectOptions& options = {});

}  // namespace keel
