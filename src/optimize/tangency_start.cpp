#include "optimize/tangency_start.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "keel/optimize/qp_solver.hpp"

namespace keel::detail {

TangencyGuess tangency_guess(const Eigen::MatrixXd& covariance, double ridge,
                             const Eigen::VectorXd& excess, double budget,
                             const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                             const QpOptions& options, int max_solves) {
  const Eigen::Index n = covariance.rows();
  TangencyGuess guess;
  QpProblem qp;
  qp.P = covariance;
  if (ridge > 0.0) qp.P.diagonal().array() += ridge;
  qp.q = Eigen::VectorXd::Zero(n);
  qp.A = Eigen::MatrixXd::Ones(1, n);
  qp.b = Eigen::VectorXd::Constant(1, budget);
  qp.lower = lower;
  qp.upper = upper;
  QpOptions qp_options = options;
  qp_options.algorithm = QpAlgorithm::kAuto;
  qp_options.warm_x = Eigen::VectorXd();
  qp_options.warm_active_lower.clear();
  qp_options.warm_active_upper.clear();
  qp_options.warm_active_rows.clear();
  QpSolver solver;

  // w(λ) and F(λ) = φ(λ) − λ with φ = wᵀΣw / eᵀw; false when the QP fails or eᵀw ≤ 0.
  Eigen::VectorXd w, sigma_w;
  std::vector<int> at_lower, at_upper;  // bounds active at the last point
  bool same_face = false;               // the last two points share their active bounds
  const auto evaluate = [&](double lambda, double& f) {
    qp.q = -lambda * excess;
    const QpSolution s = solver.solve(qp, qp_options);
    ++guess.solves;
    same_face = s.active_lower == at_lower && s.active_upper == at_upper;
    at_lower = s.active_lower;
    at_upper = s.active_upper;
    guess.iterations += s.iterations;
    guess.covariance_positive_definite =
        guess.covariance_positive_definite || (s.p_positive_definite && ridge == 0.0);
    if (!s.is_usable() || s.x.size() != n) return false;
    w = s.x;
    const double ret = excess.dot(w);
    if (!(ret > 0.0)) return false;
    sigma_w.noalias() = qp.P * w;
    f = w.dot(sigma_w) / ret - lambda;
    guess.weights = w;
    return std::isfinite(f);
  };

  double lambda_prev = 0.0, f_prev = 0.0;
  if (!evaluate(lambda_prev, f_prev)) return guess;  // weights hold any usable point so far
  double lambda = lambda_prev + f_prev;              // one fixed-point step: λ₁ = φ(0)
  for (int k = 1; k < max_solves; ++k) {
    double f = 0.0;
    if (!evaluate(lambda, f)) return guess;
    // Two points on one face (the same bounds active) lie on one linear segment of w(λ): the
    // support is settled, and the finishing active set moves along the segment in one step.
    if (same_face || std::abs(f) <= 1e-6 * std::abs(lambda)) break;
    // Secant step; a flat or reversed secant (a kink of w(λ) between the two points) falls back
    // to the fixed-point step λ ← φ(λ).
    const double slope = (f - f_prev) / (lambda - lambda_prev);
    double next = lambda + f;
    if (std::isfinite(slope) && slope < 0.0) next = lambda - f / slope;
    if (!(next > 0.0) || !std::isfinite(next)) next = 0.5 * lambda;
    lambda_prev = lambda;
    f_prev = f;
    lambda = next;
  }
  return guess;
}

}  // namespace keel::detail
