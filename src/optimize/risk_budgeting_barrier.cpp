#include "optimize/risk_budgeting_barrier.hpp"

#include <fmt/format.h>

#include <ClpSimplex.hpp>
#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "optimize/constraint_rows.hpp"
#include "optimize/lp_model.hpp"

namespace keel::rb_detail {
namespace {

// One inequality cᵀx ≤ d in "≤" form (a lower bound x_i ≥ l is −x_i ≤ −l), so that its
// multiplier in the stationarity condition ∇f + Σ π c = 0 is ≥ 0. Bounds keep their asset index
// (diagonal rows are cheap); general rows keep their coefficients.
struct Inequality {
  int asset = -1;         // ≥ 0 for a bound row ±e_asset
  double sign = 1.0;      // +1 upper bound, −1 lower bound (bounds, also after homogenising)
  Eigen::VectorXd row{};  // general rows only
  double rhs = 0.0;
  std::string name{};
  int bound_of = -1;  // the asset whose bound this is (kept when homogenising makes it a row)
  bool lower_bound() const { return bound_of >= 0 && sign < 0; }
};

struct Equality {
  Eigen::VectorXd row{};
  double rhs = 0.0;
  std::string name{};
};

// Ω as the Newton systems see it. Upper bounds ≥ 1 are left out (with Σx = 1 and x > 0 they
// cannot bind), and so are zero lower bounds (the logarithms keep x > 0).
struct ConstraintSet {
  std::vector<Inequality> inequalities;
  std::vector<Equality> equalities;  // without the budget Σx = 1, which is handled separately
};

std::string group_name(const GroupConstraint& g, std::size_t k) {
  return fmt::format("group[{}]", g.name.empty() ? std::to_string(k) : g.name);
}
std::string linear_name(const LinearConstraint& l, std::size_t k) {
  return fmt::format("linear[{}]", l.name.empty() ? std::to_string(k) : l.name);
}

ConstraintSet build_constraints(int n, const RiskBudgetingOptions& options) {
  ConstraintSet set;
  for (int i = 0; i < n; ++i) {
    const double lo = options.lower.size() > 0 ? options.lower[i] : 0.0;
    const double hi = options.upper.size() > 0 ? options.upper[i] : 1.0;
    const std::string name = fmt::format("bounds[{}]", i);
    if (lo == hi) {
      set.equalities.push_back({Eigen::VectorXd::Unit(n, i), lo, name});
      continue;
    }
    if (hi < 1.0) set.inequalities.push_back({i, 1.0, {}, hi, name, i});
    if (lo > 0.0) set.inequalities.push_back({i, -1.0, {}, -lo, name, i});
  }
  auto add_range = [&](const Eigen::VectorXd& row, double lo, double hi, const std::string& name) {
    if (lo == hi) {
      set.equalities.push_back({row, lo, name});
      return;
    }
    if (std::isfinite(hi)) set.inequalities.push_back({-1, 1.0, row, hi, name, -1});
    if (std::isfinite(lo)) set.inequalities.push_back({-1, 1.0, -row, -lo, name, -1});
  };
  // Groups, then linear rows, as the other models see them (constraint_rows.hpp); their names in
  // the same order.
  PortfolioConstraints rows;
  rows.groups = options.groups;
  rows.linear = options.linear;
  detail::ConstraintMask mask = detail::full_mask(rows);
  mask.total = false;
  mask.bounds = false;
  std::size_t emitted = 0;
  detail::for_each_weight_row(
      rows, n, mask, Eigen::VectorXd(), 0.0, false,
      [&](const Eigen::VectorXd& row, double lo, double hi, bool /*equality*/) {
        const std::size_t k = emitted++;
        add_range(row, lo, hi,
                  k < rows.groups.size()
                      ? group_name(rows.groups[k], k)
                      : linear_name(rows.linear[k - rows.groups.size()], k - rows.groups.size()));
      });
  return set;
}

// The scale-invariant form of Ω: a limit cᵀw ≤ d on the weights w = y / Σy is the cone
// (c − d·1)ᵀy ≤ 0, an equality likewise, so the set no longer fixes the scale of y.
ConstraintSet homogenise(const ConstraintSet& set, int n) {
  ConstraintSet cone;
  for (const Inequality& in : set.inequalities) {
    Inequality row = in;
    if (in.asset >= 0) row.row = in.sign * Eigen::VectorXd::Unit(n, in.asset);
    row.row.array() -= in.rhs;
    row.asset = -1;
    row.rhs = 0.0;
    cone.inequalities.push_back(std::move(row));
  }
  for (const Equality& eq : set.equalities) {
    cone.equalities.push_back({(eq.row.array() - eq.rhs).matrix(), 0.0, eq.name});
  }
  return cone;
}

// Phase 1: max t s.t. Σx = 1, equalities, x_i ≥ t (and ≥ l_i + t), every inequality slack
// ≥ t·‖c‖, t ≤ 1/n. A positive t gives a strictly feasible start (t = 1/n is the equally
// weighted portfolio, when it is allowed).
struct PhaseOne {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd x;
  double margin = 0.0;
};

PhaseOne phase_one(int n, const ConstraintSet& set) {
  lp::Model model;
  for (int i = 0; i < n; ++i) model.add_column(0.0, 1.0, 0.0);
  const int t = model.add_column(-1.0, 1.0 / n, -1.0);
  std::vector<int> all(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
  auto dense_row = [&](const Eigen::VectorXd& row, double margin_coefficient, double lo,
                       double hi) {
    std::vector<int> columns = all;
    std::vector<double> values(row.data(), row.data() + n);
    if (margin_coefficient != 0.0) {
      columns.push_back(t);
      values.push_back(margin_coefficient);
    }
    model.add_row(columns, values, lo, hi);
  };
  dense_row(Eigen::VectorXd::Ones(n), 0.0, 1.0, 1.0);
  std::vector<bool> fixed(static_cast<std::size_t>(n), false);
  for (const Equality& eq : set.equalities) {
    dense_row(eq.row, 0.0, eq.rhs, eq.rhs);
    if ((eq.row.array() != 0.0).count() == 1) {
      Eigen::Index i = 0;
      eq.row.cwiseAbs().maxCoeff(&i);
      fixed[static_cast<std::size_t>(i)] = true;
    }
  }
  for (int i = 0; i < n; ++i) {
    if (!fixed[static_cast<std::size_t>(i)]) model.add_row({i, t}, {1.0, -1.0}, 0.0, kInfinity);
  }
  for (const Inequality& in : set.inequalities) {
    if (in.asset >= 0) {
      model.add_row({in.asset, t}, {in.sign, 1.0}, -kInfinity, in.rhs);
    } else {
      dense_row(in.row, in.row.norm(), -kInfinity, in.rhs);
    }
  }
  ClpSimplex clp;
  model.load(clp);
  clp.dual();
  PhaseOne out;
  out.status = lp::map_status(clp, false);
  if (out.status != SolveStatus::kOptimal) return out;
  const double* solution = clp.primalColumnSolution();
  out.x = Eigen::Map<const Eigen::VectorXd>(solution, n);
  out.margin = solution[t];
  return out;
}

// The Newton iteration on the first-order conditions of the barrier problem with weight μ,
//   F1 = Σx − λ b/x + μ Σ_k c_k / s_k + Eᵀν = 0,   F2 = E x − e = 0,   F3 = Σx − 1 = 0,
// over (x, ν, λ), s_k = d_k − c_kᵀx being the slacks of the inequalities kept in the barrier.
// With μ = 0 and the binding inequalities moved into E it is the active-set polish.
class Newton {
 public:
  // Keeps a pointer to `covariance`, which must outlive the object.
  Newton(const Eigen::Ref<const Eigen::MatrixXd>& covariance, const Eigen::VectorXd& budgets)
      : cov_(&covariance), b_(budgets), n_(static_cast<int>(budgets.size())) {}

  Eigen::VectorXd x;
  Eigen::VectorXd nu;
  double lambda = 0.0;
  int iterations = 0;
  // With λ fixed, Σx = 1 is dropped: the iteration computes x(λ) itself (used to scan Σx(λ)).
  bool fixed_lambda = false;

  // The phase: the barrier inequalities (ignored when mu == 0), the equalities, μ, and the
  // scale of F1 in the merit function (λ at the start of the solve).
  void set_phase(const std::vector<const Inequality*>& barrier, const std::vector<Equality>& eqs,
                 double mu) {
    barrier_ = barrier;
    mu_ = mu;
    const int k = static_cast<int>(eqs.size());
    E_.resize(k, n_);
    e_.resize(k);
    for (int r = 0; r < k; ++r) {
      E_.row(r) = eqs[static_cast<std::size_t>(r)].row.transpose();
      e_[r] = eqs[static_cast<std::size_t>(r)].rhs;
    }
    dense_.clear();
    for (std::size_t k2 = 0; k2 < barrier_.size(); ++k2) {
      if (barrier_[k2]->asset < 0) dense_.push_back(static_cast<int>(k2));
    }
    C_.resize(static_cast<Eigen::Index>(dense_.size()), n_);
    for (std::size_t r = 0; r < dense_.size(); ++r) {
      C_.row(static_cast<Eigen::Index>(r)) =
          barrier_[static_cast<std::size_t>(dense_[r])]->row.transpose();
    }
  }

  // Slacks of the barrier inequalities at `point` (size = barrier count).
  Eigen::VectorXd slacks(const Eigen::VectorXd& point) const {
    Eigen::VectorXd s(static_cast<Eigen::Index>(barrier_.size()));
    Eigen::VectorXd dense_values;
    if (C_.rows() > 0) dense_values = C_ * point;
    std::size_t next_dense = 0;
    for (std::size_t k = 0; k < barrier_.size(); ++k) {
      const Inequality& in = *barrier_[k];
      const double value = in.asset >= 0 ? in.sign * point[in.asset]
                                         : dense_values[static_cast<Eigen::Index>(next_dense++)];
      s[static_cast<Eigen::Index>(k)] = in.rhs - value;
    }
    return s;
  }

  // Runs damped Newton until max_i |x_i F1_i| / (λ b_i), ‖F2‖∞ and |F3| are ≤ tolerance; false
  // when a factorisation fails, the line search stalls or `max_iterations` pass.
  bool solve(double tolerance, int max_iterations) {
    if (mu_ > 0 && slacks(x).minCoeff() <= 0.0) return false;
    scale_ = lambda;
    for (int it = 0; it < max_iterations; ++it) {
      Residual r = residual(x, nu, lambda);
      if (converged(r, tolerance)) return true;
      Step step;
      if (!direction(r, step)) return false;
      double alpha = max_step(step);
      const double merit = r.merit;
      bool accepted = false;
      for (int k = 0; k < 60; ++k) {
        const Eigen::VectorXd xt = x + alpha * step.dx;
        const Eigen::VectorXd nut = nu + alpha * step.dnu;
        const double lt = lambda + alpha * step.dlambda;
        if (alpha < 1e-12) break;
        if (xt.minCoeff() > 0.0 && lt > 0.0 && (mu_ == 0 || slacks(xt).minCoeff() > 0.0)) {
          const Residual trial = residual(xt, nut, lt);
          if (trial.merit <= (1.0 - 1e-4 * alpha) * merit && trial.merit < merit) {
            x = xt;
            nu = nut;
            lambda = lt;
            accepted = true;
            break;
          }
        }
        alpha *= 0.5;
      }
      ++iterations;
      if (!accepted) return converged(residual(x, nu, lambda), 100 * tolerance);
    }
    return converged(residual(x, nu, lambda), tolerance);
  }

  // Multiplier estimates μ / s of the barrier inequalities at x.
  Eigen::VectorXd barrier_multipliers() const { return mu_ / slacks(x).array(); }

 private:
  struct Residual {
    Eigen::VectorXd f1, f2;
    double f3 = 0.0;
    double merit = 0.0;
  };
  struct Step {
    Eigen::VectorXd dx, dnu;
    double dlambda = 0.0;
  };

  Residual residual(const Eigen::VectorXd& px, const Eigen::VectorXd& pnu, double plambda) const {
    Residual r;
    r.f1.noalias() = *cov_ * px;
    r.f1.array() -= plambda * b_.array() / px.array();
    if (E_.rows() > 0) r.f1.noalias() += E_.transpose() * pnu;
    if (mu_ > 0 && !barrier_.empty()) {
      const Eigen::VectorXd s = slacks(px);
      Eigen::VectorXd dense_weights(static_cast<Eigen::Index>(dense_.size()));
      for (std::size_t k = 0; k < barrier_.size(); ++k) {
        const Inequality& in = *barrier_[k];
        if (in.asset >= 0) r.f1[in.asset] += mu_ * in.sign / s[static_cast<Eigen::Index>(k)];
      }
      for (std::size_t r2 = 0; r2 < dense_.size(); ++r2) {
        dense_weights[static_cast<Eigen::Index>(r2)] =
            mu_ / s[static_cast<Eigen::Index>(dense_[r2])];
      }
      if (C_.rows() > 0) r.f1.noalias() += C_.transpose() * dense_weights;
    }
    r.f2 = E_.rows() > 0 ? Eigen::VectorXd(E_ * px - e_) : Eigen::VectorXd();
    r.f3 = fixed_lambda ? 0.0 : px.sum() - 1.0;
    const double f1_norm = r.f1.norm() / scale_;
    r.merit = std::sqrt(f1_norm * f1_norm + r.f2.squaredNorm() + r.f3 * r.f3);
    return r;
  }

  bool converged(const Residual& r, double tolerance) const {
    const double stationarity =
        (x.cwiseProduct(r.f1).array() / (lambda * b_.array())).abs().maxCoeff();
    const double feasibility =
        std::max(r.f2.size() > 0 ? r.f2.lpNorm<Eigen::Infinity>() : 0.0, std::abs(r.f3));
    return stationarity <= tolerance && feasibility <= 1e-14;
  }

  // Solves H dx + Eᵀdν − (b/x) dλ = −F1, E dx = −F2, 1ᵀdx = −F3 through a Cholesky factor of
  // H = Σ + λ diag(b/x²) + μ Σ_k c_k c_kᵀ / s_k² and the (k + 1)-square system in (dν, dλ).
  bool direction(const Residual& r, Step& step) const {
    // H lives in a member buffer and is factored in place: a fresh n × n matrix per iteration
    // cost as much in allocation and page faults as the factorisation itself at n = 500.
    Eigen::MatrixXd& H = h_;
    H.resize(n_, n_);
    H.triangularView<Eigen::Lower>() = *cov_;
    H.diagonal().array() += lambda * b_.array() / x.array().square();
    if (mu_ > 0 && !barrier_.empty()) {
      const Eigen::VectorXd s = slacks(x);
      Eigen::MatrixXd scaled(static_cast<Eigen::Index>(dense_.size()), n_);
      for (std::size_t k = 0; k < barrier_.size(); ++k) {
        const Inequality& in = *barrier_[k];
        const double sk = s[static_cast<Eigen::Index>(k)];
        if (in.asset >= 0) H(in.asset, in.asset) += mu_ / (sk * sk);
      }
      for (std::size_t r2 = 0; r2 < dense_.size(); ++r2) {
        scaled.row(static_cast<Eigen::Index>(r2)) =
            C_.row(static_cast<Eigen::Index>(r2)) *
            (std::sqrt(mu_) / s[static_cast<Eigen::Index>(dense_[r2])]);
      }
      if (scaled.rows() > 0) {
        H.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
      }
    }
    const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(H);
    if (llt.info() != Eigen::Success) return false;
    const Eigen::Index k = E_.rows();
    const Eigen::Index m = fixed_lambda ? k : k + 1;
    Eigen::MatrixXd M(n_, m);
    if (k > 0) M.leftCols(k) = E_.transpose();
    if (!fixed_lambda) M.col(k) = -(b_.array() / x.array()).matrix();
    const Eigen::VectorXd base = llt.solve(-r.f1);
    step.dx = base;
    step.dnu = Eigen::VectorXd::Zero(k);
    step.dlambda = 0.0;
    if (m == 0) return step.dx.allFinite();
    const Eigen::MatrixXd Y = llt.solve(M);
    Eigen::MatrixXd S(m, m);
    Eigen::VectorXd rhs(m);
    if (k > 0) {
      S.topRows(k) = E_ * Y;
      rhs.head(k) = E_ * base + r.f2;
    }
    if (!fixed_lambda) {
      S.row(k) = Y.colwise().sum();
      rhs[k] = base.sum() + r.f3;
    }
    const Eigen::FullPivLU<Eigen::MatrixXd> lu(S);
    if (!lu.isInvertible()) return false;
    const Eigen::VectorXd dz = lu.solve(rhs);
    if (!dz.allFinite()) return false;
    step.dx -= Y * dz;
    step.dnu = dz.head(k);
    if (!fixed_lambda) step.dlambda = dz[k];
    return step.dx.allFinite();
  }

  // Longest step ≤ 1 that keeps x, λ and (in the barrier) the slacks strictly positive, with the
  // usual fraction 0.995 to the boundary.
  double max_step(const Step& step) const {
    constexpr double kFraction = 0.995;
    double alpha = 1.0;
    for (int i = 0; i < n_; ++i) {
      if (step.dx[i] < 0) alpha = std::min(alpha, kFraction * x[i] / -step.dx[i]);
    }
    if (step.dlambda < 0) alpha = std::min(alpha, kFraction * lambda / -step.dlambda);
    if (mu_ > 0 && !barrier_.empty()) {
      const Eigen::VectorXd s = slacks(x);
      const Eigen::VectorXd moved = slacks(x + step.dx);
      for (Eigen::Index k = 0; k < s.size(); ++k) {
        const double ds = moved[k] - s[k];
        if (ds < 0) alpha = std::min(alpha, kFraction * s[k] / -ds);
      }
    }
    return alpha;
  }

  const Eigen::Ref<const Eigen::MatrixXd>* cov_;
  Eigen::VectorXd b_;
  int n_;
  std::vector<const Inequality*> barrier_;
  std::vector<int> dense_;  // positions in barrier_ of the general rows
  Eigen::MatrixXd C_;       // their coefficients
  Eigen::MatrixXd E_;
  Eigen::VectorXd e_;
  double mu_ = 0.0;
  double scale_ = 1.0;
  mutable Eigen::MatrixXd h_;  // the Newton matrix, factored in place
};

// Active-set polish: the inequalities whose slack is below sqrt(μ/λ) (multiplier μ/s above
// λ × slack) become equalities and the Newton system is solved without barrier. The polished
// point replaces the barrier point, and `binding` is filled, only when it is an exact KKT point:
// converged, multipliers of the binding inequalities ≥ 0, the other inequalities satisfied, x > 0.
bool polish(Newton& newton, const ConstraintSet& set, double mu, double tolerance,
            std::vector<bool>& binding) {
  const auto n = newton.x.size();
  const Eigen::VectorXd s = newton.slacks(newton.x);
  const Eigen::VectorXd pi = newton.barrier_multipliers();
  const double threshold = std::sqrt(mu / newton.lambda);
  std::vector<Equality> equalities = set.equalities;
  Eigen::VectorXd nu = newton.nu;
  std::vector<std::size_t> chosen;
  for (std::size_t k = 0; k < set.inequalities.size(); ++k) {
    if (s[static_cast<Eigen::Index>(k)] >= threshold) continue;
    const Inequality& in = set.inequalities[k];
    Equality eq;
    eq.row = in.asset >= 0 ? Eigen::VectorXd(in.sign * Eigen::VectorXd::Unit(n, in.asset)) : in.row;
    eq.rhs = in.rhs;
    eq.name = in.name;
    equalities.push_back(std::move(eq));
    nu.conservativeResize(nu.size() + 1);
    nu[nu.size() - 1] = pi[static_cast<Eigen::Index>(k)];
    chosen.push_back(k);
  }
  Newton trial = newton;
  trial.nu = nu;
  trial.set_phase({}, equalities, 0.0);
  const bool converged = trial.solve(tolerance, 30);
  newton.iterations = trial.iterations;
  if (!converged || trial.x.minCoeff() <= 0.0) return false;
  const auto first = static_cast<Eigen::Index>(set.equalities.size());
  for (std::size_t j = 0; j < chosen.size(); ++j) {
    if (trial.nu[first + static_cast<Eigen::Index>(j)] < -1e-9 * trial.lambda) return false;
  }
  std::vector<bool> active(set.inequalities.size(), false);
  for (std::size_t k : chosen) active[k] = true;
  const Eigen::VectorXd polished_slacks = newton.slacks(trial.x);
  for (std::size_t k = 0; k < set.inequalities.size(); ++k) {
    if (!active[k] && polished_slacks[static_cast<Eigen::Index>(k)] < -1e-12) return false;
  }
  const int spent = trial.iterations;
  newton = std::move(trial);
  newton.iterations = spent;
  binding = std::move(active);
  return true;
}

}  // namespace

struct PathOutcome {
  bool have_point = false;  // some barrier stage converged (newton holds its point)
  bool exact = false;       // the polish (or the equality-only solve) confirmed the optimum
  double mu = 0.0;          // μ of the point in newton
};

// The barrier path: μ from mu_start down, twentyfold per stage, with λ solved jointly. Slacks
// computed as d − cᵀx lose their relative accuracy as they shrink, so the barrier alone cannot
// reach rounding-level accuracy; from μ ≤ 1e-6 λ0 on each stage tries the active-set polish,
// which is exact when its guess is right. mu_start = 0 (no inequalities) is one exact solve.
PathOutcome run_path(Newton& newton, const ConstraintSet& set,
                     const std::vector<const Inequality*>& inequalities, double mu_start,
                     double lambda0, double tolerance, int budget, std::vector<bool>& binding) {
  PathOutcome out;
  double mu = mu_start;
  const double mu_polish = 1e-6 * lambda0;
  const double mu_floor = 1e-12 * lambda0;
  Newton last_good = newton;
  while (true) {
    newton.set_phase(inequalities, set.equalities, mu);
    const bool ok = newton.solve(mu == 0.0 ? tolerance : std::max(tolerance, 1e-9),
                                 std::max(1, budget - newton.iterations));
    if (!ok) {
      if (out.have_point) {  // keep the last converged stage
        const int spent = newton.iterations;
        newton = last_good;
        newton.iterations = spent;
      }
      return out;
    }
    out.have_point = true;
    out.mu = mu;
    if (mu == 0.0) {
      out.exact = true;
      return out;
    }
    last_good = newton;
    if (mu <= mu_polish && polish(newton, set, mu, tolerance, binding)) {
      out.exact = true;
      return out;
    }
    if (mu <= mu_floor) return out;
    mu = std::max(mu_floor, mu / 20.0);
  }
}

struct ScanOutcome {
  bool bracketed = false;
  Eigen::VectorXd x, nu;  // x(λ) near the root, when bracketed
  double lambda = 0.0;
  std::string explanation;  // why no root exists, when not bracketed
};

// x(λ) at fixed λ by the barrier path down to μ = 1e-8 λ, from newton.x (strictly feasible).
bool fixed_lambda_point(Newton& newton, const ConstraintSet& set,
                        const std::vector<const Inequality*>& inequalities, double lambda,
                        const Eigen::VectorXd& start) {
  newton.fixed_lambda = true;
  newton.lambda = lambda;
  newton.x = start;
  newton.nu = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(set.equalities.size()));
  for (double mu = 1e-2 * lambda; mu >= 1e-8 * lambda * (1 - 1e-12); mu /= 20.0) {
    newton.set_phase(inequalities, set.equalities, mu);
    if (!newton.solve(1e-9, 200)) return false;
  }
  return true;
}

// Σx(λ) − 1 on λ0 · 10^(j/2), j = −8…8, then bisection in ln λ on the first sign change.
ScanOutcome scan_lambda(Newton& newton, const ConstraintSet& set,
                        const std::vector<const Inequality*>& inequalities, double lambda0) {
  ScanOutcome out;
  const Eigen::VectorXd start = newton.x;
  double lo = 0.0, hi = 0.0, lo_total = 0.0;
  double smallest = kInfinity, largest = -kInfinity;
  bool have_previous = false;
  double previous_lambda = 0.0, previous_total = 0.0;
  for (int j = -8; j <= 8 && !out.bracketed; ++j) {
    const double lambda = lambda0 * std::pow(10.0, 0.5 * j);
    if (!fixed_lambda_point(newton, set, inequalities, lambda, start)) continue;
    const double total = newton.x.sum();
    smallest = std::min(smallest, total);
    largest = std::max(largest, total);
    if (have_previous && (previous_total - 1.0) * (total - 1.0) <= 0.0) {
      out.bracketed = true;
      lo = previous_lambda;
      hi = lambda;
      lo_total = previous_total;
    }
    have_previous = true;
    previous_lambda = lambda;
    previous_total = total;
  }
  if (!out.bracketed) {
    out.explanation = fmt::format(
        "no constrained risk budgeting portfolio exists under these constraints: the budget-"
        "weighted solution x(λ) of Richard & Roncalli's problem never sums to 1 (Σx(λ) stays in "
        "[{:.4g}, {:.4g}] for λ over eight orders of magnitude around its natural scale); with "
        "linear constraints Σx(λ) need not be monotone. Loosen the group or linear limits, or "
        "use a mean-variance model for these constraints",
        smallest, largest);
    return out;
  }
  const bool increasing = lo_total < 1.0;
  for (int k = 0; k < 12; ++k) {
    const double mid = std::sqrt(lo * hi);
    if (!fixed_lambda_point(newton, set, inequalities, mid, start)) break;
    ((newton.x.sum() < 1.0) == increasing ? lo : hi) = mid;
  }
  out.lambda = std::sqrt(lo * hi);
  if (fixed_lambda_point(newton, set, inequalities, out.lambda, start)) {
    out.x = newton.x;
    out.nu = newton.nu;
  } else {
    out.bracketed = false;
    out.explanation = "the scan of Σx(λ) failed numerically near its root";
  }
  return out;
}

void solve_barrier(Eigen::Ref<const Eigen::MatrixXd> covariance,
                   const RiskBudgetingOptions& options, RiskBudgetingResult& result) {
  const int n = static_cast<int>(covariance.rows());
  result.solver = "barrier-newton";
  const ConstraintSet set = build_constraints(n, options);

  const PhaseOne start = phase_one(n, set);
  if (start.status == SolveStatus::kInfeasible ||
      (start.status == SolveStatus::kOptimal && start.margin < -1e-9)) {
    result.status = SolveStatus::kInfeasible;
    result.message =
        "no long-only, fully invested portfolio satisfies the bounds, groups and linear "
        "constraints together; loosen one of them";
    return;
  }
  if (start.status != SolveStatus::kOptimal) {
    result.status = SolveStatus::kNumericalError;
    result.message =
        fmt::format("the phase-1 LP for a feasible start failed ({})", to_string(start.status));
    return;
  }
  if (start.margin <= 1e-9) {
    result.status = SolveStatus::kInfeasible;
    result.message = fmt::format(
        "the constraints leave no portfolio with every weight strictly positive and every "
        "inequality strictly slack (largest margin {:.3g}); risk budgeting needs a positive weight "
        "in every asset: drop assets forced to zero, or write limits that can only hold with "
        "equality as equalities",
        start.margin);
    return;
  }

  std::vector<const Inequality*> all_inequalities;
  for (const Inequality& in : set.inequalities) all_inequalities.push_back(&in);

  Newton newton(covariance, result.budgets);
  newton.x = start.x;
  newton.nu = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(set.equalities.size()));
  newton.lambda = start.x.dot(covariance * start.x);  // λ* = x*ᵀΣx* when nothing binds
  const double lambda0 = newton.lambda;
  const int budget = options.max_iterations;
  const double tolerance = options.tolerance;

