// Scenario revaluation of a book beyond spot and the hedge LP (#19, bench/README.md):
//   BM_RevalueBook  — a 50-position book (10 spot, 10 Uniswap v3 ranges, 10 perpetuals linear and
//                     inverse, 20 options linear and inverse) over 100,000 price scenarios; the
//                     target is under 100 ms on one core.
//   BM_RevalueBookReusingResult — the same into a result reused across calls.
//   BM_HedgeCvar    — the CVaR hedge LP over 10,000 scenarios and 40 candidate instruments; the
//                     target is under 1 s.
#include <benchmark/benchmark.h>

#include <cmath>

#include "keel/core/random.hpp"
#include "keel/defi/book.hpp"
#include "keel/defi/revaluation.hpp"
#include "keel/optimize/hedge.hpp"

namespace keel {
namespace {

constexpr Timestamp kNow = 1767225600;  // 2026-01-01

struct BookFixture {
  Book book;
  std::vector<std::string> assets;
  std::vector<double> prices;
};

BookFixture fifty_positions() {
  BookFixture f;
  f.assets = {"USDC"};
  f.prices = {1.0};
  for (int i = 0; i < 10; ++i) {
    f.assets.push_back("T" + std::to_string(i));
    f.prices.push_back(100.0 * (i + 1));
  }
  Book& book = f.book;
  for (int i = 0; i < 10; ++i) {
    const std::string asset = f.assets[static_cast<std::size_t>(i + 1)];
    const double price = f.prices[static_cast<std::size_t>(i + 1)];
    book.positions.push_back({"spot-" + asset, 0, SpotPosition{asset, 1.0 + i}});
    AmmLpPosition lp;
    lp.kind = AmmKind::kConcentrated;
    lp.tokens = {asset, "USDC"};
    lp.price_lower = 0.8 * price;
    lp.price_upper = 1.25 * price;
    lp.liquidity = 1000.0;
    lp.fee_apr = 0.1;
    book.positions.push_back({"lp-" + asset, 0, lp});
    PerpPosition perp;
    perp.underlying = asset;
    perp.settlement = i % 2 == 0 ? Settlement::kLinear : Settlement::kInverse;
    perp.contract_size = perp.settlement == Settlement::kLinear ? 0.1 : 10.0;
    perp.contracts = i % 3 == 0 ? -50.0 : 40.0;
    perp.entry_price = 0.95 * price;
    perp.margin = perp.settlement == Settlement::kLinear ? 0.2 * price : 0.5;
    perp.funding_rate = 0.0001;
    book.positions.push_back({"perp-" + asset, 0, perp});
    for (int k = 0; k < 2; ++k) {
      OptionPosition o;
      o.underlying = asset;
      o.type = k == 0 ? OptionType::kCall : OptionType::kPut;
      o.strike = price * (k == 0 ? 1.1 : 0.9);
      o.expiry = kNow + (30 + 30 * k) * kSecondsPerDay;
      o.settlement = k == 0 ? Settlement::kLinear : Settlement::kInverse;
      o.implied_volatility = 0.6;
      o.quantity = k == 0 ? -2.0 : 3.0;
      book.positions.push_back({"option-" + asset + "-" + std::to_string(k), 0, o});
    }
  }
  return f;
}

Eigen::MatrixXd scenario_prices(const std::vector<double>& prices, Eigen::Index scenarios) {
  Random random(17);
  Eigen::MatrixXd out(scenarios, static_cast<Eigen::Index>(prices.size()));
  for (Eigen::Index s = 0; s < scenarios; ++s) {
    const double market = 0.04 * random.normal();
    out(s, 0) = 1.0;
    for (Eigen::Index j = 1; j < out.cols(); ++j) {
      out(s, j) = prices[static_cast<std::size_t>(j)] * std::exp(market + 0.02 * random.normal());
    }
  }
  return out;
}

void BM_RevalueBook(benchmark::State& state) {
  const BookFixture f = fifty_positions();
  auto bound = bind_book(f.book, f.assets);
  if (!bound) {
    state.SkipWithError(bound.status().message().c_str());
    return;
  }
  auto today = value_book(*bound, f.prices, kNow);
  if (!today) {
    state.SkipWithError(today.status().message().c_str());
    return;
  }
  const Eigen::MatrixXd scenarios = scenario_prices(f.prices, state.range(0));
  for (auto _ : state) {
    auto r =
        revalue_book(*bound, *today, f.prices, scenarios, kNow, {.horizon_years = 1.0 / 365.0});
    benchmark::DoNotOptimize(r);
  }
  state.counters["positions"] = static_cast<double>(f.book.positions.size());
  state.counters["scenarios"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_RevalueBook)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// The same revaluation into a result reused across calls (the overload writing into a
// BookRevaluation): the pricing alone, without the first writes to a fresh S × P matrix.
void BM_RevalueBookReusingResult(benchmark::State& state) {
  const BookFixture f = fifty_positions();
  auto bound = bind_book(f.book, f.assets);
  auto today = bound ? value_book(*bound, f.prices, kNow) : Result<BookValuation>(bound.status());
  if (!today) {
    state.SkipWithError(today.status().message().c_str());
    return;
  }
  const Eigen::MatrixXd scenarios = scenario_prices(f.prices, state.range(0));
  BookRevaluation out;
  for (auto _ : state) {
    const Status status = revalue_book(*bound, *today, f.prices, scenarios, kNow,
                                       {.horizon_years = 1.0 / 365.0}, out);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(out.pnl.data());
  }
}
BENCHMARK(BM_RevalueBookReusingResult)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_HedgeCvar(benchmark::State& state) {
  const Eigen::Index scenarios = state.range(0);
  const Eigen::Index m = state.range(1);
  Random random(5);
  Eigen::VectorXd x(scenarios);
  for (Eigen::Index s = 0; s < scenarios; ++s) x(s) = 0.04 * random.normal();
  HedgeProblem p;
  p.book_pnl = 1e5 * x;
  p.instrument_pnl.resize(scenarios, m);
  for (Eigen::Index j = 0; j < m; ++j) {
    const double strike = -0.1 + 0.2 * static_cast<double>(j) / static_cast<double>(m);
    for (Eigen::Index s = 0; s < scenarios; ++s) {
      p.instrument_pnl(s, j) = j % 2 == 0 ? 100.0 * x(s) + random.normal()
                                          : 100.0 * (std::max(strike - x(s), 0.0) - 0.01);
    }
  }
  p.unit_cost = Eigen::VectorXd::Constant(m, 0.05);
  p.lower = Eigen::VectorXd::Constant(m, -1000.0);
  p.upper = Eigen::VectorXd::Constant(m, 1000.0);
  for (auto _ : state) {
    auto r = optimize_hedge(p, {});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HedgeCvar)->Args({10000, 40})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel
