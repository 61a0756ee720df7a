#include "keel/estimate/return_cleaning.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace keel {

namespace {

// Consistency constants with the normal σ: 1/Φ⁻¹(3/4) for the MAD, √(π/2) for the mean absolute
// deviation.
constexpr double kMadToSigma = 1.482602218505602;
constexpr double kMeanAbsToSigma = 1.2533141373155001;

double median_of(std::vector<double>& values) {
  const std::size_t n = values.size();
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), mid, values.end());
  const double upper = *mid;
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), mid);
  return 0.5 * (lower + upper);
}

// "+5844%", "-49.7%", "+0.0434%": whole percents once they are large, 3 significant digits below.
std::string percent(double r) {
  const double p = 100.0 * r;
  return std::abs(p) >= 100.0 ? fmt::format("{:+.0f}%", p) : fmt::format("{:+.3g}%", p);
}

struct Extreme {
  Eigen::Index asset = 0;
  Eigen::Index row = 0;
  double raw = 0.0;
  double z = 0.0;
};

}  // namespace

Status ReturnCleaningOptions::validate() const {
  if (method == ReturnCleaningMethod::kClip && !(k >= 3.0 && std::isfinite(k))) {
    return Status::invalid(fmt::format(
        "return cleaning: clip needs k ≥ 3 robust standard deviations (got {}); clipping closer "
        "than 3 would cut ordinary days",
        k));
  }
  if (!(warn_k > 0.0)) {
    return Status::invalid("return cleaning: warn_k must be > 0 (+inf turns the warning off)");
  }
  if (warn_examples < 0) return Status::invalid("return cleaning: warn_examples must be ≥ 0");
  if (min_observations < 3) return Status::invalid("return cleaning: min_observations must be ≥ 3");
  return Status::ok();
}

Result<ReturnCleaningOptions> parse_return_cleaning(std::string_view text) {
  ReturnCleaningOptions options;
  if (text == "none") return options;
  if (text == "clip") {
    options.method = ReturnCleaningMethod::kClip;
    return options;
  }
  if (text.starts_with("clip:")) {
    const std::string_view number = text.substr(5);
    double k = 0.0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), k);
    if (ec == std::errc() && end == number.data() + number.size()) {
      options.method = ReturnCleaningMethod::kClip;
      options.k = k;
      KEEL_RETURN_IF_ERROR(options.validate());
      return options;
    }
  }
  return Status::invalid(fmt::format(
      "return cleaning '{}' is unknown; use none, or clip:K to winsorise each asset's returns at "
      "K robust standard deviations (median/MAD) about its median, e.g. clip:10",
      text));
}

std::string to_string(const ReturnCleaningOptions& options) {
  if (options.method == ReturnCleaningMethod::kNone) return "none";
  return fmt::format("clip:{}", options.k);
}

Json ClippedReturn::to_json() const {
  Json j;
  j["action"] = "clip-return";
  j["asset"] = asset;
  j["date"] = format_timestamp(timestamp);
  j["raw"] = raw;
  j["clipped"] = clipped;
  j["robust_z"] = robust_z;
  j["detail"] = fmt::format("{} on {}: return {} clipped to {} ({:.1f} robust standard deviations)",
                            asset, format_timestamp(timestamp), percent(raw), percent(clipped),
                            robust_z);
  return j;
}

Result<CleanedReturns> clean_returns(const ReturnSeries& returns,
                                     const ReturnCleaningOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Eigen::Index rows = returns.values.rows();
  const Eigen::Index cols = returns.values.cols();
  CleanedReturns out;
  out.returns = returns;
  out.median = Eigen::VectorXd::Constant(cols, std::nan(""));
  out.robust_scale = Eigen::VectorXd::Constant(cols, std::nan(""));
  std::vector<Extreme> extremes;
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(rows));
  const bool clip = options.method == ReturnCleaningMethod::kClip;
  for (Eigen::Index j = 0; j < cols; ++j) {
    values.clear();
    for (Eigen::Index t = 0; t < rows; ++t) {
      const double v = returns.values(t, j);
      if (std::isfinite(v)) values.push_back(v);
    }
    if (static_cast<int>(values.size()) < options.min_observations) continue;
    const double median = median_of(values);
    double mean_abs = 0.0;
    for (double& v : values) {
      v = std::abs(v - median);
      mean_abs += v;
    }
    mean_abs /= static_cast<double>(values.size());
    double scale = kMadToSigma * median_of(values);
    if (!(scale > 0.0)) scale = kMeanAbsToSigma * mean_abs;
    out.median(j) = median;
    out.robust_scale(j) = scale;
    if (!(scale > 0.0)) continue;  // every return equal: nothing is an outlier
    const double lower = median - options.k * scale;
    const double upper = median + options.k * scale;
    for (Eigen::Index t = 0; t < rows; ++t) {
      const double v = returns.values(t, j);
      if (!std::isfinite(v)) continue;
      const double z = (v - median) / scale;
      if (std::abs(z) > options.warn_k) extremes.push_back({j, t, v, z});
      if (!clip || (v >= lower && v <= upper)) continue;
      const double bound = v > upper ? upper : lower;
      out.returns.values(t, j) = bound;
      out.clipped.push_back({returns.assets[static_cast<std::size_t>(j)],
                             returns.timestamps[static_cast<std::size_t>(t)], v, bound, z});
    }
  }
  if (!extremes.empty()) {
    std::stable_sort(extremes.begin(), extremes.end(), [](const Extreme& a, const Extreme& b) {
      return std::abs(a.z) > std::abs(b.z);
    });
    std::vector<Eigen::Index> assets;
    for (const auto& e : extremes) {
      if (std::find(assets.begin(), assets.end(), e.asset) == assets.end()) {
        assets.push_back(e.asset);
      }
    }
    std::string named;
    const std::size_t shown =
        std::min(extremes.size(), static_cast<std::size_t>(options.warn_examples));
    for (std::size_t i = 0; i < shown; ++i) {
      const Extreme& e = extremes[i];
      named += fmt::format("{}{} {} on {} ({:.0f})", i == 0 ? "" : ", ",
                           returns.assets[static_cast<std::size_t>(e.asset)], percent(e.raw),
                           format_timestamp(returns.timestamps[static_cast<std::size_t>(e.row)]),
                           e.z);
    }
    if (shown < extremes.size()) named += fmt::format(", and {} more", extremes.size() - shown);
    const std::string action =
        clip ? fmt::format("they were clipped at {} (listed in the repairs)", options.k)
             : "if they are data errors (listing prints, token migrations, redenominations), "
               "clean them with --clean-returns clip:K or drop the asset; if they are real "
               "(depegs, crashes), keep them";
    out.warnings.push_back(fmt::format(
        "{} return(s) of {} asset(s) lie beyond {} robust standard deviations (median/MAD) of "
        "their asset's median: {}; {}",
        extremes.size(), assets.size(), options.warn_k, named, action));
  }
  return out;
}

}  // namespace keel
