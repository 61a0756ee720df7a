#include "lp_model.hpp"

#include <CoinFinite.hpp>
#include <CoinPackedMatrix.hpp>
#include <cmath>
#include <limits>

namespace keel::lp {

double to_coin(double value) {
  if (value == std::numeric_limits<double>::infinity()) return COIN_DBL_MAX;
  if (value == -std::numeric_limits<double>::infinity()) return -COIN_DBL_MAX;
  return value;
}

int Model::add_column(double lower, double upper, double cost) {
  col_lo_.push_back(lower);
  col_hi_.push_back(upper);
  cost_.push_back(cost);
  return static_cast<int>(cost_.size()) - 1;
}

void Model::add_row(const std::vector<int>& columns, const std::vector<double>& values,
                    double lower, double upper) {
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (values[k] == 0.0) continue;
    index_.push_back(columns[k]);
    value_.push_back(values[k]);
  }
  row_start_.push_back(static_cast<int>(index_.size()));
  row_lo_.push_back(lower);
  row_hi_.push_back(upper);
}

void Model::load(ClpSimplex& clp) const {
  const int rows = this->rows();
  const int cols = columns();
  std::vector<int> length(static_cast<std::size_t>(rows));
  std::vector<CoinBigIndex> start(static_cast<std::size_t>(rows) + 1);
  for (int r = 0; r <= rows; ++r) start[static_cast<std::size_t>(r)] = row_start_[r];
  for (int r = 0; r < rows; ++r)
    length[static_cast<std::size_t>(r)] = row_start_[r + 1] - row_start_[r];
  const CoinPackedMatrix matrix(false, cols, rows, static_cast<CoinBigIndex>(index_.size()),
                                value_.data(), index_.data(), start.data(), length.data());
  std::vector<double> clo(col_lo_.size()), chi(col_hi_.size()), rlo(row_lo_.size()),
      rhi(row_hi_.size());
  for (std::size_t j = 0; j < clo.size(); ++j) {
    clo[j] = to_coin(col_lo_[j]);
    chi[j] = to_coin(col_hi_[j]);
  }
  for (std::size_t i = 0; i < rlo.size(); ++i) {
    rlo[i] = to_coin(row_lo_[i]);
    rhi[i] = to_coin(row_hi_[i]);
  }
  clp.setLogLevel(0);
  clp.messageHandler()->setLogLevel(0);
  clp.loadProblem(matrix, clo.data(), chi.data(), cost_.data(), rlo.data(), rhi.data());
  clp.setPrimalTolerance(1e-9);
  clp.setDualTolerance(1e-9);
}

QpProblem Model::to_qp(const std::vector<int>& quadratic_columns,
                       const std::vector<double>& quadratic_weights) const {
  const int cols = columns();
  QpProblem qp;
  qp.P = Eigen::MatrixXd::Zero(cols, cols);
  for (std::size_t k = 0; k < quadratic_columns.size(); ++k) {
    qp.P(quadratic_columns[k], quadratic_columns[k]) += 2.0 * quadratic_weights[k];
  }
  qp.q = Eigen::VectorXd::Zero(cols);
  int equalities = 0, inequalities = 0;
  for (int r = 0; r < rows(); ++r) {
    if (row_lo_[static_cast<std::size_t>(r)] == row_hi_[static_cast<std::size_t>(r)]) {
      ++equalities;
    } else {
      inequalities += std::isfinite(row_lo_[static_cast<std::size_t>(r)]) ? 1 : 0;
      inequalities += std::isfinite(row_hi_[static_cast<std::size_t>(r)]) ? 1 : 0;
    }
  }
  qp.A = Eigen::MatrixXd::Zero(equalities, cols);
  qp.b = Eigen::VectorXd::Zero(equalities);
  qp.G = Eigen::MatrixXd::Zero(inequalities, cols);
  qp.h = Eigen::VectorXd::Zero(inequalities);
  int e = 0, g = 0;
  for (int r = 0; r < rows(); ++r) {
    const auto ru = static_cast<std::size_t>(r);
    const auto fill = [&](Eigen::MatrixXd& matrix, int at, double sign) {
      for (int k = row_start_[ru]; k < row_start_[ru + 1]; ++k) {
        matrix(at, index_[static_cast<std::size_t>(k)]) +=
            sign * value_[static_cast<std::size_t>(k)];
      }
    };
    if (row_lo_[ru] == row_hi_[ru]) {
      fill(qp.A, e, 1.0);
      qp.b[e++] = row_lo_[ru];
      continue;
    }
    if (std::isfinite(row_hi_[ru])) {
      fill(qp.G, g, 1.0);
      qp.h[g++] = row_hi_[ru];
    }
    if (std::isfinite(row_lo_[ru])) {
      fill(qp.G, g, -1.0);
      qp.h[g++] = -row_lo_[ru];
    }
  }
  qp.lower = Eigen::Map<const Eigen::VectorXd>(col_lo_.data(), cols);
  qp.upper = Eigen::Map<const Eigen::VectorXd>(col_hi_.data(), cols);
  return qp;
}

