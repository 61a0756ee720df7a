#include "keel/data/simulator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "data/simulator_calibration.hpp"
#include "data/simulator_variates.hpp"
#include "keel/core/random.hpp"

namespace keel {
namespace {

namespace cal = simulator_calibration;

SimulatedMarket simulate_or_die(const SimulatorOptions& options) {
  Result<SimulatedMarket> result = simulate_market(options);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return std::move(result).value();
}

// Log returns of one asset over consecutive periods where both prices exist, with the regime of
// the later period.
struct Series {
  std::vector<double> r;
  std::vector<bool> crash;
};

Series log_returns(const SimulatedMarket& m, Eigen::Index asset) {
  Series s;
  for (Eigen::Index t = 1; t < m.panel.rows(); ++t) {
    const double a = m.panel.prices(t - 1, asset);
    const double b = m.panel.prices(t, asset);
    if (std::isfinite(a) && std::isfinite(b)) {
      s.r.push_back(std::log(b / a));
      s.crash.push_back(m.crash[static_cast<std::size_t>(t)]);
    }
  }
  return s;
}

double mean(const std::vector<double>& x) {
  double sum = 0.0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

double excess_kurtosis(const std::vector<double>& x) {
  const double mu = mean(x);
  double m2 = 0.0;
  double m4 = 0.0;
  for (double v : x) {
    const double d = (v - mu) * (v - mu);
    m2 += d;
    m4 += d * d;
  }
  m2 /= static_cast<double>(x.size());
  m4 /= static_cast<double>(x.size());
  return m4 / (m2 * m2) - 3.0;
}

double lag1_autocorrelation(const std::vector<double>& x) {
  const double mu = mean(x);
  double num = 0.0;
  double den = 0.0;
  for (std::size_t t = 0; t < x.size(); ++t) {
    den += (x[t] - mu) * (x[t] - mu);
    if (t > 0) num += (x[t] - mu) * (x[t - 1] - mu);
  }
  return num / den;
}

double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 == 1 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

// Tokens whose returns are market-like: not stablecoins, not the collapsing one.
std::vector<Eigen::Index> risky_assets(const SimulatedMarket& m) {
  std::vector<Eigen::Index> out;
  for (Eigen::Index i = 0; i < m.panel.cols(); ++i) {
    if (m.metadata.assets[static_cast<std::size_t>(i)].is_stablecoin) continue;
    if (i == m.collapsing_asset) continue;
    out.push_back(i);
  }
  return out;
}

// Average pairwise Pearson correlation of log returns over the periods of one regime.
double average_correlation(const SimulatedMarket& m, bool crash) {
  const std::vector<Eigen::Index> assets = risky_assets(m);
  double total = 0.0;
  int pairs = 0;
  for (std::size_t a = 0; a < assets.size(); ++a) {
    for (std::size_t b = a + 1; b < assets.size(); ++b) {
      double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      int n = 0;
      for (Eigen::Index t = 1; t < m.panel.rows(); ++t) {
        if (m.crash[static_cast<std::size_t>(t)] != crash) continue;
        const double x = std::log(m.panel.prices(t, assets[a]) / m.panel.prices(t - 1, assets[a]));
        const double y = std::log(m.panel.prices(t, assets[b]) / m.panel.prices(t - 1, assets[b]));
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
        ++n;
      }
      if (n < 30) continue;
      const double cov = sxy / n - (sx / n) * (sy / n);
      const double vx = sxx / n - (sx / n) * (sx / n);
      const double vy = syy / n - (sy / n) * (sy / n);
      total += cov / std::sqrt(vx * vy);
      ++pairs;
    }
  }
  return total / pairs;
}

bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

// --- Options ----------------------------------------------------------------------------------

TEST(SimulatorOptions, DefaultsAreValid) { EXPECT_TRUE(SimulatorOptions{}.validate().is_ok()); }

TEST(SimulatorOptions, RejectsOutOfRangeValuesNamingTheOption) {
  struct Case {
    SimulatorOptions options;
    const char* name;
  };
  const std::vector<Case> cases = {
      {{.assets = 1}, "assets"},
      {{.periods = 1}, "periods"},
      {{.assets = 4, .stablecoins = 3}, "stablecoins"},
      {{.stablecoins = -2}, "stablecoins"},
      {{.late_listing_fraction = 1.5}, "late_listing_fraction"},
      {{.late_listing_fraction = std::numeric_limits<double>::quiet_NaN()},
       "late_listing_fraction"},
      {{.student_dof = 2.0}, "student_dof"},
      {{.idiosyncratic_student_dof = 1.0}, "idiosyncratic_student_dof"},
      {{.volatility_persistence = 1.0}, "volatility_persistence"},
      {{.volatility_persistence = 0.05}, "garch_alpha"},
      {{.idiosyncratic_garch_alpha = -0.1}, "idiosyncratic_garch_alpha"},
      {{.depeg_low = 1.0}, "depeg_low"},
      {{.depeg_low = 0.1}, "depeg_low"},
      {{.collapse_drawdown = 1.0}, "collapse_drawdown"},
  };
  for (const Case& c : cases) {
    const Status status = c.options.validate();
    EXPECT_EQ(status.code(), StatusCode::kInvalidInput) << c.name;
    EXPECT_NE(status.message().find(c.name), std::string::npos) << status.message();
    const Result<SimulatedMarket> result = simulate_market(c.options);
    EXPECT_FALSE(result.is_ok()) << c.name;
  }
}

// --- Determinism --------------------------------------------------------------------------------

TEST(Simulator, SameSeedGivesBitwiseIdenticalMarkets) {
  const SimulatedMarket a = simulate_or_die({.assets = 12, .periods = 400, .seed = 7});
  const SimulatedMarket b = simulate_or_die({.assets = 12, .periods = 400, .seed = 7});
  EXPECT_TRUE(same_bits(a.panel.prices, b.panel.prices));
  EXPECT_TRUE(same_bits(a.panel.volumes, b.panel.volumes));
  EXPECT_TRUE(same_bits(a.panel.spreads, b.panel.spreads));
  EXPECT_EQ(a.crash, b.crash);
  EXPECT_EQ(a.listing_period, b.listing_period);
  EXPECT_EQ(a.collapse_period, b.collapse_period);
  EXPECT_EQ(a.depeg_start, b.depeg_start);
}

TEST(Simulator, DifferentSeedsGiveDifferentMarkets) {
  const SimulatedMarket a = simulate_or_die({.assets = 12, .periods = 400, .seed = 7});
  const SimulatedMarket b = simulate_or_die({.assets = 12, .periods = 400, .seed = 8});
  EXPECT_FALSE(same_bits(a.panel.prices, b.panel.prices));
  EXPECT_NE(a.panel.prices(399, 0), b.panel.prices(399, 0));
}

// The simulator's variates, against closed forms: the moments of the distributions. (The raw
// xoshiro256** stream is checked against a reference implementation in tests/core/random_test.cpp.)
TEST(SimulatorRandom, VariateMoments) {
  Random rng(123);
  const int n = 200000;
  double s1 = 0, s2 = 0, g1 = 0, g2 = 0, t2 = 0, u1 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal_polar();
    s1 += z;
    s2 += z * z;
    const double g = simulator_detail::polar_gamma(rng, 2.5);
    g1 += g;
    g2 += g * g;
    const double t = simulator_detail::standardized_t(rng, 6.0);
    t2 += t * t;
    u1 += rng.uniform_half_open();
  }
  EXPECT_NEAR(s1 / n, 0.0, 0.01);
  EXPECT_NEAR(s2 / n, 1.0, 0.01);
  EXPECT_NEAR(g1 / n, 2.5, 0.02);                        // Gamma(k): mean k
  EXPECT_NEAR(g2 / n - (g1 / n) * (g1 / n), 2.5, 0.05);  // variance k
  EXPECT_NEAR(t2 / n, 1.0, 0.03);                        // unit variance by construction
  EXPECT_NEAR(u1 / n, 0.5, 0.003);
}

// --- Shapes and metadata ------------------------------------------------------------------------

TEST(Simulator, ShapesTimestampsAndMetadata) {
  const SimulatorOptions options;
  const SimulatedMarket m = simulate_or_die(options);
  ASSERT_EQ(m.panel.rows(), options.periods);
  ASSERT_EQ(m.panel.cols(), options.assets);
  EXPECT_EQ(m.panel.volumes.rows(), options.periods);
  EXPECT_EQ(m.panel.spreads.cols(), options.assets);
  EXPECT_EQ(m.panel.source, "simulator");
  EXPECT_EQ(m.periods_per_year, 365.0);
  ASSERT_EQ(m.panel.timestamps.size(), static_cast<std::size_t>(options.periods));
  EXPECT_EQ(m.panel.timestamps.front(), 1546300800);  // 2019-01-01
  for (std::size_t t = 1; t < m.panel.timestamps.size(); ++t) {
    ASSERT_EQ(m.panel.timestamps[t] - m.panel.timestamps[t - 1], kSecondsPerDay);
  }
  ASSERT_EQ(m.crash.size(), static_cast<std::size_t>(options.periods));
  ASSERT_EQ(m.listing_period.size(), static_cast<std::size_t>(options.assets));
  ASSERT_EQ(m.metadata.assets.size(), static_cast<std::size_t>(options.assets));

  const std::set<std::string> sectors = {"L1",   "L2",     "DeFi",   "Exchange",
                                         "Meme", "Oracle", "Gaming", "Stablecoin"};
  const std::set<std::string> chains = {"Ethereum", "Solana", "BNB Chain", "Own chain"};
  std::set<std::string> symbols;
  std::set<std::string> seen_sectors;
  int stablecoins = 0;
  for (std::size_t i = 0; i < m.metadata.assets.size(); ++i) {
    const AssetInfo& a = m.metadata.assets[i];
    EXPECT_EQ(a.symbol, m.panel.assets[i]);
    symbols.insert(a.symbol);
    EXPECT_TRUE(sectors.count(a.sector)) << a.sector;
    EXPECT_TRUE(chains.count(a.chain)) << a.chain;
    EXPECT_FALSE(a.protocol.empty());
    EXPECT_EQ(a.is_stablecoin, a.sector == "Stablecoin");
    stablecoins += a.is_stablecoin ? 1 : 0;
    seen_sectors.insert(a.sector);
    EXPECT_GT(a.lot_size, 0.0);
    EXPECT_EQ(a.min_notional, 5.0);
    EXPECT_GT(a.market_cap, 0.0);
    // The lot is a power of ten worth between 0.1 and 1 quote unit at the starting price.
    EXPECT_NEAR(std::log10(a.lot_size), std::round(std::log10(a.lot_size)), 1e-9);
    if (m.listing_period[i] == 0) {
      const double lot_value = a.lot_size * m.panel.prices(0, static_cast<Eigen::Index>(i));
      EXPECT_GT(lot_value, 0.1) << a.symbol;
      EXPECT_LE(lot_value, 1.01) << a.symbol;
    }
  }
  EXPECT_EQ(symbols.size(), m.metadata.assets.size());
  EXPECT_EQ(stablecoins, 2);  // automatic: 30 / 15
  EXPECT_EQ(seen_sectors, sectors);
  EXPECT_FALSE(m.metadata.assets[0].is_stablecoin);
  EXPECT_DOUBLE_EQ(m.market_beta[0], 1.0);
}

TEST(Simulator, AutomaticStablecoinCount) {
  EXPECT_EQ(simulate_or_die({.assets = 4, .periods = 50}).depegging_asset, -1);
  for (const auto& [assets, expected] :
       {std::pair{4, 0}, std::pair{5, 1}, std::pair{30, 2}, std::pair{100, 6}}) {
    const SimulatedMarket m = simulate_or_die({.assets = assets, .periods = 50});
    int count = 0;
    for (const AssetInfo& a : m.metadata.assets) count += a.is_stablecoin ? 1 : 0;
    EXPECT_EQ(count, expected) << assets << " assets";
  }
  const SimulatedMarket explicit_count = simulate_or_die({.assets = 6, .stablecoins = 4});
  int count = 0;
  for (const AssetInfo& a : explicit_count.metadata.assets) count += a.is_stablecoin ? 1 : 0;
  EXPECT_EQ(count, 4);
}

TEST(Simulator, PricesVolumesAndSpreadsArePositiveWhereListed) {
  for (std::uint64_t seed : {42ULL, 1ULL, 2ULL}) {
    const SimulatedMarket m = simulate_or_die({.seed = seed});
    for (Eigen::Index i = 0; i < m.panel.cols(); ++i) {
      for (Eigen::Index t = m.listing_period[static_cast<std::size_t>(i)]; t < m.panel.rows();
           ++t) {
        ASSERT_TRUE(std::isfinite(m.panel.prices(t, i)) && m.panel.prices(t, i) > 0.0)
            << "seed " << seed << " asset " << i << " period " << t;
        ASSERT_TRUE(std::isfinite(m.panel.volumes(t, i)) && m.panel.volumes(t, i) > 0.0);
        // Liquidity evaporates after the collapse: that token may quote spreads above 5%.
        const double max_spread = i == m.collapsing_asset && t >= m.collapse_period ? 0.5 : 0.05;
        ASSERT_TRUE(m.panel.spreads(t, i) > 0.0 && m.panel.spreads(t, i) < max_spread)
            << "seed " << seed << " asset " << i << " period " << t << ": "
            << m.panel.spreads(t, i);
      }
    }
  }
}

TEST(Simulator, LateListingsAreNaNBeforeAndFiniteAfter) {
  const SimulatedMarket m = simulate_or_die({});
  int late = 0;
  for (Eigen::Index i = 0; i < m.panel.cols(); ++i) {
    const int listing = m.listing_period[static_cast<std::size_t>(i)];
    late += listing > 0 ? 1 : 0;
    for (Eigen::Index t = 0; t < m.panel.rows(); ++t) {
      const bool listed = t >= listing;
      ASSERT_EQ(std::isfinite(m.panel.prices(t, i)), listed) << "asset " << i << " t " << t;
      ASSERT_EQ(std::isfinite(m.panel.volumes(t, i)), listed);
      ASSERT_EQ(std::isfinite(m.panel.spreads(t, i)), listed);
    }
  }
  // 26 eligible tokens at 30%: expect about 8; far from zero and from all.
  EXPECT_GE(late, 3);
  EXPECT_LE(late, 15);
  EXPECT_EQ(m.listing_period[0], 0);
  EXPECT_EQ(m.listing_period[static_cast<std::size_t>(m.collapsing_asset)], 0);

  const SimulatedMarket none = simulate_or_die({.late_listing_fraction = 0.0});
  for (int listing : none.listing_period) EXPECT_EQ(listing, 0);
  EXPECT_TRUE(none.panel.prices.allFinite());
}

// --- Stylised facts -----------------------------------------------------------------------------

TEST(Simulator, FatTailsAndVolatilityClustering) {
  const SimulatedMarket m = simulate_or_die({});
  std::vector<double> kurtosis;
  std::vector<double> acf_abs;
  std::vector<double> acf;
  for (Eigen::Index i : risky_assets(m)) {
    const Series s = log_returns(m, i);
    std::vector<double> abs_r(s.r.size());
    std::transform(s.r.begin(), s.r.end(), abs_r.begin(), [](double x) { return std::abs(x); });
    kurtosis.push_back(excess_kurtosis(s.r));
    acf_abs.push_back(lag1_autocorrelation(abs_r));
    acf.push_back(lag1_autocorrelation(s.r));
  }
  // Real data 2018-2024 (cmc top 120, 47 alts): median excess kurtosis 12, median lag-1 acf of
  // |r| 0.23, median acf of r -0.04.
  EXPECT_GT(median(kurtosis), 3.0);
  EXPECT_GT(median(acf_abs), 0.1);
  EXPECT_LT(std::abs(median(acf)), 0.1);
  for (double a : acf) EXPECT_LT(std::abs(a), 0.2);
  // Gaussian innovations, no jumps, no clustering, no regimes: the tails go away.
  const SimulatedMarket gaussian =
      simulate_or_die({.crashes = false,
                       .jumps = false,
                       .student_dof = std::numeric_limits<double>::infinity(),
                       .idiosyncratic_student_dof = std::numeric_limits<double>::infinity(),
                       .volatility_persistence = 0.0,
                       .garch_alpha = 0.0,
                       .idiosyncratic_garch_alpha = 0.0});
  std::vector<double> gaussian_kurtosis;
  for (Eigen::Index i : risky_assets(gaussian)) {
    gaussian_kurtosis.push_back(excess_kurtosis(log_returns(gaussian, i).r));
  }
  EXPECT_LT(std::abs(median(gaussian_kurtosis)), 0.5);
}

TEST(Simulator, MarketFactorMatchesCalibratedVolatilityDailyAndHourly) {
  // Asset 0 is the market factor plus a 1%/day idiosyncratic term.
  const double expected = std::sqrt(cal::kMarketVolPerDay * cal::kMarketVolPerDay + 1e-4);
  for (SimulatedFrequency frequency : {SimulatedFrequency::kDaily, SimulatedFrequency::kHourly}) {
    const bool hourly = frequency == SimulatedFrequency::kHourly;
    std::vector<double> ratios;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const SimulatedMarket m = simulate_or_die({.assets = 3,
                                                 .periods = hourly ? 24 * 1000 : 3000,
                                                 .seed = seed,
                                                 .frequency = frequency,
                                                 .collapse = false});
      const Series s = log_returns(m, 0);
      std::vector<double> calm;
      for (std::size_t t = 0; t < s.r.size(); ++t) {
        if (!s.crash[t]) calm.push_back(s.r[t]);
      }
      const double mu = mean(calm);
      double var = 0.0;
      for (double x : calm) var += (x - mu) * (x - mu);
      var /= static_cast<double>(calm.size() - 1);
      ratios.push_back(std::sqrt(var * (hourly ? 24.0 : 1.0)) / expected);
    }
    // GARCH with Student-t shocks makes one path's sample sd noisy; the median of four is close.
    EXPECT_NEAR(median(ratios), 1.0, 0.25) << (hourly ? "hourly" : "daily");
  }
}

TEST(Simulator, CorrelationsRiseInCrashes) {
  for (std::uint64_t seed : {42ULL, 1ULL, 2ULL, 3ULL}) {
    const SimulatedMarket m = simulate_or_die({.seed = seed});
    int crash_periods = 0;
    for (bool c : m.crash) crash_periods += c ? 1 : 0;
    ASSERT_GT(crash_periods, 50) << "seed " << seed;
    const double calm = average_correlation(m, false);
    const double crash = average_correlation(m, true);
    // Real data: 0.40 calm, 0.67 crash (cmc top 120, 2018-2024).
    EXPECT_GT(crash, calm + 0.1) << "seed " << seed;
    EXPECT_GT(calm, 0.2);
    EXPECT_LT(calm, 0.7);
  }
}

TEST(Simulator, NoCrashesWhenSwitchedOff) {
  const SimulatedMarket m = simulate_or_die({.crashes = false});
  for (bool c : m.crash) ASSERT_FALSE(c);
  EXPECT_GE(m.collapsing_asset, 0);  // the collapse still happens, without a crash regime
}

TEST(Simulator, SpreadsWidenAndVolumesRiseInCrashes) {
  const SimulatedMarket m = simulate_or_die({});
  std::vector<double> spread_gap;
  std::vector<double> volume_gap;
  for (Eigen::Index i : risky_assets(m)) {
    double s[2] = {0, 0}, v[2] = {0, 0};
    int n[2] = {0, 0};
    for (Eigen::Index t = m.listing_period[static_cast<std::size_t>(i)]; t < m.panel.rows(); ++t) {
      const int k = m.crash[static_cast<std::size_t>(t)] ? 1 : 0;
      s[k] += std::log(m.panel.spreads(t, i));
      v[k] += std::log(m.panel.volumes(t, i));
      ++n[k];
    }
    if (n[0] < 30 || n[1] < 30) continue;
    spread_gap.push_back(s[1] / n[1] - s[0] / n[0]);
    volume_gap.push_back(v[1] / n[1] - v[0] / n[0]);
  }
  ASSERT_GE(spread_gap.size(), 15u);
  EXPECT_GT(median(spread_gap), 0.1);  // spreads at least ~10% wider
  EXPECT_GT(median(volume_gap), 0.1);  // volumes at least ~10% higher
  const auto wider =
      std::count_if(spread_gap.begin(), spread_gap.end(), [](double g) { return g > 0.0; });
  EXPECT_GE(static_cast<double>(wider), 0.8 * static_cast<double>(spread_gap.size()));
}

TEST(Simulator, SpreadLevelsAreAnchoredAtBitcoin) {
  const SimulatedMarket m = simulate_or_die({});
  std::vector<double> leader;
  std::vector<double> smallest;
  const Eigen::Index last = m.panel.cols() - 1;
  for (Eigen::Index t = 0; t < m.panel.rows(); ++t) {
    if (m.crash[static_cast<std::size_t>(t)]) continue;
    leader.push_back(m.panel.spreads(t, 0));
    if (std::isfinite(m.panel.spreads(t, last))) smallest.push_back(m.panel.spreads(t, last));
  }
  // Coinbase BTC-USD median 2.4e-5; the leader's cap and volume drift over the run, so allow a
  // factor of three. The smallest token is wider.
  EXPECT_GT(median(leader), cal::kBtcSpread / 3.0);
  EXPECT_LT(median(leader), cal::kBtcSpread * 3.0);
  EXPECT_GT(median(smallest), 2.0 * median(leader));
}

TEST(Simulator, OneTokenCollapsesAndKeepsTrading) {
  for (SimulatedFrequency frequency : {SimulatedFrequency::kDaily, SimulatedFrequency::kHourly}) {
    const bool hourly = frequency == SimulatedFrequency::kHourly;
    const SimulatedMarket m = simulate_or_die(
        {.assets = 10, .periods = hourly ? 24 * 200 : 1825, .frequency = frequency});
    ASSERT_GE(m.collapsing_asset, 1);
    const Eigen::Index c = m.collapsing_asset;
    EXPECT_FALSE(m.metadata.assets[static_cast<std::size_t>(c)].is_stablecoin);
    ASSERT_GT(m.collapse_period, 0);
    EXPECT_TRUE(m.crash[static_cast<std::size_t>(m.collapse_period)]);
    double peak = 0.0;
    for (Eigen::Index t = 0; t < m.collapse_period; ++t)
      peak = std::max(peak, m.panel.prices(t, c));
    // Within a week (calendar time) of the start the price is down more than 99%.
    const Eigen::Index week_later = m.collapse_period + (hourly ? 7 * 24 : 7);
    double after = std::numeric_limits<double>::infinity();
    for (Eigen::Index t = m.collapse_period; t <= week_later; ++t) {
      after = std::min(after, m.panel.prices(t, c));
    }
    EXPECT_LT(after / peak, 0.01);
    // It keeps trading at a tiny positive price.
    for (Eigen::Index t = m.collapse_period; t < m.panel.rows(); ++t) {
      ASSERT_TRUE(std::isfinite(m.panel.prices(t, c)) && m.panel.prices(t, c) > 0.0);
    }
    EXPECT_LT(m.panel.prices(m.panel.rows() - 1, c) / peak, 0.01);
    // Its spreads widen (its volatility stays high), but it keeps the floor liquidity of a
    // top-100 token (≈ $7M a day expected): a fund can still sell it. Median daily-equivalent
    // volume over the periods after the fall, against the floor's order of magnitude.
    const double before = m.panel.spreads(m.collapse_period - 1, c);
    EXPECT_GT(m.panel.spreads(m.panel.rows() - 1, c), 1.5 * before);
    std::vector<double> after_volume;
    for (Eigen::Index t = week_later; t < m.panel.rows(); ++t) {
      after_volume.push_back(m.panel.volumes(t, c) * (hourly ? 24.0 : 1.0));
    }
    ASSERT_FALSE(after_volume.empty());
    std::nth_element(after_volume.begin(), after_volume.begin() + after_volume.size() / 2,
                     after_volume.end());
    EXPECT_GT(after_volume[after_volume.size() / 2], 1e6);
  }
  EXPECT_EQ(simulate_or_die({.collapse = false}).collapsing_asset, -1);
  EXPECT_EQ(simulate_or_die({.periods = 30}).collapsing_asset, -1);  // too short for events
}

TEST(Simulator, StablecoinsHoldThePegExceptOneDepeg) {
  for (SimulatedFrequency frequency : {SimulatedFrequency::kDaily, SimulatedFrequency::kHourly}) {
    const bool hourly = frequency == SimulatedFrequency::kHourly;
    const SimulatedMarket m =
        simulate_or_die({.periods = hourly ? 24 * 365 : 1825, .frequency = frequency});
    ASSERT_GE(m.depegging_asset, 0);
    EXPECT_TRUE(m.metadata.assets[static_cast<std::size_t>(m.depegging_asset)].is_stablecoin);
    ASSERT_LT(m.depeg_start, m.depeg_end);
    // About two weeks of calendar time at most.
    EXPECT_LE(m.depeg_end - m.depeg_start, hourly ? 14 * 24 : 14);
    for (Eigen::Index i = 0; i < m.panel.cols(); ++i) {
      if (!m.metadata.assets[static_cast<std::size_t>(i)].is_stablecoin) continue;
      double low = 1.0;
      for (Eigen::Index t = 0; t < m.panel.rows(); ++t) {
        const double p = m.panel.prices(t, i);
        const bool in_depeg = i == m.depegging_asset && t >= m.depeg_start && t < m.depeg_end;
        if (in_depeg) {
          low = std::min(low, p);
        } else {
          ASSERT_LT(std::abs(p - 1.0), 0.01) << "asset " << i << " period " << t;
        }
      }
      if (i == m.depegging_asset) {
        EXPECT_LT(low, 0.95);
        EXPECT_GT(low, 0.85);
      }
    }
  }
  const SimulatedMarket no_depeg = simulate_or_die({.depeg = false});
  EXPECT_EQ(no_depeg.depegging_asset, -1);
  for (Eigen::Index i = 0; i < no_depeg.panel.cols(); ++i) {
    if (!no_depeg.metadata.assets[static_cast<std::size_t>(i)].is_stablecoin) continue;
    EXPECT_LT((no_depeg.panel.prices.col(i).array() - 1.0).abs().maxCoeff(), 0.01);
  }
}

TEST(Simulator, HourlyFrequency) {
  const SimulatedMarket m =
      simulate_or_die({.assets = 8, .periods = 24 * 30, .frequency = SimulatedFrequency::kHourly});
  EXPECT_EQ(m.periods_per_year, 8760.0);
  EXPECT_EQ(simulated_periods_per_year(SimulatedFrequency::kHourly), 8760.0);
  for (std::size_t t = 1; t < m.panel.timestamps.size(); ++t) {
    ASSERT_EQ(m.panel.timestamps[t] - m.panel.timestamps[t - 1], 3600);
  }
  // Hourly volumes are about a 24th of daily ones for the same token.
  const SimulatedMarket daily = simulate_or_die({.assets = 8, .periods = 365});
  const SimulatedMarket hourly =
      simulate_or_die({.assets = 8, .periods = 24 * 365, .frequency = SimulatedFrequency::kHourly});
  const double ratio = hourly.panel.volumes.col(0).mean() / daily.panel.volumes.col(0).mean();
  EXPECT_GT(ratio, 1.0 / 24.0 / 3.0);
  EXPECT_LT(ratio, 1.0 / 24.0 * 3.0);
}

}  // namespace
}  // namespace keel
