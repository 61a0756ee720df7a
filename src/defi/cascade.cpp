#include "keel/defi/cascade.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "keel/core/random.hpp"
#include "keel/defi/lending.hpp"
#include "keel/defi/perpetual.hpp"

namespace keel {

namespace {

bool finite(double x) { return std::isfinite(x); }

Status check_borrower(const MarketBorrower& b, std::size_t i) {
  if (!(b.collateral >= 0.0) || !finite(b.collateral) || !(b.debt >= 0.0) || !finite(b.debt)) {
    return Status::invalid(
        fmt::format("market borrower {}: collateral {} and debt {} must be finite numbers ≥ 0",
                    i + 1, b.collateral, b.debt));
  }
  if (b.debt > 0.0 && b.collateral == 0.0) {
    return Status::invalid(fmt::format(
        "market borrower {}: debt without collateral; give the bucket a collateral amount", i + 1));
  }
  if (!(b.liquidation_threshold > 0.0 && b.liquidation_threshold < 1.0)) {
    return Status::invalid(
        fmt::format("market borrower {}: liquidation_threshold {} must be in (0, 1)", i + 1,
                    b.liquidation_threshold));
  }
  if (!(b.liquidation_bonus >= 0.0) || !finite(b.liquidation_bonus)) {
    return Status::invalid(
        fmt::format("market borrower {}: liquidation_bonus {} must be a finite fraction ≥ 0", i + 1,
                    b.liquidation_bonus));
  }
  if (!(b.count > 0.0) || !finite(b.count)) {
    return Status::invalid(fmt::format("market borrower {}: count {} must be > 0", i + 1, b.count));
  }
  return Status::ok();
}

// A market borrower's liquidations at `price` by Aave v3's default rules (lending.hpp), its debt
// priced at 1: the coins seized, the calls made.
struct Seizure {
  double seized = 0.0;
  int calls = 0;
};
Seizure liquidate_borrower(MarketBorrower& b, double price, const LendingRules& rules) {
  Seizure out;
  const double bonus = 1.0 + b.liquidation_bonus;
  while (out.calls < rules.max_liquidations && b.collateral > 0.0 && b.debt > 0.0) {
    const double hf = b.collateral * price * b.liquidation_threshold / b.debt;
    if (!(hf < 1.0)) break;
    const double cf =
        hf > rules.close_factor_hf_threshold ? rules.close_factor : rules.full_close_factor;
    double repaid = cf * b.debt;
    double seized = repaid * bonus / price;
    if (seized >= b.collateral) {
      seized = b.collateral;
      repaid = std::min(b.debt, seized * price / bonus);
    }
    b.collateral = seized >= b.collateral ? 0.0 : b.collateral - seized;
    b.debt = repaid >= b.debt ? 0.0 : b.debt - repaid;
    out.seized += seized;
    ++out.calls;
  }
  return out;
}

struct UserLoan {
  std::size_t position = 0;
  LoanPosition state;
  std::vector<double> prices;  // collateral then debt
  std::vector<bool> shocked;   // which of them is the shocked asset
  bool liquidated = false;
};

struct UserPerp {
  std::size_t position = 0;
  const PerpPosition* perp = nullptr;
  double liquidation = 0.0;  // long only; 0 = none
  bool liquidated = false;
};

}  // namespace

Result<std::vector<MarketBorrower>> borrowers_from_histogram(std::span<const HealthBucket> buckets,
                                                             double price) {
  if (!(price > 0.0) || !finite(price)) {
    return Status::invalid(fmt::format("borrower histogram: price {} must be > 0", price));
  }
  std::vector<MarketBorrower> out;
  out.reserve(buckets.size());
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const HealthBucket& h = buckets[i];
    if (!(h.health_factor > 0.0) || !finite(h.health_factor)) {
      return Status::invalid(
          fmt::format("borrower bucket {}: health_factor {} must be a positive number", i + 1,
                      h.health_factor));
    }
    if (!(h.collateral_value >= 0.0) || !finite(h.collateral_value)) {
      return Status::invalid(
          fmt::format("borrower bucket {}: collateral_value {} must be a finite number ≥ 0", i + 1,
                      h.collateral_value));
    }
    MarketBorrower b{.collateral = h.collateral_value / price,
                     .debt = h.collateral_value * h.liquidation_threshold / h.health_factor,
                     .liquidation_threshold = h.liquidation_threshold,
                     .liquidation_bonus = h.liquidation_bonus,
                     .count = h.count};
    KEEL_RETURN_IF_ERROR(check_borrower(b, i));
    out.push_back(b);
  }
  return out;
}

