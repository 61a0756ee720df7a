#include "keel/defi/revaluation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "keel/defi/amm_position.hpp"
#include "keel/defi/option.hpp"
#include "keel/defi/perpetual.hpp"
#include "keel/risk/var.hpp"

namespace keel {

namespace {

// Time passing over the horizon for each kind: fee income of an LP, funding of a perp. Option
// decay is in the repricing itself (a later valuation time).
double carry(const PositionSpec& spec, double value_at_horizon, double mark, double horizon_years) {
  if (const auto* lp = std::get_if<AmmLpPosition>(&spec)) {
    return lp->fee_apr * value_at_horizon * horizon_years;
  }
  if (const auto* perp = std::get_if<PerpPosition>(&spec)) {
    return -funding_paid_quote_unchecked(*perp, mark, horizon_years * 365.0 * 24.0);
  }
  return 0.0;
}

// The value alone of a validated position at prices of its own assets (`prices[k]` for the k-th
// asset it depends on) at time `when`: the unchecked pricers, no allocation for the common kinds.
double scenario_value(const PositionSpec& spec, std::span<const double> prices, Timestamp when) {
  if (const auto* spot = std::get_if<SpotPosition>(&spec)) return spot->quantity * prices[0];
  if (const auto* lp = std::get_if<AmmLpPosition>(&spec)) return lp_value_unchecked(*lp, prices);
  if (const auto* perp = std::get_if<PerpPosition>(&spec)) {
    return perp_value_unchecked(*perp, prices[0]);
  }
  return option_value_unchecked(std::get<OptionPosition>(spec), prices[0], when);
}

}  // namespace

Status RevaluationOptions::validate() const {
  if (!(horizon_years > 0.0) || !std::isfinite(horizon_years)) {
    return Status::invalid(fmt::format(
        "revaluation: horizon {} years must be positive (1/365 is a day)", horizon_years));
  }
  return Status::ok();
}

Result<BookRevaluation> revalue_book(const BoundBook& bound, const BookValuation& today,
                                     std::span<const double> prices,
                                     Eigen::Ref<const Eigen::MatrixXd> scenario_prices,
                                     Timestamp now, const RevaluationOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Book& book = *bound.book;
  const Eigen::Index n = static_cast<Eigen::Index>(bound.assets.size());
  if (scenario_prices.cols() != n || static_cast<Eigen::Index>(prices.size()) != n) {
    return Status::invalid(fmt::format(
        "revaluation: scenarios have {} columns and today's prices {} entries for {} assets",
        scenario_prices.cols(), prices.size(), n));
  }
  if (today.positions.size() != book.positions.size()) {
    return Status::invalid("revaluation: today's valuation is not of this book");
  }
  const Eigen::Index scenarios = scenario_prices.rows();
  const Eigen::Index count = static_cast<Eigen::Index>(book.positions.size());
  BookRevaluation out;
  out.delta_gamma = options.delta_gamma;
  out.position_pnl.resize(scenarios, count);
  const Timestamp later =
      now + static_cast<Timestamp>(std::llround(options.horizon_years * 365.0 * kSecondsPerDay));

  std::vector<double> row(static_cast<std::size_t>(n));
  for (Eigen::Index s = 0; s < scenarios; ++s) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const double p = scenario_prices(s, j);
      if (!(p >= 0.0) || !std::isfinite(p)) {
        return Status::invalid(fmt::format("scenario {}: the price of {} is {}", s + 1,
                                           bound.assets[static_cast<std::size_t>(j)], p));
      }
      row[static_cast<std::size_t>(j)] = p;
    }
    for (Eigen::Index p = 0; p < count; ++p) {
      const auto pi = static_cast<std::size_t>(p);
      const BookPosition& position = book.positions[pi];
      const PositionValue& base = today.positions[pi];
      const auto& cols = bound.columns[pi];
      double pnl = 0.0;
      if (options.delta_gamma) {
        std::size_t k = 0;
        for (const UnderlyingExposure& e : base.exposures) {
          const double move =
              row[cols[std::min(k, cols.size() - 1)]] - prices[cols[std::min(k, cols.size() - 1)]];
          pnl += e.delta * move + 0.5 * e.gamma * move * move;
          ++k;
        }
        pnl += base.theta * options.horizon_years;
      } else {
        // A price of zero cannot be valued by the pricers (pool price, log-moneyness): floor it
        // at a tiny positive price, which values the position at its limit.
        std::array<double, 8> local{};
        std::vector<double> wide;
        double* token_prices = local.data();
        if (cols.size() > local.size()) {
          wide.resize(cols.size());
          token_prices = wide.data();
        }
        for (std::size_t k = 0; k < cols.size(); ++k) {
          const double price = row[cols[k]];
          token_prices[k] = price > 0.0 ? price : prices[cols[k]] * 1e-12;
        }
        const double value = scenario_value(position.spec, {token_prices, cols.size()}, later);
        if (!std::isfinite(value)) {
          return Status::numerical(
              fmt::format("scenario {}: position '{}' has no finite value at "
                          "the scenario's prices",
                          s + 1, position.name));
        }
        pnl = value - base.value +
              carry(position.spec, value, token_prices[0], options.horizon_years);
      }
      out.position_pnl(s, p) = pnl;
    }
  }
  out.pnl = out.position_pnl.rowwise().sum();
  return out;
}

