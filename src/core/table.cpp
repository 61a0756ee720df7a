#include "keel/core/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>

namespace keel {

std::size_t Table::add_column(std::string header, Align align) {
  columns_.push_back({std::move(header), align});
  return columns_.size() - 1;
}

void Table::add_row(std::vector<std::string> cells) {
  assert(cells.size() <= columns_.size());
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

void Table::render(std::ostream& out) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].header.size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line += "  ";
      const std::size_t pad = width[c] - cells[c].size();
      if (columns_[c].align == Align::kRight) line.append(pad, ' ');
      line += cells[c];
      if (columns_[c].align == Align::kLeft && c + 1 < columns_.size()) line.append(pad, ' ');
    }
    out << line << '\n';
  };
  std::vector<std::string> headers;
  headers.reserve(columns_.size());
  for (const auto& col : columns_) headers.push_back(col.header);
  emit(headers);
  std::vector<std::string> rule;
  rule.reserve(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) rule.emplace_back(width[c], '-');
  emit(rule);
  for (const auto& row : rows_) emit(row);
}

namespace {

// "-0.00" (a small negative value, or −0.0, rounded away) reads as a loss that is not there: drop
// the sign when no digit but zero is left.
void drop_negative_zero(std::string& text) {
  if (text.empty() || text.front() != '-') return;
  const bool zero = std::all_of(text.begin() + 1, text.end(), [](char c) {
    return c == '0' || !std::isdigit(static_cast<unsigned char>(c));
  });
  if (zero) text.erase(0, 1);
}

}  // namespace

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return std::isnan(value) ? "-" : (value > 0 ? "inf" : "-inf");
  std::string text = fmt::format("{:.{}f}", value, decimals);
  drop_negative_zero(text);
  return text;
}

std::string format_percent(double fraction, int decimals) {
  if (!std::isfinite(fraction)) return format_fixed(fraction, decimals);
  return format_fixed(100.0 * fraction, decimals) + "%";
}

std::string format_money(double value, std::string_view currency, int decimals) {
  std::string text = format_fixed(value, decimals);
  if (std::isfinite(value)) {
    // Group the integer digits by three, from the decimal point (or the end) leftwards.
    const std::size_t digits_begin = text.front() == '-' ? 1 : 0;
    std::size_t end = text.find('.');
    if (end == std::string::npos) end = text.size();
    for (std::size_t k = end; k > digits_begin + 3; k -= 3) text.insert(k - 3, 1, ',');
  }
  if (!currency.empty() && text != "-") {
    text += ' ';
    text += currency;
  }
  return text;
}

}  // namespace keel
