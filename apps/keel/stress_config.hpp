#pragma once
// Hypothetical shock scenarios for `keel stress` from TOML (a --shocks file, or [[scenario]]
// tables inside the --config file). The format (docs/stress.md has the full reference):
//
//   [[scenario]]
//   name = "L1 -50%, stables depeg to 0.9"   # required, unique
//   description = "..."                       # optional
//
//   [[scenario.shock]]
//   group = "sector:L1"        # target: group = "FIELD:VALUE" (sector, chain, protocol,
//   return = -0.5              #   stablecoin), assets = ["ETH", "SOL"] or all = true
//                              # size: return = simple return (>= -1) or price = target price
//   [[scenario.shock]]
//   group = "stablecoin"
//   price = 0.9
//
// Errors name the file and line, the scenario and the key, and say what is expected.

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/risk/stress_shocks.hpp"

namespace keel::cli {

// Reads the [[scenario]] array of `table` (parsed from `path`). With `whole_file` every other
// top-level key is an error (a dedicated shocks file); without it other keys are left to the
// caller (the --config file). A dedicated file without scenarios is an error.
Result<std::vector<ShockScenario>> read_shock_scenarios(const toml::table& table,
                                                        const std::string& path, bool whole_file);

// Parses `path` and reads it as a dedicated shocks file.
Result<std::vector<ShockScenario>> read_shock_file(const std::string& path);

}  // namespace keel::cli
