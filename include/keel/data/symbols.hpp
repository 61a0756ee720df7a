#pragma once
// Exchange symbols to asset names (docs/inputs.md, "Exchange exports"): "BTCUSDT", "BTC/USDT",
// "BTC-USD", "btc_usdt" and "BTC:USDT" all name the base asset BTC, quoted in USDT or USD. The
// readers apply normalize_symbol() to every asset name of a price file unless
// ReadOptions::keep_raw_symbols is set, and record the quote currency per asset
// (PricePanel::quote_currencies) so that `keel inspect` can show it.
//
// Rules, in this order (matching is case-insensitive; the base keeps the case it was written in):
// 1. A symbol that is itself a quote currency of the table ("USDT", "FDUSD", "EUR") or a listed
//    token whose name ends like a quote (kKeptTokens: "WBTC", "STETH", "WETH", ...) is kept as
//    is, with no quote.
// 2. Separated forms: at the first separator among '/', '-', '_', ':' the symbol splits into a
//    base and a quote; the quote (up to the next separator, so ccxt's "BTC/USDT:USDT" gives
//    USDT) must be in the table, and the base must be non-empty. "BRK-B", "M:VTSAX",
//    "funding_mean" or "BTC-PERP" are not split: their right side is not a quote currency.
// 3. Concatenated forms ("BTCUSDT", "ETHBTC"): the longest quote of the table that ends the
//    symbol and leaves a base of at least 2 characters. Longest first: "BTCUSDT" is BTC/USDT,
//    not BTCUSD/T; "ARBUSD" is AR/BUSD (Binance's Arweave-BUSD pair), not ARB/USD; "ETHBTC" is
//    ETH/BTC. A one-letter base is not split ("WETH" would be W/ETH) — write such a pair with a
//    separator ("T/USDT").
// 4. Anything else is kept as is, with no quote.
//
// Known limits: a ticker that ends in a quote currency but is a single asset ("XYZETH" for a
// token not in kKeptTokens, a stock "ABCEUR") is split; --keep-raw-symbols
// (ReadOptions::keep_raw_symbols) keeps every name as written.

#include <span>
#include <string>
#include <string_view>

namespace keel {

// The quote currencies recognised (a longer one that ends like a shorter one, FDUSD, TUSD, BUSD
// against USD, wins by rule 3). Stablecoins: USDT, USDC, BUSD, TUSD, FDUSD, USDP, DAI, USDE; fiat:
// USD, EUR, GBP, JPY, AUD, CAD, CHF, TRY, BRL, KRW; crypto: BTC, ETH, BNB.
std::span<const std::string_view> quote_currencies();

// Tokens whose names end like a quote currency but that are single assets, never split:
// WBTC, TBTC, RENBTC, HBTC, SBTC, WETH, STETH, WSTETH, RETH, CBETH, SETH, METH, WEETH, EZETH,
// RSETH, OSETH, SWETH, LSETH, FRXETH, SFRXETH, ANKRETH, BETH, WBNB.
std::span<const std::string_view> kept_tokens();

struct SymbolParts {
  std::string base;   // the asset name: the symbol itself when no quote is recognised
  std::string quote;  // upper case ("USDT"); empty when no quote is recognised
};

// Splits one symbol by the rules above. An empty or blank symbol comes back as it is (the
// readers refuse empty names before this step).
SymbolParts normalize_symbol(std::string_view symbol);

}  // namespace keel
