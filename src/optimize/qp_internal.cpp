// Pieces shared by the QP solvers (declared in qp_internal.hpp): bound bookkeeping, residuals and
// the LP-based classification through the one Clp driver (lp_model). qp.cpp validates and
// dispatches only.
#include "optimize/qp_internal.hpp"

#include <fmt/format.h>

#include <ClpSimplex.hpp>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "optimize/lp_model.hpp"

namespace keel {

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

// Solves min cᵀv s.t. row_lo ≤ M v ≤ row_hi, col_lo ≤ v ≤ col_hi with Clp's dual simplex, loaded
// through the one Clp driver (lp::Model). Returns the Clp status (0 optimal, 1 infeasible,
// 2 unbounded).
int solve_lp(ClpSimplex& clp, const Eigen::MatrixXd& m, const Eigen::VectorXd& row_lo,
             const Eigen::VectorXd& row_hi, const Eigen::VectorXd& col_lo,
             const Eigen::VectorXd& col_hi, const Eigen::VectorXd& c) {
  const int cols = static_cast<int>(c.size());
  lp::Model model;
  for (int j = 0; j < cols; ++j) model.add_column(col_lo[j], col_hi[j], c[j]);
  std::vector<int> columns(static_cast<std::size_t>(cols));
  std::iota(columns.begin(), columns.end(), 0);
  std::vector<double> values(static_cast<std::size_t>(cols));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (int j = 0; j < cols; ++j) values[static_cast<std::size_t>(j)] = m(i, j);
    model.add_row(columns, values, row_lo[i], row_hi[i]);
  }
  model.load(clp);
  clp.dual();
  return clp.status();
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

}  // namespace keel
