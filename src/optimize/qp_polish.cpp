#include "optimize/qp_polish.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "optimize/qp_internal.hpp"

// Solution polishing (the idea OSQP's polish made popular; this is a different construction).
// An interior point stops at a point strictly inside the feasible set, accurate to its tolerance
// but never on the face it converges to. The face is visible, though: constraints whose
// multiplier exceeds their slack. Polishing solves the QP with exactly those constraints held as
// equalities, then accepts the answer only when it certifies itself.
//
// The equality-constrained QP is solved by elimination and a null-space method rather than by a
// regularised factorisation of the full KKT matrix:
// * Variables at an active bound are removed (fixed at the bound, so they sit exactly on it).
// * The remaining active rows C (equalities and active inequality rows, restricted to the free
//   variables and scaled to unit norm) are factorised Cᵀ Π = Q R by Householder QR with column
//   pivoting. Its rank decision drops rows that depend on the others (more active constraints
//   than free dimensions, a group row whose members are all at a bound, ...): their multipliers
//   keep the interior point's values, which are a valid split of the non-unique dual, and the
//   final feasibility check tests that they hold.
// * On the null space Z of the kept rows, the reduced Hessian ZᵀPZ is factorised by Cholesky.
//   Where the optimum on the face is unique (the case polishing is for) it is positive definite
//   and the solve is exact: no regularisation to bias it, unlike a quasi-definite KKT solve,
//   whose refinement converges slowly when P has eigenvalues near the regularisation. Where P has
//   no curvature on part of the face (LPs off a vertex, cost split variables, a homogenising κ)
//   the reduced Hessian is singular; proximal-point steps (ZᵀPZ + δI) started at the interior
//   point's own position then pick the optimum on that face nearest to it, and LPs at a vertex
//   have an empty null space and need no Hessian at all.
// A face costs one QR of an n_free × m_active matrix, one product with P (Householder reflectors
// applied from both sides, or an explicit basis when that is cheaper) and one Cholesky of size
// n_free − rank: about one interior-point iteration. When the first face is wrong at a few
// constraints (assets with weights of 1e-4 and assets held at zero by tiny multipliers are
// indistinguishable to an interior point stopped at 1e-10), up to two more faces are tried,
// each corrected by one primal-dual active-set step.
//
// A wrong guess must not make the answer worse, so the polished point replaces the interior
// point's only if it is feasible for every constraint (not just the guessed ones) to the solver
// tolerance, every guessed-active multiplier has the right sign, and its primal residual, dual
// residual and complementarity all meet the tolerance and are no larger than the interior
// point's. Such a point satisfies the KKT conditions at least as tightly as the interior point's,
// so (by convexity) it is at least as optimal; no separate objective comparison is needed.

namespace keel::qp_detail {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Solves H d = rhs for the reduced Hessian H = ZᵀPZ (symmetric positive semidefinite), factorised
// in place in the caller's workspace: an n × n buffer reused across rounds, because fresh
// megabyte-sized matrices cost more in page faults than the arithmetic on them.
class ReducedHessian {
 public:
  // No curvature on the face (P = 0 there, e.g. an LP): every solve returns 0.
  void set_zero() { top_ = 0.0; }

  // `h` holds H on entry (both triangles) and its Cholesky factor on return (lower triangle).
  // False when neither H nor H + δI can be factorised (P not PSD on the face).
  bool factor(Eigen::Ref<MatrixXd> h) {
    const Index k = h.rows();
    top_ = k == 0 ? 0.0 : h.diagonal().cwiseAbs().maxCoeff();
    if (!(top_ > 0.0)) return k == 0 || std::isfinite(top_);
    const VectorXd diagonal = h.diagonal();
    llt_.emplace(h);
    if (llt_->info() == Eigen::Success) {
      const double min_pivot = llt_->matrixLLT().diagonal().minCoeff();
      // min pivot² bounds the smallest eigenvalue from above: a crude condition estimate. Beyond
      // 1e12 a direct solve loses too many digits and H is treated as singular.
      if (min_pivot * min_pivot > 1e-12 * top_) {
        definite_ = true;
        return true;
      }
    }
    // The factorisation wrote only the lower triangle: H is its strict upper triangle and the
    // saved diagonal. Keep it for the proximal steps and factorise H + δI in its place.
    h_.resize(k, k);
    h_.triangularView<Eigen::StrictlyUpper>() = h.triangularView<Eigen::StrictlyUpper>();
    h_.triangularView<Eigen::StrictlyLower>() =
        h.triangularView<Eigen::StrictlyUpper>().transpose();
    h_.diagonal() = diagonal;
    h.triangularView<Eigen::Lower>() = h_.triangularView<Eigen::Lower>();
    h.diagonal().array() += 1e-8 * top_;
    llt_.emplace(h);
    return llt_->info() == Eigen::Success;
  }

