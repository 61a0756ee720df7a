// Scenario revaluation, position by position over columns of scenarios, against the checked
// per-position valuation functions (value_option / option_payoff, value_lp, value_perp with
// funding_cost) called one scenario at a time on random scenarios; the batched option pricer
// against the scalar one; and the errors naming the first bad scenario.
#include "keel/defi/revaluation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "keel/core/random.hpp"
#include "keel/defi/amm_position.hpp"
#include "keel/defi/book.hpp"
#include "keel/defi/option.hpp"
#include "keel/defi/perpetual.hpp"

namespace keel {
namespace {

constexpr Timestamp kNow = 1767225600;  // 2026-01-01
constexpr double kHorizon = 3.0 / 365.0;

const std::vector<std::string> kAssets = {"USDC", "BTC", "ETH"};
const std::vector<double> kPrices = {1.0, 50000.0, 2000.0};

OptionPosition option(const std::string& underlying, OptionType type, double strike, int days,
                      Settlement settlement, double quantity, double rate) {
  OptionPosition o;
  o.underlying = underlying;
  o.type = type;
  o.strike = strike;
  o.expiry = kNow + days * kSecondsPerDay;
  o.settlement = settlement;
  o.implied_volatility = 0.55;
  o.quantity = quantity;
  o.rate = rate;
  return o;
}

// Every kind of position, options on both underlyings (sharing their logarithms), deep in and
// out of the money, with a rate, and one expiring within the horizon.
Book mixed_book() {
  Book book;
  book.positions.push_back({"btc", 1, SpotPosition{"BTC", 0.7}});
  book.positions.push_back({"eth", 2, SpotPosition{"ETH", -3.0}});
  AmmLpPosition lp;
  lp.kind = AmmKind::kConcentrated;
  lp.tokens = {"ETH", "USDC"};
  lp.price_lower = 1800.0;
  lp.price_upper = 2200.0;
  lp.liquidity = 300.0;
  lp.fee_apr = 0.2;
  book.positions.push_back({"eth-lp", 3, lp});
  AmmLpPosition full = lp;
  full.kind = AmmKind::kConstantProduct;
  full.tokens = {"BTC", "ETH"};
  book.positions.push_back({"btc-eth-lp", 4, full});
  PerpPosition perp;
  perp.underlying = "BTC";
  perp.settlement = Settlement::kInverse;
  perp.contract_size = 100.0;
  perp.contracts = -200.0;
  perp.entry_price = 48000.0;
  perp.margin = 0.3;
  perp.funding_rate = 0.0002;
  book.positions.push_back({"btc-inverse", 5, perp});
  perp.underlying = "ETH";
  perp.settlement = Settlement::kLinear;
  perp.contract_size = 1.0;
  perp.contracts = 4.0;
  perp.entry_price = 2100.0;
  perp.margin = 900.0;
  perp.funding_rate = -0.0001;
  book.positions.push_back({"eth-linear", 6, perp});
  const auto add = [&](const std::string& name, const OptionPosition& o) {
    book.positions.push_back({name, 7, o});
  };
  add("c1", option("BTC", OptionType::kCall, 55000.0, 30, Settlement::kLinear, -2.0, 0.0));
  add("p1", option("BTC", OptionType::kPut, 40000.0, 90, Settlement::kInverse, 3.0, 0.05));
  add("c2", option("BTC", OptionType::kCall, 20000.0, 7, Settlement::kLinear, 1.0, 0.0));
  add("p2", option("BTC", OptionType::kPut, 20000.0, 7, Settlement::kLinear, 5.0, 0.0));
  add("c3", option("ETH", OptionType::kCall, 2000.0, 2, Settlement::kInverse, 4.0, 0.03));
  add("p3", option("ETH", OptionType::kPut, 2500.0, 365, Settlement::kLinear, -1.0, 0.0));
  return book;
}

TEST(Revaluation, MatchesTheScalarValuationOfEveryPosition) {
  const Book book = mixed_book();
  ASSERT_TRUE(book.validate().is_ok()) << book.validate().message();
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok()) << bound.status().message();
  auto today = value_book(*bound, kPrices, kNow);
  ASSERT_TRUE(today.is_ok()) << today.status().message();
  Random random(23);
  const Eigen::Index scenarios = 400;
  Eigen::MatrixXd prices(scenarios, 3);
  for (Eigen::Index s = 0; s < scenarios; ++s) {
    const double market = 0.15 * random.normal();
    prices(s, 0) = 1.0;
    prices(s, 1) = kPrices[1] * std::exp(market + 0.05 * random.normal());
    prices(s, 2) = kPrices[2] * std::exp(1.2 * market + 0.08 * random.normal());
  }
  auto r = revalue_book(*bound, *today, kPrices, prices, kNow, {.horizon_years = kHorizon});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Timestamp later = kNow + 3 * kSecondsPerDay;
  const double hours = 3.0 * 24.0;
  for (Eigen::Index s = 0; s < scenarios; ++s) {
    const double btc = prices(s, 1);
    const double eth = prices(s, 2);
    for (std::size_t p = 0; p < book.positions.size(); ++p) {
      SCOPED_TRACE(book.positions[p].name);
      const PositionSpec& spec = book.positions[p].spec;
      const double base = today->positions[p].value;
      double expected = std::numeric_limits<double>::quiet_NaN();
      if (const auto* spot = std::get_if<SpotPosition>(&spec)) {
        expected = spot->quantity * (spot->asset == "BTC" ? btc : eth) - base;
      } else if (const auto* lp = std::get_if<AmmLpPosition>(&spec)) {
        const std::vector<double> token_prices =
            lp->tokens[0] == "ETH" ? std::vector<double>{eth, 1.0} : std::vector<double>{btc, eth};
        auto v = value_lp(*lp, token_prices);
        ASSERT_TRUE(v.is_ok());
        expected = v->value * (1.0 + lp->fee_apr * kHorizon) - base;
      } else if (const auto* perp = std::get_if<PerpPosition>(&spec)) {
        const double mark = perp->underlying == "BTC" ? btc : eth;
        auto v = value_perp(*perp, mark);
        auto funding = funding_cost(*perp, mark, hours);
        ASSERT_TRUE(v.is_ok() && funding.is_ok());
        const double funding_quote =
            perp->settlement == Settlement::kInverse ? *funding * mark : *funding;
        expected = v->value - funding_quote - base;
      } else {
        const auto& o = std::get<OptionPosition>(spec);
        const double underlying = o.underlying == "BTC" ? btc : eth;
        if (later >= o.expiry) {
          expected = option_payoff(o, underlying) - base;
        } else {
          auto v = value_option(o, underlying, later);
          ASSERT_TRUE(v.is_ok());
          expected = v->value - base;
        }
      }
      const double scale = std::max({1.0, std::abs(expected), std::abs(base)});
      ASSERT_NEAR(r->position_pnl(s, static_cast<Eigen::Index>(p)), expected, 1e-12 * scale)
          << "scenario " << s;
    }
    ASSERT_NEAR(r->pnl(s), r->position_pnl.row(s).sum(), 1e-9 * r->position_pnl.row(s).norm());
  }
}

// The batched pricer shares the scalar pricer's kernel: equal to the last bit, before and after
// expiry.
TEST(Revaluation, BatchedOptionValuesEqualTheScalarOnes) {
  const std::vector<double> forwards = {1e-9, 0.5, 900.0, 1999.0, 2000.0, 2001.0, 2600.0, 1e7};
  std::vector<double> logs;
  for (double f : forwards) logs.push_back(std::log(f));
  for (const OptionType type : {OptionType::kCall, OptionType::kPut}) {
    for (const double rate : {0.0, 0.04}) {
      const OptionPosition o = option("ETH", type, 2000.0, 10, Settlement::kLinear, 2.5, rate);
      for (const Timestamp when : {kNow, o.expiry, o.expiry + 1}) {
        std::vector<double> values(forwards.size());
        option_values_unchecked(o, forwards, logs, when, values);
        for (std::size_t s = 0; s < forwards.size(); ++s) {
          EXPECT_EQ(values[s], option_value_unchecked(o, forwards[s], when)) << forwards[s];
        }
      }
    }
  }
}

TEST(Revaluation, ErrorsNameTheFirstBadScenario) {
  const Book book = mixed_book();
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok());
  auto today = value_book(*bound, kPrices, kNow);
  ASSERT_TRUE(today.is_ok());
  Eigen::MatrixXd prices(4, 3);
  prices << 1.0, 50000.0, 2000.0,  //
      1.0, 50000.0, 2000.0,        //
      1.0, 50000.0, -1.0,          // the first bad scenario, in the last column
      1.0, -5.0, 2000.0;
  auto r = revalue_book(*bound, *today, kPrices, prices, kNow, {.horizon_years = kHorizon});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("scenario 3: the price of ETH is -1"), std::string::npos)
      << r.status().message();
  prices(2, 2) = std::numeric_limits<double>::infinity();
  r = revalue_book(*bound, *today, kPrices, prices, kNow, {.horizon_years = kHorizon});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("scenario 3"), std::string::npos) << r.status().message();
}

// A zero price is valued at a tiny positive price (the position's limit): a call is worthless,
// a put pays its strike, and the P&L is finite.
TEST(Revaluation, AZeroPriceValuesEveryPositionAtItsLimit) {
  const Book book = mixed_book();
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok());
  auto today = value_book(*bound, kPrices, kNow);
  ASSERT_TRUE(today.is_ok());
  Eigen::MatrixXd prices(1, 3);
  prices << 1.0, 0.0, 2000.0;
  auto r = revalue_book(*bound, *today, kPrices, prices, kNow, {.horizon_years = kHorizon});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r->position_pnl.allFinite());
  EXPECT_NEAR(r->position_pnl(0, 6), -today->positions[6].value, 1e-9);  // c1
  const auto& put = std::get<OptionPosition>(book.positions[7].spec);
  const double discount = std::exp(-put.rate * years_to_expiry(put.expiry, kNow + 3 * 86400));
  EXPECT_NEAR(r->position_pnl(0, 7) + today->positions[7].value,
              put.quantity * put.strike * discount, 1e-6);
}

}  // namespace
}  // namespace keel
