#include "keel/optimize/hedge.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "keel/optimize/qp.hpp"
#include "optimize/lp_model.hpp"

namespace keel {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double entry(const Eigen::VectorXd& v, Eigen::Index j, double fallback) {
  return v.size() == 0 ? fallback : v(j);
}

Status check_vector(const Eigen::VectorXd& v, Eigen::Index m, const char* name, bool allow_inf) {
  if (v.size() != 0 && v.size() != m) {
    return Status::invalid(
        fmt::format("hedge: {} has {} entries for {} instruments", name, v.size(), m));
  }
  for (Eigen::Index j = 0; j < v.size(); ++j) {
    if (std::isnan(v(j)) || (!allow_inf && !std::isfinite(v(j)))) {
      return Status::invalid(fmt::format("hedge: {} of instrument {} is {}", name, j + 1, v(j)));
    }
  }
  return Status::ok();
}

// The hedged P&L and the summary figures of a quantity vector.
void fill_result(const HedgeProblem& problem, HedgeResult& result) {
  const Eigen::Index m = problem.instrument_pnl.cols();
  const Eigen::VectorXd& q = result.quantities;
  result.cost = 0.0;
  result.premium = 0.0;
  result.margin = 0.0;
  for (Eigen::Index j = 0; j < m; ++j) {
    result.cost += entry(problem.unit_cost, j, 0.0) * std::abs(q(j));
    result.premium += entry(problem.premium, j, 0.0) * q(j);
    result.margin += entry(problem.margin, j, 0.0) * std::abs(q(j));
  }
  result.hedged_pnl = problem.book_pnl + problem.instrument_pnl * q;
  result.hedged_pnl.array() -= result.cost;
  result.target_values.clear();
  for (const HedgeTarget& t : problem.targets) {
    double value = t.base;
    for (Eigen::Index j = 0; j < m; ++j)
      value += t.coefficients[static_cast<std::size_t>(j)] * q(j);
    result.target_values.push_back(value);
  }
}

std::string infeasible_message(const HedgeProblem& problem) {
  std::string limits = "the bounds on the quantities";
  if (std::isfinite(problem.premium_budget)) limits += ", the premium budget";
  if (std::isfinite(problem.margin_budget)) limits += ", the margin budget";
  for (const HedgeTarget& t : problem.targets) limits += ", the target on " + t.name;
  return "no hedge satisfies " + limits + " together; widen one of them";
}

// Columns: q⁺ at [0, m), q⁻ at [m, 2m); the linear limits shared by both objectives.
void add_limits(lp::Model& model, const HedgeProblem& problem, Eigen::Index m) {
  const int mi = static_cast<int>(m);
  for (int j = 0; j < mi; ++j) {
    // lower ≤ q⁺ − q⁻ ≤ upper.
    const double lo = entry(problem.lower, j, -kInf);
    const double hi = entry(problem.upper, j, kInf);
    if (std::isfinite(lo) || std::isfinite(hi)) model.add_row({j, mi + j}, {1.0, -1.0}, lo, hi);
  }
  if (problem.premium.size() > 0 && std::isfinite(problem.premium_budget)) {
    std::vector<int> cols;
    std::vector<double> vals;
    for (int j = 0; j < mi; ++j) {
      cols.insert(cols.end(), {j, mi + j});
      vals.insert(vals.end(), {problem.premium(j), -problem.premium(j)});
    }
    model.add_row(cols, vals, -kInf, problem.premium_budget);
  }
  if (problem.margin.size() > 0 && std::isfinite(problem.margin_budget)) {
    std::vector<int> cols;
    std::vector<double> vals;
    for (int j = 0; j < mi; ++j) {
      cols.insert(cols.end(), {j, mi + j});
      vals.insert(vals.end(), {problem.margin(j), problem.margin(j)});
    }
    model.add_row(cols, vals, -kInf, problem.margin_budget);
  }
  for (const HedgeTarget& t : problem.targets) {
    std::vector<int> cols;
    std::vector<double> vals;
    for (int j = 0; j < mi; ++j) {
      const double g = t.coefficients[static_cast<std::size_t>(j)];
      cols.insert(cols.end(), {j, mi + j});
      vals.insert(vals.end(), {g, -g});
    }
    model.add_row(cols, vals, t.lower - t.base, t.upper - t.base);
  }
}

Result<HedgeResult> solve_cvar(const HedgeProblem& problem, const HedgeOptions& options) {
  const Eigen::Index scenarios = problem.book_pnl.size();
  const Eigen::Index m = problem.instrument_pnl.cols();
  const int mi = static_cast<int>(m);
  lp::Model model;
  for (int j = 0; j < 2 * mi; ++j) {
    model.add_column(0.0, kInf, 0.0);
  }
  add_limits(model, problem, m);
  const int zeta = model.add_column(-kInf, kInf, 1.0);
  const double weight = 1.0 / ((1.0 - options.confidence) * static_cast<double>(scenarios));
  // u_s + ζ + Σ_j (H_sj − c_j) q⁺_j + Σ_j (−H_sj − c_j) q⁻_j ≥ −b_s.
  std::vector<int> cols(static_cast<std::size_t>(2 * mi + 2));
  std::vector<double> vals(cols.size());
  for (Eigen::Index s = 0; s < scenarios; ++s) {
    const int u = model.add_column(0.0, kInf, weight);
    std::size_t k = 0;
    for (int j = 0; j < mi; ++j) {
      const double c = entry(problem.unit_cost, j, 0.0);
      cols[k] = j;
      vals[k++] = problem.instrument_pnl(s, j) - c;
      cols[k] = mi + j;
      vals[k++] = -problem.instrument_pnl(s, j) - c;
    }
    cols[k] = u;
    vals[k++] = 1.0;
    cols[k] = zeta;
    vals[k++] = 1.0;
    model.add_row(cols, vals, -problem.book_pnl(s), kInf);
  }
  ClpSimplex clp;
  model.load(clp);
  clp.setMaximumSeconds(options.time_limit_s);
  const auto start = std::chrono::steady_clock::now();
  // The scenario rows are a slack-like block (one u_s per row): primal simplex from the slack
  // basis moves through far fewer bases than the dual here (measured: bench/README.md).
  clp.primal();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  HedgeResult result;
  result.status = lp::map_status(clp, elapsed >= options.time_limit_s);
  if (!is_usable(result.status)) {
    result.message = result.status == SolveStatus::kInfeasible
                         ? infeasible_message(problem)
                         : fmt::format("the CVaR LP ended {}", to_string(result.status));
    result.quantities = Eigen::VectorXd::Zero(m);
    fill_result(problem, result);
    return result;
  }
  const double* x = clp.primalColumnSolution();
  result.quantities.resize(m);
  for (int j = 0; j < mi; ++j) result.quantities(j) = x[j] - x[mi + j];
  result.objective = clp.objectiveValue();
  fill_result(problem, result);
  return result;
}

Result<HedgeResult> solve_variance(const HedgeProblem& problem, const HedgeOptions& options) {
  const Eigen::Index scenarios = problem.book_pnl.size();
  const Eigen::Index m = problem.instrument_pnl.cols();
  if (scenarios < 2) return Status::invalid("hedge: the variance objective needs ≥ 2 scenarios");
  // Var(b + H q) = qᵀ Σ_HH q + 2 Σ_Hbᵀ q + Var(b), on x = [q⁺; q⁻] with q = q⁺ − q⁻.
  const Eigen::MatrixXd hc =
      problem.instrument_pnl.rowwise() - problem.instrument_pnl.colwise().mean();
  const Eigen::VectorXd bc = problem.book_pnl.array() - problem.book_pnl.mean();
  const double denominator = static_cast<double>(scenarios - 1);
  const Eigen::MatrixXd shh = hc.transpose() * hc / denominator;
  const Eigen::VectorXd shb = hc.transpose() * bc / denominator;
  const double vb = bc.squaredNorm() / denominator;
  QpProblem qp;
  qp.P.resize(2 * m, 2 * m);
  qp.P << shh, -shh, -shh, shh;
  qp.P *= 2.0;
  // A small multiple of the trading cost keeps one of q⁺, q⁻ at zero (and prefers cheap hedges
  // among equal-variance ones); it is far below the variance scale.
  const double tie = 1e-9 * (1.0 + vb) / (1.0 + problem.instrument_pnl.cwiseAbs().maxCoeff());
  qp.q.resize(2 * m);
  for (Eigen::Index j = 0; j < m; ++j) {
    const double c = entry(problem.unit_cost, j, 0.0) + 1.0;
    qp.q(j) = 2.0 * shb(j) + tie * c;
    qp.q(m + j) = -2.0 * shb(j) + tie * c;
  }
  lp::Model rows;
  for (Eigen::Index j = 0; j < 2 * m; ++j) rows.add_column(0.0, kInf, 0.0);
  add_limits(rows, problem, m);
  // The limit rows as G x ≤ h (two-sided rows split).
  ClpSimplex clp;
  rows.load(clp);
  const CoinPackedMatrix* matrix = clp.matrix();
  std::vector<Eigen::RowVectorXd> g;
  std::vector<double> h;
  for (int r = 0; r < clp.numberRows(); ++r) {
    Eigen::RowVectorXd row = Eigen::RowVectorXd::Zero(2 * m);
    for (int j = 0; j < clp.numberColumns(); ++j) row(j) = matrix->getCoefficient(r, j);
    const double lo = clp.rowLower()[r];
    const double hi = clp.rowUpper()[r];
    if (hi < COIN_DBL_MAX) {
      g.push_back(row);
      h.push_back(hi);
    }
    if (lo > -COIN_DBL_MAX) {
      g.push_back(-row);
      h.push_back(-lo);
    }
  }
  qp.G.resize(static_cast<Eigen::Index>(g.size()), 2 * m);
  qp.h.resize(static_cast<Eigen::Index>(h.size()));
  for (std::size_t r = 0; r < g.size(); ++r) {
    qp.G.row(static_cast<Eigen::Index>(r)) = g[r];
    qp.h(static_cast<Eigen::Index>(r)) = h[r];
  }
  qp.A.resize(0, 2 * m);
  qp.b.resize(0);
  qp.lower = Eigen::VectorXd::Zero(2 * m);
  qp.upper = Eigen::VectorXd::Constant(2 * m, kInf);
  QpOptions qp_options;
  qp_options.algorithm = QpAlgorithm::kInteriorPoint;
  qp_options.time_limit_s = options.time_limit_s;
  const QpSolution solution = solve_qp(qp, qp_options);
  HedgeResult result;
  result.status = solution.status;
  result.quantities = Eigen::VectorXd::Zero(m);
  if (is_usable(solution.status)) {
    result.quantities = solution.x.head(m) - solution.x.tail(m);
  } else {
    result.message = solution.status == SolveStatus::kInfeasible
                         ? infeasible_message(problem)
                         : fmt::format("the variance QP ended {}", to_string(solution.status));
  }
  fill_result(problem, result);
  const Eigen::VectorXd centred = result.hedged_pnl.array() - result.hedged_pnl.mean();
  result.objective = centred.squaredNorm() / denominator;
  return result;
}

}  // namespace

