#pragma once
// Value-at-Risk and Expected Shortfall (CVaR) of a portfolio return series, by method.
//
// Sign convention: losses are positive fractions of portfolio value. A 95% one-day VaR of 0.04
// means "on 5% of days the portfolio loses at least 4% of its value"; ES ≥ VaR always holds for
// the historical and Gaussian methods.
//
// Methods (α = VarOptions::confidence, p = 1 − α the tail probability, T observations):
//
// kHistorical — empirical quantile, no interpolation. Sort the returns x_(1) ≤ … ≤ x_(T); let
//   m = pT (snapped to the nearest integer when within 1e-9·max(1, m) of it, so that 0.05·100 is 5
//   and not 5.000000000000004) and k = ⌈m⌉ (at least 1).
//     VaR = −x_(k)                               (the lower p-quantile, "⌈pT⌉-th smallest")
//     ES  = −(1/m)·[ Σ_{i<k} x_(i) + (m − k + 1)·x_(k) ]
//   ES is the Acerbi–Tasche (2002) / Rockafellar–Uryasev (2002) expected shortfall of the
//   empirical distribution: the worst ⌊m⌋ outcomes with full weight and the k-th with the
//   fractional weight m − ⌊m⌋. It is coherent (subadditive), equals the value of the
//   Rockafellar–Uryasev LP (2000) at the optimum, and is what Riskfolio-Lib's CVaR_Hist returns.
//   Computed with std::nth_element in O(T) (no full sort). Differences to peers: R
//   PerformanceAnalytics' VaR(method = "historical") interpolates (quantile type 7), so it differs
//   by up to one order-statistic gap; its ES(method = "historical") averages the returns ≤ −VaR.
//   Horizon h > 1: the series is aggregated into non-overlapping h-period returns, ending at the
//   last observation (the oldest T mod h observations are dropped); simple returns compound,
//   Π(1 + r) − 1, log returns (log_returns = true) add. This keeps the tail shape (no √h rule)
//   at the price of T/h observations.
//
// kGaussian — closed form under normality with the sample mean μ and standard deviation σ:
//     VaR = −(μ + σ z_p),   ES = −μ + σ φ(z_α)/p,    z_q = Φ⁻¹(q)
//
// kCornishFisher — "modified VaR" of Favre & Galeano (2002), the Cornish–Fisher expansion of the
//   quantile with skewness s and excess kurtosis k (population moment ratios m3/m2^1.5 and
//   m4/m2² − 3 of the sample, as PerformanceAnalytics' "moment" method and scipy's bias=True):
//     z_cf = z + (z² − 1)s/6 + (z³ − 3z)k/24 − (2z³ − 5z)s²/36,   z = z_p,
//     VaR  = −(μ + σ z_cf)
//   and the modified ES of Boudt, Peterson & Croux (2008), "Estimation and decomposition of
//   downside risk for portfolios with non-normal returns", J. of Risk 11(2), eq. (9):
//     E = (1/p)·[ φ(z_cf) + (I⁴ − 6I² + 3φ(z_cf))k/24 + (I³ − 3I¹)s/6
//                 + (I⁶ − 15I⁴ + 45I² − 15φ(z_cf))s²/72 ],
//     Iⁿ = −∫_{−∞}^{z_cf} u^{n+1} φ(u) du (their closed forms),
//     ES = −μ − σ·min(−E, z_cf)
//   exactly as PerformanceAnalytics' ES(method = "modified") (operES.CornishFisher) computes it:
//   the min() floors ES at the modified VaR when the expansion misbehaves (es_floored_at_var is
//   then set and a warning added). The expansion is only a valid (monotone) quantile map for
//   moderate s and k (Maillard 2012, "A user's guide to the Cornish Fisher expansion"); a warning
//   is added when the map z ↦ z_cf is not increasing at z_p (dz_cf/dz ≤ 0), where the "quantile"
//   is meaningless.
//   σ: by default the sample standard deviation (divide by T − 1, as the project's covariance);
//   with population_moments = true the T-divided one, which is what PerformanceAnalytics uses in
//   VaR/ES(method = "gaussian" | "modified") (centeredmoment). For large T the two differ by
//   a factor √(T/(T−1)).
//
// kMonteCarlo — the historical estimator applied to a scenario P&L: use scenario_var() with an
//   S × N matrix of scenario returns (e.g. from a copula or GARCH generator) and the weights.
//   Scenarios carry equal probability; they are already at the horizon they were generated for,
//   so horizon must be 1.
//
// Horizon for the parametric methods (kGaussian, kCornishFisher): the i.i.d. square-root-of-time
// rule, μ → hμ and σ → √h σ, with the one-period z_cf (skewness and kurtosis are not aggregated;
// for fat tails this keeps the one-period tail shape, a conservative choice).

