// Walk-forward engine: timing, costs, universe changes, fallbacks and the no-look-ahead property,
// each checked against a computation written out in the test.
#include "keel/backtest/engine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "keel/risk/performance.hpp"
#include "keel/risk/var.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

PricePanel make_panel(const std::vector<std::vector<double>>& rows,
                      std::vector<std::string> assets) {
  PricePanel p;
  p.assets = std::move(assets);
  p.source = "test-panel";
  p.prices.resize(static_cast<Eigen::Index>(rows.size()),
                  static_cast<Eigen::Index>(p.assets.size()));
  const Timestamp start = days_from_civil({2024, 1, 1}) * kSecondsPerDay;
  for (std::size_t t = 0; t < rows.size(); ++t) {
    p.timestamps.push_back(start + static_cast<Timestamp>(t) * kSecondsPerDay);
    for (std::size_t i = 0; i < rows[t].size(); ++i) {
      p.prices(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(i)) = rows[t][i];
    }
  }
  return p;
}

// Geometric random walks with a common factor (test::random_walk_panel), from 2024-01-01.
PricePanel random_panel(int rows, int assets, std::uint64_t seed) {
  Random rng(seed);
  return test::random_walk_panel(rng, rows, assets);
}

Strategy model_strategy(const std::string& name, PortfolioModel model,
                        const std::string& rebalance) {
  Strategy s;
  s.name = name;
  s.model.model = model;
  s.rebalance = *parse_rebalance_schedule(rebalance);
  return s;
}

BacktestOptions small_options(int window) {
  BacktestOptions o;
  o.window = window;
  o.periods_per_year = 365;
  return o;
}

TEST(Backtest, BuyAndHoldMatchesPriceRatioAfterFee) {
  const auto panel = make_panel({{100, 10}, {101, 10}, {102, 11}, {104, 12}, {103, 11}, {110, 10}},
                                {"BTC", "ETH"});
  Strategy s;
  s.name = "hold-btc";
  s.rule = StrategyRule::kBuyAndHold;
  s.asset = "BTC";
  s.rebalance = *parse_rebalance_schedule("never");
  auto o = small_options(2);
  o.costs.fee_bps = 10;
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  // First decision at row 2 (two returns), executed at row 3's close: V0/(1+f) bought at 104.
  ASSERT_EQ(res.timestamps.front(), panel.timestamps[2]);
  const double bought = 1e6 / (1.0 + 1e-3);
  EXPECT_NEAR(res.equity(0), 1e6, 1e-9);
  EXPECT_NEAR(res.equity(1), bought, 1e-6);
  EXPECT_NEAR(res.equity(2), bought * 103.0 / 104.0, 1e-6);
  EXPECT_NEAR(res.equity(3), bought * 110.0 / 104.0, 1e-6);
  EXPECT_NEAR(res.costs.fees, 1e6 - bought, 1e-6);
  EXPECT_NEAR(res.weights(3, 0), 1.0, 1e-15);
  ASSERT_EQ(res.rebalances.size(), 1u);
  EXPECT_EQ(res.rebalances[0].execution_date, panel.timestamps[3]);
}

TEST(Backtest, PeriodicEqualWeightMatchesHandLoop) {
  const auto panel = random_panel(60, 3, 7);
  auto s = model_strategy("ew", PortfolioModel::kEqualWeight, "every:5");
  auto o = small_options(10);
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  // Independent loop: first decision at row 10, executions at decision + 1, every 5 rows.
  const Eigen::Index first = 10;
  double value = 1e6;
  Eigen::Vector3d h = Eigen::Vector3d::Zero();
  double cash = 1e6;
  for (Eigen::Index t = first; t < panel.rows(); ++t) {
    if (t > first) {
      for (int i = 0; i < 3; ++i) h(i) *= panel.prices(t, i) / panel.prices(t - 1, i);
    }
    if (t > first && (t - 1 - first) % 5 == 0) {
      value = h.sum() + cash;
      h.setConstant(value / 3.0);
      cash = 0.0;
    }
    value = h.sum() + cash;
    EXPECT_NEAR(res.equity(t - first), value, 1e-12 * value) << "row " << t;
  }
}

