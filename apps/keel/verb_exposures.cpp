// keel exposures: factor betas of a portfolio and of its assets (docs/exposures.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>

#include "common.hpp"
#include "keel/core/table.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/factors/exposures.hpp"
#include "keel/factors/factor_builders.hpp"
#include "keel/factors/factor_series.hpp"
#include "verb.hpp"
#include "weights_file.hpp"

namespace keel::cli {

namespace {

struct ExposuresArgs {
  PriceInputOptions prices;
  OutputOptions output;
  PortfolioOptions portfolio;
  std::string factors;  // --factors FILE
  std::string factors_kind = "returns";
  std::string market = "auto";      // asset, equal, cap, none, auto
  std::string market_caps_history;  // --market-caps-history FILE (wide caps by date)
  std::string metadata;             // --metadata FILE
  std::string sectors;              // --sectors FIELD
  std::string sector_weighting = "equal";
  bool sector_long_short = false;
  std::string pca;  // --pca N or mp
  std::string method = "ols";
  double half_life = 90.0;
  int window = 365;
  std::string collinear = "refuse";
  double confidence = 0.95;
};

Json vector_json(const Eigen::VectorXd& v) {
  Json out = Json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    out.push_back(std::isfinite(v(i)) ? Json(v(i)) : Json(nullptr));
  }
  return out;
}

Json fit_json(const RegressionResult& fit, const std::vector<std::string>& factors,
              bool intercept) {
  Json out;
  const Eigen::Index off = intercept ? 1 : 0;
  const auto k = static_cast<Eigen::Index>(factors.size());
  if (fit.coefficients.size() != k + off) return out;
  if (intercept) {
    out["alpha"] = fit.coefficients(0);
    out["alpha_standard_error"] = fit.standard_errors(0);
  }
  Json betas = Json::object();
  for (Eigen::Index j = 0; j < k; ++j) {
    Json b;
    b["beta"] = fit.coefficients(j + off);
    b["standard_error"] = fit.standard_errors(j + off);
    b["t"] = fit.t_statistics(j + off);
    betas[factors[static_cast<std::size_t>(j)]] = b;
  }
  out["betas"] = betas;
  out["r_squared"] = std::isfinite(fit.r_squared) ? Json(fit.r_squared) : Json(nullptr);
  out["residual_std"] = fit.residual_std;
  out["observations"] = fit.observations;
  out["iterations"] = fit.iterations;
  out["converged"] = fit.converged;
  return out;
}

Result<ReturnSeries> build_factors(const ExposuresArgs& args, const Market& prices,
                                   std::vector<std::string>& sources) {
  std::vector<ReturnSeries> parts;
  const ReturnSeries& r = prices.returns;
  PricePanel caps;
  const bool need_caps = args.market == "cap" || args.sector_weighting == "cap";
  if (need_caps) {
    if (args.market_caps_history.empty()) {
      return Status::invalid(
          "--market cap and --sector-weighting cap need --market-caps-history FILE (market caps "
          "by date, laid out like a wide price file)");
    }
    ReadOptions ro;
    ro.keep_raw_symbols = args.prices.keep_raw_symbols;
    ro.zero_as_missing = true;  // a cap of 0 means unknown
    auto c = read_prices(args.market_caps_history, ro);
    if (!c) return c.status();
    caps = std::move(*c);
  }
  std::string market = args.market;
  if (market == "auto") {
    const bool has_btc =
        std::find(r.assets.begin(), r.assets.end(), std::string("BTC")) != r.assets.end();
    market = !args.factors.empty() ? "none" : has_btc ? "BTC" : "equal";
  }
  std::optional<ReturnSeries> market_series;
  if (market != "none") {
    auto options = parse_market_factor(market);
    if (!options) return options.status().with_context("--market");
    options->market_caps = &caps;
    auto m = market_factor(r, *options);
    if (!m) return m.status();
    market_series = *m;
    sources.push_back(options->kind == MarketFactorKind::kAsset
                          ? "market = " + options->asset + " returns"
                      : options->kind == MarketFactorKind::kCapWeight
                          ? "market = cap-weighted index (caps of the previous date, " +
                                args.market_caps_history + ")"
                          : "market = equal-weighted average of the assets");
    parts.push_back(std::move(*m));
  }
  if (!args.sectors.empty()) {
    if (args.metadata.empty()) {
      return Status::invalid("--sectors " + args.sectors +
                             " needs --metadata FILE with that tag column");
    }
    auto meta = read_metadata(args.metadata);
    if (!meta) return meta.status();
    SectorFactorOptions so{.field = args.sectors,
                           .cap_weighted = args.sector_weighting == "cap",
                           .market_caps = &caps};
    if (args.sector_long_short) {
      if (!market_series) {
        return Status::invalid(
            "--sector-long-short subtracts the market factor; drop "
            "--market none");
      }
      so.long_short_market = &*market_series;
    }
    auto s = sector_factors(r, *meta, so);
    if (!s) return s.status();
    sources.push_back(args.sectors + " baskets from " + args.metadata + " (" +
                      args.sector_weighting + "-weighted" +
                      (args.sector_long_short ? ", minus the market)" : ")"));
    parts.push_back(std::move(*s));
  }
  if (!args.pca.empty()) {
    PcaFactorOptions po;
    if (args.pca != "mp") {
      try {
        po.factors = std::stoi(args.pca);
      } catch (...) {
        return Status::invalid("--pca '" + args.pca +
                               "': give a number of components or mp (Marchenko–Pastur edge)");
      }
      if (po.factors < 1) return Status::invalid("--pca: the number of components must be ≥ 1");
    }
    auto p = pca_factors(r, po);
    if (!p) return p.status();
    sources.push_back(fmt::format(
        "{} principal components of the correlation ({})", p->series.assets.size(),
        args.pca == "mp" ? fmt::format("Marchenko–Pastur edge {:.4g}", p->marchenko_pastur_edge)
                         : std::string("given")));
    parts.push_back(std::move(p->series));
  }
  if (!args.factors.empty()) {
    auto kind = parse_factor_file_kind(args.factors_kind);
    if (!kind) return kind.status().with_context("--factors-kind");
    auto f = read_factor_returns(args.factors, *kind);
    if (!f) return f.status();
    sources.push_back(args.factors + " (" + args.factors_kind + ")");
    parts.push_back(std::move(*f));
  }
  if (parts.empty()) {
    return Status::invalid(
        "no factors: give --factors FILE, --market ASSET|equal|cap, --sectors FIELD or --pca");
  }
  return join_factors(parts);
}

int run_exposures(const ExposuresArgs& args) {
  auto method = parse_regression_method(args.method);
  if (!method) return report_error(method.status().with_context("--method"));
  auto collinear = parse_collinear_policy(args.collinear);
  if (!collinear) return report_error(collinear.status().with_context("--collinear"));
  auto raw = read_selected_prices(args.prices);
  if (!raw) return report_error(raw.status());
  auto portfolio = load_portfolio(args.portfolio, *raw);
  if (!portfolio) return report_error(portfolio.status());
  for (const auto& warning : portfolio->warnings) std::cerr << "keel: warning: " << warning << "\n";
  auto market = prepare_market(*raw, args.prices);
  if (!market) return report_error(market.status());
  const auto& assets = market->returns.assets;
  Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(assets.size()));
  for (std::size_t i = 0; i < portfolio->weights.labels.size(); ++i) {
    const auto it = std::find(assets.begin(), assets.end(), portfolio->weights.labels[i]);
    if (it == assets.end()) {
      return report_error(
          Status::invalid(portfolio->source + ": the asset " + portfolio->weights.labels[i] +
                          " is not in the prices (after --assets and the missing-data policy)"));
    }
    w(it - assets.begin()) = portfolio->weights.values(static_cast<Eigen::Index>(i));
  }
  std::vector<std::string> sources;
  auto factors = build_factors(args, *market, sources);
  if (!factors) return report_error(factors.status());
  auto aligned = align_factors(market->returns, *factors,
                               args.factors.empty() ? std::string("factors") : args.factors);
  if (!aligned) return report_error(aligned.status());
  ExposureOptions options;
  options.regression.method = *method;
  options.regression.half_life = args.half_life;
  options.rolling_window = args.window;
  options.collinear = *collinear;
  options.confidence = args.confidence;
  options.periods_per_year = market->frequency.periods_per_year;
  auto result = compute_exposures(aligned->assets, aligned->factors, w, options);
  if (!result) return report_error(result.status());
  const auto& e = *result;
  const auto k = static_cast<Eigen::Index>(e.factors.size());
  const Eigen::Index off = 1;

