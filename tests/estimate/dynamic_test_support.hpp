#pragma once
// Small CSV helpers for the GARCH / DCC / copula tests: fixtures under tests/reference/ and the
// shared market data. Deliberately independent of keel::read_prices so a reader bug cannot hide a
// numerical one.

#include <Eigen/Core>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace keel::test {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  // Numeric value of `name` in row `r`; NaN for empty or "NA" cells.
  double number(size_t r, const std::string& name) const {
    const int c = column(name);
    if (c < 0 || static_cast<size_t>(c) >= rows[r].size()) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    const std::string& cell = rows[r][static_cast<size_t>(c)];
    if (cell.empty() || cell == "NA") return std::numeric_limits<double>::quiet_NaN();
    return std::stod(cell);
  }
};

inline bool read_csv(const std::string& path, CsvTable* table) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    if (first) {
      table->header = std::move(cells);
      first = false;
    } else {
      table->rows.push_back(std::move(cells));
    }
  }
  return !first;
}

// Columns `names` of a table as a matrix (rows × names.size()).
inline Eigen::MatrixXd columns(const CsvTable& table, const std::vector<std::string>& names) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(table.rows.size()),
                      static_cast<Eigen::Index>(names.size()));
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t j = 0; j < names.size(); ++j) {
      out(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = table.number(r, names[j]);
    }
  }
  return out;
}

// Simple daily returns of `names` from the shared CMC close file between two ISO dates of the
// returns (inclusive). Empty matrix when the file is missing.
inline Eigen::MatrixXd shared_cmc_returns(const std::vector<std::string>& names,
                                          const std::string& first, const std::string& last) {
  CsvTable table;
  const std::string path =
      std::string(KEEL_SHARED_DATA_DIR) + "/crypto_cmc_top120/prices_close_usd.csv";
  if (!read_csv(path, &table)) return {};
  std::vector<Eigen::VectorXd> rows;
  std::vector<double> previous;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& date = table.rows[r][0];
    std::vector<double> prices;
    for (const std::string& name : names) prices.push_back(table.number(r, name));
    if (!previous.empty() && date >= first && date <= last) {
      Eigen::VectorXd ret(static_cast<Eigen::Index>(names.size()));
      for (size_t j = 0; j < names.size(); ++j) {
        ret[static_cast<Eigen::Index>(j)] = prices[j] / previous[j] - 1.0;
      }
      rows.push_back(ret);
    }
    previous = prices;
  }
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()),
                      static_cast<Eigen::Index>(names.size()));
  for (size_t r = 0; r < rows.size(); ++r) out.row(static_cast<Eigen::Index>(r)) = rows[r];
  return out;
}

}  // namespace keel::test
