#include "keel/defi/perpetual.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace keel {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

Status check_mark(const PerpPosition& position, double mark_price) {
  if (std::isfinite(mark_price) && mark_price > 0.0) return Status::ok();
  return Status::invalid(fmt::format(
      "mark_price of the perpetual on '{}' must be a finite number > 0 (got {}): give the mark "
      "price in quote per coin",
      position.underlying, mark_price));
}

bool is_inverse(const PerpPosition& position) {
  return position.settlement == Settlement::kInverse;
}

// Unrealised P&L in the settlement currency (quote for linear, coin for inverse).
double unrealised_pnl(const PerpPosition& position, double mark_price) {
  const double size = position.contracts * position.contract_size;
  return is_inverse(position) ? size * (1.0 / position.entry_price - 1.0 / mark_price)
                              : size * (mark_price - position.entry_price);
}

// Funding paid for one interval at `rate` (settlement currency, + = the holder pays).
double payment(const PerpPosition& position, double mark_price, double rate) {
  const double size = position.contracts * position.contract_size;
  return is_inverse(position) ? rate * size / mark_price : rate * size * mark_price;
}

}  // namespace

Status validate_perp_position(const PerpPosition& p) {
  const std::string_view currency = is_inverse(p) ? "coin" : "quote currency";
  if (!(std::isfinite(p.contract_size) && p.contract_size > 0.0))
    return Status::invalid(fmt::format(
        "PerpPosition.contract_size of '{}' must be > 0 (got {}): coins per contract for linear "
        "perpetuals (e.g. 0.001), quote currency per contract for inverse ones (e.g. 100 USD)",
        p.underlying, p.contract_size));
  if (!std::isfinite(p.contracts))
    return Status::invalid(fmt::format(
        "PerpPosition.contracts of '{}' must be finite (got {}): signed, negative = short",
        p.underlying, p.contracts));
  if (!(std::isfinite(p.entry_price) && p.entry_price > 0.0))
    return Status::invalid(fmt::format(
        "PerpPosition.entry_price of '{}' must be > 0 (got {}): the average entry price in quote "
        "per coin",
        p.underlying, p.entry_price));
  if (!(std::isfinite(p.margin) && p.margin >= 0.0))
    return Status::invalid(fmt::format(
        "PerpPosition.margin of '{}' must be >= 0 (got {}): the posted margin in {} (for cross "
        "margin the account balance)",
        p.underlying, p.margin, currency));
  if (!(p.maintenance_margin_rate >= 0.0 && p.maintenance_margin_rate < 1.0))
    return Status::invalid(fmt::format(
        "PerpPosition.maintenance_margin_rate of '{}' must be in [0, 1) (got {}): a fraction of "
        "notional, e.g. 0.005 for 0.5%",
        p.underlying, p.maintenance_margin_rate));
  if (!(std::isfinite(p.maintenance_amount) && p.maintenance_amount >= 0.0))
    return Status::invalid(fmt::format(
        "PerpPosition.maintenance_amount of '{}' must be >= 0 (got {}): Binance's maintenance "
        "amount of the position's tier in {}, 0 for a flat rate",
        p.underlying, p.maintenance_amount, currency));
  if (!std::isfinite(p.funding_rate))
    return Status::invalid(fmt::format(
        "PerpPosition.funding_rate of '{}' must be finite (got {}): a fraction per funding "
        "interval, e.g. 0.0001",
        p.underlying, p.funding_rate));
  if (!(std::isfinite(p.funding_interval_hours) && p.funding_interval_hours > 0.0))
    return Status::invalid(fmt::format(
        "PerpPosition.funding_interval_hours of '{}' must be > 0 (got {}): 8 on most venues",
        p.underlying, p.funding_interval_hours));
  return Status::ok();
}

Result<PerpMarks> mark_perp(const PerpPosition& position, double mark_price) {
  KEEL_RETURN_IF_ERROR(validate_perp_position(position));
  KEEL_RETURN_IF_ERROR(check_mark(position, mark_price));
  const double size = position.contracts * position.contract_size;  // signed n c
  PerpMarks marks;
  if (is_inverse(position)) {
    marks.position_coins = size / mark_price;
    marks.notional = std::abs(size);
    marks.unrealised_pnl = unrealised_pnl(position, mark_price);
    marks.unrealised_pnl_quote = marks.unrealised_pnl * mark_price;
    marks.maintenance_margin = std::abs(size) / mark_price * position.maintenance_margin_rate -
                               position.maintenance_amount;
  } else {
    marks.position_coins = size;
    marks.notional = std::abs(size) * mark_price;
    marks.unrealised_pnl = unrealised_pnl(position, mark_price);
    marks.unrealised_pnl_quote = marks.unrealised_pnl;
    marks.maintenance_margin =
        marks.notional * position.maintenance_margin_rate - position.maintenance_amount;
  }
  marks.equity = position.margin + marks.unrealised_pnl;
  marks.margin_ratio = marks.equity > 0.0 ? marks.maintenance_margin / marks.equity : kInfinity;
  marks.funding_payment = payment(position, mark_price, position.funding_rate);
  return marks;
}

