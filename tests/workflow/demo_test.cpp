// The demo workflow as a library call (keel/workflow/demo.hpp) on a small simulated market: eight
// books that each hold the stablecoin cash beside their risky sleeve, a backtest of the models
// against the benchmarks, the report's sections, and bad input named.
#include "keel/workflow/demo.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keel {
namespace {

DemoInput simulated_input(int assets, int periods) {
  SimulatorOptions options;
  options.assets = assets;
  options.periods = periods;
  options.seed = 11;
  auto market = simulate_market(options);
  EXPECT_TRUE(market.is_ok()) << market.status().message();
  DemoInput input;
  input.crash_windows = simulated_crash_windows(*market);
  input.prices = std::move(market->panel);
  input.metadata = std::move(market->metadata);
  input.simulation = {{"assets", assets}, {"periods", periods}, {"seed", 11}};
  return input;
}

TEST(Demo, EveryBookHoldsTheCashBesideItsSleeveAndIsBacktested) {
  DemoOptions options;
  options.window = 120;
  options.build_report = false;
  auto demo = run_demo(simulated_input(12, 500), options, Context{});
  ASSERT_TRUE(demo.is_ok()) << demo.status().message();
  EXPECT_FALSE(demo->report.has_value());
  const Json& doc = demo->document;
  ASSERT_TRUE(doc.contains("simulation"));
  EXPECT_EQ(doc.begin().key(), "simulation");  // the caller's block comes first
  const Json& portfolios = doc["portfolios"];
  ASSERT_EQ(portfolios.size(), 8U);
  const auto& stable = doc["estimates"]["stablecoin_cash"]["assets"];
  ASSERT_FALSE(stable.empty()) << "the simulator lists stablecoins in its metadata";
  for (const auto& p : portfolios) {
    ASSERT_EQ(p["status"], "optimal") << p["model"];
    double total = 0.0, cash = 0.0;
    for (const auto& [asset, w] : p["weights"].items()) {
      total += w.get<double>();
      for (const auto& s : stable) {
        if (s.get<std::string>() == asset) cash += w.get<double>();
      }
    }
    EXPECT_NEAR(total, 1.0, 1e-9) << p["model"];
    EXPECT_NEAR(cash, options.stablecoin_cash, 1e-9) << p["model"];
  }
  // Six models and the three benchmarks (hold, equal weight, market cap) are backtested.
  EXPECT_EQ(doc["backtest"]["strategies"].size(), 9U);
  EXPECT_EQ(demo->backtest.rows(), 9U);
  EXPECT_EQ(demo->allocation.rows(), 8U);
  EXPECT_EQ(demo->exit_code, 0);
}

TEST(Demo, TheReportHasTheOverviewFirst) {
  DemoOptions options;
  options.window = 120;
  auto demo = run_demo(simulated_input(10, 400), options, Context{});
  ASSERT_TRUE(demo.is_ok()) << demo.status().message();
  ASSERT_TRUE(demo->report.has_value());
  ASSERT_FALSE(demo->report->sections.empty());
  EXPECT_EQ(demo->report->sections.front().title, "Portfolios");
}

TEST(Demo, BadInputIsNamed) {
  DemoOptions options;
  options.max_weight = 0.0;
  auto bad = run_demo(simulated_input(10, 400), options, Context{});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("max_weight"), std::string::npos);

  // Two risky assets left: the demo names the policy and what to do.
  DemoInput input = simulated_input(10, 400);
  PanelSelection keep;
  keep.assets = {input.prices.assets[0], input.prices.assets[1]};
  auto narrowed = select(input.prices, keep);
  ASSERT_TRUE(narrowed.is_ok());
  input.prices = std::move(*narrowed);
  auto few = run_demo(std::move(input), DemoOptions{}, Context{});
  ASSERT_FALSE(few.is_ok());
  EXPECT_NE(few.status().message().find("drop-assets:0.5"), std::string::npos)
      << few.status().message();
}

}  // namespace
}  // namespace keel
