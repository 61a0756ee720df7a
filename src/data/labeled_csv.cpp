#include "keel/data/labeled_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <unordered_map>

#include "data/csv.hpp"
#include "data/text_readers.hpp"

namespace keel {

namespace {

// Non-empty, non-comment lines with their numbers. The text lives on the heap so that the views
// survive moving a Lines (a short std::string keeps its characters inline, and they move).
struct Lines {
  std::unique_ptr<std::string> text;
  std::vector<std::pair<int, std::string_view>> rows;
};

Result<Lines> split_lines(std::string text, const std::string& path) {
  Lines lines;
  lines.text = std::make_unique<std::string>(std::move(text));
  csv::LineReader reader(*lines.text);
  std::string_view line;
  while (reader.next(line)) {
    if (csv::trim(line).empty() || csv::trim(line).front() == '#') continue;
    lines.rows.emplace_back(reader.line_number(), line);
  }
  if (lines.rows.empty()) {
    return Status::invalid(path + ": the file is empty; expected a labelled table");
  }
  return lines;
}

std::string fmt17(double v) { return fmt::format("{:.17g}", v); }

}  // namespace

Result<LabeledMatrix> read_labeled_matrix(const std::string& path, bool require_symmetric) {
  auto text = csv::read_file(path);
  if (!text) return text.status();
  return detail::parse_labeled_matrix(std::move(*text), path, require_symmetric);
}

Result<LabeledVector> read_labeled_vector(const std::string& path) {
  auto rows = read_labeled_rows(path);
  if (!rows) return rows.status();
  return std::move(rows->vector);
}

Result<LabeledRows> read_labeled_rows(const std::string& path) {
  auto text = csv::read_file(path);
  if (!text) return text.status();
  return detail::parse_labeled_rows(std::move(*text), path);
}

namespace detail {

Result<LabeledMatrix> parse_labeled_matrix(std::string text, const std::string& path,
                                           bool require_symmetric) {
  auto lines = split_lines(std::move(text), path);
  if (!lines) return lines.status();
  std::vector<std::string_view> fields;
  std::deque<std::string> scratch;
  csv::split(lines->rows[0].second, fields, scratch);
  LabeledMatrix m;
  for (std::size_t i = 1; i < fields.size(); ++i) m.labels.emplace_back(csv::trim(fields[i]));
  const std::size_t n = m.labels.size();
  if (n == 0) {
    return Status::invalid(path + ":" + std::to_string(lines->rows[0].first) +
                           ": the header names no assets; expected ',A,B,...' then one row per asset");
  }
  {
    std::unordered_map<std::string, int> seen;
    for (const auto& label : m.labels) {
      if (seen[label]++ > 0) {
        return Status::invalid(path + ": asset '" + label + "' appears twice in the header");
      }
    }
  }
  if (lines->rows.size() - 1 != n) {
    return Status::invalid(fmt::format(
        "{}: the header names {} assets but the file has {} data rows; a covariance file must "
        "be square",
        path, n, lines->rows.size() - 1));
  }
  m.values.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t r = 0; r < n; ++r) {
    const auto& [line_no, line] = lines->rows[r + 1];
    csv::split(line, fields, scratch);
    const std::string where = fmt::format("{}:{}", path, line_no);
    if (fields.size() != n + 1) {
      return Status::invalid(fmt::format("{}: expected {} fields (a label and {} numbers), found {}",
                                         where, n + 1, n, fields.size()));
    }
    const std::string label(csv::trim(fields[0]));
    if (label != m.labels[r]) {
      return Status::invalid(fmt::format(
          "{}: row label '{}' does not match header column {} ('{}'); rows and columns must "
          "list the assets in the same order",
          where, label, r + 1, m.labels[r]));
    }
    for (std::size_t c = 0; c < n; ++c) {
      double v = 0.0;
      if (!csv::parse_double(csv::trim(fields[c + 1]), v) || !std::isfinite(v)) {
        return Status::invalid(fmt::format("{}: cell ({}, {}) '{}' is not a finite number", where,
                                           label, m.labels[c], csv::trim(fields[c + 1])));
      }
      m.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = v;
    }
  }
  if (require_symmetric) {
    const double scale = std::max(1.0, m.values.cwiseAbs().maxCoeff());
    for (Eigen::Index i = 0; i < m.values.rows(); ++i) {
      for (Eigen::Index j = 0; j < i; ++j) {
        if (std::abs(m.values(i, j) - m.values(j, i)) > 1e-10 * scale) {
          return Status::invalid(fmt::format(
              "{}: the matrix is not symmetric at ({}, {}): {} vs {}; a covariance must be "
              "symmetric",
              path, m.labels[static_cast<std::size_t>(i)], m.labels[static_cast<std::size_t>(j)],
              m.values(i, j), m.values(j, i)));
        }
      }
    }
  }
  return m;
}

Result<LabeledRows> parse_labeled_rows(std::string text, const std::string& path) {
  auto lines = split_lines(std::move(text), path);
  if (!lines) return lines.status();
  std::vector<std::string_view> fields;
  std::deque<std::string> scratch;
  LabeledRows out;
  LabeledVector& v = out.vector;
  std::vector<double> values;
  std::unordered_map<std::string, int> seen;
  for (std::size_t r = 0; r < lines->rows.size(); ++r) {
    const auto& [line_no, line] = lines->rows[r];
    csv::split(line, fields, scratch);
    const std::string where = fmt::format("{}:{}", path, line_no);
    if (fields.size() != 2) {
      return Status::invalid(
          fmt::format("{}: expected 2 fields 'asset,value', found {}", where, fields.size()));
    }
    double value = 0.0;
    const bool numeric = csv::parse_double(csv::trim(fields[1]), value);
    if (!numeric && r == 0) {  // header
      out.label_header = std::string(csv::trim(fields[0]));
      out.value_header = std::string(csv::trim(fields[1]));
      continue;
    }
    const std::string label(csv::trim(fields[0]));
    if (!numeric || !std::isfinite(value)) {
      return Status::invalid(fmt::format("{}: value '{}' for '{}' is not a finite number", where,
                                         csv::trim(fields[1]), label));
    }
    if (seen[label]++ > 0) {
      return Status::invalid(fmt::format("{}: '{}' appears twice", where, label));
    }
    v.labels.push_back(label);
    values.push_back(value);
    out.lines.push_back(line_no);
  }
  if (values.empty()) return Status::invalid(path + ": no 'asset,value' rows found");
  v.values = Eigen::Map<Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  return out;
}

}  // namespace detail

