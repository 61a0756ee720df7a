// keel::allocate against PyPortfolioOpt's published discrete allocations
// (tests/reference/make_allocation_fixtures.py writes the fixture and says where each number
// comes from).
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "data/shared_data.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/optimize/allocation.hpp"

namespace keel {
namespace {

nlohmann::json fixture() {
  std::ifstream in(std::string(KEEL_SOURCE_DIR) + "/tests/reference/allocation/pypfopt.json");
  return nlohmann::json::parse(in);
}

// PyPortfolioOpt's conventions: whole shares, no minimums, no fees, one price per asset.
AllocationInput pypfopt_input(const nlohmann::json& fx, const std::string& weights, double value) {
  AllocationInput in;
  for (const auto& name : fx["assets"]) in.assets.push_back(name.get<std::string>());
  const auto n = static_cast<Eigen::Index>(in.assets.size());
  in.target_weights.resize(n);
  in.mid.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string& a = in.assets[static_cast<std::size_t>(i)];
    in.target_weights[i] = fx["weights"][weights][a].get<double>();
    in.mid[i] = fx["prices"][a].get<double>();
  }
  in.cash = value;
  return in;
}

AllocationOptions pypfopt_options(const nlohmann::json& c) {
  AllocationOptions o;
  o.method = c["method"] == "greedy" ? AllocationMethod::kGreedy : AllocationMethod::kExact;
  o.fee_bps = 0.0;
  if (c.contains("short_ratio")) o.short_ratio = c["short_ratio"].get<double>();
  o.reinvest = c.value("reinvest", false);
  return o;
}

const nlohmann::json& find_case(const nlohmann::json& fx, const std::string& name) {
  for (const auto& c : fx["cases"]) {
    if (c["name"] == name) return c;
  }
  throw std::runtime_error("no case " + name);
}

void expect_published_allocation(const std::string& name) {
  const auto fx = fixture();
  const auto& c = find_case(fx, name);
  const AllocationInput in = pypfopt_input(fx, c["weights"], c["value"].get<double>());
  auto r = allocate(in, pypfopt_options(c));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_TRUE(r->is_usable()) << r->explanation;
  std::map<std::string, double> got;
  for (std::size_t i = 0; i < in.assets.size(); ++i) {
    const double q = r->quantities[static_cast<Eigen::Index>(i)];
    if (q != 0.0) got[in.assets[i]] = q;
  }
  std::map<std::string, double> want;
  for (const auto& [asset, q] : c["allocation"].items()) want[asset] = q.get<double>();
  EXPECT_EQ(got, want);
  EXPECT_NEAR(r->leftover, c["leftover"].get<double>(), 1e-8);
  if (c.contains("rmse")) {
    EXPECT_NEAR(r->weight_rmse, c["rmse"].get<double>(), 1e-7);
  }
  EXPECT_TRUE(check_allocation(in, pypfopt_options(c), *r).passed());
}

TEST(AllocationReference, GreedyLongShortReproducesPyPortfolioOpt) {
  expect_published_allocation("greedy_short");
}

TEST(AllocationReference, GreedyLongShortOtherValueAndRatio) {
  expect_published_allocation("greedy_short_50000");
}

TEST(AllocationReference, GreedyLongShortReinvest) {
  expect_published_allocation("greedy_short_50000_reinvest");
}

TEST(AllocationReference, GreedyLongOnlyRmse) {
  const auto fx = fixture();
  const auto& c = find_case(fx, "greedy_long_only");
  const AllocationInput in = pypfopt_input(fx, c["weights"], c["value"].get<double>());
  auto r = allocate(in, pypfopt_options(c));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_NEAR(r->weight_rmse, c["rmse"].get<double>(), 1e-7);
  // Cash and shares add back up to the value (PyPortfolioOpt's own check).
  EXPECT_NEAR(r->quantities.dot(in.mid) + r->leftover, 10000.0, 1e-8);
}

TEST(AllocationReference, ExactMethodPassesLpPortfolioCheck) {
  const auto fx = fixture();
  const auto& c = find_case(fx, "lp_long_only");
  const AllocationInput in = pypfopt_input(fx, c["weights"], c["value"].get<double>());
  auto r = allocate(in, pypfopt_options(c));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->status, SolveStatus::kOptimal) << r->explanation;
  EXPECT_LT(r->weight_rmse, c["rmse_below"].get<double>());
  EXPECT_LE(r->l1_deviation, r->greedy_l1_deviation + 1e-12);
  EXPECT_GE(r->leftover, 0.0);
  EXPECT_NEAR(r->quantities.dot(in.mid) + r->leftover, 10000.0, 1e-8);
}

