// Exact long-only efficient frontier (budget, 0 ≤ w ≤ 1) by the critical line algorithm, for
// n = 100 and 500 assets, versus the same frontier solved point by point with solve_qp.
//
// Problem (identical in bench/peers/cvxopt_frontier.py, which times cvxopt.solvers.qp on it):
// T = 1500 returns of a 5-factor model, r_ti = Σ_k B_ik f_tk + 0.01 ε_ti with loadings B ~ N(0,1),
// factors f ~ 0.02 N(0,1) and noise ε ~ N(0,1), drawn in the order B (row-major), then for each
// period t: f_t, then ε_t. Normal draws come from SplitMix64 (seed 2024) through Box–Muller, so
// both programs build the same numbers. Σ is the sample covariance (divisor T − 1) and μ the
// sample mean, plus a drift 0.0005 · B_i1 (a priced first factor) so the frontier is not flat.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "keel/optimize/critical_line.hpp"
#include "keel/optimize/frontier.hpp"
#include "keel/optimize/qp.hpp"

namespace {

class SplitMixNormal {
 public:
  explicit SplitMixNormal(std::uint64_t seed) : state_(seed) {}
  double operator()() {
    // Box–Muller on two uniforms in (0, 1); the second variate is discarded for simplicity.
    const double u1 = (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

struct Problem {
  Eigen::VectorXd mu;
  Eigen::MatrixXd sigma;
};

Problem make_problem(int n) {
  const int periods = 1500;
  const int k = 5;
  SplitMixNormal normal(2024);
  Eigen::MatrixXd loadings(n, k);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) loadings(i, j) = normal();
  }
  Eigen::MatrixXd r(periods, n);
  Eigen::VectorXd f(k);
  for (int t = 0; t < periods; ++t) {
    for (int j = 0; j < k; ++j) f[j] = 0.02 * normal();
    for (int i = 0; i < n; ++i) r(t, i) = loadings.row(i).dot(f) + 0.01 * normal();
  }
  Problem p;
  p.mu = r.colwise().mean().transpose() + 0.0005 * loadings.col(0);
  const Eigen::MatrixXd centred = r.rowwise() - r.colwise().mean();
  p.sigma = centred.transpose() * centred / (periods - 1.0);
  return p;
}

// Critical line: all turning points, then 50 points evenly spaced in return.
void BM_CriticalLineFrontier(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Problem p = make_problem(n);
  const Eigen::VectorXd lower = Eigen::VectorXd::Zero(n);
  const Eigen::VectorXd upper = Eigen::VectorXd::Ones(n);
  std::size_t turning_points = 0;
  for (auto _ : state) {
    const keel::Result<keel::EfficientFrontier> f =
        keel::critical_line(p.mu, p.sigma, lower, upper);
    if (!f.is_ok() || !f->is_usable()) {
      state.SkipWithError("critical line failed");
      return;
    }
    const keel::Result<std::vector<keel::FrontierPoint>> points = f->sample(50);
    benchmark::DoNotOptimize(points->back().weights.data());
    turning_points = f->turning_points.size();
  }
  state.counters["turning_points"] = static_cast<double>(turning_points);
}
BENCHMARK(BM_CriticalLineFrontier)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

// The same 50 portfolios by 50 QP solves min ½wᵀΣw − λμᵀw at the λ of the sampled points,
// each warm-started from the previous answer (our own active set).
void BM_QpFrontierPointByPoint(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Problem p = make_problem(n);
  keel::QpProblem qp;
  qp.P = p.sigma;
  qp.A = Eigen::MatrixXd::Ones(1, n);
  qp.b = Eigen::VectorXd::Ones(1);
  qp.G = Eigen::MatrixXd(0, n);
  qp.h = Eigen::VectorXd(0);
  qp.lower = Eigen::VectorXd::Zero(n);
  qp.upper = Eigen::VectorXd::Ones(n);
  const keel::EfficientFrontier f = keel::critical_line(p.mu, p.sigma, qp.lower, qp.upper).value();
  std::vector<double> lambdas;
  for (const keel::FrontierPoint& point : f.sample(50).value()) lambdas.push_back(point.lambda);
  for (auto _ : state) {
    keel::QpOptions options{.algorithm = keel::QpAlgorithm::kActiveSet};
    for (double lambda : lambdas) {
      qp.q = -lambda * p.mu;
      const keel::QpSolution s = keel::solve_qp(qp, options);
      options.warm_x = s.x;
      options.warm_active_lower = s.active_lower;
      options.warm_active_upper = s.active_upper;
    }
  }
}
BENCHMARK(BM_QpFrontierPointByPoint)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

// A 20-point frontier traced by keel::trace_frontier under budget, 0 ≤ w ≤ 1 and one group: the
// ten assets of highest expected return together at most 40% (binding on the upper half of the
// frontier). Includes the min-variance QP, the max-return LP, 19 efficient-return QPs and the
// max-Sharpe QP. Arg 1: warm-started active set (the default); 0: every point cold by the
// interior point.
void BM_TracedFrontierWithGroup(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Problem p = make_problem(n);
  keel::MeanVarianceProblem problem;
  for (int i = 0; i < n; ++i) problem.assets.push_back("A" + std::to_string(i));
  problem.expected_returns = p.mu;
  problem.covariance = p.sigma;
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return p.mu[a] > p.mu[b]; });
  problem.constraints.groups = {
      {"best-ten", std::vector<int>(order.begin(), order.begin() + 10), -keel::kInfinity, 0.4}};
  keel::FrontierOptions options{.points = 20, .warm_start = state.range(1) != 0};
  if (!options.warm_start) options.qp.algorithm = keel::QpAlgorithm::kInteriorPoint;
  int solves = 0;
  for (auto _ : state) {
    const auto f = keel::trace_frontier(problem, options);
    if (!f.is_ok() || !f->is_usable()) {
      state.SkipWithError("trace_frontier failed");
      return;
    }
    benchmark::DoNotOptimize(f->points.back().weights.data());
    solves = f->diagnostics.solves;
  }
  state.counters["solves"] = solves;
}
BENCHMARK(BM_TracedFrontierWithGroup)
    ->Args({100, 1})
    ->Args({100, 0})
    ->Unit(benchmark::kMillisecond);

}  // namespace
