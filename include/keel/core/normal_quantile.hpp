#pragma once
// The standard normal quantile Φ⁻¹. It lives in core, not with the other distribution functions
// in keel/estimate/distributions.hpp (which re-exports it), because the core generator
// (keel/core/random.hpp) draws normals by inverting it and core may not depend on estimate.

namespace keel {

// Φ⁻¹(p) for p ∈ (0, 1) (Wichura 1988, algorithm AS 241, PPND16: relative error below 1e-12,
// checked against SciPy in tests/reference/copula/distributions.csv); ∓infinity at p = 0 / 1, NaN
// outside [0, 1].
double normal_quantile(double p);

}  // namespace keel