TEST(Backtest, CostAccountingIdentityAndAttribution) {
  auto panel = random_panel(120, 4, 11);
  panel.spreads = Eigen::MatrixXd::Constant(panel.rows(), panel.cols(), 0.002);
  panel.volumes = Eigen::MatrixXd::Constant(panel.rows(), panel.cols(), 5e6);
  auto s = model_strategy("mv", PortfolioModel::kMinVariance, "weekly");
  s.model.constraints.lower_bound = -0.5;
  s.model.constraints.upper_bound = 1.0;
  s.model.constraints.max_gross_leverage = 1.6;
  auto o = small_options(30);
  o.costs.fee_bps = 7.5;
  o.costs.impact_coefficient = 0.5;
  o.costs.short_rate.annual = 0.08;
  o.costs.borrow_rate.annual = 0.06;
  o.costs.cash_rate.annual = 0.03;
  o.groups = {"l1", "l1", "defi", "defi"};
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  EXPECT_GT(res.costs.fees, 0.0);
  EXPECT_GT(res.costs.spread, 0.0);
  EXPECT_GT(res.costs.impact, 0.0);
  double cost_sum = 0.0;
  for (Eigen::Index t = 1; t < res.equity.size(); ++t) {
    EXPECT_EQ(res.gross_returns(t) - res.cost_returns(t), res.net_returns(t));
    EXPECT_NEAR(res.equity(t), res.equity(t - 1) * (1.0 + res.net_returns(t)),
                1e-9 * res.equity(t));
    // Gross return = Σ w_{t−1} r_t: trades only swap holdings and cash.
    double contribution = 0.0;
    for (Eigen::Index i = 0; i < 4; ++i)
      contribution += res.weights(t - 1, i) * r->asset_returns(t, i);
    EXPECT_NEAR(res.gross_returns(t), contribution, 1e-14);
    cost_sum += res.cost_returns(t) * res.equity(t - 1);
  }
  EXPECT_NEAR(cost_sum, res.costs.total(), 1e-8);
  EXPECT_NEAR(res.attribution.by_asset.sum() - res.attribution.costs, res.net_returns.sum(), 1e-13);
  EXPECT_NEAR(res.attribution.by_group.sum(), res.attribution.by_asset.sum(), 1e-14);
  // Short positions paid financing: some weights were negative.
  EXPECT_LT(res.weights.minCoeff(), 0.0);
}

TEST(Backtest, NoLookAhead) {
  const auto base = random_panel(150, 4, 3);
  auto mv = model_strategy("mv", PortfolioModel::kMinVariance, "every:3");
  mv.model.constraints.upper_bound = 0.6;
  auto hrp = model_strategy("hrp", PortfolioModel::kHrp, "drift:0.03");
  auto o = small_options(40);
  o.costs.fee_bps = 10;
  auto r0 = run_backtest(base, {mv, hrp}, o);
  ASSERT_TRUE(r0) << r0.status().message();
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> shock(0.5, 1.5);
  for (Eigen::Index cut : {60, 90, 120}) {
    PricePanel changed = base;
    for (Eigen::Index t = cut + 1; t < base.rows(); ++t) {
      for (Eigen::Index i = 0; i < base.cols(); ++i) changed.prices(t, i) *= shock(rng);
    }
    auto r1 = run_backtest(changed, {mv, hrp}, o);
    ASSERT_TRUE(r1);
    const Timestamp cut_date = base.timestamps[static_cast<std::size_t>(cut)];
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& a = r0->strategies[k];
      const auto& b = r1->strategies[k];
      for (std::size_t j = 0; j < a.rebalances.size() && a.rebalances[j].decision_date <= cut_date;
           ++j) {
        ASSERT_LT(j, b.rebalances.size());
        EXPECT_EQ(a.rebalances[j].decision_date, b.rebalances[j].decision_date);
        EXPECT_EQ(a.rebalances[j].target, b.rebalances[j].target) << a.name << " decision " << j;
      }
      const Eigen::Index rows = cut - 40 + 1;  // evaluated rows up to the cut (first row = 40)
      EXPECT_EQ(a.equity.head(rows), b.equity.head(rows)) << a.name;
      EXPECT_EQ(a.weights.topRows(rows), b.weights.topRows(rows)) << a.name;
    }
  }
}

