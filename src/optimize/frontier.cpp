#include "keel/optimize/frontier.hpp"

#include <fmt/format.h>

#include <ClpSimplex.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>

#include "optimize/constraint_rows.hpp"
#include "optimize/lp_model.hpp"

namespace keel {

Status FrontierOptions::validate() const {
  if (points < 2) {
    return Status::invalid(fmt::format("frontier options: points = {} must be at least 2", points));
  }
  if (!std::isfinite(risk_free_rate)) {
    return Status::invalid(
        "frontier options: risk_free_rate must be finite (annualised, e.g. 0.02)");
  }
  if (!std::isnan(volatility_cap) && !(volatility_cap > 0.0 && std::isfinite(volatility_cap))) {
    return Status::invalid(fmt::format(
        "frontier options: volatility_cap = {} must be positive and finite, or NaN for the "
        "default (the most volatile asset's volatility)",
        volatility_cap));
  }
  if (!(verify_tolerance > 0.0)) {
    return Status::invalid("frontier options: verify_tolerance must be positive (default 1e-8)");
  }
  return qp.validate();
}

bool critical_line_applies(const PortfolioConstraints& c, int assets) {
  return c.budget && *c.budget == 1.0 && c.groups.empty() && c.linear.empty() &&
         !c.has_leverage_cap() && !c.has_turnover_cap() && c.effective_lower(assets).allFinite() &&
         c.effective_upper(assets).allFinite();
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct LpAnswer {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd weights;
  int iterations = 0;
};

// max μᵀw over every constraint: the top of the frontier's return range.
LpAnswer max_return_lp(const MeanVarianceProblem& problem, double time_limit_s) {
  const auto& c = problem.constraints;
  const int n = static_cast<int>(problem.assets.size());
  lp::Model model;
  lp::add_weight_block(model, c, n, detail::full_mask(c), Eigen::VectorXd(), 0.0);
  for (int i = 0; i < n; ++i) model.set_cost(i, -problem.expected_returns[i]);
  ClpSimplex clp;
  model.load(clp);
  if (time_limit_s > 0) clp.setMaximumSeconds(time_limit_s);
  const auto start = Clock::now();
  clp.primal();
  LpAnswer answer;
  answer.iterations = clp.numberIterations();
  answer.status = lp::map_status(clp, time_limit_s > 0 && elapsed_ms(start) >= 1e3 * time_limit_s);
  if (answer.status == SolveStatus::kOptimal) {
    answer.weights = Eigen::Map<const Eigen::VectorXd>(clp.primalColumnSolution(), n);
  }
  return answer;
}

// Runs the solves of one trace and keeps their bookkeeping (counts, solvers, warnings, worst
// violation) in one place.
class Tracer {
 public:
  Tracer(const MeanVarianceProblem& problem, const FrontierOptions& options, TracedFrontier& out)
      : problem_(problem), options_(options), out_(out) {
    base_.risk_free_rate = options.risk_free_rate;
    base_.verify_tolerance = options.verify_tolerance;
    base_.qp = options.qp;
    base_.qp.warm_x.resize(0);
    base_.qp.warm_active_lower.clear();
    base_.qp.warm_active_upper.clear();
    base_.qp.warm_active_rows.clear();
    const auto& c = problem.constraints;
    // The QP variables are the weights alone only without the leverage and turnover splits.
    warm_ = options.warm_start && !c.has_leverage_cap() && !c.has_turnover_cap() &&
            options.qp.algorithm != QpAlgorithm::kInteriorPoint;
    const int n = static_cast<int>(problem.assets.size());
    lower_ = c.effective_lower(n);
    upper_ = c.effective_upper(n);
  }

  bool warm() const { return warm_; }

  Result<PortfolioResult> min_variance() {
    MeanVarianceOptions mv = base_;
    mv.objective = MeanVarianceObjective::kMinVariance;
    return run(mv);
  }

  // min wᵀΣw s.t. μᵀw ≥ target, from `start` (feasible for the target) when warm starts apply. A
  // warm active-set solve that fails is repeated once, cold, by the interior point.
  Result<PortfolioResult> efficient_return(double target, const Eigen::VectorXd& start) {
    MeanVarianceOptions mv = base_;
    mv.objective = MeanVarianceObjective::kEfficientReturn;
    mv.target_return = target;
    if (warm_ && start.size() > 0) {
      mv.qp.algorithm = QpAlgorithm::kActiveSet;
      mv.qp.warm_x = start;
      // The start's own active bounds: without them the active set would begin with every
      // variable free and spend one working-set change on each asset held at a bound.
      for (Eigen::Index i = 0; i < start.size(); ++i) {
        if (std::abs(start[i] - lower_[i]) <= 1e-12 * (1.0 + std::abs(lower_[i]))) {
          mv.qp.warm_active_lower.push_back(static_cast<int>(i));
        } else if (std::abs(start[i] - upper_[i]) <= 1e-12 * (1.0 + std::abs(upper_[i]))) {
          mv.qp.warm_active_upper.push_back(static_cast<int>(i));
        }
      }
    }
    auto r = run(mv);
    if (r.is_ok() && !r->is_usable() && mv.qp.algorithm == QpAlgorithm::kActiveSet) {
      mv.qp.algorithm = QpAlgorithm::kInteriorPoint;
      mv.qp.warm_x.resize(0);
      add_warning(
          fmt::format("the warm-started active set failed at target return {:.6g} ({}); "
                      "re-solved cold by the interior point",
                      target, to_string(r->status)));
      r = run(mv);
    }
    return r;
  }

  Result<PortfolioResult> efficient_risk(double target_volatility) {
    MeanVarianceOptions mv = base_;
    mv.objective = MeanVarianceObjective::kEfficientRisk;
    mv.target_volatility = target_volatility;
    return run(mv);
  }

  Result<PortfolioResult> max_sharpe() {
    MeanVarianceOptions mv = base_;
    mv.objective = MeanVarianceObjective::kMaxSharpe;
    return run(mv);
  }

  TracedFrontierPoint point(const PortfolioResult& r, double target) const {
    TracedFrontierPoint p;
    p.target_return = target;
    p.weights = r.weights;
    p.expected_return = problem_.expected_returns.dot(r.weights);
    p.variance = std::max(0.0, r.weights.dot(problem_.covariance * r.weights));
    p.volatility = std::sqrt(p.variance);
    p.sharpe =
        p.volatility > 0 ? (p.expected_return - options_.risk_free_rate) / p.volatility : kNaN;
    p.max_constraint_violation = r.diagnostics.max_constraint_violation;
    p.solver = r.diagnostics.solver;
    p.iterations = r.diagnostics.iterations;
    p.solve_ms = r.diagnostics.solve_ms;
    return p;
  }

  // Records a returned portfolio's verification and status in the frontier's diagnostics.
  void accept(const PortfolioResult& r) {
    auto& d = out_.diagnostics;
    const double v = r.diagnostics.max_constraint_violation;
    if (!std::isnan(v) &&
        (std::isnan(d.max_constraint_violation) || v > d.max_constraint_violation)) {
      d.max_constraint_violation = v;
      d.worst_constraint = r.diagnostics.worst_constraint;
    }
    if (r.status == SolveStatus::kOptimalInaccurate) out_.status = SolveStatus::kOptimalInaccurate;
  }

  // Marks the frontier failed with the outcome of `r` and `what` it was solving.
  void fail(const PortfolioResult& r, const std::string& what) {
    out_.status = r.status;
    out_.explanation =
        what + " is " + std::string(to_string(r.status)) + ": " + r.diagnostics.explanation;
    out_.conflicting_constraints = r.diagnostics.conflicting_constraints;
  }

  void count_lp(const LpAnswer& lp) {
    out_.diagnostics.solves += 1;
    out_.diagnostics.iterations += lp.iterations;
  }

  void add_warning(const std::string& warning) {
    auto& w = out_.diagnostics.warnings;
    if (std::find(w.begin(), w.end(), warning) == w.end()) w.push_back(warning);
  }

  std::string qp_solvers() const {
    std::string joined;
    for (const auto& s : solvers_) joined += (joined.empty() ? "" : "+") + s;
    return joined;
  }

 private:
  Result<PortfolioResult> run(const MeanVarianceOptions& mv) {
    auto r = optimize_mean_variance(problem_, mv);
    if (!r) return r.status();
    out_.diagnostics.solves += r->diagnostics.solves;
    out_.diagnostics.iterations += r->diagnostics.iterations;
    // "active-set+interior-point" when a model used both.
    std::string names = r->diagnostics.solver;
    while (!names.empty()) {
      const auto plus = names.find('+');
      const std::string name = names.substr(0, plus);
      if (!name.empty() && std::find(solvers_.begin(), solvers_.end(), name) == solvers_.end()) {
        solvers_.push_back(name);
      }
      names = plus == std::string::npos ? "" : names.substr(plus + 1);
    }
    for (const auto& w : r->diagnostics.warnings) add_warning(w);
    return r;
  }

  const MeanVarianceProblem& problem_;
  const FrontierOptions& options_;
  TracedFrontier& out_;
  MeanVarianceOptions base_;
  bool warm_ = false;
  Eigen::VectorXd lower_, upper_;  // effective bounds of the weights (the QP's variable bounds)
  std::vector<std::string> solvers_;
};

// The weights on the segment from `from` to `to` whose expected return is `target` (between
// theirs): feasible for every constraint because the feasible set is convex.
Eigen::VectorXd blend(const Eigen::VectorXd& mu, const Eigen::VectorXd& from,
                      const Eigen::VectorXd& to, double target) {
  const double r_from = mu.dot(from);
  const double r_to = mu.dot(to);
  if (!(r_to > r_from)) return from;
  const double t = std::clamp((target - r_from) / (r_to - r_from), 0.0, 1.0);
  return from + t * (to - from);
}

// Checks the efficient-frontier invariants on the points and the max-Sharpe portfolio, so that a
// solver that stopped early shows up as a warning rather than as a silently bent curve.
void check_invariants(TracedFrontier& f, Tracer& tracer) {
  const auto& pts = f.points;
  for (std::size_t k = 1; k < pts.size(); ++k) {
    const double scale = std::max(1e-12, pts[k].volatility);
    if (pts[k].volatility < pts[k - 1].volatility - 1e-7 * scale) {
      tracer.add_warning(fmt::format(
          "volatility decreases from {:.8g} to {:.8g} between points {} and {} (returns {:.6g}, "
          "{:.6g}): a QP stopped short of its optimum; tighten qp.tolerance",
          pts[k - 1].volatility, pts[k].volatility, k - 1, k, pts[k - 1].expected_return,
          pts[k].expected_return));
    }
  }
  for (std::size_t k = 0; k < pts.size(); ++k) {
    if (std::isnan(pts[k].target_return)) continue;
    const double scale = std::max({1.0, std::abs(pts[k].target_return)});
    if (pts[k].expected_return < pts[k].target_return - 1e-7 * scale ||
        pts[k].expected_return > pts[k].target_return + 1e-6 * scale) {
      tracer.add_warning(fmt::format(
          "point {} has expected return {:.10g} for the target {:.10g}: the return row is not "
          "binding, so the point may not be on the efficient part",
          k, pts[k].expected_return, pts[k].target_return));
    }
  }
  if (f.max_sharpe) {
    const double best = f.max_sharpe->sharpe;
    for (std::size_t k = 0; k < pts.size(); ++k) {
      if (pts[k].sharpe > best + 1e-7 * std::max(1.0, std::abs(best))) {
        tracer.add_warning(fmt::format(
            "point {} has Sharpe ratio {:.8g}, above the max-Sharpe portfolio's {:.8g}: the "
            "max-Sharpe solve stopped short of its optimum",
            k, pts[k].sharpe, best));
      }
    }
  }
}

}  // namespace

Result<TracedFrontier> trace_frontier(const MeanVarianceProblem& problem,
                                      const FrontierOptions& options) {
  const auto start = Clock::now();
  KEEL_RETURN_IF_ERROR(options.validate());
  const auto n = static_cast<Eigen::Index>(problem.assets.size());
  if (problem.expected_returns.size() != n) {
    return Status::invalid(fmt::format(
        "trace_frontier: {} expected returns for {} assets; the frontier needs one per asset",
        problem.expected_returns.size(), n));
  }
  if (problem.constraints.has_cardinality()) {
    return Status::invalid(
        "trace_frontier: max_assets/min_position (cardinality) make the frontier a union of "
        "frontiers over supports, which is not traced; run keel optimize per target instead");
  }
  const Eigen::VectorXd& mu = problem.expected_returns;

  TracedFrontier f;
  f.status = SolveStatus::kOptimal;
  Tracer tracer(problem, options, f);
  std::string top_solver = "max return: not reached";
  auto finish = [&]() -> Result<TracedFrontier> {
    f.diagnostics.solver = "efficient-return sweep (" + tracer.qp_solvers() + "), " + top_solver;
    f.diagnostics.solve_ms = elapsed_ms(start);
    return f;
  };

  // ---- The minimum-variance end (its call errors are the problem's: sizes, NaN, Σ, constraints).
  auto low = tracer.min_variance();
  if (!low) return low.status().with_context("trace_frontier");
  if (!low->is_usable()) {
    tracer.fail(*low, "the minimum-variance portfolio");
    return finish();
  }
  tracer.accept(*low);
  const TracedFrontierPoint low_point = tracer.point(*low, kNaN);
  f.min_return = low_point.expected_return;

  // ---- The maximum-return end.
  const LpAnswer lp = max_return_lp(problem, options.qp.time_limit_s);
  tracer.count_lp(lp);
  std::optional<TracedFrontierPoint> top;
  if (lp.status == SolveStatus::kUnbounded) {
    f.return_unbounded = true;
    f.max_return = kInfinity;
    top_solver = "max return: unbounded (clp)";
    double cap = options.volatility_cap;
    if (std::isnan(cap)) {
      cap =
          std::max(std::sqrt(problem.covariance.diagonal().maxCoeff()), 2.0 * low_point.volatility);
    }
    if (!(cap > low_point.volatility * (1.0 + 1e-9))) {
      f.status = SolveStatus::kInfeasible;
      f.explanation = fmt::format(
          "the expected return is unbounded over these constraints and the volatility cap "
          "{:.6g} does not exceed the minimum-variance volatility {:.6g}: nothing to sweep; "
          "raise the cap",
          cap, low_point.volatility);
      f.conflicting_constraints = {"volatility-cap"};
      f.points.push_back(low_point);
      return finish();
    }
    auto capped = tracer.efficient_risk(cap);
    if (!capped) return capped.status().with_context("trace_frontier");
    top_solver = fmt::format("max return: unbounded (clp), swept to volatility {:.6g}", cap);
    if (!capped->is_usable()) {
      f.points.push_back(low_point);
      tracer.fail(*capped, fmt::format("the efficient portfolio of volatility {:.6g}", cap));
      return finish();
    }
    tracer.accept(*capped);
    top = tracer.point(*capped, kNaN);
    tracer.add_warning(fmt::format(
        "the expected return is unbounded over these constraints (a long-short combination "
        "without finite bounds or a leverage cap); the frontier is swept up to volatility {:.6g} "
        "(return {:.6g}) and continues beyond it; set a volatility cap, bounds or a gross "
        "leverage cap",
        cap, top->expected_return));
  } else if (!is_usable(lp.status)) {
    f.points.push_back(low_point);
    f.status = lp.status == SolveStatus::kInfeasible ? SolveStatus::kNumericalError : lp.status;
    f.explanation = fmt::format(
        "the maximum-return LP (Clp) ended {} although the minimum-variance portfolio is "
        "feasible; the constraints may be badly scaled",
        to_string(lp.status));
    top_solver = "max return: clp failed";
    return finish();
  } else {
    const double r_max = mu.dot(lp.weights);
    f.max_return = r_max;
    const double hair = 1e-9 * std::max(1.0, std::abs(r_max));
    top_solver = "max return: clp";
    if (r_max - f.min_return > 2.0 * hair) {
      // The LP vertex has return r_max ≥ the target: a feasible start for the top point.
      double target = r_max - hair;
      auto high = tracer.efficient_return(target, lp.weights);
      if (!high) return high.status().with_context("trace_frontier");
      if (!high->is_usable() && high->status == SolveStatus::kInfeasible) {
        // Clp's vertex can overstate the maximum by its feasibility tolerance: back off further.
        target = r_max - 1e-6 * (r_max - f.min_return);
        high = tracer.efficient_return(target, lp.weights);
        if (!high) return high.status().with_context("trace_frontier");
      }
      if (!high->is_usable()) {
        f.points.push_back(low_point);
        tracer.fail(*high, fmt::format("the maximum-return end (target {:.6g})", target));
        return finish();
      }
      tracer.accept(*high);
      top = tracer.point(*high, target);
    } else {
      tracer.add_warning(
          "the frontier is a single portfolio: the minimum-variance portfolio already has the "
          "largest attainable expected return");
    }
  }

  // ---- The points in between, from the low end up, each warm-started on the segment to the top.
  f.points.push_back(low_point);
  if (top) {
    const double r_low = f.min_return;
    const double r_top = top->expected_return;
    const int count = options.points;
    Eigen::VectorXd previous = low_point.weights;
    for (int k = 1; k + 1 < count; ++k) {
      const double target = r_low + (r_top - r_low) * static_cast<double>(k) / (count - 1);
      const Eigen::VectorXd warm_start =
          tracer.warm() ? blend(mu, previous, top->weights, target) : Eigen::VectorXd();
      auto r = tracer.efficient_return(target, warm_start);
      if (!r) return r.status().with_context("trace_frontier");
      if (!r->is_usable()) {
        tracer.fail(*r, fmt::format("frontier point {} of {} (target return {:.6g})", k + 1, count,
                                    target));
        return finish();
      }
      tracer.accept(*r);
      f.points.push_back(tracer.point(*r, target));
      previous = r->weights;
    }
    f.points.push_back(*top);
  }

  // ---- Max Sharpe, solved directly.
  const auto& c = problem.constraints;
  if (!c.budget || !(*c.budget > 0.0)) {
    f.max_sharpe_message =
        "max Sharpe needs a fixed positive budget (Sharpe ratios are scale-invariant); this "
        "frontier has a free or non-positive budget";
  } else {
    auto best = tracer.max_sharpe();
    if (!best) {
      f.max_sharpe_message = best.status().message();
    } else if (!best->is_usable()) {
      f.max_sharpe_message =
          std::string(to_string(best->status)) + ": " + best->diagnostics.explanation;
    } else {
      tracer.accept(*best);
      f.max_sharpe = tracer.point(*best, kNaN);
    }
  }
  check_invariants(f, tracer);
  return finish();
}

}  // namespace keel
