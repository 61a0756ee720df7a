#pragma once
// The portfolio constraint model shared by the portfolio optimisers: weights w over n named
// assets, any combination of
//
//   budget          Σ w_i = b                                  (b = 1 fully invested, 0 market
//   neutral) net exposure    lo ≤ Σ w_i ≤ hi                            (only when the budget is
//   free) bounds          l_i ≤ w_i ≤ u_i                            (one pair for all, or per
//   asset) max short       w_i ≥ −s                                   (per asset) gross leverage  Σ
//   |w_i| ≤ L                                (modelled with w = p − m, p, m ≥ 0) groups g_min ≤
//   Σ_{i∈g} w_i ≤ g_max                (tags resolved to asset indices) linear          aᵀw ≤ c,
//   aᵀw ≥ c or aᵀw = c               (each with a name) turnover        Σ |w_i − w0_i| ≤ τ
//   (modelled with w − w0 = u − v, u, v ≥ 0)
//
// Every constraint has a name ("budget", "bounds[BTC]", "group[chain:eth]", "linear[beta]",
// "gross-leverage", "net-exposure", "turnover", "max-short[BTC]") used in verification messages,
// active-constraint lists and infeasibility explanations.

#include <Eigen/Core>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/status.hpp"

namespace keel {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Σ_{i ∈ members} w_i within [min, max]. The caller resolves tags (chain, sector, stablecoin) to
// asset indices. ±infinity leaves a side open. Example: {"chain:eth", {0, 3, 7}, -kInfinity, 0.4}.
struct GroupConstraint {
  std::string name{};
  std::vector<int> members{};  // 0-based asset indices, distinct, in [0, n)
  double min = -kInfinity;
  double max = kInfinity;
  // Cardinality within the group: at most max_assets members held (weight above
  // kHoldingTolerance). 0 (default) = no limit; ≥ 0. Named "max-assets[<group name>]".
  int max_assets = 0;
};

enum class ConstraintSense {
  kLessEqual,     // aᵀw ≤ rhs
  kGreaterEqual,  // aᵀw ≥ rhs
  kEqual,         // aᵀw = rhs
};

// An arbitrary linear constraint on the weights, e.g. a beta target or a factor exposure cap.
struct LinearConstraint {
  std::string name{};
  Eigen::VectorXd coefficients{};  // a, one per asset
  ConstraintSense sense = ConstraintSense::kLessEqual;
  double rhs = 0.0;
};

struct PortfolioConstraints {
  // Σ w = budget. 1 = fully invested (default), 0 = market neutral, std::nullopt = free budget
  // (then net_exposure_min/max bound Σ w). Finite.
  std::optional<double> budget = 1.0;
  // Net exposure range for Σ w when the budget is free (ignored, and must stay infinite, when the
  // budget is fixed). Default: unbounded.
  double net_exposure_min = -kInfinity;
  double net_exposure_max = kInfinity;

  // Bounds for every asset: lower_bound ≤ w_i ≤ upper_bound. Default long-only [0, 1].
  // ±kInfinity for none (e.g. {-kInfinity, kInfinity} for unconstrained shorts).
  double lower_bound = 0.0;
  double upper_bound = 1.0;
  // Per-asset bounds; when non-empty (size n) they replace lower_bound / upper_bound.
  Eigen::VectorXd lower_bounds{};
  Eigen::VectorXd upper_bounds{};
  // Largest short position per asset as a positive fraction: w_i ≥ −max_short. Infinity = none.
  // Combined with the lower bounds by taking the tighter one.
  double max_short = kInfinity;

  // Σ |w_i| ≤ max_gross_leverage (≥ 0; infinity = none). 1 with budget 1 means long-only.
  double max_gross_leverage = kInfinity;

  std::vector<GroupConstraint> groups{};
  std::vector<LinearConstraint> linear{};

  // Current holdings w0 (size n; empty = all cash, w0 = 0). Used by the turnover cap and by
  // transaction costs in the objective.
  Eigen::VectorXd current_weights{};
  // Σ |w_i − w0_i| ≤ max_turnover (≥ 0; infinity = none). One-way turnover is half of it.
  double max_turnover = kInfinity;

  // Cardinality: at most max_assets weights are held (|w_i| > kHoldingTolerance). 0 (default) =
  // no limit; ≥ 0. Named "max-assets". Per-group counts: GroupConstraint::max_assets.
  int max_assets = 0;
  // Minimum position (buy-in threshold): every held weight is ≥ min_position, i.e. w_i = 0 or
  // w_i ≥ min_position. 0 (default) = none; ≥ 0 and finite. Named "min-position".
  //
  // Cardinality and minimum positions make the problem mixed-integer (cardinality.hpp). Keel
  // supports them on LONG-ONLY books (every effective lower bound ≥ 0) with finite upper bounds
  // (or a fixed budget that caps every weight); an asset with a positive lower bound is always
  // held. Long-short books (|w_i| ≥ m or 0) are refused by validate() with Status::invalid.
  double min_position = 0.0;

  // Dimensions, finiteness, ordering (lower ≤ upper, min ≤ max), member indices in range and
  // distinct, net exposure only with a free budget. Messages name the asset/group/constraint.
  Status validate(int assets) const;

  // Effective per-asset bounds after combining lower/upper bounds with max_short.
  Eigen::VectorXd effective_lower(int assets) const;
  Eigen::VectorXd effective_upper(int assets) const;
  // w0, or zeros when current_weights is empty.
  Eigen::VectorXd effective_current(int assets) const;
  bool has_leverage_cap() const { return max_gross_leverage < kInfinity; }
  bool has_turnover_cap() const { return max_turnover < kInfinity; }
  // True when any cardinality or minimum-position rule is present (overall or per group).
  bool has_cardinality() const;
};

// A weight counts as held when |w_i| > kHoldingTolerance (for the cardinality and
// minimum-position rules, in the optimisers and in verification alike).
inline constexpr double kHoldingTolerance = 1e-9;

// Checks that need the asset names: the cardinality rules can be met at all. Status::invalid,
// naming the rules, when
//   * a cardinality or minimum-position rule is given with a negative effective lower bound
//     (long-short cardinality is not supported),
//   * max_assets is below the number of assets the positive lower bounds and the group minimums
//     force into the book (a group with minimum g_min needs at least as many members as it takes
//     their largest upper bounds to reach g_min), or a group's max_assets is below what its own
//     minimum forces.
// Status::ok() when no cardinality rule is present.
Status validate_cardinality(const PortfolioConstraints& constraints,
                            const std::vector<std::string>& assets);

// Quick feasibility checks that need no solver, each naming its culprits:
//   Σ lower bounds > budget, Σ upper bounds < budget (also against the net exposure range),
//   a group with min > max, or whose min/max cannot be met by its members' bounds,
//   disjoint groups whose mins add up to more than the budget (or maxes to less),
//   gross leverage below |budget|, turnover cap that cannot reach the bounds from w0,
//   max_assets whose largest upper bounds cannot reach the budget ("max-assets", "bounds",
//   "budget"), a min_position above the budget or above every upper bound ("min-position").
// Returns an empty vector when nothing is found (which does not prove feasibility).
struct ConstraintConflict {
  std::vector<std::string> constraints{};  // names of the conflicting constraints
  std::string explanation{};               // what conflicts and how to fix it
};
std::vector<ConstraintConflict> precheck_constraints(const PortfolioConstraints& constraints,
                                                     const std::vector<std::string>& assets);

}  // namespace keel
