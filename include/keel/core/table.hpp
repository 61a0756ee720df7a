#pragma once
// The human table every verb prints on stdout: fixed-width columns, a header rule, text left
// aligned and numbers right aligned.

#include <ostream>
#include <string>
#include <vector>

namespace keel {

enum class Align { kLeft, kRight };

class Table {
 public:
  // Adds a column; returns its index.
  std::size_t add_column(std::string header, Align align = Align::kRight);
  // Adds a row; missing trailing cells are blank, extra cells are an error (asserted).
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }
  void render(std::ostream& out) const;

 private:
  struct Column {
    std::string header;
    Align align;
  };
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Number formatting shared by tables: NaN prints as "-".
std::string format_fixed(double value, int decimals);
std::string format_percent(double fraction, int decimals = 2);  // 0.1234 -> "12.34%"

}  // namespace keel
