#include "keel/defi/amm_exact.hpp"

#include <algorithm>
#include <cmath>

namespace keel::amm::exact {
namespace {

__extension__ using Wide = unsigned __int128;

// A 512-bit product, eight limbs, least significant first.
using U512 = std::array<std::uint64_t, 8>;

U512 multiply_wide(const U256& a, const U256& b) {
  U512 out{};
  for (int i = 0; i < 4; ++i) {
    std::uint64_t carry = 0;
    for (int j = 0; j < 4; ++j) {
      const Wide t = static_cast<Wide>(a.limbs[i]) * b.limbs[j] + out[i + j] + carry;
      out[i + j] = static_cast<std::uint64_t>(t);
      carry = static_cast<std::uint64_t>(t >> 64);
    }
    out[i + 4] = carry;
  }
  return out;
}

// Restoring binary long division of a 512-bit numerator by a non-zero 256-bit divisor. The
// remainder stays below the divisor, so after a one-bit shift it needs at most 257 bits: a fifth
// limb holds the overflow bit. Slow (512 steps) and simple; these are not hot paths.
struct Division {
  U512 quotient{};
  U256 remainder;
};

Division divide_wide(const U512& numerator, const U256& divisor) {
  Division out;
  std::array<std::uint64_t, 5> rem{};
  for (int bit = 511; bit >= 0; --bit) {
    // rem = rem << 1 | numerator bit
    for (int k = 4; k > 0; --k) rem[k] = (rem[k] << 1) | (rem[k - 1] >> 63);
    rem[0] = (rem[0] << 1) | ((numerator[bit / 64] >> (bit % 64)) & 1U);
    // rem >= divisor ?
    bool greater_or_equal = rem[4] != 0;
    if (!greater_or_equal) {
      greater_or_equal = true;
      for (int k = 3; k >= 0; --k) {
        if (rem[k] != divisor.limbs[k]) {
          greater_or_equal = rem[k] > divisor.limbs[k];
          break;
        }
      }
    }
    if (greater_or_equal) {
      std::uint64_t borrow = 0;
      for (int k = 0; k < 5; ++k) {
        const std::uint64_t d = k < 4 ? divisor.limbs[k] : 0;
        const Wide t = static_cast<Wide>(rem[k]) - d - borrow;
        rem[k] = static_cast<std::uint64_t>(t);
        borrow = static_cast<std::uint64_t>(t >> 64) != 0 ? 1 : 0;
      }
      out.quotient[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
  }
  for (int k = 0; k < 4; ++k) out.remainder.limbs[k] = rem[k];
  return out;
}

U512 widen(const U256& a) { return {a.limbs[0], a.limbs[1], a.limbs[2], a.limbs[3], 0, 0, 0, 0}; }

std::optional<U256> narrow(const U512& a) {
  if ((a[4] | a[5] | a[6] | a[7]) != 0) return std::nullopt;
  U256 out;
  for (int k = 0; k < 4; ++k) out.limbs[k] = a[k];
  return out;
}

bool fits(const U256& a, int bits) { return a.bit_width() <= bits; }

const U256 kQ96 = U256(1) << 96;

}  // namespace

U256 U256::max() { return ones(256); }

U256 U256::ones(int bits) {
  U256 out;
  for (int k = 0; k < 4; ++k) {
    const int in_limb = std::clamp(bits - 64 * k, 0, 64);
    out.limbs[k] = in_limb == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << in_limb) - 1);
  }
  return out;
}

std::optional<U256> U256::from_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  U256 value;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::optional<U256> times_ten = checked_mul(value, U256(10));
    if (!times_ten) return std::nullopt;
    const std::optional<U256> next =
        checked_add(*times_ten, U256(static_cast<std::uint64_t>(c - '0')));
    if (!next) return std::nullopt;
    value = *next;
  }
  return value;
}

