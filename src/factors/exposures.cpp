#include "keel/factors/exposures.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>

#include "keel/core/name_table.hpp"
#include "keel/core/normal_quantile.hpp"
#include "keel/estimate/factor_covariance.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr NameTable<CollinearPolicy, 2> kPolicies{{
    {CollinearPolicy::kRefuse, "refuse"},
    {CollinearPolicy::kDrop, "drop"},
}};

Eigen::MatrixXd select_rows(Eigen::Ref<const Eigen::MatrixXd> m,
                            const std::vector<Eigen::Index>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.row(static_cast<Eigen::Index>(i)) = m.row(rows[i]);
  return out;
}

}  // namespace

std::string_view to_string(CollinearPolicy policy) { return name_of(kPolicies, policy); }

Result<CollinearPolicy> parse_collinear_policy(std::string_view name) {
  return parse_name(kPolicies, name, "collinear-factor policy");
}

Status ExposureOptions::validate() const {
  KEEL_RETURN_IF_ERROR(regression.validate());
  if (rolling_window < 0) return Status::invalid("exposures: rolling_window must be ≥ 0");
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::invalid(
        fmt::format("exposures: confidence {} must be in (0, 1), e.g. 0.95", confidence));
  }
  if (!(periods_per_year > 0.0)) {
    return Status::invalid("exposures: periods_per_year must be > 0");
  }
  return Status::ok();
}

std::vector<Eigen::MatrixXd> rolling_betas(Eigen::Ref<const Eigen::MatrixXd> x,
                                           Eigen::Ref<const Eigen::MatrixXd> y, int window) {
  const Eigen::Index t_count = x.rows();
  const Eigen::Index k = x.cols();
  const Eigen::Index p = k + 1;
  const Eigen::Index m = y.cols();
  const Eigen::Index w = window;
  const Eigen::Index windows = t_count >= w ? t_count - w + 1 : 0;
  std::vector<Eigen::MatrixXd> out(static_cast<std::size_t>(k),
                                   Eigen::MatrixXd::Constant(windows, m, kNaN));
  if (windows == 0 || k == 0) return out;
  // Design rows [1, x_t]; NaN returns enter the sums as 0 and are counted per column.
  Eigen::MatrixXd design(t_count, p);
  design.col(0).setOnes();
  design.rightCols(k) = x;
  const Eigen::MatrixXd y0 = y.unaryExpr([](double v) { return std::isfinite(v) ? v : 0.0; });
  const Eigen::ArrayXXi missing =
      y.unaryExpr([](double v) { return std::isfinite(v) ? 0.0 : 1.0; }).cast<int>().array();
  Eigen::MatrixXd xtx(p, p);
  Eigen::MatrixXd xty(p, m);
  Eigen::ArrayXi miss(m);
  Eigen::MatrixXd beta(p, m);
  for (Eigen::Index end = w - 1; end < t_count; ++end) {
    const Eigen::Index start = end - w + 1;
    const Eigen::Index step = end - (w - 1);
    if (step % w == 0) {
      // Fresh sums every `window` steps: the sliding updates below never accumulate rounding
      // over more than one window of additions and removals.
      const auto block = design.middleRows(start, w);
      xtx.noalias() = block.transpose() * block;
      xty.noalias() = block.transpose() * y0.middleRows(start, w);
      miss = missing.middleRows(start, w).colwise().sum().transpose();
    } else {
      const auto add = design.row(end);
      const auto drop = design.row(start - 1);
      xtx.noalias() += add.transpose() * add;
      xtx.noalias() -= drop.transpose() * drop;
      xty.noalias() += add.transpose() * y0.row(end);
      xty.noalias() -= drop.transpose() * y0.row(start - 1);
      miss += missing.row(end).transpose() - missing.row(start - 1).transpose();
    }
    Eigen::LLT<Eigen::MatrixXd> llt(xtx);
    if (llt.info() != Eigen::Success) continue;  // a window where the factors are collinear
    beta.noalias() = llt.solve(xty);
    for (Eigen::Index j = 0; j < m; ++j) {
      if (miss(j) != 0) continue;
      for (Eigen::Index f = 0; f < k; ++f)
        out[static_cast<std::size_t>(f)](step, j) = beta(f + 1, j);
    }
  }
  return out;
}

