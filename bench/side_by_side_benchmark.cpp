// In-process warm timings for bench/peers/run_side_by_side.py: the same mean-variance calls the
// script times through fresh `keel optimize` processes, repeated inside one process (the "Keel
// warm" column). The script writes, per book, a directory <kind>_<n>_est holding the cov.csv and
// mu.csv that `keel estimate --format csv` produced from the book's prices, and runs
//
//     KEEL_SIDE_BY_SIDE_DIR=<workdir> side_by_side_benchmark --benchmark_format=json
//
// Each book registers two benchmarks, <kind>/<n>/min-variance and <kind>/<n>/max-sharpe (risk-free
// 0.02; books whose kind is "capped" get a 5% cap on every weight, as on the command line).
// Without KEEL_SIDE_BY_SIDE_DIR nothing is registered.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "keel/data/labeled_csv.hpp"
#include "keel/optimize/mean_variance.hpp"

namespace {

void run(benchmark::State& state, const keel::MeanVarianceProblem& problem,
         keel::MeanVarianceObjective objective) {
  const keel::MeanVarianceOptions options{.objective = objective, .risk_free_rate = 0.02};
  for (auto _ : state) {
    auto result = keel::optimize_mean_variance(problem, options);
    if (!result.is_ok() || !result->is_usable()) {
      state.SkipWithError("mean-variance solve failed");
      return;
    }
    benchmark::DoNotOptimize(result->weights.data());
  }
}

bool register_books() {
  const char* dir = std::getenv("KEEL_SIDE_BY_SIDE_DIR");
  if (dir == nullptr) return false;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.size() < 5 || name.substr(name.size() - 4) != "_est") {
      continue;
    }
    auto cov = keel::read_labeled_matrix((entry.path() / "cov.csv").string(), true);
    auto mu = keel::read_labeled_vector((entry.path() / "mu.csv").string());
    if (!cov.is_ok() || !mu.is_ok()) continue;
    keel::MeanVarianceProblem problem;
    problem.assets = cov->labels;
    problem.covariance = cov->values;
    auto aligned = keel::align_to(*mu, problem.assets, false, "mu");
    if (!aligned.is_ok()) continue;
    problem.expected_returns = *aligned;
    if (name.rfind("capped_", 0) == 0) problem.constraints.upper_bound = 0.05;
    const std::string book = name.substr(0, name.size() - 4);  // <kind>_<n>
    for (const auto& [model, objective] :
         {std::pair{"min-variance", keel::MeanVarianceObjective::kMinVariance},
          std::pair{"max-sharpe", keel::MeanVarianceObjective::kMaxSharpe}}) {
      benchmark::RegisterBenchmark((book + "/" + model).c_str(), [problem, objective](
                                                                     benchmark::State& state) {
        run(state, problem, objective);
      })->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}

[[maybe_unused]] const bool registered = register_books();

}  // namespace
