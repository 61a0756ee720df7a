// Exchange exports (read_prices.hpp, "Exchange exports"): kline and OHLCV files of one pair, the
// epoch units, symbol normalisation and the merge of several files. The fixtures are the files of
// tests/data/exchange/ (make_fixtures.py beside them writes them and says where each layout comes
// from); expected timestamps are the dates the script started from, written here as dates and
// converted by days_from_civil, not by the reader's epoch parser.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data/test_files.hpp"
#include "keel/data/inspect.hpp"
#include "keel/data/market.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace {

using testing::TempDir;

const std::string kDir = std::string(KEEL_TEST_DATA_DIR) + "/exchange/";

Timestamp at(int y, int m, int d, int h = 0) {
  return days_from_civil({y, m, d}) * kSecondsPerDay + h * 3600;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ExchangeReaders, BinanceSpotKlinesInMilliseconds) {
  auto p = read_prices(kDir + "BTCUSDT-1d-2024-01.csv");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->assets, std::vector<std::string>{"BTC"});
  EXPECT_EQ(p->quote_currencies.at("BTC"), "USDT");
  EXPECT_EQ(p->raw_symbols.at("BTC"), "BTCUSDT");
  EXPECT_EQ(p->timestamps, (std::vector<Timestamp>{at(2024, 1, 1), at(2024, 1, 2), at(2024, 1, 3),
                                                   at(2024, 1, 4)}));
  // Column 5 (close) and column 8 (quote asset volume) of the file.
  EXPECT_DOUBLE_EQ(p->prices(0, 0), 42000.5);
  EXPECT_DOUBLE_EQ(p->prices(2, 0), 43000.25);
  ASSERT_TRUE(p->has_volumes());
  EXPECT_DOUBLE_EQ(p->volumes(0, 0), 84001.0);
  EXPECT_DOUBLE_EQ(p->volumes(3, 0), 85600.0);
}

TEST(ExchangeReaders, BinanceSpotKlinesInMicroseconds) {
  auto p = read_prices(kDir + "BTCUSDT-1d-2025-01.csv");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->timestamps,
            (std::vector<Timestamp>{at(2025, 1, 1), at(2025, 1, 2), at(2025, 1, 3)}));
  EXPECT_DOUBLE_EQ(p->prices(1, 0), 94500.5);
}

TEST(ExchangeReaders, FuturesKlinesWithHeader) {
  auto p = read_prices(kDir + "ETHUSDT-1h-2025-01.csv");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->assets, std::vector<std::string>{"ETH"});
  EXPECT_EQ(p->timestamps,
            (std::vector<Timestamp>{at(2025, 1, 1, 0), at(2025, 1, 1, 1), at(2025, 1, 1, 2)}));
  EXPECT_DOUBLE_EQ(p->prices(2, 0), 3305.5);
  EXPECT_DOUBLE_EQ(p->volumes(2, 0), 33055.0);  // quote_volume = 10 × 3305.5
}

TEST(ExchangeReaders, HeaderlessOhlcvInSecondsNewestFirst) {
  auto p = read_prices(kDir + "SOL-USD_1d.csv");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->assets, std::vector<std::string>{"SOL"});  // "SOL-USD": two pieces of the name
  EXPECT_EQ(p->quote_currencies.at("SOL"), "USD");
  EXPECT_EQ(p->timestamps,
            (std::vector<Timestamp>{at(2024, 1, 1), at(2024, 1, 2), at(2024, 1, 3)}));
  EXPECT_DOUBLE_EQ(p->prices(1, 0), 104.0);
  // Base volume × close: 20 × 104.
  EXPECT_DOUBLE_EQ(p->volumes(1, 0), 2080.0);
}

