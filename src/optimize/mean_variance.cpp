#include "keel/optimize/mean_variance.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <queue>
#include <set>

#include "keel/optimize/verify.hpp"
#include "optimize/cardinality_bounds.hpp"
#include "optimize/constraint_conflicts.hpp"
#include "optimize/constraint_rows.hpp"
#include "optimize/tangency_start.hpp"

namespace keel {

std::string_view to_string(MeanVarianceObjective objective) {
  switch (objective) {
    case MeanVarianceObjective::kMinVariance:
      return "min-variance";
    case MeanVarianceObjective::kMaxSharpe:
      return "max-sharpe";
    case MeanVarianceObjective::kMaxUtility:
      return "max-utility";
    case MeanVarianceObjective::kEfficientReturn:
      return "efficient-return";
    case MeanVarianceObjective::kEfficientRisk:
      return "efficient-risk";
    case MeanVarianceObjective::kMaxDiversification:
      return "max-diversification";
    case MeanVarianceObjective::kMinTrackingError:
      return "min-tracking-error";
    case MeanVarianceObjective::kMaxReturnTrackingError:
      return "max-return-tracking-error";
  }
  return "unknown";
}

namespace {

using Objective = MeanVarianceObjective;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool needs_expected_returns(Objective objective) {
  return objective == Objective::kMaxSharpe || objective == Objective::kMaxUtility ||
         objective == Objective::kEfficientReturn || objective == Objective::kEfficientRisk ||
         objective == Objective::kMaxReturnTrackingError;
}

using detail::ConstraintMask;

// One QP of the family, over x = [w | p m (leverage) | u v (trades) | κ (homogenised)]:
//   min α (w − a)ᵀΣ(w − a) + γ‖w‖² + linearᵀw + cᵀ(u + v)
// with the user constraints, homogenised by κ when `homogeneous` (then w stands for y = κw and
// the normalisation row excessᵀy − cᵀ(u + v) = 1 is added).
//
// Homogenised with a fixed budget b > 0, the budget row 1ᵀy = bκ defines κ, so κ is eliminated:
// every right-hand side r of a row becomes the term −(r/b)·1ᵀy, the budget row disappears and
// κ ≥ 0 becomes the row 1ᵀy ≥ 0 (implied, and dropped, when y ≥ 0). Without κ — a variable with
// no curvature — P keeps the positive definite block 2Σ, so a long-only max-Sharpe book is a
// strictly convex QP with one equality and bounds that the active set solves exactly in about
// one factorisation of Σ, instead of an interior point on a singular P.
struct ModelSpec {
  double risk_weight = 1.0;  // α
  Eigen::VectorXd anchor;    // a (empty = 0)
  double gamma = 0.0;        // γ
  Eigen::VectorXd linear;    // (empty = 0)
  Eigen::VectorXd costs;     // c (empty = none)
  bool homogeneous = false;
  Eigen::VectorXd excess;  // homogenised normalisation vector
  // Optional model row on w: target_row ᵀ w ≥ target_rhs (or = when target_equality).
  Eigen::VectorXd target_row;
  double target_rhs = 0.0;
  bool target_equality = false;
};

struct Layout {
  int n = 0;
  int p = -1, m = -1, u = -1, v = -1, kappa = -1;
  int total = 0;
  // Homogenised with κ eliminated: κ = 1ᵀy / budget.
  bool kappa_eliminated = false;
  double budget = 1.0;
};

class Builder {
 public:
  Builder(const MeanVarianceProblem& problem, const ModelSpec& spec, const ConstraintMask& mask)
      : problem_(problem), spec_(spec), mask_(mask) {
    const auto& c = problem.constraints;
    layout_.n = static_cast<int>(problem.assets.size());
    int next = layout_.n;
    if (c.has_leverage_cap() && mask.leverage) {
      layout_.p = next;
      layout_.m = next + layout_.n;
      next += 2 * layout_.n;
    }
    const bool trades = (c.has_turnover_cap() && mask.turnover) || spec.costs.size() > 0;
    if (trades) {
      layout_.u = next;
      layout_.v = next + layout_.n;
      next += 2 * layout_.n;
    }
    if (spec.homogeneous) {
      if (mask.total && c.budget && *c.budget > 0) {
        layout_.kappa_eliminated = true;
        layout_.budget = *c.budget;
      } else {
        layout_.kappa = next++;
      }
    }
    layout_.total = next;
  }

  const Layout& layout() const { return layout_; }

  QpProblem build() {
    const int n = layout_.n;
    const int total = layout_.total;
    const auto& c = problem_.constraints;
    QpProblem qp;
    if (total == n) {
      qp.P = 2.0 * spec_.risk_weight * problem_.covariance;  // no zero fill first
    } else {
      qp.P = Eigen::MatrixXd::Zero(total, total);
      qp.P.topLeftCorner(n, n) = 2.0 * spec_.risk_weight * problem_.covariance;
    }
    qp.q = Eigen::VectorXd::Zero(total);
    if (spec_.gamma > 0) qp.P.topLeftCorner(n, n).diagonal().array() += 2.0 * spec_.gamma;
    if (spec_.anchor.size() == n) {
      qp.q.head(n) -= 2.0 * spec_.risk_weight * (problem_.covariance * spec_.anchor);
    }
    if (spec_.linear.size() == n) qp.q.head(n) += spec_.linear;
    if (spec_.costs.size() == n && !spec_.homogeneous) {
      qp.q.segment(layout_.u, n) = spec_.costs;
      qp.q.segment(layout_.v, n) = spec_.costs;
    }
    qp.lower = Eigen::VectorXd::Constant(total, -kInfinity);
    qp.upper = Eigen::VectorXd::Constant(total, kInfinity);
    for (int k : {layout_.p, layout_.m, layout_.u, layout_.v}) {
      if (k >= 0) qp.lower.segment(k, n).setZero();
    }
    if (layout_.kappa >= 0) qp.lower[layout_.kappa] = 0.0;

    const Eigen::VectorXd lower = c.effective_lower(n);
    const Eigen::VectorXd upper = c.effective_upper(n);
    // Homogenised upper bounds become rows y_i − u_i κ ≤ 0; skip those the budget already implies
    // (w_i ≤ b − Σ_{j≠i} l_j when every l_j is finite), e.g. u = 1 in a long-only book.
    const bool budget_row = mask_.total && c.budget.has_value();
    const double implied_slack =
        budget_row && lower.allFinite() ? *c.budget - lower.sum() : kInfinity;
    if (mask_.bounds) {
      for (int i = 0; i < n; ++i) {
        const bool implied_upper = upper[i] >= implied_slack + lower[i];
        if (!spec_.homogeneous || lower[i] == 0.0 || std::isinf(lower[i])) {
          qp.lower[i] = lower[i];
        } else {
          Eigen::VectorXd row = Eigen::VectorXd::Zero(n);
          row[i] = 1.0;
          add_row_on_w(row, ConstraintSense::kGreaterEqual, lower[i]);
        }
        if (!spec_.homogeneous || upper[i] == 0.0 || std::isinf(upper[i])) {
          qp.upper[i] = upper[i];
        } else if (!implied_upper) {
          Eigen::VectorXd row = Eigen::VectorXd::Zero(n);
          row[i] = 1.0;
          add_row_on_w(row, ConstraintSense::kLessEqual, upper[i]);
        }
      }
    }
    // A QP row is one-sided: ranges become a ≥ row and a ≤ row (finite sides only).
    detail::for_each_weight_row(
        c, n, mask_, spec_.target_row, spec_.target_rhs, spec_.target_equality,
        [&](const Eigen::VectorXd& row, double row_lower, double row_upper, bool equality) {
          if (equality) {
            add_row_on_w(row, ConstraintSense::kEqual, row_lower);
            return;
          }
          if (std::isfinite(row_lower))
            add_row_on_w(row, ConstraintSense::kGreaterEqual, row_lower);
          if (std::isfinite(row_upper)) add_row_on_w(row, ConstraintSense::kLessEqual, row_upper);
        });
    if (layout_.p >= 0) {
      // w − p + m = 0 and Σ(p + m) ≤ L (κL when homogenised).
      for (int i = 0; i < n; ++i) {
        Eigen::VectorXd row = Eigen::VectorXd::Zero(total);
        row[i] = 1.0;
        row[layout_.p + i] = -1.0;
        row[layout_.m + i] = 1.0;
        add_row(row, ConstraintSense::kEqual, 0.0);
      }
      Eigen::VectorXd row = Eigen::VectorXd::Zero(total);
      row.segment(layout_.p, 2 * n).setOnes();
      add_row(row, ConstraintSense::kLessEqual, c.max_gross_leverage);
    }
    if (layout_.u >= 0) {
      // w − u + v = w0 and Σ(u + v) ≤ τ (both scaled by κ when homogenised).
      const Eigen::VectorXd w0 = c.effective_current(n);
      for (int i = 0; i < n; ++i) {
        Eigen::VectorXd row = Eigen::VectorXd::Zero(total);
        row[i] = 1.0;
        row[layout_.u + i] = -1.0;
        row[layout_.v + i] = 1.0;
        add_row(row, ConstraintSense::kEqual, w0[i]);
      }
      if (c.has_turnover_cap() && mask_.turnover) {
        Eigen::VectorXd row = Eigen::VectorXd::Zero(total);
        row.segment(layout_.u, 2 * n).setOnes();
        add_row(row, ConstraintSense::kLessEqual, c.max_turnover);
      }
    }
    if (layout_.kappa_eliminated && qp.lower.head(n).minCoeff() < 0) {
      add_row_on_w(Eigen::VectorXd::Ones(n), ConstraintSense::kGreaterEqual, 0.0);  // κ ≥ 0
    }
    if (spec_.homogeneous) {
      Eigen::VectorXd row = Eigen::VectorXd::Zero(total);
      row.head(n) = spec_.excess;
      if (spec_.costs.size() == n) {
        row.segment(layout_.u, n) = -spec_.costs;
        row.segment(layout_.v, n) = -spec_.costs;
      }
      // The normalisation is not homogenised: it fixes the scale of y.
      eq_rows_.push_back(row);
      eq_rhs_.push_back(1.0);
    }

    qp.A.resize(static_cast<Eigen::Index>(eq_rows_.size()), total);
    qp.b.resize(static_cast<Eigen::Index>(eq_rows_.size()));
    for (std::size_t r = 0; r < eq_rows_.size(); ++r) {
      qp.A.row(static_cast<Eigen::Index>(r)) = eq_rows_[r].transpose();
      qp.b[static_cast<Eigen::Index>(r)] = eq_rhs_[r];
    }
    qp.G.resize(static_cast<Eigen::Index>(in_rows_.size()), total);
    qp.h.resize(static_cast<Eigen::Index>(in_rows_.size()));
    for (std::size_t r = 0; r < in_rows_.size(); ++r) {
      qp.G.row(static_cast<Eigen::Index>(r)) = in_rows_[r].transpose();
      qp.h[static_cast<Eigen::Index>(r)] = in_rhs_[r];
    }
    return qp;
  }

