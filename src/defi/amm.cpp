#include "keel/defi/amm.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace keel::amm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

// P(max_{t<=T} (nu t + sigma W_t) >= d) for d > 0: the reflection principle with drift.
double hit_upper_probability(double d, double nu, double sigma, double horizon) {
  const double sd = sigma * std::sqrt(horizon);
  const double first = normal_cdf((-d + nu * horizon) / sd);
  // exp(2 nu d / sigma^2) N(.) can overflow times underflow; combine in logs.
  const double z = (-d - nu * horizon) / sd;
  const double log_second = 2.0 * nu * d / (sigma * sigma) + std::log(normal_cdf(z));
  return std::clamp(first + std::exp(log_second), 0.0, 1.0);
}

}  // namespace

double cp_amount_out(double amount_in, double reserve_in, double reserve_out, double fee_rate) {
  if (!(amount_in >= 0.0) || !(reserve_in > 0.0) || !(reserve_out > 0.0) || !(fee_rate >= 0.0) ||
      !(fee_rate < 1.0)) {
    return kNaN;
  }
  const double in_less_fee = amount_in * (1.0 - fee_rate);
  return in_less_fee * reserve_out / (reserve_in + in_less_fee);
}

double cp_amount_in(double amount_out, double reserve_in, double reserve_out, double fee_rate) {
  if (!(amount_out >= 0.0) || !(reserve_in > 0.0) || !(reserve_out > 0.0) || !(fee_rate >= 0.0) ||
      !(fee_rate < 1.0)) {
    return kNaN;
  }
  if (amount_out >= reserve_out) return kInf;
  return reserve_in * amount_out / ((reserve_out - amount_out) * (1.0 - fee_rate));
}

double cp_divergence_loss(double price_ratio) {
  if (!(price_ratio > 0.0)) return kNaN;
  if (std::isinf(price_ratio)) return -1.0;
  return 2.0 * std::sqrt(price_ratio) / (1.0 + price_ratio) - 1.0;
}

double price_at_tick(double tick) { return std::exp(tick * kLogTickBase); }

double sqrt_price_at_tick(double tick) { return std::exp(0.5 * tick * kLogTickBase); }

int tick_at_price(double price) {
  if (!(price > 0.0) || std::isinf(price)) return 0;
  int tick = static_cast<int>(std::floor(std::log(price) / kLogTickBase));
  // The log quotient can land a hair off an exact tick; step so that price(tick) <= price <
  // price(tick + 1) holds in the same arithmetic price_at_tick uses.
  while (price_at_tick(tick) > price) --tick;
  while (price_at_tick(tick + 1) <= price) ++tick;
  return tick;
}

double amount0_delta(double sqrt_price_a, double sqrt_price_b, double liquidity) {
  const double lo = std::min(sqrt_price_a, sqrt_price_b);
  const double hi = std::max(sqrt_price_a, sqrt_price_b);
  if (!(lo > 0.0)) return lo == hi ? 0.0 : kInf;
  // L (1/lo - 1/hi) = L (hi - lo) / (lo hi), written to keep precision when hi ~ lo.
  if (std::isinf(hi)) return liquidity / lo;
  return liquidity * (hi - lo) / hi / lo;
}

double amount1_delta(double sqrt_price_a, double sqrt_price_b, double liquidity) {
  return liquidity * std::abs(sqrt_price_b - sqrt_price_a);
}

TokenAmounts amounts_for_liquidity(double sqrt_price, double sqrt_lower, double sqrt_upper,
                                   double liquidity) {
  if (!(sqrt_price > 0.0) || !(sqrt_lower >= 0.0) || !(sqrt_upper > sqrt_lower) ||
      !(liquidity >= 0.0)) {
    return {kNaN, kNaN};
  }
  if (sqrt_price <= sqrt_lower) return {amount0_delta(sqrt_lower, sqrt_upper, liquidity), 0.0};
  if (sqrt_price >= sqrt_upper) return {0.0, amount1_delta(sqrt_lower, sqrt_upper, liquidity)};
  return {amount0_delta(sqrt_price, sqrt_upper, liquidity),
          amount1_delta(sqrt_lower, sqrt_price, liquidity)};
}

