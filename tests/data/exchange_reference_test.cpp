// Exchange exports from ../shared/data (README there): LEAN's headerless trade bars (the 6-field
// OHLCV layout) and CryptoDataDownload's per-pair Binance hourly exports merged into one panel.
// Expected counts and values were read from the files with pandas (read_csv, header=None for the
// LEAN bars), not with Keel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "data/shared_data.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace {

using testing::shared;

Timestamp hour(int y, int m, int d, int h) {
  return days_from_civil({y, m, d}) * kSecondsPerDay + h * 3600;
}

TEST(ExchangeSharedData, LeanBinanceHourlyTradeBars) {
  SKIP_IF_ABSENT("liquidity_lean/crypto/binance/hour/btcusdt_trade.csv");
  const auto p = read_prices(shared("liquidity_lean/crypto/binance/hour/btcusdt_trade.csv"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  // pandas: 120 rows, '20180501 00:00' .. '20180505 23:00'; first close 8955.01, volume
  // 5263.799551 (base units); last close 9864.0.
  EXPECT_EQ(p->assets, std::vector<std::string>{"BTC"});
  EXPECT_EQ(p->quote_currencies.at("BTC"), "USDT");
  ASSERT_EQ(p->rows(), 120);
  EXPECT_EQ(p->timestamps.front(), hour(2018, 5, 1, 0));
  EXPECT_EQ(p->timestamps.back(), hour(2018, 5, 5, 23));
  EXPECT_EQ(p->prices(0, 0), 8955.01);
  EXPECT_EQ(p->prices(119, 0), 9864.0);
  EXPECT_DOUBLE_EQ(p->volumes(0, 0), 5263.799551 * 8955.01);
}

TEST(ExchangeSharedData, LeanCoinbaseDailyAndBinanceFuturesDaily) {
  SKIP_IF_ABSENT("liquidity_lean/crypto/coinbase/daily/btcusd_trade.csv");
  const auto p = read_prices(shared("liquidity_lean/crypto/coinbase/daily/btcusd_trade.csv"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  // pandas: 1318 rows 20141201 .. 20180813 (README §4.1), first close 370, last 6253.67.
  EXPECT_EQ(p->assets, std::vector<std::string>{"BTC"});
  EXPECT_EQ(p->quote_currencies.at("BTC"), "USD");
  ASSERT_EQ(p->rows(), 1318);
  EXPECT_EQ(p->timestamps.front(), hour(2014, 12, 1, 0));
  EXPECT_EQ(p->timestamps.back(), hour(2018, 8, 13, 0));
  EXPECT_EQ(p->prices(1317, 0), 6253.67);

  SKIP_IF_ABSENT("liquidity_lean/cryptofuture/binance/daily/adausdt_trade.csv");
  const auto f = read_prices(shared("liquidity_lean/cryptofuture/binance/daily/adausdt_trade.csv"));
  ASSERT_TRUE(f.is_ok()) << f.status().message();
  // pandas: 9 rows 20221207 .. 20221215, first close 0.31.
  EXPECT_EQ(f->assets, std::vector<std::string>{"ADA"});
  EXPECT_EQ(f->rows(), 9);
  EXPECT_EQ(f->prices(0, 0), 0.31);
}

TEST(ExchangeSharedData, MergeOfTwoBinancePairExports) {
  SKIP_IF_ABSENT("crypto_binance_hourly_cdd/Binance_BNBUSDT_1h.csv.gz");
  SKIP_IF_ABSENT("crypto_binance_hourly_cdd/Binance_ADAUSDT_1h.csv.gz");
  const auto p = read_price_files({shared("crypto_binance_hourly_cdd/Binance_BNBUSDT_1h.csv.gz"),
                                   shared("crypto_binance_hourly_cdd/Binance_ADAUSDT_1h.csv.gz")});
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  // pandas: symbols 'BNB/USDT' and 'ADA/USDT', 7478 rows each, 7478 distinct dates in the union
  // (the same hours are missing from both). On 2021-01-01 00:00 BNB closed at 37.3764 and ADA at
  // 0.18051.
  EXPECT_EQ(p->assets, (std::vector<std::string>{"BNB", "ADA"}));
  EXPECT_EQ(p->raw_symbols.at("ADA"), "ADA/USDT");
  ASSERT_EQ(p->rows(), 7478);
  EXPECT_EQ(p->prices.array().isNaN().count(), 0);
  const auto r = std::lower_bound(p->timestamps.begin(), p->timestamps.end(), hour(2021, 1, 1, 0)) -
                 p->timestamps.begin();
  EXPECT_EQ(p->prices(r, 0), 37.3764);
  EXPECT_EQ(p->prices(r, 1), 0.18051);
  ASSERT_TRUE(p->has_volumes());
}

TEST(ExchangeSharedData, DailyAndHourlyExportsAreNotMerged) {
  SKIP_IF_ABSENT("liquidity_lean/crypto/coinbase/daily/btcusd_trade.csv");
  SKIP_IF_ABSENT("crypto_binance_hourly_cdd/Binance_ADAUSDT_1h.csv.gz");
  const auto p = read_price_files({shared("liquidity_lean/crypto/coinbase/daily/btcusd_trade.csv"),
                                   shared("crypto_binance_hourly_cdd/Binance_ADAUSDT_1h.csv.gz")});
  ASSERT_FALSE(p.is_ok());
  EXPECT_NE(p.status().message().find("one row every 1 hour(s) but"), std::string::npos)
      << p.status().message();
}

}  // namespace
}  // namespace keel
