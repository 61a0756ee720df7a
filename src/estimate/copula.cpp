#include "keel/estimate/copula.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <numeric>

#include "keel/core/random.hpp"
#include "keel/estimate/distributions.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string_view family_name(CopulaFamily family) {
  switch (family) {
    case CopulaFamily::kGaussian:
      return "Gaussian";
    case CopulaFamily::kStudentT:
      return "Student-t";
    case CopulaFamily::kClayton:
      return "Clayton";
    case CopulaFamily::kGumbel:
      return "Gumbel";
  }
  return "unknown";
}

bool elliptical(CopulaFamily family) {
  return family == CopulaFamily::kGaussian || family == CopulaFamily::kStudentT;
}

// Number of inversions in v (pairs i < j with v[i] > v[j]), sorting v; O(T log T).
std::int64_t count_inversions(std::vector<double>* v, std::vector<double>* buffer, size_t lo,
                              size_t hi) {
  if (hi - lo < 2) return 0;
  const size_t mid = lo + (hi - lo) / 2;
  std::int64_t count = count_inversions(v, buffer, lo, mid) + count_inversions(v, buffer, mid, hi);
  size_t i = lo;
  size_t j = mid;
  size_t k = lo;
  while (i < mid && j < hi) {
    if ((*v)[j] < (*v)[i]) {
      count += static_cast<std::int64_t>(mid - i);
      (*buffer)[k++] = (*v)[j++];
    } else {
      (*buffer)[k++] = (*v)[i++];
    }
  }
  while (i < mid) (*buffer)[k++] = (*v)[i++];
  while (j < hi) (*buffer)[k++] = (*v)[j++];
  std::copy(buffer->begin() + static_cast<std::ptrdiff_t>(lo),
            buffer->begin() + static_cast<std::ptrdiff_t>(hi),
            v->begin() + static_cast<std::ptrdiff_t>(lo));
  return count;
}

// Σ over runs of equal values of t(t − 1)/2, for a sorted sequence.
template <typename Equal>
std::int64_t tied_pairs(size_t n, Equal equal) {
  std::int64_t total = 0;
  size_t run = 1;
  for (size_t i = 1; i <= n; ++i) {
    if (i < n && equal(i - 1, i)) {
      ++run;
    } else {
      total += static_cast<std::int64_t>(run) * static_cast<std::int64_t>(run - 1) / 2;
      run = 1;
    }
  }
  return total;
}

Status check_matrix(Eigen::Ref<const Eigen::MatrixXd> data, std::string_view what) {
  for (Eigen::Index j = 0; j < data.cols(); ++j) {
    for (Eigen::Index t = 0; t < data.rows(); ++t) {
      if (!std::isfinite(data(t, j))) {
        return Status::invalid(fmt::format(
            "{}: value at row {}, column {} is {}; drop or fill missing rows before fitting", what,
            t, j, data(t, j)));
      }
    }
  }
  return Status::ok();
}

Result<Eigen::LLT<Eigen::MatrixXd>> cholesky(Eigen::Ref<const Eigen::MatrixXd> correlation,
                                             Eigen::Index n, std::string_view what) {
  if (correlation.rows() != n || correlation.cols() != n) {
    return Status::invalid(fmt::format("{}: correlation is {}×{}, expected {}×{}", what,
                                       correlation.rows(), correlation.cols(), n, n));
  }
  Eigen::LLT<Eigen::MatrixXd> llt(correlation);
  if (llt.info() != Eigen::Success) {
    return Status::invalid(fmt::format(
        "{}: the correlation matrix is not positive definite; repair it (eigenvalue floor) first",
        what));
  }
  return llt;
}

