#include "keel/optimize/kelly.hpp"

#include <fmt/format.h>

#include <ClpSimplex.hpp>
#include <Eigen/Cholesky>
#include <chrono>
#include <cmath>

#include "keel/optimize/verify.hpp"
#include "keel/risk/drawdown.hpp"
#include "lp_model.hpp"
#include "optimize/constraint_conflicts.hpp"

namespace keel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The leverage cap Kelly uses: the given one, or 1 (no borrowing).
double leverage_cap(const PortfolioConstraints& c) {
  return c.has_leverage_cap() ? c.max_gross_leverage : 1.0;
}

}  // namespace

Status KellyOptions::validate(const KellyProblem& problem) const {
  const auto n = static_cast<Eigen::Index>(problem.assets.size());
  if (n == 0) return Status::invalid("kelly: no assets; give at least one asset name");
  if (problem.scenarios.cols() != n || problem.scenarios.rows() < 1) {
    return Status::invalid(fmt::format(
        "kelly: the scenario matrix is {} x {} for {} assets; give T >= 1 rows and one column per "
        "asset",
        problem.scenarios.rows(), problem.scenarios.cols(), n));
  }
  for (Eigen::Index t = 0; t < problem.scenarios.rows(); ++t) {
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(problem.scenarios(t, i))) {
        return Status::invalid(fmt::format(
            "kelly: scenario row {} of asset '{}' is not finite; drop or fill missing rows "
            "upstream",
            t, problem.assets[static_cast<std::size_t>(i)]));
      }
    }
  }
  if (!(problem.periods_per_year > 0) || !std::isfinite(problem.periods_per_year)) {
    return Status::invalid("kelly: periods_per_year must be a positive number (365 daily crypto)");
  }
  if (!(fraction > 0.0 && fraction <= 1.0)) {
    return Status::invalid(fmt::format(
        "kelly: --kelly-fraction {} must be in (0, 1] (0.5 = half Kelly, 1 = full Kelly)",
        fraction));
  }
  if (!std::isfinite(risk_free_rate) || !(risk_free_rate > -problem.periods_per_year)) {
    return Status::invalid("kelly: risk_free_rate must be finite and above -periods_per_year");
  }
  if (!(tolerance > 0 && tolerance <= 1e-4)) {
    return Status::invalid("kelly: tolerance must be in (0, 1e-4]");
  }
  if (max_iterations < 1) return Status::invalid("kelly: max_iterations must be at least 1");
  if (!(barrier_growth > 1.0) || !std::isfinite(barrier_growth)) {
    return Status::invalid("kelly: barrier_growth must be > 1");
  }
  if (!(verify_tolerance > 0) || !std::isfinite(verify_tolerance)) {
    return Status::invalid("kelly: verify_tolerance must be > 0");
  }
  const PortfolioConstraints& c = problem.constraints;
  KEEL_RETURN_IF_ERROR(c.validate(static_cast<int>(n)).with_context("kelly"));
  const auto refuse = [](const std::string& what) {
    return Status::invalid("kelly cannot honour " + what +
                           "; remove it (kelly takes per-asset bounds and --max-leverage / "
                           "max_gross_leverage only)");
  };
  if (c.budget && *c.budget != 1.0) {
    return refuse(
        fmt::format("a budget of {} (it holds the rest of wealth in cash, so the budget "
                    "does not bind)",
                    *c.budget));
  }
  if (std::isfinite(c.net_exposure_min) || std::isfinite(c.net_exposure_max)) {
    return refuse("a net exposure range");
  }
  if (!c.groups.empty()) return refuse("group limits");
  if (!c.linear.empty()) return refuse("linear constraints");
  if (c.has_turnover_cap()) return refuse("a turnover cap");
  if (c.has_cardinality()) return refuse("max_assets or min_position (cardinality)");
  if (!(leverage_cap(c) > 0.0)) {
    return Status::invalid("kelly: the gross leverage cap must be > 0 (1 = no borrowing)");
  }
  return Status::ok();
}

