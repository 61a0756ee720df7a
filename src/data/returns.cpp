#include "keel/data/returns.hpp"

#include <cmath>
#include <limits>

namespace keel {

ReturnSeries compute_returns(const PricePanel& panel, ReturnKind kind) {
  ReturnSeries out;
  out.assets = panel.assets;
  out.kind = kind;
  const Eigen::Index rows = panel.rows() > 0 ? panel.rows() - 1 : 0;
  out.values.resize(rows, panel.cols());
  if (rows == 0) return out;
  out.timestamps.assign(panel.timestamps.begin() + 1, panel.timestamps.end());
  const auto& p = panel.prices;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (Eigen::Index c = 0; c < panel.cols(); ++c) {
    for (Eigen::Index r = 0; r < rows; ++r) {
      const double before = p(r, c);
      const double after = p(r + 1, c);
      if (std::isnan(before) || std::isnan(after)) {
        out.values(r, c) = nan;
      } else if (kind == ReturnKind::kLog) {
        out.values(r, c) = std::log(after / before);
      } else {
        out.values(r, c) = after / before - 1.0;
      }
    }
  }
  return out;
}

}  // namespace keel
