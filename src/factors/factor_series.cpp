#include "keel/factors/factor_series.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "keel/core/name_table.hpp"
#include "keel/core/time.hpp"
#include "keel/data/read_prices.hpp"

namespace keel {
namespace {

constexpr NameTable<FactorFileKind, 2> kKinds{{
    {FactorFileKind::kReturns, "returns"},
    {FactorFileKind::kPrices, "prices"},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    out.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool is_missing(std::string_view cell) {
  return cell.empty() || cell == "NaN" || cell == "nan" || cell == "NA" || cell == "N/A" ||
         cell == "null" || cell == "NULL";
}

Result<ReturnSeries> read_returns_file(const std::string& path) {
  if (path.size() > 3 && path.substr(path.size() - 3) == ".gz") {
    return Status::invalid(path +
                           ": a gzip file of factor returns; unzip it, or give factor prices "
                           "with --factors-kind prices (which reads .gz)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid(path + ": cannot open the factor file");
  std::string line;
  int line_no = 0;
  std::vector<std::string_view> header;
  std::string header_text;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (trim(line).empty() || line[0] == '#') continue;
    header_text = line;
    break;
  }
  if (header_text.empty()) return Status::invalid(path + ": empty factor file");
  header = split(header_text);
  if (header.size() < 2) {
    return Status::invalid(path + ": the header needs a date column and at least one factor");
  }
  ReturnSeries out;
  std::set<std::string> seen;
  for (std::size_t j = 1; j < header.size(); ++j) {
    std::string name(header[j]);
    if (name.empty()) {
      return Status::invalid(fmt::format("{}:{}: factor column {} has no name", path, line_no, j));
    }
    if (!seen.insert(name).second) {
      return Status::invalid(
          fmt::format("{}:{}: factor '{}' appears twice in the header", path, line_no, name));
    }
    out.assets.push_back(std::move(name));
  }
  std::vector<std::pair<Timestamp, std::vector<double>>> rows;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const auto cells = split(line);
    if (cells.size() != header.size()) {
      return Status::invalid(fmt::format("{}:{}: {} fields where the header has {}", path, line_no,
                                         cells.size(), header.size()));
    }
    const auto ts = parse_timestamp(cells[0]);
    if (!ts) {
      return Status::invalid(
          fmt::format("{}:{}: '{}' is not a date or timestamp", path, line_no, cells[0]));
    }
    std::vector<double> values(cells.size() - 1);
    for (std::size_t j = 1; j < cells.size(); ++j) {
      if (is_missing(cells[j])) {
        values[j - 1] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      const std::string cell(cells[j]);
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || *end != '\0' || !std::isfinite(v)) {
        return Status::invalid(fmt::format("{}:{}: factor {}: '{}' is not a number", path, line_no,
                                           out.assets[j - 1], cell));
      }
      if (v <= -1.0) {
        return Status::invalid(
            fmt::format("{}:{}: factor {}: return {} is −100% or below; is this a price file? use "
                        "--factors-kind prices",
                        path, line_no, out.assets[j - 1], cell));
      }
      values[j - 1] = v;
    }
    rows.emplace_back(*ts, std::move(values));
  }
  if (rows.empty()) return Status::invalid(path + ": the factor file has a header but no rows");
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].first == rows[i - 1].first) {
      return Status::invalid(
          fmt::format("{}: the date {} appears twice", path, format_timestamp(rows[i].first)));
    }
  }
  out.values.resize(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(out.assets.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.timestamps.push_back(rows[i].first);
    for (std::size_t j = 0; j < out.assets.size(); ++j) {
      out.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i].second[j];
    }
  }
  return out;
}

std::string range_of(const std::vector<Timestamp>& t) {
  if (t.empty()) return "no dates";
  return format_timestamp(t.front()) + " … " + format_timestamp(t.back());
}

}  // namespace

std::string_view to_string(FactorFileKind kind) { return name_of(kKinds, kind); }

Result<FactorFileKind> parse_factor_file_kind(std::string_view name) {
  return parse_name(kKinds, name, "factor file kind");
}

Result<ReturnSeries> read_factor_returns(const std::string& path, FactorFileKind kind) {
  if (kind == FactorFileKind::kReturns) return read_returns_file(path);
  ReadOptions options;
  options.keep_raw_symbols = true;  // factor names are not exchange pairs
  auto panel = read_prices(path, options);
  if (!panel) return panel.status();
  return compute_returns(*panel, ReturnKind::kSimple);
}

