// Unit tests of the 256-bit integer (keel/defi/amm_exact.hpp): arithmetic against 128-bit
// built-ins, decimal round trips, full-width identities, and the checked operations' overflow
// reports. The Uniswap values are checked in amm_reference_test.cpp.
#include "keel/defi/amm_exact.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <string>

#include "keel/defi/amm.hpp"

namespace keel {
namespace {

using amm::exact::U256;
__extension__ using Wide = unsigned __int128;

U256 from_wide(Wide v) {
  U256 out;
  out.limbs[0] = static_cast<std::uint64_t>(v);
  out.limbs[1] = static_cast<std::uint64_t>(v >> 64);
  return out;
}

U256 parse(const std::string& text) { return U256::from_decimal(text).value(); }

TEST(U256, ArithmeticMatches128BitBuiltins) {
  std::mt19937_64 rng(20261207);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t a = rng(), b = rng() | 1U;
    const Wide wa = a, wb = b;
    EXPECT_EQ(U256(a) * U256(b), from_wide(wa * wb));
    EXPECT_EQ(U256(a) + U256(b), from_wide(wa + wb));
    const Wide big = (wa << 64) | rng();
    EXPECT_EQ(from_wide(big) / U256(b), from_wide(big / wb));
    EXPECT_EQ(from_wide(big) % U256(b), from_wide(big % wb));
    EXPECT_EQ(from_wide(big) >> 7, from_wide(big >> 7));
    EXPECT_EQ(U256(a) << 61, from_wide(wa << 61));
    EXPECT_EQ(from_wide(big) < from_wide(big + 1), true);
  }
}

TEST(U256, DecimalRoundTripAndLimits) {
  const std::string max =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  EXPECT_EQ(U256::max().to_decimal(), max);
  EXPECT_EQ(parse(max), U256::max());
  EXPECT_FALSE(U256::from_decimal(
      "115792089237316195423570985008687907853269984665640564039457584007913129639936"));
  EXPECT_FALSE(U256::from_decimal("12a"));
  EXPECT_FALSE(U256::from_decimal(""));
  EXPECT_EQ(U256(0).to_decimal(), "0");
  EXPECT_EQ((U256(1) << 96).to_decimal(), "79228162514264337593543950336");
  EXPECT_EQ(U256::ones(160).to_decimal(), "1461501637330902918203684832716283019655932542975");
  EXPECT_EQ(U256::ones(160).bit_width(), 160);
  EXPECT_DOUBLE_EQ((U256(1) << 200).to_double(), std::ldexp(1.0, 200));
}

TEST(U256, MulDivUsesTheFullWidthProduct) {
  // (2^256 - 1)^2 / (2^256 - 1) = 2^256 - 1: the product needs 512 bits.
  EXPECT_EQ(amm::exact::mul_div(U256::max(), U256::max(), U256::max()), U256::max());
  // floor and ceil differ by one exactly when there is a remainder.
  const U256 a = parse("340282366920938463463374607431768211455");
  const U256 b = parse("79228162514264337593543950336");
  const U256 d = parse("7");  // (2^128 - 1) 2^96 = 3 mod 7
  const U256 down = amm::exact::mul_div(a, b, d).value();
  const U256 up = amm::exact::mul_div_rounding_up(a, b, d).value();
  EXPECT_EQ(up, down + U256(1));
  // a b = down d + r with 0 < r < d.
  EXPECT_EQ(amm::exact::mul_div(a, b, U256(1)).value() - down * d, U256(3));
  EXPECT_FALSE(amm::exact::mul_div(U256::max(), U256(2), U256(1)));  // result >= 2^256
  EXPECT_FALSE(amm::exact::mul_div(U256(1), U256(1), U256(0)));
  EXPECT_FALSE(amm::exact::mul_div_rounding_up(U256::max(), U256::max(), U256::max() - U256(1)));
  EXPECT_FALSE(amm::exact::checked_add(U256::max(), U256(1)));
  EXPECT_FALSE(amm::exact::checked_sub(U256(1), U256(2)));
  EXPECT_FALSE(amm::exact::checked_mul(U256(1) << 128, U256(1) << 128));
  EXPECT_EQ(amm::exact::div_rounding_up(U256(7), U256(2)).value(), U256(4));
}

TEST(ExactSqrtPriceMath, RoundsInThePoolsFavour) {
  // Price down with token0 in is rounded up; price up with token1 in is rounded down.
  const U256 sqrt_p = U256(1) << 96, liquidity = parse("1000000000000000000");
  const U256 amount = parse("123456789012345678");
  const U256 down =
      amm::exact::get_next_sqrt_price_from_input(sqrt_p, liquidity, amount, true).value();
  // The token0 the move really absorbs, rounded up, is at most the amount given.
  EXPECT_LE(amm::exact::get_amount0_delta(down, sqrt_p, liquidity, true).value(), amount);
  const U256 up =
      amm::exact::get_next_sqrt_price_from_input(sqrt_p, liquidity, amount, false).value();
  EXPECT_LE(amm::exact::get_amount1_delta(sqrt_p, up, liquidity, true).value(), amount);
  // Round-up and round-down deltas differ by at most one.
  const U256 a = amm::exact::get_amount0_delta(down, sqrt_p, liquidity, true).value();
  const U256 b = amm::exact::get_amount0_delta(down, sqrt_p, liquidity, false).value();
  EXPECT_LE(a - b, U256(1));
}

}  // namespace
}  // namespace keel

