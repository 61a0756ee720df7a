#include "keel/data/missing.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "data/csv.hpp"

namespace keel {

namespace {

struct Span {
  Eigen::Index first = -1;  // first non-NaN row, -1 when the column is all NaN
  Eigen::Index last = -1;
};

Span quoted_span(const Eigen::MatrixXd& prices, Eigen::Index col) {
  Span span;
  for (Eigen::Index r = 0; r < prices.rows(); ++r) {
    if (!std::isnan(prices(r, col))) {
      if (span.first < 0) span.first = r;
      span.last = r;
    }
  }
  return span;
}

Eigen::MatrixXd take(const Eigen::MatrixXd& m, const std::vector<Eigen::Index>& rows,
                     const std::vector<Eigen::Index>& cols) {
  if (m.size() == 0) return m;
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()),
                      static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = m(rows[i], cols[j]);
    }
  }
  return out;
}

PricePanel subset(const PricePanel& panel, const std::vector<Eigen::Index>& rows,
                  const std::vector<Eigen::Index>& cols) {
  PricePanel out;
  out.source = panel.source;
  out.notes = panel.notes;
  out.quote_currencies = panel.quote_currencies;
  out.raw_symbols = panel.raw_symbols;
  for (Eigen::Index c : cols) out.assets.push_back(panel.assets[static_cast<std::size_t>(c)]);
  for (Eigen::Index r : rows)
    out.timestamps.push_back(panel.timestamps[static_cast<std::size_t>(r)]);
  out.prices = take(panel.prices, rows, cols);
  out.volumes = take(panel.volumes, rows, cols);
  out.spreads = take(panel.spreads, rows, cols);
  return out;
}

