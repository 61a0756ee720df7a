#include "keel/optimize/verify.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace keel {
namespace {

const std::vector<std::string> kAssets = {"BTC", "ETH", "SOL", "USDC"};

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(VerifyWeights, FeasiblePortfolioPassesAndListsActiveConstraints) {
  PortfolioConstraints c;
  c.upper_bound = 0.5;
  c.groups.push_back({"stable", {3}, 0.1, kInfinity});
  Eigen::Vector4d w(0.5, 0.3, 0.1, 0.1);
  const auto report = verify_weights(w, c, kAssets);
  EXPECT_TRUE(report.passed());
  EXPECT_LE(report.max_violation, 1e-15);
  EXPECT_TRUE(contains(report.active, "budget"));
  EXPECT_TRUE(contains(report.active, "upper-bound[BTC]"));
  EXPECT_TRUE(contains(report.active, "group[stable]"));
  EXPECT_FALSE(contains(report.active, "upper-bound[ETH]"));
}

TEST(VerifyWeights, EachConstraintTypeIsCheckedAndNamed) {
  PortfolioConstraints c;
  c.lower_bound = -0.5;
  c.upper_bound = 0.8;
  c.max_short = 0.2;
  c.max_gross_leverage = 1.5;
  c.groups.push_back({"l1", {0, 2}, -kInfinity, 0.6});
  c.linear.push_back(
      {"beta", Eigen::Vector4d(1.2, 1.0, 1.5, 0.0), ConstraintSense::kLessEqual, 1.0});
  c.current_weights = Eigen::Vector4d(0.25, 0.25, 0.25, 0.25);
  c.max_turnover = 0.5;
  // Budget 1 holds; SOL is shorted beyond max_short, BTC above its bound, gross 1.6 > 1.5,
  // group l1 = 0.6 holds, beta = 1.08 + 0.3 − 0.45 = 0.93 holds,
  // turnover = 0.65 + 0.05 + 0.55 + 0.15 = 1.4 > 0.5.
  Eigen::Vector4d w(0.9, 0.3, -0.3, 0.1);
  const auto report = verify_weights(w, c, kAssets);
  EXPECT_FALSE(report.passed());
  EXPECT_TRUE(contains(report.violated, "upper-bound[BTC]"));
  EXPECT_TRUE(contains(report.violated, "max-short[SOL]"));
  EXPECT_TRUE(contains(report.violated, "gross-leverage"));
  EXPECT_TRUE(contains(report.violated, "turnover"));
  EXPECT_FALSE(contains(report.violated, "budget"));
  EXPECT_FALSE(contains(report.violated, "group[l1]"));
  EXPECT_FALSE(contains(report.violated, "linear[beta]"));
  // Worst: turnover 1.4 vs 0.5 → 0.9.
  EXPECT_EQ(report.worst_constraint, "turnover");
  EXPECT_NEAR(report.max_violation, 0.9, 1e-12);
}

TEST(VerifyWeights, LinearSensesAndFreeBudget) {
  PortfolioConstraints c;
  c.budget = std::nullopt;
  c.net_exposure_min = -0.1;
  c.net_exposure_max = 0.1;
  c.lower_bound = -1;
  c.linear.push_back({"ge", Eigen::Vector4d(1, 0, 0, 0), ConstraintSense::kGreaterEqual, 0.2});
  c.linear.push_back({"eq", Eigen::Vector4d(0, 1, 1, 0), ConstraintSense::kEqual, 0.0});
  Eigen::Vector4d w(0.1, 0.2, -0.1, 0.0);  // net 0.2 > 0.1, ge 0.1 < 0.2, eq 0.1 != 0
  const auto report = verify_weights(w, c, kAssets);
  EXPECT_TRUE(contains(report.violated, "net-exposure"));
  EXPECT_TRUE(contains(report.violated, "linear[ge]"));
  EXPECT_TRUE(contains(report.violated, "linear[eq]"));
  EXPECT_EQ(report.violated.size(), 3u);
}

TEST(VerifyWeights, ToleranceSeparatesRoundOffFromViolations) {
  PortfolioConstraints c;
  Eigen::Vector4d w(0.25, 0.25, 0.25, 0.25 + 5e-9);
  EXPECT_TRUE(verify_weights(w, c, kAssets).passed());
  w[3] += 1e-7;
  EXPECT_FALSE(verify_weights(w, c, kAssets).passed());
  EXPECT_TRUE(verify_weights(w, c, kAssets, {.tolerance = 1e-6}).passed());
}

TEST(VerifyWeights, NonFiniteWeightsFail) {
  PortfolioConstraints c;
  Eigen::Vector4d w(0.25, std::numeric_limits<double>::quiet_NaN(), 0.25, 0.25);
  const auto report = verify_weights(w, c, kAssets);
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(report.worst_constraint, "weights");
  EXPECT_TRUE(std::isinf(report.max_violation));
}

TEST(VerifyResult, ViolationTurnsAUsableResultIntoANumericalError) {
  PortfolioConstraints c;
  PortfolioResult result;
  result.model = "test";
  result.status = SolveStatus::kOptimal;
  result.assets = kAssets;
  result.weights = Eigen::Vector4d(0.5, 0.5, 0.5, -0.5);  // budget ok, USDC below 0
  verify_result(result, c);
  EXPECT_EQ(result.status, SolveStatus::kNumericalError);
  EXPECT_FALSE(result.is_usable());
  EXPECT_NEAR(result.diagnostics.max_constraint_violation, 0.5, 1e-15);
  EXPECT_EQ(result.diagnostics.worst_constraint, "lower-bound[USDC]");
  EXPECT_NE(result.diagnostics.explanation.find("lower-bound[USDC]"), std::string::npos);

  PortfolioResult fine = result;
  fine.status = SolveStatus::kOptimal;
  fine.weights = Eigen::Vector4d(0.25, 0.25, 0.25, 0.25);
  fine.diagnostics = {};
  verify_result(fine, c);
  EXPECT_EQ(fine.status, SolveStatus::kOptimal);
  EXPECT_LE(fine.diagnostics.max_constraint_violation, 1e-15);
}

TEST(PortfolioResultJson, HasTheDesignKeysInOrder) {
  PortfolioResult result;
  result.model = "max-sharpe";
  result.status = SolveStatus::kOptimal;
  result.assets = {"BTC", "ETH"};
  result.weights = Eigen::Vector2d(0.6, 0.4);
  result.performance = compute_performance(result.weights, Eigen::Vector2d(0.5, 0.3),
                                           Eigen::Matrix2d{{0.36, 0.1}, {0.1, 0.25}}, 0.02);
  const Json json = result.to_json();
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"model", "status", "weights", "performance", "diagnostics"}));
  EXPECT_EQ(json["status"], "optimal");
  EXPECT_DOUBLE_EQ(json["weights"]["BTC"].get<double>(), 0.6);
  // 0.6·0.5 + 0.4·0.3 = 0.42; variance 0.36·0.36 + 2·0.6·0.4·0.1 + 0.16·0.25 = 0.2176.
  EXPECT_NEAR(json["performance"]["expected_return"].get<double>(), 0.42, 1e-15);
  EXPECT_NEAR(json["performance"]["volatility"].get<double>(), std::sqrt(0.2176), 1e-15);
  EXPECT_NEAR(json["performance"]["sharpe"].get<double>(), 0.40 / std::sqrt(0.2176), 1e-14);
  EXPECT_TRUE(json["diagnostics"]["max_constraint_violation"].is_null());
  EXPECT_TRUE(json["diagnostics"]["warnings"].is_array());
}

TEST(PortfolioResultJson, MissingExpectedReturnsGiveNullReturnAndSharpe) {
  const Performance p = compute_performance(Eigen::Vector2d(0.5, 0.5), Eigen::VectorXd(),
                                            Eigen::Matrix2d::Identity(), 0.0);
  EXPECT_TRUE(std::isnan(p.expected_return));
  EXPECT_TRUE(std::isnan(p.sharpe));
  EXPECT_NEAR(p.volatility, std::sqrt(0.5), 1e-15);
}

}  // namespace
}  // namespace keel
