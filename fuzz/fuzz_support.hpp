#pragma once
// Shared by the libFuzzer targets of fuzz/ (docs/reliability.md). The data readers are fuzzed on
// their in-memory parsers (src/data/text_readers.hpp); the targets that need a file (the file
// layer, the CLI) write each input to a file in a per-process temporary folder (under $TMPDIR)
// first. Contract violations abort through keel::fuzz::check(), which libFuzzer reports as a
// crash with the input saved.

#include <fcntl.h>
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

// Writes `bytes` to scratch_dir()/name (replacing it) and returns the path. Plain POSIX calls: an
// ofstream's 8 KiB buffer, fresh memory on every input under ASan's quarantine, was a fifth of a
// file-reading target's time.
inline std::string write_input(const std::string& name, std::string_view bytes) {
  std::string path = (scratch_dir() / name).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    std::abort();
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      std::perror(path.c_str());
      std::abort();
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
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
