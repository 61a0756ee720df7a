#include "keel/defi/revaluation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "keel/defi/amm_position.hpp"
#include "keel/defi/lending.hpp"
#include "keel/defi/option.hpp"
#include "keel/defi/perpetual.hpp"
#include "keel/risk/var.hpp"

namespace keel {

namespace {

// A fresh S × P result is first written page by page, and on virtual machines each 4 KiB page
// fault costs ~10 µs: at 100,000 scenarios × 50 positions (40 MB) that is ~100 ms, more than the
// pricing. Asking for transparent huge pages on the 2 MiB-aligned interior of a large result
// makes that ~20 faults (Linux `madvise(MADV_HUGEPAGE)`, honoured when THP is `always` or
// `madvise`; a no-op elsewhere). Advice only: the memory is the allocator's, freed by it.
void advise_huge_pages(double* data, Eigen::Index count) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHugePage = std::uintptr_t{1} << 21;
  const auto first = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = (first + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t end =
      (first + static_cast<std::uintptr_t>(count) * sizeof(double)) & ~(kHugePage - 1);
  if (end > begin) {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): an address range computed for the kernel
    static_cast<void>(::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE));
  }
#else
  static_cast<void>(data);
  static_cast<void>(count);
#endif
}

// The delta-gamma approximation of a position's P&L in each scenario (plus theta × horizon).
void delta_gamma_pnl(const PositionValue& base, std::span<const std::size_t> cols,
                     Eigen::Ref<const Eigen::MatrixXd> scenario_prices,
                     std::span<const double> prices, double horizon_years,
                     Eigen::Ref<Eigen::VectorXd> pnl) {
  pnl.setConstant(base.theta * horizon_years);
  std::size_t k = 0;
  for (const UnderlyingExposure& e : base.exposures) {
    const std::size_t col = cols[std::min(k, cols.size() - 1)];
    const Eigen::ArrayXd move =
        scenario_prices.col(static_cast<Eigen::Index>(col)).array() - prices[col];
    pnl.array() += e.delta * move + 0.5 * e.gamma * move * move;
    ++k;
  }
}

// The value at the horizon minus today's value, plus what time passing brings over the horizon:
// the fee income of an LP, the funding of a perp (options are priced by revalue_book itself,
// underlying by underlying).
// `columns[j]` points at asset j's S scenario prices.
void full_pnl(const PositionSpec& spec, double base_value, std::span<const std::size_t> cols,
              const std::vector<const double*>& columns, double horizon_years,
              Eigen::Ref<Eigen::VectorXd> pnl) {
  const Eigen::Index scenarios = pnl.size();
  const double* first = columns[cols[0]];
  if (const auto* spot = std::get_if<SpotPosition>(&spec)) {
    for (Eigen::Index s = 0; s < scenarios; ++s) pnl(s) = spot->quantity * first[s] - base_value;
  } else if (const auto* lp = std::get_if<AmmLpPosition>(&spec)) {
    std::array<double, 8> local{};
    std::vector<double> wide(cols.size() > local.size() ? cols.size() : 0);
    double* token_prices = wide.empty() ? local.data() : wide.data();
    for (Eigen::Index s = 0; s < scenarios; ++s) {
      for (std::size_t k = 0; k < cols.size(); ++k) token_prices[k] = columns[cols[k]][s];
      const double value = lp_value_unchecked(*lp, {token_prices, cols.size()});
      pnl(s) = value - base_value + lp->fee_apr * value * horizon_years;
    }
  } else if (const auto* loan = std::get_if<LoanPosition>(&spec)) {
    // Liquidated at the scenario's prices (a gap: the move happens before liquidators act).
    std::vector<double> loan_prices(cols.size());
    for (Eigen::Index s = 0; s < scenarios; ++s) {
      for (std::size_t k = 0; k < cols.size(); ++k) loan_prices[k] = columns[cols[k]][s];
      pnl(s) = loan_value_after_liquidation(*loan, loan_prices) - base_value;
    }
  } else {
    const auto& perp = std::get<PerpPosition>(spec);
    const double hours = horizon_years * 365.0 * 24.0;
    for (Eigen::Index s = 0; s < scenarios; ++s) {
      pnl(s) = perp_value_unchecked(perp, first[s]) - base_value -
               funding_paid_quote_unchecked(perp, first[s], hours);
    }
  }
}

}  // namespace

Status RevaluationOptions::validate() const {
  if (!(horizon_years > 0.0) || !std::isfinite(horizon_years)) {
    return Status::invalid(fmt::format(
        "revaluation: horizon {} years must be positive (1/365 is a day)", horizon_years));
  }
  return Status::ok();
}

