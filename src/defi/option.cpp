#include "keel/defi/option.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string_view>

#include "keel/estimate/distributions.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status require_positive(std::string_view owner, std::string_view field, double value,
                        std::string_view hint) {
  if (std::isfinite(value) && value > 0.0) return Status::ok();
  return Status::invalid(
      fmt::format("{}.{} must be a finite number > 0 (got {}): {}", owner, field, value, hint));
}

Status require_finite(std::string_view owner, std::string_view field, double value,
                      std::string_view hint) {
  if (std::isfinite(value)) return Status::ok();
  return Status::invalid(
      fmt::format("{}.{} must be finite (got {}): {}", owner, field, value, hint));
}

// The Black-76 price alone (no greeks) of one option at many forwards, what scenario revaluation
// needs: the constants of the formula (ln K, σ√τ, the discount) computed once, and ln F passed in
// so that options on one underlying share it. Far from the money both terms are tiny and their
// difference can round below the no-arbitrage bound (even to a negative price); the bound is the
// value there.
class Black76Pricer {
 public:
  Black76Pricer(OptionType type, double strike, double tau, double sigma, double rate)
      : call_(type == OptionType::kCall),
        strike_(strike),
        log_strike_(std::log(strike)),
        total_vol_(sigma * std::sqrt(tau)),
        half_variance_(0.5 * total_vol_ * total_vol_),
        discount_(rate == 0.0 ? 1.0 : std::exp(-rate * tau)) {}

  // The price at `forward`, with log_forward = ln forward.
  double operator()(double forward, double log_forward) const {
    const double d1 = (log_forward - log_strike_ + half_variance_) / total_vol_;
    const double d2 = d1 - total_vol_;
    const double price = call_ ? forward * normal_cdf(d1) - strike_ * normal_cdf(d2)
                               : strike_ * normal_cdf(-d2) - forward * normal_cdf(-d1);
    const double intrinsic =
        call_ ? std::max(forward - strike_, 0.0) : std::max(strike_ - forward, 0.0);
    return discount_ * std::max(price, intrinsic);
  }

 private:
  bool call_;
  double strike_;
  double log_strike_;
  double total_vol_;
  double half_variance_;
  double discount_;
};

double black76_price_unchecked(OptionType type, double forward, double strike, double tau,
                               double sigma, double rate) {
  return Black76Pricer(type, strike, tau, sigma, rate)(forward, std::log(forward));
}

OptionGreeks black76_unchecked(OptionType type, double forward, double strike, double tau,
                               double sigma, double rate) {
  const double sqrt_tau = std::sqrt(tau);
  const double total_vol = sigma * sqrt_tau;
  const double d1 = (std::log(forward / strike) + 0.5 * total_vol * total_vol) / total_vol;
  const double discount = std::exp(-rate * tau);
  const double density = normal_pdf(d1);
  OptionGreeks g;
  g.price = black76_price_unchecked(type, forward, strike, tau, sigma, rate);
  g.delta = type == OptionType::kCall ? discount * normal_cdf(d1) : -discount * normal_cdf(-d1);
  g.gamma = discount * density / (forward * total_vol);
  g.vega = discount * forward * density * sqrt_tau;
  g.theta = rate * g.price - discount * forward * density * sigma / (2.0 * sqrt_tau);
  g.rho = -tau * g.price;
  return g;
}

// The undiscounted Black price and its σ-derivative, for the implied-volatility search.
struct UndiscountedBlack {
  double price;
  double vega;
};

UndiscountedBlack undiscounted_black(OptionType type, double forward, double strike, double tau,
                                     double sigma) {
  const double sqrt_tau = std::sqrt(tau);
  const double total_vol = sigma * sqrt_tau;
  if (!(total_vol > 0.0)) {
    const double intrinsic = type == OptionType::kCall ? std::max(forward - strike, 0.0)
                                                       : std::max(strike - forward, 0.0);
    return {intrinsic, 0.0};
  }
  const double d1 = (std::log(forward / strike) + 0.5 * total_vol * total_vol) / total_vol;
  const double d2 = d1 - total_vol;
  const double price = type == OptionType::kCall
                           ? forward * normal_cdf(d1) - strike * normal_cdf(d2)
                           : strike * normal_cdf(-d2) - forward * normal_cdf(-d1);
  return {price, forward * normal_pdf(d1) * sqrt_tau};
}

}  // namespace

