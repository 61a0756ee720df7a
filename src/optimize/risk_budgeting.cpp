#include "keel/optimize/risk_budgeting.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "keel/risk/variance_contributions.hpp"
#include "optimize/risk_budgeting_barrier.hpp"

namespace keel {
namespace {

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Status check_budgets(const Eigen::VectorXd& budgets, Eigen::Index assets) {
  if (budgets.size() == 0) return Status::ok();
  if (budgets.size() != assets) {
    return Status::invalid(fmt::format(
        "risk budgets: {} budgets given for {} assets; give one budget per asset or none for "
        "equal risk contributions",
        budgets.size(), assets));
  }
  for (Eigen::Index i = 0; i < assets; ++i) {
    if (!std::isfinite(budgets[i]) || budgets[i] <= 0.0) {
      return Status::invalid(fmt::format(
          "risk budgets: budget of asset {} is {}; every budget must be finite and > 0 (drop "
          "the asset instead of giving it a zero budget)",
          i, budgets[i]));
    }
  }
  const double sum = budgets.sum();
  if (std::abs(sum - 1.0) > 1e-9) {
    return Status::invalid(
        fmt::format("risk budgets: budgets sum to {:.12g}, not 1; divide them by their sum", sum));
  }
  return Status::ok();
}

Status check_covariance(Eigen::Ref<const Eigen::MatrixXd> covariance) {
  const Eigen::Index n = covariance.rows();
  if (n == 0 || covariance.cols() != n) {
    return Status::invalid(fmt::format(
        "risk budgeting: covariance is {} x {}; it must be square with at least one asset",
        covariance.rows(), covariance.cols()));
  }
  if (!covariance.allFinite()) {
    return Status::invalid(
        "risk budgeting: covariance has NaN or infinite entries; estimate it on clean returns or "
        "choose a missing-data policy");
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (covariance(i, i) <= 0.0) {
      return Status::invalid(fmt::format(
          "risk budgeting: variance of asset {} is {} (must be > 0); drop constant assets", i,
          covariance(i, i)));
    }
  }
  const double scale = covariance.diagonal().maxCoeff();
  if ((covariance - covariance.transpose()).cwiseAbs().maxCoeff() > 1e-10 * scale) {
    return Status::invalid("risk budgeting: covariance is not symmetric; symmetrise it first");
  }
  return Status::ok();
}

// Fills the derived fields of a result from its weights.
Status finish(Eigen::Ref<const Eigen::MatrixXd> covariance, RiskBudgetingResult& result) {
  auto contributions = variance_contributions(result.weights, covariance);
  if (!contributions) return contributions.status();
  result.risk_contributions = std::move(contributions->component);
  result.variance = contributions->variance;
  result.volatility = std::sqrt(std::max(result.variance, 0.0));
  result.relative_risk_contributions = std::move(contributions->percent);
  result.max_relative_deviation =
      ((result.relative_risk_contributions - result.budgets).cwiseQuotient(result.budgets))
          .cwiseAbs()
          .maxCoeff();
  return Status::ok();
}

// One coordinate-descent sweep on ½ xᵀΣx − λ Σ b ln x over lower ≤ x ≤ upper (bounds may be
// empty). sigma_x holds Σx and is kept up to date. Returns the largest relative residual of the
// free coordinates, |x_i (Σx)_i − λ b_i| / (λ b_i), measured after the sweep.
double ccd_sweep(Eigen::Ref<const Eigen::MatrixXd> covariance, const Eigen::VectorXd& budgets,
                 double lambda, const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                 Eigen::VectorXd& x, Eigen::VectorXd& sigma_x) {
  const Eigen::Index n = x.size();
  const bool bounded = lower.size() > 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double s_ii = covariance(i, i);
    const double c = sigma_x[i] - s_ii * x[i];
    const double lb = lambda * budgets[i];
    // Stable root of s_ii x² + c x − lb = 0 (avoids cancellation when c > 0).
    double xi = c >= 0.0 ? 2.0 * lb / (c + std::sqrt(c * c + 4.0 * s_ii * lb))
                         : (-c + std::sqrt(c * c + 4.0 * s_ii * lb)) / (2.0 * s_ii);
    if (bounded) xi = std::clamp(xi, lower[i], upper[i]);
    const double delta = xi - x[i];
    if (delta != 0.0) {
      sigma_x.noalias() += delta * covariance.col(i);
      x[i] = xi;
    }
  }
  double residual = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (bounded && (x[i] <= lower[i] || x[i] >= upper[i])) {
      // At a bound the gradient must point outwards (KKT); an inward gradient is a residual.
      const double g = sigma_x[i] - lambda * budgets[i] / x[i];
      const bool at_lower = x[i] <= lower[i];
      if ((at_lower && g < 0.0) || (!at_lower && g > 0.0)) {
        residual = std::max(residual, std::abs(x[i] * g) / (lambda * budgets[i]));
      }
      continue;
    }
    const double lb = lambda * budgets[i];
    residual = std::max(residual, std::abs(x[i] * sigma_x[i] - lb) / lb);
  }
  return residual;
}

