// The exact method: one side as a mixed-integer program for COIN-OR Cbc (allocation.hpp).
//
// Per asset k, scaled by the side's value V so that every coefficient is O(1):
//   b_k, s_k ∈ {0, 1, …}  lots bought (raising the position) and sold (lowering it)
//   y_k, z_k ∈ {0, 1}     whether there is an order of each kind
//   d_k ≥ 0               |position value after − target| / V
// minimise Σ d_k subject to
//   d_k ≥ ±(held·mid + (b_k − s_k)·lot·mid − target) / V, and the chord of that between the
//         whole numbers of lots either side of the target (below)
//   min_in·y_k ≤ b_k ≤ B_k·y_k,  min_out·z_k ≤ s_k ≤ S_k·z_k,  y_k + z_k ≤ 1
//   Σ b_k·lot·ask·(1+fee) − Σ s_k·lot·bid·(1−fee) ≤ budget           (cash, fees included)
//   Σ (b_k + s_k)·lot·mid ≤ max turnover                              (when capped)
// B_k is the first number of lots that reaches the target (no optimum buys more), S_k the whole
// lots held.
#include <fmt/format.h>

#include <CbcHeuristic.hpp>
#include <CbcModel.hpp>
#include <CglProbing.hpp>
#include <ClpSimplex.hpp>
#include <OsiClpSolverInterface.hpp>
#include <cmath>
#include <limits>

#include "optimize/allocation_internal.hpp"
#include "optimize/lp_model.hpp"

namespace keel::detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Columns {
  int b, s, y, z, d;
};

}  // namespace

