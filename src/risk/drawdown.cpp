#include "keel/risk/drawdown.hpp"

#include <cmath>
#include <string>

#include "keel/risk/var.hpp"
#include "risk/checks.hpp"

namespace keel {

std::string_view to_string(DrawdownKind kind) {
  return kind == DrawdownKind::kUncompounded ? "uncompounded" : "compounded";
}

Status DrawdownOptions::validate() const {
  return risk_detail::check_confidence(confidence, "DrawdownOptions::confidence");
}

Result<DrawdownSummary> drawdowns(Eigen::Ref<const Eigen::VectorXd> returns,
                                  const DrawdownOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 1));
  const Eigen::Index n = returns.size();
  DrawdownSummary s;
  s.kind = options.kind;
  s.confidence = options.confidence;
  s.drawdown.resize(n);

  const bool compounded = options.kind == DrawdownKind::kCompounded;
  double level = compounded ? 1.0 : 0.0;
  double peak = level;
  Eigen::Index peak_row = -1;
  Eigen::Index max_peak_row = -1;
  Eigen::Index spell_peak = -1;  // peak row of the spell under water, while in one
  bool under_water = false;
  for (Eigen::Index t = 0; t < n; ++t) {
    if (compounded) {
      // After ruin there is nothing left to compound: the wealth stays where it fell.
      if (s.ruin_row < 0) level *= 1.0 + returns[t];
      if (s.ruin_row < 0 && returns[t] <= -1.0) s.ruin_row = t;
    } else {
      level += returns[t];
    }
    if (level > peak) {
      peak = level;
      peak_row = t;
    }
    const double dd = compounded ? 1.0 - level / peak : peak - level;
    s.drawdown[t] = dd;
    if (dd > 0.0) {
      if (!under_water) spell_peak = t - 1;  // the close before the first row under water
      under_water = true;
      const auto length = static_cast<int>(t - spell_peak);
      if (length > s.longest_underwater) {
        s.longest_underwater = length;
        s.underwater_peak_row = spell_peak;
        s.underwater_last_row = t;
      }
    } else {
      under_water = false;
    }
    if (dd > s.max_drawdown) {
      s.max_drawdown = dd;
      s.trough_row = t;
      max_peak_row = peak_row;
    }
  }
  s.peak_row = max_peak_row;
  s.average_drawdown = s.drawdown.mean();
  s.ulcer_index = std::sqrt(s.drawdown.squaredNorm() / static_cast<double>(n));
  Eigen::VectorXd losses = -s.drawdown;
  s.cdar = empirical_tail(losses, options.confidence).es;
  return s;
}

}  // namespace keel
