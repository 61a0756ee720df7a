// Constrained risk budgeting (Richard & Roncalli 2019) against the independent fixtures of
// tests/reference/make_crb_fixtures.py: cvxopt's cp solver for x(λ) over bounds and linear rows,
// brentq on λ for Σx(λ) = 1, and a scipy root polish of the active set's KKT system.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "keel/optimize/risk_budgeting.hpp"
#include "optimize/rp_fixtures.hpp"

namespace keel {
namespace {

struct CrbCase {
  Eigen::MatrixXd covariance;
  RiskBudgetingOptions options;
  Eigen::VectorXd weights;
  double lambda = 0.0;
  std::vector<std::string> binding_rows;  // names of the active rows, "row<k>"
};

CrbCase read_case(const std::string& name) {
  CrbCase c;
  c.covariance = test::read_matrix_csv(test::rp_fixture(name + "_covariance.csv"));
  const auto n = c.covariance.rows();
  c.options.method = RiskBudgetingMethod::kBarrier;
  c.options.budgets = test::read_vector_csv(test::rp_fixture(name + "_budgets.csv"));
  const Eigen::MatrixXd bounds = test::read_matrix_csv(test::rp_fixture(name + "_bounds.csv"));
  c.options.lower = bounds.row(0).transpose();
  c.options.upper = bounds.row(1).transpose();
  const Eigen::MatrixXd rows = test::read_matrix_csv(test::rp_fixture(name + "_rows.csv"));
  for (Eigen::Index k = 0; k < rows.rows(); ++k) {
    const Eigen::VectorXd a = rows.row(k).head(n).transpose();
    const double lo = rows(k, n);
    const double hi = rows(k, n + 1);
    const std::string row_name = "row" + std::to_string(k);
    if (lo == hi) {
      c.options.linear.push_back({row_name, a, ConstraintSense::kEqual, lo});
      continue;
    }
    if (std::isfinite(hi))
      c.options.linear.push_back({row_name, a, ConstraintSense::kLessEqual, hi});
    if (std::isfinite(lo)) {
      c.options.linear.push_back({row_name, a, ConstraintSense::kGreaterEqual, lo});
    }
  }
  c.weights = test::read_vector_csv(test::rp_fixture(name + "_weights.csv"));
  c.lambda = test::read_vector_csv(test::rp_fixture(name + "_lambda.csv"))[0];
  const Eigen::VectorXd active = test::read_vector_csv(test::rp_fixture(name + "_active.csv"));
  for (Eigen::Index k = 0; k < active.size(); ++k) {
    c.binding_rows.push_back("linear[row" + std::to_string(static_cast<int>(active[k])) + "]");
  }
  return c;
}

class ConstrainedRiskBudgeting : public ::testing::TestWithParam<const char*> {};

TEST_P(ConstrainedRiskBudgeting, MatchesTheCvxoptFixture) {
  const CrbCase c = read_case(GetParam());
  ASSERT_GT(c.covariance.rows(), 0) << "missing fixture " << GetParam();
  auto r = risk_budgeting(c.covariance, c.options);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->status, SolveStatus::kOptimal) << r->message;
  EXPECT_LT((r->weights - c.weights).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_NEAR(r->lambda, c.lambda, 1e-9 * c.lambda);
  // Equality rows are listed as binding too; the fixture lists active inequality rows only.
  std::vector<std::string> inequality_binding;
  for (const auto& name : r->binding_constraints) {
    const bool equality = std::any_of(
        c.options.linear.begin(), c.options.linear.end(), [&](const LinearConstraint& l) {
          return "linear[" + l.name + "]" == name && l.sense == ConstraintSense::kEqual;
        });
    if (!equality) inequality_binding.push_back(name);
  }
  EXPECT_EQ(inequality_binding, c.binding_rows);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ConstrainedRiskBudgeting,
                         ::testing::Values("crb_groups", "crb_linear", "crb_slack", "crb_lower"));

}  // namespace
}  // namespace keel