Status HedgeProblem::validate() const {
  const Eigen::Index scenarios = book_pnl.size();
  const Eigen::Index m = instrument_pnl.cols();
  if (scenarios < 1) return Status::invalid("hedge: the book has no scenario P&L");
  if (instrument_pnl.rows() != scenarios) {
    return Status::invalid(fmt::format("hedge: {} scenarios of instrument P&L for {} of the book",
                                       instrument_pnl.rows(), scenarios));
  }
  if (m < 1) return Status::invalid("hedge: no candidate instruments");
  if (!names.empty() && static_cast<Eigen::Index>(names.size()) != m) {
    return Status::invalid("hedge: one name per instrument");
  }
  if (!book_pnl.allFinite() || !instrument_pnl.allFinite()) {
    return Status::invalid("hedge: scenario P&L must be finite");
  }
  KEEL_RETURN_IF_ERROR(check_vector(unit_cost, m, "unit cost", false));
  KEEL_RETURN_IF_ERROR(check_vector(lower, m, "lower bound", true));
  KEEL_RETURN_IF_ERROR(check_vector(upper, m, "upper bound", true));
  KEEL_RETURN_IF_ERROR(check_vector(premium, m, "premium", false));
  KEEL_RETURN_IF_ERROR(check_vector(margin, m, "margin", false));
  const auto name = [&](Eigen::Index j) {
    return names.empty() ? fmt::format("instrument {}", j + 1)
                         : fmt::format("'{}'", names[static_cast<std::size_t>(j)]);
  };
  for (Eigen::Index j = 0; j < m; ++j) {
    if (entry(unit_cost, j, 0.0) < 0.0) {
      return Status::invalid(fmt::format("hedge: the cost of {} is negative", name(j)));
    }
    if (entry(margin, j, 0.0) < 0.0) {
      return Status::invalid(fmt::format("hedge: the margin of {} is negative", name(j)));
    }
    if (entry(lower, j, -kInf) > entry(upper, j, kInf)) {
      return Status::invalid(fmt::format("hedge: the bounds of {} have min {} > max {}", name(j),
                                         entry(lower, j, -kInf), entry(upper, j, kInf)));
    }
  }
  if (std::isnan(premium_budget) || std::isnan(margin_budget)) {
    return Status::invalid("hedge: a budget is NaN");
  }
  for (const HedgeTarget& t : targets) {
    if (static_cast<Eigen::Index>(t.coefficients.size()) != m) {
      return Status::invalid(
          fmt::format("hedge: the target on {} has {} coefficients for {} "
                      "instruments",
                      t.name, t.coefficients.size(), m));
    }
    if (!(t.lower <= t.upper) || !std::isfinite(t.base)) {
      return Status::invalid(fmt::format("hedge: the target on {} needs min ≤ max", t.name));
    }
  }
  return Status::ok();
}

Status HedgeOptions::validate() const {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::invalid(fmt::format("hedge: confidence {} must be in (0, 1)", confidence));
  }
  if (!(time_limit_s > 0.0) || !std::isfinite(time_limit_s)) {
    return Status::invalid("hedge: the time limit must be a positive number of seconds");
  }
  return Status::ok();
}

Result<HedgeResult> optimize_hedge(const HedgeProblem& problem, const HedgeOptions& options) {
  KEEL_RETURN_IF_ERROR(problem.validate());
  KEEL_RETURN_IF_ERROR(options.validate());
  return options.objective == HedgeObjective::kCvar ? solve_cvar(problem, options)
                                                    : solve_variance(problem, options);
}

}  // namespace keel
