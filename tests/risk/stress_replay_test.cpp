// Historical replay over a ragged price panel: numbers against price ratios computed directly in
// the test, coverage decisions and the missing-history policies.
#include "keel/risk/stress_replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "keel/core/time.hpp"

namespace keel {
namespace {

const double kNaN = std::nan("");

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Daily prices 2020-03-01 .. 2020-03-20 for three assets: BTC and ETH quoted throughout, NEW
// listed on 2020-03-12 (first price that day).
PricePanel ragged_panel() {
  PricePanel p;
  p.assets = {"BTC", "ETH", "NEW"};
  p.source = "hand-made";
  const int days = 20;
  p.prices.resize(days, 3);
  for (int i = 0; i < days; ++i) {
    p.timestamps.push_back(day(2020, 3, 1 + i));
    // Irregular but deterministic paths with a crash in the middle.
    p.prices(i, 0) = 9000.0 * (1.0 + 0.03 * std::sin(0.9 * i)) * (i >= 11 ? 0.6 : 1.0);
    p.prices(i, 1) = 250.0 * (1.0 + 0.05 * std::cos(1.3 * i)) * (i >= 10 ? 0.55 : 1.0);
    p.prices(i, 2) = i < 11 ? kNaN : 2.0 + 0.1 * (i - 11) * (i % 2 == 0 ? 1.0 : -0.5);
  }
  return p;
}

// The portfolio P&L path from prices directly: V_t = 1 + Σ w_i (P_i,t / P_i,s − 1), s = the last
// price date at or before the window start.
struct Expected {
  double total = 0.0, trough = 0.0, max_drawdown = 0.0;
  Eigen::VectorXd asset_return;
};
Expected from_prices(const PricePanel& p, const Eigen::VectorXd& w, int s, int e) {
  Expected x;
  double peak = 1.0;
  for (int t = s + 1; t <= e; ++t) {
    double v = 1.0;
    for (Eigen::Index j = 0; j < w.size(); ++j) {
      if (w[j] != 0.0) v += w[j] * (p.prices(t, j) / p.prices(s, j) - 1.0);
    }
    x.trough = std::min(x.trough, v - 1.0);
    peak = std::max(peak, v);
    x.max_drawdown = std::max(x.max_drawdown, (peak - v) / peak);
    if (t == e) x.total = v - 1.0;
  }
  x.asset_return = (p.prices.row(e).array() / p.prices.row(s).array() - 1.0).transpose();
  return x;
}

TEST(StressReplay, ReplayedWindowMatchesPriceRatios) {
  const PricePanel p = ragged_panel();
  const Eigen::Vector3d w(0.6, -0.25, 0.0);  // NEW not held: its gap does not matter
  const StressWindow window{"crash", day(2020, 3, 4), day(2020, 3, 15)};
  auto r = replay_stress_windows(p, w, {{window, true}});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->windows.size(), 1u);
  const WindowReplay& got = r->windows[0];
  EXPECT_EQ(got.outcome, ReplayOutcome::kReplayed);
  EXPECT_TRUE(got.missing_history.empty());
  EXPECT_EQ(got.rows, 11);  // 5 .. 15 March
  EXPECT_EQ(got.from, day(2020, 3, 4));
  EXPECT_EQ(got.to, day(2020, 3, 15));
  const Expected x = from_prices(p, w, 3, 14);
  EXPECT_NEAR(got.total, x.total, 1e-14);
  EXPECT_NEAR(got.trough, x.trough, 1e-14);
  EXPECT_NEAR(got.max_drawdown, x.max_drawdown, 1e-14);
  EXPECT_LT(got.trough, 0.0);
  for (Eigen::Index j = 0; j < 2; ++j) {
    EXPECT_NEAR(got.asset_return[j], x.asset_return[j], 1e-14) << j;
    EXPECT_NEAR(got.asset_pnl[j], w[j] * x.asset_return[j], 1e-14) << j;
  }
  EXPECT_EQ(got.asset_pnl[2], 0.0);