double t_copula_log_likelihood(const Eigen::MatrixXd& u, const Eigen::LLT<Eigen::MatrixXd>& llt,
                               double nu) {
  const Eigen::Index t_count = u.rows();
  const Eigen::Index n = u.cols();
  const double dim = static_cast<double>(n);
  double log_det = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) log_det += 2.0 * std::log(llt.matrixLLT()(i, i));
  const double joint_constant = std::lgamma(0.5 * (nu + dim)) - std::lgamma(0.5 * nu) -
                                0.5 * dim * std::log(nu * std::numbers::pi) - 0.5 * log_det;
  const double margin_constant =
      std::lgamma(0.5 * (nu + 1.0)) - std::lgamma(0.5 * nu) - 0.5 * std::log(nu * std::numbers::pi);
  Eigen::VectorXd x(n);
  double total = 0.0;
  for (Eigen::Index t = 0; t < t_count; ++t) {
    double margins = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      x[i] = student_t_quantile(u(t, i), nu);
      margins += margin_constant - 0.5 * (nu + 1.0) * std::log1p(x[i] * x[i] / nu);
    }
    llt.matrixL().solveInPlace(x);
    total += joint_constant - 0.5 * (nu + dim) * std::log1p(x.squaredNorm() / nu) - margins;
  }
  return total;
}

// Brent's minimiser without derivatives on [a, b] (Brent 1973, Algorithms for Minimization
// without Derivatives, ch. 5).
double brent_minimize(const std::function<double(double)>& f, double a, double b, double tol,
                      int* evaluations) {
  const double golden = 0.5 * (3.0 - std::sqrt(5.0));
  const double sqrt_eps = std::sqrt(std::numeric_limits<double>::epsilon());
  double x = a + golden * (b - a);
  double w = x;
  double v = x;
  double fx = f(x);
  ++*evaluations;
  double fw = fx;
  double fv = fx;
  double d = 0.0;
  double e = 0.0;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double m = 0.5 * (a + b);
    const double tol1 = sqrt_eps * std::abs(x) + tol / 3.0;
    const double tol2 = 2.0 * tol1;
    if (std::abs(x - m) <= tol2 - 0.5 * (b - a)) break;
    double p = 0.0;
    double q = 0.0;
    double r = 0.0;
    if (std::abs(e) > tol1) {
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = 2.0 * (q - r);
      if (q > 0.0) {
        p = -p;
      } else {
        q = -q;
      }
      r = e;
      e = d;
    }
    if (std::abs(p) < std::abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
      d = p / q;
      const double u = x + d;
      if (u - a < tol2 || b - u < tol2) d = x < m ? tol1 : -tol1;
    } else {
      e = (x < m ? b : a) - x;
      d = golden * e;
    }
    const double u = x + (std::abs(d) >= tol1 ? d : (d > 0.0 ? tol1 : -tol1));
    const double fu = f(u);
    ++*evaluations;
    if (fu <= fx) {
      if (u < x) {
        b = x;
      } else {
        a = x;
      }
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) {
        a = u;
      } else {
        b = u;
      }
      if (fu <= fw || w == x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u;
        fv = fu;
      }
    }
  }
  return x;
}

// Empirical quantile per the pseudo-observation map k / (T + 1) ↦ k-th order statistic.
double empirical_quantile(const std::vector<double>& sorted, double u) {
  const double position = u * static_cast<double>(sorted.size() + 1);
  if (position <= 1.0) return sorted.front();
  if (position >= static_cast<double>(sorted.size())) return sorted.back();
  const auto k = static_cast<size_t>(position);  // 1 ≤ k < T
  const double w = position - static_cast<double>(k);
  return (1.0 - w) * sorted[k - 1] + w * sorted[k];
}

}  // namespace

Status CopulaOptions::validate() const {
  if (!(eigenvalue_floor >= 1e-12 && eigenvalue_floor < 0.5)) {
    return Status::invalid(fmt::format(
        "CopulaOptions.eigenvalue_floor = {} is outside [1e-12, 0.5); the default is 1e-6",
        eigenvalue_floor));
  }
  if (!(min_degrees_of_freedom >= 0.5 && min_degrees_of_freedom < max_degrees_of_freedom &&
        max_degrees_of_freedom <= 1e4)) {
    return Status::invalid(fmt::format(
        "CopulaOptions degrees-of-freedom interval [{}, {}] must satisfy 0.5 ≤ min < max ≤ 1e4; "
        "the default is [1, 200]",
        min_degrees_of_freedom, max_degrees_of_freedom));
  }
  if (!(degrees_of_freedom_tolerance > 0.0 && degrees_of_freedom_tolerance <= 1e-2)) {
    return Status::invalid(
        fmt::format("CopulaOptions.degrees_of_freedom_tolerance = {} is outside (0, 1e-2]",
                    degrees_of_freedom_tolerance));
  }
  return Status::ok();
}