  // Exact when H is positive definite. Otherwise proximal-point iterations
  // d ← d + (H + δI)⁻¹(rhs − H d) from d = 0, which converge to the solution nearest 0 when rhs
  // lies in the range of H (components along eigenvalues λ shrink by δ/(λ + δ) per step) and
  // otherwise leave the inconsistency in the residual for the acceptance checks to reject. With
  // H = 0 (no curvature at all on the face) the face's objective is linear and nothing moves.
  VectorXd solve(const VectorXd& rhs) const {
    const Index k = rhs.size();
    if (k == 0 || !(top_ > 0.0)) return VectorXd::Zero(k);
    if (definite_) return llt_->solve(rhs);
    VectorXd d = VectorXd::Zero(k);
    double previous = std::numeric_limits<double>::infinity();
    for (int it = 0; it < 30; ++it) {
      const VectorXd residual = rhs - h_ * d;
      const double norm = inf_norm(residual);
      if (!(norm < 0.5 * previous) || norm <= 1e-17 * (inf_norm(rhs) + top_ * inf_norm(d))) break;
      previous = norm;
      d += llt_->solve(residual);
    }
    return d;
  }

 private:
  std::optional<Eigen::LLT<Eigen::Ref<MatrixXd>>> llt_;
  MatrixXd h_;  // H itself, kept only when it is (nearly) singular
  double top_ = 0.0;
  bool definite_ = false;
};

enum class Side { kFree, kLower, kUpper };

// The equality-constrained QP on one face (variables on `side` fixed at that bound, `rows` held
// with equality) and its multipliers.
struct FaceAnswer {
  std::string failure;  // non-empty when the linear algebra failed
  VectorXd x;
  VectorXd y;      // multipliers of A x = b
  VectorXd z;      // multipliers of G x ≤ h: signed on `rows`, zero elsewhere
  VectorXd bound;  // z_lower − z_upper (signed) for variables on a bound, zero for free ones
};

class FaceSolver {
 public:
  FaceSolver(const QpProblem& problem, const QpSolution& ipm)
      : pr_(problem), ipm_(ipm), p_zero_(problem.P.cwiseAbs().maxCoeff() == 0.0) {}

  FaceAnswer solve(const std::vector<Side>& side, const std::vector<int>& rows);

 private:
  const QpProblem& pr_;
  const QpSolution& ipm_;
  bool p_zero_;
  MatrixXd work_;  // P on the free variables, then ZᵀPZ and its factor (allocated once)
};

FaceAnswer FaceSolver::solve(const std::vector<Side>& side, const std::vector<int>& rows) {
  const QpProblem& pr = pr_;
  const QpSolution& ipm = ipm_;
  FaceAnswer answer;
  const Index n = pr.variables();
  const Index me = pr.A.rows();
  const Index mg = pr.G.rows();
  VectorXd x = ipm.x;
  std::vector<int> free_index;
  free_index.reserve(static_cast<std::size_t>(n));
  for (Index j = 0; j < n; ++j) {
    switch (side[static_cast<std::size_t>(j)]) {
      case Side::kFree:
        free_index.push_back(static_cast<int>(j));
        break;
      case Side::kLower:
        x[j] = lower_bound(pr, j);
        break;
      case Side::kUpper:
        x[j] = upper_bound(pr, j);
        break;
    }
  }
  const Index nf = static_cast<Index>(free_index.size());
  const Index ma = me + static_cast<Index>(rows.size());

  // Active rows on the free variables, as columns of ct scaled to unit norm (so that the rank
  // decision compares directions, not magnitudes), with right-hand sides net of the variables
  // fixed at their bounds.
  VectorXd x_bound = x;
  for (int j : free_index) x_bound[j] = 0.0;
  MatrixXd ct(nf, ma);
  VectorXd d(ma);
  VectorXd row_scale = VectorXd::Ones(ma);
  VectorXd lambda_ipm(ma);  // the interior point's multipliers, in the scaled rows' units
  if (me > 0) {
    ct.leftCols(me) = pr.A(Eigen::all, free_index).transpose();
    d.head(me) = pr.b - pr.A * x_bound;
    lambda_ipm.head(me) = ipm.y;
  }
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Index c = me + static_cast<Index>(k);
    ct.col(c) = pr.G(rows[k], free_index).transpose();
    d[c] = pr.h[rows[k]] - pr.G.row(rows[k]).dot(x_bound);
    lambda_ipm[c] = ipm.z[rows[k]];
  }
  for (Index c = 0; c < ma; ++c) {
    const double norm = ct.col(c).norm();
    if (norm > 0.0) row_scale[c] = 1.0 / norm;
    ct.col(c) *= row_scale[c];
    d[c] *= row_scale[c];
    lambda_ipm[c] /= row_scale[c];
  }

