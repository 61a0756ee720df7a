#pragma once
// Private quasi-Newton minimiser used by the GARCH and DCC likelihoods: BFGS on the inverse Hessian
// with a strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, 2nd ed., 2006,
// algorithms 3.5, 3.6 and 6.1). Objectives work on unconstrained (transformed) parameters; a
// non-finite value means "outside the model's domain" and makes the line search step back.

#include <Eigen/Core>
#include <functional>

namespace keel::detail {

// Returns f(x); when `gradient` is not null, also writes ∇f(x) into it (already sized).
using Objective = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd* gradient)>;

struct BfgsOptions {
  int max_iterations = 500;           // BFGS iterations (each one line search)
  double gradient_tolerance = 1e-9;   // stop when ‖∇f‖∞ ≤ this
  double function_tolerance = 1e-15;  // stop when |Δf| ≤ this·max(1, |f|) twice in a row
  int max_line_search_steps = 40;     // function evaluations per line search
  double c1 = 1e-4;                   // sufficient decrease (Armijo) constant
  double c2 = 0.9;                    // curvature constant (strong Wolfe)
};

enum class BfgsTermination {
  kGradientTolerance,  // ‖∇f‖∞ small: converged
  kFunctionTolerance,  // f stopped changing: converged to rounding
  kIterationLimit,     // ran out of iterations
  kLineSearchFailed,   // no acceptable step along the search direction
  kNonFinite,          // f or ∇f not finite at the starting point
};

struct BfgsSummary {
  Eigen::VectorXd x;
  double f = 0.0;
  Eigen::VectorXd gradient;
  int iterations = 0;
  int evaluations = 0;
  BfgsTermination termination = BfgsTermination::kIterationLimit;
  bool converged() const {
    return termination == BfgsTermination::kGradientTolerance ||
           termination == BfgsTermination::kFunctionTolerance;
  }
};

BfgsSummary minimize_bfgs(const Objective& objective, const Eigen::VectorXd& x0,
                          const BfgsOptions& options = {});

// Central-difference gradient of a value-only function, step h·max(1, |x_i|).
Eigen::VectorXd central_difference_gradient(const std::function<double(const Eigen::VectorXd&)>& f,
                                            const Eigen::VectorXd& x, double h = 1e-6);

}  // namespace keel::detail
