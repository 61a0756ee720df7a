#include "keel/optimize/constraints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "optimize/cardinality_bounds.hpp"

namespace keel {

namespace {

// Tolerance for the pre-checks: they report only clear contradictions, never round-off.
constexpr double kPrecheckTolerance = 1e-9;

bool is_nan(double x) { return std::isnan(x); }

std::string group_label(const GroupConstraint& group, std::size_t index) {
  return group.name.empty() ? fmt::format("group[{}]", index)
                            : fmt::format("group[{}]", group.name);
}

std::string linear_label(const LinearConstraint& linear, std::size_t index) {
  return linear.name.empty() ? fmt::format("linear[{}]", index)
                             : fmt::format("linear[{}]", linear.name);
}

}  // namespace

Eigen::VectorXd PortfolioConstraints::effective_lower(int assets) const {
  Eigen::VectorXd lower = lower_bounds.size() == assets
                              ? Eigen::VectorXd(lower_bounds)
                              : Eigen::VectorXd::Constant(assets, lower_bound);
  if (max_short < kInfinity) lower = lower.cwiseMax(-max_short);
  return lower;
}

Eigen::VectorXd PortfolioConstraints::effective_upper(int assets) const {
  return upper_bounds.size() == assets ? Eigen::VectorXd(upper_bounds)
                                       : Eigen::VectorXd::Constant(assets, upper_bound);
}

Eigen::VectorXd PortfolioConstraints::effective_current(int assets) const {
  return current_weights.size() == assets ? Eigen::VectorXd(current_weights)
                                          : Eigen::VectorXd::Zero(assets);
}

bool PortfolioConstraints::has_cardinality() const {
  if (max_assets > 0 || min_position > 0.0) return true;
  return std::any_of(groups.begin(), groups.end(),
                     [](const GroupConstraint& g) { return g.max_assets > 0; });
}

namespace detail {

Eigen::VectorXd cardinality_upper(const PortfolioConstraints& constraints, int n) {
  const Eigen::VectorXd lower = constraints.effective_lower(n).cwiseMax(0.0);
  Eigen::VectorXd upper = constraints.effective_upper(n);
  double total_cap = constraints.budget ? *constraints.budget : constraints.net_exposure_max;
  if (constraints.has_leverage_cap())
    total_cap = std::min(total_cap, constraints.max_gross_leverage);
  if (std::isfinite(total_cap) && lower.allFinite()) {
    const double sum_lower = lower.sum();
    for (int i = 0; i < n; ++i) {
      upper[i] = std::min(upper[i], total_cap - (sum_lower - lower[i]));
    }
  }
  return upper;
}

}  // namespace detail

Status validate_cardinality(const PortfolioConstraints& c, const std::vector<std::string>& assets) {
  if (!c.has_cardinality()) return Status::ok();
  const int n = static_cast<int>(assets.size());
  const Eigen::VectorXd lower = c.effective_lower(n);
  for (int i = 0; i < n; ++i) {
    if (lower[i] < 0.0) {
      return Status::invalid(fmt::format(
          "constraints: max-assets/min-position are supported on long-only books only, but the "
          "lower bound of {} is {} (|w| >= m or 0 for shorts is not supported); set every lower "
          "bound to >= 0 or drop max_assets and min_position",
          assets[static_cast<std::size_t>(i)], lower[i]));
    }
  }
  const Eigen::VectorXd upper = detail::cardinality_upper(c, n);
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(upper[i])) {
      return Status::invalid(fmt::format(
          "constraints: max-assets/min-position need a finite largest weight for every asset "
          "(the big-M of the mixed-integer model), but nothing caps {}; give an upper bound, a "
          "fixed budget or a gross leverage cap",
          assets[static_cast<std::size_t>(i)]));
    }
  }
  // Assets forced into the book: positive lower bounds, then the fewest members each group
  // minimum needs (its members' largest upper bounds, forced members first).
  std::vector<bool> forced(static_cast<std::size_t>(n), false);
  std::vector<std::string> forced_names;
  int forced_count = 0;
  for (int i = 0; i < n; ++i) {
    if (lower[i] > 0.0) {
      forced[static_cast<std::size_t>(i)] = true;
      ++forced_count;
      forced_names.push_back(fmt::format("bounds[{}]", assets[static_cast<std::size_t>(i)]));
    }
  }
  // Per group: how many members its minimum forces beyond the positive lower bounds.
  std::vector<int> group_extra(c.groups.size(), 0);
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    const GroupConstraint& group = c.groups[g];
    const std::string label = group_label(group, g);
    int held = 0;
    double reach = 0.0;
    std::vector<double> others;
    for (int i : group.members) {
      if (forced[static_cast<std::size_t>(i)]) {
        ++held;
        reach += upper[i];
      } else {
        others.push_back(upper[i]);
      }
    }
    std::sort(others.begin(), others.end(), std::greater<>());
    int extra = 0;
    const double need = group.min - kPrecheckTolerance * std::max(1.0, std::abs(group.min));
    while (reach < need && extra < static_cast<int>(others.size())) {
      reach += others[static_cast<std::size_t>(extra)];
      ++extra;
    }
    group_extra[g] = extra;
    if (group.max_assets < 0) {
      return Status::invalid(
          fmt::format("constraints: {} has max_assets = {}; give a count >= 1 (0 = no limit)",
                      label, group.max_assets));
    }
    if (group.max_assets > 0 && held + extra > group.max_assets) {
      return Status::invalid(fmt::format(
          "constraints: max-assets[{}] allows {} holdings in the group, but {} (minimum {:.6g}) "
          "and the positive lower bounds of its members force at least {}; raise the group's "
          "max_assets or lower its minimum",
          group.name.empty() ? std::to_string(g) : group.name, group.max_assets, label, group.min,
          held + extra));
    }
  }
  if (c.max_assets > 0) {
    // Groups that share no member force their extra holdings independently: add them up over a
    // greedy family of pairwise disjoint groups.
    int total = forced_count;
    std::vector<std::string> names = forced_names;
    std::vector<bool> used(static_cast<std::size_t>(n), false);
    for (std::size_t g = 0; g < c.groups.size(); ++g) {
      if (group_extra[g] == 0) continue;
      const auto& members = c.groups[g].members;
      if (std::any_of(members.begin(), members.end(),
                      [&](int i) { return used[static_cast<std::size_t>(i)]; })) {
        continue;
      }
      for (int i : members) used[static_cast<std::size_t>(i)] = true;
      total += group_extra[g];
      names.push_back(group_label(c.groups[g], g));
    }
    if (total > c.max_assets) {
      if (names.size() > 6) {
        names.resize(6);
        names.push_back("...");
      }
      return Status::invalid(fmt::format(
          "constraints: max-assets = {} is below the {} assets that {} force into the book; raise "
          "max_assets or lower those minimums",
          c.max_assets, total, fmt::join(names, ", ")));
    }
  }
  return Status::ok();
}

