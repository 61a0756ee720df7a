// A group constraint with no member among the assets (a tag group whose coins are not in this
// universe, e.g. before their listing) weighs 0. optimize_portfolio drops it with a warning when
// its limits allow 0 and returns `infeasible`, naming the group, when they do not. Before this
// was handled, every model returned a call error that backtests recorded as `numerical-error`.
#include <gtest/gtest.h>

#include <algorithm>

#include "keel/optimize/model.hpp"

namespace keel {
namespace {

ModelInputs three_assets() {
  ModelInputs in;
  in.assets = {"BTC", "ETH", "DOGE"};
  Eigen::Matrix3d cov;
  cov << 0.36, 0.20, 0.25, 0.20, 0.49, 0.30, 0.25, 0.30, 0.81;
  in.covariance = cov;
  in.expected_returns = Eigen::Vector3d(0.30, 0.40, 0.50);
  // Scenarios for the tail-risk models: a few rows with a positive mean.
  in.scenarios.resize(6, 3);
  in.scenarios << 0.01, 0.02, 0.03, -0.02, -0.01, -0.04, 0.03, 0.01, 0.05, 0.00, 0.02, -0.01,
      0.01, -0.02, 0.02, 0.02, 0.03, 0.01;
  in.periods_per_year = 365;
  return in;
}

bool has_warning(const PortfolioResult& r, const std::string& part) {
  return std::any_of(r.diagnostics.warnings.begin(), r.diagnostics.warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

TEST(EmptyGroup, DroppedWithAWarningWhenItsLimitsAllowZero) {
  const ModelInputs in = three_assets();
  for (PortfolioModel model :
       {PortfolioModel::kMinVariance, PortfolioModel::kMaxSharpe, PortfolioModel::kMinCvar,
        PortfolioModel::kRiskParity, PortfolioModel::kHrp, PortfolioModel::kEqualWeight}) {
    SCOPED_TRACE(std::string(to_string(model)));
    ModelSpec spec;
    spec.model = model;
    spec.constraints.groups.push_back({"chain=solana", {}, -kInfinity, 0.3});
    spec.constraints.groups.push_back({"chain=none-yet", {}, 0.0, 0.3});
    auto r = optimize_portfolio(in, spec);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    ASSERT_TRUE(r->is_usable()) << to_string(r->status) << ": " << r->diagnostics.explanation;
    EXPECT_NEAR(r->weights.sum(), 1.0, 1e-8);
    EXPECT_TRUE(has_warning(*r, "group[chain=solana] has no member")) << r->diagnostics.warnings.size();
    EXPECT_TRUE(has_warning(*r, "group[chain=none-yet] has no member"));
    // Same answer as without the groups.
    ModelSpec plain = spec;
    plain.constraints.groups.clear();
    auto reference = optimize_portfolio(in, plain);
    ASSERT_TRUE(reference.is_ok());
    EXPECT_LT((r->weights - reference->weights).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(EmptyGroup, InfeasibleNamingTheGroupWhenItsMinimumIsPositive) {
  const ModelInputs in = three_assets();
  for (PortfolioModel model : {PortfolioModel::kMinVariance, PortfolioModel::kMaxSharpe,
                               PortfolioModel::kMinCvar, PortfolioModel::kRiskParity}) {
    SCOPED_TRACE(std::string(to_string(model)));
    ModelSpec spec;
    spec.model = model;
    spec.constraints.groups.push_back({"chain=eth", {1}, 0.0, 0.6});
    spec.constraints.groups.push_back({"chain=solana", {}, 0.1, 0.3});
    auto r = optimize_portfolio(in, spec);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    EXPECT_EQ(r->status, SolveStatus::kInfeasible);
    EXPECT_NE(r->status, SolveStatus::kNumericalError);
    EXPECT_FALSE(r->is_usable());
    EXPECT_EQ(r->diagnostics.conflicting_constraints,
              std::vector<std::string>{"group[chain=solana]"});
    const std::string& why = r->diagnostics.explanation;
    EXPECT_NE(why.find("group[chain=solana] has no member"), std::string::npos) << why;
    EXPECT_NE(why.find("below its minimum 0.1"), std::string::npos) << why;
  }
  // A negative maximum (a net short group) cannot be met by an empty group either.
  ModelSpec spec;
  spec.constraints.lower_bound = -1.0;
  spec.constraints.groups.push_back({"shorts", {}, -kInfinity, -0.1});
  auto r = optimize_portfolio(in, spec);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
  EXPECT_NE(r->diagnostics.explanation.find("above its maximum -0.1"), std::string::npos)
      << r->diagnostics.explanation;
}

}  // namespace
}  // namespace keel
