#include "keel/risk/var.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "keel/estimate/distributions.hpp"
#include "keel/risk/measures.hpp"
#include "risk/checks.hpp"
#include "risk/cornish_fisher.hpp"

namespace keel {

std::string_view to_string(VarMethod method) {
  switch (method) {
    case VarMethod::kHistorical:
      return "historical";
    case VarMethod::kGaussian:
      return "gaussian";
    case VarMethod::kCornishFisher:
      return "cornish-fisher";
    case VarMethod::kMonteCarlo:
      return "monte-carlo";
  }
  return "unknown";
}

Status VarOptions::validate() const {
  KEEL_RETURN_IF_ERROR(risk_detail::check_confidence(confidence, "VarOptions::confidence"));
  if (horizon < 1) {
    return Status::invalid("VarOptions::horizon = " + std::to_string(horizon) +
                           " must be at least 1 period");
  }
  if (method == VarMethod::kMonteCarlo && horizon != 1) {
    return Status::invalid(
        "VarOptions::horizon = " + std::to_string(horizon) +
        " with method monte-carlo: scenarios are already at their horizon; set horizon = 1 and "
        "generate h-period scenarios");
  }
  return Status::ok();
}

double tail_size(double confidence, Eigen::Index n) {
  const double m = (1.0 - confidence) * static_cast<double>(n);
  const double nearest = std::round(m);
  // 1 − 0.95 is 0.050000000000000044 in binary; without snapping 0.05·100 would give k = 6.
  if (std::abs(m - nearest) <= 1e-9 * std::max(1.0, m)) return nearest;
  return m;
}

Eigen::Index tail_count(double m) {
  return std::max<Eigen::Index>(1, static_cast<Eigen::Index>(std::ceil(m)));
}

EmpiricalTail empirical_tail(Eigen::Ref<Eigen::VectorXd> values, double confidence) {
  EmpiricalTail tail;
  const Eigen::Index n = values.size();
  tail.tail_size = tail_size(confidence, n);
  tail.tail_count = std::min(n, tail_count(tail.tail_size));
  const Eigen::Index k = tail.tail_count;
  double* begin = values.data();
  std::nth_element(begin, begin + (k - 1), begin + n);
  const double xk = begin[k - 1];
  double sum = 0.0;
  for (Eigen::Index i = 0; i + 1 < k; ++i) sum += begin[i];
  // m < 1 means the whole tail mass sits on x_(1): ES = VaR = −x_(1).
  const double m = std::max(tail.tail_size, std::numeric_limits<double>::min());
  tail.var = -xk;
  tail.es = (tail.tail_size < 1.0) ? -xk : -(sum + (m - static_cast<double>(k - 1)) * xk) / m;
  return tail;
}

namespace {

// Non-overlapping h-period aggregation ending at the last row.
Eigen::VectorXd aggregate(Eigen::Ref<const Eigen::VectorXd> r, int h, bool log_returns) {
  const Eigen::Index blocks = r.size() / h;
  const Eigen::Index offset = r.size() - blocks * h;
  Eigen::VectorXd out(blocks);
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const auto block = r.segment(offset + b * h, h);
    out[b] = log_returns ? block.sum() : (block.array() + 1.0).prod() - 1.0;
  }
  return out;
}

VarEstimate historical(Eigen::Ref<const Eigen::VectorXd> r, const VarOptions& options) {
  Eigen::VectorXd work = options.horizon == 1 ? Eigen::VectorXd(r)
                                              : aggregate(r, options.horizon, options.log_returns);
  const EmpiricalTail tail = empirical_tail(work, options.confidence);
  VarEstimate est;
  est.method = options.method;
  est.confidence = options.confidence;
  est.horizon = options.horizon;
  est.var = tail.var;
  est.es = tail.es;
  est.observations = work.size();
  est.tail_size = tail.tail_size;
  est.tail_count = tail.tail_count;
  if (tail.tail_size < 1.0) {
    est.warnings.push_back("the tail holds " + std::to_string(tail.tail_size) +
                           " observations (< 1): VaR and ES are the single worst outcome; use a "
                           "longer history or a lower confidence");
  }
  return est;
}

}  // namespace

