#include "keel/estimate/covariance.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <thread>
#include <utility>

#include "estimate/returns_checks.hpp"
#include "keel/core/name_table.hpp"
#include "keel/estimate/correlation.hpp"
#include "keel/estimate/dcc.hpp"

namespace keel {
namespace {

using estimate_internal::Labels;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr NameTable<CovarianceMethod, 12> kMethodNames{{
    {CovarianceMethod::kSample, "sample"},
    {CovarianceMethod::kEwma, "ewma"},
    {CovarianceMethod::kSemicovariance, "semicovariance"},
    {CovarianceMethod::kLedoitWolf, "ledoit-wolf"},
    {CovarianceMethod::kLedoitWolfConstantCorrelation, "ledoit-wolf-constant-correlation"},
    {CovarianceMethod::kLedoitWolfSingleFactor, "ledoit-wolf-single-factor"},
    {CovarianceMethod::kOas, "oas"},
    {CovarianceMethod::kNonlinearShrinkage, "nonlinear-shrinkage"},
    {CovarianceMethod::kDenoised, "denoised"},
    {CovarianceMethod::kGarchDcc, "garch-dcc"},
    {CovarianceMethod::kFactor, "factor"},
    {CovarianceMethod::kFactorPca, "factor-pca"},
}};

Eigen::MatrixXd centred(Eigen::Ref<const Eigen::MatrixXd> x) {
  const Eigen::RowVectorXd mean = x.colwise().mean();
  return x.rowwise() - mean;
}

// Whether gram() splits its product over two threads: asked for, at least two cores, and large
// enough (≥ 2·10⁷ multiply-adds) for the thread start to be noise.
bool split_gram(const Eigen::MatrixXd& x, int threads) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  const int allowed = threads == 0 ? cores : std::min(threads, std::max(cores, 1));
  return allowed >= 2 && x.cols() >= 64 &&
         static_cast<double>(x.cols()) * static_cast<double>(x.cols()) *
                 static_cast<double>(x.rows()) >=
             2e7;
}

// scale · XᵀX through the symmetric rank-k update (half the flops of a GEMM), mirrored to a full
// matrix. Split over two threads (split_gram), the columns are halved [X₁ X₂]: a worker forms the
// cross block X₂ᵀX₁ (a GEMM) while this thread forms X₁ᵀX₁ and X₂ᵀX₂ (two rank-k updates) — equal
// work on each side. Each entry is still one dot product over the rows.
Eigen::MatrixXd gram(const Eigen::MatrixXd& x, double scale, int threads = 1) {
  const Eigen::Index n = x.cols();
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(n, n);
  if (!split_gram(x, threads)) {
    s.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose(), scale);
  } else {
    const Eigen::Index h = n / 2;
    std::thread worker([&] {
      s.bottomLeftCorner(n - h, h).noalias() =
          scale * (x.rightCols(n - h).transpose() * x.leftCols(h));
    });
    s.topLeftCorner(h, h).selfadjointView<Eigen::Lower>().rankUpdate(x.leftCols(h).transpose(),
                                                                     scale);
    s.bottomRightCorner(n - h, n - h)
        .selfadjointView<Eigen::Lower>()
        .rankUpdate(x.rightCols(n - h).transpose(), scale);
    worker.join();
  }
  for (Eigen::Index j = 1; j < n; ++j) {
    for (Eigen::Index i = 0; i < j; ++i) s(i, j) = s(j, i);
  }
  return s;
}

void fill_spectrum_from_eigenvalues(const Eigen::VectorXd& eigenvalues,
                                    CovarianceDiagnostics& diagnostics) {
  const double lo = eigenvalues.minCoeff();
  const double hi = eigenvalues.maxCoeff();
  const double tol = std::abs(hi) * static_cast<double>(eigenvalues.size()) *
                     std::numeric_limits<double>::epsilon();
  diagnostics.min_eigenvalue = lo;
  diagnostics.condition_number = lo > tol ? hi / lo : std::numeric_limits<double>::infinity();
  diagnostics.rank = static_cast<int>((eigenvalues.array() > tol).count());
}

void fill_spectrum(const Eigen::MatrixXd& covariance, CovarianceDiagnostics& diagnostics) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance, Eigen::EigenvaluesOnly);
  fill_spectrum_from_eigenvalues(solver.eigenvalues(), diagnostics);
}

Result<Eigen::MatrixXd> sample_full(Eigen::Ref<const Eigen::MatrixXd> x, int threads = 1) {
  return gram(centred(x), 1.0 / static_cast<double>(x.rows() - 1), threads);
}

// Columns i and j over the rows where both are observed (pandas' pairwise convention): the
// overlap's row count and the sums Σab, Σa², Σb² of the deviations a, b from the overlap's means.
struct PairOverlap {
  int count = 0;
  double sxy = 0.0;
  double sxx = 0.0;
  double syy = 0.0;
};
PairOverlap pair_overlap(Eigen::Ref<const Eigen::MatrixXd> x,
                         const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>& observed,
                         Eigen::Index i, Eigen::Index j) {
  PairOverlap o;
  double sum_i = 0.0, sum_j = 0.0;
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    if (observed(t, i) && observed(t, j)) {
      sum_i += x(t, i);
      sum_j += x(t, j);
      ++o.count;
    }
  }
  if (o.count == 0) return o;
  const double mean_i = sum_i / o.count, mean_j = sum_j / o.count;
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    if (!(observed(t, i) && observed(t, j))) continue;
    const double a = x(t, i) - mean_i, b = x(t, j) - mean_j;
    o.sxy += a * b;
    o.sxx += a * a;
    o.syy += b * b;
  }
  return o;
}

