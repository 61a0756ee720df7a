// Fuzz target: the file layer of the data readers, keel::csv::read_file (open, size, read, gzip
// recognised by its magic bytes and inflated through zlib, a .gz name without gzip content refused,
// a UTF-8 byte-order mark dropped), then read_prices on the same file (docs/reliability.md).
// The parsers behind the readers are fuzzed in memory by the other targets; this one writes each
// input to a file, so it runs slower.
// Input layout: byte 0 picks the file form, the rest is the content.
//   bit 0  the rest is deflated with gzip by the target before writing (read_file must give it
//          back); otherwise it is written as is (raw gzip bytes, or any text)
//   bit 1  the file name ends in .gz          bits 2-7 unused
// Contract: an error names the file; plain content comes back byte for byte (without a leading
// BOM); deflated content comes back as the bytes that were deflated (without a leading BOM);
// read_prices on the file succeeds exactly when the in-memory parser succeeds on that text, and
// its panel satisfies PricePanel's invariants.
#include <zlib.h>

#include "check_panel.hpp"
#include "csv.hpp"
#include "fuzz_support.hpp"
#include "keel/data/read_prices.hpp"
#include "text_readers.hpp"

namespace {

std::string gzip(std::string_view text) {
  z_stream zs{};
  // A 512-byte window and the smallest hash (memLevel 1): a few KiB of zlib state per input
  // instead of ~270 KiB, which ASan maps and unmaps on every call. Still a valid gzip stream.
  deflateInit2(&zs, 6, Z_DEFLATED, 9 + 16, 1, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string_view without_bom(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using keel::fuzz::check;
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool deflated = (mode & 1) != 0;
  const bool gz_name = (mode & 2) != 0;
  const std::string path = keel::fuzz::write_input(gz_name ? "prices.csv.gz" : "prices.csv",
                                                   deflated ? gzip(body) : std::string(body));
  auto text = keel::csv::read_file(path);
  if (!text) {
    keel::fuzz::check_located(text.status().message(), path);
    check(!deflated, "read_file refused a file deflated by zlib:", text.status().message());
  } else if (deflated) {
    check(*text == without_bom(body), "inflated text differs from what was deflated");
  } else if (!body.starts_with("\x1f\x8b")) {
    check(*text == without_bom(body), "plain text not returned byte for byte");
  }
  auto panel = keel::read_prices(path);
  check(panel.is_ok() == (text.is_ok() && keel::detail::parse_prices(*text, path, {})),
        "read_prices disagrees with read_file + parse_prices");
  if (panel) keel::fuzz::check_panel(*panel);
  return 0;
}
