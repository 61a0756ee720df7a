#include "keel/report/optimize_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <unordered_map>

#include "keel/core/table.hpp"
#include "keel/estimate/correlation.hpp"
#include "keel/report/charts.hpp"
#include "keel/risk/variance_contributions.hpp"
#include "report/report_util.hpp"

namespace keel::report {

namespace {

using internal::make_chart;

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string scientific(double value) {
  if (!std::isfinite(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2e", value);
  return text;
}

// The hierarchical models' tree from `details`: the linkage rows and the leaf order by name.
bool hierarchical_tree(const PortfolioResult& result, Eigen::MatrixXd& linkage,
                       std::vector<int>& leaves) {
  const Json& d = result.details;
  if (!d.contains("linkage") || !d["linkage"].is_array() || !d.contains("leaf_order") ||
      !d["leaf_order"].is_array()) {
    return false;
  }
  const auto n = static_cast<Eigen::Index>(result.assets.size());
  if (static_cast<Eigen::Index>(d["linkage"].size()) != n - 1 ||
      static_cast<Eigen::Index>(d["leaf_order"].size()) != n) {
    return false;
  }
  std::unordered_map<std::string, int> index;
  for (std::size_t i = 0; i < result.assets.size(); ++i)
    index[result.assets[i]] = static_cast<int>(i);
  linkage.resize(n - 1, 4);
  for (Eigen::Index i = 0; i < n - 1; ++i) {
    const Json& row = d["linkage"][static_cast<std::size_t>(i)];
    if (!row.is_array() || row.size() != 4) return false;
    for (int c = 0; c < 4; ++c) {
      if (!row[static_cast<std::size_t>(c)].is_number()) return false;
      linkage(i, c) = row[static_cast<std::size_t>(c)].get<double>();
    }
  }
  leaves.clear();
  for (const auto& name : d["leaf_order"]) {
    if (!name.is_string()) return false;
    auto it = index.find(name.get<std::string>());
    if (it == index.end()) return false;
    leaves.push_back(it->second);
  }
  return true;
}

Table key_numbers(const PortfolioResult& r, const OptimizeReportInput& input) {
  Table t{.title = "Key numbers", .columns = {"quantity", "value"}};
  auto add = [&](std::string name, std::string value) {
    t.rows.push_back({std::move(name), std::move(value)});
  };
  add("model", r.model);
  add("status", std::string(to_string(r.status)));
  add("expected return (annualised)", format_percent(r.performance.expected_return));
  add("volatility (annualised)", format_percent(r.performance.volatility));
  add("Sharpe ratio (risk-free " + format_percent(input.risk_free_rate) + ")",
      format_fixed(r.performance.sharpe, 3));
  if (r.weights.size() > 0) {
    const Eigen::Index held = (r.weights.array().abs() > 5e-5).count();
    add("assets held (|w| > 0.005%)",
        std::to_string(held) + " of " + std::to_string(r.weights.size()));
    add("largest weight", format_percent(r.weights.maxCoeff()));
    const double sum_sq = r.weights.squaredNorm();
    add("effective number of assets (1 / Σw²)", format_fixed(sum_sq > 0 ? 1.0 / sum_sq : NAN, 1));
    add("sum of weights", format_fixed(r.weights.sum(), 6));
    add("gross exposure (Σ|w|)", format_fixed(r.weights.cwiseAbs().sum(), 4));
  }
  add("solver", r.diagnostics.solver.empty() ? "-" : r.diagnostics.solver);
  add("iterations", std::to_string(r.diagnostics.iterations));
  add("solve time", format_fixed(r.diagnostics.solve_ms, 2) + " ms");
  add("max constraint violation", scientific(r.diagnostics.max_constraint_violation));
  if (!r.diagnostics.worst_constraint.empty())
    add("worst constraint", r.diagnostics.worst_constraint);
  return t;
}

}  // namespace

Result<Report> optimize_report(const PortfolioResult& r, const OptimizeReportInput& input) {
  const auto n = static_cast<Eigen::Index>(r.assets.size());
  if (n == 0) return Status::invalid("optimize report: the result has no assets");
  if (input.covariance.rows() != n || input.covariance.cols() != n) {
    return Status::invalid(
        "optimize report: the covariance is " + std::to_string(input.covariance.rows()) + " × " +
        std::to_string(input.covariance.cols()) + " for " + std::to_string(n) + " assets");
  }
  if (input.expected_returns.size() != 0 && input.expected_returns.size() != n) {
    return Status::invalid("optimize report: " + std::to_string(input.expected_returns.size()) +
                           " expected returns for " + std::to_string(n) + " assets");
  }
  for (const auto& g : input.groupings) {
    if (static_cast<Eigen::Index>(g.tags.size()) != n) {
      return Status::invalid("optimize report: grouping '" + g.name + "' has " +
                             std::to_string(g.tags.size()) + " tags for " + std::to_string(n) +
                             " assets");
    }
  }

  Report report;
  report.title = "keel optimize: " + r.model;
  report.meta = input.meta;
  report.meta.push_back("Status " + std::string(to_string(r.status)) + "; " + std::to_string(n) +
                        " assets; returns, volatilities and Sharpe ratios are annualised.");

  if (!r.is_usable()) {
    Section s{.title = "No usable portfolio",
              .text = "The model ran but has no usable answer (status " +
                      std::string(to_string(r.status)) + "). " + r.diagnostics.explanation};
    Table t{.title = "Why", .columns = {"item", "detail"}};
    t.rows.push_back({"status", std::string(to_string(r.status))});
    if (!r.diagnostics.explanation.empty())
      t.rows.push_back({"explanation", r.diagnostics.explanation});
    for (const auto& c : r.diagnostics.conflicting_constraints) {
      t.rows.push_back({"conflicting constraint", c});
    }
    for (const auto& w : r.diagnostics.warnings) t.rows.push_back({"warning", w});
    s.tables.push_back(std::move(t));
    report.sections.push_back(std::move(s));
    return report;
  }
  if (r.weights.size() != n) {
    return Status::invalid("optimize report: " + std::to_string(r.weights.size()) +
                           " weights for " + std::to_string(n) + " assets");
  }

  const Eigen::VectorXd& w = r.weights;
  const Eigen::MatrixXd& cov = input.covariance;
  const Eigen::VectorXd asset_vol = cov.diagonal().cwiseMax(0.0).cwiseSqrt();
  auto decomposition = variance_contributions(w, cov);
  if (!decomposition) return decomposition.status();
  const Eigen::VectorXd& contributions = decomposition->percent;  // shares of the volatility
  const bool have_mu = input.expected_returns.size() == n;

  // Bars for the assets held only: a max-Sharpe portfolio of 120 assets may hold 8, and 112 empty
  // bars would hide them. The tables list every asset.
  std::vector<std::string> held_assets;
  std::vector<double> held_weights;
  std::vector<double> held_contributions;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (std::abs(w(i)) <= 1e-6) continue;
    held_assets.push_back(r.assets[static_cast<std::size_t>(i)]);
    held_weights.push_back(w(i));
    held_contributions.push_back(contributions(i));
  }
  const Eigen::Map<const Eigen::VectorXd> held_w(held_weights.data(),
                                                 static_cast<Eigen::Index>(held_weights.size()));
  const Eigen::Map<const Eigen::VectorXd> held_c(
      held_contributions.data(), static_cast<Eigen::Index>(held_contributions.size()));
  const std::string not_drawn =
      static_cast<Eigen::Index>(held_assets.size()) < n
          ? " " + std::to_string(n - static_cast<Eigen::Index>(held_assets.size())) +
                " assets with zero weight are not drawn (the tables list every asset)."
          : "";

  // ---- Portfolio
  Section portfolio{.title = "Portfolio",
                    .text = "Weights of the " + r.model +
                            " portfolio (fractions of portfolio value; negative = short)."};
  if (!held_assets.empty()) {
    const std::string title = "Weights by asset";
    KEEL_REPORT_ADD_CHART(
        portfolio,
        make_chart(weights_chart(held_assets, held_w, title), title,
                   "One bar per asset, largest on top; short positions in red." + not_drawn, false,
                   "weights chart"));
  }
  for (const auto& g : input.groupings) {
    const std::string title = "Weights by " + g.name;
    KEEL_REPORT_ADD_CHART(portfolio,
                          make_chart(group_weights_chart(r.assets, w, g.tags, g.name, title), title,
                                     "Weights summed over the assets of each " + g.name +
                                         " (from the metadata file).",
                                     false, "group weights chart"));
  }
  portfolio.tables.push_back(key_numbers(r, input));
  {
    Table t{.title = "Weights",
            .columns = {"asset", "weight", "share of volatility", "asset volatility"}};
    if (have_mu) t.columns.push_back("asset expected return");
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return w(a) > w(b); });
    for (Eigen::Index i : order) {
      std::vector<std::string> row = {r.assets[static_cast<std::size_t>(i)], format_percent(w(i)),
                                      format_percent(contributions(i)),
                                      format_percent(asset_vol(i))};
      if (have_mu) row.push_back(format_percent(input.expected_returns(i)));
      t.rows.push_back(std::move(row));
    }
    portfolio.tables.push_back(std::move(t));
  }
  for (const auto& g : input.groupings) {
    Table t{.title = "Weights by " + g.name, .columns = {g.name, "weight", "assets"}};
    std::vector<std::string> names;
    std::unordered_map<std::string, std::pair<double, int>> sums;
    for (Eigen::Index i = 0; i < n; ++i) {
      const std::string tag = g.tags[static_cast<std::size_t>(i)].empty()
                                  ? "untagged"
                                  : g.tags[static_cast<std::size_t>(i)];
      auto [it, inserted] = sums.try_emplace(tag, 0.0, 0);
      if (inserted) names.push_back(tag);
      it->second.first += w(i);
      it->second.second += 1;
    }
    std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
      return sums[a].first > sums[b].first;
    });
    for (const auto& name : names) {
      t.rows.push_back({name, format_percent(sums[name].first), std::to_string(sums[name].second)});
    }
    portfolio.tables.push_back(std::move(t));
  }
  report.sections.push_back(std::move(portfolio));

  // ---- Risk
  Section risk{.title = "Risk contributions",
               .text =
                   "Each asset's share of the portfolio volatility (Euler decomposition with "
                   "the annualised covariance: w_i (Σw)_i / wᵀΣw, summing to 100%) beside its "
                   "weight. An asset whose risk share exceeds its weight adds more risk than "
                   "capital."};
  if (contributions.allFinite() && !held_assets.empty()) {
    const std::string title = "Risk contributions vs weights";
    KEEL_REPORT_ADD_CHART(
        risk, make_chart(risk_contributions_chart(held_assets, held_w, held_c, "volatility", title),
                         title,
                         "Blue: weight; amber: share of portfolio volatility. Assets in "
                         "order of weight." +
                             not_drawn,
                         false, "risk contributions chart"));
    Table t{.title = "Largest risk contributors",
            .columns = {"asset", "share of volatility", "weight", "marginal volatility"}};
    const Eigen::VectorXd& sigma_w = decomposition->sigma_w;
    const double vol = std::sqrt(std::max(decomposition->variance, 0.0));
    std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
      return contributions(a) > contributions(b);
    });
    for (Eigen::Index i : order) {
      t.rows.push_back({r.assets[static_cast<std::size_t>(i)], format_percent(contributions(i)),
                        format_percent(w(i)), format_fixed(sigma_w(i) / vol, 4)});
    }
    t.note = "Marginal volatility ∂σ/∂w_i = (Σw)_i / σ; share = w_i · marginal / σ.";
    risk.tables.push_back(std::move(t));
  } else {
    risk.text = "The portfolio has zero variance, so there are no risk contributions to show.";
  }
  report.sections.push_back(std::move(risk));

  // ---- Correlation structure
  auto correlation =
      covariance_to_correlation(cov, {.zero_variance = ZeroVariancePolicy::kZeroCorrelation});
  if (!correlation) return correlation.status();
  const Eigen::MatrixXd& corr = correlation->correlation;
  std::vector<std::string> degenerate;
  for (const Eigen::Index i : correlation->zero_variance_assets) {
    degenerate.push_back(r.assets[static_cast<std::size_t>(i)]);
  }
  Eigen::MatrixXd tree;
  std::vector<int> leaves;
  const bool own_tree = hierarchical_tree(r, tree, leaves);
  if (!own_tree) leaves = internal::clustered_order(corr);
  Section structure{
      .title = "Correlation structure",
      .text = own_tree
                  ? "Correlations in the order of the " + r.model +
                        " model's own dendrogram (its quasi-diagonal order), so clusters show as "
                        "blocks along the diagonal."
                  : "Correlations ordered by an average-linkage clustering of the correlation "
                    "distance √((1 − ρ)/2), so clusters show as blocks along the diagonal. The "
                    "clustering is for display only; the " +
                        r.model + " model does not use it."};
  if (!degenerate.empty()) {
    structure.text +=
        " Zero-variance assets (no correlation, shown as 0): " + join(degenerate, ", ") + ".";
  }
  {
    const std::string title =
        own_tree ? "Correlation (dendrogram order)" : "Correlation (clustered order)";
    KEEL_REPORT_ADD_CHART(structure,
                          make_chart(correlation_heatmap(r.assets, corr, leaves, title), title,
                                     "Blue: negative, white: none, red: positive correlation "
                                     "(from the annualised covariance the model used).",
                                     n > 25, "correlation heatmap"));
  }
  if (own_tree) {
    const std::string title = "Dendrogram of the " + r.model + " clustering";
    KEEL_REPORT_ADD_CHART(
        structure, make_chart(dendrogram_chart(tree, r.assets, leaves, title), title,
                              "Assets merge into clusters from left to right; the horizontal "
                              "position of a joint is its merge distance.",
                              n > 25, "dendrogram"));
  }
  structure.tables.push_back(internal::correlation_pairs_table(r.assets, corr));
  if (own_tree && r.details.contains("cluster_labels") && r.details["cluster_labels"].is_object()) {
    Table t{.title = "Clusters", .columns = {"cluster", "assets"}};
    std::map<int, std::vector<std::string>> members;
    for (const auto& [asset, label] : r.details["cluster_labels"].items()) {
      if (label.is_number_integer()) members[label.get<int>()].push_back(asset);
    }
    for (const auto& [label, names] : members) {
      t.rows.push_back({std::to_string(label + 1), join(names, ", ")});
    }
    structure.tables.push_back(std::move(t));
  }
  report.sections.push_back(std::move(structure));

  // ---- Risk and return
  if (have_mu) {
    Section rr{.title = "Risk and return",
               .text =
                   "Each asset's annualised volatility and expected return (the inputs of the "
                   "optimisation) with the portfolio marked."};
    FrontierChartInput in;
    in.assets = r.assets;
    in.asset_volatility = asset_vol;
    in.asset_return = input.expected_returns;
    in.portfolios.push_back({r.model, r.performance.volatility, r.performance.expected_return});
    const std::string title = "Assets and portfolio: risk and return";
    KEEL_REPORT_ADD_CHART(
        rr, make_chart(frontier_chart(in, title), title,
                       "Grey dots: assets; diamond: the " + r.model + " portfolio.", false,
                       "risk/return chart"));
    Table t{.title = "Portfolio vs assets",
            .columns = {"", "expected return", "volatility", "Sharpe"}};
    t.rows.push_back({r.model + " portfolio", format_percent(r.performance.expected_return),
                      format_percent(r.performance.volatility),
                      format_fixed(r.performance.sharpe, 3)});
    Eigen::Index best = 0;
    Eigen::Index calmest = 0;
    for (Eigen::Index i = 1; i < n; ++i) {
      const double si = asset_vol(i) > 0
                            ? (input.expected_returns(i) - input.risk_free_rate) / asset_vol(i)
                            : -INFINITY;
      const double sb =
          asset_vol(best) > 0
              ? (input.expected_returns(best) - input.risk_free_rate) / asset_vol(best)
              : -INFINITY;
      if (si > sb) best = i;
      if (asset_vol(i) < asset_vol(calmest)) calmest = i;
    }
    for (auto [label, i] : {std::pair{"best-Sharpe asset: ", best},
                            std::pair{"lowest-volatility asset: ", calmest}}) {
      const double s = asset_vol(i) > 0
                           ? (input.expected_returns(i) - input.risk_free_rate) / asset_vol(i)
                           : NAN;
      t.rows.push_back({label + r.assets[static_cast<std::size_t>(i)],
                        format_percent(input.expected_returns(i)), format_percent(asset_vol(i)),
                        format_fixed(s, 3)});
    }
    rr.tables.push_back(std::move(t));
    report.sections.push_back(std::move(rr));
  }

  // ---- Diagnostics
  Section diag{.title = "Diagnostics",
               .text =
                   "How the answer was found and checked: every portfolio is verified against "
                   "all constraints after the solve."};
  {
    Table t{.title = "Solver and verification", .columns = {"item", "value"}};
    t.rows.push_back({"solver", r.diagnostics.solver.empty() ? "-" : r.diagnostics.solver});
    t.rows.push_back({"iterations", std::to_string(r.diagnostics.iterations)});
    t.rows.push_back({"solves", std::to_string(r.diagnostics.solves)});
    t.rows.push_back({"solve time", format_fixed(r.diagnostics.solve_ms, 2) + " ms"});
    t.rows.push_back(
        {"max constraint violation", scientific(r.diagnostics.max_constraint_violation)});
    t.rows.push_back({"primal residual", scientific(r.diagnostics.primal_residual)});
    t.rows.push_back({"dual residual", scientific(r.diagnostics.dual_residual)});
    t.rows.push_back({"complementarity", scientific(r.diagnostics.complementarity)});
    diag.tables.push_back(std::move(t));
  }
  {
    Table t{.title = "Constraints, warnings and repairs", .columns = {"kind", "detail"}};
    for (const auto& c : r.diagnostics.active_constraints)
      t.rows.push_back({"active constraint", c});
    for (const auto& x : r.diagnostics.warnings) t.rows.push_back({"warning", x});
    for (const auto& x : r.diagnostics.repairs) t.rows.push_back({"input repair", x});
    if (t.rows.empty())
      t.rows.push_back({"-", "no active constraints reported, no warnings, no repairs"});
    diag.tables.push_back(std::move(t));
  }
  report.sections.push_back(std::move(diag));
  return report;
}

}  // namespace keel::report