Status write_labeled_matrix(const LabeledMatrix& matrix, const std::string& path) {
  std::string out;
  for (const auto& label : matrix.labels) {
    out.push_back(',');
    out.append(csv::quote_if_needed(label));
  }
  out.push_back('\n');
  for (Eigen::Index r = 0; r < matrix.values.rows(); ++r) {
    out.append(csv::quote_if_needed(matrix.labels[static_cast<std::size_t>(r)]));
    for (Eigen::Index c = 0; c < matrix.values.cols(); ++c) {
      out.push_back(',');
      out.append(fmt17(matrix.values(r, c)));
    }
    out.push_back('\n');
  }
  return csv::write_file(path, out);
}

Status write_labeled_vector(const LabeledVector& vector, const std::string& value_header,
                            const std::string& path) {
  std::string out = "asset,";
  out.append(value_header);
  out.push_back('\n');
  for (Eigen::Index i = 0; i < vector.values.size(); ++i) {
    out.append(csv::quote_if_needed(vector.labels[static_cast<std::size_t>(i)]));
    out.push_back(',');
    out.append(fmt17(vector.values(i)));
    out.push_back('\n');
  }
  return csv::write_file(path, out);
}

Result<Eigen::VectorXd> align_to(const LabeledVector& vector, const std::vector<std::string>& labels,
                                 bool allow_extra, const std::string& what) {
  std::unordered_map<std::string, Eigen::Index> index;
  for (Eigen::Index i = 0; i < vector.values.size(); ++i) {
    index[vector.labels[static_cast<std::size_t>(i)]] = i;
  }
  Eigen::VectorXd out(static_cast<Eigen::Index>(labels.size()));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto it = index.find(labels[i]);
    if (it == index.end()) {
      return Status::invalid(what + " has no entry for asset '" + labels[i] +
                             "'; give one value per asset");
    }
    out(static_cast<Eigen::Index>(i)) = vector.values(it->second);
    index.erase(it);
  }
  if (!allow_extra && !index.empty()) {
    return Status::invalid(what + " has an entry for '" + index.begin()->first +
                           "', which is not among the assets in use; remove it or add the asset");
  }
  return out;
}

}  // namespace keel