// pandas DataFrame.cov(): every pair over the rows where both are observed.
Result<Eigen::MatrixXd> sample_pairwise(Eigen::Ref<const Eigen::MatrixXd> x, int min_periods,
                                        const Labels& labels, int& min_overlap) {
  const Eigen::Index t_rows = x.rows();
  const Eigen::Index n = x.cols();
  Eigen::MatrixXd s(n, n);
  min_overlap = static_cast<int>(t_rows);
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> observed = x.array().isFinite();
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = j; i < n; ++i) {
      const PairOverlap o = pair_overlap(x, observed, i, j);
      if (o.count < min_periods) {
        return Status::invalid(fmt::format(
            "sample covariance (pairwise): {} and {} overlap on {} rows, fewer than the {} "
            "required; drop one of them (drop-assets policy) or shorten the window",
            labels.asset(i), labels.asset(j), o.count, min_periods));
      }
      s(i, j) = s(j, i) = o.sxy / (o.count - 1);
      min_overlap = std::min(min_overlap, o.count);
    }
  }
  return s;
}

double ewma_decay(const CovarianceOptions& o) {
  if (std::isfinite(o.ewma_lambda)) return o.ewma_lambda;
  if (std::isfinite(o.ewma_half_life)) return std::pow(0.5, 1.0 / o.ewma_half_life);
  return 1.0 - 2.0 / (o.ewma_span + 1.0);
}

Eigen::MatrixXd ewma_covariance(Eigen::Ref<const Eigen::MatrixXd> x, const CovarianceOptions& o) {
  const Eigen::Index t_rows = x.rows();
  const double lambda = ewma_decay(o);
  Eigen::VectorXd w(t_rows);
  const double log_lambda = std::log(lambda);
  for (Eigen::Index t = 0; t < t_rows; ++t) {
    w(t) = std::exp(static_cast<double>(t_rows - 1 - t) * log_lambda);
  }
  const double sum_w = w.sum();
  Eigen::RowVectorXd mean;
  switch (o.ewma_centering) {
    case EwmaCentering::kEwmaMean:
      mean = (w.transpose() * x) / sum_w;
      break;
    case EwmaCentering::kSampleMean:
      mean = x.colwise().mean();
      break;
    case EwmaCentering::kNone:
      mean = Eigen::RowVectorXd::Zero(x.cols());
      break;
  }
  Eigen::MatrixXd weighted = x.rowwise() - mean;
  weighted.array().colwise() *= (w.array() / sum_w).sqrt();
  Eigen::MatrixXd s = gram(weighted, 1.0);
  if (o.ewma_unbiased) {
    const double sum_w2 = w.squaredNorm();
    s *= sum_w * sum_w / (sum_w * sum_w - sum_w2);
  }
  return s;
}

Eigen::MatrixXd semicovariance(Eigen::Ref<const Eigen::MatrixXd> x, double benchmark, int threads) {
  const Eigen::MatrixXd drops = (x.array() - benchmark).min(0.0).matrix();
  return gram(drops, 1.0 / static_cast<double>(x.rows()), threads);
}

// scikit-learn ledoit_wolf_shrinkage / ledoit_wolf with assume_centered=False.
std::pair<Eigen::MatrixXd, double> ledoit_wolf(Eigen::Ref<const Eigen::MatrixXd> x, int threads) {
  const Eigen::MatrixXd xc = centred(x);
  const double t = static_cast<double>(x.rows());
  const double p = static_cast<double>(x.cols());
  Eigen::MatrixXd s = gram(xc, 1.0 / t, threads);
  if (x.cols() == 1) return {std::move(s), 0.0};
  const double mu = s.trace() / p;
  // Σ_ij (X²ᵀX²)_ij = Σ_t (Σ_i x_ti²)², computed in O(TN) instead of a GEMM.
  const double beta_sum = xc.rowwise().squaredNorm().squaredNorm();
  const double delta_sum = s.squaredNorm();
  double beta = (beta_sum / t - delta_sum) / (p * t);
  const double delta = (delta_sum - 2.0 * mu * s.trace() + p * mu * mu) / p;
  beta = std::min(beta, delta);
  const double shrinkage = beta == 0.0 ? 0.0 : beta / delta;
  s *= 1.0 - shrinkage;
  s.diagonal().array() += shrinkage * mu;
  return {std::move(s), shrinkage};
}

// scikit-learn oas with assume_centered=False.
std::pair<Eigen::MatrixXd, double> oas(Eigen::Ref<const Eigen::MatrixXd> x, int threads) {
  const double t = static_cast<double>(x.rows());
  const double p = static_cast<double>(x.cols());
  Eigen::MatrixXd s = gram(centred(x), 1.0 / t, threads);
  if (x.cols() == 1) return {std::move(s), 0.0};
  const double mu = s.trace() / p;
  const double alpha = s.squaredNorm() / (p * p);
  const double num = alpha + mu * mu;
  const double den = (t + 1.0) * (alpha - mu * mu / p);
  const double shrinkage = den == 0.0 ? 1.0 : std::min(num / den, 1.0);
  s *= 1.0 - shrinkage;
  s.diagonal().array() += shrinkage * mu;
  return {std::move(s), shrinkage};
}

Status check_positive_variances(const Eigen::MatrixXd& s, std::string_view method,
                                const Labels& labels) {
  for (Eigen::Index i = 0; i < s.rows(); ++i) {
    if (!(s(i, i) > 0.0)) {
      return Status::invalid(
          fmt::format("{}: {} has zero variance (constant returns); drop it before estimating",
                      method, labels.asset(i)));
    }
  }
  return Status::ok();
}