 private:
  void add_row_on_w(const Eigen::VectorXd& coefficients, ConstraintSense sense, double rhs) {
    Eigen::VectorXd row = Eigen::VectorXd::Zero(layout_.total);
    row.head(layout_.n) = coefficients;
    add_row(row, sense, rhs);
  }
  // Adds row·x (sense) rhs; homogenised, the right-hand side moves onto κ: row·x − rhs κ (sense) 0,
  // with κ = 1ᵀy / b when it is eliminated (a row that vanishes, the budget's, is dropped).
  void add_row(Eigen::VectorXd row, ConstraintSense sense, double rhs) {
    if (layout_.kappa_eliminated) {
      row.head(layout_.n).array() -= rhs / layout_.budget;
      rhs = 0.0;
      if (row.lpNorm<Eigen::Infinity>() == 0.0) return;
    } else if (spec_.homogeneous) {
      row[layout_.kappa] -= rhs;
      rhs = 0.0;
    }
    switch (sense) {
      case ConstraintSense::kEqual:
        eq_rows_.push_back(std::move(row));
        eq_rhs_.push_back(rhs);
        break;
      case ConstraintSense::kLessEqual:
        in_rows_.push_back(std::move(row));
        in_rhs_.push_back(rhs);
        break;
      case ConstraintSense::kGreaterEqual:
        in_rows_.push_back(-row);
        in_rhs_.push_back(-rhs);
        break;
    }
  }

  const MeanVarianceProblem& problem_;
  const ModelSpec& spec_;
  const ConstraintMask& mask_;
  Layout layout_;
  std::vector<Eigen::VectorXd> eq_rows_;
  std::vector<double> eq_rhs_;
  std::vector<Eigen::VectorXd> in_rows_;
  std::vector<double> in_rhs_;
};

using detail::full_mask;

// Where a QP starts: cold; from the previous QP of this call (the risk searches); or from the
// workspace carried across calls (the model's main QP, mean_variance.hpp MeanVarianceWorkspace).
enum class Start { kCold, kPrevious, kWorkspace };

// Runs the model QPs and keeps the bookkeeping (iterations, solves, warm starts) in one place.
class Engine {
 public:
  // `persistent` (may be null) is the workspace's solver for this call.
  Engine(const MeanVarianceProblem& problem, const MeanVarianceOptions& options,
         PortfolioResult& result, QpSolver* persistent)
      : problem_(problem), options_(options), result_(result), persistent_(persistent) {}

  struct Outcome {
    QpSolution solution;
    Eigen::VectorXd weights;  // w (divided by κ for homogenised models); empty when unusable
    double kappa = kNaN;
  };

  // `guess` (may be null): weights near the optimum of a homogenised model (tangency_start.hpp);
  // used as the active set's start when the QP has inequality rows and no workspace start.
  Outcome solve(const ModelSpec& spec, const ConstraintMask& mask, Start start = Start::kCold,
                const Eigen::VectorXd* guess = nullptr) {
    Builder builder(problem_, spec, mask);
    const QpProblem qp = builder.build();
    QpOptions qp_options = options_.qp;
    if (guess != nullptr && start == Start::kWorkspace) {
      const bool has_workspace_start =
          persistent_ != nullptr && persistent_->warm_start().x.size() == qp.variables();
      if (!has_workspace_start) set_guess_start(spec, builder.layout(), qp, *guess, qp_options);
    }
    // Proportional costs make the optimum degenerate: assets held exactly at their current weight
    // sit on a kink where the split variables u = v = 0. There the raw interior point's weights
    // are only as accurate as the square root of its tolerance (3e-6 at the default 1e-10 on
    // PyPortfolioOpt's test case); its active-set polish (QpOptions::polish) makes them exact, so
    // only an unpolished solve is asked for 1e-13.
    if (spec.costs.size() > 0 && !qp_options.polish) {
      qp_options.tolerance = std::min(qp_options.tolerance, 1e-13);
    }
    if (start == Start::kPrevious && last_x_.size() == qp.variables()) {
      qp_options.warm_x = last_x_;
      qp_options.warm_active_lower = last_.active_lower;
      qp_options.warm_active_upper = last_.active_upper;
      qp_options.warm_active_rows = last_.active_rows;
    }
    Outcome outcome;
    if (start == Start::kWorkspace && persistent_ != nullptr) {
      // Homogenised: every row but the normalisation (the last equality, excessᵀy = 1) has a zero
      // right-hand side, so the previous y scaled onto the new normalisation row is feasible.
      QpWarmStart& warm = persistent_->warm_start();
      if (spec.homogeneous && warm.x.size() == qp.variables() && qp.A.rows() > 0) {
        const double scale = qp.A.row(qp.A.rows() - 1).dot(warm.x);
        if (scale > 0 && std::isfinite(scale)) {
          warm.x /= scale;
        } else {
          persistent_->reset();
        }
      }
      outcome.solution = persistent_->solve(qp, qp_options);
    } else {
      outcome.solution = solve_qp(qp, qp_options);
    }
    const QpSolution& s = outcome.solution;
    result_.diagnostics.iterations += s.iterations;
    result_.diagnostics.solves += 1;
    if (s.warm_started) result_.diagnostics.warm_solves += 1;
    if (result_.diagnostics.solver.empty() || result_.diagnostics.solver == s.solver) {
      result_.diagnostics.solver = s.solver;
    } else if (result_.diagnostics.solver.find(s.solver) == std::string::npos) {
      result_.diagnostics.solver += "+" + s.solver;
    }
    if (!s.message.empty() && is_usable(s.status) && s.status != SolveStatus::kOptimal) {
      add_warning(s.message);
    }
    // A full Cholesky factor of P = 2αΣ (α > 0, no ridge, no auxiliary variables) proves Σ PD.
    if (s.p_positive_definite && spec.risk_weight > 0 && spec.gamma == 0 &&
        builder.layout().total == builder.layout().n) {
      covariance_pd_ = true;
    }
    if (!is_usable(s.status) || s.x.size() != qp.variables()) return outcome;
    last_ = s;
    last_x_ = s.x;
    const Layout& layout = builder.layout();
    outcome.weights = s.x.head(layout.n);
    if (layout.kappa >= 0 || layout.kappa_eliminated) {
      outcome.kappa = layout.kappa_eliminated ? outcome.weights.sum() / layout.budget
                                              : s.x[layout.kappa];
      outcome.weights /= outcome.kappa;
    }
    return outcome;
  }

