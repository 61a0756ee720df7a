// Unit tests of the AMM pool mathematics (keel/defi/amm.hpp) and the LP position functions
// (keel/defi/amm_position.hpp): closed forms, invariants, finite-difference greeks and errors.
// Published reference values are in amm_reference_test.cpp.
#include "keel/defi/amm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "keel/defi/amm_position.hpp"

namespace keel {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

AmmLpPosition concentrated(double lower, double upper, double liquidity) {
  AmmLpPosition p;
  p.kind = AmmKind::kConcentrated;
  p.tokens = {"ETH", "USDC"};
  p.fee_rate = 0.003;
  p.price_lower = lower;
  p.price_upper = upper;
  p.liquidity = liquidity;
  return p;
}

AmmLpPosition full_range(double liquidity) {
  AmmLpPosition p;
  p.kind = AmmKind::kConstantProduct;
  p.tokens = {"ETH", "USDC"};
  p.liquidity = liquidity;
  return p;
}

AmmLpPosition stableswap(std::vector<std::string> tokens, double amplification, double d) {
  AmmLpPosition p;
  p.kind = AmmKind::kStableswap;
  p.tokens = std::move(tokens);
  p.fee_rate = 0.0004;
  p.amplification = amplification;
  p.liquidity = d;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Constant product.

TEST(ConstantProduct, AmountInInvertsAmountOutAndKeepsTheInvariantNetOfFee) {
  const double r_in = 1234.5, r_out = 987654.0, fee = 0.003;
  for (double a : {1e-6, 0.1, 10.0, 500.0, 1e5}) {
    const double out = amm::cp_amount_out(a, r_in, r_out, fee);
    EXPECT_NEAR(amm::cp_amount_in(out, r_in, r_out, fee), a, 1e-12 * a);
    // The fee-less part of the input keeps x * y: (R_in + a (1 - f)) (R_out - out) = R_in R_out.
    EXPECT_NEAR((r_in + a * (1 - fee)) * (r_out - out), r_in * r_out, 1e-12 * r_in * r_out);
  }
  EXPECT_TRUE(std::isinf(amm::cp_amount_in(r_out, r_in, r_out, fee)));
  EXPECT_TRUE(std::isnan(amm::cp_amount_out(1.0, 0.0, r_out, fee)));
}

TEST(ConstantProduct, DivergenceLossClosedForm) {
  EXPECT_DOUBLE_EQ(amm::cp_divergence_loss(1.0), 0.0);
  EXPECT_NEAR(amm::cp_divergence_loss(4.0), 2.0 * 2.0 / 5.0 - 1.0, 1e-15);  // -20%
  EXPECT_NEAR(amm::cp_divergence_loss(0.25), amm::cp_divergence_loss(4.0), 1e-15);
  EXPECT_NEAR(amm::cp_divergence_loss(2.0), -0.0571909584179366, 1e-13);  // 2 sqrt2 / 3 - 1
  // The range formula at the full range is the same function.
  for (double k : {0.1, 0.7, 1.3, 5.0}) {
    EXPECT_NEAR(amm::range_divergence_loss(100.0, 100.0 * k, 0.0, kInf), amm::cp_divergence_loss(k),
                1e-14);
  }
}

// ---------------------------------------------------------------------------------------------
// Ticks.

TEST(Ticks, TickPriceRoundTrip) {
  EXPECT_DOUBLE_EQ(amm::price_at_tick(0), 1.0);
  EXPECT_NEAR(amm::sqrt_price_at_tick(200) * amm::sqrt_price_at_tick(200), amm::price_at_tick(200),
              1e-15);
  for (int tick : {amm::kMinTick, -200000, -1, 0, 1, 17, 85176, 200000, amm::kMaxTick - 1}) {
    EXPECT_EQ(amm::tick_at_price(amm::price_at_tick(tick)), tick) << tick;
    // Halfway to the next tick still floors to the tick.
    EXPECT_EQ(amm::tick_at_price(amm::price_at_tick(tick + 0.5)), tick) << tick;
  }
  // ETH/USDC style: 2000 USDC per ETH in human units.
  const int tick = amm::tick_at_price(2000.0);
  EXPECT_LE(amm::price_at_tick(tick), 2000.0);
  EXPECT_GT(amm::price_at_tick(tick + 1), 2000.0);
}

// ---------------------------------------------------------------------------------------------
// Concentrated liquidity.

TEST(Concentrated, ThreeRangeCases) {
  const double sa = std::sqrt(1500.0), sb = std::sqrt(2500.0), liquidity = 100.0;
  const amm::TokenAmounts below = amm::amounts_for_liquidity(std::sqrt(1000.0), sa, sb, liquidity);
  EXPECT_NEAR(below.amount0, liquidity * (1 / sa - 1 / sb), 1e-12);
  EXPECT_EQ(below.amount1, 0.0);
  const amm::TokenAmounts above = amm::amounts_for_liquidity(std::sqrt(3000.0), sa, sb, liquidity);
  EXPECT_EQ(above.amount0, 0.0);
  EXPECT_NEAR(above.amount1, liquidity * (sb - sa), 1e-10);
  const double s = std::sqrt(2000.0);
  const amm::TokenAmounts inside = amm::amounts_for_liquidity(s, sa, sb, liquidity);
  EXPECT_NEAR(inside.amount0, liquidity * (1 / s - 1 / sb), 1e-12);
  EXPECT_NEAR(inside.amount1, liquidity * (s - sa), 1e-10);
  // Continuous at the boundaries.
  const amm::TokenAmounts at_lower =
      amm::amounts_for_liquidity(sa * (1 + 1e-12), sa, sb, liquidity);
  EXPECT_NEAR(at_lower.amount0, below.amount0, 1e-9);
  EXPECT_NEAR(at_lower.amount1, 0.0, 1e-8);
  const amm::TokenAmounts at_upper =
      amm::amounts_for_liquidity(sb * (1 - 1e-12), sa, sb, liquidity);
  EXPECT_NEAR(at_upper.amount1, above.amount1, 1e-8);
  // Virtual reserves lie on the curve (x + L/sb)(y + L sa) = L^2 (whitepaper eq. 2.2).
  EXPECT_NEAR((inside.amount0 + liquidity / sb) * (inside.amount1 + liquidity * sa),
              liquidity * liquidity, 1e-9 * liquidity * liquidity);
  // Full range is the constant product: x = L / s, y = L s.
  const amm::TokenAmounts full = amm::amounts_for_liquidity(s, 0.0, kInf, liquidity);
  EXPECT_NEAR(full.amount0, liquidity / s, 1e-12);
  EXPECT_NEAR(full.amount1, liquidity * s, 1e-10);
}

TEST(Concentrated, AmountsLiquidityRoundTrip) {
  const double sa = std::sqrt(0.8), sb = std::sqrt(1.25);
  for (double price : {0.5, 0.8, 0.9, 1.0, 1.1, 1.25, 2.0}) {
    const double s = std::sqrt(price);
    const amm::TokenAmounts a = amm::amounts_for_liquidity(s, sa, sb, 7.5);
    EXPECT_NEAR(amm::liquidity_for_amounts(s, sa, sb, a.amount0, a.amount1), 7.5, 1e-12) << price;
    // Inside the range extra token0 does not mint more: token1 binds.
    if (price > 0.8 && price < 1.25) {
      EXPECT_NEAR(amm::liquidity_for_amounts(s, sa, sb, a.amount0 * 2, a.amount1), 7.5, 1e-12)
          << price;
    }
  }
}

TEST(Concentrated, SwapMovesAlongTheCurve) {
  const double s = 1.3, liquidity = 50.0;
  // token0 in: the token0 needed to move from s to s' is exactly the input.
  const double down = amm::next_sqrt_price_from_input(s, liquidity, 4.0, true);
  EXPECT_NEAR(amm::amount0_delta(down, s, liquidity), 4.0, 1e-12);
  const double up = amm::next_sqrt_price_from_input(s, liquidity, 4.0, false);
  EXPECT_NEAR(amm::amount1_delta(s, up, liquidity), 4.0, 1e-12);
  const double out_down = amm::next_sqrt_price_from_output(s, liquidity, 3.0, true);
  EXPECT_NEAR(amm::amount1_delta(out_down, s, liquidity), 3.0, 1e-12);
  const double out_up = amm::next_sqrt_price_from_output(s, liquidity, 3.0, false);
  EXPECT_NEAR(amm::amount0_delta(s, out_up, liquidity), 3.0, 1e-12);
  // The product of virtual reserves stays L^2: (L/s')(L s') = L^2 trivially; check the real
  // amounts exchanged satisfy (X + dx)(Y - dy) = X Y with X = L/s, Y = L s.
  const double dy = amm::amount1_delta(down, s, liquidity);
  EXPECT_NEAR((liquidity / s + 4.0) * (liquidity * s - dy), liquidity * liquidity, 1e-9);
  // Output beyond the virtual reserve is impossible.
  EXPECT_TRUE(std::isnan(amm::next_sqrt_price_from_output(s, liquidity, liquidity * s, true)));
  EXPECT_TRUE(std::isnan(amm::next_sqrt_price_from_output(s, liquidity, liquidity / s, false)));
}

TEST(Concentrated, SwapStepSpendsTheInputOrStopsAtTheTarget) {
  const double s = 1.0, liquidity = 1000.0, fee = 0.003;
  // Exact input not reaching the target: everything is spent, input + fee = amount.
  const amm::SwapStep partial = amm::compute_swap_step(s, 0.5, liquidity, 10.0, fee);
  EXPECT_NEAR(partial.amount_in + partial.fee_amount, 10.0, 1e-12);
  EXPECT_NEAR(partial.fee_amount, 10.0 * fee, 1e-12);
  EXPECT_GT(partial.sqrt_price_next, 0.5);
  EXPECT_NEAR(partial.amount_out, amm::amount1_delta(partial.sqrt_price_next, s, liquidity), 1e-12);
  // Exact input beyond the target: capped at the target, fee proportional to the input used.
  const amm::SwapStep capped = amm::compute_swap_step(s, 1.01, liquidity, 1e6, fee);
  EXPECT_EQ(capped.sqrt_price_next, 1.01);
  EXPECT_NEAR(capped.amount_in, liquidity * 0.01, 1e-10);
  EXPECT_NEAR(capped.fee_amount, capped.amount_in * fee / (1 - fee), 1e-12);
  // Exact output.
  const amm::SwapStep out = amm::compute_swap_step(s, 0.5, liquidity, -5.0, fee);
  EXPECT_NEAR(out.amount_out, 5.0, 1e-12);
  EXPECT_NEAR(out.amount_in, amm::amount0_delta(out.sqrt_price_next, s, liquidity), 1e-12);
}

TEST(Concentrated, PriceImpactLimitsAndGrowth) {
  const double price = 2000.0, liquidity = 1e4, fee = 0.003;
  // A vanishing sale of token0 pays the fee only.
  EXPECT_NEAR(amm::swap_price_impact(price, liquidity, 1e-9, true, fee).impact, fee, 1e-9);
  EXPECT_NEAR(amm::swap_price_impact(price, liquidity, 1e-6, false, fee).impact, fee / (1 - fee),
              1e-9);
  // Without fee, selling x of token0 into virtual reserves (L/s, L s): the execution price is
  // L s / (L/s + x) (constant product), impact x / (L/s + x).
  const double x = 10.0;
  const amm::PriceImpact no_fee = amm::swap_price_impact(price, liquidity, x, true, 0.0);
  const double x_virtual = liquidity / std::sqrt(price);
  EXPECT_NEAR(no_fee.impact, x / (x_virtual + x), 1e-12);
  EXPECT_NEAR(no_fee.price_after, price * std::pow(x_virtual / (x_virtual + x), 2), 1e-9);
  EXPECT_LT(amm::swap_price_impact(price, liquidity, 1.0, true, fee).impact,
            amm::swap_price_impact(price, liquidity, 100.0, true, fee).impact);
}

TEST(Concentrated, RangeDivergenceLossIsDeeperThanFullRange) {
  // A narrower range multiplies the loss (Uniswap v3: capital efficiency cuts both ways).
  const double narrow = amm::range_divergence_loss(2000.0, 2400.0, 1500.0, 2500.0);
  const double full = amm::range_divergence_loss(2000.0, 2400.0, 0.0, kInf);
  EXPECT_LT(narrow, full);
  EXPECT_LT(full, 0.0);
  EXPECT_DOUBLE_EQ(amm::range_divergence_loss(2000.0, 2000.0, 1500.0, 2500.0), 0.0);
  // Out of range both ways the loss is bounded: above pb the LP holds y = L(sb - sa).
  const double sa = std::sqrt(1500.0), sb = std::sqrt(2500.0), s0 = std::sqrt(2000.0);
  const double held = (1 / s0 - 1 / sb) * 3000.0 + (s0 - sa);
  EXPECT_NEAR(amm::range_divergence_loss(2000.0, 3000.0, 1500.0, 2500.0), (sb - sa) / held - 1.0,
              1e-14);
}

// ---------------------------------------------------------------------------------------------
// LVR.

TEST(Lvr, ConcentratedRateReducesToSigmaSquaredOverEightAtFullRange) {
  const double sigma = 0.7, liquidity = 3.0;
  for (double price : {0.01, 1.0, 2000.0}) {
    const double rate = amm::lvr_rate_concentrated(price, liquidity, 0.0, kInf, sigma);
    EXPECT_NEAR(rate / amm::range_value(price, liquidity, 0.0, kInf),
                amm::lvr_rate_constant_product(sigma), 1e-14);
  }
  EXPECT_DOUBLE_EQ(amm::lvr_rate_constant_product(0.8), 0.08);
  EXPECT_EQ(amm::lvr_rate_concentrated(1000.0, 1.0, 1500.0, 2500.0, 0.8), 0.0);
  EXPECT_EQ(amm::lvr_rate_concentrated(3000.0, 1.0, 1500.0, 2500.0, 0.8), 0.0);
}

TEST(Lvr, ConcentratedRateIsSigmaSquaredPSquaredOverTwoTimesSlopeOfHoldings) {
  // l = sigma^2 P^2 / 2 |x'(P)| with x'(P) by central differences of amounts_for_liquidity.
  const double sigma = 0.6, liquidity = 40.0, lower = 1500.0, upper = 2500.0;
  for (double price : {1600.0, 2000.0, 2400.0}) {
    const double h = 1e-3;
    const auto x = [&](double p) {
      return amm::amounts_for_liquidity(std::sqrt(p), std::sqrt(lower), std::sqrt(upper), liquidity)
          .amount0;
    };
    const double slope = (x(price + h) - x(price - h)) / (2 * h);
    EXPECT_NEAR(amm::lvr_rate_concentrated(price, liquidity, lower, upper, sigma),
                sigma * sigma * price * price / 2 * std::abs(slope), 1e-6);
  }
}

TEST(Lvr, DiscreteIdentityAndSign) {
  const std::vector<double> path = {2000, 2100, 1900, 1950, 2600, 2550, 1400, 1800, 2000};
  const double liquidity = 10.0, lower = 1500.0, upper = 2500.0;
  const amm::DiscreteLvr lvr = amm::discrete_lvr(path, liquidity, lower, upper);
  ASSERT_EQ(lvr.steps, path.size() - 1);
  // V_n - V_0 = sum x(P_t)(P_{t+1} - P_t) - LVR.
  double rebalancing = 0.0;
  for (std::size_t t = 0; t + 1 < path.size(); ++t) {
    const double x = amm::amounts_for_liquidity(std::sqrt(path[t]), std::sqrt(lower),
                                                std::sqrt(upper), liquidity)
                         .amount0;
    rebalancing += x * (path[t + 1] - path[t]);
    // Each step is a non-negative loss.
    const std::vector<double> step = {path[t], path[t + 1]};
    EXPECT_GE(amm::discrete_lvr(step, liquidity, lower, upper).total, 0.0);
  }
  const double change = amm::range_value(path.back(), liquidity, lower, upper) -
                        amm::range_value(path.front(), liquidity, lower, upper);
  EXPECT_NEAR(change, rebalancing - lvr.total, 1e-9);
  // Full range closed form: L (sqrt(P1) - sqrt(P0))^2 / sqrt(P0) per step.
  const amm::DiscreteLvr full = amm::discrete_lvr(path, liquidity, 0.0, kInf);
  double closed = 0.0;
  for (std::size_t t = 0; t + 1 < path.size(); ++t) {
    closed +=
        liquidity * std::pow(std::sqrt(path[t + 1]) - std::sqrt(path[t]), 2) / std::sqrt(path[t]);
  }
  EXPECT_NEAR(full.total, closed, 1e-10);
}

// ---------------------------------------------------------------------------------------------
// Exit probability.

TEST(ExitProbability, LimitsAndMonotonicity) {
  const auto cdf = [](double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); };
  EXPECT_EQ(amm::range_exit_probability(1000.0, 1500.0, 2500.0, 0.8, 0.1), 1.0);
  EXPECT_EQ(amm::range_exit_probability(2000.0, 1500.0, 2500.0, 0.0, 0.1), 0.0);
  EXPECT_EQ(amm::range_exit_probability(2000.0, 1500.0, 2500.0, 0.8, 0.0), 0.0);
  EXPECT_EQ(amm::range_exit_probability(2000.0, 0.0, kInf, 0.8, 1.0), 0.0);
  double previous = 0.0;
  for (double t : {1e-4, 1e-3, 0.01, 0.1, 1.0, 10.0}) {
    const double p = amm::range_exit_probability(2000.0, 1500.0, 2500.0, 0.8, t);
    EXPECT_GE(p, previous - 1e-12) << t;  // the series for survival ~ 1 carries ~1e-16 noise
    previous = p;
  }
  EXPECT_NEAR(previous, 1.0, 1e-9);
  // Both sides of the switch from the series to the two single-barrier closed forms (at
  // sigma sqrt(T) ~ w / 700, here T ~ 3.2e-10 years) agree with the one-barrier closed form for a
  // start next to the lower bound: N(-d/s + s/2) + e^d N(-d/s - s/2) for nu = -sigma^2/2.
  const double start = 1500.0 * (1.0 + 2e-5);
  for (double t : {1e-10, 2e-10, 5e-10, 1e-9, 4e-9}) {
    const double p = amm::range_exit_probability(start, 1500.0, 2500.0, 0.8, t);
    const double gap = std::log(start / 1500.0), s = 0.8 * std::sqrt(t);
    EXPECT_GT(p, 1e-3) << t;
    EXPECT_NEAR(p, cdf(-gap / s + s / 2) + std::exp(gap) * cdf(-gap / s - s / 2), 1e-9) << t;
  }
  // A very far lower barrier: the double-barrier series tends to the single-barrier closed form.
  const double single = amm::range_exit_probability(100.0, 0.0, 120.0, 0.5, 0.5, 0.1);
  const double double_barrier = amm::range_exit_probability(100.0, 1e-12, 120.0, 0.5, 0.5, 0.1);
  EXPECT_NEAR(double_barrier, single, 1e-9);
  // Single barrier against the reflection principle for a martingale (nu = -sigma^2/2) computed
  // here by its textbook form N(-d/s - s/2) + e^{-d} N(-d/s + s/2), d = ln(b/P), s = sigma sqrt T
  // (the exp(2 nu d / sigma^2) = exp(-d) factor for nu = -sigma^2/2).
  const double d = std::log(120.0 / 100.0), sd = 0.5 * std::sqrt(0.5);
  EXPECT_NEAR(amm::range_exit_probability(100.0, 0.0, 120.0, 0.5, 0.5),
              cdf(-d / sd - sd / 2) + std::exp(-d) * cdf(-d / sd + sd / 2), 1e-14);
}

// ---------------------------------------------------------------------------------------------
// StableSwap.

TEST(Stableswap, InvariantProperties) {
  const std::vector<double> balanced = {1e6, 1e6, 1e6};
  EXPECT_NEAR(amm::stableswap_invariant(balanced, 100.0), 3e6, 1e-6);
  // Homogeneous of degree 1.
  const std::vector<double> b = {1.2e6, 0.7e6};
  const std::vector<double> b3 = {3.6e6, 2.1e6};
  EXPECT_NEAR(amm::stableswap_invariant(b3, 50.0), 3 * amm::stableswap_invariant(b, 50.0), 1e-6);
  // Between the constant product (2 sqrt(xy) for 2 coins, A -> 0) and the constant sum (A -> inf).
  const double d = amm::stableswap_invariant(b, 50.0);
  EXPECT_GT(d, 2 * std::sqrt(b[0] * b[1]));
  EXPECT_LT(d, b[0] + b[1]);
  EXPECT_NEAR(amm::stableswap_invariant(b, 1e-6), 2 * std::sqrt(b[0] * b[1]), 1.0);
  EXPECT_NEAR(amm::stableswap_invariant(b, 1e9), b[0] + b[1], 1.0);
  // The invariant equation holds: A n^n S + D = A D n^n + D^(n+1) / (n^n prod x).
  const double a = 50.0, n = 2.0;
  EXPECT_NEAR(a * 4 * (b[0] + b[1]) + d, a * d * 4 + d * d * d / (4 * b[0] * b[1]),
              1e-12 * a * 4 * d);
  (void)n;
}

TEST(Stableswap, GetYKeepsTheInvariantAndMarginalPriceMatchesTheSwap) {
  const std::vector<double> b = {1.5e6, 0.5e6, 2e6};
  const double a = 80.0;
  const double d = amm::stableswap_invariant(b, a);
  const double y = amm::stableswap_get_y(0, 2, b[0] + 1e4, b, a);
  const std::vector<double> after = {b[0] + 1e4, b[1], y};
  EXPECT_NEAR(amm::stableswap_invariant(after, a), d, 1e-9 * d);
  // Marginal price against a tiny swap.
  const double dx = 1e-3;
  const double dy = amm::stableswap_get_dy(0, 1, dx, b, a, 0.0);
  EXPECT_NEAR(dy / dx, amm::stableswap_marginal_price(0, 1, b, a), 1e-6);
  EXPECT_NEAR(amm::stableswap_get_dy(0, 1, 1e4, b, a, 0.0004),
              amm::stableswap_get_dy(0, 1, 1e4, b, a, 0.0) * (1 - 0.0004), 1e-9);
}

TEST(Stableswap, BalancesAtPricesEquateMarginalPrices) {
  const double a = 100.0, d = 2e6;
  // Equal prices: balanced.
  const std::vector<double> equal = {1.0, 1.0};
  const std::vector<double> balanced = amm::stableswap_balances_at_prices(d, a, equal);
  ASSERT_EQ(balanced.size(), 2u);
  EXPECT_NEAR(balanced[0], 1e6, 1e-6);
  EXPECT_NEAR(balanced[1], 1e6, 1e-6);
  for (const std::vector<double>& prices :
       {std::vector<double>{1.001, 0.999}, std::vector<double>{0.98, 1.0},
        std::vector<double>{1.0, 1.002, 0.997}, std::vector<double>{1.0, 1.0, 1.0, 0.995}}) {
    const std::vector<double> x = amm::stableswap_balances_at_prices(d, a, prices);
    ASSERT_EQ(x.size(), prices.size());
    EXPECT_NEAR(amm::stableswap_invariant(x, a), d, 1e-9 * d);
    for (std::size_t i = 1; i < prices.size(); ++i) {
      EXPECT_NEAR(amm::stableswap_marginal_price(i, 0, x, a), prices[i] / prices[0], 1e-10);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Position functions.

// Central differences of value_lp in token price i: first and second derivative.
std::pair<double, double> finite_differences(const AmmLpPosition& position,
                                             std::vector<double> prices, std::size_t i,
                                             double relative_step) {
  const double h = prices[i] * relative_step;
  const double p = prices[i];
  prices[i] = p + h;
  const double up = value_lp(position, prices)->value;
  prices[i] = p - h;
  const double down = value_lp(position, prices)->value;
  prices[i] = p;
  const double mid = value_lp(position, prices)->value;
  return {(up - down) / (2 * h), (up - 2 * mid + down) / (h * h)};
}

// Stableswap values are very curved near par (gamma ~ 1e8 for D = 1e6), so its checks use a
// smaller step and looser tolerances (truncation error ~ h^2 V''' and the solver's ~1e-13
// relative residual divided by h^2).
void expect_greeks_match_finite_differences(const AmmLpPosition& position,
                                            const std::vector<double>& prices,
                                            double relative_step = 1e-4,
                                            double delta_tolerance = 1e-6,
                                            double gamma_tolerance = 2e-4) {
  const Result<PositionValue> value = value_lp(position, prices);
  ASSERT_TRUE(value) << value.status().message();
  ASSERT_EQ(value->exposures.size(), prices.size());
  for (std::size_t i = 0; i < prices.size(); ++i) {
    const auto [delta, gamma] = finite_differences(position, prices, i, relative_step);
    const double scale = std::abs(value->exposures[i].delta) + 1e-12;
    EXPECT_NEAR(value->exposures[i].delta, delta, delta_tolerance * scale) << "token " << i;
    const double gamma_scale = std::abs(value->exposures[i].gamma) + 1e-9 * scale / prices[i];
    EXPECT_NEAR(value->exposures[i].gamma, gamma, gamma_tolerance * gamma_scale) << "token " << i;
  }
}

TEST(ValueLp, DeltaIsTheTokenAmountAndGammaMatchesFiniteDifferences) {
  expect_greeks_match_finite_differences(full_range(100.0), {2000.0, 1.0});
  expect_greeks_match_finite_differences(full_range(100.0), {2000.0, 0.999});
  const AmmLpPosition range = concentrated(1500.0, 2500.0, 250.0);
  expect_greeks_match_finite_differences(range, {2000.0, 1.0});    // inside
  expect_greeks_match_finite_differences(range, {1200.0, 1.0});    // below: all ETH, gamma 0
  expect_greeks_match_finite_differences(range, {3000.0, 1.0});    // above: all USDC, gamma 0
  expect_greeks_match_finite_differences(range, {60000.0, 30.0});  // two volatile tokens
}

TEST(ValueLp, ConcentratedValueAndAmounts) {
  const AmmLpPosition range = concentrated(1500.0, 2500.0, 250.0);
  const std::vector<double> prices = {2000.0, 1.0};
  const Result<PositionValue> value = value_lp(range, prices);
  ASSERT_TRUE(value);
  const amm::TokenAmounts a =
      amm::amounts_for_liquidity(std::sqrt(2000.0), std::sqrt(1500.0), std::sqrt(2500.0), 250.0);
  EXPECT_DOUBLE_EQ(value->exposures[0].delta, a.amount0);
  EXPECT_DOUBLE_EQ(value->exposures[1].delta, a.amount1);
  EXPECT_NEAR(value->value, a.amount0 * 2000.0 + a.amount1, 1e-9);
  EXPECT_EQ(value->exposures[0].underlying, "ETH");
  EXPECT_EQ(value->theta, 0.0);
  AmmLpPosition with_fees = range;
  with_fees.fee_apr = 0.12;
  EXPECT_NEAR(value_lp(with_fees, prices)->theta, 0.12 * value->value, 1e-9);
}

TEST(ValueLp, StableswapGreeksMatchFiniteDifferences) {
  expect_greeks_match_finite_differences(stableswap({"USDC", "USDT"}, 200.0, 1e6), {1.0, 0.998},
                                         1e-5, 1e-5, 1e-3);
  expect_greeks_match_finite_differences(stableswap({"DAI", "USDC", "USDT"}, 100.0, 3e6),
                                         {1.001, 1.0, 0.997}, 1e-5, 1e-5, 1e-3);
  expect_greeks_match_finite_differences(stableswap({"USDC", "USDT"}, 5.0, 1e6), {1.0, 0.95}, 1e-5,
                                         1e-5, 1e-3);
  // Value at par is D (balanced pool, all prices 1).
  const std::vector<double> par = {1.0, 1.0};
  EXPECT_NEAR(value_lp(stableswap({"USDC", "USDT"}, 200.0, 1e6), par)->value, 1e6, 1e-6);
}

TEST(ValueLp, ErrorsNameTheField) {
  const std::vector<double> prices = {2000.0, 1.0};
  const Result<PositionValue> inverted = value_lp(concentrated(2000.0, 1500.0, 1.0), prices);
  ASSERT_FALSE(inverted);
  EXPECT_EQ(inverted.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(inverted.status().message().find("price_lower 2000"), std::string::npos)
      << inverted.status().message();
  EXPECT_NE(inverted.status().message().find("price_upper 1500"), std::string::npos);
  const Result<PositionValue> no_liquidity = value_lp(concentrated(1500.0, 2500.0, 0.0), prices);
  ASSERT_FALSE(no_liquidity);
  EXPECT_NE(no_liquidity.status().message().find("liquidity"), std::string::npos);
  const std::vector<double> bad_price = {2000.0, -1.0};
  const Result<PositionValue> negative = value_lp(full_range(1.0), bad_price);
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.status().message().find("token_prices[1]"), std::string::npos);
  const std::vector<double> one_price = {2000.0};
  const Result<PositionValue> count = value_lp(full_range(1.0), one_price);
  ASSERT_FALSE(count);
  EXPECT_NE(count.status().message().find("token_prices"), std::string::npos);
  AmmLpPosition three = full_range(1.0);
  three.tokens = {"A", "B", "C"};
  const std::vector<double> three_prices = {1.0, 1.0, 1.0};
  const Result<PositionValue> tokens = value_lp(three, three_prices);
  ASSERT_FALSE(tokens);
  EXPECT_NE(tokens.status().message().find("tokens"), std::string::npos);
  const Result<PositionValue> no_amp = value_lp(stableswap({"A", "B"}, 0.0, 1.0), prices);
  ASSERT_FALSE(no_amp);
  EXPECT_NE(no_amp.status().message().find("amplification"), std::string::npos);
}

TEST(LiquidityForDeposit, ConstantProductAndRange) {
  const AmmLpPosition cp = full_range(1.0);
  // In ratio (y = x P): L = sqrt(x y).
  EXPECT_NEAR(*lp_liquidity_for_deposit(cp, 2000.0, 3.0, 6000.0), std::sqrt(3.0 * 6000.0), 1e-10);
  // Too much token1: token0 binds, L = x sqrt(P).
  EXPECT_NEAR(*lp_liquidity_for_deposit(cp, 2000.0, 3.0, 9000.0), 3.0 * std::sqrt(2000.0), 1e-10);
  // Range: round trip through value_lp's amounts.
  const AmmLpPosition range = concentrated(1500.0, 2500.0, 250.0);
  const std::vector<double> prices = {2000.0, 1.0};
  const Result<PositionValue> value = value_lp(range, prices);
  EXPECT_NEAR(*lp_liquidity_for_deposit(range, 2000.0, value->exposures[0].delta,
                                        value->exposures[1].delta),
              250.0, 1e-9);
  EXPECT_FALSE(lp_liquidity_for_deposit(range, -1.0, 1.0, 1.0));
  EXPECT_FALSE(lp_liquidity_for_deposit(range, 2000.0, -1.0, 1.0));
  // StableSwap: D of the deposit, = the sum for a balanced deposit.
  EXPECT_NEAR(*lp_liquidity_for_deposit(stableswap({"A", "B"}, 100.0, 1.0), 1.0, 500.0, 500.0),
              1000.0, 1e-9);
}

TEST(LpMetrics, FieldsAgainstClosedForms) {
  const AmmLpPosition cp = full_range(100.0);
  const std::vector<double> prices = {2500.0, 1.0};
  const Result<LpMetrics> m = lp_metrics(
      cp, prices, {.entry_pool_price = 2000.0, .annual_volatility = 0.8, .impact_amount0 = 1e-9});
  ASSERT_TRUE(m) << m.status().message();
  EXPECT_NEAR(m->divergence_loss, amm::cp_divergence_loss(2500.0 / 2000.0), 1e-14);
  EXPECT_NEAR(m->lvr_rate_fraction, 0.8 * 0.8 / 8, 1e-14);
  EXPECT_NEAR(m->lvr_rate, 0.08 * m->value, 1e-9);
  EXPECT_EQ(m->exit_probability, 0.0);
  EXPECT_NEAR(m->price_impact, cp.fee_rate, 1e-8);
  EXPECT_NEAR(m->value_if_held, 100.0 / std::sqrt(2000.0) * 2500.0 + 100.0 * std::sqrt(2000.0),
              1e-9);
  EXPECT_TRUE(m->in_range);

  const AmmLpPosition range = concentrated(1500.0, 2500.0, 250.0);
  const std::vector<double> out_prices = {3000.0, 1.0};
  const Result<LpMetrics> out = lp_metrics(range, out_prices, {.annual_volatility = 0.8});
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->in_range);
  EXPECT_EQ(out->exit_probability, 1.0);
  EXPECT_EQ(out->lvr_rate, 0.0);
  EXPECT_TRUE(std::isnan(out->divergence_loss));  // no entry price given
  EXPECT_TRUE(std::isnan(out->price_impact));
  EXPECT_EQ(out->amounts[0], 0.0);

  // In range: the LVR rate and exit probability are the pool-level functions in quote units.
  const std::vector<double> in_prices = {4000.0, 2.0};  // P = 2000, token1 worth 2
  const Result<LpMetrics> in = lp_metrics(range, in_prices,
                                          {.entry_pool_price = 1800.0,
                                           .annual_volatility = 0.6,
                                           .horizon_years = 0.25,
                                           .impact_amount0 = 5.0,
                                           .active_liquidity = 1e4});
  ASSERT_TRUE(in);
  EXPECT_TRUE(in->in_range);
  EXPECT_DOUBLE_EQ(in->pool_price, 2000.0);
  EXPECT_NEAR(in->lvr_rate, 0.36 * 250.0 * std::sqrt(2000.0) / 4 * 2.0, 1e-9);
  EXPECT_NEAR(in->exit_probability, amm::range_exit_probability(2000.0, 1500.0, 2500.0, 0.6, 0.25),
              1e-15);
  EXPECT_NEAR(in->divergence_loss, amm::range_divergence_loss(1800.0, 2000.0, 1500.0, 2500.0),
              1e-14);
  EXPECT_NEAR(in->price_impact, amm::swap_price_impact(2000.0, 1e4, 5.0, true, 0.003).impact,
              1e-15);

  // StableSwap: value and divergence loss; the Uniswap-only metrics are NaN.
  const AmmLpPosition pool = stableswap({"USDC", "USDT"}, 100.0, 2e6);
  const std::vector<double> depeg = {1.0, 0.97};
  const Result<LpMetrics> ss = lp_metrics(pool, depeg, {.entry_pool_price = 1.0});
  ASSERT_TRUE(ss) << ss.status().message();
  EXPECT_NEAR(ss->value_if_held, 1e6 * 1.0 + 1e6 * 0.97, 1e-6);
  EXPECT_LT(ss->divergence_loss, 0.0);  // the pool sold the coin that held its value
  EXPECT_GT(ss->amounts[1], ss->amounts[0]);
  EXPECT_TRUE(std::isnan(ss->lvr_rate));
  EXPECT_TRUE(std::isnan(ss->exit_probability));

  const Result<LpMetrics> bad = lp_metrics(range, out_prices, {.annual_volatility = -0.1});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("annual_volatility"), std::string::npos);
}

}  // namespace
}  // namespace keel
