#include "keel/optimize/qp.hpp"

#include <fmt/format.h>

#include <ClpSimplex.hpp>
#include <CoinFinite.hpp>
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "optimize/qp_active_set.hpp"
#include "optimize/qp_interior_point.hpp"
#include "optimize/qp_internal.hpp"
#include "optimize/symmetry.hpp"

namespace keel {

namespace {

// A finite sum (one vectorised pass) proves every entry finite unless it overflowed; only then,
// or when it is not finite, is the entry-by-entry test (three times slower) needed.
bool all_finite(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  return std::isfinite(m.sum()) || m.allFinite();
}

}  // namespace

Status QpProblem::validate() const {
  const Eigen::Index n = q.size();
  if (n == 0) return Status::invalid("QP: q is empty; a problem needs at least one variable");
  if (P.rows() != n || P.cols() != n) {
    return Status::invalid(
        fmt::format("QP: P is {}x{} but q has {} entries; P must be n x n", P.rows(), P.cols(), n));
  }
  if (A.cols() != n && A.rows() > 0) {
    return Status::invalid(fmt::format("QP: A has {} columns, expected n = {}", A.cols(), n));
  }
  if (A.rows() != b.size()) {
    return Status::invalid(
        fmt::format("QP: A has {} rows but b has {} entries; they must agree", A.rows(), b.size()));
  }
  if (G.cols() != n && G.rows() > 0) {
    return Status::invalid(fmt::format("QP: G has {} columns, expected n = {}", G.cols(), n));
  }
  if (G.rows() != h.size()) {
    return Status::invalid(
        fmt::format("QP: G has {} rows but h has {} entries; they must agree", G.rows(), h.size()));
  }
  if (lower.size() != 0 && lower.size() != n) {
    return Status::invalid(
        fmt::format("QP: lower has {} entries, expected n = {} (or empty for no lower bounds)",
                    lower.size(), n));
  }
  if (upper.size() != 0 && upper.size() != n) {
    return Status::invalid(
        fmt::format("QP: upper has {} entries, expected n = {} (or empty for no upper bounds)",
                    upper.size(), n));
  }
  if (!all_finite(P)) return Status::invalid("QP: P has a NaN or infinite entry");
  if (!all_finite(q)) return Status::invalid("QP: q has a NaN or infinite entry");
  if (!all_finite(A) || !all_finite(b)) {
    return Status::invalid("QP: A or b has a NaN or infinite entry");
  }
  if (!all_finite(G) || !all_finite(h)) {
    return Status::invalid("QP: G or h has a NaN or infinite entry");
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    const double lo = qp_detail::lower_bound(*this, i);
    const double up = qp_detail::upper_bound(*this, i);
    if (std::isnan(lo) || std::isnan(up)) {
      return Status::invalid(fmt::format("QP: bound of variable {} is NaN", i));
    }
    if (lo == std::numeric_limits<double>::infinity() ||
        up == -std::numeric_limits<double>::infinity()) {
      return Status::invalid(
          fmt::format("QP: variable {} has lower = +inf or upper = -inf; use finite values", i));
    }
    if (lo > up) {
      return Status::invalid(fmt::format(
          "QP: variable {} has lower {} > upper {}; swap or relax the bounds", i, lo, up));
    }
  }
  const double scale = std::max(1.0, P.cwiseAbs().maxCoeff());
  if (detail::largest_asymmetry(P) > 1e-12 * scale && !P.isApprox(P.transpose(), 1e-12)) {
    return Status::invalid("QP: P is not symmetric; pass (P + Pᵀ)/2");
  }
  return Status::ok();
}

Status QpOptions::validate() const {
  if (!(tolerance > 0.0 && tolerance <= 1e-2)) {
    return Status::invalid(fmt::format(
        "QP options: tolerance = {} must lie in (0, 1e-2]; the default is 1e-10", tolerance));
  }
  if (max_iterations < 1) {
    return Status::invalid(
        fmt::format("QP options: max_iterations = {} must be at least 1", max_iterations));
  }
  if (!(time_limit_s >= 0.0) || !std::isfinite(time_limit_s)) {
    return Status::invalid("QP options: time_limit_s must be finite and >= 0 (0 = no limit)");
  }
  return Status::ok();
}

namespace qp_detail {

double lower_bound(const QpProblem& problem, Eigen::Index i) {
  return problem.lower.size() == 0 ? -std::numeric_limits<double>::infinity() : problem.lower[i];
}

double upper_bound(const QpProblem& problem, Eigen::Index i) {
  return problem.upper.size() == 0 ? std::numeric_limits<double>::infinity() : problem.upper[i];
}

BoundSets classify_bounds(const QpProblem& problem) {
  BoundSets sets;
  for (Eigen::Index i = 0; i < problem.variables(); ++i) {
    const double lo = lower_bound(problem, i);
    const double up = upper_bound(problem, i);
    if (lo == up) {
      sets.fixed.push_back(static_cast<int>(i));
      continue;
    }
    if (std::isfinite(lo)) sets.lower.push_back(static_cast<int>(i));
    if (std::isfinite(up)) sets.upper.push_back(static_cast<int>(i));
  }
  return sets;
}

double constraint_scale(const QpProblem& problem) {
  double scale = 0.0;
  if (problem.b.size() > 0) scale = std::max(scale, problem.b.cwiseAbs().maxCoeff());
  if (problem.h.size() > 0) scale = std::max(scale, problem.h.cwiseAbs().maxCoeff());
  for (Eigen::Index i = 0; i < problem.variables(); ++i) {
    const double lo = lower_bound(problem, i);
    const double up = upper_bound(problem, i);
    if (std::isfinite(lo)) scale = std::max(scale, std::abs(lo));
    if (std::isfinite(up)) scale = std::max(scale, std::abs(up));
  }
  return scale;
}

void compute_residuals(const QpProblem& problem, QpSolution* s) {
  const Eigen::VectorXd& x = s->x;
  const Eigen::VectorXd px = problem.P * x;
  s->objective = 0.5 * x.dot(px) + problem.q.dot(x);
  double primal = 0.0;
  double comp = 0.0;
  Eigen::VectorXd grad = px + problem.q;
  if (problem.A.rows() > 0) {
    primal = std::max(primal, (problem.A * x - problem.b).cwiseAbs().maxCoeff());
    grad.noalias() += problem.A.transpose() * s->y;
  }
  if (problem.G.rows() > 0) {
    const Eigen::VectorXd slack = problem.h - problem.G * x;
    primal = std::max(primal, std::max(0.0, -slack.minCoeff()));
    grad.noalias() += problem.G.transpose() * s->z;
    comp = std::max(comp, (slack.cwiseProduct(s->z)).cwiseAbs().maxCoeff());
  }
  grad -= s->z_lower;
  grad += s->z_upper;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double lo = lower_bound(problem, i);
    const double up = upper_bound(problem, i);
    if (std::isfinite(lo)) {
      primal = std::max(primal, lo - x[i]);
      comp = std::max(comp, std::abs((x[i] - lo) * s->z_lower[i]));
    }
    if (std::isfinite(up)) {
      primal = std::max(primal, x[i] - up);
      comp = std::max(comp, std::abs((up - x[i]) * s->z_upper[i]));
    }
  }
  s->primal_residual = primal;
  s->dual_residual = grad.size() > 0 ? grad.cwiseAbs().maxCoeff() : 0.0;
  s->complementarity = comp;
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

namespace {

double to_coin(double v) {
  if (v == std::numeric_limits<double>::infinity()) return COIN_DBL_MAX;
  if (v == -std::numeric_limits<double>::infinity()) return -COIN_DBL_MAX;
  return v;
}

// Loads min cᵀv s.t. rows of M between row_lo and row_hi, col_lo ≤ v ≤ col_hi into Clp and
// solves it with the dual simplex. Returns the Clp status (0 optimal, 1 infeasible, 2 unbounded).
int solve_lp(ClpSimplex& model, const Eigen::MatrixXd& m, const Eigen::VectorXd& row_lo,
             const Eigen::VectorXd& row_hi, const Eigen::VectorXd& col_lo,
             const Eigen::VectorXd& col_hi, const Eigen::VectorXd& c) {
  const int rows = static_cast<int>(m.rows());
  const int cols = static_cast<int>(c.size());
  std::vector<CoinBigIndex> start(cols + 1, 0);
  std::vector<int> index;
  std::vector<double> value;
  index.reserve(static_cast<std::size_t>(rows) * cols);
  value.reserve(static_cast<std::size_t>(rows) * cols);
  for (int j = 0; j < cols; ++j) {
    for (int i = 0; i < rows; ++i) {
      if (m(i, j) != 0.0) {
        index.push_back(i);
        value.push_back(m(i, j));
      }
    }
    start[j + 1] = static_cast<CoinBigIndex>(index.size());
  }
  std::vector<double> clo(cols), chi(cols), rlo(rows), rhi(rows), obj(cols);
  for (int j = 0; j < cols; ++j) {
    clo[j] = to_coin(col_lo[j]);
    chi[j] = to_coin(col_hi[j]);
    obj[j] = c[j];
  }
  for (int i = 0; i < rows; ++i) {
    rlo[i] = to_coin(row_lo[i]);
    rhi[i] = to_coin(row_hi[i]);
  }
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.loadProblem(cols, rows, start.data(), index.data(), value.data(), clo.data(), chi.data(),
                    obj.data(), rlo.data(), rhi.data());
  model.setPrimalTolerance(1e-9);
  model.setDualTolerance(1e-9);
  model.dual();
  return model.status();
}

}  // namespace

PhaseOne phase_one(const QpProblem& problem) {
  PhaseOne out;
  const Eigen::Index n = problem.variables();
  const Eigen::Index me = problem.A.rows();
  const Eigen::Index mi = problem.G.rows();
  Eigen::MatrixXd m(me + mi, n);
  if (me > 0) m.topRows(me) = problem.A;
  if (mi > 0) m.bottomRows(mi) = problem.G;
  Eigen::VectorXd row_lo(me + mi), row_hi(me + mi);
  if (me > 0) {
    row_lo.head(me) = problem.b;
    row_hi.head(me) = problem.b;
  }
  if (mi > 0) {
    row_lo.tail(mi).setConstant(-std::numeric_limits<double>::infinity());
    row_hi.tail(mi) = problem.h;
  }
  Eigen::VectorXd col_lo(n), col_hi(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    col_lo[i] = lower_bound(problem, i);
    col_hi[i] = upper_bound(problem, i);
  }
  ClpSimplex model;
  const int status = solve_lp(model, m, row_lo, row_hi, col_lo, col_hi, Eigen::VectorXd::Zero(n));
  if (status == 1) {
    out.solved = true;
    out.feasible = false;
    out.message = fmt::format(
        "the constraints admit no point: the equalities (A x = b), inequalities (G x <= h) and "
        "bounds conflict (phase-1 LP: sum of infeasibilities {:.3g}); relax the bounds or check "
        "the right-hand sides",
        model.sumPrimalInfeasibilities());
    return out;
  }
  if (status != 0) {
    out.message = fmt::format("phase-1 LP stopped with Clp status {}", status);
    return out;
  }
  out.solved = true;
  out.feasible = true;
  out.point = Eigen::Map<const Eigen::VectorXd>(model.primalColumnSolution(), n);
  for (int j = 0; j < static_cast<int>(n); ++j) {
    const auto st = model.getColumnStatus(j);
    if (st == ClpSimplex::atLowerBound && std::isfinite(col_lo[j])) out.at_lower.push_back(j);
    if (st == ClpSimplex::atUpperBound && std::isfinite(col_hi[j])) out.at_upper.push_back(j);
    if (st == ClpSimplex::isFixed) {
      if (std::isfinite(col_lo[j])) {
        out.at_lower.push_back(j);
      } else if (std::isfinite(col_hi[j])) {
        out.at_upper.push_back(j);
      }
    }
  }
  for (int i = 0; i < static_cast<int>(mi); ++i) {
    const auto st = model.getRowStatus(static_cast<int>(me) + i);
    if (st != ClpSimplex::basic && st != ClpSimplex::superBasic && st != ClpSimplex::isFree) {
      out.active_rows.push_back(i);
    }
  }
  return out;
}

LpClassification classify_with_lp(const QpProblem& problem) {
  LpClassification out;
  const PhaseOne p1 = phase_one(problem);
  if (p1.solved && !p1.feasible) {
    out.feasible = false;
    out.message = p1.message;
    return out;
  }
  if (!p1.solved) {
    out.message = p1.message;
    return out;
  }
  out.point = p1.point;
  // Ray search over the numerical null space of P: min qᵀd, d = N v, A d = 0, G d ≤ 0, d_i ≥ 0
  // for a finite lower bound, d_i ≤ 0 for a finite upper bound, −1 ≤ v ≤ 1.
  const Eigen::Index n = problem.variables();
  Eigen::MatrixXd null_basis;
  if (problem.P.cwiseAbs().maxCoeff() == 0.0) {
    null_basis = Eigen::MatrixXd::Identity(n, n);
  } else {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(problem.P);
    const double top = std::max(1.0, eig.eigenvalues().cwiseAbs().maxCoeff());
    Eigen::Index k = 0;
    while (k < n && eig.eigenvalues()[k] <= 1e-10 * top) ++k;
    null_basis = eig.eigenvectors().leftCols(k);
  }
  const Eigen::Index k = null_basis.cols();
  if (k == 0) return out;
  const Eigen::Index me = problem.A.rows();
  const Eigen::Index mi = problem.G.rows();
  const BoundSets bounds = classify_bounds(problem);
  const Eigen::Index rows = me + mi + static_cast<Eigen::Index>(bounds.lower.size()) +
                            static_cast<Eigen::Index>(bounds.upper.size()) +
                            static_cast<Eigen::Index>(bounds.fixed.size());
  Eigen::MatrixXd m(rows, k);
  Eigen::VectorXd row_lo(rows), row_hi(rows);
  const double inf = std::numeric_limits<double>::infinity();
  Eigen::Index r = 0;
  if (me > 0) {
    m.middleRows(r, me) = problem.A * null_basis;
    row_lo.segment(r, me).setZero();
    row_hi.segment(r, me).setZero();
    r += me;
  }
  if (mi > 0) {
    m.middleRows(r, mi) = problem.G * null_basis;
    row_lo.segment(r, mi).setConstant(-inf);
    row_hi.segment(r, mi).setZero();
    r += mi;
  }
  for (int i : bounds.lower) {
    m.row(r) = null_basis.row(i);
    row_lo[r] = 0.0;
    row_hi[r++] = inf;
  }
  for (int i : bounds.upper) {
    m.row(r) = null_basis.row(i);
    row_lo[r] = -inf;
    row_hi[r++] = 0.0;
  }
  for (int i : bounds.fixed) {
    m.row(r) = null_basis.row(i);
    row_lo[r] = 0.0;
    row_hi[r++] = 0.0;
  }
  m = (m.array().abs() < 1e-13).select(0.0, m);
  const Eigen::VectorXd c = null_basis.transpose() * problem.q;
  ClpSimplex model;
  const int status = solve_lp(model, m, row_lo, row_hi, Eigen::VectorXd::Constant(k, -1.0),
                              Eigen::VectorXd::Constant(k, 1.0), c);
  if (status != 0) return out;
  const double value = model.objectiveValue();
  const double scale = std::max(1.0, problem.q.cwiseAbs().maxCoeff());
  if (value < -1e-8 * scale) {
    out.unbounded = true;
    out.ray = null_basis * Eigen::Map<const Eigen::VectorXd>(model.primalColumnSolution(), k);
    out.message = fmt::format(
        "the objective is unbounded below: moving along a direction d with P d = 0 that keeps "
        "every constraint satisfied decreases qᵀx without limit (qᵀd = {:.3g}); add bounds or a "
        "budget, or make P positive definite",
        problem.q.dot(out.ray));
  }
  return out;
}

}  // namespace qp_detail

QpSolution solve_qp(const QpProblem& problem, const QpOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Status valid = problem.validate();
  if (valid.is_ok()) valid = options.validate();
  if (!valid.is_ok()) {
    QpSolution bad;
    bad.status = SolveStatus::kNumericalError;
    bad.message = valid.message();
    bad.solver = "none";
    bad.solve_ms = qp_detail::elapsed_ms(start);
    return bad;
  }
  QpSolution solution;
  switch (options.algorithm) {
    case QpAlgorithm::kInteriorPoint:
      solution = qp_detail::solve_interior_point(problem, options);
      break;
    case QpAlgorithm::kActiveSet:
      solution = qp_detail::solve_active_set(problem, options, /*auto_mode=*/false);
      break;
    case QpAlgorithm::kAuto:
      if (problem.G.rows() == 0) {
        solution = qp_detail::solve_active_set(problem, options, /*auto_mode=*/true);
      } else {
        solution = qp_detail::solve_interior_point(problem, options);
      }
      break;
  }
  solution.solve_ms = qp_detail::elapsed_ms(start);
  return solution;
}

}  // namespace keel