TEST(Backtest, DelistedAssetIsExitedAtItsLastPriceAndTheLossCounted) {
  // B falls 50% then stops trading; equal weight bought at row 2's decision (executed at row 3).
  const auto panel = make_panel(
      {{100, 100}, {100, 100}, {100, 100}, {100, 100}, {100, 50}, {100, kNaN}, {100, kNaN}},
      {"A", "B"});
  auto s = model_strategy("ew", PortfolioModel::kEqualWeight, "never");
  auto o = small_options(2);
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  ASSERT_EQ(res.delistings.size(), 1u);
  EXPECT_EQ(res.delistings[0].asset, "B");
  EXPECT_EQ(res.delistings[0].date, panel.timestamps[5]);
  EXPECT_NEAR(res.delistings[0].value, 250000.0, 1e-6);
  EXPECT_NEAR(res.equity(2), 750000.0, 1e-6);  // row 4: B lost half
  EXPECT_NEAR(res.equity(3), 750000.0, 1e-6);  // exited at 50, now cash
  EXPECT_EQ(res.weights(3, 1), 0.0);
  EXPECT_NEAR(res.cash_weight(3), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(res.metrics.max_drawdown, 0.25, 1e-12);
}

TEST(Backtest, LateListingBecomesEligibleAfterMinHistory) {
  auto panel = random_panel(40, 3, 9);
  for (Eigen::Index t = 0; t < 15; ++t) panel.prices(t, 2) = kNaN;  // listed at row 15
  auto s = model_strategy("ew", PortfolioModel::kEqualWeight, "every:1");
  auto o = small_options(5);
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  // Eligible at row 20 (five returns: rows 16..20), traded at row 21. Evaluation starts at row 5.
  for (Eigen::Index t = 5; t <= 20; ++t) EXPECT_EQ(res.weights(t - 5, 2), 0.0) << t;
  EXPECT_NEAR(res.weights(21 - 5, 2), 1.0 / 3.0, 1e-12);
}

TEST(Backtest, InfeasibleRebalanceFallsBackAndIsRecorded) {
  const auto panel = random_panel(50, 3, 4);
  auto s = model_strategy("capped", PortfolioModel::kMinVariance, "every:10");
  s.model.constraints.upper_bound = 0.2;  // 3 × 0.2 < 1: no portfolio sums to one
  s.fallback.kind = FallbackKind::kEqualWeight;
  auto r = run_backtest(panel, {s}, small_options(10));
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  ASSERT_FALSE(res.rebalances.empty());
  for (const auto& rec : res.rebalances) {
    EXPECT_EQ(rec.outcome, RebalanceOutcome::kFallback);
    EXPECT_NE(rec.message.find("fallback equal-weight"), std::string::npos) << rec.message;
    EXPECT_NEAR(rec.target(0), 1.0 / 3.0, 1e-15);
  }
  EXPECT_EQ(res.metrics.fallbacks, static_cast<int>(res.rebalances.size()));

  s.fallback.kind = FallbackKind::kKeepPrevious;
  auto kept = run_backtest(panel, {s}, small_options(10));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->strategies[0].weights.cwiseAbs().sum(), 0.0);  // never invested
  EXPECT_EQ(kept->strategies[0].rebalances.size(), 1u);  // the repeated failure is logged once
}

TEST(Backtest, GroupWithNoEligibleMemberIsDroppedWithANote) {
  // A chain group whose only coin lists late (column 2 from row 30): before its listing the group
  // has no eligible member. It was a call error recorded as numerical-error, and every such
  // decision fell back; now the group is dropped for those windows with a note and a warning.
  auto panel = random_panel(120, 4, 31);
  for (Eigen::Index t = 0; t < 30; ++t) panel.prices(t, 2) = kNaN;
  auto s = model_strategy("mv", PortfolioModel::kMinVariance, "every:5");
  s.model.constraints.groups.push_back({"chain=solana", {2}, -kInfinity, 0.3});
  s.model.constraints.groups.push_back({"chain=ethereum", {0, 1}, 0.0, 0.6});
  s.fallback.kind = FallbackKind::kEqualWeight;
  auto o = small_options(20);
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  EXPECT_EQ(res.metrics.fallbacks, 0);
  EXPECT_TRUE(res.fallback_reasons.empty());
  int dropped = 0;
  for (const auto& rec : res.rebalances) {
    EXPECT_EQ(rec.outcome, RebalanceOutcome::kRebalanced) << rec.message;
    EXPECT_EQ(rec.model_status, SolveStatus::kOptimal);
    if (rec.eligible_assets == 3) {
      ASSERT_EQ(rec.notes.size(), 1u);
      EXPECT_NE(rec.notes[0].find("group[chain=solana] dropped for this window"),
                std::string::npos)
          << rec.notes[0];
      EXPECT_NE(rec.notes[0].find("A2"), std::string::npos) << rec.notes[0];
      ++dropped;
    } else {
      EXPECT_TRUE(rec.notes.empty());
      EXPECT_LE(rec.target(2), 0.3 + 1e-8);  // the cap applies once the coin is eligible
    }
    EXPECT_LE(rec.target(0) + rec.target(1), 0.6 + 1e-8);
  }
  EXPECT_GT(dropped, 0);
  bool warned = false;
  for (const auto& w : res.warnings) {
    if (w.find("group[chain=solana] had no eligible member on " + std::to_string(dropped) +
               " decision date(s)") != std::string::npos)
      warned = true;
  }
  EXPECT_TRUE(warned);
}

