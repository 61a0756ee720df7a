#include "optimize/qp_interior_point.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>

#include "optimize/qp_internal.hpp"
#include "optimize/qp_polish.hpp"

namespace keel::qp_detail {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Solves [H Aᵀ; A 0] [dx; dy] = [r1; r2] through a Cholesky factor of H (or of H + ρAᵀA, which
// gives the same solution and is positive definite whenever the KKT matrix is nonsingular, or
// of H + δI as a last resort) and of the Schur complement A H⁻¹ Aᵀ, followed by iterative
// refinement against the exact system so that regularisation does not bias the step.
class ReducedKkt {
 public:
  explicit ReducedKkt(const MatrixXd& a)
      : a_(a),
        hf_(a.cols(), a.cols()),
        v_(a.cols(), a.rows()),
        s_(a.rows(), a.rows()),
        t1_(a.cols()),
        t2_(a.rows()),
        e1_(a.cols()),
        e2_(a.rows()),
        c1_(a.cols()),
        c2_(a.rows()) {
    if (a.rows() > 0) ata_ = a.transpose() * a;
  }

  // Factors for the (1,1) block `h`, which must stay alive and unchanged until the next call.
  bool factor(const MatrixXd& h) {
    h_ = &h;
    const Index n = h.rows();
    const double scale = std::max(1.0, h.diagonal().cwiseAbs().maxCoeff());
    rho_ = 0.0;
    double delta = 0.0;
    bool ok = false;
    for (int attempt = 0; attempt < 10 && !ok; ++attempt) {
      if (attempt == 1 && a_.rows() > 0) {
        rho_ = scale / std::max(1.0, ata_.diagonal().maxCoeff());
      } else if (attempt >= 1) {
        delta = delta == 0.0 ? 1e-12 * scale : delta * 100.0;
      }
      hf_ = h;
      if (rho_ > 0.0) hf_ += rho_ * ata_;
      if (delta > 0.0) hf_.diagonal().array() += delta;
      llt_h_.compute(hf_);
      if (llt_h_.info() != Eigen::Success) continue;
      const double min_pivot = llt_h_.matrixLLT().diagonal().minCoeff();
      ok = n == 0 || min_pivot * min_pivot > 1e-14 * scale;
    }
    if (!ok) return false;
    if (a_.rows() == 0) return true;
    v_ = a_.transpose();
    llt_h_.matrixL().solveInPlace(v_);
    s_.setZero();
    s_.selfadjointView<Eigen::Lower>().rankUpdate(v_.transpose());
    const double s_scale = std::max(1e-300, s_.diagonal().cwiseAbs().maxCoeff());
    double delta_s = 0.0;
    for (int attempt = 0; attempt < 8; ++attempt) {
      llt_s_.compute(s_);
      if (llt_s_.info() == Eigen::Success &&
          llt_s_.matrixLLT().diagonal().minCoeff() > 1e-9 * std::sqrt(s_scale)) {
        return true;
      }
      const double add = delta_s == 0.0 ? 1e-12 * s_scale : delta_s * 99.0;
      delta_s += add;
      s_.diagonal().array() += add;
    }
    return false;
  }

  // Solves with up to `refinements` steps of iterative refinement against the exact system.
  void solve(const VectorXd& r1, const VectorXd& r2, VectorXd& dx, VectorXd& dy,
             int refinements = 3) {
    solve_approximately(r1, r2, dx, dy);
    const double rhs = 1.0 + std::max(inf_norm(r1), inf_norm(r2));
    for (int k = 0; k < refinements; ++k) {
      e1_ = r1;
      e1_.noalias() -= (*h_) * dx;
      if (a_.rows() > 0) {
        e1_.noalias() -= a_.transpose() * dy;
        e2_ = r2;
        e2_.noalias() -= a_ * dx;
      }
      const double err = std::max(inf_norm(e1_), inf_norm(e2_));
      if (!(err > 1e-15 * rhs)) break;
      solve_approximately(e1_, e2_, c1_, c2_);
      dx += c1_;
      if (a_.rows() > 0) dy += c2_;
    }
  }

 private:
  void solve_approximately(const VectorXd& r1, const VectorXd& r2, VectorXd& dx, VectorXd& dy) {
    t1_ = r1;
    if (rho_ > 0.0) t1_.noalias() += rho_ * (a_.transpose() * r2);
    if (a_.rows() == 0) {
      dx = t1_;
      llt_h_.solveInPlace(dx);
      return;
    }
    dx = t1_;
    llt_h_.solveInPlace(dx);
    t2_ = r2;
    t2_.noalias() -= a_ * dx;
    dy = -t2_;
    llt_s_.solveInPlace(dy);
    t1_.noalias() -= a_.transpose() * dy;
    dx = t1_;
    llt_h_.solveInPlace(dx);
  }

  const MatrixXd& a_;
  const MatrixXd* h_ = nullptr;
  MatrixXd ata_;
  MatrixXd hf_;
  Eigen::LLT<MatrixXd> llt_h_;
  MatrixXd v_;
  MatrixXd s_;
  Eigen::LLT<MatrixXd> llt_s_;
  double rho_ = 0.0;
  VectorXd t1_, t2_, e1_, e2_, c1_, c2_;
};

// Largest α ≥ 0 with v + α dv ≥ 0 (infinity when dv ≥ 0).
double max_step(const VectorXd& v, const VectorXd& dv) {
  double alpha = std::numeric_limits<double>::infinity();
  for (Index i = 0; i < v.size(); ++i) {
    if (dv[i] < 0.0) alpha = std::min(alpha, -v[i] / dv[i]);
  }
  return alpha;
}

QpSolution solve_scaled(const QpProblem& pr, const QpOptions& opt,
                        std::chrono::steady_clock::time_point start) {
  QpSolution out;
  out.solver = "interior-point";
  const Index n = pr.variables();
  const BoundSets bs = classify_bounds(pr);
  const Index m0 = pr.A.rows();
  const Index mg = pr.G.rows();
  const Index nl = static_cast<Index>(bs.lower.size());
  const Index nu = static_cast<Index>(bs.upper.size());
  const Index nf = static_cast<Index>(bs.fixed.size());
  const Index me = m0 + nf;
  const Index m = mg + nl + nu;

  // Equalities, with fixed variables as extra rows.
  MatrixXd ae = MatrixXd::Zero(me, n);
  VectorXd be(me);
  if (m0 > 0) {
    ae.topRows(m0) = pr.A;
    be.head(m0) = pr.b;
  }
  for (Index k = 0; k < nf; ++k) {
    ae(m0 + k, bs.fixed[k]) = 1.0;
    be[m0 + k] = pr.lower[bs.fixed[k]];
  }
  // Inequalities G_full x ≤ h_full: [G; −I_L; I_U].
  VectorXd hfull(m);
  if (mg > 0) hfull.head(mg) = pr.h;
  for (Index k = 0; k < nl; ++k) hfull[mg + k] = -pr.lower[bs.lower[k]];
  for (Index k = 0; k < nu; ++k) hfull[mg + nl + k] = pr.upper[bs.upper[k]];

  auto g_mul = [&](const VectorXd& v, VectorXd& res) {
    if (mg > 0) res.head(mg).noalias() = pr.G * v;
    for (Index k = 0; k < nl; ++k) res[mg + k] = -v[bs.lower[k]];
    for (Index k = 0; k < nu; ++k) res[mg + nl + k] = v[bs.upper[k]];
  };
  auto gt_mul_add = [&](const VectorXd& v, VectorXd& res) {
    if (mg > 0) res.noalias() += pr.G.transpose() * v.head(mg);
    for (Index k = 0; k < nl; ++k) res[bs.lower[k]] -= v[mg + k];
    for (Index k = 0; k < nu; ++k) res[bs.upper[k]] += v[mg + nl + k];
  };

  const double pscale = 1.0 + std::max(inf_norm(be), inf_norm(hfull));
  const double qnorm = inf_norm(pr.q);
  const double tol = opt.tolerance;
  const double loose_tol = std::max(tol, 1e-6);

  // Workspace (no allocation inside the iteration).
  MatrixXd hmat(n, n);
  MatrixXd wg(mg, n);
  ReducedKkt kkt(ae);
  VectorXd x(n), y(me), s(m), z(m), w(m);
  VectorXd px(n), gx(m), rd(n), req(me), rin(m), rc(m), t(m), r1(n), r2(me);
  VectorXd dx(n), dy(me), ds(m), dz(m), dx_aff(n), dy_aff(me), ds_aff(m), dz_aff(m);
  VectorXd best_x(n), best_y(me), best_z(m), best_s(m);
  double best_merit = std::numeric_limits<double>::infinity();

  auto build_h = [&](const VectorXd& weights) {
    hmat = pr.P;
    if (mg > 0) {
      wg = weights.head(mg).asDiagonal() * pr.G;
      hmat.noalias() += pr.G.transpose() * wg;
    }
    for (Index k = 0; k < nl; ++k) hmat(bs.lower[k], bs.lower[k]) += weights[mg + k];
    for (Index k = 0; k < nu; ++k) hmat(bs.upper[k], bs.upper[k]) += weights[mg + nl + k];
  };

  // Newton direction for complementarity right-hand side rc (s∘z target residual).
  auto newton = [&](const VectorXd& rcomp, VectorXd& ddx, VectorXd& ddy, VectorXd& dds,
                    VectorXd& ddz) {
    // t = S⁻¹(−rc + Z r_in)
    t = (z.cwiseProduct(rin) - rcomp).cwiseQuotient(s);
    r1 = -rd;
    gt_mul_add(-t, r1);
    r2 = -req;
    kkt.solve(r1, r2, ddx, ddy);
    g_mul(ddx, gx);
    dds = -rin - gx;
    ddz = w.cwiseProduct(gx) + t;
  };

  // Starting point (cvxopt coneqp): minimise ½xᵀPx + qᵀx + ½‖G_full x − h_full‖² s.t. A x = b.
  w.setOnes();
  build_h(w);
  std::string message;
  SolveStatus status = SolveStatus::kIterationLimit;
  bool have_answer = false;
  if (!kkt.factor(hmat)) {
    status = SolveStatus::kNumericalError;
    message = "the KKT system of the starting point could not be factorised";
  } else {
    r1 = -pr.q;
    gt_mul_add(hfull, r1);
    kkt.solve(r1, be, x, y);
    if (m > 0) {
      g_mul(x, gx);
      s = hfull - gx;
      z = -s;
      const double alpha_p = -s.minCoeff();
      if (alpha_p >= -1e-8 * std::max(1.0, inf_norm(s))) s.array() += 1.0 + alpha_p;
      const double alpha_d = -z.minCoeff();
      if (alpha_d >= -1e-8 * std::max(1.0, inf_norm(z))) z.array() += 1.0 + alpha_d;
    }
  }

  bool classified = false;
  int small_steps = 0;
  int last_improvement = 0;
  int iter = 0;
  bool need_classification = false;
  for (; status != SolveStatus::kNumericalError; ++iter) {
    // Residuals.
    px.noalias() = pr.P * x;
    rd = px + pr.q;
    if (me > 0) rd.noalias() += ae.transpose() * y;
    gt_mul_add(z, rd);
    if (me > 0) {
      req.noalias() = ae * x;
      req -= be;
    }
    if (m > 0) {
      g_mul(x, gx);
      rin = gx + s - hfull;
    }
    const double pobj = 0.5 * x.dot(px) + pr.q.dot(x);
    const double gap = m > 0 ? s.dot(z) : 0.0;
    const double pres = std::max(inf_norm(req), inf_norm(rin)) / pscale;
    const double dres = inf_norm(rd) / (1.0 + std::max(inf_norm(px), qnorm));
    const double relgap = std::max(gap, 0.0) / std::max(1.0, std::abs(pobj));
    const double merit = std::max({pres, dres, relgap});
    if (!std::isfinite(merit)) {
      need_classification = true;
      message = "the iterates became non-finite";
      break;
    }
    if (merit < best_merit) {
      if (merit < 0.5 * best_merit) last_improvement = iter;
      best_merit = merit;
      best_x = x;
      best_y = y;
      best_z = z;
      best_s = s;
    }
    if (pres <= tol && dres <= tol && relgap <= tol) {
      status = SolveStatus::kOptimal;
      have_answer = true;
      break;
    }
    if (iter >= opt.max_iterations) {
      message = fmt::format("stopped at the iteration limit ({})", opt.max_iterations);
      need_classification = true;
      break;
    }
    if (opt.time_limit_s > 0.0 && elapsed_ms(start) > 1e3 * opt.time_limit_s) {
      status = SolveStatus::kTimeLimit;
      message = fmt::format("stopped at the time limit ({} s)", opt.time_limit_s);
      break;
    }
    const double size = std::max({inf_norm(x), inf_norm(y), inf_norm(z)});
    const bool diverging = size > 1e13 * (1.0 + pscale + qnorm);
    const bool stalled = iter - last_improvement >= 15 || small_steps >= 5;
    if ((diverging || stalled) && !classified) {
      classified = true;
      const LpClassification lp = classify_with_lp(pr);
      if (!lp.feasible) {
        status = SolveStatus::kInfeasible;
        message = lp.message;
        break;
      }
      if (lp.unbounded) {
        status = SolveStatus::kUnbounded;
        message = lp.message;
        break;
      }
    }
    if (diverging || (classified && stalled && iter - last_improvement >= 30)) {
      message = diverging ? "the iterates diverged although the problem looks feasible and bounded"
                          : "the iteration stalled";
      break;
    }

    // Scaling and factorisation.
    if (m > 0) w = z.cwiseQuotient(s);
    build_h(w);
    if (!kkt.factor(hmat)) {
      message = "the reduced KKT matrix could not be factorised";
      need_classification = true;
      break;
    }
    // Predictor (affine scaling).
    rc = s.cwiseProduct(z);
    newton(rc, dx_aff, dy_aff, ds_aff, dz_aff);
    if (m == 0) {
      x += dx_aff;
      y += dy_aff;
      continue;
    }
    const double alpha_aff = std::min({1.0, max_step(s, ds_aff), max_step(z, dz_aff)});
    const double mu = gap / static_cast<double>(m);
    const double mu_aff =
        (s + alpha_aff * ds_aff).dot(z + alpha_aff * dz_aff) / static_cast<double>(m);
    const double sigma = std::clamp(std::pow(std::max(mu_aff, 0.0) / mu, 3.0), 0.0, 1.0);
    // Corrector (Mehrotra): second-order term and centring.
    rc.array() += ds_aff.cwiseProduct(dz_aff).array() - sigma * mu;
    newton(rc, dx, dy, ds, dz);
    const double alpha = std::min(1.0, 0.99 * std::min(max_step(s, ds), max_step(z, dz)));
    small_steps = alpha < 1e-8 ? small_steps + 1 : 0;
    x += alpha * dx;
    y += alpha * dy;
    s += alpha * ds;
    z += alpha * dz;
  }

  if (!have_answer && status != SolveStatus::kInfeasible && status != SolveStatus::kUnbounded) {
    if (best_merit <= loose_tol) {
      status = SolveStatus::kOptimalInaccurate;
      x = best_x;
      y = best_y;
      z = best_z;
      s = best_s;
      message = fmt::format("{}; returning the best iterate (relative residual {:.2g})",
                            message.empty() ? "did not reach the tolerance" : message, best_merit);
      have_answer = true;
    } else if (need_classification && !classified) {
      const LpClassification lp = classify_with_lp(pr);
      if (!lp.feasible) {
        status = SolveStatus::kInfeasible;
        message = lp.message;
      } else if (lp.unbounded) {
        status = SolveStatus::kUnbounded;
        message = lp.message;
      } else if (status != SolveStatus::kTimeLimit) {
        status = iter >= opt.max_iterations ? SolveStatus::kIterationLimit
                                            : SolveStatus::kNumericalError;
      }
    } else if (status != SolveStatus::kTimeLimit) {
      status =
          iter >= opt.max_iterations ? SolveStatus::kIterationLimit : SolveStatus::kNumericalError;
    }
  }
  if (!have_answer && best_merit < std::numeric_limits<double>::infinity()) {
    x = best_x;
    y = best_y;
    z = best_z;
    s = best_s;
  }

  out.status = status;
  out.message = message;
  out.iterations = iter;
  out.x = x;
  out.y = m0 > 0 ? VectorXd(y.head(m0)) : VectorXd(0);
  out.z = mg > 0 ? VectorXd(z.head(mg)) : VectorXd(0);
  out.z_lower = VectorXd::Zero(n);
  out.z_upper = VectorXd::Zero(n);
  for (Index k = 0; k < nl; ++k) {
    out.z_lower[bs.lower[k]] = z[mg + k];
    if (z[mg + k] > s[mg + k]) out.active_lower.push_back(bs.lower[k]);
  }
  for (Index k = 0; k < nu; ++k) {
    out.z_upper[bs.upper[k]] = z[mg + nl + k];
    if (z[mg + nl + k] > s[mg + nl + k]) out.active_upper.push_back(bs.upper[k]);
  }
  for (Index k = 0; k < nf; ++k) {
    const double mult = y[m0 + k];
    if (mult >= 0.0) {
      out.z_upper[bs.fixed[k]] = mult;
    } else {
      out.z_lower[bs.fixed[k]] = -mult;
    }
    out.active_lower.push_back(bs.fixed[k]);
    out.active_upper.push_back(bs.fixed[k]);
  }
  std::sort(out.active_lower.begin(), out.active_lower.end());
  std::sort(out.active_upper.begin(), out.active_upper.end());
  for (Index k = 0; k < mg; ++k) {
    if (z[k] > s[k]) out.active_rows.push_back(static_cast<int>(k));
  }
  return out;
}

}  // namespace

QpSolution solve_interior_point(const QpProblem& problem, const QpOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  // Scale the objective so that max(|P|, |q|) = 1: the stopping tests mix absolute and relative
  // terms (max(1, |objective|)), and covariances of daily returns are of order 1e-4.
  const double size = std::max(problem.P.cwiseAbs().maxCoeff(), problem.q.cwiseAbs().maxCoeff());
  QpSolution out;
  if (size > 0.0 && (size < 0.5 || size > 2.0)) {
    const double c = 1.0 / size;
    QpProblem scaled = problem;
    scaled.P *= c;
    scaled.q *= c;
    out = solve_scaled(scaled, options, start);
    out.y /= c;
    out.z /= c;
    out.z_lower /= c;
    out.z_upper /= c;
  } else {
    out = solve_scaled(problem, options, start);
  }
  compute_residuals(problem, &out);
  if (options.polish &&
      (out.status == SolveStatus::kOptimal || out.status == SolveStatus::kOptimalInaccurate)) {
    polish_interior_point(problem, options, &out);
  }
  out.solve_ms = elapsed_ms(start);
  return out;
}

}  // namespace keel::qp_detail
