#include "keel/estimate/garch.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "estimate/bfgs.hpp"
#include "keel/estimate/distributions.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Natural {
  double mu = 0.0;
  double omega = 0.0;
  double alpha = 0.0;
  double beta = 0.0;
  double nu = kInf;
};

// Gradient with respect to (μ, ω, α, β, ν).
using NaturalGradient = Eigen::Matrix<double, 5, 1>;

// Log-likelihood (sum over t) of x at p; -infinity outside the model's domain. Writes the analytic
// gradient when asked, and h_1 … h_T, h_{T+1} into `variance` (size T + 1) when asked.
double log_likelihood(const Eigen::VectorXd& x, const Natural& p, bool student,
                      NaturalGradient* gradient, Eigen::VectorXd* variance) {
  const Eigen::Index n = x.size();
  if (!(p.omega > 0.0) || !(p.alpha >= 0.0) || !(p.beta >= 0.0)) return -kInf;
  if (student && !(p.nu > 2.0)) return -kInf;
  const bool want_gradient = gradient != nullptr;
  double sum_z = 0.0;
  double sum_z2 = 0.0;
  for (Eigen::Index t = 0; t < n; ++t) {
    const double z = x[t] - p.mu;
    sum_z += z;
    sum_z2 += z * z;
  }
  const double mean_z2 = sum_z2 / static_cast<double>(n);
  double h = p.omega + (p.alpha + p.beta) * mean_z2;
  // dh/d(μ, ω, α, β) for the current t.
  double dh_mu = (p.alpha + p.beta) * (-2.0 * sum_z / static_cast<double>(n));
  double dh_omega = 1.0;
  double dh_alpha = mean_z2;
  double dh_beta = mean_z2;
  double g_mu = 0.0, g_omega = 0.0, g_alpha = 0.0, g_beta = 0.0, g_nu = 0.0;

  double constant = -0.5 * std::log(2.0 * std::numbers::pi);
  double d_constant = 0.0;
  if (student) {
    constant = std::lgamma(0.5 * (p.nu + 1.0)) - std::lgamma(0.5 * p.nu) -
               0.5 * std::log(std::numbers::pi * (p.nu - 2.0));
    if (want_gradient) {
      d_constant =
          0.5 * digamma(0.5 * (p.nu + 1.0)) - 0.5 * digamma(0.5 * p.nu) - 0.5 / (p.nu - 2.0);
    }
  }
  double total = static_cast<double>(n) * constant;
  for (Eigen::Index t = 0; t < n; ++t) {
    if (!(h > 0.0) || !std::isfinite(h)) return -kInf;
    if (variance != nullptr) (*variance)[t] = h;
    const double z = x[t] - p.mu;
    const double z2 = z * z;
    double dl_dh = 0.0;
    double dl_dz = 0.0;
    if (student) {
      const double q = z2 / ((p.nu - 2.0) * h);
      const double log1p_q = std::log1p(q);
      total += -0.5 * std::log(h) - 0.5 * (p.nu + 1.0) * log1p_q;
      if (want_gradient) {
        const double w = (p.nu + 1.0) / (1.0 + q);
        dl_dh = -0.5 / h + 0.5 * w * q / h;
        dl_dz = -w * z / ((p.nu - 2.0) * h);
        g_nu += -0.5 * log1p_q + 0.5 * w * q / (p.nu - 2.0);
      }
    } else {
      total += -0.5 * (std::log(h) + z2 / h);
      if (want_gradient) {
        dl_dh = 0.5 * (z2 / h - 1.0) / h;
        dl_dz = -z / h;
      }
    }
    if (want_gradient) {
      g_mu += dl_dh * dh_mu - dl_dz;
      g_omega += dl_dh * dh_omega;
      g_alpha += dl_dh * dh_alpha;
      g_beta += dl_dh * dh_beta;
      dh_mu = -2.0 * p.alpha * z + p.beta * dh_mu;
      dh_omega = 1.0 + p.beta * dh_omega;
      dh_alpha = z2 + p.beta * dh_alpha;
      dh_beta = h + p.beta * dh_beta;
    }
    h = p.omega + p.alpha * z2 + p.beta * h;
  }
  if (variance != nullptr) (*variance)[n] = h;
  if (!std::isfinite(total)) return -kInf;
  if (want_gradient) {
    *gradient << g_mu, g_omega, g_alpha, g_beta,
        student ? g_nu + static_cast<double>(n) * d_constant : 0.0;
  }
  return total;
}

