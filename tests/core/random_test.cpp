#include "keel/core/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "keel/core/normal_quantile.hpp"

namespace keel {
namespace {

// --- An independent transcription of the published algorithms --------------------------------
// splitmix64 (Steele, Lea & Flood 2014) and xoshiro256** (Blackman & Vigna 2021), written here
// from the papers' pseudo-code and anchored to published test vectors below, so that Random is
// checked against something other than itself.

using State = std::array<std::uint64_t, 4>;

std::uint64_t reference_splitmix64(std::uint64_t& x) {
  x += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

std::uint64_t reference_next(State& s) {
  const std::uint64_t out = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

State reference_seed(std::uint64_t seed) {
  State s{};
  for (auto& word : s) word = reference_splitmix64(seed);
  return s;
}

TEST(RandomReference, TranscriptionReproducesPublishedVectors) {
  // xoshiro256** from the state {1, 2, 3, 4}: the first ten outputs of the authors' reference C
  // code, as published in the test of the rand_xoshiro crate (xoshiro256starstar.rs).
  State s = {1, 2, 3, 4};
  const std::uint64_t expected[] = {11520ULL,
                                    0ULL,
                                    1509978240ULL,
                                    1215971899390074240ULL,
                                    1216172134540287360ULL,
                                    607988272756665600ULL,
                                    16172922978634559625ULL,
                                    8476171486693032832ULL,
                                    10595114339597558777ULL,
                                    2904607092377533576ULL};
  for (std::uint64_t e : expected) EXPECT_EQ(reference_next(s), e);
  // splitmix64 from 0: the first outputs of Vigna's splitmix64.c.
  std::uint64_t x = 0;
  EXPECT_EQ(reference_splitmix64(x), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(reference_splitmix64(x), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(reference_splitmix64(x), 0x06c45d188009454fULL);
}

TEST(Random, RawStreamMatchesReferenceForKnownSeeds) {
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{42},
                             std::uint64_t{123456789}, std::numeric_limits<std::uint64_t>::max()}) {
    Random rng(seed);
    State s = reference_seed(seed);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng.next(), reference_next(s)) << seed << " " << i;
  }
}

TEST(Random, SameSeedSameStreamAndCopiesContinueIt) {
  Random a(2024);
  Random b(2024);
  Random c(2025);
  bool differs = false;
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs = differs || x != c.next();
  }
  EXPECT_TRUE(differs);
  // A copy carries the whole state, including the cached polar normal.
  a.normal_polar();
  Random copy = a;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(copy.normal_polar(), a.normal_polar());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(copy.next(), a.next());
}

TEST(Random, UniformsFollowTheDocumentedGridAndRange) {
  Random rng(7);
  Random twin(7);
  const int n = 200000;
  double open_sum = 0.0;
  double open_sum2 = 0.0;
  double half_sum = 0.0;
  double half_sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    const std::uint64_t k = twin.next() >> 11;
    ASSERT_EQ(u, (static_cast<double>(k) + 0.5) / 9007199254740992.0);  // 2^53
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    open_sum += u;
    open_sum2 += u * u;

    const double h = rng.uniform_half_open();
    ASSERT_EQ(h, static_cast<double>(twin.next() >> 11) / 9007199254740992.0);
    ASSERT_GE(h, 0.0);
    ASSERT_LT(h, 1.0);
    half_sum += h;
    half_sum2 += h * h;
  }
  // U(0, 1): mean 1/2, variance 1/12; the standard error of the mean is 1/sqrt(12 n) ≈ 6.5e-4.
  EXPECT_NEAR(open_sum / n, 0.5, 0.003);
  EXPECT_NEAR(open_sum2 / n - 0.25, 1.0 / 12.0, 0.002);
  EXPECT_NEAR(half_sum / n, 0.5, 0.003);
  EXPECT_NEAR(half_sum2 / n - 0.25, 1.0 / 12.0, 0.002);
}

// --- jump() against 2^128 steps, computed independently ---------------------------------------
// The xoshiro state transition is linear over GF(2), so 2^128 steps are the 256 × 256 bit matrix
// of one step raised to the power 2^128: 128 squarings. Columns are the images of unit vectors.

using BitMatrix = std::vector<State>;  // column j = image of the j-th unit state

State multiply(const BitMatrix& m, const State& x) {
  State y{};
  for (std::size_t j = 0; j < 256; ++j) {
    if ((x[j / 64] >> (j % 64)) & 1U) {
      for (std::size_t w = 0; w < 4; ++w) y[w] ^= m[j][w];
    }
  }
  return y;
}

BitMatrix jump_matrix() {
  BitMatrix m(256);
  for (std::size_t j = 0; j < 256; ++j) {
    State e{};
    e[j / 64] = std::uint64_t{1} << (j % 64);
    reference_next(e);
    m[j] = e;
  }
  for (int k = 0; k < 128; ++k) {
    BitMatrix squared(256);
    for (std::size_t j = 0; j < 256; ++j) squared[j] = multiply(m, m[j]);
    m = std::move(squared);
  }
  return m;
}

TEST(Random, JumpAdvancesTwoToThe128Steps) {
  const BitMatrix jump = jump_matrix();
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{99}}) {
    Random rng(seed);
    State s = reference_seed(seed);
    // Jump from a state that is not the seeded one, and twice in a row.
    for (int i = 0; i < 37; ++i) ASSERT_EQ(rng.next(), reference_next(s));
    rng.jump();
    s = multiply(jump, s);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(rng.next(), reference_next(s)) << seed;
    rng.jump();
    s = multiply(jump, s);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(rng.next(), reference_next(s)) << seed;
  }
}

