#pragma once
// Private: the user constraints of keel/optimize/constraints.hpp as rows on the weights, shared
// by the LP builder of the tail-risk models (lp_model.cpp) and the QP builder of the
// mean-variance family (mean_variance.cpp), with the mask that switches them on and off and
// their names.

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "keel/optimize/constraints.hpp"

namespace keel::detail {

// Which user constraints a model includes; the infeasibility diagnosis switches them off.
struct ConstraintMask {
  bool total = true;     // budget or net exposure
  bool bounds = true;    // per-asset bounds and max short
  bool leverage = true;  // gross leverage
  bool turnover = true;
  bool target = true;  // the model's own row (target return)
  std::vector<bool> groups;
  std::vector<bool> linear;
};

// Every constraint switched on.
ConstraintMask full_mask(const PortfolioConstraints& constraints);

// Names of the constraints switched on in `mask`, in the order target-return, budget or
// net-exposure, bounds, gross-leverage, turnover, group[...], linear[...].
std::vector<std::string> mask_names(const PortfolioConstraints& constraints,
                                    const ConstraintMask& mask);

// Calls emit(coefficients, lower, upper, equality) for each row on the n weights that `mask`
// switches on, in the order: budget (lower = upper = b, equality) or net exposure (its range,
// only when a side is finite); groups (their range; equality when min == max); linear
// constraints (by sense: [rhs, rhs] equality, [−∞, rhs] or [rhs, ∞]); the target row
// target_row ≥ target_rhs (= when target_equality) when target_row has n entries.
// `equality` tells models that split ranges into one-sided rows which rows are equalities.
template <typename Emit>
void for_each_weight_row(const PortfolioConstraints& c, int n, const ConstraintMask& mask,
                         const Eigen::VectorXd& target_row, double target_rhs, bool target_equality,
                         Emit&& emit) {
  if (mask.total) {
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
    if (c.budget) {
      emit(ones, *c.budget, *c.budget, true);
    } else if (std::isfinite(c.net_exposure_min) || std::isfinite(c.net_exposure_max)) {
      emit(ones, c.net_exposure_min, c.net_exposure_max, false);
    }
  }
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    if (!mask.groups[g]) continue;
    const GroupConstraint& group = c.groups[g];
    Eigen::VectorXd row = Eigen::VectorXd::Zero(n);
    for (int i : group.members) row[i] = 1.0;
    emit(row, group.min, group.max, group.min == group.max);
  }
  for (std::size_t k = 0; k < c.linear.size(); ++k) {
    if (!mask.linear[k]) continue;
    const LinearConstraint& linear = c.linear[k];
    switch (linear.sense) {
      case ConstraintSense::kEqual:
        emit(linear.coefficients, linear.rhs, linear.rhs, true);
        break;
      case ConstraintSense::kLessEqual:
        emit(linear.coefficients, -kInfinity, linear.rhs, false);
        break;
      case ConstraintSense::kGreaterEqual:
        emit(linear.coefficients, linear.rhs, kInfinity, false);
        break;
    }
  }
  if (mask.target && target_row.size() == n) {
    emit(target_row, target_rhs, target_equality ? target_rhs : kInfinity, target_equality);
  }
}

}  // namespace keel::detail