Json KellyResult::details(double fraction) const {
  Json out;
  out["fraction"] = fraction;
  out["cash"] = json_number(cash);
  out["growth_rate"] = json_number(growth_rate);
  out["growth_rate_annual"] = json_number(growth_rate_annual);
  out["full_kelly_growth_rate"] = json_number(full_kelly_growth_rate);
  Json drawdown;
  drawdown["kind"] = "compounded";
  drawdown["max"] = json_number(max_drawdown);
  drawdown["average"] = json_number(average_drawdown);
  drawdown["ulcer_index"] = json_number(ulcer_index);
  drawdown["cdar_95"] = json_number(cdar_95);
  drawdown["longest_underwater"] = longest_underwater;
  out["drawdown"] = std::move(drawdown);
  Json points = Json::array();
  for (const auto& point : profile) {
    points.push_back({{"fraction", point.fraction},
                      {"growth_rate", json_number(point.growth_rate)},
                      {"max_drawdown", json_number(point.max_drawdown)}});
  }
  out["profile"] = std::move(points);
  out["newton_steps"] = iterations;
  out["duality_gap"] = json_number(duality_gap);
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

// The problem in barrier form over x = [w] or [w, s]: G x ≤ h, wealth W = c0 + A w.
struct Barrier {
  int n = 0;
  int vars = 0;
  bool split = false;  // s ≥ |w| columns present
  Eigen::MatrixXd G;
  Eigen::VectorXd h;
  Eigen::MatrixXd A;  // T × n: r_t − r_c
  double c0 = 1.0;    // 1 + r_c
};

Barrier make_barrier(const KellyProblem& problem, const KellyOptions& options) {
  const PortfolioConstraints& c = problem.constraints;
  Barrier b;
  b.n = static_cast<int>(problem.assets.size());
  const int n = b.n;
  const Eigen::VectorXd lower = c.effective_lower(n);
  const Eigen::VectorXd upper = c.effective_upper(n);
  const double cap = leverage_cap(c);
  b.split = (lower.array() < 0.0).any();
  b.vars = b.split ? 2 * n : n;
  std::vector<std::pair<Eigen::VectorXd, double>> rows;
  const auto add = [&](Eigen::VectorXd row, double rhs) { rows.emplace_back(std::move(row), rhs); };
  for (int i = 0; i < n; ++i) {
    if (std::isfinite(lower[i])) {
      Eigen::VectorXd row = Eigen::VectorXd::Zero(b.vars);
      row[i] = -1.0;
      add(row, -lower[i]);
    }
    if (std::isfinite(upper[i])) {
      Eigen::VectorXd row = Eigen::VectorXd::Zero(b.vars);
      row[i] = 1.0;
      add(row, upper[i]);
    }
  }
  Eigen::VectorXd total = Eigen::VectorXd::Zero(b.vars);
  if (b.split) {
    for (int i = 0; i < n; ++i) {
      Eigen::VectorXd row = Eigen::VectorXd::Zero(b.vars);
      row[i] = 1.0;
      row[n + i] = -1.0;  // w − s ≤ 0
      add(row, 0.0);
      row[i] = -1.0;  // −w − s ≤ 0
      add(row, 0.0);
    }
    total.tail(n).setOnes();
  } else {
    total.setOnes();  // w ≥ 0: 1ᵀ|w| = 1ᵀw
  }
  add(total, cap);
  b.G.resize(static_cast<Eigen::Index>(rows.size()), b.vars);
  b.h.resize(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    b.G.row(static_cast<Eigen::Index>(k)) = rows[k].first.transpose();
    b.h[static_cast<Eigen::Index>(k)] = rows[k].second;
  }
  const double rc = options.risk_free_rate / problem.periods_per_year;
  b.c0 = 1.0 + rc;
  b.A = problem.scenarios.array() - rc;
  return b;
}

// Phase I: max δ s.t. G x + δ ≤ h, (with_wealth) c0 + A w ≥ δ, δ ≤ 1. Returns δ* (−inf when the
// LP fails) and the point.
double phase_one(const Barrier& b, bool with_wealth, Eigen::VectorXd& x) {
  lp::Model model;
  for (int j = 0; j < b.vars; ++j) model.add_column(-kInfinity, kInfinity, 0.0);
  const int delta = model.add_column(-kInfinity, 1.0, -1.0);
  std::vector<int> columns(static_cast<std::size_t>(b.vars) + 1);
  std::vector<double> values(columns.size());
  for (int j = 0; j < b.vars; ++j) columns[static_cast<std::size_t>(j)] = j;
  columns[static_cast<std::size_t>(b.vars)] = delta;
  for (Eigen::Index k = 0; k < b.G.rows(); ++k) {
    for (int j = 0; j < b.vars; ++j) values[static_cast<std::size_t>(j)] = b.G(k, j);
    values[static_cast<std::size_t>(b.vars)] = 1.0;
    model.add_row(columns, values, -kInfinity, b.h[k]);
  }
  if (with_wealth) {
    std::fill(values.begin(), values.end(), 0.0);
    for (Eigen::Index t = 0; t < b.A.rows(); ++t) {
      for (int i = 0; i < b.n; ++i) values[static_cast<std::size_t>(i)] = b.A(t, i);
      values[static_cast<std::size_t>(b.vars)] = -1.0;
      model.add_row(columns, values, -b.c0, kInfinity);
    }
  }
  ClpSimplex clp;
  model.load(clp);
  clp.dual();
  if (clp.status() != 0) return -kInfinity;
  x = Eigen::Map<const Eigen::VectorXd>(clp.primalColumnSolution(), b.vars);
  return clp.primalColumnSolution()[delta];
}

struct NewtonOutcome {
  Eigen::VectorXd x;
  int steps = 0;
  double gap = kNaN;
  bool converged = false;
  std::string message;
};

// The barrier method from a strictly feasible x.
NewtonOutcome solve_barrier(const Barrier& b, Eigen::VectorXd x, const KellyOptions& options) {
  const auto T = static_cast<double>(b.A.rows());
  const double m = static_cast<double>(b.G.rows());
  NewtonOutcome out;
  // φ_t(x) = −t·g(w) − Σ log slack; +inf outside the domain.
  const auto value = [&](const Eigen::VectorXd& point, double t) {
    const Eigen::VectorXd slack = b.h - b.G * point;
    const Eigen::VectorXd wealth = (b.A * point.head(b.n)).array() + b.c0;
    if ((slack.array() <= 0.0).any() || (wealth.array() <= 0.0).any()) return kInfinity;
    return -t * wealth.array().log().sum() / T - slack.array().log().sum();
  };
  double t = std::max(1.0, m);
  Eigen::MatrixXd H(b.vars, b.vars);
  Eigen::VectorXd grad(b.vars);
  while (true) {
    // Centre: Newton with backtracking.
    while (true) {
      if (out.steps >= options.max_iterations) {
        out.x = x;
        out.gap = m / t;
        out.message = fmt::format(
            "the barrier method used its {} Newton steps (duality gap {:.3g}); raise "
            "max_iterations",
            options.max_iterations, m / t);
        return out;
      }
      const Eigen::VectorXd slack = b.h - b.G * x;
      const Eigen::VectorXd wealth = (b.A * x.head(b.n)).array() + b.c0;
      const Eigen::VectorXd inv_w = wealth.cwiseInverse();
      const Eigen::VectorXd inv_s = slack.cwiseInverse();
      grad = b.G.transpose() * inv_s;
      grad.head(b.n) -= (t / T) * (b.A.transpose() * inv_w);
      const Eigen::MatrixXd scaled_a = inv_w.asDiagonal() * b.A;
      const Eigen::MatrixXd scaled_g = inv_s.asDiagonal() * b.G;
      H.noalias() = scaled_g.transpose() * scaled_g;
      H.topLeftCorner(b.n, b.n).noalias() += (t / T) * (scaled_a.transpose() * scaled_a);
      Eigen::LDLT<Eigen::MatrixXd> ldlt(H);
      Eigen::VectorXd step = -ldlt.solve(grad);
      if (ldlt.info() != Eigen::Success || !step.allFinite()) {
        Eigen::MatrixXd regular = H;
        regular.diagonal().array() += 1e-12 * std::max(1.0, H.diagonal().maxCoeff());
        step = -regular.ldlt().solve(grad);
      }
      const double decrement = -grad.dot(step);  // λ²
      const double current = value(x, t);
      if (!(decrement > 0.0) || decrement / 2 <= 1e-12 * std::max(1.0, std::abs(current))) break;
      double alpha = 1.0;
      double next = value(x + step, t);
      while (!(next <= current - 0.01 * alpha * decrement) && alpha > 1e-16) {
        alpha *= 0.5;
        next = value(x + alpha * step, t);
      }
      ++out.steps;
      if (!(next < current)) break;  // no progress at round-off level
      x += alpha * step;
    }
    if (m / t <= options.tolerance) break;
    t *= options.barrier_growth;
  }
  out.x = x;
  out.gap = m / t;
  out.converged = true;
  return out;
}

double mean_log_growth(const KellyProblem& problem, double rc, const Eigen::VectorXd& w) {
  const Eigen::VectorXd wealth = (problem.scenarios * w).array() + (1.0 + rc) - rc * w.sum();
  if ((wealth.array() <= 0.0).any()) return -kInfinity;
  return wealth.array().log().mean();
}

}  // namespace

