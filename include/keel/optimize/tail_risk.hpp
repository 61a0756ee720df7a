#pragma once
// Tail-risk portfolio optimisation over a scenario matrix: the linear programs that minimise (or
// cap) CVaR, CDaR, mean absolute deviation or the worst loss, under every constraint of
// constraints.hpp, solved with COIN-OR Clp.
//
// Inputs: R, a T × n matrix of per-period scenario returns (historical rows or simulated draws,
// equally likely), and the annualised expected returns μ (given, or the sample mean of R times
// periods_per_year). w = weights, r_t = row t of R, m = (1 − α)T the tail size with the snapping
// rule of risk/var.hpp (tail_size()).
//
// Measures (all per period, in units of portfolio value; losses positive):
//   kCvar     CVaR_α, Rockafellar & Uryasev (2000), "Optimization of conditional value-at-risk",
//             J. of Risk 2(3):  min ζ + (1/m) Σ_t u_t,  u_t ≥ −r_tᵀw − ζ,  u_t ≥ 0.
//             At the optimum it equals the historical expected shortfall of the P&L Rw
//             (risk/var.hpp kHistorical, same α): the mean of the worst m losses with the
//             fractional weight on the ⌈m⌉-th.
//   kCdar     CDaR_α, Chekhlov, Uryasev & Zabarankin (2005), "Drawdown measure in portfolio
//             optimization", IJTAF 8(1), on UNCOMPOUNDED cumulative returns c_t = Σ_{s≤t} r_sᵀw
//             (as PyPortfolioOpt's EfficientCDaR and Riskfolio's CDaR_Abs):
//               min ζ + (1/m) Σ_t z_t,  z_t ≥ d_t − ζ,  z_t ≥ 0,  d_t ≥ d_{t−1} − r_tᵀw,  d_t ≥ 0,
//               d_0 = 0,
//             d_t being the drawdown max_{s≤t} c_s − c_t at the optimum (risk/drawdown.hpp,
//             kUncompounded, same α).
//   kMad      mean absolute deviation, Konno & Yamazaki (1991), "Mean-absolute deviation
//             portfolio optimization model and its applications to Tokyo stock market",
//             Management Science 37(5): (1/T) Σ_t |(r_t − r̄)ᵀw| with r̄ the column means of R,
//             linearised as (r_t − r̄)ᵀw = a_t − b_t, a, b ≥ 0.
//   kMinimax  the worst loss max_t (−r_tᵀw), Young (1998), "A minimax portfolio selection rule
//             with linear programming solution", Management Science 44(5): min θ, θ ≥ −r_tᵀw.
//             May be negative (every scenario a gain).
//   kSemivariance the semideviation sqrt((1/T) Σ_t min(r_tᵀw − B, 0)²) against the per-period
//             benchmark B = risk_free_rate / periods_per_year (Keel's Sortino convention,
//             risk/performance.hpp; B = 0 by default, PyPortfolioOpt's EfficientSemivariance
//             default), Markowitz (1959) ch. 9, in the QP form of Estrada (2008) and
//             PyPortfolioOpt: min (1/T) Σ n_t², n_t ≥ B − r_tᵀw, n_t ≥ 0 — a QP over n + T
//             variables solved by Keel's dense interior point (qp.hpp), so its cost grows as
//             (n + T)³: T in the hundreds is quick, T = 1500 takes seconds. Max-ratio with it is
//             the Sortino ratio (the QP is homogenised the same way, B·κ in place of B).
//             Efficient risk (a cap on the semideviation, a quadratic constraint) and
//             cardinality rules are refused with it (Status::invalid).
//
// Objectives: kMinRisk (min risk), kEfficientReturn (min risk s.t. μᵀw ≥ target_return, as
// PyPortfolioOpt's efficient_return), kEfficientRisk (max μᵀw s.t. risk ≤ target_risk, as its
// efficient_risk; the risk cap is one more linear row, no search is needed), and kMaxRatio, the
// largest return/risk ratio
//     max (μᵀw/P − r_f/P) / ρ(w)        (P = periods_per_year: excess return and risk per period)
// — mean/CVaR is the STARR ratio, mean/MAD, mean/CDaR and mean/worst-loss (Young 1998) the
// others. Every ρ here is positively homogeneous, ρ(κw) = κρ(w) for κ ≥ 0, so the
// Charnes–Cooper change of variables (Charnes & Cooper 1962, "Programming with linear fractional
// functionals", Naval Research Logistics Quarterly 9(3–4)) y = κw, κ = 1/(excess return) turns
// the ratio into ONE linear program:
//     min ρ(y)  s.t.  (μ/P)ᵀy − (r_f/P)κ = 1,  κ ≥ 0,  every user constraint homogenised by κ:
//     l_i κ ≤ y_i ≤ u_i κ,  1ᵀy = bκ,  a ≤ gᵀy/κ ≤ a' → aκ ≤ gᵀy ≤ a'κ (groups, linear rows),
//     y = p − m with 1ᵀ(p + m) ≤ Lκ (gross leverage), y − w0κ = u − v with 1ᵀ(u + v) ≤ τκ
//     (turnover),
// and w = y/κ. No constraint is dropped or approximated (PyPortfolioOpt's max_sharpe once
// rescaled only the budget and bounds: its issue #92). The optimum ratio is 1/ρ(y*). CVaR keeps
// its cutting planes (the cuts are homogeneous too), so max-ratio costs about what min-CVaR
// does. Outcomes: kInfeasible with "risk-free-rate" when no allowed portfolio has an expected
// return above r_f (as max-Sharpe reports it), or the culprits when the constraints conflict on
// their own; kUnbounded when the best ratio is only approached at κ → 0 (positions growing
// without bound) or when an allowed portfolio with positive excess return has ρ ≤ 0 (CVaR or
// worst loss ≤ 0: no loss in the tail, an in-sample arbitrage; the ratio is then undefined).
// Cardinality rules are refused with max-ratio (Status::invalid).
//
// Constraints: all of PortfolioConstraints, as mean_variance.hpp builds them (w = p − m for the
// gross leverage cap, w − w0 = u − v for the turnover cap). Contradictory constraints are
// reported as kInfeasible naming the culprits: first precheck_constraints(), then, when the LP
// is infeasible, a deletion filter (Chinneck & Dravnieks 1991) over the constraint groups on a
// feasibility LP ("target-return", "budget", "bounds", "gross-leverage", "turnover",
// "group[name]", "linear[name]"); a risk cap below the least attainable risk is "target-risk".
// Every answer goes through verify_result().
//
// Algorithms (CvarAlgorithm; the other measures always use the full LP):
//   kCuttingPlane (default for CVaR) — Künzi-Bay & Mayer (2006), "Computational aspects of
//     minimizing conditional value-at-risk", Computational Management Science 3(1): CVaR is the
//     polyhedral function max over tail-weight vectors q (0 ≤ q_t ≤ 1/m, Σ q = 1) of
//     Σ q_t(−r_tᵀw), so it is minimised as min θ s.t. θ ≥ g_kᵀw, each cut g_k = −Σ_t q_t r_t
//     the tail average at an iterate w_k (one O(Tn) product and one nth_element). The master LP
//     has n + 1 columns plus the constraint rows, grows by one row per iteration and is
//     re-solved from the previous basis with Clp's dual simplex (a new cut only makes the basis
//     primal infeasible). The method stops when CVaR(w_k) − θ_k ≤ tolerance·max(1, |CVaR|), and
//     is finite (finitely many vertices q). Measured (bench/tail_risk_benchmark.cpp and
//     bench/peers/lp_peers.py on the same matrix, shared and heavily loaded 2-core machine):
//     long-only min CVaR, T = 1500 × n = 100, converges in 24 cuts / 32 dual simplex pivots,
//     ~3 ms CPU (~8 ms wall), against ~60 ms CPU for the full LP through Clp (550 pivots), ~1 s
//     wall for scipy's HiGHS and tens of seconds for cvxopt.solvers.lp on the full LP. The master
//     has n + 1 columns and a few dozen rows where the full LP carries T rows and a dense T × n
//     block. When the master LP is unbounded (free weights) it falls back to the full LP, which
//     then decides unboundedness.
//   kFullLp — the Rockafellar–Uryasev LP above in one Clp dual simplex solve.

