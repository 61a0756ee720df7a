#include "keel/optimize/tail_risk.hpp"

#include <fmt/format.h>

#include <CbcModel.hpp>
#include <ClpSimplex.hpp>
#include <OsiClpSolverInterface.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "keel/optimize/verify.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/var.hpp"
#include "lp_model.hpp"
#include "optimize/cardinality_bounds.hpp"
#include "optimize/constraint_conflicts.hpp"

namespace keel {

std::string_view to_string(TailRiskMeasure measure) {
  switch (measure) {
    case TailRiskMeasure::kCvar:
      return "min-cvar";
    case TailRiskMeasure::kCdar:
      return "min-cdar";
    case TailRiskMeasure::kMad:
      return "min-mad";
    case TailRiskMeasure::kMinimax:
      return "minimax";
    case TailRiskMeasure::kSemivariance:
      return "min-semivariance";
  }
  return "unknown";
}

std::string_view to_string(TailRiskObjective objective) {
  switch (objective) {
    case TailRiskObjective::kMinRisk:
      return "min-risk";
    case TailRiskObjective::kEfficientReturn:
      return "efficient-return";
    case TailRiskObjective::kEfficientRisk:
      return "efficient-risk";
    case TailRiskObjective::kMaxRatio:
      return "max-ratio";
  }
  return "unknown";
}

std::string_view measure_name(TailRiskMeasure measure) {
  switch (measure) {
    case TailRiskMeasure::kCvar:
      return "cvar";
    case TailRiskMeasure::kCdar:
      return "cdar";
    case TailRiskMeasure::kMad:
      return "mad";
    case TailRiskMeasure::kMinimax:
      return "minimax";
    case TailRiskMeasure::kSemivariance:
      return "semivariance";
  }
  return "unknown";
}

std::string_view to_string(CvarAlgorithm algorithm) {
  switch (algorithm) {
    case CvarAlgorithm::kCuttingPlane:
      return "cutting-plane";
    case CvarAlgorithm::kFullLp:
      return "full-lp";
  }
  return "unknown";
}

Status TailRiskOptions::validate(const TailRiskProblem& problem) const {
  const std::string model(to_string(measure));
  const auto n = static_cast<Eigen::Index>(problem.assets.size());
  if (n == 0) return Status::invalid(model + ": no assets; give at least one asset name");
  if (problem.scenarios.cols() != n) {
    return Status::invalid(fmt::format(
        "{}: the scenario matrix has {} columns but {} assets are named; give one column per "
        "asset",
        model, problem.scenarios.cols(), n));
  }
  if (problem.scenarios.rows() < 1) {
    return Status::invalid(model + ": the scenario matrix has no rows; give at least one scenario");
  }
  for (Eigen::Index t = 0; t < problem.scenarios.rows(); ++t) {
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(problem.scenarios(t, i))) {
        return Status::invalid(fmt::format(
            "{}: scenario row {} of asset '{}' is not finite; drop or fill missing rows upstream",
            model, t, problem.assets[static_cast<std::size_t>(i)]));
      }
    }
  }
  if (problem.expected_returns.size() != 0) {
    if (problem.expected_returns.size() != n) {
      return Status::invalid(fmt::format(
          "{}: expected_returns has {} entries for {} assets; give one per asset or none (then "
          "the sample mean is used)",
          model, problem.expected_returns.size(), n));
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(problem.expected_returns[i])) {
        return Status::invalid(fmt::format("{}: expected return of asset '{}' is not finite", model,
                                           problem.assets[static_cast<std::size_t>(i)]));
      }
    }
  }
  if (!(problem.periods_per_year > 0) || !std::isfinite(problem.periods_per_year)) {
    return Status::invalid(model +
                           ": periods_per_year must be a positive number (365 daily crypto)");
  }
  if (!(confidence > 0 && confidence < 1)) {
    return Status::invalid(
        fmt::format("{}: confidence {} must be in (0, 1), e.g. 0.95", model, confidence));
  }
  if (objective == TailRiskObjective::kEfficientReturn && !std::isfinite(target_return)) {
    return Status::invalid(model + ": efficient-return needs a finite target_return (annualised)");
  }
  if (objective == TailRiskObjective::kEfficientRisk) {
    if (!std::isfinite(target_risk) ||
        (measure != TailRiskMeasure::kMinimax && !(target_risk > 0))) {
      return Status::invalid(
          fmt::format("{}: efficient-risk needs a finite target_risk (per period{}), got {}", model,
                      measure == TailRiskMeasure::kMinimax ? "" : ", > 0", target_risk));
    }
  }
  if (!std::isfinite(risk_free_rate))
    return Status::invalid(model + ": risk_free_rate must be finite");
  if (!(tolerance > 0 && tolerance <= 1e-3)) {
    return Status::invalid(model + ": tolerance must be in (0, 1e-3]");
  }
  if (max_cuts < 1) return Status::invalid(model + ": max_cuts must be at least 1");
  if (max_iterations < 1) return Status::invalid(model + ": max_iterations must be at least 1");
  if (!(time_limit_s > 0)) return Status::invalid(model + ": time_limit_s must be > 0");
  if (!(verify_tolerance > 0) || !std::isfinite(verify_tolerance)) {
    return Status::invalid(model + ": verify_tolerance must be > 0");
  }
  KEEL_RETURN_IF_ERROR(problem.constraints.validate(static_cast<int>(n)).with_context(model));
  if (measure == TailRiskMeasure::kSemivariance) {
    if (objective == TailRiskObjective::kEfficientRisk) {
      return Status::invalid(model +
                             ": efficient-risk (a cap on the semideviation) is not offered; use "
                             "--target-return (least semideviation at a return) or --model "
                             "max-ratio --risk-measure semivariance (best Sortino ratio)");
    }
    if (problem.constraints.has_cardinality()) {
      return Status::invalid(model +
                             ": max_assets / min_position (cardinality) are not offered with the "
                             "semivariance QP; remove them or use min-cvar / min-mad");
    }
  }
  if (objective == TailRiskObjective::kMaxRatio && problem.constraints.has_cardinality()) {
    return Status::invalid(model +
                           ": max-ratio does not take max_assets or min_position (cardinality); "
                           "remove them, or use min-risk / efficient-return with them");
  }
  KEEL_RETURN_IF_ERROR(cardinality.validate().with_context(model));
  return validate_cardinality(problem.constraints, problem.assets).with_context(model);
}