Status BorrowerSynthesis::validate() const {
  if (borrowers < 1) {
    return Status::invalid(fmt::format("synthesis: borrowers {} must be ≥ 1", borrowers));
  }
  if (!(total_collateral_value > 0.0) || !finite(total_collateral_value)) {
    return Status::invalid(
        fmt::format("synthesis: total_collateral_value {} must be > 0", total_collateral_value));
  }
  if (!(median_health_factor > 1.0) || !finite(median_health_factor)) {
    return Status::invalid(
        fmt::format("synthesis: median_health_factor {} must be > 1 (borrowers start healthy)",
                    median_health_factor));
  }
  if (!(health_factor_sigma >= 0.0) || !finite(health_factor_sigma) || !(size_sigma >= 0.0) ||
      !finite(size_sigma)) {
    return Status::invalid("synthesis: health_factor_sigma and size_sigma must be ≥ 0");
  }
  if (!(liquidation_threshold > 0.0 && liquidation_threshold < 1.0)) {
    return Status::invalid(fmt::format("synthesis: liquidation_threshold {} must be in (0, 1)",
                                       liquidation_threshold));
  }
  if (!(liquidation_bonus >= 0.0) || !finite(liquidation_bonus)) {
    return Status::invalid(
        fmt::format("synthesis: liquidation_bonus {} must be ≥ 0", liquidation_bonus));
  }
  return Status::ok();
}

Result<std::vector<MarketBorrower>> synthesize_borrowers(const BorrowerSynthesis& options,
                                                         double price) {
  KEEL_RETURN_IF_ERROR(options.validate());
  if (!(price > 0.0) || !finite(price)) {
    return Status::invalid(fmt::format("synthesis: price {} must be > 0", price));
  }
  Random rng(options.seed);
  const auto n = static_cast<std::size_t>(options.borrowers);
  std::vector<double> hf(n), size(n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    hf[i] = 1.0 + (options.median_health_factor - 1.0) *
                      std::exp(options.health_factor_sigma * rng.normal());
    size[i] = std::exp(options.size_sigma * rng.normal());
    total += size[i];
  }
  std::vector<MarketBorrower> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double value = options.total_collateral_value * size[i] / total;
    out[i] = {.collateral = value / price,
              .debt = value * options.liquidation_threshold / hf[i],
              .liquidation_threshold = options.liquidation_threshold,
              .liquidation_bonus = options.liquidation_bonus,
              .count = 1.0};
  }
  return out;
}

std::string_view to_string(ImpactModel model) {
  return model == ImpactModel::kPowerLaw ? "power-law" : "constant-product";
}

Status PriceImpactModel::validate() const {
  if (model == ImpactModel::kConstantProduct) {
    if (!(pool_reserve > 0.0) || !finite(pool_reserve)) {
      return Status::invalid(fmt::format(
          "impact: pool_reserve {} must be > 0 (coins of the asset in the pool)", pool_reserve));
    }
  } else {
    if (!(adv > 0.0) || !finite(adv)) {
      return Status::invalid(
          fmt::format("impact: adv {} must be > 0 (average daily volume, coins)", adv));
    }
    if (!(coefficient > 0.0) || !finite(coefficient)) {
      return Status::invalid(fmt::format("impact: coefficient {} must be > 0", coefficient));
    }
    if (!(exponent > 0.0 && exponent <= 1.0)) {
      return Status::invalid(fmt::format(
          "impact: exponent {} must be in (0, 1]; 0.5 is the square-root law", exponent));
    }
  }
  return Status::ok();
}

double PriceImpactModel::price_after(double price, double sold) const {
  if (!(sold > 0.0)) return price;
  if (model == ImpactModel::kConstantProduct) {
    const double r = pool_reserve / (pool_reserve + sold);
    return price * r * r;
  }
  return price * std::max(0.0, 1.0 - coefficient * std::pow(sold / adv, exponent));
}

