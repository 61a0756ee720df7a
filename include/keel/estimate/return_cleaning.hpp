#pragma once
// Return cleaning: an explicit, recorded step between returns and estimators. Each asset's
// returns are compared with a robust scale of that asset's own returns, so one bad print (a
// listing artefact, a token migration, a redenomination) cannot decide a covariance or a mean.
//
// The scale is the median absolute deviation (MAD) about the median, made consistent with the
// standard deviation of a normal distribution: s_j = 1.4826 · median_t |r_tj − m_j|,
// m_j = median_t r_tj, over the asset's finite returns (F. R. Hampel 1974, "The influence curve
// and its role in robust estimation", JASA 69, 383–393; P. J. Rousseeuw, C. Croux 1993,
// "Alternatives to the median absolute deviation", JASA 88, 1273–1283). When more than half of
// an asset's returns equal its median (MAD = 0, e.g. a pegged coin quoted to four decimals) the
// scale falls back to 1.2533 · mean |r_tj − m_j| (the mean absolute deviation made consistent
// with the normal σ); an asset whose returns are all equal has nothing to clean.
//
// `clip:k` (winsorisation at fixed robust bounds) replaces every return outside
// [m_j − k s_j, m_j + k s_j] by the nearer bound and lists it (asset, date, raw and clipped
// value). NaN stays NaN (missing data is the missing-data policy's business).
//
// Whatever the method, returns beyond `warn_k` robust standard deviations are reported in
// `warnings` (worst first, a few named, all counted): with cleaning off this is how a user hears of
// the SHIB +5,844% listing print of 2021-01-30 in the CMC panel, which on its own drives the
// Ledoit–Wolf intensity of a 2020– window to 0.98. The warning does not say the points are wrong:
// stablecoin depegs and exchange crashes are real and far beyond their asset's usual scale too.
// docs/estimation.md explains the defaults.

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/time.hpp"
#include "keel/data/returns.hpp"

namespace keel {

enum class ReturnCleaningMethod {
  kNone,  // default: returns are used as they are (extreme ones are still warned about)
  kClip,  // winsorise at k robust standard deviations about each asset's median
};

struct ReturnCleaningOptions {
  ReturnCleaningMethod method = ReturnCleaningMethod::kNone;
  // kClip: half-width of the kept band in robust standard deviations. Default 10: far beyond any
  // day of a liquid coin's ordinary life (a normal variable leaves ±10σ with probability 1e-23),
  // near the largest real crash days of major coins (BTC −37% on 2020-03-12 is ~15), far below
  // listing artefacts (hundreds to thousands). Range [3, ∞).
  double k = 10.0;
  // Returns beyond this many robust standard deviations are named in the warnings, cleaned or
  // not. Default 50 (on the CMC top-120 panel: 55 of 250,000 returns, a dozen assets, among them
  // every known listing artefact and the large stablecoin depegs). +∞ turns the warning off.
  // Range (0, ∞].
  double warn_k = 50.0;
  // At most this many points are named in the warning text (all are counted). Range ≥ 0.
  int warn_examples = 5;
  // Assets with fewer finite returns than this are left as they are (no robust scale exists);
  // the minimum-history check (history.hpp) is where short assets are refused. Range ≥ 3.
  int min_observations = 10;

  Status validate() const;
};

// "none" or "clip:K" (K a number ≥ 3; "clip" alone uses the default k). The error lists both.
Result<ReturnCleaningOptions> parse_return_cleaning(std::string_view text);
std::string to_string(const ReturnCleaningOptions& options);  // "none" or "clip:K"

// One return replaced by clipping.
struct ClippedReturn {
  std::string asset;
  Timestamp timestamp = 0;  // the period's end (the return's date)
  double raw = 0.0;         // the return as computed from prices
  double clipped = 0.0;     // the bound it was replaced by
  double robust_z = 0.0;    // (raw − median) / robust standard deviation
  Json to_json() const;     // {"action": "clip-return", "asset", "date", "raw", "clipped", "robust_z"}
};

struct CleanedReturns {
  ReturnSeries returns;                // the cleaned series (same shape, same NaN cells)
  std::vector<ClippedReturn> clipped;  // in asset order, then date order
  Eigen::VectorXd median;              // per asset (NaN when too few observations)
  Eigen::VectorXd robust_scale;        // per asset s_j (NaN when too few, 0 when all equal)
  std::vector<std::string> warnings;   // extreme returns (beyond warn_k), whatever the method
};

// Cleans `returns` per asset. Never fails on data (NaN cells are skipped, ±inf is refused by the
// estimators later); fails only on invalid options.
Result<CleanedReturns> clean_returns(const ReturnSeries& returns,
                                     const ReturnCleaningOptions& options);

}  // namespace keel
