#include "optimize/qp_active_set.hpp"

#include "optimize/cholesky_delete.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "optimize/qp_interior_point.hpp"
#include "optimize/qp_internal.hpp"
#include "optimize/qp_primal_dual.hpp"

namespace keel::qp_detail {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

enum class VarState { kFree, kAtLower, kAtUpper };

// Why the active set gave up (the caller then falls back to the interior point).
enum class Outcome {
  kOptimal,
  kNotPositiveDefinite,
  kDependentConstraints,
  kIterationLimit,
  kTimeLimit,
  kNoStart,
  kInfeasible
};

// Primal active-set method on the free variables (range-space form). Keeps the Cholesky factor L
// of P_FF (free variables in the order of `free_`) up to date under additions and deletions,
// and solves each equality-constrained subproblem through the Schur complement of the working
// constraints C_F = [A_F; G_RF].
class ActiveSetSolver {
 public:
  ActiveSetSolver(const QpProblem& problem, const QpOptions& options)
      : p_(problem),
        opt_(options),
        n_(problem.variables()),
        me_(problem.A.rows()),
        mg_(problem.G.rows()),
        l_(n_, n_),
        state_(n_, VarState::kFree),
        position_(n_, -1),
        row_active_(mg_, false),
        x_(n_),
        g_(n_),
        step_(n_),
        work_(n_),
        rhs_(n_) {
    lo_.resize(n_);
    up_.resize(n_);
    for (Index i = 0; i < n_; ++i) {
      lo_[i] = lower_bound(problem, i);
      up_[i] = upper_bound(problem, i);
    }
    scale_ = constraint_scale(problem);
  }

  Outcome run(std::chrono::steady_clock::time_point start, std::string* note);

  // Takes over an optimum found by the primal-dual method (x, equality multipliers, P x + q and
  // the bound states), so that export_solution reports it like one of its own.
  void adopt(const PrimalDualOutcome& optimum);
  // Fills x, multipliers and active sets of `out` (after kOptimal).
  void export_solution(QpSolution* out) const;
  int iterations() const { return iterations_; }

 private:
  bool feasible(const VectorXd& x, double tol) const;
  bool start_from(const VectorXd& x, const std::vector<int>& at_lower,
                  const std::vector<int>& at_upper, const std::vector<int>& rows);
  bool crash_single_equality();
  bool add_free(int j);       // Cholesky append; false when P_FF stops being positive definite
  void remove_free(int pos);  // Cholesky delete of the free variable at position pos
  bool solve_subproblem();    // step_ (free part) and multipliers lambda_
  void refresh_gradient();    // g_ = P x_ + q afresh

