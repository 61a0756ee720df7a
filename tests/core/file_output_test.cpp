// Files written whole or not at all (keel/core/file_output.hpp): a failed write leaves the previous
// file untouched and no temporary file behind; errors name the path.
#include "keel/core/file_output.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace keel {
namespace {

namespace fs = std::filesystem;

class FileOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("keel-file-output-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  fs::path dir_;
};

TEST_F(FileOutput, WritesAndReplacesWholeFiles) {
  const std::string path = (dir_ / "out.json").string();
  ASSERT_TRUE(write_file_atomically(path, std::string_view("{\"a\": 1}\n")).is_ok());
  EXPECT_EQ(read(path), "{\"a\": 1}\n");
  ASSERT_TRUE(write_file_atomically(path, std::string_view("second")).is_ok());
  EXPECT_EQ(read(path), "second");
  EXPECT_EQ(files(), 1u);  // no temporary file left behind
  // Created with the permissions of a plain file (0666 less the umask), not mkstemp's 0600.
  const auto perms = fs::status(path).permissions();
  EXPECT_NE(perms & fs::perms::owner_read, fs::perms::none);
  EXPECT_NE(perms & fs::perms::group_read, fs::perms::none) << "umask permitting";
}

TEST_F(FileOutput, AFailedWriterLeavesThePreviousFileIntact) {
  const std::string path = (dir_ / "report.html").string();
  ASSERT_TRUE(write_file_atomically(path, std::string_view("previous")).is_ok());
  // A writer that fails half-way (as on a full disk) after writing part of the new content.
  const Status failed = write_file_atomically(path, [](const std::string& temporary) {
    std::ofstream(temporary) << "half of the new";
    return Status::invalid("disk full (injected)");
  });
  ASSERT_FALSE(failed.is_ok());
  EXPECT_NE(failed.message().find("disk full (injected)"), std::string::npos);
  EXPECT_EQ(read(path), "previous");
  EXPECT_EQ(files(), 1u);
}

TEST_F(FileOutput, LinksAreFollowedAndDevicesWrittenInPlace) {
  const fs::path real = dir_ / "real.csv";
  const fs::path link = dir_ / "link.csv";
  ASSERT_TRUE(write_file_atomically(real.string(), std::string_view("old")).is_ok());
  fs::create_symlink(real, link);
  ASSERT_TRUE(write_file_atomically(link.string(), std::string_view("new")).is_ok());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(real), "new");
  // /dev/null is a device: written in place, never replaced by a regular file.
  ASSERT_TRUE(write_file_atomically(std::string("/dev/null"), std::string_view("x")).is_ok());
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(FileOutput, BadPathsAreErrorsNamingThePath) {
  const std::string missing = (dir_ / "no-such-folder" / "out.csv").string();
  const Status s = write_file_atomically(missing, std::string_view("x"));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find(missing), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("does not exist"), std::string::npos) << s.message();
  const Status folder = write_file_atomically(dir_.string(), std::string_view("x"));
  ASSERT_FALSE(folder.is_ok());
  EXPECT_NE(folder.message().find("is a folder"), std::string::npos) << folder.message();
  EXPECT_FALSE(write_file_atomically("", std::string_view("x")).is_ok());
}

}  // namespace
}  // namespace keel
