#pragma once
// Parameter sweeps: many walk-forward backtests over one price panel, and how to pick among them
// without fooling yourself (issue #23).
//
//   expand_sweep       the points of a sweep: the cartesian product of its axes (first axis
//                      slowest, like nested loops in the order written), an explicit list, or a
//                      seeded random sample of N distinct points of the product (kept in grid
//                      order, so the same seed gives the same points in the same order).
//   run_sweep          every point's backtest (run_backtest, engine.hpp) with one strategy, in
//                      context.threads() worker threads that take the next point as they finish
//                      (slow points do not stall the others). Each point's backtest runs on its
//                      worker's thread only, so its result does not depend on the thread count;
//                      results come back in point order.
//   probabilistic_sharpe_ratio, expected_max_sharpe, deflated_sharpe
//                      Bailey & López de Prado, "The Deflated Sharpe Ratio: Correcting for
//                      Selection Bias, Backtest Overfitting and Non-Normality", Journal of
//                      Portfolio Management 40(5), 2014, equations (9)–(10) (PSR, as in Bailey &
//                      López de Prado, "The Sharpe Ratio Efficient Frontier", J. of Risk 15(2),
//                      2012) and the expected maximum of N Sharpe ratios. Sharpe ratios there are
//                      per period (not annualised): SR̂ = (mean(r) − rf/ppy) / sd(r), sd with n − 1.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "keel/backtest/engine.hpp"
#include "keel/core/json.hpp"
#include "keel/core/result.hpp"

namespace keel {

// One value of a sweep axis (a TOML scalar).
using SweepValue = std::variant<bool, std::int64_t, double, std::string>;
// The value as a CSV cell: true/false, the integer, the shortest decimal that reads back to the
// same double (std::to_chars), or the string.
std::string sweep_value_text(const SweepValue& value);
Json sweep_value_json(const SweepValue& value);

struct SweepAxis {
  std::string name;
  std::vector<SweepValue> values;  // at least one
};

enum class SweepMode {
  kGrid,    // cartesian product of the axes
  kList,    // the explicit points
  kSample,  // `sample` distinct points of the product, drawn with `seed`
};

// One point: its position in the sweep (0-based) and the value of each parameter it sets, in
// axis order (grid, sample) or as written (list).
struct SweepPoint {
  std::size_t index = 0;
  std::vector<std::pair<std::string, SweepValue>> values;
};

struct SweepSpec {
  SweepMode mode = SweepMode::kGrid;
  std::vector<SweepAxis> axes;                                          // kGrid, kSample
  std::vector<std::vector<std::pair<std::string, SweepValue>>> points;  // kList
  std::uint64_t sample = 0;  // kSample: points drawn, ≥ 1 and ≤ the product's size
  std::uint64_t seed = 0;    // kSample
  Status validate() const;
};

// Points the spec expands to (for a cap check before expanding); an error when the product
// overflows 64 bits.
Result<std::uint64_t> sweep_size(const SweepSpec& spec);

// The points. Sampling draws distinct grid indices with Floyd's algorithm on keel::Random(seed)
// (uniform over the product whatever its size) and sorts them.
Result<std::vector<SweepPoint>> expand_sweep(const SweepSpec& spec);

// One point to run: its single strategy and the run's options.
struct SweepJob {
  Strategy strategy;
  BacktestOptions options;
};

struct SweepPointResult {
  std::size_t index = 0;
  Status status = Status::ok();  // the run's error (the point failed; the others still run)
  BacktestMetrics metrics{};
  // Per-period statistics of the n evaluated net returns r (rows 1..n of net_returns), for the
  // PSR and DSR: SR̂ = (mean(r) − rf/ppy) / sd(r) (sd with n − 1), and the population moments
  // skewness = m3 / m2^{3/2}, kurtosis = m4 / m2² (not excess: 3 for a normal), m_k = mean((r −
  // mean)^k) (scipy.stats.skew / kurtosis(fisher=False) with their default bias=True).
  double sharpe_per_period = 0.0;
  double skewness = 0.0;
  double kurtosis = 3.0;
  int observations = 0;
  double elapsed_ms = 0.0;  // wall time of this point's backtest (not part of the results)
};

// Fills the per-period statistics of `result` from one strategy's net returns.
void sweep_point_statistics(const Eigen::VectorXd& net_returns, double periods_per_year,
                            double risk_free_rate, SweepPointResult& result);

// Called under a lock, once per finished point, in completion order.
using SweepPointCallback = std::function<void(const SweepPointResult&)>;

// Runs jobs[i] for every i with !skip[i] (skip empty = run all); skipped entries come back with
// index i and nothing else set. Worker threads: context.threads() (0 = all cores), at most one per
// job; each backtest gets a Context with one thread. Cancelling `context` stops workers taking new
// points.
std::vector<SweepPointResult> run_sweep(const PricePanel& panel, const std::vector<SweepJob>& jobs,
                                        const std::vector<bool>& skip, const Context& context = {},
                                        const SweepPointCallback& on_point = {});

// PSR(SR*) = Φ( (SR̂ − SR*) √(n − 1) / √(1 − γ₃ SR̂ + (γ₄ − 1)/4 · SR̂²) ), per-period Sharpe ratios,
// γ₃ skewness, γ₄ kurtosis (3 for a normal), n observations. NaN when n < 2 or the root's argument
// is ≤ 0.
double probabilistic_sharpe_ratio(double sharpe, double benchmark_sharpe, int observations,
                                  double skewness, double kurtosis);

// E[max of N Sharpe ratios] under the null of no skill, with variance V across the trials:
//   SR₀ = √V · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))),  γ = 0.5772156649… (Euler–Mascheroni).
// 0 for N = 1.
double expected_max_sharpe(double variance, std::size_t trials);

struct DeflatedSharpe {
  std::size_t best = 0;            // index of the point with the highest Sharpe ratio (first tie)
  std::size_t trials = 0;          // N: the points that ran without error
  double sharpe = 0.0;             // the best point's annualised Sharpe (metrics.sharpe)
  double sharpe_per_period = 0.0;  // its SR̂
  double variance = 0.0;           // V: sample variance (N − 1) of the trials' SR̂
  double expected_max = 0.0;       // SR₀ = expected_max_sharpe(V, N), per period
  double psr = 0.0;                // PSR(0) of the best point
  double dsr = 0.0;                // PSR(SR₀) of the best point: the deflated Sharpe ratio
  Json to_json() const;
};

// Over the points without error (at least one). An error when none ran.
Result<DeflatedSharpe> deflated_sharpe(const std::vector<SweepPointResult>& results);

}  // namespace keel