Result<ExposureResult> compute_exposures(const ReturnSeries& asset_returns,
                                         const ReturnSeries& factor_returns,
                                         const Eigen::VectorXd& weights,
                                         const ExposureOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index t_count = asset_returns.values.rows();
  const Eigen::Index n = asset_returns.values.cols();
  if (factor_returns.values.rows() != t_count) {
    return Status::invalid(fmt::format(
        "exposures: {} factor rows for {} return rows; align the factors first (align_factors)",
        factor_returns.values.rows(), t_count));
  }
  if (weights.size() != n) {
    return Status::invalid(fmt::format("exposures: {} weights for {} assets", weights.size(), n));
  }
  if (factor_returns.values.cols() == 0) {
    return Status::invalid(
        "exposures: no factors; give --factors FILE, --market, --sectors or "
        "--pca");
  }
  if (!factor_returns.values.allFinite()) {
    return Status::invalid(
        "exposures: the factor returns have missing values on the aligned "
        "rows; align_factors keeps only complete rows");
  }
  ExposureResult out;
  out.assets = asset_returns.assets;
  // Collinearity on the full aligned sample.
  std::vector<std::string> names = factor_returns.assets;
  std::vector<Eigen::Index> cols(names.size());
  for (std::size_t i = 0; i < cols.size(); ++i) cols[i] = static_cast<Eigen::Index>(i);
  while (true) {
    Eigen::MatrixXd f(t_count, static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) {
      f.col(static_cast<Eigen::Index>(j)) = factor_returns.values.col(cols[j]);
    }
    const auto collinear = find_collinear_factors(f, names);
    if (collinear.empty()) break;
    if (options.collinear == CollinearPolicy::kRefuse || names.size() == 1) {
      return Status::invalid(fmt::format(
          "exposures: the factors {} are collinear (or constant) over the {} aligned dates; "
          "drop one of them, or pass --collinear drop to drop the later one",
          fmt::join(collinear, ", "), t_count));
    }
    // Drop the one listed last in the user's order among those involved.
    std::size_t victim = 0;
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (std::find(collinear.begin(), collinear.end(), names[j]) != collinear.end()) victim = j;
    }
    out.repairs.push_back(fmt::format("dropped factor {}: collinear with {}", names[victim],
                                      fmt::join(collinear, ", ")));
    names.erase(names.begin() + static_cast<std::ptrdiff_t>(victim));
    cols.erase(cols.begin() + static_cast<std::ptrdiff_t>(victim));
  }
  const auto k = static_cast<Eigen::Index>(cols.size());
  Eigen::MatrixXd f(t_count, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    f.col(j) = factor_returns.values.col(cols[static_cast<std::size_t>(j)]);
  }
  out.factors = names;
  RegressionOptions reg = options.regression;
  reg.names = names;
  const Eigen::Index offset = reg.intercept ? 1 : 0;

  // Per-asset regressions on each asset's quoted rows.
  bool weighted_ok = true;
  out.weighted_betas = Eigen::VectorXd::Zero(k);
  if (options.per_asset) {
    for (Eigen::Index i = 0; i < n; ++i) {
      std::vector<Eigen::Index> rows;
      for (Eigen::Index t = 0; t < t_count; ++t) {
        if (std::isfinite(asset_returns.values(t, i))) rows.push_back(t);
      }
      const std::string& name = asset_returns.assets[static_cast<std::size_t>(i)];
      AssetExposure a{.asset = name, .weight = weights(i), .fit = {}};
      if (static_cast<Eigen::Index>(rows.size()) <= k + offset + 1) {
        out.warnings.push_back(fmt::format("{}: {} quoted dates, too few to regress on {} factors",
                                           name, rows.size(), k));
        if (weights(i) != 0.0) weighted_ok = false;
        a.fit.coefficients = Eigen::VectorXd::Constant(k + offset, kNaN);
        a.fit.standard_errors = a.fit.coefficients;
        a.fit.t_statistics = a.fit.coefficients;
        out.asset_exposures.push_back(std::move(a));
        continue;
      }
      RegressionOptions r = reg;
      if (r.method == RegressionMethod::kWls && r.weights.size() == t_count) {
        Eigen::VectorXd w(static_cast<Eigen::Index>(rows.size()));
        for (std::size_t j = 0; j < rows.size(); ++j)
          w(static_cast<Eigen::Index>(j)) = r.weights(rows[j]);
        r.weights = w;
      }
      const Eigen::MatrixXd xi = select_rows(f, rows);
      const Eigen::VectorXd yi = select_rows(asset_returns.values.col(i), rows);
      auto fit = regress(xi, yi, r);
      if (!fit) return fit.status().with_context(name);
      a.fit = std::move(*fit);
      if (weights(i) != 0.0) out.weighted_betas += weights(i) * a.fit.coefficients.tail(k);
      out.asset_exposures.push_back(std::move(a));
    }
  }
  if (!weighted_ok || !options.per_asset) out.weighted_betas.setConstant(kNaN);

  // The portfolio's return on the rows where every held asset is quoted.
  std::vector<Eigen::Index> rows;
  Eigen::VectorXd rp_all = Eigen::VectorXd::Constant(t_count, kNaN);
  for (Eigen::Index t = 0; t < t_count; ++t) {
    double s = 0.0;
    bool ok = true;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (weights(i) == 0.0) continue;
      const double v = asset_returns.values(t, i);
      if (!std::isfinite(v)) {
        ok = false;
        break;
      }
      s += weights(i) * v;
    }
    if (ok) {
      rows.push_back(t);
      rp_all(t) = s;
    }
  }
  out.portfolio_observations = static_cast<int>(rows.size());
  if (static_cast<Eigen::Index>(rows.size()) <= k + offset + 1) {
    return Status::invalid(fmt::format(
        "exposures: the portfolio's assets are quoted together on {} aligned dates, too few to "
        "regress on {} factors; narrow --start or drop late-listed holdings",
        rows.size(), k));
  }
  const Eigen::MatrixXd xp = select_rows(f, rows);
  const Eigen::VectorXd yp = select_rows(rp_all, rows);
  RegressionOptions rpo = reg;
  if (rpo.method == RegressionMethod::kWls && rpo.weights.size() == t_count) {
    Eigen::VectorXd w(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t j = 0; j < rows.size(); ++j)
      w(static_cast<Eigen::Index>(j)) = rpo.weights(rows[j]);
    rpo.weights = w;
  }
  auto pf = regress(xp, yp, rpo);
  if (!pf) return pf.status().with_context("portfolio");
  out.portfolio = std::move(*pf);
  const double z = normal_quantile(0.5 + 0.5 * options.confidence);
  const Eigen::VectorXd b = out.portfolio.coefficients.tail(k);
  const Eigen::VectorXd se = out.portfolio.standard_errors.tail(k);
  out.lower = b - z * se;
  out.upper = b + z * se;

  // Variance split on the portfolio rows.
  const double denom = static_cast<double>(yp.size() - 1);
  const Eigen::MatrixXd fc = xp.rowwise() - xp.colwise().mean();
  const Eigen::MatrixXd omega = fc.transpose() * fc / denom;
  const double ybar = yp.mean();
  const double total = (yp.array() - ybar).square().sum() / denom;
  Eigen::VectorXd resid = yp - xp * b;
  if (offset == 1) resid.array() -= out.portfolio.coefficients(0);
  const double resid_var = (resid.array() - resid.mean()).square().sum() / denom;
  const Eigen::VectorXd omega_b = omega * b;
  const double ppy = options.periods_per_year;
  out.risk.total_variance = total * ppy;
  out.risk.factor_variance = b.dot(omega_b) * ppy;
  out.risk.residual_variance = resid_var * ppy;
  out.risk.interaction =
      out.risk.total_variance - out.risk.factor_variance - out.risk.residual_variance;
  out.risk.factor_contributions = b.cwiseProduct(omega_b) * ppy;

  if (options.rolling_window > 0) {
    if (options.rolling_window < k + 2) {
      return Status::invalid(fmt::format("exposures: rolling window {} is below K + 2 = {} rows",
                                         options.rolling_window, k + 2));
    }
    if (options.rolling_window > t_count) {
      out.warnings.push_back(fmt::format(
          "exposures: rolling window {} is longer than the {} aligned dates; no rolling betas",
          options.rolling_window, t_count));
    } else {
      Eigen::MatrixXd y(t_count, n + 1);
      y.leftCols(n) = asset_returns.values;
      y.col(n) = rp_all;
      out.rolling.window = options.rolling_window;
      out.rolling.betas = rolling_betas(f, y, options.rolling_window);
      for (Eigen::Index t = options.rolling_window - 1; t < t_count; ++t) {
        out.rolling.timestamps.push_back(asset_returns.timestamps[static_cast<std::size_t>(t)]);
      }
    }
  }
  return out;
}

}  // namespace keel
