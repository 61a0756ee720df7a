// A book of positions: validation naming positions and fields, valuation and net greeks, full
// revaluation against closed forms, the delta-gamma option, and the Euler ES contributions.
#include "keel/defi/book.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keel/core/random.hpp"
#include "keel/defi/amm_position.hpp"
#include "keel/defi/option.hpp"
#include "keel/defi/revaluation.hpp"
#include "keel/risk/var.hpp"

namespace keel {
namespace {

constexpr Timestamp kNow = 1767225600;  // 2026-01-01
constexpr double kDay = 1.0 / 365.0;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Book sample_book() {
  Book book;
  book.source = "book.toml";
  book.cash = 1000.0;
  book.positions.push_back({"btc", 3, SpotPosition{"BTC", 2.0}});
  AmmLpPosition lp;
  lp.kind = AmmKind::kConcentrated;
  lp.tokens = {"ETH", "USDC"};
  lp.price_lower = 1500.0;
  lp.price_upper = 2500.0;
  lp.liquidity = 500.0;
  book.positions.push_back({"eth-lp", 8, lp});
  PerpPosition perp;
  perp.underlying = "BTC";
  perp.settlement = Settlement::kInverse;
  perp.contract_size = 100.0;
  perp.contracts = -300.0;
  perp.entry_price = 50000.0;
  perp.margin = 0.2;
  book.positions.push_back({"btc-short", 20, perp});
  OptionPosition put;
  put.underlying = "BTC";
  put.type = OptionType::kPut;
  put.strike = 45000.0;
  put.expiry = kNow + 30 * kSecondsPerDay;
  put.implied_volatility = 0.6;
  put.quantity = 1.5;
  book.positions.push_back({"btc-put", 30, put});
  return book;
}

const std::vector<std::string> kAssets = {"USDC", "BTC", "ETH"};
const std::vector<double> kPrices = {1.0, 50000.0, 2000.0};

TEST(Book, ValidationNamesThePositionAndField) {
  Book book = sample_book();
  ASSERT_TRUE(book.validate().is_ok());
  std::get<AmmLpPosition>(book.positions[1].spec).price_lower = 3000.0;
  Status s = book.validate();
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "eth-lp")) << s.message();
  EXPECT_TRUE(contains(s.message(), "line 8")) << s.message();
  EXPECT_TRUE(contains(s.message(), "price_lower")) << s.message();

  book = sample_book();
  book.positions[2].name = "btc";
  s = book.validate();
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "'btc'")) << s.message();
  EXPECT_TRUE(contains(s.message(), "twice")) << s.message();

  book = sample_book();
  std::get<PerpPosition>(book.positions[2].spec).entry_price = -1.0;
  s = book.validate();
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "btc-short")) << s.message();
  EXPECT_TRUE(contains(s.message(), "entry_price")) << s.message();
}

TEST(Book, BindingNamesTheMissingAsset) {
  const Book book = sample_book();
  auto bound = bind_book(book, {"BTC", "USDC"});
  ASSERT_FALSE(bound.is_ok());
  EXPECT_TRUE(contains(bound.status().message(), "eth-lp")) << bound.status().message();
  EXPECT_TRUE(contains(bound.status().message(), "token0 'ETH'")) << bound.status().message();
  EXPECT_TRUE(contains(bound.status().message(), "BTC, USDC")) << bound.status().message();
}

TEST(Book, ValueIsTheSumAndNetGreeksAddUp) {
  const Book book = sample_book();
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok()) << bound.status().message();
  auto v = value_book(*bound, kPrices, kNow);
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  double total = book.cash;
  double btc_delta = 0.0;
  for (const PositionValue& p : v->positions) {
    total += p.value;
    for (const auto& e : p.exposures) {
      if (e.underlying == "BTC") btc_delta += e.delta;
    }
  }
  EXPECT_DOUBLE_EQ(v->total_value, total);
  EXPECT_DOUBLE_EQ(v->positions[0].value, 100000.0);
  ASSERT_EQ(v->net_exposures.size(), 3u);  // BTC, ETH, USDC in order of first appearance
  EXPECT_EQ(v->net_exposures[0].underlying, "BTC");
  EXPECT_DOUBLE_EQ(v->net_exposures[0].delta, btc_delta);
  // The inverse short's delta: margin + n c / E = 0.2 − 30000 / 50000 coins.
  EXPECT_NEAR(v->positions[2].exposures[0].delta, 0.2 - 0.6, 1e-12);
}

