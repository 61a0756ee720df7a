#pragma once
// Random: Keel's one pseudo-random generator, used by the market simulator, the copula samplers,
// the tests and the benchmarks. Standard-library engines and distributions are not reproducible
// across library implementations, so every variate is produced by our own code: the raw stream is
// xoshiro256** (Blackman & Vigna 2021, "Scrambled linear pseudorandom number generators", ACM
// TOMS 47(4)), whose 256-bit state is filled from the seed by splitmix64 (Steele, Lea & Flood
// 2014, "Fast splittable pseudorandom number generators", OOPSLA). The same seed gives the same
// raw stream on every platform; floating-point variates are reproducible for a given build (the
// compiler may fuse multiply-adds differently under other flags, e.g. -march=native).
//
// Two families of variates live side by side because two users were calibrated on them and their
// output must not change when the generator is shared:
//  - uniform(), normal(), exponential(), gamma(), chi_square(): the estimate module's copula
//    samplers. Uniforms on the open interval (0, 1) so that quantile functions never see 0 or 1;
//    normals by inversion, exactly one uniform per normal, so a draw count is predictable.
//  - uniform_half_open(), normal_polar(): the market simulator (src/data/simulator.cpp), which
//    builds its Student-t innovations on them (src/data/simulator_variates.hpp). Marsaglia's polar
//    method is cheaper than inversion and yields normals in pairs; the second one is cached.
// The families may be mixed on one generator, but a given program should stick to one so that its
// stream stays easy to reason about.
//
// Not thread-safe: one generator per thread, made independent with distinct seeds or jump().

#include <array>
#include <cmath>
#include <cstdint>

namespace keel {

class Random {
 public:
  // Seeds the four state words with four successive splitmix64 outputs of `seed` (any value,
  // including 0: splitmix64 never yields the all-zero state xoshiro must avoid).
  explicit Random(std::uint64_t seed);

  // --- Raw stream ---

  // The next 64 raw bits of xoshiro256**.
  std::uint64_t next() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  // Advances the state by 2^128 calls to next(): seeded once, then jumped k times, a generator
  // gives the k-th of 2^128 non-overlapping streams (for parallel workers). Discards the normal
  // cached by normal_polar(), so the jumped stream does not depend on earlier draws.
  void jump();

  // --- Uniforms ---

  // Uniform on the open interval (0, 1): (k + 1/2) / 2^53 for k the top 53 bits of next(), so the
  // grid is symmetric about 1/2 and never reaches 0 or 1. One next() per call.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  // Uniform on [0, 1): k / 2^53 for k the top 53 bits of next(); 0 has probability 2^-53. One
  // next() per call.
  double uniform_half_open() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // --- Normals ---

  // Standard normal by inversion: normal_quantile(uniform()) (keel/core/normal_quantile.hpp).
  // Stateless beyond the raw stream: exactly one uniform() per variate.
  double normal();

  // Standard normal by Marsaglia's polar method (Marsaglia & Bray 1964, SIAM Review 6(3)) on pairs
  // of uniform_half_open() draws, rejecting points outside the unit disc (about 21% of pairs).
  // Each accepted pair gives two independent normals: the first is returned, the second cached and
  // returned by the next call. The cache belongs to the generator's state (copied with it, cleared
  // by jump()); normal() does not consume it. Defined inline because the simulator calls it in its
  // innermost loop.
  double normal_polar() {
    if (has_spare_normal_) {
      has_spare_normal_ = false;
      return spare_normal_;
    }
    double u = 0.0;
    double v = 0.0;
    double s = 0.0;
    do {
      u = 2.0 * uniform_half_open() - 1.0;
      v = 2.0 * uniform_half_open() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_normal_ = v * factor;
    has_spare_normal_ = true;
    return u * factor;
  }

  // --- Derived variates (inversion family) ---

  // Standard exponential: −log(uniform()).
  double exponential();

  // Gamma(shape, 1) for shape > 0 (Marsaglia & Tsang 2000, ACM TOMS 26(3), with normal() and
  // uniform(); shape < 1 via the U^{1/shape} boost of the same paper).
  double gamma(double shape);

  // Chi-square with ν > 0 degrees of freedom: 2·gamma(ν/2).
  double chi_square(double nu);

 private:
  static std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<std::uint64_t, 4> state_{};
  double spare_normal_ = 0.0;  // second normal of the last polar pair, valid if has_spare_normal_
  bool has_spare_normal_ = false;
};

}  // namespace keel