  const QpProblem& p_;
  const QpOptions& opt_;
  Index n_, me_, mg_;
  VectorXd lo_, up_;
  double scale_ = 0.0;
  MatrixXd l_;  // top-left k × k block holds the Cholesky factor of P_FF
  std::vector<VarState> state_;
  std::vector<int> free_;      // free variables in factor order
  std::vector<int> position_;  // position in free_, −1 when at a bound
  std::vector<bool> row_active_;
  std::vector<int> rows_;  // working general-inequality rows, in multiplier order
  VectorXd x_, g_, step_, work_, rhs_;
  VectorXd row_step_, row_value_;  // G p and G x in the ratio test
  MatrixXd ct_;     // C_Fᵀ (k × mw), then L⁻¹ C_Fᵀ
  MatrixXd schur_;  // mw × mw
  Eigen::LLT<MatrixXd> schur_llt_;
  VectorXd lambda_;  // multipliers of [A; G_R] after solve_subproblem
  VectorXd u_, pf_;
  int iterations_ = 0;
};

bool ActiveSetSolver::feasible(const VectorXd& x, double tol) const {
  const double t = tol * (1.0 + scale_);
  for (Index i = 0; i < n_; ++i) {
    if (x[i] < lo_[i] - t || x[i] > up_[i] + t) return false;
  }
  if (me_ > 0 && (p_.A * x - p_.b).cwiseAbs().maxCoeff() > t) return false;
  if (mg_ > 0 && (p_.G * x - p_.h).maxCoeff() > t) return false;
  return true;
}

void ActiveSetSolver::refresh_gradient() {
  // Long-only books hold few assets and the rest sit at a zero bound: summing the columns of the
  // nonzero weights costs O(n · nonzeros) where P x costs O(n²), once per working-set change.
  Index nonzero = 0;
  for (Index i = 0; i < n_; ++i) nonzero += x_[i] != 0.0 ? 1 : 0;
  if (2 * nonzero >= n_) {
    g_.noalias() = p_.P * x_;
    g_ += p_.q;
    return;
  }
  g_ = p_.q;
  for (Index i = 0; i < n_; ++i) {
    if (x_[i] != 0.0) g_.noalias() += x_[i] * p_.P.col(i);
  }
}

bool ActiveSetSolver::add_free(int j) {
  const Index k = static_cast<Index>(free_.size());
  for (Index i = 0; i < k; ++i) work_[i] = p_.P(free_[i], j);
  auto row = l_.row(k).head(k);
  if (k > 0) {
    l_.topLeftCorner(k, k).triangularView<Eigen::Lower>().solveInPlace(work_.head(k));
    row = work_.head(k).transpose();
  }
  const double pivot = p_.P(j, j) - (k > 0 ? work_.head(k).squaredNorm() : 0.0);
  // A pivot that loses more than ten digits of P_jj means P_FF is (numerically) singular.
  if (!(pivot > 1e-10 * std::max(p_.P(j, j), 1e-300))) return false;
  l_(k, k) = std::sqrt(pivot);
  free_.push_back(j);
  position_[j] = static_cast<int>(k);
  state_[j] = VarState::kFree;
  return true;
}

void ActiveSetSolver::remove_free(int pos) {
  const Index k = static_cast<Index>(free_.size());
  detail::delete_cholesky_row(l_, k, pos, [](Index, double, double) {}, [](Index) {});
  const int var = free_[pos];
  free_.erase(free_.begin() + pos);
  position_[var] = -1;
  for (Index i = pos; i < static_cast<Index>(free_.size()); ++i)
    position_[free_[i]] = static_cast<int>(i);
}

bool ActiveSetSolver::solve_subproblem() {
  const Index k = static_cast<Index>(free_.size());
  const Index mr = static_cast<Index>(rows_.size());
  const Index mw = me_ + mr;
  const auto lk = l_.topLeftCorner(k, k).triangularView<Eigen::Lower>();
  u_.resize(k);
  for (Index i = 0; i < k; ++i) u_[i] = g_[free_[i]];
  lk.solveInPlace(u_);
  lambda_.resize(mw);
  if (mw > 0) {
    if (k < mw) return false;
    ct_.resize(k, mw);
    for (Index i = 0; i < k; ++i) {
      for (Index r = 0; r < me_; ++r) ct_(i, r) = p_.A(r, free_[i]);
      for (Index r = 0; r < mr; ++r) ct_(i, me_ + r) = p_.G(rows_[r], free_[i]);
    }
    lk.solveInPlace(ct_);
    schur_.resize(mw, mw);
    schur_.setZero();
    schur_.selfadjointView<Eigen::Lower>().rankUpdate(ct_.transpose());
    schur_llt_.compute(schur_);
    if (schur_llt_.info() != Eigen::Success) return false;
    const double smax = schur_.diagonal().maxCoeff();
    if (!(schur_llt_.matrixLLT().diagonal().minCoeff() > 1e-7 * std::sqrt(smax))) return false;
    // Residual of the working constraints at x (drift and the right-hand side of a warm start).
    for (Index r = 0; r < me_; ++r) lambda_[r] = p_.b[r] - p_.A.row(r).dot(x_);
    for (Index r = 0; r < mr; ++r) lambda_[me_ + r] = p_.h[rows_[r]] - p_.G.row(rows_[r]).dot(x_);
    lambda_.noalias() += ct_.transpose() * u_;
    schur_llt_.solveInPlace(lambda_);
    lambda_ = -lambda_;
    u_.noalias() += ct_ * lambda_;
  }
  pf_ = -u_;
  lk.transpose().solveInPlace(pf_);
  return true;
}

bool ActiveSetSolver::start_from(const VectorXd& x, const std::vector<int>& at_lower,
                                 const std::vector<int>& at_upper, const std::vector<int>& rows) {
  x_ = x;
  free_.clear();
  std::fill(state_.begin(), state_.end(), VarState::kFree);
  std::fill(position_.begin(), position_.end(), -1);
  std::fill(row_active_.begin(), row_active_.end(), false);
  rows_.clear();
  for (int i : at_lower) {
    if (i >= 0 && i < n_ && std::isfinite(lo_[i])) {
      state_[i] = VarState::kAtLower;
      x_[i] = lo_[i];
    }
  }
  for (int i : at_upper) {
    if (i >= 0 && i < n_ && std::isfinite(up_[i]) && state_[i] == VarState::kFree) {
      state_[i] = VarState::kAtUpper;
      x_[i] = up_[i];
    }
  }
  for (Index i = 0; i < n_; ++i) {
    if (lo_[i] == up_[i]) {
      state_[i] = VarState::kAtLower;
      x_[i] = lo_[i];
    }
  }
  for (int r : rows) {
    if (r >= 0 && r < mg_ && !row_active_[r]) {
      row_active_[r] = true;
      rows_.push_back(r);
    }
  }
  for (Index i = 0; i < n_; ++i) {
    if (state_[i] == VarState::kFree && !add_free(static_cast<int>(i))) return false;
  }
  refresh_gradient();
  return true;
}

bool ActiveSetSolver::crash_single_equality() {
  // A vertex with one free variable for one equality row (the budget) and bounded variables:
  // every other variable at the bound nearest zero; the free one, the admissible variable of
  // smallest P_jj, absorbs the row.
  if (me_ != 1 || mg_ != 0) return false;
  VectorXd x0(n_);
  std::vector<int> at_lower, at_upper;
  for (Index i = 0; i < n_; ++i) {
    if (!std::isfinite(lo_[i]) && !std::isfinite(up_[i])) return false;
    const bool use_lower =
        std::isfinite(lo_[i]) && (!std::isfinite(up_[i]) || std::abs(lo_[i]) <= std::abs(up_[i]));
    x0[i] = use_lower ? lo_[i] : up_[i];
  }
  const double total = p_.A.row(0).dot(x0);
  int best = -1;
  for (Index j = 0; j < n_; ++j) {
    const double a = p_.A(0, j);
    if (a == 0.0 || lo_[j] == up_[j]) continue;
    const double xj = x0[j] + (p_.b[0] - total) / a;
    const double t = 1e-12 * (1.0 + std::abs(xj));
    if (xj < lo_[j] - t || xj > up_[j] + t) continue;
    if (best < 0 || p_.P(j, j) < p_.P(best, best)) best = static_cast<int>(j);
  }
  if (best < 0) return false;
  x0[best] = std::clamp(x0[best] + (p_.b[0] - total) / p_.A(0, best), lo_[best], up_[best]);
  for (Index i = 0; i < n_; ++i) {
    if (i == best) continue;
    (x0[i] == lo_[i] ? at_lower : at_upper).push_back(static_cast<int>(i));
  }
  return start_from(x0, at_lower, at_upper, {});
}

Outcome ActiveSetSolver::run(std::chrono::steady_clock::time_point start, std::string* note) {
  // Starting point: warm x, then warm active sets, then a crash vertex, then a phase-1 LP.
  bool started = false;
  if (opt_.warm_x.size() == n_ && opt_.warm_x.allFinite() && feasible(opt_.warm_x, 1e-9)) {
    started = start_from(opt_.warm_x, opt_.warm_active_lower, opt_.warm_active_upper,
                         opt_.warm_active_rows);
    if (started && !solve_subproblem()) started = false;
  }
  if (!started && (!opt_.warm_active_lower.empty() || !opt_.warm_active_upper.empty() ||
                   !opt_.warm_active_rows.empty())) {
    VectorXd x0 = VectorXd::Zero(n_);
    for (Index i = 0; i < n_; ++i) x0[i] = std::clamp(0.0, lo_[i], up_[i]);
    if (start_from(x0, opt_.warm_active_lower, opt_.warm_active_upper, opt_.warm_active_rows) &&
        solve_subproblem()) {
      work_ = x_;
      for (Index i = 0; i < static_cast<Index>(free_.size()); ++i) work_[free_[i]] += pf_[i];
      if (feasible(work_, 1e-12))
        started = start_from(work_, opt_.warm_active_lower, opt_.warm_active_upper,
                             opt_.warm_active_rows);
    }
  }
  if (!started) started = crash_single_equality() && solve_subproblem();
  if (!started) {
    const PhaseOne p1 = phase_one(p_);
    if (p1.solved && !p1.feasible) {
      *note = p1.message;
      return Outcome::kInfeasible;
    }
    if (!p1.solved) return Outcome::kNoStart;
    if (!start_from(p1.point, p1.at_lower, p1.at_upper, p1.active_rows)) {
      return Outcome::kNotPositiveDefinite;
    }
    if (!solve_subproblem()) return Outcome::kDependentConstraints;
  }

  const int max_changes = 10 * static_cast<int>(n_ + mg_) + 50;
  const double primal_tol = 1e-14 * (1.0 + scale_);
  bool refreshed = false;
  for (iterations_ = 0; iterations_ < max_changes; ++iterations_) {
    if (opt_.time_limit_s > 0.0 && elapsed_ms(start) > 1e3 * opt_.time_limit_s) {
      return Outcome::kTimeLimit;
    }
    if (!solve_subproblem()) return Outcome::kDependentConstraints;
    const Index k = static_cast<Index>(free_.size());
    const double step_norm = k > 0 ? pf_.cwiseAbs().maxCoeff() : 0.0;
    const double x_norm = 1.0 + x_.cwiseAbs().maxCoeff();
    if (step_norm <= 1e-11 * x_norm) {
      // Apply the (tiny) step: it removes drift in the working constraints.
      for (Index i = 0; i < k; ++i) x_[free_[i]] += pf_[i];
      if (!refreshed) {
        // Refresh the gradient once to clear accumulated rounding, then re-solve.
        refresh_gradient();
        refreshed = true;
        --iterations_;
        continue;
      }
      // Multipliers: rows from lambda_, bounds from the reduced gradient.
      // Relative to the gradient's own scale: covariances of daily returns are ~1e-4, so an
      // absolute floor of 1 would accept multipliers that are wrong in their leading digits.
      const double dual_tol = opt_.tolerance * std::max(g_.cwiseAbs().maxCoeff(), 1e-300);
      double worst = -dual_tol;
      int worst_var = -1;
      int worst_row = -1;
      work_ = g_;
      if (me_ > 0) work_.noalias() += p_.A.transpose() * lambda_.head(me_);
      for (Index r = 0; r < static_cast<Index>(rows_.size()); ++r) {
        work_.noalias() += lambda_[me_ + r] * p_.G.row(rows_[r]).transpose();
        if (lambda_[me_ + r] < worst) {
          worst = lambda_[me_ + r];
          worst_row = static_cast<int>(r);
          worst_var = -1;
        }
      }
      for (Index i = 0; i < n_; ++i) {
        if (state_[i] == VarState::kFree || lo_[i] == up_[i]) continue;
        const double mult = state_[i] == VarState::kAtLower ? work_[i] : -work_[i];
        if (mult < worst) {
          worst = mult;
          worst_var = static_cast<int>(i);
          worst_row = -1;
        }
      }
      if (worst_var < 0 && worst_row < 0) return Outcome::kOptimal;
      refreshed = false;
      if (worst_var >= 0) {
        if (!add_free(worst_var)) return Outcome::kNotPositiveDefinite;
      } else {
        row_active_[rows_[worst_row]] = false;
        rows_.erase(rows_.begin() + worst_row);
      }
      continue;
    }
    // Ratio test over bounds of free variables and inactive rows.
    double alpha = 1.0;
    int block_var = -1;
    int block_row = -1;
    bool block_upper = false;
    for (Index i = 0; i < k; ++i) {
      const int v = free_[i];
      const double d = pf_[i];
      if (d < 0.0 && std::isfinite(lo_[v])) {
        const double a = std::max(0.0, (lo_[v] - x_[v]) / d);
        if (a < alpha) {
          alpha = a;
          block_var = v;
          block_upper = false;
        }
      } else if (d > 0.0 && std::isfinite(up_[v])) {
        const double a = std::max(0.0, (up_[v] - x_[v]) / d);
        if (a < alpha) {
          alpha = a;
          block_var = v;
          block_upper = true;
        }
      }
    }
    if (mg_ > 0) {
      // G p and G x as two column-major products: G is stored by columns, so a dot product per
      // row would stride through memory (the homogenised caps give n dense rows).
      step_.setZero();
      for (Index i = 0; i < k; ++i) step_[free_[i]] = pf_[i];
      row_step_.noalias() = p_.G * step_;
      row_value_.noalias() = p_.G * x_;
      for (Index r = 0; r < mg_; ++r) {
        if (row_active_[r]) continue;
        const double gd = row_step_[r];
        if (gd <= primal_tol) continue;
        const double a = std::max(0.0, (p_.h[r] - row_value_[r]) / gd);
        if (a < alpha) {
          alpha = a;
          block_row = static_cast<int>(r);
          block_var = -1;
        }
      }
    }
    // x += α p and g += α P_{:,F} p_F.
    for (Index i = 0; i < k; ++i) {
      const int v = free_[i];
      const double delta = alpha * pf_[i];
      if (delta == 0.0) continue;
      x_[v] += delta;
      g_.noalias() += delta * p_.P.col(v);
    }
    refreshed = false;
    if (block_var >= 0) {
      x_[block_var] = block_upper ? up_[block_var] : lo_[block_var];
      state_[block_var] = block_upper ? VarState::kAtUpper : VarState::kAtLower;
      remove_free(position_[block_var]);
    } else if (block_row >= 0) {
      row_active_[block_row] = true;
      rows_.push_back(block_row);
    }
  }
  return Outcome::kIterationLimit;
}

void ActiveSetSolver::adopt(const PrimalDualOutcome& optimum) {
  x_ = optimum.x;
  g_ = optimum.gradient;
  lambda_ = optimum.y;
  rows_.clear();
  for (Index i = 0; i < n_; ++i) {
    switch (optimum.state[static_cast<std::size_t>(i)]) {
      case BoundState::kFree:
        state_[i] = VarState::kFree;
        break;
      case BoundState::kAtLower:
        state_[i] = VarState::kAtLower;
        break;
      case BoundState::kAtUpper:
        state_[i] = VarState::kAtUpper;
        break;
    }
  }
}

void ActiveSetSolver::export_solution(QpSolution* out) const {
  out->x = x_;
  out->y = lambda_.head(me_);
  out->z = VectorXd::Zero(mg_);
  VectorXd grad = g_;
  if (me_ > 0) grad.noalias() += p_.A.transpose() * out->y;
  for (Index r = 0; r < static_cast<Index>(rows_.size()); ++r) {
    out->z[rows_[r]] = lambda_[me_ + r];
    grad.noalias() += lambda_[me_ + r] * p_.G.row(rows_[r]).transpose();
    out->active_rows.push_back(rows_[r]);
  }
  std::sort(out->active_rows.begin(), out->active_rows.end());
  out->z_lower = VectorXd::Zero(n_);
  out->z_upper = VectorXd::Zero(n_);
  for (Index i = 0; i < n_; ++i) {
    if (state_[i] == VarState::kFree) continue;
    if (lo_[i] == up_[i]) {
      (grad[i] >= 0.0 ? out->z_lower[i] : out->z_upper[i]) = std::abs(grad[i]);
      out->active_lower.push_back(static_cast<int>(i));
      out->active_upper.push_back(static_cast<int>(i));
    } else if (state_[i] == VarState::kAtLower) {
      out->z_lower[i] = std::max(0.0, grad[i]);
      out->active_lower.push_back(static_cast<int>(i));
    } else {
      out->z_upper[i] = std::max(0.0, -grad[i]);
      out->active_upper.push_back(static_cast<int>(i));
    }
  }
}

// Whether few variables will be free at the optimum of a cold budget-and-bounds problem, judged
// from the separable problem in which P is replaced by its diagonal: min Σ ½P_ii x_i² + q_i x_i
// subject to the one equality row and the bounds, solved by bisection on its multiplier. A
// strong linear term (a high risk tolerance) pushes most of those weights onto their bounds, as
// it does for the full problem; there the primal active set from a vertex needs few cheap
// changes, while the primal-dual rounds would pay a factorisation of all of P and oscillate.
// Correlations, which the guess ignores, can also leave few assets free (a dominant market
// factor): the primal-dual rounds solve those well enough.
bool few_free_expected(const QpProblem& p) {
  const Index n = p.variables();
  // Below a few hundred variables both methods take tens of microseconds: not worth the guess.
  if (p.A.rows() != 1 || n < 150) return false;
  VectorXd centre(n), slope(n), lo(n), up(n);
  for (Index i = 0; i < n; ++i) {
    const double d = p.P(i, i);
    if (!(d > 0.0)) return false;
    centre[i] = -p.q[i] / d;  // x_i(y) = clamp(centre_i − y slope_i, lo_i, up_i)
    slope[i] = p.A(0, i) / d;
    lo[i] = lower_bound(p, i);
    up[i] = upper_bound(p, i);
  }
  const auto row = p.A.row(0).transpose();
  // Σ a_i x_i(y) does not increase with y: bracket the root, then bisect (to a relative
  // precision far finer than the count below needs).
  const auto total = [&](double y) {
    return row.dot((centre - y * slope).cwiseMax(lo).cwiseMin(up));
  };
  const double target = p.b[0];
  double below = -1.0, above = 1.0;
  for (int k = 0; k < 200 && !(total(below) >= target); ++k) below *= 2.0;
  for (int k = 0; k < 200 && !(total(above) <= target); ++k) above *= 2.0;
  if (!(total(below) >= target && total(above) <= target)) return false;
  for (int k = 0; k < 40; ++k) {
    const double mid = 0.5 * (below + above);
    (total(mid) > target ? below : above) = mid;
  }
  const VectorXd x = centre - 0.5 * (below + above) * slope;
  const Index free = ((x.array() > lo.array()) && (x.array() < up.array())).count();
  return 10 * free <= n;
}

}  // namespace

