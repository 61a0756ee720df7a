// Hypothetical shock scenarios: group resolution from metadata, overrides, price targets and the
// located errors, with the P&L checked against a hand computation.
#include "keel/risk/stress_shocks.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace keel {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::vector<std::string> kAssets = {"BTC", "ETH", "SOL", "UNI", "USDC", "DAI"};

AssetInfo info(std::string symbol, std::string sector, std::string chain, bool stable = false) {
  AssetInfo a;
  a.symbol = std::move(symbol);
  a.sector = std::move(sector);
  a.chain = std::move(chain);
  a.is_stablecoin = stable;
  return a;
}

AssetMetadata metadata() {
  AssetMetadata m;
  m.assets = {info("BTC", "L1", "Bitcoin"),
              info("ETH", "L1", "Ethereum"),
              info("SOL", "L1", "Solana"),
              info("UNI", "DeFi", "Ethereum"),
              info("USDC", "Stablecoin", "Ethereum", true),
              info("DAI", "Stablecoin", "Ethereum", true),
              info("DOGE", "Meme", "Dogecoin")};  // not held
  return m;
}

Eigen::VectorXd weights() {
  Eigen::VectorXd w(6);
  w << 0.3, 0.25, 0.1, 0.05, 0.2, 0.05;  // sums to 0.95: 5% cash
  return w;
}

Eigen::VectorXd last_prices() {
  Eigen::VectorXd p(6);
  p << 60000.0, 3000.0, 150.0, 7.0, 1.0002, 0.9990;
  return p;
}

ShockSpec group_shock(std::string group, double r) {
  ShockSpec s;
  s.group = std::move(group);
  s.asset_return = r;
  return s;
}

TEST(StressShocks, GroupsAndPriceTargetsMatchHandPnl) {
  const AssetMetadata meta = metadata();
  ShockScenario sc;
  sc.name = "L1 -50%, stables depeg to 0.9";
  sc.shocks.push_back(group_shock("sector:l1", -0.5));  // case-insensitive match of "L1"
  ShockSpec depeg;
  depeg.group = "stablecoin";
  depeg.price = 0.9;
  sc.shocks.push_back(depeg);
  auto r = evaluate_shock_scenario(sc, kAssets, weights(), &meta, last_prices());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const double usdc = 0.9 / 1.0002 - 1.0;
  const double dai = 0.9 / 0.9990 - 1.0;
  const double expected = 0.3 * -0.5 + 0.25 * -0.5 + 0.1 * -0.5 + 0.2 * usdc + 0.05 * dai;
  EXPECT_NEAR(r->pnl.total, expected, 1e-15);
  EXPECT_NEAR(r->asset_return[4], usdc, 1e-15);
  EXPECT_NEAR(r->pnl.asset_pnl[5], 0.05 * dai, 1e-15);
  EXPECT_EQ(r->asset_return[3], 0.0);  // UNI: no shock reaches it
  EXPECT_EQ(r->shocked_by[3], -1);
  EXPECT_EQ(r->shocked_by[0], 0);
  EXPECT_EQ(r->shocked_by[5], 1);
  ASSERT_EQ(r->members.size(), 2u);
  EXPECT_EQ(r->members[0], (std::vector<std::string>{"BTC", "ETH", "SOL"}));
  EXPECT_TRUE(r->warnings.empty());

  const Json doc = r->to_json(2e6);
  EXPECT_NEAR(doc["total_pnl_value"].get<double>(), 2e6 * expected, 1e-6);
  EXPECT_EQ(doc["shocks"][1]["price"], 0.9);
  EXPECT_EQ(doc["assets"]["DAI"]["shock"], 2);
  EXPECT_TRUE(doc["assets"]["UNI"]["shock"].is_null());
}

TEST(StressShocks, LaterShocksOverrideAndAssetListsWork) {
  const AssetMetadata meta = metadata();
  ShockScenario sc;
  sc.name = "broad sell-off";
  ShockSpec all;
  all.all = true;
  all.asset_return = -0.3;
  ShockSpec stables = group_shock("stablecoin", 0.0);
  ShockSpec named;
  named.assets = {"ETH", "UNI"};
  named.asset_return = -0.45;
  sc.shocks = {all, stables, named};
  auto r = evaluate_shock_scenario(sc, kAssets, weights(), &meta, Eigen::VectorXd());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const double expected = 0.3 * -0.3 + 0.25 * -0.45 + 0.1 * -0.3 + 0.05 * -0.45;
  EXPECT_NEAR(r->pnl.total, expected, 1e-15);
  EXPECT_EQ(r->asset_return[4], 0.0);
  EXPECT_EQ(r->shocked_by[4], 1);
  // No metadata is needed when no shock uses a group.
  sc.shocks = {all, named};
  auto plain = evaluate_shock_scenario(sc, kAssets, weights(), nullptr, Eigen::VectorXd());
  ASSERT_TRUE(plain.is_ok()) << plain.status().message();
  EXPECT_NEAR(plain->pnl.total, -0.3 * 0.95 + (-0.45 + 0.3) * (0.25 + 0.05), 1e-15);
}

