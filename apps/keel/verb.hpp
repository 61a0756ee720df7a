#pragma once
// How the keel CLI is put together: each verb lives in its own file and registers a CLI11
// subcommand plus the function that runs it. main() parses, then runs the chosen verb.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace keel::cli {

struct Verb {
  CLI::App* command = nullptr;
  std::function<int()> run;  // returns the process exit code (docs/architecture.md section 3)
};

Verb register_demo(CLI::App& app);
Verb register_simulate(CLI::App& app);
Verb register_inspect(CLI::App& app);
Verb register_estimate(CLI::App& app);
Verb register_optimize(CLI::App& app);
Verb register_risk(CLI::App& app);
Verb register_stress(CLI::App& app);
Verb register_frontier(CLI::App& app);
Verb register_backtest(CLI::App& app);
Verb register_allocate(CLI::App& app);
Verb register_positions(CLI::App& app);
Verb register_hedge(CLI::App& app);
Verb register_lp_backtest(CLI::App& app);
Verb register_hedge_backtest(CLI::App& app);
Verb register_exposures(CLI::App& app);
Verb register_sweep(CLI::App& app);

// The whole command line (argv[0] is the program name): registers every verb, parses, runs the
// chosen one and returns the process exit code. main() is only this call.
int run_cli(int argc, char** argv);

}  // namespace keel::cli
