// Risk budgeting (ERC) and hierarchical risk parity timings. The problem generator is a
// deterministic covariance with a dominant market factor and three mixed-sign sector factors, which
// bench/peers/scipy_risk_parity.py and bench/peers/scipy_hrp.py rebuild identically, so ratios
// compare like with like:
//   F_i0 = 0.15 + 0.1 |sin(2 + 5i)|,  F_ij = 0.08 sin(1 + 7i + 3j) (j = 1..3),
//   Σ = F Fᵀ + diag(0.01 + 0.09 frac(0.6180339887 i)).

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "keel/optimize/hierarchical.hpp"
#include "keel/optimize/risk_budgeting.hpp"

namespace {

Eigen::MatrixXd factor_covariance(int n) {
  Eigen::MatrixXd f(n, 4);
  for (int i = 0; i < n; ++i) {
    f(i, 0) = 0.15 + 0.1 * std::abs(std::sin(2.0 + 5.0 * i));  // market factor
    for (int j = 1; j < 4; ++j) f(i, j) = 0.08 * std::sin(1.0 + 7.0 * i + 3.0 * j);
  }
  Eigen::MatrixXd cov = f * f.transpose();
  for (int i = 0; i < n; ++i) {
    double whole = 0.0;
    cov(i, i) += 0.01 + 0.09 * std::modf(0.6180339887 * i, &whole);
  }
  return cov;
}

void run_erc(benchmark::State& state, keel::RiskBudgetingMethod method) {
  const int n = static_cast<int>(state.range(0));
  const Eigen::MatrixXd cov = factor_covariance(n);
  const keel::RiskBudgetingOptions options{.method = method, .tolerance = 1e-10};
  int iterations = 0;
  double deviation = 0.0;
  for (auto _ : state) {
    auto result = keel::risk_budgeting(cov, options);
    if (!result.is_ok() || !result->is_usable()) {
      state.SkipWithError("risk budgeting failed");
      break;
    }
    iterations = result->iterations;
    deviation = result->max_relative_deviation;
    benchmark::DoNotOptimize(result->weights.data());
  }
  state.counters["iterations"] = iterations;
  state.counters["max_rel_dev"] = deviation;
}

void BM_ErcCoordinateDescent(benchmark::State& state) {
  run_erc(state, keel::RiskBudgetingMethod::kCoordinateDescent);
}
void BM_ErcNewton(benchmark::State& state) { run_erc(state, keel::RiskBudgetingMethod::kNewton); }

// Constrained risk budgeting (barrier Newton): every asset ≤ 2/n, the first tenth of the assets
// ≤ 5% together (a binding group) and the last tenth ≥ 15% together (a binding floor).
void BM_ErcBarrierWithGroups(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Eigen::MatrixXd cov = factor_covariance(n);
  keel::RiskBudgetingOptions options{.method = keel::RiskBudgetingMethod::kBarrier,
                                     .upper = Eigen::VectorXd::Constant(n, 2.0 / n),
                                     .tolerance = 1e-10};
  std::vector<int> head, tail;
  for (int i = 0; i < n / 10; ++i) {
    head.push_back(i);
    tail.push_back(n - 1 - i);
  }
  options.groups.push_back({"head", head, -keel::kInfinity, 0.05});
  options.groups.push_back({"tail", tail, 0.15, keel::kInfinity});
  int iterations = 0;
  std::size_t binding = 0;
  for (auto _ : state) {
    auto result = keel::risk_budgeting(cov, options);
    if (!result.is_ok() || result->status != keel::SolveStatus::kOptimal) {
      state.SkipWithError("constrained risk budgeting failed");
      break;
    }
    iterations = result->iterations;
    binding = result->binding_constraints.size() + result->upper_active.size();
    benchmark::DoNotOptimize(result->weights.data());
  }
  state.counters["newton_iterations"] = iterations;
  state.counters["binding"] = static_cast<double>(binding);
}

void run_hrp(benchmark::State& state, keel::ClusterDistance distance) {
  const int n = static_cast<int>(state.range(0));
  const Eigen::MatrixXd cov = factor_covariance(n);
  const keel::HierarchicalOptions options{.linkage = keel::LinkageMethod::kSingle,
                                          .distance = distance};
  for (auto _ : state) {
    auto result = keel::hrp(cov, options);
    if (!result.is_ok()) {
      state.SkipWithError("hrp failed");
      break;
    }
    benchmark::DoNotOptimize(result->weights.data());
  }
}

void BM_HrpCorrelationDistance(benchmark::State& state) {
  run_hrp(state, keel::ClusterDistance::kCorrelation);
}
void BM_HrpEuclideanOfCorrelation(benchmark::State& state) {
  run_hrp(state, keel::ClusterDistance::kEuclideanOfCorrelation);
}

}  // namespace

BENCHMARK(BM_ErcBarrierWithGroups)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ErcCoordinateDescent)->Arg(100)->Arg(500)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ErcNewton)->Arg(100)->Arg(500)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HrpCorrelationDistance)->Arg(100)->Arg(500)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HrpEuclideanOfCorrelation)
    ->Arg(100)
    ->Arg(500)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);
