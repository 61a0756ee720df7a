#pragma once
// Post-solve verification (docs/architecture.md section 4): every returned portfolio is checked against all
// of its constraints, independently of the solver that produced it. The worst violation goes into
// PortfolioDiagnostics::max_constraint_violation; a violation above tolerance is a bug, not a
// result, and turns the status into kNumericalError.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/optimize/constraints.hpp"
#include "keel/optimize/portfolio_result.hpp"

namespace keel {

struct VerifyOptions {
  // A constraint is violated when it is missed by more than tolerance (absolute, weight units;
  // scaled by max(1, |rhs|) for sums). Default 1e-8, range > 0.
  double tolerance = 1e-8;
  // A constraint is reported active when its slack is at most this (absolute). Default 1e-7.
  double active_tolerance = 1e-7;
};

struct VerificationReport {
  double max_violation = 0.0;         // worst violation over all constraints (≥ 0)
  std::string worst_constraint;       // its name ("" when nothing is violated at all)
  std::vector<std::string> violated;  // every constraint violated above tolerance
  std::vector<std::string> active;    // constraints binding within active_tolerance
  bool passed() const { return violated.empty(); }
};

// Checks `weights` (size n = assets.size()) against every constraint in `constraints`.
// Non-finite weights fail every check (violation = infinity, constraint "weights").
VerificationReport verify_weights(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                  const PortfolioConstraints& constraints,
                                  const std::vector<std::string>& assets,
                                  const VerifyOptions& options = {});

// Runs verify_weights on result.weights and records the outcome in result.diagnostics
// (max_constraint_violation, worst_constraint, active_constraints). When a usable result fails,
// its status becomes kNumericalError with an explanation naming the violated constraints.
// Results without weights are left as they are.
void verify_result(PortfolioResult& result, const PortfolioConstraints& constraints,
                   const VerifyOptions& options = {});

}  // namespace keel
