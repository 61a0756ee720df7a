#pragma once
// European options: Black–Scholes–Merton on a spot price, Black-76 on a forward price, implied
// volatility, coin-settled ("inverse", Deribit-style) options, and the valuation of an
// OptionPosition of a book (docs/positions_derivatives.md).
//
// Notation: S spot, F forward, K strike, τ time to expiry in years of 365 days, σ annual
// volatility, r continuously compounded rate, q continuous dividend / carry yield, N the standard
// normal CDF, φ its density, d1 = (ln(F/K) + σ²τ/2) / (σ√τ), d2 = d1 − σ√τ with F = S e^{(r−q)τ}.
//
//   Black–Scholes–Merton (Merton 1973; Haug, The Complete Guide to Option Pricing Formulas, 2nd
//   ed. 2007, ch. 1):  call = S e^{−qτ} N(d1) − K e^{−rτ} N(d2)
//                       put  = K e^{−rτ} N(−d2) − S e^{−qτ} N(−d1)
//   Black-76 (Black 1976, "The pricing of commodity contracts"):
//                       call = e^{−rτ} [F N(d1) − K N(d2)],  put = e^{−rτ} [K N(−d2) − F N(−d1)]
//   Put–call parity:    call − put = S e^{−qτ} − K e^{−rτ}  (BSM),  e^{−rτ} (F − K)  (Black-76).
//
// Greek conventions (every greek is a plain partial derivative, no per-day or per-percent
// scaling; divide vega by 100 for "per vol point", theta by 365 for "per day"):
//   delta  ∂V/∂S for BSM (the spot is the variable, q and r fixed); ∂V/∂F for Black-76 (the
//          forward is the variable). Black-76 delta = e^{−rτ} N(d1) (call), −e^{−rτ} N(−d1) (put).
//   gamma  ∂²V/∂S² (BSM), ∂²V/∂F² (Black-76).
//   vega   ∂V/∂σ per 1.00 of volatility (σ = 0.60 → 0.61 changes V by about vega/100).
//   theta  ∂V/∂t per year of calendar time: −∂V/∂τ with S (BSM) or F (Black-76) held fixed.
//          This is QuantLib's theta(); QuantLib's thetaPerDay() is theta/365.
//   rho    ∂V/∂r per 1.00 of rate (divide by 100 for per percentage point). BSM: S and q fixed,
//          = K τ e^{−rτ} N(d2) (call). Black-76: F fixed, so only discounting moves: rho = −τ V.
//   yield_rho  ∂V/∂q (BSM; QuantLib's dividendRho) = −τ S e^{−qτ} N(d1) (call); 0 for Black-76.
//
// py_vollib's conventions differ (its analytical greeks): theta per day (÷365), vega and rho per
// percentage point (×0.01); its Black-76 delta and rho are ours (F fixed).

#include <limits>
#include <span>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/core/time.hpp"
#include "keel/defi/position.hpp"