#include <Eigen/Core>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/optimize/cardinality.hpp"
#include "keel/optimize/constraints.hpp"
#include "keel/optimize/portfolio_result.hpp"

namespace keel {

enum class TailRiskMeasure { kCvar, kCdar, kMad, kMinimax, kSemivariance };
enum class TailRiskObjective { kMinRisk, kEfficientReturn, kEfficientRisk, kMaxRatio };
enum class CvarAlgorithm { kCuttingPlane, kFullLp };

// Model names used in results and on the command line: "min-cvar", "min-cdar", "min-mad",
// "minimax", "min-semivariance" (whatever the objective: efficient return/risk are variants of the
// same model).
std::string_view to_string(TailRiskMeasure measure);
// "min-risk", "efficient-return", "efficient-risk", "max-ratio".
// The measure alone: "cvar", "cdar", "mad", "minimax", "semivariance".
std::string_view measure_name(TailRiskMeasure measure);
std::string_view to_string(TailRiskObjective objective);
// "cutting-plane", "full-lp".
std::string_view to_string(CvarAlgorithm algorithm);

struct TailRiskProblem {
  std::vector<std::string> assets{};  // n distinct names
  // R: T × n per-period scenario returns (simple returns, equally likely), all finite, T ≥ 1.
  // For CDaR the rows must be in time order.
  Eigen::MatrixXd scenarios{};
  // μ, ANNUALISED, size n. Empty = the column means of R times periods_per_year.
  Eigen::VectorXd expected_returns{};
  // Periods per year of the scenario rows (365 daily crypto, 252 equities, 8760 hourly); used to
  // annualise the sample mean and the reported volatility. Default 365, range > 0.
  double periods_per_year = 365.0;
  PortfolioConstraints constraints{};
};

struct TailRiskOptions {
  TailRiskMeasure measure = TailRiskMeasure::kCvar;
  TailRiskObjective objective = TailRiskObjective::kMinRisk;
  // α of CVaR and CDaR (PyPortfolioOpt's β): the tail is the worst (1 − α) of the scenarios or
  // drawdowns. Default 0.95, range (0, 1). Ignored by kMad and kMinimax.
  double confidence = 0.95;
  // kEfficientReturn: annualised target return (required, finite); μᵀw ≥ target.
  double target_return = std::numeric_limits<double>::quiet_NaN();
  // kEfficientRisk: risk cap per period in the measure's units (required, finite; > 0 except for
  // kMinimax, whose worst loss may be negative).
  double target_risk = std::numeric_limits<double>::quiet_NaN();
  // Annualised risk-free rate for the reported Sharpe ratio and, divided by periods_per_year, the
  // per-period rate of kMaxRatio's excess return. Default 0, finite.
  double risk_free_rate = 0.0;
  // CVaR only: cutting planes (default) or the full LP (see the header comment).
  CvarAlgorithm cvar_algorithm = CvarAlgorithm::kCuttingPlane;
  // Cutting planes: stop when CVaR(w) − θ ≤ tolerance·max(1, |CVaR(w)|). Default 1e-10, range
  // (0, 1e-3].
  double tolerance = 1e-10;
  // Cutting planes: most master iterations (cuts). Default 5000, ≥ 1.
  int max_cuts = 5000;
  // Clp simplex iteration limit per solve (≥ 1, default 1e6) and wall-time limit for the whole
  // call in seconds (> 0, default infinity = none).
  int max_iterations = 1000000;
  double time_limit_s = std::numeric_limits<double>::infinity();
  // Post-solve verification tolerance (verify.hpp). Default 1e-8, > 0.
  double verify_tolerance = 1e-8;
  // When the constraints carry max_assets / min_position (cardinality.hpp): every measure and
  // objective is solved as the full LP plus binaries, a MILP for COIN-OR Cbc, with these gap,
  // node and time limits (the smaller of this time limit and time_limit_s applies). The search's
  // report goes to portfolio.details["cardinality"].
  CardinalityOptions cardinality{};