// Ledoit & Wolf (2004) "Honey, I shrunk the sample covariance matrix", covCor.m.
Result<std::pair<Eigen::MatrixXd, double>> ledoit_wolf_constant_correlation(
    Eigen::Ref<const Eigen::MatrixXd> x, const Labels& labels) {
  const Eigen::MatrixXd y = centred(x);
  const double t = static_cast<double>(x.rows());
  const Eigen::Index n = x.cols();
  Eigen::MatrixXd sample = gram(y, 1.0 / t);
  KEEL_RETURN_IF_ERROR(
      check_positive_variances(sample, "ledoit-wolf-constant-correlation", labels));
  if (n == 1) return std::pair{std::move(sample), 0.0};
  const Eigen::VectorXd var = sample.diagonal();
  const Eigen::VectorXd sd = var.cwiseSqrt();
  const Eigen::VectorXd inv_sd = sd.cwiseInverse();
  const double nd = static_cast<double>(n);
  const Eigen::MatrixXd corr = inv_sd.asDiagonal() * sample * inv_sd.asDiagonal();
  const double r_bar = (corr.sum() - nd) / (nd * (nd - 1.0));
  Eigen::MatrixXd target = r_bar * sd * sd.transpose();
  target.diagonal() = var;

  const Eigen::MatrixXd y2 = y.array().square().matrix();
  const Eigen::MatrixXd sample2 = gram(y2, 1.0 / t);
  const Eigen::MatrixXd pi_mat = sample2 - sample.array().square().matrix();
  const double pi_hat = pi_mat.sum();
  const double gamma_hat = (sample - target).squaredNorm();
  const double rho_diag = pi_mat.trace();
  const Eigen::MatrixXd y3 = y.array().cube().matrix();
  Eigen::MatrixXd theta = (y3.transpose() * y) / t;
  theta -= var.asDiagonal() * sample;
  theta.diagonal().setZero();
  // Σ_{i≠j} (sd_j / sd_i) θ_ij
  const double rho_off = r_bar * (inv_sd.asDiagonal() * theta * sd.asDiagonal()).sum();
  const double rho_hat = rho_diag + rho_off;
  double shrinkage = 0.0;
  if (gamma_hat > 0.0) {
    const double kappa = (pi_hat - rho_hat) / gamma_hat;
    shrinkage = std::max(0.0, std::min(1.0, kappa / t));
  }
  Eigen::MatrixXd out = shrinkage * target + (1.0 - shrinkage) * sample;
  return std::pair{std::move(out), shrinkage};
}

// Ledoit & Wolf (2003) single-index target, covMarket.m.
Result<std::pair<Eigen::MatrixXd, double>> ledoit_wolf_single_factor(
    Eigen::Ref<const Eigen::MatrixXd> raw, const Labels& labels) {
  const Eigen::MatrixXd x = centred(raw);
  const double t = static_cast<double>(raw.rows());
  const Eigen::Index n = raw.cols();
  const Eigen::VectorXd market_raw = x.rowwise().mean();
  const Eigen::VectorXd market = market_raw.array() - market_raw.mean();
  // cov([x xmkt]) · (t−1)/t: the T-divided covariance of the (re-)centred columns.
  const Eigen::MatrixXd xc = centred(x);
  Eigen::MatrixXd sample = gram(xc, 1.0 / t);
  KEEL_RETURN_IF_ERROR(check_positive_variances(sample, "ledoit-wolf-single-factor", labels));
  const Eigen::VectorXd cov_mkt = (xc.transpose() * market) / t;
  const double var_mkt = market.squaredNorm() / t;
  if (!(var_mkt > 0.0)) {
    return Status::invalid(
        "ledoit-wolf-single-factor: the equal-weighted market has zero variance; use "
        "ledoit-wolf or ledoit-wolf-constant-correlation");
  }
  Eigen::MatrixXd prior = cov_mkt * cov_mkt.transpose() / var_mkt;
  prior.diagonal() = sample.diagonal();
  if (n == 1) return std::pair{std::move(sample), 0.0};

  const double c = (sample - prior).squaredNorm();
  // covMarket.m uses x (centred once) and xmkt = mean(x')' in the π and ρ terms.
  const Eigen::MatrixXd y = x.array().square().matrix();
  const double p_hat = y.rowwise().sum().squaredNorm() / t - sample.squaredNorm();
  const double r_diag = y.squaredNorm() / t - sample.diagonal().squaredNorm();
  const Eigen::MatrixXd z = x.array().colwise() * market_raw.array();
  const Eigen::MatrixXd v1 = (y.transpose() * z) / t - cov_mkt.asDiagonal() * sample;
  const double r_off1 = ((v1 * cov_mkt).sum() - v1.diagonal().dot(cov_mkt)) / var_mkt;
  const Eigen::MatrixXd v3 = gram(z, 1.0 / t) - var_mkt * sample;
  const double r_off3 =
      (cov_mkt.dot(v3 * cov_mkt) - v3.diagonal().dot(cov_mkt.array().square().matrix())) /
      (var_mkt * var_mkt);
  const double r_hat = r_diag + 2.0 * r_off1 - r_off3;
  double shrinkage = 0.0;
  if (c > 0.0) shrinkage = std::max(0.0, std::min(1.0, (p_hat - r_hat) / c / t));
  Eigen::MatrixXd out = shrinkage * prior + (1.0 - shrinkage) * sample;
  return std::pair{std::move(out), shrinkage};
}

// The Hilbert transform of the Epanechnikov kernel (Ledoit & Wolf 2020, the Hftemp line
// of analytical_shrinkage.m): g(x) = −3x/(10π) + 3/(4√5π) (1 − x²/5) log|(√5 − x)/(√5 + x)|.
// For |x| ≫ √5 the two terms are O(x) and cancel to O(1/x), so the published expression loses
// about 2·log10|x| digits (all of them for the widely spread spectra of crypto panels, where a
// stablecoin's eigenvalue is 1e-7 of the largest). There we use the exact expansion
// with u = √5/x: g(x) = −3/(√5π) Σ_{k≥0} u^(2k+1) / ((2k+1)(2k+3)).
double epanechnikov_hilbert(double x) {
  const double sqrt5 = std::sqrt(5.0);
  const double pi = std::numbers::pi;
  if (std::abs(x) >= 20.0) {
    const double u = sqrt5 / x;
    const double u2 = u * u;
    double term = u, sum = 0.0;
    for (int k = 0; k < 14; ++k) {
      sum += term / static_cast<double>((2 * k + 1) * (2 * k + 3));
      term *= u2;
    }
    return -3.0 / (sqrt5 * pi) * sum;
  }
  double g = (-3.0 / 10.0 / pi) * x;
  if (std::abs(x) != sqrt5) {
    g += (3.0 / 4.0 / sqrt5 / pi) * (1.0 - x * x / 5.0) *
         std::log(std::abs((sqrt5 - x) / (sqrt5 + x)));
  }
  return g;
}

