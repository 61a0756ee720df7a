// Risk module benchmarks. The headline pair: historical VaR + CVaR of 1 000 000 scenarios × 100
// assets (scenario_var: P&L product, finiteness check, one nth_element pass) against the bare
// P&L matrix–vector product it contains; the target is a ratio ≤ 2.

#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <random>

#include "keel/risk/contributions.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/var.hpp"
#include "keel/risk/var_backtest.hpp"

namespace {

const Eigen::MatrixXd& scenarios() {
  static const Eigen::MatrixXd s = [] {
    Eigen::MatrixXd m(1'000'000, 100);
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> u(-0.05, 0.05);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(rng);
    return m;
  }();
  return s;
}

const Eigen::VectorXd& weights() {
  static const Eigen::VectorXd w = Eigen::VectorXd::Constant(100, 0.01);
  return w;
}

Eigen::MatrixXd history(Eigen::Index t, Eigen::Index n) {
  std::mt19937_64 rng(2);
  std::student_t_distribution<double> heavy(4.0);
  Eigen::MatrixXd r(t, n);
  for (Eigen::Index i = 0; i < r.size(); ++i) r.data()[i] = 0.02 * heavy(rng);
  return r;
}

void BM_PortfolioPnl_1Mx100(benchmark::State& state) {
  const auto& s = scenarios();
  Eigen::VectorXd pnl(s.rows());
  for (auto _ : state) {
    pnl.noalias() = s * weights();
    benchmark::DoNotOptimize(pnl.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_PortfolioPnl_1Mx100)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScenarioVarCvar_1Mx100(benchmark::State& state) {
  const auto& s = scenarios();
  const keel::VarOptions o{.method = keel::VarMethod::kMonteCarlo, .confidence = 0.95};
  for (auto _ : state) {
    auto v = keel::scenario_var(s, weights(), o);
    benchmark::DoNotOptimize(v->es);
  }
}
BENCHMARK(BM_ScenarioVarCvar_1Mx100)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EmpiricalTail_1M(benchmark::State& state) {
  const Eigen::VectorXd pnl = scenarios() * weights();
  Eigen::VectorXd work(pnl.size());
  for (auto _ : state) {
    work = pnl;
    benchmark::DoNotOptimize(keel::empirical_tail(work, 0.99).es);
  }
}
BENCHMARK(BM_EmpiricalTail_1M)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CornishFisherVar_Series(benchmark::State& state) {
  const Eigen::VectorXd r = history(state.range(0), 1).col(0);
  for (auto _ : state) {
    auto v = keel::value_at_risk(r, {.method = keel::VarMethod::kCornishFisher});
    benchmark::DoNotOptimize(v->es);
  }
}
BENCHMARK(BM_CornishFisherVar_Series)->Arg(3650)->Arg(87600)->Unit(benchmark::kMicrosecond);

void BM_Drawdowns_Series(benchmark::State& state) {
  const Eigen::VectorXd r = history(state.range(0), 1).col(0) * 0.5;
  for (auto _ : state) {
    auto d = keel::drawdowns(r, {});
    benchmark::DoNotOptimize(d->cdar);
  }
}
BENCHMARK(BM_Drawdowns_Series)->Arg(3650)->Arg(87600)->Unit(benchmark::kMicrosecond);

void BM_KupiecHistorical_10y_Window365(benchmark::State& state) {
  const Eigen::VectorXd r = history(3650, 1).col(0);
  for (auto _ : state) {
    auto b = keel::backtest_var(r, {.window = 365, .var = {.confidence = 0.99}});
    benchmark::DoNotOptimize(b->kupiec.p_value);
  }
}
BENCHMARK(BM_KupiecHistorical_10y_Window365)->Unit(benchmark::kMillisecond);

void BM_ModifiedEsContributions(benchmark::State& state) {
  const Eigen::MatrixXd r = history(1825, state.range(0));
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(r.cols(), 1.0 / r.cols());
  for (auto _ : state) {
    auto c = keel::risk_contributions(r, w, {.measure = keel::ContributionMeasure::kModifiedEs});
    benchmark::DoNotOptimize(c->total);
  }
}
BENCHMARK(BM_ModifiedEsContributions)->Arg(20)->Arg(500)->Unit(benchmark::kMicrosecond);

}  // namespace