  Status validate(const TailRiskProblem& problem) const;
};

struct TailRiskResult {
  PortfolioResult portfolio;  // model name, status, weights, performance, diagnostics
  TailRiskMeasure measure = TailRiskMeasure::kCvar;
  // The measure at the returned weights, per period, recomputed from the weights (not the LP
  // objective): historical ES / CDaR (risk module conventions), MAD or worst loss. NaN when there
  // are no weights.
  double risk = std::numeric_limits<double>::quiet_NaN();
  // The optimal LP value of the risk expression (ζ + (1/m)Σu, θ, ...); equals `risk` to solver
  // tolerance for kMinRisk and kEfficientReturn. For kEfficientRisk it is only an upper bound on
  // `risk` (≤ target_risk) when the cap is not binding. NaN when not solved.
  double lp_risk = std::numeric_limits<double>::quiet_NaN();
  // CVaR/CDaR: ζ at the optimum, the VaR / DaR of the scenarios (not unique when the optimal
  // tail is degenerate); NaN for the other measures and for the cutting-plane method.
  double threshold = std::numeric_limits<double>::quiet_NaN();
  int cuts = 0;  // cutting-plane iterations (0 for the full LP)
  // kMaxRatio: (μᵀw − r_f)/P / risk, the per-period excess return over the per-period risk at the
  // returned weights (NaN otherwise).
  double ratio = std::numeric_limits<double>::quiet_NaN();

  bool is_usable() const { return portfolio.is_usable(); }
  // portfolio.to_json() plus "risk": {"measure", "confidence", "value", "lp_value", "cuts"} and,
  // for kMaxRatio, "ratio".
  Json to_json(double confidence) const;
};

// Solves the tail-risk model. Call errors (shapes, NaN scenarios, missing targets, bad options)
// come back as a Status; solve outcomes (optimal, infeasible with culprits, unbounded,
// iteration/time limit) as a TailRiskResult whose portfolio status says so.
Result<TailRiskResult> optimize_tail_risk(const TailRiskProblem& problem,
                                          const TailRiskOptions& options = {});

}  // namespace keel
