#include "keel/estimate/distributions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1.0) < kEpsilon) break;
  }
  return h;
}

// I_x(a, b) given x, y = 1 − x and their logarithms (callers pass exact values, possibly with
// x below the smallest double).
double incomplete_beta(double x, double y, double log_x, double log_y, double a, double b) {
  if (!(log_x > -std::numeric_limits<double>::infinity())) return 0.0;
  if (!(log_y > -std::numeric_limits<double>::infinity())) return 1.0;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * log_x + b * log_y);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, y) / b;
}

// P(T > |t|) for a Student-t with ν degrees of freedom, with x = ν / (ν + t²) formed without
// overflow for huge |t|.
double student_t_upper_tail(double t, double nu) {
  const double abs_t = std::abs(t);
  double x = 0.0;
  double y = 0.0;
  double log_x = 0.0;
  double log_y = 0.0;
  if (abs_t > std::sqrt(nu)) {
    const double q = std::sqrt(nu) / abs_t;  // x = q² / (1 + q²)
    const double q2 = q * q;
    x = q2 / (1.0 + q2);
    y = 1.0 / (1.0 + q2);
    log_x = 2.0 * std::log(q) - std::log1p(q2);
    log_y = -std::log1p(q2);
  } else {
    const double r = t * t / nu;  // x = 1 / (1 + r)
    x = 1.0 / (1.0 + r);
    y = r / (1.0 + r);
    log_x = -std::log1p(r);
    log_y = std::log(r) - std::log1p(r);
  }
  return 0.5 * incomplete_beta(x, y, log_x, log_y, 0.5 * nu, 0.5);
}

}  // namespace

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }

double regularized_incomplete_beta(double x, double a, double b) {
  if (std::isnan(x) || !(a > 0.0) || !(b > 0.0) || x < 0.0 || x > 1.0) return kNaN;
  const double y = 1.0 - x;
  return incomplete_beta(x, y, std::log(x), std::log1p(-x), a, b);
}

double student_t_cdf(double t, double nu) {
  if (std::isnan(t) || !(nu > 0.0)) return kNaN;
  if (std::isinf(t)) return t < 0.0 ? 0.0 : 1.0;
  if (nu > 1e10) return normal_cdf(t);
  const double tail = student_t_upper_tail(t, nu);
  return t < 0.0 ? tail : 1.0 - tail;
}

double student_t_pdf(double t, double nu) {
  if (std::isnan(t) || !(nu > 0.0)) return kNaN;
  if (nu > 1e10) return normal_pdf(t);
  return std::exp(std::lgamma(0.5 * (nu + 1.0)) - std::lgamma(0.5 * nu) -
                  0.5 * std::log(nu * std::numbers::pi) -
                  0.5 * (nu + 1.0) * std::log1p(t * t / nu));
}

double student_t_quantile(double p, double nu) {
  if (std::isnan(p) || p < 0.0 || p > 1.0 || !(nu > 0.0)) return kNaN;
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  if (p == 0.5) return 0.0;
  if (nu > 1e10) return normal_quantile(p);
  // Solve P(T > x) = tail for x > 0; the tail probability keeps full relative precision.
  const double tail = std::min(p, 1.0 - p);
  const double sign = p < 0.5 ? -1.0 : 1.0;
  // Starts: Cornish–Fisher expansion around the normal quantile, and the power-law tail
  // P(T > x) ≈ k x^{−ν} / ν; the larger is closer in the tails.
  const double z = -normal_quantile(tail);
  const double z3 = z * z * z;
  const double cornish_fisher =
      z + (z3 + z) / (4.0 * nu) + (5.0 * z3 * z * z + 16.0 * z3 + 3.0 * z) / (96.0 * nu * nu);
  const double log_k = std::lgamma(0.5 * (nu + 1.0)) - std::lgamma(0.5 * nu) -
                       0.5 * std::log(nu * std::numbers::pi) + 0.5 * (nu + 1.0) * std::log(nu);
  const double power_law = std::exp((log_k - std::log(nu * tail)) / nu);
  double x = std::max(cornish_fisher, std::isfinite(power_law) ? power_law : 0.0);
  if (!(x > 0.0) || !std::isfinite(x)) x = 1.0;
  // Bracket [lo, hi] with upper_tail(lo) ≥ tail ≥ upper_tail(hi).
  double lo = 0.0;
  double hi = x;
  while (student_t_upper_tail(hi, nu) > tail) {
    lo = hi;
    hi *= 2.0;
    if (!std::isfinite(hi)) return sign * kInf;
  }
  for (int i = 0; i < 200; ++i) {
    const double g = student_t_upper_tail(x, nu) - tail;
    if (g == 0.0) break;
    if (g > 0.0) {
      lo = x;
    } else {
      hi = x;
    }
    // Newton on log P(T > x) = log tail: well scaled from the centre to the far tail.
    const double upper = g + tail;
    double next = x + (std::log(upper) - std::log(tail)) * upper / student_t_pdf(x, nu);
    if (!(next > lo && next < hi) || !std::isfinite(next)) next = 0.5 * (lo + hi);
    const double change = std::abs(next - x);
    x = next;
    if (change <= 1e-15 * x || hi - lo <= 1e-15 * hi) break;
  }
  return sign * x;
}

double digamma(double x) {
  if (!(x > 0.0)) return kNaN;
  double result = 0.0;
  while (x < 10.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  return result + std::log(x) - 0.5 / x -
         f * (1.0 / 12.0 - f * (1.0 / 120.0 - f * (1.0 / 252.0 - f * (1.0 / 240.0 - f / 132.0))));
}

namespace {

// Power series of P(a, x), valid and fast for x < a + 1.
double gamma_series(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  for (int n = 1; n < 1000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::abs(term) < std::abs(sum) * 1e-17) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Continued fraction of Q(a, x) (modified Lentz), valid for x ≥ a + 1.
double gamma_continued_fraction(double a, double x) {
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < 1e-16) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

}  // namespace

double regularized_lower_gamma(double a, double x) {
  if (!(a > 0.0) || !(x >= 0.0)) return kNaN;
  if (x == 0.0) return 0.0;
  if (std::isinf(x)) return 1.0;
  if (x < a + 1.0) return gamma_series(a, x);
  return 1.0 - gamma_continued_fraction(a, x);
}

double regularized_upper_gamma(double a, double x) {
  if (!(a > 0.0) || !(x >= 0.0)) return kNaN;
  if (x == 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (x < a + 1.0) return 1.0 - gamma_series(a, x);
  return gamma_continued_fraction(a, x);
}

double chi_squared_cdf(double x, double dof) {
  if (!(dof > 0.0) || std::isnan(x)) return kNaN;
  if (x <= 0.0) return 0.0;
  if (dof == 1.0) return std::erf(std::sqrt(0.5 * x));
  return regularized_lower_gamma(0.5 * dof, 0.5 * x);
}

double chi_squared_survival(double x, double dof) {
  if (!(dof > 0.0) || std::isnan(x)) return kNaN;
  if (x <= 0.0) return 1.0;
  if (dof == 1.0) return std::erfc(std::sqrt(0.5 * x));
  return regularized_upper_gamma(0.5 * dof, 0.5 * x);
}

}  // namespace keel
