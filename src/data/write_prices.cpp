#include "keel/data/write_prices.hpp"

#include <charconv>
#include <cmath>

#include "data/csv.hpp"

namespace keel {

namespace {

// Shortest text that reads back to the same double (std::to_chars round-trip guarantee).
void append_number(std::string& out, double value) {
  if (std::isnan(value)) return;
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, ptr);
}

// Dates only when every timestamp is at midnight, so that a column has one format.
bool all_midnight(const std::vector<Timestamp>& ts) {
  for (Timestamp t : ts) {
    if (t % kSecondsPerDay != 0) return false;
  }
  return true;
}

std::string format_time(Timestamp t, bool date_only) {
  return date_only ? format_date(t) : format_timestamp(t, false);
}

Status check_shape(const PricePanel& panel, const std::string& path) {
  if (panel.prices.rows() != static_cast<Eigen::Index>(panel.timestamps.size()) ||
      panel.prices.cols() != static_cast<Eigen::Index>(panel.assets.size())) {
    return Status::invalid(path + ": the panel's prices do not match its timestamps and assets");
  }
  return Status::ok();
}

}  // namespace

Status write_wide_csv(const PricePanel& panel, const std::string& path) {
  KEEL_RETURN_IF_ERROR(check_shape(panel, path));
  const bool date_only = all_midnight(panel.timestamps);
  std::string out = "date";
  for (const std::string& a : panel.assets) {
    out += ',';
    out += csv::quote_if_needed(a);
  }
  out += '\n';
  out.reserve(out.size() + static_cast<std::size_t>(panel.prices.size()) * 12);
  for (Eigen::Index r = 0; r < panel.rows(); ++r) {
    out += format_time(panel.timestamps[static_cast<std::size_t>(r)], date_only);
    for (Eigen::Index c = 0; c < panel.cols(); ++c) {
      out += ',';
      append_number(out, panel.prices(r, c));
    }
    out += '\n';
  }
  return csv::write_file(path, out);
}

Status write_long_csv(const PricePanel& panel, const std::string& path) {
  KEEL_RETURN_IF_ERROR(check_shape(panel, path));
  const bool date_only = all_midnight(panel.timestamps);
  std::string out = "date,symbol,close";
  if (panel.has_volumes()) out += ",volume";
  if (panel.has_spreads()) out += ",spread";
  out += '\n';
  for (Eigen::Index c = 0; c < panel.cols(); ++c) {
    const std::string symbol = csv::quote_if_needed(panel.assets[static_cast<std::size_t>(c)]);
    for (Eigen::Index r = 0; r < panel.rows(); ++r) {
      if (std::isnan(panel.prices(r, c))) continue;
      out += format_time(panel.timestamps[static_cast<std::size_t>(r)], date_only);
      out += ',';
      out += symbol;
      out += ',';
      append_number(out, panel.prices(r, c));
      if (panel.has_volumes()) {
        out += ',';
        append_number(out, panel.volumes(r, c));
      }
      if (panel.has_spreads()) {
        out += ',';
        append_number(out, panel.spreads(r, c));
      }
      out += '\n';
    }
  }
  return csv::write_file(path, out);
}

}  // namespace keel