Result<VarEstimate> value_at_risk(Eigen::Ref<const Eigen::VectorXd> returns,
                                  const VarOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  if (options.method == VarMethod::kMonteCarlo) {
    return Status::invalid(
        "value_at_risk: method monte-carlo needs a scenario matrix; call scenario_var(scenarios, "
        "weights, options) or use method historical on a return series");
  }
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", 2));
  if (options.method == VarMethod::kHistorical) {
    if (returns.size() < options.horizon) {
      return Status::invalid("returns: " + std::to_string(returns.size()) +
                             " observations, fewer than one horizon block of " +
                             std::to_string(options.horizon) + " periods; shorten the horizon");
    }
    return historical(returns, options);
  }

  auto moments = sample_moments(returns);
  if (!moments) return moments.status();
  const double mu = moments->mean;
  const double sigma = options.population_moments ? moments->population_stddev : moments->stddev;
  const double h = static_cast<double>(options.horizon);
  const double p = 1.0 - options.confidence;

  VarEstimate est;
  est.method = options.method;
  est.confidence = options.confidence;
  est.horizon = options.horizon;
  est.observations = returns.size();
  est.mean = mu;
  est.stddev = sigma;
  if (options.method == VarMethod::kGaussian) {
    const double z = normal_quantile(p);
    est.quantile = z;
    est.var = -(h * mu + std::sqrt(h) * sigma * z);
    est.es = -h * mu + std::sqrt(h) * sigma * normal_pdf(z) / p;
    return est;
  }

  const risk_detail::CornishFisher cf =
      risk_detail::cornish_fisher(p, moments->skewness, moments->excess_kurtosis);
  est.skewness = moments->skewness;
  est.excess_kurtosis = moments->excess_kurtosis;
  est.quantile = cf.z_cf;
  est.var = -(h * mu + std::sqrt(h) * sigma * cf.z_cf);
  est.es = -h * mu - std::sqrt(h) * sigma * std::min(-cf.e, cf.z_cf);
  est.es_floored_at_var = -cf.e > cf.z_cf;
  if (est.es_floored_at_var) {
    est.warnings.push_back(
        "Cornish-Fisher expected shortfall fell below the modified VaR and was floored at it "
        "(PerformanceAnalytics operES convention): skewness/kurtosis are outside the expansion's "
        "valid range; prefer the historical method");
  }
  if (!cf.monotone) {
    est.warnings.push_back(
        "the Cornish-Fisher expansion is not monotone at this confidence for skewness " +
        std::to_string(moments->skewness) + " and excess kurtosis " +
        std::to_string(moments->excess_kurtosis) +
        " (Maillard 2012): the modified VaR is unreliable; prefer the historical method");
  }
  return est;
}

Result<VarEstimate> scenario_var(Eigen::Ref<const Eigen::MatrixXd> scenarios,
                                 Eigen::Ref<const Eigen::VectorXd> weights,
                                 const VarOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  if (options.method != VarMethod::kMonteCarlo && options.method != VarMethod::kHistorical) {
    return Status::invalid(std::string("scenario_var: method ") +
                           std::string(to_string(options.method)) +
                           " is not a scenario method; use monte-carlo (or historical)");
  }
  if (options.horizon != 1) {
    return Status::invalid(
        "scenario_var: horizon must be 1 (scenarios are already at their "
        "horizon); generate h-period scenarios instead");
  }
  auto pnl = portfolio_returns(scenarios, weights);
  if (!pnl) return pnl.status().with_context("scenarios");
  const EmpiricalTail tail = empirical_tail(*pnl, options.confidence);
  VarEstimate est;
  est.method = options.method;
  est.confidence = options.confidence;
  est.var = tail.var;
  est.es = tail.es;
  est.observations = scenarios.rows();
  est.tail_size = tail.tail_size;
  est.tail_count = tail.tail_count;
  return est;
}

}  // namespace keel