// Ledoit & Wolf (2020), analytical_shrinkage.m with demeaning (effective n = T − 1).
Result<Eigen::MatrixXd> nonlinear_shrinkage(Eigen::Ref<const Eigen::MatrixXd> x,
                                            CovarianceDiagnostics& diagnostics,
                                            bool compute_spectrum) {
  const Eigen::Index big_n = x.rows();
  const Eigen::Index p = x.cols();
  const Eigen::Index n = big_n - 1;
  if (n < 12) {
    return Status::invalid(fmt::format(
        "nonlinear-shrinkage: needs at least 13 return rows (effective sample size T − 1 ≥ 12 for "
        "the kernel bandwidth), got {}; use ledoit-wolf or a longer history",
        big_n));
  }
  const double nd = static_cast<double>(n);
  const double pd = static_cast<double>(p);
  Eigen::MatrixXd sample = gram(centred(x), 1.0 / nd);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(sample);
  if (solver.info() != Eigen::Success) {
    return Status::numerical("nonlinear-shrinkage: the eigen decomposition did not converge");
  }
  const Eigen::VectorXd& all = solver.eigenvalues();  // ascending
  const Eigen::Index m = std::min(p, n);
  const Eigen::VectorXd lambda = all.tail(m);
  if (!(lambda(0) > 0.0)) {
    return Status::numerical(fmt::format(
        "nonlinear-shrinkage: the sample covariance has {} zero eigenvalues among the {} that "
        "should be positive (collinear or constant returns); drop redundant assets",
        (lambda.array() <= 0.0).count(), m));
  }
  const double h = std::pow(nd, -1.0 / 3.0);
  const double sqrt5 = std::sqrt(5.0);
  const double pi = std::numbers::pi;
  Eigen::VectorXd f_tilde(m), hf_tilde(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    double f_acc = 0.0, hf_acc = 0.0;
    for (Eigen::Index j = 0; j < m; ++j) {
      const double hj = h * lambda(j);
      const double xij = (lambda(i) - lambda(j)) / hj;
      f_acc += std::max(1.0 - xij * xij / 5.0, 0.0) / hj;
      hf_acc += epanechnikov_hilbert(xij) / hj;
    }
    f_tilde(i) = (3.0 / 4.0 / sqrt5) * f_acc / static_cast<double>(m);
    hf_tilde(i) = hf_acc / static_cast<double>(m);
  }
  Eigen::VectorXd d_tilde(p);
  if (p <= n) {
    const double c = pd / nd;
    for (Eigen::Index i = 0; i < p; ++i) {
      const double a = pi * c * lambda(i) * f_tilde(i);
      const double b = 1.0 - c - pi * c * lambda(i) * hf_tilde(i);
      d_tilde(i) = lambda(i) / (a * a + b * b);
    }
  } else {
    const double hf0 =
        (1.0 / pi) *
        (3.0 / 10.0 / (h * h) + 3.0 / 4.0 / sqrt5 / h * (1.0 - 1.0 / 5.0 / (h * h)) *
                                    std::log((1.0 + sqrt5 * h) / (1.0 - sqrt5 * h))) *
        lambda.cwiseInverse().mean();
    const double d0 = 1.0 / (pi * (pd - nd) / nd * hf0);
    d_tilde.head(p - n).setConstant(d0);
    for (Eigen::Index i = 0; i < m; ++i) {
      d_tilde(p - n + i) = lambda(i) / (pi * pi * lambda(i) * lambda(i) *
                                        (f_tilde(i) * f_tilde(i) + hf_tilde(i) * hf_tilde(i)));
    }
  }
  const Eigen::MatrixXd& u = solver.eigenvectors();
  Eigen::MatrixXd scaled = u * d_tilde.cwiseSqrt().asDiagonal();
  Eigen::MatrixXd out = gram(scaled.transpose(), 1.0);
  if (compute_spectrum) fill_spectrum_from_eigenvalues(d_tilde, diagnostics);
  return out;
}

double mp_sse(double variance, const Eigen::VectorXd& eigenvalues, double q,
              const DenoiseOptions& o) {
  const double r = std::sqrt(1.0 / q);
  const double e_min = variance * (1.0 - r) * (1.0 - r);
  const double e_max = variance * (1.0 + r) * (1.0 + r);
  const double b = o.bandwidth;
  const double norm =
      1.0 / (static_cast<double>(eigenvalues.size()) * b * std::sqrt(2.0 * std::numbers::pi));
  double sse = 0.0;
  for (int k = 0; k < o.points; ++k) {
    const double e = e_min + (e_max - e_min) * static_cast<double>(k) / (o.points - 1);
    if (!(e > 0.0)) continue;
    const double pdf = q / (2.0 * std::numbers::pi * variance * e) *
                       std::sqrt(std::max((e_max - e) * (e - e_min), 0.0));
    double kde = 0.0;
    for (Eigen::Index i = 0; i < eigenvalues.size(); ++i) {
      const double z = (e - eigenvalues(i)) / b;
      kde += std::exp(-0.5 * z * z);
    }
    kde *= norm;
    sse += (kde - pdf) * (kde - pdf);
  }
  return sse;
}

// The factor returns of the `factor` method, one row per asset-return row.
Result<Eigen::MatrixXd> factor_rows(Eigen::Ref<const Eigen::MatrixXd> x, const ReturnSeries& series,
                                    const Labels& labels) {
  if (series.values.size() == 0) return Eigen::MatrixXd(x.rowwise().mean());
  if (labels.timestamps == nullptr || series.timestamps.empty()) {
    if (series.values.rows() != x.rows()) {
      return Status::invalid(fmt::format(
          "factor: {} rows of factor returns for {} rows of asset returns and no dates to align "
          "them by",
          series.values.rows(), x.rows()));
    }
    return Eigen::MatrixXd(series.values);
  }
  const auto& dates = *labels.timestamps;
  Eigen::MatrixXd out(x.rows(), series.values.cols());
  std::size_t found = 0;
  Eigen::Index first_missing = -1;
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    const auto it = std::lower_bound(series.timestamps.begin(), series.timestamps.end(),
                                     dates[static_cast<std::size_t>(t)]);
    if (it != series.timestamps.end() && *it == dates[static_cast<std::size_t>(t)]) {
      out.row(t) = series.values.row(it - series.timestamps.begin());
      ++found;
    } else if (first_missing < 0) {
      first_missing = t;
    }
  }
  if (first_missing >= 0) {
    return Status::invalid(fmt::format(
        "factor: the factor series covers {} of the {} return dates (first missing: {}); give "
        "factor returns for every date of the prices, or narrow the prices with --start/--end",
        found, x.rows(), labels.row(first_missing)));
  }
  return out;
}

