#pragma once
// Factor return series: a user-supplied file of factor returns (or of factor prices, such as the
// ETF factor file of skfolio: MTUM, QUAL, SIZE, USMV, VLUE) and their alignment on the dates of
// the asset returns (issue #22 item 1).
//
// A factor series is a ReturnSeries whose `assets` are the factor names: one row per period,
// the return of the period ending at that timestamp, simple returns.
//
// File layouts (FactorFileKind):
//  returns  wide CSV: first column a date or timestamp (any format parse_timestamp reads), then
//           one column per factor holding per-period simple returns (0.01 = 1%). Plain text;
//           empty, NaN or NA cells are missing. Rows ascending or descending (sorted on read).
//  prices   the same layout holding prices or index levels (any price file read_prices reads,
//           .gz included); the factor returns are p_t/p_{t−1} − 1.
//
// Alignment: the factor rows are matched to the asset-return timestamps exactly. Too little
// overlap is an error that says how many dates overlap and the two date ranges.

#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/returns.hpp"

namespace keel {

enum class FactorFileKind { kReturns, kPrices };
std::string_view to_string(FactorFileKind kind);
Result<FactorFileKind> parse_factor_file_kind(std::string_view name);  // returns, prices

Result<ReturnSeries> read_factor_returns(const std::string& path, FactorFileKind kind);

struct FactorAlignment {
  ReturnSeries assets;         // the asset returns on the common dates
  ReturnSeries factors;        // the factor returns on the same dates, same row order
  int dropped_asset_rows = 0;  // asset-return dates without a complete factor row
};

// Keeps the dates where the asset returns have a factor row with every factor finite. Fewer
// than `min_overlap` common dates (default: 2 more than the factors, at least 30) is an error
// naming `source` (the factor file), the overlap count and both date ranges.
Result<FactorAlignment> align_factors(const ReturnSeries& assets, const ReturnSeries& factors,
                                      const std::string& source, int min_overlap = 0);

// Concatenates factor series column-wise on their common dates (names must be distinct; the
// error names a duplicate).
Result<ReturnSeries> join_factors(const std::vector<ReturnSeries>& parts);

}  // namespace keel