Status BlackScholesInputs::validate() const {
  constexpr std::string_view kOwner = "BlackScholesInputs";
  KEEL_RETURN_IF_ERROR(
      require_positive(kOwner, "spot", spot, "give the spot price in quote units"));
  KEEL_RETURN_IF_ERROR(
      require_positive(kOwner, "strike", strike, "give the strike in the spot's units"));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "time_to_expiry", time_to_expiry,
                                        "an expired option is valued by its payoff"));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "volatility", volatility,
                                        "give an annual fraction, e.g. 0.6 for 60%"));
  KEEL_RETURN_IF_ERROR(require_finite(kOwner, "rate", rate, "give an annual fraction"));
  KEEL_RETURN_IF_ERROR(
      require_finite(kOwner, "carry_yield", carry_yield, "give an annual fraction (0 if none)"));
  return Status::ok();
}

Status Black76Inputs::validate() const {
  constexpr std::string_view kOwner = "Black76Inputs";
  KEEL_RETURN_IF_ERROR(
      require_positive(kOwner, "forward", forward, "give the forward price in quote units"));
  KEEL_RETURN_IF_ERROR(
      require_positive(kOwner, "strike", strike, "give the strike in the forward's units"));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "time_to_expiry", time_to_expiry,
                                        "an expired option is valued by its payoff"));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "volatility", volatility,
                                        "give an annual fraction, e.g. 0.6 for 60%"));
  KEEL_RETURN_IF_ERROR(require_finite(kOwner, "rate", rate, "give an annual fraction"));
  return Status::ok();
}

double forward_price(double spot, double rate, double carry_yield, double time_to_expiry) {
  return spot * std::exp((rate - carry_yield) * time_to_expiry);
}

Result<OptionGreeks> black76(const Black76Inputs& inputs) {
  KEEL_RETURN_IF_ERROR(inputs.validate());
  return black76_unchecked(inputs.type, inputs.forward, inputs.strike, inputs.time_to_expiry,
                           inputs.volatility, inputs.rate);
}

Result<OptionGreeks> black_scholes_merton(const BlackScholesInputs& inputs) {
  KEEL_RETURN_IF_ERROR(inputs.validate());
  const double tau = inputs.time_to_expiry;
  const double growth = std::exp((inputs.rate - inputs.carry_yield) * tau);
  const double forward = inputs.spot * growth;
  // V(S, r, q) = B(F(S, r, q), r) with F = S e^{(r−q)τ}: the chain rule turns Black-76's
  // F-greeks (F fixed in theta and rho) into the spot greeks.
  const OptionGreeks b =
      black76_unchecked(inputs.type, forward, inputs.strike, tau, inputs.volatility, inputs.rate);
  const double forward_delta_term = b.delta * forward;  // ∂B/∂F · F
  OptionGreeks g;
  g.price = b.price;
  g.delta = b.delta * growth;
  g.gamma = b.gamma * growth * growth;
  g.vega = b.vega;
  g.theta = b.theta - (inputs.rate - inputs.carry_yield) * forward_delta_term;  // ∂F/∂τ = (r−q)F
  g.rho = b.rho + tau * forward_delta_term;                                     // ∂F/∂r = τF
  g.yield_rho = -tau * forward_delta_term;  // ∂F/∂q = −τF
  return g;
}

Status ImpliedVolatilityOptions::validate() const {
  if (!(volatility_tolerance > 0.0 && volatility_tolerance <= 0.01))
    return Status::invalid(fmt::format(
        "ImpliedVolatilityOptions.volatility_tolerance must be in (0, 0.01] (got {}): the "
        "default 1e-12 suits most uses",
        volatility_tolerance));
  if (!(price_tolerance >= 0.0 && price_tolerance <= 1e-3))
    return Status::invalid(fmt::format(
        "ImpliedVolatilityOptions.price_tolerance must be in [0, 1e-3] (got {}): the default "
        "1e-14 is relative to the price",
        price_tolerance));
  if (max_iterations < 1 || max_iterations > 10000)
    return Status::invalid(fmt::format(
        "ImpliedVolatilityOptions.max_iterations must be in [1, 10000] (got {})", max_iterations));
  return Status::ok();
}

