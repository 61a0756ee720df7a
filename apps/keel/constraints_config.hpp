#pragma once
// Portfolio constraints from the command line and the --config file's sections:
//
//   bounds = "0,0.3"                      # or --bounds; "none" for unbounded
//   [constraints]  budget = 1.0, max_gross_leverage = 1.5, max_turnover = 0.5, max_short = 0.2,
//                  net_exposure_min = -0.1, net_exposure_max = 0.1,
//                  max_assets = 10, min_position = 0.02   # cardinality (long-only books)
//   [asset_bounds] BTC = [0.1, 0.5]
//   [current_weights] BTC = 0.5           # for turnover and costs
//   [costs] default_bps = 10, BTC = 5     # proportional costs in the objective
//   [[groups]] tag = "chain", max = 0.4   # one group per value of a metadata tag (any column)
//              missing_metadata = "error" # assets without that tag: "error" (default), "exclude"
//                                         # or "own-group"; see docs/constraints.md
//   [[groups]] name = "stables", tag = "stablecoin", value = "true", min = 0.1
//   [[groups]] name = "defi", members = ["UNI", "AAVE"], max = 0.3, max_assets = 1
//   [[linear]] name = "btc-over-eth", coefficients = {BTC = 1, ETH = -1}, sense = ">=", rhs = 0
//
// Every error names the file, line and the asset, tag or key at fault.

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/metadata.hpp"
#include "keel/optimize/constraints.hpp"

namespace keel::cli {

struct ConstraintFlags {
  std::string bounds;                // "LO,HI" or "none"; empty = model default (0,1)
  std::optional<double> budget;      // --budget
  std::optional<double> max_weight;  // --max-weight
  std::string metadata;              // --metadata FILE for group tags
};

// --bounds, --budget, --max-weight and --metadata, as `optimize` and `frontier` take them.
void add_constraint_options(CLI::App& command, ConstraintFlags& flags);

inline const std::vector<std::string> kConstraintSections = {
    "constraints", "asset_bounds", "current_weights", "costs", "groups", "linear"};

struct ConstraintSetup {
  PortfolioConstraints constraints;
  Eigen::VectorXd transaction_costs;  // per asset, fraction of traded value; empty = none
};

Result<ConstraintSetup> build_constraints(const ConstraintFlags& flags, const toml::table& config,
                                          const std::string& config_path,
                                          const std::vector<std::string>& assets);

}  // namespace keel::cli