double logistic(double v) {
  return v >= 0.0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v));
}

// Maps unconstrained θ to the natural parameters and back. Layout: [μ if estimated], log ω,
// θ_α, θ_β, [θ_ν if Student-t].
class Transform {
 public:
  explicit Transform(const GarchOptions& options)
      : include_mean_(options.include_mean),
        stationary_(options.enforce_stationarity),
        student_(options.distribution == GarchDistribution::kStudentT),
        nu_max_(options.max_degrees_of_freedom) {}

  int size() const { return (include_mean_ ? 1 : 0) + 3 + (student_ ? 1 : 0); }
  bool student() const { return student_; }
  bool include_mean() const { return include_mean_; }

  // Natural parameters and the Jacobian d(μ, ω, α, β, ν)/dθ (5 × size()).
  Natural to_natural(const Eigen::VectorXd& theta, Eigen::MatrixXd* jacobian) const {
    Natural p;
    int i = 0;
    if (jacobian != nullptr) jacobian->setZero(5, size());
    if (include_mean_) {
      p.mu = theta[i];
      if (jacobian != nullptr) (*jacobian)(0, i) = 1.0;
      ++i;
    }
    p.omega = std::exp(theta[i]);
    if (jacobian != nullptr) (*jacobian)(1, i) = p.omega;
    ++i;
    const double ta = theta[i];
    const double tb = theta[i + 1];
    if (stationary_) {
      const double top = std::max({0.0, ta, tb});
      const double ea = std::exp(ta - top);
      const double eb = std::exp(tb - top);
      const double denominator = std::exp(-top) + ea + eb;
      p.alpha = ea / denominator;
      p.beta = eb / denominator;
      if (jacobian != nullptr) {
        (*jacobian)(2, i) = p.alpha * (1.0 - p.alpha);
        (*jacobian)(2, i + 1) = -p.alpha * p.beta;
        (*jacobian)(3, i) = -p.alpha * p.beta;
        (*jacobian)(3, i + 1) = p.beta * (1.0 - p.beta);
      }
    } else {
      p.alpha = logistic(ta);
      p.beta = logistic(tb);
      if (jacobian != nullptr) {
        (*jacobian)(2, i) = p.alpha * (1.0 - p.alpha);
        (*jacobian)(3, i + 1) = p.beta * (1.0 - p.beta);
      }
    }
    i += 2;
    if (student_) {
      const double l = logistic(theta[i]);
      p.nu = 2.0 + (nu_max_ - 2.0) * l;
      if (jacobian != nullptr) (*jacobian)(4, i) = (nu_max_ - 2.0) * l * (1.0 - l);
    }
    return p;
  }

  Eigen::VectorXd from_natural(const Natural& p) const {
    Eigen::VectorXd theta(size());
    int i = 0;
    if (include_mean_) theta[i++] = p.mu;
    theta[i++] = std::log(p.omega);
    if (stationary_) {
      const double rest = 1.0 - p.alpha - p.beta;
      theta[i++] = std::log(p.alpha / rest);
      theta[i++] = std::log(p.beta / rest);
    } else {
      theta[i++] = std::log(p.alpha / (1.0 - p.alpha));
      theta[i++] = std::log(p.beta / (1.0 - p.beta));
    }
    if (student_) {
      const double l = (p.nu - 2.0) / (nu_max_ - 2.0);
      theta[i] = std::log(l / (1.0 - l));
    }
    return theta;
  }