Result<Eigen::MatrixXd> denoised(Eigen::Ref<const Eigen::MatrixXd> x, const DenoiseOptions& o,
                                 const Labels& labels, CovarianceDiagnostics& diagnostics) {
  const auto sample = sample_full(x);
  if (!sample) return sample.status();
  KEEL_RETURN_IF_ERROR(check_positive_variances(*sample, "denoised", labels));
  const Eigen::Index n = x.cols();
  if (o.detone && o.detone_components >= n) {
    return Status::invalid(
        fmt::format("denoised: detone_components {} must be below the number of assets {}",
                    o.detone_components, n));
  }
  const Eigen::VectorXd vol = sample->diagonal().cwiseSqrt();
  const Eigen::VectorXd inv = vol.cwiseInverse();
  const Eigen::MatrixXd corr = inv.asDiagonal() * *sample * inv.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(corr);
  const Eigen::VectorXd values = solver.eigenvalues().reverse();
  const Eigen::MatrixXd vectors = solver.eigenvectors().rowwise().reverse();
  const double q = static_cast<double>(x.rows()) / static_cast<double>(n);
  const MarchenkoPasturFit fit = fit_marchenko_pastur(values, q, o);
  const int factors = static_cast<int>((values.array() > fit.edge).count());
  diagnostics.factors = factors;
  diagnostics.marchenko_pastur_edge = fit.edge;
  diagnostics.marchenko_pastur_variance = fit.variance;
  if (factors == n) {
    diagnostics.warnings.push_back(
        "denoised: every correlation eigenvalue lies above the Marchenko–Pastur edge, nothing to "
        "denoise; the sample covariance is returned");
  } else if (factors == 0) {
    diagnostics.warnings.push_back(
        "denoised: no correlation eigenvalue lies above the Marchenko–Pastur edge; the "
        "correlation becomes the identity");
  }
  const Eigen::VectorXd cleaned = constant_residual_eigenvalues(values, factors);
  Eigen::MatrixXd c1 = vectors * cleaned.asDiagonal() * vectors.transpose();
  Eigen::VectorXd d = c1.diagonal().cwiseSqrt().cwiseInverse();
  c1 = d.asDiagonal() * c1 * d.asDiagonal();
  if (o.detone) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> second(c1);
    const Eigen::Index k = o.detone_components;
    const Eigen::MatrixXd top = second.eigenvectors().rightCols(k);
    const Eigen::VectorXd top_values = second.eigenvalues().tail(k);
    c1 -= top * top_values.asDiagonal() * top.transpose();
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!(c1(i, i) > 0.0)) {
        return Status::numerical(fmt::format(
            "denoised: {} is fully explained by the removed market component(s); detoning is "
            "undefined, lower detone_components or disable detoning",
            labels.asset(i)));
      }
    }
    d = c1.diagonal().cwiseSqrt().cwiseInverse();
    c1 = d.asDiagonal() * c1 * d.asDiagonal();
    diagnostics.warnings.push_back(fmt::format(
        "denoised: detoned ({} market component(s) removed); the matrix is singular, use it for "
        "clustering rather than inversion",
        k));
  }
  c1.diagonal().setOnes();
  Eigen::MatrixXd out = vol.asDiagonal() * c1 * vol.asDiagonal();
  out = 0.5 * (out + out.transpose());
  return out;
}

// The judgment the shrinkage formulas lack (docs/estimation.md): an intensity above the threshold
// means the data hardly inform the estimate (or one extreme return inflates the estimated error),
// and a scaled-identity target (ledoit-wolf, oas) gives every asset the average variance, which
// destroys books whose variances differ by orders of magnitude (stablecoins next to small caps).
void add_shrinkage_warnings(Eigen::Ref<const Eigen::MatrixXd> x, CovarianceEstimate& est,
                            const CovarianceOptions& o, const Labels& labels) {
  auto& diag = est.diagnostics;
  if (!std::isfinite(diag.shrinkage)) return;
  const std::string_view name = to_string(o.method);
  if (diag.shrinkage > o.shrinkage_warning_threshold) {
    diag.warnings.push_back(fmt::format(
        "{}: shrinkage intensity {:.3f} is above {}: the estimate is mostly the target, not the "
        "data (too few observations for the assets, or extreme returns; see --clean-returns)",
        name, diag.shrinkage, o.shrinkage_warning_threshold));
  }
  if (o.method != CovarianceMethod::kLedoitWolf && o.method != CovarianceMethod::kOas) return;
  // Sample variances (T-divided, as the shrinkage formulas use) against the shrunk ones.
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const double t = static_cast<double>(x.rows());
  Eigen::Index worst = -1;
  double worst_ratio = 1.0;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double sample = (x.col(j).array() - mean(j)).square().sum() / t;
    const double shrunk = est.covariance(j, j);
    if (!(sample > 0.0) || !(shrunk > 0.0)) continue;
    const double ratio = std::sqrt(shrunk / sample);
    if (std::abs(std::log(ratio)) > std::abs(std::log(worst_ratio))) {
      worst_ratio = ratio;
      worst = j;
    }
  }
  if (worst >= 0 && std::abs(std::log(worst_ratio)) > std::log(o.volatility_change_warning)) {
    diag.warnings.push_back(fmt::format(
        "{}: the scaled-identity target gives every asset the average variance, which changes {} "
        "volatility by a factor {:.3g}; with variances this different use "
        "ledoit-wolf-constant-correlation (keeps each asset's own variance)",
        name, labels.asset(worst), worst_ratio));
  }
}