  bool covariance_proven_positive_definite() const { return covariance_pd_; }
  void set_covariance_proven_positive_definite() { covariance_pd_ = true; }
  // Whether the workspace carries a previous answer (which then starts the main QP instead of
  // any guess).
  bool workspace_has_start() const {
    return persistent_ != nullptr && !persistent_->warm_start().empty();
  }

  // The homogenised point y = w / eᵀw of guessed weights w, with the bounds it sits on and the
  // rows it holds with equality, as the active set's start (algorithm kActiveSet; the solver
  // falls back to the interior point by itself when that start does not lead to the optimum).
  static void set_guess_start(const ModelSpec& spec, const Layout& layout, const QpProblem& qp,
                              const Eigen::VectorXd& w, QpOptions& qp_options) {
    if (!spec.homogeneous || qp.G.rows() == 0 || layout.total != layout.n ||
        !layout.kappa_eliminated || spec.costs.size() > 0 || w.size() != layout.n ||
        qp_options.algorithm == QpAlgorithm::kInteriorPoint) {
      return;
    }
    const double scale = spec.excess.dot(w);
    if (!(scale > 0.0) || !std::isfinite(scale)) return;
    const Eigen::VectorXd y = w / scale;
    const double tol = 1e-12 * (1.0 + y.lpNorm<Eigen::Infinity>());
    qp_options.warm_active_lower.clear();
    qp_options.warm_active_upper.clear();
    qp_options.warm_active_rows.clear();
    for (int i = 0; i < layout.n; ++i) {
      if (qp.lower.size() == layout.n && std::isfinite(qp.lower[i]) && y[i] <= qp.lower[i] + tol) {
        qp_options.warm_active_lower.push_back(i);
      } else if (qp.upper.size() == layout.n && std::isfinite(qp.upper[i]) &&
                 y[i] >= qp.upper[i] - tol) {
        qp_options.warm_active_upper.push_back(i);
      }
    }
    const Eigen::VectorXd slack = qp.h - qp.G * y;
    for (Eigen::Index r = 0; r < slack.size(); ++r) {
      if (slack[r] <= tol) qp_options.warm_active_rows.push_back(static_cast<int>(r));
    }
    qp_options.warm_x = y;
    qp_options.algorithm = QpAlgorithm::kActiveSet;
  }

  void record_residuals(const QpSolution& s) {
    result_.diagnostics.primal_residual = s.primal_residual;
    result_.diagnostics.dual_residual = s.dual_residual;
    result_.diagnostics.complementarity = s.complementarity;
  }

  void add_warning(const std::string& warning) {
    auto& warnings = result_.diagnostics.warnings;
    if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) {
      warnings.push_back(warning);
    }
  }

  // Deletion filter on feasibility QPs (min ‖w‖², bounded below, so only feasibility matters)
  // over the user constraints and the model's target row.
  std::vector<std::string> conflicting_constraints(const ModelSpec& spec) {
    ModelSpec feasibility;
    feasibility.risk_weight = 0.0;
    feasibility.gamma = 1.0;
    feasibility.target_row = spec.target_row;
    feasibility.target_rhs = spec.target_rhs;
    feasibility.target_equality = spec.target_equality;
    return detail::conflicting_constraints(
        problem_.constraints, spec.target_row.size() > 0, [&](const ConstraintMask& trial) {
          return solve(feasibility, trial).solution.status == SolveStatus::kInfeasible;
        });
  }

 private:
  const MeanVarianceProblem& problem_;
  const MeanVarianceOptions& options_;
  PortfolioResult& result_;
  QpSolver* persistent_;
  QpSolution last_;
  Eigen::VectorXd last_x_;
  bool covariance_pd_ = false;
};

using detail::set_infeasible;

// Maps a QP that did not produce usable weights onto the result, with names and an explanation.
void set_failed(PortfolioResult& result, Engine& engine, const ModelSpec& spec,
                const QpSolution& solution) {
  result.status = solution.status;
  result.weights.resize(0);
  engine.record_residuals(solution);
  switch (solution.status) {
    case SolveStatus::kInfeasible: {
      auto culprits = engine.conflicting_constraints(spec);
      result.status = SolveStatus::kInfeasible;
      result.diagnostics.explanation =
          detail::infeasibility_explanation(culprits, "the QP solver");
      result.diagnostics.conflicting_constraints = std::move(culprits);
      break;
    }
    case SolveStatus::kUnbounded:
      result.diagnostics.explanation =
          "the objective is unbounded over the constraints (e.g. unlimited shorting with zero "
          "variance directions); add finite bounds or a gross leverage cap";
      break;
    default:
      result.diagnostics.explanation =
          fmt::format("the QP solver stopped without a usable answer ({}): {}",
                      to_string(solution.status), solution.message);
      break;
  }
}

void set_weights(PortfolioResult& result, Engine& engine, const Engine::Outcome& outcome) {
  result.status = outcome.solution.status;
  result.weights = outcome.weights;
  engine.record_residuals(outcome.solution);
}

// Exact max of μᵀw over budget + bounds (greedy fill by descending μ); NaN if not applicable
// (other constraints present) and +inf when unbounded.
double greedy_max_return(const MeanVarianceProblem& problem) {
  const auto& c = problem.constraints;
  if (!c.budget || !c.groups.empty() || !c.linear.empty() || c.has_leverage_cap() ||
      c.has_turnover_cap()) {
    return kNaN;
  }
  const int n = static_cast<int>(problem.assets.size());
  const Eigen::VectorXd lower = c.effective_lower(n);
  const Eigen::VectorXd upper = c.effective_upper(n);
  if (!lower.allFinite()) return kInfinity;
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const Eigen::VectorXd& mu = problem.expected_returns;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mu[a] > mu[b]; });
  double remaining = *c.budget - lower.sum();
  double value = mu.dot(lower);
  for (int i : order) {
    if (remaining <= 0) break;
    if (std::isinf(upper[i])) return kInfinity;
    const double add = std::min(remaining, upper[i] - lower[i]);
    value += add * mu[i];
    remaining -= add;
  }
  return value;
}

std::vector<std::string> duplicate_pairs(const MeanVarianceProblem& problem) {
  const Eigen::MatrixXd& cov = problem.covariance;
  std::vector<std::string> pairs;
  const Eigen::Index n = cov.rows();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i + 1; j < n; ++j) {
      const double product = cov(i, i) * cov(j, j);
      if (product > 0 && cov(i, j) > 0 && cov(i, j) * cov(i, j) >= (1 - 1e-12) * product) {
        pairs.push_back(fmt::format("{}~{}", problem.assets[static_cast<std::size_t>(i)],
                                    problem.assets[static_cast<std::size_t>(j)]));
        if (pairs.size() >= 10) return pairs;
      }
    }
  }
  return pairs;
}

// Checks Σ: LLT succeeds (positive definite, the usual case) or the smallest eigenvalue is a
// round-off-sized negative (singular but PSD). Returns false in `singular` for PD.
Status check_covariance(const Eigen::MatrixXd& cov, bool& singular) {
  singular = false;
  Eigen::LLT<Eigen::MatrixXd> llt(cov);
  if (llt.info() == Eigen::Success) return Status::ok();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(cov, Eigen::EigenvaluesOnly);
  const double largest = std::max(1e-300, eigen.eigenvalues().cwiseAbs().maxCoeff());
  const double smallest = eigen.eigenvalues().minCoeff();
  if (smallest < -1e-10 * largest) {
    return Status::invalid(fmt::format(
        "covariance is not positive semidefinite (smallest eigenvalue {:.3g}, largest {:.3g}); "
        "repair it upstream and list the repair: with --missing pairwise add --psd-repair "
        "spectral|clip|higham, or use a shrinkage estimator (--cov ledoit-wolf)",
        smallest, largest));
  }
  singular = true;
  return Status::ok();
}

struct SearchAnswer {
  Engine::Outcome outcome;
  bool binding = true;
};

// max linear return s.t. risk(w) ≤ target via min α(w − a)ᵀΣ(w − a) + s(−μᵀw + γ‖w‖² + c|Δw|):
// the risk of the minimiser grows with s, so a bracketed root search on risk(s)² − target² finds
// the Lagrange multiplier (1/s) of the quadratic constraint.
class RiskSearch {
 public:
  RiskSearch(const MeanVarianceProblem& problem, const MeanVarianceOptions& options, Engine& engine,
             Eigen::VectorXd anchor)
      : problem_(problem), options_(options), engine_(engine), anchor_(std::move(anchor)) {}