double elliptical_correlation_from_tau(double tau) {
  return std::sin(0.5 * std::numbers::pi * tau);
}
double clayton_theta_from_tau(double tau) { return 2.0 * tau / (1.0 - tau); }
double clayton_tau_from_theta(double theta) { return theta / (theta + 2.0); }
double gumbel_theta_from_tau(double tau) { return 1.0 / (1.0 - tau); }
double gumbel_tau_from_theta(double theta) { return 1.0 - 1.0 / theta; }

double student_t_tail_dependence(double rho, double nu) {
  if (rho >= 1.0) return 1.0;
  return 2.0 * student_t_cdf(-std::sqrt((nu + 1.0) * (1.0 - rho) / (1.0 + rho)), nu + 1.0);
}
double clayton_lower_tail_dependence(double theta) {
  return theta > 0.0 ? std::pow(2.0, -1.0 / theta) : 0.0;
}
double gumbel_upper_tail_dependence(double theta) { return 2.0 - std::pow(2.0, 1.0 / theta); }

Eigen::MatrixXd pseudo_observations(Eigen::Ref<const Eigen::MatrixXd> data) {
  const Eigen::Index t_count = data.rows();
  Eigen::MatrixXd u(t_count, data.cols());
  std::vector<Eigen::Index> order(static_cast<size_t>(t_count));
  for (Eigen::Index j = 0; j < data.cols(); ++j) {
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::sort(order.begin(), order.end(),
              [&](Eigen::Index a, Eigen::Index b) { return data(a, j) < data(b, j); });
    size_t start = 0;
    while (start < order.size()) {
      size_t end = start + 1;
      while (end < order.size() && data(order[end], j) == data(order[start], j)) ++end;
      // Ranks start + 1 … end share their average.
      const double rank = 0.5 * static_cast<double>(start + 1 + end);
      for (size_t k = start; k < end; ++k) {
        u(order[k], j) = rank / static_cast<double>(t_count + 1);
      }
      start = end;
    }
  }
  return u;
}

double kendall_tau(Eigen::Ref<const Eigen::VectorXd> x, Eigen::Ref<const Eigen::VectorXd> y) {
  const auto n = static_cast<size_t>(x.size());
  if (n < 2 || y.size() != x.size()) return kNaN;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  const auto xi = [&](size_t k) { return x[static_cast<Eigen::Index>(k)]; };
  const auto yi = [&](size_t k) { return y[static_cast<Eigen::Index>(k)]; };
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return xi(a) < xi(b) || (xi(a) == xi(b) && yi(a) < yi(b)); });
  const std::int64_t x_ties =
      tied_pairs(n, [&](size_t i, size_t j) { return xi(order[i]) == xi(order[j]); });
  const std::int64_t joint_ties = tied_pairs(n, [&](size_t i, size_t j) {
    return xi(order[i]) == xi(order[j]) && yi(order[i]) == yi(order[j]);
  });
  std::vector<double> ys(n);
  for (size_t k = 0; k < n; ++k) ys[k] = yi(order[k]);
  std::vector<double> buffer(n);
  const std::int64_t discordant = count_inversions(&ys, &buffer, 0, n);
  const std::int64_t y_ties = tied_pairs(n, [&](size_t i, size_t j) { return ys[i] == ys[j]; });
  const auto total = static_cast<std::int64_t>(n) * static_cast<std::int64_t>(n - 1) / 2;
  if (x_ties == total || y_ties == total) return kNaN;
  const double numerator =
      static_cast<double>(total - x_ties - y_ties + joint_ties - 2 * discordant);
  return numerator / std::sqrt(static_cast<double>(total - x_ties)) /
         std::sqrt(static_cast<double>(total - y_ties));
}

Eigen::MatrixXd kendall_tau_matrix(Eigen::Ref<const Eigen::MatrixXd> data) {
  const Eigen::Index n = data.cols();
  Eigen::MatrixXd tau = Eigen::MatrixXd::Identity(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i + 1; j < n; ++j) {
      tau(i, j) = tau(j, i) = kendall_tau(data.col(i), data.col(j));
    }
  }
  return tau;
}