double liquidity_for_amount0(double sqrt_a, double sqrt_b, double amount0) {
  const double lo = std::min(sqrt_a, sqrt_b);
  const double hi = std::max(sqrt_a, sqrt_b);
  if (std::isinf(hi)) return amount0 * lo;
  return amount0 * (lo * hi) / (hi - lo);
}

double liquidity_for_amount1(double sqrt_a, double sqrt_b, double amount1) {
  return amount1 / std::abs(sqrt_b - sqrt_a);
}

double liquidity_for_amounts(double sqrt_price, double sqrt_lower, double sqrt_upper,
                             double amount0, double amount1) {
  if (!(sqrt_price > 0.0) || !(sqrt_lower >= 0.0) || !(sqrt_upper > sqrt_lower) ||
      !(amount0 >= 0.0) || !(amount1 >= 0.0)) {
    return kNaN;
  }
  if (sqrt_price <= sqrt_lower) return liquidity_for_amount0(sqrt_lower, sqrt_upper, amount0);
  if (sqrt_price >= sqrt_upper) return liquidity_for_amount1(sqrt_lower, sqrt_upper, amount1);
  return std::min(liquidity_for_amount0(sqrt_price, sqrt_upper, amount0),
                  liquidity_for_amount1(sqrt_lower, sqrt_price, amount1));
}

double range_value(double price, double liquidity, double price_lower, double price_upper) {
  const TokenAmounts a = amounts_for_liquidity(std::sqrt(price), std::sqrt(price_lower),
                                               std::sqrt(price_upper), liquidity);
  return a.amount0 * price + a.amount1;
}

double range_lower_for_amounts(double price, double price_upper, double amount0, double amount1) {
  if (!(price > 0.0) || !(price_upper > price) || !(amount0 > 0.0) || !(amount1 > 0.0)) {
    return kNaN;
  }
  const double s = std::sqrt(price);
  const double liquidity = liquidity_for_amount0(s, std::sqrt(price_upper), amount0);
  const double sqrt_lower = s - amount1 / liquidity;
  if (!(sqrt_lower >= 0.0)) return kNaN;
  return sqrt_lower * sqrt_lower;
}

double next_sqrt_price_from_input(double sqrt_price, double liquidity, double amount_in,
                                  bool zero_for_one) {
  if (!(sqrt_price > 0.0) || !(liquidity > 0.0) || !(amount_in >= 0.0)) return kNaN;
  if (zero_for_one) {
    // L s / (L + x s) = L / (L / s + x): the second form cannot overflow for large s.
    return liquidity / (liquidity / sqrt_price + amount_in);
  }
  return sqrt_price + amount_in / liquidity;
}

double next_sqrt_price_from_output(double sqrt_price, double liquidity, double amount_out,
                                   bool zero_for_one) {
  if (!(sqrt_price > 0.0) || !(liquidity > 0.0) || !(amount_out >= 0.0)) return kNaN;
  if (zero_for_one) {
    const double next = sqrt_price - amount_out / liquidity;
    return next > 0.0 ? next : kNaN;
  }
  const double denominator = liquidity / sqrt_price - amount_out;
  return denominator > 0.0 ? liquidity / denominator : kNaN;
}

