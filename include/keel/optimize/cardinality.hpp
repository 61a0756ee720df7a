#pragma once
// Cardinality and minimum positions (constraints.hpp: max_assets, GroupConstraint::max_assets,
// min_position) make a portfolio problem mixed-integer. With a binary z_i per asset (held or
// not) and M_i the largest weight asset i can take (its upper bound, tightened by the budget:
// the big-M of the box constraints),
//
//   w_i ≤ M_i z_i,   w_i ≥ m z_i,   Σ_i z_i ≤ K,   Σ_{i∈g} z_i ≤ K_g,   z ∈ {0, 1}ⁿ.
//
// Supported: long-only books (every effective lower bound ≥ 0) with finite M_i; an asset with a
// positive lower bound is always held. Long-short cardinality (|w_i| ≥ m or 0) is refused with
// Status::invalid (validate_cardinality, constraints.hpp).
//
// Mean-variance family (mean_variance.hpp: min-variance, max-sharpe, max-utility,
// efficient-return, min-tracking-error, max-diversification; the efficient-risk searches are
// refused): a branch-and-bound over the continuous QP relaxations (Bienstock 1996, "Computational
// study of a family of mixed-integer quadratic programming problems", Math. Programming 74;
// Bertsimas & Shioda 2009, "Algorithm for cardinality-constrained quadratic optimization",
// Comput. Optim. Appl. 43). A node fixes some z_i to 0 (w_i = 0) and some to 1 (w_i ≥ max(l_i, m));
// projecting the big-M relaxation of the free z_i out leaves one linear row per count rule,
//   Σ_{i free} w_i / M_i ≤ K − #(fixed to 1)        (and the same within each counted group),
// added to the model's own QP when it is not implied by the budget and the bounds. The node QPs
// run on one persistent QpSolver (qp_solver.hpp), warm-started from the previous node's answer
// whenever that answer is feasible for the next node. Best-bound node selection; branching on the
// most fractional z_i = w_i / M_i among the free assets held at the node's answer; a node is
// pruned when its bound is within the relative gap of the incumbent. The first incumbent comes
// from the root answer: keep its K largest weights (within the group counts), re-solve on that
// support, and, if some weight lands below m, once more with those held weights forced to ≥ m;
// the same heuristic runs again every `heuristic_interval` nodes.
//
// Max Sharpe (and max diversification) branch on the homogenised QP (y = κw, κ > 0): fixing
// z_i = 0 is y_i = 0, fixing z_i = 1 is y_i ≥ m κ, and the relaxation rows become
// Σ y_i / M_i ≤ (K − #on) κ — every rule is homogeneous of degree one in (y, κ), so the
// homogenised node QP is exactly the node's max-Sharpe problem and its optimal value 1/S² a
// valid bound (the support of y is that of w). The gap is reported on the QP objective (the
// variance for min-variance, 1/S² for max Sharpe with no L2 term, ...).
//
// Tail-risk models (tail_risk.hpp): the full LP (never the cutting planes) with the binaries
// above, solved as a MILP by COIN-OR Cbc with the same gap, node and time limits.

#include <string>

#include "keel/core/json.hpp"
#include "keel/core/status.hpp"

namespace keel {

struct CardinalityOptions {
  // Stop when (incumbent − best bound) ≤ relative_gap · max(|incumbent|, 1e-12). Default 1e-6,
  // range [0, 1).
  double relative_gap = 1e-6;
  // Most branch-and-bound nodes (QP relaxations; Cbc nodes for the tail-risk MILPs). Default
  // 1'000'000, ≥ 1. Reaching it gives status iteration-limit with the best portfolio found.
  int max_nodes = 1'000'000;
  // Wall-clock limit of the search in seconds. Default 60, > 0 (infinity = none). Reaching it
  // gives status time-limit with the best portfolio found (weights kept, not usable).
  double time_limit_s = 60.0;
  // The incumbent heuristic (keep the K largest and re-solve) runs at the root and every this
  // many nodes. Default 50, ≥ 1.
  int heuristic_interval = 50;

  Status validate() const;
};

// What the search did, written under "cardinality" in the result JSON (portfolio details).
struct CardinalityReport {
  std::string method;  // "branch-and-bound" (mean-variance) or "cbc" (tail-risk MILP)
  int nodes = 0;       // nodes processed (QP relaxations solved in the tree; Cbc's node count)
  int heuristic_solves = 0;  // QPs solved by the incumbent heuristic (branch-and-bound only)
  double objective = 0.0;    // objective of the best portfolio found (the model's QP/LP value)
  double bound = 0.0;        // best proven lower bound on the optimal objective
  double gap = 0.0;          // (objective − bound) / max(|objective|, 1e-12), ≥ 0
  double time_ms = 0.0;      // wall time of the search
  std::string stop;          // "gap" (proven within relative_gap), "node-limit", "time-limit",
                             // "infeasible"
  int holdings = 0;          // assets held by the best portfolio (|w| > kHoldingTolerance)

  Json to_json() const;
};

}  // namespace keel
