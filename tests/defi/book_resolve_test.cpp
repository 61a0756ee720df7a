// resolve_book (positions.hpp): an LP given by its deposit gets the Uniswap v3 liquidity of that
// deposit at the last prices (the quote currency without a column at 1, with a warning), a
// perpetual with a funding series gets the series' rate of the last price's day, and the
// revaluation carries that rate; a book left unresolved, a day the series lacks and bad inputs
// are errors naming the position and the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "keel/data/market.hpp"
#include "keel/defi/positions.hpp"

namespace keel {
namespace {

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// 60 daily prices of ETH (no USDC column: the book's quote currency is USDC) ending 2024-03-01.
Market eth_market() {
  PricePanel p;
  p.assets = {"ETH"};
  p.source = "test";
  const int rows = 60;
  p.prices.resize(rows, 1);
  double eth = 3000.0;
  for (int t = 0; t < rows; ++t) {
    p.timestamps.push_back(day(2024, 3, 1) - (rows - 1 - t) * kSecondsPerDay);
    eth *= 1.0 + 0.03 * std::sin(0.9 * t) + 0.01 * std::cos(2.1 * t);
    p.prices(t, 0) = eth;
  }
  auto m = prepare_market(p, {});
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return *m;
}

class TempFolder {
 public:
  TempFolder() {
    path_ = std::filesystem::temp_directory_path() /
            ("keel-book-resolve-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

Book range_book(double pool_price) {
  Book book;
  book.source = "book.toml";
  book.quote_currency = "USDC";
  AmmLpPosition lp;
  lp.kind = AmmKind::kConcentrated;
  lp.tokens = {"ETH", "USDC"};
  lp.price_lower = 0.8 * pool_price;
  lp.price_upper = 1.25 * pool_price;
  book.positions.push_back({"eth-usdc", 7, lp});
  book.deposits.push_back({.position = 0, .amounts = {2.0, 5000.0}, .resolved = false});
  return book;
}

TEST(ResolveBook, DepositMintsTheWhitepaperLiquidityWithTheQuoteAtOne) {
  const Market market = eth_market();
  const double eth = market.panel.prices(market.panel.rows() - 1, 0);
  Book book = range_book(eth);
  // Unresolved: the analysis refuses, naming the position and the key.
  auto early = analyze_positions(book, market, {});
  ASSERT_FALSE(early.is_ok());
  EXPECT_TRUE(contains(early.status().message(), "eth-usdc")) << early.status().message();
  EXPECT_TRUE(contains(early.status().message(), "deposit")) << early.status().message();

  ASSERT_TRUE(resolve_book(book, market).is_ok());
  // Uniswap v3 whitepaper (6.29, 6.30): in range, L = min(x √P √pb / (√pb − √P), y / (√P − √pa))
  // with P = ETH / 1 (USDC has no column and is the quote currency).
  const double sp = std::sqrt(eth);
  const double sa = std::sqrt(0.8 * eth);
  const double sb = std::sqrt(1.25 * eth);
  const double expected = std::min(2.0 * sp * sb / (sb - sp), 5000.0 / (sp - sa));
  const auto& lp = std::get<AmmLpPosition>(book.positions[0].spec);
  EXPECT_NEAR(lp.liquidity, expected, 1e-9 * expected);
  EXPECT_TRUE(book.deposits[0].resolved);

  auto a = analyze_positions(book, market, {});
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  ASSERT_EQ(a->assets.size(), 2u);
  EXPECT_EQ(a->prices[1], 1.0);
  ASSERT_EQ(a->warnings.size(), 1u);
  EXPECT_TRUE(contains(a->warnings[0], "USDC is the quote currency")) << a->warnings[0];
  // The binding side of the deposit is used in full: the position is worth at most the deposit.
  EXPECT_LE(a->valuation.positions[0].value, 2.0 * eth + 5000.0 + 1e-9);
}

TEST(ResolveBook, BadDepositsAndMissingAssetsNameThePosition) {
  const Market market = eth_market();
  Book book = range_book(3000.0);
  book.deposits[0].amounts = {0.0, 0.0};
  Status s = resolve_book(book, market);
  EXPECT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "eth-usdc") && contains(s.message(), "deposit")) << s.message();

  book = range_book(3000.0);
  std::get<AmmLpPosition>(book.positions[0].spec).tokens = {"ETH", "DAI"};
  s = resolve_book(book, market);
  EXPECT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "eth-usdc") && contains(s.message(), "token1 'DAI'") &&
              contains(s.message(), "columns are ETH"))
      << s.message();

  book = range_book(3000.0);
  book.positions.push_back({"spot", 9, SpotPosition{"ETH", 1.0}});
  book.deposits.push_back({.position = 1, .amounts = {1.0, 1.0}, .resolved = false});
  s = book.validate();
  EXPECT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "'spot'") && contains(s.message(), "deposit")) << s.message();
}

