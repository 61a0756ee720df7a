#pragma once
// The price data of the examples: the CSV file named on the command line (wide or long, as
// `keel optimize --prices` reads it), or a simulated market of eight tokens over three years.
// Both go through the same steps: missing-data policy, frequency, simple returns.

#include <string>

#include "keel/core/result.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/missing.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/data/returns.hpp"
#include "keel/data/simulator.hpp"

namespace keel_examples {

struct ExampleMarket {
  keel::PricePanel panel;      // prices (and volumes and spreads when the source has them)
  keel::ReturnSeries returns;  // per period, (rows − 1) × assets, no NaN
  double periods_per_year = 365.0;
};

inline keel::Result<ExampleMarket> load_or_simulate_market(int argc, char** argv) {
  keel::PricePanel raw;
  if (argc > 1) {
    auto read = keel::read_prices(argv[1]);
    if (!read) return read.status();
    raw = std::move(*read);
  } else {
    auto simulated = keel::simulate_market(
        {.assets = 8, .periods = 3 * 365 + 1, .seed = 7, .late_listing_fraction = 0.0});
    if (!simulated) return simulated.status();
    raw = std::move(simulated->panel);
  }
  // Rows where some asset has no price are dropped (late listings in a file shorten the history).
  auto clean = keel::apply_missing_policy(raw, {.kind = keel::MissingPolicyKind::kDropRows});
  if (!clean) return clean.status();
  auto frequency = keel::infer_frequency(clean->panel.timestamps);
  if (!frequency) return frequency.status();
  ExampleMarket market;
  market.returns = keel::compute_returns(clean->panel);
  market.panel = std::move(clean->panel);
  market.periods_per_year = frequency->periods_per_year;
  return market;
}

}  // namespace keel_examples
