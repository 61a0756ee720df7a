// End-to-end tests of `keel estimate` and `keel optimize`: the JSON contracts of docs/architecture.md section 3,
// config files overriding and overridden by flags, and exit codes for answers that do not exist.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

class CliOptimize : public ::testing::Test {
 protected:
  void SetUp() override {
    prices_ = dir_.file("prices.csv");
    const auto sim = run_keel("simulate --assets 10 --days 900 --seed 11 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  // Late listings in the simulated market need a missing-data policy.
  std::string prices_args() const {
    return "--prices '" + prices_ + "' --missing drop-assets:0.5";
  }
  // The first ticker in the simulator's metadata file.
  std::string first_asset() const {
    std::ifstream meta(dir_.file("prices_metadata.csv"));
    std::string header, first;
    std::getline(meta, header);
    std::getline(meta, first);
    return first.substr(0, first.find(','));
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.file(name)) << text;
  }
  TempDir dir_;
  std::string prices_;
};

double weight_sum(const nlohmann::json& weights) {
  double sum = 0.0;
  for (const auto& [asset, w] : weights.items()) sum += w.get<double>();
  return sum;
}

TEST_F(CliOptimize, EstimateJsonContract) {
  const auto r = run_keel("estimate " + prices_args() + " --cov ledoit-wolf --format json", dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto n = doc["assets"].size();
  ASSERT_GE(n, 5u);
  EXPECT_EQ(doc["periods_per_year"], 365.0);
  EXPECT_EQ(doc["expected_returns"].size(), n);
  ASSERT_EQ(doc["covariance"].size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      EXPECT_DOUBLE_EQ(doc["covariance"][i][j].get<double>(), doc["covariance"][j][i].get<double>());
    }
  }
  const double shrinkage = doc["diagnostics"]["shrinkage"];
  EXPECT_GT(shrinkage, 0.0);
  EXPECT_LT(shrinkage, 1.0);
  EXPECT_FALSE(doc["diagnostics"]["repairs"].empty());  // the dropped late listings are listed
}

TEST_F(CliOptimize, CsvEstimatesFeedOptimize) {
  const std::string est = dir_.file("est");
  const auto e = run_keel("estimate " + prices_args() + " --format csv -o '" + est + "'", dir_);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto r = run_keel("optimize --covariance '" + est + "/cov.csv' --expected-returns '" + est +
                              "/mu.csv' --model min-variance --max-weight 0.3 --format json",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["model"], "min-variance");
  EXPECT_EQ(doc["status"], "optimal");
  EXPECT_NEAR(weight_sum(doc["weights"]), 1.0, 1e-9);
  for (const auto& [asset, w] : doc["weights"].items()) {
    EXPECT_LE(w.get<double>(), 0.3 + 1e-9) << asset;
    EXPECT_GE(w.get<double>(), -1e-9) << asset;
  }
  for (const char* key : {"expected_return", "volatility", "sharpe"}) {
    EXPECT_TRUE(doc["performance"].contains(key)) << key;
  }
  EXPECT_LT(doc["diagnostics"]["max_constraint_violation"].get<double>(), 1e-8);
}

TEST_F(CliOptimize, EveryModelReturnsAVerifiedPortfolio) {
  for (const char* model : {"min-variance", "max-sharpe", "max-utility", "max-diversification",
                            "risk-parity", "hrp", "herc", "nco", "equal-weight",
                            "inverse-volatility"}) {
    const auto r = run_keel("optimize " + prices_args() + " --cov ledoit-wolf --model " + model +
                                " --format json",
                            dir_);
    ASSERT_EQ(r.exit_code, 0) << model << ": " << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["model"], model);
    EXPECT_NEAR(weight_sum(doc["weights"]), 1.0, 1e-8) << model;
    EXPECT_TRUE(doc.contains("inputs")) << model;
  }
}

TEST_F(CliOptimize, ConfigFileConstraintsHoldAndFlagsOverrideIt) {
  // The simulator's first asset name is read back from the metadata so the test does not assume
  // ticker names.
  const std::string asset = first_asset();
  write("book.toml", "model = \"max-sharpe\"\nmax_weight = 0.5\n[[groups]]\nname = \"cap-first\"\n"
                     "members = [\"" + asset + "\"]\nmax = 0.05\n");
  const auto r = run_keel("optimize " + prices_args() + " --config '" + dir_.file("book.toml") +
                              "' --model min-variance --format json",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["model"], "min-variance");  // the flag wins over the file
  EXPECT_LE(doc["weights"][asset].get<double>(), 0.05 + 1e-9);
  for (const auto& [a, w] : doc["weights"].items()) EXPECT_LE(w.get<double>(), 0.5 + 1e-9);

  write("bad.toml", "modle = \"x\"\n");
  const auto bad = run_keel("optimize " + prices_args() + " --config '" + dir_.file("bad.toml") + "'", dir_);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.toml:1"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("modle"), std::string::npos) << bad.err;
}