TEST(ExchangeReaders, OhlcvWithMixedCaseHeader) {
  auto p = read_prices(kDir + "ADA-EUR.csv");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->assets, std::vector<std::string>{"ADA"});
  EXPECT_EQ(p->quote_currencies.at("ADA"), "EUR");
  EXPECT_DOUBLE_EQ(p->prices(2, 0), 0.65);
  EXPECT_DOUBLE_EQ(p->volumes(1, 0), 1500.0);  // a volume column in a headed file: as written
  EXPECT_TRUE(std::isnan(p->volumes(2, 0)));   // empty cell
}

TEST(ExchangeReaders, LeanTradeBarsWithoutVolume) {
  auto p = read_prices(kDir + "xrpusdt_trade.csv");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->assets, std::vector<std::string>{"XRP"});
  EXPECT_EQ(p->timestamps,
            (std::vector<Timestamp>{at(2024, 1, 1), at(2024, 1, 2), at(2024, 1, 3)}));
  EXPECT_DOUBLE_EQ(p->prices(2, 0), 0.63);
  EXPECT_FALSE(p->has_volumes());
}

TEST(ExchangeReaders, AssetNameAndRawSymbolOptions) {
  auto named = read_prices(kDir + "xrpusdt_trade.csv", ReadOptions{.asset_name = "XRP-EUR"});
  ASSERT_TRUE(named) << named.status().message();
  EXPECT_EQ(named->assets, std::vector<std::string>{"XRP"});
  EXPECT_EQ(named->quote_currencies.at("XRP"), "EUR");
  auto raw = read_prices(kDir + "BTCUSDT-1d-2024-01.csv", ReadOptions{.keep_raw_symbols = true});
  ASSERT_TRUE(raw) << raw.status().message();
  EXPECT_EQ(raw->assets, std::vector<std::string>{"BTCUSDT"});
  EXPECT_EQ(raw->quote_currencies.at("BTCUSDT"), "USDT");
  EXPECT_TRUE(raw->raw_symbols.empty());
}

TEST(ExchangeReaders, WideAndLongSymbolsAreNormalised) {
  auto wide = read_prices(kDir + "wide_pairs.csv");
  ASSERT_TRUE(wide) << wide.status().message();
  EXPECT_EQ(wide->assets, (std::vector<std::string>{"BTC", "ETH"}));
  EXPECT_EQ(wide->quote_currencies.at("BTC"), "USD");
  EXPECT_EQ(wide->quote_currencies.at("ETH"), "USDT");
  EXPECT_EQ(wide->raw_symbols.at("ETH"), "ETH/USDT");
  TempDir dir;
  auto long_file = read_prices(dir.write("long.csv",
                                         "date,symbol,close\n2024-01-01,BTC/USDT,1\n"
                                         "2024-01-01,ETHBTC,0.05\n2024-01-02,BTC/USDT,2\n"
                                         "2024-01-02,ETHBTC,0.06\n"));
  ASSERT_TRUE(long_file) << long_file.status().message();
  EXPECT_EQ(long_file->assets, (std::vector<std::string>{"BTC", "ETH"}));
  EXPECT_EQ(long_file->quote_currencies.at("ETH"), "BTC");
}

TEST(ExchangeReaders, OneBaseInTwoQuotesIsAnErrorUnlessRawKept) {
  TempDir dir;
  const std::string path =
      dir.write("two_quotes.csv", "date,BTCUSDT,BTCEUR\n2024-01-01,1,2\n2024-01-02,3,4\n");
  auto p = read_prices(path);
  ASSERT_FALSE(p);
  const std::string& m = p.status().message();
  EXPECT_TRUE(contains(m, path + ":1:")) << m;
  EXPECT_TRUE(contains(m, "'BTCUSDT' and 'BTCEUR'")) << m;
  EXPECT_TRUE(contains(m, "quoted in USDT and quoted in EUR")) << m;
  EXPECT_TRUE(contains(m, "--keep-raw-symbols")) << m;
  auto raw = read_prices(path, ReadOptions{.keep_raw_symbols = true});
  ASSERT_TRUE(raw) << raw.status().message();
  EXPECT_EQ(raw->assets, (std::vector<std::string>{"BTCUSDT", "BTCEUR"}));
  // A plain base beside its pair collides too.
  auto plain = read_prices(dir.write("plain.csv", "date,BTC,BTC-USD\n2024-01-01,1,2\n"));
  ASSERT_FALSE(plain);
  EXPECT_TRUE(contains(plain.status().message(), "no quote currency and quoted in USD"))
      << plain.status().message();
}