Json TailRiskResult::to_json(double confidence) const {
  Json document = portfolio.to_json();
  Json risk_json;
  risk_json["measure"] =
      std::string(to_string(measure)).substr(measure == TailRiskMeasure::kMinimax ? 0 : 4);
  risk_json["confidence"] = (measure == TailRiskMeasure::kCvar || measure == TailRiskMeasure::kCdar)
                                ? json_number(confidence)
                                : Json(nullptr);
  risk_json["value"] = json_number(risk);
  risk_json["lp_value"] = json_number(lp_risk);
  risk_json["threshold"] = json_number(threshold);
  risk_json["cuts"] = cuts;
  if (std::isfinite(ratio)) risk_json["ratio"] = json_number(ratio);
  document["risk"] = std::move(risk_json);
  return document;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Clock = std::chrono::steady_clock;

// Inputs shared by every LP of one call.
struct Data {
  const TailRiskProblem& problem;
  const TailRiskOptions& options;
  int n = 0;
  int periods = 0;     // T
  double tail = 0.0;   // m = (1 − α)T, snapped as risk/var.hpp does
  Eigen::VectorXd mu;  // annualised
  Clock::time_point deadline;
};

double remaining_s(const Data& data) {
  if (data.deadline == Clock::time_point::max()) return 1e100;
  return std::max(1e-3, std::chrono::duration<double>(data.deadline - Clock::now()).count());
}

// The measure at weights w, recomputed from the scenario P&L with the risk module's definitions.
double evaluate_risk(const Data& data, const Eigen::VectorXd& w) {
  Eigen::VectorXd pnl = data.problem.scenarios * w;
  switch (data.options.measure) {
    case TailRiskMeasure::kCvar:
      return empirical_tail(pnl, data.options.confidence).es;
    case TailRiskMeasure::kCdar: {
      const auto summary = drawdowns(pnl, DrawdownOptions{.kind = DrawdownKind::kUncompounded,
                                                          .confidence = data.options.confidence});
      return summary ? summary->cdar : kNaN;
    }
    case TailRiskMeasure::kMad:
      return (pnl.array() - pnl.mean()).abs().mean();
    case TailRiskMeasure::kMinimax:
      return -pnl.minCoeff();
    case TailRiskMeasure::kSemivariance: {
      const double benchmark = data.options.risk_free_rate / data.problem.periods_per_year;
      return std::sqrt((pnl.array() - benchmark).min(0.0).square().mean());
    }
  }
  return kNaN;
}

// The risk expression Σ values·x[columns] of a measure in the LP, and ζ's column (−1 if none).
struct RiskExpression {
  std::vector<int> columns;
  std::vector<double> values;
  int threshold = -1;
  bool quadratic = false;  // semivariance: Σ values·x[columns]², a QP
};

// Appends the measure's auxiliary columns and rows (see the header for the formulations).
// `kappa`: the Charnes–Cooper scale's column of a homogenised model (−1 otherwise), which
// multiplies the semivariance's benchmark.
RiskExpression add_measure(lp::Model& model, const Data& data, int kappa = -1) {
  const Eigen::MatrixXd& r = data.problem.scenarios;
  const int n = data.n;
  const int periods = data.periods;
  RiskExpression expression;
  std::vector<int> columns(static_cast<std::size_t>(n) + 2);
  std::vector<double> values(static_cast<std::size_t>(n) + 2);
  std::iota(columns.begin(), columns.begin() + n, 0);
  const auto set_returns = [&](int t, double sign) {
    for (int i = 0; i < n; ++i) values[static_cast<std::size_t>(i)] = sign * r(t, i);
  };
  switch (data.options.measure) {
    case TailRiskMeasure::kCvar: {
      // u_t + r_tᵀw + ζ ≥ 0.
      const int zeta = model.add_column(-kInfinity, kInfinity, 0.0);
      const int first = model.columns();
      for (int t = 0; t < periods; ++t) model.add_column(0.0, kInfinity, 0.0);
      columns.resize(static_cast<std::size_t>(n) + 2);
      for (int t = 0; t < periods; ++t) {
        set_returns(t, 1.0);
        columns[static_cast<std::size_t>(n)] = zeta;
        values[static_cast<std::size_t>(n)] = 1.0;
        columns[static_cast<std::size_t>(n) + 1] = first + t;
        values[static_cast<std::size_t>(n) + 1] = 1.0;
        model.add_row(columns, values, 0.0, kInfinity);
      }
      expression.threshold = zeta;
      expression.columns.push_back(zeta);
      expression.values.push_back(1.0);
      for (int t = 0; t < periods; ++t) {
        expression.columns.push_back(first + t);
        expression.values.push_back(1.0 / data.tail);
      }
      break;
    }
    case TailRiskMeasure::kCdar: {
      // d_t − d_{t−1} + r_tᵀw ≥ 0 (d_0 = 0), z_t − d_t + ζ ≥ 0, d, z ≥ 0.
      const int zeta = model.add_column(-kInfinity, kInfinity, 0.0);
      const int d0 = model.columns();
      for (int t = 0; t < periods; ++t) model.add_column(0.0, kInfinity, 0.0);
      const int z0 = model.columns();
      for (int t = 0; t < periods; ++t) model.add_column(0.0, kInfinity, 0.0);
      for (int t = 0; t < periods; ++t) {
        set_returns(t, 1.0);
        columns.resize(static_cast<std::size_t>(n) + 1);
        values.resize(static_cast<std::size_t>(n) + 1);
        columns[static_cast<std::size_t>(n)] = d0 + t;
        values[static_cast<std::size_t>(n)] = 1.0;
        if (t > 0) {
          columns.push_back(d0 + t - 1);
          values.push_back(-1.0);
        }
        model.add_row(columns, values, 0.0, kInfinity);
        model.add_row({z0 + t, d0 + t, zeta}, {1.0, -1.0, 1.0}, 0.0, kInfinity);
      }
      expression.threshold = zeta;
      expression.columns.push_back(zeta);
      expression.values.push_back(1.0);
      for (int t = 0; t < periods; ++t) {
        expression.columns.push_back(z0 + t);
        expression.values.push_back(1.0 / data.tail);
      }
      break;
    }
    case TailRiskMeasure::kMad: {
      // (r_t − r̄)ᵀw − a_t + b_t = 0, a, b ≥ 0.
      const Eigen::RowVectorXd mean = r.colwise().mean();
      const int a0 = model.add_column(0.0, kInfinity, 0.0);
      for (int t = 1; t < 2 * periods; ++t) model.add_column(0.0, kInfinity, 0.0);
      const int b0 = a0 + periods;
      for (int t = 0; t < periods; ++t) {
        for (int i = 0; i < n; ++i) values[static_cast<std::size_t>(i)] = r(t, i) - mean[i];
        columns[static_cast<std::size_t>(n)] = a0 + t;
        values[static_cast<std::size_t>(n)] = -1.0;
        columns[static_cast<std::size_t>(n) + 1] = b0 + t;
        values[static_cast<std::size_t>(n) + 1] = 1.0;
        model.add_row(columns, values, 0.0, 0.0);
      }
      for (int t = 0; t < 2 * periods; ++t) {
        expression.columns.push_back(a0 + t);
        expression.values.push_back(1.0 / periods);
      }
      break;
    }
    case TailRiskMeasure::kSemivariance: {
      // n_t + r_tᵀw − Bκ ≥ 0 (≥ B without κ), n ≥ 0; risk (1/T) Σ n_t².
      const double benchmark = data.options.risk_free_rate / data.problem.periods_per_year;
      const int first = model.columns();
      for (int t = 0; t < periods; ++t) model.add_column(0.0, kInfinity, 0.0);
      columns.resize(static_cast<std::size_t>(n) + 2);
      values.resize(static_cast<std::size_t>(n) + 2);
      for (int t = 0; t < periods; ++t) {
        set_returns(t, 1.0);
        columns[static_cast<std::size_t>(n)] = first + t;
        values[static_cast<std::size_t>(n)] = 1.0;
        if (kappa >= 0) {
          columns[static_cast<std::size_t>(n) + 1] = kappa;
          values[static_cast<std::size_t>(n) + 1] = -benchmark;
          model.add_row(columns, values, 0.0, kInfinity);
        } else {
          columns[static_cast<std::size_t>(n) + 1] = first + t;
          values[static_cast<std::size_t>(n) + 1] = 0.0;
          model.add_row(columns, values, benchmark, kInfinity);
        }
      }
      expression.quadratic = true;
      for (int t = 0; t < periods; ++t) {
        expression.columns.push_back(first + t);
        expression.values.push_back(1.0 / periods);
      }
      break;
    }
    case TailRiskMeasure::kMinimax: {
      // θ + r_tᵀw ≥ 0.
      const int theta = model.add_column(-kInfinity, kInfinity, 0.0);
      columns.resize(static_cast<std::size_t>(n) + 1);
      values.resize(static_cast<std::size_t>(n) + 1);
      for (int t = 0; t < periods; ++t) {
        set_returns(t, 1.0);
        columns[static_cast<std::size_t>(n)] = theta;
        values[static_cast<std::size_t>(n)] = 1.0;
        model.add_row(columns, values, 0.0, kInfinity);
      }
      expression.columns.push_back(theta);
      expression.values.push_back(1.0);
      break;
    }
  }
  return expression;
}

// One LP outcome.
struct LpAnswer {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd weights;  // empty unless usable
  double lp_risk = kNaN;
  double threshold = kNaN;
  double kappa = kNaN;  // max-ratio: the Charnes–Cooper scale; weights hold y = κw
  int iterations = 0;
  int cuts = 0;
  double primal_infeasibility = kNaN;
  double dual_infeasibility = kNaN;
  std::string message;
};

// Sets the objective: the risk expression (min risk, efficient return) or −μᵀw with the risk
// expression capped (efficient risk).
void set_objective(lp::Model& model, const Data& data, const RiskExpression& expression,
                   bool efficient_risk) {
  if (!efficient_risk) {
    for (std::size_t k = 0; k < expression.columns.size(); ++k) {
      model.set_cost(expression.columns[k], expression.values[k]);
    }
    return;
  }
  for (int i = 0; i < data.n; ++i) model.set_cost(i, -data.mu[i]);
  model.add_row(expression.columns, expression.values, -kInfinity, data.options.target_risk);
}

Eigen::VectorXd target_row(const Data& data, TailRiskObjective objective) {
  return objective == TailRiskObjective::kEfficientReturn ? data.mu : Eigen::VectorXd();
}

// The weight block of an objective: the user constraints (with the target row of efficient
// return), or for max-ratio their homogenised form and the normalisation row μᵀy − r_f κ = 1
// (annualised units: the scale of y stays near 1/(excess return), and w = y/κ does not depend on
// it). Returns κ's column, −1 when not homogenised.
int add_weights(lp::Model& model, const Data& data, TailRiskObjective objective) {
  const auto& c = data.problem.constraints;
  if (objective != TailRiskObjective::kMaxRatio) {
    lp::add_weight_block(model, c, data.n, detail::full_mask(c), target_row(data, objective),
                         data.options.target_return);
    return -1;
  }
  const lp::WeightLayout layout = lp::add_homogeneous_weight_block(model, c, data.n);
  std::vector<int> columns(static_cast<std::size_t>(data.n) + 1);
  std::vector<double> values(columns.size());
  for (int i = 0; i < data.n; ++i) {
    columns[static_cast<std::size_t>(i)] = i;
    values[static_cast<std::size_t>(i)] = data.mu[i];
  }
  columns[static_cast<std::size_t>(data.n)] = layout.kappa;
  values[static_cast<std::size_t>(data.n)] = -data.options.risk_free_rate;
  model.add_row(columns, values, 1.0, 1.0);
  return layout.kappa;
}

void run_clp(ClpSimplex& clp, const Data& data, LpAnswer& answer) {
  clp.setMaximumIterations(data.options.max_iterations);
  clp.setMaximumSeconds(remaining_s(data));
  clp.dual();
  answer.iterations += clp.numberIterations();
  answer.status = lp::map_status(clp, Clock::now() >= data.deadline);
  answer.primal_infeasibility = clp.sumPrimalInfeasibilities();
  answer.dual_infeasibility = clp.sumDualInfeasibilities();
}

double expression_value(const RiskExpression& expression, const double* x) {
  double value = 0.0;
  for (std::size_t k = 0; k < expression.columns.size(); ++k) {
    value += expression.values[k] * x[expression.columns[k]];
  }
  return value;
}

// The semivariance QP (Keel's interior point with polish, qp.hpp) over the same rows.
LpAnswer solve_semivariance(const Data& data, TailRiskObjective objective) {
  lp::Model model;
  const int kappa = add_weights(model, data, objective);
  const RiskExpression expression = add_measure(model, data, kappa);
  const QpProblem qp = model.to_qp(expression.columns, expression.values);
  QpOptions options;
  options.algorithm = QpAlgorithm::kInteriorPoint;
  options.max_iterations = std::max(200, std::min(data.options.max_iterations, 1000));
  if (data.deadline != Clock::time_point::max()) options.time_limit_s = remaining_s(data);
  const QpSolution solution = solve_qp(qp, options);
  LpAnswer answer;
  answer.status = solution.status;
  answer.iterations = solution.iterations;
  answer.primal_infeasibility = solution.primal_residual;
  answer.dual_infeasibility = solution.dual_residual;
  answer.message = solution.message;
  if (!is_usable(answer.status)) return answer;
  answer.message.clear();
  answer.weights = solution.x.head(data.n);
  if (kappa >= 0) answer.kappa = solution.x[kappa];
  double sum = 0.0;
  for (std::size_t k = 0; k < expression.columns.size(); ++k) {
    const double v = solution.x[expression.columns[k]];
    sum += expression.values[k] * v * v;
  }
  answer.lp_risk = std::sqrt(sum);
  return answer;
}

LpAnswer solve_full(const Data& data, TailRiskObjective objective) {
  if (data.options.measure == TailRiskMeasure::kSemivariance) {
    return solve_semivariance(data, objective);
  }
  lp::Model model;
  const int kappa = add_weights(model, data, objective);
  const RiskExpression expression = add_measure(model, data);
  set_objective(model, data, expression, objective == TailRiskObjective::kEfficientRisk);
  ClpSimplex clp;
  model.load(clp);
  LpAnswer answer;
  run_clp(clp, data, answer);
  if (!is_usable(answer.status)) return answer;
  const double* x = clp.primalColumnSolution();
  answer.weights = Eigen::Map<const Eigen::VectorXd>(x, data.n);
  if (kappa >= 0) answer.kappa = x[kappa];
  answer.lp_risk = expression_value(expression, x);
  if (expression.threshold >= 0) answer.threshold = x[expression.threshold];
  return answer;
}

// Künzi-Bay & Mayer (2006) cutting planes for CVaR: the master LP min θ (or max μᵀw with θ ≤ cap)
// over the constraints and the cuts θ ≥ g_kᵀw.
LpAnswer solve_cvar_cuts(const Data& data, TailRiskObjective objective) {
  const Eigen::MatrixXd& r = data.problem.scenarios;
  const bool efficient_risk = objective == TailRiskObjective::kEfficientRisk;
  lp::Model model;
  const int kappa = add_weights(model, data, objective);
  const int theta =
      model.add_column(-kInfinity, efficient_risk ? data.options.target_risk : kInfinity,
                       efficient_risk ? 0.0 : 1.0);
  if (efficient_risk) {
    for (int i = 0; i < data.n; ++i) model.set_cost(i, -data.mu[i]);
  }

  const int n = data.n;
  const double m = data.tail;
  const Eigen::Index k = tail_count(m);
  std::vector<int> order(static_cast<std::size_t>(data.periods));
  Eigen::VectorXd loss(data.periods);
  Eigen::VectorXd cut(n);
  Eigen::VectorXd last_cut;
  std::vector<int> columns(static_cast<std::size_t>(n) + 1);
  std::iota(columns.begin(), columns.begin() + n, 0);
  columns[static_cast<std::size_t>(n)] = theta;
  std::vector<double> values(static_cast<std::size_t>(n) + 1);

  // g = −Σ q_t r_t with q the tail weights at w (1/m on the ⌈m⌉ − 1 worst, (m − ⌈m⌉ + 1)/m on
  // the ⌈m⌉-th), so gᵀw = CVaR(w) and gᵀv ≤ CVaR(v) everywhere. Returns CVaR(w).
  const auto make_cut = [&](const Eigen::VectorXd& w) {
    loss.noalias() = -(r * w);
    std::iota(order.begin(), order.end(), 0);
    std::nth_element(order.begin(), order.begin() + (k - 1), order.end(),
                     [&](int a, int b) { return loss[a] > loss[b]; });
    cut.setZero();
    for (Eigen::Index j = 0; j + 1 < k; ++j)
      cut -= r.row(order[static_cast<std::size_t>(j)]).transpose();
    cut /= m;
    const double last_weight = (m - static_cast<double>(k) + 1.0) / m;
    cut -= last_weight * r.row(order[static_cast<std::size_t>(k - 1)]).transpose();
    return cut.dot(w);
  };
  const auto add_cut = [&](ClpSimplex* clp) {
    for (int i = 0; i < n; ++i) values[static_cast<std::size_t>(i)] = -cut[i];
    values[static_cast<std::size_t>(n)] = 1.0;
    if (clp == nullptr) {
      model.add_row(columns, values, 0.0, kInfinity);
    } else {
      clp->addRow(n + 1, columns.data(), values.data(), 0.0, COIN_DBL_MAX);
    }
    last_cut = cut;
  };

  // First cut at the equally weighted portfolio (any point gives a valid cut).
  make_cut(Eigen::VectorXd::Constant(n, 1.0 / n));
  add_cut(nullptr);
  ClpSimplex clp;
  model.load(clp);
  LpAnswer answer;
  Eigen::VectorXd w(n);
  for (int iteration = 0; iteration < data.options.max_cuts; ++iteration) {
    run_clp(clp, data, answer);
    answer.cuts = iteration + 1;
    if (!is_usable(answer.status)) return answer;
    const double* x = clp.primalColumnSolution();
    w = Eigen::Map<const Eigen::VectorXd>(x, n);
    const double model_value = x[theta];
    const double cvar = make_cut(w);
    const double gap = cvar - model_value;
    const double scale = std::max(1.0, std::abs(cvar));
    const bool repeated = (cut - last_cut).lpNorm<Eigen::Infinity>() <= 1e-15 * scale;
    if (gap <= data.options.tolerance * scale || repeated) {
      answer.weights = w;
      answer.lp_risk = model_value;
      if (kappa >= 0) answer.kappa = x[kappa];
      if (gap > 1e-7 * scale) {
        answer.status = SolveStatus::kOptimalInaccurate;
        answer.message = fmt::format(
            "cutting planes stalled with a CVaR gap of {:.3g} (the master LP repeats a cut)", gap);
      }
      return answer;
    }
    if (Clock::now() >= data.deadline) {
      answer.status = SolveStatus::kTimeLimit;
      answer.message = fmt::format("time limit after {} cuts (CVaR gap {:.3g})", answer.cuts, gap);
      return answer;
    }
    add_cut(&clp);
  }
  answer.status = SolveStatus::kIterationLimit;
  answer.message = fmt::format(
      "no convergence within max_cuts = {} cuts; raise max_cuts or use "
      "the full LP",
      data.options.max_cuts);
  return answer;
}

// The full LP with the cardinality binaries (cardinality.hpp), z_i ∈ {0, 1}:
//   w_i ≤ M_i z_i,  w_i ≥ m z_i,  Σ z_i ≤ K,  Σ_{i∈g} z_i ≤ K_g,
// solved by COIN-OR Cbc (as allocation_mip.cpp drives it) to the relative gap of
// options.cardinality. An asset with a positive lower bound has z_i fixed to 1; one whose largest
// weight is below m, z_i fixed to 0.
LpAnswer solve_cardinality_milp(const Data& data, TailRiskObjective objective,
                                CardinalityReport& report) {
  const auto start = Clock::now();
  const auto& c = data.problem.constraints;
  const int n = data.n;
  lp::Model model;
  lp::add_weight_block(model, c, n, detail::full_mask(c), target_row(data, objective),
                       data.options.target_return);
  const RiskExpression expression = add_measure(model, data);
  set_objective(model, data, expression, objective == TailRiskObjective::kEfficientRisk);
  const Eigen::VectorXd lower = c.effective_lower(n);
  const Eigen::VectorXd cap = detail::cardinality_upper(c, n);
  const double m = c.min_position;
  std::vector<int> z(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const bool holdable = cap[i] >= m && cap[i] > 0.0;
    const int column = model.add_column(lower[i] > 0.0 ? 1.0 : 0.0, holdable ? 1.0 : 0.0, 0.0);
    z[static_cast<std::size_t>(i)] = column;
    model.add_row({i, column}, {1.0, -std::max(cap[i], 0.0)}, -kInfinity, 0.0);
    if (m > 0.0) model.add_row({i, column}, {1.0, -m}, 0.0, kInfinity);
  }
  const auto count_row = [&](const std::vector<int>& members, int limit) {
    std::vector<int> columns;
    for (int i : members) columns.push_back(z[static_cast<std::size_t>(i)]);
    model.add_row(columns, std::vector<double>(columns.size(), 1.0), -kInfinity, limit);
  };
  if (c.max_assets > 0) {
    std::vector<int> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    count_row(all, c.max_assets);
  }
  for (const auto& group : c.groups) {
    if (group.max_assets > 0) count_row(group.members, group.max_assets);
  }
  ClpSimplex clp;
  model.load(clp);
  OsiClpSolverInterface solver(&clp, false);
  solver.messageHandler()->setLogLevel(0);
  for (int column : z) solver.setInteger(column);
  CbcModel cbc(solver);
  cbc.setLogLevel(0);
  cbc.messageHandler()->setLogLevel(0);
  cbc.setUseElapsedTime(true);
  cbc.setMaximumSeconds(std::min(data.options.cardinality.time_limit_s, remaining_s(data)));
  cbc.setMaximumNodes(data.options.cardinality.max_nodes);
  cbc.setAllowableFractionGap(data.options.cardinality.relative_gap);
  cbc.setAllowableGap(1e-12);
  cbc.branchAndBound();

  LpAnswer answer;
  report.method = "cbc";
  report.nodes = cbc.getNodeCount();
  answer.iterations = cbc.getIterationCount();
  const double* best = cbc.bestSolution();
  if (best) {
    report.objective = cbc.getObjValue();
    report.bound = cbc.getBestPossibleObjValue();
    report.gap = std::max(
        0.0, (report.objective - report.bound) / std::max(std::abs(report.objective), 1e-12));
    answer.weights = Eigen::Map<const Eigen::VectorXd>(best, n);
    // Cbc's integral z may carry 1e-10 noise; a weight whose z is 0 is exactly 0.
    for (int i = 0; i < n; ++i) {
      if (best[z[static_cast<std::size_t>(i)]] < 0.5) answer.weights[i] = 0.0;
    }
    answer.lp_risk = expression_value(expression, best);
    if (expression.threshold >= 0) answer.threshold = best[expression.threshold];
    report.holdings = static_cast<int>((answer.weights.array().abs() > kHoldingTolerance).count());
  } else {
    report.objective = kNaN;
    report.bound = kNaN;
    report.gap = kNaN;
  }
  if (cbc.isProvenOptimal() && best) {
    answer.status = SolveStatus::kOptimal;
    report.stop = "gap";
  } else if (cbc.isProvenInfeasible() ||
             (!best && !cbc.isSecondsLimitReached() && !cbc.isNodeLimitReached())) {
    answer.status = SolveStatus::kInfeasible;
    report.stop = "infeasible";
  } else if (cbc.isSecondsLimitReached()) {
    answer.status = SolveStatus::kTimeLimit;
    report.stop = "time-limit";
  } else if (cbc.isNodeLimitReached()) {
    answer.status = SolveStatus::kIterationLimit;
    report.stop = "node-limit";
  } else {
    answer.status = SolveStatus::kNumericalError;
    report.stop = "error";
    answer.message = "Cbc stopped without a proven answer";
  }
  report.time_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return answer;
}

LpAnswer solve_model(const Data& data, TailRiskObjective objective) {
  if (data.options.measure == TailRiskMeasure::kCvar &&
      data.options.cvar_algorithm == CvarAlgorithm::kCuttingPlane) {
    LpAnswer answer = solve_cvar_cuts(data, objective);
    // An unbounded master (e.g. free weights before enough cuts) says nothing about the full
    // problem: let the full LP decide.
    if (answer.status != SolveStatus::kUnbounded) return answer;
    LpAnswer full = solve_full(data, objective);
    full.iterations += answer.iterations;
    return full;
  }
  return solve_full(data, objective);
}

// Deletion filter over the constraint groups on feasibility LPs of the weight block.
std::vector<std::string> conflicting_constraints(const Data& data, TailRiskObjective objective,
                                                 int& solves) {
  const auto& c = data.problem.constraints;
  const Eigen::VectorXd row = target_row(data, objective);
  return detail::conflicting_constraints(
      c, row.size() > 0, [&](const detail::ConstraintMask& mask) {
        lp::Model model;
        lp::add_weight_block(model, c, data.n, mask, row, data.options.target_return);
        ClpSimplex clp;
        model.load(clp);
        clp.setMaximumSeconds(remaining_s(data));
        clp.dual();
        ++solves;
        return clp.status() == 1;
      });
}

using detail::set_infeasible;

void record(PortfolioResult& result, const LpAnswer& answer) {
  result.diagnostics.iterations += answer.iterations;
  result.diagnostics.solves += std::max(1, answer.cuts);
  result.diagnostics.primal_residual = answer.primal_infeasibility;
  result.diagnostics.dual_residual = answer.dual_infeasibility;
  if (!answer.message.empty()) result.diagnostics.warnings.push_back(answer.message);
}

// Maps an LP without usable weights onto the result.
void set_failed(PortfolioResult& result, const Data& data, TailRiskObjective objective,
                const LpAnswer& answer) {
  result.status = answer.status;
  result.weights.resize(0);
  switch (answer.status) {
    case SolveStatus::kInfeasible: {
      auto culprits = conflicting_constraints(data, objective, result.diagnostics.solves);
      if (objective == TailRiskObjective::kMaxRatio && culprits.empty()) {
        // The constraints hold on their own: none of their portfolios beats the risk-free rate.
        set_infeasible(result, {"risk-free-rate"},
                       fmt::format("no portfolio allowed by the constraints has an expected "
                                   "return above the risk-free rate {:.6g}, so no {} ratio is "
                                   "positive; lower --risk-free, or use min-{} (least risk) or "
                                   "efficient-return",
                                   data.options.risk_free_rate, measure_name(data.options.measure),
                                   data.options.measure == TailRiskMeasure::kMinimax
                                       ? std::string("imax")
                                       : std::string(measure_name(data.options.measure))));
        break;
      }
      result.diagnostics.explanation = detail::infeasibility_explanation(culprits, "Clp");
      result.diagnostics.conflicting_constraints = std::move(culprits);
      break;
    }
    case SolveStatus::kUnbounded:
      if (objective == TailRiskObjective::kMaxRatio) {
        result.diagnostics.explanation =
            "the return/risk ratio is unbounded over the constraints: some allowed portfolio "
            "with a positive excess return has no loss in the tail (risk ≤ 0, an in-sample "
            "arbitrage) or positions may grow without bound; add finite bounds or a gross "
            "leverage cap, or use the min-risk model";
        break;
      }
      result.diagnostics.explanation =
          "the objective is unbounded over the constraints (e.g. unlimited shorting with an "
          "arbitrage across the scenarios); add finite bounds or a gross leverage cap";
      break;
    default:
      result.diagnostics.explanation =
          fmt::format("Clp stopped without a usable answer ({}){}{}", to_string(answer.status),
                      answer.message.empty() ? "" : ": ", answer.message);
      break;
  }
}

}  // namespace

