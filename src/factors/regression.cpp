#include "keel/factors/regression.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <vector>

#include "keel/core/name_table.hpp"
#include "keel/estimate/factor_covariance.hpp"

namespace keel {
namespace {

constexpr NameTable<RegressionMethod, 3> kNames{{
    {RegressionMethod::kOls, "ols"},
    {RegressionMethod::kWls, "wls"},
    {RegressionMethod::kHuber, "huber"},
}};

// Φ⁻¹(3/4), the MAD-to-σ constant under normal errors.
constexpr double kMadConstant = 0.6744897501960817;

double median_abs(const Eigen::VectorXd& e) {
  std::vector<double> a(static_cast<std::size_t>(e.size()));
  for (Eigen::Index i = 0; i < e.size(); ++i) a[static_cast<std::size_t>(i)] = std::abs(e(i));
  const std::size_t n = a.size();
  const std::size_t mid = n / 2;
  std::nth_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(mid), a.end());
  double m = a[mid];
  if (n % 2 == 0) {
    m = 0.5 * (m + *std::max_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(mid)));
  }
  return m;
}

struct WeightedFit {
  Eigen::VectorXd beta;
  Eigen::MatrixXd inverse;  // (XᵀWX)⁻¹
  Eigen::VectorXd residuals;
};

// Weighted least squares via the Cholesky factor of XᵀWX (X already holds the constant column).
Result<WeightedFit> weighted_fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                 const Eigen::VectorXd& w) {
  const Eigen::MatrixXd xw = x.array().colwise() * w.array();
  const Eigen::MatrixXd xtx = x.transpose() * xw;
  Eigen::LLT<Eigen::MatrixXd> llt(xtx);
  if (llt.info() != Eigen::Success) {
    return Status::numerical("regression: XᵀWX is not positive definite");
  }
  WeightedFit out;
  out.beta = llt.solve(xw.transpose() * y);
  out.inverse = llt.solve(Eigen::MatrixXd::Identity(x.cols(), x.cols()));
  out.residuals = y - x * out.beta;
  return out;
}

}  // namespace

std::string_view to_string(RegressionMethod method) { return name_of(kNames, method); }

Result<RegressionMethod> parse_regression_method(std::string_view name) {
  return parse_name(kNames, name, "regression method");
}

Status RegressionOptions::validate() const {
  if (!(half_life > 0.0) || !std::isfinite(half_life)) {
    return Status::invalid(fmt::format("regression: half_life {} must be > 0 periods", half_life));
  }
  if (!(huber_threshold > 0.0) || !std::isfinite(huber_threshold)) {
    return Status::invalid(fmt::format(
        "regression: huber_threshold {} must be > 0 (1.345 is usual)", huber_threshold));
  }
  if (max_iterations < 1) return Status::invalid("regression: max_iterations must be ≥ 1");
  if (!(tolerance > 0.0)) return Status::invalid("regression: tolerance must be > 0");
  for (Eigen::Index i = 0; i < weights.size(); ++i) {
    if (!(weights(i) >= 0.0) || !std::isfinite(weights(i))) {
      return Status::invalid(
          fmt::format("regression: weight {} at row {} must be finite and ≥ 0", weights(i), i));
    }
  }
  return Status::ok();
}

Eigen::VectorXd ewma_weights(Eigen::Index rows, double half_life) {
  const double lambda = std::pow(0.5, 1.0 / half_life);
  Eigen::VectorXd w(rows);
  double v = 1.0;
  for (Eigen::Index t = rows - 1; t >= 0; --t) {
    w(t) = v;
    v *= lambda;
  }
  return w / w.sum();
}

