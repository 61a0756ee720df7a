#pragma once
// A support guess for the homogenised max-ratio QPs of the mean-variance family (max Sharpe,
// max diversification) under a budget and per-asset bounds, so that the primal active set
// (qp_active_set.hpp) can solve them from a start next to the answer instead of from a phase-1
// vertex or by the interior point.
//
// The ratio problem  max eᵀw / √(wᵀΣw)  s.t. 1ᵀw = b, l ≤ w ≤ u  (e = μ − rf/b for max Sharpe,
// e = √diag Σ for max diversification) has its optimum on the bounded efficient frontier
//     w(λ) = argmin ½ wᵀΣw − λ eᵀw  s.t. 1ᵀw = b, l ≤ w ≤ u,
// at the λ* where the optimality conditions of the two problems coincide: the gradient of the
// ratio at w is a positive multiple of λe − Σw with λ = wᵀΣw / eᵀw, so w* = w(λ*) for the fixed
// point λ* = φ(λ*), φ(λ) = w(λ)ᵀΣw(λ) / eᵀw(λ) (Markowitz 1959, ch. VIII; the tangency
// portfolio of the critical line algorithm, Niedermayer & Niedermayer 2010, §3). w(λ) is
// piecewise linear in λ (Best & Grauer 1990), so a secant on F(λ) = φ(λ) − λ from λ₀ = 0 (the
// minimum variance book) lands on the right segment, hence the right support, in a few
// bounds-only QPs, each warm-started from the last (QpSolver).
//
// The guess is only a start: the caller finishes with the homogenised QP (min yᵀΣy s.t. eᵀy = 1,
// y_i ≤ (u_i/b)·1ᵀy, y ≥ l...), whose active set proves optimality, so a poor guess costs
// working-set changes, never accuracy.

#include <Eigen/Core>

#include "keel/optimize/qp.hpp"

namespace keel::detail {

struct TangencyGuess {
  Eigen::VectorXd weights;  // w(λ) at the last secant step; empty when no guess was found
  int solves = 0;           // bounds-only QPs solved
  int iterations = 0;       // their iterations (working-set changes), summed
  // True when a solve factored the whole covariance by Cholesky (QpSolution::p_positive_definite):
  // it is then proven positive definite.
  bool covariance_positive_definite = false;
};

// Secant on λ for at most `max_solves` bounds-only QPs (default 6). `covariance` is Σ, n × n, and
// `ridge` the γ ≥ 0 of a model's γ‖w‖² (the frontier is then that of Σ + γI); `excess` e;
// `lower`/`upper` the per-asset bounds (finite lower bounds, upper may be +inf); `budget` b > 0.
// Returns an empty guess when eᵀw ≤ 0 at every point tried or a QP fails: the caller then solves
// cold.
TangencyGuess tangency_guess(const Eigen::MatrixXd& covariance, double ridge,
                             const Eigen::VectorXd& excess, double budget,
                             const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                             const QpOptions& options, int max_solves = 6);

}  // namespace keel::detail