TEST(ExchangeReaders, HeaderlessFileOfAnotherLayoutIsRefused) {
  TempDir dir;
  const std::string path = dir.write("wide_no_header.csv", "2024-01-01,1,2\n2024-01-02,3,4\n");
  auto p = read_prices(path);
  ASSERT_FALSE(p);
  EXPECT_TRUE(contains(p.status().message(), path + ":1: the first line starts with a date"))
      << p.status().message();
  EXPECT_TRUE(contains(p.status().message(), "3 fields")) << p.status().message();
}

TEST(ExchangeReaders, RaggedKlineRowNamesTheFirstRow) {
  TempDir dir;
  const std::string path =
      dir.write("BTCUSDT-1d.csv", "1704067200000,1,2,0.5,1.5,10\n1704153600000,1,2,0.5,1.5\n");
  auto p = read_prices(path);
  ASSERT_FALSE(p);
  EXPECT_TRUE(contains(p.status().message(), path + ":2: row has 5 fields but the first row"))
      << p.status().message();
}

TEST(ExchangeReaders, MillisecondAndMicrosecondMonthsConcatenate) {
  // Binance changed spot klines to microseconds on 2025-01-01: December 2024 (ms) followed by
  // January 2025 (µs) in one file reads as one series.
  TempDir dir;
  const std::string path =
      dir.write("BTCUSDT-1d.csv",
                "1735603200000,1,2,0.5,1.5,10,1735689599999,15,3,5,7.5,0\n"
                "1735689600000000,1,2,0.5,1.6,10,1735775999999999,16,3,5,8,0\n");
  auto p = read_prices(path);
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->timestamps, (std::vector<Timestamp>{at(2024, 12, 31), at(2025, 1, 1)}));
}

// ---------------------------------------------------------------------------------------------
// Several files.

TEST(MergePriceFiles, TwoPairsGiveTheUnionOfTimestamps) {
  auto p = read_price_files({kDir + "BTCUSDT-1d-2024-01.csv", kDir + "ETHUSDT-1d-2024-01.csv"});
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->assets, (std::vector<std::string>{"BTC", "ETH"}));
  // BTC 2024-01-01..04, ETH 01-02..05.
  ASSERT_EQ(p->timestamps.size(), 5u);
  EXPECT_EQ(p->timestamps.front(), at(2024, 1, 1));
  EXPECT_EQ(p->timestamps.back(), at(2024, 1, 5));
  EXPECT_TRUE(std::isnan(p->prices(0, 1)));  // ETH not yet quoted
  EXPECT_TRUE(std::isnan(p->prices(4, 0)));  // BTC no longer
  EXPECT_DOUBLE_EQ(p->prices(1, 0), 42500.0);
  EXPECT_DOUBLE_EQ(p->prices(1, 1), 2300.0);
  EXPECT_DOUBLE_EQ(p->volumes(1, 1), 4600.0);
  EXPECT_EQ(p->quote_currencies.at("ETH"), "USDT");
  EXPECT_TRUE(contains(p->source, "BTCUSDT-1d-2024-01.csv, ")) << p->source;
  // The missing-data policy applies after the merge: drop-rows keeps the 3 common days.
  MarketOptions options;
  options.missing.kind = MissingPolicyKind::kDropRows;
  auto market = load_market(
      std::vector<std::string>{kDir + "BTCUSDT-1d-2024-01.csv", kDir + "ETHUSDT-1d-2024-01.csv"},
      options);
  ASSERT_TRUE(market) << market.status().message();
  EXPECT_EQ(market->panel.rows(), 3);
}

