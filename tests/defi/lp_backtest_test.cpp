// LP and perp-hedge backtests (keel/defi/lp_backtest.hpp) on small synthetic bars: the fee share
// by hand, sole liquidity takes every fee, no-swap and out-of-range bars earn nothing, the value
// identities (value − held = divergence loss; V_T − V_0 = Σ x ΔP − LVR − costs), LVR against the
// full-range closed form L (√P' − √P)² / √P, re-centring, the modelled variant, the perp hedge
// (a spot hedge rebalanced every period nets 0; an LP hedge nets −LVR), funding signs, errors.
// Real-data checks against pandas are in lp_backtest_reference_test.cpp.
#include "keel/defi/lp_backtest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "keel/defi/amm.hpp"

namespace keel {
namespace {

// Bars with decimals 0 (prices = 1.0001^tick), one minute apart.
PoolBars make_bars(const std::vector<int>& ticks, const std::vector<double>& in0,
                   const std::vector<double>& in1, const std::vector<double>& active,
                   double fee_rate = 0.003) {
  PoolBars bars;
  bars.spec = PoolSpec{.decimals0 = 0, .decimals1 = 0, .fee_rate = fee_rate, .tick_spacing = 1};
  for (std::size_t t = 0; t < ticks.size(); ++t) {
    bars.timestamps.push_back(1'700'000'000 + 60 * static_cast<Timestamp>(t));
    bars.close_tick.push_back(ticks[t]);
    bars.open_tick.push_back(ticks[t]);
    bars.low_tick.push_back(ticks[t]);
    bars.high_tick.push_back(ticks[t]);
    bars.price.push_back(amm::price_at_tick(ticks[t]));
    bars.in_amount0.push_back(in0[t]);
    bars.in_amount1.push_back(in1[t]);
    bars.active_liquidity.push_back(active[t]);
  }
  return bars;
}

// Range [tick -100, tick 100) given by prices nudged inside the ticks (snapping is outward).
LpBacktestOptions range_options(double capital) {
  return {.price_lower = amm::price_at_tick(-100) * (1 + 1e-9),
          .price_upper = amm::price_at_tick(100) * (1 - 1e-9),
          .capital = capital};
}

TEST(LpBacktest, FeeShareByHand) {
  const PoolBars bars =
      make_bars({0, 10, -20, 5}, {0, 2.0, 0, 1.0}, {0, 0, 3.0, 0.5}, {100, 300, 100, 0});
  auto r = lp_backtest(bars, range_options(50.0));
  ASSERT_TRUE(r) << r.status().message();
  const LpBacktestSummary& s = r->summary;
  EXPECT_EQ(s.tick_lower, -100);
  EXPECT_EQ(s.tick_upper, 100);
  EXPECT_EQ(s.fees_source, "observed");
  const double l = s.liquidity;
  EXPECT_NEAR(l * amm::range_value(1.0, 1.0, s.price_lower, s.price_upper), 50.0, 1e-12);
  // bar 1: 0.003 × 2 × L/(300 + L); bar 2: token1 3 × L/(100 + L); bar 3: L_active = 0 → all.
  const double f0 = 0.003 * 2.0 * l / (300 + l) + 0.003 * 1.0;
  const double f1 = 0.003 * 3.0 * l / (100 + l) + 0.003 * 0.5;
  EXPECT_NEAR(s.fees0, f0, 1e-15);
  EXPECT_NEAR(s.fees1, f1, 1e-15);
  EXPECT_NEAR(s.fees_value, f0 * bars.price.back() + f1, 1e-14);
  EXPECT_DOUBLE_EQ(s.time_in_range, 1.0);
}

TEST(LpBacktest, SoleLiquidityEarnsEveryFee) {
  const PoolBars bars = make_bars({0, 1, 2, 3}, {0, 7, 11, 13}, {0, 1, 2, 4}, {0, 0, 0, 0});
  auto r = lp_backtest(bars, range_options(1000.0));
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->summary.fees0, 0.003 * (7 + 11 + 13));
  EXPECT_DOUBLE_EQ(r->summary.fees1, 0.003 * (1 + 2 + 4));
}

TEST(LpBacktest, NoSwapAndOutOfRangeBarsEarnNothing) {
  // Bars 1-2 have no swaps; bars 3-4 close outside [-100, 100) (tick 100 is outside: upper
  // bound exclusive, as the contract's tickLower <= tick < tickUpper); bar 5 inside earns.
  const PoolBars bars = make_bars({0, 3, 4, 100, -101, -100}, {0, 0, 0, 9, 9, 1},
                                  {0, 0, 0, 9, 9, 0}, {0, 0, 0, 0, 0, 0});
  auto r = lp_backtest(bars, range_options(10.0));
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->summary.fees0, 0.003);
  EXPECT_DOUBLE_EQ(r->summary.fees1, 0.0);
  EXPECT_DOUBLE_EQ(r->series.fees0[2], 0.0);
  EXPECT_DOUBLE_EQ(r->series.fees0[4], 0.0);
  EXPECT_NEAR(r->summary.time_in_range, 3.0 / 5.0, 1e-15);
  EXPECT_FALSE(r->series.in_range[3]);
  EXPECT_TRUE(r->series.in_range[5]);
}

std::vector<int> zigzag_ticks(int n, int amplitude) {
  std::vector<int> ticks;
  for (int t = 0; t < n; ++t) {
    ticks.push_back(
        static_cast<int>(amplitude * std::sin(0.37 * t) + 0.3 * amplitude * std::cos(1.3 * t)));
  }
  return ticks;
}

TEST(LpBacktest, ValueIdentitiesAndFullRangeLvr) {
  const std::vector<int> ticks = zigzag_ticks(200, 400);
  const std::vector<double> zero(ticks.size(), 0.0);
  const PoolBars bars = make_bars(ticks, zero, zero, zero);
  // A range wide enough that the path never leaves it: LVR equals the full-range closed form
  // for the virtual curve only when the range is the whole line, so use a huge range.
  LpBacktestOptions wide{.price_lower = 1e-8, .price_upper = 1e8, .capital = 1000.0};
  auto r = lp_backtest(bars, wide);
  ASSERT_TRUE(r);
  const LpBacktestSummary& s = r->summary;
  for (std::size_t t = 0; t < bars.size(); ++t) {
    EXPECT_NEAR(r->series.value[t] - r->series.held_value[t], r->series.divergence_loss[t], 1e-9);
  }
  EXPECT_NEAR(s.final_value - s.initial_value, s.rebalancing_gain - s.lvr - s.costs, 1e-9);
  EXPECT_NEAR(s.divergence_loss, s.final_value - s.held_value, 1e-12);
  // Within the range the position is the constant-product curve with virtual reserves, whose
  // step loss is L (√P' − √P)² / √P (amm.hpp; independent of the range's real reserves).
  double lvr = 0.0;
  for (std::size_t t = 1; t < bars.size(); ++t) {
    const double a = std::sqrt(bars.price[t - 1]), b = std::sqrt(bars.price[t]);
    lvr += s.liquidity * (b - a) * (b - a) / a;
  }
  EXPECT_NEAR(s.lvr, lvr, 1e-9 * lvr);
  EXPECT_GT(s.lvr, 0.0);
}

TEST(LpBacktest, RecentringCountsCostsAndKeepsTheIdentity) {
  // Up 300 ticks and stay: out of the ±100 range for good; re-centre after 3 bars.
  std::vector<int> ticks = {0, 50, 150, 300, 300, 300, 300, 300, 310, 290};
  const std::vector<double> flow(ticks.size(), 1.0), zero(ticks.size(), 0.0);
  const PoolBars bars = make_bars(ticks, flow, flow, zero);
  LpBacktestOptions o = range_options(1000.0);
  o.recentre_after = 3;
  o.recentre_slippage = 0.001;
  auto r = lp_backtest(bars, o);
  ASSERT_TRUE(r);
  const LpBacktestSummary& s = r->summary;
  EXPECT_EQ(s.recentrings, 1);
  EXPECT_GT(s.costs, 0.0);
  EXPECT_NEAR(s.final_value - s.initial_value, s.rebalancing_gain - s.lvr - s.costs, 1e-9);
  // Out of range above, the position is all token1, W = L (√pb − √pa). The new range is
  // ticks [200, 400) around P = 1.0001^300, geometrically centred, where x P = y = V / 2 (both
  // L √P (1 − 1.0001^-50)): re-centring buys token0 worth W' / 2 at cost c W' / 2, so
  // W' = W / (1 + c / 2).
  const double w = s.liquidity * (std::sqrt(s.price_upper) - std::sqrt(s.price_lower));
  const double c = 0.003 + 0.001;
  EXPECT_NEAR(s.costs, w - w / (1.0 + c / 2.0), 1e-9 * w);
  EXPECT_NEAR(r->series.value[5], w / (1.0 + c / 2.0), 1e-9 * w);
  // After re-centring (bar 5) the position is in range again and earns on bars 6..9.
  EXPECT_TRUE(r->series.in_range[9]);
  EXPECT_GT(r->series.fees0[9], r->series.fees0[5]);
}

TEST(LpBacktest, ModelledFeesAreLabelledAndAccrueOnValue) {
  std::vector<Timestamp> ts = {0, 3600, 7200, 10800};
  std::vector<double> prices = {2000, 2010, 2500, 1990};
  LpBacktestOptions o{.range_width = 0.1, .capital = 10000.0, .fee_apr = 0.2};
  auto r = lp_backtest_modelled(ts, prices, o);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->summary.fees_source, "modelled");
  // Bar 2 (2500) is out of [1800, 2200): fees on bars 1 and 3 at 20 %/yr for one hour each.
  const double hour = 1.0 / (365.0 * 24.0);
  const double expected = 0.2 * hour * (r->series.value[0] + r->series.value[2]);
  EXPECT_NEAR(r->summary.fees1, expected, 1e-12);
  EXPECT_DOUBLE_EQ(r->summary.fees0, 0.0);
  EXPECT_NEAR(r->series.value[0], 10000.0, 1e-9);
}

