#pragma once
// Small labelled tables the verbs exchange: a square matrix with asset names in the header and
// the first column (a covariance, as `keel estimate --format csv` writes and PyPortfolioOpt's
// cov_matrix.csv is), and a vector of one value per asset (`asset,value` rows, header optional),
// used for expected returns, weights, budgets and market caps.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"

namespace keel {

struct LabeledMatrix {
  std::vector<std::string> labels;  // row labels = column labels, in file order
  Eigen::MatrixXd values;
};

struct LabeledVector {
  std::vector<std::string> labels;
  Eigen::VectorXd values;
};

// Errors name the file, line and label: non-numeric or missing cells, a header that does not
// match the row labels, duplicate labels, a non-square or empty table. `require_symmetric` also
// checks |a_ij − a_ji| ≤ 1e-10·max|a|.
Result<LabeledMatrix> read_labeled_matrix(const std::string& path, bool require_symmetric);

// Rows `label,value`; a first row whose value is not a number is taken as a header.
Result<LabeledVector> read_labeled_vector(const std::string& path);

// The same rows with where they came from, for checks that name a line or read the header.
struct LabeledRows {
  LabeledVector vector;
  std::string label_header;  // the header's first cell, "" when the file has no header
  std::string value_header;  // the header's second cell, "" when the file has no header
  std::vector<int> lines;    // 1-based file line of each entry of `vector`
};
Result<LabeledRows> read_labeled_rows(const std::string& path);

Status write_labeled_matrix(const LabeledMatrix& matrix, const std::string& path);
Status write_labeled_vector(const LabeledVector& vector, const std::string& value_header,
                            const std::string& path);

// Reorders `vector` to `labels`: every label must be present (the error names the first absent
// one); extra entries are an error unless allow_extra.
Result<Eigen::VectorXd> align_to(const LabeledVector& vector, const std::vector<std::string>& labels,
                                 bool allow_extra, const std::string& what);

}  // namespace keel
