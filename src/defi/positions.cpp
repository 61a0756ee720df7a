#include "keel/defi/positions.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "keel/core/time.hpp"
#include "keel/defi/amm_position.hpp"
#include "keel/defi/perpetual.hpp"
#include "keel/estimate/copula.hpp"

namespace keel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Annualised volatility of the log ratio of two price columns (the pool price of an LP).
double pool_volatility(const Eigen::MatrixXd& r, double periods_per_year, std::size_t column0,
                       std::size_t column1) {
  const auto c0 = static_cast<Eigen::Index>(column0);
  const auto c1 = static_cast<Eigen::Index>(column1);
  double sum = 0.0;
  double sum2 = 0.0;
  Eigen::Index count = 0;
  for (Eigen::Index t = 0; t < r.rows(); ++t) {
    const double x = std::log1p(r(t, c0)) - std::log1p(r(t, c1));
    if (!std::isfinite(x)) continue;
    sum += x;
    sum2 += x * x;
    ++count;
  }
  if (count < 2) return kNaN;
  const double mean = sum / static_cast<double>(count);
  const double variance =
      (sum2 - static_cast<double>(count) * mean * mean) / static_cast<double>(count - 1);
  return std::sqrt(std::max(variance, 0.0) * periods_per_year);
}

Json exposures_json(const std::vector<UnderlyingExposure>& exposures,
                    const std::vector<std::string>& assets, const std::vector<double>& prices) {
  Json out = Json::array();
  for (const UnderlyingExposure& e : exposures) {
    double price = kNaN;
    for (std::size_t j = 0; j < assets.size(); ++j) {
      if (assets[j] == e.underlying) price = prices[j];
    }
    out.push_back({{"underlying", e.underlying},
                   {"delta", json_number(e.delta)},
                   {"delta_value", json_number(e.delta * price)},
                   {"gamma", json_number(e.gamma)}});
  }
  return out;
}

}  // namespace

std::string_view to_string(ScenarioMethod method) {
  return method == ScenarioMethod::kMonteCarlo ? "monte-carlo" : "historical";
}

Status PositionsOptions::validate() const {
  if (horizon < 1) return Status::invalid(fmt::format("--horizon {} must be ≥ 1", horizon));
  if (scenarios == ScenarioMethod::kMonteCarlo && horizon != 1) {
    return Status::invalid(
        "--scenarios monte-carlo draws one-period returns: use --horizon 1, or historical "
        "scenarios for longer horizons");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::invalid(fmt::format("--alpha {} must be in (0, 1)", confidence));
  }
  if (scenarios == ScenarioMethod::kMonteCarlo && draws < 100) {
    return Status::invalid(fmt::format("--draws {} must be ≥ 100", draws));
  }
  return Status::ok();
}