MipOutcome solve_side_mip(const SideProblem& side, const SideSolution* start,
                          const AllocationOptions& options, const Context& context) {
  MipOutcome outcome;
  const std::size_t m = side.assets.size();
  const double scale = side.value;
  lp::Model model;
  std::vector<Columns> cols(m);
  // Money that could ever be spent on one asset: the budget plus everything sold.
  double ceiling = side.budget;
  for (const auto& a : side.assets) ceiling += a.max_lots_out * a.lot * a.price_out;
  for (std::size_t k = 0; k < m; ++k) {
    const SideAsset& a = side.assets[k];
    const double unit_in = a.lot * a.price_in * (1 + side.fee);
    double max_in = ceiling > 0.0 ? std::floor(ceiling / unit_in) : 0.0;
    // Buying past the first lot that reaches the target only moves away from it and spends cash,
    // so no optimum buys more (nor buys an asset already at or above target). This is also the
    // big-M of y_k, and tight ones keep the relaxation close to the integer problem.
    const double shortfall = a.target - a.held * a.mid;
    const double useful_in =
        shortfall > 0.0 ? std::max(a.min_lots_in, std::ceil(shortfall / (a.lot * a.mid))) : 0.0;
    max_in = std::min(max_in, useful_in);
    if (start) max_in = std::max(max_in, start->lots_in[k]);
    max_in = std::min(max_in, a.max_lots_in);
    if (max_in < a.min_lots_in) max_in = 0.0;
    double max_out = a.max_lots_out >= a.min_lots_out ? a.max_lots_out : 0.0;
    // Likewise, selling an asset past its target costs at least as much deviation as the
    // proceeds (less fees) can remove elsewhere, so when the cash covers the reserve no optimum
    // sells past the first lot that reaches the target. When it does not, any holding may have to
    // be sold to raise the reserve.
    if (side.budget >= 0.0) {
      const double excess = a.held * a.mid - a.target;
      const double useful_out =
          excess > 0.0 ? std::max(a.min_lots_out, std::ceil(excess / (a.lot * a.mid))) : 0.0;
      max_out = std::min(max_out, useful_out);
      if (start) max_out = std::max(max_out, start->lots_out[k]);
      if (max_out < a.min_lots_out) max_out = 0.0;
    }
    cols[k].b = model.add_column(0.0, max_in, 0.0);
    cols[k].s = model.add_column(0.0, max_out, 0.0);
    cols[k].y = model.add_column(0.0, max_in > 0.0 ? 1.0 : 0.0, 0.0);
    cols[k].z = model.add_column(0.0, max_out > 0.0 ? 1.0 : 0.0, 0.0);
    cols[k].d = model.add_column(0.0, kInf, 1.0);
    const double unit_value = a.lot * a.mid / scale;
    const double gap = (a.held * a.mid - a.target) / scale;
    model.add_row({cols[k].d, cols[k].b, cols[k].s}, {1.0, -unit_value, unit_value}, gap, kInf);
    model.add_row({cols[k].d, cols[k].b, cols[k].s}, {1.0, unit_value, -unit_value}, -gap, kInf);
    // The chord of |x − τ| between the whole numbers around τ (x the net lots traded, τ the
    // target in lots): valid at every whole x because |x − τ| is convex, and it gives the
    // relaxation each asset's unavoidable rounding gap, which the two rows above do not.
    const double tau = -gap / unit_value;
    const double floor_tau = std::floor(tau);
    const double slope = 2.0 * floor_tau + 1.0 - 2.0 * tau;
    model.add_row({cols[k].d, cols[k].b, cols[k].s}, {1.0, -unit_value * slope, unit_value * slope},
                  unit_value * ((tau - floor_tau) - floor_tau * slope), kInf);
    model.add_row({cols[k].b, cols[k].y}, {1.0, -a.min_lots_in}, 0.0, kInf);
    model.add_row({cols[k].b, cols[k].y}, {1.0, -max_in}, -kInf, 0.0);
    model.add_row({cols[k].s, cols[k].z}, {1.0, -a.min_lots_out}, 0.0, kInf);
    model.add_row({cols[k].s, cols[k].z}, {1.0, -max_out}, -kInf, 0.0);
    model.add_row({cols[k].y, cols[k].z}, {1.0, 1.0}, -kInf, 1.0);
  }
  std::vector<int> money_cols, turnover_cols;
  std::vector<double> money, turnover;
  for (std::size_t k = 0; k < m; ++k) {
    const SideAsset& a = side.assets[k];
    money_cols.insert(money_cols.end(), {cols[k].b, cols[k].s});
    money.insert(money.end(), {a.lot * a.price_in * (1 + side.fee) / scale,
                               -a.lot * a.price_out * (1 - side.fee) / scale});
    turnover_cols.insert(turnover_cols.end(), {cols[k].b, cols[k].s});
    turnover.insert(turnover.end(), {a.lot * a.mid / scale, a.lot * a.mid / scale});
  }
  // A hair inside the budget, so that rounding Cbc's integral values never overspends.
  model.add_row(money_cols, money, -kInf, side.budget / scale - 1e-12);
  if (std::isfinite(side.max_turnover_value)) {
    model.add_row(turnover_cols, turnover, -kInf, side.max_turnover_value / scale - 1e-12);
  }

  ClpSimplex clp;
  model.load(clp);
  OsiClpSolverInterface solver(&clp, false);
  solver.messageHandler()->setLogLevel(0);
  for (std::size_t k = 0; k < m; ++k) {
    for (int j : {cols[k].b, cols[k].s, cols[k].y, cols[k].z}) solver.setInteger(j);
  }
  CbcModel cbc(solver);
  cbc.setLogLevel(0);
  cbc.messageHandler()->setLogLevel(0);
  cbc.setUseElapsedTime(true);
  cbc.setMaximumSeconds(options.time_limit_s);
  cbc.setAllowableFractionGap(options.relative_gap);
  cbc.setAllowableGap(1e-10);
  // Probing and simple rounding: on 100-asset books with the chord rows they prove optimality in
  // tens of nodes; Gomory, knapsack, MIR and flow cuts, the feasibility pump and local search
  // were measured to cost more time than they save here.
  CglProbing probing;
  probing.setUsingObjective(true);
  cbc.addCutGenerator(&probing, -1, "Probing");
  CbcRounding rounding(cbc);
  cbc.addHeuristic(&rounding);
  if (start) {
    std::vector<double> x(static_cast<std::size_t>(model.columns()), 0.0);
    double objective = 0.0;
    for (std::size_t k = 0; k < m; ++k) {
      const SideAsset& a = side.assets[k];
      x[static_cast<std::size_t>(cols[k].b)] = start->lots_in[k];
      x[static_cast<std::size_t>(cols[k].s)] = start->lots_out[k];
      x[static_cast<std::size_t>(cols[k].y)] = start->lots_in[k] > 0.0 ? 1.0 : 0.0;
      x[static_cast<std::size_t>(cols[k].z)] = start->lots_out[k] > 0.0 ? 1.0 : 0.0;
      const double d =
          std::abs((a.held + (start->lots_in[k] - start->lots_out[k]) * a.lot) * a.mid - a.target) /
          scale;
      x[static_cast<std::size_t>(cols[k].d)] = d;
      objective += d;
    }
    cbc.setBestSolution(x.data(), model.columns(), objective, true);
  }
  cbc.branchAndBound();
  outcome.nodes = cbc.getNodeCount();
  const double* best = cbc.bestSolution();
  if (best) {
    SideSolution sol{std::vector<double>(m), std::vector<double>(m)};
    for (std::size_t k = 0; k < m; ++k) {
      sol.lots_in[k] = std::round(best[cols[k].b]);
      sol.lots_out[k] = std::round(best[cols[k].s]);
    }
    outcome.solution = std::move(sol);
    const double objective = cbc.getObjValue();
    const double bound = cbc.getBestPossibleObjValue();
    outcome.gap = std::max(0.0, (objective - bound) / std::max(std::abs(objective), 1e-9));
  }
  if (cbc.isProvenOptimal()) {
    outcome.status = SolveStatus::kOptimal;
  } else if (cbc.isProvenInfeasible() || (!best && !cbc.isSecondsLimitReached())) {
    outcome.status = SolveStatus::kInfeasible;
    outcome.conflicting_rules.push_back("cash-reserve");
    for (const auto& a : side.assets) {
      if (a.held > 0.0 && a.min_lots_out > 1.0) {
        outcome.conflicting_rules.push_back("min-notional[" + a.name + "]");
      }
      if (a.held > 0.0 && a.max_lots_out < 1.0) {
        outcome.conflicting_rules.push_back("lot-size[" + a.name + "]");
      }
    }
    if (std::isfinite(side.max_turnover_value)) outcome.conflicting_rules.push_back("max-turnover");
    outcome.explanation = fmt::format(
        "no set of whole-lot orders raises the cash to the reserve: {:.2f} must come from sells, "
        "which the lot sizes, minimum orders{} do not allow; lower the cash reserve",
        -side.budget, std::isfinite(side.max_turnover_value) ? " and the turnover cap" : "");
  } else if (cbc.isSecondsLimitReached() || context.cancelled()) {
    outcome.status = SolveStatus::kTimeLimit;
    if (!best) {
      outcome.explanation =
          fmt::format("Cbc found no allocation within the time limit of {} s; raise the time limit",
                      options.time_limit_s);
      outcome.conflicting_rules.push_back("time-limit");
    }
  } else {
    outcome.status = best ? SolveStatus::kOptimalInaccurate : SolveStatus::kNumericalError;
    if (!best) outcome.explanation = "Cbc stopped without an allocation";
  }
  return outcome;
}

}  // namespace keel::detail