std::string U256::to_decimal() const {
  if (is_zero()) return "0";
  std::string digits;
  U256 value = *this;
  while (!value.is_zero()) {
    const U256 ten(10);
    digits.push_back(static_cast<char>('0' + (value % ten).limbs[0]));
    value = value / ten;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

double U256::to_double() const {
  double out = 0.0;
  for (int k = 3; k >= 0; --k) out = out * 18446744073709551616.0 + static_cast<double>(limbs[k]);
  return out;
}

int U256::bit_width() const {
  for (int k = 3; k >= 0; --k) {
    if (limbs[k] != 0) return 64 * k + (64 - __builtin_clzll(limbs[k]));
  }
  return 0;
}

std::strong_ordering operator<=>(const U256& a, const U256& b) {
  for (int k = 3; k >= 0; --k) {
    if (a.limbs[k] != b.limbs[k]) return a.limbs[k] <=> b.limbs[k];
  }
  return std::strong_ordering::equal;
}

U256 operator+(const U256& a, const U256& b) {
  U256 out;
  std::uint64_t carry = 0;
  for (int k = 0; k < 4; ++k) {
    const Wide t = static_cast<Wide>(a.limbs[k]) + b.limbs[k] + carry;
    out.limbs[k] = static_cast<std::uint64_t>(t);
    carry = static_cast<std::uint64_t>(t >> 64);
  }
  return out;
}

U256 operator-(const U256& a, const U256& b) {
  U256 out;
  std::uint64_t borrow = 0;
  for (int k = 0; k < 4; ++k) {
    const Wide t = static_cast<Wide>(a.limbs[k]) - b.limbs[k] - borrow;
    out.limbs[k] = static_cast<std::uint64_t>(t);
    borrow = static_cast<std::uint64_t>(t >> 64) != 0 ? 1 : 0;
  }
  return out;
}

U256 operator*(const U256& a, const U256& b) {
  const U512 wide = multiply_wide(a, b);
  U256 out;
  for (int k = 0; k < 4; ++k) out.limbs[k] = wide[k];
  return out;
}

U256 operator/(const U256& a, const U256& b) { return *narrow(divide_wide(widen(a), b).quotient); }

U256 operator%(const U256& a, const U256& b) { return divide_wide(widen(a), b).remainder; }

U256 operator<<(const U256& a, int bits) {
  U256 out;
  if (bits >= 256) return out;
  const int limb_shift = bits / 64, bit_shift = bits % 64;
  for (int k = 3; k >= limb_shift; --k) {
    std::uint64_t v = a.limbs[k - limb_shift] << bit_shift;
    if (bit_shift != 0 && k - limb_shift - 1 >= 0) {
      v |= a.limbs[k - limb_shift - 1] >> (64 - bit_shift);
    }
    out.limbs[k] = v;
  }
  return out;
}

U256 operator>>(const U256& a, int bits) {
  U256 out;
  if (bits >= 256) return out;
  const int limb_shift = bits / 64, bit_shift = bits % 64;
  for (int k = 0; k + limb_shift < 4; ++k) {
    std::uint64_t v = a.limbs[k + limb_shift] >> bit_shift;
    if (bit_shift != 0 && k + limb_shift + 1 < 4) {
      v |= a.limbs[k + limb_shift + 1] << (64 - bit_shift);
    }
    out.limbs[k] = v;
  }
  return out;
}

std::optional<U256> checked_add(const U256& a, const U256& b) {
  const U256 sum = a + b;
  if (sum < a) return std::nullopt;
  return sum;
}

std::optional<U256> checked_sub(const U256& a, const U256& b) {
  if (b > a) return std::nullopt;
  return a - b;
}

std::optional<U256> checked_mul(const U256& a, const U256& b) {
  return narrow(multiply_wide(a, b));
}

std::optional<U256> mul_div(const U256& a, const U256& b, const U256& denominator) {
  if (denominator.is_zero()) return std::nullopt;
  return narrow(divide_wide(multiply_wide(a, b), denominator).quotient);
}

std::optional<U256> mul_div_rounding_up(const U256& a, const U256& b, const U256& denominator) {
  if (denominator.is_zero()) return std::nullopt;
  const Division division = divide_wide(multiply_wide(a, b), denominator);
  const std::optional<U256> quotient = narrow(division.quotient);
  if (!quotient) return std::nullopt;
  if (division.remainder.is_zero()) return quotient;
  if (*quotient == U256::max()) return std::nullopt;
  return *quotient + U256(1);
}

std::optional<U256> div_rounding_up(const U256& a, const U256& b) {
  if (b.is_zero()) return std::nullopt;
  const Division division = divide_wide(widen(a), b);
  U256 quotient = *narrow(division.quotient);
  if (!division.remainder.is_zero()) quotient = quotient + U256(1);
  return quotient;
}

// ---------------------------------------------------------------------------------------------

std::optional<U256> get_amount0_delta(U256 sqrt_a_x96, U256 sqrt_b_x96, const U256& liquidity,
                                      bool round_up) {
  if (sqrt_a_x96 > sqrt_b_x96) std::swap(sqrt_a_x96, sqrt_b_x96);
  if (sqrt_a_x96.is_zero() || !fits(liquidity, 128) || !fits(sqrt_b_x96, 160)) return std::nullopt;
  // L (sb - sa) / (sb sa) in Q96: (L << 96)(sb - sa) / sb, then / sa.
  const U256 numerator1 = liquidity << 96;
  const U256 numerator2 = sqrt_b_x96 - sqrt_a_x96;
  if (round_up) {
    const std::optional<U256> first = mul_div_rounding_up(numerator1, numerator2, sqrt_b_x96);
    if (!first) return std::nullopt;
    return div_rounding_up(*first, sqrt_a_x96);
  }
  const std::optional<U256> first = mul_div(numerator1, numerator2, sqrt_b_x96);
  if (!first) return std::nullopt;
  return *first / sqrt_a_x96;
}

std::optional<U256> get_amount1_delta(U256 sqrt_a_x96, U256 sqrt_b_x96, const U256& liquidity,
                                      bool round_up) {
  if (sqrt_a_x96 > sqrt_b_x96) std::swap(sqrt_a_x96, sqrt_b_x96);
  if (!fits(liquidity, 128) || !fits(sqrt_b_x96, 160)) return std::nullopt;
  const U256 difference = sqrt_b_x96 - sqrt_a_x96;
  return round_up ? mul_div_rounding_up(liquidity, difference, kQ96)
                  : mul_div(liquidity, difference, kQ96);
}

namespace {

// The price after adding (add) or removing token0, rounded up: L s / (L +- x s) in Q96.
std::optional<U256> next_from_amount0_rounding_up(const U256& sqrt_p, const U256& liquidity,
                                                  const U256& amount, bool add) {
  if (amount.is_zero()) return sqrt_p;
  const U256 numerator1 = liquidity << 96;
  const std::optional<U256> product = checked_mul(amount, sqrt_p);
  if (add) {
    if (product) {
      const std::optional<U256> denominator = checked_add(numerator1, *product);
      if (denominator) {
        return mul_div_rounding_up(numerator1, sqrt_p, *denominator);  // fits 160 bits
      }
    }
    // The product overflows: the equivalent L / (L / s + x), less precise but in range.
    const std::optional<U256> denominator = checked_add(numerator1 / sqrt_p, amount);
    if (!denominator) return std::nullopt;
    return div_rounding_up(numerator1, *denominator);
  }
  if (!product || !(numerator1 > *product)) return std::nullopt;
  const std::optional<U256> next = mul_div_rounding_up(numerator1, sqrt_p, numerator1 - *product);
  if (!next || !fits(*next, 160)) return std::nullopt;
  return next;
}

// The price after adding or removing token1, rounded down: s +- y / L in Q96.
std::optional<U256> next_from_amount1_rounding_down(const U256& sqrt_p, const U256& liquidity,
                                                    const U256& amount, bool add) {
  const bool small = fits(amount, 160);
  if (add) {
    const std::optional<U256> quotient =
        small ? std::optional<U256>((amount << 96) / liquidity) : mul_div(amount, kQ96, liquidity);
    if (!quotient) return std::nullopt;
    const std::optional<U256> next = checked_add(sqrt_p, *quotient);
    if (!next || !fits(*next, 160)) return std::nullopt;
    return next;
  }
  const std::optional<U256> quotient = small ? div_rounding_up(amount << 96, liquidity)
                                             : mul_div_rounding_up(amount, kQ96, liquidity);
  if (!quotient || !(sqrt_p > *quotient)) return std::nullopt;
  return sqrt_p - *quotient;
}

bool valid_price_and_liquidity(const U256& sqrt_p, const U256& liquidity) {
  return !sqrt_p.is_zero() && !liquidity.is_zero() && fits(sqrt_p, 160) && fits(liquidity, 128);
}

}  // namespace

std::optional<U256> get_next_sqrt_price_from_input(const U256& sqrt_price_x96,
                                                   const U256& liquidity, const U256& amount_in,
                                                   bool zero_for_one) {
  if (!valid_price_and_liquidity(sqrt_price_x96, liquidity)) return std::nullopt;
  return zero_for_one ? next_from_amount0_rounding_up(sqrt_price_x96, liquidity, amount_in, true)
                      : next_from_amount1_rounding_down(sqrt_price_x96, liquidity, amount_in, true);
}

std::optional<U256> get_next_sqrt_price_from_output(const U256& sqrt_price_x96,
                                                    const U256& liquidity, const U256& amount_out,
                                                    bool zero_for_one) {
  if (!valid_price_and_liquidity(sqrt_price_x96, liquidity)) return std::nullopt;
  return zero_for_one
             ? next_from_amount1_rounding_down(sqrt_price_x96, liquidity, amount_out, false)
             : next_from_amount0_rounding_up(sqrt_price_x96, liquidity, amount_out, false);
}

std::optional<ExactSwapStep> compute_swap_step(const U256& sqrt_price_current_x96,
                                               const U256& sqrt_price_target_x96,
                                               const U256& liquidity, const U256& amount_remaining,
                                               bool exact_input, std::uint32_t fee_pips) {
  if (fee_pips >= 1000000U) return std::nullopt;
  const bool zero_for_one = sqrt_price_current_x96 >= sqrt_price_target_x96;
  const U256& current = sqrt_price_current_x96;
  const U256& target = sqrt_price_target_x96;
  // Input (rounded up) and output (rounded down) between the current price and s.
  const auto input_to = [&](const U256& s) {
    return zero_for_one ? get_amount0_delta(s, current, liquidity, true)
                        : get_amount1_delta(current, s, liquidity, true);
  };
  const auto output_to = [&](const U256& s) {
    return zero_for_one ? get_amount1_delta(s, current, liquidity, false)
                        : get_amount0_delta(current, s, liquidity, false);
  };
  ExactSwapStep step;
  std::optional<U256> to_target_in, to_target_out;
  if (exact_input) {
    const std::optional<U256> less_fee =
        mul_div(amount_remaining, U256(1000000U - fee_pips), U256(1000000U));
    to_target_in = input_to(target);
    if (!less_fee || !to_target_in) return std::nullopt;
    if (*less_fee >= *to_target_in) {
      step.sqrt_price_next_x96 = target;
    } else {
      const std::optional<U256> next =
          get_next_sqrt_price_from_input(current, liquidity, *less_fee, zero_for_one);
      if (!next) return std::nullopt;
      step.sqrt_price_next_x96 = *next;
    }
  } else {
    to_target_out = output_to(target);
    if (!to_target_out) return std::nullopt;
    if (amount_remaining >= *to_target_out) {
      step.sqrt_price_next_x96 = target;
    } else {
      const std::optional<U256> next =
          get_next_sqrt_price_from_output(current, liquidity, amount_remaining, zero_for_one);
      if (!next) return std::nullopt;
      step.sqrt_price_next_x96 = *next;
    }
  }
  const bool reached = step.sqrt_price_next_x96 == target;
  const std::optional<U256> in =
      reached && exact_input ? to_target_in : input_to(step.sqrt_price_next_x96);
  const std::optional<U256> out =
      reached && !exact_input ? to_target_out : output_to(step.sqrt_price_next_x96);
  if (!in || !out) return std::nullopt;
  step.amount_in = *in;
  step.amount_out = *out;
  // An exact output never pays out more than asked (rounding can exceed it by one).
  if (!exact_input && step.amount_out > amount_remaining) step.amount_out = amount_remaining;
  if (exact_input && !reached) {
    // The target was not reached: what is left of the input after amount_in is the fee.
    step.fee_amount = amount_remaining - step.amount_in;
  } else {
    const std::optional<U256> fee =
        mul_div_rounding_up(step.amount_in, U256(fee_pips), U256(1000000U - fee_pips));
    if (!fee) return std::nullopt;
    step.fee_amount = *fee;
  }
  return step;
}

namespace {

std::optional<U256> liquidity_for_amount0(const U256& sqrt_a, const U256& sqrt_b,
                                          const U256& amount0) {
  const std::optional<U256> intermediate = mul_div(sqrt_a, sqrt_b, kQ96);
  if (!intermediate) return std::nullopt;
  const std::optional<U256> liquidity = mul_div(amount0, *intermediate, sqrt_b - sqrt_a);
  if (!liquidity || !fits(*liquidity, 128)) return std::nullopt;
  return liquidity;
}

std::optional<U256> liquidity_for_amount1(const U256& sqrt_a, const U256& sqrt_b,
                                          const U256& amount1) {
  const std::optional<U256> liquidity = mul_div(amount1, kQ96, sqrt_b - sqrt_a);
  if (!liquidity || !fits(*liquidity, 128)) return std::nullopt;
  return liquidity;
}

}  // namespace

std::optional<U256> get_liquidity_for_amounts(const U256& sqrt_price_x96, U256 sqrt_a_x96,
                                              U256 sqrt_b_x96, const U256& amount0,
                                              const U256& amount1) {
  if (sqrt_a_x96 > sqrt_b_x96) std::swap(sqrt_a_x96, sqrt_b_x96);
  if (sqrt_price_x96 <= sqrt_a_x96) return liquidity_for_amount0(sqrt_a_x96, sqrt_b_x96, amount0);
  if (sqrt_price_x96 >= sqrt_b_x96) return liquidity_for_amount1(sqrt_a_x96, sqrt_b_x96, amount1);
  const std::optional<U256> l0 = liquidity_for_amount0(sqrt_price_x96, sqrt_b_x96, amount0);
  const std::optional<U256> l1 = liquidity_for_amount1(sqrt_a_x96, sqrt_price_x96, amount1);
  if (!l0 || !l1) return std::nullopt;
  return std::min(*l0, *l1);
}

std::optional<std::pair<U256, U256>> get_amounts_for_liquidity(const U256& sqrt_price_x96,
                                                               U256 sqrt_a_x96, U256 sqrt_b_x96,
                                                               const U256& liquidity) {
  if (sqrt_a_x96 > sqrt_b_x96) std::swap(sqrt_a_x96, sqrt_b_x96);
  // The periphery's getAmount0ForLiquidity / getAmount1ForLiquidity round down, as the core's
  // deltas with round_up = false.
  std::optional<U256> amount0 = U256(0), amount1 = U256(0);
  if (sqrt_price_x96 <= sqrt_a_x96) {
    amount0 = get_amount0_delta(sqrt_a_x96, sqrt_b_x96, liquidity, false);
  } else if (sqrt_price_x96 < sqrt_b_x96) {
    amount0 = get_amount0_delta(sqrt_price_x96, sqrt_b_x96, liquidity, false);
    amount1 = get_amount1_delta(sqrt_a_x96, sqrt_price_x96, liquidity, false);
  } else {
    amount1 = get_amount1_delta(sqrt_a_x96, sqrt_b_x96, liquidity, false);
  }
  if (!amount0 || !amount1) return std::nullopt;
  return std::pair<U256, U256>{*amount0, *amount1};
}

}  // namespace keel::amm::exact