  double risk(const Eigen::VectorXd& w) const {
    const Eigen::VectorXd d = anchor_.size() ? Eigen::VectorXd(w - anchor_) : w;
    return std::sqrt(std::max(d.dot(problem_.covariance * d), 0.0));
  }

  Engine::Outcome at(double s) {
    ModelSpec spec;
    spec.risk_weight = 1.0;
    spec.anchor = anchor_;
    spec.gamma = s * options_.l2_gamma;
    spec.linear = -s * problem_.expected_returns;
    if (options_.transaction_costs.size()) spec.costs = s * options_.transaction_costs;
    return engine_.solve(spec, full_mask(problem_.constraints), Start::kPrevious);
  }

  // Returns the answer, or an outcome whose solution is not usable.
  SearchAnswer run(double target) {
    SearchAnswer answer;
    double s_lo = 0.0;
    double s_hi = 1.0;
    Engine::Outcome hi = at(s_hi);
    if (!is_usable(hi.solution.status)) return {hi, true};
    int expansions = 0;
    while (risk(hi.weights) < target) {
      s_lo = s_hi;
      s_hi *= 4.0;
      Engine::Outcome next = at(s_hi);
      if (!is_usable(next.solution.status)) return {next, true};
      // The constraint is slack when the answer no longer moves (the return is maximised inside).
      const bool still = (next.weights - hi.weights).lpNorm<Eigen::Infinity>() < 1e-12;
      hi = std::move(next);
      if (still || ++expansions > 60) return {hi, false};
    }
    const double target_sq = target * target;
    double f_lo = -kInfinity;  // risk² − target² at s_lo (only its sign matters at s = 0)
    {
      Engine::Outcome lo = at(s_lo);
      if (!is_usable(lo.solution.status)) return {lo, true};
      const double r = risk(lo.weights);
      f_lo = r * r - target_sq;
      if (f_lo >= 0) return {lo, true};
    }
    double f_hi = risk(hi.weights) * risk(hi.weights) - target_sq;
    Engine::Outcome best = hi;
    double best_gap = std::abs(risk(hi.weights) - target);
    int side = 0;
    for (int iteration = 0; iteration < 200; ++iteration) {
      if (best_gap <= options_.search_tolerance * target) break;
      // Illinois false position; bisection when the bracket shrinks slowly.
      double s = (s_lo * f_hi - s_hi * f_lo) / (f_hi - f_lo);
      if (!(s > s_lo && s < s_hi) || iteration % 8 == 7) s = 0.5 * (s_lo + s_hi);
      Engine::Outcome mid = at(s);
      if (!is_usable(mid.solution.status)) return {mid, true};
      const double r = risk(mid.weights);
      const double f = r * r - target_sq;
      if (std::abs(r - target) < best_gap) {
        best_gap = std::abs(r - target);
        best = mid;
      }
      if (f > 0) {
        s_hi = s;
        f_hi = f;
        if (side == +1) f_lo *= 0.5;
        side = +1;
      } else {
        s_lo = s;
        f_lo = f;
        if (side == -1) f_hi *= 0.5;
        side = -1;
      }
      if (s_hi - s_lo <= 1e-15 * s_hi) break;
    }
    answer.outcome = std::move(best);
    return answer;
  }

 private:
  const MeanVarianceProblem& problem_;
  const MeanVarianceOptions& options_;
  Engine& engine_;
  Eigen::VectorXd anchor_;
};

void solve_search_model(const MeanVarianceProblem& problem, const MeanVarianceOptions& options,
                        Engine& engine, PortfolioResult& result, Eigen::VectorXd anchor,
                        double target, const char* risk_name) {
  RiskSearch search(problem, options, engine, anchor);
  // Minimum attainable risk first: below it the model is infeasible.
  ModelSpec least;
  least.anchor = anchor;
  const Engine::Outcome floor = engine.solve(least, full_mask(problem.constraints));
  if (!is_usable(floor.solution.status)) {
    set_failed(result, engine, least, floor.solution);
    return;
  }
  const double min_risk = search.risk(floor.weights);
  if (target < min_risk * (1 - 1e-9)) {
    set_infeasible(result, {fmt::format("target-{}", risk_name)},
                   fmt::format("the target {} {:.6g} is below the least attainable {} {:.6g} "
                               "under these constraints; raise the target (or use min-variance)",
                               risk_name, target, risk_name, min_risk));
    return;
  }
  const SearchAnswer answer = search.run(target);
  if (!is_usable(answer.outcome.solution.status)) {
    set_failed(result, engine, least, answer.outcome.solution);
    return;
  }
  set_weights(result, engine, answer.outcome);
  if (!answer.binding) {
    engine.add_warning(fmt::format(
        "the {} constraint is not binding: the return is maximised at {} {:.6g} < target {:.6g}",
        risk_name, risk_name, search.risk(answer.outcome.weights), target));
  } else if (std::abs(search.risk(answer.outcome.weights) - target) >
             std::max(1e-7, 100 * options.search_tolerance) * target) {
    result.status = SolveStatus::kOptimalInaccurate;
    engine.add_warning(fmt::format("the {} search stopped at {:.10g} for a target of {:.10g}",
                                   risk_name, search.risk(answer.outcome.weights), target));
  }
}

void solve_homogeneous(const MeanVarianceProblem& problem, const MeanVarianceOptions& options,
                       Engine& engine, PortfolioResult& result, Eigen::VectorXd excess,
                       bool is_sharpe) {
  const auto& c = problem.constraints;
  const int n = static_cast<int>(problem.assets.size());
  const bool long_only = (c.effective_lower(n).array() >= 0).all();
  if (is_sharpe && long_only && *c.budget > 0 && excess.maxCoeff() <= 0) {
    set_infeasible(result, {"risk-free-rate"},
                   fmt::format("no asset's expected return beats the risk-free rate {:.6g} (best "
                               "excess return {:.6g}), so no long portfolio has a positive Sharpe "
                               "ratio; use min-variance or max-utility",
                               options.risk_free_rate, excess.maxCoeff()));
    return;
  }
  ModelSpec spec;
  spec.homogeneous = true;
  spec.excess = std::move(excess);
  spec.gamma = options.l2_gamma;
  spec.costs = options.transaction_costs;
  // Caps below what the budget implies make the homogenised QP's rows y_i ≤ (u_i/b)·1ᵀy, which
  // the interior point would take; a budget-and-bounds book instead gets a support guess from a
  // few bounds-only frontier QPs (tangency_start.hpp), from which the active set finishes.
  Eigen::VectorXd guess;
  const Eigen::VectorXd lower = c.effective_lower(n);
  const Eigen::VectorXd upper = c.effective_upper(n);
  const bool capped =
      c.budget && (upper.array() < *c.budget - (lower.sum() - lower.array())).any();
  const bool budget_and_bounds_only = c.groups.empty() && c.linear.empty() &&
                                     !c.has_leverage_cap() && !c.has_turnover_cap() &&
                                     spec.costs.size() == 0 && lower.allFinite();
  if (capped && *c.budget > 0 && budget_and_bounds_only && !engine.workspace_has_start() &&
      options.qp.algorithm != QpAlgorithm::kInteriorPoint) {
    const detail::TangencyGuess tangency = detail::tangency_guess(
        problem.covariance, spec.gamma, spec.excess, *c.budget, lower, upper, options.qp);
    result.diagnostics.solves += tangency.solves;
    result.diagnostics.iterations += tangency.iterations;
    guess = tangency.weights;
    // Factored Σ itself (no ridge): the closing check need not factor it again.
    if (tangency.covariance_positive_definite && spec.gamma == 0.0) {
      engine.set_covariance_proven_positive_definite();
    }
  }
  Engine::Outcome outcome = engine.solve(spec, full_mask(c), Start::kWorkspace,
                                         guess.size() == n ? &guess : nullptr);
  if (outcome.solution.status == SolveStatus::kInfeasible) {
    // Either the constraints conflict on their own, or none of their portfolios beats rf.
    auto culprits = engine.conflicting_constraints(ModelSpec{});
    if (culprits.empty()) {
      set_infeasible(result, {is_sharpe ? "risk-free-rate" : "diversification"},
                     is_sharpe ? fmt::format("no portfolio allowed by the constraints has an "
                                             "expected return (net of costs) above the risk-free "
                                             "rate {:.6g}; use min-variance or max-utility",
                                             options.risk_free_rate)
                               : std::string("no allowed portfolio has a positive weighted "
                                             "volatility; use min-variance"));
    } else {
      set_infeasible(result, culprits,
                     fmt::format("no portfolio satisfies {} together; loosen one of them",
                                 fmt::join(culprits, ", ")));
    }
    return;
  }
  if (!is_usable(outcome.solution.status)) {
    set_failed(result, engine, spec, outcome.solution);
    return;
  }
  const double scale = std::max(1.0, outcome.solution.x.head(n).lpNorm<Eigen::Infinity>());
  if (!(outcome.kappa > 1e-9 * scale)) {
    result.status = SolveStatus::kUnbounded;
    result.weights.resize(0);
    engine.record_residuals(outcome.solution);
    result.diagnostics.explanation =
        "the best ratio is only approached as positions grow without bound (the homogenised "
        "problem ends at κ = 0); add finite bounds or a gross leverage cap";
    return;
  }
  set_weights(result, engine, outcome);
}