namespace keel {
namespace {

// The double functions of amm.hpp against the integer path on random pool states of realistic
// size (sqrt prices 2^96 x [0.05, 20], liquidity 1e15..1e24, amounts up to 1e22 wei): both
// compute the same curve, the integers with one unit of rounding, so they agree to ~1e-12.
TEST(ExactVersusDouble, RandomPoolStates) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> log_price(std::log(0.05), std::log(20.0));
  std::uniform_real_distribution<double> log_liquidity(std::log(1e15), std::log(1e24));
  std::uniform_real_distribution<double> fraction(1e-6, 0.5);
  const auto to_u256 = [](double v) {
    // Exact conversion of a double integer value below 2^128.
    const double high = std::floor(v / 18446744073709551616.0);
    U256 out;
    out.limbs[1] = static_cast<std::uint64_t>(high);
    out.limbs[0] = static_cast<std::uint64_t>(v - high * 18446744073709551616.0);
    return out;
  };
  for (int i = 0; i < 300; ++i) {
    const double s = std::exp(0.5 * log_price(rng));
    const double sqrt_x96 = std::floor(s * amm::kQ96);
    const double liquidity = std::floor(std::exp(log_liquidity(rng)));
    const U256 sqrt_u = to_u256(sqrt_x96 / 4294967296.0) << 32;  // keep within 2^128 for to_u256
    const double sqrt_real = sqrt_u.to_double() / amm::kQ96;
    const U256 liquidity_u = to_u256(liquidity);
    const bool zero_for_one = (rng() & 1U) != 0;
    // An input of a fraction of the virtual reserve of the input token.
    const double reserve = zero_for_one ? liquidity / sqrt_real : liquidity * sqrt_real;
    const double amount = std::floor(fraction(rng) * reserve);
    const U256 amount_u = to_u256(amount);
    const std::optional<U256> exact =
        amm::exact::get_next_sqrt_price_from_input(sqrt_u, liquidity_u, amount_u, zero_for_one);
    ASSERT_TRUE(exact.has_value());
    const double real = amm::next_sqrt_price_from_input(sqrt_real, liquidity_u.to_double(),
                                                        amount_u.to_double(), zero_for_one);
    EXPECT_NEAR(exact->to_double() / amm::kQ96, real, 1e-12 * real) << i;
    // The output of that swap, rounded down by the contract.
    const std::optional<U256> out =
        zero_for_one ? amm::exact::get_amount1_delta(*exact, sqrt_u, liquidity_u, false)
                     : amm::exact::get_amount0_delta(sqrt_u, *exact, liquidity_u, false);
    ASSERT_TRUE(out.has_value());
    const double out_real = zero_for_one
                                ? amm::amount1_delta(real, sqrt_real, liquidity_u.to_double())
                                : amm::amount0_delta(sqrt_real, real, liquidity_u.to_double());
    // The output is a difference of nearby prices: relative error ~ eps * s / |s' - s|.
    const double conditioning = sqrt_real / std::abs(real - sqrt_real);
    EXPECT_NEAR(out->to_double(), out_real, 1e-15 * conditioning * out_real + 1.0) << i;
  }
}

}  // namespace
}  // namespace keel