std::vector<Eigen::Index> all_indices(Eigen::Index n) {
  std::vector<Eigen::Index> out(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = i;
  return out;
}

// The first NaN cell in time order (then column order); nullopt when there is none.
std::optional<std::pair<Eigen::Index, Eigen::Index>> first_missing(const Eigen::MatrixXd& prices) {
  std::optional<std::pair<Eigen::Index, Eigen::Index>> best;
  for (Eigen::Index c = 0; c < prices.cols(); ++c) {
    const Eigen::Index limit = best ? best->first : prices.rows();
    for (Eigen::Index r = 0; r < limit; ++r) {
      if (std::isnan(prices(r, c))) {
        best = {r, c};
        break;
      }
    }
  }
  return best;
}

std::string describe_cell(const PricePanel& panel, Eigen::Index r, Eigen::Index c) {
  const Span span = quoted_span(panel.prices, c);
  const auto date = [&](Eigen::Index row) {
    return format_timestamp(panel.timestamps[static_cast<std::size_t>(row)]);
  };
  std::string where;
  if (span.first < 0) {
    where = "the asset has no price at all";
  } else if (r < span.first) {
    where = fmt::format("before its first quote on {}", date(span.first));
  } else if (r > span.last) {
    where = fmt::format("after its last quote on {}", date(span.last));
  } else {
    Eigen::Index end = r;
    while (end + 1 < panel.rows() && std::isnan(panel.prices(end + 1, c))) ++end;
    where = fmt::format("a gap of {} period(s) inside its quoted span", end - r + 1);
  }
  return fmt::format("asset '{}' on {} ({})", panel.assets[static_cast<std::size_t>(c)], date(r),
                     where);
}

std::string source_prefix(const PricePanel& panel) {
  return panel.source.empty() ? std::string() : panel.source + ": ";
}

std::string missing_summary(const PricePanel& panel) {
  const auto nan = panel.prices.array().isNaN();
  const Eigen::Index cells = nan.count();
  Eigen::Index assets = 0;
  for (Eigen::Index c = 0; c < panel.cols(); ++c) assets += nan.col(c).any() ? 1 : 0;
  return fmt::format("{} missing cells in {} of {} assets", cells, assets, panel.cols());
}

Result<CleanPanel> drop_rows(const PricePanel& panel, std::vector<Repair> repairs,
                             std::string_view policy_name) {
  std::vector<Eigen::Index> rows;
  const auto nan = panel.prices.array().isNaN();
  for (Eigen::Index r = 0; r < panel.rows(); ++r) {
    if (!nan.row(r).any()) rows.push_back(r);
  }
  const auto dropped = static_cast<std::size_t>(panel.rows()) - rows.size();
  if (rows.empty()) {
    return Status::invalid(fmt::format(
        "{}{}: every one of the {} rows has a missing price ({}), so no row is left; use "
        "drop-assets:F to drop sparse assets first, or narrow the panel with --start/--assets",
        source_prefix(panel), policy_name, panel.rows(), missing_summary(panel)));
  }
  if (dropped > 0) {
    Eigen::Index first = -1;
    Eigen::Index last = -1;
    for (Eigen::Index r = 0; r < panel.rows(); ++r) {
      if (nan.row(r).any()) {
        if (first < 0) first = r;
        last = r;
      }
    }
    repairs.push_back(
        {"drop-rows",
         fmt::format("dropped {} of {} rows with a missing price (between {} and {}); "
                     "{} rows left",
                     dropped, panel.rows(),
                     format_timestamp(panel.timestamps[static_cast<std::size_t>(first)]),
                     format_timestamp(panel.timestamps[static_cast<std::size_t>(last)]),
                     rows.size())});
  }
  return CleanPanel{subset(panel, rows, all_indices(panel.cols())), std::move(repairs)};
}

// Drops assets missing more than `fraction` of the rows, then the rows with any NaN left.
Result<CleanPanel> drop_assets(const PricePanel& panel, double fraction,
                               std::vector<Repair> repairs, std::string_view policy_name) {
  const auto nan = panel.prices.array().isNaN();
  const auto rows = static_cast<double>(panel.rows());
  std::vector<Eigen::Index> keep;
  std::string dropped;
  std::size_t n_dropped = 0;
  for (Eigen::Index c = 0; c < panel.cols(); ++c) {
    const double missing = static_cast<double>(nan.col(c).count()) / rows;
    if (missing > fraction) {
      if (n_dropped < 20) {
        dropped += fmt::format("{}{} ({:.1f}% missing)", n_dropped == 0 ? "" : ", ",
                               panel.assets[static_cast<std::size_t>(c)], 100.0 * missing);
      }
      ++n_dropped;
    } else {
      keep.push_back(c);
    }
  }
  if (keep.empty()) {
    return Status::invalid(fmt::format(
        "{}{}: every one of the {} assets misses more than that fraction of rows, so none is "
        "left; raise F or narrow the date range with --start",
        source_prefix(panel), policy_name, panel.cols()));
  }
  if (n_dropped > 0) {
    if (n_dropped > 20) dropped += fmt::format(", ... ({} assets)", n_dropped);
    repairs.push_back({"drop-asset",
                       fmt::format("dropped {} of {} assets missing more than {}% of rows: {}",
                                   n_dropped, panel.cols(), 100.0 * fraction, dropped)});
  }
  const PricePanel narrowed = subset(panel, all_indices(panel.rows()), keep);
  return drop_rows(narrowed, std::move(repairs), policy_name);
}

std::string list_names(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i == 10) {
      text += fmt::format(", ... ({} assets)", items.size());
      break;
    }
    text += (i == 0 ? "" : ", ") + items[i];
  }
  return text;
}

