// Links keel::report alone (it brings the modules to its left) from the installed package and
// touches each layer once: simulated prices (data), a covariance (estimate), a min-variance
// portfolio through the QP and Clp code (optimize), and a rendered HTML page, whose inlined Vega
// bundles must live in the installed libkeel_report.a itself.
//
//   keel_package_smoke [with-vega|without-vega]   (what the build that was installed had)
#include <cstdio>
#include <string>
#include <string_view>

#include "keel/data/returns.hpp"
#include "keel/data/simulator.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/optimize/model.hpp"
#include "keel/report/html_report.hpp"

int main(int argc, char** argv) {
  auto market = keel::simulate_market({.assets = 5, .periods = 200, .late_listing_fraction = 0.0});
  if (!market) {
    std::fprintf(stderr, "simulate_market: %s\n", market.status().message().c_str());
    return 1;
  }
  const keel::ReturnSeries returns = keel::compute_returns(market->panel);
  auto cov = keel::estimate_covariance(returns, keel::CovarianceOptions{});
  if (!cov) {
    std::fprintf(stderr, "estimate_covariance: %s\n", cov.status().message().c_str());
    return 1;
  }
  keel::ModelInputs inputs{.assets = returns.assets,
                           .covariance = cov->covariance * market->periods_per_year};
  auto portfolio = keel::optimize_portfolio(inputs, {.model = keel::PortfolioModel::kMinVariance});
  if (!portfolio || !portfolio->is_usable()) {
    std::fprintf(stderr, "optimize_portfolio: no usable min-variance portfolio\n");
    return 1;
  }
  std::printf("min-variance over %zu simulated assets: volatility %.4f, weights sum %.6f\n",
              portfolio->assets.size(), portfolio->performance.volatility,
              portfolio->weights.sum());

  const bool has_vega = keel::report::has_vega_libraries();
  const std::string page = keel::report::render_html({.title = "package smoke test"});
  std::printf("HTML page of %zu bytes; Vega bundles %s\n", page.size(),
              has_vega ? "embedded" : "absent");
  const std::string_view expected = argc > 1 ? argv[1] : "";
  if ((expected == "with-vega" && !has_vega) || (expected == "without-vega" && has_vega)) {
    std::fprintf(stderr, "the installed keel_report does not match the build (%s expected)\n",
                 argv[1]);
    return 1;
  }
  return 0;
}
