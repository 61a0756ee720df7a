#include "keel/core/json.hpp"

#include <cmath>

namespace keel {

Json json_number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

std::string dump_json(const Json& document) {
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void write_json(const Json& document, std::ostream& out) { out << dump_json(document); }

}  // namespace keel