// 10,000 USDT at the market-cap weights of the 100 largest coins on 2024-02-02, with the
// Binance-style rules of tests/data/allocate/binance_style_rules.csv: the exact method is
// feasible, meets every rule, is no further from the target than greedy, in under a second.
TEST(AllocationReference, HundredRealCoinsWithExchangeRules) {
  SKIP_IF_ABSENT("crypto_cmc_top120/prices_close_usd.csv");
  auto prices = read_prices(testing::shared("crypto_cmc_top120/prices_close_usd.csv"));
  auto caps = read_prices(testing::shared("crypto_cmc_top120/market_cap_usd.csv"),
                          ReadOptions{.zero_as_missing = true});
  auto rules =
      read_metadata(std::string(KEEL_SOURCE_DIR) + "/tests/data/allocate/binance_style_rules.csv");
  ASSERT_TRUE(prices.is_ok() && caps.is_ok() && rules.is_ok());
  ASSERT_EQ(rules->assets.size(), 100u);
  AllocationInput in;
  const auto n = static_cast<Eigen::Index>(rules->assets.size());
  in.target_weights.resize(n);
  in.mid.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const AssetInfo& info = rules->assets[static_cast<std::size_t>(i)];
    in.assets.push_back(info.symbol);
    const auto p = prices->asset_index(info.symbol);
    const auto c = caps->asset_index(info.symbol);
    ASSERT_TRUE(p && c) << info.symbol;
    in.mid[i] = prices->prices(prices->rows() - 1, *p);
    in.target_weights[i] = caps->prices(caps->rows() - 1, *c);
    in.rules.push_back({.lot_size = info.lot_size,
                        .min_quantity = info.min_quantity,
                        .min_notional = info.min_notional});
  }
  ASSERT_TRUE(in.target_weights.allFinite() && in.mid.allFinite());
  in.target_weights /= in.target_weights.sum();
  in.cash = 10000.0;
  AllocationOptions exact{};
  AllocationOptions greedy{.method = AllocationMethod::kGreedy};
  const std::clock_t start = std::clock();
  auto e = allocate(in, exact);
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  auto g = allocate(in, greedy);
  ASSERT_TRUE(e.is_ok() && g.is_ok());
  ASSERT_EQ(e->status, SolveStatus::kOptimal) << e->explanation;
  EXPECT_TRUE(check_allocation(in, exact, *e).passed());
  EXPECT_TRUE(check_allocation(in, greedy, *g).passed());
  for (const Order& o : e->orders) {
    const TradingRules& r = in.rules[o.asset];
    EXPECT_NEAR(o.quantity / r.lot_size, std::round(o.quantity / r.lot_size),
                1e-9 * std::max(1.0, o.quantity / r.lot_size));
    EXPECT_GE(o.notional, r.min_notional * (1 - 1e-12)) << in.assets[o.asset];
  }
  EXPECT_LE(e->l1_deviation, g->l1_deviation + 1e-12);
  EXPECT_LT(seconds, 1.0) << e->nodes << " nodes";
  // Most of the 100 targets are below 5 USDT: they get no order rather than a rejected one.
  EXPECT_LT(e->orders.size(), 100u);
  EXPECT_GE(e->leftover, 0.0);
}

}  // namespace
}  // namespace keel
