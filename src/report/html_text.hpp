#pragma once
// How text goes into <script> elements of the report page without ending them early.

#include <string>
#include <string_view>

#include "keel/core/json.hpp"

namespace keel::report::internal {

// JavaScript for an inline <script>: every "</script" (any case) becomes "<\/script" (the same
// string inside JS strings and regular expressions) and every "<!--" becomes "\x3C!--", the two
// sequences that would end or confuse a script element in an HTML parser.
std::string neutralise_script(std::string_view js);

// JSON for a <script type="application/json"> element: '<' only occurs inside strings, where
// \u003c means the same character, so nothing can close the element. Invalid UTF-8 is replaced.
std::string script_json(const Json& value);

}  // namespace keel::report::internal
