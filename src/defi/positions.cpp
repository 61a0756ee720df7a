#include "keel/defi/positions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "keel/core/time.hpp"
#include "keel/defi/amm_position.hpp"
#include "keel/defi/lp_backtest.hpp"
#include "keel/defi/perpetual.hpp"
#include "keel/estimate/copula.hpp"
#include "keel/risk/liquidity.hpp"

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

// The "loan" block of a position in docs/positions.md.
Json loan_json(const Book& book, std::size_t p, const LoanDetails& d) {
  const auto& loan = std::get<LoanPosition>(book.positions[p].spec);
  Json collateral = Json::array();
  for (std::size_t i = 0; i < d.collateral.size(); ++i) {
    const LoanCollateralDetails& c = d.collateral[i];
    Json ladder = Json::array();
    for (const LadderStep& s : c.ladder) {
      Json left = Json::array();
      for (double x : s.collateral_left) left.push_back(json_number(x));
      Json debt_left = Json::array();
      for (double x : s.debt_left) debt_left.push_back(json_number(x));
      ladder.push_back({{"price", json_number(s.price)},
                        {"health_factor_before", json_number(s.health_factor_before)},
                        {"health_factor_after", json_number(s.health_factor_after)},
                        {"liquidations", s.liquidations},
                        {"debt_repaid_value", json_number(s.debt_repaid_value)},
                        {"collateral_seized_value", json_number(s.collateral_seized_value)},
                        {"collateral_left", left},
                        {"debt_left", debt_left},
                        {"bad_debt", json_number(s.bad_debt)}});
    }
    collateral.push_back({{"asset", c.asset},
                          {"amount", json_number(loan.collateral[i].amount)},
                          {"liquidation_threshold", loan.collateral[i].liquidation_threshold},
                          {"liquidation_bonus", loan.collateral[i].liquidation_bonus},
                          {"price", json_number(c.price)},
                          {"liquidation_price", json_number(c.liquidation_price)},
                          {"distance", json_number(c.distance)},
                          {"ladder", ladder}});
  }
  Json debt = Json::array();
  for (const LoanDebt& x : loan.debt) {
    debt.push_back({{"asset", x.asset}, {"amount", json_number(x.amount)}});
  }
  return {{"protocol", d.protocol},
          {"health_factor", json_number(d.health_factor)},
          {"collateral_value", json_number(d.collateral_value)},
          {"debt_value", json_number(d.debt_value)},
          {"toxic_health_factor", json_number(d.toxic_health_factor)},
          {"collateral", collateral},
          {"debt", debt}};
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

Result<BookPrices> last_book_prices(const Book& book, const Market& market) {
  const PricePanel& panel = market.panel;
  if (panel.rows() < 1) return Status::invalid("positions: the price file has no rows");
  BookPrices out;
  out.as_of = panel.timestamps.back();
  out.assets = book.underlyings();
  for (const std::string& a : out.assets) {
    const auto it = std::find(panel.assets.begin(), panel.assets.end(), a);
    if (it != panel.assets.end()) {
      out.columns.push_back(static_cast<Eigen::Index>(it - panel.assets.begin()));
    } else if (a == book.quote_currency) {
      out.columns.push_back(-1);
    } else {
      // bind_book names the position and field of the missing asset against every column.
      std::vector<std::string> available = panel.assets;
      available.push_back(book.quote_currency);
      auto named = bind_book(book, std::move(available));
      if (!named) return named.status();
      return Status::invalid(fmt::format("positions: {} is not a column of the prices", a));
    }
  }
  for (std::size_t j = 0; j < out.assets.size(); ++j) {
    if (out.columns[j] < 0) {
      out.prices.push_back(1.0);
      out.warnings.push_back(fmt::format(
          "{} is the quote currency and has no price column: priced at 1 in every scenario",
          out.assets[j]));
      continue;
    }
    const double last = panel.prices(panel.rows() - 1, out.columns[j]);
    if (!(last > 0.0) || !std::isfinite(last)) {
      return Status::invalid(fmt::format(
          "positions: {} has no positive price on the last row ({}); the book is valued at the "
          "last row's prices, so choose --end or a --missing policy that fills it",
          out.assets[j], format_timestamp(out.as_of)));
    }
    out.prices.push_back(last);
  }
  return out;
}

namespace {

std::string where(const Book& book, const BookPosition& p) {
  std::string out = fmt::format("position '{}'", p.name);
  if (p.line > 0) {
    out += fmt::format(" ({} line {})", book.source.empty() ? "book" : book.source, p.line);
  }
  return out;
}

std::string series_path(const Book& book, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || book.source.empty()) return path;
  return (std::filesystem::path(book.source).parent_path() / p).string();
}

}  // namespace