Result<KellyResult> optimize_kelly(const KellyProblem& problem, const KellyOptions& options) {
  const auto start = Clock::now();
  KEEL_RETURN_IF_ERROR(options.validate(problem));
  const int n = static_cast<int>(problem.assets.size());
  const double rc = options.risk_free_rate / problem.periods_per_year;
  KellyResult out;
  PortfolioResult& result = out.portfolio;
  result.model = "kelly";
  result.assets = problem.assets;
  result.diagnostics.solver = "barrier-newton";
  PortfolioConstraints checked = problem.constraints;
  checked.budget = std::nullopt;
  checked.max_gross_leverage = leverage_cap(problem.constraints);
  const auto finish = [&]() -> Result<KellyResult> {
    if (result.weights.size() == n) {
      const Eigen::VectorXd pnl =
          (problem.scenarios * result.weights).array() + rc * (1.0 - result.weights.sum());
      result.performance.expected_return = pnl.mean() * problem.periods_per_year;
      if (pnl.size() >= 2) {
        const double variance =
            (pnl.array() - pnl.mean()).square().sum() / static_cast<double>(pnl.size() - 1);
        result.performance.volatility = std::sqrt(variance * problem.periods_per_year);
        if (result.performance.volatility > 0) {
          result.performance.sharpe =
              (result.performance.expected_return - options.risk_free_rate) /
              result.performance.volatility;
        }
      }
      verify_result(result, checked, VerifyOptions{.tolerance = options.verify_tolerance});
    }
    result.details["kelly"] = out.details(options.fraction);
    result.diagnostics.solve_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return out;
  };

  const Barrier barrier = make_barrier(problem, options);
  Eigen::VectorXd x;
  const double interior = phase_one(barrier, false, x);
  if (!(interior > 0.0)) {
    return Status::invalid(
        "kelly: the bounds and the gross leverage cap leave no room to move (an asset with lower "
        "== upper, or a cap at the sum of the lower bounds); widen them");
  }
  result.diagnostics.solves = 2;
  const double margin = phase_one(barrier, true, x);
  if (!(margin > 0.0)) {
    // At the phase-I point, the scenario with the least wealth.
    Eigen::Index row = 0;
    if (x.size() == barrier.vars) {
      ((barrier.A * x.head(n)).array() + barrier.c0).minCoeff(&row);
    }
    detail::set_infeasible(
        result, {"scenario-wealth", "bounds", "gross-leverage"},
        fmt::format("every allowed portfolio loses all its wealth (1 + wᵀr_t ≤ 0) in some "
                    "scenario, e.g. row {}, so log growth is undefined; lower the leverage cap or "
                    "the lower bounds that force the position, or drop the scenario if it is a "
                    "data error",
                    row));
    return finish();
  }
  NewtonOutcome newton = solve_barrier(barrier, x, options);
  out.iterations = newton.steps;
  out.duality_gap = newton.gap;
  result.diagnostics.iterations = newton.steps;
  const Eigen::VectorXd full = newton.x.head(n);
  if (!newton.converged) {
    result.status = SolveStatus::kIterationLimit;
    result.diagnostics.explanation = newton.message;
    return finish();
  }
  result.status = SolveStatus::kOptimal;
  out.full_kelly_weights = full;
  result.weights = options.fraction * full;
  out.cash = 1.0 - result.weights.sum();
  out.full_kelly_growth_rate = mean_log_growth(problem, rc, full);
  out.growth_rate = mean_log_growth(problem, rc, result.weights);
  out.growth_rate_annual = out.growth_rate * problem.periods_per_year;
  const auto path = [&](const Eigen::VectorXd& w) {
    Eigen::VectorXd r = (problem.scenarios * w).array() + rc * (1.0 - w.sum());
    return r;
  };
  auto summary = drawdowns(path(result.weights),
                           DrawdownOptions{.kind = DrawdownKind::kCompounded, .confidence = 0.95});
  if (summary) {
    out.max_drawdown = summary->max_drawdown;
    out.average_drawdown = summary->average_drawdown;
    out.ulcer_index = summary->ulcer_index;
    out.cdar_95 = summary->cdar;
    out.longest_underwater = summary->longest_underwater;
  }
  for (double f : {0.25, 0.5, 0.75, 1.0}) {
    const Eigen::VectorXd w = f * full;
    auto s = drawdowns(path(w), DrawdownOptions{.kind = DrawdownKind::kCompounded});
    out.profile.push_back({f, mean_log_growth(problem, rc, w), s ? s->max_drawdown : kNaN});
  }
  return finish();
}

}  // namespace keel