Result<CovarianceEstimate> estimate_impl(Eigen::Ref<const Eigen::MatrixXd> x,
                                         const CovarianceOptions& o, const Labels& labels) {
  KEEL_RETURN_IF_ERROR(o.validate());
  const std::string_view name = to_string(o.method);
  KEEL_RETURN_IF_ERROR(estimate_internal::check_shape(x, 2, name, labels));
  if (o.max_assets > 0 && x.cols() > o.max_assets) {
    const double gib = 8.0 * static_cast<double>(x.cols()) * static_cast<double>(x.cols()) /
                       (1024.0 * 1024.0 * 1024.0);
    return Status::invalid(fmt::format(
        "{}: {} assets is above the limit of {} for a dense covariance (one {} × {} copy alone "
        "takes {:.2f} GiB, and the estimate holds several); narrow the assets (--assets, "
        "--missing drop-assets:F); docs/limits.md has the sizes measured",
        name, x.cols(), o.max_assets, x.cols(), x.cols(), gib));
  }
  const bool pairwise = o.method == CovarianceMethod::kSample && o.pairwise;
  if (pairwise) {
    KEEL_RETURN_IF_ERROR(estimate_internal::check_no_infinity(x, name, labels));
  } else {
    KEEL_RETURN_IF_ERROR(estimate_internal::check_finite(x, name, labels));
  }
  CovarianceEstimate est;
  est.method = o.method;
  auto& diag = est.diagnostics;
  diag.observations = static_cast<int>(x.rows());
  bool spectrum_done = false;
  switch (o.method) {
    case CovarianceMethod::kSample: {
      if (pairwise) {
        int overlap = 0;
        auto s = sample_pairwise(x, o.pairwise_min_periods, labels, overlap);
        if (!s) return s.status();
        diag.observations = overlap;
        auto repaired = repair_psd(*s, o.pairwise_repair);
        if (!repaired) return repaired.status();
        est.covariance = std::move(repaired->matrix);
        if (!repaired->repair.empty())
          diag.repairs.push_back("sample (pairwise): " + repaired->repair);
        if (!repaired->warning.empty()) diag.warnings.push_back(repaired->warning);
      } else {
        auto s = sample_full(x, o.threads);
        if (!s) return s.status();
        est.covariance = std::move(*s);
      }
      if (x.rows() - 1 < x.cols()) {
        diag.warnings.push_back(fmt::format(
            "sample: {} observations for {} assets, so the covariance is singular (rank at most "
            "{}); use a shrinkage estimator (ledoit-wolf, oas, nonlinear-shrinkage)",
            x.rows(), x.cols(), x.rows() - 1));
      }
      break;
    }
    case CovarianceMethod::kEwma:
      est.covariance = ewma_covariance(x, o);
      break;
    case CovarianceMethod::kSemicovariance:
      est.covariance = semicovariance(x, o.semicovariance_benchmark, o.threads);
      break;
    case CovarianceMethod::kLedoitWolf: {
      auto [s, k] = ledoit_wolf(x, o.threads);
      est.covariance = std::move(s);
      diag.shrinkage = k;
      break;
    }
    case CovarianceMethod::kOas: {
      auto [s, k] = oas(x, o.threads);
      est.covariance = std::move(s);
      diag.shrinkage = k;
      break;
    }
    case CovarianceMethod::kLedoitWolfConstantCorrelation: {
      auto r = ledoit_wolf_constant_correlation(x, labels);
      if (!r) return r.status();
      est.covariance = std::move(r->first);
      diag.shrinkage = r->second;
      break;
    }
    case CovarianceMethod::kLedoitWolfSingleFactor: {
      auto r = ledoit_wolf_single_factor(x, labels);
      if (!r) return r.status();
      est.covariance = std::move(r->first);
      diag.shrinkage = r->second;
      break;
    }
    case CovarianceMethod::kNonlinearShrinkage: {
      auto r = nonlinear_shrinkage(x, diag, o.compute_spectrum);
      if (!r) return r.status();
      est.covariance = std::move(*r);
      spectrum_done = o.compute_spectrum;
      break;
    }
    case CovarianceMethod::kDenoised: {
      auto r = denoised(x, o.denoise, labels, diag);
      if (!r) return r.status();
      est.covariance = std::move(*r);
      break;
    }
    case CovarianceMethod::kGarchDcc: {
      // The next-period forecast H_{T+1} of GARCH(1,1) margins and DCC(1,1) correlations.
      auto r = forecast_dcc_covariance(
          x, o.dcc, labels.assets != nullptr ? *labels.assets : std::vector<std::string>{});
      if (!r) return r.status();
      if (!r->is_usable()) {
        return Status::numerical("garch-dcc: " + r->message +
                                 "; try another covariance estimator or a longer window");
      }
      est.covariance = std::move(r->covariance);
      diag.warnings.insert(diag.warnings.end(), r->warnings.begin(), r->warnings.end());
      diag.warnings.push_back(
          fmt::format("garch-dcc: a = {:.4g}, b = {:.4g}, log-likelihood {:.6g} (CCC {:.6g})", r->a,
                      r->b, r->log_likelihood, r->log_likelihood_ccc));
      break;
    }
    case CovarianceMethod::kFactor: {
      auto factors = factor_rows(x, o.factor.series, labels);
      if (!factors) return factors.status();
      auto names = o.factor.series.assets;
      if (o.factor.series.values.size() == 0) names = {"market"};
      auto model = fit_factor_model(x, *factors, names);
      if (!model) return model.status().with_context("factor");
      est.factor_model = std::move(*model);
      est.covariance = est.factor_model.covariance();
      diag.factors = static_cast<int>(est.factor_model.factors.size());
      break;
    }
    case CovarianceMethod::kFactorPca: {
      auto model = fit_pca_factor_model(x, o.factor.pca_factors, o.denoise);
      if (!model) return model.status();
      est.factor_model = std::move(*model);
      est.covariance = est.factor_model.covariance();
      diag.factors = static_cast<int>(est.factor_model.factors.size());
      diag.marchenko_pastur_edge = est.factor_model.marchenko_pastur_edge;
      if (diag.factors == 0) {
        diag.warnings.push_back(
            "factor-pca: no correlation eigenvalue lies above the Marchenko–Pastur edge; the "
            "covariance is diagonal (the sample variances)");
      }
      break;
    }
  }
  add_shrinkage_warnings(x, est, o, labels);
  if (o.compute_spectrum && !spectrum_done) fill_spectrum(est.covariance, diag);
  if (o.compute_spectrum) {
    const double tol = o.psd_relative_tolerance *
                       std::max(est.covariance.diagonal().maxCoeff(), 1e-300) *
                       static_cast<double>(est.covariance.rows());
    if (diag.min_eigenvalue < -tol) {
      diag.warnings.push_back(fmt::format(
          "{}: the covariance is not positive semidefinite (min eigenvalue {:.6g}); apply a PSD "
          "repair (--psd-repair spectral|clip|higham)",
          name, diag.min_eigenvalue));
    }
    if (!pairwise && o.method == CovarianceMethod::kSample && diag.rank < x.cols() &&
        x.rows() - 1 >= x.cols()) {
      diag.warnings.push_back(fmt::format(
          "sample: the covariance has rank {} < {} assets (collinear or constant returns); use a "
          "shrinkage estimator",
          diag.rank, x.cols()));
    }
  }
  return est;
}

}  // namespace