namespace {

void add_dense(Model& model, const Eigen::VectorXd& coefficients, double lower, double upper) {
  std::vector<int> columns;
  std::vector<double> values;
  for (Eigen::Index i = 0; i < coefficients.size(); ++i) {
    if (coefficients[i] != 0.0) {
      columns.push_back(static_cast<int>(i));
      values.push_back(coefficients[i]);
    }
  }
  model.add_row(columns, values, lower, upper);
}

}  // namespace

WeightLayout add_weight_block(Model& model, const PortfolioConstraints& c, int n,
                              const ConstraintMask& mask, const Eigen::VectorXd& target_row,
                              double target_rhs) {
  WeightLayout layout;
  layout.n = n;
  const Eigen::VectorXd lower = c.effective_lower(n);
  const Eigen::VectorXd upper = c.effective_upper(n);
  for (int i = 0; i < n; ++i) {
    if (mask.bounds) {
      model.add_column(lower[i], upper[i], 0.0);
    } else {
      model.add_column(-kInfinity, kInfinity, 0.0);
    }
  }
  const bool leverage = c.has_leverage_cap() && mask.leverage;
  const bool turnover = c.has_turnover_cap() && mask.turnover;
  if (leverage) {
    layout.p = model.columns();
    for (int i = 0; i < 2 * n; ++i) model.add_column(0.0, kInfinity, 0.0);
    layout.m = layout.p + n;
  }
  if (turnover) {
    layout.u = model.columns();
    for (int i = 0; i < 2 * n; ++i) model.add_column(0.0, kInfinity, 0.0);
    layout.v = layout.u + n;
  }
  // The LP keeps each range as one row (Clp takes row bounds on both sides).
  detail::for_each_weight_row(c, n, mask, target_row, target_rhs, /*target_equality=*/false,
                              [&](const Eigen::VectorXd& row, double row_lower, double row_upper,
                                  bool) { add_dense(model, row, row_lower, row_upper); });
  if (leverage) {
    // w − p + m = 0 and Σ(p + m) ≤ L.
    for (int i = 0; i < n; ++i) {
      model.add_row({i, layout.p + i, layout.m + i}, {1.0, -1.0, 1.0}, 0.0, 0.0);
    }
    std::vector<int> columns(static_cast<std::size_t>(2 * n));
    for (int k = 0; k < 2 * n; ++k) columns[static_cast<std::size_t>(k)] = layout.p + k;
    model.add_row(columns, std::vector<double>(columns.size(), 1.0), -kInfinity,
                  c.max_gross_leverage);
  }
  if (turnover) {
    // w − u + v = w0 and Σ(u + v) ≤ τ.
    const Eigen::VectorXd w0 = c.effective_current(n);
    for (int i = 0; i < n; ++i) {
      model.add_row({i, layout.u + i, layout.v + i}, {1.0, -1.0, 1.0}, w0[i], w0[i]);
    }
    std::vector<int> columns(static_cast<std::size_t>(2 * n));
    for (int k = 0; k < 2 * n; ++k) columns[static_cast<std::size_t>(k)] = layout.u + k;
    model.add_row(columns, std::vector<double>(columns.size(), 1.0), -kInfinity, c.max_turnover);
  }
  return layout;
}

