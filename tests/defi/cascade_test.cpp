// Liquidation cascades (keel/defi/cascade.hpp): a zero shock liquidates nothing, prices fall
// monotonically to a fixed point, a single borrower reproduces Aave v3's arithmetic (demeter's
// outcomes, lending_test.cpp), the constant-product price after a sale, the toxic-liquidation
// threshold LT (1 + b), user perps and loans, and the wipe-out shock found by bisection against
// its closed form.
#include "keel/defi/cascade.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace keel {
namespace {

LoanPosition demeter_loan() {
  LoanPosition loan;
  loan.collateral.push_back(
      {.asset = "WETH", .amount = 10.0, .liquidation_threshold = 0.825, .liquidation_bonus = 0.05});
  loan.debt.push_back({.asset = "USDC", .amount = 7500.0});
  return loan;
}

MarketBorrower demeter_borrower() {
  return {.collateral = 10.0,
          .debt = 7500.0,
          .liquidation_threshold = 0.825,
          .liquidation_bonus = 0.05,
          .count = 1.0};
}

CascadeOptions options(double shock, double reserve) {
  CascadeOptions o;
  o.asset = "WETH";
  o.shock = shock;
  o.impact.model = ImpactModel::kConstantProduct;
  o.impact.pool_reserve = reserve;
  return o;
}

struct Fixture {
  Book book;
  BoundBook bound;
  std::vector<double> prices{1000.0, 1.0};
  explicit Fixture(std::vector<BookPosition> positions = {}) {
    book.positions = std::move(positions);
    bound = *bind_book(book, {"WETH", "USDC"});
  }
};

TEST(Cascade, ZeroShockLiquidatesNothing) {
  PerpPosition perp{
      .underlying = "WETH", .contracts = 5.0, .entry_price = 1000.0, .margin = 1000.0};
  Fixture f({{.name = "loan", .line = 0, .spec = demeter_loan()},
             {.name = "perp", .line = 0, .spec = perp}});
  const auto market = *synthesize_borrowers({.borrowers = 2000}, 1000.0);
  const auto r = run_cascade(f.bound, f.prices, 0, market, options(0.0, 1e5));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->rounds.size(), 1u);
  EXPECT_EQ(r->rounds[0].liquidations, 0);
  EXPECT_TRUE(r->converged);
  EXPECT_EQ(r->final_price, 1000.0);
  EXPECT_EQ(r->user_loss, 0.0);
  EXPECT_EQ(r->protocol_bad_debt, 0.0);
  EXPECT_EQ(r->market_borrowers_liquidated, 0.0);
  for (const auto& p : r->positions) EXPECT_FALSE(p.liquidated);
}

TEST(Cascade, RoundsConvergeMonotonically) {
  Fixture f({{.name = "loan", .line = 0, .spec = demeter_loan()}});
  const auto market =
      *synthesize_borrowers({.borrowers = 5000, .total_collateral_value = 5e8}, 1000.0);
  // A pool of 200,000 WETH ($400m of depth at 1000): the seized collateral moves the price.
  const auto r = run_cascade(f.bound, f.prices, 0, market, options(0.15, 2e5));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r->converged);
  ASSERT_GE(r->rounds.size(), 3u);  // the sales liquidate more than the shock alone
  EXPECT_EQ(r->rounds[0].price, 850.0);
  for (std::size_t k = 1; k < r->rounds.size(); ++k) {
    EXPECT_LE(r->rounds[k].price, r->rounds[k - 1].price) << "round " << k + 1;
  }
  EXPECT_LT(r->final_price, 850.0);
  EXPECT_EQ(r->rounds.back().liquidations, 0);
  // The final price is the pool's after every coin sold (x y = k, sold into the pool at 850).
  const double x = 2e5, y = 2e5 * 850.0;
  const double x_after = x + r->total_sold;
  EXPECT_NEAR(r->final_price, (x * y / x_after) / x_after, 1e-9 * r->final_price);
  // The coins sold include everything seized from the market.
  EXPECT_GT(r->market_collateral_seized, 0.0);
  EXPECT_LE(r->market_collateral_seized, r->total_sold + 1e-9);
  // More depth, less cascade.
  const auto deep = run_cascade(f.bound, f.prices, 0, market, options(0.15, 2e7));
  ASSERT_TRUE(deep.is_ok());
  EXPECT_GT(deep->final_price, r->final_price);
}

