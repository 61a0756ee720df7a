// Sweeps (keel/backtest/sweep.hpp): grid order and counts, seeded sampling, thread-count
// invariance of run_sweep, and the PSR / DSR against scipy (tests/data/sweep/make_fixtures.py).
#include "keel/backtest/sweep.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "keel/core/random.hpp"
#include "support/fixtures.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

SweepSpec three_axes() {
  SweepSpec spec;
  spec.axes = {{"model", {std::string("a"), std::string("b")}},
               {"window", {std::int64_t{10}, std::int64_t{20}, std::int64_t{30}}},
               {"max_weight", {0.25, 0.5}}};
  return spec;
}

std::string point_text(const SweepPoint& p) {
  std::string s;
  for (const auto& [name, value] : p.values) s += name + "=" + sweep_value_text(value) + ";";
  return s;
}

TEST(Sweep, GridIsTheProductWithTheFirstAxisSlowest) {
  auto points = expand_sweep(three_axes());
  ASSERT_TRUE(points) << points.status().message();
  ASSERT_EQ(points->size(), 12u);
  // Nested loops written independently: model outermost, max_weight innermost.
  std::size_t k = 0;
  for (const char* model : {"a", "b"}) {
    for (int window : {10, 20, 30}) {
      for (const char* w : {"0.25", "0.5"}) {
        const auto& p = (*points)[k];
        EXPECT_EQ(p.index, k);
        EXPECT_EQ(point_text(p), std::string("model=") + model + ";window=" +
                                     std::to_string(window) + ";max_weight=" + w + ";");
        ++k;
      }
    }
  }
}

TEST(Sweep, SampleIsDistinctSeededAndInGridOrder) {
  SweepSpec spec = three_axes();
  spec.mode = SweepMode::kSample;
  spec.sample = 5;
  spec.seed = 11;
  auto a = expand_sweep(spec);
  auto b = expand_sweep(spec);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->size(), 5u);
  auto grid = expand_sweep(three_axes());
  std::vector<std::string> grid_text;
  for (const auto& p : *grid) grid_text.push_back(point_text(p));
  std::set<std::string> seen;
  std::size_t last = 0;
  for (std::size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ(point_text((*a)[i]), point_text((*b)[i]));  // same seed, same points
    const auto at = std::find(grid_text.begin(), grid_text.end(), point_text((*a)[i]));
    ASSERT_NE(at, grid_text.end());
    const auto g = static_cast<std::size_t>(at - grid_text.begin());
    if (i > 0) {
      EXPECT_GT(g, last);  // grid order, hence distinct
    }
    last = g;
    seen.insert(point_text((*a)[i]));
  }
  EXPECT_EQ(seen.size(), 5u);
  spec.seed = 12;
  auto c = expand_sweep(spec);
  ASSERT_TRUE(c);
  bool differs = false;
  for (std::size_t i = 0; i < 5; ++i) differs |= point_text((*a)[i]) != point_text((*c)[i]);
  EXPECT_TRUE(differs) << "another seed should draw other points";
  // The whole grid as a sample is the grid.
  spec.sample = 12;
  auto all = expand_sweep(spec);
  ASSERT_TRUE(all);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(point_text((*all)[i]), grid_text[i]);
  spec.sample = 13;
  EXPECT_FALSE(expand_sweep(spec));
}

TEST(Sweep, SampleOfAHugeGridDoesNotExpandIt) {
  SweepSpec spec;
  spec.mode = SweepMode::kSample;
  spec.sample = 3;
  spec.seed = 1;
  for (int a = 0; a < 6; ++a) {
    SweepAxis axis{"x" + std::to_string(a), {}};
    for (std::int64_t v = 0; v < 1000; ++v) axis.values.emplace_back(v);
    spec.axes.push_back(axis);
  }
  auto size = sweep_size(spec);
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, 3u);
  auto points = expand_sweep(spec);
  ASSERT_TRUE(points);
  EXPECT_EQ(points->size(), 3u);
  spec.mode = SweepMode::kGrid;
  ASSERT_TRUE(sweep_size(spec));
  EXPECT_EQ(*sweep_size(spec), 1'000'000'000'000'000'000u);
  spec.axes.push_back(spec.axes.front());
  spec.axes.back().name = "x6";
  EXPECT_FALSE(sweep_size(spec)) << "1000^7 overflows 64 bits";
}

TEST(Sweep, EmptyAxisAndDuplicateAxisAreNamed) {
  SweepSpec spec = three_axes();
  spec.axes[1].values.clear();
  auto r = expand_sweep(spec);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("'window'"), std::string::npos);
  spec = three_axes();
  spec.axes[2].name = "model";
  r = expand_sweep(spec);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("twice"), std::string::npos);
}