  // Cᵀ Π = Q R; the first `rank` pivoted rows are kept, the others depend on them.
  Eigen::ColPivHouseholderQR<MatrixXd> qr;
  Index rank = 0;
  if (nf > 0 && ma > 0) {
    qr.setThreshold(1e-9);
    qr.compute(ct);
    rank = qr.rank();
  }
  const Index nz = nf - rank;
  std::vector<Index> order(static_cast<std::size_t>(ma));
  for (Index k = 0; k < ma; ++k) {
    order[static_cast<std::size_t>(k)] = rank > 0 ? qr.colsPermutation().indices()[k] : k;
  }
  using QType = decltype(qr.householderQ());
  std::optional<QType> q;  // Q as its first `rank` reflectors; the identity when rank = 0
  if (rank > 0) {
    q.emplace(qr.householderQ());
    q->setLength(rank);
  }
  auto apply_q = [&](const VectorXd& w) -> VectorXd { return rank > 0 ? VectorXd(*q * w) : w; };
  auto apply_qt = [&](const VectorXd& w) -> VectorXd {
    return rank > 0 ? VectorXd(q->transpose() * w) : w;
  };
  // R₁₁ and R₁₁ᵀ solves (only called when rank > 0).
  auto solve_r = [&](const VectorXd& rhs) -> VectorXd {
    return qr.matrixQR().topLeftCorner(rank, rank).triangularView<Eigen::Upper>().solve(rhs);
  };
  auto solve_rt = [&](const VectorXd& rhs) -> VectorXd {
    return qr.matrixQR()
        .topLeftCorner(rank, rank)
        .triangularView<Eigen::Upper>()
        .transpose()
        .solve(rhs);
  };

  // Reduced Hessian ZᵀP_FF Z: the reflectors applied to P from both sides cost 4·rank·n_f·
  // (n_f + n_z) flops, an explicit basis Z about n_f·n_z·(4·rank + 2·n_f + n_z); take the cheaper.
  ReducedHessian reduced;
  if (nz > 0 && p_zero_) {
    reduced.set_zero();
  } else if (nz > 0) {
    if (work_.rows() < nf) work_.resize(n, n);
    auto pff = work_.topLeftCorner(nf, nf);
    pff = pr.P(free_index, free_index);
    Index at = 0;  // H = work_.block(at, at, nz, nz)
    if (rank > 0) {
      const double nf_d = static_cast<double>(nf), nz_d = static_cast<double>(nz);
      const double rank_d = static_cast<double>(rank);
      const double two_sided = 4.0 * rank_d * nf_d * (nf_d + nz_d);
      const double basis = nf_d * nz_d * (4.0 * rank_d + 2.0 * nf_d + nz_d);
      if (two_sided <= basis) {
        pff.applyOnTheRight(*q);
        work_.block(0, rank, nf, nz).applyOnTheLeft(q->transpose());
        at = rank;
      } else {
        MatrixXd z = MatrixXd::Zero(nf, nz);
        z.bottomRows(nz).setIdentity();
        z.applyOnTheLeft(*q);
        const MatrixXd pz = pff * z;
        work_.topLeftCorner(nz, nz).noalias() = z.transpose() * pz;
      }
    }
    // P is finite (validated), so H is; a factor that overflows shows up in x below.
    auto h = work_.block(at, at, nz, nz);
    if (!reduced.factor(h)) {
      answer.failure = "P restricted to the guessed face is not positive semidefinite";
      return answer;
    }
  }