  // Indices of the estimated natural parameters within (μ, ω, α, β, ν).
  std::vector<int> free_natural() const {
    std::vector<int> free;
    if (include_mean_) free.push_back(0);
    free.insert(free.end(), {1, 2, 3});
    if (student_) free.push_back(4);
    return free;
  }

 private:
  bool include_mean_;
  bool stationary_;
  bool student_;
  double nu_max_;
};

Status check_series(Eigen::Ref<const Eigen::VectorXd> returns) {
  if (returns.size() < 20) {
    return Status::invalid(fmt::format(
        "GARCH(1,1) needs at least 20 returns, got {}; use a longer window", returns.size()));
  }
  for (Eigen::Index t = 0; t < returns.size(); ++t) {
    if (!std::isfinite(returns[t])) {
      return Status::invalid(fmt::format(
          "GARCH(1,1): return at row {} is {}; drop or fill missing rows before fitting", t,
          returns[t]));
    }
  }
  return Status::ok();
}

// The natural gradient in the scaled units as a free-parameter vector.
Eigen::VectorXd free_gradient(const Eigen::VectorXd& x, const Natural& p, const Transform& tr) {
  NaturalGradient g;
  log_likelihood(x, p, tr.student(), &g, nullptr);
  const std::vector<int> free = tr.free_natural();
  Eigen::VectorXd out(static_cast<Eigen::Index>(free.size()));
  for (size_t k = 0; k < free.size(); ++k) out[static_cast<Eigen::Index>(k)] = g[free[k]];
  return out;
}

template <typename Parameters>
double& natural_at(Parameters& p, int index) {
  switch (index) {
    case 0:
      return p.mu;
    case 1:
      return p.omega;
    case 2:
      return p.alpha;
    case 3:
      return p.beta;
    default:
      return p.nu;
  }
}

// Inverse observed information of the scaled problem, by central differences of the gradient.
// Returns an empty matrix when the Hessian is not positive definite.
Eigen::MatrixXd covariance_of_estimates(const Eigen::VectorXd& x, const Natural& p,
                                        const Transform& tr) {
  const std::vector<int> free = tr.free_natural();
  const auto k = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd hessian(k, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    Natural up = p;
    Natural down = p;
    double& value = natural_at(up, free[static_cast<size_t>(j)]);
    const double step = 1e-5 * std::max(std::abs(value), 1e-2);
    value += step;
    natural_at(down, free[static_cast<size_t>(j)]) -= step;
    hessian.col(j) = -(free_gradient(x, up, tr) - free_gradient(x, down, tr)) / (2.0 * step);
  }
  hessian = 0.5 * (hessian + hessian.transpose()).eval();
  Eigen::LLT<Eigen::MatrixXd> llt(hessian);
  if (llt.info() != Eigen::Success) return {};
  return llt.solve(Eigen::MatrixXd::Identity(k, k));
}

}  // namespace

Status GarchOptions::validate() const {
  if (!(max_degrees_of_freedom > 2.5 && max_degrees_of_freedom <= 1e4)) {
    return Status::invalid(fmt::format(
        "GarchOptions.max_degrees_of_freedom = {} is outside (2.5, 1e4]; the default is 200",
        max_degrees_of_freedom));
  }
  if (max_iterations < 1) {
    return Status::invalid(
        fmt::format("GarchOptions.max_iterations = {} must be at least 1", max_iterations));
  }
  if (!(gradient_tolerance > 0.0 && gradient_tolerance <= 1e-2)) {
    return Status::invalid(fmt::format(
        "GarchOptions.gradient_tolerance = {} is outside (0, 1e-2]; the default is 1e-9",
        gradient_tolerance));
  }
  return Status::ok();
}

double GarchParameters::unconditional_variance() const {
  const double persistence_value = alpha + beta;
  return persistence_value < 1.0 ? omega / (1.0 - persistence_value) : kInf;
}

double GarchFit::forecast_variance(int horizon) const {
  if (horizon < 1) return kNaN;
  const double phi = parameters.persistence();
  double value = next_variance;
  for (int i = 1; i < horizon; ++i) value = parameters.omega + phi * value;
  return value;
}

