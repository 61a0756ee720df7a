#include "keel/estimate/dcc.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <numbers>

#include "estimate/bfgs.hpp"
#include "estimate/returns_checks.hpp"

namespace keel {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Evaluates ℓ_C(a, b) without allocating inside the time loop.
class CorrelationLikelihood {
 public:
  explicit CorrelationLikelihood(const Eigen::MatrixXd& residuals)
      : residuals_(residuals),
        n_(residuals.cols()),
        q_bar_((residuals.transpose() * residuals) / static_cast<double>(residuals.rows())),
        q_(n_, n_),
        r_(n_, n_),
        scale_(n_),
        work_(n_),
        llt_(n_) {}

  const Eigen::MatrixXd& q_bar() const { return q_bar_; }

  // −infinity when some R_t is not positive definite.
  double operator()(double a, double b, Eigen::MatrixXd* next_correlation = nullptr) {
    const Eigen::Index t_count = residuals_.rows();
    const double c = 1.0 - a - b;
    q_ = q_bar_;
    double total = 0.0;
    for (Eigen::Index t = 0; t < t_count; ++t) {
      normalise();
      llt_.compute(r_);
      if (llt_.info() != Eigen::Success) return -kInf;
      const auto e = residuals_.row(t).transpose();
      work_ = e;
      llt_.matrixL().solveInPlace(work_);
      double log_det = 0.0;
      for (Eigen::Index i = 0; i < n_; ++i) log_det += std::log(llt_.matrixLLT()(i, i));
      total += -0.5 * (2.0 * log_det + work_.squaredNorm() - e.squaredNorm());
      q_ *= b;
      q_.noalias() += a * e * e.transpose();
      q_ += c * q_bar_;
    }
    if (next_correlation != nullptr) {
      normalise();
      *next_correlation = r_;
    }
    return std::isfinite(total) ? total : -kInf;
  }

 private:
  void normalise() {
    scale_ = q_.diagonal().cwiseSqrt().cwiseInverse();
    r_ = scale_.asDiagonal() * q_ * scale_.asDiagonal();
    r_.diagonal().setOnes();
  }

  const Eigen::MatrixXd& residuals_;
  Eigen::Index n_;
  Eigen::MatrixXd q_bar_;
  Eigen::MatrixXd q_;
  Eigen::MatrixXd r_;
  Eigen::VectorXd scale_;
  Eigen::VectorXd work_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
};

// (a, b) = (e^u, e^v) / (1 + e^u + e^v): a, b > 0 and a + b < 1.
void to_ab(const Eigen::VectorXd& theta, double* a, double* b) {
  const double top = std::max({0.0, theta[0], theta[1]});
  const double eu = std::exp(theta[0] - top);
  const double ev = std::exp(theta[1] - top);
  const double denominator = std::exp(-top) + eu + ev;
  *a = eu / denominator;
  *b = ev / denominator;
}

Eigen::VectorXd from_ab(double a, double b) {
  const double rest = 1.0 - a - b;
  return Eigen::Vector2d(std::log(a / rest), std::log(b / rest));
}

}  // namespace

Status DccOptions::validate() const {
  KEEL_RETURN_IF_ERROR(garch.validate().with_context("DccOptions.garch"));
  if (max_iterations < 1) {
    return Status::invalid(
        fmt::format("DccOptions.max_iterations = {} must be at least 1", max_iterations));
  }
  if (!(gradient_tolerance > 0.0 && gradient_tolerance <= 1e-2)) {
    return Status::invalid(
        fmt::format("DccOptions.gradient_tolerance = {} is outside (0, 1e-2]; the default is 1e-7",
                    gradient_tolerance));
  }
  return Status::ok();
}