Book perp_book(const std::string& source, const std::string& series) {
  Book book;
  book.source = source;
  book.quote_currency = "USDC";
  PerpPosition perp;
  perp.underlying = "ETH";
  perp.contracts = 2.0;
  perp.contract_size = 0.5;
  perp.entry_price = 3000.0;
  perp.margin = 1000.0;
  book.positions.push_back({"eth-perp", 4, perp});
  book.funding_series.push_back({.position = 0,
                                 .path = series,
                                 .resolved = false,
                                 .resolved_path = "",
                                 .day = 0,
                                 .rate = 0.0});
  return book;
}

TEST(ResolveBook, FundingSeriesRateOfTheLastDayIsCarriedOverTheHorizon) {
  const Market market = eth_market();
  TempFolder dir;
  std::ofstream(dir.file("funding.csv")) << "date,funding_mean,funding_abs\n"
                                            "2024-02-28,0.0005,0.0005\n"
                                            "2024-02-29,-0.0001,0.0002\n"
                                            "2024-03-01,0.0003,0.0003\n"
                                            "2024-03-02,0.0009,0.0009\n";
  // Relative to the book file's folder.
  Book book = perp_book(dir.file("book.toml"), "funding.csv");
  ASSERT_TRUE(resolve_book(book, market).is_ok());
  const double rate = 0.0003;  // the row of 2024-03-01, the last price's day
  EXPECT_EQ(std::get<PerpPosition>(book.positions[0].spec).funding_rate, rate);
  EXPECT_EQ(book.funding_series[0].day, day(2024, 3, 1));
  EXPECT_EQ(book.funding_series[0].resolved_path, dir.file("funding.csv"));

  PositionsOptions options;
  options.horizon = 5;
  auto a = analyze_positions(book, market, options);
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  const double eth = a->prices[0];
  const double coins = 2.0 * 0.5;
  ASSERT_TRUE(a->perps[0].has_value());
  // A day pays three 8-hour settlements at the rate on the notional: 3 f n c P.
  EXPECT_NEAR(a->perps[0]->funding_per_day_quote, 3.0 * rate * coins * eth, 1e-9);
  EXPECT_EQ(a->perps[0]->funding_series, dir.file("funding.csv"));
  // Each scenario: n c (P_s − P) minus 3 f n c P_s per day over the 5-day horizon.
  for (Eigen::Index s = 0; s < a->scenario_prices.rows(); ++s) {
    const double ps = a->scenario_prices(s, 0);
    const double expected = coins * (ps - eth) - 3.0 * rate * coins * ps * 5.0;
    EXPECT_NEAR(a->revaluation.position_pnl(s, 0), expected, 1e-9 * eth) << s;
  }
  const Json doc = positions_json(book, *a);
  EXPECT_EQ(doc["positions"][0]["perp"]["funding_series"]["date"], "2024-03-01");
}

TEST(ResolveBook, FundingSeriesWithoutTheLastDayNamesPositionFileAndDate) {
  const Market market = eth_market();
  TempFolder dir;
  std::ofstream(dir.file("short.csv")) << "date,funding_mean\n2024-02-27,0.0001\n"
                                          "2024-02-28,0.0001\n";
  Book book = perp_book("", dir.file("short.csv"));
  const Status s = resolve_book(book, market);
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(contains(s.message(), "eth-perp")) << s.message();
  EXPECT_TRUE(contains(s.message(), "short.csv")) << s.message();
  EXPECT_TRUE(contains(s.message(), "2024-03-01")) << s.message();
  EXPECT_TRUE(contains(s.message(), "2024-02-27 .. 2024-02-28")) << s.message();

  Book missing = perp_book("", dir.file("nope.csv"));
  const Status m = resolve_book(missing, market);
  EXPECT_FALSE(m.is_ok());
  EXPECT_TRUE(contains(m.message(), "eth-perp") && contains(m.message(), "funding_series"))
      << m.message();

  // A constant rate and a series together, or a series on another kind, are rejected.
  Book both = perp_book("", dir.file("short.csv"));
  std::get<PerpPosition>(both.positions[0].spec).funding_rate = 0.0001;
  const Status b = both.validate();
  EXPECT_FALSE(b.is_ok());
  EXPECT_TRUE(contains(b.message(), "funding_rate") && contains(b.message(), "eth-perp"))
      << b.message();
  Book spot = perp_book("", dir.file("short.csv"));
  spot.positions[0].spec = SpotPosition{"ETH", 1.0};
  EXPECT_FALSE(spot.validate().is_ok());
  // Unresolved series: the analysis says to resolve first.
  Book unresolved = perp_book("", dir.file("short.csv"));
  auto a = analyze_positions(unresolved, market, {});
  ASSERT_FALSE(a.is_ok());
  EXPECT_TRUE(contains(a.status().message(), "resolve")) << a.status().message();
}