  // The same numbers as the complete-panel primitive replay_window() on the first two assets.
  Eigen::MatrixXd returns(19, 2);
  std::vector<Timestamp> ts;
  for (int t = 1; t < 20; ++t) {
    ts.push_back(p.timestamps[static_cast<std::size_t>(t)]);
    for (int j = 0; j < 2; ++j) returns(t - 1, j) = p.prices(t, j) / p.prices(t - 1, j) - 1.0;
  }
  auto primitive = replay_window(ts, returns, w.head(2), window);
  ASSERT_TRUE(primitive.is_ok());
  EXPECT_NEAR(primitive->total, got.total, 1e-14);
}

TEST(StressReplay, CoverageDecisionsAndRequiredWindows) {
  const PricePanel p = ragged_panel();
  const Eigen::Vector3d w(0.5, 0.5, 0.0);
  const StressWindow outside{"later", day(2021, 1, 1), day(2021, 1, 9)};
  const StressWindow partly{"straddles", day(2020, 2, 25), day(2020, 3, 5)};
  auto r = replay_stress_windows(p, w, {{outside, false}, {partly, false}});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->windows[0].outcome, ReplayOutcome::kNotCovered);
  EXPECT_TRUE(contains(r->windows[0].reason,
                       "not covered by the data (data span 2020-03-01 .. "
                       "2020-03-20)"))
      << r->windows[0].reason;
  EXPECT_EQ(r->windows[1].outcome, ReplayOutcome::kNotCovered);
  EXPECT_TRUE(contains(r->windows[1].reason, "only partly covered")) << r->windows[1].reason;
  EXPECT_TRUE(std::isnan(r->windows[1].total));

  auto required = replay_stress_windows(p, w, {{outside, true}});
  ASSERT_FALSE(required.is_ok());
  const std::string msg = required.status().message();
  EXPECT_TRUE(contains(msg, "'later'")) << msg;
  EXPECT_TRUE(contains(msg, "2021-01-01 .. 2021-01-09")) << msg;
  EXPECT_TRUE(contains(msg, "2020-03-01 .. 2020-03-20")) << msg;

  // The built-in windows: only covid-crash-2020 (8..16 March) lies inside this data.
  auto builtin = select_stress_windows("all", {});
  ASSERT_TRUE(builtin.is_ok());
  auto all = replay_stress_windows(p, w, *builtin);
  ASSERT_TRUE(all.is_ok()) << all.status().message();
  ASSERT_EQ(all->windows.size(), 4u);
  EXPECT_EQ(all->windows[0].outcome, ReplayOutcome::kReplayed);
  for (std::size_t k = 1; k < 4; ++k) {
    EXPECT_EQ(all->windows[k].outcome, ReplayOutcome::kNotCovered) << k;
  }
  EXPECT_NEAR(all->windows[0].total, from_prices(p, w, 7, 15).total, 1e-14);
}

TEST(StressReplay, MissingHistoryPolicies) {
  const PricePanel p = ragged_panel();
  const Eigen::Vector3d w(0.5, 0.2, 0.3);
  const StressWindow window{"crash", day(2020, 3, 8), day(2020, 3, 16)};  // rows 9 .. 16 March

  auto excluded = replay_stress_windows(p, w, {{window, false}});
  ASSERT_TRUE(excluded.is_ok());
  const WindowReplay& e = excluded->windows[0];
  EXPECT_EQ(e.outcome, ReplayOutcome::kMissingHistory);
  ASSERT_EQ(e.missing_history.size(), 1u);
  EXPECT_EQ(e.missing_history[0].asset, "NEW");
  EXPECT_EQ(e.missing_history[0].missing_rows, 4);  // 9, 10, 11, 12 March (12th: no prior price)
  EXPECT_EQ(e.missing_history[0].first_quote, day(2020, 3, 12));
  EXPECT_TRUE(contains(e.reason, "NEW (4 of 8 rows, first quote 2020-03-12)")) << e.reason;
  EXPECT_TRUE(std::isnan(e.total));

  // cash: NEW earns 0 until it trades, then its price ratio from the listing day.
  auto cash =
      replay_stress_windows(p, w, {{window, false}},
                            {.missing_history = {.kind = MissingHistoryKind::kCash, .proxy = {}}});
  ASSERT_TRUE(cash.is_ok());
  const WindowReplay& c = cash->windows[0];
  ASSERT_EQ(c.outcome, ReplayOutcome::kReplayed);
  ASSERT_EQ(c.missing_history.size(), 1u);
  EXPECT_EQ(c.missing_history[0].treatment, "cash");
  const double new_cash = p.prices(15, 2) / p.prices(11, 2) - 1.0;
  const double btc = p.prices(15, 0) / p.prices(7, 0) - 1.0;
  const double eth = p.prices(15, 1) / p.prices(7, 1) - 1.0;
  EXPECT_NEAR(c.asset_return[2], new_cash, 1e-14);
  EXPECT_NEAR(c.total, 0.5 * btc + 0.2 * eth + 0.3 * new_cash, 1e-14);
  EXPECT_FALSE(cash->warnings.empty());

  // proxy:BTC: NEW takes BTC's return until it trades.
  auto proxy = replay_stress_windows(
      p, w, {{window, false}},
      {.missing_history = {.kind = MissingHistoryKind::kProxy, .proxy = "BTC"}});
  ASSERT_TRUE(proxy.is_ok()) << proxy.status().message();
  const WindowReplay& x = proxy->windows[0];
  ASSERT_EQ(x.outcome, ReplayOutcome::kReplayed);
  const double new_proxy =
      (p.prices(11, 0) / p.prices(7, 0)) * (p.prices(15, 2) / p.prices(11, 2)) - 1.0;
  EXPECT_NEAR(x.asset_return[2], new_proxy, 1e-14);
  EXPECT_NEAR(x.total, 0.5 * btc + 0.2 * eth + 0.3 * new_proxy, 1e-14);

  // A proxy that is itself missing leaves the window unreplayed, with the reason.
  auto bad_proxy = replay_stress_windows(
      p, Eigen::Vector3d(0.5, 0.5, 0.0), {{window, false}},
      {.missing_history = {.kind = MissingHistoryKind::kProxy, .proxy = "NOPE"}});
  ASSERT_FALSE(bad_proxy.is_ok());
  EXPECT_TRUE(contains(bad_proxy.status().message(), "NOPE"));
}

