#pragma once
// The human table every verb prints on stdout: fixed-width columns, a header rule, text left
// aligned and numbers right aligned.

#include <ostream>
#include <string>
#include <string_view>
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

// Number formatting shared by the stdout tables and the HTML reports. NaN prints as "-", ±inf as
// "inf" / "-inf". A value that rounds to zero at the requested decimals prints without a sign
// ("0.00%", never "-0.00%"), whatever the sign of the value or of zero.
std::string format_fixed(double value, int decimals);
std::string format_percent(double fraction, int decimals = 2);  // 0.1234 -> "12.34%"
// An amount of money with thousands separators and the currency code after it:
// format_money(-3726441.4, "USD") -> "-3,726,441 USD"; format_money(1234.5, "", 2) -> "1,234.50".
// An empty `currency` leaves the code out.
std::string format_money(double value, std::string_view currency, int decimals = 0);

}  // namespace keel