// ---- Cardinality and minimum positions: branch-and-bound over the QP relaxations
// (cardinality.hpp describes the method).

// Fixing state of z_i in a node.
constexpr signed char kFree = 0;
constexpr signed char kOff = -1;
constexpr signed char kOn = 1;

struct BnbNode {
  std::vector<signed char> fix;
  double bound = -kInfinity;  // the parent's relaxation value (−∞ at the root)
  int depth = 0;
};

struct BnbNodeOrder {
  // std::priority_queue keeps the largest on top: the smallest bound, then the deepest node.
  bool operator()(const BnbNode& a, const BnbNode& b) const {
    if (a.bound != b.bound) return a.bound > b.bound;
    return a.depth < b.depth;
  }
};

class CardinalitySearch {
 public:
  CardinalitySearch(const MeanVarianceProblem& problem, const MeanVarianceOptions& options,
                    PortfolioResult& result, ModelSpec spec)
      : problem_(problem),
        options_(options),
        result_(result),
        spec_(std::move(spec)),
        n_(static_cast<int>(problem.assets.size())),
        node_(problem),
        engine_(node_, options, result, &solver_) {
    const auto& c = problem.constraints;
    lower_ = c.effective_lower(n_);
    upper_ = c.effective_upper(n_);
    cap_ = detail::cardinality_upper(c, n_);
    total_cap_ = c.budget ? *c.budget : c.net_exposure_max;
    if (c.has_leverage_cap()) total_cap_ = std::min(total_cap_, c.max_gross_leverage);
    // Count rules: the overall cap (members = all) and each counted group.
    if (c.max_assets > 0) {
      CountRule rule{"max-assets", {}, c.max_assets};
      for (int i = 0; i < n_; ++i) rule.members.push_back(i);
      rules_.push_back(std::move(rule));
    }
    for (std::size_t g = 0; g < c.groups.size(); ++g) {
      const auto& group = c.groups[g];
      if (group.max_assets <= 0) continue;
      rules_.push_back({group.name.empty() ? fmt::format("max-assets[{}]", g)
                                           : fmt::format("max-assets[{}]", group.name),
                        group.members, group.max_assets});
    }
    // The node problems carry the rules as bounds and relaxation rows only.
    node_.constraints.max_assets = 0;
    node_.constraints.min_position = 0.0;
    for (auto& group : node_.constraints.groups) group.max_assets = 0;
    node_.constraints.max_short = kInfinity;
    base_linear_ = node_.constraints.linear.size();
  }