Eigen::VectorXd GarchFit::forecast_variance_path(int horizon) const {
  Eigen::VectorXd path(std::max(horizon, 0));
  double value = next_variance;
  for (int i = 0; i < horizon; ++i) {
    path[i] = value;
    value = parameters.omega + parameters.persistence() * value;
  }
  return path;
}

Result<double> garch_log_likelihood(Eigen::Ref<const Eigen::VectorXd> returns,
                                    const GarchParameters& parameters,
                                    GarchDistribution distribution,
                                    Eigen::VectorXd* conditional_variance) {
  KEEL_RETURN_IF_ERROR(check_series(returns));
  const Eigen::VectorXd x = returns;
  Eigen::VectorXd variance(x.size() + 1);
  const Natural p{parameters.mu, parameters.omega, parameters.alpha, parameters.beta,
                  parameters.nu};
  const double value =
      log_likelihood(x, p, distribution == GarchDistribution::kStudentT, nullptr, &variance);
  if (!std::isfinite(value)) {
    return Status::invalid(fmt::format(
        "GARCH parameters outside the model's domain (ω = {}, α = {}, β = {}, ν = {}); need ω > 0, "
        "α, β ≥ 0 and ν > 2",
        parameters.omega, parameters.alpha, parameters.beta, parameters.nu));
  }
  if (conditional_variance != nullptr) *conditional_variance = variance.head(x.size());
  return value;
}

