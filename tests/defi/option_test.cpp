// Options (keel/defi/option.hpp): put–call parity, greeks against central finite differences of
// the prices, limits, implied-volatility round trips and bounds, coin-settled options, and the
// valuation of positions with its errors. Published values are in derivatives_reference_test.cpp.
#include "keel/defi/option.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace keel {
namespace {

Timestamp at(int year, int month, int day, int hour = 0) {
  return days_from_civil({year, month, day}) * kSecondsPerDay + hour * 3600;
}

struct Case {
  double underlying, strike, tau, sigma, rate, yield;
};

std::vector<Case> grid() {
  std::vector<Case> cases;
  for (double strike : {60.0, 95.0, 100.0, 105.0, 160.0})
    for (double tau : {7.0 / 365.0, 0.25, 1.0, 3.0})
      for (double sigma : {0.1, 0.6, 1.5})
        for (double rate : {-0.01, 0.0, 0.05})
          cases.push_back({100.0, strike, tau, sigma, rate, 0.03});
  return cases;
}

double bsm_price(OptionType type, const Case& c) {
  return black_scholes_merton({.type = type,
                               .spot = c.underlying,
                               .strike = c.strike,
                               .time_to_expiry = c.tau,
                               .volatility = c.sigma,
                               .rate = c.rate,
                               .carry_yield = c.yield})
      ->price;
}

double b76_price(OptionType type, const Case& c) {
  return black76({.type = type,
                  .forward = c.underlying,
                  .strike = c.strike,
                  .time_to_expiry = c.tau,
                  .volatility = c.sigma,
                  .rate = c.rate})
      ->price;
}

TEST(Option, PutCallParityHoldsForBothModels) {
  for (const Case& c : grid()) {
    const double bsm_gap = bsm_price(OptionType::kCall, c) - bsm_price(OptionType::kPut, c);
    const double bsm_parity =
        c.underlying * std::exp(-c.yield * c.tau) - c.strike * std::exp(-c.rate * c.tau);
    EXPECT_NEAR(bsm_gap, bsm_parity, 1e-12 * c.strike);
    const double b76_gap = b76_price(OptionType::kCall, c) - b76_price(OptionType::kPut, c);
    EXPECT_NEAR(b76_gap, std::exp(-c.rate * c.tau) * (c.underlying - c.strike), 1e-12 * c.strike);
  }
}

TEST(Option, BlackScholesEqualsBlack76OnTheForward) {
  for (const Case& c : grid()) {
    for (OptionType type : {OptionType::kCall, OptionType::kPut}) {
      Case on_forward = c;
      on_forward.underlying = forward_price(c.underlying, c.rate, c.yield, c.tau);
      EXPECT_NEAR(bsm_price(type, c), b76_price(type, on_forward), 1e-12 * c.strike);
    }
  }
}

// Central differences: truncation O(h²), rounding O(ε/h). The price bump is 1e-3 of the
// distribution's width S σ√τ, so short-dated low-volatility options are resolved too.
TEST(Option, BlackScholesGreeksMatchFiniteDifferences) {
  for (const Case& c : grid()) {
    for (OptionType type : {OptionType::kCall, OptionType::kPut}) {
      const OptionGreeks g = *black_scholes_merton({.type = type,
                                                    .spot = c.underlying,
                                                    .strike = c.strike,
                                                    .time_to_expiry = c.tau,
                                                    .volatility = c.sigma,
                                                    .rate = c.rate,
                                                    .carry_yield = c.yield});
      auto bumped = [&](auto change) {
        Case d = c;
        change(d);
        return bsm_price(type, d);
      };
      const double hs = 1e-3 * c.underlying * c.sigma * std::sqrt(c.tau);
      const double up = bumped([&](Case& d) { d.underlying += hs; });
      const double down = bumped([&](Case& d) { d.underlying -= hs; });
      const double scale = c.underlying;  // prices are O(S): absolute tolerances scale with it
      EXPECT_NEAR(g.delta, (up - down) / (2 * hs), 1e-6);
      EXPECT_NEAR(g.gamma, (up - 2 * g.price + down) / (hs * hs), 1e-4 * g.gamma + 1e-8);
      const double hv = 1e-5;
      EXPECT_NEAR(
          g.vega,
          (bumped([&](Case& d) { d.sigma += hv; }) - bumped([&](Case& d) { d.sigma -= hv; })) /
              (2 * hv),
          1e-6 * scale);
      const double ht = 1e-6 * c.tau;
      EXPECT_NEAR(g.theta,
                  -(bumped([&](Case& d) { d.tau += ht; }) - bumped([&](Case& d) { d.tau -= ht; })) /
                      (2 * ht),
                  1e-5 * scale / c.tau);
      const double hr = 1e-6;
      EXPECT_NEAR(
          g.rho,
          (bumped([&](Case& d) { d.rate += hr; }) - bumped([&](Case& d) { d.rate -= hr; })) /
              (2 * hr),
          1e-6 * scale * c.tau);
      EXPECT_NEAR(
          g.yield_rho,
          (bumped([&](Case& d) { d.yield += hr; }) - bumped([&](Case& d) { d.yield -= hr; })) /
              (2 * hr),
          1e-6 * scale * c.tau);
    }
  }
}

TEST(Option, Black76GreeksMatchFiniteDifferencesWithTheForwardFixed) {
  for (const Case& c : grid()) {
    for (OptionType type : {OptionType::kCall, OptionType::kPut}) {
      const OptionGreeks g = *black76({.type = type,
                                       .forward = c.underlying,
                                       .strike = c.strike,
                                       .time_to_expiry = c.tau,
                                       .volatility = c.sigma,
                                       .rate = c.rate});
      EXPECT_EQ(g.yield_rho, 0.0);
      auto bumped = [&](auto change) {
        Case d = c;
        change(d);
        return b76_price(type, d);
      };
      const double hf = 1e-3 * c.underlying * c.sigma * std::sqrt(c.tau);
      const double up = bumped([&](Case& d) { d.underlying += hf; });
      const double down = bumped([&](Case& d) { d.underlying -= hf; });
      EXPECT_NEAR(g.delta, (up - down) / (2 * hf), 1e-6);
      EXPECT_NEAR(g.gamma, (up - 2 * g.price + down) / (hf * hf), 1e-4 * g.gamma + 1e-8);
      const double ht = 1e-6 * c.tau;
      EXPECT_NEAR(g.theta,
                  -(bumped([&](Case& d) { d.tau += ht; }) - bumped([&](Case& d) { d.tau -= ht; })) /
                      (2 * ht),
                  1e-5 * c.underlying / c.tau);
      const double hr = 1e-6;
      EXPECT_NEAR(
          g.rho,
          (bumped([&](Case& d) { d.rate += hr; }) - bumped([&](Case& d) { d.rate -= hr; })) /
              (2 * hr),
          1e-6 * c.underlying * c.tau);
      EXPECT_DOUBLE_EQ(g.rho, -c.tau * g.price);
    }
  }
}

TEST(Option, LimitsInVolatilityAndTime) {
  // σ → 0: the discounted intrinsic value of the forward; deep in the money: delta e^{−qτ}.
  const BlackScholesInputs base{.type = OptionType::kCall,
                                .spot = 100.0,
                                .strike = 90.0,
                                .time_to_expiry = 0.5,
                                .volatility = 1e-6,
                                .rate = 0.05,
                                .carry_yield = 0.02};
  const OptionGreeks call = *black_scholes_merton(base);
  const double forward = forward_price(100.0, 0.05, 0.02, 0.5);
  EXPECT_NEAR(call.price, std::exp(-0.05 * 0.5) * (forward - 90.0), 1e-10);
  EXPECT_NEAR(call.delta, std::exp(-0.02 * 0.5), 1e-12);
  BlackScholesInputs put_inputs = base;
  put_inputs.type = OptionType::kPut;
  EXPECT_NEAR(black_scholes_merton(put_inputs)->price, 0.0, 1e-12);
  // τ → 0 (one second): the intrinsic value; σ → ∞: the call tends to S e^{−qτ}.
  BlackScholesInputs short_dated = base;
  short_dated.volatility = 0.8;
  short_dated.time_to_expiry = 1.0 / kSecondsPerOptionYear;
  EXPECT_NEAR(black_scholes_merton(short_dated)->price, 10.0, 1e-4);
  BlackScholesInputs wild = base;
  wild.volatility = 40.0;
  EXPECT_NEAR(black_scholes_merton(wild)->price, 100.0 * std::exp(-0.02 * 0.5), 1e-6);
}

TEST(Option, InvalidInputsNameTheField) {
  BlackScholesInputs bad{.type = OptionType::kCall,
                         .spot = 100.0,
                         .strike = -5.0,
                         .time_to_expiry = 1.0,
                         .volatility = 0.5};
  auto result = black_scholes_merton(bad);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(result.status().message().find("strike"), std::string::npos);
  bad.strike = 100.0;
  bad.volatility = 0.0;
  EXPECT_NE(black_scholes_merton(bad).status().message().find("volatility"), std::string::npos);
  EXPECT_NE(black76({.forward = 0.0, .strike = 1.0, .time_to_expiry = 1.0, .volatility = 0.5})
                .status()
                .message()
                .find("forward"),
            std::string::npos);
  EXPECT_NE(black76({.forward = 1.0, .strike = 1.0, .time_to_expiry = 0.0, .volatility = 0.5})
                .status()
                .message()
                .find("time_to_expiry"),
            std::string::npos);
}

TEST(Option, ImpliedVolatilityRoundTrips) {
  int well_posed = 0;
  int worst_iterations = 0;
  for (double strike : {20.0, 60.0, 95.0, 100.0, 105.0, 160.0, 400.0}) {
    for (double tau : {1.0 / 365.0, 30.0 / 365.0, 1.0, 5.0}) {
      for (double sigma : {0.05, 0.3, 0.8, 2.0, 4.0}) {
        for (OptionType type : {OptionType::kCall, OptionType::kPut}) {
          const double forward = 100.0;
          const double rate = 0.03;
          const OptionGreeks g = *black76({.type = type,
                                           .forward = forward,
                                           .strike = strike,
                                           .time_to_expiry = tau,
                                           .volatility = sigma,
                                           .rate = rate});
          const double discount = std::exp(-rate * tau);
          const double intrinsic =
              discount * (type == OptionType::kCall ? std::max(forward - strike, 0.0)
                                                    : std::max(strike - forward, 0.0));
          auto iv = implied_volatility({.type = type,
                                        .price = g.price,
                                        .forward = forward,
                                        .strike = strike,
                                        .time_to_expiry = tau,
                                        .rate = rate});
          ASSERT_TRUE(iv) << iv.status().message();
          // Only a time value well above the price's rounding determines σ.
          if (g.price - intrinsic < 1e-10 * forward) continue;
          ++well_posed;
          worst_iterations = std::max(worst_iterations, iv->iterations);
          ASSERT_TRUE(iv->is_usable()) << "K " << strike << " tau " << tau << " sigma " << sigma;
          EXPECT_NEAR(iv->volatility, sigma, 1e-7 * sigma)
              << "K " << strike << " tau " << tau << " sigma " << sigma;
          EXPECT_LE(std::abs(iv->price_error), 1e-12 * g.price);
        }
      }
    }
  }
  EXPECT_GT(well_posed, 200);
  EXPECT_LE(worst_iterations, 40);
}

TEST(Option, ImpliedVolatilityIsExactNearTheMoneyAndFromASpotQuote) {
  const double spot = 50000.0;
  const double forward = forward_price(spot, 0.04, 0.01, 0.25);
  const OptionGreeks g = *black_scholes_merton({.type = OptionType::kPut,
                                                .spot = spot,
                                                .strike = 48000.0,
                                                .time_to_expiry = 0.25,
                                                .volatility = 0.63,
                                                .rate = 0.04,
                                                .carry_yield = 0.01});
  auto iv = implied_volatility({.type = OptionType::kPut,
                                .price = g.price,
                                .forward = forward,
                                .strike = 48000.0,
                                .time_to_expiry = 0.25,
                                .rate = 0.04});
  ASSERT_TRUE(iv && iv->is_usable());
  EXPECT_NEAR(iv->volatility, 0.63, 1e-12);
}

TEST(Option, ImpliedVolatilityReportsPricesOutsideTheBounds) {
  const ImpliedVolatilityQuery base{.type = OptionType::kCall,
                                    .price = 0.0,
                                    .forward = 100.0,
                                    .strike = 90.0,
                                    .time_to_expiry = 1.0,
                                    .rate = 0.05};
  const double discount = std::exp(-0.05);
  ImpliedVolatilityQuery q = base;
  q.price = 0.99 * discount * 10.0;  // below the discounted intrinsic value 10 e^{−r}
  EXPECT_EQ(implied_volatility(q)->status, ImpliedVolatilityStatus::kBelowIntrinsic);
  EXPECT_TRUE(std::isnan(implied_volatility(q)->volatility));
  ImpliedVolatilityQuery at_intrinsic = base;  // σ = 0, no positive volatility
  at_intrinsic.rate = 0.0;                     // (exactly representable: no discounting)
  at_intrinsic.price = 10.0;
  EXPECT_EQ(implied_volatility(at_intrinsic)->status, ImpliedVolatilityStatus::kBelowIntrinsic);
  q.price = discount * 100.0;  // the call is worth at most e^{−r} F
  EXPECT_EQ(implied_volatility(q)->status, ImpliedVolatilityStatus::kAboveMaximum);
  q.type = OptionType::kPut;
  q.price = discount * 90.0 * 1.001;  // the put is worth at most e^{−r} K
  EXPECT_EQ(implied_volatility(q)->status, ImpliedVolatilityStatus::kAboveMaximum);
  q.price = 1e-3;  // an out-of-the-money put: any positive price has a volatility
  EXPECT_EQ(implied_volatility(q)->status, ImpliedVolatilityStatus::kConverged);
  q.price = -1.0;
  auto bad = implied_volatility(q);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("price"), std::string::npos);
  EXPECT_FALSE(implied_volatility(base, {.max_iterations = 0}));
}