namespace keel {

// Seconds in the option year (365 days of 86 400 s: crypto trades every day).
inline constexpr double kSecondsPerOptionYear = 365.0 * 86400.0;

// A price and its greeks (conventions above). Black-76 leaves yield_rho at 0.
struct OptionGreeks {
  double price = 0.0;
  double delta = 0.0;
  double gamma = 0.0;
  double vega = 0.0;
  double theta = 0.0;
  double rho = 0.0;
  double yield_rho = 0.0;
};

// Inputs of Black–Scholes–Merton on a spot price.
struct BlackScholesInputs {
  OptionType type = OptionType::kCall;
  double spot = 0.0;            // S > 0, quote per unit of underlying
  double strike = 0.0;          // K > 0, same units
  double time_to_expiry = 0.0;  // τ > 0, years of 365 days
  double volatility = 0.0;      // σ > 0, annual fraction
  double rate = 0.0;            // r, annual, continuous (any sign)
  double carry_yield = 0.0;     // q, annual, continuous (dividend yield, or the foreign rate)
  // Every field finite; spot, strike, time_to_expiry and volatility > 0.
  Status validate() const;
};

// Inputs of Black-76 on a forward (futures) price.
struct Black76Inputs {
  OptionType type = OptionType::kCall;
  double forward = 0.0;         // F > 0, the forward of the option's expiry, quote per unit
  double strike = 0.0;          // K > 0
  double time_to_expiry = 0.0;  // τ > 0, years of 365 days
  double volatility = 0.0;      // σ > 0
  double rate = 0.0;            // r for discounting the payoff from expiry to today
  Status validate() const;
};

Result<OptionGreeks> black_scholes_merton(const BlackScholesInputs& inputs);
Result<OptionGreeks> black76(const Black76Inputs& inputs);

// F = S e^{(r − q) τ}: the forward that makes black76() equal black_scholes_merton().
double forward_price(double spot, double rate, double carry_yield, double time_to_expiry);

// ----------------------------------------------------------------------------------------------
// Implied volatility

enum class ImpliedVolatilityStatus {
  kConverged,       // volatility reproduces the price to the tolerance
  kBelowIntrinsic,  // price ≤ the no-arbitrage lower bound e^{−rτ} max(±(F − K), 0): no σ > 0
  kAboveMaximum,  // price ≥ the upper bound e^{−rτ} F (call) / e^{−rτ} K (put): no finite σ
  kIterationLimit,  // the bracketed search ran out of iterations (volatility is the last iterate)
};

struct ImpliedVolatilityOptions {
  // Stop when the bracket on σ is narrower than this, or the price matches to
  // price_tolerance. Default 1e-12 (absolute, in volatility units); range (0, 0.01].
  double volatility_tolerance = 1e-12;
  // Stop when |model price − price| ≤ price_tolerance × max(price, 1e-300). Default 1e-14
  // (relative). Range [0, 1e-3].
  double price_tolerance = 1e-14;
  // Iteration cap of the safeguarded Newton/bisection search. Default 100; range [1, 10 000].
  int max_iterations = 100;
  Status validate() const;
};

// An option price to invert, quoted on the forward of its expiry (Black-76). For a spot-quoted
// option pass forward = forward_price(S, r, q, τ): BSM and Black-76 share one implied volatility.
struct ImpliedVolatilityQuery {
  OptionType type = OptionType::kCall;
  double price = 0.0;           // the discounted option price, quote per unit, ≥ 0
  double forward = 0.0;         // F > 0
  double strike = 0.0;          // K > 0
  double time_to_expiry = 0.0;  // τ > 0, years
  double rate = 0.0;            // r for discounting
  Status validate() const;
};

struct ImpliedVolatilityResult {
  ImpliedVolatilityStatus status = ImpliedVolatilityStatus::kIterationLimit;
  // The implied volatility when converged (or the last iterate at the iteration limit); NaN when
  // the price is outside the no-arbitrage bounds.
  double volatility = std::numeric_limits<double>::quiet_NaN();
  int iterations = 0;
  // model price at `volatility` minus the query's price; NaN when volatility is NaN.
  double price_error = std::numeric_limits<double>::quiet_NaN();
  bool is_usable() const { return status == ImpliedVolatilityStatus::kConverged; }
};

// Inverts Black-76 for σ: Newton steps on the undiscounted price, safeguarded by a bracket
// [σ_lo, σ_hi] that always contains the root (a step that leaves the bracket, or does not shrink
// it fast enough, is replaced by bisection), the bracket's upper end found by doubling from 1.
// The price is a strictly increasing function of σ between the bounds, so the root is unique.
// A call error (Status::invalid) only for malformed queries; prices outside the no-arbitrage
// bounds are a status of the result.
Result<ImpliedVolatilityResult> implied_volatility(const ImpliedVolatilityQuery& query,
                                                   const ImpliedVolatilityOptions& options = {});

// ----------------------------------------------------------------------------------------------
// Coin-settled (inverse) options, Deribit-style: the payoff max(±(S_T − K), 0) is paid in coin
// at the settlement price, i.e. max(±(S_T − K), 0) / S_T coins, and premiums are quoted in coin,
// premium_coin = V / S with V the quote-currency (Black-76) price and S the index.
//
// A quote-currency investor values the position at V_quote = V_coin · S = V: the coin payoff
// converted at S_T is exactly the linear payoff, so in quote terms an inverse option has the
// linear option's value and greeks:
//   ∂V_quote/∂S = V_coin + S ∂V_coin/∂S = V/S + S (Δ/S − V/S²) = Δ,   ∂²V_quote/∂S² = Γ.
// In coin terms (the value of the option measured in coins, V_coin = V/S, with S = F the price
// the option is quoted on):
//   delta_coin = ∂V_coin/∂S = Δ/S − V/S²               (coins per quote unit)
//   gamma_coin = ∂²V_coin/∂S² = Γ/S − 2Δ/S² + 2V/S³
//   premium_adjusted_delta = S · delta_coin = Δ − V_coin (coins of underlying): Deribit's "Net
//     Transaction Delta (or price adjusted delta) = Black Scholes Delta − Mark Price of Options",
//     the delta net of the premium's own coin exposure
//   vega_coin = vega/S, theta_coin = theta/S, rho_coin = rho/S (S held fixed).
struct InverseOptionGreeks {
  OptionGreeks quote;  // V, Δ, Γ, vega, theta, rho in the quote currency (Black-76 on S)
  double price_coin = 0.0;
  double delta_coin = 0.0;
  double gamma_coin = 0.0;
  double premium_adjusted_delta = 0.0;
  double vega_coin = 0.0;
  double theta_coin = 0.0;
  double rho_coin = 0.0;
};

// The inputs' forward is also the price S the coin premium is divided by. Deribit computes implied
// volatility on the forward but converts quote prices to coin at the index; with a basis between
// them pass the forward here and rescale price_coin by forward / index.
Result<InverseOptionGreeks> inverse_option(const Black76Inputs& inputs);

// ----------------------------------------------------------------------------------------------
// Positions

// Years from `now` to `expiry` (365-day years); negative after expiry.
double years_to_expiry(Timestamp expiry, Timestamp now);

// Every field of the position checked (strike and implied_volatility > 0; quantity, premium_paid
// and rate finite); the message names the field and a fix. value_option() and Book::validate()
// call it.
Status validate_option_position(const OptionPosition& position);

// The value and greeks of an option position in the quote currency at `underlying_price`.
//
// Model: Black-76 with F = underlying_price, i.e. the price the option is written on is taken as
// the forward of its expiry (Deribit prices its options on the synthetic future of the same
// expiry); the payoff is discounted at position.rate. With rate = 0 spot and forward coincide.
// For a spot S with carry, pass forward_price(S, r, q, τ) (and scale delta by ∂F/∂S).
//
//   value  = quantity · V            (linear: V in quote per coin; inverse: V_coin · S = V)
//   exposures = { {underlying, quantity · Δ, quantity · Γ} }  (∂/∂underlying_price, quote terms)
//   vega   = quantity · ∂V/∂σ        (per 1.00 of vol),  theta = quantity · ∂V/∂t (per year)
//
// Errors (Status::invalid, naming the field): now ≥ expiry ("expired on <date>": use
// option_payoff), strike, implied_volatility or underlying_price not > 0, non-finite quantity or
// rate. quantity = 0 is valid and values to 0.
Result<PositionValue> value_option(const OptionPosition& position, double underlying_price,
                                   Timestamp now);

// The value alone (quote currency) of a position whose fields are valid (as value_option checks
// them), at a positive underlying price: value_option()'s `value` before expiry and
// option_payoff() at or after it. No checks, no allocation (scenario revaluation).
double option_value_unchecked(const OptionPosition& position, double underlying_price,
                              Timestamp now);

// option_value_unchecked() at many underlying prices (all positive) at one time `now`, given
// log_prices[s] = ln underlying_prices[s] (shared by the options on one underlying): the
// constants of the formula are computed once. values[s] equals
// option_value_unchecked(position, underlying_prices[s], now); the spans have equal sizes.
void option_values_unchecked(const OptionPosition& position,
                             std::span<const double> underlying_prices,
                             std::span<const double> log_prices, Timestamp now,
                             std::span<double> values);

// The payoff at expiry, for revaluing scenarios at or after expiry, in the quote currency:
// quantity · max(±(S_T − K), 0). Linear and inverse payoffs are equal in quote (the inverse one
// is paid as max(±(S_T − K), 0) / S_T coins, worth the same at S_T). NaN when
// underlying_price ≤ 0 or is not finite.
double option_payoff(const OptionPosition& position, double underlying_price);

// The same payoff in the settlement currency: quote for linear options, coin for inverse ones
// (quantity · max(±(S_T − K), 0) / S_T).
double option_payoff_in_settlement_currency(const OptionPosition& position,
                                            double underlying_price);

}  // namespace keel
