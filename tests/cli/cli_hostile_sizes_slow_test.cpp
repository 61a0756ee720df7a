// Hostile sizes (issue #24 item 5) too slow for the unit label: 10,000 assets (about 7 s: four
// runs of keel on a 2.4 MB file of 10,000 columns). The fast hostile cases are
// cli_hostile_inputs_test.cpp; the big ones are measured by scripts/hostile-sizes.py
// (docs/limits.md).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// 10,000 assets and 30 days: inspection works (its cost is linear in the cells), estimation is
// refused at once, before any 10,000 × 10,000 matrix is allocated, naming the size and the limit
// (it used to run for most of an hour in the eigen decomposition, then try to write 10⁸ JSON
// numbers).
TEST(HostileInputs, TenThousandAssetsAreInspectedAndRefusedForACovariance) {
  TempDir dir;
  const int n = 10000;
  {
    // 30 days of a seeded random walk for each asset, from 2020-01-01.
    std::mt19937_64 rng(1);
    std::normal_distribution<double> step(0.0005, 0.03);
    std::vector<double> log_price(n, std::log(100.0));
    std::ofstream out(dir.file("wide.csv"));
    out << "date";
    for (int j = 0; j < n; ++j) out << ",A" << j;
    out << '\n';
    for (int day = 1; day <= 30; ++day) {
      out << "2020-01-" << (day < 10 ? "0" : "") << day;
      for (int j = 0; j < n; ++j) {
        if (day > 1) log_price[j] += step(rng);
        out << ',' << std::exp(log_price[j]);
      }
      out << '\n';
    }
  }
  const std::string f = " --prices '" + dir.file("wide.csv") + "'";
  const auto inspect = run_keel("inspect --format json" + f, dir);
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(nlohmann::json::parse(inspect.out)["assets"].get<int>(), n);
  for (const char* verb : {"estimate", "optimize", "optimize --model hrp"}) {
    const auto r = run_keel(std::string(verb) + f, dir);
    EXPECT_EQ(r.exit_code, 2) << verb << r.err;
    EXPECT_TRUE(contains(r.err, "10000 assets is above the limit of 4000")) << verb << r.err;
    EXPECT_TRUE(contains(r.err, "0.75 GiB")) << verb << r.err;  // 8 · 10⁸ bytes
  }
}

}  // namespace
}  // namespace keel::testing
