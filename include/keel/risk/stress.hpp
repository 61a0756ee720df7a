#pragma once
// Stress testing: historical replay of dated windows, hypothetical shocks per asset or group, and
// a correlation/volatility stress of the Gaussian VaR/ES.
//
// All P&L figures are fractions of portfolio value (a gain is positive, a loss negative; this is
// P&L, not a risk measure). Weights are fractions of portfolio value at the start of the scenario
// and positions are held through it (buy and hold, no rebalancing).

#include <Eigen/Core>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/core/time.hpp"

namespace keel {

// A dated window [start, end] on price dates, inclusive. Replay covers the price move from the
// close of `start` to the close of `end`, i.e. the return rows whose (end-of-period) timestamp t
// satisfies start < t ≤ end.
struct StressWindow {
  std::string name;
  Timestamp start = 0;
  Timestamp end = 0;
};

// Built-in crypto crash windows (UTC dates; adjust or add your own):
//   "covid-crash-2020"   2020-03-08 .. 2020-03-16   (BTC −50% on 12–13 March)
//   "china-ban-2021"     2021-05-12 .. 2021-05-23   (mining ban, leverage flush)
//   "luna-collapse-2022" 2022-05-07 .. 2022-05-13   (UST depeg, LUNA to zero)
//   "ftx-collapse-2022"  2022-11-06 .. 2022-11-10
std::vector<StressWindow> crypto_stress_windows();

// The size of a built-in window's crash: BTC's close-to-close return over the window in the real
// data (CoinMarketCap daily USD closes, last close at or before start to last close at or before
// end): covid-crash-2020 −38.15%, china-ban-2021 −29.26%, luna-collapse-2022 −17.52%,
// ftx-collapse-2022 −15.96%. nullopt for a name that is not a built-in window. Used to state a
// crash as a hypothetical shock of the same size where the data cannot replay it (simulated
// prices, or a panel that does not cover the window).
std::optional<double> crypto_window_market_move(std::string_view name);

struct StressPnl {
  std::string name;
  Eigen::VectorXd asset_pnl;  // w_i · (asset return over the scenario)
  double total = 0.0;         // Σ asset_pnl
  Eigen::Index rows = 0;      // return rows replayed (historical replay; 0 for shocks)
};

// Replays `window` over returns (T × N simple returns; row t ends at timestamps[t], strictly
// increasing). Asset returns compound over the window: Π(1 + r_ti) − 1. A window with no return
// rows inside the data is rejected naming the data's date range; non-finite cells in the window
// are rejected naming the date and asset column (an asset not yet listed has no stress history:
// fill it with a proxy first).
Result<StressPnl> replay_window(const std::vector<Timestamp>& timestamps,
                                Eigen::Ref<const Eigen::MatrixXd> returns,
                                Eigen::Ref<const Eigen::VectorXd> weights,
                                const StressWindow& window);

// A hypothetical shock: every asset index in `assets` gets the simple return `asset_return`
// (finite; −0.3 = a 30% fall). The caller resolves groups (sector, chain, stablecoins) to index
// sets.
struct Shock {
  std::vector<Eigen::Index> assets;
  double asset_return = 0.0;
};

// Applies shocks in order (a later shock overrides an earlier one for the same asset, so "all
// −30%, then stablecoins 0%" works); assets in no shock get 0. Indices out of range are rejected.
Result<StressPnl> apply_shocks(Eigen::Ref<const Eigen::VectorXd> weights,
                               const std::vector<Shock>& shocks, std::string name = "shock");

struct CorrelationStressOptions {
  // λ in [0, 1]: stressed correlation C' = (1 − λ) C + λ 11ᵀ, pushing every pairwise correlation
  // toward one (λ = 1: all correlations one). A convex combination of two PSD correlation
  // matrices, so C' is PSD with a unit diagonal whenever C is. Default 0.5.
  double correlation_shift = 0.5;
  // Multiplier of every volatility, > 0. Default 1.5.
  double volatility_multiplier = 1.5;
  // Confidence α of the Gaussian VaR/ES, in (0, 1). Default 0.95.
  double confidence = 0.95;
  Status validate() const;
};

struct CorrelationStress {
  Eigen::MatrixXd stressed_covariance;  // D' C' D', D' = multiplier · diag(σ)
  double base_var = 0.0, base_es = 0.0;  // Gaussian, −μᵀw − z σ_p and −μᵀw + σ_p φ(z)/(1−α)
  double stressed_var = 0.0, stressed_es = 0.0;  // same with the stressed covariance
  double min_eigenvalue = 0.0;  // smallest eigenvalue of the stressed correlation (≥ −1e-12)
};

// Correlation/volatility stress of a per-period covariance (N × N, symmetric PSD, positive
// diagonal) with per-period mean returns `mean` (N; pass zeros for a pure-volatility view).
Result<CorrelationStress> stress_correlation(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                             Eigen::Ref<const Eigen::VectorXd> mean,
                                             Eigen::Ref<const Eigen::VectorXd> weights,
                                             const CorrelationStressOptions& options = {});

}  // namespace keel
