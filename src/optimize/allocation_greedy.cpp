// The greedy method: PyPortfolioOpt's DiscreteAllocation.greedy_portfolio (pypfopt
// discrete_allocation.py) generalised to lots. Its arithmetic is kept operation for operation
// (truncated first round, then one unit at a time to the asset whose weight falls furthest below
// its target, trying at most ten others when that one is unaffordable), so that with lot 1, no
// minimums, no fees and no holdings the quantities and the leftover are PyPortfolioOpt's to the
// last bit. The extensions: positions above target are first sold down (whole lots, minimum order
// sizes), a first order in an asset is at least its minimum order, an asset being sold is not
// bought back, and the turnover cap bounds every step.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "optimize/allocation_internal.hpp"

namespace keel::detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::size_t first_argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

std::optional<SideSolution> greedy_side(const SideProblem& side) {
  const std::size_t m = side.assets.size();
  SideSolution sol{std::vector<double>(m, 0.0), std::vector<double>(m, 0.0)};
  if (m == 0) return sol;
  // Descending weight; ties keep input order (Python's stable sort with reverse=True).
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return side.assets[a].weight > side.assets[b].weight;
  });
  const double fee = side.fee;
  auto unit_in = [&](const SideAsset& a) { return a.lot * a.price_in * (1 + fee); };
  auto unit_out = [&](const SideAsset& a) { return a.lot * a.price_out * (1 - fee); };
  double available = side.budget;
  double turnover_left = side.max_turnover_value;
  auto turnover_lots = [&](const SideAsset& a) {
    return std::isfinite(turnover_left) ? std::floor(turnover_left / (a.lot * a.mid) * (1 + 1e-12))
                                        : kInf;
  };
  auto position_value = [&](std::size_t k) {
    const SideAsset& a = side.assets[k];
    return (a.held + (sol.lots_in[k] - sol.lots_out[k]) * a.lot) * a.mid;
  };

  // Round 0: sell positions above target down towards it (whole lots, never below target).
  for (const std::size_t k : order) {
    const SideAsset& a = side.assets[k];
    const double excess = a.held * a.mid - a.target;
    if (!(excess > 0.0) || a.max_lots_out < 1.0) continue;
    double lots =
        std::min({std::floor(excess / (a.lot * a.mid)), a.max_lots_out, turnover_lots(a)});
    if (lots < a.min_lots_out) continue;
    sol.lots_out[k] = lots;
    available += lots * unit_out(a);
    turnover_left -= lots * a.lot * a.mid;
  }
  // The reserve not covered yet: sell further lots, most overweight position first.
  while (available < 0.0) {
    std::size_t best = m;
    double best_excess = -kInf;
    for (std::size_t k = 0; k < m; ++k) {
      const SideAsset& a = side.assets[k];
      const double step = sol.lots_out[k] > 0.0 ? 1.0 : a.min_lots_out;
      if (sol.lots_in[k] > 0.0 || sol.lots_out[k] + step > a.max_lots_out ||
          step > turnover_lots(a)) {
        continue;
      }
      const double excess = position_value(k) - a.target;
      if (excess > best_excess) {
        best_excess = excess;
        best = k;
      }
    }
    if (best == m) return std::nullopt;
    const SideAsset& a = side.assets[best];
    const double step = sol.lots_out[best] > 0.0 ? 1.0 : a.min_lots_out;
    sol.lots_out[best] += step;
    available += step * unit_out(a);
    turnover_left -= step * a.lot * a.mid;
  }

  // Round 1: the whole lots below each target, truncated.
  for (const std::size_t k : order) {
    const SideAsset& a = side.assets[k];
    if (sol.lots_out[k] > 0.0) continue;
    const double gap = a.target - a.held * a.mid;
    if (!(gap > 0.0)) continue;
    double lots = std::trunc(gap / unit_in(a));
    lots = std::min({lots, turnover_lots(a), a.max_lots_in});
    if (lots * unit_in(a) > available)
      lots = available > 0.0 ? std::floor(available / unit_in(a)) : 0.0;
    if (lots < a.min_lots_in) continue;
    sol.lots_in[k] = lots;
    available -= lots * unit_in(a);
    turnover_left -= lots * a.lot * a.mid;
  }

  // Round 2: one step at a time to the largest shortfall of weight, while money is left.
  std::vector<double> ideal(m), deficit(m);
  for (std::size_t j = 0; j < m; ++j) ideal[j] = side.assets[order[j]].weight;
  auto step_cost = [&](std::size_t j) {
    const std::size_t k = order[j];
    const SideAsset& a = side.assets[k];
    if (sol.lots_out[k] > 0.0) return kInf;  // being sold
    const double step = sol.lots_in[k] > 0.0 ? 1.0 : a.min_lots_in;
    if (step > turnover_lots(a) || sol.lots_in[k] + step > a.max_lots_in) return kInf;
    return step * unit_in(a);
  };
  while (available > 0.0) {
    double total = 0.0;
    for (std::size_t j = 0; j < m; ++j) total += position_value(order[j]);
    for (std::size_t j = 0; j < m; ++j) {
      const double current = total != 0.0 ? position_value(order[j]) / total : 0.0;
      deficit[j] = ideal[j] - current;
    }
    std::size_t idx = first_argmax(deficit);
    double price = step_cost(idx);
    int counter = 0;
    while (price > available) {
      deficit[idx] = 0.0;
      idx = first_argmax(deficit);
      if (deficit[idx] < 0.0 || counter == 10) break;
      price = step_cost(idx);
      ++counter;
    }
    if (deficit[idx] <= 0.0 || counter == 10) break;
    const std::size_t k = order[idx];
    const SideAsset& a = side.assets[k];
    const double step = sol.lots_in[k] > 0.0 ? 1.0 : a.min_lots_in;
    sol.lots_in[k] += step;
    available -= price;
    turnover_left -= step * a.lot * a.mid;
  }
  return sol;
}

}  // namespace keel::detail
