// Covariance estimators on a 2000 × 500 (and 1500 × 500, the scikit-learn peer's shape) matrix of
// returns, next to the bare Eigen GEMM Xᵀ X on the centred matrix. The spectrum diagnostics (one
// O(N³) eigen decomposition) are off here, as scikit-learn computes none; BM_LedoitWolfSpectrum
// shows their cost. Peer: bench/peers/sklearn_covariance.py.

#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <random>

#include "keel/estimate/covariance.hpp"

namespace {

Eigen::MatrixXd returns(int t, int n) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 0.02);
  Eigen::MatrixXd x(t, n);
  Eigen::VectorXd market(t);
  for (int r = 0; r < t; ++r) market(r) = normal(rng);
  for (int j = 0; j < n; ++j) {
    for (int r = 0; r < t; ++r) x(r, j) = 0.8 * market(r) + normal(rng);
  }
  return x;
}

void BM_EigenGemmCentred(benchmark::State& state) {
  const Eigen::MatrixXd x =
      returns(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  Eigen::MatrixXd s(x.cols(), x.cols());
  for (auto _ : state) {
    const Eigen::RowVectorXd mean = x.colwise().mean();
    const Eigen::MatrixXd xc = x.rowwise() - mean;
    s.noalias() = xc.transpose() * xc;
    s /= static_cast<double>(x.rows() - 1);
    benchmark::DoNotOptimize(s.data());
  }
}

void run_method(benchmark::State& state, keel::CovarianceMethod method, bool spectrum,
                int threads = 1) {
  const Eigen::MatrixXd x =
      returns(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  keel::CovarianceOptions options{
      .method = method, .threads = threads, .compute_spectrum = spectrum};
  for (auto _ : state) {
    auto est = keel::estimate_covariance(x, options);
    if (!est.is_ok()) state.SkipWithError(est.status().message().c_str());
    benchmark::DoNotOptimize(est);
  }
}

void BM_SampleCovariance(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kSample, false);
}
void BM_LedoitWolf(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kLedoitWolf, false);
}
void BM_Oas(benchmark::State& s) { run_method(s, keel::CovarianceMethod::kOas, false); }
// The same on both cores of the machine (CovarianceOptions::threads = 2): wall time is the figure.
void BM_SampleCovarianceTwoThreads(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kSample, false, 2);
}
void BM_LedoitWolfTwoThreads(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kLedoitWolf, false, 2);
}
void BM_OasTwoThreads(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kOas, false, 2);
}
void BM_LedoitWolfConstantCorrelation(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kLedoitWolfConstantCorrelation, false);
}
void BM_LedoitWolfSingleFactor(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kLedoitWolfSingleFactor, false);
}
void BM_NonlinearShrinkage(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kNonlinearShrinkage, false);
}
void BM_LedoitWolfSpectrum(benchmark::State& s) {
  run_method(s, keel::CovarianceMethod::kLedoitWolf, true);
}

#define KEEL_SHAPES Args({2000, 500})->Args({1500, 500})->Unit(benchmark::kMillisecond)
BENCHMARK(BM_EigenGemmCentred)->KEEL_SHAPES;
BENCHMARK(BM_SampleCovariance)->KEEL_SHAPES;
BENCHMARK(BM_LedoitWolf)->KEEL_SHAPES;
BENCHMARK(BM_Oas)->KEEL_SHAPES;
BENCHMARK(BM_SampleCovarianceTwoThreads)->KEEL_SHAPES->UseRealTime();
BENCHMARK(BM_LedoitWolfTwoThreads)->KEEL_SHAPES->UseRealTime();
BENCHMARK(BM_OasTwoThreads)->KEEL_SHAPES->UseRealTime();
BENCHMARK(BM_LedoitWolfConstantCorrelation)->KEEL_SHAPES;
BENCHMARK(BM_LedoitWolfSingleFactor)->KEEL_SHAPES;
BENCHMARK(BM_NonlinearShrinkage)->KEEL_SHAPES;
BENCHMARK(BM_LedoitWolfSpectrum)->Args({2000, 500})->Unit(benchmark::kMillisecond);

}  // namespace
