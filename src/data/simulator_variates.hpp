#pragma once
// The simulator's compound variates, as free functions on top of the core generator
// (keel/core/random.hpp). They stay here rather than in Random because they are the simulator's
// calibration choices, not general-purpose draws: the Student-t innovations are scaled to unit
// variance, and their gamma is drawn from the polar normals and half-open uniforms the simulator
// was calibrated with, so simulated markets stay bit-identical for a seed. Random::gamma() is the
// general-purpose Gamma (any shape > 0) built on the inversion normals instead; the two consume
// the stream differently and are therefore not interchangeable.

#include <cmath>

#include "keel/core/random.hpp"

namespace keel::simulator_detail {

// Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000, ACM TOMS 26(3)), from
// rng.normal_polar() and rng.uniform_half_open().
inline double polar_gamma(Random& rng, double shape) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = rng.normal_polar();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_half_open();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

// Student-t with dof > 2 degrees of freedom scaled to unit variance, z / sqrt(chi2 / (dof − 2))
// with z = rng.normal_polar() and chi2 = 2·polar_gamma(dof / 2); dof = +infinity gives z.
inline double standardized_t(Random& rng, double dof) {
  const double z = rng.normal_polar();
  if (!std::isfinite(dof)) return z;
  const double chi2 = 2.0 * polar_gamma(rng, 0.5 * dof);
  return z * std::sqrt((dof - 2.0) / chi2);
}

}  // namespace keel::simulator_detail
