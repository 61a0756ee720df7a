#pragma once
// Pool mathematics of automated market makers, in double precision (docs/positions_amm.md).
//
// Three families:
//   - constant product (Uniswap v2; Adams, Zinsmeister, Robinson, "Uniswap v2 Core", 2020),
//   - concentrated liquidity (Uniswap v3; Adams et al., "Uniswap v3 Core", 2021, sections 6.1-6.3;
//     A. Elsts, "Liquidity Math in Uniswap v3", 2021),
//   - StableSwap (M. Egorov, "StableSwap - efficient mechanism for Stablecoin liquidity", 2019),
// and the loss-versus-rebalancing of a liquidity provider (Milionis, Moallemi, Roughgarden, Zhang,
// "Automated Market Making and Loss-Versus-Rebalancing", 2022).
//
// Conventions.
// - The pool price P is the price of token0 in units of token1 ("token1 per token0"), decimals
//   applied. Uniswap stores sqrt(P) as a Q64.96 integer; here sqrt(P) is a plain double (divide
//   the contract's sqrtPriceX96 by 2^96, see kQ96). With quote prices p0, p1 of the tokens the
//   no-arbitrage pool price is P = p0 / p1.
// - Liquidity L is in sqrt(token0 * token1) units; reserves and amounts are in token units. The
//   functions are unit-agnostic: feeding raw integer units (wei) gives raw outputs, as the
//   contracts do.
// - fee_rate is the fraction of the input kept by the pool: 0.003 for v2 (the router's 997/1000),
//   feePips / 1e6 for v3 (3000 pips = 0.003).
// - Values without a quote currency (range_value, LVR rates) are in token1 units.
//
// Exactness. The contracts compute in integers and round (amounts in rounded up, amounts out
// rounded down, prices rounded toward the side that protects the pool). These functions compute
// the same quantities exactly in real arithmetic, then in double: they agree with the contracts
// to about 1e-12 relative when the integers are large (18-decimal amounts, Q96 prices) and to one
// unit of the last integer when they are small (tests/defi/amm_reference_test.cpp). For the
// contracts' integers to the wei, use amm_exact.hpp.
//
// Preconditions are documented per function; out-of-domain inputs return NaN (these are inner-loop
// primitives; the validated entry points are in amm_position.hpp).

#include <cstddef>
#include <span>
#include <vector>