Result<GarchFit> fit_garch(Eigen::Ref<const Eigen::VectorXd> returns, const GarchOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(check_series(returns));
  const Eigen::Index n = returns.size();
  const double mean = returns.mean();
  const double scale =
      std::sqrt((returns.array() - mean).square().sum() / static_cast<double>(n - 1));
  if (!(scale > 1e-12 * returns.cwiseAbs().maxCoeff())) {
    return Status::invalid(
        "GARCH(1,1): the return series is constant; a GARCH model needs varying returns");
  }
  const Eigen::VectorXd x = returns / scale;
  const Transform tr(options);
  const bool student = tr.student();
  const double count = static_cast<double>(n);

  detail::Objective objective = [&](const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
    Eigen::MatrixXd jacobian;
    const Natural p = tr.to_natural(theta, gradient != nullptr ? &jacobian : nullptr);
    NaturalGradient g;
    const double value = log_likelihood(x, p, student, gradient != nullptr ? &g : nullptr, nullptr);
    if (!std::isfinite(value)) return kInf;
    if (gradient != nullptr) *gradient = -(jacobian.transpose() * g) / count;
    return -value / count;
  };

  detail::BfgsOptions bfgs;
  bfgs.max_iterations = options.max_iterations;
  bfgs.gradient_tolerance = options.gradient_tolerance;

  // Two starts: fGarch's (α = 0.1, β = 0.8, ω = var·(1 − α − β), ν = 4) and a persistent one.
  const double start_mu = options.include_mean ? mean / scale : 0.0;
  const Natural starts[] = {{start_mu, 0.1, 0.1, 0.8, 4.0}, {start_mu, 0.03, 0.07, 0.9, 8.0}};
  detail::BfgsSummary best;
  bool have_best = false;
  int evaluations = 0;
  for (const Natural& start : starts) {
    Natural s = start;
    s.nu = std::min(s.nu, 0.5 * (2.0 + options.max_degrees_of_freedom));
    detail::BfgsSummary run = detail::minimize_bfgs(objective, tr.from_natural(s), bfgs);
    evaluations += run.evaluations;
    if (!std::isfinite(run.f)) continue;
    if (!have_best || run.f < best.f) {
      best = std::move(run);
      have_best = true;
    }
  }
  GarchFit fit;
  fit.distribution = options.distribution;
  fit.function_evaluations = evaluations;
  if (!have_best) {
    fit.status = SolveStatus::kNumericalError;
    fit.message = "the likelihood was not finite at any starting point";
    return fit;
  }
  fit.iterations = best.iterations;
  fit.gradient_norm = best.gradient.lpNorm<Eigen::Infinity>();
  switch (best.termination) {
    case detail::BfgsTermination::kGradientTolerance:
    case detail::BfgsTermination::kFunctionTolerance:
      fit.status = SolveStatus::kOptimal;
      fit.message = "converged";
      break;
    case detail::BfgsTermination::kLineSearchFailed:
      // Common at the optimum when f is flat to rounding; trust it if the gradient is small.
      // Within 1000× the tolerance the objective is flat to rounding: converged.
      if (fit.gradient_norm <= 1e3 * options.gradient_tolerance) {
        fit.status = SolveStatus::kOptimal;
        fit.message = fmt::format("converged to rounding (‖∇‖∞ = {:.2e})", fit.gradient_norm);
      } else {
        fit.status = fit.gradient_norm <= 1e-5 ? SolveStatus::kOptimalInaccurate
                                               : SolveStatus::kNumericalError;
        fit.message =
            fmt::format("line search made no progress with ‖∇‖∞ = {:.2e}", fit.gradient_norm);
      }
      break;
    case detail::BfgsTermination::kIterationLimit:
      fit.status = SolveStatus::kIterationLimit;
      fit.message = fmt::format("iteration limit {} reached with ‖∇‖∞ = {:.2e}",
                                options.max_iterations, fit.gradient_norm);
      break;
    case detail::BfgsTermination::kNonFinite:
      fit.status = SolveStatus::kNumericalError;
      fit.message = "the likelihood was not finite at the starting point";
      break;
  }

  const Natural ps = tr.to_natural(best.x, nullptr);
  Eigen::VectorXd variance(n + 1);
  const double scaled_ll = log_likelihood(x, ps, student, nullptr, &variance);
  fit.parameters = {ps.mu * scale, ps.omega * scale * scale, ps.alpha, ps.beta,
                    student ? ps.nu : kInf};
  fit.log_likelihood = scaled_ll - count * std::log(scale);
  fit.conditional_variance = variance.head(n) * (scale * scale);
  fit.next_variance = variance[n] * scale * scale;
  fit.standardized_residuals =
      (returns.array() - fit.parameters.mu) / fit.conditional_variance.array().sqrt();

  if (options.compute_standard_errors) {
    const Eigen::MatrixXd cov = covariance_of_estimates(x, ps, tr);
    if (cov.size() > 0) {
      const std::vector<int> free = tr.free_natural();
      const double unit[] = {scale, scale * scale, 1.0, 1.0, 1.0};
      GarchParameters se = fit.standard_errors;
      for (size_t k = 0; k < free.size(); ++k) {
        const auto kk = static_cast<Eigen::Index>(k);
        natural_at(se, free[k]) = std::sqrt(cov(kk, kk)) * unit[free[k]];
      }
      if (!options.include_mean) se.mu = 0.0;
      fit.standard_errors = se;
    } else {
      fit.warnings.push_back(
          "the observed information is not positive definite at the estimate; "
          "standard errors are not available");
    }
  }
  if (fit.parameters.persistence() >= 1.0) {
    fit.warnings.push_back(fmt::format(
        "α + β = {:.4f} ≥ 1: no finite unconditional variance and forecasts do not revert; set "
        "enforce_stationarity = true to constrain it",
        fit.parameters.persistence()));
  } else if (fit.parameters.persistence() > 0.999) {
    fit.warnings.push_back(
        fmt::format("α + β = {:.5f} is at the stationarity boundary (integrated GARCH)",
                    fit.parameters.persistence()));
  }
  if (student && fit.parameters.nu > 0.99 * options.max_degrees_of_freedom) {
    fit.warnings.push_back(
        fmt::format("ν = {:.1f} is at its upper bound {}: the innovations look Gaussian",
                    fit.parameters.nu, options.max_degrees_of_freedom));
  }
  return fit;
}

}  // namespace keel
