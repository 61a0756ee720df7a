#include "keel/data/symbols.hpp"

#include <array>

#include "data/csv.hpp"

namespace keel {

namespace {

// Longest-suffix matching needs no particular order here: every candidate is tried and the
// longest one that leaves a valid base wins.
constexpr std::array<std::string_view, 21> kQuotes = {
    "USDT", "USDC", "BUSD", "TUSD", "FDUSD", "USDP", "DAI", "USDE", "USD", "EUR", "GBP",
    "JPY",  "AUD",  "CAD",  "CHF",  "TRY",   "BRL",  "KRW", "BTC",  "ETH", "BNB"};

constexpr std::array<std::string_view, 23> kKept = {
    "WBTC",  "TBTC",  "RENBTC", "HBTC", "SBTC",    "WETH",    "STETH", "WSTETH",
    "RETH",  "CBETH", "SETH",   "METH", "WEETH",   "EZETH",   "RSETH", "OSETH",
    "SWETH", "LSETH", "FRXETH", "BETH", "SFRXETH", "ANKRETH", "WBNB"};

bool is_quote(std::string_view text) {
  for (std::string_view q : kQuotes) {
    if (csv::iequals(text, q)) return true;
  }
  return false;
}

bool is_kept(std::string_view text) {
  for (std::string_view k : kKept) {
    if (csv::iequals(text, k)) return true;
  }
  return is_quote(text);
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool is_separator(char c) { return c == '/' || c == '-' || c == '_' || c == ':'; }

}  // namespace

std::span<const std::string_view> quote_currencies() { return kQuotes; }

std::span<const std::string_view> kept_tokens() { return kKept; }

SymbolParts normalize_symbol(std::string_view symbol) {
  const std::string_view s = csv::trim(symbol);
  SymbolParts out{std::string(s), std::string()};
  if (s.empty() || is_kept(s)) return out;
  std::size_t sep = 0;
  while (sep < s.size() && !is_separator(s[sep])) ++sep;
  if (sep < s.size()) {
    std::size_t end = sep + 1;
    while (end < s.size() && !is_separator(s[end])) ++end;
    const std::string_view base = s.substr(0, sep);
    const std::string_view quote = s.substr(sep + 1, end - sep - 1);
    if (!base.empty() && is_quote(quote)) {
      out.base = std::string(base);
      out.quote = upper(quote);
    }
    return out;
  }
  std::size_t best = 0;
  for (std::string_view q : kQuotes) {
    if (q.size() <= best || s.size() < q.size() + 2) continue;
    if (csv::iequals(s.substr(s.size() - q.size()), q)) best = q.size();
  }
  if (best > 0) {
    out.base = std::string(s.substr(0, s.size() - best));
    out.quote = upper(s.substr(s.size() - best));
  }
  return out;
}

}  // namespace keel
