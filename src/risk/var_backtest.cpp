#include "keel/risk/var_backtest.hpp"

#include <cmath>
#include <string>

#include "keel/estimate/distributions.hpp"
#include "risk/checks.hpp"

namespace keel {
namespace {

// n·ln(q) with the convention 0·ln 0 = 0.
double xlogy(double n, double q) { return n == 0.0 ? 0.0 : n * std::log(q); }

}  // namespace

Result<KupiecTest> kupiec_test(Eigen::Index trials, Eigen::Index exceedances,
                               double tail_probability) {
  if (trials < 1 || exceedances < 0 || exceedances > trials) {
    return Status::invalid("kupiec_test: need trials >= 1 and 0 <= exceedances <= trials, got " +
                           std::to_string(trials) + " trials and " + std::to_string(exceedances) +
                           " exceedances");
  }
  KEEL_RETURN_IF_ERROR(risk_detail::check_confidence(tail_probability, "tail_probability"));
  const double n = static_cast<double>(trials);
  const double x = static_cast<double>(exceedances);
  const double p = tail_probability;
  const double rate = x / n;
  KupiecTest t;
  t.trials = trials;
  t.exceedances = exceedances;
  t.expected = n * p;
  t.exceedance_rate = rate;
  const double null_ll = xlogy(n - x, 1.0 - p) + xlogy(x, p);
  const double alt_ll = xlogy(n - x, 1.0 - rate) + xlogy(x, rate);
  t.lr_statistic = std::max(0.0, -2.0 * (null_ll - alt_ll));
  t.p_value = chi_squared_survival(t.lr_statistic, 1.0);
  t.reject_at_5pct = t.p_value < 0.05;
  return t;
}

Status VarBacktestOptions::validate() const {
  KEEL_RETURN_IF_ERROR(var.validate());
  if (window < 2) {
    return Status::invalid("VarBacktestOptions::window = " + std::to_string(window) +
                           " must be at least 2 periods");
  }
  if (var.method == VarMethod::kMonteCarlo) {
    return Status::invalid(
        "VarBacktestOptions::var.method monte-carlo cannot be re-estimated from a rolling "
        "window of returns; use historical, gaussian or cornish-fisher");
  }
  if (var.horizon != 1) {
    return Status::invalid("VarBacktestOptions::var.horizon = " + std::to_string(var.horizon) +
                           ": the Kupiec backtest compares one-period VaR with the next "
                           "period's return; set horizon = 1");
  }
  return Status::ok();
}

Result<VarBacktest> backtest_var(Eigen::Ref<const Eigen::VectorXd> returns,
                                 const VarBacktestOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(risk_detail::check_series(returns, "returns", options.window + 1));
  const Eigen::Index w = options.window;
  const Eigen::Index trials = returns.size() - w;
  VarBacktest out;
  out.var_forecasts.resize(trials);
  Eigen::VectorXd buffer(w);
  for (Eigen::Index i = 0; i < trials; ++i) {
    const Eigen::Index t = w + i;
    double var = 0.0;
    if (options.var.method == VarMethod::kHistorical) {
      buffer = returns.segment(t - w, w);
      var = empirical_tail(buffer, options.var.confidence).var;
    } else {
      auto est = value_at_risk(returns.segment(t - w, w), options.var);
      if (!est) return est.status().with_context("window ending at row " + std::to_string(t - 1));
      var = est->var;
    }
    out.var_forecasts[i] = var;
    if (returns[t] < -var) out.exceedance_rows.push_back(t);
  }
  auto test = kupiec_test(trials, static_cast<Eigen::Index>(out.exceedance_rows.size()),
                          1.0 - options.var.confidence);
  if (!test) return test.status();
  out.kupiec = *test;
  return out;
}

}  // namespace keel