// Runs sweeps until the residual falls below tolerance. Recomputes Σx from scratch at the end to
// remove the drift of the incremental updates, then checks once more.
struct CcdOutcome {
  bool converged = false;
  int sweeps = 0;
};

CcdOutcome run_ccd(Eigen::Ref<const Eigen::MatrixXd> covariance, const Eigen::VectorXd& budgets,
                   double lambda, const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                   double tolerance, int max_sweeps, Eigen::VectorXd& x) {
  CcdOutcome outcome;
  Eigen::VectorXd sigma_x = covariance * x;
  const bool bounded = lower.size() > 0;
  const double budget_sum = lambda * budgets.sum();
  for (int pass = 0; pass < 2; ++pass) {
    while (outcome.sweeps < max_sweeps) {
      ++outcome.sweeps;
      if (!bounded) {
        // Exact line search along the ray t·x, min ½t²xᵀΣx − λΣb ln t: t = sqrt(λΣb / xᵀΣx).
        // Coordinate sweeps are slow to fix the overall scale when Σ has a dominant factor.
        const double t = std::sqrt(budget_sum / x.dot(sigma_x));
        x *= t;
        sigma_x *= t;
      }
      const double residual = ccd_sweep(covariance, budgets, lambda, lower, upper, x, sigma_x);
      if (!std::isfinite(residual)) return outcome;
      if (residual <= tolerance) break;
    }
    // setZero + accumulate instead of assignment: avoids a resize (and GCC 12's false
    // use-after-free warning on it).
    sigma_x.setZero();
    sigma_x.noalias() += covariance * x;
    double residual = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if (lower.size() > 0 && (x[i] <= lower[i] || x[i] >= upper[i])) continue;
      const double lb = lambda * budgets[i];
      residual = std::max(residual, std::abs(x[i] * sigma_x[i] - lb) / lb);
    }
    if (residual <= tolerance) {
      outcome.converged = true;
      return outcome;
    }
  }
  return outcome;
}

// A start close to the ERC solution: y_i ∝ b_i / σ_i, scaled so that yᵀΣy = Σ b = 1.
Eigen::VectorXd spinu_start(Eigen::Ref<const Eigen::MatrixXd> covariance,
                            const Eigen::VectorXd& budgets) {
  Eigen::VectorXd y = budgets.cwiseQuotient(covariance.diagonal().cwiseSqrt());
  const double quad = y.dot(covariance * y);
  return y / std::sqrt(quad);
}

