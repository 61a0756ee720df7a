#pragma once
// Model options shared by `optimize` and the strategies of `backtest`: the model name and its
// parameters, turned into a ModelSpec once, here.

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "constraints_config.hpp"
#include "keel/optimize/model.hpp"

namespace keel::cli {

struct ModelFlags {
  std::string model = "min-variance";
  double target_return = std::nan("");
  double target_volatility = std::nan("");
  double l2 = 0.0;
  std::string budgets_file;
  std::string linkage = "single";
  std::string views_file;
  double alpha = 0.95;
  double max_risk = std::nan("");
  // --max-cvar / --max-cdar: --max-risk under the measure's name (the CLI contract of the tail-risk
  // models); each is accepted only with the model whose measure it names.
  double max_cvar = std::nan("");
  double max_cdar = std::nan("");
  double tau = 0.05;
  std::string posterior_model;
  std::string risk_measure =
      "variance";  // risk-parity / risk-budget: variance or cvar  // black-litterman: a
                   // mean-variance model run on the posterior
  int clusters = 0;
  double risk_free = 0.0;
  double risk_aversion = 1.0;
  double kelly_fraction = 1.0;  // --kelly-fraction (kelly only)
};

// --model, --target-return, --target-volatility, --l2, --budgets, --linkage, --views, --alpha,
// --max-risk, --max-cvar, --max-cdar, --tau, --clusters, --kelly-fraction (the caller adds
// --risk-free and
// --risk-aversion).
void add_model_options(CLI::App& command, ModelFlags& flags);

// The ModelSpec for `assets`, with the constraints already built; Black–Litterman views are read
// into `views` (over `assets`).
Result<ModelSpec> make_model_spec(const ModelFlags& flags, ConstraintSetup constraints,
                                  const std::vector<std::string>& assets,
                                  BlackLittermanViews& views);

}  // namespace keel::cli
