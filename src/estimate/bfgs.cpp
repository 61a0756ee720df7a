#include "estimate/bfgs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace keel::detail {
namespace {

struct LinePoint {
  double step = 0.0;
  double f = 0.0;
  double slope = 0.0;  // directional derivative ∇f·p at the point
  bool finite = true;
};

class LineSearch {
 public:
  LineSearch(const Objective& objective, const Eigen::VectorXd& x, const Eigen::VectorXd& p,
             const BfgsOptions& options, int* evaluations)
      : objective_(objective),
        x_(x),
        p_(p),
        options_(options),
        evaluations_(evaluations),
        trial_(x.size()),
        gradient_(x.size()) {}

  // Returns true with the accepted point in `best_x`, `best_f`, `best_gradient`.
  bool run(double f0, double slope0, double initial_step, Eigen::VectorXd* best_x, double* best_f,
           Eigen::VectorXd* best_gradient) {
    f0_ = f0;
    slope0_ = slope0;
    LinePoint previous{0.0, f0, slope0, true};
    double step = initial_step;
    for (int i = 0; i < options_.max_line_search_steps; ++i) {
      LinePoint point = evaluate(step);
      if (!point.finite) {
        // Outside the domain: shrink towards the last good point.
        step = previous.step + 0.25 * (step - previous.step);
        continue;
      }
      if (point.f > f0_ + options_.c1 * step * slope0_ || (i > 0 && point.f >= previous.f)) {
        return zoom(previous, point, best_x, best_f, best_gradient);
      }
      if (std::abs(point.slope) <= -options_.c2 * slope0_) {
        accept(best_x, best_f, best_gradient, point);
        return true;
      }
      if (point.slope >= 0.0) return zoom(point, previous, best_x, best_f, best_gradient);
      previous = point;
      step *= 2.0;
    }
    return false;
  }

 private:
  LinePoint evaluate(double step) {
    trial_ = x_ + step * p_;
    ++*evaluations_;
    const double f = objective_(trial_, &gradient_);
    LinePoint point{step, f, gradient_.dot(p_), true};
    point.finite = std::isfinite(f) && std::isfinite(point.slope);
    if (point.finite) {
      last_x_ = trial_;
      last_gradient_ = gradient_;
      last_step_ = step;
    }
    return point;
  }

  void accept(Eigen::VectorXd* best_x, double* best_f, Eigen::VectorXd* best_gradient,
              const LinePoint& point) {
    // The last finite evaluation is not always `point`; re-evaluate only when needed.
    if (last_step_ != point.step) evaluate(point.step);
    *best_x = last_x_;
    *best_gradient = last_gradient_;
    *best_f = point.f;
  }

  bool zoom(LinePoint lo, LinePoint hi, Eigen::VectorXd* best_x, double* best_f,
            Eigen::VectorXd* best_gradient) {
    for (int i = 0; i < options_.max_line_search_steps; ++i) {
      const double width = hi.step - lo.step;
      double step = 0.5 * (lo.step + hi.step);
      if (hi.finite) {
        // Minimiser of the quadratic through f(lo), f'(lo), f(hi), kept inside the interval.
        const double denominator = 2.0 * (hi.f - lo.f - lo.slope * width);
        if (denominator > 0.0) step = lo.step - lo.slope * width * width / denominator;
        const double low = lo.step + 0.1 * width;
        const double high = hi.step - 0.1 * width;
        step = std::clamp(step, std::min(low, high), std::max(low, high));
      }
      if (std::abs(width) < 1e-16 * std::max(1.0, std::abs(lo.step))) break;
      LinePoint point = evaluate(step);
      if (!point.finite || point.f > f0_ + options_.c1 * step * slope0_ || point.f >= lo.f) {
        hi = point;
        continue;
      }
      if (std::abs(point.slope) <= -options_.c2 * slope0_) {
        accept(best_x, best_f, best_gradient, point);
        return true;
      }
      if (point.slope * (hi.step - lo.step) >= 0.0) hi = lo;
      lo = point;
    }
    // No strong-Wolfe point: accept the best sufficient-decrease point found, if any.
    if (lo.step > 0.0 && lo.f < f0_) {
      accept(best_x, best_f, best_gradient, lo);
      return true;
    }
    return false;
  }

