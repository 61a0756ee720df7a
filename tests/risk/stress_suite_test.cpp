// The stress suite's own rules (stress_suite.hpp): it must give what the four analyses give when
// called one by one, keep a proxy of the missing-history policy out of everything but the replay,
// and refuse policies that leave the correlation and liquidity stress without a complete history.
#include "keel/risk/stress_suite.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "keel/core/random.hpp"
#include "keel/data/select.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Fixture {
  PricePanel panel;
  LabeledVector weights;
  std::vector<ReplayRequest> windows;
};

Fixture make_fixture() {
  Random rng(20261207);
  Fixture f{.panel = test::random_walk_panel(rng, 120, 4), .weights = {}, .windows = {}};
  f.weights.labels = {"A0", "A1", "A2"};  // A3 is not held (the proxy of one test)
  f.weights.values = Eigen::Vector3d(0.5, 0.3, 0.2);
  // One window over days 30..50 of the panel.
  f.windows.push_back(
      {.window = {.name = "w", .start = f.panel.timestamps[30], .end = f.panel.timestamps[50]},
       .required = true});
  return f;
}

TEST(StressSuite, EqualsTheAnalysesCalledOneByOne) {
  const Fixture f = make_fixture();
  auto held = select(f.panel, PanelSelection{.assets = f.weights.labels});
  ASSERT_TRUE(held.is_ok());
  ShockScenario crash{.name = "crash",
                      .description = {},
                      .shocks = {ShockSpec{.all = true,
                                           .assets = {},
                                           .group = {},
                                           .asset_return = -0.3,
                                           .price = {},
                                           .source = "test"}},
                      .source = "test"};
  const StressSuiteOptions options{.windows = f.windows, .scenarios = {crash}};
  auto suite = run_stress_suite(*held, f.weights, nullptr, options);
  ASSERT_TRUE(suite.is_ok()) << suite.status().message();
  EXPECT_EQ(suite->assets, f.weights.labels);

  auto replay = replay_stress_windows(*held, f.weights.values, f.windows, options.replay);
  ASSERT_TRUE(replay.is_ok());
  ASSERT_EQ(suite->history.windows.size(), 1U);
  EXPECT_EQ(suite->history.windows[0].total, replay->windows[0].total);

  auto market = prepare_market(*held, MarketOptions{});
  ASSERT_TRUE(market.is_ok());
  auto correlation =
      portfolio_correlation_stress(market->returns.values, f.weights.values, options.correlation);
  ASSERT_TRUE(correlation.is_ok());
  EXPECT_EQ(suite->correlation.var_after, correlation->var_after);
  EXPECT_EQ(suite->correlation.es_before, correlation->es_before);

  // A 30% fall of everything loses 30% of a fully invested book.
  ASSERT_EQ(suite->scenarios.size(), 1U);
  EXPECT_NEAR(suite->scenarios[0].pnl.total, -0.3, 1e-12);
  const Json doc = suite->to_json(1000.0);
  for (const char* key : {"historical", "hypothetical", "correlation_stress", "liquidity_stress"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
}

TEST(StressSuite, AProxyJoinsOnlyTheReplay) {
  Fixture f = make_fixture();
  // A2 is listed only from day 40: the window's first rows fill from the proxy A3.
  for (Eigen::Index t = 0; t < 40; ++t) f.panel.prices(t, 2) = std::nan("");
  StressSuiteOptions options{
      .windows = f.windows,
      .replay = {.missing_history = {.kind = MissingHistoryKind::kProxy, .proxy = "A3"}}};
  options.market.missing = MissingPolicy{.kind = MissingPolicyKind::kDropRows};
  auto suite = run_stress_suite(f.panel, f.weights, nullptr, options);
  ASSERT_TRUE(suite.is_ok()) << suite.status().message();
  // The replay saw the proxy column (weight 0); the other analyses only the held assets.
  EXPECT_EQ(suite->history.assets.size(), 4U);
  EXPECT_EQ(suite->assets, f.weights.labels);
  EXPECT_EQ(suite->market.panel.assets, f.weights.labels);
  EXPECT_EQ(suite->market.returns.values.rows(), 120 - 40 - 1);
}

TEST(StressSuite, RefusesPoliciesWithoutACompleteHistory) {
  Fixture f = make_fixture();
  for (Eigen::Index t = 0; t < 40; ++t) f.panel.prices(t, 1) = std::nan("");
  auto held = select(f.panel, PanelSelection{.assets = f.weights.labels});
  ASSERT_TRUE(held.is_ok());
  f.panel = std::move(*held);
  StressSuiteOptions options{.windows = {}};
  options.market.missing = MissingPolicy{.kind = MissingPolicyKind::kPairwise};
  auto pairwise = run_stress_suite(f.panel, f.weights, nullptr, options);
  ASSERT_FALSE(pairwise.is_ok());
  EXPECT_TRUE(contains(pairwise.status().message(), "pairwise"));

  options.market.missing = MissingPolicy{.kind = MissingPolicyKind::kDropAssets};
  auto dropped = run_stress_suite(f.panel, f.weights, nullptr, options);
  ASSERT_FALSE(dropped.is_ok());
  EXPECT_TRUE(contains(dropped.status().message(), "dropped the held asset(s) A1"))
      << dropped.status().message();

  options.market.missing = MissingPolicy{};  // error: names the asset and date
  auto strict = run_stress_suite(f.panel, f.weights, nullptr, options);
  ASSERT_FALSE(strict.is_ok());
  EXPECT_TRUE(contains(strict.status().message(), "A1")) << strict.status().message();
  EXPECT_TRUE(contains(strict.status().message(), "--missing-history"));

  options.market.missing = MissingPolicy{.kind = MissingPolicyKind::kDropRows};
  options.weights_source = "book.csv";
  // The panel holds exactly the held assets (and a proxy): a column without a weight is an error
  // naming the weights' source and the asset.
  LabeledVector unknown = f.weights;
  unknown.labels[0] = "ZZZ";
  auto missing_column = run_stress_suite(f.panel, unknown, nullptr, options);
  ASSERT_FALSE(missing_column.is_ok());
  EXPECT_TRUE(contains(missing_column.status().message(), "book.csv"));
  EXPECT_TRUE(contains(missing_column.status().message(), "A0"))
      << missing_column.status().message();
}

}  // namespace
}  // namespace keel