WeightLayout add_homogeneous_weight_block(Model& model, const PortfolioConstraints& c, int n) {
  WeightLayout layout;
  layout.n = n;
  const Eigen::VectorXd lower = c.effective_lower(n);
  const Eigen::VectorXd upper = c.effective_upper(n);
  // y_i has the sign of w_i: a bound at 0 (or the sign an infinite side leaves open) is exact as
  // a column bound; a nonzero finite bound needs κ and becomes a row below.
  for (int i = 0; i < n; ++i) {
    model.add_column(lower[i] >= 0.0 ? 0.0 : -kInfinity, upper[i] <= 0.0 ? 0.0 : kInfinity, 0.0);
  }
  const bool leverage = c.has_leverage_cap();
  const bool turnover = c.has_turnover_cap();
  if (leverage) {
    layout.p = model.columns();
    for (int i = 0; i < 2 * n; ++i) model.add_column(0.0, kInfinity, 0.0);
    layout.m = layout.p + n;
  }
  if (turnover) {
    layout.u = model.columns();
    for (int i = 0; i < 2 * n; ++i) model.add_column(0.0, kInfinity, 0.0);
    layout.v = layout.u + n;
  }
  const int kappa = model.add_column(0.0, kInfinity, 0.0);
  layout.kappa = kappa;
  for (int i = 0; i < n; ++i) {
    if (std::isfinite(lower[i]) && lower[i] != 0.0)
      model.add_row({i, kappa}, {1.0, -lower[i]}, 0.0, kInfinity);
    if (std::isfinite(upper[i]) && upper[i] != 0.0)
      model.add_row({i, kappa}, {1.0, -upper[i]}, -kInfinity, 0.0);
  }
  const auto homogenised = [&](const Eigen::VectorXd& row, double row_lower, double row_upper,
                               bool) {
    std::vector<int> columns;
    std::vector<double> values;
    for (Eigen::Index i = 0; i < row.size(); ++i) {
      if (row[i] != 0.0) {
        columns.push_back(static_cast<int>(i));
        values.push_back(row[i]);
      }
    }
    columns.push_back(kappa);
    if (row_lower == row_upper) {
      values.push_back(-row_lower);
      model.add_row(columns, values, 0.0, 0.0);
      return;
    }
    if (std::isfinite(row_lower)) {
      values.push_back(-row_lower);
      model.add_row(columns, values, 0.0, kInfinity);
      values.pop_back();
    }
    if (std::isfinite(row_upper)) {
      values.push_back(-row_upper);
      model.add_row(columns, values, -kInfinity, 0.0);
    }
  };
  detail::ConstraintMask mask = detail::full_mask(c);
  mask.target = false;
  detail::for_each_weight_row(c, n, mask, Eigen::VectorXd(), 0.0, false, homogenised);
  if (leverage) {
    for (int i = 0; i < n; ++i) {
      model.add_row({i, layout.p + i, layout.m + i}, {1.0, -1.0, 1.0}, 0.0, 0.0);
    }
    std::vector<int> columns(static_cast<std::size_t>(2 * n));
    for (int k = 0; k < 2 * n; ++k) columns[static_cast<std::size_t>(k)] = layout.p + k;
    std::vector<double> values(columns.size(), 1.0);
    columns.push_back(kappa);
    values.push_back(-c.max_gross_leverage);
    model.add_row(columns, values, -kInfinity, 0.0);
  }
  if (turnover) {
    const Eigen::VectorXd w0 = c.effective_current(n);
    for (int i = 0; i < n; ++i) {
      model.add_row({i, layout.u + i, layout.v + i, kappa}, {1.0, -1.0, 1.0, -w0[i]}, 0.0, 0.0);
    }
    std::vector<int> columns(static_cast<std::size_t>(2 * n));
    for (int k = 0; k < 2 * n; ++k) columns[static_cast<std::size_t>(k)] = layout.u + k;
    std::vector<double> values(columns.size(), 1.0);
    columns.push_back(kappa);
    values.push_back(-c.max_turnover);
    model.add_row(columns, values, -kInfinity, 0.0);
  }
  return layout;
}

SolveStatus map_status(const ClpSimplex& clp, bool hit_time_limit) {
  switch (clp.status()) {
    case 0:
      return SolveStatus::kOptimal;
    case 1:
      return SolveStatus::kInfeasible;
    case 2:
      return SolveStatus::kUnbounded;
    case 3:
      return hit_time_limit ? SolveStatus::kTimeLimit : SolveStatus::kIterationLimit;
    default:
      return SolveStatus::kNumericalError;
  }
}

}  // namespace keel::lp
