#pragma once
// Shared by the libFuzzer targets of fuzz/ (docs/reliability.md). The readers take file paths, so
// each input is written to a file in a per-process temporary folder first (under $TMPDIR); contract
// violations abort through keel::fuzz::check(), which libFuzzer reports as a crash with the input
// saved.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace keel::fuzz {

// A folder of this process under the system temp directory, made on first use.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("keel-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    std::atexit([] {  // libFuzzer ends with exit(); a crash leaves the folder for inspection
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return d;
  }();
  return dir;
}

// Writes `bytes` to scratch_dir()/name and returns the path.
inline std::string write_input(const std::string& name, std::string_view bytes) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Aborts with `what` when `ok` is false: a broken reader contract is a finding like a crash.
inline void check(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "keel fuzz: contract violated: %s %s\n", what, detail.c_str());
  std::abort();
}

// An error is "located" when its message names the file it came from.
inline void check_located(const std::string& message, const std::string& path) {
  check(!message.empty(), "empty error message");
  check(message.find(path) != std::string::npos, "error does not name the file:", message);
}

}  // namespace keel::fuzz
