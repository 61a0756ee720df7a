#include "keel/core/normal_quantile.hpp"

#include <cmath>
#include <limits>

namespace keel {
namespace {

// Horner evaluation of the degree-7 polynomial with coefficients c[0] + c[1] r + ... + c[7] r^7.
double polynomial(const double (&c)[8], double r) {
  double value = c[7];
  for (int i = 6; i >= 0; --i) value = value * r + c[i];
  return value;
}

}  // namespace

double normal_quantile(double p) {
  if (std::isnan(p) || p < 0.0 || p > 1.0) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  static constexpr double a[8] = {
      3.387132872796366608,  133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
      45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727};
  static constexpr double b[8] = {1.0,
                                  42.313330701600911252,
                                  687.1870074920579083,
                                  5394.1960214247511077,
                                  21213.794301586595867,
                                  39307.89580009271061,
                                  28729.085735721942674,
                                  5226.495278852545925};
  static constexpr double c[8] = {1.42343711074968357734,   4.6303378461565452959,
                                  5.7694972214606914055,    3.64784832476320460504,
                                  1.27045825245236838258,   0.24178072517745061177,
                                  0.0227238449892691845833, 7.7454501427834140764e-4};
  static constexpr double d[8] = {1.0,
                                  2.05319162663775882187,
                                  1.6763848301838038494,
                                  0.68976733498510000455,
                                  0.14810397642748007459,
                                  0.0151986665636164571966,
                                  5.475938084995344946e-4,
                                  1.05075007164441684324e-9};
  static constexpr double e[8] = {6.6579046435011037772,     5.4637849111641143699,
                                  1.7848265399172913358,     0.29656057182850489123,
                                  0.026532189526576123093,   0.0012426609473880784386,
                                  2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static constexpr double f[8] = {1.0,
                                  0.59983220655588793769,
                                  0.13692988092273580531,
                                  0.0148753612908506148525,
                                  7.868691311456132591e-4,
                                  1.8463183175100546818e-5,
                                  1.4215117583164458887e-7,
                                  2.04426310338993978564e-15};
  const double q = p - 0.5;
  if (std::abs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * polynomial(a, r) / polynomial(b, r);
  }
  double r = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p));
  double value = 0.0;
  if (r <= 5.0) {
    r -= 1.6;
    value = polynomial(c, r) / polynomial(d, r);
  } else {
    r -= 5.0;
    value = polynomial(e, r) / polynomial(f, r);
  }
  return q < 0.0 ? -value : value;
}

}  // namespace keel
