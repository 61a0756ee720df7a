#pragma once
// Historical stress replay over a price panel whose assets may lack history in a window.
//
// replay_window() (stress.hpp) replays one window over a complete return matrix. Real crypto
// panels are ragged: a token listed in 2021 has no price in the March 2020 crash. This layer
// decides, per window, whether the data covers it at all and what to do about held assets without
// a return on some of its rows, and reports both so that nothing becomes 0 silently.
//
// Semantics (all P&L as fractions of the portfolio value at the start of the window):
//  - Returns are simple returns p_t/p_{t−1} − 1 computed from the prices here, whatever return
//    kind the caller uses elsewhere: a P&L compounds simple returns.
//  - A window [start, end] replays the return rows whose timestamp t satisfies start < t ≤ end,
//    i.e. from the last price at or before `start` to the last price at or before `end`. Bounds
//    are timestamps: on hourly data a date-only bound is 00:00 UTC of that day.
//  - Coverage: the data covers a window when its first price is at or before `start`, its last
//    price at or after `end`, and at least one price date falls inside (start, end]. A window the
//    data covers only partly is not replayed (its P&L would silently miss part of the crash).
//  - Buy and hold: weights are fractions of value at the start, positions are held through the
//    window and 1 − Σw sits in cash at 0%. The portfolio value path is
//      V_t = 1 + Σ_i w_i (G_i,t − 1),   G_i,t = Π_{s ≤ t} (1 + r_i,s)
//    from which the trough (min_t V_t − 1, at most 0) and the maximum drawdown inside the window
//    (max_t (peak_t − V_t)/peak_t, peak_t = max(1, max_{s ≤ t} V_s)) are reported besides the
//    end-to-end P&L V_end − 1.
//  - Missing history: a held asset (w_i ≠ 0) whose return is NaN on a row of the window (not
//    listed yet, delisted, or a gap in its quotes) is handled by MissingHistoryPolicy; assets
//    with zero weight are ignored.

#include <Eigen/Core>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/core/time.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/risk/stress.hpp"

namespace keel {

enum class MissingHistoryKind {
  kExclude,  // default: the window is not replayed; the result names the assets and rows
  kCash,     // the missing rows of those assets earn 0% (the weight is treated as cash there)
  kProxy,    // the missing rows take the return of a proxy asset (e.g. BTC) on the same row
};

struct MissingHistoryPolicy {
  MissingHistoryKind kind = MissingHistoryKind::kExclude;
  std::string proxy;  // kProxy: a column of the panel; must have a return on every row it fills
  Status validate() const;
};

// Parses "exclude", "cash", "proxy:ASSET"; to_string() gives the same text back.
Result<MissingHistoryPolicy> parse_missing_history_policy(std::string_view text);
std::string to_string(const MissingHistoryPolicy& policy);

// Parses a user window "NAME:START:END" with START and END in any format parse_timestamp()
// accepts ("2021-01-01", "2021-01-01T12:00:00Z", ...). The name may not contain ':'.
Result<StressWindow> parse_stress_window(std::string_view text);

// A window to replay. `required` marks a window the user named explicitly: the data not
// covering it is then an error (Status::invalid naming the window and the data span) instead of a
// "not covered" entry in the result.
struct ReplayRequest {
  StressWindow window;
  bool required = false;
};

// The windows to replay: `selection` is "all" (every built-in crypto_stress_windows() entry, not
// required), "none", or a comma-separated list of built-in names (each required); `custom` are
// user windows (always required) appended after them. Unknown names (the error lists the
// built-ins) and duplicate names are rejected.
Result<std::vector<ReplayRequest>> select_stress_windows(std::string_view selection,
                                                         const std::vector<StressWindow>& custom);

enum class ReplayOutcome {
  kReplayed,
  kNotCovered,      // the data span does not (fully) cover the window
  kMissingHistory,  // covered, but a held asset lacks returns and the policy could not fill them
};
// "replayed", "not-covered", "missing-history".
std::string_view to_string(ReplayOutcome outcome);

// A held asset without a return on some rows of a window.
struct MissingHistory {
  std::string asset;
  Eigen::Index missing_rows = 0;  // of WindowReplay::rows
  // First and last price of the asset anywhere in the panel (tells "not listed yet" from a gap);
  // 0 when the asset has no price at all (then has_quotes is false).
  bool has_quotes = false;
  Timestamp first_quote = 0;
  Timestamp last_quote = 0;
  std::string treatment;  // "excluded", "cash" or "proxy:ASSET"
};

struct WindowReplay {
  StressWindow window;
  bool required = false;
  ReplayOutcome outcome = ReplayOutcome::kNotCovered;
  std::string reason;     // empty when replayed; else a sentence naming the data span or assets
  Eigen::Index rows = 0;  // return rows inside the window (0 when not covered)
  // The price dates the replay runs between: the last price at or before start and the last row
  // inside the window. Set when rows > 0.
  Timestamp from = 0;
  Timestamp to = 0;
  // Replayed windows only (NaN otherwise): compounded return and P&L per asset, total P&L
  // V_end − 1, trough min_t V_t − 1 and its date, maximum drawdown inside the window.
  Eigen::VectorXd asset_return;
  Eigen::VectorXd asset_pnl;
  double total = std::numeric_limits<double>::quiet_NaN();
  double trough = std::numeric_limits<double>::quiet_NaN();
  Timestamp trough_time = 0;
  double max_drawdown = std::numeric_limits<double>::quiet_NaN();
  std::vector<MissingHistory> missing_history;  // held assets lacking rows, in panel order
};

struct HistoricalStress {
  std::vector<std::string> assets;  // panel columns, the order of the per-asset vectors
  Eigen::VectorXd weights;
  Timestamp data_start = 0;  // first and last price date of the panel
  Timestamp data_end = 0;
  MissingHistoryPolicy policy;
  std::vector<WindowReplay> windows;  // in request order
  std::vector<std::string> warnings;  // e.g. windows filled with cash/proxy returns

  // An array with one object per window:
  //   {"name", "start", "end", "status", "reason"?, "rows", "from"?, "to"?, "total_pnl",
  //    "total_pnl_value"?, "trough", "trough_date", "max_drawdown",
  //    "assets": {ASSET: {"weight", "return", "pnl"}}, "missing_history": [{"asset",
  //    "missing_rows", "first_quote", "last_quote", "treatment"}]}
  // Money amounts ("…_value") appear when portfolio_value > 0.
  Json to_json(double portfolio_value = 0.0) const;
};

struct ReplayOptions {
  MissingHistoryPolicy missing_history{};
  Status validate() const;
};

// Replays every requested window over `prices` (raw panel: NaN = no quote) for `weights` (one
// finite entry per panel column). Errors: bad weights or windows, duplicate window names, a proxy
// not in the panel, and a required window the data does not cover (message names the window, its
// dates and the data span, and suggests a fix).
Result<HistoricalStress> replay_stress_windows(const PricePanel& prices,
                                               Eigen::Ref<const Eigen::VectorXd> weights,
                                               const std::vector<ReplayRequest>& windows,
                                               const ReplayOptions& options = {});

}  // namespace keel