  Json doc;
  doc["inputs"] = inputs_json(*market);
  doc["inputs"]["weights_file"] = portfolio->source;
  doc["inputs"]["factor_sources"] = sources;
  doc["inputs"]["method"] = args.method;
  if (*method == RegressionMethod::kWls) doc["inputs"]["half_life"] = args.half_life;
  doc["inputs"]["confidence"] = args.confidence;
  doc["inputs"]["aligned_dates"] = aligned->assets.timestamps.size();
  doc["inputs"]["first_date"] = format_timestamp(aligned->assets.timestamps.front());
  doc["inputs"]["last_date"] = format_timestamp(aligned->assets.timestamps.back());
  doc["factors"] = e.factors;
  Json pf = fit_json(e.portfolio, e.factors, true);
  Json bounds = Json::object();
  for (Eigen::Index j = 0; j < k; ++j) {
    bounds[e.factors[static_cast<std::size_t>(j)]] = {e.lower(j), e.upper(j)};
  }
  pf["confidence_intervals"] = bounds;
  pf["weighted_asset_betas"] = vector_json(e.weighted_betas);
  pf["risk"] = {{"total_variance", e.risk.total_variance},
                {"factor_variance", e.risk.factor_variance},
                {"residual_variance", e.risk.residual_variance},
                {"interaction", e.risk.interaction},
                {"total_volatility", std::sqrt(e.risk.total_variance)},
                {"residual_volatility", std::sqrt(e.risk.residual_variance)},
                {"factor_share", e.risk.factor_variance / e.risk.total_variance},
                {"factor_contributions", vector_json(e.risk.factor_contributions)}};
  doc["portfolio"] = pf;
  Json asset_rows = Json::array();
  for (const auto& a : e.asset_exposures) {
    Json row = fit_json(a.fit, e.factors, true);
    row["asset"] = a.asset;
    row["weight"] = a.weight;
    asset_rows.push_back(row);
  }
  doc["assets"] = asset_rows;
  if (!e.rolling.timestamps.empty()) {
    Json rolling;
    rolling["window"] = e.rolling.window;
    Json dates = Json::array();
    for (const auto t : e.rolling.timestamps) dates.push_back(format_timestamp(t));
    rolling["dates"] = dates;
    Json betas = Json::object();
    const auto n = static_cast<Eigen::Index>(assets.size());
    for (Eigen::Index j = 0; j < k; ++j) {
      betas[e.factors[static_cast<std::size_t>(j)]] =
          vector_json(e.rolling.betas[static_cast<std::size_t>(j)].col(n));
    }
    rolling["portfolio_betas"] = betas;
    doc["rolling"] = rolling;
  }
  Json diagnostics;
  diagnostics["repairs"] = Json::array();
  for (const auto& r : market->repairs) diagnostics["repairs"].push_back(r.to_json());
  for (const auto& r : e.repairs) diagnostics["repairs"].push_back(r);
  diagnostics["warnings"] = e.warnings;
  if (aligned->dropped_asset_rows > 0) {
    diagnostics["warnings"].push_back(
        fmt::format("{} return dates have no complete factor row and were left out",
                    aligned->dropped_asset_rows));
  }
  doc["diagnostics"] = diagnostics;

