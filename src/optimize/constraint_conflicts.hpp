#pragma once
// Private: how the portfolio models (mean_variance.cpp, tail_risk.cpp) explain an infeasible
// problem: the pre-check conflicts merged into one list of names and one explanation, the
// deletion filter that traces a solver's infeasibility to an irreducible subset of constraints,
// and the infeasible result itself.

#include <functional>
#include <string>
#include <vector>

#include "keel/optimize/constraints.hpp"
#include "keel/optimize/portfolio_result.hpp"
#include "optimize/constraint_rows.hpp"

namespace keel::detail {

// The constraints named by precheck_constraints (each once, in order of appearance) and their
// explanations joined by "; ".
struct MergedConflicts {
  std::vector<std::string> names;
  std::string explanation;
};
MergedConflicts merge_conflicts(const std::vector<ConstraintConflict>& conflicts);

// Deletion filter (Chinneck & Dravnieks 1991, "Locating minimal infeasible constraint sets in
// linear programs", ORSA J. Computing 3): starting from every constraint present (the target
// row when `has_target`), drops one constraint at a time — target, turnover, leverage, each
// linear row, each group, bounds, budget — and keeps it dropped while `infeasible` still holds
// for the rest. What remains is an irreducible infeasible subset, returned by name. Empty when
// the full set is feasible.
std::vector<std::string> conflicting_constraints(
    const PortfolioConstraints& constraints, bool has_target,
    const std::function<bool(const ConstraintMask&)>& infeasible);

// "no portfolio satisfies A, B together; loosen one of them" for the constraints the deletion
// filter named, or, when it named none, that `solver` reports infeasibility without a
// conflicting subset.
std::string infeasibility_explanation(const std::vector<std::string>& culprits,
                                      const std::string& solver);

// Marks `result` infeasible: no weights, the conflicting constraints and the explanation.
void set_infeasible(PortfolioResult& result, std::vector<std::string> culprits,
                    std::string explanation);

}  // namespace keel::detail