// Coin-settled options: the coin greeks are derivatives of V_coin = V / S, and the quote value
// V_coin · S has the linear option's delta and gamma.
TEST(Option, InverseOptionGreeksAreDerivativesOfTheCoinPrice) {
  for (OptionType type : {OptionType::kCall, OptionType::kPut}) {
    for (double strike : {30000.0, 50000.0, 70000.0}) {
      const Black76Inputs inputs{.type = type,
                                 .forward = 52000.0,
                                 .strike = strike,
                                 .time_to_expiry = 0.2,
                                 .volatility = 0.7,
                                 .rate = 0.02};
      const InverseOptionGreeks g = *inverse_option(inputs);
      auto coin = [&](double s) {
        Black76Inputs moved = inputs;
        moved.forward = s;
        return inverse_option(moved)->price_coin;
      };
      const double s = inputs.forward;
      const double h = 1e-4 * s;
      EXPECT_DOUBLE_EQ(g.price_coin * s, g.quote.price);
      // Tolerances relative to the size of the terms Δ/S, V/S² of which delta_coin is the sum.
      const double scale = std::abs(g.quote.delta) / s + g.quote.price / (s * s);
      EXPECT_NEAR(g.delta_coin, (coin(s + h) - coin(s - h)) / (2 * h), 1e-6 * scale);
      EXPECT_NEAR(g.gamma_coin, (coin(s + h) - 2 * coin(s) + coin(s - h)) / (h * h),
                  1e-4 * std::abs(g.gamma_coin) + 1e-18);
      EXPECT_NEAR(g.premium_adjusted_delta, s * g.delta_coin, 1e-15);
      const double quote_delta = (coin(s + h) * (s + h) - coin(s - h) * (s - h)) / (2 * h);
      EXPECT_NEAR(quote_delta, g.quote.delta, 1e-8);
      const double quote_gamma =
          (coin(s + h) * (s + h) - 2 * coin(s) * s + coin(s - h) * (s - h)) / (h * h);
      EXPECT_NEAR(quote_gamma, g.quote.gamma, 1e-4 * g.quote.gamma);
      EXPECT_DOUBLE_EQ(g.vega_coin, g.quote.vega / s);
      EXPECT_DOUBLE_EQ(g.theta_coin, g.quote.theta / s);
    }
  }
}