std::vector<SweepJob> small_jobs(int count) {
  std::vector<SweepJob> jobs;
  const PortfolioModel models[] = {PortfolioModel::kMinVariance, PortfolioModel::kEqualWeight,
                                   PortfolioModel::kMaxSharpe};
  for (int i = 0; i < count; ++i) {
    SweepJob job;
    job.strategy.name = "point-" + std::to_string(i);
    job.strategy.model.model = models[i % 3];
    job.strategy.rebalance = *parse_rebalance_schedule(i % 2 == 0 ? "every:5" : "every:7");
    job.strategy.model.constraints.upper_bound = 0.3 + 0.1 * (i % 4);
    job.options.window = 20 + 5 * (i % 3);
    job.options.periods_per_year = 365;
    jobs.push_back(job);
  }
  return jobs;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(Sweep, ResultsDoNotDependOnTheThreadCount) {
  Random rng(5);
  const PricePanel panel = test::random_walk_panel(rng, 120, 5);
  const auto jobs = small_jobs(7);
  Context one;
  one.set_threads(1);
  Context three;
  three.set_threads(3);
  std::vector<std::size_t> order;
  const auto serial = run_sweep(panel, jobs, {}, one);
  const auto threaded = run_sweep(panel, jobs, {}, three,
                                  [&](const SweepPointResult& r) { order.push_back(r.index); });
  ASSERT_EQ(serial.size(), 7u);
  ASSERT_EQ(threaded.size(), 7u);
  EXPECT_EQ(order.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) {
    ASSERT_TRUE(serial[i].status) << serial[i].status.message();
    EXPECT_EQ(serial[i].index, i);
    EXPECT_EQ(threaded[i].index, i);
    EXPECT_TRUE(same_bits(serial[i].metrics.sharpe, threaded[i].metrics.sharpe)) << i;
    EXPECT_TRUE(same_bits(serial[i].metrics.cagr, threaded[i].metrics.cagr)) << i;
    EXPECT_TRUE(same_bits(serial[i].metrics.turnover_annual, threaded[i].metrics.turnover_annual));
    EXPECT_TRUE(same_bits(serial[i].skewness, threaded[i].skewness)) << i;
  }
  // Each point equals its strategy run alone by run_backtest.
  auto alone = run_backtest(panel, {jobs[4].strategy}, jobs[4].options);
  ASSERT_TRUE(alone);
  EXPECT_TRUE(same_bits(alone->strategies[0].metrics.sharpe, serial[4].metrics.sharpe));
  // Skipped points are not run.
  std::vector<bool> skip(7, false);
  skip[0] = skip[3] = true;
  std::size_t ran = 0;
  const auto partial = run_sweep(panel, jobs, skip, three, [&](const SweepPointResult&) { ++ran; });
  EXPECT_EQ(ran, 5u);
  EXPECT_TRUE(same_bits(partial[5].metrics.sharpe, serial[5].metrics.sharpe));
}

TEST(Sweep, AFailingPointIsRecordedAndTheOthersRun) {
  Random rng(6);
  const PricePanel panel = test::random_walk_panel(rng, 80, 4);
  auto jobs = small_jobs(3);
  jobs[1].options.window = 1;  // invalid: the window needs at least 2 rows
  const auto results = run_sweep(panel, jobs, {});
  EXPECT_TRUE(results[0].status);
  EXPECT_FALSE(results[1].status);
  EXPECT_TRUE(results[2].status);
}

const nlohmann::json& dsr_fixture() {
  static const nlohmann::json j =
      test::read_json_fixture(std::string(KEEL_TEST_DATA_DIR) + "/sweep/deflated_sharpe.json");
  return j;
}

TEST(SweepReference, MomentsPsrAndDsrMatchScipy) {
  const auto& j = dsr_fixture();
  std::vector<SweepPointResult> results;
  for (const auto& trial : test::fixture_cases(j, "trials")) {
    SweepPointResult r;
    r.index = results.size();
    const Eigen::VectorXd returns =
        test::fixture_vector(test::fixture_at(trial, "net_returns"), "net_returns");
    sweep_point_statistics(returns, 252.0, 0.0, r);
    EXPECT_EQ(r.observations, trial["observations"].get<int>());
    EXPECT_NEAR(r.sharpe_per_period, test::fixture_number(trial["sharpe_per_period"]), 1e-12);
    EXPECT_NEAR(r.skewness, test::fixture_number(trial["skewness"]), 1e-10);
    EXPECT_NEAR(r.kurtosis, test::fixture_number(trial["kurtosis"]), 1e-10);
    EXPECT_NEAR(probabilistic_sharpe_ratio(r.sharpe_per_period, 0.0, r.observations, r.skewness,
                                           r.kurtosis),
                test::fixture_number(trial["psr"]), 1e-10);
    results.push_back(r);
  }
  auto dsr = deflated_sharpe(results);
  ASSERT_TRUE(dsr) << dsr.status().message();
  EXPECT_EQ(dsr->best, j["best"].get<std::size_t>());
  EXPECT_EQ(dsr->trials, results.size());
  EXPECT_NEAR(dsr->variance, test::fixture_number(j["variance"]), 1e-14);
  EXPECT_NEAR(dsr->expected_max, test::fixture_number(j["expected_max"]), 1e-10);
  EXPECT_NEAR(dsr->psr, test::fixture_number(j["psr_best"]), 1e-10);
  EXPECT_NEAR(dsr->dsr, test::fixture_number(j["dsr"]), 1e-9);
  EXPECT_LT(dsr->dsr, dsr->psr) << "deflating for 8 trials must lower the PSR";
}

TEST(SweepReference, PaperExample) {
  // Bailey & López de Prado (2014), section "A numerical example": SR₀ ≈ 0.1132 per day and
  // DSR ≈ 0.9004; the fixture's values are scipy's.
  const auto& p = test::fixture_at(dsr_fixture(), "paper_example");
  const double sr0 =
      expected_max_sharpe(test::fixture_number(p["variance"]), p["trials"].get<std::size_t>());
  EXPECT_NEAR(sr0, test::fixture_number(p["expected_max"]), 1e-10);
  EXPECT_NEAR(sr0, 0.1132, 5e-5);
  const double dsr = probabilistic_sharpe_ratio(
      test::fixture_number(p["sharpe_per_period"]), sr0, p["observations"].get<int>(),
      test::fixture_number(p["skewness"]), test::fixture_number(p["kurtosis"]));
  EXPECT_NEAR(dsr, test::fixture_number(p["dsr"]), 1e-9);
  EXPECT_NEAR(dsr, 0.9004, 5e-5);
  EXPECT_EQ(expected_max_sharpe(1.0, 1), 0.0);
}

}  // namespace
}  // namespace keel
