#include "keel/optimize/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace keel {

namespace {

class Checker {
 public:
  Checker(const VerifyOptions& options, VerificationReport& report)
      : options_(options), report_(report) {}

  // value ≤ limit (skipped when the limit is +inf).
  void at_most(const std::string& name, double value, double limit) {
    if (limit == kInfinity) return;
    record(name, value - limit, limit);
  }
  // value ≥ limit (skipped when the limit is −inf).
  void at_least(const std::string& name, double value, double limit) {
    if (limit == -kInfinity) return;
    record(name, limit - value, limit);
  }
  void equal(const std::string& name, double value, double target) {
    const double scale = std::max(1.0, std::abs(target));
    const double violation = std::abs(value - target) / scale;
    update(name, std::isnan(value) ? kInfinity : violation);
    report_.active.push_back(name);
  }

 private:
  void record(const std::string& name, double excess, double limit) {
    const double scale = std::max(1.0, std::abs(limit));
    if (std::isnan(excess)) excess = kInfinity;
    update(name, std::max(excess, 0.0) / scale);
    if (excess >= -options_.active_tolerance) report_.active.push_back(name);
  }
  void update(const std::string& name, double violation) {
    if (violation > report_.max_violation) {
      report_.max_violation = violation;
      report_.worst_constraint = name;
    }
    if (violation > options_.tolerance) report_.violated.push_back(name);
  }

  const VerifyOptions& options_;
  VerificationReport& report_;
};

}  // namespace

VerificationReport verify_weights(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                  const PortfolioConstraints& constraints,
                                  const std::vector<std::string>& assets,
                                  const VerifyOptions& options) {
  VerificationReport report;
  const int n = static_cast<int>(assets.size());
  if (weights.size() != n || !weights.allFinite()) {
    report.max_violation = kInfinity;
    report.worst_constraint = "weights";
    report.violated.push_back("weights");
    return report;
  }
  Checker check(options, report);
  const double total = weights.sum();
  if (constraints.budget) {
    check.equal("budget", total, *constraints.budget);
  } else {
    check.at_least("net-exposure", total, constraints.net_exposure_min);
    check.at_most("net-exposure", total, constraints.net_exposure_max);
  }
  const Eigen::VectorXd lower = constraints.lower_bounds.size() == n
                                    ? Eigen::VectorXd(constraints.lower_bounds)
                                    : Eigen::VectorXd::Constant(n, constraints.lower_bound);
  const Eigen::VectorXd upper = constraints.effective_upper(n);
  for (int i = 0; i < n; ++i) {
    const std::string& asset = assets[static_cast<std::size_t>(i)];
    if (lower[i] == upper[i]) {
      check.equal(fmt::format("fixed[{}]", asset), weights[i], lower[i]);
      continue;
    }
    check.at_least(fmt::format("lower-bound[{}]", asset), weights[i], lower[i]);
    check.at_most(fmt::format("upper-bound[{}]", asset), weights[i], upper[i]);
    if (constraints.max_short < kInfinity && -constraints.max_short > lower[i]) {
      check.at_least(fmt::format("max-short[{}]", asset), weights[i], -constraints.max_short);
    }
  }
  if (constraints.has_leverage_cap()) {
    check.at_most("gross-leverage", weights.cwiseAbs().sum(), constraints.max_gross_leverage);
  }
  for (std::size_t g = 0; g < constraints.groups.size(); ++g) {
    const auto& group = constraints.groups[g];
    const std::string name =
        group.name.empty() ? fmt::format("group[{}]", g) : fmt::format("group[{}]", group.name);
    double sum = 0.0;
    for (int i : group.members) sum += weights[i];
    if (group.min == group.max) {
      check.equal(name, sum, group.min);
    } else {
      check.at_least(name, sum, group.min);
      check.at_most(name, sum, group.max);
    }
  }
  for (std::size_t k = 0; k < constraints.linear.size(); ++k) {
    const auto& row = constraints.linear[k];
    const std::string name =
        row.name.empty() ? fmt::format("linear[{}]", k) : fmt::format("linear[{}]", row.name);
    const double value = row.coefficients.dot(weights);
    switch (row.sense) {
      case ConstraintSense::kLessEqual:
        check.at_most(name, value, row.rhs);
        break;
      case ConstraintSense::kGreaterEqual:
        check.at_least(name, value, row.rhs);
        break;
      case ConstraintSense::kEqual:
        check.equal(name, value, row.rhs);
        break;
    }
  }
  if (constraints.has_turnover_cap()) {
    const Eigen::VectorXd w0 = constraints.effective_current(n);
    check.at_most("turnover", (weights - w0).cwiseAbs().sum(), constraints.max_turnover);
  }
  // Cardinality: a count above its cap is missed by the smallest held weights that would have to
  // go (weight units), so that a stray 1e-12 does not fail a book but a real extra holding does.
  const auto check_count = [&](const std::string& name, const std::vector<int>& members, int cap) {
    std::vector<double> held;
    for (int i : members) {
      if (std::abs(weights[i]) > kHoldingTolerance) held.push_back(std::abs(weights[i]));
    }
    double excess = 0.0;
    if (static_cast<int>(held.size()) > cap) {
      std::sort(held.begin(), held.end());
      for (std::size_t k = 0; k < held.size() - static_cast<std::size_t>(cap); ++k) {
        excess += held[k];
      }
    }
    // Reported active when the count is at its cap, checked (and skipped) otherwise.
    if (static_cast<int>(held.size()) >= cap) check.at_most(name, excess, 0.0);
  };
  if (constraints.max_assets > 0) {
    std::vector<int> all(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
    check_count("max-assets", all, constraints.max_assets);
  }
  for (std::size_t g = 0; g < constraints.groups.size(); ++g) {
    const auto& group = constraints.groups[g];
    if (group.max_assets <= 0) continue;
    check_count(group.name.empty() ? fmt::format("max-assets[{}]", g)
                                   : fmt::format("max-assets[{}]", group.name),
                group.members, group.max_assets);
  }
  if (constraints.min_position > 0.0) {
    for (int i = 0; i < n; ++i) {
      if (std::abs(weights[i]) <= kHoldingTolerance) continue;
      check.at_least(fmt::format("min-position[{}]", assets[static_cast<std::size_t>(i)]),
                     weights[i], constraints.min_position);
    }
  }
  return report;
}

void verify_result(PortfolioResult& result, const PortfolioConstraints& constraints,
                   const VerifyOptions& options) {
  if (result.weights.size() == 0) return;
  const VerificationReport report =
      verify_weights(result.weights, constraints, result.assets, options);
  result.diagnostics.max_constraint_violation = report.max_violation;
  result.diagnostics.worst_constraint = report.worst_constraint;
  result.diagnostics.active_constraints = report.active;
  if (!report.passed() && is_usable(result.status)) {
    result.status = SolveStatus::kNumericalError;
    result.diagnostics.conflicting_constraints = report.violated;
    result.diagnostics.explanation = fmt::format(
        "post-solve verification failed: the solver's weights violate {} (worst {} by {:.3g}, "
        "tolerance {:.1g}); this is a bug in the solver, please report it with the inputs",
        fmt::join(report.violated, ", "), report.worst_constraint, report.max_violation,
        options.tolerance);
  }
}

}  // namespace keel