OptionPosition btc_call(Settlement settlement, double quantity) {
  return {.underlying = "BTC",
          .type = OptionType::kCall,
          .strike = 60000.0,
          .expiry = at(2026, 12, 25, 8),
          .settlement = settlement,
          .implied_volatility = 0.55,
          .quantity = quantity,
          .premium_paid = 0.0,
          .rate = 0.0};
}

TEST(Option, PositionValueAndExposuresInQuote) {
  const Timestamp now = at(2026, 9, 1);
  const double tau = years_to_expiry(at(2026, 12, 25, 8), now);
  EXPECT_NEAR(tau, (115.0 + 8.0 / 24.0) / 365.0, 1e-15);
  for (Settlement settlement : {Settlement::kLinear, Settlement::kInverse}) {
    const OptionPosition position = btc_call(settlement, -2.5);
    const PositionValue v = *value_option(position, 57000.0, now);
    const OptionGreeks g = *black76({.type = OptionType::kCall,
                                     .forward = 57000.0,
                                     .strike = 60000.0,
                                     .time_to_expiry = tau,
                                     .volatility = 0.55});
    EXPECT_DOUBLE_EQ(v.value, -2.5 * g.price);
    ASSERT_EQ(v.exposures.size(), 1u);
    EXPECT_EQ(v.exposures[0].underlying, "BTC");
    EXPECT_DOUBLE_EQ(v.exposures[0].delta, -2.5 * g.delta);
    EXPECT_DOUBLE_EQ(v.exposures[0].gamma, -2.5 * g.gamma);
    EXPECT_DOUBLE_EQ(v.vega, -2.5 * g.vega);
    // theta is the value's rate of change per year of calendar time: one hour later.
    const double later = value_option(position, 57000.0, now + 3600)->value;
    EXPECT_NEAR((later - v.value) / (3600.0 / kSecondsPerOptionYear), v.theta,
                1e-3 * std::abs(v.theta));
    // Delta and gamma of the position value, by finite differences of value_option.
    const double h = 5.0;
    const double up = value_option(position, 57000.0 + h, now)->value;
    const double down = value_option(position, 57000.0 - h, now)->value;
    EXPECT_NEAR((up - down) / (2 * h), v.exposures[0].delta, 1e-7);
    EXPECT_NEAR((up - 2 * v.value + down) / (h * h), v.exposures[0].gamma,
                1e-4 * std::abs(v.exposures[0].gamma));
  }
  // Inverse: coin value × underlying price is the quote value.
  const OptionPosition inverse = btc_call(Settlement::kInverse, 1.0);
  const InverseOptionGreeks coin = *inverse_option({.type = OptionType::kCall,
                                                    .forward = 57000.0,
                                                    .strike = 60000.0,
                                                    .time_to_expiry = tau,
                                                    .volatility = 0.55});
  EXPECT_NEAR(value_option(inverse, 57000.0, now)->value, coin.price_coin * 57000.0, 1e-9);
}