Status resolve_book(Book& book, const Market& market) {
  KEEL_RETURN_IF_ERROR(book.validate());
  if (book.deposits.empty() && book.funding_series.empty()) return Status::ok();
  auto last = last_book_prices(book, market);
  if (!last) return last.status();
  for (LpDeposit& d : book.deposits) {
    BookPosition& position = book.positions[d.position];
    auto& lp = std::get<AmmLpPosition>(position.spec);
    double token_prices[2] = {0.0, 0.0};
    for (std::size_t k = 0; k < 2 && k < lp.tokens.size(); ++k) {
      const auto it = std::find(last->assets.begin(), last->assets.end(), lp.tokens[k]);
      token_prices[k] = last->prices[static_cast<std::size_t>(it - last->assets.begin())];
    }
    AmmLpPosition probe = lp;
    probe.liquidity = 1.0;  // lp_liquidity_for_deposit checks the other fields
    auto liquidity = lp_liquidity_for_deposit(probe, token_prices[0] / token_prices[1],
                                              d.amounts[0], d.amounts[1]);
    if (!liquidity) {
      return liquidity.status().with_context(where(book, position) + ", key 'deposit'");
    }
    lp.liquidity = *liquidity;
    d.resolved = true;
  }
  const Timestamp day =
      last->as_of - ((last->as_of % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
  for (FundingSeriesSource& f : book.funding_series) {
    BookPosition& position = book.positions[f.position];
    const std::string context = where(book, position) + ", key 'funding_series'";
    const std::string path = series_path(book, f.path);
    auto series = read_daily_funding(path);
    if (!series) return series.status().with_context(context);
    const auto it = std::lower_bound(series->days.begin(), series->days.end(), day);
    if (it == series->days.end() || *it != day) {
      const std::string span = series->days.empty() ? std::string("it has no rows")
                                                    : fmt::format("it covers {} .. {}",
                                                                  format_date(series->days.front()),
                                                                  format_date(series->days.back()));
      return Status::invalid(fmt::format(
          "{}: {} has no funding rate for {}, the day of the last price; {}. End the prices "
          "on a day the series covers (--end) or extend the file",
          context, path, format_date(day), span));
    }
    const double rate = series->values[static_cast<std::size_t>(it - series->days.begin())];
    if (!std::isfinite(rate)) {
      return Status::invalid(
          fmt::format("{}: {} has no finite rate on {}", context, path, format_date(day)));
    }
    std::get<PerpPosition>(position.spec).funding_rate = rate;
    f.resolved = true;
    f.resolved_path = path;
    f.day = day;
    f.rate = rate;
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
  KEEL_RETURN_IF_ERROR(book.check_resolved());
  auto last = last_book_prices(book, market);
  if (!last) return last.status();

  PositionsAnalysis out;
  out.as_of = last->as_of;
  out.assets = std::move(last->assets);
  out.prices = std::move(last->prices);
  out.warnings = std::move(last->warnings);
  const std::vector<Eigen::Index>& columns = last->columns;
  const std::vector<std::string>& used = out.assets;
  // One binding, on the assets the book uses (last_book_prices has checked they all exist).
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
  out.loans.resize(book.positions.size());
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
      d.funding_rate = perp->funding_rate;
      for (const FundingSeriesSource& f : book.funding_series) {
        if (f.position == p) {
          d.funding_series = f.resolved_path;
          d.funding_day = f.day;
        }
      }
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
    } else if (const auto* loan = std::get_if<LoanPosition>(&position.spec)) {
      std::vector<double> loan_prices;
      for (std::size_t c : cols) loan_prices.push_back(out.prices[c]);
      const LoanMarks marks = mark_loan(*loan, loan_prices);
      LoanDetails d;
      d.protocol = loan->protocol;
      d.health_factor = marks.health_factor;
      d.collateral_value = marks.collateral_value;
      d.debt_value = marks.debt_value;
      for (std::size_t i = 0; i < loan->collateral.size(); ++i) {
        const LoanCollateral& c = loan->collateral[i];
        d.toxic_health_factor =
            std::max(d.toxic_health_factor, c.liquidation_threshold * (1.0 + c.liquidation_bonus));
        LoanCollateralDetails cd;
        cd.asset = c.asset;
        cd.price = loan_prices[i];
        cd.liquidation_price = loan_liquidation_price(*loan, loan_prices, i);
        cd.distance = cd.liquidation_price / cd.price - 1.0;
        auto ladder = liquidation_ladder(*loan, loan_prices, i);
        if (!ladder)
          return ladder.status().with_context(fmt::format("position '{}'", position.name));
        cd.ladder = std::move(*ladder);
        d.collateral.push_back(std::move(cd));
      }
      if (marks.health_factor < 1.0) {
        out.warnings.push_back(fmt::format(
            "position '{}': health factor {:.4f} < 1 at the last price; the protocol would "
            "liquidate it",
            position.name, marks.health_factor));
      }
      out.loans[p] = std::move(d);
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

Result<std::vector<BookReplay>> replay_book(const Book& book, const PositionsAnalysis& analysis,
                                            const Market& market,
                                            const std::vector<ReplayRequest>& windows,
                                            const ReplayOptions& options) {
  const PricePanel& panel = market.panel;
  // The book's assets are the held ones (weight 1: their missing history counts); the quote
  // currency without a column stays at 1.
  std::vector<Eigen::Index> columns;
  Eigen::VectorXd held = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(panel.assets.size()));
  for (const std::string& a : analysis.assets) {
    const auto it = std::find(panel.assets.begin(), panel.assets.end(), a);
    columns.push_back(
        it == panel.assets.end() ? -1 : static_cast<Eigen::Index>(it - panel.assets.begin()));
    if (columns.back() >= 0) held[columns.back()] = 1.0;
  }
  auto history = replay_stress_windows(panel, held, windows, options);
  if (!history) return history.status();
  auto bound = bind_book(book, analysis.assets);
  if (!bound) return bound.status();
  const auto n = static_cast<Eigen::Index>(analysis.assets.size());
  std::vector<BookReplay> out;
  for (const WindowReplay& w : history->windows) {
    BookReplay r;
    r.window = w.window;
    r.outcome = w.outcome;
    r.reason = w.reason;
    r.from = w.from;
    r.to = w.to;
    if (w.outcome == ReplayOutcome::kReplayed) {
      r.days = static_cast<double>(w.to - w.from) / static_cast<double>(kSecondsPerDay);
      Eigen::MatrixXd moved(1, n);
      for (Eigen::Index j = 0; j < n; ++j) {
        const Eigen::Index c = columns[static_cast<std::size_t>(j)];
        const double ret = c < 0 ? 0.0 : w.asset_return[c];
        if (!std::isfinite(ret)) {
          return Status::invalid(fmt::format("replay window '{}': {} has no return over it",
                                             w.window.name,
                                             analysis.assets[static_cast<std::size_t>(j)]));
        }
        r.asset_returns.push_back(ret);
        moved(0, j) = analysis.prices[static_cast<std::size_t>(j)] * std::max(1.0 + ret, 0.0);
      }
      auto revaluation =
          revalue_book(*bound, analysis.valuation, analysis.prices, moved, analysis.as_of,
                       RevaluationOptions{.horizon_years = r.days / 365.0,
                                          .delta_gamma = analysis.revaluation.delta_gamma});
      if (!revaluation) {
        return revaluation.status().with_context(fmt::format("replay window '{}'", w.window.name));
      }
      r.pnl = revaluation->pnl(0);
      for (Eigen::Index p = 0; p < revaluation->position_pnl.cols(); ++p) {
        r.position_pnl.push_back(revaluation->position_pnl(0, p));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Json replay_json(const Book& book, const PositionsAnalysis& analysis,
                 const std::vector<BookReplay>& replays) {
  Json out = Json::array();
  for (const BookReplay& r : replays) {
    Json item = {{"name", r.window.name},
                 {"start", format_timestamp(r.window.start)},
                 {"end", format_timestamp(r.window.end)},
                 {"status", std::string(to_string(r.outcome))}};
    if (r.outcome != ReplayOutcome::kReplayed) {
      item["reason"] = r.reason;
      item["pnl"] = nullptr;
      out.push_back(std::move(item));
      continue;
    }
    item["from"] = format_timestamp(r.from);
    item["to"] = format_timestamp(r.to);
    item["days"] = json_number(r.days);
    item["pnl"] = json_number(r.pnl);
    Json positions = Json::object();
    for (std::size_t p = 0; p < book.positions.size(); ++p) {
      positions[book.positions[p].name] = json_number(r.position_pnl[p]);
    }
    item["positions"] = positions;
    Json returns = Json::object();
    for (std::size_t j = 0; j < analysis.assets.size(); ++j) {
      returns[analysis.assets[j]] = json_number(r.asset_returns[j]);
    }
    item["asset_returns"] = returns;
    out.push_back(std::move(item));
  }
  return out;
}

Result<BookLiquidity> book_liquidity(const Book& book, const PositionsAnalysis& analysis,
                                     const Market& market, const BookLiquidityOptions& options) {
  BookLiquidity out;
  out.var = analysis.risk.var;
  const std::size_t n = analysis.assets.size();
  out.liquidation_value.assign(n, 0.0);
  out.liquidation_days.assign(n, 0.0);
  out.cost.assign(n, 0.0);
  // Coins to sell per asset: spot quantities and LP token amounts held now.
  std::vector<double> coins(n, 0.0);
  const auto index = [&](const std::string& a) {
    return static_cast<std::size_t>(std::find(analysis.assets.begin(), analysis.assets.end(), a) -
                                    analysis.assets.begin());
  };
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    if (const auto* spot = std::get_if<SpotPosition>(&book.positions[p].spec)) {
      coins[index(spot->asset)] += spot->quantity;
    } else if (const auto* lp = std::get_if<AmmLpPosition>(&book.positions[p].spec)) {
      if (!analysis.lps[p]) continue;
      const auto& amounts = analysis.lps[p]->token_amounts;
      for (std::size_t k = 0; k < amounts.size() && k < lp->tokens.size(); ++k) {
        coins[index(lp->tokens[k])] += amounts[k];
      }
    }
  }
  const PricePanel& panel = market.panel;
  std::vector<Eigen::Index> columns;
  std::vector<std::size_t> sold;  // assets with a column and something to sell
  for (std::size_t j = 0; j < n; ++j) {
    const auto it = std::find(panel.assets.begin(), panel.assets.end(), analysis.assets[j]);
    columns.push_back(
        it == panel.assets.end() ? -1 : static_cast<Eigen::Index>(it - panel.assets.begin()));
    out.liquidation_value[j] = columns.back() < 0 ? 0.0 : std::abs(coins[j]) * analysis.prices[j];
    if (out.liquidation_value[j] > 0.0) sold.push_back(j);
  }
  const double value = analysis.valuation.total_value;
  if (!panel.has_volumes()) {
    out.reason =
        "the price file has no volumes (a long CSV with a volume column, e.g. the "
        "_market.csv of keel simulate)";
    return out;
  }
  if (!(value > 0.0)) {
    out.reason = fmt::format("the book's value {} is not positive", value);
    return out;
  }
  if (sold.empty()) {
    out.computed = true;
    out.lvar = out.var;
    return out;
  }
  const Eigen::MatrixXd& all_returns = market.returns.values;
  const Eigen::Index t = all_returns.rows();
  const auto m = static_cast<Eigen::Index>(sold.size());
  Eigen::MatrixXd returns(t, m);
  Eigen::MatrixXd volumes(t, m);
  Eigen::VectorXd weights(m);
  for (Eigen::Index k = 0; k < m; ++k) {
    const std::size_t j = sold[static_cast<std::size_t>(k)];
    returns.col(k) = all_returns.col(columns[j]);
    volumes.col(k) = panel.volumes.col(columns[j]).tail(t);
    weights[k] = out.liquidation_value[j] / value;
  }
  auto daily = daily_liquidity(returns, volumes, market.frequency.periods_per_year);
  if (!daily) return daily.status().with_context("book liquidity");
  auto lvar = endogenous_impact_lvar(
      out.var / value, weights, daily->daily_volatility, daily->average_daily_volume,
      EndogenousImpactOptions{.portfolio_value = value,
                              .max_participation = options.max_participation,
                              .impact_coefficient = options.impact_coefficient});
  if (!lvar) return lvar.status().with_context("book liquidity");
  out.computed = true;
  out.liquidity_cost = lvar->liquidity_cost * value;
  out.lvar = out.var + out.liquidity_cost;
  out.max_liquidation_days = lvar->max_liquidation_days;
  for (Eigen::Index k = 0; k < m; ++k) {
    const std::size_t j = sold[static_cast<std::size_t>(k)];
    out.cost[j] = lvar->asset_cost[k] * value;
    out.liquidation_days[j] = lvar->liquidation_days[k];
  }
  return out;
}

Json liquidity_json(const PositionsAnalysis& analysis, const BookLiquidity& l) {
  if (!l.computed) return {{"status", "not-computed"}, {"reason", l.reason}};
  Json assets = Json::object();
  for (std::size_t j = 0; j < analysis.assets.size(); ++j) {
    assets[analysis.assets[j]] = {{"liquidation_value", json_number(l.liquidation_value[j])},
                                  {"days", json_number(l.liquidation_days[j])},
                                  {"cost", json_number(l.cost[j])}};
  }
  return {{"status", "computed"},
          {"model", "square-root impact"},
          {"var", json_number(l.var)},
          {"liquidity_cost", json_number(l.liquidity_cost)},
          {"lvar", json_number(l.lvar)},
          {"max_liquidation_days", json_number(l.max_liquidation_days)},
          {"assets", assets}};
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

std::vector<LiquidationDistance> liquidation_distances(const Book& book,
                                                       const PositionsAnalysis& a) {
  std::vector<LiquidationDistance> out;
  const auto price_of = [&](const std::string& asset) {
    for (std::size_t j = 0; j < a.assets.size(); ++j) {
      if (a.assets[j] == asset) return a.prices[j];
    }
    return kNaN;
  };
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    const BookPosition& position = book.positions[p];
    if (p < a.perps.size() && a.perps[p]) {
      const auto& perp = std::get<PerpPosition>(position.spec);
      LiquidationDistance d;
      d.position = position.name;
      d.kind = "perp";
      d.asset = perp.underlying;
      d.price = price_of(perp.underlying);
      d.liquidation_price = a.perps[p]->liquidation_price;
      d.distance = d.liquidation_price / d.price - 1.0;
      d.health = a.perps[p]->margin_ratio > 0.0 ? 1.0 / a.perps[p]->margin_ratio
                                                : std::numeric_limits<double>::infinity();
      out.push_back(std::move(d));
    }
    if (p < a.loans.size() && a.loans[p]) {
      for (const LoanCollateralDetails& c : a.loans[p]->collateral) {
        LiquidationDistance d;
        d.position = position.name;
        d.kind = "loan";
        d.asset = c.asset;
        d.price = c.price;
        d.liquidation_price = c.liquidation_price;
        d.distance = c.distance;
        d.health = a.loans[p]->health_factor;
        out.push_back(std::move(d));
      }
    }
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
                      {"funding_per_day", json_number(d.funding_per_day_quote)},
                      {"funding_rate", json_number(d.funding_rate)}};
      if (!d.funding_series.empty()) {
        item["perp"]["funding_series"] = {{"file", d.funding_series},
                                          {"date", format_date(d.funding_day)}};
      }
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
    if (p < a.loans.size() && a.loans[p]) item["loan"] = loan_json(book, p, *a.loans[p]);
    item["risk"] = {{"es_contribution", json_number(a.risk.es_contributions[p])},
                    {"standalone_es", json_number(a.risk.standalone_es[p])}};
    positions.push_back(std::move(item));
  }
  doc["positions"] = std::move(positions);
  Json distances = Json::array();
  for (const LiquidationDistance& d : liquidation_distances(book, a)) {
    distances.push_back({{"position", d.position},
                         {"kind", d.kind},
                         {"asset", d.asset},
                         {"price", json_number(d.price)},
                         {"liquidation_price", json_number(d.liquidation_price)},
                         {"distance", json_number(d.distance)},
                         {"health", json_number(d.health)}});
  }
  doc["liquidation"] = std::move(distances);
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