void solve_newton(Eigen::Ref<const Eigen::MatrixXd> covariance, const RiskBudgetingOptions& options,
                  RiskBudgetingResult& result) {
  const Eigen::VectorXd& b = result.budgets;
  const Eigen::Index n = b.size();
  Eigen::VectorXd y = spinu_start(covariance, b);
  auto objective = [&](const Eigen::VectorXd& v) {
    return 0.5 * v.dot(covariance * v) - b.dot(v.array().log().matrix());
  };
  double f = objective(y);
  Eigen::MatrixXd hessian(n, n);
  Eigen::LLT<Eigen::MatrixXd> llt(n);
  result.solver = "newton";
  result.status = SolveStatus::kIterationLimit;
  result.message = fmt::format("no convergence in {} Newton iterations", options.max_iterations);
  for (int iter = 0; iter < options.max_iterations; ++iter) {
    const Eigen::VectorXd sigma_y = covariance * y;
    const double residual = ((y.cwiseProduct(sigma_y) - b).cwiseQuotient(b)).cwiseAbs().maxCoeff();
    if (residual <= options.tolerance) {
      result.status = SolveStatus::kOptimal;
      result.message.clear();
      break;
    }
    result.iterations = iter + 1;
    const Eigen::VectorXd gradient = sigma_y - b.cwiseQuotient(y);
    hessian = covariance;
    hessian.diagonal() += b.cwiseQuotient(y.cwiseAbs2());
    llt.compute(hessian);
    if (llt.info() != Eigen::Success) {
      result.status = SolveStatus::kNumericalError;
      result.message =
          "Cholesky factorisation of the Newton system failed; is Σ positive definite?";
      break;
    }
    const Eigen::VectorXd step = -llt.solve(gradient);
    const double decrement = std::sqrt(std::max(-gradient.dot(step), 0.0));
    double t = decrement > 0.25 ? 1.0 / (1.0 + decrement) : 1.0;
    // Backtracking: stay inside y > 0 and decrease f (Armijo with c = 1e-4).
    bool accepted = false;
    for (int k = 0; k < 60; ++k) {
      const Eigen::VectorXd trial = y + t * step;
      if (trial.minCoeff() > 0.0) {
        const double f_trial = objective(trial);
        if (f_trial <= f + 1e-4 * t * gradient.dot(step) ||
            (decrement < 1e-6 && f_trial <= f + 1e-14 * std::abs(f))) {
          y = trial;
          f = f_trial;
          accepted = true;
          break;
        }
      }
      t *= 0.5;
    }
    if (!accepted) {
      // Near the optimum rounding makes f flat; accept the full Newton step if it keeps y > 0.
      const Eigen::VectorXd trial = y + step;
      if (trial.minCoeff() <= 0.0 || !trial.allFinite()) {
        result.status = SolveStatus::kNumericalError;
        result.message = "Newton line search failed to find a decrease";
        break;
      }
      y = trial;
      f = objective(y);
    }
  }
  result.weights = y / y.sum();
}

void solve_ccd_unbounded(Eigen::Ref<const Eigen::MatrixXd> covariance,
                         const RiskBudgetingOptions& options, RiskBudgetingResult& result) {
  Eigen::VectorXd y = spinu_start(covariance, result.budgets);
  const Eigen::VectorXd empty;
  const CcdOutcome outcome = run_ccd(covariance, result.budgets, 1.0, empty, empty,
                                     options.tolerance, options.max_iterations, y);
  result.solver = "coordinate-descent";
  result.iterations = outcome.sweeps;
  if (!y.allFinite() || y.minCoeff() <= 0.0) {
    result.status = SolveStatus::kNumericalError;
    result.message = "coordinate descent produced non-finite or non-positive weights";
    result.weights = Eigen::VectorXd::Constant(y.size(), std::numeric_limits<double>::quiet_NaN());
    return;
  }
  result.status = outcome.converged ? SolveStatus::kOptimal : SolveStatus::kIterationLimit;
  if (!outcome.converged) {
    result.message =
        fmt::format("no convergence in {} coordinate-descent sweeps", options.max_iterations);
  }
  result.weights = y / y.sum();
}

