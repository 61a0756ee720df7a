#pragma once
// Restricting a full-universe model specification to the assets eligible at a decision date.
// Everything in ModelSpec that is indexed by asset column is sliced; group members are renumbered
// (a group left without members keeps its limits, so an unmeetable minimum is reported by the
// model instead of silently dropped); linear-constraint coefficients on excluded assets are
// dropped, which is exact because excluded assets hold zero weight.

#include <Eigen/Core>
#include <vector>

#include "keel/optimize/model.hpp"

namespace keel::backtest_detail {

Eigen::VectorXd slice(const Eigen::VectorXd& full, const std::vector<int>& keep);

// The spec restricted to `keep` (sorted column indices); `current` is the full-universe current
// weights (drifted), set as the constraints' current weights.
ModelSpec restrict_spec(const ModelSpec& full, const std::vector<int>& keep,
                        const Eigen::VectorXd& current);

// Black–Litterman views restricted to `keep`: a view with weight on an excluded asset is dropped
// (it cannot be expressed); `dropped` counts them. Ω rows/columns and confidences follow.
BlackLittermanViews restrict_views(const BlackLittermanViews& views, const std::vector<int>& keep,
                                   BlackLittermanOptions& options, int& dropped);

}  // namespace keel::backtest_detail
