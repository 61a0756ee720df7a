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

}  // namespace keel::cli