Result<RegressionResult> regress(Eigen::Ref<const Eigen::MatrixXd> x,
                                 Eigen::Ref<const Eigen::VectorXd> y,
                                 const RegressionOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index t = x.rows();
  const Eigen::Index k = x.cols();
  const Eigen::Index p = k + (options.intercept ? 1 : 0);
  if (y.size() != t) {
    return Status::invalid(
        fmt::format("regression: {} observations of y for {} rows of factors", y.size(), t));
  }
  if (p < 1) return Status::invalid("regression: no regressors and no intercept");
  if (t <= p) {
    return Status::invalid(fmt::format(
        "regression: {} observations for {} coefficients; it needs more observations than "
        "coefficients",
        t, p));
  }
  if (!x.allFinite() || !y.allFinite()) {
    return Status::invalid(
        "regression: non-finite returns or factor values; apply a missing-data policy first");
  }
  if (k > 0) {
    const auto collinear = find_collinear_factors(x, options.names);
    if (!collinear.empty()) {
      return Status::invalid(fmt::format(
          "regression: the factors {} are collinear (or constant) over the {} observations; "
          "drop one of them",
          fmt::join(collinear, ", "), t));
    }
  }
  Eigen::MatrixXd design(t, p);
  if (options.intercept) {
    design.col(0).setOnes();
    design.rightCols(k) = x;
  } else {
    design = x;
  }
  const Eigen::Index df = t - p;
  RegressionResult out;
  out.method = options.method;
  out.observations = static_cast<int>(t);
  Eigen::VectorXd w = Eigen::VectorXd::Ones(t);
  if (options.method == RegressionMethod::kWls) {
    if (options.weights.size() > 0) {
      if (options.weights.size() != t) {
        return Status::invalid(
            fmt::format("regression: {} weights for {} observations", options.weights.size(), t));
      }
      w = options.weights;
    } else {
      w = ewma_weights(t, options.half_life);
    }
    if (!(w.sum() > 0.0)) return Status::invalid("regression: every weight is zero");
  }
  auto fit = weighted_fit(design, y, w);
  if (!fit) return fit.status();
  Eigen::MatrixXd cov;
  if (options.method != RegressionMethod::kHuber) {
    const double sigma2 = w.dot(fit->residuals.cwiseAbs2()) / static_cast<double>(df);
    cov = sigma2 * fit->inverse;
    // In return units whatever the scale of the weights: statsmodels' scale with the weights
    // normalised to mean 1.
    out.residual_std = std::sqrt(sigma2 * static_cast<double>(t) / w.sum());
    out.iterations = 1;
  } else {
    const Eigen::MatrixXd xtx_inverse = fit->inverse;  // unweighted (XᵀX)⁻¹ of the first fit
    const double c = options.huber_threshold;
    double scale = median_abs(fit->residuals) / kMadConstant;
    out.converged = false;
    int it = 1;
    for (; it <= options.max_iterations; ++it) {
      if (!(scale > 0.0)) break;  // a perfect fit of more than half the points
      for (Eigen::Index i = 0; i < t; ++i) {
        const double z = std::abs(fit->residuals(i) / scale);
        w(i) = z <= c ? 1.0 : c / z;
      }
      auto next = weighted_fit(design, y, w);
      if (!next) return next.status();
      const double change =
          ((next->beta - fit->beta).array().abs() / next->beta.array().abs().max(1.0)).maxCoeff();
      fit = std::move(next);
      scale = median_abs(fit->residuals) / kMadConstant;
      if (change <= options.tolerance) {
        out.converged = true;
        break;
      }
    }
    out.iterations = it;
    out.residual_std = scale;
    if (scale > 0.0) {
      double ss_psi = 0.0, sum_d = 0.0, sum_d2 = 0.0;
      for (Eigen::Index i = 0; i < t; ++i) {
        const double z = fit->residuals(i) / scale;
        const double psi = std::abs(z) <= c ? z : c * (z > 0 ? 1.0 : -1.0);
        const double d = std::abs(z) <= c ? 1.0 : 0.0;
        ss_psi += psi * psi;
        sum_d += d;
        sum_d2 += d * d;
      }
      const double td = static_cast<double>(t);
      const double m = sum_d / td;
      const double var_d = sum_d2 / td - m * m;
      const double kk = 1.0 + static_cast<double>(p) / td * var_d / (m * m);
      cov = kk * kk * (ss_psi / static_cast<double>(df) * scale * scale) / (m * m) * xtx_inverse;
    } else {
      cov = Eigen::MatrixXd::Zero(p, p);
    }
  }
  out.coefficients = fit->beta;
  out.standard_errors = cov.diagonal().cwiseMax(0.0).cwiseSqrt();
  out.t_statistics = out.coefficients.cwiseQuotient(out.standard_errors);
  const double wsum = w.sum();
  const double ybar = options.intercept ? w.dot(y) / wsum : 0.0;
  const double tss = w.dot((y.array() - ybar).square().matrix());
  const double rss = w.dot(fit->residuals.cwiseAbs2());
  out.r_squared = tss > 0.0 ? 1.0 - rss / tss : std::numeric_limits<double>::quiet_NaN();
  const double df_total = static_cast<double>(t - (options.intercept ? 1 : 0));
  out.adjusted_r_squared = 1.0 - (1.0 - out.r_squared) * df_total / static_cast<double>(df);
  return out;
}

}  // namespace keel
