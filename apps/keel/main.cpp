// keel: portfolio construction and risk for crypto-asset portfolios.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>

#include "verb.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "keel: portfolio construction and risk engine for crypto-asset portfolios.\n"
      "Run `keel <verb> --help` for a verb's options and an example."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "keel 0.1.0");
  app.footer("Exit codes: 0 ok, 2 invalid input or usage, 3 no usable answer, "
             "4 numerical failure, 1 internal error.");

  std::vector<keel::cli::Verb> verbs = {
      keel::cli::register_demo(app),
      keel::cli::register_simulate(app),
      keel::cli::register_inspect(app),
      keel::cli::register_estimate(app),
      keel::cli::register_optimize(app),
      keel::cli::register_frontier(app),
      keel::cli::register_risk(app),
      keel::cli::register_stress(app),
      keel::cli::register_backtest(app),
      keel::cli::register_allocate(app),
      keel::cli::register_positions(app),
      keel::cli::register_hedge(app),
      keel::cli::register_lp_backtest(app),
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
                   [&](const keel::cli::Verb& v) { return v.command->get_name() == first; })) {
    std::cerr << "keel: error: unknown verb '" << first << "'; the verbs are " << verb_list
              << ". Run `keel --help` for an overview.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    for (const auto& verb : verbs) {
      if (verb.command->parsed()) return verb.run();
    }
  } catch (const std::exception& e) {
    std::cerr << "keel: internal error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}
