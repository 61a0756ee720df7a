#pragma once
// Test helper: small files written to a fresh temporary directory, removed at the end of a test.

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace keel::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("keel_data_test_" + std::to_string(device()) + "_" + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return (path_ / name).string(); }

  // Writes `content` byte for byte (no newline translation) and returns the path.
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream out(path(name), std::ios::binary);
    out << content;
    return path(name);
  }

  // Writes `content` gzip-compressed and returns the path.
  std::string write_gz(const std::string& name, const std::string& content) const {
    gzFile gz = gzopen(path(name).c_str(), "wb");
    gzwrite(gz, content.data(), static_cast<unsigned>(content.size()));
    gzclose(gz);
    return path(name);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace keel::testing
