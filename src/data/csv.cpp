#include "data/csv.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "keel/core/file_output.hpp"

namespace keel::csv {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

void strip_bom(std::string& text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    text.erase(0, 3);
  }
}

// zlib's gzerror() text starts with "<path>: "; the caller already names the file.
std::string zlib_reason(gzFile gz, const std::string& path) {
  int code = 0;
  std::string why = gzerror(gz, &code);
  if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
  return why;
}

Result<std::string> read_gzip(const std::string& path, std::size_t compressed_size) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) {
    return Status::invalid(fmt::format("{}: cannot open the gzip file; check the path", path));
  }
  gzbuffer(gz, 1 << 17);
  std::string text;
  text.reserve(compressed_size * 4);
  // Inflated through a fixed 64 KiB buffer and appended: the string grows with what the stream
  // really holds (a small file no longer zero-fills a 1 MiB chunk on every read).
  constexpr unsigned kChunk = 1u << 16;
  std::vector<char> chunk(kChunk);
  for (;;) {
    const int got = gzread(gz, chunk.data(), kChunk);
    if (got < 0) {
      const std::string why = zlib_reason(gz, path);
      gzclose(gz);
      return Status::invalid(fmt::format(
          "{}: the gzip data is corrupt ({}); re-download the file or decompress it with gunzip "
          "to see where it breaks",
          path, why));
    }
    if (got == 0) break;
    text.append(chunk.data(), static_cast<std::size_t>(got));
  }
  int code = 0;
  gzerror(gz, &code);
  if (code != Z_OK) {
    const std::string reason = zlib_reason(gz, path);
    gzclose(gz);
    return Status::invalid(fmt::format(
        "{}: the gzip data is corrupt or truncated ({}); re-download the file", path, reason));
  }
  gzclose(gz);
  return text;
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  // fopen() opens a directory on Linux, and its "size" is then meaningless (an allocation of
  // exabytes): refuse it by name first.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::invalid(
        fmt::format("{}: is a directory, not a file; give the path of the file inside it", path));
  }
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return Status::invalid(
        fmt::format("{}: cannot open the file; check the path and permissions", path));
  }
  std::fseek(file.get(), 0, SEEK_END);
  const long size = std::ftell(file.get());
  std::fseek(file.get(), 0, SEEK_SET);
  if (size < 0) return Status::invalid(fmt::format("{}: cannot read the file size", path));
  std::string text(static_cast<std::size_t>(size), '\0');
  if (size > 0 && std::fread(text.data(), 1, text.size(), file.get()) != text.size()) {
    return Status::invalid(fmt::format("{}: reading the file failed", path));
  }
  file.reset();
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f &&
      static_cast<unsigned char>(text[1]) == 0x8b) {
    auto inflated = read_gzip(path, text.size());
    if (!inflated) return inflated.status();
    text = std::move(inflated).value();
  } else if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0 && !text.empty()) {
    return Status::invalid(fmt::format(
        "{}: the name ends in .gz but the content is not gzip data (no gzip magic bytes); "
        "rename the file or re-compress it with gzip",
        path));
  }
  strip_bom(text);
  return text;
}

Status write_file(const std::string& path, std::string_view text) {
  const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  if (!gz) return write_file_atomically(path, text);
  return write_file_atomically(path, [&](const std::string& temporary) -> Status {
    gzFile out = gzopen(temporary.c_str(), "wb6");
    if (out == nullptr) {
      return Status::invalid(fmt::format("{}: cannot create the file; check the directory", path));
    }
    std::size_t written = 0;
    while (written < text.size()) {
      const unsigned chunk =
          static_cast<unsigned>(std::min<std::size_t>(text.size() - written, 1u << 20));
      if (gzwrite(out, text.data() + written, chunk) != static_cast<int>(chunk)) {
        gzclose(out);
        return Status::invalid(fmt::format("{}: writing the gzip file failed (disk full?)", path));
      }
      written += chunk;
    }
    if (gzclose(out) != Z_OK) {
      return Status::invalid(fmt::format("{}: closing the gzip file failed (disk full?)", path));
    }
    return Status::ok();
  });
}

bool LineReader::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  const std::size_t start = pos_;
  std::size_t end = start;
  const char* data = text_.data();
  const std::size_t n = text_.size();
  while (end < n && data[end] != '\n' && data[end] != '\r') ++end;
  line = text_.substr(start, end - start);
  if (end < n && data[end] == '\r') {
    ++end;
    if (end < n && data[end] == '\n') ++end;
  } else if (end < n) {
    ++end;
  }
  pos_ = end;
  ++line_number_;
  return true;
}

void split(std::string_view line, std::vector<std::string_view>& fields,
           std::deque<std::string>& scratch) {
  fields.clear();
  scratch.clear();
  if (line.find('"') == std::string_view::npos) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) {
        fields.push_back(line.substr(start));
        return;
      }
      fields.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
  }
  std::size_t i = 0;
  const std::size_t n = line.size();
  for (;;) {
    std::size_t j = i;
    while (j < n && (line[j] == ' ' || line[j] == '\t')) ++j;
    if (j < n && line[j] == '"') {
      std::string value;
      ++j;
      while (j < n) {
        if (line[j] == '"') {
          if (j + 1 < n && line[j + 1] == '"') {
            value.push_back('"');
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        value.push_back(line[j++]);
      }
      // Anything between the closing quote and the comma is kept verbatim (malformed input is
      // then reported by the caller as a bad cell rather than silently dropped).
      const std::size_t comma = line.find(',', j);
      const std::size_t stop = comma == std::string_view::npos ? n : comma;
      value.append(trim(line.substr(j, stop - j)));
      scratch.push_back(std::move(value));
      fields.push_back(scratch.back());
      if (comma == std::string_view::npos) return;
      i = comma + 1;
    } else {
      const std::size_t comma = line.find(',', i);
      if (comma == std::string_view::npos) {
        fields.push_back(line.substr(i));
        return;
      }
      fields.push_back(line.substr(i, comma - i));
      i = comma + 1;
    }
  }
}

std::string_view trim(std::string_view text) {
  std::size_t b = 0;
  std::size_t e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool is_missing_token(std::string_view cell) {
  switch (cell.size()) {
    case 0:
      return true;
    case 1:
      return cell[0] == '-';
    case 2:
      return iequals(cell, "na");
    case 3:
      return iequals(cell, "nan") || iequals(cell, "n/a");
    case 4:
      return iequals(cell, "null");
    default:
      return false;
  }
}

bool parse_double(std::string_view cell, double& value) {
  const char* first = cell.data();
  const char* last = first + cell.size();
  if (first != last && *first == '+') ++first;
  if (first == last) return false;
  const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  return ec == std::errc() && ptr == last;
}

bool out_of_double_range(std::string_view cell) {
  const char* first = cell.data();
  const char* last = first + cell.size();
  if (first != last && *first == '+') ++first;
  if (first == last) return false;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  return ec == std::errc::result_out_of_range && ptr == last;
}

std::string quote_if_needed(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace keel::csv
