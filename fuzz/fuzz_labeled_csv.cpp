// Fuzz target: the labelled CSV readers (keel/data/labeled_csv.hpp) on their in-memory parsers
// (src/data/text_readers.hpp; each reader is csv::read_file followed by one): a covariance-style
// matrix (with and without the symmetry check), a vector and its rows. Byte 0 picks the reader
// (read_labeled_vector is the vector of read_labeled_rows: modes 2 and 3 both parse rows).
// Contract: an error names the source; a result has matching label and value counts, unique labels
// and finite values (a symmetric matrix when asked).
#include <cmath>
#include <set>

#include "fuzz_support.hpp"
#include "keel/data/labeled_csv.hpp"
#include "text_readers.hpp"

namespace {

void check_labels(const std::vector<std::string>& labels, Eigen::Index n) {
  keel::fuzz::check(static_cast<Eigen::Index>(labels.size()) == n, "label count != value count");
  std::set<std::string> seen;
  for (const auto& l : labels) keel::fuzz::check(seen.insert(l).second, "duplicate label", l);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using keel::fuzz::check;
  if (size < 1) return 0;
  const int mode = data[0] % 4;
  static const std::string path = "fuzz-input-table.csv";
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode <= 1) {
    auto m = keel::detail::parse_labeled_matrix(std::move(text), path, mode == 1);
    if (!m) return keel::fuzz::check_located(m.status().message(), path), 0;
    check(m->values.rows() == m->values.cols() && m->values.rows() > 0, "not a square matrix");
    check_labels(m->labels, m->values.rows());
    check(m->values.allFinite(), "non-finite matrix entry");
    if (mode == 1) {
      const double tol = 1e-10 * m->values.cwiseAbs().maxCoeff();
      check((m->values - m->values.transpose()).cwiseAbs().maxCoeff() <= tol, "not symmetric");
    }
  } else {
    auto r = keel::detail::parse_labeled_rows(std::move(text), path);
    if (!r) return keel::fuzz::check_located(r.status().message(), path), 0;
    check_labels(r->vector.labels, r->vector.values.size());
    check(r->vector.values.allFinite(), "non-finite vector entry");
    check(r->lines.size() == r->vector.labels.size(), "one line number per entry");
    for (std::size_t i = 1; i < r->lines.size(); ++i) {
      check(r->lines[i - 1] < r->lines[i], "line numbers not increasing");
    }
  }
  return 0;
}
