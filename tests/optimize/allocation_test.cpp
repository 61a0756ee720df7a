// keel::allocate: the exchange rules hold for every order, the exact method is never further from
// the target than greedy, the money adds up, and impossible budgets get a status, not a silent
// empty list.
#include "keel/optimize/allocation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <random>

namespace keel {
namespace {

// Binance-style rules (tests/data/allocate/README.md, the same pattern as the real-coin file
// there): the quantity step is the power of ten
// that makes one step worth 0.1–1 USDT (capped to [1e-8, 1]), the minimum quantity is one step,
// and the minimum notional is 5 USDT (10 for every seventh pair, the older filter).
TradingRules binance_like(double price, std::size_t i) {
  const double lot = std::clamp(std::pow(10.0, std::floor(std::log10(1.0 / price))), 1e-8, 1.0);
  return {.lot_size = lot, .min_quantity = lot, .min_notional = i % 7 == 0 ? 10.0 : 5.0};
}

// A 100-asset book: prices log-uniform from 1e-5 to 7e4 USDT, a 2–10 bps spread, target weights
// with a long tail (many under 0.1%, the positions no exchange accepts when rounded naively).
AllocationInput crypto_book(std::uint64_t seed, double cash, bool holdings) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const Eigen::Index n = 100;
  AllocationInput in;
  in.target_weights.resize(n);
  in.mid.resize(n);
  in.bid.resize(n);
  in.ask.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    in.assets.push_back("C" + std::to_string(i));
    in.mid[i] = std::pow(10.0, -5.0 + 9.85 * unit(rng));
    const double half_spread = (1.0 + 4.0 * unit(rng)) * 1e-4;
    in.bid[i] = in.mid[i] * (1 - half_spread);
    in.ask[i] = in.mid[i] * (1 + half_spread);
    in.target_weights[i] = std::pow(unit(rng), 4.0);
    in.rules.push_back(binance_like(in.mid[i], static_cast<std::size_t>(i)));
  }
  in.target_weights /= in.target_weights.sum();
  in.cash = cash;
  if (holdings) {
    // Yesterday's book: the target drifted by ±50%, as whole lots.
    in.holdings.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double value = in.target_weights[i] * 20000.0 * (0.5 + unit(rng));
      in.holdings[i] = std::floor(value / in.mid[i] / in.rules[i].lot_size) * in.rules[i].lot_size;
    }
  }
  return in;
}

// Every order re-verified here, from the rules alone.
void expect_orders_meet_rules(const AllocationInput& in, const AllocationOptions& o,
                              const AllocationResult& r) {
  for (const Order& order : r.orders) {
    const TradingRules& rules = in.rules[order.asset];
    const double lots = order.quantity / rules.lot_size;
    EXPECT_NEAR(lots, std::round(lots), 1e-9 * std::max(1.0, lots)) << in.assets[order.asset];
    EXPECT_GE(std::round(lots), 1.0);
    EXPECT_GE(order.quantity, rules.min_quantity * (1 - 1e-12));
    const double price = order.side == OrderSide::kBuy
                             ? in.ask[static_cast<Eigen::Index>(order.asset)]
                             : in.bid[static_cast<Eigen::Index>(order.asset)];
    EXPECT_GE(order.quantity * price,
              std::max(rules.min_notional, o.min_order_notional) * (1 - 1e-12))
        << in.assets[order.asset];
    if (order.side == OrderSide::kSell && in.holdings.size()) {
      EXPECT_LE(order.quantity, in.holdings[static_cast<Eigen::Index>(order.asset)] * (1 + 1e-12));
    }
  }
  EXPECT_GE(r.leftover, o.cash_reserve - 1e-9);
  EXPECT_TRUE(check_allocation(in, o, r).passed());
}

TEST(Allocation, ExactMeetsRulesAndBeatsGreedyOnHundredAssets) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const AllocationInput in = crypto_book(seed, 10000.0, false);
    AllocationOptions exact{.method = AllocationMethod::kExact, .fee_bps = 10.0};
    AllocationOptions greedy = exact;
    greedy.method = AllocationMethod::kGreedy;
    // Processor time of this thread's solve: the machines are shared, wall time is noise.
    const std::clock_t start = std::clock();
    auto e = allocate(in, exact);
    const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    auto g = allocate(in, greedy);

    ASSERT_TRUE(e.is_ok() && g.is_ok());
    ASSERT_TRUE(e->is_usable()) << e->explanation;
    ASSERT_TRUE(g->is_usable()) << g->explanation;
    expect_orders_meet_rules(in, exact, *e);
    expect_orders_meet_rules(in, greedy, *g);
    EXPECT_LE(e->l1_deviation, g->l1_deviation + 1e-12) << "seed " << seed;
    EXPECT_NEAR(e->greedy_l1_deviation, g->l1_deviation, 1e-12);
    EXPECT_LT(seconds, 1.0) << "seed " << seed << ", " << e->nodes << " nodes";
    EXPECT_FALSE(e->orders.empty());
  }
}