TEST(StressReplay, ParsesWindowsAndSelections) {
  auto w = parse_stress_window("my-crash:2021-05-12:2021-05-23");
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  EXPECT_EQ(w->name, "my-crash");
  EXPECT_EQ(w->start, day(2021, 5, 12));
  EXPECT_EQ(w->end, day(2021, 5, 23));
  auto hourly = parse_stress_window("flash:2021-05-19T12:00:00Z:2021-05-19T18:00:00Z");
  ASSERT_TRUE(hourly.is_ok()) << hourly.status().message();
  EXPECT_EQ(hourly->start, day(2021, 5, 19) + 12 * 3600);
  EXPECT_EQ(hourly->end, day(2021, 5, 19) + 18 * 3600);
  EXPECT_FALSE(parse_stress_window("2021-05-12:2021-05-23").is_ok());
  EXPECT_FALSE(parse_stress_window("x:2021-05-23:2021-05-12").is_ok());
  EXPECT_FALSE(parse_stress_window("x:yesterday:today").is_ok());

  auto all = select_stress_windows("all", {*w});
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_FALSE((*all)[0].required);
  EXPECT_TRUE((*all)[4].required);
  auto named = select_stress_windows("ftx-collapse-2022, covid-crash-2020", {});
  ASSERT_TRUE(named.is_ok());
  ASSERT_EQ(named->size(), 2u);
  EXPECT_EQ((*named)[0].window.name, "ftx-collapse-2022");
  EXPECT_TRUE((*named)[0].required);
  EXPECT_TRUE(select_stress_windows("none", {})->empty());
  auto unknown = select_stress_windows("covid", {});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_TRUE(contains(unknown.status().message(), "covid-crash-2020"));
  EXPECT_FALSE(select_stress_windows("all", {{"covid-crash-2020", 0, 1}}).is_ok());

  EXPECT_EQ(to_string(*parse_missing_history_policy("proxy:BTC")), "proxy:BTC");
  EXPECT_EQ(parse_missing_history_policy("cash")->kind, MissingHistoryKind::kCash);
  EXPECT_FALSE(parse_missing_history_policy("zero").is_ok());
  EXPECT_FALSE(parse_missing_history_policy("proxy:").is_ok());
}

TEST(StressReplay, JsonCarriesStatusAndMoney) {
  const PricePanel p = ragged_panel();
  const Eigen::Vector3d w(1.0, 0.0, 0.0);
  auto r = replay_stress_windows(p, w, *select_stress_windows("all", {}));
  ASSERT_TRUE(r.is_ok());
  const Json doc = r->to_json(1e6);
  ASSERT_EQ(doc.size(), 4u);
  EXPECT_EQ(doc[0]["status"], "replayed");
  EXPECT_NEAR(doc[0]["total_pnl_value"].get<double>(), 1e6 * r->windows[0].total, 1e-6);
  EXPECT_EQ(doc[1]["status"], "not-covered");
  EXPECT_TRUE(doc[1]["total_pnl"].is_null());
  EXPECT_TRUE(doc[1]["reason"].get<std::string>().find("data span") != std::string::npos);
}

}  // namespace
}  // namespace keel
