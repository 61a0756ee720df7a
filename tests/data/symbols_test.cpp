// normalize_symbol: the rules of keel/data/symbols.hpp, case by case. Expected splits are the
// exchanges' own: Binance lists BTCUSDT (BTC/USDT), BTCTUSD, BTCFDUSD, ETHBTC (ETH quoted in BTC)
// and ARBUSD (Arweave/BUSD, ../shared/data/README.md §3.2); Coinbase writes BTC-USD; ccxt writes
// BTC/USDT and BTC/USDT:USDT for the linear perpetual.
#include "keel/data/symbols.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keel {
namespace {

void expect_split(const std::string& symbol, const std::string& base, const std::string& quote) {
  const SymbolParts parts = normalize_symbol(symbol);
  EXPECT_EQ(parts.base, base) << symbol;
  EXPECT_EQ(parts.quote, quote) << symbol;
}

TEST(NormalizeSymbol, ConcatenatedPairsTakeTheLongestQuote) {
  expect_split("BTCUSDT", "BTC", "USDT");
  expect_split("BTCUSD", "BTC", "USD");  // not BTCU/SD or BT/CUSD: USD is the only quote ending it
  expect_split("BTCTUSD", "BTC", "TUSD");    // TUSD, not USD
  expect_split("BTCFDUSD", "BTC", "FDUSD");  // FDUSD, not USD or TUSD
  expect_split("ARBUSD", "AR", "BUSD");      // Arweave/BUSD, not ARB/USD
  expect_split("ETHBTC", "ETH", "BTC");
  expect_split("BNBETH", "BNB", "ETH");
  expect_split("USDCUSDT", "USDC", "USDT");
  expect_split("BTCEUR", "BTC", "EUR");
  expect_split("btcusdt", "btc", "USDT");  // case-insensitive; the base keeps its case
}

TEST(NormalizeSymbol, SeparatedPairs) {
  expect_split("BTC/USDT", "BTC", "USDT");
  expect_split("BTC-USD", "BTC", "USD");
  expect_split("eth_usdc", "eth", "USDC");
  expect_split("BTC:EUR", "BTC", "EUR");
  expect_split("BTC/USDT:USDT", "BTC", "USDT");  // ccxt perpetual: the settle currency is dropped
  expect_split("T/USDT", "T", "USDT");           // a separator allows a one-letter base
}

TEST(NormalizeSymbol, NamesThatAreNotPairsAreKept) {
  for (const char* name : {"BTC", "ETH", "USDT", "FDUSD", "TUSD", "USD", "GOOG", "SPY",
                           // tokens that end like a quote currency
                           "WBTC", "WETH", "STETH", "WSTETH", "CBETH", "WBNB",
                           // one-letter base in a concatenated symbol
                           "TUSDT",
                           // right side not a quote currency
                           "BRK-B", "M:VTSAX", "funding_mean", "BTC-PERP", "BTC:close",
                           // empty base or quote
                           "-USD", "BTC-", "/"}) {
    const SymbolParts parts = normalize_symbol(name);
    EXPECT_EQ(parts.base, name);
    EXPECT_EQ(parts.quote, "") << name;
  }
  EXPECT_EQ(normalize_symbol("").base, "");
}

TEST(NormalizeSymbol, TablesAreConsistent) {
  // Every quote currency alone is kept; every quote ends a pair of a two-letter base.
  for (std::string_view q : quote_currencies()) {
    EXPECT_EQ(normalize_symbol(q).quote, "") << q;
    expect_split("XY" + std::string(q), "XY", std::string(q));
    expect_split("XY/" + std::string(q), "XY", std::string(q));
  }
  for (std::string_view k : kept_tokens()) EXPECT_EQ(normalize_symbol(k).quote, "") << k;
}

}  // namespace
}  // namespace keel