  return emit(
      doc,
      [&](std::ostream& out) {
        out << "Factor exposures of " << portfolio->source << " (" << args.method << ", "
            << e.portfolio_observations << " dates "
            << format_timestamp(aligned->assets.timestamps.front()) << " .. "
            << format_timestamp(aligned->assets.timestamps.back()) << ")\n";
        for (const auto& s : sources) out << "  factor: " << s << "\n";
        for (const auto& r : e.repairs) out << "  repair: " << r << "\n";
        out << "\n";
        Table t;
        t.add_column("factor", Align::kLeft);
        t.add_column("beta");
        t.add_column("std err");
        t.add_column("t");
        t.add_column(fmt::format("{:.0f}% interval", 100.0 * args.confidence));
        t.add_column("risk share");
        for (Eigen::Index j = 0; j < k; ++j) {
          t.add_row({e.factors[static_cast<std::size_t>(j)],
                     format_fixed(e.portfolio.coefficients(j + off), 3),
                     format_fixed(e.portfolio.standard_errors(j + off), 3),
                     format_fixed(e.portfolio.t_statistics(j + off), 2),
                     format_fixed(e.lower(j), 3) + " .. " + format_fixed(e.upper(j), 3),
                     format_percent(e.risk.factor_contributions(j) / e.risk.total_variance)});
        }
        t.render(out);
        out << "R² " << format_fixed(e.portfolio.r_squared, 3) << "; volatility "
            << format_percent(std::sqrt(e.risk.total_variance)) << " annualised = factor "
            << format_percent(e.risk.factor_variance / e.risk.total_variance)
            << " of the variance + residual "
            << format_percent(e.risk.residual_variance / e.risk.total_variance)
            << " (residual volatility " << format_percent(std::sqrt(e.risk.residual_variance))
            << ")\n";
        if (!e.asset_exposures.empty()) {
          out << "\n";
          Table a;
          a.add_column("asset", Align::kLeft);
          a.add_column("weight");
          for (const auto& f : e.factors) a.add_column(f);
          a.add_column("R²");
          for (const auto& x : e.asset_exposures) {
            if (x.weight == 0.0) continue;
            std::vector<std::string> row{x.asset, format_percent(x.weight)};
            for (Eigen::Index j = 0; j < k; ++j) {
              row.push_back(format_fixed(x.fit.coefficients(j + off), 3));
            }
            row.push_back(std::isfinite(x.fit.r_squared) ? format_fixed(x.fit.r_squared, 3) : "-");
            a.add_row(row);
          }
          a.render(out);
        }
      },
      args.output);
}

}  // namespace