TEST(LpBacktest, InvertedPoolSwapsTokens) {
  const PoolBars bars = make_bars({0, 40, -30}, {0, 2, 0}, {0, 0, 5}, {10, 10, 10});
  const PoolBars inv = invert_pool_bars(bars);
  EXPECT_EQ(inv.close_tick[1], -40);
  EXPECT_DOUBLE_EQ(inv.in_amount1[1], 2.0);
  EXPECT_DOUBLE_EQ(inv.in_amount0[2], 5.0);
  EXPECT_NEAR(inv.price[1] * bars.price[1], 1.0, 1e-15);
}

TEST(LpBacktest, Errors) {
  const PoolBars bars = make_bars({0, 1}, {0, 0}, {0, 0}, {0, 0});
  LpBacktestOptions bad{.price_lower = 2.0, .price_upper = 1.0};
  auto r = lp_backtest(bars, bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("lower"), std::string::npos);
  EXPECT_FALSE(lp_backtest(make_bars({0}, {0}, {0}, {0}), range_options(1.0)));
  LpBacktestOptions both{.price_lower = 0.9, .price_upper = 1.1, .range_width = 0.1};
  EXPECT_FALSE(lp_backtest(bars, both));
}

TEST(PoolBars, ReaderNamesFileAndLine) {
  const auto dir = std::filesystem::temp_directory_path() / "keel_lp_backtest_test";
  std::filesystem::create_directories(dir);
  const std::string header =
      "timestamp,netAmount0,netAmount1,closeTick,openTick,lowestTick,highestTick,inAmount0,"
      "inAmount1,currentLiquidity\n";
  const std::string day2 = (dir / "b.csv").string();
  const std::string day1 = (dir / "a.csv").string();
  std::ofstream(day2) << header << "2023-08-14 00:00:00,0,0,10.0,10,10,10,0,2000000,4000000\n";
  std::ofstream(day1) << header << "2023-08-13 00:00:00,0,0,5,5,5,5,1000,0,4000000\n"
                      << "2023-08-13 00:01:00,0,0,6,5,5,6,0,0,4000000\n";
  const std::vector<std::string> paths = {day2, day1};  // out of order: sorted by time
  auto bars = read_pool_bars(paths, PoolSpec{.decimals0 = 3, .decimals1 = 6, .fee_rate = 0.003});
  ASSERT_TRUE(bars) << bars.status().message();
  ASSERT_EQ(bars->size(), 3u);
  EXPECT_EQ(bars->close_tick[2], 10);
  EXPECT_DOUBLE_EQ(bars->in_amount0[0], 1.0);  // 1000 / 10^3
  EXPECT_DOUBLE_EQ(bars->in_amount1[2], 2.0);  // 2e6 / 10^6
  EXPECT_NEAR(bars->active_liquidity[0], 4000000 / std::pow(10.0, 4.5), 1e-9);
  EXPECT_NEAR(bars->price[1], std::pow(1.0001, 6) * 1e-3, 1e-15);
  EXPECT_EQ(bars->timestamps[1] - bars->timestamps[0], 60);

  const std::string broken = (dir / "c.csv").string();
  std::ofstream(broken) << header << "2023-08-15 00:00:00,0,0,5,5,5,5,1000,0,4000000\n"
                        << "2023-08-15 00:01:00,0,0,x,5,5,6,0,0,4000000\n";
  const std::vector<std::string> one = {broken};
  auto bad = read_pool_bars(one, PoolSpec{});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find(broken + ":3"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("closeTick"), std::string::npos);
  const std::vector<std::string> missing = {(dir / "none.csv").string()};
  EXPECT_FALSE(read_pool_bars(missing, PoolSpec{}));
  std::filesystem::remove_all(dir);
}