TEST(MergePriceFiles, MonthsOfOnePairAreAnOverlap) {
  // Two months of one pair are two files naming one asset: concatenate them instead.
  auto p = read_price_files({kDir + "BTCUSDT-1d-2024-01.csv", kDir + "BTCUSDT-1d-2025-01.csv"});
  ASSERT_FALSE(p);
  EXPECT_TRUE(contains(p.status().message(), "asset 'BTC' (as 'BTCUSDT') is also in")) << p.status().message();
}

TEST(MergePriceFiles, OverlappingSymbolNamesBothFiles) {
  const std::string a = kDir + "BTCUSDT-1d-2024-01.csv";
  const std::string b = kDir + "wide_pairs.csv";
  auto p = read_price_files({a, b});
  ASSERT_FALSE(p);
  const std::string& m = p.status().message();
  EXPECT_TRUE(contains(m, b + ": asset 'BTC' (as 'BTC-USD') is also in " + a + " (as 'BTCUSDT')"))
      << m;
  EXPECT_TRUE(contains(m, "--keep-raw-symbols")) << m;
  auto raw = read_price_files({a, b}, ReadOptions{.keep_raw_symbols = true});
  ASSERT_TRUE(raw) << raw.status().message();
  EXPECT_EQ(raw->assets, (std::vector<std::string>{"BTCUSDT", "BTC-USD", "ETH/USDT"}));
}

TEST(MergePriceFiles, DifferentFrequenciesAreRefused) {
  auto p = read_price_files({kDir + "ETHUSDT-1d-2024-01.csv", kDir + "BNBUSDT-1h-2024-01.csv"});
  ASSERT_FALSE(p);
  const std::string& m = p.status().message();
  EXPECT_TRUE(contains(m, "BNBUSDT-1h-2024-01.csv: one row every 1 hour(s) but")) << m;
  EXPECT_TRUE(contains(m, "ETHUSDT-1d-2024-01.csv has one every 1 day(s)")) << m;
}

TEST(MergePriceFiles, MisalignedBarsAreRefused) {
  auto p = read_price_files({kDir + "ETHUSDT-1d-2024-01.csv", kDir + "XRPUSDT-1d-2024-01.csv"});
  ASSERT_FALSE(p);
  const std::string& m = p.status().message();
  EXPECT_TRUE(contains(m, "do not line up")) << m;
  EXPECT_TRUE(contains(m, "XRPUSDT-1d-2024-01.csv 2024-01-01T08:00:00Z")) << m;
}

TEST(MergePriceFiles, ErrorsOfOneFileNameIt) {
  TempDir dir;
  const std::string bad = dir.write("bad.csv", "date,ETH\n2024-01-01,x\n");
  auto p = read_price_files({kDir + "BTCUSDT-1d-2024-01.csv", bad});
  ASSERT_FALSE(p);
  EXPECT_TRUE(contains(p.status().message(), bad + ":2:")) << p.status().message();
  EXPECT_FALSE(read_price_files({}));
}

TEST(MergePriceFiles, InspectShowsQuotes) {
  auto p = read_price_files({kDir + "BTCUSDT-1d-2024-01.csv", kDir + "ETHUSDT-1d-2024-01.csv"});
  ASSERT_TRUE(p);
  auto frequency = infer_frequency(p->timestamps);
  ASSERT_TRUE(frequency);
  const Json doc = inspect_panel(*p, *frequency).to_json();
  EXPECT_EQ(doc["per_asset"][0]["quote"], "USDT");
  EXPECT_EQ(doc["per_asset"][0]["symbol"], "BTCUSDT");
  EXPECT_EQ(doc["per_asset"][1]["asset"], "ETH");
}

}  // namespace
}  // namespace keel