// Forward fill over the gaps inside each asset's quoted span, then `policy.then` for the cells
// outside the spans (before listings, after delistings), which are never filled.
Result<CleanPanel> forward_fill(const PricePanel& panel, const MissingPolicy& policy) {
  const std::string prefix = source_prefix(panel);
  const std::string name = to_string(policy);
  CleanPanel out{panel, {}};
  Eigen::MatrixXd& p = out.panel.prices;
  std::size_t filled = 0;
  std::size_t outside = 0;  // cells before a first quote or after a last quote
  std::vector<std::string> touched;
  std::vector<std::string> ragged;  // assets with cells outside their span
  for (Eigen::Index c = 0; c < p.cols(); ++c) {
    const Span span = quoted_span(p, c);
    if (span.first < 0) continue;  // the reader refuses all-NaN columns; nothing to fill here
    std::size_t filled_here = 0;
    for (Eigen::Index r = span.first + 1; r <= span.last; ++r) {
      if (!std::isnan(p(r, c))) continue;
      Eigen::Index end = r;
      while (std::isnan(p(end + 1, c))) ++end;  // row span.last is quoted, so this stops
      const Eigen::Index length = end - r + 1;
      if (length > policy.max_fill) {
        return Status::invalid(fmt::format(
            "{}{}: missing price for {}, longer than the {} period(s) forward fill may bridge "
            "(the gap ends on {}). Use a larger N if carrying the price over it is right, or "
            "drop-rows, drop-assets:F or pairwise, or narrow the panel with --start/--assets",
            prefix, name, describe_cell(panel, r, c), policy.max_fill,
            format_timestamp(panel.timestamps[static_cast<std::size_t>(end)])));
      }
      for (Eigen::Index k = r; k <= end; ++k) p(k, c) = p(r - 1, c);
      filled_here += static_cast<std::size_t>(length);
      r = end;
    }
    if (filled_here > 0) {
      filled += filled_here;
      touched.push_back(
          fmt::format("{} ({})", panel.assets[static_cast<std::size_t>(c)], filled_here));
    }
    const auto outside_here = static_cast<std::size_t>(span.first + (p.rows() - 1 - span.last));
    if (outside_here > 0) {
      outside += outside_here;
      ragged.push_back(panel.assets[static_cast<std::size_t>(c)]);
    }
  }
  if (filled > 0) {
    out.repairs.push_back(
        {"ffill", fmt::format("forward-filled {} cells inside quoted spans (gaps of at most {} "
                              "periods): {}",
                              filled, policy.max_fill, list_names(touched))});
  }
  if (outside == 0) return out;
  switch (policy.then) {
    case MissingPolicyKind::kPairwise:
      out.repairs.push_back(
          {"ffill-outside-span",
           fmt::format("kept {} cells before a first quote or after a last quote missing (forward "
                       "fill never fills them): {}",
                       outside, list_names(ragged))});
      return out;
    case MissingPolicyKind::kDropRows:
      return drop_rows(out.panel, std::move(out.repairs), name);
    case MissingPolicyKind::kDropAssets:
      return drop_assets(out.panel, policy.max_missing_fraction, std::move(out.repairs), name);
    case MissingPolicyKind::kError:
    case MissingPolicyKind::kForwardFill: {
      const auto left = first_missing(p);
      return Status::invalid(fmt::format(
          "{}{} leaves a missing price for {}; forward fill never fills before an asset's first "
          "quote or after its last. Use ffill:{},drop-rows (keep the rows where every asset is "
          "quoted), ffill:{},drop-assets:F, or ffill:{} (keep them missing), or narrow the panel "
          "with --start/--assets",
          prefix, name, describe_cell(out.panel, left->first, left->second), policy.max_fill,
          policy.max_fill, policy.max_fill));
    }
  }
  return Status::internal("unhandled step after forward fill");
}

}  // namespace

Status MissingPolicy::validate() const {
  if (kind == MissingPolicyKind::kForwardFill && max_fill < 1) {
    return Status::invalid(fmt::format(
        "missing policy ffill: max_fill = {} must be >= 1 (periods to carry a price forward), "
        "e.g. ffill:3",
        max_fill));
  }
  if (kind == MissingPolicyKind::kForwardFill && then == MissingPolicyKind::kForwardFill) {
    return Status::invalid(
        "missing policy ffill: the step after forward fill must be error, drop-rows, "
        "drop-assets:F or pairwise, not another ffill");
  }
  const bool drops_assets = kind == MissingPolicyKind::kDropAssets ||
                            (kind == MissingPolicyKind::kForwardFill &&
                             then == MissingPolicyKind::kDropAssets);
  if (drops_assets && !(max_missing_fraction >= 0.0 && max_missing_fraction < 1.0)) {
    return Status::invalid(
        fmt::format("missing policy drop-assets: max_missing_fraction = {} must be in [0, 1), e.g. "
                    "drop-assets:0.1 drops assets missing more than 10% of rows",
                    max_missing_fraction));
  }
  return Status::ok();
}

namespace {

Result<MissingPolicy> parse_single_policy(std::string_view text) {
  const std::string_view t = csv::trim(text);
  const auto hint = [&]() {
    return Status::invalid(fmt::format(
        "unknown missing-data policy '{}'; use error, drop-rows, ffill:N (N periods, e.g. "
        "ffill:3), drop-assets:F (F in [0,1), e.g. drop-assets:0.05) or pairwise",
        t));
  };
  MissingPolicy policy;
  if (t == "error") return policy;
  if (t == "drop-rows") {
    policy.kind = MissingPolicyKind::kDropRows;
    return policy;
  }
  if (t == "pairwise") {
    policy.kind = MissingPolicyKind::kPairwise;
    return policy;
  }
  const std::size_t colon = t.find(':');
  if (colon == std::string_view::npos) return hint();
  const std::string_view name = t.substr(0, colon);
  const std::string_view arg = t.substr(colon + 1);
  if (name == "ffill") {
    policy.kind = MissingPolicyKind::kForwardFill;
    const auto [ptr, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), policy.max_fill);
    if (ec != std::errc() || ptr != arg.data() + arg.size()) {
      return Status::invalid(fmt::format(
          "missing policy '{}': '{}' is not a whole number of periods; write e.g. ffill:3", t,
          arg));
    }
  } else if (name == "drop-assets") {
    policy.kind = MissingPolicyKind::kDropAssets;
    if (!csv::parse_double(arg, policy.max_missing_fraction)) {
      return Status::invalid(fmt::format(
          "missing policy '{}': '{}' is not a fraction; write e.g. drop-assets:0.05", t, arg));
    }
  } else {
    return hint();
  }
  KEEL_RETURN_IF_ERROR(policy.validate());
  return policy;
}

}  // namespace

