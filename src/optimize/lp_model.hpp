#pragma once
// Private: a sparse LP under construction (rows stored row-wise), the portfolio constraint rows of
// constraints.hpp in LP form, and a thin Clp driver. Used by the tail-risk models.

#include <ClpSimplex.hpp>
#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/solve_status.hpp"
#include "keel/optimize/constraints.hpp"
#include "keel/optimize/qp.hpp"
#include "optimize/constraint_rows.hpp"

namespace keel::lp {

using detail::ConstraintMask;

class Model {
 public:
  int add_column(double lower, double upper, double cost);
  // Adds lower ≤ Σ values[k] x[columns[k]] ≤ upper (±infinity for an open side).
  void add_row(const std::vector<int>& columns, const std::vector<double>& values, double lower,
               double upper);
  void set_cost(int column, double cost) { cost_[static_cast<std::size_t>(column)] = cost; }
  void set_upper(int column, double upper) { col_hi_[static_cast<std::size_t>(column)] = upper; }
  int columns() const { return static_cast<int>(cost_.size()); }
  int rows() const { return static_cast<int>(row_lo_.size()); }
  // Loads the LP into `clp` (replacing what it held), log level 0, tolerances 1e-9.
  void load(ClpSimplex& clp) const;
  // The same rows and column bounds as a dense QP (qp.hpp) with objective Σ_k d_k x[c_k]² over
  // the given columns and no linear term: rows with equal sides become A x = b, each finite
  // side of the others a row of G x ≤ h.
  QpProblem to_qp(const std::vector<int>& quadratic_columns,
                  const std::vector<double>& quadratic_weights) const;

 private:
  std::vector<double> col_lo_, col_hi_, cost_;
  std::vector<int> row_start_{0};
  std::vector<int> index_;
  std::vector<double> value_;
  std::vector<double> row_lo_, row_hi_;
};

// Columns of the weight block: w at [0, n), then p, m (leverage split) and u, v (turnover split)
// when present (−1 otherwise).
struct WeightLayout {
  int n = 0;
  int p = -1, m = -1, u = -1, v = -1;
  int kappa = -1;  // the Charnes–Cooper scale κ ≥ 0 (add_homogeneous_weight_block only)
};

// Adds w (bounded by the effective bounds when mask.bounds) and every constraint of `constraints`
// switched on in `mask`, plus the target row μᵀw ≥ target when `target_row` is non-empty and
// mask.target. Must be the first columns of `model`.
WeightLayout add_weight_block(Model& model, const PortfolioConstraints& constraints, int n,
                              const ConstraintMask& mask, const Eigen::VectorXd& target_row,
                              double target_rhs);

// The same constraints homogenised for the Charnes–Cooper change of variables y = κw (κ ≥ 0 a
// column of its own, placed after the leverage/turnover columns): each side r of a row on w
// becomes the term rκ (aᵀw ≥ r → aᵀy − rκ ≥ 0; equalities likewise), the bounds l ≤ w ≤ u rows
// y_i − l_iκ ≥ 0 and y_i − u_iκ ≤ 0 (a zero or infinite bound stays a column bound), the
// leverage cap 1ᵀ(p + m) ≤ Lκ, the turnover rows y − w0κ = u − v, 1ᵀ(u + v) ≤ τκ. Columns
// [0, n) hold y. No target row. Must be the first columns of `model`.
WeightLayout add_homogeneous_weight_block(Model& model, const PortfolioConstraints& constraints,
                                          int n);

// Clp's outcome mapped onto SolveStatus (0 optimal, 1 infeasible, 2 unbounded, 3 limit, else
// numerical error). `hit_time_limit` distinguishes the two limits.
SolveStatus map_status(const ClpSimplex& clp, bool hit_time_limit);

double to_coin(double value);

}  // namespace keel::lp
