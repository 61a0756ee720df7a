#pragma once
// --config FILE.toml: one option table for the command line and files. Top-level keys of the file
// are the verb's long option names (with '-' or '_'), and fill only the options not given on the
// command line (flags override the file). Named sections hold structured settings a verb reads
// itself (groups, per-asset bounds, views, strategies). Anything else is an error naming the key.

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "keel/core/result.hpp"

namespace keel::cli {

void add_config_option(CLI::App& command, std::string& path);

// Parses a TOML file; errors name the file and line of a syntax error, or say the file (described
// by `what`, e.g. "config file", "views file") cannot be read.
Result<toml::table> read_toml_file(const std::string& path, const std::string& what);

// Applies the file's top-level keys to `command` and returns the whole parsed table (empty when
// `path` is empty). `sections` lists the table names the verb understands.
Result<toml::table> apply_config(CLI::App& command, const std::string& path,
                                 const std::vector<std::string>& sections);

// A file that several verbs read, such as the book file of `keel optimize` and `keel frontier`.
struct SharedConfig {
  toml::table table;  // the whole parsed file (empty when no file was given)
  // Top-level keys left unused because they are options of a sibling verb only, as
  // "model (line 2)", in file order.
  std::vector<std::string> ignored;
};

// As apply_config, except that a top-level key which is not an option of `command` but is a long
// option of one of the sibling subcommands named in `shared_with` is accepted and left unused (and
// listed in `ignored`, so the verb can say so). Keys no verb knows are still errors.
Result<SharedConfig> apply_shared_config(CLI::App& command, const std::string& path,
                                         const std::vector<std::string>& sections,
                                         const std::vector<std::string>& shared_with);

}  // namespace keel::cli