TEST(StressShocks, LocatedErrorsAndWarnings) {
  const AssetMetadata meta = metadata();
  const auto eval = [&](ShockSpec s, const AssetMetadata* m = nullptr) {
    ShockScenario sc;
    sc.name = "bad one";
    s.source = "shocks.toml:7";
    sc.shocks = {s};
    return evaluate_shock_scenario(sc, kAssets, weights(), m, last_prices());
  };
  auto unknown_value = eval(group_shock("sector:layer1", -0.5), &meta);
  ASSERT_FALSE(unknown_value.is_ok());
  std::string msg = unknown_value.status().message();
  EXPECT_TRUE(contains(msg, "shocks.toml:7")) << msg;
  EXPECT_TRUE(contains(msg, "scenario 'bad one', shock 1")) << msg;
  EXPECT_TRUE(contains(msg, "unknown group 'sector:layer1'")) << msg;
  EXPECT_TRUE(contains(msg, "L1, DeFi, Stablecoin, Meme")) << msg;

  auto unknown_field = eval(group_shock("layer:L1", -0.5), &meta);
  ASSERT_FALSE(unknown_field.is_ok());
  EXPECT_TRUE(contains(unknown_field.status().message(), "unknown tag 'layer'"));

  auto no_metadata = eval(group_shock("sector:L1", -0.5), nullptr);
  ASSERT_FALSE(no_metadata.is_ok());
  EXPECT_TRUE(contains(no_metadata.status().message(), "needs asset metadata"));

  ShockSpec typo;
  typo.assets = {"ETHH"};
  typo.asset_return = -0.2;
  auto bad_asset = eval(typo, &meta);
  ASSERT_FALSE(bad_asset.is_ok());
  EXPECT_TRUE(contains(bad_asset.status().message(), "asset 'ETHH'"));

  // Known in the metadata but not held / a group the portfolio does not hold: warnings only.
  ShockSpec doge;
  doge.assets = {"DOGE"};
  doge.asset_return = -0.9;
  auto not_held = eval(doge, &meta);
  ASSERT_TRUE(not_held.is_ok()) << not_held.status().message();
  EXPECT_EQ(not_held->pnl.total, 0.0);
  ASSERT_EQ(not_held->warnings.size(), 1u);
  auto meme = eval(group_shock("sector:meme", -0.9), &meta);
  ASSERT_TRUE(meme.is_ok());
  EXPECT_TRUE(contains(meme->warnings.at(0), "reaches no asset of the portfolio"));

  ShockSpec both = group_shock("stablecoin", -0.1);
  both.price = 0.9;
  EXPECT_TRUE(contains(eval(both, &meta).status().message(), "both return and price"));
  EXPECT_TRUE(
      contains(eval(group_shock("stablecoin", -1.5), &meta).status().message(), "below -1"));
  ShockSpec none;
  none.asset_return = -0.1;
  EXPECT_TRUE(contains(eval(none, &meta).status().message(), "no target"));

  ShockScenario a;
  a.name = "same";
  a.shocks = {group_shock("stablecoin", 0.0)};
  EXPECT_FALSE(validate_shock_scenarios({a, a}).is_ok());
  ShockScenario empty;
  empty.name = "empty";
  EXPECT_TRUE(contains(validate_shock_scenarios({empty}).message(), "no shocks"));
}

TEST(StressShocks, ExtraMetadataColumnIsAGroupTag) {
  // A custom metadata column (custody) is a tag shocks can target, like sector or chain; before,
  // any field but sector/chain/protocol/stablecoin was refused.
  AssetMetadata meta = metadata();
  meta.tag_columns = {"custody"};
  for (auto& a : meta.assets) a.tags["custody"] = a.symbol == "ETH" || a.symbol == "UNI" ? "exchange-x" : "self";
  ShockScenario sc;
  sc.name = "custodian fails";
  sc.shocks = {group_shock("Custody:Exchange-X", -1.0)};
  auto r = evaluate_shock_scenario(sc, kAssets, weights(), &meta, last_prices());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->members[0], (std::vector<std::string>{"ETH", "UNI"}));
  EXPECT_NEAR(r->pnl.total, -(0.25 + 0.05), 1e-15);
  // A field the metadata lacks is still an error that lists the tags it has.
  sc.shocks = {group_shock("custodian:exchange-x", -1.0)};
  auto bad = evaluate_shock_scenario(sc, kAssets, weights(), &meta, last_prices());
  ASSERT_FALSE(bad.is_ok());
  EXPECT_TRUE(contains(bad.status().message(), "unknown tag 'custodian'")) << bad.status().message();
  EXPECT_TRUE(contains(bad.status().message(), "custody")) << bad.status().message();
}

}  // namespace
}  // namespace keel