  void run() {
    const auto start = std::chrono::steady_clock::now();
    const double limit_s = options_.cardinality.time_limit_s;
    report_.method = "branch-and-bound";
    std::priority_queue<BnbNode, std::vector<BnbNode>, BnbNodeOrder> open;
    BnbNode root;
    root.fix.assign(static_cast<std::size_t>(n_), kFree);
    // Assets that cannot be held (largest weight below the minimum position) are off from the
    // start; those with a positive lower bound are always held.
    for (int i = 0; i < n_; ++i) {
      if (lower_[i] > 0.0) {
        root.fix[static_cast<std::size_t>(i)] = kOn;
      } else if (problem_.constraints.min_position > 0.0 &&
                 cap_[i] < problem_.constraints.min_position) {
        root.fix[static_cast<std::size_t>(i)] = kOff;
      }
    }
    open.push(std::move(root));
    double pruned_bound = kInfinity;  // least bound among nodes pruned by bound
    bool root_solved = false;
    bool root_infeasible = false;
    while (!open.empty()) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (elapsed > limit_s) {
        report_.stop = "time-limit";
        break;
      }
      if (report_.nodes >= options_.cardinality.max_nodes) {
        report_.stop = "node-limit";
        break;
      }
      BnbNode node = open.top();
      open.pop();
      if (node.bound >= cutoff()) {
        pruned_bound = std::min(pruned_bound, node.bound);
        continue;
      }
      ++report_.nodes;
      Eigen::VectorXd w;
      QpSolution solution;
      const bool solved = solve_node(node.fix, w, solution);
      if (!root_solved) {
        root_solved = true;
        root_infeasible = !solved;
        root_solution_ = solution;
      }
      if (!solved) continue;  // infeasible (or failed) node: nothing below it
      const double value = solution.objective;
      if (value >= cutoff()) {
        pruned_bound = std::min(pruned_bound, value);
        continue;
      }
      const int candidate = branching_candidate(node.fix, w);
      if (candidate < 0) {  // the relaxation's answer meets every rule
        take_incumbent(w, solution);
        continue;
      }
      if (report_.nodes == 1 || report_.nodes % options_.cardinality.heuristic_interval == 0) {
        run_heuristic(node.fix, w);
        if (value >= cutoff()) {
          pruned_bound = std::min(pruned_bound, value);
          continue;
        }
      }
      for (const signed char state : {kOff, kOn}) {
        BnbNode child;
        child.fix = node.fix;
        child.fix[static_cast<std::size_t>(candidate)] = state;
        child.bound = value;
        child.depth = node.depth + 1;
        if (state == kOn && !room_for(child.fix)) continue;
        open.push(std::move(child));
      }
    }
    double bound = std::min(pruned_bound, best_value_);
    while (!open.empty()) {
      bound = std::min(bound, open.top().bound);
      open.pop();
    }
    if (report_.stop.empty()) report_.stop = has_incumbent_ ? "gap" : "infeasible";
    report_.time_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    report_.objective = has_incumbent_ ? best_value_ : kNaN;
    report_.bound = std::isfinite(bound) ? bound : kNaN;
    report_.gap =
        has_incumbent_ && std::isfinite(bound)
            ? std::max(0.0, (best_value_ - bound) / std::max(std::abs(best_value_), 1e-12))
            : kNaN;
    finish(root_infeasible);
  }

 private:
  struct CountRule {
    std::string name;
    std::vector<int> members;
    int cap = 0;
  };

  double cutoff() const {
    if (!has_incumbent_) return kInfinity;
    return best_value_ - options_.cardinality.relative_gap * std::max(std::abs(best_value_), 1e-12);
  }

  // Whether another asset may be fixed held: every count rule still has room.
  bool room_for(const std::vector<signed char>& fix) const {
    for (const auto& rule : rules_) {
      int on = 0;
      for (int i : rule.members) on += fix[static_cast<std::size_t>(i)] == kOn ? 1 : 0;
      if (on > rule.cap) return false;
    }
    return true;
  }

  // Builds the node's constraints into node_ (false when the fixings already contradict).
  bool set_node(std::vector<signed char> fix) {
    const double m = problem_.constraints.min_position;
    // A count rule whose cap the held assets reach switches its other members off.
    for (const auto& rule : rules_) {
      int on = 0;
      for (int i : rule.members) on += fix[static_cast<std::size_t>(i)] == kOn ? 1 : 0;
      if (on > rule.cap) return false;
      if (on == rule.cap) {
        for (int i : rule.members) {
          if (fix[static_cast<std::size_t>(i)] == kFree) fix[static_cast<std::size_t>(i)] = kOff;
        }
      }
    }
    PortfolioConstraints& c = node_.constraints;
    c.lower_bounds = lower_;
    c.upper_bounds = upper_;
    for (int i = 0; i < n_; ++i) {
      const signed char state = fix[static_cast<std::size_t>(i)];
      if (state == kOff) {
        if (lower_[i] > 0.0) return false;
        c.lower_bounds[i] = 0.0;
        c.upper_bounds[i] = 0.0;
      } else if (state == kOn) {
        c.lower_bounds[i] = std::max(lower_[i], m);
        if (c.lower_bounds[i] > upper_[i]) return false;
      }
    }
    c.linear.resize(base_linear_);
    for (const auto& rule : rules_) {
      int on = 0;
      std::vector<int> free;
      for (int i : rule.members) {
        const signed char state = fix[static_cast<std::size_t>(i)];
        if (state == kOn) ++on;
        if (state == kFree) free.push_back(i);
      }
      const double room = rule.cap - on;
      if (static_cast<double>(free.size()) <= room) continue;  // each term is at most 1
      // Σ_{free} w_i / M_i ≤ room; skipped when the budget implies it (the largest value of the
      // left side with Σ w ≤ total cap and 0 ≤ w_i ≤ M_i, filled greedily by 1/M_i).
      std::vector<int> order = free;
      std::sort(order.begin(), order.end(), [&](int a, int b) { return cap_[a] < cap_[b]; });
      double left = total_cap_;
      double largest = 0.0;
      for (int i : order) {
        if (!(left > 0.0)) break;
        const double take = std::min(left, cap_[i]);
        largest += take / cap_[i];
        left -= take;
      }
      if (largest <= room + 1e-12) continue;
      LinearConstraint row;
      row.name = rule.name + "-relaxation";
      row.coefficients = Eigen::VectorXd::Zero(n_);
      for (int i : free) row.coefficients[i] = 1.0 / cap_[i];
      row.sense = ConstraintSense::kLessEqual;
      row.rhs = room;
      c.linear.push_back(std::move(row));
    }
    return true;
  }

  // Solves the node's relaxation; false when it is infeasible or the solve failed.
  bool solve_node(const std::vector<signed char>& fix, Eigen::VectorXd& w, QpSolution& solution) {
    if (!set_node(fix)) {
      solution.status = SolveStatus::kInfeasible;
      return false;
    }
    const Engine::Outcome outcome =
        engine_.solve(spec_, full_mask(node_.constraints), Start::kWorkspace);
    solution = outcome.solution;
    if (!is_usable(solution.status) || outcome.weights.size() != n_ ||
        !outcome.weights.allFinite()) {
      if (solution.status != SolveStatus::kInfeasible) failed_solves_ = true;
      return false;
    }
    if (spec_.homogeneous) {
      const double scale = std::max(1.0, solution.x.head(n_).lpNorm<Eigen::Infinity>());
      if (!(outcome.kappa > 1e-9 * scale)) {
        failed_solves_ = true;
        return false;
      }
    }
    w = outcome.weights;
    return true;
  }

  // −1 when w meets every count rule and minimum position; else the free asset to branch on.
  int branching_candidate(const std::vector<signed char>& fix, const Eigen::VectorXd& w) const {
    const double m = problem_.constraints.min_position;
    std::vector<bool> candidate(static_cast<std::size_t>(n_), false);
    bool violated = false;
    for (const auto& rule : rules_) {
      int held = 0;
      for (int i : rule.members) held += w[i] > kHoldingTolerance ? 1 : 0;
      if (held <= rule.cap) continue;
      violated = true;
      for (int i : rule.members) candidate[static_cast<std::size_t>(i)] = true;
    }
    if (!violated && m > 0.0) {
      for (int i = 0; i < n_; ++i) {
        if (w[i] > kHoldingTolerance && w[i] < m - 1e-10) {
          candidate[static_cast<std::size_t>(i)] = true;
          violated = true;
        }
      }
    }
    if (!violated) return -1;
    int best = -1;
    double best_score = -1.0;
    for (int i = 0; i < n_; ++i) {
      if (!candidate[static_cast<std::size_t>(i)] || fix[static_cast<std::size_t>(i)] != kFree ||
          !(w[i] > kHoldingTolerance)) {
        continue;
      }
      const double z = std::min(1.0, w[i] / cap_[i]);
      const double score = std::min(z, 1.0 - z);
      if (score > best_score || (score == best_score && best >= 0 && w[i] > w[best])) {
        best = i;
        best_score = score;
      }
    }
    return best;
  }

  void take_incumbent(const Eigen::VectorXd& w, const QpSolution& solution) {
    if (has_incumbent_ && solution.objective >= best_value_) return;
    has_incumbent_ = true;
    best_value_ = solution.objective;
    best_weights_ = w;
    best_solution_ = solution;
  }

  // Keep the largest weights the count rules allow, re-solve on that support; if a weight lands
  // below the minimum position, hold the positive ones at ≥ m and drop the rest.
  void run_heuristic(const std::vector<signed char>& fix, const Eigen::VectorXd& w) {
    const double m = problem_.constraints.min_position;
    std::vector<int> order;
    for (int i = 0; i < n_; ++i) {
      if (fix[static_cast<std::size_t>(i)] == kFree && w[i] > kHoldingTolerance && cap_[i] >= m) {
        order.push_back(i);
      }
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return w[a] > w[b]; });
    std::vector<signed char> trial(static_cast<std::size_t>(n_), kOff);
    for (int i = 0; i < n_; ++i) {
      if (fix[static_cast<std::size_t>(i)] == kOn) trial[static_cast<std::size_t>(i)] = kOn;
    }
    for (int i : order) {
      trial[static_cast<std::size_t>(i)] = kOn;
      if (!room_after(trial)) {
        trial[static_cast<std::size_t>(i)] = kOff;
        continue;
      }
    }
    // The selected assets free (not forced to ≥ m) first.
    std::vector<signed char> relaxed = trial;
    for (int i : order) {
      if (relaxed[static_cast<std::size_t>(i)] == kOn) relaxed[static_cast<std::size_t>(i)] = kFree;
    }
    Eigen::VectorXd x;
    QpSolution solution;
    ++report_.heuristic_solves;
    if (!solve_node(relaxed, x, solution)) return;
    if (branching_candidate(relaxed, x) < 0) {
      take_incumbent(x, solution);
      return;
    }
    if (m <= 0.0) return;
    std::vector<signed char> held(static_cast<std::size_t>(n_), kOff);
    for (int i = 0; i < n_; ++i) {
      if (relaxed[static_cast<std::size_t>(i)] == kOn || x[i] > kHoldingTolerance) {
        held[static_cast<std::size_t>(i)] = kOn;
      }
    }
    ++report_.heuristic_solves;
    if (solve_node(held, x, solution) && branching_candidate(held, x) < 0) {
      take_incumbent(x, solution);
    }
  }

  // Whether the held assets of `fix` stay within every count rule.
  bool room_after(const std::vector<signed char>& fix) const {
    for (const auto& rule : rules_) {
      int on = 0;
      for (int i : rule.members) on += fix[static_cast<std::size_t>(i)] == kOn ? 1 : 0;
      if (on > rule.cap) return false;
    }
    return true;
  }

  std::vector<std::string> rule_names() const {
    std::vector<std::string> names;
    for (const auto& rule : rules_) names.push_back(rule.name);
    if (problem_.constraints.min_position > 0.0) names.push_back("min-position");
    return names;
  }

  void finish(bool root_infeasible) {
    if (has_incumbent_) {
      result_.weights = best_weights_;
      result_.diagnostics.primal_residual = best_solution_.primal_residual;
      result_.diagnostics.dual_residual = best_solution_.dual_residual;
      result_.diagnostics.complementarity = best_solution_.complementarity;
      report_.holdings =
          static_cast<int>((best_weights_.array().abs() > kHoldingTolerance).count());
      if (report_.stop == "gap") {
        result_.status = failed_solves_ ? SolveStatus::kOptimalInaccurate : SolveStatus::kOptimal;
        if (failed_solves_) {
          engine_.add_warning(
              "some branch-and-bound relaxations failed numerically and were skipped; the "
              "portfolio meets every rule but its optimality is not proven");
        }
      } else {
        result_.status =
            report_.stop == "time-limit" ? SolveStatus::kTimeLimit : SolveStatus::kIterationLimit;
        result_.diagnostics.explanation = fmt::format(
            "the cardinality search stopped at its {} ({} nodes) with a relative gap of {:.3g} "
            "(target {:.3g}); the best portfolio found is returned; raise the limit",
            report_.stop, report_.nodes, report_.gap, options_.cardinality.relative_gap);
      }
    } else if (report_.stop == "infeasible") {
      result_.weights.resize(0);
      // Either the constraints conflict without the count rules, or the count rules are the
      // culprit together with the bounds and the budget.
      Engine plain(problem_, options_, result_, nullptr);
      ModelSpec feasibility;
      feasibility.target_row = spec_.target_row;
      feasibility.target_rhs = spec_.target_rhs;
      feasibility.target_equality = spec_.target_equality;
      auto culprits = plain.conflicting_constraints(feasibility);
      if (!culprits.empty()) {
        set_infeasible(result_, culprits,
                       fmt::format("no portfolio satisfies {} together; loosen one of them",
                                   fmt::join(culprits, ", ")));
      } else if (!root_infeasible && failed_solves_) {
        result_.status = SolveStatus::kNumericalError;
        result_.diagnostics.explanation =
            "the branch-and-bound relaxations failed numerically; no portfolio was found";
      } else {
        auto names = rule_names();
        names.push_back("bounds");
        if (problem_.constraints.budget) names.push_back("budget");
        const bool sharpe = spec_.homogeneous;
        set_infeasible(
            result_, names,
            fmt::format("no portfolio satisfies {} together{}; raise max_assets, lower "
                        "min_position or loosen the bounds",
                        fmt::join(names, ", "),
                        sharpe ? " with an excess return above the risk-free rate" : ""));
      }
    } else {
      result_.weights.resize(0);
      result_.status =
          report_.stop == "time-limit" ? SolveStatus::kTimeLimit : SolveStatus::kIterationLimit;
      result_.diagnostics.explanation = fmt::format(
          "the cardinality search reached its {} ({} nodes) before finding a "
          "portfolio that meets the rules; raise the limit",
          report_.stop, report_.nodes);
    }
    result_.details["cardinality"] = report_.to_json();
  }

  const MeanVarianceProblem& problem_;
  const MeanVarianceOptions& options_;
  PortfolioResult& result_;
  ModelSpec spec_;
  int n_;
  MeanVarianceProblem node_;
  QpSolver solver_;
  Engine engine_;
  Eigen::VectorXd lower_, upper_, cap_;
  double total_cap_ = kInfinity;
  std::vector<CountRule> rules_;
  std::size_t base_linear_ = 0;
  CardinalityReport report_;
  bool has_incumbent_ = false;
  bool failed_solves_ = false;
  double best_value_ = kInfinity;
  Eigen::VectorXd best_weights_;
  QpSolution best_solution_;
  QpSolution root_solution_;
};

