#include "keel/risk/measures.hpp"

#include <cmath>
#include <string>

#include "risk/checks.hpp"

namespace keel {

std::string_view to_string(RiskMeasure measure) {
  switch (measure) {
    case RiskMeasure::kVolatility:
      return "volatility";
    case RiskMeasure::kSemideviation:
      return "semideviation";
    case RiskMeasure::kMeanAbsoluteDeviation:
      return "mean-absolute-deviation";
    case RiskMeasure::kValueAtRisk:
      return "var";
    case RiskMeasure::kExpectedShortfall:
      return "cvar";
    case RiskMeasure::kMaxDrawdown:
      return "max-drawdown";
    case RiskMeasure::kAverageDrawdown:
      return "average-drawdown";
    case RiskMeasure::kCdar:
      return "cdar";
    case RiskMeasure::kUlcerIndex:
      return "ulcer-index";
    case RiskMeasure::kWorstRealisation:
      return "worst-realisation";
  }
  return "unknown";
}

Result<SampleMoments> sample_moments(Eigen::Ref<const Eigen::VectorXd> returns) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 2));
  const double n = static_cast<double>(returns.size());
  SampleMoments m;
  m.observations = returns.size();
  m.mean = returns.mean();
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (Eigen::Index t = 0; t < returns.size(); ++t) {
    const double d = returns[t] - m.mean;
    const double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m.stddev = std::sqrt(m2 / (n - 1.0));
  m2 /= n;
  m3 /= n;
  m4 /= n;
  m.population_stddev = std::sqrt(m2);
  if (m2 > 0.0) {
    m.skewness = m3 / (m2 * std::sqrt(m2));
    m.excess_kurtosis = m4 / (m2 * m2) - 3.0;
  }
  return m;
}

Result<Eigen::VectorXd> portfolio_returns(Eigen::Ref<const Eigen::MatrixXd> returns,
                                          Eigen::Ref<const Eigen::VectorXd> weights) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_weights(weights, returns.cols()));
  if (returns.rows() < 1) return Status::invalid("returns: no rows; pass at least one scenario");
  Eigen::VectorXd out = returns * weights;
  // A non-finite cell makes its row's product non-finite (NaN·0 and ∞·0 are NaN), so one pass
  // over the product replaces a scan of the whole matrix; the cell is located only on failure.
  if (!out.allFinite()) {
    for (Eigen::Index t = 0; t < out.size(); ++t) {
      if (std::isfinite(out[t])) continue;
      for (Eigen::Index j = 0; j < returns.cols(); ++j) {
        if (!std::isfinite(returns(t, j))) {
          return Status::invalid("returns: row " + std::to_string(t) + ", asset column " +
                                 std::to_string(j) + " is not finite (" +
                                 std::to_string(returns(t, j)) +
                                 "); apply a missing-data policy (drop-rows, ffill) before risk");
        }
      }
      return Status::invalid("returns: row " + std::to_string(t) +
                             " overflows to a non-finite portfolio return; check its magnitudes");
    }
  }
  return out;
}

Result<double> volatility(Eigen::Ref<const Eigen::VectorXd> returns) {
  auto m = sample_moments(returns);
  if (!m) return m.status();
  return m->stddev;
}

Result<double> semideviation(Eigen::Ref<const Eigen::VectorXd> returns) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 2));
  const double mean = returns.mean();
  const double sum = (returns.array() - mean).min(0.0).square().sum();
  return std::sqrt(sum / static_cast<double>(returns.size() - 1));
}

Result<double> mean_absolute_deviation(Eigen::Ref<const Eigen::VectorXd> returns) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 1));
  return (returns.array() - returns.mean()).abs().mean();
}

Result<double> worst_realisation(Eigen::Ref<const Eigen::VectorXd> returns) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 1));
  return -returns.minCoeff();
}

double annualise(double value_per_period, double periods_per_year) {
  return value_per_period * std::sqrt(periods_per_year);
}

Status RiskMeasureOptions::validate() const {
  KEEL_RETURN_IF_ERROR(var.validate());
  return drawdown.validate();
}

Result<double> risk_measure(Eigen::Ref<const Eigen::VectorXd> returns, RiskMeasure measure,
                            const RiskMeasureOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  switch (measure) {
    case RiskMeasure::kVolatility:
      return volatility(returns);
    case RiskMeasure::kSemideviation:
      return semideviation(returns);
    case RiskMeasure::kMeanAbsoluteDeviation:
      return mean_absolute_deviation(returns);
    case RiskMeasure::kWorstRealisation:
      return worst_realisation(returns);
    case RiskMeasure::kValueAtRisk:
    case RiskMeasure::kExpectedShortfall: {
      auto v = value_at_risk(returns, options.var);
      if (!v) return v.status();
      return measure == RiskMeasure::kValueAtRisk ? v->var : v->es;
    }
    case RiskMeasure::kMaxDrawdown:
    case RiskMeasure::kAverageDrawdown:
    case RiskMeasure::kCdar:
    case RiskMeasure::kUlcerIndex: {
      auto d = drawdowns(returns, options.drawdown);
      if (!d) return d.status();
      if (measure == RiskMeasure::kMaxDrawdown) return d->max_drawdown;
      if (measure == RiskMeasure::kAverageDrawdown) return d->average_drawdown;
      if (measure == RiskMeasure::kCdar) return d->cdar;
      return d->ulcer_index;
    }
  }
  return Status::internal("risk_measure: unhandled RiskMeasure value");
}

Status RiskSummaryOptions::validate() const {
  if (!(periods_per_year > 0.0) || !std::isfinite(periods_per_year)) {
    return Status::invalid(
        "RiskSummaryOptions::periods_per_year = " + std::to_string(periods_per_year) +
        " must be positive: 365 for daily crypto, 8760 for hourly, 252 for "
        "exchange trading days");
  }
  return measures.validate();
}

Result<RiskSummary> summarize_risk(Eigen::Ref<const Eigen::VectorXd> returns,
                                   const RiskSummaryOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  RiskSummary s;
  auto moments = sample_moments(returns);
  if (!moments) return moments.status();
  s.moments = *moments;
  s.volatility = moments->stddev;
  s.semideviation = *semideviation(returns);
  s.mean_absolute_deviation = *mean_absolute_deviation(returns);
  s.worst_realisation = *worst_realisation(returns);
  s.annualised_mean = moments->mean * options.periods_per_year;
  s.annualised_volatility = annualise(s.volatility, options.periods_per_year);
  s.annualised_semideviation = annualise(s.semideviation, options.periods_per_year);
  auto var = value_at_risk(returns, options.measures.var);
  if (!var) return var.status();
  s.var = std::move(*var);
  auto dd = drawdowns(returns, options.measures.drawdown);
  if (!dd) return dd.status();
  s.drawdown = std::move(*dd);
  return s;
}

}  // namespace keel
