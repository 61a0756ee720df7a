// keel's command line as a function (main.cpp calls it; the fuzz targets in fuzz/ call it in
// process): parses argv, runs the chosen verb and returns its exit code.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include "verb.hpp"

namespace keel::cli {

int run_cli(int argc, char** argv) {
  CLI::App app{
      "keel: portfolio construction and risk engine for crypto-asset portfolios.\n"
      "Run `keel <verb> --help` for a verb's options and an example."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "keel 0.1.0");
  app.footer(
      "Exit codes: 0 ok, 2 invalid input or usage, 3 no usable answer, "
      "4 numerical failure, 1 internal error.");

  std::vector<Verb> verbs = {
      register_demo(app),        register_simulate(app),       register_inspect(app),
      register_estimate(app),    register_optimize(app),       register_frontier(app),
      register_risk(app),        register_stress(app),         register_backtest(app),
      register_allocate(app),    register_positions(app),      register_hedge(app),
      register_lp_backtest(app), register_hedge_backtest(app), register_exposures(app),
      register_sweep(app),
  };

  // An unknown or missing verb: name it and list the verbs (CLI11 would only say that a
  // subcommand is required).
  std::string verb_list;
  for (const auto& verb : verbs) {
    verb_list += (verb_list.empty() ? "" : ", ") + verb.command->get_name();
  }
  if (argc < 2) {
    std::cerr << "keel: error: no verb given; the verbs are " << verb_list
              << ". Run `keel <verb> --help` for its options and an example.\n";
    return 2;
  }
  const std::string first = argv[1];
  if (!first.empty() && first[0] != '-' &&
      std::none_of(verbs.begin(), verbs.end(),
                   [&](const Verb& v) { return v.command->get_name() == first; })) {
    std::cerr << "keel: error: unknown verb '" << first << "'; the verbs are " << verb_list
              << ". Run `keel --help` for an overview.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with code 0: CLI11 prints them. A real usage error is
    // written like every other error of keel (docs/exit-codes.md), with the help to read.
    if (e.get_exit_code() == 0) return app.exit(e);
    const bool verb_given = !first.empty() && first[0] != '-';
    std::cerr << "keel: error: " << e.what() << "; run `keel " << (verb_given ? first + " " : "")
              << "--help` for the options and an example\n";
    return 2;
  }
  try {
    for (const auto& verb : verbs) {
      if (verb.command->parsed()) return verb.run();
    }
  } catch (const std::bad_alloc&) {
    // Out of memory (or of the address space allowed by `ulimit -v`): the input is too large for
    // this machine. docs/limits.md lists the sizes measured.
    std::cerr << "keel: error: out of memory: the input is too large for the memory available "
                 "to keel; narrow it with --assets, --start/--end, or a coarser frequency "
                 "(docs/limits.md lists the sizes measured)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "keel: internal error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}

}  // namespace keel::cli
