#pragma once
// Univariate GARCH(1,1) with a constant mean, fitted by maximum likelihood (Bollerslev 1986,
// "Generalized autoregressive conditional heteroskedasticity", J. Econometrics 31; Student-t
// innovations: Bollerslev 1987, Rev. Econ. Stat. 69):
//
//   x_t = μ + z_t,   z_t = sqrt(h_t) η_t,   η_t iid N(0,1) or standardised Student-t(ν) (unit
//   variance, ν > 2),   h_t = ω + α z_{t−1}² + β h_{t−1}.
//
// The recursion starts as R's fGarch::garchFit does (its default "mci" initialisation):
// h_1 = ω + (α + β)·mean_t(z_t²) with z_t = x_t − μ, and the likelihood sums over all T
// observations, so log-likelihoods are directly comparable with fGarch's (tests check both against
// fGarch 4022.89 on real BTC and LTC returns).
//
// Constraints hold by reparametrisation: ω = exp(θ_ω); with stationarity enforced
// (α, β) = softmax-like (e^{θ_α}, e^{θ_β}) / (1 + e^{θ_α} + e^{θ_β}) so α, β > 0 and α + β < 1;
// without it α, β ∈ (0, 1) each (fGarch's box, where α + β ≥ 1 is allowed). ν = 2 + (ν_max − 2)
// · logistic(θ_ν). Returns are divided by their sample standard deviation before the fit for
// conditioning (as fGarch's xscale) and every output is reported in the caller's units.
// The optimiser is a BFGS with a strong-Wolfe line search on analytic gradients.

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"

namespace keel {

enum class GarchDistribution {
  kNormal,    // Gaussian innovations (fGarch cond.dist = "norm")
  kStudentT,  // standardised Student-t with ν estimated (fGarch cond.dist = "std")
};

struct GarchOptions {
  // Innovation distribution. Default Gaussian.
  GarchDistribution distribution = GarchDistribution::kNormal;

  // Estimate the constant mean μ (fGarch include.mean = TRUE). When false, μ = 0 exactly.
  bool include_mean = true;

  // Keep α + β < 1 (covariance stationarity: finite unconditional variance, mean-reverting
  // forecasts). When false, α and β are only kept in (0, 1) each, as fGarch's bounds do; heavy-
  // tailed crypto returns with t innovations often have their unconstrained optimum at α + β > 1
  // (then h-step forecasts grow without bound). Default true.
  bool enforce_stationarity = true;

  // Upper bound for the Student-t degrees of freedom ν; the estimate lies in (2, this]. Range
  // (2.5, 1e4]. Default 200 (a t with ν = 200 is indistinguishable from Gaussian in a sample).
  double max_degrees_of_freedom = 200.0;

  // BFGS iteration limit per start (two starts are run, the better one is kept). Range ≥ 1.
  int max_iterations = 500;

  // Convergence: ‖∇‖∞ of the mean negative log-likelihood of the standardised series over the
  // transformed parameters. Range (0, 1e-2]. Default 1e-9.
  double gradient_tolerance = 1e-9;

  // Compute asymptotic standard errors from a finite-difference Hessian of the analytic gradient
  // (as fGarch's default hessian = "ropt"). Costs 2·k extra gradient passes. Default true.
  bool compute_standard_errors = true;

  Status validate() const;
};

struct GarchParameters {
  double mu = 0.0;     // constant mean, return units per period
  double omega = 0.0;  // variance intercept, (return units)² per period
  double alpha = 0.0;  // ARCH coefficient
  double beta = 0.0;   // GARCH coefficient
  // Student-t degrees of freedom; +infinity for Gaussian innovations.
  double nu = std::numeric_limits<double>::infinity();

  double persistence() const { return alpha + beta; }
  // ω / (1 − α − β); +infinity when α + β ≥ 1.
  double unconditional_variance() const;
};

struct GarchFit {
  SolveStatus status = SolveStatus::kNumericalError;
  GarchDistribution distribution = GarchDistribution::kNormal;
  GarchParameters parameters;
  // Asymptotic standard errors (inverse observed information); NaN when not computed or when the
  // Hessian is not positive definite. `nu` is NaN for Gaussian fits.
  GarchParameters standard_errors{
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::quiet_NaN()};
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();  // in the caller's units
  Eigen::VectorXd conditional_variance;                              // h_1 … h_T
  Eigen::VectorXd standardized_residuals;                            // (x_t − μ) / sqrt(h_t)
  double next_variance = std::numeric_limits<double>::quiet_NaN();   // h_{T+1}
  int iterations = 0;            // BFGS iterations of the kept start
  int function_evaluations = 0;  // likelihood evaluations over all starts
  double gradient_norm = std::numeric_limits<double>::quiet_NaN();  // final ‖∇‖∞ (see options)
  std::string message;                                              // how the optimiser stopped
  std::vector<std::string> warnings;  // e.g. "α + β = 1.02 ≥ 1: forecasts do not revert"

  bool is_usable() const { return keel::is_usable(status); }

  // σ²_{T+h} = ω Σ_{i=0}^{h−2} (α+β)^i + (α+β)^{h−1} σ²_{T+1}, h ≥ 1 periods ahead.
  double forecast_variance(int horizon) const;
  // σ²_{T+1} … σ²_{T+horizon}.
  Eigen::VectorXd forecast_variance_path(int horizon) const;
};

// Fits GARCH(1,1) to a return series (T ≥ 20 finite values, not constant). Call errors: NaN or
// infinite returns (the message names the row), too few observations, invalid options. An
// optimiser that fails to converge yields a fit whose status says so (kIterationLimit,
// kOptimalInaccurate or kNumericalError), never a call error.
Result<GarchFit> fit_garch(Eigen::Ref<const Eigen::VectorXd> returns,
                           const GarchOptions& options = {});

// The log-likelihood of `returns` at given parameters with the same initialisation as fit_garch;
// optionally the conditional variances. For checks against other software.
Result<double> garch_log_likelihood(Eigen::Ref<const Eigen::VectorXd> returns,
                                    const GarchParameters& parameters,
                                    GarchDistribution distribution,
                                    Eigen::VectorXd* conditional_variance = nullptr);

}  // namespace keel