TEST(Backtest, GroupWithPositiveMinimumAndNoEligibleMemberIsInfeasible) {
  auto panel = random_panel(120, 4, 31);
  for (Eigen::Index t = 0; t < 30; ++t) panel.prices(t, 2) = kNaN;
  auto s = model_strategy("mv", PortfolioModel::kMinVariance, "every:5");
  s.model.constraints.groups.push_back({"chain=solana", {2}, 0.1, 0.3});
  s.fallback.kind = FallbackKind::kEqualWeight;
  auto r = run_backtest(panel, {s}, small_options(20));
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  int infeasible = 0;
  for (const auto& rec : res.rebalances) {
    if (rec.eligible_assets == 3) {
      EXPECT_EQ(rec.outcome, RebalanceOutcome::kFallback);
      EXPECT_EQ(rec.model_status, SolveStatus::kInfeasible);
      EXPECT_EQ(rec.fallback_reason, "infeasible: group[chain=solana]");
      EXPECT_NE(rec.message.find("below its minimum 0.1"), std::string::npos) << rec.message;
      ASSERT_EQ(rec.notes.size(), 1u);
      EXPECT_NE(rec.notes[0].find("none of its members (A2) is eligible"), std::string::npos)
          << rec.notes[0];
      ++infeasible;
    } else {
      EXPECT_EQ(rec.outcome, RebalanceOutcome::kRebalanced) << rec.message;
      EXPECT_GE(rec.target(2), 0.1 - 1e-8);
    }
  }
  ASSERT_GT(infeasible, 0);
  EXPECT_EQ(res.metrics.fallbacks, infeasible);
  ASSERT_EQ(res.fallback_reasons.size(), 1u);
  EXPECT_EQ(res.fallback_reasons[0].reason, "infeasible: group[chain=solana]");
  EXPECT_EQ(res.fallback_reasons[0].status, SolveStatus::kInfeasible);
  EXPECT_EQ(res.fallback_reasons[0].count, infeasible);
  EXPECT_EQ(res.fallback_reasons[0].first_date, res.rebalances.front().decision_date);

  // The JSON carries the reason per record and the counts per strategy.
  const Json j = backtest_to_json(*r, false);
  const Json& js = j["strategies"][0];
  ASSERT_EQ(js["fallback_reasons"].size(), 1u);
  EXPECT_EQ(js["fallback_reasons"][0]["reason"], "infeasible: group[chain=solana]");
  EXPECT_EQ(js["fallback_reasons"][0]["count"], infeasible);
  EXPECT_EQ(js["fallback_reasons"][0]["status"], "infeasible");
  EXPECT_EQ(js["rebalances"][0]["fallback_reason"], "infeasible: group[chain=solana]");
  EXPECT_EQ(js["rebalances"][0]["notes"].size(), 1u);
}

TEST(Backtest, EveryFallbackRecordsItsReason) {
  // Three assets capped at 30% cannot be fully invested: every decision falls back, and each
  // record and the per-strategy counts say why (the constraints the model names).
  const auto panel = random_panel(60, 3, 4);
  auto s = model_strategy("capped", PortfolioModel::kMinVariance, "every:5");
  s.model.constraints.upper_bound = 0.3;
  s.fallback.kind = FallbackKind::kEqualWeight;
  auto r = run_backtest(panel, {s}, small_options(10));
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  ASSERT_GT(res.metrics.fallbacks, 1);
  for (const auto& rec : res.rebalances) {
    ASSERT_EQ(rec.outcome, RebalanceOutcome::kFallback);
    EXPECT_EQ(rec.fallback_reason.rfind("infeasible: ", 0), 0u) << rec.fallback_reason;
    EXPECT_NE(rec.fallback_reason.find("bounds"), std::string::npos) << rec.fallback_reason;
  }
  ASSERT_EQ(res.fallback_reasons.size(), 1u);
  EXPECT_EQ(res.fallback_reasons[0].count, res.metrics.fallbacks);
  EXPECT_EQ(res.fallback_reasons[0].first_date, res.rebalances.front().decision_date);
  EXPECT_EQ(res.fallback_reasons[0].last_date, res.rebalances.back().decision_date);
  EXPECT_NE(res.fallback_reasons[0].example.find("fallback equal-weight"), std::string::npos);
}

TEST(Backtest, DriftBandRebalancesOnlyWhenABandIsLeft) {
  const auto panel = random_panel(200, 2, 21);
  auto s = model_strategy("ew", PortfolioModel::kEqualWeight, "drift:0.01");
  auto r = run_backtest(panel, {s}, small_options(5));
  ASSERT_TRUE(r);
  const auto& res = r->strategies[0];
  ASSERT_GT(res.rebalances.size(), 2u);
  for (std::size_t k = 1; k < res.rebalances.size(); ++k) {
    const auto row =
        std::find(res.timestamps.begin(), res.timestamps.end(), res.rebalances[k].decision_date) -
        res.timestamps.begin();
    EXPECT_GT(std::abs(res.weights(row, 0) - 0.5), 0.01);
  }
}

