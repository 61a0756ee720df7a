#include "keel/factors/factor_builders.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "keel/core/time.hpp"
#include "keel/estimate/covariance.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// For each return row t, the panel row holding the caps of the previous return period's end
// (the timestamp of row t−1 of the returns); -1 when absent. Row 0 uses the cap one row before
// in the panel when the panel has it.
struct CapLookup {
  const PricePanel* panel = nullptr;
  std::vector<Eigen::Index> asset_col;  // cap column of each asset, -1 = none
  std::vector<Eigen::Index> prev_row;   // panel row of the caps known at the start of period t
};

Result<CapLookup> cap_lookup(const ReturnSeries& returns, const PricePanel* caps,
                             std::string_view what) {
  if (caps == nullptr) {
    return Status::invalid(fmt::format(
        "{}: cap weighting needs market caps by date (--market-caps-history FILE)", what));
  }
  CapLookup out;
  out.panel = caps;
  int found = 0;
  for (const auto& a : returns.assets) {
    const auto j = caps->asset_index(a);
    out.asset_col.push_back(j ? *j : -1);
    if (j) ++found;
  }
  if (found == 0) {
    return Status::invalid(fmt::format(
        "{}: none of the assets has a column in the market caps file {}; check the symbols", what,
        caps->source));
  }
  std::map<Timestamp, Eigen::Index> row_of;
  for (std::size_t i = 0; i < caps->timestamps.size(); ++i) {
    row_of.emplace(caps->timestamps[i], static_cast<Eigen::Index>(i));
  }
  int matched = 0;
  for (std::size_t t = 0; t < returns.timestamps.size(); ++t) {
    Eigen::Index row = -1;
    if (t > 0) {
      const auto it = row_of.find(returns.timestamps[t - 1]);
      if (it != row_of.end()) row = it->second;
    } else {
      const auto it = row_of.find(returns.timestamps[0]);
      if (it != row_of.end() && it->second > 0) row = it->second - 1;
    }
    if (row >= 0) ++matched;
    out.prev_row.push_back(row);
  }
  if (matched == 0) {
    return Status::invalid(fmt::format(
        "{}: the market caps file {} has none of the return dates; it must be on the same "
        "dates as the prices",
        what, caps->source));
  }
  return out;
}

// Basket return at row t over `members` (asset indices), equal or cap weighted; NaN when no
// member can be weighted that period.
double basket(const ReturnSeries& r, Eigen::Index t, const std::vector<Eigen::Index>& members,
              const CapLookup* caps) {
  double sum = 0.0, wsum = 0.0;
  for (const auto i : members) {
    const double x = r.values(t, i);
    if (!std::isfinite(x)) continue;
    double w = 1.0;
    if (caps != nullptr) {
      const auto row = caps->prev_row[static_cast<std::size_t>(t)];
      const auto col = caps->asset_col[static_cast<std::size_t>(i)];
      if (row < 0 || col < 0) continue;
      w = caps->panel->prices(row, col);
      if (!(w > 0.0)) continue;
    }
    sum += w * x;
    wsum += w;
  }
  return wsum > 0.0 ? sum / wsum : kNaN;
}

ReturnSeries empty_like(const ReturnSeries& r, std::vector<std::string> names) {
  ReturnSeries out;
  out.assets = std::move(names);
  out.timestamps = r.timestamps;
  out.kind = r.kind;
  out.values.resize(r.values.rows(), static_cast<Eigen::Index>(out.assets.size()));
  return out;
}

}  // namespace