std::string_view to_string(CovarianceMethod method) { return name_of(kMethodNames, method); }

Result<CovarianceMethod> parse_covariance_method(std::string_view name) {
  return parse_name(kMethodNames, name, "covariance method");
}

Status CovarianceOptions::validate() const {
  if (threads < 0) return Status::invalid("covariance: threads must be ≥ 0 (0 = every core)");
  if (max_assets < 0) return Status::invalid("covariance: max_assets must be ≥ 0 (0 = no limit)");
  if (pairwise && method != CovarianceMethod::kSample) {
    return Status::invalid(fmt::format(
        "covariance: pairwise = true is only supported by the sample method, not '{}'; choose a "
        "missing-data policy (drop-rows, ffill:N) instead",
        to_string(method)));
  }
  if (pairwise_min_periods < 2) {
    return Status::invalid(fmt::format(
        "covariance: pairwise_min_periods {} must be ≥ 2 (a covariance needs two points)",
        pairwise_min_periods));
  }
  KEEL_RETURN_IF_ERROR(pairwise_repair.validate());
  if (pairwise_repair.method != PsdRepair::kNone && !pairwise) {
    return Status::invalid(
        "covariance: pairwise_repair is only applied to the pairwise sample covariance; set "
        "pairwise = true or leave the repair at none");
  }
  if (method == CovarianceMethod::kEwma) {
    const int set = static_cast<int>(std::isfinite(ewma_span)) +
                    static_cast<int>(std::isfinite(ewma_half_life)) +
                    static_cast<int>(std::isfinite(ewma_lambda));
    if (set != 1) {
      return Status::invalid(fmt::format(
          "ewma: set exactly one of ewma_span, ewma_half_life and ewma_lambda ({} set); e.g. "
          "ewma_lambda = 0.94 (RiskMetrics daily)",
          set));
    }
    if (std::isfinite(ewma_span) && !(ewma_span >= 1.0)) {
      return Status::invalid(fmt::format("ewma: ewma_span {} must be ≥ 1", ewma_span));
    }
    if (std::isfinite(ewma_half_life) && !(ewma_half_life > 0.0)) {
      return Status::invalid(fmt::format("ewma: ewma_half_life {} must be > 0", ewma_half_life));
    }
    if (std::isfinite(ewma_lambda) && !(ewma_lambda > 0.0 && ewma_lambda < 1.0)) {
      return Status::invalid(
          fmt::format("ewma: ewma_lambda {} must be in (0, 1), e.g. 0.94", ewma_lambda));
    }
    if (ewma_span == 1.0) {
      return Status::invalid(
          "ewma: ewma_span = 1 puts all weight on the last row (λ = 0); use a span above 1");
    }
  }
  if (factor.pca_factors < 0) {
    return Status::invalid(
        fmt::format("factor-pca: pca_factors {} must be ≥ 0 (0 = the Marchenko–Pastur rule)",
                    factor.pca_factors));
  }
  if (!std::isfinite(semicovariance_benchmark)) {
    return Status::invalid("semicovariance: semicovariance_benchmark must be finite");
  }
  if (method == CovarianceMethod::kDenoised) {
    if (!(denoise.bandwidth > 0.0 && denoise.bandwidth <= 1.0)) {
      return Status::invalid(
          fmt::format("denoised: bandwidth {} must be in (0, 1]", denoise.bandwidth));
    }
    if (denoise.points < 10 || denoise.points > 100000) {
      return Status::invalid(
          fmt::format("denoised: points {} must be in [10, 100000]", denoise.points));
    }
    if (denoise.detone && denoise.detone_components < 1) {
      return Status::invalid(
          fmt::format("denoised: detone_components {} must be ≥ 1", denoise.detone_components));
    }
  }
  if (!(shrinkage_warning_threshold >= 0.0 && shrinkage_warning_threshold <= 1.0)) {
    return Status::invalid(
        fmt::format("covariance: shrinkage_warning_threshold {} must be in [0, 1]",
                    shrinkage_warning_threshold));
  }
  if (!(volatility_change_warning > 1.0)) {
    return Status::invalid(fmt::format("covariance: volatility_change_warning {} must be > 1",
                                       volatility_change_warning));
  }
  if (!(psd_relative_tolerance >= 0.0 && psd_relative_tolerance < 1.0)) {
    return Status::invalid(fmt::format("covariance: psd_relative_tolerance {} must be in [0, 1)",
                                       psd_relative_tolerance));
  }
  return Status::ok();
}

Result<CovarianceEstimate> estimate_covariance(Eigen::Ref<const Eigen::MatrixXd> returns,
                                               const CovarianceOptions& options) {
  return estimate_impl(returns, options, Labels{});
}

Result<CovarianceEstimate> estimate_covariance(const ReturnSeries& returns,
                                               const CovarianceOptions& options) {
  Labels labels{&returns.assets,
                returns.timestamps.size() == static_cast<std::size_t>(returns.values.rows())
                    ? &returns.timestamps
                    : nullptr};
  return estimate_impl(returns.values, options, labels);
}