Status revalue_book(const BoundBook& bound, const BookValuation& today,
                    std::span<const double> prices,
                    Eigen::Ref<const Eigen::MatrixXd> scenario_prices, Timestamp now,
                    const RevaluationOptions& options, BookRevaluation& out) {
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
  // The first scenario (then the first asset) with a negative or non-finite price.
  Eigen::Index bad_row = scenarios;
  Eigen::Index bad_col = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index s = 0; s < bad_row; ++s) {
      const double p = scenario_prices(s, j);
      if (!(p >= 0.0) || !std::isfinite(p)) {
        bad_row = s;
        bad_col = j;
        break;
      }
    }
  }
  if (bad_row < scenarios) {
    return Status::invalid(fmt::format("scenario {}: the price of {} is {}", bad_row + 1,
                                       bound.assets[static_cast<std::size_t>(bad_col)],
                                       scenario_prices(bad_row, bad_col)));
  }
  out.delta_gamma = options.delta_gamma;
  if (out.position_pnl.rows() != scenarios || out.position_pnl.cols() != count) {
    out.position_pnl.resize(scenarios, count);
    advise_huge_pages(out.position_pnl.data(), out.position_pnl.size());
  }
  out.pnl.setZero(scenarios);
  const Timestamp later =
      now + static_cast<Timestamp>(std::llround(options.horizon_years * 365.0 * kSecondsPerDay));

  // Position by position over contiguous columns of scenarios: each column of scenario prices is
  // read in place, or copied with a price of zero floored at a tiny positive price (the pricers
  // cannot value zero — pool price, log-moneyness — and the floor values the position at its
  // limit). Options are valued underlying by underlying, sharing one column of ln prices.
  std::vector<const double*> columns(static_cast<std::size_t>(n));
  std::vector<Eigen::VectorXd> floored;
  floored.reserve(static_cast<std::size_t>(n));  // columns point into it
  for (Eigen::Index j = 0; j < n && !options.delta_gamma; ++j) {
    const auto column = scenario_prices.col(j);
    columns[static_cast<std::size_t>(j)] = column.data();
    if ((column.array() > 0.0).all()) continue;
    const double floor = prices[static_cast<std::size_t>(j)] * 1e-12;
    floored.push_back(column.unaryExpr([floor](double x) { return x > 0.0 ? x : floor; }));
    columns[static_cast<std::size_t>(j)] = floored.back().data();
  }
  std::vector<bool> is_option(static_cast<std::size_t>(count));
  for (Eigen::Index p = 0; p < count; ++p) {
    const auto pi = static_cast<std::size_t>(p);
    const PositionValue& base = today.positions[pi];
    is_option[pi] = std::holds_alternative<OptionPosition>(book.positions[pi].spec);
    if (options.delta_gamma) {
      delta_gamma_pnl(base, bound.columns[pi], scenario_prices, prices, options.horizon_years,
                      out.position_pnl.col(p));
    } else if (!is_option[pi]) {
      full_pnl(book.positions[pi].spec, base.value, bound.columns[pi], columns,
               options.horizon_years, out.position_pnl.col(p));
    }
  }
  if (!options.delta_gamma) {
    const auto size = static_cast<std::size_t>(scenarios);
    std::vector<double> log_prices(size);
    for (std::size_t j = 0; j < columns.size(); ++j) {
      const double* underlying = columns[j];
      bool logged = false;
      for (Eigen::Index p = 0; p < count; ++p) {
        const auto pi = static_cast<std::size_t>(p);
        if (!is_option[pi] || bound.columns[pi][0] != j) continue;
        if (!logged) {
          for (std::size_t s = 0; s < size; ++s) log_prices[s] = std::log(underlying[s]);
          logged = true;
        }
        auto pnl = out.position_pnl.col(p);
        option_values_unchecked(std::get<OptionPosition>(book.positions[pi].spec),
                                {underlying, size}, log_prices, later, {pnl.data(), size});
        pnl.array() -= today.positions[pi].value;
      }
    }
  }
  // The book's P&L column by column (a row sum of a column-major S × P matrix strides through
  // memory).
  for (Eigen::Index p = 0; p < count; ++p) out.pnl += out.position_pnl.col(p);
  // A position without a finite value makes its scenario's sum non-finite: report the first.
  for (Eigen::Index s = 0; s < scenarios; ++s) {
    if (std::isfinite(out.pnl(s))) continue;
    for (Eigen::Index p = 0; p < count; ++p) {
      if (std::isfinite(out.position_pnl(s, p))) continue;
      return Status::numerical(
          fmt::format("scenario {}: position '{}' has no finite value at the scenario's prices",
                      s + 1, book.positions[static_cast<std::size_t>(p)].name));
    }
  }
  return Status::ok();
}

Result<BookRevaluation> revalue_book(const BoundBook& bound, const BookValuation& today,
                                     std::span<const double> prices,
                                     Eigen::Ref<const Eigen::MatrixXd> scenario_prices,
                                     Timestamp now, const RevaluationOptions& options) {
  BookRevaluation out;
  KEEL_RETURN_IF_ERROR(revalue_book(bound, today, prices, scenario_prices, now, options, out));
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