// Constrained risk budgeting (Richard & Roncalli 2019): bisection on ln λ so that Σ x(λ) = 1.
void solve_ccd_bounded(Eigen::Ref<const Eigen::MatrixXd> covariance,
                       const RiskBudgetingOptions& options, RiskBudgetingResult& result) {
  const Eigen::Index n = covariance.rows();
  Eigen::VectorXd lower = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd upper = Eigen::VectorXd::Ones(n);
  if (options.lower.size() > 0) lower = options.lower;
  if (options.upper.size() > 0) upper = options.upper;
  result.solver = "coordinate-descent";
  // Without bounds x(λ) = sqrt(λ) y(1); start from the λ that makes the unbounded sum 1.
  Eigen::VectorXd y = spinu_start(covariance, result.budgets);
  const Eigen::VectorXd empty;
  CcdOutcome outcome = run_ccd(covariance, result.budgets, 1.0, empty, empty, options.tolerance,
                               options.max_iterations, y);
  result.iterations += outcome.sweeps;
  double lambda = 1.0 / (y.sum() * y.sum());
  Eigen::VectorXd x = (y / y.sum()).cwiseMax(lower).cwiseMin(upper);
  // Keep x strictly positive so the barrier term stays finite.
  for (Eigen::Index i = 0; i < n; ++i) x[i] = std::max(x[i], 1e-300);
  auto solve_at = [&](double lam) {
    outcome = run_ccd(covariance, result.budgets, lam, lower, upper, options.tolerance,
                      options.max_iterations, x);
    result.iterations += outcome.sweeps;
    return x.sum() - 1.0;
  };
  // Bracket the root in ln λ with growing steps, then bisect.
  double log_lambda = std::log(lambda);
  double excess = solve_at(lambda);
  double log_lo = log_lambda, log_hi = log_lambda;
  const double direction = excess < 0.0 ? 1.0 : -1.0;
  double step = 0.5;
  for (int k = 0; k < 100 && excess != 0.0 && (excess < 0.0) == (direction > 0.0); ++k) {
    ++result.lambda_iterations;
    (direction > 0.0 ? log_lo : log_hi) = log_lambda;
    log_lambda += direction * step;
    step *= 2.0;
    excess = solve_at(std::exp(log_lambda));
  }
  (direction > 0.0 ? log_hi : log_lo) = log_lambda;
  for (int k = 0; k < 200 && std::abs(excess) > 1e-14 && log_hi - log_lo > 1e-15; ++k) {
    ++result.lambda_iterations;
    log_lambda = 0.5 * (log_lo + log_hi);
    excess = solve_at(std::exp(log_lambda));
    (excess < 0.0 ? log_lo : log_hi) = log_lambda;
  }
  if (!x.allFinite() || std::abs(x.sum() - 1.0) > 1e-9) {
    result.status = SolveStatus::kNumericalError;
    result.message = fmt::format(
        "the search for λ with Σx(λ) = 1 failed (Σx = {:.12g}); check the bounds", x.sum());
    result.weights = x;
    return;
  }
  result.lambda = std::exp(log_lambda);
  result.status = outcome.converged ? SolveStatus::kOptimal : SolveStatus::kIterationLimit;
  if (!outcome.converged) {
    result.message = fmt::format("no convergence in {} coordinate-descent sweeps at the final λ",
                                 options.max_iterations);
  }
  result.weights = (x / x.sum()).cwiseMax(lower).cwiseMin(upper);
  const double bound_tolerance = 1e-12;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (result.weights[i] <= lower[i] + bound_tolerance && lower[i] > 0.0) {
      result.lower_active.push_back(static_cast<int>(i));
    } else if (result.weights[i] >= upper[i] - bound_tolerance) {
      result.upper_active.push_back(static_cast<int>(i));
    }
  }
  if (!result.lower_active.empty() || !result.upper_active.empty()) {
    result.warnings.push_back(fmt::format(
        "{} lower and {} upper bounds are active: those assets' risk contributions differ from "
        "their budgets (constrained risk budgeting, Richard & Roncalli 2019)",
        result.lower_active.size(), result.upper_active.size()));
  }
}

}  // namespace

Status RiskBudgetingOptions::validate(Eigen::Index assets) const {
  KEEL_RETURN_IF_ERROR(check_budgets(budgets, assets));
  if (!(tolerance >= 1e-15 && tolerance <= 1e-2)) {
    return Status::invalid(fmt::format(
        "risk budgeting: tolerance {} is outside [1e-15, 1e-2]; 1e-11 is the default", tolerance));
  }
  if (max_iterations < 1) {
    return Status::invalid("risk budgeting: max_iterations must be at least 1");
  }
  if ((!groups.empty() || !linear.empty()) && method != RiskBudgetingMethod::kBarrier) {
    return Status::invalid(
        "risk budgeting: group limits and linear constraints need method = barrier (the "
        "coordinate descent and the unconstrained Newton solver handle bounds at most)");
  }
  if (!groups.empty() || !linear.empty()) {
    PortfolioConstraints rows;
    rows.groups = groups;
    rows.linear = linear;
    KEEL_RETURN_IF_ERROR(
        rows.validate(static_cast<int>(assets)).with_context("risk budgeting constraints"));
  }
  const bool bounded = lower.size() > 0 || upper.size() > 0;
  if (!bounded) return Status::ok();
  if (method == RiskBudgetingMethod::kNewton) {
    return Status::invalid(
        "risk budgeting: bounds need method = coordinate-descent or barrier (the Newton solver "
        "handles only the long-only budget problem)");
  }
  for (const auto* v : {&lower, &upper}) {
    if (v->size() != 0 && v->size() != assets) {
      return Status::invalid(
          fmt::format("risk budgeting: {} bounds given for {} assets; give one per asset or none",
                      v->size(), assets));
    }
  }
  double sum_lower = 0.0, sum_upper = 0.0;
  for (Eigen::Index i = 0; i < assets; ++i) {
    const double lo = lower.size() > 0 ? lower[i] : 0.0;
    const double hi = upper.size() > 0 ? upper[i] : 1.0;
    if (!std::isfinite(lo) || !std::isfinite(hi) || lo < 0.0 || hi > 1.0 || lo > hi || hi <= 0.0) {
      return Status::invalid(fmt::format(
          "risk budgeting: bounds of asset {} are [{}, {}]; need 0 ≤ lower ≤ upper ≤ 1 and "
          "upper > 0 (drop an asset that must have zero weight)",
          i, lo, hi));
    }
    sum_lower += lo;
    sum_upper += hi;
  }
  if (sum_lower > 1.0 + 1e-12 || sum_upper < 1.0 - 1e-12) {
    return Status::invalid(fmt::format(
        "risk budgeting: bounds admit no fully invested portfolio (Σ lower = {:.6g}, Σ upper = "
        "{:.6g}); need Σ lower ≤ 1 ≤ Σ upper",
        sum_lower, sum_upper));
  }
  return Status::ok();
}

