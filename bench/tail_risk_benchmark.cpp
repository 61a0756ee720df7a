// Tail-risk LP benchmarks. Headline: long-only min CVaR (α = 0.95) over T = 1500 scenarios ×
// n = 100 assets, by cutting planes (the default) and by the full Rockafellar–Uryasev LP through
// Clp. bench/peers/lp_peers.py builds the same matrix (same deterministic formula) and times
// cvxopt.solvers.lp and scipy's HiGHS on it; the target is keel ≥ 10× faster than both.

#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "keel/optimize/tail_risk.hpp"

namespace {

double hash01(double a) {
  const double x = std::abs(std::sin(a) * 43758.5453);
  return x - std::floor(x);
}

// r_ti = 0.0003 + β_i f_t + s_i z_ti with Gaussian z from hashed uniforms (Box–Muller) and a
// market factor f_t tripled on ~2% "crash" days. Same formula as bench/peers/lp_peers.py.
Eigen::MatrixXd scenarios(int periods, int assets) {
  Eigen::MatrixXd r(periods, assets);
  const auto gauss = [](double a, double b) {
    const double u1 = std::max(1e-12, hash01(a));
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * hash01(b));
  };
  for (int t = 0; t < periods; ++t) {
    double f = 0.02 * gauss(7.13 * t + 0.5, 3.7 * t + 0.9);
    if (hash01(5.1 * t + 0.3) < 0.02) f *= 3.0;
    for (int i = 0; i < assets; ++i) {
      const double beta = 0.5 + 0.01 * (i % 100);
      const double scale = 0.005 + 0.0002 * (i % 100);
      r(t, i) = 0.0003 + beta * f +
                scale * gauss(12.9898 * t + 78.233 * i + 1.0, 39.3468 * t + 11.135 * i + 2.0);
    }
  }
  return r;
}

keel::TailRiskProblem problem(int periods, int assets) {
  keel::TailRiskProblem p;
  for (int i = 0; i < assets; ++i) p.assets.push_back("A" + std::to_string(i));
  p.scenarios = scenarios(periods, assets);
  return p;
}

void run(benchmark::State& state, keel::TailRiskMeasure measure, keel::CvarAlgorithm algorithm,
         keel::TailRiskObjective objective = keel::TailRiskObjective::kMinRisk) {
  const keel::TailRiskProblem p =
      problem(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const keel::TailRiskOptions options{
      .measure = measure, .objective = objective, .cvar_algorithm = algorithm};
  double risk = 0.0;
  int cuts = 0;
  int iterations = 0;
  for (auto _ : state) {
    auto result = keel::optimize_tail_risk(p, options);
    if (!result.is_ok() || !result->is_usable()) {
      state.SkipWithError("solve failed");
      return;
    }
    risk = result->risk;
    cuts = result->cuts;
    iterations = result->portfolio.diagnostics.iterations;
    benchmark::DoNotOptimize(result->portfolio.weights.data());
  }
  char label[64];
  std::snprintf(label, sizeof(label), "risk=%.9f", risk);
  state.SetLabel(label);
  state.counters["cuts"] = cuts;
  state.counters["clp_iterations"] = iterations;
}

void BM_MinCvar_CuttingPlane(benchmark::State& state) {
  run(state, keel::TailRiskMeasure::kCvar, keel::CvarAlgorithm::kCuttingPlane);
}
BENCHMARK(BM_MinCvar_CuttingPlane)
    ->Args({1500, 100})
    ->Args({5000, 100})
    ->Args({1500, 20})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_MinCvar_FullLp(benchmark::State& state) {
  run(state, keel::TailRiskMeasure::kCvar, keel::CvarAlgorithm::kFullLp);
}
BENCHMARK(BM_MinCvar_FullLp)->Args({1500, 100})->Unit(benchmark::kMillisecond)->UseRealTime();

// Max-ratio (STARR, mean/CVaR) by the Charnes–Cooper LP with the same cutting planes; target
// within 1.5× of min CVaR on the same matrix (issue 21).
void BM_MaxRatioCvar_CuttingPlane(benchmark::State& state) {
  run(state, keel::TailRiskMeasure::kCvar, keel::CvarAlgorithm::kCuttingPlane,
      keel::TailRiskObjective::kMaxRatio);
}
BENCHMARK(BM_MaxRatioCvar_CuttingPlane)
    ->Args({1500, 100})
    ->Args({5000, 100})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_MaxRatioCvar_FullLp(benchmark::State& state) {
  run(state, keel::TailRiskMeasure::kCvar, keel::CvarAlgorithm::kFullLp,
      keel::TailRiskObjective::kMaxRatio);
}
BENCHMARK(BM_MaxRatioCvar_FullLp)->Args({1500, 100})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MinCdar(benchmark::State& state) {
  run(state, keel::TailRiskMeasure::kCdar, keel::CvarAlgorithm::kFullLp);
}
BENCHMARK(BM_MinCdar)->Args({1500, 100})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MinMad(benchmark::State& state) {
  run(state, keel::TailRiskMeasure::kMad, keel::CvarAlgorithm::kFullLp);
}
BENCHMARK(BM_MinMad)->Args({1500, 100})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Minimax(benchmark::State& state) {
  run(state, keel::TailRiskMeasure::kMinimax, keel::CvarAlgorithm::kFullLp);
}
BENCHMARK(BM_Minimax)->Args({1500, 100})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
