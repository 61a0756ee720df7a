// Options and perpetuals against published values and an independent implementation, fixtures in
// tests/data/defi/ (each records its source):
//   haug_european_options.json  Haug's table as transcribed in QuantLib's europeanoption.cpp
//                               (values and greeks, QuantLib's tolerance 1e-4)
//   py_vollib_examples.json     py_vollib's docstring examples, converted from its units
//   derivatives_grid.json       SciPy implementation in make_derivatives_fixtures.py: coin-settled
//                               options, perpetual liquidation prices and marks (1e-12 relative),
//                               funding sums of the shared daily series
//   bitmex_perpetual_example.json  BitMEX's worked XBTUSD example (inverse P&L and funding)
//   deribit_inverse_option_examples.json  Deribit's settlement examples of coin-settled options
//   hull_hedge_ratio.json       Hull's Example 3.3 minimum-variance hedge ratio
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "keel/defi/option.hpp"
#include "keel/defi/perpetual.hpp"

namespace keel {
namespace {

nlohmann::json load(const std::string& name) {
  std::ifstream in(std::string(KEEL_TEST_DATA_DIR) + "/defi/" + name);
  EXPECT_TRUE(in) << "fixture missing: tests/data/defi/" << name;
  if (!in) return nlohmann::json::object();
  return nlohmann::json::parse(in);
}

OptionType option_type(const nlohmann::json& j) {
  return j.get<std::string>() == "call" ? OptionType::kCall : OptionType::kPut;
}

double number_or_infinity(const nlohmann::json& j) {
  if (j.is_string()) return std::numeric_limits<double>::infinity();
  return j.get<double>();
}

// |a − b| ≤ tolerance · max(|b|, floor): relative, with an absolute floor where the value can be 0.
void expect_relative(double actual, double expected, double tolerance, double floor,
                     const std::string& what) {
  if (std::isinf(expected)) {
    EXPECT_EQ(actual, expected) << what;
    return;
  }
  EXPECT_LE(std::abs(actual - expected), tolerance * std::max(std::abs(expected), floor))
      << what << ": actual " << actual << " expected " << expected;
}

TEST(DerivativesReference, HaugValuesFromQuantLib) {
  const auto fixture = load("haug_european_options.json");
  const double tolerance = fixture["tolerance"].get<double>();
  int checked = 0;
  for (const auto& row : fixture["values"]) {
    const OptionGreeks g = *black_scholes_merton({.type = option_type(row[0]),
                                                  .spot = row[2].get<double>(),
                                                  .strike = row[1].get<double>(),
                                                  .time_to_expiry = row[5].get<double>(),
                                                  .volatility = row[6].get<double>(),
                                                  .rate = row[4].get<double>(),
                                                  .carry_yield = row[3].get<double>()});
    EXPECT_NEAR(g.price, row[7].get<double>(), tolerance) << row.dump();
    // Rows with q = r are Black-76 on F = S (Haug's futures-option examples).
    if (row[3].get<double>() == row[4].get<double>()) {
      const OptionGreeks b = *black76({.type = option_type(row[0]),
                                       .forward = row[2].get<double>(),
                                       .strike = row[1].get<double>(),
                                       .time_to_expiry = row[5].get<double>(),
                                       .volatility = row[6].get<double>(),
                                       .rate = row[4].get<double>()});
      EXPECT_NEAR(b.price, row[7].get<double>(), tolerance) << "Black-76 " << row.dump();
    }
    ++checked;
  }
  EXPECT_EQ(checked, 43);
}

TEST(DerivativesReference, HaugGreeksFromQuantLib) {
  const auto fixture = load("haug_european_options.json");
  const double tolerance = fixture["tolerance"].get<double>();
  int checked = 0;
  for (const auto& row : fixture["greeks"]) {
    const std::string greek = row[0].get<std::string>();
    const double spot = row[3].get<double>();
    const OptionGreeks g = *black_scholes_merton({.type = option_type(row[1]),
                                                  .spot = spot,
                                                  .strike = row[2].get<double>(),
                                                  .time_to_expiry = row[6].get<double>(),
                                                  .volatility = row[7].get<double>(),
                                                  .rate = row[5].get<double>(),
                                                  .carry_yield = row[4].get<double>()});
    double value = std::numeric_limits<double>::quiet_NaN();
    if (greek == "delta") value = g.delta;
    if (greek == "gamma") value = g.gamma;
    if (greek == "vega") value = g.vega;
    if (greek == "theta") value = g.theta;
    if (greek == "theta_per_day") value = g.theta / 365.0;
    if (greek == "rho") value = g.rho;
    if (greek == "dividend_rho") value = g.yield_rho;
    if (greek == "elasticity") value = g.delta * spot / g.price;
    EXPECT_NEAR(value, row[8].get<double>(), tolerance) << row.dump();
    ++checked;
  }
  EXPECT_EQ(checked, 11);
}

TEST(DerivativesReference, PyVollibExamples) {
  const auto fixture = load("py_vollib_examples.json");
  for (const auto& c : fixture["cases"]) {
    const std::string kind = c["kind"].get<std::string>();
    OptionGreeks g;
    if (kind == "black") {
      g = *black76({.type = option_type(c["type"]),
                    .forward = c["underlying"].get<double>(),
                    .strike = c["strike"].get<double>(),
                    .time_to_expiry = c["t"].get<double>(),
                    .volatility = c["sigma"].get<double>(),
                    .rate = c["r"].get<double>()});
    } else {
      g = *black_scholes_merton({.type = option_type(c["type"]),
                                 .spot = c["underlying"].get<double>(),
                                 .strike = c["strike"].get<double>(),
                                 .time_to_expiry = c["t"].get<double>(),
                                 .volatility = c["sigma"].get<double>(),
                                 .rate = c["r"].get<double>(),
                                 .carry_yield = c["q"].get<double>()});
    }
    const std::string quantity = c["quantity"].get<std::string>();
    double ours = std::numeric_limits<double>::quiet_NaN();
    if (quantity == "price") ours = g.price;
    if (quantity == "delta") ours = g.delta;
    if (quantity == "gamma") ours = g.gamma;
    if (quantity == "vega") ours = g.vega;
    if (quantity == "theta") ours = g.theta;
    if (quantity == "rho") ours = g.rho;
    // py_vollib's units: theta per day, vega and rho per percentage point.
    const std::string unit = c["unit"].get<std::string>();
    if (unit == "per_day") ours /= 365.0;
    if (unit == "per_vol_point" || unit == "per_rate_point") ours *= 0.01;
    EXPECT_NEAR(ours, c["value"].get<double>(), c["tolerance"].get<double>()) << c.dump();
  }
  for (const auto& c : fixture["implied_volatility"]) {
    auto iv = implied_volatility({.type = option_type(c["type"]),
                                  .price = c["price"].get<double>(),
                                  .forward = c["forward"].get<double>(),
                                  .strike = c["strike"].get<double>(),
                                  .time_to_expiry = c["t"].get<double>(),
                                  .rate = c["r"].get<double>()});
    ASSERT_TRUE(iv && iv->is_usable()) << c.dump();
    EXPECT_NEAR(iv->volatility, c["sigma"].get<double>(), c["tolerance"].get<double>());
  }
}

TEST(DerivativesReference, InverseOptionsMatchScipy) {
  const auto fixture = load("derivatives_grid.json");
  int checked = 0;
  for (const auto& c : fixture["inverse_options"]) {
    const double s = c["underlying"].get<double>();
    const InverseOptionGreeks g = *inverse_option({.type = option_type(c["type"]),
                                                   .forward = s,
                                                   .strike = c["strike"].get<double>(),
                                                   .time_to_expiry = c["t"].get<double>(),
                                                   .volatility = c["sigma"].get<double>(),
                                                   .rate = c["r"].get<double>()});
    const std::string id = c.dump();
    // Purely relative (the worst relative difference on this grid is below 1e-13).
    expect_relative(g.quote.price, c["price_quote"].get<double>(), 1e-12, 0.0, id);
    expect_relative(g.quote.delta, c["delta_quote"].get<double>(), 1e-12, 0.0, id);
    expect_relative(g.quote.gamma, c["gamma_quote"].get<double>(), 1e-12, 0.0, id);
    expect_relative(g.price_coin, c["price_coin"].get<double>(), 1e-12, 0.0, id);
    expect_relative(g.delta_coin, c["delta_coin"].get<double>(), 1e-12, 0.0, id);
    expect_relative(g.gamma_coin, c["gamma_coin"].get<double>(), 1e-12, 0.0, id);
    expect_relative(g.premium_adjusted_delta, c["premium_adjusted_delta"].get<double>(), 1e-12, 0.0,
                    id);
    expect_relative(g.vega_coin, c["vega_coin"].get<double>(), 1e-12, 0.0, id);
    expect_relative(g.theta_coin, c["theta_coin"].get<double>(), 1e-12, 0.0, id);
    ++checked;
  }
  EXPECT_EQ(checked, 480);
}

// Deribit's worked settlement examples of coin-settled options.
TEST(DerivativesReference, DeribitInverseOptionPayoffs) {
  const auto fixture = load("deribit_inverse_option_examples.json");
  int checked = 0;
  for (const auto& c : fixture["cases"]) {
    OptionPosition option;
    option.underlying = "BTC";
    option.type = option_type(c["type"]);
    option.strike = c["strike"].get<double>();
    option.settlement = Settlement::kInverse;
    option.quantity = 1.0;
    const double delivery = c["delivery_price"].get<double>();
    EXPECT_NEAR(option_payoff(option, delivery), c["payoff_usd"].get<double>(), 1e-9) << c.dump();
    if (c.contains("payoff_btc")) {
      EXPECT_NEAR(option_payoff_in_settlement_currency(option, delivery),
                  c["payoff_btc"].get<double>(), 1e-15)
          << c.dump();
    }
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

PerpPosition perp_from(const nlohmann::json& c) {
  PerpPosition p;
  p.underlying = "BTC";
  p.settlement =
      c["settlement"].get<std::string>() == "linear" ? Settlement::kLinear : Settlement::kInverse;
  p.contract_size = c["contract_size"].get<double>();
  p.contracts = c["contracts"].get<double>();
  p.entry_price = c["entry_price"].get<double>();
  p.margin = c["margin"].get<double>();
  p.maintenance_margin_rate = c["maintenance_margin_rate"].get<double>();
  p.maintenance_amount = c["maintenance_amount"].get<double>();
  p.funding_rate = c["funding_rate"].get<double>();
  return p;
}

TEST(DerivativesReference, PerpetualLiquidationAndMarksMatchScipy) {
  const auto fixture = load("derivatives_grid.json");
  int liquidations = 0;
  int unreachable = 0;
  for (const auto& c : fixture["perp_liquidation"]) {
    const PerpPosition p = perp_from(c);
    const std::string id = c.dump().substr(0, 240);
    const double expected = number_or_infinity(c["liquidation_price"]);
    const double lp = *liquidation_price(p);
    if (std::isfinite(expected) && expected > 0.0) {
      expect_relative(lp, expected, 1e-12, 0.0, "liquidation " + id);
      ++liquidations;
    } else {
      EXPECT_EQ(lp, expected) << id;
      ++unreachable;
    }
    for (const auto& m : c["marks"]) {
      const double mark = m["mark"].get<double>();
      const PerpMarks marks = *mark_perp(p, mark);
      const PositionValue value = *value_perp(p, mark);
      const double equity_scale =
          std::abs(p.margin) +
          marks.notional * (p.settlement == Settlement::kLinear ? 1.0 : 1.0 / mark);
      expect_relative(marks.unrealised_pnl, m["unrealised_pnl"].get<double>(), 1e-12, equity_scale,
                      "pnl " + id);
      expect_relative(marks.equity, m["equity"].get<double>(), 1e-12, equity_scale, "equity " + id);
      expect_relative(marks.maintenance_margin, m["maintenance_margin"].get<double>(), 1e-12, 0.0,
                      "mm " + id);
      expect_relative(marks.margin_ratio, number_or_infinity(m["margin_ratio"]), 1e-12, 0.0,
                      "ratio " + id);
      expect_relative(value.value, m["value_quote"].get<double>(), 1e-12,
                      equity_scale * (p.settlement == Settlement::kLinear ? 1.0 : mark),
                      "value " + id);
      expect_relative(value.exposures[0].delta, m["delta"].get<double>(), 1e-12, 1.0,
                      "delta " + id);
      expect_relative(marks.funding_payment, m["funding_payment"].get<double>(), 1e-12, 0.0,
                      "funding " + id);
    }
  }
  EXPECT_GT(liquidations, 150);
  EXPECT_GT(unreachable, 0);
}

// BitMEX, Perpetual Contracts Guide Examples: long 15 000 XBTUSD (1 USD each) at 750.
TEST(DerivativesReference, BitmexXbtusdExample) {
  const auto x = load("bitmex_perpetual_example.json");
  PerpPosition p;
  p.underlying = "XBT";
  p.settlement = Settlement::kInverse;
  p.contract_size = x["contract_size_usd"].get<double>();
  p.contracts = x["contracts"].get<double>();
  p.entry_price = x["entry_price"].get<double>();
  p.margin = 1.0;
  // Entry value in XBT: the position's coins at the entry price.
  EXPECT_NEAR(mark_perp(p, p.entry_price)->position_coins, x["entry_value_xbt"].get<double>(),
              1e-12);
  // The funding rate from the guide's daily interest rates, and the funding amount.
  const double rate = (x["funding_quote_rate_per_day"].get<double>() -
                       x["funding_base_rate_per_day"].get<double>()) /
                      x["funding_intervals_per_day"].get<double>();
  EXPECT_NEAR(rate, x["funding_rate"].get<double>(), 1e-15);
  const double funding = *funding_payment(p, x["funding_mark_price"].get<double>(), rate);
  EXPECT_NEAR(funding, x["funding_amount_xbt"].get<double>(), 1e-15);
  const double pnl = mark_perp(p, x["exit_price"].get<double>())->unrealised_pnl;
  EXPECT_NEAR(pnl, x["pnl_xbt"].get<double>(), 1e-12);
  EXPECT_NEAR(pnl - funding, x["total_profit_xbt"].get<double>(), 1e-12);
}

TEST(DerivativesReference, HullMinimumVarianceHedgeRatio) {
  const auto h = load("hull_hedge_ratio.json");
  const double ratio = *min_variance_hedge_ratio(
      h["rho"].get<double>(), h["sigma_spot"].get<double>(), h["sigma_future"].get<double>());
  EXPECT_NEAR(ratio, h["hedge_ratio"].get<double>(), h["tolerance"].get<double>());
  // From Hull's Table 3.2 data: h* equals the least-squares slope of ΔS on ΔF.
  const auto f = h["futures_price_changes"].get<std::vector<double>>();
  const auto s = h["spot_price_changes"].get<std::vector<double>>();
  ASSERT_EQ(f.size(), s.size());
  const double n = static_cast<double>(f.size());
  const double mf = std::accumulate(f.begin(), f.end(), 0.0) / n;
  const double ms = std::accumulate(s.begin(), s.end(), 0.0) / n;
  double sff = 0.0, sss = 0.0, sfs = 0.0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    sff += (f[i] - mf) * (f[i] - mf);
    sss += (s[i] - ms) * (s[i] - ms);
    sfs += (f[i] - mf) * (s[i] - ms);
  }
  const double sigma_f = std::sqrt(sff / (n - 1));
  const double sigma_s = std::sqrt(sss / (n - 1));
  const double rho = sfs / std::sqrt(sff * sss);
  EXPECT_NEAR(*min_variance_hedge_ratio(rho, sigma_s, sigma_f), sfs / sff, 1e-14);
  EXPECT_NEAR(*min_variance_hedge_ratio(rho, sigma_s, sigma_f), h["hedge_ratio"].get<double>(),
              h["tolerance"].get<double>());
}

// Funding carry from the shared daily series (units: see docs/positions_derivatives.md — the
// daily mean of the 8-hourly Binance BTCUSDT funding rates, inferred). Skips without the data.
TEST(DerivativesReference, FundingCarryFromTheSharedDailySeries) {
  const auto fixture = load("derivatives_grid.json");
  const std::string path =
      std::string(KEEL_SHARED_DATA_DIR) + "/derivatives_funding/btc_perp_funding_daily.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not present: " << path;
  if (fixture["funding_daily"].empty()) GTEST_SKIP() << "fixture written without the shared data";
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "date,funding_mean,funding_abs");
  std::vector<std::pair<std::string, double>> rows;
  while (std::getline(in, line)) {
    const auto first = line.find(',');
    const auto second = line.find(',', first + 1);
    rows.emplace_back(line.substr(0, first), std::stod(line.substr(first + 1, second - first - 1)));
  }
  for (const auto& w : fixture["funding_daily"]) {
    std::vector<double> rates;
    for (const auto& [date, rate] : rows)
      if (date >= w["start"].get<std::string>() && date <= w["end"].get<std::string>())
        rates.push_back(rate);
    EXPECT_EQ(static_cast<int>(rates.size()), w["days"].get<int>());
    const double mark = w["mark"].get<double>();
    PerpPosition linear;
    linear.underlying = "BTC";
    linear.contract_size = 0.001;
    linear.contracts = 1000.0;  // 1 BTC long
    linear.entry_price = mark;
    PerpPosition inverse = linear;
    inverse.settlement = Settlement::kInverse;
    inverse.contract_size = 100.0;
    inverse.contracts = 1000.0;  // 100 000 USD long
    expect_relative(*funding_cost(linear, mark, rates, FundingSeriesKind::kDailyMeanRate),
                    w["linear_long_1btc_paid_quote"].get<double>(), 1e-12, 0.0,
                    w["start"].get<std::string>());
    expect_relative(*funding_cost(inverse, mark, rates, FundingSeriesKind::kDailyMeanRate),
                    w["inverse_long_100k_usd_paid_coin"].get<double>(), 1e-12, 0.0,
                    w["start"].get<std::string>());
  }
}

}  // namespace
}  // namespace keel
