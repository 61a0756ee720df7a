#pragma once
// Private to the data module (and the fuzz targets of fuzz/): the parsers behind the file readers,
// on text already in memory. Each public reader is csv::read_file (open, inflate gzip, drop a
// byte-order mark) followed by one of these on the text it returned, so a parser here sees exactly
// what the reader sees. `path` is only used to name the source in error messages.

#include <string>
#include <string_view>

#include "keel/core/result.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/read_prices.hpp"

namespace keel::detail {

// read_prices(path, options) after reading the file.
Result<PricePanel> parse_prices(std::string_view text, const std::string& path,
                                const ReadOptions& options);

// read_metadata(path) after reading the file.
Result<AssetMetadata> parse_metadata(std::string_view text, const std::string& path);

// read_labeled_matrix and read_labeled_rows after reading the file (read_labeled_vector is the
// vector of read_labeled_rows). The text is moved into the result's line index.
Result<LabeledMatrix> parse_labeled_matrix(std::string text, const std::string& path,
                                           bool require_symmetric);
Result<LabeledRows> parse_labeled_rows(std::string text, const std::string& path);

}  // namespace keel::detail
