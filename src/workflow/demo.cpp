#include "keel/workflow/demo.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

#include "keel/backtest/engine.hpp"
#include "keel/data/select.hpp"
#include "keel/estimate/estimates.hpp"
#include "keel/optimize/black_litterman.hpp"
#include "keel/optimize/critical_line.hpp"
#include "keel/optimize/model.hpp"
#include "keel/report/backtest_report.hpp"
#include "keel/report/frontier_report.hpp"
#include "keel/report/optimize_report.hpp"
#include "keel/report/risk_report.hpp"
#include "keel/report/stress_report.hpp"
#include "keel/risk/correlation_stress.hpp"
#include "keel/risk/liquidity_stress.hpp"
#include "keel/risk/risk_profile.hpp"
#include "keel/risk/stress_replay.hpp"
#include "keel/risk/stress_shocks.hpp"

namespace keel {

namespace {

constexpr PortfolioModel kDemoModels[] = {
    PortfolioModel::kMinVariance, PortfolioModel::kMaxSharpe,
    PortfolioModel::kMinCvar,     PortfolioModel::kRiskParity,
    PortfolioModel::kHrp,         PortfolioModel::kBlackLitterman,
    PortfolioModel::kEqualWeight, PortfolioModel::kInverseVolatility,
};
// The models whose report sections are shown in full: HRP (clustering, dendrogram) and the
// max-Sharpe portfolio (risk and stress).
constexpr PortfolioModel kClusteredModel = PortfolioModel::kHrp;
constexpr PortfolioModel kFeaturedModel = PortfolioModel::kMaxSharpe;

std::string top_holdings(const PortfolioResult& r, std::size_t count) {
  if (!r.is_usable()) return r.diagnostics.explanation;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(r.weights.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](Eigen::Index a, Eigen::Index b) { return r.weights(a) > r.weights(b); });
  std::string text;
  for (std::size_t i = 0; i < std::min(count, order.size()); ++i) {
    if (!text.empty()) text += " ";
    text +=
        r.assets[static_cast<std::size_t>(order[i])] + " " + format_percent(r.weights(order[i]), 0);
  }
  return text;
}

// Market caps of `assets` from the metadata (empty when unknown for all of them).
Eigen::VectorXd market_caps(const std::optional<AssetMetadata>& metadata,
                            const std::vector<std::string>& assets) {
  if (!metadata) return {};
  Eigen::VectorXd caps = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(assets.size()));
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (const AssetInfo* info = metadata->find(assets[i]))
      caps(static_cast<Eigen::Index>(i)) = info->market_cap;
  }
  return caps.sum() > 0.0 ? caps : Eigen::VectorXd();
}

// Example views: the largest asset (by cap, else the first column) returns 20% a year; the second
// outperforms the third by 5% a year.
struct ExampleViews {
  std::vector<AbsoluteView> absolute;
  std::vector<RelativeView> relative;
  std::string text;
};
ExampleViews example_views(const std::vector<std::string>& assets, const Eigen::VectorXd& caps) {
  std::vector<std::size_t> order(assets.size());
  std::iota(order.begin(), order.end(), 0);
  if (caps.size() > 0) {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return caps(static_cast<Eigen::Index>(a)) > caps(static_cast<Eigen::Index>(b));
    });
  }
  ExampleViews v;
  v.absolute.push_back({assets[order[0]], 0.20});
  v.relative.push_back({{assets[order[1]]}, {assets[order[2]]}, 0.05});
  v.text = assets[order[0]] + " returns 20% a year; " + assets[order[1]] + " outperforms " +
           assets[order[2]] + " by 5% a year";
  return v;
}

std::vector<report::AssetGrouping> groupings(const std::optional<AssetMetadata>& metadata,
                                             const std::vector<std::string>& assets) {
  std::vector<report::AssetGrouping> out;
  if (!metadata) return out;
  for (const char* field : {"sector", "chain"}) {
    report::AssetGrouping g{.name = field, .tags = {}};
    bool any = false;
    for (const auto& a : assets) {
      auto tag = metadata->tag(a, field);
      g.tags.push_back(tag ? *tag : "");
      any = any || (tag && !tag->empty());
    }
    if (any) out.push_back(std::move(g));
  }
  return out;
}

