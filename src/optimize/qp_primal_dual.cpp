#include "optimize/qp_primal_dual.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "optimize/qp_internal.hpp"

namespace keel::qp_detail {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Rounds before giving up. Books with many free assets converge in 2 to 10; when most assets sit
// at a bound (a strong linear term) the rounds can cycle, and there the primal active set, which
// the caller falls back to, is fast anyway.
constexpr int kMaxRounds = 12;

// In-place Cholesky factor (lower triangle) of the leading k × k block of `a`, right-looking and
// blocked like Eigen's LLT, but without LLT's extra pass over the matrix for its 1-norm (only
// rcond() needs it; here it would cost 7% of a 500-asset solve). False if a pivot is not positive.
bool cholesky_in_place(MatrixXd& a, Index k) {
  const Index block = std::clamp<Index>(k / 8 / 16 * 16, 8, 128);
  for (Index j = 0; j < k; j += block) {
    const Index b = std::min(block, k - j);
    const Index rest = k - j - b;
    Eigen::Ref<MatrixXd> diagonal(a.block(j, j, b, b));
    const Eigen::LLT<Eigen::Ref<MatrixXd>> small(diagonal);
    if (small.info() != Eigen::Success) return false;
    if (rest > 0) {
      auto below = a.block(j + b, j, rest, b);
      a.block(j, j, b, b)
          .triangularView<Eigen::Lower>()
          .transpose()
          .solveInPlace<Eigen::OnTheRight>(below);
      a.block(j + b, j + b, rest, rest).selfadjointView<Eigen::Lower>().rankUpdate(below, -1.0);
    }
  }
  return true;
}

// Zobrist signature of a working set: XOR of one random key per (variable, side) at a bound, so
// that a round that returns to a working set seen before (the method cycles) is caught at once.
std::uint64_t signature_key(Eigen::Index variable, BoundState side) {
  std::uint64_t z = static_cast<std::uint64_t>(2 * variable + (side == BoundState::kAtUpper)) +
                    0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class PrimalDual {
 public:
  PrimalDual(const QpProblem& problem, const QpOptions& options)
      : p_(problem),
        opt_(options),
        n_(problem.variables()),
        me_(problem.A.rows()),
        lo_(n_),
        up_(n_),
        pinned_(static_cast<std::size_t>(n_), false),
        state_(static_cast<std::size_t>(n_), BoundState::kFree),
        pos_(static_cast<std::size_t>(n_), -1),
        col_(static_cast<std::size_t>(n_), -1),
        x_(VectorXd::Zero(n_)) {
    for (Index i = 0; i < n_; ++i) {
      lo_[i] = lower_bound(problem, i);
      up_[i] = upper_bound(problem, i);
    }
  }

  PrimalDualOutcome run(std::chrono::steady_clock::time_point start);

 private:
  std::size_t at(Index i) const { return static_cast<std::size_t>(i); }
  void set_bound(Index i, BoundState side) {
    state_[at(i)] = side;
    x_[i] = side == BoundState::kAtLower ? lo_[i] : up_[i];
  }
  Index schur_columns() const { return me_ + static_cast<Index>(schur_.size()); }
  void reserve_columns(Index columns);

  bool refactor();     // base := the free variables; false if P_BB is not PD
  bool append(int j);  // variable j (outside the base) joins the base as a free variable
  // Free base variables now at their bounds: rows eⱼᵀx = x_j.
  void add_schur_rows(std::vector<int>& variables);
  void remove_schur_row(int j);
  bool solve();  // x on the base and the multipliers lambda_ = [y; ν_D]
  void refine(const VectorXd& gradient);
  // Multiplier of the active bound of variable i (≥ 0 at optimality) from the gradient entry
  // (P x + q + Aᵀy)_i.
  double multiplier(Index i, double reduced_gradient) const {
    return state_[at(i)] == BoundState::kAtLower ? reduced_gradient : -reduced_gradient;
  }

  const QpProblem& p_;
  const QpOptions& opt_;
  Index n_, me_;
  VectorXd lo_, up_;
  std::vector<bool> pinned_;  // lower == upper: never freed
  std::vector<BoundState> state_;
  std::vector<int> base_;   // B, in factor order
  std::vector<int> pos_;    // position in base_, −1 outside the base
  std::vector<int> schur_;  // base variables at a bound, in Schur column order (after the me_ rows)
  std::vector<int> col_;    // Schur column of a base variable at a bound, −1 otherwise
  MatrixXd l_;              // top-left k × k: Cholesky factor of P_BB
  MatrixXd y_;              // top-left k × (me + |D|): L⁻¹ [A_Bᵀ, E_D]
  MatrixXd s_;              // YᵀY
  Eigen::LLT<MatrixXd> s_llt_;
  // Leading columns of Y that s_ already covers: new Schur rows only add a border to S; a new
  // base row or a removed column rebuilds it.
  Index s_columns_ = 0;
  bool w0_valid_ = false;  // w0_ = −L⁻¹ gfix_B is current
  VectorXd x_;
  VectorXd gfix_;  // q + Σ_{i ∉ B} x_i P_{:,i}: the gradient's constant part seen by the base
  VectorXd w0_, t_, v_, lambda_, xb_, work_;
  int changes_ = 0;
};

void PrimalDual::reserve_columns(Index columns) {
  if (y_.cols() >= columns) return;
  const Index grown = std::max(columns, std::min(2 * y_.cols() + 8, me_ + n_));
  y_.conservativeResize(n_, grown);
}

bool PrimalDual::refactor() {
  base_.clear();
  schur_.clear();
  std::fill(pos_.begin(), pos_.end(), -1);
  std::fill(col_.begin(), col_.end(), -1);
  for (Index i = 0; i < n_; ++i) {
    if (state_[at(i)] != BoundState::kFree) continue;
    pos_[at(i)] = static_cast<int>(base_.size());
    base_.push_back(static_cast<int>(i));
  }
  const Index k = static_cast<Index>(base_.size());
  if (l_.rows() != n_) l_.resize(n_, n_);
  if (k == n_) {
    l_.triangularView<Eigen::Lower>() = p_.P;
  } else {
    for (Index c = 0; c < k; ++c) {
      const auto column = p_.P.col(base_[at(c)]);
      for (Index r = c; r < k; ++r) l_(r, c) = column[base_[at(r)]];
    }
  }
  if (k > 0) {
    if (!cholesky_in_place(l_, k)) return false;
    // The primal active set's test: a pivot that loses more than ten digits of P_jj means P_BB
    // is singular to working precision.
    for (Index i = 0; i < k; ++i) {
      const double pjj = p_.P(base_[at(i)], base_[at(i)]);
      if (!(l_(i, i) * l_(i, i) > 1e-10 * pjj)) return false;
    }
  }
  gfix_ = p_.q;
  for (Index i = 0; i < n_; ++i) {
    if (pos_[at(i)] < 0 && x_[i] != 0.0) gfix_.noalias() += x_[i] * p_.P.col(i);
  }
  reserve_columns(me_);
  for (Index r = 0; r < me_; ++r) {
    for (Index i = 0; i < k; ++i) y_(i, r) = p_.A(r, base_[at(i)]);
  }
  if (k > 0 && me_ > 0) {
    l_.topLeftCorner(k, k).triangularView<Eigen::Lower>().solveInPlace(y_.topLeftCorner(k, me_));
  }
  s_columns_ = 0;
  w0_valid_ = false;
  return true;
}

bool PrimalDual::append(int j) {
  const Index k = static_cast<Index>(base_.size());
  work_.resize(k);
  for (Index i = 0; i < k; ++i) work_[i] = p_.P(base_[at(i)], j);
  if (k > 0) l_.topLeftCorner(k, k).triangularView<Eigen::Lower>().solveInPlace(work_);
  const double pjj = p_.P(j, j);
  const double pivot = pjj - (k > 0 ? work_.squaredNorm() : 0.0);
  if (!(pivot > 1e-10 * pjj)) return false;
  l_.row(k).head(k) = work_.transpose();
  l_(k, k) = std::sqrt(pivot);
  // New last row of Y = L⁻¹[A_Bᵀ, E_D]: forward substitution needs only the new row of L.
  const Index m = schur_columns();
  if (m > 0) {
    v_.noalias() = y_.topLeftCorner(k, m).transpose() * work_;
    for (Index c = 0; c < m; ++c) {
      const double entry = c < me_ ? p_.A(c, j) : 0.0;
      y_(k, c) = (entry - v_[c]) / l_(k, k);
    }
  }
  if (x_[j] != 0.0) gfix_.noalias() -= x_[j] * p_.P.col(j);
  pos_[at(j)] = static_cast<int>(k);
  base_.push_back(j);
  state_[at(j)] = BoundState::kFree;
  s_columns_ = 0;
  w0_valid_ = false;
  return true;
}

void PrimalDual::add_schur_rows(std::vector<int>& variables) {
  if (variables.empty()) return;
  const Index k = static_cast<Index>(base_.size());
  const Index first = schur_columns();
  const Index count = static_cast<Index>(variables.size());
  reserve_columns(first + count);
  // Y's new columns L⁻¹eₚ are zero above their p. In order of p they form a staircase, solved
  // by row blocks as one triangular solve (diagonal block) plus one product (rows below) per
  // block over the columns already started: the flops of column-by-column solves at the speed
  // of matrix-matrix kernels.
  std::sort(variables.begin(), variables.end(),
            [&](int a, int b) { return pos_[at(a)] < pos_[at(b)]; });
  for (Index c = 0; c < count; ++c) {
    const int j = variables[at(c)];
    auto column = y_.col(first + c).head(k);
    column.setZero();
    column[pos_[at(j)]] = 1.0;
    col_[at(j)] = static_cast<int>(first + c);
    schur_.push_back(j);
  }
  constexpr Index kBlock = 48;
  const Index start = pos_[at(variables.front())];
  Index started = 0;
  for (Index r0 = start; r0 < k; r0 += kBlock) {
    const Index r1 = std::min(k, r0 + kBlock);
    while (started < count && pos_[at(variables[at(started)])] < r1) ++started;
    auto diagonal = y_.block(r0, first, r1 - r0, started);
    l_.block(r0, r0, r1 - r0, r1 - r0).triangularView<Eigen::Lower>().solveInPlace(diagonal);
    if (r1 < k) {
      y_.block(r1, first, k - r1, started).noalias() -=
          l_.block(r1, r0, k - r1, r1 - r0) * y_.block(r0, first, r1 - r0, started);
    }
  }
}

void PrimalDual::remove_schur_row(int j) {
  const Index k = static_cast<Index>(base_.size());
  const Index c = col_[at(j)];
  const Index last = schur_columns() - 1;
  if (c != last) {
    y_.col(c).head(k) = y_.col(last).head(k);
    const int moved = schur_.back();
    col_[at(moved)] = static_cast<int>(c);
    schur_[at(c - me_)] = moved;
  }
  schur_.pop_back();
  col_[at(j)] = -1;
  state_[at(j)] = BoundState::kFree;
  s_columns_ = 0;
}

bool PrimalDual::solve() {
  const Index k = static_cast<Index>(base_.size());
  const Index m = schur_columns();
  if (k < m) return false;  // more working rows than base variables: S is singular
  const auto lk = l_.topLeftCorner(k, k).triangularView<Eigen::Lower>();
  if (!w0_valid_) {
    w0_.resize(k);
    for (Index i = 0; i < k; ++i) w0_[i] = -gfix_[base_[at(i)]];
    lk.solveInPlace(w0_);
    w0_valid_ = true;
  }
  v_ = w0_;
  if (m > 0) {
    const auto y = y_.topLeftCorner(k, m);
    if (s_columns_ < m) {
      if (s_columns_ == 0) {
        s_.setZero(m, m);
        s_.selfadjointView<Eigen::Lower>().rankUpdate(y.transpose());
      } else {
        // Rows of the new columns (their lower-triangle part and a little more).
        s_.conservativeResize(m, m);
        s_.bottomRows(m - s_columns_).noalias() = y.rightCols(m - s_columns_).transpose() * y;
      }
      s_columns_ = m;
      s_llt_.compute(s_);
      if (s_llt_.info() != Eigen::Success) return false;
      const double smax = s_.diagonal().maxCoeff();
      if (!(s_llt_.matrixLLT().diagonal().minCoeff() > 1e-7 * std::sqrt(smax))) return false;
    }
    // Right-hand sides of the working rows: b minus the contribution of the variables outside
    // the base, and the bound values of the Schur rows.
    t_.resize(m);
    for (Index r = 0; r < me_; ++r) {
      double rhs = p_.b[r];
      for (Index i = 0; i < n_; ++i) {
        if (pos_[at(i)] < 0 && x_[i] != 0.0) rhs -= p_.A(r, i) * x_[i];
      }
      t_[r] = rhs;
    }
    for (Index c = me_; c < m; ++c) t_[c] = x_[schur_[at(c - me_)]];
    lambda_.noalias() = y.transpose() * w0_;
    lambda_ -= t_;
    s_llt_.solveInPlace(lambda_);
    v_.noalias() -= y * lambda_;
  } else {
    lambda_.resize(0);
  }
  lk.transpose().solveInPlace(v_);
  for (Index i = 0; i < k; ++i) {
    const int var = base_[at(i)];
    if (state_[at(var)] == BoundState::kFree) x_[var] = v_[i];
  }
  return true;
}

void PrimalDual::refine(const VectorXd& gradient) {
  // One step of iterative refinement on the KKT system of the current working set, with the
  // same factors: P_BB δx + Cᵀδλ = −(P x + q + Cᵀλ)_B and C δx = 0 (x meets its rows exactly up
  // to the equality residual, which goes in as well).
  const Index k = static_cast<Index>(base_.size());
  const Index m = schur_columns();
  const auto lk = l_.topLeftCorner(k, k).triangularView<Eigen::Lower>();
  work_.resize(k);
  for (Index i = 0; i < k; ++i) {
    const int var = base_[at(i)];
    double r = gradient[var];
    for (Index e = 0; e < me_; ++e) r += p_.A(e, var) * lambda_[e];
    if (col_[at(var)] >= 0) r += lambda_[col_[at(var)]];
    work_[i] = -r;
  }
  lk.solveInPlace(work_);
  if (m > 0) {
    const auto y = y_.topLeftCorner(k, m);
    t_.setZero(m);
    if (me_ > 0) t_.head(me_) = p_.b - p_.A * x_;
    v_.noalias() = y.transpose() * work_;
    v_ -= t_;
    s_llt_.solveInPlace(v_);
    lambda_ += v_;
    work_.noalias() -= y * v_;
  }
  lk.transpose().solveInPlace(work_);
  for (Index i = 0; i < k; ++i) {
    const int var = base_[at(i)];
    if (state_[at(var)] == BoundState::kFree) x_[var] += work_[i];
  }
}

PrimalDualOutcome PrimalDual::run(std::chrono::steady_clock::time_point start) {
  PrimalDualOutcome out;
  for (Index i = 0; i < n_; ++i) {
    if (lo_[i] == up_[i]) {
      pinned_[at(i)] = true;
      set_bound(i, BoundState::kAtLower);
    }
  }
  for (int i : opt_.warm_active_lower) {
    if (i >= 0 && i < n_ && std::isfinite(lo_[i])) set_bound(i, BoundState::kAtLower);
  }
  for (int i : opt_.warm_active_upper) {
    if (i >= 0 && i < n_ && std::isfinite(up_[i]) && state_[at(i)] == BoundState::kFree) {
      set_bound(i, BoundState::kAtUpper);
    }
  }
  if (!refactor()) {
    out.reason = "P restricted to the free variables is not positive definite";
    return out;
  }
  out.full_factor = static_cast<Index>(base_.size()) == n_;
  VectorXd gradient(n_), aty(n_);
  std::vector<int> fix, release, outside;
  bool refined = false;
  std::uint64_t signature = 0;
  for (Index i = 0; i < n_; ++i) {
    if (state_[at(i)] != BoundState::kFree) signature ^= signature_key(i, state_[at(i)]);
  }
  std::vector<std::uint64_t> seen = {signature};
  for (out.rounds = 1; out.rounds <= kMaxRounds; ++out.rounds) {
    if (opt_.time_limit_s > 0.0 && elapsed_ms(start) > 1e3 * opt_.time_limit_s) {
      out.time_limit = true;
      out.reason = "time limit";
      break;
    }
    if (!solve()) {
      out.reason = "the working rows are linearly dependent";
      break;
    }
    const Index k = static_cast<Index>(base_.size());
    // Gradient entries of the variables outside the base: (P x)_i from the base's columns or
    // from the variable's own column, whichever is shorter.
    outside.clear();
    for (Index i = 0; i < n_; ++i) {
      if (pos_[at(i)] < 0 && !pinned_[at(i)]) outside.push_back(static_cast<int>(i));
    }
    aty.setZero();
    if (me_ > 0) aty.noalias() = p_.A.transpose() * lambda_.head(me_);
    double scale = aty.cwiseAbs().maxCoeff();
    fix.clear();
    release.clear();
    if (!outside.empty()) {
      if (static_cast<Index>(outside.size()) <= k) {
        xb_.setZero(n_);
        for (int var : base_) xb_[var] = x_[var];
        for (int i : outside) gradient[i] = gfix_[i] + p_.P.col(i).dot(xb_);
      } else {
        gradient = gfix_;
        for (int var : base_) gradient.noalias() += x_[var] * p_.P.col(var);
      }
    }
    for (int i : outside) scale = std::max(scale, std::abs(gradient[i] + aty[i]));
    for (int j : schur_) scale = std::max(scale, std::abs(lambda_[col_[at(j)]]));
    double dual_tol = opt_.tolerance * std::max(scale, 1e-300);
    for (int var : base_) {
      if (state_[at(var)] == BoundState::kFree) {
        if (x_[var] < lo_[var] || x_[var] > up_[var]) fix.push_back(var);
      } else if (multiplier(var, -lambda_[col_[at(var)]]) < -dual_tol) {
        // A Schur row's multiplier is ν_j = −(P x + q + Aᵀy)_j.
        release.push_back(var);
      }
    }
    for (int i : outside) {
      if (multiplier(i, gradient[i] + aty[i]) < -dual_tol) release.push_back(i);
    }
    if (fix.empty() && release.empty()) {
      // Verify against the gradient computed afresh (and refine once if stationarity on the free
      // variables is loose) before calling it optimal.
      gradient.noalias() = p_.P * x_;
      gradient += p_.q;
      dual_tol = opt_.tolerance * std::max(gradient.cwiseAbs().maxCoeff(), 1e-300);
      double stationarity = 0.0;
      for (Index i = 0; i < n_; ++i) {
        if (state_[at(i)] == BoundState::kFree)
          stationarity = std::max(stationarity, std::abs(gradient[i] + aty[i]));
      }
      if (stationarity > 1e-2 * dual_tol && !refined) {
        refined = true;
        refine(gradient);
        if (me_ > 0) aty.noalias() = p_.A.transpose() * lambda_.head(me_);
        gradient.noalias() = p_.P * x_;
        gradient += p_.q;
        stationarity = 0.0;
        for (Index i = 0; i < n_; ++i) {
          if (state_[at(i)] != BoundState::kFree) continue;
          stationarity = std::max(stationarity, std::abs(gradient[i] + aty[i]));
          if (x_[i] < lo_[i] || x_[i] > up_[i]) fix.push_back(static_cast<int>(i));
        }
      }
      for (Index i = 0; i < n_; ++i) {
        if (state_[at(i)] == BoundState::kFree || pinned_[at(i)]) continue;
        if (multiplier(i, gradient[i] + aty[i]) < -dual_tol) release.push_back(static_cast<int>(i));
      }
      if (fix.empty() && release.empty()) {
        if (stationarity > dual_tol) {
          out.reason = fmt::format("stationarity residual {:.3g} above tolerance", stationarity);
          break;
        }
        out.optimal = true;
        out.x = x_;
        out.y = me_ > 0 ? VectorXd(lambda_.head(me_)) : VectorXd(0);
        out.gradient = std::move(gradient);
        out.state = state_;
        out.changes = changes_;
        return out;
      }
    }
    // Nearly every free variable outside its bounds after the first round (a strong linear term
    // pushes the unconstrained weights far out of the box): the rounds would oscillate for long,
    // while the primal active set from a vertex, with few variables free, is fast.
    if (out.rounds == 1 && k >= 20 && 20 * static_cast<Index>(fix.size()) >= 19 * k) {
      out.reason = "nearly every variable violates a bound at the all-free start";
      break;
    }
    // Every variable at a bound would leave the equality rows nothing to act on (e.g. a
    // mean-variance utility whose unconstrained weights all lie outside the box): the least
    // violating variables stay free, me of them at least.
    Index free_after = k - static_cast<Index>(schur_.size()) - static_cast<Index>(fix.size());
    for (int i : release) free_after += pos_[at(i)] >= 0 ? 1 : 0;
    if (free_after < me_) {
      const auto violation = [&](int i) { return std::max(lo_[i] - x_[i], x_[i] - up_[i]); };
      std::sort(fix.begin(), fix.end(), [&](int a, int b) { return violation(a) > violation(b); });
      const Index keep = std::min<Index>(me_ - free_after, static_cast<Index>(fix.size()));
      fix.resize(fix.size() - static_cast<std::size_t>(keep));
    }
    const auto side = [&](int i) {
      return x_[i] < lo_[i] ? BoundState::kAtLower : BoundState::kAtUpper;
    };
    for (int i : release) signature ^= signature_key(i, state_[at(i)]);
    for (int i : fix) signature ^= signature_key(i, side(i));
    if (std::find(seen.begin(), seen.end(), signature) != seen.end()) {
      out.reason = "the working sets cycle";
      break;
    }
    seen.push_back(signature);
    changes_ += static_cast<int>(fix.size() + release.size());
    // Apply the round's changes. Base variables change through the Schur rows; variables outside
    // the base are appended to the factor, or the base is rebuilt when that is cheaper.
    int appends = 0;
    for (int i : release) {
      if (pos_[at(i)] >= 0) {
        remove_schur_row(i);
      } else {
        ++appends;
      }
    }
    for (int i : fix) set_bound(i, side(i));
    const Index schur_rows = static_cast<Index>(schur_.size() + fix.size());
    const Index free_in_base = k - schur_rows;
    const bool rebuild = 2 * schur_rows > free_in_base + 16 || 4 * appends > k + appends + 16;
    if (rebuild) {
      for (int i : release) state_[at(i)] = BoundState::kFree;
      if (!refactor()) {
        out.reason = "P restricted to the free variables is not positive definite";
        break;
      }
      continue;
    }
    add_schur_rows(fix);
    bool ok = true;
    for (int i : release) {
      if (pos_[at(i)] < 0 && !append(i)) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      out.reason = "P restricted to the free variables is not positive definite";
      break;
    }
  }
  if (out.reason.empty()) out.reason = fmt::format("no convergence in {} rounds", kMaxRounds);
  out.changes = changes_;
  return out;
}

}  // namespace

PrimalDualOutcome solve_bounds_primal_dual(const QpProblem& problem, const QpOptions& options,
                                           std::chrono::steady_clock::time_point start) {
  PrimalDual method(problem, options);
  return method.run(start);
}

}  // namespace keel::qp_detail