Result<double> liquidation_price(const PerpPosition& position) {
  KEEL_RETURN_IF_ERROR(validate_perp_position(position));
  if (position.contracts == 0.0)
    return Status::invalid(
        fmt::format("PerpPosition.contracts of '{}' is 0: a flat position has no liquidation price",
                    position.underlying));
  const double side = position.contracts > 0.0 ? 1.0 : -1.0;
  const double q = std::abs(position.contracts) * position.contract_size;
  const double m = position.maintenance_margin_rate;
  const double wallet = position.margin + position.maintenance_amount;  // WB + cum
  const double entry = position.entry_price;
  double price = 0.0;
  if (is_inverse(position)) {
    // margin + s Q (1/E − 1/P) = Q m / P − a   ⇔   P = Q (m + s) / (M + a + s Q / E)
    // A long's denominator is positive. A short's numerator is negative, so it has a positive
    // liquidation price only when M + a < Q / E; otherwise its coin margin covers any rise.
    const double denominator = wallet + side * q / entry;
    if (side < 0.0 && !(denominator < 0.0)) return kInfinity;
    price = q * (m + side) / denominator;
  } else {
    // margin + s Q (P − E) = Q P m − a   ⇔   P = (M + a − s Q E) / (Q m − s Q)
    price = (wallet - side * q * entry) / (q * m - side * q);
  }
  if (side > 0.0 && !(price > 0.0)) return 0.0;  // no positive price liquidates the long
  return price;
}

Result<double> funding_payment(const PerpPosition& position, double mark_price,
                               double rate_per_interval) {
  KEEL_RETURN_IF_ERROR(validate_perp_position(position));
  KEEL_RETURN_IF_ERROR(check_mark(position, mark_price));
  if (!std::isfinite(rate_per_interval))
    return Status::invalid(
        fmt::format("rate_per_interval must be finite (got {}): a fraction per funding interval",
                    rate_per_interval));
  return payment(position, mark_price, rate_per_interval);
}

Result<double> funding_cost(const PerpPosition& position, double mark_price, double horizon_hours) {
  KEEL_RETURN_IF_ERROR(validate_perp_position(position));
  KEEL_RETURN_IF_ERROR(check_mark(position, mark_price));
  if (!(std::isfinite(horizon_hours) && horizon_hours >= 0.0))
    return Status::invalid(
        fmt::format("horizon_hours must be a finite number >= 0 (got {}): e.g. 24 * 30 for 30 days",
                    horizon_hours));
  return payment(position, mark_price, position.funding_rate) * horizon_hours /
         position.funding_interval_hours;
}

Result<double> funding_cost(const PerpPosition& position, double mark_price,
                            std::span<const double> rates, FundingSeriesKind kind) {
  KEEL_RETURN_IF_ERROR(validate_perp_position(position));
  KEEL_RETURN_IF_ERROR(check_mark(position, mark_price));
  double total_rate = 0.0;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    if (!std::isfinite(rates[i]))
      return Status::invalid(fmt::format(
          "funding rate series entry {} is {}: fill or drop missing funding rates first", i,
          rates[i]));
    total_rate += rates[i];
  }
  double intervals_per_entry = 1.0;
  if (kind == FundingSeriesKind::kDailyMeanRate) {
    intervals_per_entry = 24.0 / position.funding_interval_hours;
  }
  return payment(position, mark_price, total_rate * intervals_per_entry);
}

double annualised_funding_rate(double rate_per_interval, double interval_hours) {
  return rate_per_interval * 365.0 * 24.0 / interval_hours;
}

Result<PositionValue> value_perp(const PerpPosition& position, double mark_price) {
  KEEL_RETURN_IF_ERROR(validate_perp_position(position));
  KEEL_RETURN_IF_ERROR(check_mark(position, mark_price));
  const double size = position.contracts * position.contract_size;
  PositionValue value;
  value.value = perp_value_unchecked(position, mark_price);
  const double delta = is_inverse(position) ? position.margin + size / position.entry_price : size;
  value.exposures.push_back({position.underlying, delta, 0.0});
  return value;
}

double perp_value_unchecked(const PerpPosition& position, double mark_price) {
  const double equity = position.margin + unrealised_pnl(position, mark_price);
  return is_inverse(position) ? equity * mark_price : equity;
}

double funding_paid_quote_unchecked(const PerpPosition& position, double mark_price,
                                    double horizon_hours) {
  const double paid = payment(position, mark_price, position.funding_rate) * horizon_hours /
                      position.funding_interval_hours;
  return is_inverse(position) ? paid * mark_price : paid;
}

Result<double> min_variance_hedge_ratio(double rho, double sigma_spot, double sigma_future) {
  if (!(rho >= -1.0 && rho <= 1.0))
    return Status::invalid(fmt::format("rho must be a correlation in [-1, 1] (got {})", rho));
  if (!(std::isfinite(sigma_spot) && sigma_spot >= 0.0))
    return Status::invalid(fmt::format(
        "sigma_spot must be a finite standard deviation >= 0 (got {}): of spot price changes "
        "over the hedge horizon",
        sigma_spot));
  if (!(std::isfinite(sigma_future) && sigma_future > 0.0))
    return Status::invalid(fmt::format(
        "sigma_future must be a finite standard deviation > 0 (got {}): of futures price "
        "changes over the hedge horizon",
        sigma_future));
  return rho * sigma_spot / sigma_future;
}

}  // namespace keel
