#pragma once
// The portfolio file the risk-side verbs take with --weights: an `optimize` JSON result (its
// "weights" object, or a plain {"ASSET": weight} object) or a CSV `asset,weight` (header
// optional).

#include <string>

#include "keel/core/result.hpp"
#include "keel/data/labeled_csv.hpp"

namespace keel::cli {

// Errors name the file and the asset whose weight is not a number.
Result<LabeledVector> read_weights_file(const std::string& path);

}  // namespace keel::cli
