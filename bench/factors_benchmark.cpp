// Issue #22 performance targets:
//  - exposures of a 120-asset book to 10 factors over 2,500 days with rolling 365-day windows
//    (per-asset OLS with standard errors, the portfolio, rolling betas of all 121 series):
//    < 100 ms;
//  - the factor-model covariance of 1,000 assets on 20 given factors: < 20 ms, against the sample
//    covariance at n = 1,000 and 5,000 (T = 2,500 daily returns... the sample covariance at
//    5,000 assets is timed on 1,000 rows to keep memory modest).
#include <benchmark/benchmark.h>

#include "keel/core/random.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/factor_covariance.hpp"
#include "keel/factors/exposures.hpp"

namespace {

Eigen::MatrixXd normals(keel::Random& rng, Eigen::Index rows, Eigen::Index cols, double scale) {
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = scale * rng.normal();
  }
  return m;
}

// Returns r = f·Bᵀ + ε with K factors.
struct Problem {
  Eigen::MatrixXd returns;
  Eigen::MatrixXd factors;
};

Problem make_problem(Eigen::Index t, Eigen::Index n, Eigen::Index k, std::uint64_t seed) {
  keel::Random rng(seed);
  Problem p;
  p.factors = normals(rng, t, k, 0.02);
  const Eigen::MatrixXd b = normals(rng, n, k, 0.5).array() + 0.3;
  p.returns = p.factors * b.transpose() + normals(rng, t, n, 0.01);
  return p;
}

keel::ReturnSeries series(const Eigen::MatrixXd& v, const char* prefix) {
  keel::ReturnSeries s;
  s.values = v;
  for (Eigen::Index j = 0; j < v.cols(); ++j) s.assets.push_back(prefix + std::to_string(j));
  for (Eigen::Index t = 0; t < v.rows(); ++t) s.timestamps.push_back(86400 * (17000 + t));
  return s;
}

void BM_Exposures120x10Rolling365(benchmark::State& state) {
  const Problem p = make_problem(2500, 120, 10, 22);
  const auto r = series(p.returns, "A");
  const auto f = series(p.factors, "F");
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(120, 1.0 / 120.0);
  keel::ExposureOptions o;
  o.rolling_window = 365;
  for (auto _ : state) {
    auto e = keel::compute_exposures(r, f, w, o);
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_Exposures120x10Rolling365)->Unit(benchmark::kMillisecond);

void BM_RollingBetasOnly120x10(benchmark::State& state) {
  const Problem p = make_problem(2500, 120, 10, 22);
  for (auto _ : state) {
    auto b = keel::rolling_betas(p.factors, p.returns, 365);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_RollingBetasOnly120x10)->Unit(benchmark::kMillisecond);

void BM_FactorCovariance(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::Index t = state.range(1);
  const Problem p = make_problem(t, n, 20, 7);
  for (auto _ : state) {
    auto m = keel::fit_factor_model(p.returns, p.factors);
    Eigen::MatrixXd sigma = m->covariance();
    benchmark::DoNotOptimize(sigma.data());
  }
}
BENCHMARK(BM_FactorCovariance)
    ->Args({1000, 1000})
    ->Args({1000, 2500})
    ->Args({5000, 1000})
    ->Unit(benchmark::kMillisecond);

void BM_SampleCovariance(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::Index t = state.range(1);
  const Problem p = make_problem(t, n, 20, 7);
  keel::CovarianceOptions o;
  o.compute_spectrum = false;
  o.max_assets = 0;
  for (auto _ : state) {
    auto s = keel::estimate_covariance(p.returns, o);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_SampleCovariance)
    ->Args({1000, 1000})
    ->Args({1000, 2500})
    ->Args({5000, 1000})
    ->Unit(benchmark::kMillisecond);

void BM_FactorPcaCovariance1000(benchmark::State& state) {
  const Problem p = make_problem(1000, 1000, 20, 7);
  keel::CovarianceOptions o;
  o.method = keel::CovarianceMethod::kFactorPca;
  o.factor.pca_factors = 20;
  o.compute_spectrum = false;
  for (auto _ : state) {
    auto s = keel::estimate_covariance(p.returns, o);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_FactorPcaCovariance1000)->Unit(benchmark::kMillisecond);

}  // namespace
