#include "keel/optimize/constraints.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

namespace keel {
namespace {

const std::vector<std::string> kAssets = {"BTC", "ETH", "SOL", "USDC", "USDT"};

bool names(const std::vector<ConstraintConflict>& conflicts, const std::string& name) {
  for (const auto& conflict : conflicts) {
    if (std::find(conflict.constraints.begin(), conflict.constraints.end(), name) !=
        conflict.constraints.end()) {
      return true;
    }
  }
  return false;
}

TEST(PortfolioConstraints, DefaultIsLongOnlyFullyInvested) {
  PortfolioConstraints c;
  EXPECT_TRUE(c.validate(5).is_ok());
  EXPECT_EQ(*c.budget, 1.0);
  EXPECT_EQ(c.effective_lower(5), Eigen::VectorXd::Zero(5));
  EXPECT_EQ(c.effective_upper(5), Eigen::VectorXd::Ones(5));
  EXPECT_TRUE(precheck_constraints(c, kAssets).empty());
}

TEST(PortfolioConstraints, MaxShortTightensLowerBounds) {
  PortfolioConstraints c{.lower_bound = -1.0, .max_short = 0.25};
  const Eigen::VectorXd lower = c.effective_lower(3);
  EXPECT_EQ(lower, Eigen::VectorXd::Constant(3, -0.25));
}

TEST(PortfolioConstraints, ValidateNamesTheBadPiece) {
  PortfolioConstraints c;
  c.groups.push_back({"eth-chain", {0, 7}, 0.0, 0.4});
  Status s = c.validate(5);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("group[eth-chain]"), std::string::npos);
  EXPECT_NE(s.message().find("7"), std::string::npos);

  c.groups = {{"dup", {1, 1}, 0.0, 0.4}};
  EXPECT_NE(c.validate(5).message().find("twice"), std::string::npos);

  PortfolioConstraints bounds{.lower_bound = 0.5, .upper_bound = 0.1};
  EXPECT_EQ(bounds.validate(5).code(), StatusCode::kInvalidInput);

  PortfolioConstraints linear;
  linear.linear.push_back({"beta", Eigen::VectorXd::Ones(3), ConstraintSense::kLessEqual, 1.0});
  EXPECT_NE(linear.validate(5).message().find("linear[beta]"), std::string::npos);

  PortfolioConstraints net{.net_exposure_min = -0.1};
  EXPECT_NE(net.validate(5).message().find("free budget"), std::string::npos);

  PortfolioConstraints per_asset;
  per_asset.lower_bounds = Eigen::VectorXd::Zero(5);
  EXPECT_FALSE(per_asset.validate(5).is_ok());  // upper_bounds missing
  per_asset.upper_bounds = Eigen::VectorXd::Ones(4);
  EXPECT_FALSE(per_asset.validate(5).is_ok());

  PortfolioConstraints nan_budget{.budget = std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(nan_budget.validate(5).is_ok());
  EXPECT_FALSE(PortfolioConstraints{.max_turnover = -1}.validate(5).is_ok());
}

TEST(PrecheckConstraints, LowerBoundsAboveBudget) {
  PortfolioConstraints c{.lower_bound = 0.3};
  const auto conflicts = precheck_constraints(c, kAssets);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_TRUE(names(conflicts, "bounds"));
  EXPECT_TRUE(names(conflicts, "budget"));
  EXPECT_NE(conflicts[0].explanation.find("1.5"), std::string::npos);
}

TEST(PrecheckConstraints, UpperBoundsBelowBudget) {
  PortfolioConstraints c{.upper_bound = 0.15};
  EXPECT_TRUE(names(precheck_constraints(c, kAssets), "budget"));
  PortfolioConstraints free{.budget = std::nullopt, .net_exposure_min = 0.9};
  free.upper_bound = 0.15;
  EXPECT_TRUE(names(precheck_constraints(free, kAssets), "net-exposure"));
}

TEST(PrecheckConstraints, GroupMinAboveMax) {
  PortfolioConstraints c;
  c.groups.push_back({"stable", {3, 4}, 0.5, 0.2});
  const auto conflicts = precheck_constraints(c, kAssets);
  EXPECT_TRUE(names(conflicts, "group[stable]"));
}

TEST(PrecheckConstraints, DisjointGroupMinimumsAboveBudget) {
  PortfolioConstraints c;
  c.groups.push_back({"majors", {0, 1}, 0.6, kInfinity});
  c.groups.push_back({"stable", {3, 4}, 0.5, kInfinity});
  const auto conflicts = precheck_constraints(c, kAssets);
  ASSERT_FALSE(conflicts.empty());
  EXPECT_TRUE(names(conflicts, "group[majors]"));
  EXPECT_TRUE(names(conflicts, "group[stable]"));
  EXPECT_TRUE(names(conflicts, "budget"));
  // Overlapping groups are not disjoint: no such conflict (0.6 + 0.5 can share ETH).
  PortfolioConstraints overlap;
  overlap.groups.push_back({"a", {0, 1}, 0.6, kInfinity});
  overlap.groups.push_back({"b", {1, 2}, 0.5, kInfinity});
  EXPECT_TRUE(precheck_constraints(overlap, kAssets).empty());
  // With shorting allowed elsewhere the minimums can be financed: no conflict.
  PortfolioConstraints shorts = c;
  shorts.lower_bound = -kInfinity;
  EXPECT_TRUE(precheck_constraints(shorts, kAssets).empty());
}

TEST(PrecheckConstraints, GroupMinUnreachableByMemberBounds) {
  PortfolioConstraints c{.upper_bound = 0.1};
  c.budget = 0.3;
  c.groups.push_back({"stable", {3, 4}, 0.25, kInfinity});
  EXPECT_TRUE(names(precheck_constraints(c, kAssets), "group[stable]"));
}

TEST(PrecheckConstraints, LeverageAndTurnover) {
  PortfolioConstraints lev{.lower_bound = -1.0, .max_gross_leverage = 0.5};
  EXPECT_TRUE(names(precheck_constraints(lev, kAssets), "gross-leverage"));
  PortfolioConstraints turn;
  turn.current_weights = Eigen::VectorXd::Zero(5);
  turn.max_turnover = 0.5;  // from cash to fully invested needs 1
  EXPECT_TRUE(names(precheck_constraints(turn, kAssets), "turnover"));
  turn.max_turnover = 1.0;
  EXPECT_TRUE(precheck_constraints(turn, kAssets).empty());
}

}  // namespace
}  // namespace keel
