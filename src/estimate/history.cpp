#include "keel/estimate/history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace keel {

Status HistoryOptions::validate() const {
  if (min_returns < 0) {
    return Status::invalid("minimum history must be ≥ 0 returns (0 = a quarter of a year)");
  }
  if (min_returns == 0 && !(periods_per_year > 0.0 && std::isfinite(periods_per_year))) {
    return Status::invalid(
        "minimum history: periods_per_year must be > 0 for the default minimum (a quarter of a "
        "year)");
  }
  return Status::ok();
}

int HistoryOptions::effective_minimum(Eigen::Index rows) const {
  if (min_returns > 0) return min_returns;
  const int quarter = static_cast<int>(std::ceil(periods_per_year / 4.0 - 1e-9));
  return static_cast<int>(std::min<Eigen::Index>(quarter, rows));
}

Result<HistoryCheck> check_history(const ReturnSeries& returns, const HistoryOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index rows = returns.values.rows();
  const Eigen::Index cols = returns.values.cols();
  HistoryCheck out;
  out.min_returns = options.effective_minimum(rows);
  Eigen::VectorXi count(cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    count(j) = static_cast<int>(returns.values.col(j).array().isFinite().count());
  }
  std::vector<Eigen::Index> short_assets;
  for (Eigen::Index j = 0; j < cols; ++j) {
    if (count(j) < out.min_returns) short_assets.push_back(j);
  }
  std::stable_sort(short_assets.begin(), short_assets.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return count(a) < count(b); });
  auto name = [&](Eigen::Index j) { return returns.assets[static_cast<std::size_t>(j)]; };
  const std::string rule =
      options.min_returns > 0
          ? fmt::format("the minimum history is {} returns", out.min_returns)
          : (out.min_returns < static_cast<int>(std::ceil(options.periods_per_year / 4.0 - 1e-9))
                 ? fmt::format("the minimum history is the whole window of {} returns (it is "
                               "shorter than a quarter of a year)",
                               out.min_returns)
                 : fmt::format("the minimum history is a quarter of a year, {} returns",
                               out.min_returns));
  if (!short_assets.empty() && options.short_history == ShortHistory::kError) {
    std::string listed;
    const std::size_t shown = std::min<std::size_t>(short_assets.size(), 8);
    for (std::size_t i = 0; i < shown; ++i) {
      listed += fmt::format("{}{} has {}", i == 0 ? "" : ", ", name(short_assets[i]),
                            count(short_assets[i]));
    }
    if (shown < short_assets.size()) {
      listed += fmt::format(", and {} more", short_assets.size() - shown);
    }
    return Status::invalid(fmt::format(
        "{} asset(s) have too little history to estimate from ({}): {}; lower it with "
        "--min-history N, drop these assets with --drop-short-history (or --assets), or start "
        "the window later",
        short_assets.size(), rule, listed));
  }
  if (static_cast<Eigen::Index>(short_assets.size()) == cols) {
    return Status::invalid(fmt::format(
        "every asset has too little history to estimate from ({}; the longest has {}); lower it "
        "with --min-history N or widen the window",
        rule, count.size() > 0 ? count.maxCoeff() : 0));
  }
  for (Eigen::Index j : short_assets) {
    out.repairs.push_back(fmt::format("dropped {}: {} returns, below the minimum history of {}",
                                      name(j), count(j), out.min_returns));
  }
  for (Eigen::Index j = 0; j < cols; ++j) {
    if (count(j) >= out.min_returns) out.kept.push_back(j);
  }
  out.observations.resize(static_cast<Eigen::Index>(out.kept.size()));
  out.returns.kind = returns.kind;
  out.returns.timestamps = returns.timestamps;
  out.returns.values.resize(rows, static_cast<Eigen::Index>(out.kept.size()));
  for (std::size_t k = 0; k < out.kept.size(); ++k) {
    const auto c = static_cast<Eigen::Index>(k);
    out.returns.assets.push_back(name(out.kept[k]));
    out.returns.values.col(c) = returns.values.col(out.kept[k]);
    out.observations(c) = count(out.kept[k]);
  }
  if (options.warn_shorter_than_window) {
    std::vector<std::size_t> partial;
    for (std::size_t k = 0; k < out.kept.size(); ++k) {
      if (out.observations(static_cast<Eigen::Index>(k)) < rows) partial.push_back(k);
    }
    std::stable_sort(partial.begin(), partial.end(), [&](std::size_t a, std::size_t b) {
      return out.observations(static_cast<Eigen::Index>(a)) <
             out.observations(static_cast<Eigen::Index>(b));
    });
    if (!partial.empty()) {
      std::string listed;
      for (std::size_t i = 0; i < partial.size(); ++i) {
        listed += fmt::format("{}{} {}", i == 0 ? "" : ", ", out.returns.assets[partial[i]],
                              out.observations(static_cast<Eigen::Index>(partial[i])));
      }
      out.warnings.push_back(fmt::format(
          "{} asset(s) have a history shorter than the window of {} returns, so their estimates "
          "cover a shorter period than the others': {}",
          partial.size(), rows, listed));
    }
  }
  return out;
}

}  // namespace keel