SwapStep compute_swap_step(double sqrt_price_current, double sqrt_price_target, double liquidity,
                           double amount_remaining, double fee_rate) {
  SwapStep step;
  if (!(sqrt_price_current > 0.0) || !(sqrt_price_target > 0.0) || !(liquidity > 0.0) ||
      !(fee_rate >= 0.0) || !(fee_rate < 1.0) || std::isnan(amount_remaining)) {
    return {kNaN, kNaN, kNaN, kNaN};
  }
  const bool zero_for_one = sqrt_price_current >= sqrt_price_target;
  const bool exact_in = amount_remaining >= 0.0;
  // Input and output between the current price and a price s, in the swap's direction.
  const auto input_to = [&](double s) {
    return zero_for_one ? amount0_delta(s, sqrt_price_current, liquidity)
                        : amount1_delta(sqrt_price_current, s, liquidity);
  };
  const auto output_to = [&](double s) {
    return zero_for_one ? amount1_delta(s, sqrt_price_current, liquidity)
                        : amount0_delta(sqrt_price_current, s, liquidity);
  };
  if (exact_in) {
    const double less_fee = amount_remaining * (1.0 - fee_rate);
    const double to_target = input_to(sqrt_price_target);
    if (less_fee >= to_target) {
      step.sqrt_price_next = sqrt_price_target;
      step.amount_in = to_target;
      step.fee_amount = to_target * fee_rate / (1.0 - fee_rate);
    } else {
      step.sqrt_price_next =
          next_sqrt_price_from_input(sqrt_price_current, liquidity, less_fee, zero_for_one);
      step.amount_in = less_fee;
      // The contract keeps the whole remainder as the fee when the target is not reached.
      step.fee_amount = amount_remaining - less_fee;
    }
    step.amount_out = output_to(step.sqrt_price_next);
  } else {
    const double wanted = -amount_remaining;
    const double to_target = output_to(sqrt_price_target);
    if (wanted >= to_target) {
      step.sqrt_price_next = sqrt_price_target;
      step.amount_out = to_target;
    } else {
      step.sqrt_price_next =
          next_sqrt_price_from_output(sqrt_price_current, liquidity, wanted, zero_for_one);
      step.amount_out = wanted;
    }
    step.amount_in = input_to(step.sqrt_price_next);
    step.fee_amount = step.amount_in * fee_rate / (1.0 - fee_rate);
  }
  return step;
}

PriceImpact swap_price_impact(double price, double liquidity, double amount_in, bool zero_for_one,
                              double fee_rate) {
  PriceImpact out;
  if (!(price > 0.0) || !(liquidity > 0.0) || !(amount_in > 0.0) || !(fee_rate >= 0.0) ||
      !(fee_rate < 1.0)) {
    return {kNaN, kNaN, kNaN, kNaN, kNaN};
  }
  const double s = std::sqrt(price);
  const double less_fee = amount_in * (1.0 - fee_rate);
  const double next = next_sqrt_price_from_input(s, liquidity, less_fee, zero_for_one);
  out.fee_amount = amount_in - less_fee;
  out.price_after = next * next;
  // The amounts in closed form rather than L |s - s'|, which cancels for small trades:
  // token0 in: y_out = L s x / (L/s + x); token1 in: x_out = y / (s s').
  if (zero_for_one) {
    out.amount_out = liquidity * s * less_fee / (liquidity / s + less_fee);
    out.execution_price = out.amount_out / amount_in;
  } else {
    out.amount_out = less_fee / (s * next);
    out.execution_price = amount_in / out.amount_out;
  }
  out.impact = std::abs(out.execution_price / price - 1.0);
  return out;
}

double range_divergence_loss(double entry_price, double price, double price_lower,
                             double price_upper) {
  if (!(entry_price > 0.0) || !(price > 0.0) || !(price_lower >= 0.0) ||
      !(price_upper > price_lower)) {
    return kNaN;
  }
  // Unit liquidity: the ratio does not depend on L.
  const TokenAmounts entry = amounts_for_liquidity(std::sqrt(entry_price), std::sqrt(price_lower),
                                                   std::sqrt(price_upper), 1.0);
  const double held = entry.amount0 * price + entry.amount1;
  return range_value(price, 1.0, price_lower, price_upper) / held - 1.0;
}

double lvr_rate_constant_product(double sigma) { return sigma * sigma / 8.0; }

double lvr_rate_concentrated(double price, double liquidity, double price_lower, double price_upper,
                             double sigma) {
  if (!(price > 0.0) || !(liquidity >= 0.0) || !(price_lower >= 0.0) ||
      !(price_upper > price_lower) || !(sigma >= 0.0)) {
    return kNaN;
  }
  if (price <= price_lower || price >= price_upper) return 0.0;
  return sigma * sigma * liquidity * std::sqrt(price) / 4.0;
}