// replay_book: a window of the ETH market moves ETH by its close-to-close return there (computed
// here from the panel), the spot leg gains exactly q P r, the perp pays funding for the window's
// days at its rate on the moved mark; a required window outside the data is an error naming it.
TEST(ReplayBook, WindowMoveRevaluesEveryPosition) {
  const Market market = eth_market();
  Book book;
  book.quote_currency = "USDC";
  book.positions.push_back({"eth", 1, SpotPosition{"ETH", 3.0}});
  PerpPosition perp;
  perp.underlying = "ETH";
  perp.contracts = -4.0;
  perp.entry_price = 3000.0;
  perp.margin = 2000.0;
  perp.funding_rate = 0.0002;
  book.positions.push_back({"short", 2, perp});
  auto a = analyze_positions(book, market, {});
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  const StressWindow window{"dip", day(2024, 2, 10), day(2024, 2, 17)};
  auto replays = replay_book(book, *a, market, {{window, true}});
  ASSERT_TRUE(replays.is_ok()) << replays.status().message();
  ASSERT_EQ(replays->size(), 1u);
  const BookReplay& r = (*replays)[0];
  ASSERT_EQ(r.outcome, ReplayOutcome::kReplayed);
  const auto& ts = market.panel.timestamps;
  const auto row = [&](Timestamp t) {
    return static_cast<Eigen::Index>(std::find(ts.begin(), ts.end(), t) - ts.begin());
  };
  const double ret = market.panel.prices(row(day(2024, 2, 17)), 0) /
                         market.panel.prices(row(day(2024, 2, 10)), 0) -
                     1.0;
  EXPECT_NEAR(r.asset_returns[0], ret, 1e-14);
  EXPECT_EQ(r.days, 7.0);
  const double eth = a->prices[0];
  const double moved = eth * (1.0 + ret);
  EXPECT_NEAR(r.position_pnl[0], 3.0 * eth * ret, 1e-9);
  // Linear short: n (P' − P), and funding f n P' per 8 h over 7 days (a short receives f > 0).
  EXPECT_NEAR(r.position_pnl[1], -4.0 * (moved - eth) - 0.0002 * -4.0 * moved * 21.0, 1e-9);
  EXPECT_NEAR(r.pnl, r.position_pnl[0] + r.position_pnl[1], 1e-9);

  const StressWindow early{"before-data", day(2023, 1, 1), day(2023, 1, 8)};
  auto outside = replay_book(book, *a, market, {{early, true}});
  ASSERT_FALSE(outside.is_ok());
  EXPECT_TRUE(contains(outside.status().message(), "before-data")) << outside.status().message();
  auto listed = replay_book(book, *a, market, {{early, false}});
  ASSERT_TRUE(listed.is_ok());
  EXPECT_EQ((*listed)[0].outcome, ReplayOutcome::kNotCovered);
  EXPECT_TRUE(std::isnan((*listed)[0].pnl));
}

// book_liquidity: the spot leg and the LP's ETH amount are sold at ETH's volume; the cost is the
// square-root law written out here (Almgren et al. 2005; keel/risk/liquidity.hpp): days =
// ⌈q / (π ADV)⌉, cost = Y σ_day √(q / (ADV days)) q, with σ_day the sample standard deviation of
// the daily returns and ADV the mean daily traded value. Without volumes it is not computed.
TEST(BookLiquidity, SquareRootImpactOnSpotAndLpLegs) {
  Market market = eth_market();
  auto a0 = analyze_positions(range_book(1.0), market, {});  // unresolved: an error
  EXPECT_FALSE(a0.is_ok());
  const Eigen::Index rows = market.panel.rows();
  market.panel.volumes.resize(rows, 1);
  for (Eigen::Index t = 0; t < rows; ++t) market.panel.volumes(t, 0) = 2e6 + 1e5 * (t % 7);
  const double eth = market.panel.prices(rows - 1, 0);
  Book book = range_book(eth);
  book.positions.push_back({"eth-spot", 9, SpotPosition{"ETH", 400.0}});
  ASSERT_TRUE(resolve_book(book, market).is_ok());
  auto a = analyze_positions(book, market, {});
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  auto l = book_liquidity(book, *a, market, {.max_participation = 0.2, .impact_coefficient = 1.0});
  ASSERT_TRUE(l.is_ok()) << l.status().message();
  ASSERT_TRUE(l->computed) << l->reason;

  const double coins = 400.0 + a->lps[0]->token_amounts[0];
  const double q = coins * eth;
  const Eigen::VectorXd r = market.returns.values.col(0);
  const double mean = r.mean();
  const double sigma =
      std::sqrt((r.array() - mean).square().sum() / static_cast<double>(r.size() - 1));
  const double adv = market.panel.volumes.col(0).tail(r.size()).mean();
  const double days = std::ceil(q / (0.2 * adv));
  const double cost = sigma * std::sqrt(q / (adv * days)) * q;
  EXPECT_NEAR(l->liquidation_value[0], q, 1e-9 * q);
  EXPECT_EQ(l->liquidation_days[0], days);
  EXPECT_NEAR(l->liquidity_cost, cost, 1e-9 * cost);
  EXPECT_NEAR(l->lvar, a->risk.var + cost, 1e-9 * cost);
  EXPECT_EQ(l->liquidation_value[1], 0.0);  // USDC: the quote currency, nothing to sell

  market.panel.volumes.resize(0, 0);
  auto none = book_liquidity(book, *a, market, {});
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->computed);
  EXPECT_TRUE(contains(none->reason, "volumes")) << none->reason;
}

}  // namespace
}  // namespace keel