namespace keel::amm {

// 2^96: the contracts' sqrtPriceX96 = sqrt(P) * kQ96.
inline constexpr double kQ96 = 79228162514264337593543950336.0;
// Uniswap v3 ticks: P(tick) = 1.0001^tick, tick in [kMinTick, kMaxTick] (TickMath.sol).
inline constexpr double kTickBase = 1.0001;
// ln(1.0001) to double precision. Not std::log(1.0001): the double nearest 1.0001 is off by
// ~1e-17, which is 1e-13 relative in the logarithm and 5e-12 in the price at the extreme ticks.
inline constexpr double kLogTickBase = 9.9995000333308335333e-05;
inline constexpr int kMinTick = -887272;
inline constexpr int kMaxTick = 887272;

// ---------------------------------------------------------------------------------------------
// Constant product (Uniswap v2): x * y = k.

// The output of a swap of amount_in into a pool with reserves (reserve_in, reserve_out), with the
// fee taken on the input (UniswapV2Library.getAmountOut without its integer floor):
//   out = a (1 - f) R_out / (R_in + a (1 - f)).
// The contract returns floor(out). Requires amount_in >= 0, reserves > 0, 0 <= fee_rate < 1.
double cp_amount_out(double amount_in, double reserve_in, double reserve_out, double fee_rate);

// The input needed to receive amount_out (UniswapV2Library.getAmountIn without its integer
// rounding): in = R_in * out / ((R_out - out)(1 - f)). The contract returns floor(in) + 1.
// Requires 0 <= amount_out < reserve_out (infinity when amount_out >= reserve_out).
double cp_amount_in(double amount_out, double reserve_in, double reserve_out, double fee_rate);

// Divergence ("impermanent") loss of a full-range constant-product position against holding the
// deposit, as a fraction of the held value, when the pool price moves by the factor
// price_ratio = P / P_entry = k:  2 sqrt(k) / (1 + k) - 1  (<= 0, zero at k = 1).
double cp_divergence_loss(double price_ratio);

// ---------------------------------------------------------------------------------------------
// Ticks and prices (Uniswap v3 whitepaper section 6.1: p(i) = 1.0001^i, sqrt_p(i) = 1.0001^(i/2)).

double price_at_tick(double tick);
double sqrt_price_at_tick(double tick);
// The greatest tick whose price is <= price: floor(ln P / ln 1.0001) (TickMath.getTickAtSqrtRatio).
// Requires price > 0.
int tick_at_price(double price);

// ---------------------------------------------------------------------------------------------
// Concentrated liquidity (Uniswap v3). A position of liquidity L on [pa, pb] holds the real
// reserves of the constant-product curve (x + L/sqrt(pb)) (y + L sqrt(pa)) = L^2 (whitepaper
// eq. 2.2). With sa = sqrt(pa), sb = sqrt(pb), s = sqrt(P) (Elsts 2021 eq. 4-6):
//   P <= pa:       x = L (1/sa - 1/sb),  y = 0                  (all token0)
//   pa < P < pb:   x = L (1/s - 1/sb),   y = L (s - sa)
//   P >= pb:       x = 0,                y = L (sb - sa)        (all token1)
// pa = 0 and pb = infinity give the constant-product position (x = L/s, y = L s).

struct TokenAmounts {
  double amount0 = 0.0;
  double amount1 = 0.0;
};

// SqrtPriceMath.getAmount0Delta / getAmount1Delta without rounding, for sqrt prices in either
// order: amount0 = L |1/sa - 1/sb|, amount1 = L |sb - sa|.
double amount0_delta(double sqrt_price_a, double sqrt_price_b, double liquidity);
double amount1_delta(double sqrt_price_a, double sqrt_price_b, double liquidity);

// The three cases above (LiquidityAmounts.getAmountsForLiquidity). Requires
// 0 <= sqrt_lower < sqrt_upper <= infinity, sqrt_price > 0, liquidity >= 0.
TokenAmounts amounts_for_liquidity(double sqrt_price, double sqrt_lower, double sqrt_upper,
                                   double liquidity);

// LiquidityAmounts.getLiquidityForAmount0/1: L0 = x sa sb / (sb - sa), L1 = y / (sb - sa).
double liquidity_for_amount0(double sqrt_a, double sqrt_b, double amount0);
double liquidity_for_amount1(double sqrt_a, double sqrt_b, double amount1);
// LiquidityAmounts.getLiquidityForAmounts: below the range only token0 counts (L0 on [sa, sb]),
// above only token1 (L1 on [sa, sb]), inside min(L0 on [s, sb], L1 on [sa, s]): the largest L
// the two amounts can both fund.
double liquidity_for_amounts(double sqrt_price, double sqrt_lower, double sqrt_upper,
                             double amount0, double amount1);

// The value of the position in token1 units, x P + y.
double range_value(double price, double liquidity, double price_lower, double price_upper);

// The lower price of the range that makes a deposit of (amount0, amount1) at price P with upper
// price pb use both amounts fully (Elsts 2021 example 2): L = x s sb / (sb - s),
// sqrt(pa) = s - y / L. Requires P < pb and amounts > 0; NaN when no such pa >= 0 exists.
double range_lower_for_amounts(double price, double price_upper, double amount0, double amount1);

// SqrtPriceMath.getNextSqrtPriceFromInput without rounding. zero_for_one: token0 in, price down,
//   s' = L s / (L + x_in s);  otherwise token1 in, price up, s' = s + y_in / L.
double next_sqrt_price_from_input(double sqrt_price, double liquidity, double amount_in,
                                  bool zero_for_one);
// SqrtPriceMath.getNextSqrtPriceFromOutput without rounding. zero_for_one: token1 out,
//   s' = s - y_out / L;  otherwise token0 out, s' = L s / (L - x_out s).
// NaN when the output is not less than the virtual reserve (y_out >= L s or x_out >= L / s).
double next_sqrt_price_from_output(double sqrt_price, double liquidity, double amount_out,
                                   bool zero_for_one);

struct SwapStep {
  double sqrt_price_next = 0.0;
  double amount_in = 0.0;  // input net of the fee
  double amount_out = 0.0;
  double fee_amount = 0.0;  // the fee, in the input token
};

// One step of a swap inside a range of constant liquidity (SwapMath.computeSwapStep in reals).
// The direction is zero_for_one when sqrt_price_target <= sqrt_price_current. amount_remaining
// > 0 is an exact input (fee included), < 0 an exact output. The step stops at the target price
// or when the amount is used: exact input: the input less the fee a (1 - f) moves the price if it
// does not reach the target (then fee = a - amount_in), else amount_in is what reaches the target
// and fee = amount_in f / (1 - f); exact output: the same with the output.
SwapStep compute_swap_step(double sqrt_price_current, double sqrt_price_target, double liquidity,
                           double amount_remaining, double fee_rate);

struct PriceImpact {
  double amount_out = 0.0;
  double fee_amount = 0.0;
  double price_after = 0.0;      // pool price after the trade (token1 per token0)
  double execution_price = 0.0;  // token1 per token0 paid or received, fee included
  // |execution_price / price_before - 1|: the cost of the trade against the pre-trade price as a
  // fraction, fee included (a vanishing trade still pays the fee: impact -> f for a sale of
  // token0, f / (1 - f) for a purchase).
  double impact = 0.0;
};

// A trade of amount_in (fee included) at pool price P on a curve of active liquidity L, assumed
// to stay inside one initialised range (no tick crossed): zero_for_one sells token0 for token1.
PriceImpact swap_price_impact(double price, double liquidity, double amount_in, bool zero_for_one,
                              double fee_rate);

// Divergence loss of a range position against holding its deposit, as a fraction of the held
// value: V_lp(P) / V_hold(P) - 1, where the deposit is the position's amounts at entry_price and
// V_hold(P) = x_entry P + y_entry (both in token1). Independent of L. Reduces to
// cp_divergence_loss(P / P_entry) for the full range.
double range_divergence_loss(double entry_price, double price, double price_lower,
                             double price_upper);

// ---------------------------------------------------------------------------------------------
// Loss-versus-rebalancing (Milionis, Moallemi, Roughgarden, Zhang 2022).
//
// Setting: the pool price follows dP = sigma P dB (sigma is the volatility of P = p0/p1, annual);
// the pool holds x(P) token0 and y(P) token1 with value V(P) = x(P) P + y(P) in token1. Arbitrage
// keeps the pool at the market price, i.e. at the point of its curve that minimises P x + y, so
// V(P) = min over the curve of (P x + y) and V'(P) = x(P) (the envelope property; for Uniswap
// curves differentiate V = L(2s - P/sb - sa) to see it). The rebalancing strategy holds the same
// x(P_t) token0 but trades at market prices; its value changes by x(P_t) dP_t. The LP's value
// changes by dV = V'(P) dP + 1/2 V''(P) (dP)^2 = x dP + 1/2 x'(P) sigma^2 P^2 dt (Ito), so the LP
// loses to the rebalancing strategy at the rate (Theorem 1 of the paper)
//   l(P) = sigma^2 P^2 / 2 * |x'(P)|   (token1 per unit time; x' <= 0).
// Concentrated liquidity on [pa, pb]: inside the range x(P) = L (P^-1/2 - pb^-1/2), so
//   x'(P) = -L / (2 P^3/2)  and  l(P) = sigma^2 L sqrt(P) / 4;
// outside the range x is constant (0 or L (1/sa - 1/sb)), x' = 0 and l = 0.
// Constant product (pa = 0, pb = inf): V = 2 L sqrt(P), so l / V = sigma^2 / 8.

// The full-range rate as a fraction of the position's value per year: sigma^2 / 8.
double lvr_rate_constant_product(double sigma);

// l(P) in token1 per year for a range position: sigma^2 L sqrt(P) / 4 inside (pa, pb), 0
// outside. Divide by range_value for the fraction of value.
double lvr_rate_concentrated(double price, double liquidity, double price_lower, double price_upper,
                             double sigma);

struct DiscreteLvr {
  double total = 0.0;           // sum of the step losses, token1
  double total_fraction = 0.0;  // sum of step loss / V(P_t): loss per unit value (no units)
  std::size_t steps = 0;
};

// LVR along a price path P_0 .. P_n (each step one arbitrage to the new price). The rebalancing
// strategy holds x(P_t) token0 over step t and gains x(P_t)(P_{t+1} - P_t); the LP's value
// changes by V(P_{t+1}) - V(P_t). The step loss
//   lvr_t = x(P_t)(P_{t+1} - P_t) - (V(P_{t+1}) - V(P_t))  >= 0
// is non-negative because V is concave with V' = x; summing gives the identity
//   V(P_n) - V(P_0) = sum_t x(P_t)(P_{t+1} - P_t) - sum_t lvr_t.
// Full range: lvr_t = L (sqrt(P_{t+1}) - sqrt(P_t))^2 / sqrt(P_t), so lvr_t / V(P_t) =
// (e^{h/2} - 1)^2 / 2 = h^2/8 + h^3/16 + O(h^4) for the log return h: summed over a path it is
// realised variance / 8, the discrete counterpart of sigma^2 / 8. Requires all prices > 0.
DiscreteLvr discrete_lvr(std::span<const double> prices, double liquidity, double price_lower,
                         double price_upper);

// ---------------------------------------------------------------------------------------------
// Range exit probability.

// The probability that a geometric Brownian motion started at price P in (pa, pb), with annual
// volatility sigma and price drift mu (dP = mu P dt + sigma P dW; mu = 0 makes P a martingale),
// leaves [pa, pb] before horizon_years. With X = ln P (drift nu = mu - sigma^2/2), width
// w = ln(pb/pa), start y = ln(P/pa), theta = nu / sigma^2 and a_k = k pi / w, the survival
// probability is the eigenfunction series of the killed diffusion (Cox & Miller, "The Theory of
// Stochastic Processes", 1965, section 5.7; Girsanov removes the drift):
//   S(T) = (2/w) exp(-theta y - nu^2 T / (2 sigma^2))
//          * sum_{k>=1} sin(a_k y) exp(-sigma^2 a_k^2 T / 2) a_k (1 - (-1)^k e^{theta w})
//                                                               / (theta^2 + a_k^2),
// and the exit probability is 1 - S(T). The terms decay like exp(-sigma^2 pi^2 k^2 T / (2 w^2));
// the sum runs until that factor falls below 1e-17. When that needs more than 1e5 terms
// (sigma sqrt(T) < w / 700) the two single-barrier probabilities are added instead (exact up to
// the chance of touching both barriers, < 1e-100 there). Returns 1 when P is outside (pa, pb) or on
// its boundary, 0 when sigma = 0 or horizon_years = 0 with P inside. pa = 0 or pb = inf reduce to
// one barrier and are handled by the closed form of the single-barrier hitting probability.
double range_exit_probability(double price, double price_lower, double price_upper, double sigma,
                              double horizon_years, double mu = 0.0);

// ---------------------------------------------------------------------------------------------
// StableSwap (Egorov 2019), n coins with balances x_i (in coins, all of price ~1), amplification A
// in the WHITEPAPER convention. The invariant D solves
//   A n^n sum x_i + D = A D n^n + D^(n+1) / (n^n prod x_i).
// Curve contracts store amp = A n^(n-1) (older pools such as 3pool) or
// amp = A n^(n-1) A_PRECISION with A_PRECISION = 100 (newer pools); Ann = amp * n then equals
// A n^n (times A_PRECISION). So A_whitepaper = stored_amp / (n^(n-1) A_PRECISION).
// The invariant is homogeneous of degree 1: scaling every balance by c scales D by c.

// D by Newton's method from D = sum x (as the contract's get_D):
//   D <- (Ann S + n D_P) D / ((Ann - 1) D + (n + 1) D_P),  D_P = D^(n+1) / (n^n prod x),
// stopping when successive D agree to 1e-15 relative. Requires n >= 2, balances > 0, A > 0.
// NaN if it does not converge in 255 iterations.
double stableswap_invariant(std::span<const double> balances, double amplification);

// The balance of coin j that keeps the invariant D when coin i's balance is set to new_balance_i
// (the contract's get_y): y solves y^2 + (b - D) y = c with
//   b = S' + D / Ann,  c = D^(n+1) / (n^n prod' x Ann),
// where S' and prod' run over the coins other than j (coin i at its new balance). Newton's
// iteration y <- (y^2 + c) / (2y + b - D) from y = D.
double stableswap_get_y(std::size_t i, std::size_t j, double new_balance_i,
                        std::span<const double> balances, double amplification);

// The amount of coin j received for dx of coin i (the contract's get_dy): dy = x_j - y, less the
// fee fee_rate * dy (Curve charges the fee on the output). The contract subtracts one extra unit
// of the smallest denomination before the fee; see the reference test.
double stableswap_get_dy(std::size_t i, std::size_t j, double dx, std::span<const double> balances,
                         double amplification, double fee_rate);

// The marginal price of coin i in units of coin j, -dx_j/dx_i along the invariant:
//   (A n^n + K / x_i) / (A n^n + K / x_j),  K = D^(n+1) / (n^n prod x).
double stableswap_marginal_price(std::size_t i, std::size_t j, std::span<const double> balances,
                                 double amplification);

// The balances of a pool of invariant D whose marginal prices equal the external prices
// (prices[i] / prices[j] for every pair): the point of the invariant surface where an arbitrageur
// leaves the pool, which minimises sum p_i x_i on the surface. From grad F = lambda p:
//   x_i = K / (lambda p_i - A n^n),  K^(n+1) = D^(n+1) prod(lambda p_i - A n^n) / n^n,
// and lambda solves A n^n sum x_i + D (1 - A n^n) - K = 0 (one-dimensional, bracketed, solved
// by bisection on log(lambda - A n^n / min p) to 1e-15). Any n >= 2. Empty on bad input.
std::vector<double> stableswap_balances_at_prices(double invariant, double amplification,
                                                  std::span<const double> prices);

// d x_i / d p_k of the balances above (implicit differentiation of grad F = lambda p, F = 0):
// the n x n matrix row-major, symmetric negative semi-definite. Empty on bad input.
std::vector<double> stableswap_balance_sensitivities(double invariant, double amplification,
                                                     std::span<const double> prices);

}  // namespace keel::amm