TEST(Random, JumpGivesADifferentStreamAndDropsTheCachedNormal) {
  Random base(5);
  Random jumped(5);
  jumped.jump();
  // No output of the first 1000 of one stream reappears among the first 1000 of the other (a
  // chance 64-bit collision has probability about 1e6 / 2^64).
  std::vector<std::uint64_t> first;
  for (int i = 0; i < 1000; ++i) first.push_back(base.next());
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = jumped.next();
    for (std::uint64_t y : first) ASSERT_NE(x, y);
  }

  // A generator holding a cached polar normal behaves, after jump(), like one without it.
  Random with_spare(8);
  Random without_spare(8);
  with_spare.normal_polar();  // caches the second normal of the pair
  for (int i = 0; i < 2; ++i) without_spare.normal_polar();
  with_spare.jump();
  without_spare.jump();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(with_spare.normal_polar(), without_spare.normal_polar());
}

TEST(Random, NormalsFollowTheirDocumentedConstructions) {
  Random rng(31);
  Random twin(31);
  // Inversion: one uniform per normal.
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng.normal(), normal_quantile(twin.uniform()));

  // Polar: the first normal of an accepted pair is u·f, the cached second v·f, f = √(−2 ln s / s).
  Random polar(32);
  Random polar_twin(32);
  for (int pair = 0; pair < 1000; ++pair) {
    double u = 0.0;
    double v = 0.0;
    double s = 0.0;
    do {
      u = 2.0 * polar_twin.uniform_half_open() - 1.0;
      v = 2.0 * polar_twin.uniform_half_open() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    ASSERT_NEAR(polar.normal_polar(), u * f, 1e-15 * (1.0 + std::abs(u * f)));
    ASSERT_NEAR(polar.normal_polar(), v * f, 1e-15 * (1.0 + std::abs(v * f)));
  }
}

TEST(Random, VariateMoments) {
  // Moments against closed forms, tolerances about 5 standard errors for n = 200000.
  const int n = 200000;
  Random rng(13);
  double z1 = 0, z2 = 0, z4 = 0, p1 = 0, p2 = 0, p4 = 0, e1 = 0, e2 = 0, c1 = 0, c2 = 0;
  const double nu = 5.0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    z1 += z;
    z2 += z * z;
    z4 += z * z * z * z;
    const double p = rng.normal_polar();
    p1 += p;
    p2 += p * p;
    p4 += p * p * p * p;
    const double e = rng.exponential();
    e1 += e;
    e2 += e * e;
    const double c = rng.chi_square(nu);
    c1 += c;
    c2 += c * c;
  }
  // N(0, 1): mean 0, variance 1, fourth moment 3.
  EXPECT_NEAR(z1 / n, 0.0, 0.012);
  EXPECT_NEAR(z2 / n, 1.0, 0.016);
  EXPECT_NEAR(z4 / n, 3.0, 0.12);
  EXPECT_NEAR(p1 / n, 0.0, 0.012);
  EXPECT_NEAR(p2 / n, 1.0, 0.016);
  EXPECT_NEAR(p4 / n, 3.0, 0.12);
  // Exp(1): mean 1, variance 1.
  EXPECT_NEAR(e1 / n, 1.0, 0.012);
  EXPECT_NEAR(e2 / n - (e1 / n) * (e1 / n), 1.0, 0.05);
  // χ²(ν): mean ν, variance 2ν.
  EXPECT_NEAR(c1 / n, nu, 5.0 * std::sqrt(2.0 * nu / n));
  EXPECT_NEAR(c2 / n - (c1 / n) * (c1 / n), 2.0 * nu, 0.3);
}

}  // namespace
}  // namespace keel