Result<CorrelationFromCovariance> covariance_to_correlation(
    Eigen::Ref<const Eigen::MatrixXd> covariance, const CorrelationOptions& options) {
  if (covariance.rows() == 0 || covariance.rows() != covariance.cols()) {
    return Status::invalid(
        fmt::format("correlation: expected a non-empty square matrix, got {} × {}",
                    covariance.rows(), covariance.cols()));
  }
  if (options.zero_variance == ZeroVariancePolicy::kError) {
    KEEL_RETURN_IF_ERROR(check_positive_variances(covariance, "correlation", Labels{}));
  }
  const Eigen::Index n = covariance.rows();
  CorrelationFromCovariance out;
  Eigen::VectorXd inv(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double v = covariance(i, i);
    if (v > 0.0 && std::isfinite(v)) {
      inv(i) = 1.0 / std::sqrt(v);
    } else {
      inv(i) = 0.0;
      out.zero_variance_assets.push_back(i);
    }
  }
  out.correlation = inv.asDiagonal() * covariance * inv.asDiagonal();
  for (const Eigen::Index i : out.zero_variance_assets) {
    out.correlation.row(i).setZero();
    out.correlation.col(i).setZero();
  }
  // Rounding can carry |ρ| a few ulps past 1; NaN entries stay NaN.
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) {
      out.correlation(i, j) = std::clamp(out.correlation(i, j), -1.0, 1.0);
    }
  }
  out.correlation.diagonal().setOnes();
  return out;
}

Result<Eigen::MatrixXd> covariance_to_correlation(Eigen::Ref<const Eigen::MatrixXd> covariance) {
  auto result = covariance_to_correlation(covariance, CorrelationOptions{});
  if (!result) return result.status();
  return std::move(result->correlation);
}

namespace {

Result<Eigen::MatrixXd> pairwise_correlation_impl(Eigen::Ref<const Eigen::MatrixXd> x,
                                                  int min_periods, const Labels& labels) {
  if (min_periods < 2) {
    return Status::invalid(fmt::format(
        "pairwise correlation: min_periods {} must be ≥ 2 (a correlation needs two points)",
        min_periods));
  }
  KEEL_RETURN_IF_ERROR(estimate_internal::check_shape(x, 2, "pairwise correlation", labels));
  KEEL_RETURN_IF_ERROR(estimate_internal::check_no_infinity(x, "pairwise correlation", labels));
  const Eigen::Index n = x.cols();
  const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> observed = x.array().isFinite();
  Eigen::MatrixXd corr = Eigen::MatrixXd::Identity(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = j; i < n; ++i) {
      // Means, spreads and co-spread over this pair's overlap only (pandas nancorr).
      const auto [count, sxy, sxx, syy] = pair_overlap(x, observed, i, j);
      if (count < min_periods) {
        return Status::invalid(fmt::format(
            "pairwise correlation: {} and {} overlap on {} rows, fewer than the {} required; drop "
            "one of them (drop-assets policy) or lengthen the window",
            labels.asset(i), labels.asset(j), count, min_periods));
      }
      if (!(sxx > 0.0 && syy > 0.0)) {
        return Status::invalid(fmt::format(
            "pairwise correlation: {} is constant on the {} rows it shares with {}, so their "
            "correlation is undefined; drop the constant asset",
            labels.asset(sxx > 0.0 ? j : i), count, labels.asset(sxx > 0.0 ? i : j)));
      }
      if (i != j) corr(i, j) = corr(j, i) = std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
    }
  }
  return corr;
}

}  // namespace

Result<Eigen::MatrixXd> pairwise_correlation(Eigen::Ref<const Eigen::MatrixXd> returns,
                                             int min_periods) {
  return pairwise_correlation_impl(returns, min_periods, Labels{});
}

Result<Eigen::MatrixXd> pairwise_correlation(const ReturnSeries& returns, int min_periods) {
  Labels labels{&returns.assets,
                returns.timestamps.size() == static_cast<std::size_t>(returns.values.rows())
                    ? &returns.timestamps
                    : nullptr};
  return pairwise_correlation_impl(returns.values, min_periods, labels);
}

Eigen::VectorXd constant_residual_eigenvalues(const Eigen::VectorXd& eigenvalues, int factors) {
  Eigen::VectorXd out = eigenvalues;
  const Eigen::Index n = eigenvalues.size();
  const Eigen::Index k = std::clamp<Eigen::Index>(factors, 0, n);
  if (k < n) out.tail(n - k).setConstant(eigenvalues.tail(n - k).mean());
  return out;
}

MarchenkoPasturFit fit_marchenko_pastur(const Eigen::VectorXd& eigenvalues, double q,
                                        const DenoiseOptions& options) {
  constexpr double kLo = 1e-5, kHi = 1.0 - 1e-5;
  constexpr int kGrid = 60;
  double best = kLo, best_sse = std::numeric_limits<double>::infinity();
  int best_k = 0;
  for (int k = 0; k < kGrid; ++k) {
    const double v = kLo + (kHi - kLo) * k / (kGrid - 1);
    const double sse = mp_sse(v, eigenvalues, q, options);
    if (sse < best_sse) {
      best_sse = sse;
      best = v;
      best_k = k;
    }
  }
  double a = kLo + (kHi - kLo) * std::max(best_k - 1, 0) / (kGrid - 1);
  double b = kLo + (kHi - kLo) * std::min(best_k + 1, kGrid - 1) / (kGrid - 1);
  const double golden = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - golden * (b - a), d = a + golden * (b - a);
  double fc = mp_sse(c, eigenvalues, q, options), fd = mp_sse(d, eigenvalues, q, options);
  while (b - a > 1e-9) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - golden * (b - a);
      fc = mp_sse(c, eigenvalues, q, options);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + golden * (b - a);
      fd = mp_sse(d, eigenvalues, q, options);
    }
  }
  const double refined = 0.5 * (a + b);
  const double variance = mp_sse(refined, eigenvalues, q, options) <= best_sse ? refined : best;
  const double r = 1.0 + std::sqrt(1.0 / q);
  return {variance, variance * r * r};
}

}  // namespace keel
