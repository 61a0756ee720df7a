#pragma once
// JSON output shared by every verb. Keys keep their insertion order so that documents read in the
// order docs/architecture.md shows them; non-finite numbers are written as null.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace keel {

using Json = nlohmann::ordered_json;

// A finite double as a number, NaN or infinity as null.
Json json_number(double value);

// Pretty-printed (2-space indent) with a trailing newline.
void write_json(const Json& document, std::ostream& out);
std::string dump_json(const Json& document);

}  // namespace keel
