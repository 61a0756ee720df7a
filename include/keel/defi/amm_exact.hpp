#pragma once
// The integer arithmetic of Uniswap v3's SqrtPriceMath, SwapMath and LiquidityAmounts, reproduced
// exactly with a minimal 256-bit unsigned integer, for reconciling with on-chain values to the wei.
// amm.hpp has the same quantities in double precision (the real-valued curve); this header gives
// the contracts' rounded integers:
//   - amounts in are rounded up, amounts out down; prices are rounded toward the side that keeps
//     the pool solvent (getNextSqrtPriceFromAmount0RoundingUp / Amount1RoundingDown);
//   - where a contract reverts (overflow, output beyond the reserves, division by zero) the
//     function returns std::nullopt.
// Inputs follow the contracts' types: sqrt prices are Q64.96 (uint160), liquidity uint128,
// amounts uint256; values outside those ranges are rejected (nullopt) as the Solidity casts
// would. Sources: Uniswap v3-core contracts/libraries/{FullMath,SqrtPriceMath,SwapMath}.sol,
// v3-periphery contracts/libraries/LiquidityAmounts.sol (behaviour reproduced, code not copied).

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace keel::amm::exact {

// An unsigned 256-bit integer, four 64-bit limbs, least significant first. Arithmetic operators
// wrap modulo 2^256; the checked helpers below return nullopt instead.
struct U256 {
  std::array<std::uint64_t, 4> limbs{};

  constexpr U256() = default;
  constexpr U256(std::uint64_t value)
      : limbs{value, 0, 0, 0} {}  // NOLINT(google-explicit-constructor)

  static U256 max();
  // 2^bits - 1 for bits in [0, 256].
  static U256 ones(int bits);
  // Decimal digits only; nullopt when empty, not a number or >= 2^256.
  static std::optional<U256> from_decimal(std::string_view text);
  std::string to_decimal() const;
  double to_double() const;
  bool is_zero() const { return (limbs[0] | limbs[1] | limbs[2] | limbs[3]) == 0; }
  int bit_width() const;  // 0 for zero

  friend bool operator==(const U256&, const U256&) = default;
  friend std::strong_ordering operator<=>(const U256& a, const U256& b);
};

U256 operator+(const U256& a, const U256& b);
U256 operator-(const U256& a, const U256& b);
U256 operator*(const U256& a, const U256& b);
U256 operator/(const U256& a, const U256& b);  // b != 0
U256 operator%(const U256& a, const U256& b);  // b != 0
U256 operator<<(const U256& a, int bits);
U256 operator>>(const U256& a, int bits);

std::optional<U256> checked_add(const U256& a, const U256& b);
std::optional<U256> checked_sub(const U256& a, const U256& b);
std::optional<U256> checked_mul(const U256& a, const U256& b);

// floor(a * b / denominator) with a 512-bit intermediate (FullMath.mulDiv); nullopt when the
// denominator is 0 or the result does not fit 256 bits.
std::optional<U256> mul_div(const U256& a, const U256& b, const U256& denominator);
// The same rounded up (FullMath.mulDivRoundingUp).
std::optional<U256> mul_div_rounding_up(const U256& a, const U256& b, const U256& denominator);
// ceil(a / b) (UnsafeMath.divRoundingUp); nullopt when b = 0.
std::optional<U256> div_rounding_up(const U256& a, const U256& b);

// SqrtPriceMath.getAmount0Delta / getAmount1Delta (unsigned versions).
std::optional<U256> get_amount0_delta(U256 sqrt_a_x96, U256 sqrt_b_x96, const U256& liquidity,
                                      bool round_up);
std::optional<U256> get_amount1_delta(U256 sqrt_a_x96, U256 sqrt_b_x96, const U256& liquidity,
                                      bool round_up);
// SqrtPriceMath.getNextSqrtPriceFromInput / getNextSqrtPriceFromOutput.
std::optional<U256> get_next_sqrt_price_from_input(const U256& sqrt_price_x96,
                                                   const U256& liquidity, const U256& amount_in,
                                                   bool zero_for_one);
std::optional<U256> get_next_sqrt_price_from_output(const U256& sqrt_price_x96,
                                                    const U256& liquidity, const U256& amount_out,
                                                    bool zero_for_one);

struct ExactSwapStep {
  U256 sqrt_price_next_x96;
  U256 amount_in;
  U256 amount_out;
  U256 fee_amount;
};

// SwapMath.computeSwapStep. The contract's int256 amountRemaining is split into its magnitude and
// exact_input (amountRemaining >= 0); fee_pips in hundredths of a basis point (3000 = 0.3%).
std::optional<ExactSwapStep> compute_swap_step(const U256& sqrt_price_current_x96,
                                               const U256& sqrt_price_target_x96,
                                               const U256& liquidity, const U256& amount_remaining,
                                               bool exact_input, std::uint32_t fee_pips);

// LiquidityAmounts.getLiquidityForAmounts / getAmountsForLiquidity.
std::optional<U256> get_liquidity_for_amounts(const U256& sqrt_price_x96, U256 sqrt_a_x96,
                                              U256 sqrt_b_x96, const U256& amount0,
                                              const U256& amount1);
std::optional<std::pair<U256, U256>> get_amounts_for_liquidity(const U256& sqrt_price_x96,
                                                               U256 sqrt_a_x96, U256 sqrt_b_x96,
                                                               const U256& liquidity);

}  // namespace keel::amm::exact