  // x_F = Q [u; v]: u from the kept rows (R₁₁ᵀu = d_K), v from the reduced stationarity
  // condition, started at the interior point's own null-space coordinates. Refinement passes
  // recompute both residuals from the data, so the answer is accurate to rounding.
  VectorXd d_kept(rank);
  for (Index k = 0; k < rank; ++k) d_kept[k] = d[order[static_cast<std::size_t>(k)]];
  VectorXd u = rank > 0 ? solve_rt(d_kept) : VectorXd(0);
  VectorXd v = nz > 0 ? VectorXd(apply_qt(ipm.x(free_index)).tail(nz)) : VectorXd(0);
  auto place = [&] {
    VectorXd w(nf);
    w << u, v;
    x(free_index) = apply_q(w);
  };
  auto kept_residual = [&] {
    const VectorXd x_free = x(free_index);
    VectorXd e(rank);
    for (Index k = 0; k < rank; ++k) {
      const Index c = order[static_cast<std::size_t>(k)];
      e[k] = d[c] - ct.col(c).dot(x_free);
    }
    return e;
  };
  // Each pass costs a product with P; one correction usually reaches rounding, after which the
  // reduced gradient stops shrinking and the loop ends with `gradient` current.
  VectorXd gradient(n);
  auto update_gradient = [&] {
    gradient.noalias() = pr.P * x;
    gradient += pr.q;
  };
  if (nf > 0) {
    place();
    double previous = std::numeric_limits<double>::infinity();
    for (int pass = 0;; ++pass) {
      if (rank > 0) {
        u += solve_rt(kept_residual());
        place();
      }
      update_gradient();
      if (nz == 0 || pass == 3) break;
      const VectorXd reduced_gradient = apply_qt(gradient(free_index)).tail(nz);
      const double norm = inf_norm(reduced_gradient);
      if (!(norm < 0.5 * previous) || norm == 0.0) break;
      previous = norm;
      v -= reduced.solve(reduced_gradient);
      place();
    }
  } else {
    update_gradient();
  }
  if (!x.allFinite()) {
    answer.failure = "the polished point is not finite";
    return answer;
  }

  // Multipliers: least squares on the kept rows (dependent rows keep the interior point's), then
  // the bound multipliers from the stationarity residual of the variables on a bound.
  VectorXd lambda = lambda_ipm;
  if (rank > 0) {
    VectorXd g_free = gradient(free_index);
    for (Index k = rank; k < ma; ++k) {
      const Index c = order[static_cast<std::size_t>(k)];
      g_free.noalias() += ct.col(c) * lambda_ipm[c];
    }
    const VectorXd lambda_kept = -solve_r(apply_qt(g_free).head(rank));
    for (Index k = 0; k < rank; ++k) lambda[order[static_cast<std::size_t>(k)]] = lambda_kept[k];
  }
  lambda = lambda.cwiseProduct(row_scale);
  answer.y = lambda.head(me);
  answer.z = VectorXd::Zero(mg);
  for (std::size_t k = 0; k < rows.size(); ++k) answer.z[rows[k]] = lambda[me + Index(k)];
  VectorXd stationarity = gradient;
  if (me > 0) stationarity.noalias() += pr.A.transpose() * answer.y;
  if (mg > 0) stationarity.noalias() += pr.G.transpose() * answer.z;
  answer.bound = VectorXd::Zero(n);
  for (Index j = 0; j < n; ++j) {
    if (side[static_cast<std::size_t>(j)] != Side::kFree) answer.bound[j] = stationarity[j];
  }
  answer.x = std::move(x);
  return answer;
}

}  // namespace

