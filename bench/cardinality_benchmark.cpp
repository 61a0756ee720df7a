// Cardinality-constrained mean-variance on a real crypto book (cardinality.hpp): the
// CoinMarketCap top-120 daily closes, the last 550 days (only 94 assets have a close on each of
// the last 730 days; 103 on each of the last 550), the first 100 assets (by the file's
// market-cap order) with a close on every one of those days; annualised (×365) sample mean and
// covariance of simple returns; long-only, fully invested, at most K = 10 assets held. The
// branch-and-bound must prove a relative gap ≤ 1e-6; the counters report nodes, gap and holdings.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "keel/data/read_prices.hpp"
#include "keel/optimize/mean_variance.hpp"

namespace {

const std::string kCmc =
    std::string(KEEL_SHARED_DATA_DIR) + "/crypto_cmc_top120/prices_close_usd.csv";

// The book, or an empty problem when the shared data is absent.
keel::MeanVarianceProblem crypto_book(int assets, int days) {
  keel::MeanVarianceProblem problem;
  if (!std::filesystem::exists(kCmc)) return problem;
  auto panel = keel::read_prices(kCmc);
  if (!panel) return problem;
  const Eigen::Index rows = panel->rows();
  const Eigen::Index first = rows - days - 1;  // days + 1 closes give `days` returns
  std::vector<Eigen::Index> chosen;
  for (Eigen::Index j = 0; j < panel->cols() && static_cast<int>(chosen.size()) < assets; ++j) {
    if (panel->prices.col(j).tail(days + 1).allFinite()) chosen.push_back(j);
  }
  if (static_cast<int>(chosen.size()) < assets || first < 0) return problem;
  Eigen::MatrixXd returns(days, assets);
  for (int k = 0; k < assets; ++k) {
    const Eigen::VectorXd p = panel->prices.col(chosen[static_cast<std::size_t>(k)]).tail(days + 1);
    returns.col(k) = p.tail(days).cwiseQuotient(p.head(days)).array() - 1.0;
    problem.assets.push_back(
        panel->assets[static_cast<std::size_t>(chosen[static_cast<std::size_t>(k)])]);
  }
  const Eigen::RowVectorXd mean = returns.colwise().mean();
  const Eigen::MatrixXd centred = returns.rowwise() - mean;
  problem.covariance = centred.transpose() * centred / (days - 1.0) * 365.0;
  problem.expected_returns = mean.transpose() * 365.0;
  return problem;
}

void run(benchmark::State& state, keel::MeanVarianceObjective objective, double min_position,
         double max_weight = 1.0) {
  keel::MeanVarianceProblem problem = crypto_book(100, 550);
  if (problem.assets.empty()) {
    state.SkipWithError(("shared data file absent or short: " + kCmc).c_str());
    return;
  }
  problem.constraints.max_assets = static_cast<int>(state.range(0));
  problem.constraints.min_position = min_position;
  problem.constraints.upper_bound = max_weight;
  keel::MeanVarianceOptions options;
  options.objective = objective;
  options.risk_free_rate = 0.02;
  options.cardinality.relative_gap = 1e-6;
  options.cardinality.time_limit_s = 60.0;
  double nodes = 0, gap = 0, holdings = 0, heuristic = 0;
  for (auto _ : state) {
    auto result = keel::optimize_mean_variance(problem, options);
    if (!result.is_ok() || result->status != keel::SolveStatus::kOptimal) {
      state.SkipWithError(result.is_ok() ? result->diagnostics.explanation.c_str()
                                         : result.status().message().c_str());
      return;
    }
    const auto& report = result->details["cardinality"];
    nodes = report["nodes"].get<double>();
    gap = report["gap"].get<double>();
    holdings = report["holdings"].get<double>();
    heuristic = report["heuristic_solves"].get<double>();
    benchmark::DoNotOptimize(result->weights.data());
  }
  state.counters["nodes"] = nodes;
  state.counters["gap"] = gap;
  state.counters["holdings"] = holdings;
  state.counters["heuristic_qps"] = heuristic;
}

void BM_CardinalityMinVarianceCrypto100(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMinVariance, 0.0);
}
void BM_CardinalityMaxSharpeCrypto100(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMaxSharpe, 0.0);
}
void BM_CardinalityMinVarianceMinPositionCrypto100(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMinVariance, 0.05);
}
void BM_CardinalityMaxSharpeMinPositionCrypto100(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMaxSharpe, 0.05);
}

// With every weight capped at 15% the continuous optimum spreads over more than ten assets, so
// the count binds and the tree has to be searched.
void BM_CardinalityMinVarianceCap15Crypto100(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMinVariance, 0.0, 0.15);
}
void BM_CardinalityMaxSharpeCap15Crypto100(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMaxSharpe, 0.0, 0.15);
}
void BM_CardinalityMaxSharpeCap15MinPositionCrypto100(benchmark::State& state) {
  run(state, keel::MeanVarianceObjective::kMaxSharpe, 0.05, 0.15);
}

BENCHMARK(BM_CardinalityMinVarianceCap15Crypto100)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CardinalityMaxSharpeCap15Crypto100)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CardinalityMaxSharpeCap15MinPositionCrypto100)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CardinalityMinVarianceCrypto100)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CardinalityMaxSharpeCrypto100)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CardinalityMinVarianceMinPositionCrypto100)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CardinalityMaxSharpeMinPositionCrypto100)->Arg(10)->Unit(benchmark::kMillisecond);

}  // namespace
