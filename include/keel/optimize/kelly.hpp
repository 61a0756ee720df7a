#pragma once
// Growth-optimal (Kelly) portfolios over return scenarios.
//
// Kelly (1956), "A new interpretation of information rate", Bell System Technical Journal 35(4);
// Breiman (1961), "Optimal gambling systems for favorable games"; for portfolios over scenarios
// Cover (1984) and MacLean, Thorp & Ziemba (2011), "The Kelly Capital Growth Investment
// Criterion". The portfolio holds fractions w of wealth in the n assets and the rest, 1 − 1ᵀw, in
// cash at the per-period risk-free rate r_c = risk_free_rate / periods_per_year (1ᵀw > 1 borrows
// at r_c). Over T equally likely scenario rows r_t (per-period simple returns) it maximises the
// mean log growth
//     g(w) = (1/T) Σ_t log W_t(w),    W_t(w) = 1 + r_c + (r_t − r_c 1)ᵀw
// subject to the per-asset bounds l ≤ w ≤ u and the gross leverage cap 1ᵀ|w| ≤ L. g is concave
// and defined only where every W_t > 0; the optimum is unique when the scenario matrix has full
// column rank. Fractional Kelly returns f·w* (the rest in cash): a smaller growth for a much
// smaller drawdown (MacLean, Ziemba & Blazenko 1992).
//
// Method: a log-barrier method (Boyd & Vandenberghe 2004, "Convex Optimization", alg. 11.1):
// for t = t0, μt, μ²t, … minimise t·(−g(x)) − Σ_j log(h_j − G_j x) over x = [w] (or [w, s] with
// s ≥ |w| when shorts are allowed: s − w ≥ 0, s + w ≥ 0, 1ᵀs ≤ L) by Newton's method with a
// backtracking line search (alg. 9.5, Armijo 0.01, halving) that keeps every barrier slack and
// every W_t strictly positive (a damped Newton step: the full step is taken only when it stays
// inside the domain and decreases the objective enough). Each Newton system is the dense
// Hessian t·(1/T) Σ a_t a_tᵀ / W_t² + Σ G_jᵀG_j / slack_j² (a_t = r_t − r_c 1), factorised by
// LDLT. Inner loops stop at a Newton decrement λ²/2 ≤ 1e-12·max(1, |objective|); the outer loop
// when m/t (m inequality rows: the duality gap of the centred point) ≤ tolerance. The strictly
// feasible start comes from a phase-I LP (COIN-OR Clp): max δ s.t. G x + δ ≤ h,
// W_t(w) ≥ δ, δ ≤ 1, whose optimum δ* ≤ 0 proves that no allowed weight keeps wealth positive
// in every scenario (then kInfeasible, naming the scenario row where wealth fails at the best
// phase-I point and the advice) — or, without the W_t rows, that the bounds and leverage cap have
// no interior (Status::invalid).
//
// Report: the growth rate per period and annualised (×P), at the returned (fractional) weights
// and at full Kelly, and the drawdown profile of the returned portfolio's compounded wealth path
// over the scenario rows in their order (risk/drawdown.hpp kCompounded: max and average drawdown,
// Ulcer index, CDaR_0.95, longest spell under water), plus growth and max drawdown at the
// fractions 0.25, 0.5, 0.75 and 1 of full Kelly.

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/optimize/constraints.hpp"
#include "keel/optimize/portfolio_result.hpp"

namespace keel {

struct KellyProblem {
  std::vector<std::string> assets{};  // n distinct names
  // R: T × n per-period simple returns, equally likely, finite, T ≥ 1 (rows in time order for the
  // drawdown profile).
  Eigen::MatrixXd scenarios{};
  // Periods per year of the rows (365 daily crypto): annualises the growth rate. > 0.
  double periods_per_year = 365.0;
  // Honoured: the per-asset bounds (lower_bound/upper_bound, lower_bounds/upper_bounds,
  // max_short) and max_gross_leverage (infinity = the default cap of 1: no borrowing). Kelly holds
  // cash, so the budget does not bind (budget must be 1 or unset, net exposure unbounded); groups,
  // linear rows, turnover and cardinality are refused with Status::invalid.
  PortfolioConstraints constraints{};
};

struct KellyOptions {
  // Fractional Kelly f: the returned weights are f·w*, the rest in cash. Default 1, range (0, 1].
  double fraction = 1.0;
  // Annualised cash rate (lent and borrowed at the same rate). Default 0, finite, > −P.
  double risk_free_rate = 0.0;
  // Outer stopping rule: m/t ≤ tolerance (in units of per-period log growth). Default 1e-11,
  // range (0, 1e-4].
  double tolerance = 1e-11;
  // Newton steps over all barrier stages. Default 500, ≥ 1.
  int max_iterations = 500;
  // Barrier growth μ > 1 (default 20) and verification tolerance (> 0, default 1e-8).
  double barrier_growth = 20.0;
  double verify_tolerance = 1e-8;

  Status validate(const KellyProblem& problem) const;
};

struct KellyResult {
  PortfolioResult portfolio;             // model "kelly": status, weights (fractional), performance
  Eigen::VectorXd full_kelly_weights{};  // w* (empty when none)
  double cash = std::numeric_limits<double>::quiet_NaN();  // 1 − 1ᵀw of the returned weights
  // Mean log growth per period and ×P, at the returned weights and at full Kelly.
  double growth_rate = std::numeric_limits<double>::quiet_NaN();
  double growth_rate_annual = std::numeric_limits<double>::quiet_NaN();
  double full_kelly_growth_rate = std::numeric_limits<double>::quiet_NaN();
  // Compounded drawdowns of the returned weights' wealth path over the scenario rows.
  double max_drawdown = std::numeric_limits<double>::quiet_NaN();
  double average_drawdown = std::numeric_limits<double>::quiet_NaN();
  double ulcer_index = std::numeric_limits<double>::quiet_NaN();
  double cdar_95 = std::numeric_limits<double>::quiet_NaN();
  int longest_underwater = 0;
  struct ProfilePoint {
    double fraction = 0.0;
    double growth_rate = 0.0;  // per period
    double max_drawdown = 0.0;
  };
  std::vector<ProfilePoint> profile{};  // fractions 0.25, 0.5, 0.75, 1 of w*
  int iterations = 0;                   // Newton steps
  double duality_gap = std::numeric_limits<double>::quiet_NaN();  // m/t at the end

  bool is_usable() const { return portfolio.is_usable(); }
  // The "kelly" block of portfolio.details: fraction, cash, growth rates, drawdowns, profile.
  Json details(double fraction) const;
};

// Call errors (shapes, non-finite returns, refused constraints, a domain without interior) come
// back as a Status; solve outcomes as a KellyResult whose portfolio status says so: kInfeasible
// with "scenario-wealth" when every allowed weight leaves wealth ≤ 0 in some scenario,
// kIterationLimit when the Newton budget runs out.
Result<KellyResult> optimize_kelly(const KellyProblem& problem, const KellyOptions& options = {});

}  // namespace keel
