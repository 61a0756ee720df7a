#pragma once
// The price data of the examples: the CSV file named on the command line (wide or long, as
// `keel optimize --prices` reads it), or a simulated market of eight tokens over three years.
// Both go through the library's data entry point (keel/data/market.hpp): missing-data policy,
// frequency, simple returns, with the repairs recorded.

#include "keel/core/result.hpp"
#include "keel/data/market.hpp"
#include "keel/data/simulator.hpp"

namespace keel_examples {

inline keel::Result<keel::Market> load_or_simulate_market(int argc, char** argv) {
  // Rows where some asset has no price are dropped (late listings in a file shorten the history).
  const keel::MarketOptions options{.missing = {.kind = keel::MissingPolicyKind::kDropRows}};
  if (argc > 1) return keel::load_market(argv[1], options);
  auto simulated = keel::simulate_market(
      {.assets = 8, .periods = 3 * 365 + 1, .seed = 7, .late_listing_fraction = 0.0});
  if (!simulated) return simulated.status();
  return keel::prepare_market(simulated->panel, options);
}

}  // namespace keel_examples