PolishOutcome polish_interior_point(const QpProblem& pr, const QpOptions& opt, QpSolution* ipm) {
  PolishOutcome outcome;
  auto refuse = [&](std::string reason) {
    outcome.reason = std::move(reason);
    return outcome;
  };
  const Index n = pr.variables();
  const Index me = pr.A.rows();
  const Index mg = pr.G.rows();
  if (ipm->x.size() != n || !ipm->x.allFinite() || ipm->y.size() != me || ipm->z.size() != mg ||
      ipm->z_lower.size() != n || ipm->z_upper.size() != n) {
    return refuse("the interior-point answer is incomplete");
  }

  // Units. The interior point judges its residuals on the problem scaled to max(|P|, |q|) = 1
  // when that size is outside [0.5, 2]; the same unit keeps these tests equivalent to its own.
  const VectorXd px = pr.P * ipm->x;
  const double size = std::max(pr.P.cwiseAbs().maxCoeff(), inf_norm(pr.q));
  const double objective_unit = size > 0.0 && (size < 0.5 || size > 2.0) ? size : 1.0;
  const double primal_scale = 1.0 + constraint_scale(pr);
  const double dual_scale = objective_unit + std::max(inf_norm(px), inf_norm(pr.q));
  const double comp_scale = std::max(objective_unit, std::abs(ipm->objective));
  // A polished residual may not exceed the tolerance nor the interior point's own residual,
  // up to a rounding floor far below any tolerance (so that 3e-17 against 5e-17 is no loss).
  const double floor = std::min(1e-13, opt.tolerance);
  const double primal_allow =
      std::min(opt.tolerance * primal_scale, std::max(ipm->primal_residual, floor * primal_scale));
  const double dual_allow =
      std::min(opt.tolerance * dual_scale, std::max(ipm->dual_residual, floor * dual_scale));

  // The guess: constraints whose multiplier exceeds their slack, both measured in units that do
  // not depend on how the problem is scaled: multipliers relative to the size of the gradient,
  // slacks (as distances, for rows) relative to the size of x. (The interior point's own
  // active_* lists compare them on its internally scaled problem, where scaling P by 1e4 hides
  // the multipliers of weakly held bounds.) A non-fixed variable that looks active at both
  // bounds (only possible on a narrow box) goes to the nearer one.
  double gradient_unit = std::max(inf_norm(px), inf_norm(pr.q));
  if (!(gradient_unit > 0.0)) gradient_unit = 1.0;
  const double x_unit = std::max(1.0, inf_norm(ipm->x));
  auto looks_active = [&](double multiplier, double slack, double row_norm) {
    return multiplier * row_norm / gradient_unit > slack / (row_norm * x_unit);
  };
  std::vector<Side> side(static_cast<std::size_t>(n), Side::kFree);
  for (Index j = 0; j < n; ++j) {
    const double lo = lower_bound(pr, j);
    const double up = upper_bound(pr, j);
    const double xj = ipm->x[j];
    Side& s = side[static_cast<std::size_t>(j)];
    if (lo == up) {
      s = Side::kLower;  // fixed: on both bounds, its multiplier may take either sign
      continue;
    }
    const bool at_lower = std::isfinite(lo) && looks_active(ipm->z_lower[j], xj - lo, 1.0);
    const bool at_upper = std::isfinite(up) && looks_active(ipm->z_upper[j], up - xj, 1.0);
    if (at_lower && at_upper) {
      s = up - xj < xj - lo ? Side::kUpper : Side::kLower;
    } else if (at_lower) {
      s = Side::kLower;
    } else if (at_upper) {
      s = Side::kUpper;
    }
  }
  VectorXd row_norm(mg);
  std::vector<char> row_active(static_cast<std::size_t>(mg), 0);
  if (mg > 0) {
    const VectorXd slack = pr.h - pr.G * ipm->x;
    for (Index i = 0; i < mg; ++i) {
      row_norm[i] = pr.G.row(i).norm();
      row_active[static_cast<std::size_t>(i)] =
          row_norm[i] > 0.0 && looks_active(ipm->z[i], slack[i], row_norm[i]);
    }
  }

  // Rounds: when the face's answer has guessed-active constraints with a wrong-sign multiplier,
  // or leaves a guessed-inactive constraint violated, the guess was wrong on those constraints:
  // release the former, hold the latter and solve again (one primal-dual active-set step,
  // Hintermüller, Ito & Kunisch 2002). An interior point stopped at 1e-10 can leave assets whose
  // optimal weight is 1e-4 and assets held at zero by tiny multipliers undecided; a round or two
  // settles them. Each round costs one factorisation; a guess still wrong after kRounds is
  // abandoned and the interior point's answer kept.
  constexpr int kRounds = 3;
  std::vector<int> rows;
  FaceSolver faces(pr, *ipm);
  FaceAnswer face;
  for (int round = 0;; ++round) {
    outcome.rounds = round + 1;
    rows.clear();
    for (Index i = 0; i < mg; ++i) {
      if (row_active[static_cast<std::size_t>(i)]) rows.push_back(static_cast<int>(i));
    }
    face = faces.solve(side, rows);
    if (!face.failure.empty()) return refuse(face.failure);
    int changes = 0;
    std::string first_change;
    auto note = [&](std::string what) {
      if (changes++ == 0) first_change = std::move(what);
    };
    for (Index j = 0; j < n; ++j) {
      const double lo = lower_bound(pr, j);
      const double up = upper_bound(pr, j);
      Side& s = side[static_cast<std::size_t>(j)];
      const double xj = face.x[j];
      if (s == Side::kFree) {
        if (xj < lo - primal_allow) {
          note(fmt::format("variable {} below its lower bound by {:.3g}", j, lo - xj));
          s = Side::kLower;
        } else if (xj > up + primal_allow) {
          note(fmt::format("variable {} above its upper bound by {:.3g}", j, xj - up));
          s = Side::kUpper;
        }
      } else if (lo != up) {
        const double multiplier = s == Side::kLower ? face.bound[j] : -face.bound[j];
        if (multiplier < -dual_allow) {
          note(
              fmt::format("the {} bound of variable {} has a multiplier of the wrong sign ({:.3g})",
                          s == Side::kLower ? "lower" : "upper", j, multiplier));
          s = Side::kFree;
        }
      }
    }
    if (mg > 0) {
      const VectorXd violation = pr.G * face.x - pr.h;
      for (Index i = 0; i < mg; ++i) {
        char& active = row_active[static_cast<std::size_t>(i)];
        if (active && face.z[i] * row_norm[i] < -dual_allow) {
          note(fmt::format("inequality row {} has a multiplier of the wrong sign ({:.3g})", i,
                           face.z[i]));
          active = 0;
        } else if (!active && violation[i] > primal_allow) {
          note(fmt::format("inequality row {} is violated by {:.3g}", i, violation[i]));
          active = 1;
        }
      }
    }
    if (changes == 0) break;
    if (round + 1 == kRounds) {
      return refuse(fmt::format("after {} rounds the face is still wrong at {} constraints ({})",
                                kRounds, changes, first_change));
    }
  }

  QpSolution polished = *ipm;
  polished.x = face.x;
  polished.y = face.y;
  polished.z = face.z.cwiseMax(0.0);
  polished.z_lower = VectorXd::Zero(n);
  polished.z_upper = VectorXd::Zero(n);
  polished.active_lower.clear();
  polished.active_upper.clear();
  polished.active_rows = rows;
  for (Index j = 0; j < n; ++j) {
    const Side s = side[static_cast<std::size_t>(j)];
    if (s == Side::kFree) continue;
    const double r = face.bound[j];  // z_lower − z_upper
    if (lower_bound(pr, j) == upper_bound(pr, j)) {
      (r >= 0.0 ? polished.z_lower[j] : polished.z_upper[j]) = std::abs(r);
      polished.active_lower.push_back(static_cast<int>(j));
      polished.active_upper.push_back(static_cast<int>(j));
    } else if (s == Side::kLower) {
      polished.z_lower[j] = std::max(0.0, r);
      polished.active_lower.push_back(static_cast<int>(j));
    } else {
      polished.z_upper[j] = std::max(0.0, -r);
      polished.active_upper.push_back(static_cast<int>(j));
    }
  }
  compute_residuals(pr, &polished);

  // Acceptance on the data, whatever the rounds did.
  struct Check {
    const char* name;
    double polished, ipm, scale;
  };
  const Check checks[] = {
      {"primal residual", polished.primal_residual, ipm->primal_residual, primal_scale},
      {"dual residual", polished.dual_residual, ipm->dual_residual, dual_scale},
      {"complementarity", polished.complementarity, ipm->complementarity, comp_scale},
  };
  for (const Check& c : checks) {
    if (!(c.polished <= opt.tolerance * c.scale)) {
      return refuse(
          fmt::format("the polished {} {:.3g} exceeds the tolerance", c.name, c.polished));
    }
    if (!(c.polished <= std::max(c.ipm, floor * c.scale))) {
      return refuse(fmt::format("the polished {} {:.3g} is worse than the interior point's {:.3g}",
                                c.name, c.polished, c.ipm));
    }
  }

  if (ipm->status != SolveStatus::kOptimal) {
    polished.message =
        fmt::format("{}; the active-set polish then met the tolerance", polished.message);
  }
  polished.status = SolveStatus::kOptimal;
  polished.solver = "interior-point+polish";
  *ipm = std::move(polished);
  outcome.accepted = true;
  return outcome;
}

}  // namespace keel::qp_detail