TEST(Backtest, LagDelaysExecutionAndMinTradeSkipsSmallTrades) {
  const auto panel = random_panel(30, 3, 2);
  auto s = model_strategy("ew", PortfolioModel::kEqualWeight, "every:4");
  auto o = small_options(5);
  o.lag = 3;
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r);
  const auto& first = r->strategies[0].rebalances.front();
  EXPECT_EQ(first.execution_date, first.decision_date + 3 * kSecondsPerDay);

  o.lag = 1;
  o.costs.min_trade_value = 50000;  // drift trades are smaller than this
  auto small = run_backtest(panel, {s}, o);
  ASSERT_TRUE(small);
  int skipped = 0;
  for (const auto& rec : small->strategies[0].rebalances) skipped += rec.skipped_small_trades;
  EXPECT_GT(skipped, 0);
}

TEST(Backtest, CostAwareSkipsWhenCostsExceedBenefit) {
  const auto panel = random_panel(80, 3, 8);
  auto s = model_strategy("mv", PortfolioModel::kMinVariance, "every:2");
  s.cost_aware = true;
  auto o = small_options(20);
  o.costs.fee_bps = 500;  // 5% per trade
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r);
  int skipped = 0;
  for (const auto& rec : r->strategies[0].rebalances) {
    if (rec.outcome == RebalanceOutcome::kSkippedCost) {
      ++skipped;
      EXPECT_LT(rec.expected_benefit, rec.expected_cost);
    }
  }
  EXPECT_GT(skipped, 0);
}

TEST(Backtest, CallErrorsNameTheProblem) {
  const auto panel = random_panel(30, 2, 1);
  auto s = model_strategy("x", PortfolioModel::kEqualWeight, "weekly");
  auto o = small_options(5);
  o.costs.impact_coefficient = 0.1;
  auto r = run_backtest(panel, {s}, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("volume"), std::string::npos);
  o.costs.impact_coefficient = 0;
  Strategy hold;
  hold.name = "hold";
  hold.rule = StrategyRule::kBuyAndHold;
  hold.asset = "DOGE";
  r = run_backtest(panel, {hold}, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("DOGE"), std::string::npos);
  o.lag = 0;
  r = run_backtest(panel, {s}, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("look-ahead"), std::string::npos);
  EXPECT_FALSE(parse_rebalance_schedule("fortnightly"));
  EXPECT_FALSE(parse_rebalance_schedule("drift:2"));
}

TEST(Backtest, ParallelRunEqualsSerialRun) {
  const auto panel = random_panel(100, 4, 12);
  std::vector<Strategy> strategies = {model_strategy("mv", PortfolioModel::kMinVariance, "weekly"),
                                      model_strategy("ew", PortfolioModel::kEqualWeight, "monthly"),
                                      model_strategy("rp", PortfolioModel::kRiskParity, "every:7")};
  auto o = small_options(30);
  Context serial, parallel;
  parallel.set_threads(3);
  auto a = run_backtest(panel, strategies, o, serial);
  auto b = run_backtest(panel, strategies, o, parallel);
  ASSERT_TRUE(a && b);
  for (std::size_t k = 0; k < strategies.size(); ++k) {
    EXPECT_EQ(a->strategies[k].equity, b->strategies[k].equity);
  }
}

}  // namespace
}  // namespace keel