  std::vector<bool> binding(set.inequalities.size(), false);
  PathOutcome path =
      run_path(newton, set, all_inequalities, all_inequalities.empty() ? 0.0 : 1e-2 * lambda0,
               lambda0, tolerance, budget, binding);
  std::string scan_note;
  ConstraintSet cone;
  const ConstraintSet* solved_set = &set;
  if (!path.have_point && !all_inequalities.empty() && newton.iterations < budget) {
    // The joint iteration failed from the phase-1 start. Scan Σx(λ) (x(λ) by the fixed-λ path):
    // with linear rows it need not be monotone, and 1 may be out of its range — then no
    // constrained risk budgeting portfolio exists. Otherwise restart from the bracketed root.
    Newton fixed = newton;
    fixed.x = start.x;
    const ScanOutcome scan = scan_lambda(fixed, set, all_inequalities, lambda0);
    newton.iterations = fixed.iterations;
    if (scan.bracketed) {
      newton.x = scan.x;
      newton.nu = scan.nu;
      newton.lambda = scan.lambda;
      newton.fixed_lambda = false;
      path = run_path(newton, set, all_inequalities, 1e-8 * scan.lambda, scan.lambda, tolerance,
                      budget, binding);
    } else {
      // No λ* exists. The scale-invariant formulation always has a solution when a strictly
      // feasible portfolio exists: min ½ yᵀΣy − Σ b ln y over the cone of y whose weights
      // y / Σy meet the limits (λ = 1 fixed, no Σx = 1), i.e. w maximises
      // Σ b ln w − ln σ(w) under the limits (Maillard, Roncalli & Teiletche 2010, with Ω).
      scan_note = scan.explanation;
      cone = homogenise(set, n);
      solved_set = &cone;
      all_inequalities.clear();
      for (const Inequality& in : cone.inequalities) all_inequalities.push_back(&in);
      binding.assign(cone.inequalities.size(), false);
      const int spent = newton.iterations;
      newton = Newton(covariance, result.budgets);
      newton.iterations = spent;
      newton.fixed_lambda = true;
      newton.lambda = 1.0;
      newton.x = start.x / std::sqrt(start.x.dot(covariance * start.x));
      newton.nu = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(cone.equalities.size()));
      path = run_path(newton, cone, all_inequalities, 1e-2, 1.0, tolerance, budget, binding);
    }
  }
  const bool exact = path.exact;
  const double mu = path.mu;
  if (!path.have_point) {
    result.iterations = newton.iterations;
    const bool exhausted = newton.iterations >= budget;
    result.status = exhausted ? SolveStatus::kIterationLimit : SolveStatus::kNumericalError;
    result.message =
        exhausted ? fmt::format("no convergence in {} Newton iterations", budget)
                  : fmt::format(
                        "the barrier Newton method stalled at μ = {:.3g}: a Newton system was "
                        "singular or no step reduced the residual",
                        mu);
    return;
  }
  if (!exact) {
    // The polish never confirmed an active set: the barrier point of the last stage stands.
    const Eigen::VectorXd s = newton.slacks(newton.x);
    const double threshold = std::sqrt(mu / newton.lambda);
    for (std::size_t k = 0; k < set.inequalities.size(); ++k) {
      binding[k] = s[static_cast<Eigen::Index>(k)] < threshold;
    }
  }

  const bool scale_invariant = solved_set == &cone;
  result.iterations = newton.iterations;
  result.formulation = scale_invariant ? "scale-invariant" : "richard-roncalli";
  result.lambda = scale_invariant ? 0.0 : newton.lambda;
  result.status = exact ? SolveStatus::kOptimal : SolveStatus::kOptimalInaccurate;
  if (!exact) {
    result.message = fmt::format(
        "the active-set polish did not confirm the binding constraints; the answer is the "
        "barrier point at μ = {:.3g} λ, accurate to about 1e-9 in the risk contributions",
        mu / newton.lambda);
  }
  if (scale_invariant) {
    result.warnings.push_back(
        scan_note +
        "; returned instead the scale-invariant constrained risk budgeting portfolio, which "
        "maximises Σ b_i ln w_i − ln σ(w) under the limits (its risk contributions deviate from "
        "the budgets on every asset, by w_i times the limits' multipliers)");
  }
  result.weights = newton.x / newton.x.sum();
  std::vector<std::string> names;
  for (std::size_t k = 0; k < set.inequalities.size(); ++k) {
    if (!binding[k]) continue;
    const Inequality& in = set.inequalities[k];
    if (in.bound_of >= 0) {
      (in.lower_bound() ? result.lower_active : result.upper_active).push_back(in.bound_of);
    } else if (std::find(names.begin(), names.end(), in.name) == names.end()) {
      names.push_back(in.name);
    }
  }
  for (const Equality& eq : set.equalities) {
    if (eq.name.rfind("bounds[", 0) != 0) names.push_back(eq.name);
  }
  result.binding_constraints = names;
  if (!names.empty() || !result.lower_active.empty() || !result.upper_active.empty()) {
    result.warnings.push_back(fmt::format(
        "{} lower bound(s), {} upper bound(s){} bind: the risk contributions of the assets they "
        "involve differ from their budgets (constrained risk budgeting, Richard & Roncalli 2019)",
        result.lower_active.size(), result.upper_active.size(),
        names.empty() ? std::string() : fmt::format(" and {}", fmt::join(names, ", "))));
  }
}

}  // namespace keel::rb_detail