Status PortfolioConstraints::validate(int assets) const {
  if (assets <= 0) return Status::invalid("constraints: the portfolio has no assets");
  if (budget && !std::isfinite(*budget)) {
    return Status::invalid(
        "constraints: budget must be finite (use std::nullopt for a free budget)");
  }
  if (is_nan(net_exposure_min) || is_nan(net_exposure_max) || net_exposure_min > net_exposure_max) {
    return Status::invalid(fmt::format(
        "constraints: net exposure range [{}, {}] is empty or NaN; give net_exposure_min <= "
        "net_exposure_max",
        net_exposure_min, net_exposure_max));
  }
  if (budget && (std::isfinite(net_exposure_min) || std::isfinite(net_exposure_max))) {
    return Status::invalid(
        "constraints: net_exposure_min/max apply only to a free budget; set budget = std::nullopt "
        "or drop the net exposure range");
  }
  if (is_nan(lower_bound) || is_nan(upper_bound) || lower_bound > upper_bound) {
    return Status::invalid(fmt::format(
        "constraints: bounds [{}, {}] are empty or NaN; give lower_bound <= upper_bound",
        lower_bound, upper_bound));
  }
  if (lower_bound == kInfinity || upper_bound == -kInfinity) {
    return Status::invalid(
        "constraints: a lower bound of +inf or an upper bound of -inf admits no weight");
  }
  for (const auto* bounds : {&lower_bounds, &upper_bounds}) {
    if (bounds->size() != 0 && bounds->size() != assets) {
      return Status::invalid(fmt::format(
          "constraints: per-asset bounds have {} entries for {} assets; give one per asset or none",
          bounds->size(), assets));
    }
  }
  if ((lower_bounds.size() == 0) != (upper_bounds.size() == 0)) {
    return Status::invalid(
        "constraints: give both lower_bounds and upper_bounds per asset (use -/+kInfinity for an "
        "open side), or neither");
  }
  for (Eigen::Index i = 0; i < lower_bounds.size(); ++i) {
    if (is_nan(lower_bounds[i]) || is_nan(upper_bounds[i]) || lower_bounds[i] > upper_bounds[i] ||
        lower_bounds[i] == kInfinity || upper_bounds[i] == -kInfinity) {
      return Status::invalid(fmt::format(
          "constraints: bounds of asset {} are [{}, {}]; give lower <= upper, finite or an open "
          "side",
          i, lower_bounds[i], upper_bounds[i]));
    }
  }
  if (is_nan(max_short) || max_short < 0) {
    return Status::invalid(
        fmt::format("constraints: max_short = {} must be >= 0 (a positive fraction)", max_short));
  }
  if (is_nan(max_gross_leverage) || max_gross_leverage < 0) {
    return Status::invalid(fmt::format(
        "constraints: max_gross_leverage = {} must be >= 0 (infinity = none)", max_gross_leverage));
  }
  if (is_nan(max_turnover) || max_turnover < 0) {
    return Status::invalid(
        fmt::format("constraints: max_turnover = {} must be >= 0 (infinity = none)", max_turnover));
  }
  if (current_weights.size() != 0) {
    if (current_weights.size() != assets) {
      return Status::invalid(
          fmt::format("constraints: current_weights has {} entries for {} assets",
                      current_weights.size(), assets));
    }
    if (!current_weights.allFinite()) {
      return Status::invalid("constraints: current_weights contains NaN or infinity");
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& group = groups[g];
    const std::string label = group_label(group, g);
    if (group.members.empty()) {
      return Status::invalid(fmt::format("constraints: {} has no members", label));
    }
    std::set<int> seen;
    for (int member : group.members) {
      if (member < 0 || member >= assets) {
        return Status::invalid(fmt::format("constraints: {} has member index {} outside [0, {})",
                                           label, member, assets));
      }
      if (!seen.insert(member).second) {
        return Status::invalid(
            fmt::format("constraints: {} lists asset index {} twice", label, member));
      }
    }
    if (is_nan(group.min) || is_nan(group.max) || group.min == kInfinity ||
        group.max == -kInfinity) {
      return Status::invalid(fmt::format("constraints: {} has a NaN or impossible limit", label));
    }
  }
  if (max_assets < 0) {
    return Status::invalid(
        fmt::format("constraints: max_assets = {}; give a count >= 1 (0 = no limit)", max_assets));
  }
  if (!(min_position >= 0.0) || !std::isfinite(min_position)) {
    return Status::invalid(fmt::format(
        "constraints: min_position = {} must be >= 0 and finite (0 = none)", min_position));
  }
  for (std::size_t k = 0; k < linear.size(); ++k) {
    const auto& row = linear[k];
    const std::string label = linear_label(row, k);
    if (row.coefficients.size() != assets) {
      return Status::invalid(fmt::format("constraints: {} has {} coefficients for {} assets", label,
                                         row.coefficients.size(), assets));
    }
    if (!row.coefficients.allFinite() || !std::isfinite(row.rhs)) {
      return Status::invalid(fmt::format(
          "constraints: {} has a NaN or infinite coefficient or right-hand side", label));
    }
  }
  return Status::ok();
}

std::vector<ConstraintConflict> precheck_constraints(const PortfolioConstraints& constraints,
                                                     const std::vector<std::string>& assets) {
  std::vector<ConstraintConflict> conflicts;
  const int n = static_cast<int>(assets.size());
  const Eigen::VectorXd lower = constraints.effective_lower(n);
  const Eigen::VectorXd upper = constraints.effective_upper(n);
  const double sum_lower = lower.sum();
  const double sum_upper = upper.sum();
  const auto tol = [](double scale) { return kPrecheckTolerance * std::max(1.0, std::abs(scale)); };

  // The range Σw can take: the budget, or the net exposure range.
  const double total_min = constraints.budget ? *constraints.budget : constraints.net_exposure_min;
  const double total_max = constraints.budget ? *constraints.budget : constraints.net_exposure_max;
  const std::string total_name = constraints.budget ? "budget" : "net-exposure";

  if (sum_lower > total_max + tol(total_max)) {
    conflicts.push_back({{"bounds", total_name},
                         fmt::format("the lower bounds add up to {:.6g}, above the {} of {:.6g}; "
                                     "lower some minimum weights or raise the {}",
                                     sum_lower, total_name, total_max, total_name)});
  }
  if (sum_upper < total_min - tol(total_min)) {
    conflicts.push_back({{"bounds", total_name},
                         fmt::format("the upper bounds add up to {:.6g}, below the {} of {:.6g}; "
                                     "raise some maximum weights (or allow more assets)",
                                     sum_upper, total_name, total_min)});
  }

  std::vector<double> group_lower(constraints.groups.size());
  std::vector<double> group_upper(constraints.groups.size());
  for (std::size_t g = 0; g < constraints.groups.size(); ++g) {
    const auto& group = constraints.groups[g];
    const std::string label = group_label(group, g);
    double member_lower = 0.0;
    double member_upper = 0.0;
    for (int i : group.members) {
      member_lower += lower[i];
      member_upper += upper[i];
    }
    group_lower[g] = member_lower;
    group_upper[g] = member_upper;
    if (group.min > group.max + tol(group.max)) {
      conflicts.push_back({{label},
                           fmt::format("{} asks for a minimum of {:.6g} above its maximum {:.6g}; "
                                       "swap or correct the limits",
                                       label, group.min, group.max)});
      continue;
    }
    if (group.min > member_upper + tol(member_upper)) {
      conflicts.push_back({{label, "bounds"},
                           fmt::format("{} needs at least {:.6g} but its members' upper bounds "
                                       "add up to {:.6g}; lower the group minimum or raise bounds",
                                       label, group.min, member_upper)});
    }
    if (group.max < member_lower - tol(member_lower)) {
      conflicts.push_back({{label, "bounds"},
                           fmt::format("{} allows at most {:.6g} but its members' lower bounds "
                                       "add up to {:.6g}; raise the group maximum or lower bounds",
                                       label, group.max, member_lower)});
    }
  }

  // Disjoint groups: their minimums (and the lower bounds of every other asset) must fit in the
  // budget, their maximums (and the other upper bounds) must reach it. Checked for every pair and
  // for the whole family when all groups are mutually disjoint.
  const auto check_family = [&](const std::vector<std::size_t>& family) {
    std::vector<bool> in_family(n, false);
    double min_total = 0.0;
    double max_total = 0.0;
    for (std::size_t g : family) {
      const auto& group = constraints.groups[g];
      min_total += std::max(group.min, group_lower[g]);
      max_total += std::min(group.max, group_upper[g]);
      for (int i : group.members) in_family[i] = true;
    }
    for (int i = 0; i < n; ++i) {
      if (!in_family[i]) {
        min_total += lower[i];
        max_total += upper[i];
      }
    }
    std::vector<std::string> names;
    for (std::size_t g : family) names.push_back(group_label(constraints.groups[g], g));
    std::string joined = fmt::format("{}", fmt::join(names, ", "));
    names.push_back(total_name);
    if (min_total > total_max + tol(total_max)) {
      conflicts.push_back({names, fmt::format("the minimums of the disjoint groups {} (with the "
                                              "other assets' lower bounds) add up to {:.6g}, above "
                                              "the {} of {:.6g}; lower a group minimum",
                                              joined, min_total, total_name, total_max)});
      return true;
    }
    if (max_total < total_min - tol(total_min)) {
      conflicts.push_back({names, fmt::format("the maximums of the disjoint groups {} (with the "
                                              "other assets' upper bounds) add up to {:.6g}, below "
                                              "the {} of {:.6g}; raise a group maximum",
                                              joined, max_total, total_name, total_min)});
      return true;
    }
    return false;
  };
  const auto disjoint = [&](std::size_t a, std::size_t b) {
    for (int i : constraints.groups[a].members) {
      for (int j : constraints.groups[b].members) {
        if (i == j) return false;
      }
    }
    return true;
  };
  const std::size_t group_count = constraints.groups.size();
  bool all_disjoint = true;
  bool pair_found = false;
  for (std::size_t a = 0; a < group_count; ++a) {
    for (std::size_t b = a + 1; b < group_count; ++b) {
      if (!disjoint(a, b)) {
        all_disjoint = false;
        continue;
      }
      if (!pair_found && check_family({a, b})) pair_found = true;
    }
  }
  if (!pair_found && all_disjoint && group_count > 2) {
    std::vector<std::size_t> family(group_count);
    for (std::size_t g = 0; g < group_count; ++g) family[g] = g;
    check_family(family);
  }

  if (constraints.has_leverage_cap()) {
    // Σ|w| ≥ |Σw| and Σ|w| ≥ Σ max(l_i, 0) + Σ max(−u_i, 0).
    double least_gross = 0.0;
    for (int i = 0; i < n; ++i) least_gross += std::max(lower[i], 0.0) + std::max(-upper[i], 0.0);
    if (constraints.budget) least_gross = std::max(least_gross, std::abs(*constraints.budget));
    if (least_gross > constraints.max_gross_leverage + tol(constraints.max_gross_leverage)) {
      conflicts.push_back(
          {{"gross-leverage", constraints.budget ? "budget" : "bounds"},
           fmt::format(
               "the gross leverage cap {:.6g} is below the least gross exposure {:.6g} that "
               "the budget and bounds force; raise the cap",
               constraints.max_gross_leverage, least_gross)});
    }
  }
  if (constraints.has_turnover_cap()) {
    const Eigen::VectorXd w0 = constraints.effective_current(n);
    double least_turnover = 0.0;
    for (int i = 0; i < n; ++i) {
      least_turnover += std::max(lower[i] - w0[i], 0.0) + std::max(w0[i] - upper[i], 0.0);
    }
    if (constraints.budget) {
      least_turnover = std::max(least_turnover, std::abs(*constraints.budget - w0.sum()));
    }
    if (least_turnover > constraints.max_turnover + tol(constraints.max_turnover)) {
      conflicts.push_back(
          {{"turnover", "bounds", "budget"},
           fmt::format(
               "moving from the current weights into the bounds and budget needs a turnover "
               "of at least {:.6g}, above the cap {:.6g}; raise max_turnover",
               least_turnover, constraints.max_turnover)});
    }
  }
  if (constraints.has_cardinality() && (lower.array() >= 0.0).all()) {
    const Eigen::VectorXd cap = detail::cardinality_upper(constraints, n);
    // A held weight is at least min_position: assets whose cap is below it can only be 0.
    const double m = constraints.min_position;
    std::vector<double> holdable;
    for (int i = 0; i < n; ++i) {
      if (cap[i] >= m - tol(m)) holdable.push_back(cap[i]);
    }
    if (m > 0.0 && total_max < m - tol(m) && total_min > tol(0.0)) {
      conflicts.push_back(
          {{"min-position", total_name},
           fmt::format("every held weight must be at least the min_position {:.6g}, above the {} "
                       "of {:.6g}; lower min_position",
                       m, total_name, total_max)});
    } else if (m > 0.0 && holdable.empty() && total_min > tol(0.0)) {
      conflicts.push_back({{"min-position", "bounds"},
                           fmt::format("the min_position {:.6g} is above every asset's largest "
                                       "weight, so nothing can be held; lower min_position",
                                       m)});
    }
    if (constraints.max_assets > 0 && total_min > 0.0) {
      std::sort(holdable.begin(), holdable.end(), std::greater<>());
      const std::size_t k =
          std::min(holdable.size(), static_cast<std::size_t>(constraints.max_assets));
      const double reach = std::accumulate(holdable.begin(), holdable.begin() + k, 0.0);
      if (reach < total_min - tol(total_min)) {
        conflicts.push_back(
            {{"max-assets", "bounds", total_name},
             fmt::format("at most {} assets may be held and the {} largest weights they can take "
                         "add up to {:.6g}, below the {} of {:.6g}; raise max_assets or the upper "
                         "bounds",
                         constraints.max_assets, k, reach, total_name, total_min)});
      }
    }
  }
  return conflicts;
}

}  // namespace keel