Status CascadeOptions::validate() const {
  if (asset.empty()) return Status::invalid("cascade: asset is empty; name the shocked asset");
  if (!(shock >= 0.0 && shock < 1.0)) {
    return Status::invalid(
        fmt::format("cascade: shock {} must be in [0, 1) (0.3 = a 30% fall)", shock));
  }
  KEEL_RETURN_IF_ERROR(impact.validate());
  if (max_rounds < 1) {
    return Status::invalid(fmt::format("cascade: max_rounds {} must be ≥ 1", max_rounds));
  }
  if (!(tolerance >= 0.0) || !finite(tolerance)) {
    return Status::invalid(fmt::format("cascade: tolerance {} must be ≥ 0", tolerance));
  }
  if (!(wipeout_fraction >= 0.0 && wipeout_fraction < 1.0)) {
    return Status::invalid(
        fmt::format("cascade: wipeout_fraction {} must be in [0, 1)", wipeout_fraction));
  }
  if (wipeout_grid < 1) {
    return Status::invalid(fmt::format("cascade: wipeout_grid {} must be ≥ 1", wipeout_grid));
  }
  if (!(shock_tolerance > 0.0 && shock_tolerance < 0.5)) {
    return Status::invalid(
        fmt::format("cascade: shock_tolerance {} must be in (0, 0.5)", shock_tolerance));
  }
  return Status::ok();
}

Result<CascadeResult> run_cascade(const BoundBook& bound, std::span<const double> prices,
                                  Timestamp now, std::span<const MarketBorrower> market,
                                  const CascadeOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const Book& book = *bound.book;
  const auto it = std::find(bound.assets.begin(), bound.assets.end(), options.asset);
  if (it == bound.assets.end()) {
    return Status::invalid(fmt::format(
        "cascade: asset '{}' is not a column of the prices the book is bound to", options.asset));
  }
  const auto column = static_cast<std::size_t>(it - bound.assets.begin());
  if (prices.size() != bound.assets.size()) {
    return Status::invalid(
        fmt::format("cascade: {} prices for {} assets", prices.size(), bound.assets.size()));
  }
  for (std::size_t i = 0; i < market.size(); ++i)
    KEEL_RETURN_IF_ERROR(check_borrower(market[i], i));
  auto today = value_book(bound, prices, now);
  if (!today) return today.status();

  CascadeResult out;
  out.asset = options.asset;
  out.shock = options.shock;
  out.start_price = prices[column];
  out.shocked_price = out.start_price * (1.0 - options.shock);
  out.book_value_before = today->total_value;

  std::vector<UserLoan> loans;
  std::vector<UserPerp> perps;
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    const auto& cols = bound.columns[p];
    if (const auto* loan = std::get_if<LoanPosition>(&book.positions[p].spec)) {
      UserLoan u{.position = p, .state = *loan, .prices = {}, .shocked = {}, .liquidated = false};
      for (std::size_t c : cols) {
        u.prices.push_back(prices[c]);
        u.shocked.push_back(c == column);
      }
      loans.push_back(std::move(u));
    } else if (const auto* perp = std::get_if<PerpPosition>(&book.positions[p].spec)) {
      if (cols[0] != column || !(perp->contracts > 0.0)) continue;
      auto liq = liquidation_price(*perp);
      if (!liq)
        return liq.status().with_context(fmt::format("position '{}'", book.positions[p].name));
      perps.push_back({.position = p, .perp = perp, .liquidation = *liq, .liquidated = false});
    }
  }
  std::vector<MarketBorrower> borrowers(market.begin(), market.end());
  std::vector<bool> touched(borrowers.size(), false);
  const LendingRules market_rules;

  double price = out.shocked_price;
  double sold = 0.0;
  std::vector<LiquidationEvent> events;
  for (int round = 1; round <= options.max_rounds; ++round) {
    CascadeRound r;
    r.round = round;
    r.price = price;
    for (UserLoan& u : loans) {
      for (std::size_t k = 0; k < u.prices.size(); ++k) {
        if (u.shocked[k]) u.prices[k] = price;
      }
      events.clear();
      const int calls = liquidate_loan(u.state, u.prices, &events);
      r.liquidations += calls;
      u.liquidated = u.liquidated || calls > 0;
      for (const LiquidationEvent& e : events) {
        if (u.shocked[e.collateral]) r.user_sold += e.collateral_seized;
      }
    }
    for (UserPerp& u : perps) {
      if (u.liquidated || !(u.liquidation >= price)) continue;
      u.liquidated = true;
      ++r.liquidations;
      const PerpPosition& perp = *u.perp;
      r.user_sold += perp.settlement == Settlement::kLinear
                         ? perp.contracts * perp.contract_size
                         : perp.contracts * perp.contract_size / price;
    }
    for (std::size_t i = 0; i < borrowers.size(); ++i) {
      MarketBorrower& b = borrowers[i];
      if (!(b.debt > 0.0) || !(b.collateral > 0.0)) continue;
      if (!(b.collateral * price * b.liquidation_threshold < b.debt)) continue;
      const Seizure s = liquidate_borrower(b, price, market_rules);
      r.liquidations += s.calls;
      r.market_sold += s.seized;
      touched[i] = true;
    }
    out.rounds.push_back(r);
    if (r.liquidations == 0) {
      out.converged = true;
      break;
    }
    sold += r.market_sold + r.user_sold;
    const double next = options.impact.price_after(out.shocked_price, sold);
    const bool still = std::abs(next - price) <= options.tolerance * price;
    price = next;
    if (still) {
      out.converged = true;
      break;
    }
  }
  out.final_price = price;
  out.total_sold = sold;

  // The book after: loans in their liquidated state, liquidated perps at 0, the rest revalued.
  std::vector<double> final_prices(prices.begin(), prices.end());
  final_prices[column] = price;
  out.book_value_after = book.cash;
  out.positions.resize(book.positions.size());
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    CascadePositionOutcome& o = out.positions[p];
    o.name = book.positions[p].name;
    o.value_before = today->positions[p].value;
    auto value = value_position(book.positions[p].spec, final_prices, bound.columns[p], now);
    if (!value) return value.status().with_context(fmt::format("position '{}'", o.name));
    o.value_after = value->value;
  }
  for (UserLoan& u : loans) {
    for (std::size_t k = 0; k < u.prices.size(); ++k) {
      if (u.shocked[k]) u.prices[k] = price;
    }
    const LoanMarks m = mark_loan(u.state, u.prices);
    CascadePositionOutcome& o = out.positions[u.position];
    o.value_after = m.value;
    o.liquidated = u.liquidated;
    o.bad_debt = m.collateral_value <= 0.0 ? m.debt_value : 0.0;
    out.user_bad_debt += o.bad_debt;
  }
  for (const UserPerp& u : perps) {
    if (!u.liquidated) continue;
    out.positions[u.position].value_after = 0.0;
    out.positions[u.position].liquidated = true;
  }
  for (CascadePositionOutcome& o : out.positions) {
    o.loss = o.value_before - o.value_after;
    out.book_value_after += o.value_after;
  }
  out.user_loss = out.book_value_before - out.book_value_after;
  for (std::size_t i = 0; i < borrowers.size(); ++i) {
    if (!touched[i]) continue;
    out.market_borrowers_liquidated += borrowers[i].count;
    out.market_collateral_seized += market[i].collateral - borrowers[i].collateral;
    if (borrowers[i].collateral <= 0.0) out.market_bad_debt += borrowers[i].debt;
  }
  out.protocol_bad_debt = out.market_bad_debt + out.user_bad_debt;
  return out;
}

