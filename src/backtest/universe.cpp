#include "universe.hpp"

namespace keel::backtest_detail {

Eigen::VectorXd slice(const Eigen::VectorXd& full, const std::vector<int>& keep) {
  if (full.size() == 0) return full;
  Eigen::VectorXd out(static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) out(static_cast<Eigen::Index>(k)) = full(keep[k]);
  return out;
}

ModelSpec restrict_spec(const ModelSpec& full, const std::vector<int>& keep,
                        const Eigen::VectorXd& current) {
  ModelSpec spec = full;
  auto& c = spec.constraints;
  c.lower_bounds = slice(full.constraints.lower_bounds, keep);
  c.upper_bounds = slice(full.constraints.upper_bounds, keep);
  c.current_weights = slice(current, keep);
  std::vector<int> position(static_cast<std::size_t>(current.size()), -1);
  for (std::size_t k = 0; k < keep.size(); ++k)
    position[static_cast<std::size_t>(keep[k])] = static_cast<int>(k);
  for (auto& group : c.groups) {
    std::vector<int> members;
    for (int m : group.members) {
      const int p = position[static_cast<std::size_t>(m)];
      if (p >= 0) members.push_back(p);
    }
    group.members = std::move(members);
  }
  for (auto& row : c.linear) row.coefficients = slice(row.coefficients, keep);
  spec.mean_variance.benchmark_weights = slice(full.mean_variance.benchmark_weights, keep);
  spec.mean_variance.transaction_costs = slice(full.mean_variance.transaction_costs, keep);
  auto& rb = spec.risk_budgeting;
  rb.budgets = slice(full.risk_budgeting.budgets, keep);
  if (rb.budgets.size() > 0 && rb.budgets.sum() > 0.0) rb.budgets /= rb.budgets.sum();
  rb.lower = slice(full.risk_budgeting.lower, keep);
  rb.upper = slice(full.risk_budgeting.upper, keep);
  return spec;
}

BlackLittermanViews restrict_views(const BlackLittermanViews& views, const std::vector<int>& keep,
                                   BlackLittermanOptions& options, int& dropped) {
  dropped = 0;
  BlackLittermanViews out;
  const Eigen::Index k = views.picking.rows();
  if (k == 0) return views;
  std::vector<bool> kept_column(static_cast<std::size_t>(views.picking.cols()), false);
  for (int c : keep) kept_column[static_cast<std::size_t>(c)] = true;
  std::vector<Eigen::Index> rows;
  for (Eigen::Index v = 0; v < k; ++v) {
    bool expressible = true;
    for (Eigen::Index c = 0; c < views.picking.cols(); ++c) {
      if (views.picking(v, c) != 0.0 && !kept_column[static_cast<std::size_t>(c)])
        expressible = false;
    }
    if (expressible) {
      rows.push_back(v);
    } else {
      ++dropped;
    }
  }
  const auto m = static_cast<Eigen::Index>(rows.size());
  out.picking.resize(m, static_cast<Eigen::Index>(keep.size()));
  out.expected.resize(m);
  for (Eigen::Index r = 0; r < m; ++r) {
    for (std::size_t c = 0; c < keep.size(); ++c) {
      out.picking(r, static_cast<Eigen::Index>(c)) =
          views.picking(rows[static_cast<std::size_t>(r)], keep[c]);
    }
    out.expected(r) = views.expected(rows[static_cast<std::size_t>(r)]);
  }
  if (options.omega.size() > 0) {
    Eigen::MatrixXd omega(m, m);
    for (Eigen::Index a = 0; a < m; ++a)
      for (Eigen::Index b = 0; b < m; ++b)
        omega(a, b) =
            options.omega(rows[static_cast<std::size_t>(a)], rows[static_cast<std::size_t>(b)]);
    options.omega = omega;
  }
  if (options.view_confidences.size() > 0) {
    Eigen::VectorXd conf(m);
    for (Eigen::Index a = 0; a < m; ++a)
      conf(a) = options.view_confidences(rows[static_cast<std::size_t>(a)]);
    options.view_confidences = conf;
  }
  return out;
}

}  // namespace keel::backtest_detail
