#include "keel/data/volume.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace keel {

Result<Eigen::VectorXd> average_daily_volume(Eigen::Ref<const Eigen::MatrixXd> volumes,
                                             double periods_per_year, const AdvWindow& window) {
  if (!(std::isfinite(periods_per_year) && periods_per_year > 0.0)) {
    return Status::invalid(
        "average daily volume: periods_per_year = " + std::to_string(periods_per_year) +
        " must be finite and > 0 (365 for daily crypto)");
  }
  if (window.periods < 0) {
    return Status::invalid("average daily volume: window of " + std::to_string(window.periods) +
                           " periods; give a count >= 1, or 0 for every row");
  }
  const Eigen::Index last = window.last_row < 0 ? volumes.rows() - 1 : window.last_row;
  if (last >= volumes.rows() || (volumes.rows() > 0 && last < 0)) {
    return Status::invalid("average daily volume: last row " + std::to_string(last) +
                           " is outside the " + std::to_string(volumes.rows()) + " volume rows");
  }
  const Eigen::Index first =
      window.periods == 0 ? 0 : std::max<Eigen::Index>(0, last - window.periods + 1);
  const double per_day = periods_per_year / 365.0;
  Eigen::VectorXd adv = Eigen::VectorXd::Zero(volumes.cols());
  for (Eigen::Index j = 0; j < volumes.cols(); ++j) {
    double sum = 0.0;
    Eigen::Index count = 0;
    for (Eigen::Index t = first; t <= last; ++t) {
      const double v = volumes(t, j);
      if (!std::isfinite(v)) continue;
      if (v < 0.0) {
        return Status::invalid("average daily volume: row " + std::to_string(t) + ", column " +
                               std::to_string(j) + " has a negative volume " + std::to_string(v) +
                               "; traded volume is >= 0");
      }
      sum += v;
      ++count;
    }
    adv(j) = count > 0 ? sum / static_cast<double>(count) * per_day : 0.0;
  }
  return adv;
}

Result<Eigen::MatrixXd> quote_volume_from_base(Eigen::Ref<const Eigen::MatrixXd> base_volumes,
                                               Eigen::Ref<const Eigen::MatrixXd> prices) {
  if (base_volumes.rows() != prices.rows() || base_volumes.cols() != prices.cols()) {
    return Status::invalid("base volumes are " + std::to_string(base_volumes.rows()) + " x " +
                           std::to_string(base_volumes.cols()) + ", prices " +
                           std::to_string(prices.rows()) + " x " + std::to_string(prices.cols()) +
                           "; they must be aligned");
  }
  Eigen::MatrixXd out(prices.rows(), prices.cols());
  for (Eigen::Index j = 0; j < prices.cols(); ++j) {
    for (Eigen::Index t = 0; t < prices.rows(); ++t) {
      const double v = base_volumes(t, j);
      const double p = prices(t, j);
      out(t, j) =
          std::isfinite(v) && std::isfinite(p) ? v * p : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return out;
}

}  // namespace keel