// The model's QP, as the continuous path builds it, for the branch-and-bound.
ModelSpec cardinality_spec(const MeanVarianceProblem& problem, const MeanVarianceOptions& options) {
  const Eigen::VectorXd& mu = problem.expected_returns;
  ModelSpec spec;
  spec.gamma = options.l2_gamma;
  spec.costs = options.transaction_costs;
  switch (options.objective) {
    case Objective::kMaxUtility:
      spec.risk_weight = 0.5 * options.risk_aversion;
      spec.linear = -mu;
      break;
    case Objective::kMinTrackingError:
      spec.anchor = options.benchmark_weights;
      break;
    case Objective::kEfficientReturn:
      spec.target_row = mu;
      spec.target_rhs = options.target_return;
      spec.target_equality = options.target_return_equality;
      break;
    case Objective::kMaxSharpe:
      spec.homogeneous = true;
      spec.excess = mu.array() - options.risk_free_rate / *problem.constraints.budget;
      break;
    case Objective::kMaxDiversification:
      spec.homogeneous = true;
      spec.excess = problem.covariance.diagonal().cwiseSqrt();
      break;
    default:
      break;
  }
  return spec;
}

}  // namespace

Status MeanVarianceOptions::validate(const MeanVarianceProblem& problem) const {
  const auto n = static_cast<Eigen::Index>(problem.assets.size());
  const std::string model(to_string(objective));
  if (n == 0) return Status::invalid(model + ": no assets; give at least one");
  std::set<std::string> names;
  for (const auto& name : problem.assets) {
    if (!names.insert(name).second) {
      return Status::invalid(
          fmt::format("{}: asset '{}' appears twice; asset names must be distinct", model, name));
    }
  }
  if (problem.covariance.rows() != n || problem.covariance.cols() != n) {
    return Status::invalid(fmt::format("{}: covariance is {}x{} for {} assets", model,
                                       problem.covariance.rows(), problem.covariance.cols(), n));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      const double a = problem.covariance(i, j);
      const double b = problem.covariance(j, i);
      if (!std::isfinite(a) || !std::isfinite(b)) {
        return Status::invalid(fmt::format("{}: covariance entry ({}, {}) is not finite", model,
                                           problem.assets[static_cast<std::size_t>(i)],
                                           problem.assets[static_cast<std::size_t>(j)]));
      }
      if (std::abs(a - b) > 1e-12 * std::max({1e-300, std::abs(a), std::abs(b)}) &&
          std::abs(a - b) > 1e-15) {
        return Status::invalid(
            fmt::format("{}: covariance is not symmetric at ({}, {}); "
                        "symmetrise it ((S + Sᵀ)/2) upstream",
                        model, problem.assets[static_cast<std::size_t>(i)],
                        problem.assets[static_cast<std::size_t>(j)]));
      }
    }
    if (problem.covariance(i, i) < 0) {
      return Status::invalid(fmt::format("{}: asset {} has a negative variance", model,
                                         problem.assets[static_cast<std::size_t>(i)]));
    }
  }
  if (problem.expected_returns.size() != 0) {
    if (problem.expected_returns.size() != n) {
      return Status::invalid(fmt::format("{}: {} expected returns for {} assets", model,
                                         problem.expected_returns.size(), n));
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(problem.expected_returns[i])) {
        return Status::invalid(fmt::format("{}: expected return of {} is not finite", model,
                                           problem.assets[static_cast<std::size_t>(i)]));
      }
    }
  } else if (needs_expected_returns(objective)) {
    return Status::invalid(fmt::format("{} needs expected returns; estimate them first", model));
  }
  KEEL_RETURN_IF_ERROR(problem.constraints.validate(static_cast<int>(n)).with_context(model));
  KEEL_RETURN_IF_ERROR(qp.validate().with_context(model));
  if (!std::isfinite(risk_free_rate))
    return Status::invalid(model + ": risk_free_rate must be finite");
  if (!(risk_aversion > 0) || !std::isfinite(risk_aversion)) {
    return Status::invalid(
        fmt::format("{}: risk_aversion = {} must be > 0 and finite", model, risk_aversion));
  }
  if (!(l2_gamma >= 0) || !std::isfinite(l2_gamma)) {
    return Status::invalid(
        fmt::format("{}: l2_gamma = {} must be >= 0 and finite", model, l2_gamma));
  }
  if (transaction_costs.size() != 0) {
    if (transaction_costs.size() != n) {
      return Status::invalid(fmt::format("{}: {} transaction costs for {} assets", model,
                                         transaction_costs.size(), n));
    }
    if (!transaction_costs.allFinite() || transaction_costs.minCoeff() < 0) {
      return Status::invalid(model + ": transaction costs must be finite and >= 0");
    }
  }
  if (!(search_tolerance > 0 && search_tolerance <= 1e-3)) {
    return Status::invalid(
        fmt::format("{}: search_tolerance = {} must be in (0, 1e-3]", model, search_tolerance));
  }
  if (!(verify_tolerance > 0) || !std::isfinite(verify_tolerance)) {
    return Status::invalid(model + ": verify_tolerance must be > 0");
  }
  // Options that belong to another objective are an error rather than silently ignored.
  const bool wants_return = objective == Objective::kEfficientReturn;
  const bool wants_vol = objective == Objective::kEfficientRisk;
  const bool wants_benchmark =
      objective == Objective::kMinTrackingError || objective == Objective::kMaxReturnTrackingError;
  const bool wants_te = objective == Objective::kMaxReturnTrackingError;
  if (wants_return != !std::isnan(target_return)) {
    return Status::invalid(
        wants_return ? model + " needs target_return (annualised)"
                     : model + ": target_return is set but only efficient-return uses it");
  }
  if (wants_vol != !std::isnan(target_volatility)) {
    return Status::invalid(
        wants_vol ? model + " needs target_volatility (annualised)"
                  : model + ": target_volatility is set but only efficient-risk uses it");
  }
  if (wants_te != !std::isnan(target_tracking_error)) {
    return Status::invalid(wants_te ? model + " needs target_tracking_error (annualised)"
                                    : model +
                                          ": target_tracking_error is set but only "
                                          "max-return-tracking-error uses it");
  }
  if (wants_benchmark != (benchmark_weights.size() != 0)) {
    return Status::invalid(wants_benchmark
                               ? model + " needs benchmark_weights"
                               : model + ": benchmark_weights are set but this model ignores them");
  }
  if (wants_return && !std::isfinite(target_return)) {
    return Status::invalid(model + ": target_return must be finite");
  }
  if (wants_vol && !(target_volatility > 0 && std::isfinite(target_volatility))) {
    return Status::invalid(model + ": target_volatility must be > 0 and finite");
  }
  if (wants_te && !(target_tracking_error > 0 && std::isfinite(target_tracking_error))) {
    return Status::invalid(model + ": target_tracking_error must be > 0 and finite");
  }
  if (wants_benchmark && (benchmark_weights.size() != n || !benchmark_weights.allFinite())) {
    return Status::invalid(fmt::format("{}: benchmark_weights need {} finite entries", model, n));
  }
  KEEL_RETURN_IF_ERROR(cardinality.validate().with_context(model));
  if (problem.constraints.has_cardinality()) {
    if (objective == Objective::kEfficientRisk || objective == Objective::kMaxReturnTrackingError) {
      return Status::invalid(model +
                             ": max_assets/min_position are not supported with the risk-target "
                             "search; use efficient-return, max-utility or max-sharpe");
    }
    KEEL_RETURN_IF_ERROR(
        validate_cardinality(problem.constraints, problem.assets).with_context(model));
  }
  if (objective == Objective::kMaxSharpe || objective == Objective::kMaxDiversification) {
    if (!problem.constraints.budget || !(*problem.constraints.budget > 0.0)) {
      return Status::invalid(model +
                             " needs a fixed positive budget (the ratio is scale-invariant); for "
                             "market-neutral books use max-utility or efficient-risk");
    }
  }
  return Status::ok();
}