Result<double> gaussian_copula_log_likelihood(Eigen::Ref<const Eigen::MatrixXd> u,
                                              Eigen::Ref<const Eigen::MatrixXd> correlation) {
  Result<Eigen::LLT<Eigen::MatrixXd>> llt =
      cholesky(correlation, u.cols(), "Gaussian copula likelihood");
  if (!llt.is_ok()) return llt.status();
  double log_det = 0.0;
  for (Eigen::Index i = 0; i < u.cols(); ++i) log_det += 2.0 * std::log(llt->matrixLLT()(i, i));
  Eigen::VectorXd x(u.cols());
  double total = 0.0;
  for (Eigen::Index t = 0; t < u.rows(); ++t) {
    for (Eigen::Index i = 0; i < u.cols(); ++i) x[i] = normal_quantile(u(t, i));
    const double plain = x.squaredNorm();
    llt->matrixL().solveInPlace(x);
    total += -0.5 * (log_det + x.squaredNorm() - plain);
  }
  if (!std::isfinite(total)) {
    return Status::invalid("Gaussian copula likelihood: pseudo-observations must lie in (0, 1)");
  }
  return total;
}

Result<double> student_t_copula_log_likelihood(Eigen::Ref<const Eigen::MatrixXd> u,
                                               Eigen::Ref<const Eigen::MatrixXd> correlation,
                                               double nu) {
  if (!(nu > 0.0)) {
    return Status::invalid(fmt::format("t copula likelihood: ν = {} must be positive", nu));
  }
  Result<Eigen::LLT<Eigen::MatrixXd>> llt = cholesky(correlation, u.cols(), "t copula likelihood");
  if (!llt.is_ok()) return llt.status();
  const double total = t_copula_log_likelihood(u, *llt, nu);
  if (!std::isfinite(total)) {
    return Status::invalid("t copula likelihood: pseudo-observations must lie in (0, 1)");
  }
  return total;
}

