#include "optimize/constraint_conflicts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace keel::detail {

MergedConflicts merge_conflicts(const std::vector<ConstraintConflict>& conflicts) {
  MergedConflicts merged;
  std::vector<std::string> explanations;
  for (const auto& conflict : conflicts) {
    for (const auto& name : conflict.constraints) {
      if (std::find(merged.names.begin(), merged.names.end(), name) == merged.names.end()) {
        merged.names.push_back(name);
      }
    }
    explanations.push_back(conflict.explanation);
  }
  merged.explanation = fmt::format("{}", fmt::join(explanations, "; "));
  return merged;
}

std::vector<std::string> conflicting_constraints(
    const PortfolioConstraints& c, bool has_target,
    const std::function<bool(const ConstraintMask&)>& infeasible) {
  ConstraintMask mask = full_mask(c);
  mask.leverage = c.has_leverage_cap();
  mask.turnover = c.has_turnover_cap();
  mask.target = has_target;
  mask.total = c.budget || std::isfinite(c.net_exposure_min) || std::isfinite(c.net_exposure_max);
  if (!infeasible(mask)) return {};
  const auto try_drop = [&](auto&& flag) {
    if (!flag) return;
    flag = false;
    if (!infeasible(mask)) flag = true;
  };
  try_drop(mask.target);
  try_drop(mask.turnover);
  try_drop(mask.leverage);
  for (std::size_t k = 0; k < mask.linear.size(); ++k) try_drop(mask.linear[k]);
  for (std::size_t g = 0; g < mask.groups.size(); ++g) try_drop(mask.groups[g]);
  try_drop(mask.bounds);
  try_drop(mask.total);
  return mask_names(c, mask);
}

std::string infeasibility_explanation(const std::vector<std::string>& culprits,
                                      const std::string& solver) {
  if (culprits.empty()) {
    return solver +
           " reports no feasible portfolio, but no conflicting subset of the "
           "constraints was found; loosen the constraints or report the inputs";
  }
  return fmt::format("no portfolio satisfies {} together; loosen one of them",
                     fmt::join(culprits, ", "));
}

void set_infeasible(PortfolioResult& result, std::vector<std::string> culprits,
                    std::string explanation) {
  result.status = SolveStatus::kInfeasible;
  result.weights.resize(0);
  result.diagnostics.conflicting_constraints = std::move(culprits);
  result.diagnostics.explanation = std::move(explanation);
}

}  // namespace keel::detail
