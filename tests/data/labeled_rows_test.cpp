// read_labeled_rows: the header and the line of each entry (for messages that name a line), and
// files short enough that std::string keeps them inline.
#include <gtest/gtest.h>

#include "keel/data/labeled_csv.hpp"
#include "test_files.hpp"

namespace keel {
namespace {

TEST(LabeledRows, HeaderAndLines) {
  testing::TempDir dir;
  const auto rows =
      read_labeled_rows(dir.write("w.csv", "# weights\nsymbol,amount\nBTC,2.5\n\nETH,30\n"));
  ASSERT_TRUE(rows.is_ok()) << rows.status().message();
  EXPECT_EQ(rows->label_header, "symbol");
  EXPECT_EQ(rows->value_header, "amount");
  EXPECT_EQ(rows->lines, (std::vector<int>{3, 5}));
  EXPECT_EQ(rows->vector.labels, (std::vector<std::string>{"BTC", "ETH"}));
}

TEST(LabeledRows, FileShorterThanSixteenBytes) {
  testing::TempDir dir;
  const auto v = read_labeled_vector(dir.write("w.csv", "BTC,2.5\nETH,30\n"));  // 15 bytes
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  ASSERT_EQ(v->values.size(), 2);
  EXPECT_EQ(v->values(1), 30.0);
  EXPECT_TRUE(read_labeled_rows(dir.path("w.csv"))->value_header.empty());
}

}  // namespace
}  // namespace keel