Status ImpliedVolatilityQuery::validate() const {
  constexpr std::string_view kOwner = "ImpliedVolatilityQuery";
  if (!(std::isfinite(price) && price >= 0.0))
    return Status::invalid(fmt::format(
        "ImpliedVolatilityQuery.price must be a finite number >= 0 (got {}): give the discounted "
        "option price in quote units per unit of underlying",
        price));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "forward", forward,
                                        "for a spot price pass forward_price(S, r, q, tau)"));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "strike", strike, "give the strike"));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "time_to_expiry", time_to_expiry,
                                        "an expired option has no implied volatility"));
  KEEL_RETURN_IF_ERROR(require_finite(kOwner, "rate", rate, "give an annual fraction"));
  return Status::ok();
}

Result<ImpliedVolatilityResult> implied_volatility(const ImpliedVolatilityQuery& query,
                                                   const ImpliedVolatilityOptions& options) {
  KEEL_RETURN_IF_ERROR(query.validate());
  KEEL_RETURN_IF_ERROR(options.validate());
  const double tau = query.time_to_expiry;
  const double forward = query.forward;
  const double strike = query.strike;
  const double target = query.price * std::exp(query.rate * tau);  // undiscounted price
  const bool is_call = query.type == OptionType::kCall;
  const double intrinsic =
      is_call ? std::max(forward - strike, 0.0) : std::max(strike - forward, 0.0);
  const double upper = is_call ? forward : strike;

  ImpliedVolatilityResult result;
  if (!(target > intrinsic)) {
    result.status = ImpliedVolatilityStatus::kBelowIntrinsic;
    return result;
  }
  if (!(target < upper)) {
    result.status = ImpliedVolatilityStatus::kAboveMaximum;
    return result;
  }

  // Solve on the out-of-the-money side (put–call parity moves the intrinsic value out), so the
  // target is pure time value and no digits are lost to it.
  OptionType otm_type = query.type;
  double otm_target = target;
  if (intrinsic > 0.0) {
    otm_type = is_call ? OptionType::kPut : OptionType::kCall;
    otm_target = target - intrinsic;
  }
  auto f = [&](double sigma) {
    const UndiscountedBlack b = undiscounted_black(otm_type, forward, strike, tau, sigma);
    return UndiscountedBlack{b.price - otm_target, b.vega};
  };

  const double sqrt_tau = std::sqrt(tau);
  double lo = 0.0;
  double hi = 1.0 / sqrt_tau;  // total volatility 1
  // Total volatility 40 prices the option at its upper bound to double precision.
  const double hi_limit = 40.0 / sqrt_tau;
  while (f(hi).price < 0.0) {
    lo = hi;
    hi *= 2.0;
    if (hi > hi_limit) {
      result.status = ImpliedVolatilityStatus::kAboveMaximum;  // within rounding of the bound
      return result;
    }
  }

  // Start at the inflection point of the price in σ (maximum vega) when it lies in the bracket:
  // Newton from there moves monotonically towards the root.
  const double log_moneyness = std::abs(std::log(forward / strike));
  double sigma = std::sqrt(2.0 * log_moneyness / tau);
  if (!(sigma > lo && sigma < hi)) {
    const double brenner = std::sqrt(2.0 * std::numbers::pi / tau) * otm_target / forward;
    sigma = brenner > lo && brenner < hi ? brenner : 0.5 * (lo + hi);
  }

  const double price_scale = std::max(otm_target, 1e-300);
  result.status = ImpliedVolatilityStatus::kIterationLimit;
  for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
    result.iterations = iteration;
    const UndiscountedBlack value = f(sigma);
    if (std::abs(value.price) <= options.price_tolerance * price_scale) {
      result.status = ImpliedVolatilityStatus::kConverged;
      break;
    }
    if (value.price < 0.0) {
      lo = sigma;
    } else {
      hi = sigma;
    }
    double next = value.vega > 0.0 ? sigma - value.price / value.vega : kNaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const double step = std::abs(next - sigma);
    sigma = next;
    if (step <= options.volatility_tolerance || hi - lo <= options.volatility_tolerance) {
      result.status = ImpliedVolatilityStatus::kConverged;
      break;
    }
  }
  result.volatility = sigma;
  result.price_error =
      black76_unchecked(query.type, forward, strike, tau, sigma, query.rate).price - query.price;
  return result;
}

Result<InverseOptionGreeks> inverse_option(const Black76Inputs& inputs) {
  auto quote = black76(inputs);
  if (!quote) return quote.status();
  const double s = inputs.forward;
  const OptionGreeks& q = *quote;
  InverseOptionGreeks g;
  g.quote = q;
  g.price_coin = q.price / s;
  g.delta_coin = q.delta / s - q.price / (s * s);
  g.gamma_coin = q.gamma / s - 2.0 * q.delta / (s * s) + 2.0 * q.price / (s * s * s);
  g.premium_adjusted_delta = q.delta - g.price_coin;
  g.vega_coin = q.vega / s;
  g.theta_coin = q.theta / s;
  g.rho_coin = q.rho / s;
  return g;
}

