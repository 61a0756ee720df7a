// The bad-input corpus: tests/data/bad_inputs/<case>.csv, one file per failure, and expected.tsv
// with lines "<file>\t<substring>\t<another substring>" that the error message must contain. Each
// file must fail read_prices + apply_missing_policy(error) with StatusCode::kInvalidInput. The CLI
// test runs `keel inspect` on the same files and expects exit code 2.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "keel/data/missing.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace {

struct Case {
  std::string file;
  std::vector<std::string> substrings;
};

const std::string kDir = std::string(KEEL_TEST_DATA_DIR) + "/bad_inputs";

std::vector<Case> load_cases() {
  std::ifstream in(kDir + "/expected.tsv");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    Case c;
    std::getline(fields, c.file, '\t');
    std::string s;
    while (std::getline(fields, s, '\t')) {
      if (!s.empty()) c.substrings.push_back(s);
    }
    cases.push_back(c);
  }
  return cases;
}

Status load_and_check(const std::string& path) {
  auto panel = read_prices(path);
  if (!panel) return panel.status();
  auto clean = apply_missing_policy(*panel, MissingPolicy{});
  if (!clean) return clean.status();
  return Status::ok();
}

TEST(BadInputs, EveryCaseFailsWithTheExpectedMessage) {
  const auto cases = load_cases();
  ASSERT_GE(cases.size(), 15u) << "expected.tsv missing or short: " << kDir;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    ASSERT_GE(c.substrings.size(), 2u) << "each line of expected.tsv needs two substrings";
    const std::string path = kDir + "/" + c.file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const Status status = load_and_check(path);
    ASSERT_FALSE(status.is_ok()) << c.file << " was accepted";
    EXPECT_EQ(status.code(), StatusCode::kInvalidInput);
    for (const std::string& s : c.substrings) {
      EXPECT_NE(status.message().find(s), std::string::npos)
          << "message of " << c.file << " lacks '" << s << "':\n  " << status.message();
    }
  }
}

TEST(BadInputs, EveryFileIsListed) {
  std::set<std::string> listed;
  for (const Case& c : load_cases()) listed.insert(c.file);
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    const std::string name = entry.path().filename().string();
    if (name == "expected.tsv") continue;
    EXPECT_TRUE(listed.count(name)) << name << " is in bad_inputs/ but not in expected.tsv";
  }
}

}  // namespace
}  // namespace keel