namespace keel {
namespace {

TEST(Backtest, TurnoverIsTwoSidedSumOfWeightChanges) {
  // Two assets, equal weight every 2 rows, no costs: turnover at each execution is Σ|w_target −
  // w_drifted| with the drifted weights of that close, the first one from cash: Σ|w| = 1.
  const auto panel =
      make_panel({{100, 100}, {100, 100}, {100, 100}, {110, 100}, {115, 95}, {121, 90}, {121, 99}},
                 {"A", "B"});
  Strategy s;
  s.name = "ew";
  s.model.model = PortfolioModel::kEqualWeight;
  s.rebalance = *parse_rebalance_schedule("every:2");
  BacktestOptions o;
  o.window = 2;
  o.periods_per_year = 365;
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& recs = r->strategies[0].rebalances;
  // Decisions at rows 2, 4, 6 (the last cannot execute); executions at rows 3 and 5.
  ASSERT_GE(recs.size(), 2u);
  EXPECT_NEAR(recs[0].turnover, 1.0, 1e-15);
  // Bought 50/50 at row 3 (110, 100); at row 5 prices (121, 90): values 0.5·1.1 and 0.5·0.9.
  const double wa = 0.55 / (0.55 + 0.45);
  EXPECT_NEAR(recs[1].turnover, 2.0 * std::abs(wa - 0.5), 1e-15);
  EXPECT_NEAR(r->strategies[0].metrics.total_turnover, recs[0].turnover + recs[1].turnover, 1e-15);
}

TEST(Metrics, TailAndRatiosAreTheRiskModuleDefinitions) {
  // 30 evaluated returns: the 5% tail holds m = 1.5 returns, so the historical expected shortfall
  // weighs the worst (−10%) fully and the second worst (−4%) by one half:
  // (0.10 + 0.5 · 0.04) / 1.5 = 8% (risk/var.hpp), not the mean of the worst two (7%).
  const Eigen::Index n = 30;
  Eigen::VectorXd returns = Eigen::VectorXd::Constant(n + 1, 0.01);
  returns(0) = 0.0;
  returns(5) = -0.10;
  returns(17) = -0.04;
  Eigen::VectorXd equity(n + 1);
  equity(0) = 1000.0;
  for (Eigen::Index t = 1; t <= n; ++t) equity(t) = equity(t - 1) * (1.0 + returns(t));
  const Eigen::MatrixXd weights = Eigen::MatrixXd::Ones(n + 1, 1);
  std::vector<Timestamp> dates;
  for (Eigen::Index t = 0; t <= n; ++t) dates.push_back(t * kSecondsPerDay);
  const auto m = compute_metrics(equity, returns, weights, dates, 365.0, 0.02, 0.0, 0.0);
  EXPECT_NEAR(m.cvar_95, 0.08, 1e-15);
  auto risk = value_at_risk(returns.tail(n), {.method = VarMethod::kHistorical, .confidence = 0.95});
  ASSERT_TRUE(risk.is_ok());
  EXPECT_DOUBLE_EQ(m.cvar_95, risk->es);
  auto p = performance_summary(returns.tail(n), {.periods_per_year = 365.0, .risk_free_rate = 0.02});
  ASSERT_TRUE(p.is_ok());
  EXPECT_DOUBLE_EQ(m.sharpe, p->sharpe);
  EXPECT_DOUBLE_EQ(m.sortino, p->sortino);
  EXPECT_DOUBLE_EQ(m.volatility, p->volatility);
  EXPECT_DOUBLE_EQ(m.max_drawdown, p->drawdown.max_drawdown);
  // Under water from the close before the fall (row 4) to row 15, the last close below that peak
  // (0.9 · 1.01¹⁰ < 1 < 0.9 · 1.01¹¹); the −4% spell after row 16 lasts five closes only.
  EXPECT_EQ(m.max_drawdown_duration, 11);
  EXPECT_NEAR(m.max_drawdown_duration_days, 11.0, 1e-12);
  const Eigen::VectorXd path = drawdown_path(returns);
  EXPECT_EQ(path(0), 0.0);
  EXPECT_NEAR(path(5), 0.10, 1e-15);
  EXPECT_NEAR(path.maxCoeff(), m.max_drawdown, 1e-15);
}

TEST(Metrics, CostBpsPerYearOfAverageNav) {
  // A flat NAV of 1,000,000 over two years of daily periods that paid 2,000 in costs: 2,000 / 1e6
  // = 20 bp over two years, 10 bp a year.
  const Eigen::Index n = 730;
  const Eigen::VectorXd equity = Eigen::VectorXd::Constant(n + 1, 1e6);
  const Eigen::VectorXd returns = Eigen::VectorXd::Zero(n + 1);
  const Eigen::MatrixXd weights = Eigen::MatrixXd::Zero(n + 1, 1);
  std::vector<Timestamp> dates;
  for (Eigen::Index t = 0; t <= n; ++t) dates.push_back(t * kSecondsPerDay);
  auto m = compute_metrics(equity, returns, weights, dates, 365.0, 0.0, 4.0, 2000.0);
  EXPECT_NEAR(m.cost_bps_per_year, 10.0, 1e-12);
  EXPECT_EQ(m.costs_total_value, 2000.0);
  EXPECT_NEAR(m.costs_fraction, 0.002, 1e-15);
  // The average is over the NAV, not the initial capital: half the NAV, twice the bp.
  const Eigen::VectorXd half = Eigen::VectorXd::Constant(n + 1, 5e5);
  m = compute_metrics(half, returns, weights, dates, 365.0, 0.0, 4.0, 2000.0);
  EXPECT_NEAR(m.cost_bps_per_year, 20.0, 1e-12);
  // Weekly periods: 104 weeks are two years as well.
  m = compute_metrics(equity.head(105), returns.head(105), weights.topRows(105),
                      std::vector<Timestamp>(dates.begin(), dates.begin() + 105), 52.0, 0.0, 4.0,
                      2000.0);
  EXPECT_NEAR(m.cost_bps_per_year, 10.0, 1e-12);
  const Json j = m.to_json();
  EXPECT_NEAR(j["cost_bps_per_year"].get<double>(), 10.0, 1e-12);
  EXPECT_EQ(j["costs_total_value"].get<double>(), 2000.0);
  EXPECT_TRUE(j.contains("costs_fraction"));  // kept: fields are added, never renamed
}

TEST(Backtest, ConstantFeeOnKnownTurnoverGivesKnownBpPerYear) {
  // Flat prices for a year after the first decision; buy and hold with a 25 bp fee: one unit of
  // turnover in one year at 25 bp costs V0·f/(1+f), and the NAV is V0 on the first close and
  // V0/(1+f) on the 365 after it. That is 25 bp/yr of average NAV, to the fee's second order.
  std::vector<std::vector<double>> rows(368, std::vector<double>{100.0, 50.0});
  const auto panel = make_panel(rows, {"BTC", "ETH"});
  Strategy s;
  s.name = "hold-btc";
  s.rule = StrategyRule::kBuyAndHold;
  s.asset = "BTC";
  s.rebalance = *parse_rebalance_schedule("never");
  auto o = small_options(2);
  o.costs.fee_bps = 25;
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  ASSERT_EQ(res.equity.size(), 366);  // decision at row 2, evaluated to row 367: n = 365
  const double f = 25e-4;
  const double cost = 1e6 * f / (1.0 + f);
  const double average = (1e6 + 365.0 * 1e6 / (1.0 + f)) / 366.0;
  // Turnover is counted on the value before the trade: V0/(1+f) bought out of V0.
  EXPECT_NEAR(res.metrics.total_turnover, 1.0 / (1.0 + f), 1e-12);
  EXPECT_NEAR(res.metrics.costs_total_value, f * res.metrics.total_turnover * 1e6, 1e-6);
  EXPECT_NEAR(res.metrics.costs_total_value, cost, 1e-6);
  EXPECT_NEAR(res.metrics.cost_bps_per_year, 1e4 * cost / average, 1e-9);
  EXPECT_NEAR(res.metrics.cost_bps_per_year, 25.0, 0.1);
  const Json doc = backtest_to_json(*r, false);
  const Json& metrics = doc["strategies"][0]["metrics"];
  EXPECT_NEAR(metrics["cost_bps_per_year"].get<double>(), res.metrics.cost_bps_per_year, 1e-12);
  EXPECT_NEAR(metrics["costs_total_value"].get<double>(), cost, 1e-6);
}

TEST(Attribution, BrinsonFachlerByHand) {
  // One period, two groups of one asset each. Portfolio 70/30, benchmark 50/50; returns 10%, −5%.
  Eigen::MatrixXd wp(2, 2), wb(2, 2), r(2, 2);
  wp << 0.7, 0.3, 0.7, 0.3;
  wb << 0.5, 0.5, 0.5, 0.5;
  r << 0.0, 0.0, 0.10, -0.05;
  auto bf = brinson_fachler(wp, wb, r, {"l1", "defi"});
  ASSERT_TRUE(bf);
  // Groups are sorted: defi, l1. Rb = 0.5·0.10 + 0.5·(−0.05) = 0.025.
  EXPECT_NEAR(bf->allocation(1), (0.7 - 0.5) * (0.10 - 0.025), 1e-15);
  EXPECT_NEAR(bf->allocation(0), (0.3 - 0.5) * (-0.05 - 0.025), 1e-15);
  EXPECT_NEAR(bf->selection.cwiseAbs().sum(), 0.0, 1e-15);  // one asset per group
  EXPECT_NEAR(bf->active_return, (0.7 * 0.10 + 0.3 * -0.05) - 0.025, 1e-15);
  EXPECT_NEAR(bf->allocation.sum() + bf->selection.sum() + bf->interaction.sum(), bf->active_return,
              1e-15);

  // Two assets in one group with different weights inside it: selection appears.
  Eigen::MatrixXd wp2(2, 2), wb2(2, 2);
  wp2 << 0.8, 0.2, 0.8, 0.2;
  wb2 << 0.5, 0.5, 0.5, 0.5;
  auto one = brinson_fachler(wp2, wb2, r, {"l1", "l1"});
  ASSERT_TRUE(one);
  EXPECT_NEAR(one->selection(0), 1.0 * ((0.8 * 0.10 + 0.2 * -0.05) - 0.025), 1e-15);
  EXPECT_NEAR(one->allocation(0), 0.0, 1e-15);
  EXPECT_FALSE(bf->is_degenerate());
  EXPECT_EQ(bf->benchmark_groups_held, 2);
  EXPECT_TRUE(one->is_degenerate());  // a single group: nothing to allocate between
}

TEST(Attribution, BrinsonFachlerAgainstASingleAssetBenchmarkIsFlaggedDegenerate) {
  // Benchmark "hold A" (group l1); the portfolio 60/40 over l1 and defi. Allocation is zero by
  // construction: every group's benchmark return is A's.
  Eigen::MatrixXd wp(3, 2), wb(3, 2), r(3, 2);
  wp << 0.6, 0.4, 0.6, 0.4, 0.6, 0.4;
  wb << 1.0, 0.0, 1.0, 0.0, 1.0, 0.0;
  r << 0.0, 0.0, 0.10, -0.05, -0.02, 0.03;
  auto bf = brinson_fachler(wp, wb, r, {"l1", "defi"});
  ASSERT_TRUE(bf);
  EXPECT_NEAR(bf->allocation.cwiseAbs().sum(), 0.0, 1e-15);
  EXPECT_EQ(bf->benchmark_groups_held, 1);
  EXPECT_TRUE(bf->is_degenerate());
  EXPECT_NE(bf->degenerate_reason().find("single group"), std::string::npos);
  const Json j = bf->to_json();
  EXPECT_TRUE(j["degenerate"].get<bool>());
  EXPECT_TRUE(j.contains("degenerate_reason"));
}

}  // namespace
}  // namespace keel