// Risk parity under a group limit (at most 50% in stablecoins, which ERC would overweight): the
// barrier method, the group held exactly, the binding constraint named, and every asset outside
// the group keeps the same relative risk contribution (equal budgets, untouched by the limit).
TEST_F(CliOptimize, RiskParityHonoursGroupLimits) {
  std::set<std::string> stablecoins;
  {
    std::ifstream meta(dir_.file("prices_metadata.csv"));
    std::string line;
    std::getline(meta, line);
    while (std::getline(meta, line)) {
      std::vector<std::string> cells;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
      if (cells.size() > 4 && cells[4] == "true") stablecoins.insert(cells[0]);
    }
  }
  ASSERT_FALSE(stablecoins.empty());
  write("rp.toml", "[[groups]]\nname = \"stables\"\ntag = \"stablecoin\"\nvalue = true\nmax = 0.5\n");
  const auto r = run_keel("optimize " + prices_args() + " --metadata '" +
                              dir_.file("prices_metadata.csv") + "' --model risk-parity --config '" +
                              dir_.file("rp.toml") + "' --format json",
                          dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["diagnostics"]["solver"], "barrier-newton");
  EXPECT_EQ(doc["formulation"], "richard-roncalli");
  EXPECT_NEAR(weight_sum(doc["weights"]), 1.0, 1e-12);
  double in_group = 0.0;
  for (const auto& [a, w] : doc["weights"].items()) {
    if (stablecoins.count(a)) in_group += w.get<double>();
  }
  EXPECT_NEAR(in_group, 0.5, 1e-12);
  ASSERT_EQ(doc["binding_constraints"].size(), 1u) << doc["binding_constraints"].dump();
  double common = -1.0;
  for (const auto& [a, c] : doc["risk_contributions"].items()) {
    if (stablecoins.count(a)) continue;
    if (common < 0) common = c.get<double>();
    EXPECT_NEAR(c.get<double>(), common, 1e-10) << a;
  }
  // Leverage is still refused, loudly.
  write("lev.toml", "[constraints]\nmax_gross_leverage = 1.5\n");
  const auto lev = run_keel("optimize " + prices_args() + " --model risk-parity --config '" +
                                dir_.file("lev.toml") + "'",
                            dir_);
  EXPECT_EQ(lev.exit_code, 2);
  EXPECT_NE(lev.err.find("gross leverage"), std::string::npos) << lev.err;
}

TEST_F(CliOptimize, NoUsableAnswerExitsThree) {
  // Every asset's expected return is below a 1000% risk-free rate: max Sharpe does not exist.
  const auto r = run_keel("optimize " + prices_args() + " --model max-sharpe --risk-free 10", dir_);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("infeasible"), std::string::npos) << r.err;
  // Caps that cannot add up to the budget.
  const auto caps = run_keel("optimize " + prices_args() + " --max-weight 0.01", dir_);
  EXPECT_EQ(caps.exit_code, 3) << caps.out << caps.err;
}

TEST_F(CliOptimize, UnsupportedCombinationsFailLoudly) {
  const auto r = run_keel("optimize " + prices_args() + " --model hrp --budget 0.5", dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("model hrp cannot honour a budget other than 1"), std::string::npos)
      << r.err;
  const auto shorting = run_keel("optimize " + prices_args() + " --model herc --bounds -0.1,0.5", dir_);
  EXPECT_EQ(shorting.exit_code, 2);
  EXPECT_NE(shorting.err.find("model herc is long-only"), std::string::npos) << shorting.err;
  const auto unknown = run_keel("optimize " + prices_args() + " --model magic", dir_);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown model 'magic'; expected one of min-variance"), std::string::npos) << unknown.err;
}


// --max-weight on the hierarchical and naive models, as skfolio and Riskfolio allow: the caps
// hold (and are verified), and caps that cannot reach the budget are infeasible (exit 3).
TEST_F(CliOptimize, RiskOnlyModelsHonourWeightCaps) {
  for (const char* model : {"hrp", "herc", "nco", "inverse-volatility", "equal-weight"}) {
    const auto free = run_keel("optimize " + prices_args() + " --model " + model + " --format json", dir_);
    ASSERT_EQ(free.exit_code, 0) << model << free.err;
    const auto n = nlohmann::json::parse(free.out)["weights"].size();
    const double cap = 1.3 / static_cast<double>(n);
    const auto r = run_keel("optimize " + prices_args() + " --model " + model +
                                " --max-weight " + std::to_string(cap) + " --format json",
                            dir_);
    ASSERT_EQ(r.exit_code, 0) << model << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_NEAR(weight_sum(doc["weights"]), 1.0, 1e-9) << model;
    for (const auto& [asset, w] : doc["weights"].items()) {
      EXPECT_LE(w.get<double>(), cap + 1e-9) << model << " " << asset;
    }
    EXPECT_LE(doc["diagnostics"]["max_constraint_violation"].get<double>(), 1e-9) << model;
    const auto tight = run_keel("optimize " + prices_args() + " --model " + model +
                                    " --max-weight " + std::to_string(0.9 / static_cast<double>(n)),
                                dir_);
    EXPECT_EQ(tight.exit_code, 3) << model << tight.out << tight.err;
    EXPECT_NE(tight.err.find("upper bounds add up to"), std::string::npos) << tight.err;
  }
}

