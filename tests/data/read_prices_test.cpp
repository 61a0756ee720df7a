#include "keel/data/read_prices.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "data/test_files.hpp"

namespace keel {
namespace {

using testing::TempDir;

Timestamp day(int y, int m, int d) { return days_from_civil({y, m, d}) * kSecondsPerDay; }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// parse_timestamp: every documented format against hand-computed Unix times.

TEST(ParseTimestamp, DatesInEveryLayout) {
  // 2024-01-02T00:00:00Z = 19724 days = 1704153600 s (date -u -d 2024-01-02 +%s).
  const Timestamp expected = 1704153600;
  for (const char* text : {"2024-01-02", "2024/01/02", "20240102", " 2024-01-02 ", "\"2024-01-02\"",
                           "2024-1-2", "2024-01-02Z"}) {
    const auto t = parse_timestamp(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(*t, expected) << text;
  }
}

TEST(ParseTimestamp, DateTimesAndZones) {
  const Timestamp base = 1704153600 + 13 * 3600;  // 2024-01-02 13:00 UTC
  for (const char* text :
       {"2024-01-02 13:00:00", "2024-01-02T13:00:00Z", "2024-01-02T13:00:00+00:00",
        "2024-01-02 13:00", "20240102 13:00", "2024-01-02T13:00:00.250Z", "2024-01-02 01-PM",
        "2024-01-02T15:00:00+02:00", "2024-01-02T08:00:00-05:00", "2024-01-02T13:00:00+0000",
        "2024-01-02 13:00:00 UTC"}) {
    const auto t = parse_timestamp(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(*t, base) << text;
  }
}

TEST(ParseTimestamp, TwelveHourClockEdges) {
  // CryptoDataDownload: 12-AM is midnight, 12-PM is noon, 08-PM is 20:00.
  EXPECT_EQ(*parse_timestamp("2017-09-22 12-AM"), day(2017, 9, 22));
  EXPECT_EQ(*parse_timestamp("2017-09-22 12-PM"), day(2017, 9, 22) + 12 * 3600);
  EXPECT_EQ(*parse_timestamp("2017-09-22 08-PM"), day(2017, 9, 22) + 20 * 3600);
  EXPECT_EQ(*parse_timestamp("2017-09-22 08-AM"), day(2017, 9, 22) + 8 * 3600);
  EXPECT_FALSE(parse_timestamp("2017-09-22 13-PM").has_value());
  EXPECT_FALSE(parse_timestamp("2017-09-22 00-AM").has_value());
}

TEST(ParseTimestamp, UnixSecondsAndMilliseconds) {
  // From the Binance hourly export: 1502942400.0 = 2017-08-17 04:00:00 UTC.
  EXPECT_EQ(*parse_timestamp("1502942400.0"), day(2017, 8, 17) + 4 * 3600);
  EXPECT_EQ(*parse_timestamp("1502942400"), 1502942400);
  EXPECT_EQ(*parse_timestamp("1623283200000"), 1623283200);        // ms: 2021-06-10 00:00
  EXPECT_EQ(*parse_timestamp("1623283200000000"), 1623283200);     // µs
  EXPECT_EQ(*parse_timestamp("1623283200500"), 1623283201);        // rounded to the nearest second
  EXPECT_EQ(*parse_timestamp("1623283200000000000"), 1623283200);  // ns
}

TEST(ParseTimestamp, RejectsUnixTimesPastYear9999) {
  // Found by fuzz/fuzz_timestamp (fuzz/corpus/fuzz_timestamp/regression-epoch-past-9999): 25
  // digits read as nanoseconds were 1.6e15 s, year 51441766, which format_timestamp cannot write
  // back as a parseable date; 1e300 overflowed the conversion to an integer.
  EXPECT_FALSE(parse_timestamp("1623283200000000000000000").has_value());
  EXPECT_FALSE(parse_timestamp("1e300").has_value());
  // In nanoseconds: 9999-12-31T23:59:59Z (2932897 days from 1970-01-01 to 10000-01-01, by
  // Python's datetime.date; × 86400 − 1 s) is kept, 10000-01-01T00:01:40Z is not.
  EXPECT_EQ(*parse_timestamp("253402300799000000000"), 2932897LL * 86400 - 1);
  EXPECT_FALSE(parse_timestamp("253402300900000000000").has_value());
}

TEST(ParseTimestamp, RejectsNonDates) {
  for (const char* text : {"", "abc", "2024-13-01", "2024-02-30", "2024-01-02T25:00:00Z",
                           "2024-01-02 13:61", "12", "42.5", "2024-01", "02/01/2024",
                           "2024-01-02T13:00:00+99:00", "2024-01-02x", "2023-02-29"}) {
    EXPECT_FALSE(parse_timestamp(text).has_value()) << text;
  }
  EXPECT_TRUE(parse_timestamp("2024-02-29").has_value());  // leap day
}

TEST(ParseDuplicatePolicy, Names) {
  EXPECT_EQ(*parse_duplicate_policy("error"), DuplicateTimestampPolicy::kError);
  EXPECT_EQ(*parse_duplicate_policy("keep-first"), DuplicateTimestampPolicy::kKeepFirst);
  EXPECT_EQ(*parse_duplicate_policy("keep-last"), DuplicateTimestampPolicy::kKeepLast);
  const auto bad = parse_duplicate_policy("first");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_TRUE(contains(bad.status().message(), "keep-first"));
}

// ---------------------------------------------------------------------------------------------
// Wide files.

TEST(ReadWide, BasicWithMissingTokens) {
  TempDir dir;
  const auto path = dir.write("w.csv",
                              "date,BTC,ETH,SOL\n"
                              "2024-01-01,42000.5,2300,\n"
                              "2024-01-02,NaN,2310.25,NA\n"
                              "2024-01-03,43000,null,101\n"
                              "2024-01-04,-,NULL,102\n");
  const auto p = read_prices(path);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->assets, (std::vector<std::string>{"BTC", "ETH", "SOL"}));
  ASSERT_EQ(p->rows(), 4);
  EXPECT_EQ(p->timestamps[0], day(2024, 1, 1));
  EXPECT_EQ(p->timestamps[3], day(2024, 1, 4));
  EXPECT_EQ(p->prices(0, 0), 42000.5);
  EXPECT_TRUE(std::isnan(p->prices(0, 2)));
  EXPECT_TRUE(std::isnan(p->prices(1, 0)));
  EXPECT_TRUE(std::isnan(p->prices(1, 2)));
  EXPECT_TRUE(std::isnan(p->prices(2, 1)));
  EXPECT_TRUE(std::isnan(p->prices(3, 0)));
  EXPECT_TRUE(std::isnan(p->prices(3, 1)));
  EXPECT_EQ(p->prices(3, 2), 102.0);
  EXPECT_EQ(p->source, path);
  EXPECT_TRUE(p->notes.empty());
  EXPECT_FALSE(p->has_volumes());
}

TEST(ReadWide, CrlfNoFinalNewlineDescendingBomQuotes) {
  TempDir dir;
  const auto path = dir.write("w.csv",
                              "\xEF\xBB\xBF\"date\",\"A,1\",B\r\n"
                              "2024-01-03,3,30\r\n"
                              "2024-01-02,\"2\",20\r\n"
                              "\r\n"
                              "2024-01-01,1,10");
  const auto p = read_prices(path);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->assets, (std::vector<std::string>{"A,1", "B"}));
  ASSERT_EQ(p->rows(), 3);
  EXPECT_EQ(p->timestamps,
            (std::vector<Timestamp>{day(2024, 1, 1), day(2024, 1, 2), day(2024, 1, 3)}));
  EXPECT_EQ(p->prices(0, 0), 1.0);
  EXPECT_EQ(p->prices(1, 0), 2.0);
  EXPECT_EQ(p->prices(2, 1), 30.0);
  EXPECT_TRUE(p->notes.empty()) << "descending input is accepted without a note";
}

TEST(ReadWide, OldMacLineEndings) {
  TempDir dir;
  const auto p = read_prices(dir.write("w.csv", "date,A\r2024-01-01,1\r2024-01-02,2\r"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->rows(), 2);
}

TEST(ReadWide, InterleavedRowsAreRefusedOrSortedWithANote) {
  TempDir dir;
  const std::string path = dir.write("w.csv",
                                     "date,A\n"
                                     "2024-01-05,5\n2024-01-04,4\n2024-01-02,2\n"
                                     "2024-01-03,3\n2024-01-01,1\n");
  // Newest first with one inversion: an error naming line 5 (2024-01-03 after 2024-01-02).
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  EXPECT_TRUE(contains(strict.status().message(), "w.csv:5: timestamp 2024-01-03"))
      << strict.status().message();
  EXPECT_TRUE(contains(strict.status().message(), "--sort")) << strict.status().message();
  const auto p = read_prices(path, ReadOptions{.sort = true});
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  for (Eigen::Index i = 0; i < 5; ++i) EXPECT_EQ(p->prices(i, 0), static_cast<double>(i + 1));
  ASSERT_EQ(p->notes.size(), 1u);
  EXPECT_TRUE(contains(p->notes[0], "1 rows were out of time order")) << p->notes[0];
}

TEST(ReadWide, LeadingNoteLinesAndComments) {
  TempDir dir;
  const auto a = read_prices(dir.write("a.csv",
                                       "Timestamps are UTC timezone,https://www.example.com\n"
                                       "date,BTC,ETH,LTC\n2024-01-01,1,2,3\n"));
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  EXPECT_EQ(a->assets, (std::vector<std::string>{"BTC", "ETH", "LTC"}));
  const auto b = read_prices(dir.write("b.csv",
                                       "# exported by a script\n"
                                       "Created on 10-17-2019\n"
                                       "date,BTC,ETH\n2024-01-01,1,2\n2024-01-02,1.5,2.5\n"));
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  EXPECT_EQ(b->rows(), 2);
  EXPECT_EQ(b->assets.size(), 2u);
}

TEST(ReadWide, ColonCloseColumnsAndUnnamedDateColumn) {
  TempDir dir;
  const auto p = read_prices(
      dir.write("w.csv",
                ",BTC:open,BTC:high,BTC:low,BTC:close,BTC:volume,ETH:open,ETH:close,ETH:volume\n"
                "2014-11-28,363.59,381.34,360.57,376.28,8617.15,,,\n"
                "2014-11-29,376.42,386.6,372.25,376.72,7245.19,10,11,5\n"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->assets, (std::vector<std::string>{"BTC", "ETH"}));
  EXPECT_EQ(p->prices(0, 0), 376.28);
  EXPECT_EQ(p->prices(1, 0), 376.72);
  EXPECT_TRUE(std::isnan(p->prices(0, 1)));
  EXPECT_EQ(p->prices(1, 1), 11.0);
}

TEST(ReadWide, HourlyTimestampsAndUnixMilliseconds) {
  TempDir dir;
  const auto a = read_prices(dir.write("a.csv",
                                       "datetime_utc,A\n2021-01-07T09:00:00Z,1\n"
                                       "2021-01-07T10:00:00Z,2\n"));
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  EXPECT_EQ(a->timestamps[1] - a->timestamps[0], 3600);
  const auto b = read_prices(dir.write("b.csv", "time,A\n1623283200000,1\n1623286800000,2\n"));
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  EXPECT_EQ(b->timestamps[0], 1623283200);
}

TEST(ReadWide, GzipIsDetectedByContent) {
  TempDir dir;
  const std::string content = "date,A,B\n2024-01-01,1,2\n2024-01-02,3,4\n";
  const auto p = read_prices(dir.write_gz("w.csv.gz", content));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->prices(1, 1), 4.0);
  // A gzip stream without the .gz name is still read.
  const auto q = read_prices(dir.write_gz("named_plain.csv", content));
  ASSERT_TRUE(q.is_ok()) << q.status().message();
  EXPECT_EQ(q->prices(1, 0), 3.0);
}

TEST(ReadWide, DuplicatePolicies) {
  TempDir dir;
  const auto path = dir.write("w.csv",
                              "date,A\n2024-01-01,1\n2024-01-02,2\n2024-01-02,20\n"
                              "2024-01-03,3\n2024-01-02,200\n");
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  const std::string& m = strict.status().message();
  EXPECT_TRUE(contains(m, "duplicate timestamp 2024-01-02")) << m;
  EXPECT_TRUE(contains(m, "w.csv:4:")) << m;
  EXPECT_TRUE(contains(m, "also on line 3")) << m;
  EXPECT_TRUE(contains(m, "--duplicates keep-first|keep-last")) << m;

  // The last row is also out of time order: without sort that is the error once duplicates are
  // allowed.
  const auto unsorted =
      read_prices(path, ReadOptions{.duplicates = DuplicateTimestampPolicy::kKeepFirst});
  ASSERT_FALSE(unsorted.is_ok());
  EXPECT_TRUE(contains(unsorted.status().message(), "w.csv:6:")) << unsorted.status().message();
  const auto first = read_prices(
      path, ReadOptions{.duplicates = DuplicateTimestampPolicy::kKeepFirst, .sort = true});
  ASSERT_TRUE(first.is_ok());
  ASSERT_EQ(first->rows(), 3);
  EXPECT_EQ(first->prices(1, 0), 2.0);
  ASSERT_EQ(first->notes.size(), 2u);  // out of order (the last row) and 2 duplicates dropped
  EXPECT_TRUE(contains(first->notes[1], "dropped 2 rows")) << first->notes[1];

  const auto last = read_prices(
      path, ReadOptions{.duplicates = DuplicateTimestampPolicy::kKeepLast, .sort = true});
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(last->prices(1, 0), 200.0);
}

TEST(ReadWide, ZeroAsMissingOption) {
  TempDir dir;
  const auto path = dir.write("w.csv", "date,A,B\n2024-01-01,0,2\n2024-01-02,3,4\n");
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  EXPECT_TRUE(contains(strict.status().message(), "zero price"));
  const auto lenient = read_prices(path, ReadOptions{.zero_as_missing = true});
  ASSERT_TRUE(lenient.is_ok());
  EXPECT_TRUE(std::isnan(lenient->prices(0, 0)));
  const auto negative = read_prices(dir.write("n.csv", "date,A\n2024-01-01,-1\n"),
                                    ReadOptions{.zero_as_missing = true});
  ASSERT_FALSE(negative.is_ok());
  EXPECT_TRUE(contains(negative.status().message(), "negative price"));
}

TEST(ReadWide, ScientificNotationAndPlusSign) {
  TempDir dir;
  const auto p = read_prices(dir.write("w.csv", "date,A,B\n2024-01-01,1e-04,+2.5E3\n"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->prices(0, 0), 1e-4);
  EXPECT_EQ(p->prices(0, 1), 2500.0);
}

TEST(ReadWide, ExplicitDateColumnAndWrongOptions) {
  TempDir dir;
  const auto path = dir.write("w.csv", "A,when,B\n1,2024-01-01,2\n");
  const auto p = read_prices(path, ReadOptions{.date_column = "WHEN"});
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->assets, (std::vector<std::string>{"A", "B"}));
  const auto missing = read_prices(path, ReadOptions{.date_column = "day"});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_TRUE(contains(missing.status().message(), "no column named 'day'"));
  const auto price = read_prices(path, ReadOptions{.price_column = "close"});
  ASSERT_FALSE(price.is_ok());
  EXPECT_TRUE(contains(price.status().message(), "price_column"));
}

TEST(ReadWide, MissingFileNamesThePath) {
  const auto p = read_prices("/nonexistent/keel/prices.csv");
  ASSERT_FALSE(p.is_ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(contains(p.status().message(), "/nonexistent/keel/prices.csv"));
}

// ---------------------------------------------------------------------------------------------
// Long files.

TEST(ReadLong, SymbolsInFirstSeenOrderWithVolumesAndSpreads) {
  TempDir dir;
  const auto p = read_prices(dir.write("l.csv",
                                       "date,symbol,open,close,volume,spread\n"
                                       "2024-01-02,ETH,0,2310,100,0.001\n"
                                       "2024-01-01,ETH,0,2300,90,0.002\n"
                                       "2024-01-01,BTC,0,42000,,\n"
                                       "2024-01-03,BTC,0,43000,0,0.0005\n"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->assets, (std::vector<std::string>{"ETH", "BTC"}));
  ASSERT_EQ(p->rows(), 3);
  EXPECT_EQ(p->prices(0, 0), 2300.0);
  EXPECT_EQ(p->prices(1, 0), 2310.0);
  EXPECT_TRUE(std::isnan(p->prices(2, 0)));
  EXPECT_TRUE(std::isnan(p->prices(1, 1)));
  ASSERT_TRUE(p->has_volumes());
  ASSERT_TRUE(p->has_spreads());
  EXPECT_EQ(p->volumes(0, 0), 90.0);
  EXPECT_TRUE(std::isnan(p->volumes(0, 1)));
  EXPECT_EQ(p->volumes(2, 1), 0.0);
  EXPECT_EQ(p->spreads(1, 0), 0.001);
  EXPECT_TRUE(p->notes.empty());
}

TEST(ReadLong, CryptoDataDownloadLayout) {
  // Note line, 12-hour clock, newest first, "Volume USDT" picked as the quote volume, and the
  // date column preferred over a disagreeing unix column.
  TempDir dir;
  const auto p = read_prices(
      dir.write("cdd.csv",
                "Timestamps are UTC timezone,https://www.CryptoDataDownload.com\r\n"
                "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\r\n"
                "1506124800.0,2017-09-22 09-PM,BTC/USDT,1,1,1,3700,2,7400,NULL\r\n"
                "1506121200.0,2017-09-22 08-PM,BTC/USDT,1,1,1,3690,1,3690,NULL\r\n"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->assets, (std::vector<std::string>{"BTC"}));  // "BTC/USDT" normalised
  EXPECT_EQ(p->raw_symbols.at("BTC"), "BTC/USDT");
  EXPECT_EQ(p->timestamps[0], day(2017, 9, 22) + 20 * 3600);  // date text, not unix (+4 h)
  EXPECT_EQ(p->prices(0, 0), 3690.0);
  EXPECT_EQ(p->volumes(1, 0), 7400.0);
}

TEST(ReadLong, UnixColumnWhenNoDateColumn) {
  TempDir dir;
  const auto p = read_prices(dir.write("u.csv", "unix,symbol,close\n1623283200000,ADA/USDT,1.6\n"));
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->timestamps[0], 1623283200);
}

TEST(ReadLong, ExplicitColumnNames) {
  TempDir dir;
  const auto path = dir.write("l.csv", "day,coin,last,mid\n2024-01-01,X,5,6\n");
  const auto p = read_prices(
      path, ReadOptions{.date_column = "day", .symbol_column = "coin", .price_column = "mid"});
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->prices(0, 0), 6.0);
  const auto bad = read_prices(path, ReadOptions{.symbol_column = "coin"});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_TRUE(contains(bad.status().message(), "date")) << bad.status().message();
}

TEST(ReadLong, DuplicatesNameTheEarliestTimestampAndAsset) {
  TempDir dir;
  const auto path = dir.write("l.csv",
                              "date,symbol,close\n"
                              "2024-01-05,A,5\n2024-01-05,A,50\n"
                              "2024-01-02,B,2\n2024-01-02,B,20\n");
  const auto strict = read_prices(path);
  ASSERT_FALSE(strict.is_ok());
  const std::string& m = strict.status().message();
  EXPECT_TRUE(contains(m, "l.csv:5:")) << m;
  EXPECT_TRUE(contains(m, "asset 'B'")) << m;
  EXPECT_TRUE(contains(m, "duplicate timestamp 2024-01-02")) << m;
  EXPECT_TRUE(contains(m, "keep-first|keep-last")) << m;
  const auto first =
      read_prices(path, ReadOptions{.duplicates = DuplicateTimestampPolicy::kKeepFirst});
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(first->prices(1, 0), 5.0);
  EXPECT_EQ(first->prices(0, 1), 2.0);
  const auto last =
      read_prices(path, ReadOptions{.duplicates = DuplicateTimestampPolicy::kKeepLast});
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(last->prices(1, 0), 50.0);
  EXPECT_EQ(last->prices(0, 1), 20.0);
  ASSERT_EQ(last->notes.size(), 1u);
  EXPECT_TRUE(contains(last->notes[0], "dropped 2 rows"));
}

TEST(ReadLong, ErrorsNameLineAssetAndDate) {
  TempDir dir;
  const auto bad =
      read_prices(dir.write("l.csv", "date,symbol,close\n2024-01-01,A,1\n2024-01-02,A,x\n"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_TRUE(
      contains(bad.status().message(), "l.csv:3: asset 'A' on 2024-01-02: 'x' is not a number"))
      << bad.status().message();
  const auto empty_symbol = read_prices(dir.write("e.csv", "date,symbol,close\n2024-01-01, ,1\n"));
  ASSERT_FALSE(empty_symbol.is_ok());
  EXPECT_TRUE(contains(empty_symbol.status().message(), "empty symbol"));
  const auto volume =
      read_prices(dir.write("v.csv", "date,symbol,close,volume\n2024-01-01,A,1,-5\n"));
  ASSERT_FALSE(volume.is_ok());
  EXPECT_TRUE(contains(volume.status().message(), "negative volume"));
  const auto no_price = read_prices(dir.write("n.csv", "date,symbol,open\n2024-01-01,A,1\n"));
  ASSERT_FALSE(no_price.is_ok());
  EXPECT_TRUE(contains(no_price.status().message(), "price")) << no_price.status().message();
  const auto all_missing =
      read_prices(dir.write("m.csv", "date,symbol,close\n2024-01-01,A,1\n2024-01-01,B,\n"));
  ASSERT_FALSE(all_missing.is_ok());
  EXPECT_TRUE(contains(all_missing.status().message(), "asset 'B' has no price"));
}

// ---------------------------------------------------------------------------------------------
// order_rows: the reader's row rules on timestamps already parsed (a DataFrame's index).

TEST(OrderRows, AscendingAndNewestFirstNeedNoSort) {
  const RowOrder up = order_rows({10, 20, 30}, DuplicateTimestampPolicy::kError);
  EXPECT_EQ(up.keep, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(up.out_of_order, 0U);
  EXPECT_EQ(up.duplicates, 0U);
  const RowOrder down = order_rows({30, 20, 10}, DuplicateTimestampPolicy::kError);
  EXPECT_EQ(down.keep, (std::vector<std::size_t>{2, 1, 0}));
  EXPECT_EQ(down.out_of_order, 0U);
}

TEST(OrderRows, NamesTheFirstRowAgainstTheMajorityDirection) {
  // Steps: up, down (row 2 breaks), up, up → 3 ups, 1 down.
  const RowOrder o = order_rows({10, 30, 20, 40, 50}, DuplicateTimestampPolicy::kError);
  EXPECT_EQ(o.out_of_order, 1U);
  EXPECT_TRUE(o.mostly_ascending);
  EXPECT_EQ(o.first_out_of_order, 2U);
  EXPECT_EQ(o.keep, (std::vector<std::size_t>{0, 2, 1, 3, 4}));
  // Mostly newest first: the first step up (row 2) breaks it.
  const RowOrder d = order_rows({50, 40, 45, 20, 10}, DuplicateTimestampPolicy::kError);
  EXPECT_FALSE(d.mostly_ascending);
  EXPECT_EQ(d.first_out_of_order, 2U);
}

TEST(OrderRows, DuplicatesKeepFirstOrLastInTableOrder) {
  // Timestamp 20 on rows 1 and 3 (the earliest repeated one), 30 on rows 2 and 4.
  const std::vector<Timestamp> ts{10, 20, 30, 20, 30};
  const RowOrder first = order_rows(ts, DuplicateTimestampPolicy::kKeepFirst);
  EXPECT_EQ(first.keep, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(first.duplicates, 2U);
  EXPECT_EQ(first.first_duplicate, (std::array<std::size_t, 2>{1, 3}));
  const RowOrder last = order_rows(ts, DuplicateTimestampPolicy::kKeepLast);
  EXPECT_EQ(last.keep, (std::vector<std::size_t>{0, 3, 4}));
}

}  // namespace
}  // namespace keel
