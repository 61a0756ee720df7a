// The in-memory parsers behind the file readers (src/data/text_readers.hpp, fuzzed directly by
// fuzz/): each reader is csv::read_file followed by its parser, so a reader's answer on a file must
// equal the parser's on the file's text (after inflating and dropping a byte-order mark), and a
// parser's errors name the source it was given.
#include "data/text_readers.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_files.hpp"

namespace keel {
namespace {

using testing::TempDir;

// Equal shapes, and each entry equal or NaN in both.
bool same_values(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    const double x = a.data()[i], y = b.data()[i];
    if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
  }
  return true;
}

constexpr const char* kWide =
    "date,BTC,ETH\n2024-01-01,100,10\n2024-01-02,101,\n2024-01-03,99,11\n";

TEST(TextReaders, PricesFromTextEqualTheFileReader) {
  TempDir dir;
  ReadOptions sorted;
  sorted.sort = true;
  const std::string unsorted = "date,BTC\n2024-01-02,2\n2024-01-01,1\n2024-01-03,3\n";
  for (const auto& [text, options] :
       {std::pair{std::string(kWide), ReadOptions{}}, std::pair{unsorted, sorted}}) {
    for (const std::string& path :
         {dir.write("p.csv", "\xEF\xBB\xBF" + text), dir.write_gz("p.csv.gz", text)}) {
      auto from_file = read_prices(path, options);
      auto from_text = detail::parse_prices(text, path, options);
      ASSERT_TRUE(from_file.is_ok()) << from_file.status().message();
      ASSERT_TRUE(from_text.is_ok()) << from_text.status().message();
      EXPECT_EQ(from_file->assets, from_text->assets);
      EXPECT_EQ(from_file->timestamps, from_text->timestamps);
      EXPECT_TRUE(same_values(from_file->prices, from_text->prices)) << path;
    }
  }
  // Without sorting, the shuffled file is an error from both, naming the given source and line.
  auto bad = detail::parse_prices(unsorted, "source-name", {});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("source-name:"), std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(read_prices(dir.write("u.csv", unsorted)).is_ok());
}

TEST(TextReaders, MetadataAndLabelledTablesFromTextEqualTheFileReaders) {
  TempDir dir;
  const std::string meta = "symbol,sector,lot_size\nBTC,L1,0.001\nETH,L1,0.01\n";
  auto m_file = read_metadata(dir.write("m.csv", meta));
  auto m_text = detail::parse_metadata(meta, "m.csv");
  ASSERT_TRUE(m_file.is_ok() && m_text.is_ok());
  ASSERT_EQ(m_file->assets.size(), 2u);
  ASSERT_EQ(m_text->assets.size(), 2u);
  EXPECT_EQ(m_file->assets[1].symbol, m_text->assets[1].symbol);
  EXPECT_EQ(m_file->assets[1].lot_size, m_text->assets[1].lot_size);

  const std::string cov = ",A,B\nA,0.04,0.01\nB,0.01,0.09\n";
  auto c_file = read_labeled_matrix(dir.write("c.csv", cov), true);
  auto c_text = detail::parse_labeled_matrix(cov, "c.csv", true);
  ASSERT_TRUE(c_file.is_ok() && c_text.is_ok());
  EXPECT_EQ(c_file->labels, c_text->labels);
  EXPECT_EQ(c_file->values, c_text->values);

  const std::string rows = "asset,weight\n# note\nA,0.6\nB,0.4\n";
  auto r_file = read_labeled_rows(dir.write("r.csv", rows));
  auto r_text = detail::parse_labeled_rows(rows, "r.csv");
  ASSERT_TRUE(r_file.is_ok() && r_text.is_ok());
  EXPECT_EQ(r_file->vector.labels, r_text->vector.labels);
  EXPECT_EQ(r_file->vector.values, r_text->vector.values);
  EXPECT_EQ(r_file->lines, r_text->lines);
  EXPECT_EQ(r_text->lines, (std::vector<int>{3, 4}));

  auto bad = detail::parse_labeled_rows("asset,weight\nA,x\n", "weights-source");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("weights-source:2"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace keel