double years_to_expiry(Timestamp expiry, Timestamp now) {
  return static_cast<double>(expiry - now) / kSecondsPerOptionYear;
}

Status validate_option_position(const OptionPosition& position) {
  constexpr std::string_view kOwner = "OptionPosition";
  KEEL_RETURN_IF_ERROR(
      require_positive(kOwner, "strike", position.strike, "give the strike in quote per coin"));
  KEEL_RETURN_IF_ERROR(require_positive(kOwner, "implied_volatility", position.implied_volatility,
                                        "give an annual fraction, e.g. 0.6 for 60%"));
  KEEL_RETURN_IF_ERROR(require_finite(kOwner, "quantity", position.quantity,
                                      "give signed coins of underlying (negative = short)"));
  KEEL_RETURN_IF_ERROR(require_finite(kOwner, "premium_paid", position.premium_paid,
                                      "give the premium per coin in the settlement currency"));
  KEEL_RETURN_IF_ERROR(
      require_finite(kOwner, "rate", position.rate, "give an annual fraction (0 for none)"));
  return Status::ok();
}

Result<PositionValue> value_option(const OptionPosition& position, double underlying_price,
                                   Timestamp now) {
  if (now >= position.expiry)
    return Status::invalid(fmt::format(
        "the option on '{}' (strike {}) expired on {} (valuation time {}): remove it from the "
        "book or roll it into a live expiry (option_payoff() gives what it paid)",
        position.underlying, position.strike, format_timestamp(position.expiry),
        format_timestamp(now)));
  KEEL_RETURN_IF_ERROR(validate_option_position(position));
  if (!(std::isfinite(underlying_price) && underlying_price > 0.0))
    return Status::invalid(fmt::format(
        "underlying_price of the option on '{}' must be a finite number > 0 (got {}): give the "
        "price in quote per coin",
        position.underlying, underlying_price));

  const double tau = years_to_expiry(position.expiry, now);
  // Linear and inverse options have the same value and greeks in the quote currency (see the
  // header): V_quote = V_coin · S = V.
  const OptionGreeks g = black76_unchecked(position.type, underlying_price, position.strike, tau,
                                           position.implied_volatility, position.rate);
  PositionValue value;
  value.value = position.quantity * g.price;
  value.exposures.push_back(
      {position.underlying, position.quantity * g.delta, position.quantity * g.gamma});
  value.vega = position.quantity * g.vega;
  value.theta = position.quantity * g.theta;
  return value;
}

double option_value_unchecked(const OptionPosition& position, double underlying_price,
                              Timestamp now) {
  if (now >= position.expiry) return option_payoff(position, underlying_price);
  return position.quantity * black76_price_unchecked(position.type, underlying_price,
                                                     position.strike,
                                                     years_to_expiry(position.expiry, now),
                                                     position.implied_volatility, position.rate);
}

void option_values_unchecked(const OptionPosition& position,
                             std::span<const double> underlying_prices,
                             std::span<const double> log_prices, Timestamp now,
                             std::span<double> values) {
  const std::size_t count = underlying_prices.size();
  if (now >= position.expiry) {
    for (std::size_t s = 0; s < count; ++s)
      values[s] = option_payoff(position, underlying_prices[s]);
    return;
  }
  const Black76Pricer price(position.type, position.strike, years_to_expiry(position.expiry, now),
                            position.implied_volatility, position.rate);
  for (std::size_t s = 0; s < count; ++s) {
    values[s] = position.quantity * price(underlying_prices[s], log_prices[s]);
  }
}

double option_payoff(const OptionPosition& position, double underlying_price) {
  if (!(std::isfinite(underlying_price) && underlying_price > 0.0)) return kNaN;
  const double intrinsic = position.type == OptionType::kCall
                               ? std::max(underlying_price - position.strike, 0.0)
                               : std::max(position.strike - underlying_price, 0.0);
  return position.quantity * intrinsic;
}

double option_payoff_in_settlement_currency(const OptionPosition& position,
                                            double underlying_price) {
  const double quote = option_payoff(position, underlying_price);
  return position.settlement == Settlement::kInverse ? quote / underlying_price : quote;
}

}  // namespace keel