TEST(Book, AnExpiredOptionIsAnErrorNamingIt) {
  Book book = sample_book();
  std::get<OptionPosition>(book.positions[3].spec).expiry = kNow - kSecondsPerDay;
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok());
  auto v = value_book(*bound, kPrices, kNow);
  ASSERT_FALSE(v.is_ok());
  EXPECT_TRUE(contains(v.status().message(), "btc-put")) << v.status().message();
  EXPECT_TRUE(contains(v.status().message(), "expired")) << v.status().message();
}

// Spot and linear contracts revalue exactly linearly; the LP at the scenario's pool price; the
// option by repricing with a day less; every P&L is value(scenario) − value(today) + carry.
TEST(Revaluation, FullRevaluationMatchesDirectRepricing) {
  const Book book = sample_book();
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok());
  auto today = value_book(*bound, kPrices, kNow);
  ASSERT_TRUE(today.is_ok());
  Eigen::MatrixXd scenarios(3, 3);
  scenarios << 1.0, 40000.0, 1700.0,  //
      1.0, 50000.0, 2000.0,           //
      1.0, 62000.0, 2900.0;           // ETH above the range
  auto r = revalue_book(*bound, *today, kPrices, scenarios, kNow, {.horizon_years = kDay});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  for (Eigen::Index s = 0; s < 3; ++s) {
    EXPECT_NEAR(r->position_pnl(s, 0), 2.0 * (scenarios(s, 1) - 50000.0), 1e-9);
    const AmmLpPosition& lp = std::get<AmmLpPosition>(book.positions[1].spec);
    const std::vector<double> lp_prices = {scenarios(s, 2), 1.0};
    auto lp_value = value_lp(lp, lp_prices);
    ASSERT_TRUE(lp_value.is_ok());
    EXPECT_NEAR(r->position_pnl(s, 1), lp_value->value - today->positions[1].value, 1e-7);
    const OptionPosition& put = std::get<OptionPosition>(book.positions[3].spec);
    auto option_value = value_option(put, scenarios(s, 1), kNow + kSecondsPerDay);
    ASSERT_TRUE(option_value.is_ok());
    EXPECT_NEAR(r->position_pnl(s, 3), option_value->value - today->positions[3].value, 1e-7);
    EXPECT_NEAR(r->pnl(s), r->position_pnl.row(s).sum(), 1e-9);
  }
  // Unchanged prices: the put loses its one-day time decay, about theta / 365.
  EXPECT_NEAR(r->position_pnl(1, 3), today->positions[3].theta * kDay,
              0.02 * std::abs(today->positions[3].theta * kDay));
  // Above the range the LP holds only USDC: a further rise changes nothing.
  Eigen::MatrixXd higher = scenarios.row(2);
  higher(0, 2) = 3500.0;
  auto r2 = revalue_book(*bound, *today, kPrices, higher, kNow, {.horizon_years = kDay});
  ASSERT_TRUE(r2.is_ok());
  EXPECT_NEAR(r2->position_pnl(0, 1), r->position_pnl(2, 1), 1e-9);
}

TEST(Revaluation, AnOptionExpiringWithinTheHorizonPaysItsPayoff) {
  Book book;
  OptionPosition call;
  call.underlying = "BTC";
  call.strike = 48000.0;
  call.expiry = kNow + 2 * kSecondsPerDay;
  call.implied_volatility = 0.5;
  call.quantity = 2.0;
  book.positions.push_back({"call", 1, call});
  auto bound = bind_book(book, {"BTC"});
  ASSERT_TRUE(bound.is_ok());
  const std::vector<double> price = {50000.0};
  auto today = value_book(*bound, price, kNow);
  ASSERT_TRUE(today.is_ok());
  Eigen::MatrixXd scenarios(2, 1);
  scenarios << 47000.0, 53000.0;
  auto r = revalue_book(*bound, *today, price, scenarios, kNow, {.horizon_years = 7 * kDay});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_NEAR(r->pnl(0), 0.0 - today->total_value, 1e-9);
  EXPECT_NEAR(r->pnl(1), 2.0 * 5000.0 - today->total_value, 1e-9);
}

