// Full mean-variance model calls (build the QP, pre-checks, solve, verify) on a long-only book
// with a T = 1500 sample covariance of a simulated 5-factor model. The raw solve_qp is timed by
// qp_benchmark; the difference is this layer's overhead.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <random>

#include "keel/optimize/mean_variance.hpp"

namespace {

keel::MeanVarianceProblem factor_problem(int n) {
  constexpr int kObservations = 1500;
  constexpr int kFactors = 5;
  std::mt19937_64 rng(42 + n);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd loadings(n, kFactors);
  for (int i = 0; i < n; ++i) {
    loadings(i, 0) = 0.8 + 0.4 * std::abs(normal(rng));  // a dominant market factor
    for (int k = 1; k < kFactors; ++k) loadings(i, k) = 0.3 * normal(rng);
  }
  Eigen::MatrixXd returns(kObservations, n);
  for (int t = 0; t < kObservations; ++t) {
    Eigen::VectorXd f(kFactors);
    for (int k = 0; k < kFactors; ++k) f[k] = 0.02 * normal(rng);
    for (int i = 0; i < n; ++i) returns(t, i) = loadings.row(i).dot(f) + 0.03 * normal(rng);
  }
  const Eigen::MatrixXd centred = returns.rowwise() - returns.colwise().mean();
  keel::MeanVarianceProblem problem;
  for (int i = 0; i < n; ++i) problem.assets.push_back(fmt::format("A{}", i));
  problem.covariance = centred.transpose() * centred / (kObservations - 1.0) * 365.0;
  problem.expected_returns = Eigen::VectorXd(n);
  for (int i = 0; i < n; ++i) problem.expected_returns[i] = 0.05 + 0.3 * std::abs(normal(rng));
  return problem;
}

void run(benchmark::State& state, keel::MeanVarianceObjective objective) {
  const keel::MeanVarianceProblem problem = factor_problem(static_cast<int>(state.range(0)));
  const keel::MeanVarianceOptions options{.objective = objective, .risk_free_rate = 0.02};
  int iterations = 0;
  for (auto _ : state) {
    auto result = keel::optimize_mean_variance(problem, options);
    if (!result.is_ok() || !result->is_usable()) {
      state.SkipWithError("mean-variance solve failed");
      return;
    }
    iterations = result->diagnostics.iterations;
    benchmark::DoNotOptimize(result->weights.data());
  }
  state.counters["qp_iterations"] = iterations;
}

void BM_MinVarianceLongOnly(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMinVariance);
}
void BM_MaxSharpeLongOnly(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMaxSharpe);
}

BENCHMARK(BM_MinVarianceLongOnly)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MaxSharpeLongOnly)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

}  // namespace