namespace keel {
namespace {

TEST(Backtest, MarketCapHistoryIsUsedPointInTime) {
  // Caps flip from A-heavy to B-heavy on day 20: decisions before it weight A 3:1, after it B 3:1.
  const auto panel = random_panel(40, 2, 6);
  Strategy s;
  s.name = "cap";
  s.model.model = PortfolioModel::kMarketCap;
  s.rebalance = *parse_rebalance_schedule("every:5");
  BacktestOptions o;
  o.window = 5;
  o.periods_per_year = 365;
  o.market_cap_dates = {panel.timestamps[0], panel.timestamps[20]};
  o.market_cap_history.resize(2, 2);
  o.market_cap_history << 300, 100, 100, 300;
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  for (const auto& rec : r->strategies[0].rebalances) {
    ASSERT_EQ(rec.target.size(), 2);
    const bool after = rec.decision_date >= panel.timestamps[20];
    EXPECT_NEAR(rec.target(0), after ? 0.25 : 0.75, 1e-12) << format_timestamp(rec.decision_date);
  }
  EXPECT_TRUE(r->strategies[0].warnings.empty());  // no static-snapshot warning
  // A static snapshot instead is flagged.
  o.market_cap_dates.clear();
  o.market_cap_history.resize(0, 0);
  o.market_caps = Eigen::Vector2d(100, 300);
  auto snapshot = run_backtest(panel, {s}, o);
  ASSERT_TRUE(snapshot);
  ASSERT_FALSE(snapshot->strategies[0].warnings.empty());
  EXPECT_NE(snapshot->strategies[0].warnings[0].find("point-in-time"), std::string::npos);
}

}  // namespace
}  // namespace keel

