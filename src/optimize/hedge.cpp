#include "keel/optimize/hedge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <utility>

#include "keel/optimize/qp.hpp"
#include "keel/risk/var.hpp"
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

// The limit rows of add_limits() on x = [q⁺; q⁻] as dense rows, lower ≤ G x ≤ upper, and the
// solver that holds them (2m columns, no objective: its primal() tells whether they are feasible).
struct LimitRows {
  ClpSimplex clp;
  Eigen::MatrixXd g;
  Eigen::VectorXd lower, upper;  // ±infinity for an open side
};

void load_limit_rows(const HedgeProblem& problem, Eigen::Index m, LimitRows& out) {
  lp::Model model;
  for (Eigen::Index j = 0; j < 2 * m; ++j) model.add_column(0.0, kInf, 0.0);
  add_limits(model, problem, m);
  model.load(out.clp);
  const int rows = out.clp.numberRows();
  const CoinPackedMatrix* matrix = out.clp.matrix();
  out.g = Eigen::MatrixXd::Zero(rows, 2 * m);
  out.lower.resize(rows);
  out.upper.resize(rows);
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < out.clp.numberColumns(); ++j) out.g(r, j) = matrix->getCoefficient(r, j);
    const double lo = out.clp.rowLower()[r];
    const double hi = out.clp.rowUpper()[r];
    out.lower(r) = lo > -COIN_DBL_MAX ? lo : -kInf;
    out.upper(r) = hi < COIN_DBL_MAX ? hi : kInf;
  }
}

// The Rockafellar–Uryasev objective at a fixed q, min over ζ of ζ + w Σ_s max(−P&L_s − ζ, 0),
// attained at ζ = the VaR of the hedged P&L: the primal LP's value for this q.
double cvar_objective(const Eigen::VectorXd& hedged_pnl, double confidence, double weight) {
  Eigen::VectorXd work = hedged_pnl;
  const double zeta = empirical_tail(work, confidence).var;
  double tail = 0.0;
  for (Eigen::Index s = 0; s < hedged_pnl.size(); ++s) {
    tail += std::max(-hedged_pnl(s) - zeta, 0.0);
  }
  return zeta + weight * tail;
}

