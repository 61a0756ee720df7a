// `keel optimize` with the tail-risk models: --max-cvar / --max-cdar (the CLI contract)
// as measure-named forms of --max-risk, and the errors when a cap does not fit the model.
// cli_tail_risk_reference_test.cpp runs them on PyPortfolioOpt's data against its published
// results.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

class CliTailRisk : public ::testing::Test {
 protected:
  void SetUp() override {
    prices_ = dir_.file("prices.csv");
    const auto sim =
        run_keel("simulate --assets 8 --days 600 --seed 11 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  CommandResult optimize(const std::string& args) const {
    return run_keel("optimize --prices '" + prices_ + "' --missing drop-assets:0.5 " + args, dir_);
  }
  nlohmann::json optimize_json(const std::string& args) const {
    const auto r = optimize(args + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }
  TempDir dir_;
  std::string prices_;
};

// The same portfolio as --max-risk, the risk at the cap, and more return than the least-risk
// portfolio (so the cap was used, not ignored).
void expect_cap_alias(const nlohmann::json& least, const nlohmann::json& by_alias,
                      const nlohmann::json& by_max_risk, double cap) {
  ASSERT_EQ(by_alias["status"], "optimal");
  ASSERT_EQ(by_max_risk["status"], "optimal");
  EXPECT_EQ(by_alias["weights"], by_max_risk["weights"]);
  EXPECT_NEAR(by_alias["risk"]["value"].get<double>(), cap, 1e-9);
  EXPECT_GT(by_alias["performance"]["expected_return"].get<double>(),
            least["performance"]["expected_return"].get<double>() + 1e-6);
}

TEST_F(CliTailRisk, MaxCvarIsMaxRiskForMinCvar) {
  const auto least = optimize_json("--model min-cvar");
  ASSERT_EQ(least["status"], "optimal");
  ASSERT_EQ(least["risk"]["measure"], "cvar");
  const double cap = 1.5 * least["risk"]["value"].get<double>();
  const std::string cap_text = std::to_string(cap);
  const double cap_value = std::stod(cap_text);
  expect_cap_alias(least, optimize_json("--model min-cvar --max-cvar " + cap_text),
                   optimize_json("--model min-cvar --max-risk " + cap_text), cap_value);
}

TEST_F(CliTailRisk, MaxCdarIsMaxRiskForMinCdar) {
  const auto least = optimize_json("--model min-cdar --alpha 0.9");
  ASSERT_EQ(least["status"], "optimal");
  ASSERT_EQ(least["risk"]["measure"], "cdar");
  const double cap = 1.5 * least["risk"]["value"].get<double>();
  const std::string cap_text = std::to_string(cap);
  const double cap_value = std::stod(cap_text);
  expect_cap_alias(least, optimize_json("--model min-cdar --alpha 0.9 --max-cdar " + cap_text),
                   optimize_json("--model min-cdar --alpha 0.9 --max-risk " + cap_text), cap_value);
}

TEST_F(CliTailRisk, CapThatDoesNotFitTheModelIsAUsageError) {
  struct Case {
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {"--model min-cdar --max-cvar 0.05", "--max-cvar does not fit --model min-cdar"},
      {"--model min-mad --max-cvar 0.05", "--max-cvar does not fit --model min-mad"},
      {"--model min-cvar --max-cdar 0.05", "--max-cdar does not fit --model min-cvar"},
      {"--model min-variance --max-cdar 0.05", "--max-cdar does not fit --model min-variance"},
      {"--model min-cvar --max-cvar 0.05 --max-risk 0.05", "both set the risk cap"},
      {"--model min-cvar --max-cvar 0.05 --target-return 0.1", "--target-return"},
      {"--model min-cdar --max-risk 0.05 --target-return 0.1", "--target-return"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const auto r = optimize(c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace keel::testing
