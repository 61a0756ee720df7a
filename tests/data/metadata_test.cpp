#include "keel/data/metadata.hpp"

#include <gtest/gtest.h>

#include "data/test_files.hpp"

namespace keel {
namespace {

using testing::TempDir;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Metadata, AnyColumnOrderAndBooleanSpellings) {
  TempDir dir;
  const auto m = read_metadata(dir.write("m.csv",
                                         "market_cap,is_stablecoin,symbol,sector,lot_size\r\n"
                                         "8.4e11,no,BTC,currency,0.00001\r\n"
                                         "9.6e10,yes,USDT,stablecoin,\r\n"
                                         ",1,USDC,,0.01\r\n"
                                         "1,FALSE,ETH,smart-contract,0.0001"));
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  ASSERT_EQ(m->assets.size(), 4u);
  const AssetInfo* btc = m->find("BTC");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->market_cap, 8.4e11);
  EXPECT_FALSE(btc->is_stablecoin);
  EXPECT_EQ(btc->lot_size, 0.00001);
  EXPECT_EQ(btc->min_notional, 0.0);  // column absent = unknown
  EXPECT_TRUE(m->find("USDT")->is_stablecoin);
  EXPECT_TRUE(m->find("USDC")->is_stablecoin);
  EXPECT_EQ(m->find("USDC")->market_cap, 0.0);
  EXPECT_EQ(m->find("DOGE"), nullptr);
  EXPECT_EQ(m->tag("BTC", "sector"), std::optional<std::string>("currency"));
  EXPECT_EQ(m->tag("USDC", "sector"), std::nullopt);  // empty = unknown
  EXPECT_EQ(m->tag("USDT", "stablecoin"), std::optional<std::string>("true"));
  EXPECT_EQ(m->tag("ETH", "stablecoin"), std::optional<std::string>("false"));
  EXPECT_EQ(m->tag("BTC", "chain"), std::nullopt);
  EXPECT_EQ(m->tag("BTC", "colour"), std::nullopt);
}

TEST(Metadata, WriteReadRoundTrip) {
  TempDir dir;
  AssetMetadata m;
  m.assets.push_back({"BTC", "currency", "bitcoin", "", false, 1e-5, 10.0, 8.4e11});
  m.assets.push_back({"UNI", "defi, dex", "ethereum", "uniswap", false, 0.01, 5.0, 0.1 + 0.2});
  m.assets.push_back({"USDC", "stablecoin", "ethereum", "circle", true, 0.01, 1.0, 0.0});
  ASSERT_TRUE(write_metadata(m, dir.path("m.csv")).is_ok());
  const auto back = read_metadata(dir.path("m.csv"));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  ASSERT_EQ(back->assets.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const AssetInfo& a = m.assets[i];
    const AssetInfo& b = back->assets[i];
    EXPECT_EQ(a.symbol, b.symbol);
    EXPECT_EQ(a.sector, b.sector);
    EXPECT_EQ(a.chain, b.chain);
    EXPECT_EQ(a.protocol, b.protocol);
    EXPECT_EQ(a.is_stablecoin, b.is_stablecoin);
    EXPECT_EQ(a.lot_size, b.lot_size);
    EXPECT_EQ(a.min_notional, b.min_notional);
    EXPECT_EQ(a.market_cap, b.market_cap);  // bit-exact, 0.30000000000000004 included
  }
}

TEST(Metadata, ErrorsNameTheLine) {
  TempDir dir;
  struct Case {
    const char* content;
    const char* expected;
  };
  for (const Case& c : std::vector<Case>{
           {"symbol,is_stablecoin\nBTC,maybe\n", "m.csv:2: column 'is_stablecoin': 'maybe'"},
           {"symbol,lot_size\nBTC,-1\n", "m.csv:2: column 'lot_size': '-1'"},
           {"symbol,market_cap\nBTC,lots\n", "m.csv:2: column 'market_cap'"},
           {"symbol,sector\nBTC,x\nBTC,y\n", "m.csv:3: symbol 'BTC' already described on line 2"},
           {"symbol,sector\n,x\n", "m.csv:2: empty symbol"},
           {"symbol,sector\nBTC\n", "m.csv:2: row has 1 fields"},
           {"sector,chain\nx,y\n", "m.csv:1: the metadata header has no 'symbol' column"},
           {"symbol,stablecoin\nBTC,true\n", "m.csv:1: a column named 'stablecoin'"},
           {"symbol,custody,Custody\nBTC,a,b\n", "m.csv:1: column 'Custody' appears twice"},
           {"symbol,,sector\nBTC,a,b\n", "m.csv:1: column 2 of the header has no name"},
           {"", "the metadata file is empty"},
       }) {
    const auto m = read_metadata(dir.write("m.csv", c.content));
    ASSERT_FALSE(m.is_ok()) << c.content;
    EXPECT_TRUE(contains(m.status().message(), c.expected)) << m.status().message();
  }
}

TEST(Metadata, ExtraColumnsAreTags) {
  // Any column beyond the standard ones is a tag (before, it was refused as unknown).
  TempDir dir;
  const auto m = read_metadata(dir.write("m.csv",
                                         "symbol,Custody,sector,tier\n"
                                         "BTC,coinbase,currency,1\n"
                                         "ETH,anchorage,smart-contract,\n"
                                         "SOL,coinbase,smart-contract,2\n"));
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(m->tag_columns, (std::vector<std::string>{"custody", "tier"}));
  EXPECT_EQ(m->tag("BTC", "custody"), std::optional<std::string>("coinbase"));
  EXPECT_EQ(m->tag("SOL", "CUSTODY"), std::optional<std::string>("coinbase"));
  EXPECT_EQ(m->tag("ETH", "tier"), std::nullopt);  // empty = unknown
  EXPECT_EQ(m->tag("BTC", "tier"), std::optional<std::string>("1"));
  EXPECT_EQ(m->tag("DOGE", "custody"), std::nullopt);
  EXPECT_EQ(m->tag("BTC", "sector"), std::optional<std::string>("currency"));
  EXPECT_TRUE(m->has_tag_field("custody"));
  EXPECT_TRUE(m->has_tag_field("chain"));  // built-in tags exist even without their column
  EXPECT_FALSE(m->has_tag_field("colour"));
  EXPECT_EQ(m->tag_fields(), (std::vector<std::string>{"sector", "chain", "protocol", "stablecoin",
                                                       "custody", "tier"}));
  // Written back after the standard columns, and read again the same.
  ASSERT_TRUE(write_metadata(*m, dir.path("back.csv")).is_ok());
  const auto back = read_metadata(dir.path("back.csv"));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->tag_columns, m->tag_columns);
  for (const auto& a : m->assets) EXPECT_EQ(back->find(a.symbol)->tags, a.tags) << a.symbol;
}

}  // namespace
}  // namespace keel
