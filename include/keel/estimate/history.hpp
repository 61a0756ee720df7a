#pragma once
// Minimum history per asset before estimating. An asset with a handful of returns gives
// estimates that look precise and mean nothing: on the CMC top-120 panel, with the pairwise
// covariance and the geometric mean, a coin listed three days before the end of the window
// annualises to +35,933% and max Sharpe reports a Sharpe ratio of 1,792 with status optimal. So
// every verb that estimates checks each asset's number of finite returns first.
//
// Rules:
//  - An asset with fewer than the minimum is an error naming it, its history length and the two
//    ways out (lower the minimum, or drop short assets) — or, with ShortHistory::kDrop, it is
//    dropped and the drop is recorded as a repair.
//  - An asset whose history is shorter than the window (fewer finite returns than the window has
//    rows: listed later, or with gaps) is kept, with a warning: its mean and variance describe a
//    shorter, different period than its neighbours'.

#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/returns.hpp"

namespace keel {

enum class ShortHistory {
  kError,  // default: refuse, naming the assets
  kDrop,   // drop them, recorded in `repairs`
};

struct HistoryOptions {
  // Minimum finite returns per asset. 0 (default) = a quarter of a year of returns,
  // ⌈periods_per_year / 4⌉ (92 daily at 365, 63 at 252, 2,190 hourly), capped at the window's
  // rows when the window is shorter (then every asset needs the whole window). A quarter is a
  // floor, not a recommendation: an annualised mean from 92 daily crypto returns still has a
  // standard error near 100%. Range ≥ 0 (1 disables the check in practice).
  int min_returns = 0;
  // Needed when min_returns is 0. Range (0, ∞).
  double periods_per_year = 0.0;
  ShortHistory short_history = ShortHistory::kError;
  // Warn for assets with fewer finite returns than the window has rows (default true).
  bool warn_shorter_than_window = true;

  Status validate() const;
  // The minimum that applies to a window of `rows` returns.
  int effective_minimum(Eigen::Index rows) const;
};

struct HistoryCheck {
  ReturnSeries returns;                // the kept assets' columns (all of them with kError)
  std::vector<Eigen::Index> kept;      // indices of the kept assets in the input
  Eigen::VectorXi observations;        // finite returns of each kept asset
  int min_returns = 0;                 // the minimum applied
  std::vector<std::string> repairs;    // one per dropped asset (kDrop)
  std::vector<std::string> warnings;   // shorter than the window (one line, every asset named)
};

// Fails (invalid input) when an asset is short and short_history is kError, or when every asset
// would be dropped.
Result<HistoryCheck> check_history(const ReturnSeries& returns, const HistoryOptions& options);

}  // namespace keel