Result<CopulaFit> fit_copula(Eigen::Ref<const Eigen::MatrixXd> returns,
                             const CopulaOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index t_count = returns.rows();
  const Eigen::Index n = returns.cols();
  const std::string_view name = family_name(options.family);
  if (n < 2) {
    return Status::invalid(
        fmt::format("{} copula needs at least 2 columns (assets), got {}", name, n));
  }
  if (!elliptical(options.family) && n != 2) {
    return Status::invalid(fmt::format(
        "{} copula is fitted for exactly 2 assets, got {}; use the Gaussian or Student-t copula "
        "for more",
        name, n));
  }
  if (t_count < 10) {
    return Status::invalid(fmt::format("{} copula needs at least 10 rows, got {}", name, t_count));
  }
  KEEL_RETURN_IF_ERROR(check_matrix(returns, fmt::format("{} copula", name)));

  CopulaFit fit;
  fit.family = options.family;
  fit.observations = static_cast<int>(t_count);
  fit.kendall_tau = kendall_tau_matrix(returns);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i + 1; j < n; ++j) {
      if (std::isnan(fit.kendall_tau(i, j))) {
        return Status::invalid(fmt::format(
            "{} copula: column {} or {} is constant, so Kendall's tau is undefined; drop it", name,
            i, j));
      }
    }
  }
  fit.lower_tail_dependence = Eigen::MatrixXd::Identity(n, n);
  fit.upper_tail_dependence = Eigen::MatrixXd::Identity(n, n);

  if (!elliptical(options.family)) {
    const double tau = fit.kendall_tau(0, 1);
    if (options.family == CopulaFamily::kClayton) {
      if (!(tau > 0.0)) {
        return Status::invalid(
            fmt::format("Clayton copula by tau inversion needs positive dependence, but Kendall's "
                        "tau = {:.4f}; "
                        "use the Gaussian or Student-t copula",
                        tau));
      }
      fit.theta = clayton_theta_from_tau(tau);
      fit.lower_tail_dependence(0, 1) = fit.lower_tail_dependence(1, 0) =
          clayton_lower_tail_dependence(fit.theta);
      fit.upper_tail_dependence(0, 1) = fit.upper_tail_dependence(1, 0) = 0.0;
    } else {
      if (!(tau >= 0.0)) {
        return Status::invalid(fmt::format(
            "Gumbel copula by tau inversion needs non-negative dependence, but Kendall's tau = "
            "{:.4f}; use the Gaussian or Student-t copula",
            tau));
      }
      fit.theta = gumbel_theta_from_tau(tau);
      fit.upper_tail_dependence(0, 1) = fit.upper_tail_dependence(1, 0) =
          gumbel_upper_tail_dependence(fit.theta);
      fit.lower_tail_dependence(0, 1) = fit.lower_tail_dependence(1, 0) = 0.0;
    }
    return fit;
  }

  Eigen::MatrixXd rho = fit.kendall_tau.unaryExpr(&elliptical_correlation_from_tau);
  rho.diagonal().setOnes();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(rho);
  fit.min_eigenvalue_before_repair = eigen.eigenvalues().minCoeff();
  if (fit.min_eigenvalue_before_repair < options.eigenvalue_floor) {
    const Eigen::VectorXd floored = eigen.eigenvalues().cwiseMax(options.eigenvalue_floor);
    Eigen::MatrixXd repaired =
        eigen.eigenvectors() * floored.asDiagonal() * eigen.eigenvectors().transpose();
    const Eigen::VectorXd s = repaired.diagonal().cwiseSqrt().cwiseInverse();
    repaired = s.asDiagonal() * repaired * s.asDiagonal();
    repaired.diagonal().setOnes();
    fit.repairs.push_back(fmt::format(
        "tau-implied correlation had minimum eigenvalue {:.3e} < floor {:.1e}: eigenvalues "
        "floored and rescaled to unit diagonal (largest entry change {:.3e})",
        fit.min_eigenvalue_before_repair, options.eigenvalue_floor,
        (repaired - rho).cwiseAbs().maxCoeff()));
    rho = repaired;
  }
  fit.correlation = rho;
  const Eigen::MatrixXd u = pseudo_observations(returns);
  if (options.family == CopulaFamily::kGaussian) {
    Result<double> ll = gaussian_copula_log_likelihood(u, rho);
    if (!ll.is_ok()) return ll.status();
    fit.log_likelihood = *ll;
    fit.lower_tail_dependence.setIdentity();
    fit.upper_tail_dependence.setIdentity();
    return fit;
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(rho);
  if (llt.info() != Eigen::Success) {
    return Status::numerical("t copula: the repaired correlation is not positive definite");
  }
  const auto negative = [&](double log_nu) {
    return -t_copula_log_likelihood(u, llt, std::exp(log_nu));
  };
  const double log_nu = brent_minimize(
      negative, std::log(options.min_degrees_of_freedom), std::log(options.max_degrees_of_freedom),
      options.degrees_of_freedom_tolerance, &fit.likelihood_evaluations);
  fit.degrees_of_freedom = std::exp(log_nu);
  fit.log_likelihood = t_copula_log_likelihood(u, llt, fit.degrees_of_freedom);
  if (fit.degrees_of_freedom > 0.99 * options.max_degrees_of_freedom) {
    fit.warnings.push_back(fmt::format(
        "ν = {:.1f} is at the upper search bound {}: no evidence of tail dependence; the Gaussian "
        "copula is the simpler model",
        fit.degrees_of_freedom, options.max_degrees_of_freedom));
  } else if (fit.degrees_of_freedom < 1.01 * options.min_degrees_of_freedom) {
    fit.warnings.push_back(fmt::format("ν = {:.3f} is at the lower search bound {}",
                                       fit.degrees_of_freedom, options.min_degrees_of_freedom));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      if (i == j) continue;
      fit.lower_tail_dependence(i, j) =
          student_t_tail_dependence(rho(i, j), fit.degrees_of_freedom);
    }
  }
  fit.upper_tail_dependence = fit.lower_tail_dependence;
  return fit;
}