#include <Eigen/Core>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"

namespace keel {

enum class VarMethod { kHistorical, kGaussian, kCornishFisher, kMonteCarlo };

// "historical", "gaussian", "cornish-fisher", "monte-carlo".
std::string_view to_string(VarMethod method);

struct VarOptions {
  // How the quantile and the tail mean are estimated (see the header comment).
  VarMethod method = VarMethod::kHistorical;
  // Confidence level α in (0, 1); the tail probability is 1 − α. Default 0.95.
  double confidence = 0.95;
  // Horizon h in periods of the input series (≥ 1). Default 1. Historical: non-overlapping
  // aggregation; parametric: square-root-of-time. Must be 1 for kMonteCarlo.
  int horizon = 1;
  // Historical aggregation only: true when the input holds log returns (blocks are summed),
  // false for simple returns (blocks are compounded). Default false.
  bool log_returns = false;
  // Parametric methods: use the T-divided standard deviation (PerformanceAnalytics) instead of
  // the sample one (T − 1). Default false.
  bool population_moments = false;

  Status validate() const;
};

struct VarEstimate {
  VarMethod method = VarMethod::kHistorical;
  double confidence = 0.95;
  int horizon = 1;
  double var = 0.0;  // loss quantile at the horizon, fraction of portfolio value (positive = loss)
  double es = 0.0;   // expected shortfall (CVaR) at the horizon, same units; es ≥ var
  Eigen::Index observations = 0;  // observations (after aggregation) or scenarios used
  // Historical/Monte Carlo: m = (1 − α)·observations, the (fractional) tail size, and k = ⌈m⌉.
  // NaN / 0 for the parametric methods.
  double tail_size = std::numeric_limits<double>::quiet_NaN();
  Eigen::Index tail_count = 0;
  // Parametric methods: the one-period moments used (NaN for historical/Monte Carlo).
  double mean = std::numeric_limits<double>::quiet_NaN();
  double stddev = std::numeric_limits<double>::quiet_NaN();
  // Population skewness and excess kurtosis (Cornish–Fisher only, else NaN).
  double skewness = std::numeric_limits<double>::quiet_NaN();
  double excess_kurtosis = std::numeric_limits<double>::quiet_NaN();
  // z_p (Gaussian) or z_cf (Cornish–Fisher); NaN otherwise.
  double quantile = std::numeric_limits<double>::quiet_NaN();
  bool es_floored_at_var = false;  // Cornish–Fisher: ES = VaR because −E > z_cf
  std::vector<std::string> warnings;
};

// VaR and ES of a portfolio return series (T ≥ 2 finite values; the historical method needs at
// least one full horizon block). kMonteCarlo is rejected here: use scenario_var().
Result<VarEstimate> value_at_risk(Eigen::Ref<const Eigen::VectorXd> returns,
                                  const VarOptions& options);

// Historical VaR/ES of the portfolio P&L of S × N scenario returns under `weights` (N): the
// Monte Carlo estimator. options.method must be kMonteCarlo or kHistorical; horizon must be 1.
// One matrix–vector product and one std::nth_element pass.
Result<VarEstimate> scenario_var(Eigen::Ref<const Eigen::MatrixXd> scenarios,
                                 Eigen::Ref<const Eigen::VectorXd> weights,
                                 const VarOptions& options);

// The empirical tail of a sample, the engine behind the historical and Monte Carlo methods.
struct EmpiricalTail {
  double var = 0.0;
  double es = 0.0;
  double tail_size = 0.0;       // m = (1 − α)·n, snapped as described above
  Eigen::Index tail_count = 0;  // k = max(1, ⌈m⌉)
};

// Historical VaR/ES of `values` (n ≥ 1, finite — not checked here), reordering them in place with
// std::nth_element: afterwards values[0..k−1) are the k − 1 smallest and values[k − 1] = x_(k).
// confidence must be in (0, 1). Allocation-free; O(n).
EmpiricalTail empirical_tail(Eigen::Ref<Eigen::VectorXd> values, double confidence);

// The tail size m = (1 − α)·n with the snapping rule above, and k = max(1, ⌈m⌉).
double tail_size(double confidence, Eigen::Index n);
Eigen::Index tail_count(double tail_size);

}  // namespace keel
