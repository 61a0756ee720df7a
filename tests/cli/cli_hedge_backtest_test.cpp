// keel hedge-backtest (docs/lp_backtest.md): a perpetual delta hedge with funding, checked against
// the hand computation on a small daily price file: a fully hedged spot holding earns exactly the
// funding its short perp receives, less the taker fee of the opening trade.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

const std::vector<double> kPrices = {100.0, 104.0, 98.0, 101.0, 110.0, 107.0};

std::string write_prices(const TempDir& dir) {
  const std::string path = dir.file("prices.csv");
  std::ofstream out(path);
  out << "date,BTC,ETH\n";
  for (std::size_t t = 0; t < kPrices.size(); ++t) {
    out << "2024-03-0" << (t + 1) << "," << kPrices[t] << "," << 10.0 + static_cast<double>(t)
        << "\n";
  }
  return path;
}

nlohmann::json run_json(const std::string& args, const TempDir& dir) {
  const CommandResult r = run_keel(args + " --format json", dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(CliHedgeBacktest, FullyHedgedSpotEarnsTheFundingLessTheOpeningFee) {
  TempDir dir;
  const std::string prices = write_prices(dir);
  const double q = 2.0, rate = 1e-4, fee = 5e-4;
  const auto doc = run_json("hedge-backtest --prices " + prices +
                                " --asset BTC --quantity 2 --funding-rate 0.0001 --trading-fee "
                                "0.0005",
                            dir);
  const auto& r = doc["result"];
  // The short perp (−q) receives q·P_t·rate per 8-hour interval: three a day over each period.
  double received = 0.0;
  for (std::size_t t = 0; t + 1 < kPrices.size(); ++t) received += q * kPrices[t] * rate * 3.0;
  EXPECT_NEAR(r["unhedged_pnl"].get<double>(), q * (kPrices.back() - kPrices.front()), 1e-9);
  EXPECT_NEAR(r["unhedged_pnl"].get<double>() + r["hedge_pnl"].get<double>(), 0.0, 1e-9);
  EXPECT_NEAR(r["funding_paid"].get<double>(), -received, 1e-12);
  EXPECT_NEAR(r["trading_costs"].get<double>(), fee * q * kPrices.front(), 1e-12);
  EXPECT_NEAR(r["net_pnl"].get<double>(), received - fee * q * kPrices.front(), 1e-9);
  // Re-hedged at the start of every period (--rebalance-every 1): n − 1 times for n prices.
  EXPECT_EQ(r["rebalances"].get<int>(), static_cast<int>(kPrices.size()) - 1);
  EXPECT_EQ(doc["inputs"]["asset"], "BTC");
}

TEST(CliHedgeBacktest, FundingFromADailySeries) {
  TempDir dir;
  const std::string prices = write_prices(dir);
  const std::vector<double> rates = {1e-4, -2e-4, 3e-4, 0.0, 5e-5};
  {
    std::ofstream out(dir.file("funding.csv"));
    out << "date,funding_mean,funding_abs\n";
    for (std::size_t d = 0; d < rates.size(); ++d) {
      out << "2024-03-0" << (d + 1) << "," << rates[d] << "," << std::abs(rates[d]) << "\n";
    }
  }
  const auto doc = run_json("hedge-backtest --prices " + prices + " --asset BTC --funding " +
                                dir.file("funding.csv") + " --series",
                            dir);
  double received = 0.0;
  for (std::size_t t = 0; t + 1 < kPrices.size(); ++t) received += kPrices[t] * rates[t] * 3.0;
  EXPECT_NEAR(doc["result"]["funding_paid"].get<double>(), -received, 1e-12);
  EXPECT_NEAR(doc["result"]["net_pnl"].get<double>(), received, 1e-9);
  ASSERT_EQ(doc["series"].size(), kPrices.size());
  EXPECT_EQ(doc["series"][0]["perp_position"].get<double>(), -1.0);

  // A period whose day the series lacks: exit 2 naming the file and the date.
  {
    std::ofstream out(dir.file("short.csv"));
    out << "date,funding_mean\n2024-03-01,1e-4\n2024-03-02,1e-4\n";
  }
  const CommandResult gap = run_keel(
      "hedge-backtest --prices " + prices + " --asset BTC --funding " + dir.file("short.csv"), dir);
  EXPECT_EQ(gap.exit_code, 2) << gap.err;
  EXPECT_NE(gap.err.find("short.csv"), std::string::npos) << gap.err;
  EXPECT_NE(gap.err.find("2024-03-03"), std::string::npos) << gap.err;
}

TEST(CliHedgeBacktest, AnLpHedgeCarriesTheLpDeltaAndModelledFees) {
  TempDir dir;
  const std::string prices = write_prices(dir);
  const auto doc = run_json("hedge-backtest --prices " + prices +
                                " --asset BTC --hedged lp --capital 1000 --range-width 0.2 "
                                "--fee-apr 0.3 --funding-rate 0",
                            dir);
  EXPECT_EQ(doc["fees_source"], "modelled");
  const auto& r = doc["result"];
  EXPECT_GT(r["lp_fees"].get<double>(), 0.0);
  // Re-hedged every day: what is left is the LP's gamma loss against the daily hedge, plus fees.
  EXPECT_NEAR(r["net_pnl"].get<double>(),
              r["unhedged_pnl"].get<double>() + r["hedge_pnl"].get<double>(), 1e-9);
  EXPECT_LT(std::abs(r["net_pnl"].get<double>()), std::abs(r["unhedged_pnl"].get<double>()));
}

// The same LP hedge recomputed here from the Uniswap v3 closed forms (whitepaper eqs. 6.29–6.30,
// written out independently of keel::amm): a range [P0 (1 − w), P0 (1 + w)] holding value
// V(p) = L (2√p − √pa − p/√pb) in range, delta x(p) = L (1/√p − 1/√pb) coins, a short perp of −x
// reset every day, fees at the APR on the period-start value while the period ends in range, and
// funding on the perp's notional at the period-start price (3 intervals of 8 hours a day).
TEST(CliHedgeBacktest, AnLpHedgeMatchesTheClosedFormsDayByDay) {
  TempDir dir;
  const std::string prices = write_prices(dir);
  const double capital = 1000.0, width = 0.2, apr = 0.3, rate = 2e-4, fee = 5e-4;
  const auto doc = run_json("hedge-backtest --prices " + prices +
                                " --asset BTC --hedged lp --capital 1000 --range-width 0.2 "
                                "--fee-apr 0.3 --funding-rate 0.0002 --trading-fee 0.0005",
                            dir);
  const double p0 = kPrices.front();
  const double pa = p0 * (1.0 - width), pb = p0 * (1.0 + width);
  const auto value_per_l = [&](double p) {
    const double s = std::sqrt(std::clamp(p, pa, pb));
    // Below the range all coin (valued at p), above all quote: the in-range formula at the
    // clamped price, plus the coin amount of the lower region valued at p.
    if (p < pa) return (1.0 / std::sqrt(pa) - 1.0 / std::sqrt(pb)) * p;
    return 2.0 * s - std::sqrt(pa) - std::clamp(p, pa, pb) / std::sqrt(pb);
  };
  const auto coins_per_l = [&](double p) {
    return 1.0 / std::sqrt(std::clamp(p, pa, pb)) - 1.0 / std::sqrt(pb);
  };
  const double l = capital / value_per_l(p0);
  double position = 0.0, hedge = 0.0, fees = 0.0, funding = 0.0, costs = 0.0, perp = 0.0;
  for (std::size_t t = 0; t + 1 < kPrices.size(); ++t) {
    const double p = kPrices[t], q = kPrices[t + 1];
    const double target = -l * coins_per_l(p);
    costs += fee * std::abs(target - perp) * p;
    perp = target;
    hedge += perp * (q - p);
    funding += perp * p * rate * 3.0;
    position += l * (value_per_l(q) - value_per_l(p));
    if (q >= pa && q < pb) fees += apr * l * value_per_l(p) / 365.0;
  }
  const auto& r = doc["result"];
  EXPECT_NEAR(r["unhedged_pnl"].get<double>(), position + fees, 1e-9);
  EXPECT_NEAR(r["lp_fees"].get<double>(), fees, 1e-9);
  EXPECT_NEAR(r["hedge_pnl"].get<double>(), hedge, 1e-9);
  EXPECT_NEAR(r["funding_paid"].get<double>(), funding, 1e-12);
  EXPECT_NEAR(r["trading_costs"].get<double>(), costs, 1e-12);
  EXPECT_NEAR(r["net_pnl"].get<double>(), position + fees + hedge - funding - costs, 1e-9);
  // The short hedge receives funding at a positive rate.
  EXPECT_LT(funding, 0.0);
}

TEST(CliHedgeBacktest, BadInputExitsTwoNamingTheOption) {
  TempDir dir;
  const std::string prices = write_prices(dir);
  const CommandResult neither = run_keel("hedge-backtest --prices " + prices + " --asset BTC", dir);
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--funding-rate"), std::string::npos) << neither.err;
  const CommandResult both = run_keel(
      "hedge-backtest --prices " + prices + " --asset BTC --funding-rate 0 --funding x.csv", dir);
  EXPECT_EQ(both.exit_code, 2);
  const CommandResult unknown =
      run_keel("hedge-backtest --prices " + prices + " --asset DOGE --funding-rate 0", dir);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("DOGE"), std::string::npos) << unknown.err;
  const CommandResult no_range = run_keel(
      "hedge-backtest --prices " + prices + " --asset BTC --hedged lp --funding-rate 0", dir);
  EXPECT_EQ(no_range.exit_code, 2) << no_range.err;
}

}  // namespace
}  // namespace keel::testing