namespace keel {
namespace {

TEST(Backtest, RuinStopsTradingAndKeepsTheLoss) {
  // A 3× leveraged long in A (short B as funding) when A falls 50%: equity goes below zero.
  const auto panel =
      make_panel({{100, 100}, {100, 100}, {100, 100}, {100, 100}, {50, 100}, {60, 100}, {70, 100}},
                 {"A", "B"});
  Strategy s;
  s.name = "levered";
  s.model.model = PortfolioModel::kMinVariance;
  s.model.constraints.lower_bounds = Eigen::Vector2d(3.0, -2.0);
  s.model.constraints.upper_bounds = Eigen::Vector2d(3.0, -2.0);
  s.model.constraints.lower_bound = -2.0;
  s.model.constraints.upper_bound = 3.0;
  s.rebalance = *parse_rebalance_schedule("every:1");
  s.estimation.covariance.method = CovarianceMethod::kSample;
  BacktestOptions o;
  o.window = 2;
  o.periods_per_year = 365;
  auto r = run_backtest(panel, {s}, o);
  ASSERT_TRUE(r) << r.status().message();
  const auto& res = r->strategies[0];
  // Bought at row 3 (100, 100): 3e6 of A, −2e6 of B. Row 4: A −50% → equity 1e6 − 1.5e6 = −0.5e6.
  EXPECT_NEAR(res.equity(2), -500000.0, 1e-6);
  EXPECT_NEAR(res.net_returns(2), -1.5, 1e-12);
  EXPECT_EQ(res.equity(3), res.equity(2));  // no more trading or marking after ruin
  EXPECT_EQ(res.equity(4), res.equity(2));
  EXPECT_EQ(res.net_returns(4), 0.0);
  EXPECT_EQ(res.weights.bottomRows(2).cwiseAbs().sum(), 0.0);
  bool warned = false;
  for (const auto& w : res.warnings) warned = warned || w.find("ruined") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_EQ(res.metrics.cagr, -1.0);
}

}  // namespace
}  // namespace keel