  const Objective& objective_;
  const Eigen::VectorXd& x_;
  const Eigen::VectorXd& p_;
  const BfgsOptions& options_;
  int* evaluations_;
  Eigen::VectorXd trial_;
  Eigen::VectorXd gradient_;
  Eigen::VectorXd last_x_;
  Eigen::VectorXd last_gradient_;
  double last_step_ = std::numeric_limits<double>::quiet_NaN();
  double f0_ = 0.0;
  double slope0_ = 0.0;
};

}  // namespace

BfgsSummary minimize_bfgs(const Objective& objective, const Eigen::VectorXd& x0,
                          const BfgsOptions& options) {
  const Eigen::Index n = x0.size();
  BfgsSummary summary;
  summary.x = x0;
  summary.gradient = Eigen::VectorXd::Zero(n);
  summary.f = objective(summary.x, &summary.gradient);
  summary.evaluations = 1;
  if (!std::isfinite(summary.f) || !summary.gradient.allFinite()) {
    summary.termination = BfgsTermination::kNonFinite;
    return summary;
  }
  Eigen::MatrixXd inverse_hessian = Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd x_new(n), gradient_new(n), direction(n), s(n), y(n);
  int small_changes = 0;
  for (summary.iterations = 0; summary.iterations < options.max_iterations; ++summary.iterations) {
    if (summary.gradient.lpNorm<Eigen::Infinity>() <= options.gradient_tolerance) {
      summary.termination = BfgsTermination::kGradientTolerance;
      return summary;
    }
    direction = -inverse_hessian * summary.gradient;
    double slope = direction.dot(summary.gradient);
    if (!(slope < 0.0)) {
      // The quasi-Newton model lost positive definiteness: restart from steepest descent.
      inverse_hessian.setIdentity();
      direction = -summary.gradient;
      slope = direction.dot(summary.gradient);
    }
    // Unit step once curvature is known; a cautious first step otherwise.
    const double initial_step =
        summary.iterations == 0
            ? std::min(1.0, 1.0 / std::max(1e-12, direction.lpNorm<Eigen::Infinity>()))
            : 1.0;
    LineSearch search(objective, summary.x, direction, options, &summary.evaluations);
    double f_new = 0.0;
    if (!search.run(summary.f, slope, initial_step, &x_new, &f_new, &gradient_new)) {
      summary.termination = BfgsTermination::kLineSearchFailed;
      return summary;
    }
    s = x_new - summary.x;
    y = gradient_new - summary.gradient;
    const double change = std::abs(summary.f - f_new);
    summary.x = x_new;
    summary.gradient = gradient_new;
    summary.f = f_new;
    const double sy = s.dot(y);
    if (sy > 1e-12 * s.norm() * y.norm()) {
      if (summary.iterations == 0) inverse_hessian *= sy / y.squaredNorm();
      const double rho = 1.0 / sy;
      const Eigen::VectorXd hy = inverse_hessian * y;
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, expanded.
      inverse_hessian += (rho * rho * y.dot(hy) + rho) * s * s.transpose() -
                         rho * (hy * s.transpose() + s * hy.transpose());
    }
    small_changes = change <= options.function_tolerance * std::max(1.0, std::abs(summary.f))
                        ? small_changes + 1
                        : 0;
    if (small_changes >= 2) {
      summary.termination = BfgsTermination::kFunctionTolerance;
      ++summary.iterations;
      return summary;
    }
  }
  summary.termination = summary.gradient.lpNorm<Eigen::Infinity>() <= options.gradient_tolerance
                            ? BfgsTermination::kGradientTolerance
                            : BfgsTermination::kIterationLimit;
  return summary;
}

Eigen::VectorXd central_difference_gradient(const std::function<double(const Eigen::VectorXd&)>& f,
                                            const Eigen::VectorXd& x, double h) {
  Eigen::VectorXd gradient(x.size());
  Eigen::VectorXd shifted = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double step = h * std::max(1.0, std::abs(x[i]));
    shifted[i] = x[i] + step;
    const double up = f(shifted);
    shifted[i] = x[i] - step;
    const double down = f(shifted);
    shifted[i] = x[i];
    gradient[i] = (up - down) / (2.0 * step);
  }
  return gradient;
}

}  // namespace keel::detail