TEST(Allocation, RebalanceFromHoldingsMeetsRules) {
  const AllocationInput in = crypto_book(4, 500.0, true);
  for (double reserve : {0.0, 300.0}) {
    AllocationOptions o{.cash_reserve = reserve, .fee_bps = 7.5, .min_order_notional = 20.0};
    auto r = allocate(in, o);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    ASSERT_TRUE(r->is_usable()) << r->explanation;
    expect_orders_meet_rules(in, o, *r);
    bool sells = false;
    for (const Order& order : r->orders) sells = sells || order.side == OrderSide::kSell;
    EXPECT_TRUE(sells);
  }
}

// Holdings → orders → executed at the quoted prices with the fee → new holdings: the quantities
// and the cash the allocation reports are what the execution leaves, to the lot and the cent.
TEST(Allocation, RoundTripThroughExecution) {
  AllocationInput in = crypto_book(5, 1200.0, true);
  AllocationOptions o{.cash_reserve = 100.0, .fee_bps = 10.0};
  auto r = allocate(in, o);
  ASSERT_TRUE(r.is_ok() && r->is_usable());
  Eigen::VectorXd held = in.holdings;
  double cash = in.cash;
  for (const Order& order : r->orders) {
    const auto i = static_cast<Eigen::Index>(order.asset);
    const double lots = std::round(order.quantity / in.rules[order.asset].lot_size);
    const double quantity = lots * in.rules[order.asset].lot_size;
    if (order.side == OrderSide::kBuy) {
      held[i] += quantity;
      cash -= quantity * in.ask[i] * (1 + 10.0 / 1e4);
    } else {
      held[i] -= quantity;
      cash += quantity * in.bid[i] * (1 - 10.0 / 1e4);
    }
  }
  for (Eigen::Index i = 0; i < held.size(); ++i) {
    EXPECT_NEAR(held[i], r->quantities[i], 1e-9 * in.rules[static_cast<std::size_t>(i)].lot_size);
  }
  EXPECT_NEAR(cash, r->leftover, 0.005);
  EXPECT_GE(cash, o.cash_reserve - 1e-9);
  // The new holdings are a valid start for the next rebalance.
  in.holdings = held;
  in.cash = cash;
  auto again = allocate(in, o);
  ASSERT_TRUE(again.is_ok() && again->is_usable());
  expect_orders_meet_rules(in, o, *again);
}

TEST(Allocation, BudgetBelowEveryMinimumOrderIsAStatus) {
  AllocationInput in = crypto_book(6, 4.0, false);
  auto r = allocate(in, AllocationOptions{});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
  EXPECT_NE(r->explanation.find("smallest order"), std::string::npos) << r->explanation;
  ASSERT_EQ(r->conflicting_rules.size(), 2u);
  EXPECT_EQ(r->conflicting_rules[0], "budget");
  EXPECT_NE(r->conflicting_rules[1].find("min-notional["), std::string::npos);
}

TEST(Allocation, DustThresholdAndTurnoverCap) {
  const AllocationInput in = crypto_book(7, 300.0, true);
  AllocationOptions o{.min_order_notional = 50.0, .max_turnover = 0.05};
  for (auto method : {AllocationMethod::kExact, AllocationMethod::kGreedy}) {
    o.method = method;
    auto r = allocate(in, o);
    ASSERT_TRUE(r.is_ok() && r->is_usable());
    expect_orders_meet_rules(in, o, *r);
    EXPECT_LE(r->turnover, 0.05 + 1e-12);
    for (const Order& order : r->orders) EXPECT_GE(order.notional, 50.0 * (1 - 1e-12));
  }
}