QpSolution solve_active_set(const QpProblem& problem, const QpOptions& options, bool auto_mode) {
  const auto start = std::chrono::steady_clock::now();
  ActiveSetSolver solver(problem, options);
  QpSolution out;
  out.solver = "active-set";
  // Bounds are the only inequalities: the primal-dual rounds usually finish in a few
  // factorisations; when they give up, or when few variables are expected free, the primal
  // active set below solves the problem.
  int primal_dual_changes = 0;
  const bool cold = options.warm_active_lower.empty() && options.warm_active_upper.empty() &&
                    options.warm_x.size() == 0;
  if (problem.G.rows() == 0 && !(cold && few_free_expected(problem))) {
    const PrimalDualOutcome fast = solve_bounds_primal_dual(problem, options, start);
    out.p_positive_definite = fast.full_factor;
    if (fast.optimal) {
      out.status = SolveStatus::kOptimal;
      out.iterations = fast.changes;
      solver.adopt(fast);
      solver.export_solution(&out);
      compute_residuals(problem, &out);
      out.solve_ms = elapsed_ms(start);
      return out;
    }
    primal_dual_changes = fast.changes;
  }
  std::string note;
  const Outcome outcome = solver.run(start, &note);
  out.iterations = solver.iterations() + primal_dual_changes;
  switch (outcome) {
    case Outcome::kOptimal:
      out.status = SolveStatus::kOptimal;
      solver.export_solution(&out);
      compute_residuals(problem, &out);
      out.solve_ms = elapsed_ms(start);
      return out;
    case Outcome::kInfeasible:
      out.status = SolveStatus::kInfeasible;
      out.message = note;
      out.x = VectorXd::Zero(problem.variables());
      out.solve_ms = elapsed_ms(start);
      return out;
    case Outcome::kTimeLimit:
      out.status = SolveStatus::kTimeLimit;
      out.message =
          fmt::format("active set stopped at the time limit ({} s)", options.time_limit_s);
      out.x = VectorXd::Zero(problem.variables());
      out.solve_ms = elapsed_ms(start);
      return out;
    default:
      break;
  }
  const char* reason = "";
  switch (outcome) {
    case Outcome::kNotPositiveDefinite:
      reason =
          "P restricted to the free variables is not positive definite (the active set "
          "needs a strictly convex objective)";
      break;
    case Outcome::kDependentConstraints:
      reason = "the working constraints became linearly dependent";
      break;
    case Outcome::kIterationLimit:
      reason = "the active set reached its limit of working-set changes";
      break;
    default:
      reason = "no starting point could be built";
      break;
  }
  QpSolution ipm = solve_interior_point(problem, options);
  ipm.message = fmt::format("{}{}{} by the interior point because {}", ipm.message,
                            ipm.message.empty() ? "" : "; ",
                            auto_mode ? "solved" : "active set requested but solved", reason);
  return ipm;
}

}  // namespace keel::qp_detail
