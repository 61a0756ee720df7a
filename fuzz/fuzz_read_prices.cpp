// Fuzz target: keel::read_prices on wide and long CSV, plain or gzip (docs/reliability.md).
// Input layout: byte 0 picks the options and the file form, the rest is the file.
//   bit 0-1  duplicates policy (error, keep first, keep last)
//   bit 2    sort            bit 3  zero_as_missing
//   bit 4    the rest is deflated with gzip before writing (so the CSV parser sees gzip input)
//   bit 5    the file name ends in .gz (content as is: raw gzip bytes, or a mislabelled file)
// Contract: an error names the file; a panel satisfies PricePanel's invariants.
#include <zlib.h>

#include <cmath>
#include <set>

#include "fuzz_support.hpp"
#include "keel/data/read_prices.hpp"

namespace {

std::string gzip(std::string_view text) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
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

void check_panel(const keel::PricePanel& p) {
  using keel::fuzz::check;
  const auto n = static_cast<Eigen::Index>(p.timestamps.size());
  const auto m = static_cast<Eigen::Index>(p.assets.size());
  check(n > 0 && m > 0, "empty panel returned as success");
  check(p.prices.rows() == n && p.prices.cols() == m, "price matrix shape");
  check(p.volumes.size() == 0 || (p.volumes.rows() == n && p.volumes.cols() == m), "volumes shape");
  check(p.spreads.size() == 0 || (p.spreads.rows() == n && p.spreads.cols() == m), "spreads shape");
  for (Eigen::Index i = 1; i < n; ++i) {
    check(p.timestamps[static_cast<std::size_t>(i - 1)] < p.timestamps[static_cast<std::size_t>(i)],
          "timestamps not strictly increasing");
  }
  std::set<std::string> names;
  for (const auto& a : p.assets) {
    check(!a.empty(), "empty asset name");
    check(names.insert(a).second, "duplicate asset name", a);
  }
  for (Eigen::Index j = 0; j < m; ++j) {
    bool any = false;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double x = p.prices(i, j);
      check(std::isnan(x) || (std::isfinite(x) && x > 0.0), "price neither NaN nor finite > 0");
      any = any || !std::isnan(x);
      if (p.volumes.size() > 0) {
        const double v = p.volumes(i, j);
        check(std::isnan(v) || (std::isfinite(v) && v >= 0.0), "volume neither NaN nor >= 0");
      }
    }
    check(any, "asset without a single price", p.assets[static_cast<std::size_t>(j)]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  keel::ReadOptions options;
  options.duplicates = (mode & 3) == 1   ? keel::DuplicateTimestampPolicy::kKeepFirst
                       : (mode & 3) == 2 ? keel::DuplicateTimestampPolicy::kKeepLast
                                         : keel::DuplicateTimestampPolicy::kError;
  options.sort = (mode & 4) != 0;
  options.zero_as_missing = (mode & 8) != 0;
  std::string content = (mode & 16) != 0 ? gzip(body) : std::string(body);
  const std::string path =
      keel::fuzz::write_input((mode & 32) != 0 ? "prices.csv.gz" : "prices.csv", content);
  auto panel = keel::read_prices(path, options);
  if (!panel) {
    keel::fuzz::check_located(panel.status().message(), path);
    return 0;
  }
  check_panel(*panel);
  return 0;
}