DiscreteLvr discrete_lvr(std::span<const double> prices, double liquidity, double price_lower,
                         double price_upper) {
  DiscreteLvr result;
  const double sa = std::sqrt(price_lower);
  const double sb = std::sqrt(price_upper);
  for (std::size_t t = 0; t + 1 < prices.size(); ++t) {
    const double p0 = prices[t];
    const double p1 = prices[t + 1];
    if (!(p0 > 0.0) || !(p1 > 0.0)) return {kNaN, kNaN, result.steps};
    const TokenAmounts a0 = amounts_for_liquidity(std::sqrt(p0), sa, sb, liquidity);
    const TokenAmounts a1 = amounts_for_liquidity(std::sqrt(p1), sa, sb, liquidity);
    const double value0 = a0.amount0 * p0 + a0.amount1;
    // x0 (p1 - p0) - (V1 - V0) = (x0 - x1) p1 + (y0 - y1): the token flows the arbitrageur takes,
    // valued at the new price. This form has no cancellation between large values.
    const double loss = (a0.amount0 - a1.amount0) * p1 + (a0.amount1 - a1.amount1);
    result.total += loss;
    if (value0 > 0.0) result.total_fraction += loss / value0;
    ++result.steps;
  }
  return result;
}

double range_exit_probability(double price, double price_lower, double price_upper, double sigma,
                              double horizon_years, double mu) {
  if (!(price > 0.0) || !(price_lower >= 0.0) || !(price_upper > price_lower) || !(sigma >= 0.0) ||
      !(horizon_years >= 0.0) || std::isnan(mu) || std::isinf(price)) {
    return kNaN;
  }
  if (price <= price_lower || price >= price_upper) return 1.0;
  if (sigma == 0.0 || horizon_years == 0.0) {
    // Deterministic path P e^{mu t}: leaves when it reaches a bound within the horizon.
    const double end = price * std::exp(mu * horizon_years);
    return (end <= price_lower || end >= price_upper) ? 1.0 : 0.0;
  }
  const double nu = mu - 0.5 * sigma * sigma;
  const bool no_lower = price_lower == 0.0;
  const bool no_upper = std::isinf(price_upper);
  if (no_lower && no_upper) return 0.0;
  if (no_lower)
    return hit_upper_probability(std::log(price_upper / price), nu, sigma, horizon_years);
  if (no_upper)
    return hit_upper_probability(std::log(price / price_lower), -nu, sigma, horizon_years);

  const double w = std::log(price_upper / price_lower);
  const double y = std::log(price / price_lower);
  const double var = sigma * sigma;
  const double theta = nu / var;
  const double prefactor_log = -theta * y - nu * nu * horizon_years / (2.0 * var);
  const double decay = var * std::numbers::pi * std::numbers::pi * horizon_years / (2.0 * w * w);
  // Stop once exp(-decay k^2) < 1e-17 (ln 1e-17 ~ -39.1), and at least after a few terms.
  const double k_max_real = std::sqrt(39.2 / decay) + 2.0;
  if (k_max_real > 1e5) {
    // sigma sqrt(T) < w / 700: the series would need > 1e5 terms. Each barrier alone by its
    // closed form; the sum overcounts only paths that touch both, which must cross the whole
    // range (probability below exp(-w^2 / (2 sigma^2 T)) < 1e-100).
    const double up =
        hit_upper_probability(std::log(price_upper / price), nu, sigma, horizon_years);
    const double down =
        hit_upper_probability(std::log(price / price_lower), -nu, sigma, horizon_years);
    return std::min(1.0, up + down);
  }
  const long k_max = static_cast<long>(k_max_real);
  const double e_theta_w = std::exp(theta * w);
  double sum = 0.0;
  for (long k = 1; k <= k_max; ++k) {
    const double a = static_cast<double>(k) * std::numbers::pi / w;
    const double sign = (k % 2 == 0) ? 1.0 : -1.0;
    sum += std::sin(a * y) * std::exp(-decay * static_cast<double>(k) * static_cast<double>(k)) *
           a * (1.0 - sign * e_theta_w) / (theta * theta + a * a);
  }
  const double survival = 2.0 / w * std::exp(prefactor_log) * sum;
  return std::clamp(1.0 - survival, 0.0, 1.0);
}

// ---------------------------------------------------------------------------------------------
// StableSwap.

