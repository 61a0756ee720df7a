#pragma once
// PricePanel's invariants, checked on every panel a fuzz target's reader returns
// (fuzz_read_prices, fuzz_read_file).
#include <cmath>
#include <set>

#include "fuzz_support.hpp"
#include "keel/data/price_panel.hpp"

namespace keel::fuzz {

inline void check_panel(const keel::PricePanel& p) {
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

}  // namespace keel::fuzz
