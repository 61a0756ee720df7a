// Calls that the headers say are safe from several threads, made from several threads at once on
// shared const inputs (issue #24 item 2). Each threaded answer must equal the serial answer bit
// for bit. Under the tsan preset (scripts/run-reliability.sh) ThreadSanitizer also checks that no
// two threads race on the shared inputs, the Context (its const threads()/cancelled()/log()) or
// library state:
// - simulate_market(): "a pure function: no global state, safe to call from several threads"
//   (keel/data/simulator.hpp);
// - estimate_covariance() on one const matrix, each call itself splitting its product over two
//   threads (CovarianceOptions::threads = 2, keel/estimate/covariance.hpp);
// - run_backtest() on one const panel and one const Context from two threads, each running its
//   strategies on two threads (keel/backtest/engine.hpp), plus backtest_to_json().
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <regex>
#include <thread>

#include "keel/backtest/engine.hpp"
#include "keel/data/simulator.hpp"
#include "keel/estimate/covariance.hpp"

namespace keel {
namespace {

// Runs f(i) on `n` threads at once and waits for them.
template <class F>
void on_threads(int n, F f) {
  std::vector<std::thread> pool;
  for (int i = 0; i < n; ++i) pool.emplace_back([&f, i] { f(i); });
  for (auto& t : pool) t.join();
}

// Bitwise equality of two matrices (NaN cells included).
bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

std::string without_solve_times(const std::string& json) {
  static const std::regex timing(R"re("solve_ms":([-0-9.eE+]+|null))re");
  return std::regex_replace(json, timing, "\"solve_ms\":0");
}

SimulatorOptions small_market() {
  SimulatorOptions o;
  o.assets = 6;
  o.periods = 400;
  o.seed = 77;
  return o;
}

TEST(Concurrency, SimulatorOnFourThreadsGivesTheSerialMarket) {
  const auto serial = simulate_market(small_market());
  ASSERT_TRUE(serial.is_ok()) << serial.status().message();
  std::vector<Result<SimulatedMarket>> threaded(4, Status::invalid("not run"));
  on_threads(
      4, [&](int i) { threaded[static_cast<std::size_t>(i)] = simulate_market(small_market()); });
  for (const auto& m : threaded) {
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    EXPECT_EQ(m->panel.assets, serial->panel.assets);
    EXPECT_EQ(m->panel.timestamps, serial->panel.timestamps);
    EXPECT_TRUE(same_bits(m->panel.prices, serial->panel.prices));
    EXPECT_TRUE(same_bits(m->panel.volumes, serial->panel.volumes));
  }
}

TEST(Concurrency, CovarianceOfOneConstMatrixFromThreeThreads) {
  // 2000 × 80 is above gram()'s split threshold, so each call also starts a worker thread.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd x(2000, 80);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = 0.01 * normal(rng);
  const Eigen::MatrixXd& shared = x;
  const CovarianceOptions options{.method = CovarianceMethod::kLedoitWolf, .threads = 2};
  const auto serial = estimate_covariance(shared, options);
  ASSERT_TRUE(serial.is_ok());
  std::vector<Eigen::MatrixXd> out(3);
  on_threads(3, [&](int i) {
    auto r = estimate_covariance(shared, options);
    if (r.is_ok()) out[static_cast<std::size_t>(i)] = r->covariance;
  });
  for (const auto& c : out) EXPECT_TRUE(same_bits(c, serial->covariance));
}

TEST(Concurrency, BacktestsOfOneConstPanelAndContextFromTwoThreads) {
  const auto market = simulate_market(small_market());
  ASSERT_TRUE(market.is_ok());
  const PricePanel& panel = market->panel;
  std::vector<Strategy> strategies;
  for (auto [name, model] : {std::pair{"mv", PortfolioModel::kMinVariance},
                             std::pair{"ew", PortfolioModel::kEqualWeight},
                             std::pair{"rp", PortfolioModel::kRiskParity}}) {
    Strategy s;
    s.name = name;
    s.model.model = model;
    s.rebalance = *parse_rebalance_schedule("every:20");
    strategies.push_back(s);
  }
  BacktestOptions options;
  options.window = 90;
  options.periods_per_year = 365;
  Context context;
  context.set_threads(2);
  const Context& shared = context;
  const auto serial = run_backtest(panel, strategies, options, Context{});
  ASSERT_TRUE(serial.is_ok()) << serial.status().message();
  const std::string expected = backtest_to_json(*serial, true).dump();
  std::vector<std::string> got(2);
  on_threads(2, [&](int i) {
    auto r = run_backtest(panel, strategies, options, shared);
    if (r.is_ok()) got[static_cast<std::size_t>(i)] = backtest_to_json(*r, true).dump();
  });
  // Each rebalance record's solve_ms is wall time (the only such field): blanked in both.
  for (const auto& text : got) {
    ASSERT_FALSE(text.empty());
    EXPECT_TRUE(without_solve_times(text) == without_solve_times(expected));
  }
}

}  // namespace
}  // namespace keel