// One borrower of the market, no price impact (a pool of 10^15 coins): demeter's outcomes
// (tests/aave_liquidate_test.py) through the cascade: WETH 1000 → 900 repays half the debt and
// seizes 4.375 WETH; → 800 repays it all (0.15625 WETH left); → 500 seizes all 10 WETH and leaves
// 7500 − 5000 / 1.05 of bad debt.
TEST(Cascade, SingleBorrowerReproducesAaveArithmetic) {
  Fixture f;
  const std::vector<MarketBorrower> market{demeter_borrower()};
  const auto half = run_cascade(f.bound, f.prices, 0, market, options(0.1, 1e15));
  ASSERT_TRUE(half.is_ok()) << half.status().message();
  EXPECT_NEAR(half->market_collateral_seized, 4.375, 1e-9);
  EXPECT_EQ(half->market_bad_debt, 0.0);
  EXPECT_EQ(half->market_borrowers_liquidated, 1.0);
  const auto all = run_cascade(f.bound, f.prices, 0, market, options(0.2, 1e15));
  ASSERT_TRUE(all.is_ok());
  EXPECT_NEAR(all->market_collateral_seized, 10.0 - 0.15625, 1e-9);
  EXPECT_EQ(all->market_bad_debt, 0.0);
  const auto larger = run_cascade(f.bound, f.prices, 0, market, options(0.5, 1e15));
  ASSERT_TRUE(larger.is_ok());
  EXPECT_NEAR(larger->market_collateral_seized, 10.0, 1e-12);
  EXPECT_NEAR(larger->market_bad_debt, 7500.0 - 5000.0 / 1.05, 1e-9);
  EXPECT_NEAR(larger->protocol_bad_debt, larger->market_bad_debt, 1e-12);
}

// The sale of the seized 4.375 WETH into a pool of R WETH at 900 moves the price to
// 900 R² / (R + 4.375)² — by the invariant: x = R, y = 900 R, x' = R + 4.375, y' = x y / x'.
TEST(Cascade, ConstantProductPriceAfterTheSale) {
  Fixture f;
  const std::vector<MarketBorrower> market{demeter_borrower()};
  const double reserve = 1000.0;
  const auto r = run_cascade(f.bound, f.prices, 0, market, options(0.1, reserve));
  ASSERT_TRUE(r.is_ok());
  ASSERT_GE(r->rounds.size(), 2u);
  const double x1 = reserve + 4.375;
  const double y1 = reserve * (reserve * 900.0) / x1;
  EXPECT_NEAR(r->rounds[1].price, y1 / x1, 1e-9);
  EXPECT_NEAR(r->rounds[0].market_sold, 4.375, 1e-12);
  // Power law: P0 (1 − η (Q / ADV)^δ), Q = 4.375, ADV 100, η 0.5, δ 0.5.
  CascadeOptions pl = options(0.1, 1.0);
  pl.impact = {.model = ImpactModel::kPowerLaw, .adv = 100.0, .coefficient = 0.5, .exponent = 0.5};
  const auto p = run_cascade(f.bound, f.prices, 0, market, pl);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_NEAR(p->rounds[1].price, 900.0 * (1.0 - 0.5 * std::sqrt(4.375 / 100.0)), 1e-9);
}

// Warmuz, Chaudhary, Pinna (2022): below HF = LT (1 + b) liquidations lower the health factor
// and the collateral runs out before the debt: a borrower gapped to just below that level ends in
// bad debt, one just above ends with its debt repaid and collateral left.
TEST(Cascade, ToxicLiquidationThreshold) {
  Fixture f;
  const double toxic = 0.825 * 1.05;
  // HF at the shocked price = 8.25 P / 7500 → the shock that puts it at toxic × factor.
  for (const double factor : {1.001, 0.999}) {
    const double price = toxic * factor * 7500.0 / 8.25;
    const std::vector<MarketBorrower> market{demeter_borrower()};
    const auto r = run_cascade(f.bound, f.prices, 0, market, options(1.0 - price / 1000.0, 1e15));
    ASSERT_TRUE(r.is_ok());
    if (factor > 1.0) {
      EXPECT_EQ(r->market_bad_debt, 0.0);
      EXPECT_LT(r->market_collateral_seized, 10.0);
    } else {
      EXPECT_GT(r->market_bad_debt, 0.0);
      EXPECT_NEAR(r->market_collateral_seized, 10.0, 1e-12);
    }
  }
}

