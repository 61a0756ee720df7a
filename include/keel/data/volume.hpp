#pragma once
// Average daily traded value (ADV): the one place Keel turns a panel's per-period traded volumes
// into a per-day figure. The liquidity-adjusted VaR (risk/liquidity.hpp), the liquidity limits of
// optimize, allocate and backtest (optimize/liquidity_limits.hpp) all read ADV from here.
//
// Units. A PricePanel's `volumes` are traded value in the QUOTE currency per period (the reader
// prefers a `volume_quote` / `quote_volume` / `volume_usd` column and takes a plain `volume`
// column as quote value; read_prices.hpp). A file whose volume is in coins (BASE units, e.g.
// Bitstamp's `BTC:volume`) is turned into quote value by quote_volume_from_base(), cell by cell:
// quote volume ≈ base volume × close of the same period (the close stands for the period's
// average traded price; exact for a period of constant price).
//
// Definition. Over the `window` periods ending at `last_row` (inclusive, so a decision at row t
// sees rows ≤ t only), ADV_i = mean of asset i's finite volumes × periods_per_year / 365: the
// mean volume per period scaled to a calendar day (× 1 for daily crypto, × 24 for hourly, × 7/5 ≈
// 365/252 for weekday-only daily data). Missing cells (NaN: not listed yet, no data) are skipped;
// an asset without a finite volume in the window has ADV 0, which every caller treats as "cannot
// be traded" (LVaR: cannot be liquidated; limits: a cap of 0).

#include <Eigen/Core>

#include "keel/core/result.hpp"

namespace keel {

struct AdvWindow {
  // Last row used, inclusive; −1 (default) = the last row of the matrix.
  Eigen::Index last_row = -1;
  // Rows used, ending at last_row; 0 (default) = every row up to last_row. ≥ 0.
  int periods = 0;
};

// ADV per column of `volumes` (T × N, quote currency per period; NaN = missing), quote currency
// per day. Errors (Status::invalid): periods_per_year not finite > 0, a negative volume (naming
// row and column), last_row outside the matrix, periods < 0.
Result<Eigen::VectorXd> average_daily_volume(Eigen::Ref<const Eigen::MatrixXd> volumes,
                                             double periods_per_year, const AdvWindow& window = {});

// Base-currency volumes (coins) times the same cell's close: quote-currency volumes. NaN where
// either is missing. Shapes must match.
Result<Eigen::MatrixXd> quote_volume_from_base(Eigen::Ref<const Eigen::MatrixXd> base_volumes,
                                               Eigen::Ref<const Eigen::MatrixXd> prices);

}  // namespace keel
