// Prices to maximum-Sharpe weights: mean returns and a Ledoit–Wolf covariance, both annualised,
// then the long-only max-Sharpe portfolio with at most 40% in any asset.
//
//   keel_example_max_sharpe [prices.csv]
#include <cstdio>
#include <string>

#include "example_market.hpp"
#include "keel/core/time.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/expected_returns.hpp"
#include "keel/optimize/model.hpp"

int main(int argc, char** argv) {
  auto market = keel_examples::load_or_simulate_market(argc, argv);
  if (!market) {
    std::fprintf(stderr, "error: %s\n", market.status().message().c_str());
    return 1;
  }
  const double periods_per_year = market->periods_per_year;

  auto mu = keel::estimate_expected_returns(
      market->returns,
      {.method = keel::ExpectedReturnMethod::kMean, .periods_per_year = periods_per_year});
  auto cov =
      keel::estimate_covariance(market->returns, {.method = keel::CovarianceMethod::kLedoitWolf});
  if (!mu || !cov) {
    std::fprintf(stderr, "error: %s\n", (!mu ? mu.status() : cov.status()).message().c_str());
    return 1;
  }

  // The models take annualised inputs; the covariance estimators return per-period ones.
  keel::ModelInputs inputs;
  inputs.assets = market->returns.assets;
  inputs.expected_returns = mu->annualised;
  inputs.covariance = cov->covariance * periods_per_year;
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
              market->returns.values.rows(),
              keel::format_timestamp(market->returns.timestamps.front()).c_str(),
              keel::format_timestamp(market->returns.timestamps.back()).c_str());
  for (std::size_t i = 0; i < portfolio->assets.size(); ++i) {
    const double weight = portfolio->weights(static_cast<Eigen::Index>(i));
    if (weight > 5e-5) std::printf("  %-8s %6.2f%%\n", portfolio->assets[i].c_str(), 100 * weight);
  }
  std::printf("expected return %.2f%%, volatility %.2f%%, Sharpe %.3f\n",
              100 * portfolio->performance.expected_return, 100 * portfolio->performance.volatility,
              portfolio->performance.sharpe);
  return 0;
}