Result<Eigen::MatrixXd> historical_price_scenarios(Eigen::Ref<const Eigen::MatrixXd> returns,
                                                   std::span<const double> prices, int horizon) {
  const Eigen::Index periods = returns.rows();
  const Eigen::Index n = returns.cols();
  if (static_cast<Eigen::Index>(prices.size()) != n) {
    return Status::invalid(
        fmt::format("historical scenarios: {} prices for {} assets", prices.size(), n));
  }
  if (horizon < 1) {
    return Status::invalid(fmt::format("historical scenarios: horizon {} must be ≥ 1", horizon));
  }
  if (periods < horizon) {
    return Status::invalid(
        fmt::format("historical scenarios: {} periods of returns are fewer than the horizon of {}",
                    periods, horizon));
  }
  for (Eigen::Index t = 0; t < periods; ++t) {
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!std::isfinite(returns(t, j))) {
        return Status::invalid(fmt::format(
            "historical scenarios: return row {} of asset column {} is missing; use --missing "
            "drop-rows (or another policy) so every asset has a full history",
            t + 1, j + 1));
      }
    }
  }
  const Eigen::Index scenarios = periods - horizon + 1;
  Eigen::MatrixXd out(scenarios, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index s = 0; s < scenarios; ++s) {
      double growth = 1.0;
      for (Eigen::Index k = 0; k < horizon; ++k) growth *= 1.0 + returns(s + k, j);
      out(s, j) = prices[static_cast<std::size_t>(j)] * std::max(growth, 0.0);
    }
  }
  return out;
}

Eigen::MatrixXd price_scenarios_from_returns(Eigen::Ref<const Eigen::MatrixXd> scenario_returns,
                                             std::span<const double> prices) {
  Eigen::MatrixXd out(scenario_returns.rows(), scenario_returns.cols());
  for (Eigen::Index j = 0; j < scenario_returns.cols(); ++j) {
    for (Eigen::Index s = 0; s < scenario_returns.rows(); ++s) {
      out(s, j) = prices[static_cast<std::size_t>(j)] * std::max(1.0 + scenario_returns(s, j), 0.0);
    }
  }
  return out;
}

Result<BookRisk> book_risk(const BookRevaluation& revaluation, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::invalid(fmt::format("book risk: confidence {} must be in (0, 1)", confidence));
  }
  const Eigen::Index scenarios = revaluation.pnl.size();
  if (scenarios < 1) return Status::invalid("book risk: no scenarios");
  BookRisk out;
  out.confidence = confidence;
  out.scenarios = scenarios;
  out.mean_pnl = revaluation.pnl.mean();
  out.worst_pnl = revaluation.pnl.minCoeff();
  Eigen::VectorXd work = revaluation.pnl;
  const EmpiricalTail tail = empirical_tail(work, confidence);
  out.var = tail.var;
  out.es = tail.es;

  // Euler contributions to the empirical ES: the tail scenarios with the estimator's own weights
  // (1 for the ⌈m⌉ − 1 worst, m − ⌈m⌉ + 1 for the ⌈m⌉-th), each position's mean loss there.
  std::vector<Eigen::Index> order(static_cast<std::size_t>(scenarios));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  const Eigen::Index k = tail.tail_count;
  std::nth_element(order.begin(), order.begin() + (k - 1), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) {
                     return revaluation.pnl(a) < revaluation.pnl(b) ||
                            (revaluation.pnl(a) == revaluation.pnl(b) && a < b);
                   });
  std::sort(order.begin(), order.begin() + k, [&](Eigen::Index a, Eigen::Index b) {
    return revaluation.pnl(a) < revaluation.pnl(b) ||
           (revaluation.pnl(a) == revaluation.pnl(b) && a < b);
  });
  const Eigen::Index count = revaluation.position_pnl.cols();
  out.es_contributions.assign(static_cast<std::size_t>(count), 0.0);
  for (Eigen::Index i = 0; i < k; ++i) {
    const double weight = i + 1 < k ? 1.0 : tail.tail_size - static_cast<double>(k - 1);
    for (Eigen::Index p = 0; p < count; ++p) {
      out.es_contributions[static_cast<std::size_t>(p)] -=
          weight * revaluation.position_pnl(order[static_cast<std::size_t>(i)], p);
    }
  }
  for (double& c : out.es_contributions) c /= tail.tail_size;
  for (Eigen::Index p = 0; p < count; ++p) {
    Eigen::VectorXd column = revaluation.position_pnl.col(p);
    out.standalone_es.push_back(empirical_tail(column, confidence).es);
  }
  return out;
}

}  // namespace keel
