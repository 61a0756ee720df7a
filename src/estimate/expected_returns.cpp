#include "keel/estimate/expected_returns.hpp"

#include "keel/core/name_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "estimate/returns_checks.hpp"

namespace keel {
namespace {

using estimate_internal::Labels;

constexpr NameTable<ExpectedReturnMethod, 6> kMethodNames{{
    {ExpectedReturnMethod::kMean, "mean"},
    {ExpectedReturnMethod::kGeometric, "geometric"},
    {ExpectedReturnMethod::kEwma, "ewma"},
    {ExpectedReturnMethod::kCapm, "capm"},
    {ExpectedReturnMethod::kJamesStein, "james-stein"},
    {ExpectedReturnMethod::kEquilibrium, "equilibrium"},
}};

Eigen::MatrixXd sample_covariance(Eigen::Ref<const Eigen::MatrixXd> x) {
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const Eigen::MatrixXd xc = x.rowwise() - mean;
  return (xc.transpose() * xc) / static_cast<double>(x.rows() - 1);
}

Result<ExpectedReturns> geometric(Eigen::Ref<const Eigen::MatrixXd> x, double ppy,
                                  const Labels& labels) {
  ExpectedReturns out;
  const Eigen::Index n = x.cols();
  out.annualised.resize(n);
  out.observations.resize(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    // Σ log(1 + r) rather than the product: same value, no overflow over long histories.
    double log_growth = 0.0;
    int count = 0;
    for (Eigen::Index t = 0; t < x.rows(); ++t) {
      const double r = x(t, j);
      if (std::isnan(r)) continue;
      if (!(r > -1.0)) {
        return Status::invalid(fmt::format(
            "geometric: {} has a return of {} at {} (a total loss), so the compounded growth is "
            "undefined; check the prices or use the arithmetic mean",
            labels.asset(j), r, labels.row(t)));
      }
      log_growth += std::log1p(r);
      ++count;
    }
    if (count == 0) {
      return Status::invalid(
          fmt::format("geometric: {} has no observed return; drop the asset (drop-assets policy)",
                      labels.asset(j)));
    }
    out.observations(j) = count;
    out.annualised(j) = std::expm1(log_growth * ppy / count);
    if (count < 2) {
      out.warnings.push_back(fmt::format(
          "geometric: {} has only {} observed return; its annualised mean is unreliable",
          labels.asset(j), count));
    }
  }
  return out;
}

double ewma_alpha(const ExpectedReturnOptions& o) {
  if (std::isfinite(o.ewma_span)) return 2.0 / (o.ewma_span + 1.0);
  return 1.0 - std::pow(0.5, 1.0 / o.ewma_half_life);
}

Result<ExpectedReturns> estimate_impl(Eigen::Ref<const Eigen::MatrixXd> x,
                                      const ExpectedReturnOptions& o, const Labels& labels) {
  KEEL_RETURN_IF_ERROR(o.validate());
  const std::string_view name = to_string(o.method);
  const Eigen::Index min_rows =
      (o.method == ExpectedReturnMethod::kCapm || o.method == ExpectedReturnMethod::kJamesStein ||
       o.method == ExpectedReturnMethod::kEquilibrium)
          ? 2
          : 1;
  KEEL_RETURN_IF_ERROR(estimate_internal::check_shape(x, min_rows, name, labels));
  const double ppy = o.periods_per_year;
  if (o.method == ExpectedReturnMethod::kGeometric) {
    KEEL_RETURN_IF_ERROR(estimate_internal::check_no_infinity(x, name, labels));
    auto out = geometric(x, ppy, labels);
    if (out) out->method = o.method;
    return out;
  }
  // The pairwise policy keeps the gaps for the covariance; these estimators cannot use them, so
  // the hint must not send a user who chose pairwise back to pairwise.
  KEEL_RETURN_IF_ERROR(estimate_internal::check_finite(
      x, name, labels,
      "this expected-return method needs complete returns (the pairwise missing-data policy "
      "serves the sample covariance only): use the geometric mean, which takes each asset over "
      "its own rows (--mu geometric), or a policy that removes the gaps (drop-rows, ffill:N, "
      "drop-assets:F)"));
  const Eigen::Index t_rows = x.rows();
  const Eigen::Index n = x.cols();
  const double td = static_cast<double>(t_rows);
  ExpectedReturns out;
  out.method = o.method;
  out.observations = Eigen::VectorXi::Constant(n, static_cast<int>(t_rows));
  const Eigen::VectorXd mean = x.colwise().mean().transpose();

  switch (o.method) {
    case ExpectedReturnMethod::kMean:
      out.annualised = mean * ppy;
      break;
    case ExpectedReturnMethod::kGeometric:
      break;
    case ExpectedReturnMethod::kEwma: {
      const double lambda = 1.0 - ewma_alpha(o);
      Eigen::VectorXd w(t_rows);
      for (Eigen::Index t = 0; t < t_rows; ++t) {
        w(t) = std::pow(lambda, static_cast<double>(t_rows - 1 - t));
      }
      const Eigen::VectorXd m = (x.transpose() * w) / w.sum();
      out.annualised = o.compounding ? Eigen::VectorXd((1.0 + m.array()).pow(ppy) - 1.0)
                                     : Eigen::VectorXd(m * ppy);
      break;
    }
    case ExpectedReturnMethod::kCapm: {
      Eigen::VectorXd market;
      if (o.market_returns.size() == 0) {
        market = x.rowwise().mean();
      } else {
        if (o.market_returns.size() != t_rows) {
          return Status::invalid(fmt::format(
              "capm: market_returns has {} rows but the returns have {}; align the benchmark with "
              "the assets' dates",
              o.market_returns.size(), t_rows));
        }
        for (Eigen::Index t = 0; t < t_rows; ++t) {
          if (!std::isfinite(o.market_returns(t))) {
            return Status::invalid(fmt::format(
                "capm: market_returns is missing at {}; fill or drop that row", labels.row(t)));
          }
        }
        market = o.market_returns;
      }
      const Eigen::VectorXd mc = market.array() - market.mean();
      const double var_m = mc.squaredNorm() / (td - 1.0);
      if (!(var_m > 0.0)) {
        return Status::invalid("capm: the market returns have zero variance, so beta is undefined");
      }
      const Eigen::MatrixXd xc = x.rowwise() - mean.transpose();
      out.betas = (xc.transpose() * mc) / (td - 1.0) / var_m;
      double market_annual = 0.0;
      if (o.compounding) {
        double log_growth = 0.0;
        for (Eigen::Index t = 0; t < t_rows; ++t) {
          if (!(market(t) > -1.0)) {
            return Status::invalid(fmt::format(
                "capm: the market return at {} is {} (a total loss); compounding is undefined, "
                "set compounding = false",
                labels.row(t), market(t)));
          }
          log_growth += std::log1p(market(t));
        }
        market_annual = std::expm1(log_growth * ppy / td);
      } else {
        market_annual = market.mean() * ppy;
      }
      out.annualised = o.risk_free_rate + out.betas.array() * (market_annual - o.risk_free_rate);
      break;
    }
    case ExpectedReturnMethod::kJamesStein: {
      if (n < 4) {
        return Status::invalid(fmt::format(
            "james-stein: needs at least 4 assets (the factor N − 3 must be positive), got {}; "
            "use the mean",
            n));
      }
      const double grand = mean.mean();
      const double dispersion = (mean.array() - grand).matrix().squaredNorm();
      const Eigen::MatrixXd xc = x.rowwise() - mean.transpose();
      const double avg_var = xc.squaredNorm() / (td - 1.0) / static_cast<double>(n);
      double c = 1.0;
      if (dispersion > 0.0) {
        c = std::min(1.0, (static_cast<double>(n) - 3.0) * avg_var / (td * dispersion));
      }
      out.shrinkage = c;
      out.annualised = (grand + (1.0 - c) * (mean.array() - grand)) * ppy;
      break;
    }
    case ExpectedReturnMethod::kEquilibrium: {
      Eigen::MatrixXd cov;
      if (o.equilibrium_covariance.size() == 0) {
        cov = sample_covariance(x);
      } else {
        if (o.equilibrium_covariance.rows() != n || o.equilibrium_covariance.cols() != n) {
          return Status::invalid(
              fmt::format("equilibrium: equilibrium_covariance is {} × {} but there are {} assets",
                          o.equilibrium_covariance.rows(), o.equilibrium_covariance.cols(), n));
        }
        cov = o.equilibrium_covariance;
      }
      auto pi = equilibrium_returns(cov * ppy, o.market_caps, o.risk_aversion, o.risk_free_rate);
      if (!pi) return pi.status();
      out.annualised = std::move(*pi);
      break;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(ExpectedReturnMethod method) { return name_of(kMethodNames, method); }

Result<ExpectedReturnMethod> parse_expected_return_method(std::string_view name) {
  return parse_name(kMethodNames, name, "expected-return method");
}

Status ExpectedReturnOptions::validate() const {
  if (!(periods_per_year > 0.0) || !std::isfinite(periods_per_year)) {
    return Status::invalid(fmt::format(
        "expected returns: periods_per_year must be given and positive (365 for daily crypto, "
        "8760 hourly, 252 to reproduce PyPortfolioOpt), got {}",
        periods_per_year));
  }
  if (!(return_warning_threshold > 0.0)) {
    return Status::invalid("expected returns: return_warning_threshold must be > 0 (+inf = never)");
  }
  if (!std::isfinite(risk_free_rate)) {
    return Status::invalid("expected returns: risk_free_rate must be finite (annual, e.g. 0.02)");
  }
  if (method == ExpectedReturnMethod::kEwma) {
    const int set = static_cast<int>(std::isfinite(ewma_span)) +
                    static_cast<int>(std::isfinite(ewma_half_life));
    if (set != 1) {
      return Status::invalid(fmt::format(
          "ewma: set exactly one of ewma_span and ewma_half_life ({} set); PyPortfolioOpt uses "
          "span 500",
          set));
    }
    if (std::isfinite(ewma_span) && !(ewma_span >= 1.0)) {
      return Status::invalid(fmt::format("ewma: ewma_span {} must be ≥ 1", ewma_span));
    }
    if (std::isfinite(ewma_half_life) && !(ewma_half_life > 0.0)) {
      return Status::invalid(fmt::format("ewma: ewma_half_life {} must be > 0", ewma_half_life));
    }
  }
  if (method == ExpectedReturnMethod::kEquilibrium) {
    if (!(risk_aversion > 0.0) || !std::isfinite(risk_aversion)) {
      return Status::invalid(
          fmt::format("equilibrium: risk_aversion (δ) {} must be positive", risk_aversion));
    }
    if (market_caps.size() == 0) {
      return Status::invalid("equilibrium: market_caps are required (one per asset)");
    }
  }
  return Status::ok();
}

namespace {

// Annualised means this high are in-sample accidents (a bull run, a short history, a listing
// print), not forecasts; the optimizers lever them into absurd portfolios (docs/estimation.md).
Result<ExpectedReturns> with_plausibility_warning(Result<ExpectedReturns> result,
                                                  const ExpectedReturnOptions& o,
                                                  const Labels& labels) {
  if (!result) return result;
  const Eigen::VectorXd& mu = result->annualised;
  std::vector<Eigen::Index> high;
  for (Eigen::Index i = 0; i < mu.size(); ++i) {
    if (mu(i) > o.return_warning_threshold) high.push_back(i);
  }
  if (high.empty()) return result;
  std::stable_sort(high.begin(), high.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return mu(a) > mu(b); });
  std::string listed;
  for (std::size_t k = 0; k < high.size(); ++k) {
    const Eigen::Index i = high[k];
    const std::string name = labels.assets != nullptr
                                 ? (*labels.assets)[static_cast<std::size_t>(i)]
                                 : fmt::format("asset column {}", i);
    listed += fmt::format("{}{} {:.0f}%", k == 0 ? "" : ", ", name, 100.0 * mu(i));
  }
  result->warnings.push_back(fmt::format(
      "{}: {} asset(s) have an annualised expected return above {:.0f}%: {}; in-sample means "
      "this high come from a short history, a bull run or a bad print, and optimizers lever them",
      to_string(o.method), high.size(), 100.0 * o.return_warning_threshold, listed));
  return result;
}

}  // namespace

Result<ExpectedReturns> estimate_expected_returns(Eigen::Ref<const Eigen::MatrixXd> returns,
                                                  const ExpectedReturnOptions& options) {
  return with_plausibility_warning(estimate_impl(returns, options, Labels{}), options, Labels{});
}

Result<ExpectedReturns> estimate_expected_returns(const ReturnSeries& returns,
                                                  const ExpectedReturnOptions& options) {
  Labels labels{&returns.assets,
                returns.timestamps.size() == static_cast<std::size_t>(returns.values.rows())
                    ? &returns.timestamps
                    : nullptr};
  return with_plausibility_warning(estimate_impl(returns.values, options, labels), options,
                                   labels);
}

Result<Eigen::VectorXd> equilibrium_returns(Eigen::Ref<const Eigen::MatrixXd> annual_covariance,
                                            Eigen::Ref<const Eigen::VectorXd> market_caps,
                                            double risk_aversion, double risk_free_rate) {
  const Eigen::Index n = annual_covariance.rows();
  if (n == 0 || annual_covariance.cols() != n) {
    return Status::invalid(fmt::format("equilibrium: the covariance is {} × {}, expected square",
                                       annual_covariance.rows(), annual_covariance.cols()));
  }
  if (market_caps.size() != n) {
    return Status::invalid(
        fmt::format("equilibrium: {} market caps for {} assets; give one market cap per asset",
                    market_caps.size(), n));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(market_caps(i) >= 0.0) || !std::isfinite(market_caps(i))) {
      return Status::invalid(fmt::format(
          "equilibrium: market cap of asset column {} is {}; market caps must be finite and ≥ 0", i,
          market_caps(i)));
    }
  }
  const double total = market_caps.sum();
  if (!(total > 0.0)) {
    return Status::invalid("equilibrium: the market caps sum to zero");
  }
  if (!(risk_aversion > 0.0) || !std::isfinite(risk_aversion)) {
    return Status::invalid(
        fmt::format("equilibrium: risk_aversion (δ) {} must be positive", risk_aversion));
  }
  Eigen::VectorXd pi = risk_aversion * (annual_covariance * (market_caps / total));
  pi.array() += risk_free_rate;
  return pi;
}

}  // namespace keel
