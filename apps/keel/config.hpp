#pragma once
// --config FILE.toml: one option table for the command line and files. Top-level keys of the file
// are the verb's long option names (with '-' or '_'), and fill only the options not given on the
// command line (flags override the file). Named sections hold structured settings a verb reads
// itself (groups, per-asset bounds, views, strategies). Anything else is an error naming the key.

#include <CLI/CLI.hpp>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "keel/core/result.hpp"

namespace keel::cli {

void add_config_option(CLI::App& command, std::string& path);

// Applies the file's top-level keys to `command` and returns the whole parsed table (empty when
// `path` is empty). `sections` lists the table names the verb understands.
Result<toml::table> apply_config(CLI::App& command, const std::string& path,
                                 const std::vector<std::string>& sections);

}  // namespace keel::cli
