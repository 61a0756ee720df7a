// keel::allocate against PyPortfolioOpt's published discrete allocations
// (tests/reference/make_allocation_fixtures.py writes the fixture and says where each number
// comes from).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace keel