TEST_F(CliOptimize, FrontierRiskTailModelsAndBlackLitterman) {
  const auto f = run_keel("frontier " + prices_args() + " --points 7 --format json", dir_);
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const auto frontier = nlohmann::json::parse(f.out);
  ASSERT_EQ(frontier["points"].size(), 7u);
  for (std::size_t i = 1; i < 7; ++i) {  // evenly spaced in return, volatility rising
    EXPECT_GT(frontier["points"][i]["expected_return"].get<double>(),
              frontier["points"][i - 1]["expected_return"].get<double>());
    EXPECT_GE(frontier["points"][i]["volatility"].get<double>(),
              frontier["points"][i - 1]["volatility"].get<double>() - 1e-12);
  }
  EXPECT_GE(frontier["turning_points"].size(), 2u);

  const std::string weights = dir_.file("w.json");
  const auto o = run_keel("optimize " + prices_args() + " --model min-cvar --max-weight 0.4 -o '" +
                              weights + "'",
                          dir_);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto opt = nlohmann::json::parse(read_text(weights));
  EXPECT_EQ(opt["model"], "min-cvar");
  EXPECT_NEAR(weight_sum(opt["weights"]), 1.0, 1e-8);

  const auto r = run_keel("risk " + prices_args() + " --weights '" + weights + "' --format json", dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto risk = nlohmann::json::parse(r.out);
  for (const char* method : {"historical", "gaussian", "cornish-fisher", "monte-carlo"}) {
    EXPECT_LE(risk["var"][method].get<double>(), risk["cvar"][method].get<double>() + 1e-12)
        << method;
  }
  for (const char* key : {"volatility", "max_drawdown", "cdar", "lvar", "contributions"}) {
    EXPECT_TRUE(risk.contains(key)) << key;
  }
  // The LP's optimal CVaR is the historical CVaR of the weights it returned.
  EXPECT_NEAR(opt["risk"]["value"].get<double>(), risk["cvar"]["historical"].get<double>(), 1e-9);

  write("views.toml", "[[views]]\nasset = \"" + first_asset() + "\"\nreturn = 0.5\n");
  const auto bl = run_keel("optimize " + prices_args() + " --model black-litterman --views '" +
                               dir_.file("views.toml") + "' --format json",
                           dir_);
  ASSERT_EQ(bl.exit_code, 0) << bl.err;
  const auto posterior = nlohmann::json::parse(bl.out);
  EXPECT_TRUE(posterior.contains("posterior_returns"));
  EXPECT_NEAR(weight_sum(posterior["weights"]), 1.0, 1e-8);
}

TEST_F(CliOptimize, CvarRiskParityAndBlackLittermanPosteriorOptimiser) {
  auto r = run_keel("optimize " + prices_args() + " --model risk-parity --risk-measure cvar --alpha 0.9 "
                    "--format json", dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["risk_measure"], "cvar");
  const double n = static_cast<double>(j["weights"].size());
  // Sample-CVaR contributions meet the budgets up to the reported deviation of the smoothing.
  const double deviation = j["max_relative_deviation"].get<double>();
  EXPECT_LT(deviation, 0.02);
  for (const auto& [asset, c] : j["risk_contributions"].items()) {
    EXPECT_NEAR(c.get<double>(), 1.0 / n, deviation / n + 1e-15);
  }
  r = run_keel("optimize " + prices_args() + " --model min-variance --risk-measure cvar", dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--risk-measure"), std::string::npos) << r.err;

  write("views.toml", "[[views]]\nasset = \"" + first_asset() + "\"\nreturn = 0.5\n");
  r = run_keel("optimize " + prices_args() + " --model black-litterman --views '" + dir_.file("views.toml") +
                   "' --posterior-model max-sharpe --max-weight 0.3 --format json",
               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"], "black-litterman");
  EXPECT_EQ(j["optimizer"], "max-sharpe");
  for (const auto& [asset, w] : j["weights"].items()) {
    EXPECT_LE(w.get<double>(), 0.3 + 1e-8) << asset;
    EXPECT_GE(w.get<double>(), -1e-8) << asset;
  }
}

}  // namespace
}  // namespace keel::testing
