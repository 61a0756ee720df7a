#pragma once
// Test helpers for the risk budgeting / hierarchical / Black–Litterman tests: reading the fixtures
// written by tests/reference/make_rp_fixtures.py and the shared price files, and pandas-style
// pairwise-complete moments (what PyPortfolioOpt feeds its models).

#include <Eigen/Core>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace keel::test {

inline std::string rp_fixture(const std::string& name) {
  return std::string(KEEL_SOURCE_DIR) + "/tests/reference/rp/" + name;
}

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::stringstream ss(line);
  while (std::getline(ss, cell, ',')) {
    if (!cell.empty() && cell.back() == '\r') cell.pop_back();
    cells.push_back(cell);
  }
  if (!line.empty() && (line.back() == ',')) cells.emplace_back();
  return cells;
}

// A headerless numeric CSV (numpy.savetxt); empty matrix when the file is missing.
inline Eigen::MatrixXd read_matrix_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    std::vector<double> row;
    for (const auto& cell : split_csv_line(line)) row.push_back(std::stod(cell));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return {};
  Eigen::MatrixXd m(rows.size(), rows[0].size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j) m(i, j) = rows[i][j];
  }
  return m;
}

inline Eigen::VectorXd read_vector_csv(const std::string& path) {
  const Eigen::MatrixXd m = read_matrix_csv(path);
  return Eigen::Map<const Eigen::VectorXd>(m.data(), m.size());
}

struct WidePrices {
  std::vector<std::string> assets;
  Eigen::MatrixXd prices;  // rows = dates, NaN = empty cell
};

// A wide price CSV (first column a date); empty `assets` when the file is missing.
inline WidePrices read_wide_prices(const std::string& path) {
  WidePrices out;
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return out;
  auto header = split_csv_line(line);
  out.assets.assign(header.begin() + 1, header.end());
  std::vector<std::vector<double>> rows;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    auto cells = split_csv_line(line);
    std::vector<double> row(out.assets.size(), nan);
    for (std::size_t j = 1; j < cells.size() && j <= out.assets.size(); ++j) {
      if (!cells[j].empty()) row[j - 1] = std::stod(cells[j]);
    }
    rows.push_back(std::move(row));
  }
  out.prices.resize(rows.size(), out.assets.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j) out.prices(i, j) = rows[i][j];
  }
  return out;
}

// pandas' prices.pct_change().dropna(how="all") for files without internal gaps.
inline Eigen::MatrixXd pct_change(const Eigen::MatrixXd& prices) {
  Eigen::MatrixXd r = prices.bottomRows(prices.rows() - 1)
                          .cwiseQuotient(prices.topRows(prices.rows() - 1))
                          .array() -
                      1.0;
  return r;
}

// pandas DataFrame.cov() / .corr(): pairwise-complete, unbiased.
inline void pairwise_moments(const Eigen::MatrixXd& r, Eigen::MatrixXd& cov,
                             Eigen::MatrixXd& corr) {
  const Eigen::Index n = r.cols();
  cov.resize(n, n);
  corr.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      double sx = 0, sy = 0;
      long m = 0;
      for (Eigen::Index t = 0; t < r.rows(); ++t) {
        if (std::isnan(r(t, i)) || std::isnan(r(t, j))) continue;
        sx += r(t, i);
        sy += r(t, j);
        ++m;
      }
      const double mx = sx / m, my = sy / m;
      double sxy = 0, sxx = 0, syy = 0;
      for (Eigen::Index t = 0; t < r.rows(); ++t) {
        if (std::isnan(r(t, i)) || std::isnan(r(t, j))) continue;
        sxy += (r(t, i) - mx) * (r(t, j) - my);
        sxx += (r(t, i) - mx) * (r(t, i) - mx);
        syy += (r(t, j) - my) * (r(t, j) - my);
      }
      cov(i, j) = cov(j, i) = sxy / static_cast<double>(m - 1);
      corr(i, j) = corr(j, i) = i == j ? 1.0 : sxy / std::sqrt(sxx * syy);
    }
  }
}

}  // namespace keel::test
