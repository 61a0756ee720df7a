#pragma once
// Random: a small deterministic generator for scenario sampling. Standard-library distributions
// are not reproducible across library implementations, so every variate here is produced by our
// own code from xoshiro256** (Blackman & Vigna 2021, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47(4)); the state is seeded with splitmix64 (Steele, Lea & Flood 2014).
// The same seed gives the same stream on every platform.

#include <array>
#include <cstdint>

namespace keel {

class Random {
 public:
  explicit Random(std::uint64_t seed);

  // The next 64 raw bits.
  std::uint64_t next();
  // Uniform on the open interval (0, 1): 53 random bits, never 0 or 1.
  double uniform();
  // Standard normal, by inversion of the uniform (normal_quantile): one uniform per variate.
  double normal();
  // Gamma(shape, 1) for shape > 0 (Marsaglia & Tsang 2000, ACM TOMS 26(3); shape < 1 via the
  // U^{1/shape} boost).
  double gamma(double shape);
  // Chi-square with ν > 0 degrees of freedom (= 2·Gamma(ν/2)).
  double chi_square(double nu);
  // Standard exponential.
  double exponential();

  // Advances the state by 2^128 calls to next(): non-overlapping streams for parallel workers.
  void jump();

 private:
  std::array<std::uint64_t, 4> state_{};
};

}  // namespace keel
