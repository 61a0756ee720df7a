// DCC(1,1) two-step estimation and next-period covariance forecast (target: 10 assets × 2000 days
// under 2 s in a release build), plus its pieces: one univariate GARCH(1,1) fit and the Student-t
// copula fit. Data are simulated from a known DCC-GARCH (seeded), so the benchmark needs no files.

#include <benchmark/benchmark.h>

#include <Eigen/Cholesky>

#include "keel/core/random.hpp"
#include "keel/estimate/copula.hpp"
#include "keel/estimate/dcc.hpp"
#include "keel/estimate/garch.hpp"

namespace {

// T × N returns from DCC(a = 0.04, b = 0.94) with GARCH(1,1) margins and a one-factor Q̄.
Eigen::MatrixXd simulate(int periods, int assets, std::uint64_t seed) {
  keel::Random rng(seed);
  Eigen::MatrixXd q_bar = Eigen::MatrixXd::Constant(assets, assets, 0.45);
  q_bar.diagonal().setOnes();
  Eigen::MatrixXd q = q_bar;
  Eigen::VectorXd h = Eigen::VectorXd::Constant(assets, 1e-3);
  Eigen::MatrixXd out(periods, assets);
  Eigen::VectorXd eta(assets);
  for (int t = 0; t < periods; ++t) {
    const Eigen::VectorXd s = q.diagonal().cwiseSqrt().cwiseInverse();
    const Eigen::MatrixXd r = s.asDiagonal() * q * s.asDiagonal();
    const Eigen::MatrixXd l = r.llt().matrixL();
    for (int i = 0; i < assets; ++i) eta[i] = rng.normal();
    const Eigen::VectorXd e = l * eta;
    const Eigen::VectorXd x = h.cwiseSqrt().cwiseProduct(e);
    out.row(t) = x.transpose();
    q = 0.02 * q_bar + 0.04 * e * e.transpose() + 0.94 * q;
    h = (2e-5 + 0.1 * x.array().square() + 0.88 * h.array()).matrix();
  }
  return out;
}

void BM_DccForecast(benchmark::State& state) {
  const auto assets = static_cast<int>(state.range(0));
  const auto periods = static_cast<int>(state.range(1));
  const Eigen::MatrixXd returns = simulate(periods, assets, 42);
  double a = 0.0;
  for (auto _ : state) {
    const keel::Result<keel::DynamicCovariance> fit = keel::forecast_dcc_covariance(returns);
    if (!fit.is_ok() || !fit->is_usable()) {
      state.SkipWithError("DCC fit failed");
      return;
    }
    a = fit->a;
    benchmark::DoNotOptimize(fit->covariance.data());
  }
  state.counters["a"] = a;
}
BENCHMARK(BM_DccForecast)
    ->Args({3, 1000})
    ->Args({10, 2000})
    ->Args({30, 2000})
    ->Unit(benchmark::kMillisecond);

void BM_GarchFit(benchmark::State& state) {
  const Eigen::MatrixXd returns = simulate(static_cast<int>(state.range(0)), 1, 7);
  const keel::GarchOptions options{.distribution = state.range(1) != 0
                                                       ? keel::GarchDistribution::kStudentT
                                                       : keel::GarchDistribution::kNormal};
  for (auto _ : state) {
    const keel::Result<keel::GarchFit> fit = keel::fit_garch(returns.col(0), options);
    benchmark::DoNotOptimize(fit.is_ok());
  }
}
BENCHMARK(BM_GarchFit)->Args({2000, 0})->Args({2000, 1})->Unit(benchmark::kMillisecond);

void BM_StudentTCopulaFit(benchmark::State& state) {
  const Eigen::MatrixXd returns =
      simulate(static_cast<int>(state.range(1)), static_cast<int>(state.range(0)), 9);
  const keel::CopulaOptions options{.family = keel::CopulaFamily::kStudentT};
  for (auto _ : state) {
    const keel::Result<keel::CopulaFit> fit = keel::fit_copula(returns, options);
    benchmark::DoNotOptimize(fit.is_ok());
  }
}
BENCHMARK(BM_StudentTCopulaFit)->Args({10, 2000})->Unit(benchmark::kMillisecond);

}  // namespace
