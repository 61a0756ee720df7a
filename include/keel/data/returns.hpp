#pragma once
// Period returns from prices: simple p_t/p_{t-1} − 1 by default, log on request (docs/architecture.md section 4).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/time.hpp"
#include "keel/data/price_panel.hpp"

namespace keel {

enum class ReturnKind { kSimple, kLog };

struct ReturnSeries {
  std::vector<std::string> assets;
  std::vector<Timestamp> timestamps;  // end of each period (the later price's timestamp)
  Eigen::MatrixXd values;             // (rows − 1) × assets; NaN where either price is missing
  ReturnKind kind = ReturnKind::kSimple;
};

ReturnSeries compute_returns(const PricePanel& panel, ReturnKind kind = ReturnKind::kSimple);

}  // namespace keel
