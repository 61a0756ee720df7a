#include "keel/risk/performance.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "risk/checks.hpp"

namespace keel {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status check_periods_per_year(double periods_per_year, const char* what) {
  if (!(periods_per_year > 0.0) || !std::isfinite(periods_per_year)) {
    return Status::invalid(std::string(what) +
                           " must be a finite number > 0 (365 for daily "
                           "crypto, 8760 hourly), got " +
                           std::to_string(periods_per_year));
  }
  return Status::ok();
}

// Sample standard deviation (T − 1) of a block; 0 for fewer than two values.
double sample_stddev(const Eigen::Ref<const Eigen::VectorXd>& r) {
  if (r.size() < 2) return 0.0;
  const double mean = r.mean();
  return std::sqrt((r.array() - mean).square().sum() / static_cast<double>(r.size() - 1));
}
}  // namespace

Status PerformanceOptions::validate() const {
  KEEL_RETURN_IF_ERROR(
      check_periods_per_year(periods_per_year, "PerformanceOptions::periods_per_year"));
  if (!std::isfinite(risk_free_rate)) {
    return Status::invalid("PerformanceOptions::risk_free_rate must be finite");
  }
  return Status::ok();
}

Result<double> downside_deviation(Eigen::Ref<const Eigen::VectorXd> returns,
                                  double minimum_acceptable_return) {
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 1));
  return std::sqrt((returns.array() - minimum_acceptable_return).min(0.0).square().mean());
}

Result<PerformanceSummary> performance_summary(Eigen::Ref<const Eigen::VectorXd> returns,
                                               const PerformanceOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  auto dd = drawdowns(
      returns, {.kind = DrawdownKind::kCompounded, .confidence = options.drawdown_confidence});
  if (!dd) return dd.status();  // also checks T ≥ 1 and finiteness
  const double ppy = options.periods_per_year;
  PerformanceSummary s;
  s.periods = returns.size();
  double wealth = 1.0;
  for (Eigen::Index t = 0; t < returns.size() && wealth > 0.0; ++t) wealth *= 1.0 + returns[t];
  s.total_return = wealth - 1.0;
  const double years = static_cast<double>(s.periods) / ppy;
  s.cagr = wealth > 0.0 ? std::pow(wealth, 1.0 / years) - 1.0 : -1.0;
  s.annualised_mean = returns.mean() * ppy;
  s.volatility = sample_stddev(returns) * std::sqrt(ppy);
  s.downside_deviation =
      *downside_deviation(returns, options.risk_free_rate / ppy) * std::sqrt(ppy);
  const double excess = s.annualised_mean - options.risk_free_rate;
  s.sharpe = s.volatility > 0.0 ? excess / s.volatility : kNaN;
  s.sortino = s.downside_deviation > 0.0 ? excess / s.downside_deviation : kNaN;
  s.calmar = dd->max_drawdown > 0.0 ? s.cagr / dd->max_drawdown : kNaN;
  s.drawdown = std::move(*dd);
  return s;
}

Result<Eigen::VectorXd> rolling_volatility(Eigen::Ref<const Eigen::VectorXd> returns,
                                           Eigen::Index window, double periods_per_year) {
  KEEL_RETURN_IF_ERROR(
      check_periods_per_year(periods_per_year, "rolling volatility: periods_per_year"));
  if (window < 2) {
    return Status::invalid("rolling volatility: the window must be at least 2 returns, got " +
                           std::to_string(window));
  }
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 0));
  Eigen::VectorXd out = Eigen::VectorXd::Constant(returns.size(), kNaN);
  const double scale = std::sqrt(periods_per_year);
  for (Eigen::Index t = window - 1; t < returns.size(); ++t) {
    out(t) = sample_stddev(returns.segment(t - window + 1, window)) * scale;
  }
  return out;
}

}  // namespace keel
