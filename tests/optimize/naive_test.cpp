#include "keel/optimize/naive.hpp"

#include <gtest/gtest.h>

namespace keel {
namespace {

TEST(Naive, EqualAndInverseVolatility) {
  auto ew = equal_weight(4);
  ASSERT_TRUE(ew.is_ok());
  EXPECT_EQ(ew->weights, Eigen::Vector4d::Constant(0.25));
  EXPECT_FALSE(equal_weight(0).is_ok());
  Eigen::MatrixXd cov = Eigen::Vector3d(0.01, 0.04, 0.16).asDiagonal();
  cov(0, 1) = cov(1, 0) = 0.005;  // off-diagonal entries are ignored
  auto iv = inverse_volatility(cov);
  ASSERT_TRUE(iv.is_ok());
  // 1/σ = (10, 5, 2.5), sum 17.5.
  EXPECT_NEAR(iv->weights[0], 10.0 / 17.5, 1e-15);
  EXPECT_NEAR(iv->weights[1], 5.0 / 17.5, 1e-15);
  EXPECT_NEAR(iv->weights[2], 2.5 / 17.5, 1e-15);
  cov(2, 2) = 0.0;
  auto bad = inverse_volatility(cov);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("asset 2"), std::string::npos);
}

TEST(Naive, MarketCapWithIterativeCapping) {
  // Caps 50, 30, 10, 6, 4 with a 30 % cap: first round 0.5 → 0.3 and the 0.2 excess goes to the
  // rest in proportion (30 : 10 : 6 : 4 over 50) → 0.42 for the second, which is capped next;
  // then the remaining 0.4 goes to 10 : 6 : 4 → 0.2, 0.12, 0.08.
  Eigen::VectorXd caps(5);
  caps << 50, 30, 10, 6, 4;
  auto result = market_cap_weight(caps, {.max_weight = 0.3});
  ASSERT_TRUE(result.is_ok()) << result.status().message();
  Eigen::VectorXd expected(5);
  expected << 0.3, 0.3, 0.2, 0.12, 0.08;
  EXPECT_LT((result->weights - expected).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_EQ(result->capped, (std::vector<int>{0, 1}));
  auto plain = market_cap_weight(caps);
  ASSERT_TRUE(plain.is_ok());
  EXPECT_LT((plain->weights - caps / 100.0).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_FALSE(market_cap_weight(caps, {.max_weight = 0.15}).is_ok());  // 5 × 0.15 < 1
  caps[4] = -1.0;
  EXPECT_FALSE(market_cap_weight(caps).is_ok());
  // A zero cap gets zero weight.
  auto zero = market_cap_weight(Eigen::Vector3d(0.0, 1.0, 3.0));
  ASSERT_TRUE(zero.is_ok());
  EXPECT_EQ(zero->weights[0], 0.0);
}

// Water-filling by hand: base (1, 2, 3, 4)/10 under a cap of 0.3. Asset 4 is held at 0.3 and
// 0.7 goes to (1, 2, 3) → (0.1167, 0.2333, 0.35); asset 3 is then held at 0.3 too and 0.4 goes to
// (1, 2) → (0.1333, 0.2667).
TEST(Naive, ProportionalWithinBounds) {
  const Eigen::Vector4d base(0.1, 0.2, 0.3, 0.4);
  const Eigen::Vector4d zero = Eigen::Vector4d::Zero();
  const Eigen::Vector4d cap = Eigen::Vector4d::Constant(0.3);
  const BoundedWeights w = proportional_within_bounds(base, 1.0, zero, cap);
  ASSERT_EQ(w.status, SolveStatus::kOptimal);
  EXPECT_NEAR(w.weights[0], 0.4 / 3.0, 1e-15);
  EXPECT_NEAR(w.weights[1], 0.8 / 3.0, 1e-15);
  EXPECT_NEAR(w.weights[2], 0.3, 1e-15);
  EXPECT_NEAR(w.weights[3], 0.3, 1e-15);
  // A floor of 0.2 lifts asset 1; (2, 3, 4) would get 0.8·(2, 3, 4)/9, asset 2 below 0.2, so it
  // is lifted too and 0.6 goes to (3, 4) in proportion 3 : 4.
  const BoundedWeights floored = proportional_within_bounds(
      base, 1.0, Eigen::Vector4d::Constant(0.2), Eigen::Vector4d::Ones());
  ASSERT_EQ(floored.status, SolveStatus::kOptimal);
  EXPECT_NEAR(floored.weights[0], 0.2, 1e-15);
  EXPECT_NEAR(floored.weights[1], 0.2, 1e-15);
  EXPECT_NEAR(floored.weights[2], 0.6 * 3.0 / 7.0, 1e-15);
  EXPECT_NEAR(floored.weights[3], 0.6 * 4.0 / 7.0, 1e-15);
  // Bounds already met: unchanged.
  const BoundedWeights same = proportional_within_bounds(base, 1.0, zero, Eigen::Vector4d::Ones());
  EXPECT_LT((same.weights - base).cwiseAbs().maxCoeff(), 1e-16);
  const BoundedWeights none =
      proportional_within_bounds(base, 1.0, zero, Eigen::Vector4d::Constant(0.2));
  EXPECT_EQ(none.status, SolveStatus::kInfeasible);
  EXPECT_NE(none.message.find("upper bounds add up to 0.8"), std::string::npos) << none.message;
}

}  // namespace
}  // namespace keel
