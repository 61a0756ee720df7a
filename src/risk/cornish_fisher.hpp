#pragma once
// The Cornish–Fisher quantile and the Boudt–Peterson–Croux (2008) modified-ES integral, with
// their partial derivatives in skewness and excess kurtosis (for the Euler contributions).

#include <cmath>

#include "keel/estimate/distributions.hpp"

namespace keel::risk_detail {

// Iⁿ(h) of Boudt et al. (2008): −∫_{−∞}^{h} u^{n+1} φ(u) du in closed form (PerformanceAnalytics'
// Ipower). Its derivative in h is −h^{n+1} φ(h).
inline double i_power(int power, double h) {
  const double phi = normal_pdf(h);
  double full = 1.0;
  double value = 0.0;
  if (power % 2 == 0) {
    const int half = power / 2;
    for (int j = 1; j <= half; ++j) full *= 2.0 * j;
    value = full * phi;
    double prod = 1.0;
    for (int i = 1; i <= half; ++i) {
      prod *= 2.0 * i;
      value += (full / prod) * std::pow(h, 2 * i) * phi;
    }
  } else {
    const int half = (power - 1) / 2;
    for (int j = 0; j <= half; ++j) full *= 2.0 * j + 1.0;
    value = -full * normal_cdf(h);
    double prod = 1.0;
    for (int i = 0; i <= half; ++i) {
      prod *= 2.0 * i + 1.0;
      value += (full / prod) * std::pow(h, 2 * i + 1) * phi;
    }
  }
  return value;
}

inline double i_power_derivative(int power, double h) {
  return -std::pow(h, power + 1) * normal_pdf(h);
}

struct CornishFisher {
  double z = 0.0;     // Φ⁻¹(p)
  double z_cf = 0.0;  // modified quantile
  double e = 0.0;  // E of Boudt et al. (already divided by p); modified ES = −μ − σ min(−E, z_cf)
  bool monotone = true;
  // Partial derivatives in skewness s and excess kurtosis k.
  double dz_ds = 0.0, dz_dk = 0.0;
  double de_ds = 0.0, de_dk = 0.0;
};

inline CornishFisher cornish_fisher(double p, double s, double k) {
  CornishFisher cf;
  const double z = normal_quantile(p);
  const double z2 = z * z, z3 = z2 * z;
  cf.z = z;
  cf.z_cf =
      z + (z2 - 1.0) * s / 6.0 + (z3 - 3.0 * z) * k / 24.0 - (2.0 * z3 - 5.0 * z) * s * s / 36.0;
  cf.dz_ds = (z2 - 1.0) / 6.0 - (2.0 * z3 - 5.0 * z) * s / 18.0;
  cf.dz_dk = (z3 - 3.0 * z) / 24.0;
  cf.monotone =
      1.0 + z * s / 3.0 + (3.0 * z2 - 3.0) * k / 24.0 - (6.0 * z2 - 5.0) * s * s / 36.0 > 0.0;

  const double h = cf.z_cf;
  const double phi = normal_pdf(h);
  const double i1 = i_power(1, h), i2 = i_power(2, h), i3 = i_power(3, h);
  const double i4 = i_power(4, h), i6 = i_power(6, h);
  const double a_k = (i4 - 6.0 * i2 + 3.0 * phi) / 24.0;
  const double a_s = (i3 - 3.0 * i1) / 6.0;
  const double a_ss = (i6 - 15.0 * i4 + 45.0 * i2 - 15.0 * phi) / 72.0;
  cf.e = (phi + a_k * k + a_s * s + a_ss * s * s) / p;

  // d/dh of the bracket, then the chain rule through h = z_cf(s, k).
  const double dphi = -h * phi;
  const double d1 = i_power_derivative(1, h), d2 = i_power_derivative(2, h);
  const double d3 = i_power_derivative(3, h), d4 = i_power_derivative(4, h);
  const double d6 = i_power_derivative(6, h);
  const double de_dh = (dphi + (d4 - 6.0 * d2 + 3.0 * dphi) / 24.0 * k + (d3 - 3.0 * d1) / 6.0 * s +
                        (d6 - 15.0 * d4 + 45.0 * d2 - 15.0 * dphi) / 72.0 * s * s) /
                       p;
  cf.de_ds = (a_s + 2.0 * a_ss * s) / p + de_dh * cf.dz_ds;
  cf.de_dk = a_k / p + de_dh * cf.dz_dk;
  return cf;
}

}  // namespace keel::risk_detail
