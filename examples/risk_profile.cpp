// The risk profile of a weights vector over the return history: volatility, one-period VaR and
// CVaR at 95% by four methods, drawdowns, the spread-adjusted VaR when the data has spreads, and
// each asset's share of the historical CVaR. The portfolio: half in the first asset, the rest
// split equally.
//
//   keel_example_risk_profile [prices.csv]
#include "keel/risk/risk_profile.hpp"

#include <cstdio>
#include <string>

#include "example_market.hpp"

int main(int argc, char** argv) {
  auto market = keel_examples::load_or_simulate_market(argc, argv);
  if (!market) {
    std::fprintf(stderr, "error: %s\n", market.status().message().c_str());
    return 1;
  }
  const Eigen::MatrixXd& returns = market->returns.values;
  const Eigen::Index n = returns.cols();
  Eigen::VectorXd weights = Eigen::VectorXd::Constant(n, 0.5 / static_cast<double>(n - 1));
  weights(0) = 0.5;

  // Spreads aligned with the return rows (the panel has one more price row); empty if none.
  const Eigen::MatrixXd spreads =
      market->panel.has_spreads()
          ? Eigen::MatrixXd(market->panel.spreads.bottomRows(returns.rows()))
          : Eigen::MatrixXd();
  const keel::RiskProfileOptions options{.periods_per_year = market->frequency.periods_per_year,
                                         .confidence = 0.95,
                                         .scenarios = 5000};
  auto profile = keel::risk_profile(returns, weights, spreads, Eigen::MatrixXd(), options);
  if (!profile) {
    std::fprintf(stderr, "error: %s\n", profile.status().message().c_str());
    return 1;
  }

  std::printf("portfolio of %td assets over %td periods: volatility %.2f%% a year\n", n,
              returns.rows(), 100 * profile->annualised_volatility);
  std::printf("%-15s %8s %8s\n", "method", "VaR 95%", "CVaR");
  for (const keel::VarEstimate& e : profile->estimates) {
    std::printf("%-15s %7.2f%% %7.2f%%\n", std::string(keel::to_string(e.method)).c_str(),
                100 * e.var, 100 * e.es);
  }
  if (profile->spread_lvar) {
    std::printf("spread-adjusted historical VaR %.2f%%\n", 100 * profile->spread_lvar->lvar);
  }
  std::printf("max drawdown of the equity curve %.2f%%, CDaR %.2f%%\n",
              100 * profile->drawdown.max_drawdown, 100 * profile->drawdown.cdar);
  for (const keel::RiskContributions& c : profile->contributions) {
    if (c.measure != keel::ContributionMeasure::kHistoricalCvar) continue;
    std::printf("share of the historical CVaR:");
    for (Eigen::Index i = 0; i < n; ++i) {
      std::printf(" %s %.0f%%", market->returns.assets[static_cast<std::size_t>(i)].c_str(),
                  100 * c.percent(i));
    }
    std::printf("\n");
  }
  return 0;
}