bool keeps_gaps(const MissingPolicy& policy) {
  return policy.kind == MissingPolicyKind::kPairwise ||
         (policy.kind == MissingPolicyKind::kForwardFill &&
          policy.then == MissingPolicyKind::kPairwise);
}

Result<MissingPolicy> parse_missing_policy(std::string_view text) {
  const std::string_view t = csv::trim(text);
  const std::size_t comma = t.find(',');
  if (comma == std::string_view::npos) return parse_single_policy(t);
  auto first = parse_single_policy(t.substr(0, comma));
  if (!first) return first.status();
  if (first->kind != MissingPolicyKind::kForwardFill) {
    return Status::invalid(fmt::format(
        "missing policy '{}': only ffill:N takes a second step (what to do with the cells it "
        "never fills: before a listing, after a delisting), e.g. ffill:3,drop-rows",
        t));
  }
  auto second = parse_single_policy(t.substr(comma + 1));
  if (!second) return second.status().with_context(fmt::format("missing policy '{}'", t));
  if (second->kind == MissingPolicyKind::kForwardFill) {
    return Status::invalid(fmt::format(
        "missing policy '{}': the step after ffill:N must be error, drop-rows, drop-assets:F or "
        "pairwise",
        t));
  }
  MissingPolicy policy = *first;
  policy.then = second->kind;
  policy.max_missing_fraction = second->max_missing_fraction;
  KEEL_RETURN_IF_ERROR(policy.validate());
  return policy;
}

std::string to_string(const MissingPolicy& policy) {
  switch (policy.kind) {
    case MissingPolicyKind::kError:
      return "error";
    case MissingPolicyKind::kDropRows:
      return "drop-rows";
    case MissingPolicyKind::kForwardFill: {
      if (policy.then == MissingPolicyKind::kPairwise) {
        return fmt::format("ffill:{}", policy.max_fill);
      }
      MissingPolicy step = policy;
      step.kind = policy.then;
      return fmt::format("ffill:{},{}", policy.max_fill, to_string(step));
    }
    case MissingPolicyKind::kDropAssets:
      return fmt::format("drop-assets:{}", policy.max_missing_fraction);
    case MissingPolicyKind::kPairwise:
      return "pairwise";
  }
  return "error";
}

Json Repair::to_json() const {
  Json j;
  j["action"] = action;
  j["detail"] = detail;
  return j;
}

Result<CleanPanel> apply_missing_policy(const PricePanel& panel, const MissingPolicy& policy) {
  KEEL_RETURN_IF_ERROR(policy.validate());
  const auto missing = first_missing(panel.prices);
  if (!missing) return CleanPanel{panel, {}};
  const std::string prefix = source_prefix(panel);

  switch (policy.kind) {
    case MissingPolicyKind::kError:
      return Status::invalid(fmt::format(
          "{}missing price for {}; {}. Missing data is never repaired silently: choose a policy "
          "with --missing drop-rows (drop dates with a gap), ffill:N (carry prices over gaps of "
          "up to N periods), drop-assets:F (drop assets missing more than a fraction F, then "
          "rows) or pairwise (keep gaps for pairwise estimators)",
          prefix, describe_cell(panel, missing->first, missing->second), missing_summary(panel)));

    case MissingPolicyKind::kDropRows:
      return drop_rows(panel, {}, "drop-rows");

    case MissingPolicyKind::kForwardFill:
      return forward_fill(panel, policy);

    case MissingPolicyKind::kDropAssets:
      return drop_assets(panel, policy.max_missing_fraction, {}, "drop-assets");

    case MissingPolicyKind::kPairwise:
      return CleanPanel{panel,
                        {{"pairwise", fmt::format("kept {} for pairwise-complete estimation",
                                                  missing_summary(panel))}}};
  }
  return Status::internal("unhandled missing-data policy");
}

}  // namespace keel