Result<double> dcc_correlation_log_likelihood(
    Eigen::Ref<const Eigen::MatrixXd> standardized_residuals, double a, double b,
    Eigen::MatrixXd* next_correlation) {
  if (!(a >= 0.0) || !(b >= 0.0) || !(a + b < 1.0)) {
    return Status::invalid(
        fmt::format("DCC parameters a = {}, b = {} need a, b ≥ 0 and a + b < 1", a, b));
  }
  if (standardized_residuals.rows() < 2 || standardized_residuals.cols() < 1) {
    return Status::invalid("DCC likelihood needs at least 2 rows and 1 column of residuals");
  }
  if (!standardized_residuals.allFinite()) {
    return Status::invalid("DCC likelihood: standardised residuals contain NaN or infinity");
  }
  const Eigen::MatrixXd residuals = standardized_residuals;
  CorrelationLikelihood likelihood(residuals);
  const double value = likelihood(a, b, next_correlation);
  if (!std::isfinite(value)) {
    return Status::numerical(
        "DCC likelihood: a correlation matrix R_t is not positive definite (collinear assets?)");
  }
  return value;
}

Result<DynamicCovariance> forecast_dcc_covariance(Eigen::Ref<const Eigen::MatrixXd> returns,
                                                  const DccOptions& options,
                                                  const std::vector<std::string>& assets) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index t_count = returns.rows();
  const Eigen::Index n = returns.cols();
  if (n < 1) return Status::invalid("DCC: the return matrix has no columns (assets)");
  const estimate_internal::Labels labels{
      .assets = assets.size() == static_cast<std::size_t>(n) ? &assets : nullptr,
      .timestamps = nullptr};
  if (t_count < 20) {
    return Status::invalid(
        fmt::format("DCC needs at least 20 rows of returns, got {}; use a longer window", t_count));
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index t = 0; t < t_count; ++t) {
      if (!std::isfinite(returns(t, j))) {
        return Status::invalid(fmt::format(
            "DCC: return at row {}, {} is {}; drop or fill missing rows (missing-data "
            "policy) before estimating",
            t, labels.asset(j), returns(t, j)));
      }
    }
  }

  DynamicCovariance out;
  out.garch.reserve(static_cast<size_t>(n));
  Eigen::MatrixXd residuals(t_count, n);
  out.next_variance.resize(n);
  double volatility_part = 0.0;
  for (Eigen::Index j = 0; j < n; ++j) {
    Result<GarchFit> fit = fit_garch(returns.col(j), options.garch);
    if (!fit.is_ok()) return fit.status().with_context(fmt::format("DCC step 1, {}", labels.asset(j)));
    if (!fit->is_usable()) {
      out.status = fit->status;
      out.message = fmt::format("GARCH(1,1) for {} did not converge: {}", labels.asset(j), fit->message);
      out.garch.push_back(std::move(fit).value());
      return out;
    }
    for (const std::string& warning : fit->warnings) {
      out.warnings.push_back(fmt::format("GARCH(1,1) of {}: {}", labels.asset(j), warning));
    }
    residuals.col(j) = fit->standardized_residuals;
    out.next_variance[j] = fit->next_variance;
    volatility_part += -0.5 * (static_cast<double>(t_count) * std::log(2.0 * std::numbers::pi) +
                               fit->conditional_variance.array().log().sum() +
                               fit->standardized_residuals.squaredNorm());
    out.garch.push_back(std::move(fit).value());
  }

  CorrelationLikelihood likelihood(residuals);
  const Eigen::VectorXd q_scale = likelihood.q_bar().diagonal().cwiseSqrt().cwiseInverse();
  out.unconditional_correlation = q_scale.asDiagonal() * likelihood.q_bar() * q_scale.asDiagonal();
  out.unconditional_correlation.diagonal().setOnes();
  out.correlation_log_likelihood_ccc = likelihood(0.0, 0.0);
  if (!std::isfinite(out.correlation_log_likelihood_ccc)) {
    out.status = SolveStatus::kNumericalError;
    out.message = "the correlation of the standardised residuals is singular (collinear assets?)";
    return out;
  }
  out.log_likelihood_ccc = volatility_part + out.correlation_log_likelihood_ccc;
  out.correlation = out.unconditional_correlation;
  out.correlation_log_likelihood = out.correlation_log_likelihood_ccc;
  out.status = SolveStatus::kOptimal;
  out.message = "CCC";

  if (options.dynamics == CorrelationDynamics::kDcc && n > 1) {
    const double count = static_cast<double>(t_count);
    auto value = [&](const Eigen::VectorXd& theta) {
      double a = 0.0;
      double b = 0.0;
      to_ab(theta, &a, &b);
      const double ll = likelihood(a, b);
      return std::isfinite(ll) ? -ll / count : kInf;
    };
    detail::Objective objective = [&](const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
      const double f = value(theta);
      if (gradient != nullptr && std::isfinite(f)) {
        *gradient = detail::central_difference_gradient(value, theta, 1e-5);
        out.function_evaluations += 4;
      }
      ++out.function_evaluations;
      return f;
    };
    detail::BfgsOptions bfgs;
    bfgs.max_iterations = options.max_iterations;
    bfgs.gradient_tolerance = options.gradient_tolerance;
    const detail::BfgsSummary run = detail::minimize_bfgs(objective, from_ab(0.05, 0.90), bfgs);
    out.iterations = run.iterations;
    double a = 0.0;
    double b = 0.0;
    to_ab(run.x, &a, &b);
    const double gradient_norm = run.gradient.lpNorm<Eigen::Infinity>();
    SolveStatus status = SolveStatus::kNumericalError;
    if (run.converged()) {
      status = SolveStatus::kOptimal;
      out.message = "DCC converged";
    } else if (run.termination == detail::BfgsTermination::kLineSearchFailed &&
               gradient_norm <= 1e2 * options.gradient_tolerance) {
      // Flat to the accuracy of the finite-difference gradient: converged.
      status = SolveStatus::kOptimal;
      out.message = fmt::format("DCC converged to rounding (‖∇‖∞ = {:.2e})", gradient_norm);
    } else if (run.termination == detail::BfgsTermination::kLineSearchFailed &&
               gradient_norm <= 1e-4) {
      status = SolveStatus::kOptimalInaccurate;
      out.message =
          fmt::format("DCC line search made no progress with ‖∇‖∞ = {:.2e}", gradient_norm);
    } else if (run.termination == detail::BfgsTermination::kIterationLimit) {
      status = SolveStatus::kIterationLimit;
      out.message = fmt::format("DCC iteration limit {} reached with ‖∇‖∞ = {:.2e}",
                                options.max_iterations, gradient_norm);
    } else {
      out.message = fmt::format("DCC optimiser failed with ‖∇‖∞ = {:.2e}", gradient_norm);
    }
    Eigen::MatrixXd next_correlation;
    const double ll = std::isfinite(run.f) ? likelihood(a, b, &next_correlation) : -kInf;
    if (std::isfinite(ll) && ll >= out.correlation_log_likelihood_ccc) {
      out.a = a;
      out.b = b;
      out.correlation = next_correlation;
      out.correlation_log_likelihood = ll;
      out.status = status;
    } else {
      // CCC (a = b = 0) is inside the model and fits at least as well: keep it.
      out.warnings.push_back(
          "the DCC optimum did not improve on constant correlation; reporting a = b = 0 (CCC)");
      out.status = is_usable(status) ? SolveStatus::kOptimal : status;
    }
    if (out.a + out.b > 0.999) {
      out.warnings.push_back(fmt::format(
          "a + b = {:.5f}: correlations are nearly integrated (no mean reversion)", out.a + out.b));
    }
  }
  out.log_likelihood = volatility_part + out.correlation_log_likelihood;
  const Eigen::VectorXd sd = out.next_variance.cwiseSqrt();
  out.covariance = sd.asDiagonal() * out.correlation * sd.asDiagonal();
  return out;
}

}  // namespace keel
