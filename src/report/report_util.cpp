#include "report/report_util.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "keel/core/table.hpp"
#include "keel/optimize/hierarchical.hpp"

namespace keel::report::internal {

std::vector<int> clustered_order(const Eigen::Ref<const Eigen::MatrixXd>& correlation) {
  const auto n = static_cast<int>(correlation.rows());
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  if (n < 3) return order;
  auto z = linkage(cluster_distance(correlation, ClusterDistance::kCorrelation),
                   LinkageMethod::kAverage);
  if (!z) return order;
  return leaf_order(*z);
}

Table correlation_pairs_table(const std::vector<std::string>& assets,
                              const Eigen::Ref<const Eigen::MatrixXd>& correlation, int pairs) {
  struct Pair {
    double rho;
    std::size_t i, j;
  };
  std::vector<Pair> all;
  double sum = 0.0;
  for (std::size_t i = 0; i < assets.size(); ++i) {
    for (std::size_t j = i + 1; j < assets.size(); ++j) {
      const double rho = correlation(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      all.push_back({rho, i, j});
      sum += rho;
    }
  }
  Table table{.title = "Most and least correlated pairs",
              .columns = {"pair", "correlation", "rank"}};
  if (all.empty()) return table;
  std::stable_sort(all.begin(), all.end(),
                   [](const Pair& a, const Pair& b) { return a.rho > b.rho; });
  const auto k = std::min<std::size_t>(static_cast<std::size_t>(pairs), all.size());
  for (std::size_t r = 0; r < k; ++r) {
    table.rows.push_back({assets[all[r].i] + " / " + assets[all[r].j], format_fixed(all[r].rho, 3),
                          "most #" + std::to_string(r + 1)});
  }
  for (std::size_t r = 0; r < k && all.size() > k + r; ++r) {
    const Pair& p = all[all.size() - 1 - r];
    table.rows.push_back({assets[p.i] + " / " + assets[p.j], format_fixed(p.rho, 3),
                          "least #" + std::to_string(r + 1)});
  }
  table.note = "Average pairwise correlation " +
               format_fixed(sum / static_cast<double>(all.size()), 3) + " over " +
               std::to_string(all.size()) + " pairs.";
  return table;
}

std::string period_name(double periods_per_year) {
  if (periods_per_year == 365.0 || periods_per_year == 252.0) return "day";
  if (periods_per_year == 8760.0 || periods_per_year == 8766.0) return "hour";
  if (periods_per_year == 52.0) return "week";
  if (periods_per_year == 12.0) return "month";
  return "period";
}

std::string period_adjective(double periods_per_year) {
  const std::string name = period_name(periods_per_year);
  if (name == "day") return "daily";
  if (name == "period") return "per-period";
  return name + "ly";  // hourly, weekly, monthly
}

Eigen::Index held_assets(const std::vector<std::string>& assets,
                         const Eigen::Ref<const Eigen::VectorXd>& weights,
                         std::vector<std::string>& held_names, Eigen::VectorXd& held_weights) {
  held_names.clear();
  std::vector<double> values;
  for (Eigen::Index i = 0; i < weights.size(); ++i) {
    if (std::abs(weights(i)) <= 1e-6) continue;
    held_names.push_back(assets[static_cast<std::size_t>(i)]);
    values.push_back(weights(i));
  }
  held_weights =
      Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  return weights.size() - static_cast<Eigen::Index>(values.size());
}

Result<Chart> make_chart(Result<Json> spec, std::string title, std::string caption, bool wide,
                         const char* what) {
  if (!spec) return spec.status().with_context(what);
  return Chart{.title = std::move(title),
               .spec = std::move(*spec),
               .caption = std::move(caption),
               .wide = wide};
}

}  // namespace keel::report::internal