TEST(Allocation, ReserveAboveCashIsRaisedBySelling) {
  AllocationInput in = crypto_book(8, 0.0, true);
  AllocationOptions o{.cash_reserve = 2000.0};
  for (auto method : {AllocationMethod::kExact, AllocationMethod::kGreedy}) {
    o.method = method;
    auto r = allocate(in, o);
    ASSERT_TRUE(r.is_ok());
    ASSERT_TRUE(r->is_usable()) << r->explanation;
    EXPECT_GE(r->leftover, 2000.0 - 1e-9);
    expect_orders_meet_rules(in, o, *r);
  }
}

TEST(Allocation, ReserveThatSellingCannotRaiseIsInfeasible) {
  // One coin held, worth 100, with a minimum order of 1000: it cannot be sold.
  AllocationInput in;
  in.assets = {"AAA", "BBB"};
  in.target_weights = Eigen::Vector2d(0.5, 0.5);
  in.mid = Eigen::Vector2d(100.0, 10.0);
  in.holdings = Eigen::Vector2d(1.0, 0.0);
  in.cash = 10.0;
  in.rules = {{.lot_size = 1.0, .min_notional = 1000.0}, {.lot_size = 1.0}};
  auto r = allocate(in, AllocationOptions{.cash_reserve = 50.0});
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
  EXPECT_NE(
      std::find(r->conflicting_rules.begin(), r->conflicting_rules.end(), "min-notional[AAA]"),
      r->conflicting_rules.end());
}

TEST(Allocation, TimeLimitReturnsTheBestFound) {
  const AllocationInput in = crypto_book(9, 10000.0, false);
  auto r = allocate(in, AllocationOptions{.time_limit_s = 1e-9});
  ASSERT_TRUE(r.is_ok());
  // Either Cbc proved the warm start optimal at once, or it stopped with an incumbent.
  if (r->status == SolveStatus::kTimeLimit) {
    ASSERT_TRUE(r->has_allocation());
    EXPECT_FALSE(r->orders.empty());
    EXPECT_TRUE(check_allocation(in, AllocationOptions{.time_limit_s = 1e-9}, *r).passed());
    EXPECT_LE(r->l1_deviation, r->greedy_l1_deviation + 1e-12);
  } else {
    EXPECT_EQ(r->status, SolveStatus::kOptimal);
  }
}

TEST(Allocation, CheckerCatchesABrokenOrder) {
  const AllocationInput in = crypto_book(10, 10000.0, false);
  const AllocationOptions o{};
  auto r = allocate(in, o);
  ASSERT_TRUE(r.is_ok() && r->is_usable() && !r->orders.empty());
  AllocationResult broken = *r;
  Order& first = broken.orders.front();
  first.quantity += 0.5 * in.rules[first.asset].lot_size;
  const AllocationCheck check = check_allocation(in, o, broken);
  EXPECT_FALSE(check.passed());
  EXPECT_NE(check.violated.front().find("lot-size[" + in.assets[first.asset] + "]"),
            std::string::npos);
}

TEST(Allocation, BadInputIsACallError) {
  AllocationInput in = crypto_book(11, 1000.0, false);
  EXPECT_EQ(allocate(in, AllocationOptions{.cash_reserve = 1000.0}).status().code(),
            StatusCode::kInvalidInput);
  AllocationInput zero_lot = in;
  zero_lot.rules[3].lot_size = 0.0;
  const auto s = allocate(zero_lot, AllocationOptions{}).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("lot_size of C3"), std::string::npos) << s.message();
  AllocationInput negative = crypto_book(11, 1000.0, true);
  negative.holdings[5] = -1.0;
  EXPECT_NE(allocate(negative, AllocationOptions{}).status().message().find("holding of C5"),
            std::string::npos);
  EXPECT_EQ(allocate(in, AllocationOptions{.fee_bps = -1.0}).status().code(),
            StatusCode::kInvalidInput);
}

TEST(Allocation, TrackingErrorUsesTheCovariance) {
  AllocationInput in = crypto_book(12, 10000.0, false);
  in.covariance = Eigen::MatrixXd::Identity(100, 100) * 0.04;
  auto r = allocate(in, AllocationOptions{});
  ASSERT_TRUE(r.is_ok() && r->is_usable());
  // With Σ = 0.04·I the tracking error is 0.2·‖d‖₂, d the value gap over the investable value.
  const Eigen::VectorXd d =
      (r->quantities.cwiseProduct(in.mid) - in.target_weights * r->investable_value) /
      r->investable_value;
  EXPECT_NEAR(r->tracking_error, 0.2 * d.norm(), 1e-12);
}

}  // namespace
}  // namespace keel