// For small moves the delta-gamma approximation agrees with full revaluation to third order; for
// a large move it does not (which is why it is only an option).
TEST(Revaluation, DeltaGammaIsCloseForSmallMovesOnly) {
  const Book book = sample_book();
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok());
  auto today = value_book(*bound, kPrices, kNow);
  ASSERT_TRUE(today.is_ok());
  Eigen::MatrixXd small(1, 3), large(1, 3);
  small << 1.0, 50250.0, 2010.0;
  large << 1.0, 30000.0, 1200.0;
  const RevaluationOptions full{.horizon_years = kDay};
  const RevaluationOptions approx{.horizon_years = kDay, .delta_gamma = true};
  for (const auto* m : {&small, &large}) {
    auto a = revalue_book(*bound, *today, kPrices, *m, kNow, full);
    auto b = revalue_book(*bound, *today, kPrices, *m, kNow, approx);
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    EXPECT_TRUE(b->delta_gamma);
    const double gap = std::abs(a->pnl(0) - b->pnl(0));
    if (m == &small) {
      EXPECT_LT(gap, 0.01 * std::abs(a->pnl(0)) + 1.0);
    } else {
      EXPECT_GT(gap, 100.0);
    }
  }
}

TEST(Revaluation, ContributionsAddUpToTheExpectedShortfall) {
  const Book book = sample_book();
  auto bound = bind_book(book, kAssets);
  ASSERT_TRUE(bound.is_ok());
  auto today = value_book(*bound, kPrices, kNow);
  ASSERT_TRUE(today.is_ok());
  Random random(3);
  Eigen::MatrixXd returns(301, 3);
  for (Eigen::Index t = 0; t < returns.rows(); ++t) {
    const double market = 0.04 * random.normal();
    returns(t, 0) = 0.0;
    returns(t, 1) = market + 0.01 * random.normal();
    returns(t, 2) = 1.2 * market + 0.02 * random.normal();
  }
  auto scenarios = historical_price_scenarios(returns, kPrices, 1);
  ASSERT_TRUE(scenarios.is_ok());
  EXPECT_EQ(scenarios->rows(), 301);
  auto r = revalue_book(*bound, *today, kPrices, *scenarios, kNow, {.horizon_years = kDay});
  ASSERT_TRUE(r.is_ok());
  auto risk = book_risk(*r, 0.95);
  ASSERT_TRUE(risk.is_ok());
  double sum = 0.0;
  for (double c : risk->es_contributions) sum += c;
  EXPECT_NEAR(sum, risk->es, 1e-8 * std::abs(risk->es));
  Eigen::VectorXd pnl = r->pnl;
  EXPECT_NEAR(risk->es, empirical_tail(pnl, 0.95).es, 1e-9);
  EXPECT_GE(risk->es, risk->var);
  // Historical scenarios over 5 periods compound the returns.
  auto five = historical_price_scenarios(returns, kPrices, 5);
  ASSERT_TRUE(five.is_ok());
  EXPECT_EQ(five->rows(), 297);
  double growth = 1.0;
  for (int k = 0; k < 5; ++k) growth *= 1.0 + returns(k, 1);
  EXPECT_NEAR((*five)(0, 1), 50000.0 * growth, 1e-6);
}

TEST(Revaluation, MissingHistoryIsAnErrorNamingTheRow) {
  Eigen::MatrixXd returns = Eigen::MatrixXd::Zero(5, 2);
  returns(3, 1) = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> prices = {1.0, 2.0};
  auto s = historical_price_scenarios(returns, prices, 1);
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.status().message(), "row 4")) << s.status().message();
}

}  // namespace
}  // namespace keel
