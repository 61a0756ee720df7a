// Liquidation cascades (#20, keel/defi/cascade.hpp, bench/README.md):
//   BM_Cascade        — 10,000 synthetic borrowers and a 50-position book (25 loans on WETH with
//                       USDC debt, 25 long WETH perpetuals), a 20% shock into a constant-product
//                       pool; the target is convergence in under 50 ms.
//   BM_CascadeWipeout — the same with the wipe-out shock (grid of 99 shocks, then bisection).
#include <benchmark/benchmark.h>

#include "keel/defi/cascade.hpp"

namespace keel {
namespace {

struct Fixture {
  Book book;
  BoundBook bound;
  std::vector<double> prices{2000.0, 1.0};
  std::vector<MarketBorrower> market;
  CascadeOptions options;
  Fixture() {
    for (int i = 0; i < 25; ++i) {
      LoanPosition loan;
      loan.collateral.push_back({.asset = "WETH",
                                 .amount = 10.0 + i,
                                 .liquidation_threshold = 0.825,
                                 .liquidation_bonus = 0.05});
      // Health factors from 1.05 to 2.25.
      const double hf = 1.05 + 0.05 * i;
      loan.debt.push_back({.asset = "USDC", .amount = (10.0 + i) * 2000.0 * 0.825 / hf});
      book.positions.push_back({"loan-" + std::to_string(i), 0, loan});
      PerpPosition perp{.underlying = "WETH",
                        .contracts = 5.0 + i,
                        .entry_price = 2000.0,
                        .margin = (5.0 + i) * 2000.0 / (2.0 + 0.4 * i)};  // 2x to 11.6x
      book.positions.push_back({"perp-" + std::to_string(i), 0, perp});
    }
    bound = *bind_book(book, {"WETH", "USDC"});
    market = *synthesize_borrowers({.borrowers = 10000, .total_collateral_value = 2e9}, 2000.0);
    options.asset = "WETH";
    options.shock = 0.2;
    options.impact = {.model = ImpactModel::kConstantProduct, .pool_reserve = 500000.0};
  }
};

void BM_Cascade(benchmark::State& state) {
  const Fixture f;
  int rounds = 0;
  for (auto _ : state) {
    auto r = run_cascade(f.bound, f.prices, 0, f.market, f.options);
    if (!r || !r->converged) state.SkipWithError("cascade failed");
    rounds = static_cast<int>(r->rounds.size());
    benchmark::DoNotOptimize(r);
  }
  state.counters["rounds"] = rounds;
}
BENCHMARK(BM_Cascade)->Unit(benchmark::kMillisecond);

void BM_CascadeWipeout(benchmark::State& state) {
  const Fixture f;
  for (auto _ : state) {
    auto r = run_cascade_with_wipeout(f.bound, f.prices, 0, f.market, f.options);
    if (!r) state.SkipWithError("cascade failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CascadeWipeout)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel
