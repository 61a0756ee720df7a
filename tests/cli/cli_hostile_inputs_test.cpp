// Hostile sizes and values (issue #24 item 5), the cases fast enough for every run: a one-row
// file, a file of a single column, duplicated assets, prices at 1e-300 and 1e300 and beyond a
// double's range, holdings worth more than a double holds, a covariance of condition number
// 1e16, and 10,000 assets. Each either works (with the answer checked against an invariance or a
// closed form) or exits 2 naming the file or the limit. 10,000 assets is
// cli_hostile_sizes_slow_test.cpp (7 s); the big cases (a 2 GB file, a million rows, thousands of
// assets optimised) are measured by scripts/hostile-sizes.py: docs/limits.md.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
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

// A wide daily price file: `rows` dates from 2020-01-01, the given columns; prices from a seeded
// random walk (the same for a given seed), each column multiplied by `scale[j]`.
void write_prices(const std::string& path, const std::vector<std::string>& names, int rows,
                  const std::vector<double>& scale, unsigned seed = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0005, 0.03);
  std::vector<double> log_price(names.size(), std::log(100.0));
  std::ofstream out(path);
  out.precision(17);
  out << "date";
  for (const auto& n : names) out << ',' << n;
  out << '\n';
  for (int i = 0; i < rows; ++i) {
    using namespace std::chrono;
    const year_month_day ymd{sys_days{2020y / January / 1} + days{i}};
    char date[48];
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    out << date;
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (i > 0) log_price[j] += step(rng);
      out << ',' << std::exp(log_price[j]) * scale[j];
    }
    out << '\n';
  }
}

const std::vector<std::string> kAbc = {"A", "B", "C"};

TEST(HostileInputs, OneRowFileExits2NamingTheFile) {
  TempDir dir;
  write_prices(dir.file("one.csv"), kAbc, 1, {1, 1, 1});
  std::ofstream(dir.file("w.csv")) << "asset,weight\nA,0.5\nB,0.5\n";
  const std::string f = "'" + dir.file("one.csv") + "'";
  const auto inspect = run_keel("inspect --prices " + f, dir);
  EXPECT_EQ(inspect.exit_code, 2);
  EXPECT_TRUE(contains(inspect.err, "has 1 price row(s); inspection needs at least 2"))
      << inspect.err;
  for (const std::string& verb :
       {std::string("estimate"), std::string("optimize --model max-sharpe"),
        "risk --weights '" + dir.file("w.csv") + "'"}) {
    const auto r = run_keel(verb + " --prices " + f, dir);
    EXPECT_EQ(r.exit_code, 2) << verb << r.err;
    EXPECT_TRUE(contains(r.err, "one.csv: only 1 price rows remain")) << verb << r.err;
  }
}

TEST(HostileInputs, SingleColumnFileExits2) {
  TempDir dir;
  std::ofstream(dir.file("date-only.csv")) << "date\n2020-01-01\n2020-01-02\n2020-01-03\n";
  for (const char* verb : {"inspect", "estimate", "optimize"}) {
    const auto r =
        run_keel(std::string(verb) + " --prices '" + dir.file("date-only.csv") + "'", dir);
    EXPECT_EQ(r.exit_code, 2) << verb;
    EXPECT_TRUE(contains(r.err, "date-only.csv:1: no asset columns")) << verb << r.err;
  }
}

TEST(HostileInputs, DuplicatedAssetExits2NamingBothColumns) {
  TempDir dir;
  write_prices(dir.file("dup.csv"), {"A", "B", "A"}, 50, {1, 1, 1});
  for (const char* verb : {"inspect", "estimate", "optimize"}) {
    const auto r = run_keel(std::string(verb) + " --prices '" + dir.file("dup.csv") + "'", dir);
    EXPECT_EQ(r.exit_code, 2) << verb;
    EXPECT_TRUE(contains(r.err, "asset 'A' appears twice in the header (columns 2 and 4)"))
        << verb << r.err;
  }
}

// Returns are ratios of prices, so multiplying a column by 1e-300 or 1e300 must not change any
// weight: the reference is the same market at ordinary prices.
TEST(HostileInputs, PricesAt1eMinus300And1e300GiveTheWeightsOfOrdinaryPrices) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::vector<double>>> files = {
      {"plain.csv", {1, 1, 1}},
      {"tiny.csv", {1e-300, 1e-300, 1e-300}},
      {"huge.csv", {1e300, 1e300, 1e300}},
      {"mixed.csv", {1e-300, 1e300, 1}},
  };
  std::vector<nlohmann::json> weights;
  for (const auto& [name, scale] : files) {
    write_prices(dir.file(name), kAbc, 300, scale, /*seed=*/5);
    const auto r = run_keel(
        "optimize --model max-sharpe --format json --prices '" + dir.file(name) + "'", dir);
    ASSERT_EQ(r.exit_code, 0) << name << r.err;
    weights.push_back(nlohmann::json::parse(r.out)["weights"]);
  }
  for (std::size_t k = 1; k < weights.size(); ++k) {
    for (const auto& a : kAbc) {
      EXPECT_NEAR(weights[k][a].get<double>(), weights[0][a].get<double>(), 1e-9)
          << files[k].first << " " << a;
    }
  }
}

TEST(HostileInputs, PriceBeyondADoublesRangeExits2NamingTheCell) {
  TempDir dir;
  for (const char* cell : {"1e309", "1e-330"}) {
    std::ofstream(dir.file("range.csv"))
        << "date,A,B\n2020-01-01,1,2\n2020-01-02," << cell << ",2\n2020-01-03,1,2\n";
    const auto r = run_keel("inspect --prices '" + dir.file("range.csv") + "'", dir);
    EXPECT_EQ(r.exit_code, 2) << cell;
    EXPECT_TRUE(contains(r.err, "range.csv:3: asset 'A' on 2020-01-02: '" + std::string(cell) +
                                    "' is outside the range of a double"))
        << r.err;
  }
}

// 1e10 coins at a price near 1e300 are worth 1e310: more than a double holds. It used to end in
// "risk profile: portfolio_value must be ≥ 0", which named neither the file nor the asset.
TEST(HostileInputs, HoldingsWorthMoreThanADoubleHoldsExit2NamingTheAsset) {
  TempDir dir;
  write_prices(dir.file("huge.csv"), kAbc, 60, {1e300, 1e300, 1e300});
  std::ofstream(dir.file("coins.csv")) << "asset,quantity\nA,1e10\nB,1\n";
  const auto r = run_keel(
      "risk --prices '" + dir.file("huge.csv") + "' --holdings '" + dir.file("coins.csv") + "'",
      dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "coins.csv:2: asset 'A'")) << r.err;
  EXPECT_TRUE(contains(r.err, "worth more than a double can hold")) << r.err;
}

// Σ = Σₖ λₖ qₖ qₖᵀ with λ = (1e-17, 0.1, 0.05, 0.02, 0.01) and q₀ = (1, …, 1)/√5: condition
// number 1e16. Every long-only portfolio summing to 1 has the same component 1/√5 along q₀, so
// the minimum variance is reached exactly at equal weights (closed form), which the solver must
// find.
TEST(HostileInputs, CovarianceWithConditionNumber1e16HasTheClosedFormMinimum) {
  TempDir dir;
  // Gram–Schmidt from the ones vector and a fixed basis: an orthonormal Q, last column ∝ ones.
  const int n = 5;
  std::vector<std::vector<double>> q;
  std::vector<double> ones(n, 1.0 / std::sqrt(5.0));
  q.push_back(ones);
  for (int e = 0; e < n && static_cast<int>(q.size()) < n; ++e) {
    std::vector<double> v(n, 0.0);
    v[e] = 1.0;
    v[(e + 1) % n] = 0.5;  // not axis-aligned, so every asset mixes every factor
    for (const auto& u : q) {
      double dot = 0.0;
      for (int i = 0; i < n; ++i) dot += u[i] * v[i];
      for (int i = 0; i < n; ++i) v[i] -= dot * u[i];
    }
    double norm = 0.0;
    for (double x : v) norm += x * x;
    if (norm < 1e-12) continue;
    for (double& x : v) x /= std::sqrt(norm);
    q.push_back(v);
  }
  ASSERT_EQ(static_cast<int>(q.size()), n);
  const std::vector<double> lambda = {1e-17, 0.1, 0.05, 0.02, 0.01};  // q[0] ∝ ones
  std::ofstream out(dir.file("cov.csv"));
  out.precision(17);
  for (int j = 0; j < n; ++j) out << ",X" << j;
  out << '\n';
  for (int i = 0; i < n; ++i) {
    out << 'X' << i;
    for (int j = 0; j < n; ++j) {
      double s = 0.0;
      for (int k = 0; k < n; ++k) s += lambda[k] * q[k][i] * q[k][j];
      out << ',' << s;
    }
    out << '\n';
  }
  out.close();
  const auto r = run_keel("optimize --format json --covariance '" + dir.file("cov.csv") + "'", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["status"], "optimal");
  for (int j = 0; j < n; ++j) {
    EXPECT_NEAR(doc["weights"]["X" + std::to_string(j)].get<double>(), 0.2, 1e-6) << j;
  }
}

}  // namespace
}  // namespace keel::testing
