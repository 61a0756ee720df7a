#include "keel/defi/hedging.hpp"

#include <fmt/format.h>

#include <cmath>

namespace keel {

namespace {

// One unit of the candidate as a position, opened at today's price.
Result<PositionSpec> unit_of(const HedgeCandidate& c, double price) {
  if (const auto* perp = std::get_if<PerpPosition>(&c.instrument)) {
    PerpPosition unit = *perp;
    unit.contracts = 1.0;
    unit.entry_price = price;
    unit.margin = 0.0;
    return PositionSpec{unit};
  }
  if (const auto* option = std::get_if<OptionPosition>(&c.instrument)) {
    OptionPosition unit = *option;
    unit.quantity = 1.0;
    unit.premium_paid = 0.0;
    return PositionSpec{unit};
  }
  return Status::invalid(fmt::format(
      "hedge candidate '{}': only perpetuals and options can be hedge instruments", c.name));
}

std::string underlying_of(const PositionSpec& spec) {
  if (const auto* perp = std::get_if<PerpPosition>(&spec)) return perp->underlying;
  return std::get<OptionPosition>(spec).underlying;
}

double notional_of(const PositionSpec& spec, double price) {
  if (const auto* perp = std::get_if<PerpPosition>(&spec)) {
    return perp->settlement == Settlement::kInverse ? perp->contract_size
                                                    : perp->contract_size * price;
  }
  return price;  // an option on one coin
}

}  // namespace

Result<BookHedge> hedge_book(const PositionsAnalysis& analysis,
                             const std::vector<HedgeCandidate>& candidates,
                             const BookHedgeOptions& options) {
  if (candidates.empty()) return Status::invalid("hedge: no candidate instruments");
  const Eigen::Index scenarios = analysis.scenario_prices.rows();
  if (scenarios != analysis.revaluation.pnl.size() || scenarios == 0) {
    return Status::invalid("hedge: the analysis holds no scenarios to hedge against");
  }
  // The candidates as a book of one unit each, bound to the analysis' price columns.
  Book units;
  units.source = "hedge candidates";
  for (const HedgeCandidate& c : candidates) {
    const std::string u = underlying_of(c.instrument);
    const auto it = std::find(analysis.assets.begin(), analysis.assets.end(), u);
    if (it == analysis.assets.end()) {
      return Status::invalid(fmt::format(
          "hedge candidate '{}'{}: underlying '{}' is not an asset of the book; a hedge must be "
          "on something the book holds",
          c.name, c.line > 0 ? fmt::format(" (line {})", c.line) : "", u));
    }
    if (!(c.min <= c.max) || !(c.fee_bps >= 0.0) || !(c.half_spread_bps >= 0.0) ||
        !(c.margin_rate >= 0.0)) {
      return Status::invalid(fmt::format(
          "hedge candidate '{}': needs min ≤ max and fee_bps, half_spread_bps, margin_rate ≥ 0",
          c.name));
    }
    auto unit = unit_of(c, analysis.prices[static_cast<std::size_t>(it - analysis.assets.begin())]);
    if (!unit) return unit.status();
    units.positions.push_back({c.name, c.line, std::move(*unit)});
  }
  auto bound = bind_book(units, analysis.assets);
  if (!bound) return bound.status();
  auto today = value_book(*bound, analysis.prices, analysis.as_of);
  if (!today) return today.status();
  auto revaluation =
      revalue_book(*bound, *today, analysis.prices, analysis.scenario_prices, analysis.as_of,
                   RevaluationOptions{.horizon_years = analysis.horizon_years,
                                      .delta_gamma = analysis.revaluation.delta_gamma});
  if (!revaluation) return revaluation.status();

  const Eigen::Index m = static_cast<Eigen::Index>(candidates.size());
  HedgeProblem problem;
  problem.book_pnl = analysis.revaluation.pnl;
  problem.instrument_pnl = revaluation->position_pnl;
  problem.unit_cost.resize(m);
  problem.lower.resize(m);
  problem.upper.resize(m);
  problem.premium.resize(m);
  problem.margin.resize(m);
  problem.premium_budget = options.premium_budget;
  problem.margin_budget = options.margin_budget;
  BookHedge out;
  for (Eigen::Index j = 0; j < m; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    const HedgeCandidate& c = candidates[ju];
    const double price = analysis.prices[bound->columns[ju][0]];
    const double notional = notional_of(units.positions[ju].spec, price);
    CandidateFacts facts;
    facts.unit_value = today->positions[ju].value;
    facts.unit_cost = (c.fee_bps + c.half_spread_bps) * 1e-4 * notional;
    facts.unit_margin = c.margin_rate * notional;
    facts.unit_vega = today->positions[ju].vega;
    facts.unit_exposures = today->positions[ju].exposures;
    problem.names.push_back(c.name);
    problem.unit_cost(j) = facts.unit_cost;
    problem.lower(j) = c.min;
    problem.upper(j) = c.max;
    problem.premium(j) =
        std::holds_alternative<OptionPosition>(c.instrument) ? facts.unit_value : 0.0;
    problem.margin(j) = facts.unit_margin;
    out.candidates.push_back(std::move(facts));
  }
  const auto unit_delta = [&](std::size_t j, const std::string& underlying) {
    double d = 0.0;
    for (const UnderlyingExposure& e : out.candidates[j].unit_exposures) {
      if (e.underlying == underlying) d += e.delta;
    }
    return d;
  };
  for (const DeltaBand& band : options.delta_bands) {
    HedgeTarget target{
        .name = "net delta of " + band.underlying, .lower = band.lower, .upper = band.upper};
    bool found = false;
    for (const UnderlyingExposure& e : analysis.valuation.net_exposures) {
      if (e.underlying == band.underlying) {
        target.base = e.delta;
        found = true;
      }
    }
    if (!found) {
      return Status::invalid(
          fmt::format("hedge: a delta band on '{}', which the book does not "
                      "hold",
                      band.underlying));
    }
    for (std::size_t j = 0; j < candidates.size(); ++j) {
      target.coefficients.push_back(unit_delta(j, band.underlying));
    }
    problem.targets.push_back(std::move(target));
  }
  if (options.vega_band) {
    HedgeTarget target{.name = "net vega",
                       .base = analysis.valuation.vega,
                       .lower = options.vega_band->first,
                       .upper = options.vega_band->second};
    for (const CandidateFacts& f : out.candidates) target.coefficients.push_back(f.unit_vega);
    problem.targets.push_back(std::move(target));
  }
  auto result = optimize_hedge(problem, options.solver);
  if (!result) return result.status();
  out.result = std::move(*result);
  out.unhedged = analysis.risk;
  BookRevaluation hedged;
  hedged.position_pnl.resize(scenarios, 1);
  hedged.position_pnl.col(0) = out.result.hedged_pnl;
  hedged.pnl = out.result.hedged_pnl;
  auto hedged_risk = book_risk(hedged, analysis.risk.confidence);
  if (!hedged_risk) return hedged_risk.status();
  out.hedged = std::move(*hedged_risk);
  out.hedged_exposures = analysis.valuation.net_exposures;
  out.hedged_vega = analysis.valuation.vega;
  for (std::size_t j = 0; j < candidates.size(); ++j) {
    const double q = out.result.quantities(static_cast<Eigen::Index>(j));
    for (const UnderlyingExposure& e : out.candidates[j].unit_exposures) {
      for (UnderlyingExposure& net : out.hedged_exposures) {
        if (net.underlying == e.underlying) {
          net.delta += q * e.delta;
          net.gamma += q * e.gamma;
        }
      }
    }
    out.hedged_vega += q * out.candidates[j].unit_vega;
  }
  return out;
}

}  // namespace keel