Result<Eigen::MatrixXd> sample_copula(const CopulaFit& fit, int scenarios, std::uint64_t seed) {
  if (scenarios < 1) {
    return Status::invalid(
        fmt::format("copula sampling: scenarios = {} must be at least 1", scenarios));
  }
  const Eigen::Index n = fit.dimension();
  if (n < 2) return Status::invalid("copula sampling: the fit is empty; call fit_copula first");
  Random rng(seed);
  Eigen::MatrixXd u(scenarios, n);
  if (elliptical(fit.family)) {
    const Eigen::LLT<Eigen::MatrixXd> llt(fit.correlation);
    if (fit.correlation.rows() != n || llt.info() != Eigen::Success) {
      return Status::invalid(
          "copula sampling: the fit's correlation is not positive definite; refit with an "
          "eigenvalue floor");
    }
    const Eigen::MatrixXd l = llt.matrixL();
    const double nu = fit.degrees_of_freedom;
    if (fit.family == CopulaFamily::kStudentT && !(nu > 0.0)) {
      return Status::invalid("copula sampling: the t copula fit has no degrees of freedom");
    }
    Eigen::VectorXd eta(n);
    for (int s = 0; s < scenarios; ++s) {
      for (Eigen::Index i = 0; i < n; ++i) eta[i] = rng.normal();
      const Eigen::VectorXd z = l * eta;
      if (fit.family == CopulaFamily::kGaussian) {
        for (Eigen::Index i = 0; i < n; ++i) u(s, i) = normal_cdf(z[i]);
      } else {
        const double mix = std::sqrt(rng.chi_square(nu) / nu);
        for (Eigen::Index i = 0; i < n; ++i) u(s, i) = student_t_cdf(z[i] / mix, nu);
      }
    }
    return u;
  }
  // Marshall & Olkin (1988, JASA 83): U_i = ψ(E_i / V), V with Laplace transform ψ.
  const double theta = fit.theta;
  if (fit.family == CopulaFamily::kClayton) {
    if (!(theta > 0.0)) return Status::invalid("copula sampling: Clayton θ must be positive");
    for (int s = 0; s < scenarios; ++s) {
      const double v = rng.gamma(1.0 / theta);  // ψ(t) = (1 + t)^{−1/θ}
      for (Eigen::Index i = 0; i < n; ++i) {
        u(s, i) = std::pow(1.0 + rng.exponential() / v, -1.0 / theta);
      }
    }
    return u;
  }
  if (!(theta >= 1.0)) return Status::invalid("copula sampling: Gumbel θ must be at least 1");
  const double a = 1.0 / theta;  // ψ(t) = exp(−t^{1/θ}); V positive stable with index 1/θ
  for (int s = 0; s < scenarios; ++s) {
    double v = 1.0;
    if (a < 1.0) {
      // Kanter (1975) / Chambers, Mallows & Stuck (1976) representation.
      const double angle = std::numbers::pi * rng.uniform();
      const double w = rng.exponential();
      v = std::sin(a * angle) / std::pow(std::sin(angle), 1.0 / a) *
          std::pow(std::sin((1.0 - a) * angle) / w, (1.0 - a) / a);
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      u(s, i) = std::exp(-std::pow(rng.exponential() / v, a));
    }
  }
  return u;
}

Result<Eigen::MatrixXd> sample_scenarios(const CopulaFit& fit,
                                         Eigen::Ref<const Eigen::MatrixXd> returns, int scenarios,
                                         std::uint64_t seed) {
  if (returns.cols() != fit.dimension()) {
    return Status::invalid(fmt::format(
        "copula scenarios: returns have {} columns but the copula has {}; pass the matrix the "
        "copula was fitted to",
        returns.cols(), fit.dimension()));
  }
  if (returns.rows() < 2) return Status::invalid("copula scenarios: need at least 2 return rows");
  KEEL_RETURN_IF_ERROR(check_matrix(returns, "copula scenarios"));
  Result<Eigen::MatrixXd> u = sample_copula(fit, scenarios, seed);
  if (!u.is_ok()) return u.status();
  Eigen::MatrixXd out(scenarios, returns.cols());
  std::vector<double> sorted(static_cast<size_t>(returns.rows()));
  for (Eigen::Index j = 0; j < returns.cols(); ++j) {
    for (Eigen::Index t = 0; t < returns.rows(); ++t)
      sorted[static_cast<size_t>(t)] = returns(t, j);
    std::sort(sorted.begin(), sorted.end());
    for (int s = 0; s < scenarios; ++s) out(s, j) = empirical_quantile(sorted, (*u)(s, j));
  }
  return out;
}

}  // namespace keel