QpSolver& MeanVarianceWorkspace::solver_for(MeanVarianceObjective objective,
                                            const std::vector<std::string>& assets) {
  if (objective != objective_ || assets != assets_) {
    solver_.reset();
    objective_ = objective;
    assets_ = assets;
  }
  return solver_;
}

void MeanVarianceWorkspace::reset() {
  solver_.reset();
  assets_.clear();
}

Result<PortfolioResult> optimize_mean_variance(const MeanVarianceProblem& problem,
                                               const MeanVarianceOptions& options,
                                               MeanVarianceWorkspace* workspace) {
  const auto start = std::chrono::steady_clock::now();
  KEEL_RETURN_IF_ERROR(options.validate(problem));

  PortfolioResult result;
  result.model = std::string(to_string(options.objective));
  result.assets = problem.assets;
  const auto& c = problem.constraints;
  const int n = static_cast<int>(problem.assets.size());
  Engine engine(problem, options, result,
                workspace ? &workspace->solver_for(options.objective, problem.assets) : nullptr);
  // Σ must be positive semidefinite. Checking it costs a Cholesky factorisation — as much as the
  // whole active-set solve of a long-only book — and the primal-dual rounds factor Σ themselves,
  // so the check runs after the solve and only when no solve proved Σ positive definite. An
  // indefinite Σ is then an error whatever the solver returned; a singular one a warning.
  const auto finish = [&]() -> Result<PortfolioResult> {
    if (!engine.covariance_proven_positive_definite()) {
      bool singular = false;
      KEEL_RETURN_IF_ERROR(check_covariance(problem.covariance, singular)
                               .with_context(to_string(options.objective)));
      if (singular) {
        const auto pairs = duplicate_pairs(problem);
        engine.add_warning(
            pairs.empty()
                ? std::string("covariance is singular: some portfolio has zero variance; the "
                              "weights may not be unique (variance and return are)")
                : fmt::format("covariance is singular; perfectly correlated assets {}: the split "
                              "between them is not unique (variance and return are)",
                              fmt::join(pairs, ", ")));
      }
    }
    if (result.weights.size() == n) {
      result.performance = compute_performance(result.weights, problem.expected_returns,
                                               problem.covariance, options.risk_free_rate);
      verify_result(result, c, VerifyOptions{.tolerance = options.verify_tolerance});
    }
    result.diagnostics.solve_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
  };

  const auto conflicts = precheck_constraints(c, problem.assets);
  if (!conflicts.empty()) {
    detail::MergedConflicts merged = detail::merge_conflicts(conflicts);
    set_infeasible(result, std::move(merged.names), std::move(merged.explanation));
    return finish();
  }

  const Eigen::VectorXd& mu = problem.expected_returns;
  const double rf = options.risk_free_rate;

  // n = 1 with a fixed budget: the only candidate is w = budget.
  if (n == 1 && c.budget) {
    result.diagnostics.solver = "closed-form";
    const double w = *c.budget;
    const double vol = std::sqrt(problem.covariance(0, 0)) * std::abs(w);
    result.status = SolveStatus::kOptimal;
    result.weights = Eigen::VectorXd::Constant(1, w);
    switch (options.objective) {
      case Objective::kEfficientReturn:
        if (mu[0] * w <
                options.target_return - 1e-12 * std::max(1.0, std::abs(options.target_return)) ||
            (options.target_return_equality &&
             std::abs(mu[0] * w - options.target_return) >
                 1e-12 * std::max(1.0, std::abs(options.target_return)))) {
          set_infeasible(result, {"target-return", "budget"},
                         fmt::format("a single asset can only return {:.6g}, not the target {:.6g}",
                                     mu[0] * w, options.target_return));
        }
        break;
      case Objective::kEfficientRisk:
        if (vol > options.target_volatility * (1 + 1e-12)) {
          set_infeasible(
              result, {"target-volatility", "budget"},
              fmt::format("a single asset has volatility {:.6g}, above the target {:.6g}", vol,
                          options.target_volatility));
        }
        break;
      case Objective::kMaxReturnTrackingError: {
        const double te =
            std::sqrt(problem.covariance(0, 0)) * std::abs(w - options.benchmark_weights[0]);
        if (te > options.target_tracking_error * (1 + 1e-12)) {
          set_infeasible(
              result, {"target-tracking-error", "budget"},
              fmt::format("a single asset has tracking error {:.6g}, above the target {:.6g}", te,
                          options.target_tracking_error));
        }
        break;
      }
      case Objective::kMaxSharpe:
        if ((mu[0] - rf) * w <= 0) {
          set_infeasible(result, {"risk-free-rate"},
                         fmt::format("the only asset's expected return {:.6g} does not beat the "
                                     "risk-free rate {:.6g}; use min-variance or max-utility",
                                     mu[0], rf));
        }
        break;
      default:
        break;
    }
    return finish();
  }

  if (c.has_cardinality()) {
    if (options.objective == Objective::kMaxSharpe &&
        (mu.array() - rf / *c.budget).maxCoeff() <= 0.0) {
      set_infeasible(result, {"risk-free-rate"},
                     fmt::format("no asset's expected return beats the risk-free rate {:.6g}, so "
                                 "no long portfolio has a positive Sharpe ratio; use "
                                 "min-variance or max-utility",
                                 rf));
      return finish();
    }
    CardinalitySearch search(problem, options, result, cardinality_spec(problem, options));
    search.run();
    return finish();
  }

  switch (options.objective) {
    case Objective::kMinVariance:
    case Objective::kMaxUtility:
    case Objective::kMinTrackingError:
    case Objective::kEfficientReturn: {
      ModelSpec spec;
      spec.gamma = options.l2_gamma;
      spec.costs = options.transaction_costs;
      if (options.objective == Objective::kMaxUtility) {
        spec.risk_weight = 0.5 * options.risk_aversion;
        spec.linear = -mu;
      }
      if (options.objective == Objective::kMinTrackingError)
        spec.anchor = options.benchmark_weights;
      if (options.objective == Objective::kEfficientReturn) {
        const double best = greedy_max_return(problem);
        const double target = options.target_return;
        if (std::isfinite(best) && target > best + 1e-12 * std::max(1.0, std::abs(best))) {
          set_infeasible(result, {"target-return", "budget", "bounds"},
                         fmt::format("the target return {:.6g} is above the largest attainable "
                                     "{:.6g} under the budget and bounds; lower the target",
                                     target, best));
          return finish();
        }
        spec.target_row = mu;
        spec.target_rhs = target;
        spec.target_equality = options.target_return_equality;
      }
      const Engine::Outcome outcome = engine.solve(spec, full_mask(c), Start::kWorkspace);
      if (!is_usable(outcome.solution.status)) {
        set_failed(result, engine, spec, outcome.solution);
        if (options.objective == Objective::kEfficientReturn &&
            result.status == SolveStatus::kInfeasible) {
          result.diagnostics.explanation +=
              fmt::format(" (the target return {:.6g} may be above what these constraints allow)",
                          options.target_return);
        }
      } else {
        set_weights(result, engine, outcome);
      }
      break;
    }
    case Objective::kEfficientRisk:
      solve_search_model(problem, options, engine, result, Eigen::VectorXd(),
                         options.target_volatility, "volatility");
      break;
    case Objective::kMaxReturnTrackingError:
      solve_search_model(problem, options, engine, result, options.benchmark_weights,
                         options.target_tracking_error, "tracking-error");
      break;
    case Objective::kMaxSharpe:
      // μᵀw − rf = (μ − rf/b)ᵀw on Σw = b.
      solve_homogeneous(problem, options, engine, result, mu.array() - rf / *c.budget,
                        /*is_sharpe=*/true);
      break;
    case Objective::kMaxDiversification:
      solve_homogeneous(problem, options, engine, result, problem.covariance.diagonal().cwiseSqrt(),
                        /*is_sharpe=*/false);
      break;
  }
  return finish();
}

}  // namespace keel