namespace {

bool valid_balances(std::span<const double> balances) {
  if (balances.size() < 2) return false;
  return std::all_of(balances.begin(), balances.end(),
                     [](double b) { return b > 0.0 && std::isfinite(b); });
}

}  // namespace

double stableswap_invariant(std::span<const double> balances, double amplification) {
  if (!valid_balances(balances) || !(amplification > 0.0) || std::isinf(amplification)) {
    return kNaN;
  }
  const double n = static_cast<double>(balances.size());
  const double ann = amplification * std::pow(n, n);
  double sum = 0.0;
  for (double b : balances) sum += b;
  double d = sum;
  for (int iteration = 0; iteration < 255; ++iteration) {
    // D_P = D^(n+1) / (n^n prod x), built one factor at a time as the contract does so that the
    // intermediate stays of the order of D.
    double d_p = d;
    for (double b : balances) d_p = d_p * d / (b * n);
    const double previous = d;
    d = (ann * sum + d_p * n) * d / ((ann - 1.0) * d + (n + 1.0) * d_p);
    if (std::abs(d - previous) <= 1e-15 * d) return d;
  }
  return kNaN;
}

double stableswap_get_y(std::size_t i, std::size_t j, double new_balance_i,
                        std::span<const double> balances, double amplification) {
  const std::size_t count = balances.size();
  if (i == j || i >= count || j >= count || !(new_balance_i > 0.0)) return kNaN;
  const double d = stableswap_invariant(balances, amplification);
  if (std::isnan(d)) return kNaN;
  const double n = static_cast<double>(count);
  const double ann = amplification * std::pow(n, n);
  double c = d;
  double sum = 0.0;
  for (std::size_t k = 0; k < count; ++k) {
    if (k == j) continue;
    const double x = k == i ? new_balance_i : balances[k];
    sum += x;
    c = c * d / (x * n);
  }
  c = c * d / (ann * n);
  const double b = sum + d / ann;
  double y = d;
  for (int iteration = 0; iteration < 255; ++iteration) {
    const double previous = y;
    y = (y * y + c) / (2.0 * y + b - d);
    if (std::abs(y - previous) <= 1e-15 * y) return y;
  }
  return kNaN;
}

double stableswap_get_dy(std::size_t i, std::size_t j, double dx, std::span<const double> balances,
                         double amplification, double fee_rate) {
  if (i >= balances.size() || !(dx >= 0.0) || !(fee_rate >= 0.0) || !(fee_rate < 1.0)) return kNaN;
  const double y = stableswap_get_y(i, j, balances[i] + dx, balances, amplification);
  const double dy = balances[j] - y;
  return dy * (1.0 - fee_rate);
}

double stableswap_marginal_price(std::size_t i, std::size_t j, std::span<const double> balances,
                                 double amplification) {
  const std::size_t count = balances.size();
  if (i >= count || j >= count) return kNaN;
  const double d = stableswap_invariant(balances, amplification);
  if (std::isnan(d)) return kNaN;
  const double n = static_cast<double>(count);
  const double ann = amplification * std::pow(n, n);
  double k = d;
  for (double b : balances) k = k * d / (b * n);
  return (ann + k / balances[i]) / (ann + k / balances[j]);
}

namespace {

struct StableswapPoint {
  std::vector<double> balances;
  double lambda = 0.0;
  double k = 0.0;
};

// Balances on grad F = lambda p for lambda = A n^n / min p + e^u (see the header), and the
// residual F / D. q_i = lambda p_i - A n^n is formed as p_i e^u + A n^n (p_i / min p - 1) so that
// it keeps full precision when lambda is close to its floor.
double stableswap_residual(double u, double d, double ann, double p_min,
                           std::span<const double> prices, std::vector<double>& balances,
                           double& k_out) {
  const std::size_t count = prices.size();
  const double n = static_cast<double>(count);
  const double excess = std::exp(u);
  double log_q = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    balances[i] = prices[i] * excess + ann * (prices[i] / p_min - 1.0);  // q_i for now
    log_q += std::log(balances[i]);
  }
  // log K = log D + (sum log q - n log n) / (n + 1).
  const double k = d * std::exp((log_q - n * std::log(n)) / (n + 1.0));
  double sum = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    balances[i] = k / balances[i];
    sum += balances[i];
  }
  k_out = k;
  // F / D = A n^n sum x / D + 1 - A n^n - K / D; decreasing in lambda.
  return ann * sum / d + 1.0 - ann - k / d;
}

