// Perpetual futures (keel/defi/perpetual.hpp): P&L by hand, the liquidation price puts the
// margin ratio at exactly 1, funding signs and series, valuation and its exposure, errors.
// Published and peer values are in derivatives_reference_test.cpp.
#include "keel/defi/perpetual.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace keel {
namespace {

PerpPosition linear_btc(double contracts, double margin) {
  return {.underlying = "BTC",
          .settlement = Settlement::kLinear,
          .contract_size = 0.001,
          .contracts = contracts,
          .entry_price = 40000.0,
          .margin = margin,
          .margin_mode = MarginMode::kIsolated,
          .maintenance_margin_rate = 0.005,
          .maintenance_amount = 0.0,
          .funding_rate = 0.0001,
          .funding_interval_hours = 8.0};
}

PerpPosition inverse_btc(double contracts, double margin_coin) {
  PerpPosition p = linear_btc(contracts, margin_coin);
  p.settlement = Settlement::kInverse;
  p.contract_size = 100.0;  // USD per contract
  return p;
}

TEST(Perpetual, ProfitAndLossByHand) {
  // Linear: 2 BTC long (2000 × 0.001) from 40 000 to 42 000 earns 4 000 USD.
  const PerpMarks linear = *mark_perp(linear_btc(2000.0, 8000.0), 42000.0);
  EXPECT_DOUBLE_EQ(linear.position_coins, 2.0);
  EXPECT_DOUBLE_EQ(linear.notional, 84000.0);
  EXPECT_DOUBLE_EQ(linear.unrealised_pnl, 4000.0);
  EXPECT_DOUBLE_EQ(linear.equity, 12000.0);
  EXPECT_DOUBLE_EQ(linear.maintenance_margin, 420.0);
  EXPECT_DOUBLE_EQ(linear.margin_ratio, 420.0 / 12000.0);
  // Inverse: short 800 × 100 USD from 40 000 to 50 000 loses 80 000 (1/40 000 − 1/50 000) = 0.4
  // BTC; its notional stays 80 000 USD, 1.6 BTC at the mark.
  const PerpMarks inverse = *mark_perp(inverse_btc(-800.0, 1.0), 50000.0);
  EXPECT_DOUBLE_EQ(inverse.position_coins, -1.6);
  EXPECT_DOUBLE_EQ(inverse.notional, 80000.0);
  EXPECT_NEAR(inverse.unrealised_pnl, -0.4, 1e-15);
  EXPECT_NEAR(inverse.unrealised_pnl_quote, -20000.0, 1e-9);
  EXPECT_NEAR(inverse.equity, 0.6, 1e-15);
  EXPECT_NEAR(inverse.maintenance_margin, 1.6 * 0.005, 1e-15);
}

// The defining property of the liquidation price, over both settlements and sides, isolated and
// cross margin, with and without a maintenance amount.
TEST(Perpetual, LiquidationPricePutsTheMarginRatioAtOne) {
  int checked = 0;
  for (Settlement settlement : {Settlement::kLinear, Settlement::kInverse}) {
    for (double side : {1.0, -1.0}) {
      for (double leverage : {2.0, 3.0, 10.0, 50.0}) {
        for (double amount_share : {0.0, 0.001}) {
          for (MarginMode mode : {MarginMode::kIsolated, MarginMode::kCross}) {
            PerpPosition p = settlement == Settlement::kLinear ? linear_btc(side * 3000.0, 0.0)
                                                               : inverse_btc(side * 1200.0, 0.0);
            const double notional_margin_ccy = settlement == Settlement::kLinear
                                                   ? 3000.0 * 0.001 * 40000.0
                                                   : 1200.0 * 100.0 / 40000.0;
            p.margin = notional_margin_ccy / leverage;
            p.margin_mode = mode;  // cross: the margin is the account balance, same formula
            p.maintenance_margin_rate = 0.01;
            p.maintenance_amount = amount_share * notional_margin_ccy;
            const double lp = *liquidation_price(p);
            ASSERT_TRUE(std::isfinite(lp) && lp > 0.0);
            EXPECT_TRUE(side > 0 ? lp < p.entry_price : lp > p.entry_price);
            EXPECT_NEAR(mark_perp(p, lp)->margin_ratio, 1.0, 1e-12);
            // Just inside: below 1; just past: above 1.
            const double inside = side > 0 ? lp * 1.001 : lp * 0.999;
            const double past = side > 0 ? lp * 0.999 : lp * 1.001;
            EXPECT_LT(mark_perp(p, inside)->margin_ratio, 1.0);
            EXPECT_GT(mark_perp(p, past)->margin_ratio, 1.0);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 64);
}

TEST(Perpetual, PositionsThatNoPriceLiquidates) {
  // A fully collateralised linear long (margin ≥ notional): no positive price.
  EXPECT_EQ(*liquidation_price(linear_btc(1000.0, 40000.0)), 0.0);
  // A 1x inverse short (coin margin = notional in coin): a synthetic dollar, never liquidated.
  EXPECT_EQ(*liquidation_price(inverse_btc(-400.0, 1.0)), std::numeric_limits<double>::infinity());
  // With less margin the same short does have one.
  EXPECT_TRUE(std::isfinite(*liquidation_price(inverse_btc(-400.0, 0.5))));
  // Inverse longs always have one (the coin margin loses value as the price falls).
  const double lp = *liquidation_price(inverse_btc(400.0, 5.0));
  EXPECT_GT(lp, 0.0);
  EXPECT_NEAR(mark_perp(inverse_btc(400.0, 5.0), lp)->margin_ratio, 1.0, 1e-12);
  // A flat position has none.
  auto flat = liquidation_price(linear_btc(0.0, 100.0));
  ASSERT_FALSE(flat);
  EXPECT_NE(flat.status().message().find("contracts"), std::string::npos);
}

TEST(Perpetual, EquityAtOrBelowZeroHasAnInfiniteMarginRatio) {
  const PerpMarks wiped = *mark_perp(linear_btc(1000.0, 1000.0), 38000.0);  // equity −1 000
  EXPECT_LT(wiped.equity, 0.0);
  EXPECT_EQ(wiped.margin_ratio, std::numeric_limits<double>::infinity());
}

TEST(Perpetual, FundingSigns) {
  // Linear: rate × n c × mark, paid by longs when positive.
  EXPECT_DOUBLE_EQ(*funding_payment(linear_btc(2000.0, 1e4), 45000.0, 0.0001), 9.0);
  EXPECT_DOUBLE_EQ(*funding_payment(linear_btc(-2000.0, 1e4), 45000.0, 0.0001), -9.0);
  EXPECT_DOUBLE_EQ(*funding_payment(linear_btc(2000.0, 1e4), 45000.0, -0.0002), -18.0);
  // Inverse: rate × n c / mark in coin.
  EXPECT_DOUBLE_EQ(*funding_payment(inverse_btc(450.0, 1.0), 45000.0, 0.0001), 0.0001);
  EXPECT_DOUBLE_EQ(*funding_payment(inverse_btc(-450.0, 1.0), 45000.0, 0.0001), -0.0001);
  // The position's own rate in the marks.
  EXPECT_DOUBLE_EQ(mark_perp(linear_btc(2000.0, 1e4), 45000.0)->funding_payment, 9.0);
  EXPECT_FALSE(funding_payment(linear_btc(2000.0, 1e4), 45000.0, std::nan("")));
}

TEST(Perpetual, FundingCarryOverAHorizonAndFromASeries) {
  const PerpPosition p = linear_btc(1000.0, 1e4);  // 1 BTC, rate 0.0001 per 8 h
  const double per_interval = *funding_payment(p, 50000.0, 0.0001);
  EXPECT_DOUBLE_EQ(*funding_cost(p, 50000.0, 24.0), 3.0 * per_interval);
  EXPECT_DOUBLE_EQ(*funding_cost(p, 50000.0, 24.0 * 365.0), 1095.0 * per_interval);
  EXPECT_DOUBLE_EQ(*funding_cost(p, 50000.0, 4.0), 0.5 * per_interval);  // pro rata
  EXPECT_FALSE(funding_cost(p, 50000.0, -1.0));

  // Three days of 8-hourly rates, the same as daily means and as daily totals.
  const std::vector<double> intervals = {1e-4, 2e-4, 3e-4, -1e-4, 0.0, 1e-4, 5e-5, 5e-5, 5e-5};
  const std::vector<double> daily_means = {2e-4, 0.0, 5e-5};
  const std::vector<double> daily_totals = {6e-4, 0.0, 1.5e-4};
  const double by_interval = *funding_cost(p, 50000.0, intervals, FundingSeriesKind::kPerInterval);
  EXPECT_NEAR(by_interval, 50000.0 * 7.5e-4, 1e-9);
  EXPECT_NEAR(*funding_cost(p, 50000.0, daily_means, FundingSeriesKind::kDailyMeanRate),
              by_interval, 1e-9);
  EXPECT_NEAR(*funding_cost(p, 50000.0, daily_totals, FundingSeriesKind::kDailyTotal), by_interval,
              1e-9);
  EXPECT_EQ(*funding_cost(p, 50000.0, std::vector<double>{}, FundingSeriesKind::kPerInterval), 0.0);
  const std::vector<double> gap = {1e-4, std::nan("")};
  auto bad = funding_cost(p, 50000.0, gap, FundingSeriesKind::kPerInterval);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("entry 1"), std::string::npos);
  // A 4-hourly venue pays six settlements a day on a daily mean.
  PerpPosition four_hourly = p;
  four_hourly.funding_interval_hours = 4.0;
  EXPECT_NEAR(*funding_cost(four_hourly, 50000.0, std::vector<double>{1e-4},
                            FundingSeriesKind::kDailyMeanRate),
              6.0 * 1e-4 * 50000.0, 1e-9);
  EXPECT_NEAR(annualised_funding_rate(1e-4, 8.0), 0.1095, 1e-15);
}

TEST(Perpetual, ValueAndExposureLinear) {
  const PerpPosition p = linear_btc(-2500.0, 10000.0);  // short 2.5 BTC
  const PositionValue v = *value_perp(p, 41000.0);
  EXPECT_DOUBLE_EQ(v.value, 10000.0 - 2500.0);
  ASSERT_EQ(v.exposures.size(), 1u);
  EXPECT_EQ(v.exposures[0].underlying, "BTC");
  EXPECT_DOUBLE_EQ(v.exposures[0].delta, -2.5);
  EXPECT_EQ(v.exposures[0].gamma, 0.0);
  EXPECT_EQ(v.vega, 0.0);
  EXPECT_EQ(v.theta, 0.0);
}

// Inverse: value = (M + n c (1/E − 1/P)) P is linear in P with slope M + n c / E.
TEST(Perpetual, ValueAndExposureInverseIncludeTheCoinMargin) {
  for (double contracts : {1200.0, -1200.0, -400.0}) {
    const PerpPosition p = inverse_btc(contracts, 1.0);
    const double mark = 47000.0;
    const PositionValue v = *value_perp(p, mark);
    const PerpMarks marks = *mark_perp(p, mark);
    EXPECT_NEAR(v.value, marks.equity * mark, 1e-9);
    const double h = 10.0;
    const double up = value_perp(p, mark + h)->value;
    const double down = value_perp(p, mark - h)->value;
    EXPECT_NEAR(v.exposures[0].delta, (up - down) / (2 * h), 1e-9);
    EXPECT_NEAR(v.exposures[0].delta, 1.0 + contracts * 100.0 / 40000.0, 1e-15);
    EXPECT_NEAR((up - 2 * v.value + down) / (h * h), 0.0, 1e-9);
    EXPECT_EQ(v.exposures[0].gamma, 0.0);
  }
  // The 1x short (1 BTC of margin, short 40 000 USD at 40 000): no exposure to BTC.
  const PositionValue synthetic_dollar = *value_perp(inverse_btc(-400.0, 1.0), 65000.0);
  EXPECT_NEAR(synthetic_dollar.exposures[0].delta, 0.0, 1e-15);
  EXPECT_NEAR(synthetic_dollar.value, 40000.0, 1e-9);
}

TEST(Perpetual, ErrorsNameTheField) {
  auto expect_invalid = [](const Result<PositionValue>& r, const char* field) {
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status().message();
  };
  PerpPosition p = linear_btc(1000.0, 1000.0);
  p.contract_size = 0.0;
  expect_invalid(value_perp(p, 40000.0), "contract_size");
  p = linear_btc(1000.0, 1000.0);
  p.entry_price = -1.0;
  expect_invalid(value_perp(p, 40000.0), "entry_price");
  p = linear_btc(1000.0, -5.0);
  expect_invalid(value_perp(p, 40000.0), "margin");
  p = linear_btc(1000.0, 1000.0);
  expect_invalid(value_perp(p, 0.0), "mark_price");
  expect_invalid(value_perp(p, -3.0), "mark_price");
  for (double rate : {1.0, -0.01, std::nan("")}) {
    p.maintenance_margin_rate = rate;
    expect_invalid(value_perp(p, 40000.0), "maintenance_margin_rate");
  }
  p = linear_btc(1000.0, 1000.0);
  p.maintenance_amount = -1.0;
  expect_invalid(value_perp(p, 40000.0), "maintenance_amount");
  p = linear_btc(1000.0, 1000.0);
  p.funding_interval_hours = 0.0;
  expect_invalid(value_perp(p, 40000.0), "funding_interval_hours");
  // A zero maintenance rate is allowed (the range is [0, 1)).
  p = linear_btc(1000.0, 1000.0);
  p.maintenance_margin_rate = 0.0;
  EXPECT_TRUE(value_perp(p, 40000.0));
}

TEST(Perpetual, MinVarianceHedgeRatio) {
  EXPECT_DOUBLE_EQ(*min_variance_hedge_ratio(1.0, 0.02, 0.02), 1.0);
  EXPECT_DOUBLE_EQ(*min_variance_hedge_ratio(-0.5, 0.04, 0.02), -1.0);
  EXPECT_EQ(*min_variance_hedge_ratio(0.0, 0.04, 0.02), 0.0);
  EXPECT_FALSE(min_variance_hedge_ratio(1.2, 0.02, 0.02));
  EXPECT_FALSE(min_variance_hedge_ratio(0.5, -0.02, 0.02));
  EXPECT_FALSE(min_variance_hedge_ratio(0.5, 0.02, 0.0));
  EXPECT_NE(min_variance_hedge_ratio(0.5, 0.02, 0.0).status().message().find("sigma_future"),
            std::string::npos);
}

}  // namespace
}  // namespace keel