TEST(Cascade, UserPerpIsClosedAndSold) {
  // Long 5 WETH linear at 1000 with 1000 of margin, maintenance 0.5%: liquidation price
  // (M − Q E) / (Q m − Q) = (1000 − 5000) / (0.025 − 5) = 804.02.
  PerpPosition perp{
      .underlying = "WETH", .contracts = 5.0, .entry_price = 1000.0, .margin = 1000.0};
  Fixture f({{.name = "perp", .line = 0, .spec = perp},
             {.name = "cash-like", .line = 0, .spec = SpotPosition{"USDC", 100.0}}});
  const auto calm = run_cascade(f.bound, f.prices, 0, {}, options(0.19, 1e4));
  ASSERT_TRUE(calm.is_ok());
  EXPECT_FALSE(calm->positions[0].liquidated);
  EXPECT_NEAR(calm->positions[0].loss, 5.0 * 190.0, 1e-9);
  const auto hit = run_cascade(f.bound, f.prices, 0, {}, options(0.2, 1e4));
  ASSERT_TRUE(hit.is_ok());
  EXPECT_TRUE(hit->positions[0].liquidated);
  EXPECT_NEAR(hit->positions[0].loss, 1000.0, 1e-9);  // the margin
  EXPECT_NEAR(hit->total_sold, 5.0, 1e-12);
  EXPECT_NEAR(hit->final_price, 800.0 * std::pow(1e4 / (1e4 + 5.0), 2), 1e-9);
  EXPECT_NEAR(hit->positions[1].loss, 0.0, 1e-12);
  EXPECT_NEAR(hit->user_loss, 1000.0, 1e-9);
}

// The demeter loan alone, no impact: after a gap to P the loan is worth 0 exactly when P ≤ 787.5
// (HF = 0.866 = LT (1 + b) ≤ 0.95: the whole debt is due and 10 P ≤ 7500 × 1.05), so the
// wipe-out shock is 1 − 0.7875 = 0.2125.
TEST(Cascade, WipeoutShockByBisection) {
  Fixture f({{.name = "loan", .line = 0, .spec = demeter_loan()}});
  CascadeOptions o = options(0.1, 1e15);
  o.shock_tolerance = 1e-6;
  const auto r = run_cascade_with_wipeout(f.bound, f.prices, 0, {}, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_NEAR(r->wipeout_shock, 0.2125, 2e-6);
  // The shock itself: half the debt repaid at 900, loss 1187.5 (lending_test.cpp).
  EXPECT_NEAR(r->user_loss, 1187.5, 1e-9);
  EXPECT_TRUE(r->positions[0].liquidated);
  // A spot holding is never wiped out by a fall of at most 99%.
  Fixture spot({{.name = "eth", .line = 0, .spec = SpotPosition{"WETH", 1.0}}});
  const auto s = run_cascade_with_wipeout(spot.bound, spot.prices, 0, {}, o);
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE(std::isnan(s->wipeout_shock));
}

TEST(Cascade, BadInput) {
  Fixture f;
  EXPECT_FALSE(run_cascade(f.bound, f.prices, 0, {}, options(1.0, 1e4)).is_ok());
  EXPECT_FALSE(run_cascade(f.bound, f.prices, 0, {}, options(0.1, 0.0)).is_ok());
  CascadeOptions o = options(0.1, 1e4);
  o.asset = "BTC";
  const auto missing = run_cascade(f.bound, f.prices, 0, {}, o);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("BTC"), std::string::npos);
  MarketBorrower b = demeter_borrower();
  b.collateral = 0.0;
  const std::vector<MarketBorrower> bad{b};
  const auto r = run_cascade(f.bound, f.prices, 0, bad, options(0.1, 1e4));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("debt without collateral"), std::string::npos);
  const std::vector<HealthBucket> buckets{{.health_factor = 0.0, .collateral_value = 1.0}};
  EXPECT_FALSE(borrowers_from_histogram(buckets, 1000.0).is_ok());
  const std::vector<HealthBucket> lt{
      {.health_factor = 1.2, .collateral_value = 1.0, .liquidation_threshold = 1.0}};
  const auto lt_result = borrowers_from_histogram(lt, 1000.0);
  ASSERT_FALSE(lt_result.is_ok());
  EXPECT_NE(lt_result.status().message().find("liquidation_threshold"), std::string::npos);
}

TEST(Cascade, HistogramAndSynthesis) {
  const std::vector<HealthBucket> buckets{
      {.health_factor = 1.1, .collateral_value = 1e6, .count = 3}};
  const auto b = borrowers_from_histogram(buckets, 2000.0);
  ASSERT_TRUE(b.is_ok());
  EXPECT_DOUBLE_EQ((*b)[0].collateral, 500.0);
  EXPECT_DOUBLE_EQ((*b)[0].debt, 1e6 * 0.825 / 1.1);
  const auto s = synthesize_borrowers({.borrowers = 1000, .total_collateral_value = 1e6}, 2000.0);
  ASSERT_TRUE(s.is_ok());
  double total = 0.0;
  for (const MarketBorrower& m : *s) {
    total += m.collateral * 2000.0;
    EXPECT_GT(m.collateral * 2000.0 * m.liquidation_threshold / m.debt, 1.0);
  }
  EXPECT_NEAR(total, 1e6, 1e-6);
}

}  // namespace
}  // namespace keel