Result<MarketFactorOptions> parse_market_factor(std::string_view text) {
  MarketFactorOptions out;
  if (text == "equal") {
    out.kind = MarketFactorKind::kEqualWeight;
  } else if (text == "cap") {
    out.kind = MarketFactorKind::kCapWeight;
  } else if (text.empty() || text == "none") {
    return Status::invalid("market factor: give an asset (e.g. BTC), equal or cap");
  } else {
    out.kind = MarketFactorKind::kAsset;
    out.asset = std::string(text);
    std::transform(out.asset.begin(), out.asset.end(), out.asset.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  }
  return out;
}

Result<ReturnSeries> market_factor(const ReturnSeries& returns,
                                   const MarketFactorOptions& options) {
  ReturnSeries out = empty_like(returns, {"market"});
  const Eigen::Index n = returns.values.cols();
  std::vector<Eigen::Index> all(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
  switch (options.kind) {
    case MarketFactorKind::kAsset: {
      const auto it = std::find(returns.assets.begin(), returns.assets.end(), options.asset);
      if (it == returns.assets.end()) {
        return Status::invalid(fmt::format(
            "market factor: the asset {} is not in the prices; use --market equal or cap, or "
            "another asset column",
            options.asset));
      }
      out.values.col(0) = returns.values.col(it - returns.assets.begin());
      break;
    }
    case MarketFactorKind::kEqualWeight:
      for (Eigen::Index t = 0; t < out.values.rows(); ++t) {
        out.values(t, 0) = basket(returns, t, all, nullptr);
      }
      break;
    case MarketFactorKind::kCapWeight: {
      auto caps = cap_lookup(returns, options.market_caps, "market factor");
      if (!caps) return caps.status();
      for (Eigen::Index t = 0; t < out.values.rows(); ++t) {
        out.values(t, 0) = basket(returns, t, all, &*caps);
      }
      break;
    }
  }
  return out;
}

Result<ReturnSeries> sector_factors(const ReturnSeries& returns, const AssetMetadata& metadata,
                                    const SectorFactorOptions& options) {
  if (options.min_members < 2) {
    return Status::invalid("sector factors: min_members must be ≥ 2");
  }
  if (!metadata.has_tag_field(options.field)) {
    return Status::invalid(fmt::format("{}: no tag field '{}'; known fields: {}",
                                       metadata.source.empty() ? "metadata" : metadata.source,
                                       options.field, fmt::join(metadata.tag_fields(), ", ")));
  }
  std::map<std::string, std::vector<Eigen::Index>> members;
  for (std::size_t i = 0; i < returns.assets.size(); ++i) {
    const auto tag = metadata.tag(returns.assets[i], options.field);
    if (tag) members[*tag].push_back(static_cast<Eigen::Index>(i));
  }
  if (members.empty()) {
    return Status::invalid(
        fmt::format("{}: no asset of the prices has a '{}' tag; sector factors need tagged assets",
                    metadata.source, options.field));
  }
  for (const auto& [tag, m] : members) {
    if (static_cast<int>(m.size()) < options.min_members) {
      return Status::invalid(fmt::format(
          "{}: the {} '{}' has {} member(s) among the assets ({}), fewer than {}; a sector "
          "factor needs at least two members: retag the asset, or leave its {} empty",
          metadata.source, options.field, tag, m.size(),
          returns.assets[static_cast<std::size_t>(m.front())], options.min_members, options.field));
    }
  }
  std::vector<std::string> names;
  for (const auto& [tag, m] : members) names.push_back(options.field + ":" + tag);
  ReturnSeries out = empty_like(returns, names);
  std::optional<CapLookup> caps;
  if (options.cap_weighted) {
    auto c = cap_lookup(returns, options.market_caps, "sector factors");
    if (!c) return c.status();
    caps = std::move(*c);
  }
  if (options.long_short_market != nullptr &&
      options.long_short_market->values.rows() != returns.values.rows()) {
    return Status::invalid("sector factors: the long-short market series has other dates");
  }
  Eigen::Index col = 0;
  for (const auto& [tag, m] : members) {
    for (Eigen::Index t = 0; t < out.values.rows(); ++t) {
      double v = basket(returns, t, m, caps ? &*caps : nullptr);
      if (options.long_short_market != nullptr) v -= options.long_short_market->values(t, 0);
      out.values(t, col) = v;
    }
    ++col;
  }
  return out;
}

Result<PcaFactors> pca_factors(const ReturnSeries& returns, const PcaFactorOptions& options) {
  const Eigen::Index n = returns.values.cols();
  if (options.factors < 0 || options.factors > n) {
    return Status::invalid(
        fmt::format("pca factors: {} components for {} assets; give 0 (the Marchenko–Pastur "
                    "rule) to N",
                    options.factors, n));
  }
  std::vector<Eigen::Index> rows;
  for (Eigen::Index t = 0; t < returns.values.rows(); ++t) {
    if (returns.values.row(t).allFinite()) rows.push_back(t);
  }
  const auto t_count = static_cast<Eigen::Index>(rows.size());
  if (t_count < 3) {
    return Status::invalid(fmt::format(
        "pca factors: {} dates have every asset quoted; statistical factors need complete rows "
        "(drop late-listed assets with --missing drop-assets:F or narrow --start)",
        t_count));
  }
  Eigen::MatrixXd x(t_count, n);
  PcaFactors out;
  for (Eigen::Index i = 0; i < t_count; ++i) {
    x.row(i) = returns.values.row(rows[static_cast<std::size_t>(i)]);
    out.series.timestamps.push_back(
        returns.timestamps[static_cast<std::size_t>(rows[static_cast<std::size_t>(i)])]);
  }
  const Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  const Eigen::VectorXd sd =
      (x.colwise().squaredNorm() / static_cast<double>(t_count - 1)).cwiseSqrt().transpose();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(sd(i) > 0.0)) {
      return Status::invalid(fmt::format("pca factors: {} has constant returns; drop it",
                                         returns.assets[static_cast<std::size_t>(i)]));
    }
  }
  const Eigen::MatrixXd z = x * sd.cwiseInverse().asDiagonal();
  const Eigen::MatrixXd corr = z.transpose() * z / static_cast<double>(t_count - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(corr);
  out.eigenvalues = solver.eigenvalues().reverse();
  const Eigen::MatrixXd vectors = solver.eigenvectors().rowwise().reverse();
  Eigen::Index k = options.factors;
  out.marchenko_pastur_edge = kNaN;
  if (k == 0) {
    const MarchenkoPasturFit fit = fit_marchenko_pastur(
        out.eigenvalues, static_cast<double>(t_count) / static_cast<double>(n), DenoiseOptions{});
    out.marchenko_pastur_edge = fit.edge;
    k = (out.eigenvalues.array() > fit.edge).count();
    if (k == 0) {
      return Status::invalid(fmt::format(
          "pca factors: no correlation eigenvalue lies above the Marchenko–Pastur edge {:.4g} "
          "(largest {:.4g}): the returns look like noise; give the number of components",
          fit.edge, out.eigenvalues(0)));
    }
  }
  out.series.kind = returns.kind;
  out.series.values.resize(t_count, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    Eigen::VectorXd u = vectors.col(j);
    if (u.sum() < 0.0) u = -u;
    out.series.values.col(j) = z * u;
    out.series.assets.push_back(fmt::format("pc{}", j + 1));
  }
  return out;
}

}  // namespace keel
