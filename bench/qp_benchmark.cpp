// QP solver timings: long-only minimum variance (budget, 0 ≤ w ≤ 1) from the sample covariance
// of T = 1500 seeded factor-model returns, n = 100 and 500, by each algorithm; and 250 related
// solves (rolling 500-period windows, n = 100) cold versus warm-started from the previous answer.
// bench/peers/cvxopt_qp.py times cvxopt on problems generated the same way (same model, its own
// seed: compare ratios, not weights).

#include <benchmark/benchmark.h>

#include <random>

#include "keel/optimize/qp.hpp"

namespace {

Eigen::MatrixXd factor_returns(int periods, int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int k = 5;
  Eigen::MatrixXd loadings(n, k);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) loadings(i, j) = normal(rng);
  }
  Eigen::MatrixXd r(periods, n);
  for (int t = 0; t < periods; ++t) {
    Eigen::VectorXd f(k);
    for (int j = 0; j < k; ++j) f[j] = 0.02 * normal(rng);
    for (int i = 0; i < n; ++i) r(t, i) = loadings.row(i).dot(f) + 0.01 * normal(rng);
  }
  return r;
}

Eigen::MatrixXd sample_covariance(const Eigen::MatrixXd& r) {
  const Eigen::MatrixXd centred = r.rowwise() - r.colwise().mean();
  return centred.transpose() * centred / (r.rows() - 1.0);
}

keel::QpProblem min_variance(const Eigen::MatrixXd& sigma) {
  const Eigen::Index n = sigma.rows();
  keel::QpProblem p;
  p.P = sigma;
  p.q = Eigen::VectorXd::Zero(n);
  p.A = Eigen::MatrixXd::Ones(1, n);
  p.b = Eigen::VectorXd::Ones(1);
  p.G = Eigen::MatrixXd(0, n);
  p.h = Eigen::VectorXd(0);
  p.lower = Eigen::VectorXd::Zero(n);
  p.upper = Eigen::VectorXd::Ones(n);
  return p;
}

void BM_LongOnlyMinVariance(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto algorithm = static_cast<keel::QpAlgorithm>(state.range(1));
  const keel::QpProblem p = min_variance(sample_covariance(factor_returns(1500, n, 42)));
  keel::QpSolution s;
  for (auto _ : state) {
    s = keel::solve_qp(p, {.algorithm = algorithm});
    benchmark::DoNotOptimize(s.x.data());
  }
  if (s.status != keel::SolveStatus::kOptimal) state.SkipWithError("not optimal");
  state.counters["iterations"] = s.iterations;
  state.counters["nonzero"] = static_cast<double>((s.x.array() > 1e-9).count());
}
BENCHMARK(BM_LongOnlyMinVariance)
    ->ArgsProduct({{100, 500},
                   {static_cast<int>(keel::QpAlgorithm::kActiveSet),
                    static_cast<int>(keel::QpAlgorithm::kInteriorPoint)}})
    ->Unit(benchmark::kMillisecond);

// The interior point with and without its active-set polish (QpOptions::polish) on the same
// problems: the polish's cost is the difference.
void BM_InteriorPointPolish(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool polish = state.range(1) != 0;
  const keel::QpProblem p = min_variance(sample_covariance(factor_returns(1500, n, 42)));
  keel::QpSolution s;
  for (auto _ : state) {
    s = keel::solve_qp(p, {.algorithm = keel::QpAlgorithm::kInteriorPoint, .polish = polish});
    benchmark::DoNotOptimize(s.x.data());
  }
  if (s.status != keel::SolveStatus::kOptimal) state.SkipWithError("not optimal");
  state.counters["iterations"] = s.iterations;
  state.counters["polished"] = s.solver == "interior-point+polish" ? 1 : 0;
}
BENCHMARK(BM_InteriorPointPolish)->ArgsProduct({{100, 500}, {0, 1}})->Unit(benchmark::kMillisecond);

// 250 rolling windows of 500 periods (step 4) over 1500 periods, n = 100.
void BM_RollingMinVariance(benchmark::State& state) {
  const bool warm = state.range(0) != 0;
  const int n = 100;
  const Eigen::MatrixXd r = factor_returns(1500, n, 7);
  std::vector<keel::QpProblem> problems;
  for (int k = 0; k < 250; ++k)
    problems.push_back(min_variance(sample_covariance(r.middleRows(4 * k, 500))));
  int changes = 0;
  for (auto _ : state) {
    keel::QpOptions options{.algorithm = keel::QpAlgorithm::kActiveSet};
    changes = 0;
    for (const auto& p : problems) {
      const keel::QpSolution s = keel::solve_qp(p, options);
      changes += s.iterations;
      if (warm) {
        options.warm_x = s.x;
        options.warm_active_lower = s.active_lower;
        options.warm_active_upper = s.active_upper;
      }
    }
  }
  state.counters["changes_per_solve"] = changes / 250.0;
}
BENCHMARK(BM_RollingMinVariance)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
