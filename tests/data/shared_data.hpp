#pragma once
// Reading ../shared/data from the reference tests: a path helper and a skip when the file is
// absent (a user's fresh clone has no ../shared beside it).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace keel::testing {

inline std::string shared(const std::string& relative) {
  return std::string(KEEL_SHARED_DATA_DIR) + "/" + relative;
}

}  // namespace keel::testing

#define SKIP_IF_ABSENT(relative)                                                            \
  do {                                                                                      \
    if (!std::filesystem::exists(::keel::testing::shared(relative))) {                      \
      GTEST_SKIP() << "shared data file " << ::keel::testing::shared(relative)              \
                   << " is absent (expected next to the repository as ../shared/data)";     \
    }                                                                                       \
  } while (false)
