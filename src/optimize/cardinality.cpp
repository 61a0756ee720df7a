#include "keel/optimize/cardinality.hpp"

#include <fmt/format.h>

#include <cmath>

namespace keel {

Status CardinalityOptions::validate() const {
  if (!(relative_gap >= 0.0 && relative_gap < 1.0)) {
    return Status::invalid(
        fmt::format("cardinality: relative_gap = {} must be in [0, 1)", relative_gap));
  }
  if (max_nodes < 1) {
    return Status::invalid(fmt::format("cardinality: max_nodes = {} must be >= 1", max_nodes));
  }
  if (!(time_limit_s > 0.0)) {
    return Status::invalid(
        fmt::format("cardinality: time_limit_s = {} must be > 0 (infinity = none)", time_limit_s));
  }
  if (heuristic_interval < 1) {
    return Status::invalid(
        fmt::format("cardinality: heuristic_interval = {} must be >= 1", heuristic_interval));
  }
  return Status::ok();
}

Json CardinalityReport::to_json() const {
  Json out;
  out["method"] = method;
  out["nodes"] = nodes;
  out["heuristic_solves"] = heuristic_solves;
  out["objective"] = json_number(objective);
  out["bound"] = json_number(bound);
  out["gap"] = json_number(gap);
  out["time_ms"] = json_number(time_ms);
  out["stop"] = stop;
  out["holdings"] = holdings;
  return out;
}

}  // namespace keel