Result<FactorAlignment> align_factors(const ReturnSeries& assets, const ReturnSeries& factors,
                                      const std::string& source, int min_overlap) {
  const Eigen::Index k = factors.values.cols();
  if (min_overlap <= 0) min_overlap = std::max(30, static_cast<int>(k) + 2);
  std::map<Timestamp, Eigen::Index> row_of;
  for (std::size_t i = 0; i < factors.timestamps.size(); ++i) {
    row_of.emplace(factors.timestamps[i], static_cast<Eigen::Index>(i));
  }
  std::vector<Eigen::Index> asset_rows, factor_rows;
  int matched_dates = 0;
  for (std::size_t t = 0; t < assets.timestamps.size(); ++t) {
    const auto it = row_of.find(assets.timestamps[t]);
    if (it == row_of.end()) continue;
    ++matched_dates;
    if (!factors.values.row(it->second).allFinite()) continue;
    asset_rows.push_back(static_cast<Eigen::Index>(t));
    factor_rows.push_back(it->second);
  }
  const int overlap = static_cast<int>(asset_rows.size());
  if (overlap < min_overlap) {
    return Status::invalid(fmt::format(
        "{}: the factor dates overlap the return dates on {} of {} dates ({} with every factor "
        "present), fewer than the {} needed; factors cover {}, returns cover {}. Give factor "
        "returns for the dates of the prices (same frequency and timestamps), or narrow the "
        "prices with --start/--end",
        source, matched_dates, assets.timestamps.size(), overlap, min_overlap,
        range_of(factors.timestamps), range_of(assets.timestamps)));
  }
  FactorAlignment out;
  out.assets.assets = assets.assets;
  out.assets.kind = assets.kind;
  out.factors.assets = factors.assets;
  out.factors.kind = factors.kind;
  out.assets.values.resize(overlap, assets.values.cols());
  out.factors.values.resize(overlap, k);
  for (int i = 0; i < overlap; ++i) {
    const auto a = asset_rows[static_cast<std::size_t>(i)];
    out.assets.values.row(i) = assets.values.row(a);
    out.factors.values.row(i) = factors.values.row(factor_rows[static_cast<std::size_t>(i)]);
    out.assets.timestamps.push_back(assets.timestamps[static_cast<std::size_t>(a)]);
  }
  out.factors.timestamps = out.assets.timestamps;
  out.dropped_asset_rows = static_cast<int>(assets.timestamps.size()) - overlap;
  return out;
}

Result<ReturnSeries> join_factors(const std::vector<ReturnSeries>& parts) {
  ReturnSeries out;
  std::set<std::string> names;
  std::vector<const ReturnSeries*> used;
  for (const auto& p : parts) {
    if (p.assets.empty()) continue;
    for (const auto& n : p.assets) {
      if (!names.insert(n).second) {
        return Status::invalid(fmt::format(
            "factors: the factor name '{}' is used twice; rename one of the columns", n));
      }
    }
    used.push_back(&p);
  }
  if (used.empty()) return out;
  std::vector<Timestamp> common = used[0]->timestamps;
  for (std::size_t i = 1; i < used.size(); ++i) {
    std::vector<Timestamp> next;
    std::set_intersection(common.begin(), common.end(), used[i]->timestamps.begin(),
                          used[i]->timestamps.end(), std::back_inserter(next));
    common = std::move(next);
  }
  Eigen::Index k = 0;
  for (const auto* p : used) k += p->values.cols();
  out.timestamps = common;
  out.values.resize(static_cast<Eigen::Index>(common.size()), k);
  Eigen::Index col = 0;
  for (const auto* p : used) {
    out.assets.insert(out.assets.end(), p->assets.begin(), p->assets.end());
    std::size_t j = 0;
    for (std::size_t t = 0; t < common.size(); ++t) {
      while (p->timestamps[j] != common[t]) ++j;
      out.values.block(static_cast<Eigen::Index>(t), col, 1, p->values.cols()) =
          p->values.row(static_cast<Eigen::Index>(j));
    }
    col += p->values.cols();
  }
  return out;
}

}  // namespace keel