TEST(Option, ZeroQuantityIsValidAndWorthNothing) {
  const PositionValue v =
      *value_option(btc_call(Settlement::kLinear, 0.0), 57000.0, at(2026, 9, 1));
  EXPECT_EQ(v.value, 0.0);
  ASSERT_EQ(v.exposures.size(), 1u);
  EXPECT_EQ(v.exposures[0].delta, 0.0);
  EXPECT_EQ(v.vega, 0.0);
}

TEST(Option, PositionErrorsNameTheFieldAndTheExpiry) {
  const OptionPosition position = btc_call(Settlement::kLinear, 1.0);
  auto expired = value_option(position, 57000.0, at(2026, 12, 25, 8));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(expired.status().message().find("expired on 2026-12-25T08:00:00Z"), std::string::npos)
      << expired.status().message();
  EXPECT_NE(expired.status().message().find("option_payoff"), std::string::npos);
  EXPECT_FALSE(value_option(position, 57000.0, at(2027, 1, 1)));

  auto check = [&](OptionPosition p, double price, const char* field) {
    auto r = value_option(p, price, at(2026, 9, 1));
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status().message();
  };
  OptionPosition p = position;
  p.strike = 0.0;
  check(p, 57000.0, "strike");
  p = position;
  p.implied_volatility = -0.2;
  check(p, 57000.0, "implied_volatility");
  check(position, 0.0, "underlying_price");
  check(position, -1.0, "underlying_price");
  check(position, std::nan(""), "underlying_price");
}