// The CVaR LP solved through its dual (header). Columns of the dual: the S scenario weights
// π_s ∈ [0, w], then a multiplier per finite side of each limit row r (λ_r ≥ 0 for lower_r,
// μ_r ≥ 0 for upper_r, one free ν_r when lower_r = upper_r):
//   min  Σ_s b_s π_s − Σ_r lower_r λ_r + Σ_r upper_r μ_r
//   s.t. Σ_s π_s = 1                                                      (dual of ζ)
//        Σ_s a_sk π_s + Σ_r G_rk (λ_r − μ_r) ≤ 0   for k < 2m            (dual of x_k ≥ 0)
// with a_s = [H_s − c; −H_s − c] the scenario row's coefficients on x = [q⁺; q⁻]. Its optimum is
// minus the CVaR, and x_k is minus the dual value of row k.
Result<HedgeResult> solve_cvar(const HedgeProblem& problem, const HedgeOptions& options) {
  const Eigen::Index scenarios = problem.book_pnl.size();
  const Eigen::Index m = problem.instrument_pnl.cols();
  const double weight = 1.0 / ((1.0 - options.confidence) * static_cast<double>(scenarios));
  LimitRows limits;
  load_limit_rows(problem, m, limits);

  lp::Model dual;
  for (Eigen::Index s = 0; s < scenarios; ++s) dual.add_column(0.0, weight, problem.book_pnl(s));
  // Each multiplier column: its limit row and the sign it enters the x rows with.
  std::vector<std::pair<Eigen::Index, double>> multipliers;
  for (Eigen::Index r = 0; r < limits.g.rows(); ++r) {
    const double lo = limits.lower(r);
    const double hi = limits.upper(r);
    if (lo == hi && std::isfinite(lo)) {
      dual.add_column(-kInf, kInf, -lo);
      multipliers.emplace_back(r, 1.0);
      continue;
    }
    if (std::isfinite(lo)) {
      dual.add_column(0.0, kInf, -lo);
      multipliers.emplace_back(r, 1.0);
    }
    if (std::isfinite(hi)) {
      dual.add_column(0.0, kInf, hi);
      multipliers.emplace_back(r, -1.0);
    }
  }
  const auto s_count = static_cast<std::size_t>(scenarios);
  std::vector<int> cols(s_count);
  std::iota(cols.begin(), cols.end(), 0);
  dual.add_row(cols, std::vector<double>(s_count, 1.0), 1.0, 1.0);
  cols.resize(s_count + multipliers.size());
  std::iota(cols.begin(), cols.end(), 0);
  std::vector<double> vals(cols.size());
  for (Eigen::Index k = 0; k < 2 * m; ++k) {
    const Eigen::Index j = k % m;
    const double sign = k < m ? 1.0 : -1.0;
    const double c = entry(problem.unit_cost, j, 0.0);
    for (Eigen::Index s = 0; s < scenarios; ++s) {
      vals[static_cast<std::size_t>(s)] = sign * problem.instrument_pnl(s, j) - c;
    }
    for (std::size_t i = 0; i < multipliers.size(); ++i) {
      vals[s_count + i] = multipliers[i].second * limits.g(multipliers[i].first, k);
    }
    dual.add_row(cols, vals, -kInf, 0.0);
  }
  ClpSimplex clp;
  dual.load(clp);
  clp.setMaximumSeconds(options.time_limit_s);
  // Unscaled: Clp's scaling of this dense block tripled the dual simplex iterations
  // (bench/README.md).
  clp.scaling(0);
  const auto start = std::chrono::steady_clock::now();
  clp.dual();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  HedgeResult result;
  result.quantities = Eigen::VectorXd::Zero(m);
  result.status = lp::map_status(clp, elapsed >= options.time_limit_s);
  if (result.status == SolveStatus::kInfeasible || result.status == SolveStatus::kUnbounded) {
    // The scenario rows can always be met by u and ζ, so the LP is feasible exactly when its
    // limits are; a feasible LP whose dual has no optimum is unbounded (an instrument that gains
    // in every tail scenario without a limit on its quantity).
    limits.clp.primal();
    result.status = limits.clp.status() == 0 ? SolveStatus::kUnbounded : SolveStatus::kInfeasible;
  }
  if (result.status != SolveStatus::kOptimal) {
    result.message = result.status == SolveStatus::kInfeasible
                         ? infeasible_message(problem)
                         : fmt::format("the CVaR LP ended {}", to_string(result.status));
    fill_result(problem, result);
    return result;
  }
  const double* y = clp.dualRowSolution();
  for (Eigen::Index j = 0; j < m; ++j) result.quantities(j) = y[1 + m + j] - y[1 + j];
  fill_result(problem, result);
  result.objective = cvar_objective(result.hedged_pnl, options.confidence, weight);
  // Strong duality certifies the hedge: its CVaR equals the dual's optimum (to 1e-7 of the
  // larger of the CVaR and the book's P&L scale: a near-perfect hedge has a CVaR far below it).
  const double bound = -clp.objectiveValue();
  const double scale = std::max({1.0, std::abs(bound), problem.book_pnl.cwiseAbs().maxCoeff()});
  if (std::abs(result.objective - bound) > 1e-7 * scale) {
    result.status = SolveStatus::kNumericalError;
    result.message = fmt::format(
        "the CVaR LP lost accuracy: the hedge found has CVaR {} but the dual bound is {}",
        result.objective, bound);
  }
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
  // The limit rows as G x ≤ h (two-sided rows split).
  LimitRows limits;
  load_limit_rows(problem, m, limits);
  std::vector<Eigen::RowVectorXd> g;
  std::vector<double> h;
  for (Eigen::Index r = 0; r < limits.g.rows(); ++r) {
    if (std::isfinite(limits.upper(r))) {
      g.push_back(limits.g.row(r));
      h.push_back(limits.upper(r));
    }
    if (std::isfinite(limits.lower(r))) {
      g.push_back(-limits.g.row(r));
      h.push_back(-limits.lower(r));
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