// The buy-and-hold benchmark: the asset the user named, else BTC when present, else the largest
// market cap, else the first column.
Result<std::string> benchmark_asset(const std::string& requested,
                                    const std::vector<std::string>& assets,
                                    const Eigen::VectorXd& caps) {
  if (!requested.empty()) {
    if (std::find(assets.begin(), assets.end(), requested) == assets.end()) {
      return Status::invalid("--benchmark " + requested +
                             ": no such asset in the prices; choose one of the columns (e.g. " +
                             assets.front() + ")");
    }
    return requested;
  }
  for (const char* btc : {"BTC", "BTCUSDT", "BTC-USD", "BTCUSD"}) {
    if (std::find(assets.begin(), assets.end(), btc) != assets.end()) return std::string(btc);
  }
  if (caps.size() > 0) {
    Eigen::Index largest = 0;
    caps.maxCoeff(&largest);
    return assets[static_cast<std::size_t>(largest)];
  }
  return assets.front();
}

// Stablecoins by the metadata flag (none without metadata).
std::vector<bool> stablecoin_mask(const std::optional<AssetMetadata>& metadata,
                                  const std::vector<std::string>& assets) {
  std::vector<bool> mask(assets.size(), false);
  if (!metadata) return mask;
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const AssetInfo* info = metadata->find(assets[i]);
    mask[i] = info != nullptr && info->is_stablecoin;
  }
  return mask;
}

std::vector<std::string> pick(const std::vector<std::string>& assets, const std::vector<bool>& mask,
                              bool value) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (mask[i] == value) out.push_back(assets[i]);
  }
  return out;
}

// The whole book from a model's risky sleeve: the sleeve scaled to 1 − cash, the cash split
// equally over the stablecoins; performance from the full-panel estimates.
PortfolioResult whole_book(const PortfolioResult& sleeve, const std::vector<std::string>& assets,
                           const std::vector<bool>& stable, double cash, const Eigen::VectorXd& mu,
                           const Eigen::MatrixXd& cov, double risk_free) {
  PortfolioResult book = sleeve;
  book.assets = assets;
  book.weights = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(assets.size()));
  const auto stables = static_cast<double>(std::count(stable.begin(), stable.end(), true));
  const double invested = stables > 0 ? 1.0 - cash : 1.0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    if (stable[i]) {
      book.weights(ii) = cash / stables;
    } else {
      book.weights(ii) = invested * sleeve.weights(static_cast<Eigen::Index>(k++));
    }
  }
  book.performance = compute_performance(book.weights, mu, cov, risk_free);
  book.details["risky_sleeve"] = {{"weight", invested},
                                  {"stablecoin_cash", stables > 0 ? cash : 0.0}};
  return book;
}

void append(report::Report& into, Result<report::Report> part, const std::string& prefix,
            std::vector<std::string>& warnings) {
  if (!part) {
    warnings.push_back(prefix + ": " + part.status().message());
    return;
  }
  for (auto& s : part->sections) {
    if (s.title.rfind(prefix, 0) != 0) s.title = prefix + ": " + s.title;
    into.sections.push_back(std::move(s));
  }
}

}  // namespace

MarketOptions DemoOptions::default_market() {
  MarketOptions market;
  market.missing.kind = MissingPolicyKind::kDropAssets;
  market.missing.max_missing_fraction = 0.5;
  return market;
}

