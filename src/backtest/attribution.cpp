#include "keel/backtest/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace keel {

namespace {

double finite_or_zero(double x) { return std::isfinite(x) ? x : 0.0; }

// Distinct sorted tags and each asset's group index.
std::vector<std::string> distinct_groups(const std::vector<std::string>& groups,
                                         std::vector<int>& index) {
  std::vector<std::string> names(groups);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  index.resize(groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    index[i] =
        static_cast<int>(std::lower_bound(names.begin(), names.end(), groups[i]) - names.begin());
  }
  return names;
}

Json by_name(const std::vector<std::string>& names, const Eigen::VectorXd& values) {
  Json j = Json::object();
  for (std::size_t i = 0; i < names.size(); ++i)
    j[names[i]] = json_number(values(static_cast<Eigen::Index>(i)));
  return j;
}

}  // namespace

Result<ReturnAttribution> attribute_returns(Eigen::Ref<const Eigen::MatrixXd> weights,
                                            Eigen::Ref<const Eigen::MatrixXd> asset_returns,
                                            Eigen::Ref<const Eigen::VectorXd> cost_returns,
                                            const std::vector<std::string>& assets,
                                            const std::vector<std::string>& groups) {
  const Eigen::Index rows = weights.rows(), n = weights.cols();
  if (asset_returns.rows() != rows || asset_returns.cols() != n || cost_returns.size() != rows ||
      static_cast<Eigen::Index>(assets.size()) != n) {
    return Status::invalid("attribution: weights, asset returns, costs and assets differ in shape");
  }
  if (!groups.empty() && static_cast<Eigen::Index>(groups.size()) != n) {
    return Status::invalid("attribution: one group tag per asset is needed");
  }
  ReturnAttribution out;
  out.assets = assets;
  out.by_asset = Eigen::VectorXd::Zero(n);
  for (Eigen::Index t = 1; t < rows; ++t) {
    for (Eigen::Index i = 0; i < n; ++i) {
      out.by_asset(i) += weights(t - 1, i) * finite_or_zero(asset_returns(t, i));
    }
    out.costs += cost_returns(t);
  }
  out.net = out.by_asset.sum() - out.costs;
  if (!groups.empty()) {
    std::vector<int> index;
    out.groups = distinct_groups(groups, index);
    out.by_group = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(out.groups.size()));
    for (Eigen::Index i = 0; i < n; ++i)
      out.by_group(index[static_cast<std::size_t>(i)]) += out.by_asset(i);
  }
  return out;
}

Result<BrinsonFachler> brinson_fachler(Eigen::Ref<const Eigen::MatrixXd> portfolio_weights,
                                       Eigen::Ref<const Eigen::MatrixXd> benchmark_weights,
                                       Eigen::Ref<const Eigen::MatrixXd> asset_returns,
                                       const std::vector<std::string>& groups) {
  const Eigen::Index rows = portfolio_weights.rows(), n = portfolio_weights.cols();
  if (benchmark_weights.rows() != rows || benchmark_weights.cols() != n ||
      asset_returns.rows() != rows || asset_returns.cols() != n ||
      static_cast<Eigen::Index>(groups.size()) != n) {
    return Status::invalid(
        "Brinson–Fachler: portfolio, benchmark, returns and groups differ in shape");
  }
  BrinsonFachler out;
  std::vector<int> index;
  out.groups = distinct_groups(groups, index);
  const auto g = static_cast<Eigen::Index>(out.groups.size());
  out.allocation = Eigen::VectorXd::Zero(g);
  out.selection = Eigen::VectorXd::Zero(g);
  out.interaction = Eigen::VectorXd::Zero(g);
  Eigen::VectorXd wp(g), wb(g), cp(g), cb(g);  // group weights and contributions
  for (Eigen::Index t = 1; t < rows; ++t) {
    wp.setZero();
    wb.setZero();
    cp.setZero();
    cb.setZero();
    for (Eigen::Index i = 0; i < n; ++i) {
      const int k = index[static_cast<std::size_t>(i)];
      const double r = finite_or_zero(asset_returns(t, i));
      wp(k) += portfolio_weights(t - 1, i);
      wb(k) += benchmark_weights(t - 1, i);
      cp(k) += portfolio_weights(t - 1, i) * r;
      cb(k) += benchmark_weights(t - 1, i) * r;
    }
    const double rb = cb.sum();
    out.benchmark_groups_held =
        std::max(out.benchmark_groups_held, static_cast<int>((wb.array() != 0.0).count()));
    for (Eigen::Index k = 0; k < g; ++k) {
      const double rb_g = wb(k) != 0.0 ? cb(k) / wb(k) : rb;
      const double rp_g = wp(k) != 0.0 ? cp(k) / wp(k) : rb_g;
      out.allocation(k) += (wp(k) - wb(k)) * (rb_g - rb);
      out.selection(k) += wb(k) * (rp_g - rb_g);
      out.interaction(k) += (wp(k) - wb(k)) * (rp_g - rb_g);
    }
    out.active_return += cp.sum() - rb;
  }
  return out;
}

Json ReturnAttribution::to_json() const {
  Json j = Json::object();
  j["by_asset"] = by_name(assets, by_asset);
  if (!groups.empty()) j["by_group"] = by_name(groups, by_group);
  j["costs"] = json_number(costs);
  j["net"] = json_number(net);
  j["convention"] = "arithmetic: sum over periods of w[t-1]*r[t]; sum(by_asset) - costs = net";
  return j;
}

Json BrinsonFachler::to_json() const {
  Json j = Json::object();
  Json rows = Json::array();
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const auto i = static_cast<Eigen::Index>(k);
    rows.push_back({{"group", groups[k]},
                    {"allocation", json_number(allocation(i))},
                    {"selection", json_number(selection(i))},
                    {"interaction", json_number(interaction(i))}});
  }
  j["groups"] = rows;
  j["active_return"] = json_number(active_return);
  j["benchmark_groups_held"] = benchmark_groups_held;
  j["degenerate"] = is_degenerate();
  if (is_degenerate()) j["degenerate_reason"] = degenerate_reason();
  return j;
}

std::string BrinsonFachler::degenerate_reason() const {
  if (!is_degenerate()) return {};
  return benchmark_groups_held == 0
             ? "the benchmark held nothing, so there is no benchmark return to allocate against"
             : "the benchmark holds a single group, so every group's benchmark return is the "
               "benchmark's own and the allocation effect is zero by construction; the active "
               "return only splits into selection and interaction. Compare against a benchmark "
               "spread over several groups (e.g. market-cap or equal weight) for an allocation "
               "effect";
}

}  // namespace keel