Verb register_exposures(CLI::App& app) {
  auto args = std::make_shared<ExposuresArgs>();
  CLI::App* cmd =
      app.add_subcommand("exposures",
                         "Factor exposures: betas of a portfolio and its assets to market, sector, "
                         "statistical or given factors");
  cmd->footer(
      "Example:\n  keel exposures --prices prices.csv --weights w.csv   # beta to BTC\n"
      "  keel exposures --prices prices.csv --weights w.csv --metadata meta.csv --sectors "
      "sector\n"
      "  keel exposures --prices prices.csv --weights w.csv --pca mp --method huber\n"
      "  keel exposures --prices stocks.csv --weights w.csv --factors etf.csv.gz "
      "--factors-kind prices --format json");
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  add_output_options(*cmd, args->output);
  add_portfolio_options(*cmd, args->portfolio);
  cmd->add_option("--factors", args->factors,
                  "CSV of factor series: date column, one column per factor");
  cmd->add_option("--factors-kind", args->factors_kind,
                  "What --factors holds: returns (per period) or prices (levels, .gz allowed)")
      ->check(CLI::IsMember({"returns", "prices"}))
      ->capture_default_str();
  cmd->add_option("--market", args->market,
                  "Market factor: an asset (BTC), equal, cap (point-in-time cap-weighted index), "
                  "none; auto = BTC when priced, else equal, none when --factors is given")
      ->capture_default_str();
  cmd->add_option("--market-caps-history", args->market_caps_history,
                  "Market caps by date (wide CSV like prices) for --market cap and "
                  "--sector-weighting cap");
  cmd->add_option("--metadata", args->metadata, "Asset metadata CSV (tags for --sectors)");
  cmd->add_option("--sectors", args->sectors,
                  "Metadata tag field whose values become basket factors (sector, chain, ...)");
  cmd->add_option("--sector-weighting", args->sector_weighting, "Sector baskets: equal or cap")
      ->check(CLI::IsMember({"equal", "cap"}))
      ->capture_default_str();
  cmd->add_flag("--sector-long-short", args->sector_long_short,
                "Sector factors in excess of the market factor (basket minus market)");
  cmd->add_option("--pca", args->pca,
                  "Statistical factors: N principal components, or mp (those above the "
                  "Marchenko–Pastur edge)");
  cmd->add_option("--method", args->method, "Regression: ols, wls (EWMA weights), huber")
      ->capture_default_str();
  cmd->add_option("--half-life", args->half_life, "EWMA half-life in periods for --method wls")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--window", args->window, "Rolling-beta window in periods (0 = none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--collinear", args->collinear,
                  "Collinear factors: refuse (exit 2 naming them) or drop (the later one, "
                  "recorded in the repairs)")
      ->capture_default_str();
  cmd->add_option("--confidence", args->confidence, "Level of the beta intervals")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  return {cmd, [args] { return run_exposures(*args); }};
}

}  // namespace keel::cli
