#pragma once
// VaR backtesting: Kupiec's (1995) proportion-of-failures (POF) likelihood-ratio test over a
// rolling window. P. Kupiec, "Techniques for verifying the accuracy of risk measurement models",
// Journal of Derivatives 3(2), 1995.
//
// Procedure: for each t = W, …, T − 1 (0-based), VaR_t is estimated from the W returns
// r_{t−W}, …, r_{t−1} with VarOptions (any single-series method, horizon 1), and an exceedance
// is counted when r_t < −VaR_t (a loss strictly larger than the VaR). With N = T − W trials,
// x exceedances and tail probability p = 1 − α:
//   LR_POF = −2 ln[ (1 − p)^{N−x} p^x ] + 2 ln[ (1 − x/N)^{N−x} (x/N)^x ]   (0·ln 0 = 0)
// which is asymptotically χ²(1) under a correctly calibrated VaR; p-value = 1 − F_χ²(1)(LR) =
// erfc(√(LR/2)). The test rejects at 5% when p-value < 0.05 (LR > 3.841).

#include <Eigen/Core>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/risk/var.hpp"

namespace keel {

struct KupiecTest {
  Eigen::Index trials = 0;       // N
  Eigen::Index exceedances = 0;  // x
  double expected = 0.0;         // N·(1 − α)
  double exceedance_rate = 0.0;  // x / N
  double lr_statistic = 0.0;     // LR_POF ≥ 0
  double p_value = 1.0;          // P(χ²(1) > LR)
  bool reject_at_5pct = false;   // p_value < 0.05
};

// The test alone, from counts. trials ≥ 1, 0 ≤ exceedances ≤ trials, tail probability in (0, 1).
Result<KupiecTest> kupiec_test(Eigen::Index trials, Eigen::Index exceedances,
                               double tail_probability);

struct VarBacktestOptions {
  // Estimation window W in periods (≥ 2; ≥ 1/(1 − α) recommended so the tail is not a single
  // observation). Default 365 (one year of daily crypto bars).
  Eigen::Index window = 365;
  // How each VaR is estimated; method kMonteCarlo and horizon > 1 are rejected.
  VarOptions var{};
  Status validate() const;
};

struct VarBacktest {
  KupiecTest kupiec;
  // One entry per tested row t = W … T − 1: the forecast VaR_t (positive = loss) and whether
  // r_t < −VaR_t.
  Eigen::VectorXd var_forecasts;
  std::vector<Eigen::Index> exceedance_rows;  // rows t of the input with an exceedance
};

// Rolling-window backtest of a return series with T > W finite values.
Result<VarBacktest> backtest_var(Eigen::Ref<const Eigen::VectorXd> returns,
                                 const VarBacktestOptions& options = {});

}  // namespace keel
