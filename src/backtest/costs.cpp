#include "keel/backtest/costs.hpp"

#include <algorithm>
#include <cmath>

#include "keel/core/result.hpp"

namespace keel {

double RateSeries::at(Timestamp t) const {
  if (values.empty()) return 0.0;
  auto it = std::upper_bound(timestamps.begin(), timestamps.end(), t);
  const std::size_t row =
      it == timestamps.begin() ? 0 : static_cast<std::size_t>(it - timestamps.begin()) - 1;
  return scale * values[row];
}

double FinancingRate::per_period(Timestamp t, double periods_per_year) const {
  if (!series.empty()) return series.at(t);
  return annual / periods_per_year;
}

namespace {

Status check_rate(const FinancingRate& rate, const char* name) {
  if (!std::isfinite(rate.annual)) {
    return Status::invalid(std::string("costs: ") + name + " must be a finite annual rate");
  }
  const auto& s = rate.series;
  if (s.timestamps.size() != s.values.size()) {
    return Status::invalid(std::string("costs: ") + name +
                           " series has mismatched dates and values");
  }
  if (!std::isfinite(s.scale)) {
    return Status::invalid(std::string("costs: ") + name + " series scale must be finite");
  }
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    if (!std::isfinite(s.values[i])) {
      return Status::invalid(std::string("costs: ") + name + " series (" + s.source +
                             ") has a non-finite value on " + format_timestamp(s.timestamps[i]));
    }
    if (i > 0 && s.timestamps[i] <= s.timestamps[i - 1]) {
      return Status::invalid(std::string("costs: ") + name + " series (" + s.source +
                             ") dates are not strictly increasing at " +
                             format_timestamp(s.timestamps[i]));
    }
  }
  return Status::ok();
}

}  // namespace

Status CostModel::validate() const {
  auto nonneg = [](double v) { return std::isfinite(v) && v >= 0.0; };
  if (!nonneg(fee_bps)) return Status::invalid("costs: fee_bps must be ≥ 0");
  if (!nonneg(half_spread_bps)) return Status::invalid("costs: half_spread_bps must be ≥ 0");
  if (!nonneg(impact_coefficient)) return Status::invalid("costs: impact_coefficient must be ≥ 0");
  if (!(impact_exponent > 0.0 && impact_exponent <= 2.0)) {
    return Status::invalid("costs: impact_exponent must be in (0, 2] (0.5 = square-root law)");
  }
  if (adv_window < 2) return Status::invalid("costs: adv_window must be ≥ 2 periods");
  if (!nonneg(min_trade_value)) return Status::invalid("costs: min_trade_value must be ≥ 0");
  KEEL_RETURN_IF_ERROR(check_rate(short_rate, "short_rate"));
  KEEL_RETURN_IF_ERROR(check_rate(borrow_rate, "borrow_rate"));
  KEEL_RETURN_IF_ERROR(check_rate(cash_rate, "cash_rate"));
  return Status::ok();
}

CostBreakdown& CostBreakdown::operator+=(const CostBreakdown& other) {
  fees += other.fees;
  spread += other.spread;
  impact += other.impact;
  financing += other.financing;
  return *this;
}

CostBreakdown trade_cost(double notional, const TradeCostInputs& inputs, const CostModel& model) {
  CostBreakdown cost;
  const double size = std::abs(notional);
  if (size == 0.0) return cost;
  cost.fees = size * model.fee_bps * 1e-4;
  cost.spread = size * inputs.half_spread;
  if (model.has_impact() && inputs.adv > 0.0 && inputs.volatility > 0.0) {
    cost.impact = model.impact_coefficient * inputs.volatility * size *
                  std::pow(size / inputs.adv, model.impact_exponent);
  }
  return cost;
}

}  // namespace keel