// -------------------------------------------------------------------------------------------
// Perp hedge.

std::vector<Timestamp> hourly(std::size_t n) {
  std::vector<Timestamp> ts;
  for (std::size_t t = 0; t < n; ++t)
    ts.push_back(1'700'006'400 + 3600 * static_cast<Timestamp>(t));
  return ts;
}

std::vector<double> price_path(std::size_t n) {
  std::vector<double> p;
  for (std::size_t t = 0; t < n; ++t) p.push_back(2000.0 * std::exp(0.05 * std::sin(0.7 * t)));
  return p;
}

TEST(PerpHedge, SpotHedgedEveryPeriodNetsZero) {
  const auto ts = hourly(50);
  const auto p = price_path(50);
  const std::vector<double> no_funding(49, 0.0);
  PerpHedgeOptions o;
  o.kind = HedgedKind::kSpot;
  o.quantity = 3.0;
  auto r = perp_hedge_backtest(ts, p, no_funding, o);
  ASSERT_TRUE(r) << r.status().message();
  for (double v : r->net_cumulative) EXPECT_NEAR(v, 0.0, 1e-9);
  EXPECT_NEAR(r->position_pnl, 3.0 * (p.back() - p.front()), 1e-9);
  EXPECT_NEAR(r->hedge_pnl, -r->position_pnl, 1e-9);
  EXPECT_EQ(r->rebalances, 49);
}

TEST(PerpHedge, LpHedgedEveryPeriodLosesItsLvr) {
  const auto ts = hourly(60);
  const auto p = price_path(60);
  const std::vector<double> no_funding(59, 0.0);
  PerpHedgeOptions o;
  o.kind = HedgedKind::kLp;
  o.lp = LpBacktestOptions{.range_width = 0.2, .capital = 10000.0};
  auto r = perp_hedge_backtest(ts, p, no_funding, o);
  ASSERT_TRUE(r);
  // Delta-hedged every period, the LP's P&L less x(P_t) ΔP is minus the discrete LVR.
  const double pa = p[0] * 0.8, pb = p[0] * 1.2;
  const double l = 10000.0 / amm::range_value(p[0], 1.0, pa, pb);
  const amm::DiscreteLvr lvr = amm::discrete_lvr(p, l, pa, pb);
  EXPECT_NEAR(r->net, -lvr.total, 1e-9 * std::max(1.0, lvr.total));
  EXPECT_LT(r->net, 0.0);
}

TEST(PerpHedge, FundingSignCostsAndBand) {
  const auto ts = hourly(9);
  const std::vector<double> flat(9, 100.0);
  const std::vector<double> rates(8, 0.0001);
  PerpHedgeOptions o;
  o.quantity = 2.0;
  o.trading_fee = 0.0005;
  auto r = perp_hedge_backtest(ts, flat, rates, o);
  ASSERT_TRUE(r);
  // A short perp of 2 coins at 100 receives 0.0001 × 200 per 8 h; 8 hours pay one interval.
  EXPECT_NEAR(r->funding_paid, -0.0001 * 200.0, 1e-15);
  EXPECT_NEAR(r->trading_costs, 0.0005 * 200.0, 1e-15);  // one trade: the initial hedge
  EXPECT_NEAR(r->net, 0.0001 * 200.0 - 0.0005 * 200.0, 1e-12);
  o.quantity = -2.0;  // a short spot hedged long pays
  auto s = perp_hedge_backtest(ts, flat, rates, o);
  ASSERT_TRUE(s);
  EXPECT_NEAR(s->funding_paid, 0.0001 * 200.0, 1e-15);

  PerpHedgeOptions banded;
  banded.kind = HedgedKind::kLp;
  banded.rebalance_every = 0;
  banded.band = 0.5;
  banded.lp = LpBacktestOptions{.range_width = 0.2, .capital = 10000.0};
  const auto ts2 = hourly(3);
  const std::vector<double> p2 = {2000.0, 2001.0, 2002.0};
  auto b = perp_hedge_backtest(ts2, p2, std::vector<double>(2, 0.0), banded);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rebalances, 1);  // a tiny move stays inside the band
  EXPECT_FALSE(perp_hedge_backtest(ts2, p2, std::vector<double>(1, 0.0), banded));
}

TEST(PerpHedge, FundingRatesForPeriods) {
  const std::vector<Timestamp> days = {0, 86400, 2 * 86400};
  const std::vector<double> rates = {1e-4, 2e-4, 3e-4};
  const std::vector<Timestamp> ts = {3600, 86400 + 7200, 2 * 86400 + 1, 3 * 86400 + 5};
  auto r = funding_rates_for_periods(ts, days, rates);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<double>{1e-4, 2e-4, 3e-4}));
  const std::vector<Timestamp> late = {3 * 86400, 4 * 86400};
  EXPECT_FALSE(funding_rates_for_periods(late, days, rates));
}

}  // namespace
}  // namespace keel
