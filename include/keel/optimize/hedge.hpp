#pragma once
// The hedge optimiser (docs/positions.md, `keel hedge`): quantities q of m candidate hedge
// instruments that minimise the conditional value-at-risk of a book's scenario P&L after hedging,
//
//   P&L_s(q) = b_s + Σ_j H_sj q_j − Σ_j c_j |q_j|,
//
// where b (S) is the book's P&L in scenario s, H (S × m) the P&L of one unit of each instrument in
// each scenario (fully revalued, funding and decay included), and c_j the cost of trading one
// unit (fee and half-spread, quote currency). CVaR at α is minimised exactly by the
// Rockafellar–Uryasev (2000) linear program,
//
//   min  ζ + 1/((1−α) S) Σ_s u_s
//   s.t. u_s ≥ −P&L_s(q) − ζ,  u_s ≥ 0,  q = q⁺ − q⁻,  |q_j| = q⁺_j + q⁻_j,
//        lower_j ≤ q_j ≤ upper_j,
//        Σ_j premium_j q_j ≤ premium budget        (net premium paid; sold options receive)
//        Σ_j margin_j |q_j| ≤ margin budget
//        lo_k ≤ a_k + Σ_j G_kj q_j ≤ hi_k            (greek targets: net delta, vega, ...)
//
// which stays linear because every scenario P&L is linear in q (the nonlinearity of options is in
// H, from revaluation, not in q). The variance objective minimises the sample variance of
// P&L(q) − cost instead, as a dense convex QP over the same constraints.
//
// The CVaR LP is solved through its linear-programming dual with COIN-OR Clp's dual simplex. The
// primal has one row per scenario (S ≈ 10⁴) and as many columns; its dual has one column per
// scenario (a tail weight 0 ≤ π_s ≤ 1/((1−α) S), the bound of u_s) and only 2m + 1 rows (one per
// q⁺_j, q⁻_j and ζ: Σ_s π_s = 1), plus a column per finite side of each limit row. Simplex bases
// are then (2m + 1)-square instead of S-square: 10,000 scenarios × 40 instruments solve in a
// fraction of a second where Clp's primal simplex on the primal took 3.4–4.6 s and its dual simplex
// 65 s (bench/README.md). On the dual, Clp's barrier (ClpSolve::useBarrier, 42 iterations)
// and its primal simplex were 3–9× slower than its dual simplex. Clp's scaling is off for this
// LP: on the dense scenario block it tripled the dual simplex iterations. The hedge is read off the
// dual values of the q rows, and its CVaR (the primal objective at q) is checked against the dual
// optimum: strong duality certifies it to 1e-7 of max(|CVaR|, max_s |b_s|, 1), else the status is
// kNumericalError. Infeasible and unbounded duals are told apart by solving the limit rows alone
// (the scenario rows are always feasible).

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"

namespace keel {

enum class HedgeObjective {
  kCvar,      // conditional value-at-risk (expected shortfall) at `confidence`
  kVariance,  // sample variance of the hedged P&L (trading costs enter as a linear penalty)
};

// A linear target on the hedged book: lower ≤ base + Σ_j coefficients_j q_j ≤ upper (a net delta
// in coins, a net vega...). `name` appears in errors and results.
struct HedgeTarget {
  std::string name;
  double base = 0.0;
  std::vector<double> coefficients{};  // one per instrument
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

struct HedgeProblem {
  Eigen::VectorXd book_pnl;        // b: S scenario P&L of the book (quote currency)
  Eigen::MatrixXd instrument_pnl;  // H: S × m P&L per unit of each instrument
  std::vector<std::string> names;  // m instrument names, for messages
  Eigen::VectorXd unit_cost;       // c ≥ 0 (m): cost of trading one unit, quote; empty = 0
  Eigen::VectorXd lower;           // m bounds on q (may be −inf / +inf); empty = unbounded
  Eigen::VectorXd upper;
  Eigen::VectorXd premium;  // m: premium paid per unit bought (options); empty = none
  double premium_budget = std::numeric_limits<double>::infinity();
  Eigen::VectorXd margin;  // m: margin per unit of |q|; empty = none
  double margin_budget = std::numeric_limits<double>::infinity();
  std::vector<HedgeTarget> targets;

  // Sizes agree, values finite (bounds may be infinite), costs and margins ≥ 0, lower ≤ upper.
  Status validate() const;
};

struct HedgeOptions {
  HedgeObjective objective = HedgeObjective::kCvar;
  // CVaR confidence α in (0, 1). Default 0.95.
  double confidence = 0.95;
  // Wall-clock limit of the solve in seconds (> 0). Default 60.
  double time_limit_s = 60.0;

  Status validate() const;
};

struct HedgeResult {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd quantities;         // q, m
  double objective = 0.0;             // CVaR (quote currency, loss positive) or variance of the P&L
  double cost = 0.0;                  // Σ c_j |q_j|
  double premium = 0.0;               // Σ premium_j q_j
  double margin = 0.0;                // Σ margin_j |q_j|
  Eigen::VectorXd hedged_pnl;         // S: b + H q − cost
  std::vector<double> target_values;  // base + G q per target
  std::string message;                // why, when the status is not optimal
};

// Solves the hedge problem. A call error for an invalid problem or options; an infeasible
// constraint set is a result with status kInfeasible and a message naming the limits.
Result<HedgeResult> optimize_hedge(const HedgeProblem& problem, const HedgeOptions& options);

}  // namespace keel
