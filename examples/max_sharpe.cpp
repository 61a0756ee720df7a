// Prices to maximum-Sharpe weights through the library's two entry points: load_market (read,
// missing-data policy, frequency, returns) and estimate_inputs (history check, mean returns and a
// Ledoit–Wolf covariance, both annualised with the market's periods per year), then the
// long-only max-Sharpe portfolio with at most 40% in any asset.
//
//   keel_example_max_sharpe [prices.csv]
#include <cstdio>
#include <string>

#include "example_market.hpp"
#include "keel/core/time.hpp"
#include "keel/estimate/estimates.hpp"
#include "keel/optimize/model.hpp"

int main(int argc, char** argv) {
  auto market = keel_examples::load_or_simulate_market(argc, argv);
  if (!market) {
    std::fprintf(stderr, "error: %s\n", market.status().message().c_str());
    return 1;
  }
  for (const keel::Repair& r : market->repairs) {
    std::printf("repair (%s): %s\n", r.action.c_str(), r.detail.c_str());
  }

  keel::EstimationOptions estimation;
  estimation.moments.covariance.method = keel::CovarianceMethod::kLedoitWolf;
  auto estimates = keel::estimate_inputs(std::move(*market), estimation);
  if (!estimates) {
    std::fprintf(stderr, "error: %s\n", estimates.status().message().c_str());
    return 1;
  }
  for (const std::string& w : estimates->warnings) std::printf("warning: %s\n", w.c_str());

  // μ and Σ are annual (estimates.hpp's units contract), as the models take them.
  const keel::ModelInputs inputs = keel::make_model_inputs(*estimates);
  keel::ModelSpec spec;
  spec.model = keel::PortfolioModel::kMaxSharpe;
  spec.constraints.upper_bound = 0.4;  // long-only (the default lower bound 0), fully invested
  auto portfolio = keel::optimize_portfolio(inputs, spec);
  if (!portfolio) {  // a call error: bad shapes or options
    std::fprintf(stderr, "error: %s\n", portfolio.status().message().c_str());
    return 1;
  }
  if (!portfolio->is_usable()) {  // a solve outcome: infeasible, iteration limit...
    std::fprintf(stderr, "max-sharpe is %s: %s\n",
                 std::string(keel::to_string(portfolio->status)).c_str(),
                 portfolio->diagnostics.explanation.c_str());
    return 1;
  }

  std::printf("max-sharpe over %zu assets, %td returns (%s to %s)\n", inputs.assets.size(),
              estimates->market.returns.values.rows(),
              keel::format_timestamp(estimates->market.returns.timestamps.front()).c_str(),
              keel::format_timestamp(estimates->market.returns.timestamps.back()).c_str());
  for (std::size_t i = 0; i < portfolio->assets.size(); ++i) {
    const double weight = portfolio->weights(static_cast<Eigen::Index>(i));
    if (weight > 5e-5) std::printf("  %-8s %6.2f%%\n", portfolio->assets[i].c_str(), 100 * weight);
  }
  std::printf("expected return %.2f%%, volatility %.2f%%, Sharpe %.3f\n",
              100 * portfolio->performance.expected_return, 100 * portfolio->performance.volatility,
              portfolio->performance.sharpe);
  return 0;
}
