#include "keel/optimize/portfolio_result.hpp"

#include <fmt/format.h>

#include <cmath>

namespace keel {

Performance compute_performance(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                const Eigen::Ref<const Eigen::VectorXd>& expected_returns,
                                const Eigen::Ref<const Eigen::MatrixXd>& covariance,
                                double risk_free_rate) {
  Performance performance;
  if (weights.size() == 0) return performance;
  const double variance = weights.dot(covariance * weights);
  // Round-off can make a zero variance slightly negative; clamp only that.
  performance.volatility = std::sqrt(std::max(variance, 0.0));
  if (expected_returns.size() == weights.size()) {
    performance.expected_return = expected_returns.dot(weights);
    if (performance.volatility > 0.0) {
      performance.sharpe = (performance.expected_return - risk_free_rate) / performance.volatility;
    }
  }
  return performance;
}

namespace {

Json string_array(const std::vector<std::string>& values) {
  Json array = Json::array();
  for (const auto& value : values) array.push_back(value);
  return array;
}

}  // namespace

Json PortfolioResult::to_json() const {
  Json document;
  document["model"] = model;
  document["status"] = std::string(to_string(status));
  Json weight_map = Json::object();
  for (std::size_t i = 0; i < assets.size() && static_cast<Eigen::Index>(i) < weights.size(); ++i) {
    weight_map[assets[i]] = json_number(weights[static_cast<Eigen::Index>(i)]);
  }
  document["weights"] = weight_map;
  document["performance"] = {{"expected_return", json_number(performance.expected_return)},
                             {"volatility", json_number(performance.volatility)},
                             {"sharpe", json_number(performance.sharpe)}};
  Json diag;
  diag["solver"] = diagnostics.solver;
  diag["iterations"] = diagnostics.iterations;
  diag["solves"] = diagnostics.solves;
  diag["solve_ms"] = json_number(diagnostics.solve_ms);
  diag["max_constraint_violation"] = json_number(diagnostics.max_constraint_violation);
  diag["worst_constraint"] = diagnostics.worst_constraint;
  diag["primal_residual"] = json_number(diagnostics.primal_residual);
  diag["dual_residual"] = json_number(diagnostics.dual_residual);
  diag["complementarity"] = json_number(diagnostics.complementarity);
  diag["active_constraints"] = string_array(diagnostics.active_constraints);
  diag["warnings"] = string_array(diagnostics.warnings);
  diag["repairs"] = string_array(diagnostics.repairs);
  if (!is_usable() || !diagnostics.explanation.empty()) {
    diag["conflicting_constraints"] = string_array(diagnostics.conflicting_constraints);
    diag["explanation"] = diagnostics.explanation;
  }
  document["diagnostics"] = diag;
  for (const auto& [key, value] : details.items()) document[key] = value;
  return document;
}

void add_plausibility_warnings(PortfolioResult& r, const PlausibilityLimits& limits) {
  if (!r.is_usable()) return;
  const Performance& p = r.performance;
  if (std::isfinite(p.expected_return) && p.expected_return > limits.max_expected_return) {
    r.diagnostics.warnings.push_back(fmt::format(
        "implausible expected return {:.0f}% a year (above {:.0f}%): the expected returns are "
        "in-sample accidents (short histories, a bull run, a bad print), not a forecast; check "
        "the assets' history (--min-history), clean extreme returns (--clean-returns) or use "
        "shrunk expected returns (--mu james-stein, capm, equilibrium)",
        100.0 * p.expected_return, 100.0 * limits.max_expected_return));
  }
  if (std::isfinite(p.sharpe) && p.sharpe > limits.max_sharpe) {
    r.diagnostics.warnings.push_back(fmt::format(
        "implausible Sharpe ratio {:.1f} (above {:.3g}): no book sustains this; the estimates "
        "behind it are in-sample noise or a data error",
        p.sharpe, limits.max_sharpe));
  }
}

}  // namespace keel