bool solve_stableswap_point(double d, double amplification, std::span<const double> prices,
                            StableswapPoint& point) {
  if (!(d > 0.0) || std::isinf(d) || !(amplification > 0.0) || prices.size() < 2) return false;
  for (double p : prices) {
    if (!(p > 0.0) || std::isinf(p)) return false;
  }
  const std::size_t count = prices.size();
  const double n = static_cast<double>(count);
  const double ann = amplification * std::pow(n, n);
  const double p_min = *std::min_element(prices.begin(), prices.end());
  point.balances.assign(count, 0.0);
  // The residual goes from +inf (u -> -inf) to -inf (u -> +inf).
  const double centre = std::log(std::max(ann, 1.0) / p_min);
  double lo = centre - 200.0;
  double hi = centre + 200.0;
  double k = 0.0;
  if (!(stableswap_residual(lo, d, ann, p_min, prices, point.balances, k) > 0.0) ||
      !(stableswap_residual(hi, d, ann, p_min, prices, point.balances, k) < 0.0)) {
    return false;
  }
  for (int iteration = 0; iteration < 400 && hi - lo > 1e-15 * std::max(1.0, std::abs(lo));
       ++iteration) {
    const double mid = 0.5 * (lo + hi);
    if (stableswap_residual(mid, d, ann, p_min, prices, point.balances, k) > 0.0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double u = 0.5 * (lo + hi);
  point.lambda = ann / p_min + std::exp(u);
  stableswap_residual(u, d, ann, p_min, prices, point.balances, point.k);
  return true;
}

}  // namespace

std::vector<double> stableswap_balances_at_prices(double invariant, double amplification,
                                                  std::span<const double> prices) {
  StableswapPoint point;
  if (!solve_stableswap_point(invariant, amplification, prices, point)) return {};
  return point.balances;
}

std::vector<double> stableswap_balance_sensitivities(double invariant, double amplification,
                                                     std::span<const double> prices) {
  StableswapPoint point;
  if (!solve_stableswap_point(invariant, amplification, prices, point)) return {};
  const auto count = static_cast<Eigen::Index>(prices.size());
  const double n = static_cast<double>(count);
  const double ann = amplification * std::pow(n, n);
  // F = Ann sum x + D - Ann D - K with K = D^(n+1) / (n^n prod x):
  //   F_i = Ann + K / x_i,  F_ij = -K / (x_i x_j) - delta_ij K / x_i^2.
  // Differentiating F_i(x) = lambda p_i and F(x) = 0 in p_k:
  //   [H  -p] [dx/dp_k     ]   [lambda e_k]
  //   [g^T 0] [dlambda/dp_k] = [0         ],  g = grad F.
  Eigen::MatrixXd system = Eigen::MatrixXd::Zero(count + 1, count + 1);
  for (Eigen::Index i = 0; i < count; ++i) {
    const double xi = point.balances[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < count; ++j) {
      const double xj = point.balances[static_cast<std::size_t>(j)];
      system(i, j) = -point.k / (xi * xj) - (i == j ? point.k / (xi * xi) : 0.0);
    }
    system(i, count) = -prices[static_cast<std::size_t>(i)];
    system(count, i) = ann + point.k / xi;
  }
  Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(count + 1, count);
  for (Eigen::Index k = 0; k < count; ++k) rhs(k, k) = point.lambda;
  const Eigen::MatrixXd solution = system.fullPivLu().solve(rhs);
  std::vector<double> out(static_cast<std::size_t>(count * count));
  for (Eigen::Index i = 0; i < count; ++i) {
    for (Eigen::Index k = 0; k < count; ++k) {
      out[static_cast<std::size_t>(i * count + k)] = solution(i, k);
    }
  }
  return out;
}

}  // namespace keel::amm