Result<CascadeResult> run_cascade_with_wipeout(const BoundBook& bound,
                                               std::span<const double> prices, Timestamp now,
                                               std::span<const MarketBorrower> market,
                                               const CascadeOptions& options) {
  auto result = run_cascade(bound, prices, now, market, options);
  if (!result) return result;
  const double before = result->book_value_before;
  if (!(before > 0.0)) return result;  // nothing to wipe out
  const double floor = options.wipeout_fraction * before + 1e-12 * before;
  CascadeOptions probe = options;
  const auto wiped = [&](double shock) -> Result<bool> {
    probe.shock = shock;
    auto r = run_cascade(bound, prices, now, market, probe);
    if (!r) return r.status();
    return r->book_value_after <= floor;
  };
  // The value after the cascade is not monotone in the shock (a larger gap can liquidate a loan
  // once at 100% close factor where a smaller one liquidates it by halves into bad debt), so the
  // first wiped-out shock on a grid brackets the answer before bisection.
  constexpr double kMaxShock = 0.99;
  const int steps = options.wipeout_grid;
  double lo = 0.0;
  double hi = -1.0;
  for (int k = 0; k <= steps; ++k) {
    const double shock = kMaxShock * k / steps;
    auto w = wiped(shock);
    if (!w) return w.status();
    if (*w) {
      hi = shock;
      break;
    }
    lo = shock;
  }
  if (hi < 0.0) return result;  // not wiped out up to 99%
  if (hi == 0.0) {
    result->wipeout_shock = 0.0;
    return result;
  }
  while (hi - lo > options.shock_tolerance) {
    const double mid = 0.5 * (lo + hi);
    auto w = wiped(mid);
    if (!w) return w.status();
    (*w ? hi : lo) = mid;
  }
  result->wipeout_shock = hi;
  return result;
}

}  // namespace keel
