// `keel optimize --model min-cvar|min-cdar` end to end on PyPortfolioOpt's stock_prices.csv
// (../shared/data; skipped when absent) against PyPortfolioOpt's published results, with its
// conventions given as Keel options.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

// PyPortfolioOpt tests/test_efficient_cvar.py and test_efficient_cdar.py (setup_efficient_cvar /
// setup_efficient_cdar): prices.dropna(how="any") → --missing drop-rows; mean_historical_return
// (compounded, ×252) → --mu geometric --periods-per-year 252; β = 0.95 → the default --alpha.
// Published (return, risk), held to PyPortfolioOpt's tolerance (rtol = atol = 1e-4).
TEST(CliTailRiskReference, PyPortfolioOptEfficientRiskAndReturn) {
  const std::string csv =
      std::string(KEEL_SHARED_DATA_DIR) + "/reference/pyportfolioopt/stock_prices.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "shared data missing: " << csv;
  struct Case {
    std::string args;
    double expected_return;
    double risk;
  };
  const Case cases[] = {
      {"--model min-cvar --max-cvar 0.02", 0.2267893986249195, 0.02},  // test_efficient_risk
      {"--model min-cvar --target-return 0.25", 0.25,
       0.021036631225933487},                                     // test_efficient_return
      {"--model min-cdar --max-cdar 0.08", 0.261922, 0.08},       // test_efficient_risk
      {"--model min-cdar --target-return 0.25", 0.25, 0.076193},  // test_efficient_return
      // test_efficient_risk_market_neutral: weight_bounds (-1, 1), market_neutral=True.
      {"--model min-cvar --max-cvar 0.025 --budget 0 --bounds=-1,1", 0.5895653670063358, 0.025},
      {"--model min-cdar --max-cdar 0.025 --budget 0 --bounds=-1,1", 0.219306, 0.025},
      // test_efficient_return_short: weight_bounds (-3, 3).
      {"--model min-cvar --target-return 0.26 --bounds=-3,3", 0.26, 0.01804624747353764},
      {"--model min-cdar --target-return 0.28 --bounds=-3,3", 0.28, 0.045999},
  };
  TempDir dir;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const auto r = run_keel("optimize --prices '" + csv +
                                "' --missing drop-rows --mu geometric --periods-per-year 252 " +
                                c.args + " --format json",
                            dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    ASSERT_EQ(doc["status"], "optimal");
    EXPECT_EQ(doc["inputs"]["observations"], 895);
    EXPECT_NEAR(doc["performance"]["expected_return"].get<double>(), c.expected_return,
                1e-4 + 1e-4 * c.expected_return);
    EXPECT_NEAR(doc["risk"]["value"].get<double>(), c.risk, 1e-4 + 1e-4 * c.risk);
  }
}

}  // namespace
}  // namespace keel::testing