Status DemoOptions::validate() const {
  KEEL_RETURN_IF_ERROR(market.validate());
  if (!(max_weight > 0.0 && max_weight <= 1.0)) {
    return Status::invalid(fmt::format("demo: max_weight {} must be in (0, 1]", max_weight));
  }
  if (!(stablecoin_cash >= 0.0 && stablecoin_cash <= 0.9)) {
    return Status::invalid(
        fmt::format("demo: stablecoin_cash {} must be in [0, 0.9]", stablecoin_cash));
  }
  if (!std::isfinite(risk_free_rate)) {
    return Status::invalid("demo: the risk-free rate must be a finite number");
  }
  if (window < 2) return Status::invalid(fmt::format("demo: window {} must be >= 2", window));
  if (!(portfolio_value > 0.0) || !std::isfinite(portfolio_value)) {
    return Status::invalid(
        fmt::format("demo: portfolio_value {} must be a positive number", portfolio_value));
  }
  return Status::ok();
}

// Contiguous runs of the simulator's crash flag, the longest three, as stress windows.
std::vector<StressWindow> simulated_crash_windows(const SimulatedMarket& market) {
  std::vector<std::pair<int, int>> runs;
  const auto& crash = market.crash;
  for (std::size_t t = 0; t < crash.size();) {
    if (!crash[t]) {
      ++t;
      continue;
    }
    std::size_t end = t;
    while (end + 1 < crash.size() && crash[end + 1]) ++end;
    runs.emplace_back(static_cast<int>(t), static_cast<int>(end));
    t = end + 1;
  }
  std::sort(runs.begin(), runs.end(),
            [](auto a, auto b) { return a.second - a.first > b.second - b.first; });
  std::vector<StressWindow> out;
  const auto& ts = market.panel.timestamps;
  for (std::size_t k = 0; k < std::min<std::size_t>(3, runs.size()); ++k) {
    const auto [first, last] = runs[k];
    const auto start = static_cast<std::size_t>(std::max(0, first - 1));
    out.push_back({"simulated-crash-" + format_date(ts[static_cast<std::size_t>(first)]), ts[start],
                   ts[static_cast<std::size_t>(last)]});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  return out;
}

Result<DemoResult> run_demo(DemoInput input, const DemoOptions& options, const Context& context) {
  KEEL_RETURN_IF_ERROR(options.validate());
  DemoResult out;
  Json& doc = out.document;
  if (!input.simulation.is_null()) doc["simulation"] = std::move(input.simulation);
  const bool simulated = doc.contains("simulation");
  const PricePanel& raw = input.prices;
  const std::optional<AssetMetadata>& metadata = input.metadata;

  // 1. Inspect the raw prices.
  auto raw_frequency = infer_frequency(raw.timestamps);
  if (!raw_frequency) return raw_frequency.status().with_context(raw.source);
  const PanelInspection inspection = inspect_panel(raw, *raw_frequency);
  doc["inspection"] = inspection.to_json();

  // 2. Clean and estimate (full sample, for the allocation, risk and stress sections).
  auto market = prepare_market(raw, options.market);
  if (!market) return market.status();
  const double ppy = market->frequency.periods_per_year;
  const auto& assets = market->panel.assets;
  const Eigen::MatrixXd& R = market->returns.values;

  // Stablecoins are cash, not a risky asset with near-zero volatility: the models allocate the
  // risky sleeve and the book holds `cash_floor` in stablecoins beside it, as a treasury would.
  const std::vector<bool> stable = stablecoin_mask(metadata, assets);
  const std::vector<std::string> risky_assets = pick(assets, stable, false);
  const std::vector<std::string> stable_assets = pick(assets, stable, true);
  const double cash = stable_assets.empty() ? 0.0 : options.stablecoin_cash;
  if (risky_assets.size() < 3) {
    return Status::invalid(
        "the demo needs at least 3 non-stablecoin assets after the missing-data policy " +
        to_string(options.market.missing) + "; keep more assets (a looser policy) or add prices");
  }
  Eigen::MatrixXd R_risky(R.rows(), static_cast<Eigen::Index>(risky_assets.size()));
  for (std::size_t i = 0, k = 0; i < assets.size(); ++i) {
    if (!stable[i])
      R_risky.col(static_cast<Eigen::Index>(k++)) = R.col(static_cast<Eigen::Index>(i));
  }
  // Mean returns and the recommended shrinkage covariance of the risky sleeve, annualised.
  const MomentOptions sleeve_moments{.covariance = {.method = kRecommendedCovariance}};
  auto cov = estimate_annualised_covariance(R_risky, ppy, sleeve_moments);
  if (!cov) return cov.status();
  auto mu = estimate_annualised_expected_returns(R_risky, ppy, sleeve_moments);
  if (!mu) return mu.status();
  // The whole book (sleeve + stablecoin cash) is described with sample moments of every asset.
  auto mu_all = estimate_annualised_expected_returns(R, ppy, MomentOptions{});
  if (!mu_all) return mu_all.status();
  auto cov_all = estimate_annualised_covariance(R, ppy, MomentOptions{});
  if (!cov_all) return cov_all.status();
  const Eigen::MatrixXd& covariance_all = cov_all->annualised;

  ModelInputs inputs;
  inputs.assets = risky_assets;
  inputs.expected_returns = mu->annualised;
  inputs.covariance = cov->annualised;
  inputs.scenarios = R_risky;
  inputs.periods_per_year = ppy;
  inputs.market_caps = market_caps(metadata, risky_assets);
  const std::string cash_text =
      stable_assets.empty()
          ? std::string("no stablecoins in the metadata: every asset is in the risky universe")
          : "stablecoins (" + fmt::format("{}", fmt::join(stable_assets, ", ")) +
                ") held as cash, " + format_percent(cash, 0) +
                " of the book split equally; the models allocate the other " +
                format_percent(1.0 - cash, 0) + " among " + std::to_string(risky_assets.size()) +
                " risky assets";
  const ExampleViews views = example_views(risky_assets, inputs.market_caps);
  auto made_views = make_views(risky_assets, views.absolute, views.relative);
  if (!made_views) return made_views.status();
  inputs.views = *made_views;
  doc["inputs"] = inputs_json(*market);
  Json repairs = Json::array();
  for (const auto& r : market->repairs) repairs.push_back(r.to_json());
  doc["inputs"]["repairs"] = std::move(repairs);
  doc["estimates"] = {{"expected_returns", "mean"},
                      {"covariance", "ledoit-wolf-constant-correlation"},
                      {"shrinkage", json_number(cov->per_period.diagnostics.shrinkage)},
                      {"black_litterman_views", views.text},
                      {"stablecoin_cash", {{"assets", stable_assets}, {"weight", cash}}},
                      {"book", cash_text}};

  auto spec_for = [&](PortfolioModel model) {
    ModelSpec spec;
    spec.model = model;
    spec.risk_free_rate = options.risk_free_rate;
    if (is_mean_variance(model) || is_tail_risk(model))
      spec.constraints.upper_bound = options.max_weight;
    if (model == PortfolioModel::kBlackLitterman) {
      // The posterior optimised as a long-only max-Sharpe book with the same cap, as a manager
      // would use it (the closed-form implied weights are unconstrained and can be very levered).
      spec.constraints.upper_bound = options.max_weight;
      spec.black_litterman_optimizer = PortfolioModel::kMaxSharpe;
    }
    return spec;
  };

  // 3. Allocate, then the risk and stress of each portfolio.
  const Eigen::MatrixXd spreads = market->panel.has_spreads()
                                      ? Eigen::MatrixXd(market->panel.spreads.bottomRows(R.rows()))
                                      : Eigen::MatrixXd();
  const Eigen::MatrixXd volumes = market->panel.has_volumes()
                                      ? Eigen::MatrixXd(market->panel.volumes.bottomRows(R.rows()))
                                      : Eigen::MatrixXd();
  const double portfolio_value = options.portfolio_value;
  // Real crashes are replayed only on real prices that cover them; on simulated prices (whose
  // dates are fictional) and where the data does not cover a window, the crash is stated as a
  // hypothetical shock of the same size. The simulator's own crash episodes are replayed.
  std::vector<ReplayRequest> windows;
  if (!simulated) {
    for (const auto& w : crypto_stress_windows()) windows.push_back({w, false});
  }
  for (const auto& w : input.crash_windows) windows.push_back({w, false});
  auto sized_shock = [&](const StressWindow& w) {
    return window_sized_shock(w, !stable_assets.empty());
  };
  ShockScenario crash_scenario{.name = "crypto crash: everything -50%, stablecoins -5%",
                               .description = "A broad crash with a mild stablecoin depeg",
                               .shocks = {ShockSpec{.all = true,
                                                    .assets = {},
                                                    .group = {},
                                                    .asset_return = -0.5,
                                                    .price = {},
                                                    .source = "demo"}},
                               .source = "demo"};
  if (metadata) {
    crash_scenario.shocks.push_back(ShockSpec{.all = false,
                                              .assets = {},
                                              .group = "stablecoin",
                                              .asset_return = -0.05,
                                              .price = {},
                                              .source = "demo"});
  }
  const Eigen::VectorXd last_prices =
      market->panel.prices.row(market->panel.rows() - 1).transpose();

  Table table;
  for (const char* c : {"model", "status", "return", "vol", "Sharpe", "VaR95", "CVaR95", "max DD",
                        "worst stress", "largest holdings"}) {
    table.add_column(c, std::string(c) == "model" || std::string(c) == "status" ||
                                std::string(c) == "largest holdings"
                            ? Align::kLeft
                            : Align::kRight);
  }
  Json portfolios = Json::array();
  std::vector<PortfolioResult> results;
  std::vector<std::string> warnings;  // the library's, printed and written to results.json
  for (const auto& w : mu->warnings) warnings.push_back("expected returns: " + w);
  for (const auto& w : cov->per_period.diagnostics.warnings) warnings.push_back("covariance: " + w);
  report::Report report{.title = "Keel demo", .meta = {}, .sections = {}};
  report::Section overview{.title = "Portfolios", .text = {}, .charts = {}, .tables = {}};
  report::Table overview_table{
      .title = "Eight models on the same estimates",
      .columns = {"model", "status", "expected return", "volatility", "Sharpe", "VaR 95%",
                  "CVaR 95%", "max drawdown", "worst stress P&L", "largest holdings"},
      .rows = {},
      .note =
          "In-sample, annualised; VaR/CVaR are historical one-period "
          "losses; stress is the worst replayed crash window or "
          "hypothetical shock."};
  for (PortfolioModel model : kDemoModels) {
    auto result = optimize_portfolio(inputs, spec_for(model));
    if (!result) return result.status().with_context(std::string(to_string(model)));
    const PortfolioResult r = result->is_usable()
                                  ? whole_book(*result, assets, stable, cash, mu_all->annualised,
                                               covariance_all, options.risk_free_rate)
                                  : *result;
    Json entry = r.to_json();
    for (const auto& w : r.diagnostics.warnings) warnings.push_back(r.model + ": " + w);
    std::string var95 = "-", cvar95 = "-", maxdd = "-", worst = "-";
    if (!r.is_usable()) {
      out.exit_code = std::max(out.exit_code, keel::exit_code(r.status));
    } else {
      RiskProfileOptions risk_options{
          .periods_per_year = ppy,
          .methods = {VarMethod::kHistorical, VarMethod::kGaussian, VarMethod::kCornishFisher},
          .portfolio_value = portfolio_value};
      if (model == kFeaturedModel) risk_options.methods.push_back(VarMethod::kMonteCarlo);
      auto profile = risk_profile(R, r.weights, spreads, volumes, risk_options);
      if (!profile) return profile.status().with_context(std::string(to_string(model)));
      entry["risk"] = profile->to_json(assets, portfolio_value);
      var95 = format_percent(profile->estimates[0].var);
      cvar95 = format_percent(profile->estimates[0].es);
      maxdd = format_percent(profile->drawdown.max_drawdown);

      auto replay = replay_stress_windows(market->panel, r.weights, windows);
      if (!replay) return replay.status();
      const AssetMetadata* tags = metadata ? &*metadata : nullptr;
      std::vector<ShockScenarioResult> shocks;
      auto shock = evaluate_shock_scenario(crash_scenario, assets, r.weights, tags, last_prices);
      if (!shock) return shock.status();
      shocks.push_back(std::move(*shock));
      for (const auto& w : crypto_stress_windows()) {
        const bool replayed =
            std::any_of(replay->windows.begin(), replay->windows.end(), [&](const WindowReplay& x) {
              return x.window.name == w.name && x.outcome == ReplayOutcome::kReplayed;
            });
        if (replayed) continue;
        auto scenario = sized_shock(w);
        if (!scenario) return scenario.status();
        auto sized = evaluate_shock_scenario(*scenario, assets, r.weights, tags, last_prices);
        if (!sized) return sized.status();
        shocks.push_back(std::move(*sized));
      }
      auto correlation = portfolio_correlation_stress(R, r.weights);
      if (!correlation) return correlation.status();
      LiquidityStressOptions liquidity_options;
      liquidity_options.impact.portfolio_value = portfolio_value;
      auto liquidity = liquidity_stress(R, spreads, volumes, ppy, r.weights, liquidity_options);
      if (!liquidity) return liquidity.status();
      double worst_pnl = 0.0;
      Json hypothetical = Json::array();
      for (const auto& h : shocks) {
        worst_pnl = std::min(worst_pnl, h.pnl.total);
        hypothetical.push_back(h.to_json(portfolio_value));
      }
      for (const auto& w : replay->windows) {
        if (w.outcome == ReplayOutcome::kReplayed) worst_pnl = std::min(worst_pnl, w.total);
      }
      worst = format_percent(worst_pnl);
      entry["stress"] = {{"historical", replay->to_json(portfolio_value)},
                         {"hypothetical", std::move(hypothetical)},
                         {"correlation_stress", correlation->to_json(ppy)},
                         {"liquidity_stress", liquidity->to_json()}};

      if (options.build_report && model == kFeaturedModel) {
        std::vector<report::TailRiskEstimate> tail;
        for (const auto& e : profile->estimates) {
          tail.push_back({.method = std::string(to_string(e.method)), .var = e.var, .cvar = e.es});
        }
        if (profile->spread_lvar) tail[0].lvar = profile->spread_lvar->lvar;
        std::vector<report::ContributionSet> sets;
        for (const auto& c : profile->contributions) {
          sets.push_back({.measure = std::string(to_string(c.measure)),
                          .total = c.total,
                          .component = c.component,
                          .percent = c.percent});
        }
        report::RiskReportInput risk_input{
            .meta = {},
            .assets = assets,
            .weights = r.weights,
            .timestamps = std::vector<Timestamp>(market->panel.timestamps.begin() + 1,
                                                 market->panel.timestamps.end()),
            .portfolio_returns = profile->portfolio_returns,
            .log_returns = false,
            .periods_per_year = ppy,
            .confidence = 0.95,
            .horizon = 1,
            .tail_risk = tail,
            .contributions = sets,
            .rolling_window = 0};
        append(report, report::risk_report(risk_input), "Risk of " + r.model, warnings);
        report::StressReportInput stress_input{.meta = {},
                                               .assets = assets,
                                               .weights = r.weights,
                                               .portfolio_value = portfolio_value,
                                               .periods_per_year = ppy,
                                               .historical = *replay,
                                               .hypothetical = shocks,
                                               .correlation = *correlation,
                                               .liquidity = *liquidity};
        append(report, report::stress_report(stress_input), "Stress of " + r.model, warnings);
      }
    }
    std::vector<std::string> row = {r.model,
                                    std::string(to_string(r.status)),
                                    format_percent(r.performance.expected_return),
                                    format_percent(r.performance.volatility),
                                    format_fixed(r.performance.sharpe, 2),
                                    var95,
                                    cvar95,
                                    maxdd,
                                    worst,
                                    top_holdings(r, 3)};
    table.add_row(row);
    overview_table.rows.push_back(std::move(row));
    portfolios.push_back(std::move(entry));
    results.push_back(*result);
  }
  doc["portfolios"] = std::move(portfolios);

  // 4. The exact frontier (CLA) with the same bounds as the mean-variance models.
  const auto n = static_cast<Eigen::Index>(risky_assets.size());
  auto frontier =
      critical_line(inputs.expected_returns, inputs.covariance, Eigen::VectorXd::Zero(n),
                    Eigen::VectorXd::Constant(n, options.max_weight));

  // 5. Walk-forward backtest of the six headline models against benchmarks, on the raw prices
  //    (late listings enter after the window; collapsed assets are sold at their last price).
  //    The risky sleeve is backtested (fully invested); the stablecoin cash bucket is not traded.
  const std::vector<bool> raw_stable = stablecoin_mask(metadata, raw.assets);
  auto risky_raw = select(raw, PanelSelection{.assets = pick(raw.assets, raw_stable, false)});
  if (!risky_raw) return risky_raw.status();
  const auto benchmark = benchmark_asset(options.benchmark, risky_raw->assets,
                                         market_caps(metadata, risky_raw->assets));
  if (!benchmark) return benchmark.status();
  BacktestOptions bt;
  bt.window = std::min(options.window, static_cast<int>(raw.rows() / 3));
  bt.periods_per_year = ppy;
  bt.risk_free_rate = options.risk_free_rate;
  bt.costs.fee_bps = 10;
  bt.costs.half_spread_bps = 5;
  if (raw.has_volumes()) bt.costs.impact_coefficient = 0.1;
  bt.market_caps = market_caps(metadata, risky_raw->assets);
  if (metadata) {
    for (const auto& a : risky_raw->assets) {
      auto tag = metadata->tag(a, "sector");
      bt.groups.push_back(tag && !tag->empty() ? *tag : "unknown");
    }
  }
  std::vector<Strategy> strategies;
  for (PortfolioModel model : kDemoModels) {
    if (model == PortfolioModel::kEqualWeight || model == PortfolioModel::kInverseVolatility)
      continue;
    Strategy s;
    s.name = std::string(to_string(model));
    s.model = spec_for(model);
    s.rebalance = *parse_rebalance_schedule("weekly");
    s.estimation.covariance.method = kRecommendedCovariance;
    s.fallback.kind = FallbackKind::kEqualWeight;
    if (model == PortfolioModel::kBlackLitterman) {
      auto v = make_views(risky_raw->assets, views.absolute, views.relative);
      if (!v) return v.status();
      s.views = *v;
    }
    strategies.push_back(std::move(s));
  }
  {
    Strategy hold;
    hold.name = "hold " + *benchmark;
    hold.rule = StrategyRule::kBuyAndHold;
    hold.asset = *benchmark;
    hold.rebalance.kind = RebalanceKind::kNever;
    hold.is_benchmark = true;
    strategies.push_back(hold);
    Strategy ew;
    ew.name = "equal-weight";
    ew.model.model = PortfolioModel::kEqualWeight;
    ew.rebalance.kind = RebalanceKind::kMonthly;
    ew.is_benchmark = true;
    strategies.push_back(ew);
    if (bt.market_caps.size() > 0) {
      Strategy cap;
      cap.name = "market-cap";
      cap.model.model = PortfolioModel::kMarketCap;
      cap.rebalance.kind = RebalanceKind::kMonthly;
      cap.is_benchmark = true;
      strategies.push_back(cap);
    }
  }
  auto backtest = run_backtest(*risky_raw, strategies, bt, context);
  if (!backtest) return backtest.status().with_context("backtest");
  doc["backtest"] = backtest_to_json(*backtest, false);
  doc["backtest"]["settings"] = {{"window", bt.window},
                                 {"rebalance", "weekly"},
                                 {"universe", "risky sleeve (stablecoins excluded)"},
                                 {"benchmark", *benchmark},
                                 {"lag", 1},
                                 {"fee_bps", bt.costs.fee_bps},
                                 {"half_spread_bps", bt.costs.half_spread_bps},
                                 {"impact_coefficient", bt.costs.impact_coefficient}};

  // 6. The report: overview, frontier, clustered allocation, risk, stress, backtest.
  if (options.build_report) {
    report.meta = report::report_meta(doc["inputs"]);
    report.meta.push_back(
        "Mean returns and Ledoit–Wolf covariance toward constant correlation (shrinkage " +
        format_fixed(cov->per_period.diagnostics.shrinkage, 3) +
        "); mean-variance and CVaR "
        "models long-only with weights ≤ " +
        format_percent(options.max_weight, 0) + "; " + cash_text +
        "; Black–Litterman views: " + views.text +
        " (posterior optimised "
        "for max Sharpe under the same limits).");
    overview.tables.push_back(std::move(overview_table));
    report.sections.insert(report.sections.begin(), std::move(overview));
    std::vector<report::Section> tail;
    if (frontier && frontier->is_usable()) {
      auto sampled = frontier->sample(40);
      if (sampled) {
        report::FrontierReportInput fi{.meta = {},
                                       .assets = risky_assets,
                                       .expected_returns = inputs.expected_returns,
                                       .covariance = inputs.covariance,
                                       .risk_free_rate = options.risk_free_rate,
                                       .points = *sampled};
        report::Report part{.title = {}, .meta = {}, .sections = {}};
        append(part, report::frontier_report(*frontier, fi),
               "Efficient frontier of the risky sleeve", warnings);
        for (auto& s : part.sections) tail.push_back(std::move(s));
      }
    }
    for (const auto& r : results) {
      if (r.model != to_string(kClusteredModel) || !r.is_usable()) continue;
      report::OptimizeReportInput oi{.meta = {},
                                     .covariance = inputs.covariance,
                                     .expected_returns = inputs.expected_returns,
                                     .risk_free_rate = options.risk_free_rate,
                                     .groupings = groupings(metadata, risky_assets)};
      report::Report part{.title = {}, .meta = {}, .sections = {}};
      append(part, report::optimize_report(r, oi), "Risky sleeve of " + r.model, warnings);
      for (auto& s : part.sections) tail.push_back(std::move(s));
    }
    // Frontier and clustered allocation come right after the overview, before risk and stress.
    report.sections.insert(report.sections.begin() + 1, std::make_move_iterator(tail.begin()),
                           std::make_move_iterator(tail.end()));
    report::BacktestReportInput bt_input;
    bt_input.max_strategy_details = 3;  // keeps the page light; results.json has all of them
    auto bt_sections = report::backtest_sections(*backtest, bt_input);
    if (!bt_sections) return bt_sections.status().with_context("backtest report");
    for (auto& s : *bt_sections) report.sections.push_back(std::move(s));
    out.report = std::move(report);
  }
  if (!warnings.empty()) doc["warnings"] = warnings;

  out.inspection = inspection;
  out.shrinkage = cov->per_period.diagnostics.shrinkage;
  out.book = cash_text;
  out.allocation = std::move(table);
  out.backtest_summary =
      "Backtest " + format_timestamp(backtest->timestamps.front()) + " .. " +
      format_timestamp(backtest->timestamps.back()) + ", weekly, " + std::to_string(bt.window) +
      "-period window, 10 bp fee + spread" + (bt.costs.has_impact() ? " + impact" : "") +
      ", net of costs, risky sleeve fully invested; benchmark hold " + *benchmark;
  for (const char* c : {"strategy", "CAGR", "vol", "Sharpe", "max DD", "turnover/yr", "costs bp/yr",
                        "costs total"}) {
    out.backtest.add_column(c, std::string(c) == "strategy" ? Align::kLeft : Align::kRight);
  }
  for (const auto& s : backtest->strategies) {
    const auto& m = s.metrics;
    out.backtest.add_row({s.name + (s.is_benchmark ? " (benchmark)" : ""), format_percent(m.cagr),
                          format_percent(m.volatility), format_fixed(m.sharpe, 2),
                          format_percent(m.max_drawdown), format_fixed(m.turnover_annual, 2),
                          format_fixed(m.cost_bps_per_year, 0),
                          format_money(m.costs_total_value, simulated ? "USD" : "")});
  }
  out.warnings = std::move(warnings);
  out.market = std::move(*market);
  return out;
}

}  // namespace keel