TEST(Option, PayoffAtExpiryLinearAndInverse) {
  OptionPosition call = btc_call(Settlement::kLinear, 2.0);
  EXPECT_DOUBLE_EQ(option_payoff(call, 65000.0), 10000.0);
  EXPECT_DOUBLE_EQ(option_payoff(call, 55000.0), 0.0);
  OptionPosition put = call;
  put.type = OptionType::kPut;
  put.quantity = -1.0;
  EXPECT_DOUBLE_EQ(option_payoff(put, 50000.0), -10000.0);
  EXPECT_DOUBLE_EQ(option_payoff_in_settlement_currency(put, 50000.0), -10000.0);
  call.settlement = Settlement::kInverse;
  EXPECT_DOUBLE_EQ(option_payoff(call, 65000.0), 10000.0);  // the same in quote
  EXPECT_DOUBLE_EQ(option_payoff_in_settlement_currency(call, 65000.0), 10000.0 / 65000.0);
  EXPECT_TRUE(std::isnan(option_payoff(call, 0.0)));
  // Just before expiry the value converges to the payoff.
  const OptionPosition linear = btc_call(Settlement::kLinear, 2.0);
  EXPECT_NEAR(value_option(linear, 65000.0, at(2026, 12, 25, 8) - 1)->value, 10000.0, 1e-6);
}

}  // namespace
}  // namespace keel