Result<RiskBudgetingResult> risk_budgeting(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                           const RiskBudgetingOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  KEEL_RETURN_IF_ERROR(check_covariance(covariance));
  const Eigen::Index n = covariance.rows();
  KEEL_RETURN_IF_ERROR(options.validate(n));
  RiskBudgetingResult result;
  result.budgets = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  if (options.budgets.size() > 0) result.budgets = options.budgets;
  const bool bounded = options.lower.size() > 0 || options.upper.size() > 0;
  if (options.method == RiskBudgetingMethod::kBarrier) {
    rb_detail::solve_barrier(covariance, options, result);
  } else if (options.method == RiskBudgetingMethod::kNewton) {
    solve_newton(covariance, options, result);
  } else if (bounded) {
    solve_ccd_bounded(covariance, options, result);
  } else {
    solve_ccd_unbounded(covariance, options, result);
  }
  if (result.weights.size() == n && result.weights.allFinite()) {
    KEEL_RETURN_IF_ERROR(finish(covariance, result));
  }
  result.solve_ms = elapsed_ms(start);
  return result;
}

}  // namespace keel

namespace keel {
namespace {

// Stable softplus ln(1 + eᶻ) and logistic 1/(1 + e⁻ᶻ).
double softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }
double logistic(double z) {
  if (z >= 0.0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// Sample CVaR of the losses (Rockafellar & Uryasev 2000) with tail size k = (1 − α)T, and the
// weight of each scenario in it (1/k for the worst ⌊k⌋, the fraction for the boundary one).
double sample_cvar(const Eigen::VectorXd& losses, double tail, Eigen::VectorXd& scenario_weight) {
  const Eigen::Index t = losses.size();
  std::vector<Eigen::Index> order(t);
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  const auto whole = static_cast<Eigen::Index>(std::floor(tail));
  const Eigen::Index needed = std::min<Eigen::Index>(t, whole + 1);
  std::partial_sort(order.begin(), order.begin() + needed, order.end(),
                    [&](Eigen::Index a, Eigen::Index b) { return losses[a] > losses[b]; });
  scenario_weight = Eigen::VectorXd::Zero(t);
  for (Eigen::Index k = 0; k < whole; ++k) scenario_weight[order[k]] = 1.0 / tail;
  if (tail > static_cast<double>(whole) && whole < t) {
    scenario_weight[order[whole]] = (tail - static_cast<double>(whole)) / tail;
  }
  return scenario_weight.dot(losses);
}

}  // namespace

Status CvarRiskBudgetingOptions::validate(Eigen::Index scenarios, Eigen::Index assets) const {
  KEEL_RETURN_IF_ERROR(check_budgets(budgets, assets));
  if (!(alpha > 0.0 && alpha < 1.0)) {
    return Status::invalid(fmt::format("cvar risk budgeting: alpha = {} must be in (0, 1)", alpha));
  }
  if ((1.0 - alpha) * static_cast<double>(scenarios) < 1.0 - 1e-9) {
    return Status::invalid(fmt::format(
        "cvar risk budgeting: alpha = {} with {} scenarios leaves less than one scenario in the "
        "tail; lower alpha or supply at least {:.0f} scenarios",
        alpha, scenarios, std::ceil(1.0 / (1.0 - alpha))));
  }
  if (!(smoothing >= 1e-8 && smoothing <= 1e-1)) {
    return Status::invalid(
        fmt::format("cvar risk budgeting: smoothing = {} is outside [1e-8, 1e-1]", smoothing));
  }
  if (!(tolerance >= 1e-16 && tolerance <= 1e-4)) {
    return Status::invalid(
        fmt::format("cvar risk budgeting: tolerance = {} is outside [1e-16, 1e-4]", tolerance));
  }
  if (max_iterations < 1) return Status::invalid("cvar risk budgeting: max_iterations must be ≥ 1");
  return Status::ok();
}

Result<CvarRiskBudgetingResult> cvar_risk_budgeting(Eigen::Ref<const Eigen::MatrixXd> scenarios,
                                                    const CvarRiskBudgetingOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Eigen::Index t = scenarios.rows();
  const Eigen::Index n = scenarios.cols();
  if (t == 0 || n == 0 || !scenarios.allFinite()) {
    return Status::invalid(fmt::format(
        "cvar risk budgeting: scenario matrix is {} x {}{}; need finite returns, one row per "
        "scenario",
        t, n, scenarios.allFinite() ? "" : " with NaN/inf entries"));
  }
  KEEL_RETURN_IF_ERROR(options.validate(t, n));
  CvarRiskBudgetingResult result;
  result.budgets = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  if (options.budgets.size() > 0) result.budgets = options.budgets;
  const Eigen::VectorXd& b = result.budgets;
  double tail = (1.0 - options.alpha) * static_cast<double>(t);
  if (std::abs(tail - std::round(tail)) < 1e-9) tail = std::round(tail);
  const double c = 1.0 / tail;

  // Start: equal weights scaled so that their sample CVaR is 1 (at the optimum CVaR(y) = Σb = 1).
  Eigen::VectorXd scenario_weight;
  Eigen::VectorXd y = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  Eigen::VectorXd losses = -(scenarios * y);
  const double cvar0 = sample_cvar(losses, tail, scenario_weight);
  if (!(cvar0 > 0.0)) {
    result.status = SolveStatus::kInfeasible;
    result.message = fmt::format(
        "the equal-weight portfolio has CVaR {:.3g} ≤ 0 (its tail is a gain): CVaR budgets "
        "are not defined; check the sign of the scenarios (returns, not losses) and alpha",
        cvar0);
    return result;
  }
  y /= cvar0;
  losses /= cvar0;
  Eigen::VectorXd sorted = losses.cwiseAbs();
  std::nth_element(sorted.data(), sorted.data() + t / 2, sorted.data() + t);
  const double loss_scale = std::max(sorted[t / 2], 1e-12);
  double zeta = 0.0;
  {
    std::vector<double> l(losses.data(), losses.data() + t);
    const auto k = std::min<Eigen::Index>(t - 1, static_cast<Eigen::Index>(std::floor(tail)));
    std::nth_element(l.begin(), l.begin() + k, l.end(), std::greater<>());
    zeta = l[k];
  }
  const double mu_final = options.smoothing * loss_scale;
  double mu = std::max(0.1 * loss_scale, mu_final);

  Eigen::VectorXd s(t), ds(t);
  auto objective = [&](const Eigen::VectorXd& yy, double z, double m) {
    const Eigen::VectorXd l = -(scenarios * yy);
    double sum = 0.0;
    for (Eigen::Index k = 0; k < t; ++k) sum += m * softplus((l[k] - z) / m);
    return z + c * sum - b.dot(yy.array().log().matrix());
  };
  Eigen::MatrixXd hessian(n + 1, n + 1);
  Eigen::VectorXd gradient(n + 1);
  Eigen::LDLT<Eigen::MatrixXd> ldlt(n + 1);
  bool converged = false;
  result.status = SolveStatus::kIterationLimit;
  while (true) {
    const bool last_stage = mu <= mu_final * (1.0 + 1e-12);
    const double stage_tolerance = last_stage ? options.tolerance : 1e-8;
    bool stage_done = false;
    double f = objective(y, zeta, mu);
    while (result.iterations < options.max_iterations) {
      losses.noalias() = -(scenarios * y);
      for (Eigen::Index k = 0; k < t; ++k) {
        const double z = (losses[k] - zeta) / mu;
        s[k] = logistic(z);
        ds[k] = s[k] * (1.0 - s[k]) / mu;
      }
      gradient.head(n) = -c * (scenarios.transpose() * s) - b.cwiseQuotient(y);
      gradient[n] = 1.0 - c * s.sum();
      hessian.topLeftCorner(n, n).noalias() =
          c * scenarios.transpose() * (ds.asDiagonal() * scenarios);
      hessian.topLeftCorner(n, n).diagonal() += b.cwiseQuotient(y.cwiseAbs2());
      hessian.block(0, n, n, 1) = c * (scenarios.transpose() * ds);
      hessian.block(n, 0, 1, n) = hessian.block(0, n, n, 1).transpose();
      hessian(n, n) = c * ds.sum() + 1e-12;
      ldlt.compute(hessian);
      Eigen::VectorXd step = -ldlt.solve(gradient);
      if (ldlt.info() != Eigen::Success || !step.allFinite()) {
        result.status = SolveStatus::kNumericalError;
        result.message = "the Newton system of the smoothed CVaR problem could not be solved";
        break;
      }
      const double decrement2 = -gradient.dot(step);
      if (decrement2 / 2.0 <= stage_tolerance) {
        stage_done = true;
        break;
      }
      ++result.iterations;
      double step_size = decrement2 > 0.0625 ? 1.0 / (1.0 + std::sqrt(decrement2)) : 1.0;
      bool accepted = false;
      for (int k = 0; k < 60; ++k) {
        const Eigen::VectorXd y_trial = y + step_size * step.head(n);
        if (y_trial.minCoeff() > 0.0) {
          const double z_trial = zeta + step_size * step[n];
          const double f_trial = objective(y_trial, z_trial, mu);
          if (f_trial <= f - 1e-4 * step_size * decrement2) {
            y = y_trial;
            zeta = z_trial;
            f = f_trial;
            accepted = true;
            break;
          }
        }
        step_size *= 0.5;
      }
      if (!accepted) {
        // Rounding floor: the model decrease is below what f can resolve.
        stage_done = decrement2 < 1e-10;
        if (!stage_done) {
          result.status = SolveStatus::kNumericalError;
          result.message = "line search failed on the smoothed CVaR problem";
        }
        break;
      }
      if (y.sum() > 1e12) {
        result.status = SolveStatus::kInfeasible;
        result.message =
            "the objective is unbounded below: some long-only portfolio has a tail gain "
            "(CVaR ≤ 0), so CVaR risk budgets have no solution; check the scenarios";
        break;
      }
    }
    if (!stage_done) break;
    if (last_stage) {
      converged = true;
      break;
    }
    mu = std::max(mu * 0.1, mu_final);
  }
  if (result.status == SolveStatus::kNumericalError || result.status == SolveStatus::kInfeasible) {
    result.solve_ms = elapsed_ms(start);
    return result;
  }
  if (!converged) {
    result.message = fmt::format("no convergence in {} Newton iterations", options.max_iterations);
  } else {
    result.status = SolveStatus::kOptimal;
  }
  const double scale = y.sum();
  result.weights = y / scale;
  // Smoothed contributions at y (exact FOC there): y_i ∂_i CVaR_μ.
  losses.noalias() = -(scenarios * y);
  double smoothed = zeta;
  for (Eigen::Index k = 0; k < t; ++k) {
    const double z = (losses[k] - zeta) / mu;
    s[k] = logistic(z);
    smoothed += c * mu * softplus(z);
  }
  const Eigen::VectorXd smoothed_rc = y.cwiseProduct(-c * (scenarios.transpose() * s));
  result.smoothed_risk_contributions = smoothed_rc / scale;
  result.smoothed_cvar = smoothed / scale;
  result.final_smoothing = mu / scale;
  result.max_relative_deviation_smoothed =
      ((smoothed_rc / smoothed_rc.sum() - b).cwiseQuotient(b)).cwiseAbs().maxCoeff();
  const Eigen::VectorXd w_losses = -(scenarios * result.weights);
  result.cvar = sample_cvar(w_losses, tail, scenario_weight);
  result.risk_contributions =
      result.weights.cwiseProduct(-(scenarios.transpose() * scenario_weight));
  result.relative_risk_contributions = result.risk_contributions / result.cvar;
  result.max_relative_deviation =
      ((result.relative_risk_contributions - b).cwiseQuotient(b)).cwiseAbs().maxCoeff();
  result.solve_ms = elapsed_ms(start);
  return result;
}

}  // namespace keel