Result<PositionsAnalysis> analyze_positions(const Book& book, const Market& market,
                                            const PositionsOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  if (market.returns.kind != ReturnKind::kSimple) {
    return Status::invalid(
        "positions: scenario prices compound simple returns; drop --log-returns");
  }
  const PricePanel& panel = market.panel;
  const std::vector<std::string> used = book.underlyings();
  // The quote currency itself (a USDC leg of an LP when prices are in USDC) is priced at 1 with
  // zero returns when the price file has no column for it.
  std::vector<std::string> available = panel.assets;
  const bool quote_column =
      std::find(used.begin(), used.end(), book.quote_currency) != used.end() &&
      std::find(available.begin(), available.end(), book.quote_currency) == available.end();
  if (quote_column) available.push_back(book.quote_currency);
  // Bind against every column first, so a missing asset is named against all of them.
  auto check = bind_book(book, available);
  if (!check) return check.status();

  PositionsAnalysis out;
  out.as_of = panel.timestamps.back();
  out.assets = used;
  std::vector<Eigen::Index> columns;  // panel column per used asset; −1 = the quote currency
  for (const std::string& a : used) {
    const auto it = std::find(panel.assets.begin(), panel.assets.end(), a);
    if (it == panel.assets.end()) {
      columns.push_back(-1);
      out.prices.push_back(1.0);
      out.warnings.push_back(fmt::format(
          "{} is the quote currency and has no price column: priced at 1 in every scenario", a));
      continue;
    }
    columns.push_back(static_cast<Eigen::Index>(it - panel.assets.begin()));
    const double last = panel.prices(panel.rows() - 1, columns.back());
    if (!(last > 0.0) || !std::isfinite(last)) {
      return Status::invalid(fmt::format(
          "positions: {} has no positive price on the last row ({}); the book is valued at the "
          "last row's prices, so choose --end or a --missing policy that fills it",
          a, format_timestamp(out.as_of)));
    }
    out.prices.push_back(last);
  }
  auto bound = bind_book(book, used);
  if (!bound) return bound.status();
  auto valuation = value_book(*bound, out.prices, out.as_of);
  if (!valuation) return valuation.status();
  out.valuation = std::move(*valuation);

  // Returns of the used columns, for the scenarios and the pool volatilities.
  Eigen::MatrixXd returns(market.returns.values.rows(), static_cast<Eigen::Index>(used.size()));
  for (std::size_t j = 0; j < used.size(); ++j) {
    if (columns[j] < 0) {
      returns.col(static_cast<Eigen::Index>(j)).setZero();
    } else {
      returns.col(static_cast<Eigen::Index>(j)) = market.returns.values.col(columns[j]);
    }
  }

  out.perps.resize(book.positions.size());
  out.lps.resize(book.positions.size());
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    const BookPosition& position = book.positions[p];
    const auto& cols = bound->columns[p];
    if (const auto* perp = std::get_if<PerpPosition>(&position.spec)) {
      const double mark = out.prices[cols[0]];
      auto marks = mark_perp(*perp, mark);
      if (!marks) return marks.status().with_context(fmt::format("position '{}'", position.name));
      PerpDetails d;
      d.margin_ratio = marks->margin_ratio;
      d.unrealised_pnl_quote = marks->unrealised_pnl_quote;
      d.funding_per_day_quote = funding_paid_quote_unchecked(*perp, mark, 24.0);
      if (perp->contracts != 0.0) {
        auto liquidation = liquidation_price(*perp);
        if (!liquidation) return liquidation.status();
        d.liquidation_price = *liquidation;
        if (marks->margin_ratio >= 1.0) {
          out.warnings.push_back(fmt::format(
              "position '{}': margin ratio {:.3f} ≥ 1 at the last price; the exchange would "
              "liquidate it",
              position.name, marks->margin_ratio));
        }
      }
      out.perps[p] = d;
    } else if (const auto* lp = std::get_if<AmmLpPosition>(&position.spec)) {
      LpDetails d;
      d.volatility = pool_volatility(returns, market.frequency.periods_per_year, cols[0], cols[1]);
      if (!std::isfinite(d.volatility)) {
        out.warnings.push_back(fmt::format(
            "position '{}': too few returns for the pool price volatility; LVR and the range "
            "exit probability assume 0",
            position.name));
        d.volatility = 0.0;
      }
      std::vector<double> token_prices;
      for (std::size_t c : cols) token_prices.push_back(out.prices[c]);
      LpMetricsOptions metrics_options;
      metrics_options.annual_volatility = d.volatility;
      metrics_options.horizon_years =
          static_cast<double>(options.horizon) / market.frequency.periods_per_year;
      auto metrics = lp_metrics(*lp, token_prices, metrics_options);
      if (!metrics) {
        return metrics.status().with_context(fmt::format("position '{}'", position.name));
      }
      d.token_amounts = metrics->amounts;
      d.lvr_rate = metrics->lvr_rate;
      d.range_exit_probability = metrics->exit_probability;
      out.lps[p] = d;
    }
  }

  out.scenario_method = options.scenarios;
  out.horizon = options.horizon;
  out.horizon_years = static_cast<double>(options.horizon) / market.frequency.periods_per_year;
  Eigen::MatrixXd scenario_prices;
  if (options.scenarios == ScenarioMethod::kHistorical) {
    auto s = historical_price_scenarios(returns, out.prices, options.horizon);
    if (!s) return s.status();
    scenario_prices = std::move(*s);
  } else {
    auto fit = fit_copula(returns, CopulaOptions{.family = CopulaFamily::kStudentT});
    if (!fit) return fit.status().with_context("monte-carlo scenarios (t copula fit)");
    auto draws = sample_scenarios(*fit, returns, options.draws, options.seed);
    if (!draws) return draws.status();
    scenario_prices = price_scenarios_from_returns(*draws, out.prices);
  }
  auto revaluation = revalue_book(
      *bound, out.valuation, out.prices, scenario_prices, out.as_of,
      RevaluationOptions{.horizon_years = out.horizon_years, .delta_gamma = options.delta_gamma});
  if (!revaluation) return revaluation.status();
  out.revaluation = std::move(*revaluation);
  out.scenario_prices = std::move(scenario_prices);
  auto risk = book_risk(out.revaluation, options.confidence);
  if (!risk) return risk.status();
  out.risk = std::move(*risk);
  return out;
}