Result<TailRiskResult> optimize_tail_risk(const TailRiskProblem& problem,
                                          const TailRiskOptions& options) {
  const auto start = Clock::now();
  KEEL_RETURN_IF_ERROR(options.validate(problem));
  const auto& c = problem.constraints;
  Data data{problem, options, 0, 0, 0.0, Eigen::VectorXd(), Clock::time_point::max()};
  data.n = static_cast<int>(problem.assets.size());
  data.periods = static_cast<int>(problem.scenarios.rows());
  data.tail = tail_size(options.confidence, problem.scenarios.rows());
  data.mu = problem.expected_returns.size() == data.n
                ? problem.expected_returns
                : Eigen::VectorXd(problem.scenarios.colwise().mean().transpose() *
                                  problem.periods_per_year);
  data.deadline = std::isfinite(options.time_limit_s)
                      ? start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.time_limit_s))
                      : Clock::time_point::max();

  TailRiskResult out;
  out.measure = options.measure;
  PortfolioResult& result = out.portfolio;
  const bool ratio = options.objective == TailRiskObjective::kMaxRatio;
  result.model = ratio ? std::string("max-ratio") : std::string(to_string(options.measure));
  result.assets = problem.assets;
  result.diagnostics.solver =
      options.measure == TailRiskMeasure::kSemivariance ? "interior-point" : "clp";
  const auto finish = [&]() -> Result<TailRiskResult> {
    if (result.weights.size() == data.n) {
      const Eigen::VectorXd pnl = problem.scenarios * result.weights;
      result.performance.expected_return = data.mu.dot(result.weights);
      if (data.periods >= 2) {
        const double variance =
            (pnl.array() - pnl.mean()).square().sum() / static_cast<double>(data.periods - 1);
        result.performance.volatility = std::sqrt(variance * problem.periods_per_year);
        if (result.performance.volatility > 0) {
          result.performance.sharpe =
              (result.performance.expected_return - options.risk_free_rate) /
              result.performance.volatility;
        }
      }
      out.risk = evaluate_risk(data, result.weights);
      if (ratio && result.weights.size() == data.n && out.risk > 0) {
        out.ratio = (result.performance.expected_return - options.risk_free_rate) /
                    problem.periods_per_year / out.risk;
      }
      verify_result(result, c, VerifyOptions{.tolerance = options.verify_tolerance});
    }
    result.diagnostics.solve_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return out;
  };

  const auto conflicts = precheck_constraints(c, problem.assets);
  if (!conflicts.empty()) {
    detail::MergedConflicts merged = detail::merge_conflicts(conflicts);
    set_infeasible(result, std::move(merged.names), std::move(merged.explanation));
    return finish();
  }

  // With cardinality rules every solve is the MILP, and the search's report goes to the details.
  const bool mixed_integer = c.has_cardinality();
  CardinalityReport report;
  const auto solve = [&](TailRiskObjective objective) {
    if (!mixed_integer) return solve_model(data, objective);
    LpAnswer answer = solve_cardinality_milp(data, objective, report);
    result.diagnostics.solver = "cbc";
    result.details["cardinality"] = report.to_json();
    return answer;
  };

  if (options.objective == TailRiskObjective::kEfficientRisk) {
    // The least attainable risk first: below it the cap cannot be met.
    const LpAnswer least = solve(TailRiskObjective::kMinRisk);
    record(result, least);
    if (!is_usable(least.status)) {
      set_failed(result, data, TailRiskObjective::kMinRisk, least);
      return finish();
    }
    const double min_risk = evaluate_risk(data, least.weights);
    if (options.target_risk < min_risk - 1e-9 * std::max(1.0, std::abs(min_risk))) {
      set_infeasible(
          result, {"target-risk"},
          fmt::format("the risk cap {:.6g} is below the least attainable {} {:.6g} "
                      "under these constraints; raise target_risk (or use the "
                      "min-risk objective)",
                      options.target_risk,
                      result.model.substr(options.measure == TailRiskMeasure::kMinimax ? 0 : 4),
                      min_risk));
      return finish();
    }
  }

  const LpAnswer answer = solve(options.objective);
  record(result, answer);
  out.cuts = answer.cuts;
  if (mixed_integer && answer.weights.size() == data.n && !is_usable(answer.status)) {
    // A node or time limit with a portfolio found: kept, not usable, with the gap reached.
    result.status = answer.status;
    result.weights = answer.weights;
    out.lp_risk = answer.lp_risk;
    result.diagnostics.explanation = fmt::format(
        "Cbc stopped at its {} ({} nodes) with a relative gap of {:.3g} (target {:.3g}); the "
        "best portfolio found is returned; raise the limit",
        report.stop, report.nodes, report.gap, options.cardinality.relative_gap);
    return finish();
  }
  if (!is_usable(answer.status)) {
    set_failed(result, data, options.objective, answer);
    if (mixed_integer && answer.status == SolveStatus::kInfeasible &&
        result.diagnostics.conflicting_constraints.empty()) {
      // The constraints hold without the count rules: those are the culprits.
      std::vector<std::string> names;
      if (c.max_assets > 0) names.push_back("max-assets");
      for (std::size_t g = 0; g < c.groups.size(); ++g) {
        if (c.groups[g].max_assets <= 0) continue;
        names.push_back(c.groups[g].name.empty() ? fmt::format("max-assets[{}]", g)
                                                 : fmt::format("max-assets[{}]", c.groups[g].name));
      }
      if (c.min_position > 0.0) names.push_back("min-position");
      names.push_back("bounds");
      if (c.budget) names.push_back("budget");
      set_infeasible(result, names,
                     fmt::format("no portfolio satisfies {} together; raise max_assets, lower "
                                 "min_position or loosen the bounds",
                                 fmt::join(names, ", ")));
    }
    return finish();
  }
  if (ratio) {
    // w = y/κ; κ → 0 or a risk ≤ 0 at the optimum leave no finite best ratio.
    const double scale = std::max(1.0, answer.weights.lpNorm<Eigen::Infinity>());
    const bool kappa_zero = !(answer.kappa > 1e-9 * scale);
    if (kappa_zero || !(answer.lp_risk > 1e-12 * scale)) {
      result.status = SolveStatus::kUnbounded;
      result.weights.resize(0);
      result.diagnostics.explanation =
          kappa_zero
              ? "the best ratio is only approached as positions grow without bound (the "
                "homogenised problem ends at κ = 0); add finite bounds or a gross leverage cap"
              : fmt::format(
                    "an allowed portfolio with a positive excess return has {} {:.3g} ≤ "
                    "0 (no loss in the tail: an in-sample arbitrage), so the ratio is "
                    "unbounded; use the min-risk model or more scenarios",
                    measure_name(options.measure), answer.lp_risk / answer.kappa);
      return finish();
    }
    result.status = answer.status;
    result.weights = answer.weights / answer.kappa;
    out.lp_risk = answer.lp_risk / answer.kappa;
    out.threshold = answer.threshold / answer.kappa;
    return finish();
  }
  result.status = answer.status;
  result.weights = answer.weights;
  out.lp_risk = answer.lp_risk;
  out.threshold = answer.threshold;
  return finish();
}

}  // namespace keel
