#pragma once
// Private helpers of the data module: whole-file reading (plain or gzip) and a small CSV
// tokenizer working on string_views into the file buffer.

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"

namespace keel::csv {

// Reads the whole file into memory. Gzip input is recognised by its magic bytes (not by the
// extension) and inflated through zlib; a damaged or truncated gzip stream is an error naming
// the file. A leading UTF-8 byte-order mark is removed.
Result<std::string> read_file(const std::string& path);

// Writes `text` to `path`, gzip-compressed when the path ends in ".gz".
Status write_file(const std::string& path, std::string_view text);

// Iterates the physical lines of a buffer: LF, CRLF or lone CR endings, last line with or without
// a final newline. Line numbers are 1-based.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  // Returns false at the end of the buffer.
  bool next(std::string_view& line);
  int line_number() const { return line_number_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_number_ = 0;
};

// Splits one line on commas into `fields`. Fields in double quotes may contain commas and ""
// escapes; unescaped copies live in `scratch` (cleared by the call), so the views stay valid until
// the next call with the same scratch. Surrounding spaces are not removed (see trim()).
void split(std::string_view line, std::vector<std::string_view>& fields,
           std::deque<std::string>& scratch);

// Removes ASCII spaces and tabs at both ends.
std::string_view trim(std::string_view text);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view text);

// True for the cell spellings of a missing value: empty, NaN/nan, NA, N/A, NULL/null, "-".
bool is_missing_token(std::string_view cell);

// Parses a whole (trimmed) cell as a double with std::from_chars; accepts a leading '+'.
// Returns false when any character is left over or the text is not a number.
bool parse_double(std::string_view cell, double& value);

// True when the (trimmed) cell is a well-formed decimal number whose magnitude a double cannot
// hold: above about 1.8e308, or nonzero below about 4.9e-324 (so that parse_double refused it).
bool out_of_double_range(std::string_view cell);

// Quotes a field for output when it contains a comma, a quote or a line break.
std::string quote_if_needed(std::string_view field);

}  // namespace keel::csv