Result<std::vector<BookShock>> stress_book(const Book& book, const PositionsAnalysis& analysis,
                                           const std::vector<ShockScenario>& scenarios,
                                           const AssetMetadata* metadata) {
  auto bound = bind_book(book, analysis.assets);
  if (!bound) return bound.status();
  const auto n = static_cast<Eigen::Index>(analysis.assets.size());
  const Eigen::Map<const Eigen::VectorXd> last(analysis.prices.data(), n);
  Eigen::MatrixXd shocked(static_cast<Eigen::Index>(scenarios.size()), n);
  std::vector<BookShock> out;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    // The shock's asset returns do not depend on weights; equal weights only satisfy the API.
    auto resolved = evaluate_shock_scenario(scenarios[k], analysis.assets, Eigen::VectorXd::Ones(n),
                                            metadata, last);
    if (!resolved) return resolved.status();
    BookShock shock;
    shock.name = resolved->name;
    shock.description = resolved->description;
    shock.warnings = resolved->warnings;
    for (Eigen::Index j = 0; j < n; ++j) {
      shock.asset_returns.push_back(resolved->asset_return(j));
      shocked(static_cast<Eigen::Index>(k), j) =
          last(j) * std::max(1.0 + resolved->asset_return(j), 0.0);
    }
    out.push_back(std::move(shock));
  }
  auto revaluation =
      revalue_book(*bound, analysis.valuation, analysis.prices, shocked, analysis.as_of,
                   RevaluationOptions{.horizon_years = analysis.horizon_years,
                                      .delta_gamma = analysis.revaluation.delta_gamma});
  if (!revaluation) return revaluation.status();
  for (std::size_t k = 0; k < out.size(); ++k) {
    const auto row = static_cast<Eigen::Index>(k);
    out[k].pnl = revaluation->pnl(row);
    for (Eigen::Index p = 0; p < revaluation->position_pnl.cols(); ++p) {
      out[k].position_pnl.push_back(revaluation->position_pnl(row, p));
    }
  }
  return out;
}

Json stress_json(const Book& book, const std::vector<BookShock>& shocks) {
  Json out = Json::array();
  for (const BookShock& s : shocks) {
    Json positions = Json::object();
    for (std::size_t p = 0; p < book.positions.size(); ++p) {
      positions[book.positions[p].name] = json_number(s.position_pnl[p]);
    }
    out.push_back({{"name", s.name},
                   {"description", s.description},
                   {"pnl", json_number(s.pnl)},
                   {"positions", positions},
                   {"warnings", s.warnings}});
  }
  return out;
}

Json positions_json(const Book& book, const PositionsAnalysis& a) {
  Json doc;
  doc["as_of"] = format_timestamp(a.as_of);
  doc["quote_currency"] = book.quote_currency;
  Json prices = Json::object();
  for (std::size_t j = 0; j < a.assets.size(); ++j) prices[a.assets[j]] = json_number(a.prices[j]);
  doc["prices"] = prices;
  Json positions = Json::array();
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    const BookPosition& position = book.positions[p];
    const PositionValue& v = a.valuation.positions[p];
    Json item;
    item["name"] = position.name;
    item["kind"] = std::string(to_string(kind_of(position.spec)));
    item["value"] = json_number(v.value);
    item["exposures"] = exposures_json(v.exposures, a.assets, a.prices);
    item["vega"] = json_number(v.vega);
    item["theta_per_day"] = json_number(v.theta / 365.0);
    if (a.perps[p]) {
      const PerpDetails& d = *a.perps[p];
      item["perp"] = {{"liquidation_price", json_number(d.liquidation_price)},
                      {"margin_ratio", json_number(d.margin_ratio)},
                      {"unrealised_pnl", json_number(d.unrealised_pnl_quote)},
                      {"funding_per_day", json_number(d.funding_per_day_quote)}};
    }
    if (a.lps[p]) {
      const LpDetails& d = *a.lps[p];
      Json amounts = Json::array();
      for (double x : d.token_amounts) amounts.push_back(json_number(x));
      item["lp"] = {{"token_amounts", amounts},
                    {"lvr_per_year", json_number(d.lvr_rate)},
                    {"range_exit_probability", json_number(d.range_exit_probability)},
                    {"pool_volatility", json_number(d.volatility)}};
    }
    item["risk"] = {{"es_contribution", json_number(a.risk.es_contributions[p])},
                    {"standalone_es", json_number(a.risk.standalone_es[p])}};
    positions.push_back(std::move(item));
  }
  doc["positions"] = std::move(positions);
  doc["totals"] = {{"value", json_number(a.valuation.total_value)},
                   {"cash", json_number(a.valuation.cash)},
                   {"exposures", exposures_json(a.valuation.net_exposures, a.assets, a.prices)},
                   {"vega", json_number(a.valuation.vega)},
                   {"theta_per_day", json_number(a.valuation.theta / 365.0)}};
  doc["risk"] = {{"scenarios", std::string(to_string(a.scenario_method))},
                 {"revaluation", a.revaluation.delta_gamma ? "delta-gamma approximation" : "full"},
                 {"count", a.risk.scenarios},
                 {"horizon_periods", a.horizon},
                 {"horizon_days", json_number(a.horizon_years * 365.0)},
                 {"confidence", a.risk.confidence},
                 {"var", json_number(a.risk.var)},
                 {"es", json_number(a.risk.es)},
                 {"mean_pnl", json_number(a.risk.mean_pnl)},
                 {"worst_pnl", json_number(a.risk.worst_pnl)}};
  doc["warnings"] = a.warnings;
  return doc;
}

}  // namespace keel
