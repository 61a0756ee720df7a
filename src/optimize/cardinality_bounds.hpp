#pragma once
// Private: the big-M bounds of the cardinality rules (constraints.hpp max_assets, min_position),
// shared by the constraint checks (constraints.cpp), the mean-variance branch-and-bound
// (cardinality.cpp) and the tail-risk MILP (tail_risk.cpp).

#include <Eigen/Core>

#include "keel/optimize/constraints.hpp"

namespace keel::detail {

// The largest weight each asset can take in a long-only book: its upper bound, tightened by
// what the budget (or the net exposure cap, or the gross leverage cap) leaves once every other
// asset sits at its lower bound. +infinity when nothing caps it. Used as M_i in w_i ≤ M_i z_i.
Eigen::VectorXd cardinality_upper(const PortfolioConstraints& constraints, int n);

}  // namespace keel::detail
